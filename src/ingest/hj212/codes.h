// Pollutant codes: HJ/T 212-2005 ("old", the 原编码 column of HJ 212-2017 Tables B.1/B.2)
// to HJ 212-2017 codes. Unknown old codes are returned unchanged (some 2005-era devices
// already send the 6-character codes).
// TODO(registry): move to the model's parameter registry once it lands on main.
#pragma once

#include <string_view>

namespace skyriver::hj212 {

std::string_view code_from_2005(std::string_view old_code);
std::string_view code_to_2005(std::string_view code);  // the old code, or `code` if none

}  // namespace skyriver::hj212

// Pollutant names as official documents print them (GB 3095 / HJ 633 subscripts): PM₂.₅ PM₁₀
// SO₂ NO₂ CO O₃. o3 and o3_8h are both O₃: a primary pollutant names the substance, not the
// statistic. The platform codes (edition.h code()) stay for machines (JSON, API).
#pragma once

#include "standards/edition.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace skyriver::standards {

std::string_view official_name(Pollutant p);
// The official names of a bitmask, O₃ once, joined by `sep` ("" for none).
std::string official_names(std::uint8_t mask, std::string_view sep = "、");

}  // namespace skyriver::standards

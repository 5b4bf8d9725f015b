// Which HJ 212 edition a frame speaks, from the protocol-version bits of its Flag (the bits
// above D and A, i.e. Flag >> 2): 0 = HJ/T 212-2005 (also: no Flag at all, as 2005 devices
// send), 1 = HJ 212-2017, 2 = HJ 212-2025 (see edition2025.h: taken from public code, the text
// of the 2025 edition is not in our hands). Other versions are a Flag error.
#pragma once

#include <optional>
#include <string_view>

namespace skyriver::hj212 {

enum class Edition { hj2005, hj2017, hj2025 };

std::string_view edition_name(Edition e);                  // "2005", "2017", "2025"
std::optional<Edition> parse_edition(std::string_view s);  // "2005"/"2017"/"2025"
std::optional<Edition> edition_from_flag(std::optional<int> flag);
int version_bits(Edition e);  // the value of Flag >> 2 we send for this edition

}  // namespace skyriver::hj212

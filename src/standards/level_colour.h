// The official colour of an AQI level as the "#rrggbb" text pages and documents use
// (HJ 633 Table 2 / 2026 Table 1 RGB, via level_info).
#pragma once

#include <string>

#include "standards/aqi.h"

namespace skyriver::standards {

// "#aaaaaa" (grey) outside 1..6.
std::string colour_hex(Edition e, int level);

}  // namespace skyriver::standards

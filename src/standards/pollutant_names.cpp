#include "standards/pollutant_names.h"

#include <array>

namespace skyriver::standards {

std::string_view official_name(Pollutant p) {
  static constexpr std::array<std::string_view, kPollutantCount> names{"PM₂.₅", "PM₁₀", "SO₂", "NO₂", "CO", "O₃", "O₃"};
  return names[unsigned(p)];
}

std::string official_names(std::uint8_t mask, std::string_view sep) {
  if ((mask & bit(Pollutant::o3)) && (mask & bit(Pollutant::o3_8h))) mask &= std::uint8_t(~bit(Pollutant::o3_8h));
  std::string s;
  for (Pollutant p : kPollutants)
    if (mask & bit(p)) {
      if (!s.empty()) s += sep;
      s += official_name(p);
    }
  return s;
}

}  // namespace skyriver::standards

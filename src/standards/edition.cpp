#include "standards/edition.h"

namespace skyriver::standards {

Edition edition_for(core::Date d) { return d < kEdition2026Start ? Edition::e2012 : Edition::e2026; }

std::string_view edition_name(Edition e) { return e == Edition::e2012 ? "2012" : "2026"; }

std::optional<Edition> parse_edition(std::string_view s) {
  if (s == "2012") return Edition::e2012;
  if (s == "2026") return Edition::e2026;
  return std::nullopt;
}

namespace {
constexpr std::array<std::string_view, kPollutantCount> kCodes{"pm25", "pm10", "so2", "no2",
                                                               "co",   "o3",   "o3_8h"};
}

std::string_view code(Pollutant p) { return kCodes[unsigned(p)]; }

std::optional<Pollutant> pollutant_from_code(std::string_view c) {
  for (int i = 0; i < kPollutantCount; ++i)
    if (kCodes[i] == c) return Pollutant(i);
  return std::nullopt;
}

std::string codes_of(std::uint8_t mask, std::string_view sep) {
  std::string s;
  for (int i = 0; i < kPollutantCount; ++i)
    if (mask & (1u << i)) {
      if (!s.empty()) s += sep;
      s += kCodes[i];
    }
  return s;
}

}  // namespace skyriver::standards

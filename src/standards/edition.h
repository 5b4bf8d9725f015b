// Which edition of the air standards applies, and the AQI pollutant codes.
//
// Data before 2026-03-01 (Beijing date) follow HJ 633-2012 / GB 3095-2012 / HJ 663-2013; data on
// or after it follow the 2026 editions. GB 3095-2026 uses transitional limits until 2030-12-31 and
// final limits from 2031-01-01. Callers may always force an edition instead of asking by date.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace skyriver::standards {

enum class Edition : std::uint8_t { e2012, e2026 };

inline constexpr core::Date kEdition2026Start{2026, 3, 1};
Edition edition_for(core::Date d);
std::string_view edition_name(Edition e);                 // "2012" | "2026"
std::optional<Edition> parse_edition(std::string_view s);  // "2012" | "2026"

// The indicators of the AQI. `o3` is a 1-hour value (real-time) or the daily maximum 1-hour value
// (2012 daily report); `o3_8h` an 8-hour moving mean (2012 real-time) or the daily maximum 8-hour
// mean (daily report). Order is fixed: it indexes arrays and bitmasks.
enum class Pollutant : std::uint8_t { pm25, pm10, so2, no2, co, o3, o3_8h };
inline constexpr int kPollutantCount = 7;
inline constexpr std::array<Pollutant, kPollutantCount> kPollutants{
    Pollutant::pm25, Pollutant::pm10, Pollutant::so2, Pollutant::no2,
    Pollutant::co,   Pollutant::o3,   Pollutant::o3_8h};

std::string_view code(Pollutant p);  // platform code: pm25 pm10 so2 no2 co o3 o3_8h
std::optional<Pollutant> pollutant_from_code(std::string_view code);
inline constexpr std::uint8_t bit(Pollutant p) { return std::uint8_t(1u << unsigned(p)); }
// The codes of a bitmask of pollutants in Pollutant order, joined by `sep` ("" for none).
std::string codes_of(std::uint8_t mask, std::string_view sep = ",");

}  // namespace skyriver::standards

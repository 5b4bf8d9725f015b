// The air-quality questions asked of the engine: hourly and daily AQI, the period summary and
// the county ranking, for one site, one county/district or the city. Every number comes from
// standards/ (HJ 633 AQI, HJ 663 daily statistics, area means, composite index); this file only
// gathers the hourly values those functions take.
//
// A target is a site id or an area code. An area's values are computed from the area's hourly
// series (per hour, the mean of its sites' valid values, standards::area_mean), over the air
// sites of the area that are not reference stations (对照点); the city covers all its areas.
// A site counts from its first value of that pollutant until it has been silent kSilentDays
// (stations not yet built or long stopped do not count against the area's 75 % rule; a station
// merely late with the current hour does, so the live edge never rests on the first reporter).
// Hours marked invalid (source flag not N, or audit) are missing; dust-marked hours stay in the
// AQI and the good-day count but a day holding any is a dust day for the summary (its PM values
// leave the composite index, per 环办监测〔2016〕120号 as standards::summarize_period applies it).
// The edition of the standards follows the date (standards::edition_for).
// Function-zone class: a target is class 2 unless the caller says class 1 (a site in a nature
// reserve...); it sets the O3 8-h limit that keeps a short O3 day valid (HJ 663 6.1.2 exception:
// 100 for class 1, 160 for class 2, GB 3095 Table 1).
// Rankings rank only figures that reach their data minimum (standards/data_minimum.h): an area
// with two valid days gets its figures shown, rank 0.
// Daily records of a target made by air_target() are kept in the engine's DailyCache
// (daily_cache.h) and recomputed only for the days whose hours changed since: the answers are
// exactly those of the full computation (a Target built by hand, without a cache, computes all).
// Call these inside Engine::read().
#pragma once

#include "engine/daily_cache.h"
#include "engine/engine.h"
#include "standards/air_stats.h"
#include "standards/composite.h"

#include <string>
#include <vector>

namespace skyriver::engine {

inline constexpr int kSilentDays = 30;

struct Target {
  std::string id, name;
  bool area = false;
  standards::ZoneClass zone = standards::ZoneClass::class2;
  std::vector<const HourlySeries*> series[6];  // per pollutant (pm25 pm10 so2 no2 co o3), one per site
  DailyCache* cache = nullptr;  // the engine's (air_target sets it); nullptr: no caching
  standards::AreaConfig area_rule;  // the engine's (air_target sets it): when an area hour is valid
};
// The same target under another area rule (e.g. any site reporting: min_valid_share 0), to show
// what the rule changes; it does not use the engine's cache, whose records follow the engine's rule.
Target with_area_rule(Target t, standards::AreaConfig rule);
// Throws core::Error("site or area", why) when `id` names neither.
Target air_target(const Engine& e, const std::string& id,
                  standards::ZoneClass zone = standards::ZoneClass::class2);

struct HourAqi {
  core::Instant time = 0;
  standards::HourlyInput values;
  standards::AqiResult aqi;
};
std::vector<HourAqi> hourly_aqi(const Target& t, core::Instant from, core::Instant to);

// One record per day of [from, to).
std::vector<standards::DailyRecord> daily_records(const Target& t, core::Date from, core::Date to);

standards::PeriodSummary summary(const Target& t, core::Date from, core::Date to);

enum class RankBy { composite, pm25, good_ratio };
struct RankRow {
  std::string area, name;
  int rank = 0;  // 1 = best; 0 = no statistic reaching its data minimum (listed last)
  standards::PeriodSummary now, last_year;
  standards::PeriodChange change;
};
// The districts and counties of the city over [from, to), ranked; ties share a rank.
std::vector<RankRow> ranking(const Engine& e, core::Date from, core::Date to, RankBy by);

core::Date same_day_last_year(core::Date d);

}  // namespace skyriver::engine

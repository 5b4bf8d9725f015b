#include "api/aqi_json.h"

#include "api/routes.h"
#include "standards/day_status.h"
#include "standards/rounding.h"

#include <cstdio>

namespace skyriver::api {

namespace st = skyriver::standards;
using nlohmann::json;

json primary_json(std::uint8_t bits) {
  json out = json::array();
  for (auto p : st::kPollutants)
    if (bits & st::bit(p)) out.push_back(std::string(st::code(p)));
  return out;
}

void put_aqi(json& j, st::Edition e, const st::AqiResult& r) {
  const int level = r.level();
  j["aqi"] = r.aqi ? json(*r.aqi) : json(nullptr);
  j["level"] = level ? json(level) : json(nullptr);
  j["category"] = level ? json(std::string(st::level_info(e, level).category_zh)) : json(nullptr);
  j["category_en"] = level ? json(std::string(st::level_info(e, level).category_en)) : json(nullptr);
  j["color"] = colour_hex(e, level);
  j["primary"] = primary_json(r.primary);
  json iaqi = json::object();
  for (auto p : st::kPollutants)
    if (r.iaqi[static_cast<int>(p)]) iaqi[std::string(st::code(p))] = *r.iaqi[static_cast<int>(p)];
  j["iaqi"] = iaqi;
  j["edition"] = std::string(st::edition_name(e));
}

static json conc_json(const st::DailyInput& v) {
  auto r = [](st::Pollutant p, double x) { return number_or_null(st::round_report(p, x)); };
  using P = st::Pollutant;
  return {{"pm25", r(P::pm25, v.pm25)}, {"pm10", r(P::pm10, v.pm10)}, {"so2", r(P::so2, v.so2)},
          {"no2", r(P::no2, v.no2)},    {"co", r(P::co, v.co)},       {"o3_8h", r(P::o3_8h, v.o3_8h)},
          {"o3", r(P::o3, v.o3)}};
}

json daily_json(const st::DailyRecord& d) {
  json j{{"date", core::format_date(d.date)}, {"concentrations", conc_json(d.values)}};
  put_aqi(j, st::edition_for(d.date), d.aqi);
  // How the day counts in the good-day ratio (standards/day_status.h): good | not_good | invalid.
  const auto status = st::day_status(d.values, d.aqi);
  j["counts"] = status == st::DayStatus::good ? "good" : status == st::DayStatus::not_good ? "not_good" : "invalid";
  if (d.dust) j["dust"] = true;
  return j;
}

json summary_json(const st::PeriodSummary& s) {
  json conc = json::object(), days = json::object(), complete = json::object();
  for (auto p : st::kPollutants) {
    if (p == st::Pollutant::o3) continue;
    conc[std::string(st::code(p))] = number_or_null(s.conc[static_cast<int>(p)]);
    days[std::string(st::code(p))] = s.conc_days[static_cast<int>(p)];
    complete[std::string(st::code(p))] = s.conc_complete[static_cast<int>(p)];
  }
  json single = json::object();
  for (auto p : st::kPollutants)
    if (p != st::Pollutant::o3) single[std::string(st::code(p))] = number_or_null(st::round_half_even(s.composite.single[static_cast<int>(p)], 2));
  json levels = json::array();
  for (int l = 1; l <= 6; ++l) levels.push_back(s.days_per_level[l]);
  return {{"days", s.days},
          {"valid_days", s.valid_days},
          {"good_days", s.good_days},
          {"good_ratio", number_or_null(s.good_ratio)},
          {"days_per_level", levels},
          {"heavy_days", s.heavy_days},
          {"dust_days", s.dust_days},
          {"concentrations", conc},
          {"concentration_days", days},
          {"concentration_complete", complete},  // reaches the data minimum (standards/data_minimum.h)
          {"required_days", s.required_days},
          {"days_complete", s.days_complete},
          {"complete", s.complete},
          {"composite", number_or_null(s.composite.total)},
          {"single_index", single},
          {"composite_primary", primary_json(s.composite.primary)}};
}

json change_json(const st::PeriodChange& c) {
  json conc = json::object();
  for (auto p : st::kPollutants)
    if (p != st::Pollutant::o3) conc[std::string(st::code(p))] = number_or_null(c.conc_pct[static_cast<int>(p)]);
  return {{"composite_pct", number_or_null(c.composite_pct)},
          {"good_ratio_points", number_or_null(c.good_ratio_points)},
          {"concentrations_pct", conc}};
}

}  // namespace skyriver::api

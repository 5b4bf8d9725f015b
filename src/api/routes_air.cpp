// Routes of air quality: AQI levels, hourly and daily AQI of a site or area, the period summary
// and the county ranking. The numbers come from engine/air.h (over standards/).
#include "api/aqi_json.h"
#include "api/openapi.h"
#include "api/routes.h"
#include "engine/air.h"

namespace skyriver::api {

namespace st = skyriver::standards;
using nlohmann::json;


// The target of a request: exactly one of site= / area=. A site configured with
// attributes.zone_class = "1" (a class-1 function zone, GB 3095) is judged with the class-1 O3
// limit in the O3 8-h validity exception (docs/targets.md); everything else is class 2.
static engine::Target target_of(const engine::Engine& e, const Request& req, const model::CityConfig* city) {
  if (req.has("site") == req.has("area")) throw bad_parameter("site", "give exactly one of 'site' or 'area'");
  const std::string name = req.has("site") ? "site" : "area";
  const std::string& id = req.get(name);
  if (name == "site" ? !e.site(id) : !e.area(id))
    throw ApiError(404, "not_found", "parameter '" + name + "': no " + name + " " + in_quotes(id), name);
  const model::Site* site = city && name == "site" ? city->site(id) : nullptr;
  const bool class1 = site && site->attribute("zone_class") == "1";
  return engine::air_target(e, id, class1 ? st::ZoneClass::class1 : st::ZoneClass::class2);
}

// [from, to) as dates, defaulting to `days` days ending with the data's latest day.
static std::pair<core::Date, core::Date> date_range(const engine::Engine& e, const Request& req, int days, bool year_to_date) {
  auto last = e.latest_hour();
  core::Date end = last ? core::add_days(core::beijing_date(*last), 1) : core::Date{1970, 1, 2};
  if (auto t = time_param(req, "to")) end = core::beijing_date(*t - 1 + core::kDay) ;
  core::Date begin = year_to_date ? core::Date{core::add_days(end, -1).year, 1, 1} : core::add_days(end, -days);
  if (auto f = time_param(req, "from")) begin = core::beijing_date(*f);
  if (core::days_from_civil(end) <= core::days_from_civil(begin)) throw bad_parameter("to", "must be after 'from'");
  if (core::days_from_civil(end) - core::days_from_civil(begin) > 11 * 366) throw bad_parameter("from", "the period may not exceed 11 years");
  return {begin, end};
}

// The fields put_aqi writes (api/aqi_json.cpp), and an answer's object of them with `more`.
static json aqi_object(std::vector<std::pair<std::string, json>> more) {
  more.insert(more.end(), {{"aqi", schema::nullable(schema::integer())},
                           {"level", schema::nullable(schema::integer())},
                           {"color", schema::string()},
                           {"primary", schema::array(schema::string())}});
  return schema::object(std::move(more));
}

static const ParamDoc kSite{"site", "query", "string", "site code (give site or area)", false, {}, "1724A"};
static const ParamDoc kArea{"area", "query", "string", "area code: 140200 the city, or a district/county (give site or area)", false, {}, "140200"};

void add_air_routes(Router& router, Context& ctx) {
  engine::Engine& eng = ctx.engine;

  router.add("GET", "/api/aqi/levels",
             {"The six AQI levels of HJ 633 with their official colours and advice", "air", {}, "application/json",
              schema::array(schema::object({{"level", schema::integer()}, {"min", schema::integer()}, {"color", schema::string()},
                                           {"category", schema::string()}}))},
             [](const Request&) {
               json out = json::array();
               const int mins[] = {0, 51, 101, 151, 201, 301}, maxs[] = {50, 100, 150, 200, 300, 500};
               for (int l = 1; l <= 6; ++l) {
                 const auto& info = st::level_info(st::Edition::e2012, l);
                 out.push_back({{"level", l}, {"min", mins[l - 1]}, {"max", l == 6 ? json(nullptr) : json(maxs[l - 1])},
                                {"color", colour_hex(st::Edition::e2012, l)},
                                {"category", std::string(info.category_zh)}, {"category_en", std::string(info.category_en)},
                                {"advice", std::string(info.advice_zh)}, {"advice_en", std::string(info.advice_en)}});
               }
               return json_answer(out);
             });

  router.add("GET", "/api/aqi/hourly",
             cached({"Hourly (real-time) AQI of a site or area over [from, to) (default: the last 24 hours of data)", "air",
              {kSite, kArea,
               {"from", "query", "string", "start, Beijing date or time", false, {}, "2019-12-31"},
               {"to", "query", "string", "end (exclusive), Beijing date or time", false, {}, "2020-01-01"}},
              "application/json",
              schema::array(aqi_object({{"time", schema::string()}, {"values", schema::any_object()}}))}),
             [&eng, &ctx](const Request& req) {
               return eng.read([&](const engine::Engine& e) {
                 auto t = target_of(e, req, ctx.city);
                 auto last = e.latest_hour();
                 core::Instant to = time_param(req, "to").value_or(last ? *last + core::kHour : 0);
                 core::Instant from = time_param(req, "from").value_or(to - 24 * core::kHour);
                 if (to <= from) throw bad_parameter("to", "must be after 'from'");
                 if (to - from > 400 * core::kDay) throw bad_parameter("from", "at most 400 days of hours per request");
                 json out = json::array();
                 for (const auto& h : engine::hourly_aqi(t, from, to)) {
                   json j{{"time", core::format_iso(h.time)},
                          {"values", {{"pm25", number_or_null(h.values.pm25)}, {"pm10", number_or_null(h.values.pm10)},
                                      {"so2", number_or_null(h.values.so2)}, {"no2", number_or_null(h.values.no2)},
                                      {"co", number_or_null(h.values.co)}, {"o3", number_or_null(h.values.o3)}}}};
                   put_aqi(j, st::edition_for(core::beijing_date(h.time)), h.aqi);
                   out.push_back(std::move(j));
                 }
                 return json_answer(out);
               });
             });

  router.add("GET", "/api/aqi/daily",
             cached({"Daily AQI of a site or area (HJ 663 daily statistics, HJ 633 daily report) for each day of [from, to) "
              "(default: the last 30 days of data)", "air",
              {kSite, kArea,
               {"from", "query", "string", "first day, YYYY-MM-DD (Beijing)", false, {}, "2019-01-01"},
               {"to", "query", "string", "day after the last, YYYY-MM-DD", false, {}, "2020-01-01"}},
              "application/json",
              schema::array(aqi_object({{"date", schema::string()}, {"concentrations", schema::any_object()}}))}),
             [&eng, &ctx](const Request& req) {
               return eng.read([&](const engine::Engine& e) {
                 auto t = target_of(e, req, ctx.city);
                 auto [from, to] = date_range(e, req, 30, false);
                 json out = json::array();
                 for (const auto& d : engine::daily_records(t, from, to)) out.push_back(daily_json(d));
                 return json_answer(out);
               });
             });

  router.add("GET", "/api/summary",
             cached({"Period summary of a site or area over [from, to) (default: the year so far): composite index, "
              "good-day ratio, days per level, statistics of each pollutant, and the change against the same period last year",
              "air",
              {kSite, kArea,
               {"from", "query", "string", "first day, YYYY-MM-DD", false, {}, "2019-01-01"},
               {"to", "query", "string", "day after the last, YYYY-MM-DD", false, {}, "2020-01-01"}},
              "application/json",
              schema::object({{"from", schema::string()}, {"to", schema::string()},
                              {"good_ratio", schema::nullable(schema::number())}, {"composite", schema::nullable(schema::number())},
                              {"concentrations", schema::any_object()}, {"last_year", schema::any_object()},
                              {"change", schema::any_object()}})}),
             [&eng, &ctx](const Request& req) {
               return eng.read([&](const engine::Engine& e) {
                 auto t = target_of(e, req, ctx.city);
                 auto [from, to] = date_range(e, req, 0, true);
                 auto now = engine::summary(t, from, to);
                 auto last = engine::summary(t, engine::same_day_last_year(from), engine::same_day_last_year(to));
                 json j = summary_json(now);
                 j["target"] = t.id;
                 j["name"] = t.name;
                 j["from"] = core::format_date(from);
                 j["to"] = core::format_date(to);
                 j["last_year"] = summary_json(last);
                 j["change"] = change_json(st::compare_periods(now, last));
                 return json_answer(j);
               });
             });

  router.add("GET", "/api/ranking",
             cached({"Ranking of the districts and counties over [from, to) (default: the year so far), with the change "
              "against the same period last year; ties share a rank, areas without a valid statistic come last with rank null",
              "air",
              {{"from", "query", "string", "first day, YYYY-MM-DD", false, {}, "2019-01-01"},
               {"to", "query", "string", "day after the last, YYYY-MM-DD", false, {}, "2020-01-01"},
               {"by", "query", "string", "composite (default, ascending), pm25 (ascending) or good_ratio (descending)", false,
                {"composite", "pm25", "good_ratio"}, "composite"}},
              "application/json",
              schema::object({{"from", schema::string()}, {"to", schema::string()}, {"by", schema::string()}, {"rows", schema::array()}})}),
             [&eng, &ctx](const Request& req) {
               const std::string by = req.has("by") ? req.get("by") : "composite";
               const engine::RankBy rb = by == "pm25" ? engine::RankBy::pm25
                                         : by == "good_ratio" ? engine::RankBy::good_ratio
                                                              : engine::RankBy::composite;
               return eng.read([&](const engine::Engine& e) {
                 auto [from, to] = date_range(e, req, 0, true);
                 json rows = json::array();
                 for (const auto& r : engine::ranking(e, from, to, rb)) {
                   json s = summary_json(r.now);
                   rows.push_back({{"rank", r.rank ? json(r.rank) : json(nullptr)},
                                   {"area", r.area},
                                   {"name", r.name},
                                   {"composite", s["composite"]},
                                   {"pm25", s["concentrations"]["pm25"]},
                                   {"good_ratio", s["good_ratio"]},
                                   {"valid_days", r.now.valid_days},
                                   {"composite_change_pct", number_or_null(r.change.composite_pct)},
                                   {"pm25_change_pct", number_or_null(r.change.conc_pct[static_cast<int>(st::Pollutant::pm25)])},
                                   {"good_ratio_change_points", number_or_null(r.change.good_ratio_points)},
                                   {"summary", s}});
                 }
                 return json_answer({{"from", core::format_date(from)}, {"to", core::format_date(to)}, {"by", by}, {"rows", rows}});
               });
             });
}

}  // namespace skyriver::api

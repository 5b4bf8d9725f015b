// Routes about sites, areas, latest values and series.
#include "api/aqi_json.h"
#include "api/openapi.h"
#include "api/routes.h"
#include "engine/air.h"
#include "engine/latest.h"
#include "core/error.h"
#include "core/store_error.h"
#include "standards/air_stats.h"
#include "standards/rounding.h"
#include "standards/water_eval.h"

#include <cmath>

namespace skyriver::api {

using nlohmann::json;

static json site_json(const engine::Site& s) {
  json j{{"id", s.id}, {"name", s.name}, {"kind", s.kind}, {"area", s.area}};
  if (s.has_position) {
    j["lon"] = s.lon;
    j["lat"] = s.lat;
  } else {
    j["lon"] = nullptr;
    j["lat"] = nullptr;
  }
  return j;
}


static const json kSiteSchema{{"type", "object"},
                              {"required", {"id", "name", "kind", "area", "lon", "lat"}},
                              {"properties",
                               {{"id", {{"type", "string"}}},
                                {"name", {{"type", "string"}}},
                                {"kind", {{"type", "string"}, {"enum", {"air", "water", "outlet"}}}},
                                {"area", {{"type", "string"}}},
                                {"lon", {{"type", "number"}, {"nullable", true}}},
                                {"lat", {{"type", "number"}, {"nullable", true}}}}}};

// The real-time class of a water section from its latest values (GB 3838 over the items it
// measures, standards::realtime_class), in the status colour of the evaluation rules.
static void put_water_class(json& j, const engine::Site& s, const engine::Latest& l) {
  namespace st = skyriver::standards;
  st::Concentrations values;
  for (auto& [p, v] : l.values)
    if (v.usable && st::is_class_item(p)) values[p] = v.value;
  if (values.empty()) return;
  const auto body = (s.water_body == "reservoir" || s.water_body == "lake") ? st::WaterBody::Lake : st::WaterBody::River;
  try {
    const auto rt = st::realtime_class(values, body, st::parse_class(s.target_class));
    j["water_class"] = std::string(st::class_name(rt.eval.cls));
    j["water_status"] = std::string(rt.eval.status.name);
    std::string hex(rt.eval.status.colour_hex);
    for (auto& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    j["color"] = hex;
    j["water_basis"] = rt.basis;
    j["main_pollutants"] = rt.eval.main_pollutants;
  } catch (const core::StoreError&) {
    throw;  // the router answers it (503, detail in the log)
  } catch (const core::Error& e) {
    j["water_class"] = nullptr;
    j["water_error"] = e.what();
  }
}

// Day or month statistics of one parameter over the days first..last (inclusive).
// Air pollutants of an air site or area: the standards' daily statistics (HJ 663: 24-h means,
// O3 daily max 1 h and max 8 h) and, per month, the period statistics of summarize_period (C_i:
// means, CO P95, O3-8h P90, dust days' PM left out). Other parameters: the mean of the valid
// hours (standards::mean_of), per day or month.
static json period_points(const engine::Engine& e, const std::string& id, const std::string& param,
                          const std::string& interval, core::Date first, core::Date last) {
  namespace st = skyriver::standards;
  const core::Date end = core::add_days(last, 1);
  json points = json::array();
  const auto pol = st::pollutant_from_code(param);
  const engine::Site* site = e.site(id);
  const bool air = pol && (!site || site->kind == "air");
  auto month_end = [](core::Date d) {
    return d.month == 12 ? core::Date{d.year + 1, 1, 1} : core::Date{d.year, d.month + 1, 1};
  };
  if (air) {
    const auto target = engine::air_target(e, id);
    if (interval == "day") {
      for (const auto& d : engine::daily_records(target, first, end)) {
        const st::DailyInput& v = d.values;
        const double x[] = {v.pm25, v.pm10, v.so2, v.no2, v.co, v.o3, v.o3_8h};
        points.push_back({{"time", core::format_date(d.date)},
                          {"value", number_or_null(st::round_report(*pol, x[static_cast<int>(*pol)]))}});
      }
    } else {
      for (core::Date m{first.year, first.month, 1}; m < end; m = month_end(m)) {
        const auto s = engine::summary(target, std::max(m, first), std::min(month_end(m), end));
        points.push_back({{"time", core::format_date(m).substr(0, 7)}, {"value", number_or_null(s.conc[static_cast<int>(*pol)])}});
      }
    }
    return points;
  }
  const engine::HourlySeries* s = e.series(id, param);
  auto mean_over = [&](core::Date a, core::Date b) {
    std::vector<double> v;
    for (core::Instant t = core::beijing_midnight(a); t < core::beijing_midnight(b); t += core::kHour)
      v.push_back(s ? s->usable(t) : std::nan(""));
    return st::mean_of(v).mean;
  };
  if (interval == "day") {
    for (core::Date d = first; d < end; d = core::add_days(d, 1))
      points.push_back({{"time", core::format_date(d)}, {"value", number_or_null(mean_over(d, core::add_days(d, 1)))}});
  } else {
    for (core::Date m{first.year, first.month, 1}; m < end; m = month_end(m))
      points.push_back({{"time", core::format_date(m).substr(0, 7)},
                        {"value", number_or_null(mean_over(std::max(m, first), std::min(month_end(m), end)))}});
  }
  return points;
}

void add_site_routes(Router& router, Context& ctx) {
  engine::Engine& eng = ctx.engine;

  router.add("GET", "/api/health",
             {"Server state: the data's latest hour (the platform's \"now\") and how many values are held", "meta", {},
              "application/json",
              schema::object({{"status", schema::string()}, {"now", schema::nullable(schema::string())}, {"values", schema::integer()}})},
             [&eng](const Request&) {
               return eng.read([](const engine::Engine& e) {
                 auto now = e.latest_hour();
                 return json_answer({{"status", "ok"},
                            {"now", now ? json(core::format_iso(*now)) : json(nullptr)},
                            {"values", e.value_count()},
                            {"sites", e.sites().size()}});
               });
             });

  router.add("GET", "/api/sites",
             {"Sites of the city (air stations, water sections, outlets)", "sites",
              {{"kind", "query", "string", "only sites of this kind", false, {"air", "water", "outlet"}, "air"}},
              "application/json",
              {{"type", "array"}, {"items", kSiteSchema}}},
             [&eng](const Request& req) {
               return eng.read([&](const engine::Engine& e) {
                 json out = json::array();
                 for (const auto& s : e.sites())
                   if (!req.has("kind") || s.kind == req.get("kind")) out.push_back(site_json(s));
                 return json_answer(out);
               });
             });

  router.add("GET", "/api/sites/{id}",
             {"One site, with the parameters that have data",
              "sites",
              {{"id", "path", "string", "site code, e.g. 1724A", true, {}, "1724A"}},
              "application/json",
              kSiteSchema},
             [&eng](const Request& req) {
               return eng.read([&](const engine::Engine& e) {
                 const engine::Site* s = e.site(req.get("id"));
                 if (!s) throw ApiError(404, "not_found", "no site " + in_quotes(req.get("id")), "id");
                 json j = site_json(*s);
                 j["parameters"] = e.parameters(s->id);
                 return json_answer(j);
               });
             });

  router.add("GET", "/api/areas",
             {"The city, its districts and counties (administrative codes)", "sites", {}, "application/json",
              schema::array(schema::object({{"code", schema::string()}, {"name", schema::string()},
                                           {"level", {{"type", "string"}, {"enum", {"city", "district", "county"}}}}}))},
             [&eng](const Request&) {
               return eng.read([](const engine::Engine& e) {
                 json out = json::array();
                 for (const auto& a : e.areas())
                   out.push_back({{"code", a.code}, {"name", a.name}, {"level", a.level}, {"parent", a.parent}});
                 return json_answer(out);
               });
             });

  router.add("GET", "/api/sites/{id}/series",
             cached({"Values of one parameter of a site over [from, to): hourly raw values (flagged invalid / dust), or per "
              "day / month: for air pollutants the HJ 663 daily statistics (24-h means, O3 daily max 1 h and 8 h; "
              "time = YYYY-MM-DD) and the monthly period statistics (means, CO P95, O3-8h P90; time = YYYY-MM); "
              "for other parameters the mean of the valid hours",
              "series",
              {{"id", "path", "string", "site code", true, {}, "1724A"},
               {"parameter", "query", "string", "platform parameter code (pm25, o3, codmn, ...)", true, {}, "pm25"},
               {"from", "query", "string", "start, Beijing date or time (default: 24 h before the latest hour; for day/month, its day)", false, {}, "2019-12-31"},
               {"to", "query", "string", "end (exclusive), Beijing date or time (default: after the latest hour)", false, {}, "2020-01-01"},
               {"interval", "query", "string", "hour (default), day or month", false, {"hour", "day", "month"}, "hour"}},
              "application/json",
              schema::object({{"site", schema::string()}, {"parameter", schema::string()}, {"interval", schema::string()},
                              {"from", schema::string()}, {"to", schema::string()},
                              {"points", schema::array(schema::object({{"time", schema::string()},
                                                                       {"value", schema::nullable(schema::number())}}))}})}),
             [&eng](const Request& req) {
               const std::string interval = req.has("interval") ? req.get("interval") : "hour";
               return eng.read([&](const engine::Engine& e) {
                 const std::string& id = req.get("id");
                 const std::string& param = req.get("parameter");
                 if (!e.site(id) && e.parameters(id).empty())
                   throw ApiError(404, "not_found", "no site " + in_quotes(id), "id");
                 auto last = e.latest_hour();
                 core::Instant to = time_param(req, "to").value_or(last ? *last + core::kHour : 0);
                 const core::Instant span = interval == "hour" ? core::kDay : interval == "day" ? 30 * core::kDay : 365 * core::kDay;
                 core::Instant from = time_param(req, "from").value_or(to - span);
                 if (to <= from) throw bad_parameter("to", "must be after 'from'");
                 if (to - from > 11 * 366 * core::kDay) throw bad_parameter("from", "the period may not exceed 11 years");
                 json points = json::array();
                 if (interval != "hour") {
                   points = period_points(e, id, param, interval, core::beijing_date(from), core::beijing_date(to - 1));
                 } else {
                   from -= ((from % core::kHour) + core::kHour) % core::kHour;  // whole hours
                   const engine::HourlySeries* s = e.series(id, param);
                   for (core::Instant t = from; t < to; t += core::kHour) {
                     json p{{"time", core::format_iso(t)}, {"value", s ? number_or_null(s->raw(t)) : json(nullptr)}};
                     if (s) {
                       auto m = s->marks(t);
                       if ((m & engine::kPresent) && (m & (engine::kSourceInvalid | engine::kAuditInvalid))) p["invalid"] = true;
                       if (m & engine::kDust) p["dust"] = true;
                     }
                     points.push_back(std::move(p));
                   }
                 }
                 return json_answer({{"site", id}, {"parameter", param}, {"interval", interval},
                            {"from", core::format_iso(from)}, {"to", core::format_iso(to)}, {"points", points}});
               });
             });

  router.add("GET", "/api/latest",
             cached({"Latest state of every site: the latest hour with data, its values and, for air stations, the hourly AQI (level, official colour, primary pollutants); sites without data are grey (#aaaaaa)", "sites",
              {{"kind", "query", "string", "only sites of this kind", false, {"air", "water", "outlet"}, "air"}},
              "application/json",
              schema::array(schema::object({{"site", schema::string()}, {"name", schema::string()}, {"kind", schema::string()},
                                           {"time", schema::nullable(schema::string())}, {"values", schema::any_object()},
                                           {"color", schema::string()}}))}),
             [&eng](const Request& req) {
               return eng.read([&](const engine::Engine& e) {
                 json out = json::array();
                 for (const auto& s : e.sites()) {
                   if (req.has("kind") && s.kind != req.get("kind")) continue;
                   json j{{"site", s.id}, {"name", s.name}, {"kind", s.kind}, {"time", nullptr}, {"values", json::object()}};
                   if (auto l = engine::latest(e, s.id)) {
                     j["time"] = core::format_iso(l->time);
                     for (auto& [p, v] : l->values) j["values"][p] = v.usable ? number_or_null(v.value) : json(nullptr);
                     if (s.kind == "air") {
                       auto h = engine::hourly_aqi(engine::air_target(e, s.id), l->time, l->time + core::kHour);
                       put_aqi(j, standards::edition_for(core::beijing_date(l->time)), h.at(0).aqi);
                     } else if (s.kind == "water") {
                       put_water_class(j, s, *l);
                     }
                   }
                   if (!j.contains("color")) j["color"] = "#aaaaaa";
                   out.push_back(std::move(j));
                 }
                 return json_answer(out);
               });
             });
}

}  // namespace skyriver::api

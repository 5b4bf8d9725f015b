// Routes about sites, areas, latest values and series.
#include "api/aqi_json.h"
#include "api/routes.h"
#include "engine/air.h"
#include "engine/latest.h"
#include "core/error.h"
#include "standards/water_eval.h"

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

static Response ok(const json& j) {
  Response r;
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
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
  } catch (const core::Error& e) {
    j["water_class"] = nullptr;
    j["water_error"] = e.what();
  }
}

void add_site_routes(Router& router, Context& ctx) {
  engine::Engine& eng = ctx.engine;

  router.add("GET", "/api/health",
             {"Server state: the data's latest hour (the platform's \"now\") and how many values are held", "meta", {},
              "application/json",
              {{"type", "object"}, {"required", {"status", "now", "values"}}}},
             [&eng](const Request&) {
               return eng.read([](const engine::Engine& e) {
                 auto now = e.latest_hour();
                 return ok({{"status", "ok"},
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
                 return ok(out);
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
                 if (!s) throw ApiError(404, "not_found", "no site '" + req.get("id") + "'", "id");
                 json j = site_json(*s);
                 j["parameters"] = e.parameters(s->id);
                 return ok(j);
               });
             });

  router.add("GET", "/api/areas",
             {"The city, its districts and counties (administrative codes)", "sites", {}, "application/json",
              {{"type", "array"},
               {"items", {{"type", "object"}, {"required", {"code", "name", "level"}}}}}},
             [&eng](const Request&) {
               return eng.read([](const engine::Engine& e) {
                 json out = json::array();
                 for (const auto& a : e.areas())
                   out.push_back({{"code", a.code}, {"name", a.name}, {"level", a.level}, {"parent", a.parent}});
                 return ok(out);
               });
             });

  router.add("GET", "/api/sites/{id}/series",
             {"Values of one parameter of a site over [from, to): hourly raw values (flagged), or daily / "
              "monthly statistics of the standards (HJ 663 daily means, O3 daily max 8 h)",
              "series",
              {{"id", "path", "string", "site code", true, {}, "1724A"},
               {"parameter", "query", "string", "platform parameter code (pm25, o3, codmn, ...)", true, {}, "pm25"},
               {"from", "query", "string", "start, Beijing date or time (default: 24 h before the latest hour)", false, {}, "2019-12-31"},
               {"to", "query", "string", "end (exclusive), Beijing date or time (default: after the latest hour)", false, {}, "2020-01-01"},
               {"interval", "query", "string", "hour (default), day or month", false, {"hour", "day", "month"}, "hour"}},
              "application/json",
              {{"type", "object"},
               {"required", {"site", "parameter", "interval", "from", "to", "points"}},
               {"properties",
                {{"points",
                  {{"type", "array"},
                   {"items",
                    {{"type", "object"},
                     {"required", {"time", "value"}},
                     {"properties", {{"time", {{"type", "string"}}}, {"value", {{"type", "number"}, {"nullable", true}}}}}}}}}}}}},
             [&eng](const Request& req) {
               const std::string interval = req.has("interval") ? req.get("interval") : "hour";
               return eng.read([&](const engine::Engine& e) {
                 const std::string& id = req.get("id");
                 const std::string& param = req.get("parameter");
                 if (!e.site(id) && e.parameters(id).empty())
                   throw ApiError(404, "not_found", "no site '" + id + "'", "id");
                 auto last = e.latest_hour();
                 core::Instant to = time_param(req, "to").value_or(last ? *last + core::kHour : 0);
                 core::Instant from = time_param(req, "from").value_or(to - 24 * core::kHour);
                 if (to <= from) throw bad_parameter("to", "must be after 'from'");
                 if (to - from > 11 * 366 * core::kDay) throw bad_parameter("from", "the period may not exceed 11 years");
                 if (interval != "hour") throw bad_parameter("interval", "'" + interval + "' is not available yet");
                 from -= ((from % core::kHour) + core::kHour) % core::kHour;  // whole hours
                 json points = json::array();
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
                 return ok({{"site", id}, {"parameter", param}, {"interval", interval},
                            {"from", core::format_iso(from)}, {"to", core::format_iso(to)}, {"points", points}});
               });
             });

  router.add("GET", "/api/latest",
             {"Latest state of every site: the latest hour with data, its values and, for air stations, the hourly AQI (level, official colour, primary pollutants); sites without data are grey (#aaaaaa)", "sites",
              {{"kind", "query", "string", "only sites of this kind", false, {"air", "water", "outlet"}, "air"}},
              "application/json",
              {{"type", "array"},
               {"items", {{"type", "object"}, {"required", {"site", "name", "kind", "time", "values", "color"}}}}}},
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
                 return ok(out);
               });
             });
}

}  // namespace skyriver::api

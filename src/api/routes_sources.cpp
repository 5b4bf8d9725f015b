// Pollution-source and alarm routes: the enterprises with their monthly figures
// (assess/source_month.h), the alarms (alert/alarm_service.h) and their human steps. Write
// routes need the API token; the acting person is the body's "user" (default "api").
#include "alert/alarm_service.h"
#include "api/openapi.h"
#include "api/routes.h"
#include "assess/source_month.h"
#include "core/error.h"
#include "core/store_error.h"
#include "core/text.h"
#include "ledger/ledger.h"
#include "model/city.h"

#include <chrono>

namespace skyriver::api {

using nlohmann::json;

namespace {

// The data's "now" for sources: the latest outlet hour, else the latest hour of any site, else
// the wall clock (a fresh store).
core::Instant data_now(const engine::Engine& e) {
  if (auto t = e.latest_hour("outlet")) return *t;
  if (auto t = e.latest_hour()) return *t;
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "YYYY-MM" -> (year, month); default: the month of the data's latest hour.
std::pair<int, int> month_param(const Request& req, const engine::Engine& e) {
  if (req.has("month")) {
    int y, m;
    char tail;
    if (std::sscanf(req.get("month").c_str(), "%d-%d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 || y < 1970)
      throw bad_parameter("month", "'" + req.get("month") + "' is not a month YYYY-MM");
    return {y, m};
  }
  const auto d = core::beijing_date(data_now(e));
  return {d.year, d.month};
}




json enterprise_json(const model::Enterprise& ent, const model::CityConfig& city) {
  const auto* a = city.area(ent.area);
  json outlets = json::array();
  for (const auto& id : ent.outlets) {
    const auto* o = city.sources.outlet(id);
    const auto* s = city.site(id);
    if (!o || !s) continue;
    json limits = json::array();
    for (const auto& l : o->limits) {
      auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
      limits.push_back({{"parameter", l.parameter}, {"concentration", opt(l.concentration)}, {"ref_o2", opt(l.ref_o2)},
                        {"daily_kg", opt(l.daily_kg)}, {"annual_t", opt(l.annual_t)}, {"range", opt(l.range)}});
    }
    outlets.push_back({{"id", id}, {"code", o->code}, {"name", o->name}, {"medium", o->medium},
                       {"lon", s->lon ? json(*s->lon) : json(nullptr)}, {"lat", s->lat ? json(*s->lat) : json(nullptr)},
                       {"mn", s->mn}, {"parameters", s->parameters}, {"limits", limits}});
  }
  auto date = [](const std::optional<core::Date>& d) { return d ? json(core::format_date(*d)) : json(nullptr); };
  return {{"id", ent.id},          {"name", ent.name},          {"credit_code", ent.credit_code},
          {"county", ent.area},    {"county_name", a ? a->name : ""}, {"industry", ent.industry},
          {"permit", ent.permit},  {"permit_from", date(ent.permit_from)}, {"permit_to", date(ent.permit_to)},
          {"example", ent.example}, {"outlets", outlets}};
}

const model::CityConfig& city_of(const Context& ctx) {
  if (!ctx.city) throw ApiError(503, "no_sources", "this server has no city configuration");
  return *ctx.city;
}

alert::AlarmService& alarms_of(const Context& ctx) {
  if (!ctx.alarms) throw ApiError(503, "no_alarms", "this server evaluates no alarms (no store)");
  return *ctx.alarms;
}

}  // namespace

void add_source_routes(Router& router, Context& ctx) {
  const ParamDoc month{"month", "query", "string", "month YYYY-MM (default: the month of the latest outlet data)", false, {}, "2024-01"};
  router.add("GET", "/api/sources",
             may_answer({"Enterprises and their outlets (sources.toml) with the month's figures: 联网率 (online outlets / "
              "configured), transmission rate (hours received / expected), validity rate (valid / received hours), "
              "loads against the permit's caps; per enterprise and per county.",
              "sources", {month}, "application/json",
              schema::object({{"month", schema::string()}, {"enterprises", schema::array()}, {"counties", schema::array()}, {"outlets", schema::array()}})}, {503}),
             [&ctx](const Request& req) {
               const auto& city = city_of(ctx);
               json j = ctx.engine.read([&](const engine::Engine& e) {
                 const auto [y, m] = month_param(req, e);
                 return assess::to_json(assess::source_month(e, city.sources, y, m, data_now(e) + core::kHour));
               });
               json ents = json::array();
               for (const auto& ent : city.sources.enterprises) {
                 json x = enterprise_json(ent, city);
                 for (const auto& g : j["enterprises"])
                   if (g["enterprise"] == ent.id) x["month"] = g;
                 ents.push_back(x);
               }
               j["enterprises"] = ents;
               return json_answer(j);
             });

  router.add("GET", "/api/sources/{id}",
             may_answer({"One enterprise: its permit, outlets and limits, the month's figures per outlet, and its alarms.",
              "sources", {{"id", "path", "string", "enterprise id", true, {}, "EX-POWER"}, month}, "application/json",
              schema::object({{"id", schema::string()}, {"outlets", schema::array()}, {"month", schema::any_object()}})}, {503}),
             [&ctx](const Request& req) {
               const auto& city = city_of(ctx);
               const auto* ent = city.sources.enterprise(req.get("id"));
               if (!ent) throw ApiError(404, "not_found", "parameter 'id': no enterprise '" + req.get("id") + "'", "id");
               json j = enterprise_json(*ent, city);
               json m = ctx.engine.read([&](const engine::Engine& e) {
                 const auto [y, mo] = month_param(req, e);
                 return assess::to_json(assess::source_month(e, city.sources, y, mo, data_now(e) + core::kHour));
               });
               json outs = json::array();
               for (const auto& o : m["outlets"])
                 if (o["enterprise"] == ent->id) outs.push_back(o);
               json summary = nullptr;
               for (const auto& g : m["enterprises"])
                 if (g["enterprise"] == ent->id) summary = g;
               j["month"] = {{"month", m["month"]}, {"until", m["until"]}, {"summary", summary}, {"outlets", outs}};
               json alarms = json::array();
               if (ctx.alarms) {
                 alert::AlarmFilter f;
                 f.enterprise = ent->id;
                 f.limit = 50;
                 for (const auto& a : ctx.alarms->alarms(f)) alarms.push_back(alert::to_json(a));
               }
               j["alarms"] = alarms;
               return json_answer(j);
             });

  router.add("GET", "/api/alarms",
             may_answer({"Alarms, newest first, with filters. Kinds: exceedance, load, offline, data_quality, water_anomaly, "
              "air_dropout; states open, acknowledged, closed (or 'active' = not closed).",
              "alarms",
              {{"kind", "query", "string", "alarm kind", false,
                {"exceedance", "load", "offline", "data_quality", "water_anomaly", "air_dropout"}, "exceedance"},
               {"state", "query", "string", "state", false, {"open", "acknowledged", "closed", "active"}, "open"},
               {"site", "query", "string", "site / outlet id", false, {}, "EX-POWER-DA001"},
               {"county", "query", "string", "owner county (area id)", false, {}, "140214"},
               {"enterprise", "query", "string", "enterprise id", false, {}, "EX-POWER"},
               {"parameter", "query", "string", "parameter code", false, {}, "so2"},
               {"severity", "query", "integer", "minimum severity 1..3", false, {}, "2"},
               {"from", "query", "string", "alarms active at or after (Beijing date or time)", false, {}, "2024-01-01"},
               {"to", "query", "string", "alarms that began before (Beijing date or time)", false, {}, "2024-02-01"},
               {"limit", "query", "integer", "at most this many (default 500)", false, {}, "100"}},
              "application/json", schema::object({{"count", schema::integer()}, {"alarms", schema::array()}})}, {503}),
             [&ctx](const Request& req) {
               auto& svc = alarms_of(ctx);
               alert::AlarmFilter f;
               f.kind = req.get("kind");
               f.state = req.get("state");
               f.site = req.get("site");
               f.county = req.get("county");
               f.enterprise = req.get("enterprise");
               f.parameter = req.get("parameter");
               if (req.has("severity")) f.min_severity = std::stoi(req.get("severity"));
               if (auto t = time_param(req, "from")) f.from = *t;
               if (auto t = time_param(req, "to")) f.to = *t;
               f.limit = req.has("limit") ? std::stoul(req.get("limit")) : 500;
               json a = json::array();
               for (const auto& x : svc.alarms(f))  // county / enterprise users: their sites only
                 if (!req.principal || !ctx.city || accounts::covers_site(*req.principal, x.site, *ctx.city))
                   a.push_back(alert::to_json(x));
               return json_answer(json{{"count", a.size()}, {"alarms", a}});
             });

  router.add("GET", "/api/alarms/{id}",
             may_answer({"One alarm and its history (every change, who and when).", "alarms",
              {{"id", "path", "string", "alarm id", true, {}, "offline.1723A.-.no_data.2019123100"}}, "application/json",
              schema::object({{"alarm", schema::any_object()}, {"history", schema::array()}})}, {503}),
             [&ctx](const Request& req) {
               auto& svc = alarms_of(ctx);
               auto a = svc.find(req.get("id"));
               if (!a) throw ApiError(404, "not_found", "parameter 'id': no alarm '" + req.get("id") + "'", "id");
               require_site_scope(req, ctx.city, a->site);
               json h = json::array();
               for (const auto& rec : svc.history(a->id)) {
                 json body = json::parse(rec.body);
                 // The change's name is kept beside the alarm in each record (alarm_service.cpp);
                 // records from before it have none.
                 json change = body.contains("change") ? body["change"] : json(nullptr);
                 body.erase("change");
                 h.push_back({{"record", rec.id}, {"at", core::format_iso(rec.at)}, {"who", rec.who}, {"change", change},
                              {"alarm", body}});
               }
               return json_answer(json{{"alarm", alert::to_json(*a)}, {"history", h}});
             });

  auto step = [&ctx](const std::string& what) {
    return [&ctx, what](const Request& req) {
      auto& svc = alarms_of(ctx);
      const json b = json_body(req);
      const std::string who = acting(req);
      const std::string id = req.get("id");
      const auto found = svc.find(id);
      if (!found) throw ApiError(404, "not_found", "parameter 'id': no alarm '" + id + "'", "id");
      require_site_scope(req, ctx.city, found->site);
      alert::Alarm a;
      try {
        if (what == "ack") {
          a = svc.acknowledge(id, who);
        } else {
          if (!b.contains("reason") || !b["reason"].is_string() || core::trim(b["reason"].get<std::string>()).empty())
            throw bad_parameter("reason", "closing an alarm needs a reason (not blank)");
          const std::string reason = b["reason"].get<std::string>();
          if (auto why = core::stored_text_problem(reason); !why.empty()) throw bad_parameter("reason", why);
          a = svc.close(id, reason, who);
        }
      } catch (const core::StoreError&) {
        throw;  // the router answers it (503, detail in the log)
      } catch (const core::Error& e) {
        throw ApiError(409, "conflict", e.what());
      }
      return json_answer(alert::to_json(a));
    };
  };
  const ParamDoc id{"id", "path", "string", "alarm id", true, {}, "offline.1723A.-.no_data.2019123100"};
  router.add("POST", "/api/alarms/{id}/ack",
             may_answer({"Acknowledge an open alarm. Body: JSON {} (who: the login).", "alarms", {id}, "application/json",
              {{"type", "object"}}, roles::alarm_desk, "application/json"}, {409, 503}),
             step("ack"));
  router.add("POST", "/api/alarms/{id}/close",
             may_answer({"Close an alarm with a reason. Body: JSON {reason}.", "alarms", {id}, "application/json",
              {{"type", "object"}}, roles::alarm_desk, "application/json"}, {409, 503}),
             step("close"));
  router.add("POST", "/api/alarms/{id}/task",
             may_answer({"Open a rectification task from an alarm in one call; the task links the alarm and the alarm the task. "
              "Body: JSON {title?, department?, deadline?, batch?}.",
              "alarms", {id}, "application/json", schema::object({{"task", schema::any_object()}, {"alarm", schema::any_object()}}), roles::alarm_desk,
              "application/json"}, {409, 503}),
             [&ctx](const Request& req) {
               auto& svc = alarms_of(ctx);
               if (!ctx.ledger) throw ApiError(503, "no_ledger", "this server keeps no ledger");
               const json b = json_body(req);
               const std::string who = acting(req);
               auto a = svc.find(req.get("id"));
               if (!a) throw ApiError(404, "not_found", "parameter 'id': no alarm '" + req.get("id") + "'", "id");
               require_site_scope(req, ctx.city, a->site);
               if (!a->task.empty()) throw ApiError(409, "conflict", "alarm " + a->id + " already has task " + a->task);
               ledger::Task t;
               t.type = "rectification";
               t.batch = b.value("batch", "在线监控告警");
               t.title = b.value("title", a->kind + " " + a->site + (a->parameter.empty() ? "" : " " + a->parameter) + " " +
                                              core::format_iso(a->first) + " .. " + core::format_iso(a->last));
               t.county = a->county;
               t.department = b.value("department", "");
               if (b.contains("deadline")) {
                 auto d = core::parse_date(b.value("deadline", ""));
                 if (!d) throw bad_parameter("deadline", "is not a date YYYY-MM-DD");
                 t.deadline = d;
               }
               t.alarm = a->id;
               t.site = a->site;
               t.enterprise = a->enterprise;
               ledger::Task made;
               try {
                 made = ctx.ledger->create(t, who);
               } catch (const core::StoreError&) {
                 throw;  // the router answers it (503, detail in the log)
               } catch (const core::Error& e) {
                 throw bad_parameter("body", e.what());
               }
               auto linked = svc.link_task(a->id, made.id, who);
               return json_answer(json{{"task", ledger::to_json(made, ledger::today_beijing())}, {"alarm", alert::to_json(linked)}});
             });
}

}  // namespace skyriver::api

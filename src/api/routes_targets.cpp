// Routes of targets and documents: the configured targets of an area and year (the page's
// year-progress card reads them here instead of hard-coding them), progress against them for a
// month, the bureau's documents (day, month, year; JSON or printable HTML) and the plan register.
// The numbers come from src/assess (targets, progress, plan) and src/report; the configuration
// and the store come through Context (set by `skyriver serve`).
#include "api/openapi.h"
#include "api/routes.h"

#include "assess/plan_store.h"
#include "assess/target_months.h"
#include "assess/target_progress.h"
#include "core/error.h"
#include "core/store_error.h"
#include "core/text.h"
#include "report/bulletin.h"

#include <fmt/format.h>

#include <sstream>

namespace skyriver::api {

using nlohmann::json;

namespace {


const report::Inputs& inputs_of(const Context& ctx) {
  if (!ctx.inputs) throw ApiError(503, "no_config", "this server has no targets configuration");
  return *ctx.inputs;
}

std::pair<int, int> month_param(const Request& req, const engine::Engine& e) {
  if (req.has("month")) {
    try {
      return report::parse_month(req.get("month"));
    } catch (const core::StoreError&) {
      throw;  // the router answers it (503, detail in the log)
    } catch (const core::Error& err) {
      throw bad_parameter("month", err.why());
    }
  }
  auto last = e.latest_hour("air");
  const core::Date d = last ? core::beijing_date(*last) : core::Date{1970, 1, 1};
  return {d.year, d.month};
}

// Runs `f` with the store when the server has one (water, compensation, plan entries).
template <class F>
auto with_store(const Context& ctx, F&& f) {
  using R = decltype(f(static_cast<store::Store*>(nullptr)));
  if (!ctx.with_store) return f(static_cast<store::Store*>(nullptr));
  std::optional<R> out;
  ctx.with_store([&](store::Store& s) { out.emplace(f(&s)); });
  return std::move(*out);
}

const ParamDoc kAreaParam{"area", "query", "string", "area code (the city or a district/county)", false, {}, "140200"};
const ParamDoc kMonthParam{"month", "query", "string", "month YYYY-MM (default: the month of the latest data)", false, {}, "2019-07"};

}  // namespace

void add_target_routes(Router& router, Context& ctx) {
  router.add("GET", "/api/targets",
             may_answer(cached({"The targets of an area for a year: annual targets (value, operator, source, confirmed) and the "
                     "twelve monthly control targets (configured, or the documented default), from targets.toml",
                     "targets",
                     {kAreaParam, {"year", "query", "integer", "year (default: the year of the latest data)", false, {}, "2019"}},
                     "application/json",
                     schema::object({{"area", schema::string()}, {"year", schema::integer()}, {"annual", schema::any_object()},
                                     {"monthly", schema::any_object()}, {"monthly_default", schema::string()}})}), {503}),
             [&ctx](const Request& req) {
               const auto& in = inputs_of(ctx);
               return ctx.engine.read([&](const engine::Engine& e) {
                 const std::string area = req.has("area") ? req.get("area") : in.city.city.id;
                 if (!e.area(area)) throw ApiError(404, "not_found", "parameter 'area': no area '" + area + "'", "area");
                 const int year = req.has("year") ? std::stoi(req.get("year")) : month_param(req, e).first;
                 const auto months = assess::monthly_targets(e, in.targets, area, year);
                 json annual = json::object(), monthly = json::object();
                 for (const auto& ind : assess::indicators()) {
                   const std::string code(ind.code);
                   annual[code] = assess::target_json(in.targets.annual(area, year, ind.code));
                   json m = json::array();
                   for (const auto& t : months.by_indicator.at(code)) m.push_back(assess::target_json(t));
                   monthly[code] = m;
                 }
                 return json_answer({{"area", area}, {"year", year}, {"annual", annual}, {"monthly", monthly},
                            {"monthly_default", months.how}});
               });
             });

  router.add("GET", "/api/progress",
             may_answer(cached({"Progress of an area against its targets for a month: month-to-date and year-to-date figures, targets, "
                     "gap, met, change against last year, rank among the districts/counties and the remaining allowance. "
                     "Without 'area', every configured area.",
                     "targets", {kAreaParam, kMonthParam}, "application/json", schema::object({{"month", schema::string()}, {"areas", schema::array()}})}), {503}),
             [&ctx](const Request& req) {
               const auto& in = inputs_of(ctx);
               return ctx.engine.read([&](const engine::Engine& e) {
                 const auto [year, month] = month_param(req, e);
                 if (req.has("area") && !e.area(req.get("area")))
                   throw ApiError(404, "not_found", "parameter 'area': no area '" + req.get("area") + "'", "area");
                 const core::Date through = assess::progress_through(e, year, month);
                 json areas = json::array();
                 for (const auto& a : assess::progress_all(e, in.targets, year, month, through))
                   if (!req.has("area") || a.code == req.get("area")) areas.push_back(assess::to_json(a));
                 return json_answer({{"month", fmt::format("{:04d}-{:02d}", year, month)}, {"through", core::format_date(through)}, {"areas", areas}});
               });
             });

  // Not cached: water samples and plan entries in the store change it too.
  router.add("GET", "/api/report/{kind}",
             may_answer(RouteDoc{"The bureau's documents: kind = day (date=YYYY-MM-DD), month (month=YYYY-MM) or year (year=YYYY); "
                     "format json (default) or html (printable on A4)",
                     "targets",
                     {{"kind", "path", "string", "day | month | year", true, {"day", "month", "year"}, "month"},
                      kMonthParam,
                      {"date", "query", "string", "day YYYY-MM-DD (kind day)", false, {}, "2019-07-15"},
                      {"year", "query", "integer", "year (kind year)", false, {}, "2019"},
                      {"format", "query", "string", "json or html", false, {"json", "html"}, "json"}},
                     "application/json", schema::object({{"kind", schema::string()}, {"areas", schema::array()}, {"notes", schema::array(schema::string())}})}, {503}),
             [&ctx](const Request& req) {
               const auto& in = inputs_of(ctx);
               const std::string kind = req.get("kind");
               report::Report r = with_store(ctx, [&](store::Store* db) {
                 return ctx.engine.read([&](const engine::Engine& e) {
                   report::Sources src{e, in.city, in.targets, db};
                   if (in.compensation) src.compensation = &*in.compensation;
                   src.water_rules = in.water_rules;
                   if (in.plan) src.plan = &*in.plan;
                   if (kind == "day") {
                     auto d = core::parse_date(req.get("date"));
                     if (!d) throw bad_parameter("date", "'" + req.get("date") + "' is not a date YYYY-MM-DD");
                     return report::day_report(src, *d);
                   }
                   if (kind == "year") {
                     const std::string y = req.get("year");
                     auto v = core::parse_integer(y);
                     if (!v || *v < 1990 || *v > 2100) throw bad_parameter("year", "'" + y + "' is not a year");
                     return report::year_report(src, int(*v));
                   }
                   const auto [year, month] = month_param(req, e);
                   return report::month_report(src, year, month);
                 });
               });
               if (req.get("format") == "html") {
                 std::ostringstream html;
                 report::write_html(r.doc, html);
                 Response res;
                 res.content_type = "text/html; charset=utf-8";
                 res.body = html.str();
                 return res;
               }
               return json_answer(r.json);
             });

  // Not cached: entries change the answer without changing the engine's data version.
  router.add("GET", "/api/plan",
             may_answer(RouteDoc{"The plan's indicator register (表3-1): each indicator's base, 2025 target, the year's value (computed or "
                     "entered), status (met | not_met | no_target | no_data), trend and the history of entries",
                     "targets",
                     {{"year", "query", "integer", "year (default: the year of the latest data)", false, {}, "2019"}},
                     "application/json", schema::object({{"year", schema::integer()}, {"indicators", schema::array()}})}, {503}),
             [&ctx](const Request& req) {
               const auto& in = inputs_of(ctx);
               if (!in.plan) throw ApiError(404, "not_found", "no plan register (plan_indicators.toml) in this configuration");
               return with_store(ctx, [&](store::Store* db) {
                 const auto entries = db ? assess::plan_entries(*db) : std::vector<assess::PlanEntry>{};
                 return ctx.engine.read([&](const engine::Engine& e) {
                   const int year = req.has("year") ? std::stoi(req.get("year")) : month_param(Request{}, e).first;
                   json list = json::array();
                   for (const auto& s : assess::plan_status(*in.plan, year, entries, assess::platform_values(e, in.city, db, in.water_rules)))
                     list.push_back(assess::to_json(s));
                   return json_answer({{"year", year}, {"indicators", list}});
                 });
               });
             });

  router.add("POST", "/api/plan/entries",
             may_answer({"Enter a value (or the target assigned for the year) of a plan indicator: body JSON {indicator, year, value?, "
              "target?, note?}. Kept in the store's journal with who and when; a correction is a new entry, nothing "
              "is overwritten.",
              "write", {}, "application/json", schema::object({{"id", schema::integer()}, {"indicator", schema::integer()}, {"year", schema::integer()},
                                              {"who", schema::string()}, {"at", schema::string()}}), roles::city_desk,
              "application/json"}, {503}),
             [&ctx](const Request& req) {
               const auto& in = inputs_of(ctx);
               if (!in.plan) throw ApiError(404, "not_found", "no plan register (plan_indicators.toml) in this configuration");
               if (!ctx.with_store) throw ApiError(503, "no_store", "this server has no store to keep entries in");
               const json body = json_body(req);
               assess::PlanEntry e;
               try {
                 e = assess::validate_plan_entry(*in.plan, body);
               } catch (const core::StoreError&) {
                 throw;  // the router answers it (503, detail in the log)
               } catch (const core::Error& err) {
                 throw bad_parameter(err.where(), err.why());
               }
               e.who = acting(req);
               ctx.with_store([&](store::Store& db) { e = assess::add_plan_entry(db, e); });
               json j = assess::plan_entry_body(e);
               j["id"] = e.id;
               j["who"] = e.who;
               j["at"] = core::format_iso(e.at);
               return json_answer(j);
             });
}

}  // namespace skyriver::api

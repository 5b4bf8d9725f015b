// Warning routes: the warnings in force and their history, the open proposals, the notice
// (HTML / XLSX), and the write steps (issue, adjust, lift, and a forecaster's consultation
// forecast) which need the API token. The work is the WarningDesk's (src/alert/warning_desk.h).
#include "alert/warning_desk.h"
#include "alert/warning_notice.h"
#include "api/openapi.h"
#include "api/routes.h"
#include "core/error.h"
#include "core/store_error.h"

namespace skyriver::api {

using nlohmann::json;

namespace {

alert::WarningDesk& desk(Context& ctx) {
  if (!ctx.warnings) throw ApiError(503, "no_warnings", "this server keeps no warnings (no warning.toml or no store)");
  return *ctx.warnings;
}


// The body with the person who acts: the login (the desk records it as `user`).
json acted(const Request& req) {
  json body = json_body(req);
  body["user"] = acting(req);
  return body;
}

// The desk names the field it refuses: answer 400 with that parameter.
template <class F>
Response write_step(F&& f) {
  try {
    return json_answer(f());
  } catch (const core::StoreError&) {
    throw;  // the router answers it (503, detail in the log)
  } catch (const core::Error& e) {
    throw bad_parameter(e.where(), e.why());
  }
}

// WarningDesk::warning_json (src/alert/warning_desk.cpp).
const json kWarningSchema = schema::object({{"number", schema::string()},
                                            {"in_force", schema::boolean()},
                                            {"level", schema::string()},
                                            {"start", schema::string()},
                                            {"areas", schema::array()},
                                            {"kind", schema::string()},
                                            {"rules", schema::string()},
                                            {"basis", schema::nullable(schema::any_object())},
                                            {"steps", schema::array()},
                                            {"measures", schema::any_object()}});

}  // namespace

void add_warning_routes(Router& router, Context& ctx) {
  router.add("GET", "/api/warnings",
             may_answer({"Heavy-pollution warnings (重污染天气预警): those in force (with the curtailment measures in force by "
              "county and, where an enterprise's monitored site reports over HJ 212, whether it is below its required "
              "share of its baseline) and the history, newest first; every step with who and when. `rules_note` marks "
              "a rule set still to be confirmed by the city.",
              "warnings", {}, "application/json",
              schema::object({{"rules", schema::string()},
                              {"in_force", schema::array(kWarningSchema)},
                              {"history", schema::array(kWarningSchema)}})}, {503}),
             [&ctx](const Request&) {
               return json_answer(desk(ctx).warnings());
             });

  RouteDoc proposal_doc{"Open proposals: for each area, the step the latest forecast calls for (issue, raise, lower, lift) "
              "against the level in force, with its basis (the forecast snapshot, the observed days before it, the "
              "condition met). A duty officer turns one into a warning with POST /api/warnings/issue or /adjust or /lift.",
              "warnings", {}, "application/json",
              schema::object({{"rules", schema::string()}, {"proposals", schema::array()}})};
  proposal_doc.group = "warning_desk";  // the duty desk's working view: not public by default
  router.add("GET", "/api/warnings/proposal", may_answer(proposal_doc, {503}),
             [&ctx](const Request&) {
               return json_answer(desk(ctx).proposals());
             });

  router.add("GET", "/api/warnings/notice",
             may_answer({"The warning notice (预警信息发布单) of a warning: level, start, areas, basis, health advice and the "
              "measures in force by county with their expected cuts, as HTML or XLSX. Without `number`: the warning "
              "in force (the highest level), else the latest; with none at all, a notice saying so.",
              "warnings",
              {{"number", "query", "string", "notice number, e.g. 大同重污染预警-2026-001", false, {}, ""},
               {"format", "query", "string", "html (default) or xlsx", false, {"html", "xlsx"}, "html"}},
              "text/html", {{"type", "string"}}}, {503}),
             [&ctx](const Request& req) {
               auto& d = desk(ctx);
               const std::string number = req.has("number") ? req.get("number") : "";
               auto w = d.warning(number);
               if (!w && !number.empty())
                 throw ApiError(404, "not_found", "parameter 'number': no warning '" + number + "'", "number");
               const json warning = w ? *w : json(nullptr);
               Response r;
               if (req.has("format") && req.get("format") == "xlsx") {
                 r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                 r.body = alert::notice_xlsx_bytes(warning, d.city_name());
                 r.headers.push_back({"Content-Disposition", "attachment; filename=\"warning-notice.xlsx\""});
               } else {
                 r.content_type = "text/html; charset=utf-8";
                 r.body = alert::notice_html(warning, d.city_name());
               }
               return r;
             });

  const auto step_doc = [](const std::string& what, const std::string& body) {
    return RouteDoc{what + " Body: JSON " + body + ". The person is the login; every step is kept with who and "
                    "when, nothing is deleted. Bad input: 400 naming the field, nothing stored.",
                    "warnings", {}, "application/json", kWarningSchema, roles::city_desk, "application/json"};
  };
  router.add("POST", "/api/warnings/issue",
             may_answer(step_doc("Issue a warning.",
                      "{level, start, areas:[code...], kind?: pm|o3|dust|cross_regional, number?, note?, basis?, "
                      "reason?} (basis defaults to the open proposal of the area: its forecast snapshot; kind to its "
                      "episode's; start must lie in its forecast, or without one from lookback_days ago to horizon_days "
                      "ahead; times YYYY-MM-DDTHH:MM Beijing or ...Z UTC; a level above the proposal's, or any level "
                      "without one, needs `reason`, printed on the notice)"), {503}),
             [&ctx](const Request& req) { return write_step([&] { return desk(ctx).issue(acted(req)); }); });
  router.add("POST", "/api/warnings/adjust",
             may_answer(step_doc("Raise or lower a warning's level, or change its areas.",
                      "{number, level?, areas?, note?, basis?, reason? (required to raise above the open "
                      "proposal's level, or above the level in force without one)}"), {503}),
             [&ctx](const Request& req) { return write_step([&] { return desk(ctx).adjust(acted(req)); }); });
  router.add("POST", "/api/warnings/lift",
             may_answer(step_doc("Lift a warning.", "{number, end? (default now; after the start, at most horizon_days "
                      "ahead), note?}"), {503}),
             [&ctx](const Request& req) { return write_step([&] { return desk(ctx).lift(acted(req)); }); });
  router.add("POST", "/api/warnings/forecast",
             may_answer({"A consultation forecast (会商预报) entered by the duty forecaster: the daily AQI of an area for the next "
              "days, judged like a model forecast (it may raise or withdraw a proposal). Body: JSON {area, issued?, "
              "days:[{day, aqi, aqi_low?, aqi_high?, primary?, kind?: dust}]} (aqi_low <= aqi <= aqi_high; "
              "primary compared case-insensitively). Answers the proposals raised or withdrawn.",
              "warnings", {}, "application/json", schema::object({{"proposals", schema::array()}}), roles::city_desk,
              "application/json"}, {503}),
             [&ctx](const Request& req) {
               return write_step([&] { return json{{"proposals", desk(ctx).consultation(json_body(req))}}; });
             });
}

}  // namespace skyriver::api

// Forecast routes: the latest forecast issue of a site or area (72 hourly values per pollutant
// with their 10-90 % band, hourly AQI, day 1-3 daily AQI), the daily forecast of an area in the
// bureaus' form, and the forecaster's state. Answered from memory (Forecaster::latest()); the
// work is src/forecast (docs/forecast.md).
#include "api/openapi.h"
#include "api/routes.h"
#include "forecast/forecaster.h"

namespace skyriver::api {

using nlohmann::json;

namespace {

forecast::Forecaster& forecaster(Context& ctx) {
  if (!ctx.forecaster) throw ApiError(503, "no_forecast", "this server issues no forecasts");
  return *ctx.forecaster;
}

std::shared_ptr<const forecast::Issue> latest(Context& ctx) {
  auto issue = forecaster(ctx).latest();
  if (!issue) throw ApiError(503, "no_forecast_yet", "no forecast issued yet (no air data, or the first issue is running)");
  return issue;
}

// The place asked for: site= or area= (default: the city, the top area of the issue).
const forecast::PlaceForecast& place(const Request& req, const forecast::Issue& issue) {
  if (req.has("site") && req.has("area")) throw bad_parameter("site", "give one of 'site' or 'area', not both");
  if (req.has("site")) {
    const std::string& id = req.get("site");
    if (const auto* p = issue.find("site", id)) return *p;
    throw ApiError(404, "not_found", "no forecast for site '" + id + "' (not an air site of the city)", "site");
  }
  if (req.has("area")) {
    const std::string& id = req.get("area");
    if (const auto* p = issue.find("area", id)) return *p;
    throw ApiError(404, "not_found", "no forecast for area '" + id + "' (unknown, or no active air site in it)", "area");
  }
  if (issue.areas.empty()) throw ApiError(404, "not_found", "the issue holds no area", "area");
  return issue.areas.front();
}

const ParamDoc kSite{"site", "query", "string", "air site code (give site or area; default: the city)", false, {}, "1724A"};
const ParamDoc kArea{"area", "query", "string", "area code: 140200 the city, or a district/county", false, {}, "140200"};

}  // namespace

void add_forecast_routes(Router& router, Context& ctx) {
  router.add("GET", "/api/forecast",
             may_answer({"The latest air-quality forecast of a site or area (预报): PM2.5, PM10, SO2, NO2, CO, O3 for each hour "
              "1..`hours` after the issue with a 10-90 % band from the model's own out-of-sample errors, the hourly "
              "AQI, level and primary pollutant, and day 1-3 daily AQI ranges. `basis` says per pollutant whether the "
              "model or the stated fallback (climatology blended with the latest value) gave it, and why; `weather` "
              "whether a weather forecast fed the model. Example: /api/forecast?area=140200&hours=72",
              "forecast",
              {kSite, kArea,
               ParamDoc{"hours", "query", "integer", "hours ahead to return, 1..72 (default 72)", false, {}, "72"}},
              "application/json",
              // forecast::to_json (src/forecast/issue.cpp): one entry per hour in time, aqi, level, primary.
              schema::object({{"kind", schema::string()}, {"id", schema::string()}, {"issued", schema::string()},
                              {"model_version", schema::string()}, {"time", schema::array(schema::string())},
                              {"pollutants", schema::any_object()}, {"aqi", schema::array(schema::integer())},
                              {"level", schema::array(schema::integer())}, {"primary", schema::array(schema::string())},
                              {"days", schema::array()}})}, {503}),
             [&ctx](const Request& req) {
               const auto issue = latest(ctx);
               int hours = forecast::kHourlyHorizons;
               if (req.has("hours")) {
                 hours = std::stoi(req.get("hours"));
                 if (hours < 1 || hours > forecast::kHourlyHorizons) throw bad_parameter("hours", "must be 1..72");
               }
               Response r;
               r.body = forecast::to_json(place(req, *issue), *issue, hours)
                            .dump(-1, ' ', false, json::error_handler_t::replace);
               return r;
             });

  router.add("GET", "/api/forecast/daily",
             may_answer({"Day 1-3 daily AQI forecast of an area (or site) in the bureaus' form: an AQI range, the levels it spans "
              "(e.g. 良至轻度污染), the primary pollutant, and its basis (model version or the fallback's reason). "
              "Example: /api/forecast/daily?area=140200",
              "forecast", {kSite, kArea}, "application/json",
              schema::object({{"kind", schema::string()}, {"id", schema::string()}, {"issued", schema::string()}, {"days", schema::array()}})}, {503}),
             [&ctx](const Request& req) {
               const auto issue = latest(ctx);
               Response r;
               r.body = forecast::daily_json(place(req, *issue), *issue).dump(-1, ' ', false, json::error_handler_t::replace);
               return r;
             });

  router.add("GET", "/api/forecast/status",
             may_answer({"The forecaster: its state, the model version in use with its training range, the retraining schedule "
              "and why it last trained, the latest issue's time and size",
              "forecast", {}, "application/json", schema::object({{"state", schema::string()}})}, {503}),
             [&ctx](const Request&) {
               Response r;
               r.body = forecaster(ctx).status().dump(-1, ' ', false, json::error_handler_t::replace);
               return r;
             });
}

}  // namespace skyriver::api

// Forecast routes: the latest forecast issue of a site or area (72 hourly values per pollutant
// with their 10-90 % band, hourly AQI, day 1-3 daily AQI), the daily forecast of an area in the
// bureaus' form, and the forecaster's state. Answered from memory (Forecaster::latest()); the
// work is src/forecast (docs/forecast.md).
#include "api/openapi.h"
#include "api/routes.h"
#include "forecast/forecaster.h"
#include "model/city.h"

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

// Why an area of the city has no forecast of its own: 404 `no_station` when no air station
// (other than a 对照点 reference site) lies in it, `no_recent_data` when its stations have not
// reported lately (an area forecast is made only from the area's own active stations), else
// `not_found` for a code that is not an area. The page words these for the duty officer and
// offers the city's forecast under the city's name (web/js/forecast.js).
ApiError no_area_forecast(const Context& ctx, const std::string& id) {
  const model::Area* a = ctx.city ? ctx.city->area(id) : nullptr;
  if (!a) return ApiError(404, "not_found", "no forecast for area " + in_quotes(id) + ": not an area code of the city", "area");
  std::vector<std::string> stations;
  for (const auto& s : ctx.city->sites)
    if (s.kind == "air" && !s.reference && s.area == a->id) stations.push_back(s.id);
  const std::string city = ctx.city->city.id + " (" + ctx.city->city.name + ")";
  if (stations.empty())
    return ApiError(404, "no_station",
                    "area " + id + " (" + a->name + ") has no air monitoring station, so it has no forecast of its own; "
                    "the city's forecast is area=" + city,
                    "area");
  std::string list;
  for (const auto& st : stations) list += (list.empty() ? "" : ", ") + st;
  return ApiError(404, "no_recent_data",
                  "the air stations of area " + id + " (" + a->name + ": " + list +
                      ") have no recent data, so it has no forecast of its own; the city's forecast is area=" + city,
                  "area");
}

// The place asked for: site= or area= (default: the city, the top area of the issue).
const forecast::PlaceForecast& place(const Request& req, const forecast::Issue& issue, const Context& ctx) {
  if (req.has("site") && req.has("area")) throw bad_parameter("site", "give one of 'site' or 'area', not both");
  if (req.has("site")) {
    const std::string& id = req.get("site");
    if (const auto* p = issue.find("site", id)) return *p;
    throw ApiError(404, "not_found", "no forecast for site '" + id + "' (not an air site of the city)", "site");
  }
  if (req.has("area")) {
    const std::string& id = req.get("area");
    if (const auto* p = issue.find("area", id)) return *p;
    throw no_area_forecast(ctx, id);
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
              "whether a weather forecast fed the model. An area without an air station answers 404 with error code "
              "`no_station`, one whose stations have no recent data `no_recent_data` (the city's forecast is "
              "area=<city>). Example: /api/forecast?area=140200&hours=72",
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
               return json_answer(forecast::to_json(place(req, *issue, ctx), *issue, hours));
             });

  router.add("GET", "/api/forecast/daily",
             may_answer({"Day 1-3 daily AQI forecast of an area (or site) in the bureaus' form: an AQI range, the levels it spans "
              "(e.g. 良至轻度污染), the primary pollutant, and its basis (model version or the fallback's reason). "
              "Example: /api/forecast/daily?area=140200",
              "forecast", {kSite, kArea}, "application/json",
              schema::object({{"kind", schema::string()}, {"id", schema::string()}, {"issued", schema::string()}, {"days", schema::array()}})}, {503}),
             [&ctx](const Request& req) {
               const auto issue = latest(ctx);
               return json_answer(forecast::daily_json(place(req, *issue, ctx), *issue));
             });

  router.add("GET", "/api/forecast/status",
             may_answer({"The forecaster: its state, the model version in use with its training range, the retraining schedule "
              "and why it last trained, the latest issue's time and size",
              "forecast", {}, "application/json", schema::object({{"state", schema::string()}})}, {503}),
             [&ctx](const Request&) {
               return json_answer(forecaster(ctx).status());
             });
}

}  // namespace skyriver::api

#include "api/routes.h"

#include "api/openapi.h"
#include "core/time.h"

#include <cmath>

namespace skyriver::api {

std::string acting(const Request& req) { return req.principal ? req.principal->name : "api"; }

void require_site_scope(const Request& req, const model::CityConfig* city, const std::string& site) {
  if (!city || !req.principal) return;
  if (!accounts::covers_site(*req.principal, site, *city))
    throw ApiError(403, "forbidden", "site " + in_quotes(site) + " is outside the areas of user " + req.principal->name);
}

std::optional<core::Instant> time_param(const Request& req, const std::string& name) {
  if (!req.has(name)) return std::nullopt;
  const std::string& v = req.get(name);
  if (auto d = core::parse_date(v)) return core::beijing_midnight(*d);
  if (auto c = core::parse_civil(v)) return core::from_beijing(*c);
  throw bad_parameter(name, in_quotes(v) + " is not a Beijing date YYYY-MM-DD or time YYYY-MM-DDTHH:MM");
}

nlohmann::json number_or_null(double v) { return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v); }

void add_routes(Router& router, Context& ctx) {
  add_site_routes(router, ctx);
  add_air_routes(router, ctx);
  add_write_routes(router, ctx);
  add_water_routes(router, ctx);
  add_warning_routes(router, ctx);
  add_source_routes(router, ctx);
  add_ledger_routes(router, ctx);
  add_forecast_routes(router, ctx);
  add_target_routes(router, ctx);
  RouteDoc doc{"This API's OpenAPI 3 description", "meta", {}, "application/json", {{"type", "object"}}};
  router.add("GET", "/api/openapi.json", doc, [&router](const Request&) {
    return json_answer(openapi(router));
  });
}

}  // namespace skyriver::api

// Water routes: the quarterly cross-boundary eco-compensation statement (assess::compensate
// over the store's samples with config/<city>/compensation.toml), for the finance bureau's and
// the counties' pages. The store work is the Context hook set by `skyriver serve`.
#include "api/routes.h"
#include "core/error.h"
#include "core/store_error.h"

namespace skyriver::api {

using nlohmann::json;

void add_water_routes(Router& router, Context& ctx) {
  router.add(
      "GET", "/api/water/compensation",
      may_answer({"The eco-compensation statement of a quarter: every line (section, span, factor, measured mean, "
       "target, exceedance, tier, rule clause, amount), each county's net and the city summary. "
       "With 'county', only that county's lines and total.",
       "water",
       {{"period", "query", "string", "quarter, e.g. 2026Q3", true, {}, "2019Q4"},
        {"county", "query", "string", "administrative code of one county or district", false, {}, "140221"}},
       "application/json",
       {{"type", "object"},
        {"required", {"period", "lines", "counties", "city", "notes"}},
        {"properties",
         {{"period", {{"type", "string"}}},
          {"lines", {{"type", "array"}}},
          {"counties", {{"type", "array"}}},
          {"city", {{"type", "object"}}},
          {"notes", {{"type", "array"}}}}}}}, {503}),
      [&ctx](const Request& req) {
        if (!ctx.compensation) throw ApiError(503, "no_store", "this server has no store or compensation rules");
        const std::string period = req.get("period");
        if (period.empty()) throw bad_parameter("period", "is required (e.g. 2026Q3)");
        json j;
        try {
          j = ctx.compensation(period);
        } catch (const core::StoreError&) {
          throw;  // the router answers it (503, detail in the log)
        } catch (const core::Error& e) {
          throw bad_parameter("period", e.why());
        }
        if (req.has("county")) {
          const std::string county = req.get("county");
          json lines = json::array(), counties = json::array();
          for (auto& l : j["lines"])
            if (l["county"] == county) lines.push_back(l);
          for (auto& c : j["counties"])
            if (c["code"] == county) counties.push_back(c);
          if (counties.empty())
            throw ApiError(404, "not_found", "parameter 'county': no county " + in_quotes(county) + " in the rules", "county");
          j["lines"] = lines;
          j["counties"] = counties;
        }
        return json_answer(j);
      });
}

}  // namespace skyriver::api

// The API's routes over the engine. add_routes() registers every route with its doc on the
// Router; the write routes call the hooks of Context (set by `skyriver serve` when a store is
// open), so the API layer itself never writes files or databases.
#pragma once

#include "api/router.h"
#include "api/sse.h"
#include "engine/engine.h"
#include "report/inputs.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

namespace skyriver::model {
struct CityConfig;
}
namespace skyriver::alert {
class AlarmService;
class WarningDesk;
}
namespace skyriver::ledger {
class Ledger;
}
namespace skyriver::forecast {
class Forecaster;
}

namespace skyriver::api {

struct AuditRequest {
  std::string site, parameter, mark, reason, user;  // mark: invalid | dust
  core::Instant from = 0, to = 0;
  bool on = true;
};

struct Context {
  engine::Engine& engine;
  // Imports an uploaded file of `format` (its bytes in the private file `path`, which the hook
  // may rename within its folder; the server removes the folder afterwards); returns the import
  // report (rows, errors...).
  std::function<nlohmann::json(const std::string& format, const std::string& name, const std::string& path)> import_file;
  // Records an audit mark in the store (the engine is updated by the route).
  std::function<void(const AuditRequest&)> record_audit;
  // The eco-compensation statement of a period ("2026Q3") as assess::to_json gives it; throws
  // core::Error for a bad period.
  std::function<nlohmann::json(const std::string& period)> compensation;
  // Heavy-pollution warnings (alert/warning_desk.h); null when the city has no warning.toml.
  alert::WarningDesk* warnings = nullptr;
  // Pollution sources, alarms and the ledger (routes_sources.cpp, routes_ledger.cpp); null = the
  // routes answer 503.
  const model::CityConfig* city = nullptr;
  alert::AlarmService* alarms = nullptr;
  ledger::Ledger* ledger = nullptr;
  // The air-quality forecast (routes_forecast.cpp); null = the routes answer 503.
  forecast::Forecaster* forecaster = nullptr;
  // Targets, plan and documents (routes_targets.cpp): the configuration folder's contents, and
  // a way to run a function with the store (serialised with the server's other store users).
  const report::Inputs* inputs = nullptr;
  std::function<void(const std::function<void(store::Store&)>&)> with_store;
};

void add_routes(Router& router, Context& ctx);

// Who may call the write routes (docs/api.md, "Who may do what"); reads default to every role.
namespace roles {
using accounts::Role;
inline constexpr accounts::RoleSet city_desk{Role::admin, Role::duty};  // warnings, marks, imports, plan
inline constexpr accounts::RoleSet alarm_desk{Role::admin, Role::duty, Role::county};  // alarms, tasks (county: in scope)
inline constexpr accounts::RoleSet task_reply{Role::admin, Role::duty, Role::county, Role::enterprise};
}  // namespace roles

// The name of the logged-in user a write acts for (api/auth.h); "api" when routed without
// accounts (tests of a bare Router).
std::string acting(const Request& req);
// 403 unless the logged-in user covers site `site` (county: its areas; enterprise: its
// outlets; accounts/role.h). Without a city or a login: no check.
void require_site_scope(const Request& req, const model::CityConfig* city, const std::string& site);

// --- helpers shared by the route files ---
// A time parameter: "YYYY-MM-DD" (00:00 Beijing) or "YYYY-MM-DDTHH:MM[:SS]" (Beijing).
std::optional<core::Instant> time_param(const Request& req, const std::string& name);
nlohmann::json number_or_null(double v);
void add_site_routes(Router& router, Context& ctx);
void add_air_routes(Router& router, Context& ctx);
void add_write_routes(Router& router, Context& ctx);
void add_water_routes(Router& router, Context& ctx);
void add_warning_routes(Router& router, Context& ctx);
void add_source_routes(Router& router, Context& ctx);
void add_ledger_routes(Router& router, Context& ctx);
void add_forecast_routes(Router& router, Context& ctx);
void add_target_routes(Router& router, Context& ctx);

}  // namespace skyriver::api

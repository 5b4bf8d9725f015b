// The OpenAPI 3.0 description of the routes, rendered from the Router's own RouteDocs so the
// document always lists exactly what the server answers (served at /api/openapi.json).
#pragma once

#include "api/router.h"

#include <nlohmann/json.hpp>

namespace skyriver::api {

nlohmann::json openapi(const Router& router);

}  // namespace skyriver::api

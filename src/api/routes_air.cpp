// Routes of air quality: AQI, daily calendar, period summary, ranking (over standards/).
#include "api/routes.h"

namespace skyriver::api {

void add_air_routes(Router& router, Context& ctx) {}

}  // namespace skyriver::api

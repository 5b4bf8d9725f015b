// Write routes: audit marks and file upload for import. They need the API token.
#include "api/routes.h"

namespace skyriver::api {

void add_write_routes(Router& router, Context& ctx) {}

}  // namespace skyriver::api

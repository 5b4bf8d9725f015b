// Router: the API's routes, each with the documentation it is served under in OpenAPI.
//
// A route is a method, a pattern ("/api/sites/{id}/series") and a RouteDoc. Before the
// handler runs, the router checks the request against the doc: required parameters present,
// integers and numbers parse, enumerated values are among those listed, so the documentation
// and the behaviour cannot drift apart (openapi.cpp renders these same docs). Each RouteDoc
// says which roles may call the route (`roles`), and whether it needs no login (`open`) or
// never answers without one (`internal`); the Auth set by set_auth() checks the credentials
// (api/auth.h). Without an Auth, only open routes and GET routes answer.
//
// admit() decides on the request line and headers alone (route, method, credentials), so the server
// can refuse before reading a body. Answers of `cached` routes are kept per data version in a
// ResponseCache keyed on the route's documented query parameters only (normalised: numbers in
// one spelling, unknown parameters left out), bounded in bytes (set_cache_limit).
// Thread-safe once the routes are added.
#pragma once

#include "accounts/role.h"
#include "api/http.h"
#include "api/response_cache.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace skyriver::api {

struct ParamDoc {
  ParamDoc(std::string name, std::string in, std::string type, std::string description, bool required = false,
           std::vector<std::string> values = {}, std::string example = "")
      : name(std::move(name)), in(std::move(in)), type(std::move(type)), description(std::move(description)),
        required(required), values(std::move(values)), example(std::move(example)) {}
  std::string name;
  std::string in = "query";  // query | path
  std::string type = "string";  // string | integer | number
  std::string description;
  bool required = false;
  std::vector<std::string> values;  // allowed values (enum), empty = any
  std::string example;              // used by the conformance test of the OpenAPI document
};

struct RouteDoc {
  RouteDoc(std::string summary, std::string tag, std::vector<ParamDoc> params = {},
           std::string content_type = "application/json", nlohmann::json response_schema = nlohmann::json::object(),
           accounts::RoleSet roles = accounts::RoleSet::all(), std::string request_content_type = "")
      : summary(std::move(summary)), tag(std::move(tag)), params(std::move(params)),
        content_type(std::move(content_type)), response_schema(std::move(response_schema)), roles(roles),
        request_content_type(std::move(request_content_type)) {}
  std::string summary;
  std::string tag;
  std::vector<ParamDoc> params;
  std::string content_type = "application/json";
  nlohmann::json response_schema = nlohmann::json::object();  // OpenAPI schema of a 200 answer
  // Who may call it once logged in (docs/api.md, "Who may do what"); GET routes of a public
  // tag (AuthOptions::public_tags) answer without a login too, unless `internal`.
  accounts::RoleSet roles = accounts::RoleSet::all();
  bool open = false;      // needs no login at all (login itself, logout)
  bool internal = false;  // never public, whatever [api] public says
  std::string group;      // its name in [api] public ("" = its tag)
  const std::string& group_name() const { return group.empty() ? tag : group; }
  std::string request_content_type;  // for write routes with a body
  bool cached = false;  // answers are kept until the data version changes (see Router::set_version)
  bool upload = false;  // the body is a file: up to ServerOptions::upload_limit, streamed to disk (Request::body_file)
  std::size_t body_limit = 0;  // bytes of body held in memory (0: ServerOptions::body_limit, for JSON)
  // Error statuses the handler itself may answer beyond those every route can give (400, 404,
  // 401/403 with a login, 413 with a body), e.g. 409 (conflict), 429, 503 (a part not configured);
  // listed in the OpenAPI document.
  std::vector<int> errors;
};

inline RouteDoc cached(RouteDoc d) {
  d.cached = true;
  return d;
}

inline RouteDoc upload(RouteDoc d) {
  d.upload = true;
  return d;
}

// A write route whose body is a document larger than JSON (e.g. a spreadsheet), kept in memory.
inline RouteDoc with_body_limit(RouteDoc d, std::size_t bytes) {
  d.body_limit = bytes;
  return d;
}

// A route whose handler may also answer these error statuses (RouteDoc::errors).
inline RouteDoc may_answer(RouteDoc d, std::vector<int> statuses) {
  d.errors.insert(d.errors.end(), statuses.begin(), statuses.end());
  return d;
}

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method, pattern;
  RouteDoc doc;
  Handler handler;
  std::vector<std::string> segments;  // pattern split on '/'
};

// What the headers of a request decide before its body is read.
class Auth;

struct Admission {
  const Route* route = nullptr;     // the route (nullptr: no API route has this path)
  std::optional<Response> refusal;  // set: answer this without reading the body (405, 401, 403)
};

class Router {
 public:
  void add(std::string method, std::string pattern, RouteDoc doc, Handler handler);
  // Finds the route of req.method and req.path (setting req.params) and checks who asks
  // (setting req.principal).
  Admission admit(Request& req) const;
  // admit(), then checks the parameters, refuses a JSON body naming `who` or `user` (who acts
  // comes from the login), runs the handler and appends the audit row of a successful write;
  // every failure becomes a JSON error response (never an exception). Returns false if no
  // route matches the path.
  bool dispatch(Request& req, Response& res) const;
  const std::vector<Route>& routes() const { return routes_; }

  // The data version: cached answers (RouteDoc::cached) are served while it stays the same.
  void set_version(std::function<std::uint64_t()> version) { version_ = std::move(version); }

  // Who is asking (api/auth.h); must outlive the router.
  void set_auth(const Auth* auth) { auth_ = auth; }
  const Auth* auth() const { return auth_; }
  void set_cache_limit(std::size_t bytes) { cache_.set_limit(bytes); }
  const ResponseCache& cache() const { return cache_; }

  // The cache key of a request to route `r`: its path and its documented query parameters.
  static std::string cache_key(const Route& r, const Request& req);

 private:
  std::vector<Route> routes_;
  const Auth* auth_ = nullptr;
  std::function<std::uint64_t()> version_;
  mutable ResponseCache cache_;
};

}  // namespace skyriver::api

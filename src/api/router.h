// Router: the API's routes, each with the documentation it is served under in OpenAPI.
//
// A route is a method, a pattern ("/api/sites/{id}/series") and a RouteDoc. Before the
// handler runs, the router checks the request against the doc: required parameters present,
// integers and numbers parse, enumerated values are among those listed, so the documentation
// and the behaviour cannot drift apart (openapi.cpp renders these same docs). A route marked
// `write` needs the API token (Authorization: Bearer <token>) when one is configured.
#pragma once

#include "api/http.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
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
           bool write = false, std::string request_content_type = "")
      : summary(std::move(summary)), tag(std::move(tag)), params(std::move(params)),
        content_type(std::move(content_type)), response_schema(std::move(response_schema)), write(write),
        request_content_type(std::move(request_content_type)) {}
  std::string summary;
  std::string tag;
  std::vector<ParamDoc> params;
  std::string content_type = "application/json";
  nlohmann::json response_schema = nlohmann::json::object();  // OpenAPI schema of a 200 answer
  bool write = false;
  std::string request_content_type;  // for write routes with a body
  bool cached = false;  // answers are kept until the data version changes (see Router::set_version)
};

inline RouteDoc cached(RouteDoc d) {
  d.cached = true;
  return d;
}

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method, pattern;
  RouteDoc doc;
  Handler handler;
  std::vector<std::string> segments;  // pattern split on '/'
};

class Router {
 public:
  void add(std::string method, std::string pattern, RouteDoc doc, Handler handler);
  // Finds the route, checks parameters and token, runs the handler; every failure becomes a
  // JSON error response (never an exception). Returns false if no route matches the path.
  bool dispatch(Request& req, Response& res) const;
  const std::vector<Route>& routes() const { return routes_; }

  // The data version: cached answers (RouteDoc::cached) are served while it stays the same.
  void set_version(std::function<std::uint64_t()> version) { version_ = std::move(version); }

  void set_tokens(std::string write_token, std::string read_token = "") {
    write_token_ = std::move(write_token);
    read_token_ = std::move(read_token);
  }

 private:
  std::vector<Route> routes_;
  std::string write_token_, read_token_;
  std::function<std::uint64_t()> version_;
  mutable std::mutex cache_mutex_;
  mutable std::uint64_t cache_version_ = 0;
  mutable std::map<std::string, Response> cache_;  // key: path?sorted query; at most kCacheEntries
  static constexpr std::size_t kCacheEntries = 2000;
};

}  // namespace skyriver::api

// The OpenAPI 3.0 description of the routes, rendered from the Router's own RouteDocs so the
// document always lists exactly what the server answers (served at /api/openapi.json), and the
// small vocabulary the route files write their answers' schemas in (namespace schema).
// Contract: every operation has a URL-safe unique operationId (camelCase of method and path),
// `security` ([] when public), its roles in `x-roles` and its description, and every error
// status it can give, each answered with the shared Error object.
#pragma once

#include "api/router.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace skyriver::api {

nlohmann::json openapi(const Router& router);

// OpenAPI schemas of answers, so a `required` property always has a type beside it.
namespace schema {
using nlohmann::json;
inline json string() { return {{"type", "string"}}; }
inline json integer() { return {{"type", "integer"}}; }
inline json number() { return {{"type", "number"}}; }
inline json boolean() { return {{"type", "boolean"}}; }
inline json any_object() { return {{"type", "object"}}; }
inline json array(json items = json::object()) {
  json a{{"type", "array"}};
  a["items"] = items.empty() ? json{{"type", "object"}} : std::move(items);
  return a;
}
inline json nullable(json s) {
  s["nullable"] = true;
  return s;
}
// An object whose listed properties are all present (required); others may be too.
inline json object(std::vector<std::pair<std::string, json>> properties) {
  json o{{"type", "object"}, {"required", json::array()}, {"properties", json::object()}};
  for (auto& [name, s] : properties) {
    o["required"].push_back(name);
    o["properties"][name] = std::move(s);
  }
  return o;
}
}  // namespace schema

}  // namespace skyriver::api

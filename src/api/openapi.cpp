#include "api/openapi.h"

#include "api/auth.h"
#include "core/error.h"
#include "core/version.h"

#include <cctype>
#include <set>
#include <string>

namespace skyriver::api {

namespace {

using nlohmann::json;

// "GET" "/api/sites/{id}/series" -> "getSitesByIdSeries": URL-safe (letters and digits only),
// and unique since method and path are.
std::string operation_id(const std::string& method, const std::string& pattern) {
  std::string id;
  for (char c : method) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string rest = pattern.rfind("/api/", 0) == 0 ? pattern.substr(4) : pattern;
  bool upper = true;
  for (char c : rest) {
    if (c == '{') {
      id += "By";
      upper = true;
    } else if (std::isalnum(static_cast<unsigned char>(c))) {
      id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;  // '/', '}', '-', '_', '.' start a new word
    }
  }
  return id;
}

// A parameter's example in its own type (the RouteDoc keeps it as text).
json typed_example(const ParamDoc& p) {
  try {
    if (p.type == "integer") return std::stoll(p.example);
    if (p.type == "number") return std::stod(p.example);
  } catch (const std::exception&) {
    throw core::Error("openapi", "example " + p.example + " of parameter " + p.name + " is not a " + p.type);
  }
  return p.example;
}

const std::map<int, std::string>& status_texts() {
  static const std::map<int, std::string> texts{
      {400, "a parameter or the body is invalid (error.parameter names it)"},
      {401, "no login, or an unknown or revoked token"},
      {403, "the user's role or areas do not allow this, or a cross-site write by cookie"},
      {404, "no such object"},
      {409, "conflicts with the object's current state"},
      {413, "the body is over this route's limit"},
      {429, "too many failed logins; wait Retry-After seconds"},
      {503, "the part of the server this route needs is not configured or not ready"},
  };
  return texts;
}

json error_response(int status) {
  const auto text = status_texts().find(status);
  if (text == status_texts().end()) throw core::Error("openapi", "no description of error status " + std::to_string(status));
  return {{"description", text->second},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

}  // namespace

nlohmann::json openapi(const Router& router) {
  json paths = json::object();
  std::set<std::string> ids;
  std::set<int> used;  // the error statuses some operation gives: only those become components
  for (const auto& r : router.routes()) {
    json params = json::array();
    for (const auto& p : r.doc.params) {
      json schema{{"type", p.type}};
      if (!p.values.empty()) schema["enum"] = p.values;
      json one{{"name", p.name}, {"in", p.in}, {"required", p.required || p.in == "path"},
               {"description", p.description}, {"schema", schema}};
      if (!p.example.empty()) one["example"] = typed_example(p);
      params.push_back(one);
    }
    const std::string id = operation_id(r.method, r.pattern);
    if (!ids.insert(id).second) throw core::Error("openapi", "two routes share the operationId " + id);
    const bool write = r.method != "GET";
    const bool needs_login =
        !r.doc.open && (write || (router.auth() && (r.doc.internal || !router.auth()->options().public_tags.count(r.doc.group_name()))));
    // Who may call it (api/auth.h): the roles, and whether a login is needed at all.
    const auto roles = r.doc.roles.names();
    std::string who;
    for (const auto& n : roles) who += (who.empty() ? "" : ", ") + n;
    std::string description = r.doc.open       ? "Needs no login."
                              : needs_login    ? "Roles: " + who + "."
                                               : "Public: answers without a login; roles once logged in: " + who + ".";
    std::set<int> errors{400, 404};
    if (needs_login) errors.insert({401, 403});
    if (!r.doc.request_content_type.empty() || r.doc.upload) errors.insert(413);
    errors.insert(r.doc.errors.begin(), r.doc.errors.end());
    json responses{{"200", {{"description", "OK"}, {"content", {{r.doc.content_type, {{"schema", r.doc.response_schema}}}}}}}};
    used.insert(errors.begin(), errors.end());
    for (int s : errors) responses[std::to_string(s)] = {{"$ref", "#/components/responses/E" + std::to_string(s)}};
    json op{{"summary", r.doc.summary},
            {"description", description},
            {"tags", json::array({r.doc.tag})},
            {"operationId", id},
            {"parameters", params},
            {"responses", responses},
            {"x-roles", roles},
            {"x-group", r.doc.group_name()}};
    op["security"] = needs_login ? json::array({{{"token", json::array()}}, {{"session", json::array()}}}) : json::array();
    if (!r.doc.request_content_type.empty())
      op["requestBody"] = {{"required", true}, {"content", {{r.doc.request_content_type, {{"schema", {{"type", r.doc.request_content_type == "application/json" ? "object" : "string"}}}}}}}};
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.pattern][method] = op;
  }
  json responses = json::object();
  for (int status : used) responses["E" + std::to_string(status)] = error_response(status);
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "skyriver API"},
        {"version", core::kVersion},
        {"license", {{"name", "Apache-2.0"}, {"url", "https://www.apache.org/licenses/LICENSE-2.0"}}},
        {"description",
         "Air and surface-water monitoring of Datong (大同市). Times are Beijing time (UTC+8) in ISO 8601; "
         "an hourly value is keyed by the hour it starts. Concentrations in µg/m³ except CO in mg/m³; "
         "water in mg/L. Errors are JSON {error:{code,message,parameter}}. Who may call an operation: "
         "its description and x-roles (docs/api.md, \"Who may do what\")."}}},
      {"servers", json::array({{{"url", "/"}, {"description", "the server that serves this document"}}})},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"token", {{"type", "http"}, {"scheme", "bearer"}, {"description", "a token made by 'skyriver user token'"}}},
          {"session",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", kSessionCookie},
            {"description", "the session cookie set by POST /api/session"}}}}},
        {"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", {"error"}},
            {"properties",
             {{"error",
               {{"type", "object"},
                {"required", {"code", "message"}},
                {"properties",
                 {{"code", {{"type", "string"}, {"description", "a stable word, e.g. bad_parameter"}}},
                  {"message", {{"type", "string"}}},
                  {"parameter", {{"type", "string"}, {"description", "the parameter at fault, when one is"}}}}}}}}}}}}},
        {"responses", responses}}}};
}

}  // namespace skyriver::api

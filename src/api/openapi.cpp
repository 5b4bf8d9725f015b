#include "api/openapi.h"

#include "api/auth.h"
#include <set>
#include <string>

namespace skyriver::api {

namespace {

// The routes that answer 409 (the entry's current state does not allow the change, or the id
// is in use). Kept here until RouteDoc carries its statuses; the API test checks each one.
const std::set<std::string>& conflict_routes() {
  static const std::set<std::string> s{"POST /api/tasks", "POST /api/tasks/{id}", "POST /api/alarms/{id}/ack",
                                       "POST /api/alarms/{id}/close", "POST /api/alarms/{id}/task"};
  return s;
}

}  // namespace

nlohmann::json openapi(const Router& router) {
  using nlohmann::json;
  json paths = json::object();
  for (const auto& r : router.routes()) {
    json params = json::array();
    for (const auto& p : r.doc.params) {
      json schema{{"type", p.type}};
      if (!p.values.empty()) schema["enum"] = p.values;
      json one{{"name", p.name}, {"in", p.in}, {"required", p.required || p.in == "path"},
               {"description", p.description}, {"schema", schema}};
      if (!p.example.empty()) one["example"] = p.example;
      params.push_back(one);
    }
    json error_ref{{"$ref", "#/components/responses/Error"}};
    json op{{"summary", r.doc.summary},
            {"tags", json::array({r.doc.tag})},
            {"operationId", r.method + " " + r.pattern},
            {"parameters", params},
            {"responses",
             {{"200", {{"description", "OK"}, {"content", {{r.doc.content_type, {{"schema", r.doc.response_schema}}}}}}},
              {"400", error_ref},
              {"404", error_ref}}}};
    if (conflict_routes().count(r.method + " " + r.pattern)) op["responses"]["409"] = error_ref;
    // Who may call it (api/auth.h): the roles, and whether a login is needed at all.
    op["x-roles"] = r.doc.roles.names();
    op["x-group"] = r.doc.group_name();
    const bool write = r.method != "GET";
    const bool needs_login =
        !r.doc.open && (write || (router.auth() && (r.doc.internal || !router.auth()->options().public_tags.count(r.doc.group_name()))));
    if (needs_login) {
      op["security"] = json::array({{{"token", json::array()}}, {{"session", json::array()}}});
      op["responses"]["401"] = error_ref;
      op["responses"]["403"] = error_ref;
    }
    if (!r.doc.request_content_type.empty())
      op["requestBody"] = {{"required", true}, {"content", {{r.doc.request_content_type, {{"schema", {{"type", r.doc.request_content_type == "application/json" ? "object" : "string"}}}}}}}};
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.pattern][method] = op;
  }
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "skyriver API"},
        {"version", "0.1.0"},
        {"description",
         "Air and surface-water monitoring of Datong (大同市). Times are Beijing time (UTC+8) in ISO 8601; "
         "an hourly value is keyed by the hour it starts. Concentrations in µg/m³ except CO in mg/m³; "
         "water in mg/L. Errors are JSON {error:{code,message,parameter}}."}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"token", {{"type", "http"}, {"scheme", "bearer"}, {"description", "a token of 'skyriver user token'"}}},
          {"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", kSessionCookie}}}}},
        {"responses",
         {{"Error",
           {{"description", "error"},
            {"content",
             {{"application/json",
               {{"schema",
                 {{"type", "object"},
                  {"required", {"error"}},
                  {"properties",
                   {{"error",
                     {{"type", "object"},
                      {"required", {"code", "message"}},
                      {"properties",
                       {{"code", {{"type", "string"}}},
                        {"message", {{"type", "string"}}},
                        {"parameter", {{"type", "string"}}}}}}}}}}}}}}}}}}}}}};
}

}  // namespace skyriver::api

// The HTTP request and response as the API's handlers see them, independent of Beast, and
// ApiError: the one way a handler rejects a request. Every error reaches the client as JSON
// {"error": {"code": ..., "message": ..., "parameter": ...}} with the HTTP status given here.
// json_answer() and json_body() are the one way every route file writes a JSON answer and reads
// a JSON body (neither throws on invalid UTF-8: the answer replaces it, the body refuses it).
#pragma once

#include "accounts/role.h"
#include "core/utf8.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace skyriver::api {

struct Request {
  std::string method;  // GET, POST, ...
  std::string path;    // percent-decoded, without the query
  std::map<std::string, std::string> query;    // percent-decoded; a repeated key keeps the last
  std::map<std::string, std::string> headers;  // names lower-cased
  std::map<std::string, std::string> params;   // path parameters ({id} in the route pattern)
  std::string body;
  std::string body_file;  // upload routes: the body, in a private file removed after the answer
  std::string client;     // the peer's address (server.cpp); "" when routed without a network
  std::set<std::string> repeated_headers;  // names (lower-cased) of header fields sent more than once
  std::optional<accounts::Principal> principal;  // the logged-in user (api/auth.h), set by Router::admit

  // A query or path parameter, or "" when absent.
  const std::string& get(const std::string& name) const;
  bool has(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // For the audit log of a write (api/auth.h), never sent: the object changed (default: the
  // path parameters) and a short summary (default: the route's summary).
  std::string audit_object, audit_summary;
};

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, std::string message, std::string parameter = "")
      : std::runtime_error(message), status(status), code(std::move(code)), parameter(std::move(parameter)) {}
  int status;
  std::string code, parameter;
};

// A client's value as an error message may show it: at most 64 bytes (core/text.h).
using core::clipped;
std::string in_quotes(const std::string& value);  // 'clipped(value)'

// 400 naming the parameter.
inline ApiError bad_parameter(const std::string& name, const std::string& why) {
  return ApiError(400, "bad_parameter", "parameter '" + name + "': " + why, name);
}

// Headers every answer carries (the server adds them; tests/api/front_door_test.cpp checks):
// the page loads only its own scripts, styles and data (inline style attributes, which its
// tables and ECharts write, and its empty data: icon are the exceptions), may not be framed,
// is not sniffed, and sends no referrer to other sites. Listed in docs/api.md.
const std::vector<std::pair<std::string, std::string>>& security_headers();

Response json_error(int status, const std::string& code, const std::string& message, const std::string& parameter = "");

// The one JSON answer of every route: `j` as the body, invalid UTF-8 (from stored or client
// text) replaced by U+FFFD rather than thrown, so an answer never turns into a 500.
Response json_answer(const nlohmann::json& j);
std::string json_text(const nlohmann::json& j);  // the same text, for the live stream
// The one reading of a JSON request body: an object (an empty body is {}, whose missing fields
// the route names); 400 naming the problem for invalid UTF-8 (with its byte offset), bad JSON
// or another JSON type.
nlohmann::json json_body(const Request& req);

// Splits "a=1&b=x%20y" into decoded pairs. Returns false on malformed percent escapes.
bool parse_query(const std::string& text, std::map<std::string, std::string>& out);
bool percent_decode(const std::string& in, std::string& out, bool plus_is_space);

}  // namespace skyriver::api

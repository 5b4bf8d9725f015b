// The HTTP request and response as the API's handlers see them, independent of Beast, and
// ApiError: the one way a handler rejects a request. Every error reaches the client as JSON
// {"error": {"code": ..., "message": ..., "parameter": ...}} with the HTTP status given here.
#pragma once

#include "accounts/role.h"

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

// A client's value as an error message may show it: at most 64 bytes (cut on a UTF-8
// boundary, with the full length noted), so a huge bad value is never echoed back in full.
std::string clipped(const std::string& value);
std::string in_quotes(const std::string& value);  // 'clipped(value)'

// 400 naming the parameter.
inline ApiError bad_parameter(const std::string& name, const std::string& why) {
  return ApiError(400, "bad_parameter", "parameter '" + name + "': " + why, name);
}

Response json_error(int status, const std::string& code, const std::string& message, const std::string& parameter = "");

// Splits "a=1&b=x%20y" into decoded pairs. Returns false on malformed percent escapes.
bool parse_query(const std::string& text, std::map<std::string, std::string>& out);
bool percent_decode(const std::string& in, std::string& out, bool plus_is_space);

}  // namespace skyriver::api

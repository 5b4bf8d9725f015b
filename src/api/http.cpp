#include "api/http.h"

#include "core/utf8.h"

#include <nlohmann/json.hpp>

namespace skyriver::api {

const std::string& Request::get(const std::string& name) const {
  static const std::string kEmpty;
  if (auto it = params.find(name); it != params.end()) return it->second;
  if (auto it = query.find(name); it != query.end()) return it->second;
  return kEmpty;
}

bool Request::has(const std::string& name) const { return params.count(name) || query.count(name); }

Response json_error(int status, const std::string& code, const std::string& message, const std::string& parameter) {
  nlohmann::json e{{"code", code}, {"message", message}};
  if (!parameter.empty()) e["parameter"] = parameter;
  Response r;
  r.status = status;
  // Replace invalid UTF-8 from the request rather than throwing while reporting an error.
  r.body = json_text(nlohmann::json{{"error", e}});  // a client's bad bytes are replaced, not thrown
  return r;
}

const std::vector<std::pair<std::string, std::string>>& security_headers() {
  static const std::vector<std::pair<std::string, std::string>> kHeaders{
      {"Content-Security-Policy",
       "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "same-origin"},
      {"X-Frame-Options", "DENY"},  // frame-ancestors for browsers without CSP 2
  };
  return kHeaders;
}

std::string json_text(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

Response json_answer(const nlohmann::json& j) {
  Response r;
  r.body = json_text(j);
  return r;
}

nlohmann::json json_body(const Request& req) {
  if (req.body.empty()) return nlohmann::json::object();
  if (const auto at = core::invalid_utf8_at(req.body))
    throw bad_parameter("body", "is not valid UTF-8 (byte " + std::to_string(*at) + ")");
  nlohmann::json b = nlohmann::json::parse(req.body, nullptr, false);
  if (b.is_discarded() || !b.is_object()) throw bad_parameter("body", "is not a JSON object");
  return b;
}

std::string in_quotes(const std::string& value) { return "'" + clipped(value) + "'"; }

static int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(const std::string& in, std::string& out, bool plus_is_space) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int h = hex(in[i + 1]), l = hex(in[i + 2]);
      if (h < 0 || l < 0) return false;
      out.push_back(static_cast<char>(h * 16 + l));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool parse_query(const std::string& text, std::map<std::string, std::string>& out) {
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t amp = text.find('&', pos);
    if (amp == std::string::npos) amp = text.size();
    std::string pair = text.substr(pos, amp - pos);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      std::string k, v;
      if (!percent_decode(pair.substr(0, eq), k, true)) return false;
      if (eq != std::string::npos && !percent_decode(pair.substr(eq + 1), v, true)) return false;
      out[k] = v;
    }
    pos = amp + 1;
  }
  return true;
}

}  // namespace skyriver::api

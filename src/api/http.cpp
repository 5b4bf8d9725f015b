#include "api/http.h"

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
  r.body = nlohmann::json{{"error", e}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

std::string clipped(const std::string& value) {
  constexpr std::size_t kShown = 64;
  if (value.size() <= kShown) return value;
  std::size_t n = kShown;
  while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 sequence
  return value.substr(0, n) + "… (" + std::to_string(value.size()) + " bytes)";
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

#include "core/secret.h"

#include <cctype>

namespace skyriver::core {

bool equal_constant_time(std::string_view a, std::string_view b) {
  // Walk the whole of the presented value whatever the configured length, and fold the length
  // difference into the result: no early exit anywhere.
  const std::size_t n = a.size();
  unsigned char diff = static_cast<unsigned char>(n != b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char y = b.empty() ? 0 : static_cast<unsigned char>(b[i % b.size()]);
    diff |= static_cast<unsigned char>(static_cast<unsigned char>(a[i]) ^ y);
  }
  // Keep the compiler from turning the loop into an early-exit compare.
  volatile unsigned char sink = diff;
  return sink == 0;
}

namespace {

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Replaces the value after every "password=" that starts a parameter (after '?', '&', a space
// or the start). The value ends at '&' in a URL, at a space in a key/value string; a quoted
// key/value value ends at its closing quote.
std::string redact_password_params(std::string s) {
  static constexpr std::string_view kKey = "password";
  for (std::size_t pos = 0; (pos = s.find('=', pos)) != std::string::npos; ++pos) {
    std::size_t k = pos;
    while (k > 0 && s[k - 1] == ' ') --k;  // "password = x" in a key/value string
    if (k < kKey.size() || !ieq(std::string_view(s).substr(k - kKey.size(), kKey.size()), kKey)) continue;
    const std::size_t key_start = k - kKey.size();
    if (key_start > 0 && s[key_start - 1] != '?' && s[key_start - 1] != '&' && s[key_start - 1] != ' ') continue;
    std::size_t v = pos + 1;
    while (v < s.size() && s[v] == ' ') ++v;
    std::size_t end = v;
    if (end < s.size() && s[end] == '\'') {
      for (++end; end < s.size() && s[end] != '\''; ++end)
        if (s[end] == '\\') ++end;
      if (end < s.size()) ++end;
    } else {
      while (end < s.size() && s[end] != '&' && s[end] != ' ') ++end;
    }
    s.replace(v, end - v, "***");
    pos = v + 3 - 1;
  }
  return s;
}

}  // namespace

std::string redact_url(std::string_view url) {
  std::string s(url);
  // scheme://user:password@host
  if (const auto scheme = s.find("://"); scheme != std::string::npos) {
    const std::size_t auth = scheme + 3;
    const std::size_t end = s.find_first_of("/?# ", auth);
    const std::size_t at = s.rfind('@', end == std::string::npos ? s.size() : end);
    if (at != std::string::npos && at >= auth) {
      const std::size_t colon = s.find(':', auth);
      if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
    }
  }
  return redact_password_params(std::move(s));
}

}  // namespace skyriver::core

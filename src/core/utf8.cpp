#include "core/utf8.h"

namespace skyriver::core {

std::optional<std::size_t> invalid_utf8_at(std::string_view text) {
  // RFC 3629: no overlong forms, no surrogates (U+D800..DFFF), nothing above U+10FFFF.
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (c < 0x80) len = 1;
    else if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else return i;
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const unsigned char b = s[i + k];
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return i;
    }
    i += len;
  }
  return std::nullopt;
}

std::string clipped(const std::string& value) {
  constexpr std::size_t kShown = 64;
  if (value.size() <= kShown) return value;
  std::size_t n = kShown;
  while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;  // not inside a UTF-8 sequence
  return value.substr(0, n) + "… (" + std::to_string(value.size()) + " bytes)";
}

}  // namespace skyriver::core

#include "model/site.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace skyriver::model {

namespace {

// The bytes of a textual address (inet_pton); an IPv4-mapped IPv6 address becomes IPv4.
bool parse_address(std::string_view text, std::array<std::uint8_t, 16>& bytes, bool& v6) {
  if (text.empty() || text.size() > 63) return false;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = 0;
  bytes.fill(0);
  if (inet_pton(AF_INET, buf, bytes.data()) == 1) {
    v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, buf, bytes.data()) != 1) return false;
  static const std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes.data(), mapped, 12) == 0) {
    std::memmove(bytes.data(), bytes.data() + 12, 4);
    std::memset(bytes.data() + 4, 0, 12);
    v6 = false;
    return true;
  }
  v6 = true;
  return true;
}

bool same_prefix(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b, int bits) {
  const int whole = bits / 8, rest = bits % 8;
  if (std::memcmp(a.data(), b.data(), static_cast<std::size_t>(whole)) != 0) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

std::optional<AddressRange> parse_address_range(std::string_view text) {
  AddressRange r;
  r.text = std::string(text);
  const std::size_t slash = text.find('/');
  if (!parse_address(text.substr(0, slash), r.bytes, r.v6)) return std::nullopt;
  const int max = r.v6 ? 128 : 32;
  r.bits = max;
  if (slash != std::string_view::npos) {
    const std::string_view b = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(b.data(), b.data() + b.size(), r.bits);
    if (b.empty() || ec != std::errc() || end != b.data() + b.size() || r.bits < 0 || r.bits > max) return std::nullopt;
  }
  return r;
}

bool AddressRange::contains(std::string_view address) const {
  std::array<std::uint8_t, 16> a{};
  bool a6 = false;
  return parse_address(address, a, a6) && a6 == v6 && same_prefix(a, bytes, bits);
}

}  // namespace skyriver::model

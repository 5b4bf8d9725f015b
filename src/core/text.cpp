#include "core/text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace skyriver::core {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' ||
                        s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<std::string> split_csv(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(std::move(cur));
  return out;
}

std::vector<std::string_view> split_csv(std::string_view line, std::vector<std::string>& unquoted) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::vector<std::string_view> out;
  if (line.find('"') != std::string_view::npos) {  // rare: fall back to the copying splitter
    unquoted = split_csv(line);
    for (const auto& s : unquoted) out.emplace_back(s);
    return out;
  }
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

namespace {

// Clinger's fast path for the plain decimals stations and files send ("80", "-1.25", "0.033"):
// at most 15 digits make an exact integer mantissa and 10^k (k <= 15) an exact double, so one
// IEEE division gives the correctly rounded value, the same double from_chars returns.
// Anything else (exponents, more digits, "1.", ".5") is left to from_chars.
bool plain_decimal(std::string_view s, double& out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  std::size_t i = 0;
  const bool neg = !s.empty() && s[0] == '-';
  if (neg) ++i;
  std::uint64_t m = 0;
  int digits = 0, frac = -1;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      m = m * 10 + std::uint64_t(c - '0');
      if (++digits > 15) return false;
      if (frac >= 0) ++frac;
    } else if (c == '.' && frac < 0 && digits > 0) {
      frac = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || frac == 0) return false;
  const double v = double(m) / kPow10[frac < 0 ? 0 : frac];
  out = neg ? -v : v;
  return true;
}

}  // namespace

std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && (s.front() <= ' ' || s.back() <= ' ')) s = trim(s);
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  if (plain_decimal(s, v)) return v;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<long long> parse_integer(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string stored_text_problem(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return "contains a NUL character";
  // UTF-16 units, as Excel counts: one per code point, two above U+FFFF (4-byte UTF-8).
  std::size_t units = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++units;  // a lead byte (or ASCII) starts a code point
    if (c >= 0xF0) ++units;
  }
  if (units > kMaxStoredText)
    return "is " + std::to_string(units) + " characters long; at most " + std::to_string(kMaxStoredText) +
           " (Excel's cell limit)";
  return "";
}

std::string entry_id_problem(std::string_view id) {
  if (id.empty() || id.size() > 64) return "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'";
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
      return "must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'";
  std::string lower(id);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* w : {"stats", "import", "export", "new", "all"})
    if (lower == w) return "'" + lower + "' is reserved for a route";
  return "";
}

}  // namespace skyriver::core

// core::parse_number: its fast path for plain decimals gives the same double as std::from_chars
// (the correctly rounded value) for every form it takes, and refuses what it always refused.
#include "core/text.h"
#include "core/utf8.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

using skyriver::core::parse_number;

namespace {

void expect_as_from_chars(const std::string& s) {
  double want = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), want);
  ASSERT_TRUE(ec == std::errc() && p == s.data() + s.size()) << s;
  const auto got = parse_number(s);
  ASSERT_TRUE(got) << s;
  ASSERT_EQ(std::bit_cast<std::uint64_t>(*got), std::bit_cast<std::uint64_t>(want)) << s;
}

}  // namespace

TEST(ParseNumber, PlainDecimalsAsFromChars) {
  for (int k = 0; k <= 300'000; ++k) {
    const std::string i = std::to_string(k / 1000), f = std::to_string(1000 + k % 1000).substr(1);
    expect_as_from_chars(i + "." + f);
    expect_as_from_chars("-" + i + "." + f);
    expect_as_from_chars(std::to_string(k));
  }
  std::mt19937_64 rng(8170);
  for (int n = 0; n < 300'000; ++n) {
    const int digits = 1 + int(rng() % 15), point = int(rng() % (digits + 1));
    std::string s;
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) s += '.';
      s += char('0' + rng() % 10);
    }
    expect_as_from_chars(s);
  }
  for (const char* s : {"0", "-0", "0.0", "000123.4500", "999999999999999", "0.000000000000001", "123456789012345.6",
                        "1e3", "1.5E-7", "12345678901234567890", ".5", "1."})
    expect_as_from_chars(s);
}

TEST(ParseNumber, RefusesWhatIsNotANumber) {
  for (const char* s : {"", "-", ".", "1.2.3", "1,5", "abc", "1e", "nan", "inf", "1e999", "--1", "0x10", "1 2"})
    EXPECT_FALSE(parse_number(s)) << s;
  EXPECT_EQ(*parse_number(" +2.5 "), 2.5);
}

// core::invalid_utf8_at (core/utf8.h) against RFC 3629's table (section 4, UTF8-octets): the valid forms of
// each length, and the forms section 3 and 10 forbid (overlong, surrogates, past U+10FFFF,
// stray continuation bytes, truncated sequences).
TEST(InvalidUtf8At, FollowsRfc3629) {
  using skyriver::core::invalid_utf8_at;
  EXPECT_EQ(invalid_utf8_at(""), std::nullopt);
  EXPECT_EQ(invalid_utf8_at("PM2.5 \xC2\xB5g/m\xC2\xB3 \xE5\xA4\xA7\xE5\x90\x8C \xF0\x9F\x98\x80"), std::nullopt);  // µg/m³ 大同 😀
  EXPECT_EQ(invalid_utf8_at("\xEF\xBF\xBF\xF4\x8F\xBF\xBF"), std::nullopt);  // U+FFFF, U+10FFFF
  EXPECT_EQ(invalid_utf8_at("\xFF\xFE.csv"), 0u);                            // the upload name
  EXPECT_EQ(invalid_utf8_at("ab\x80"), 2u);                                  // continuation byte alone
  EXPECT_EQ(invalid_utf8_at("a\xC0\x80"), 1u);                               // overlong NUL
  EXPECT_EQ(invalid_utf8_at("\xE0\x80\xAF"), 0u);                            // overlong '/'
  EXPECT_EQ(invalid_utf8_at("\xED\xA0\x80"), 0u);                            // U+D800, a surrogate
  EXPECT_EQ(invalid_utf8_at("\xF4\x90\x80\x80"), 0u);                        // U+110000
  EXPECT_EQ(invalid_utf8_at("xy\xE5\xA4"), 2u);                              // truncated 大
  EXPECT_EQ(invalid_utf8_at("\xC3\x28"), 0u);                                // lead byte, then ASCII
}

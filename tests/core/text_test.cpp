// core::parse_number: its fast path for plain decimals gives the same double as std::from_chars
// (the correctly rounded value) for every form it takes, and refuses what it always refused.
#include "core/text.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
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

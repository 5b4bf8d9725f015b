#include "core/text.h"
#include "core/time.h"

#include <gtest/gtest.h>

using namespace skyriver::core;

TEST(Time, CivilRoundTrip) {
  // 1970-01-01 is day 0; 2000-03-01 is day 11017 (a well-known anchor of the algorithm).
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({2000, 3, 1}), 11017);
  for (std::int64_t d = -1000; d < 30000; d += 7) EXPECT_EQ(days_from_civil(civil_from_days(d)), d);
}

TEST(Time, BeijingIsUtcPlus8) {
  // 2019-01-01 00:00 Beijing = 2018-12-31 16:00 UTC = 1546272000.
  EXPECT_EQ(beijing_midnight({2019, 1, 1}), 1546272000);
  EXPECT_EQ(format_beijing(1546272000), "2019-01-01 00:00:00");
  EXPECT_EQ(format_iso(1546272000), "2019-01-01T00:00:00+08:00");
}

TEST(Time, HourEndingLabels) {
  // CNEMC label "hour 0 of 2019-01-01" is the hour (2018-12-31 23:00, 2019-01-01 00:00].
  EXPECT_EQ(format_beijing(hour_ending_to_start({2019, 1, 1}, 0)), "2018-12-31 23:00:00");
  EXPECT_EQ(format_beijing(hour_ending_to_start({2019, 1, 1}, 24)), "2019-01-01 23:00:00");
}

TEST(Time, StrictParsing) {
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2023-1-01"));
  auto c = parse_civil("2019-01-01 24:00");
  ASSERT_TRUE(c);
  EXPECT_EQ(format_civil(*c), "2019-01-02 00:00:00");
  EXPECT_TRUE(parse_civil("20191012133710"));
  EXPECT_FALSE(parse_civil("2019-01-01 25:00"));
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2100, 2), 28);
}

TEST(Text, NumbersAndCsv) {
  EXPECT_EQ(parse_number(" 12.5 "), 12.5);
  EXPECT_FALSE(parse_number("12a"));
  EXPECT_FALSE(parse_number(""));
  EXPECT_FALSE(parse_number("nan"));
  auto f = split_csv("a,\"b,c\",,d\r");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1], "b,c");
  EXPECT_EQ(f[2], "");
  EXPECT_EQ(f[3], "d");
}

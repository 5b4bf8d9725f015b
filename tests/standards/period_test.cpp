// Period summary (composite index, good days, dust rule) and annual compliance on small periods
// worked by hand; each expectation cites the rule and shows the arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "standards/air_stats.h"
#include "standards/area.h"
#include "standards/composite.h"
#include "standards/day_status.h"

using namespace skyriver;
using namespace skyriver::standards;

namespace {
DailyRecord day(int d, double pm25, double pm10, double so2, double no2, double co, double o3_8h,
                bool dust = false) {
  DailyRecord r;
  r.date = core::Date{2019, 3, d};
  r.values = DailyInput{pm25, pm10, so2, no2, co, o3_8h, kMissing};
  r.aqi = daily_aqi(Edition::e2012, r.values);
  r.dust = dust;
  return r;
}
}  // namespace

TEST(PeriodSummary, GoodDaysLevelsAndDustRule) {
  std::vector<DailyRecord> days{
      day(1, 30, 60, 10, 20, 0.8, 100),          // AQI 55 (PM10 50+50*10/100)
      day(2, 80, 400, 10, 30, 1.0, 120, true),   // dust day, AQI 272 (PM10 200+100*50/70)
      day(3, 40, 50, 20, 40, 1.2, 160),          // AQI 100 (O3 8h node)
      day(4, kMissing, kMissing, kMissing, kMissing, kMissing, kMissing),  // no valid data
  };
  ASSERT_EQ(*days[0].aqi.aqi, 55);
  ASSERT_EQ(*days[1].aqi.aqi, 272);
  ASSERT_EQ(*days[2].aqi.aqi, 100);
  const PeriodSummary s = summarize_period(days);
  EXPECT_EQ(s.days, 4);
  EXPECT_EQ(s.valid_days, 3);   // the day without data is not in the denominator (REFERENCE 4.2)
  EXPECT_EQ(s.good_days, 2);    // AQI <= 100; the dust day stays in the ratio (CNEMC note, 4.3)
  EXPECT_EQ(s.good_ratio, 66.67);  // 2/3
  EXPECT_EQ(s.heavy_days, 1);   // AQI > 200
  EXPECT_EQ(s.days_per_level[2], 2);
  EXPECT_EQ(s.days_per_level[5], 1);
  EXPECT_EQ(s.dust_days, 1);
  // PM without the dust day: PM2.5 (30+40)/2 = 35, PM10 (60+50)/2 = 55.
  EXPECT_EQ(s.conc[unsigned(Pollutant::pm25)], 35);
  EXPECT_EQ(s.conc[unsigned(Pollutant::pm10)], 55);
  EXPECT_EQ(s.conc[unsigned(Pollutant::so2)], 13);   // (10+10+20)/3 = 13.3 -> 13
  EXPECT_EQ(s.conc[unsigned(Pollutant::no2)], 30);
  // CO 95th pct of {0.8,1.0,1.2}: k = 1+2*0.95 = 2.9 -> 1.0+0.2*0.9 = 1.18 -> 1.2
  EXPECT_DOUBLE_EQ(s.conc[unsigned(Pollutant::co)], 1.2);
  // O3 90th pct of {100,120,160}: k = 2.8 -> 120+40*0.8 = 152
  EXPECT_EQ(s.conc[unsigned(Pollutant::o3_8h)], 152);
  // 35/35 + 55/70 + 13/60 + 30/40 + 1.2/4 + 152/160 = 4.0024 -> 4.00
  EXPECT_DOUBLE_EQ(s.composite.total, 4.00);
  EXPECT_EQ(s.composite.primary, bit(Pollutant::pm25));
}

TEST(PeriodSummary, ChangeAgainstLastYear) {
  PeriodSummary now, last;
  now.composite.total = 4.53;
  last.composite.total = 5.00;
  now.good_ratio = 79.23;
  last.good_ratio = 75.00;
  const PeriodChange c = compare_periods(now, last);
  EXPECT_NEAR(c.composite_pct, -9.4, 1e-9);  // (4.53-5.00)/5.00
  EXPECT_NEAR(c.good_ratio_points, 4.23, 1e-9);
}

TEST(AnnualCompliance, MeanAndPercentileAgainstLimits) {
  // 2019: 345 days of PM2.5 30 and 20 days of 80 (the last 20 days of the year).
  std::vector<double> d(365, 30.0), scratch(365);
  for (int i = 345; i < 365; ++i) d[i] = 80;
  auto c = annual_compliance(LimitSet::gb2012, ZoneClass::class2, Pollutant::pm25, 2019, d, scratch);
  EXPECT_TRUE(c.valid);
  EXPECT_EQ(c.mean, 33);  // (345*30+20*80)/365 = 32.74 -> 33 <= 35
  EXPECT_EQ(c.pct, 80);   // k = 1+364*0.95 = 346.8: X(346) = X(347) = 80 > 75
  EXPECT_EQ(c.mean_limit, 35);
  EXPECT_EQ(c.pct_limit, 75);
  EXPECT_FALSE(c.compliant);
  for (int i = 345; i < 365; ++i) d[i] = 30;
  c = annual_compliance(LimitSet::gb2012, ZoneClass::class2, Pollutant::pm25, 2019, d, scratch);
  EXPECT_TRUE(c.compliant);
  // 2026 transitional class 2 annual PM2.5 = 30: 30 <= 30 complies; final 25 does not.
  EXPECT_TRUE(annual_compliance(LimitSet::gb2026_transitional, ZoneClass::class2, Pollutant::pm25,
                                2019, d, scratch).compliant);
  EXPECT_FALSE(annual_compliance(LimitSet::gb2026_final, ZoneClass::class2, Pollutant::pm25, 2019,
                                 d, scratch).compliant);
  // February with 23 valid days (< 25): the annual statistic is not valid (GB 3095 Table 4).
  for (int i = 31; i < 36; ++i) d[i] = kMissing;
  c = annual_compliance(LimitSet::gb2012, ZoneClass::class2, Pollutant::pm25, 2019, d, scratch);
  EXPECT_FALSE(c.valid);
  EXPECT_FALSE(c.compliant);
}

TEST(CalendarMeans, MonthlyValidity) {
  std::vector<double> feb(28, 10.0);
  EXPECT_EQ(monthly_mean({2019, 2, 1}, feb), 10);
  for (int i = 0; i < 4; ++i) feb[i] = kMissing;  // 24 valid < 25
  EXPECT_TRUE(std::isnan(monthly_mean({2019, 2, 1}, feb)));
}

TEST(AreaValues, AqiFromAreaConcentrationsNotMaxOfSites) {
  // Two sites: A PM2.5 80 (IAQI 107), B PM2.5 40 (IAQI 57): area PM2.5 = 60 -> 50+50*25/40 = 81.25
  // -> 82, not max(107, 57) (REFERENCE 3.5).
  HourlyInput a, b;
  a.pm25 = 80;
  b.pm25 = 40;
  a.pm10 = b.pm10 = 20;
  std::vector<HourlyInput> sites{a, b};
  const HourlyInput area = area_hour(sites);
  EXPECT_EQ(area.pm25, 60);
  EXPECT_EQ(*hourly_aqi(Edition::e2012, area).aqi, 82);
}

TEST(MovingMean, EightHourWindowsNeedSixValues) {
  // GB 3095 Table 4: an 8-h mean needs >= 6 of the 8 hourly values; out[i] ends with hour i.
  std::vector<double> in{10, 20, 30, 40, 50, 60, 70, 80, kMissing, kMissing, 100, kMissing};
  std::vector<double> out(in.size());
  moving_mean(in, out, 8, 6);
  for (int i = 0; i < 7; ++i) EXPECT_TRUE(std::isnan(out[i])) << i;  // no full window yet
  EXPECT_EQ(out[7], 45);   // (10+...+80)/8
  EXPECT_EQ(out[8], 50);   // hours 1..8: 20..80 = 350 / 7
  EXPECT_EQ(out[9], 55);   // hours 2..9: 30..80 = 330 / 6
  EXPECT_DOUBLE_EQ(out[10], 400.0 / 6);  // hours 3..10: 40,50,60,70,80,100
  EXPECT_TRUE(std::isnan(out[11]));        // hours 4..11: only 5 valid
}

TEST(CalendarMeans, QuarterlyAndAnnualValidity) {
  // Q1 2019: 90 days of 20 -> valid (every month meets its minimum), mean 20.
  std::vector<double> q1(90, 20.0);
  EXPECT_EQ(quarterly_mean({2019, 1, 1}, q1), 20);
  for (int i = 31; i < 35; ++i) q1[i] = kMissing;  // February 24 valid < 25
  EXPECT_TRUE(std::isnan(quarterly_mean({2019, 1, 1}, q1)));
  // 2019: 365 days, first half 10, second half 30; mean = (181*10 + 184*30)/365 = 20.08
  std::vector<double> y(365, 10.0);
  for (int i = 181; i < 365; ++i) y[i] = 30;
  EXPECT_NEAR(annual_mean({2019, 1, 1}, y), (181 * 10.0 + 184 * 30.0) / 365, 1e-12);
  // Remove 3 days in every month and one more in Jan, Mar, May, Jul, Aug (41 in all): 324 valid
  // days, February 25, every 31-day month 27, every 30-day month 27 -> valid (GB 3095 Table 4).
  const int starts[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  for (int m = 0; m < 12; ++m)
    for (int k = 0; k < 3; ++k) y[starts[m] + k] = kMissing;
  for (int m : {0, 2, 4, 6, 7}) y[starts[m] + 3] = kMissing;
  EXPECT_FALSE(std::isnan(annual_mean({2019, 1, 1}, y)));
  y[starts[9] + 3] = kMissing;  // 323 days (October still 27): not valid
  EXPECT_TRUE(std::isnan(annual_mean({2019, 1, 1}, y)));
}

TEST(PeriodSummary, ADayIsJudgedOnAllSixItems) {
  // day_status.h: a day with only the O3 8-h item valid (AQI 2012 = O3 8-h IAQI 50 at 100 µg/m³)
  // is neither good nor in the denominator; a day with only PM2.5 = 80 (IAQI 100 + 50/40 x 5 =
  // 106.25 -> 107 > 100) is a valid, not-good day whatever the missing items are.
  std::vector<DailyRecord> days{
      day(1, 30, 60, 10, 20, 0.8, 100),  // all six: AQI 55, good
      day(2, kMissing, kMissing, kMissing, kMissing, kMissing, 100),
      day(3, 80, kMissing, kMissing, kMissing, kMissing, kMissing),
  };
  ASSERT_EQ(*days[1].aqi.aqi, 50);
  ASSERT_EQ(*days[2].aqi.aqi, 107);
  const PeriodSummary s = summarize_period(days);
  EXPECT_EQ(s.valid_days, 2);
  EXPECT_EQ(s.good_days, 1);
  EXPECT_EQ(s.good_ratio, 50);
  EXPECT_EQ(s.days_per_level[2], 1);  // day 1 (55); day 2 is not counted at all
  EXPECT_EQ(s.days_per_level[3], 1);  // day 3 (107)
  // 2026 edition: day 2's AQI is NA (5.3), same status.
  DailyRecord d2 = days[1];
  d2.aqi = daily_aqi(Edition::e2026, d2.values);
  EXPECT_FALSE(d2.aqi.aqi.has_value());
  EXPECT_EQ(day_status(d2.values, d2.aqi), DayStatus::invalid);
}

TEST(PeriodSummary, FiguresBelowTheDataMinimumAreMarked) {
  // Three days of March: minimum ceil(3 x 27 / 31) = ceil(2.61) = 3 -> complete with 3 valid.
  std::vector<DailyRecord> days{day(1, 30, 60, 10, 20, 0.8, 100), day(2, 30, 60, 10, 20, 0.8, 100),
                                day(3, 30, 60, 10, 20, 0.8, kMissing)};
  PeriodSummary s = summarize_period(days);
  EXPECT_EQ(s.required_days, 3);
  EXPECT_TRUE(s.conc_complete[unsigned(Pollutant::pm25)]);
  EXPECT_FALSE(s.conc_complete[unsigned(Pollutant::o3_8h)]);  // 2 < 3
  EXPECT_FALSE(s.complete);
  EXPECT_FALSE(std::isnan(s.composite.total));  // still computed and shown
  EXPECT_FALSE(s.days_complete);  // day 3 lacks O3: 2 valid days < 3
}

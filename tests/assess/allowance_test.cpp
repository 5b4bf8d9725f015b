// The remaining allowance (target_progress.h), worked by hand on ten days of January 2019.
#include "assess/target_progress.h"
#include "standards/aqi.h"

#include <gtest/gtest.h>

using namespace skyriver;
namespace st = skyriver::standards;

namespace {
// Ten days, 2019-01-01..10, all six items valid (so every day is judged, day_status.h):
//   PM2.5: days 1-5 40, days 6-10 60          -> S = 500 over n = 10
//   PM10:  days 1-7 50, days 8-9 200, day 10 400
//          IAQI (HJ 633-2012): 200 -> 100 + 50/100 x 50 = 125; 400 -> 200 + 100/70 x 50 = 271.4 -> 272
//   O3-8h: days 1-8 100, days 9-10 150
// Daily AQI: days 1-7 <= 100 (PM2.5 60 -> 82), days 8-9 125, day 10 272: 7 good, 3 not, 1 heavy.
std::vector<st::DailyRecord> ten_days() {
  std::vector<st::DailyRecord> out;
  for (int d = 1; d <= 10; ++d) {
    st::DailyRecord r;
    r.date = {2019, 1, d};
    r.values.pm25 = d <= 5 ? 40 : 60;
    r.values.pm10 = d <= 7 ? 50 : d <= 9 ? 200 : 400;
    r.values.so2 = 10, r.values.no2 = 20, r.values.co = 0.5;
    r.values.o3_8h = d <= 8 ? 100 : 150;
    r.aqi = st::daily_aqi(st::Edition::e2012, r.values);
    out.push_back(r);
  }
  return out;
}
const assess::Indicator& ind(const char* code) { return *assess::find_indicator(code); }
constexpr int kRemaining = 355;  // 2019-01-11 .. 2019-12-31
}  // namespace

TEST(Allowance, AnnualMeanTheRestOfTheYearMustStayUnder) {
  const auto days = ten_days();
  ASSERT_EQ(*days[9].aqi.aqi, 272);
  // PM2.5 < 30: the reported annual mean (integer, GB/T 8170) must be <= 29, i.e. the unrounded
  // mean below 29.5. N = 10 + 355 = 365: A = (29.5 x 365 - 500) / 355 = 10267.5 / 355 = 28.9225...
  const auto a = assess::remaining_allowance(ind("pm25"), {30.0, assess::Op::lt}, days, kRemaining);
  EXPECT_EQ(a.kind, "average_below");
  EXPECT_NEAR(a.value, 10267.5 / 355, 1e-9);
  EXPECT_TRUE(a.reachable);
  EXPECT_EQ(a.remaining_days, 355);
  // A target of < 1 can no longer be met: (0.5 x 365 - 500) / 355 = -317.5 / 355 < 0.
  EXPECT_FALSE(assess::remaining_allowance(ind("pm25"), {1.0, assess::Op::lt}, days, kRemaining).reachable);
}

TEST(Allowance, GoodDaysStillAllowedToBeLost) {
  // >= 88 % of N = 365 valid days: ceil(0.88 x 365) = ceil(321.2) = 322 good days needed, so 43
  // may be lost; 3 are lost already: 40 left.
  const auto a = assess::remaining_allowance(ind("good_ratio"), {88.0, assess::Op::ge}, ten_days(), kRemaining);
  EXPECT_EQ(a.kind, "days_left");
  EXPECT_EQ(a.value, 40);
  EXPECT_TRUE(a.reachable);
}

TEST(Allowance, HeavyPollutionDaysLeft) {
  // <= 5 heavy days in the year, 1 so far (day 10, AQI 272): 4 left; < 5: 3 left.
  EXPECT_EQ(assess::remaining_allowance(ind("heavy_days"), {5.0, assess::Op::le}, ten_days(), kRemaining).value, 4);
  EXPECT_EQ(assess::remaining_allowance(ind("heavy_days"), {5.0, assess::Op::lt}, ten_days(), kRemaining).value, 3);
}

TEST(Allowance, PercentileDaysStillAllowedAbove) {
  // O3-8h P90 < 145 -> unrounded P90 below 144.5. N = 365: k = 1 + 364 x 0.9 = 328.6, s = 328;
  // P90 = X(328) + 0.6 (X(329) - X(328)) stays <= 144.5 when X(329) does, i.e. when at most
  // 365 - 329 = 36 days exceed 144.5 (HJ 663 Appendix A). Days 9-10 (150) already do: 34 left.
  const auto a = assess::remaining_allowance(ind("o3_8h"), {145.0, assess::Op::lt}, ten_days(), kRemaining);
  EXPECT_EQ(a.kind, "days_above_left");
  EXPECT_EQ(a.value, 34);
}

TEST(Allowance, NoneForTheCompositeIndex) {
  EXPECT_EQ(assess::remaining_allowance(ind("composite"), {4.0, assess::Op::le}, ten_days(), kRemaining).kind, "");
}

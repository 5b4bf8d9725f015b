// Forecast intervals: the error quantiles per horizon (or short run of horizons) of a block
// model, worked by hand on synthetic held-out errors. (A card saved before the parts still
// loads: issue_test.cpp, next to the saved model set.)
#include "forecast/horizon_model.h"

#include <gtest/gtest.h>

using namespace skyriver;
using namespace skyriver::forecast;

// A block of horizons 25..27 whose held-out errors (observed - predicted) are known exactly:
//   h 25: 200 errors  k - 100       (k = 0..199): -100, -99, ..., 99
//   h 26: 200 errors  2 (k - 100)                 : -200, -198, ..., 198
//   h 27: 100 errors  all 1000 (too few alone: fewer than min_errors = 200)
// A quantile at level q of n sorted errors is the (floor(q n))-th (0-based), one bin per part
// (bins = n / 200, at most 5):
//   part 25:    n 200: 10 % -> e[20] = 20 - 100 = -80,  90 % -> e[180] = 80.
//               The band [-80, 80] holds k = 20..180: 161 of 200 = 80.5 % of h 25's errors.
//   part 26-27: h 27 joins h 26 (short remainder). n 300, sorted: the 200 errors of h 26, then
//               the 100 of 1000. 10 % -> e[30] = 2 (30 - 100) = -140, 90 % -> e[270] = 1000.
//   Pooled over the whole block (the old way), n 500: below -100 lie only h 26's -200..-102
//   (50 errors), so 10 % -> e[50] = -100 and 90 % -> e[450] = 1000: one band [-100, 1000] for
//   all three horizons, far too wide for h 25 and too narrow below for h 26.
TEST(Intervals, QuantilesPerHorizonOfTheBlockWorkedByHand) {
  std::vector<int> h;
  std::vector<float> pred;
  std::vector<double> err;
  // Interleave the horizons (held-out rows come per site and issue hour, not per horizon).
  for (int k = 0; k < 200; ++k) {
    h.push_back(25), pred.push_back(500.f), err.push_back(k - 100);
    h.push_back(26), pred.push_back(500.f), err.push_back(2 * (k - 100));
    if (k < 100) h.push_back(27), pred.push_back(500.f), err.push_back(1000);
  }
  HorizonModel m;
  m.h_first = 25, m.h_last = 27;
  m.interval = fit_intervals(25, 27, h, pred, err, 200);
  ASSERT_EQ(m.interval.size(), 2u);
  EXPECT_EQ(m.interval[0].h_last, 25);
  EXPECT_EQ(m.interval[1].h_last, 27);
  constexpr std::size_t lo = 0, hi = kQuantileLevels.size() - 1;  // 10 %, 90 %
  EXPECT_FLOAT_EQ(m.quantile(500.f, 25, lo), 420.f);
  EXPECT_FLOAT_EQ(m.quantile(500.f, 25, hi), 580.f);
  EXPECT_FLOAT_EQ(m.quantile(500.f, 26, lo), 360.f);
  EXPECT_FLOAT_EQ(m.quantile(500.f, 26, hi), 1500.f);
  EXPECT_FLOAT_EQ(m.quantile(500.f, 27, lo), 360.f);
  EXPECT_FLOAT_EQ(m.quantile(500.f, 27, hi), 1500.f);
  // Coverage of h 25's own errors by its band: 161 of 200 (above).
  int inside = 0;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (h[i] == 25) {
      const float y = pred[i] + float(err[i]);
      inside += y >= m.quantile(pred[i], 25, lo) && y <= m.quantile(pred[i], 25, hi);
    }
  EXPECT_EQ(inside, 161);
  // A concentration's band never goes below zero: 50 - 80 -> 0.
  EXPECT_FLOAT_EQ(m.quantile(50.f, 25, lo), 0.f);
}

// Enough errors at every horizon: one part per horizon. Too few in the whole block: one part.
// No held-out errors: no band (the prediction itself).
TEST(Intervals, PartsFollowTheNumberOfErrors) {
  std::vector<int> h;
  std::vector<float> pred;
  std::vector<double> err;
  for (int hh = 1; hh <= 4; ++hh)
    for (int k = 0; k < 10; ++k) h.push_back(hh), pred.push_back(1.f), err.push_back(hh * (k - 5));
  auto parts = fit_intervals(1, 4, h, pred, err, 10);
  ASSERT_EQ(parts.size(), 4u);
  // h 3: errors 3 (k - 5), k = 0..9; 10 % -> e[1] = -12, 90 % -> e[9] = 12.
  EXPECT_FLOAT_EQ(parts[2].error_quantiles[0][0], -12.f);
  EXPECT_FLOAT_EQ(parts[2].error_quantiles[0][4], 12.f);
  parts = fit_intervals(1, 4, h, pred, err, 1000);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].h_last, 4);
  HorizonModel none;
  EXPECT_FLOAT_EQ(none.quantile(7.f, 1, 0), 7.f);
}

// Monthly control targets (target_months.h): the pattern default worked by hand on two years of
// synthetic data, a configured month overriding it, and the flat fallback.
#include "assess/target_months.h"
#include "engine/engine.h"
#include "model/city.h"
#include "targets_text.h"

#include <gtest/gtest.h>


using namespace skyriver;

namespace {
assess::Targets targets(const std::string& text) { return test::targets_from_text(text); }
// 2017 and 2018: PM2.5 60 µg/m³ every hour of January-March and October-December, 30 in
// April-September, at one station of 平城区.
void two_years(engine::Engine& e) {
  e.set_city({{"X1", "x", "air", "140213", 113, 40, true, false}},
             {{"140200", "大同市", "city", ""}, {"140213", "平城区", "district", "140200"}});
  std::vector<engine::Update> v;
  for (int y = 2017; y <= 2018; ++y) {
    const core::Instant t0 = core::beijing_midnight({y, 1, 1});
    for (int h = 0; h < 365 * 24; ++h) {
      const int month = core::beijing_date(t0 + h * core::kHour).month;
      v.push_back({"X1", "pm25", t0 + h * core::kHour, (month >= 4 && month <= 9) ? 30.0 : 60.0});
    }
  }
  e.put(v, false);
}
}  // namespace

TEST(MonthlyTargets, AnnualTargetShapedByTheMonthlyPattern) {
  engine::Engine e;
  two_years(e);
  const auto t = targets(
      "[rules]\nmonthly_default = \"pattern\"\npattern_years = 3\n"
      "[[target]]\narea = \"140213\"\nyear = 2019\nsource = \"test\"\nconfirmed = true\n"
      "pm25 = { value = 30, op = \"<\", unit = \"µg/m³\" }\n"
      "[[monthly]]\narea = \"140213\"\nyear = 2019\nmonth = 2\nsource = \"市里下达\"\nconfirmed = true\npm25 = 55\n");
  const auto m = e.read([&](const engine::Engine& eng) { return assess::monthly_targets(eng, t, "140213", 2019); });
  // Base years 2016-2018, of which 2017 and 2018 have data. Mean of the 12 monthly figures =
  // (6 x 60 + 6 x 30) / 12 = 45: January 30 x 60/45 = 40.0, July 30 x 30/45 = 20.0; the twelve
  // average to 30.
  EXPECT_EQ(m.how, "pattern 2017-2018");
  const auto& pm = m.by_indicator.at("pm25");
  ASSERT_TRUE(pm[0] && pm[0]->value);
  EXPECT_DOUBLE_EQ(*pm[0]->value, 40.0);
  EXPECT_DOUBLE_EQ(*pm[6]->value, 20.0);
  EXPECT_EQ(pm[0]->op, assess::Op::lt);
  EXPECT_FALSE(pm[0]->confirmed);  // a default: to be confirmed
  EXPECT_TRUE(pm[0]->inherited);
  // February was handed down: as configured.
  EXPECT_DOUBLE_EQ(*pm[1]->value, 55);
  EXPECT_TRUE(pm[1]->confirmed);
  EXPECT_EQ(pm[1]->source, "市里下达");
  // No base data for SO2: flat, the annual target every month (none configured here: none).
  EXPECT_FALSE(m.by_indicator.at("so2")[0]);
}

TEST(MonthlyTargets, FlatWhenAskedOrWithoutBaseData) {
  engine::Engine e;
  two_years(e);
  const auto flat = targets("[rules]\nmonthly_default = \"flat\"\n[[target]]\narea = \"140213\"\nyear = 2019\n"
                            "pm25 = { value = 30, op = \"<\", unit = \"ug/m3\" }\n");
  auto m = e.read([&](const engine::Engine& eng) { return assess::monthly_targets(eng, flat, "140213", 2019); });
  EXPECT_EQ(m.how, "flat");
  EXPECT_DOUBLE_EQ(*m.by_indicator.at("pm25")[0]->value, 30);
  // 2030: the three years before have no data.
  const auto later = targets("[[target]]\narea = \"140213\"\nyear = 2030\npm25 = { value = 30, op = \"<\", unit = \"ug/m3\" }\n");
  m = e.read([&](const engine::Engine& eng) { return assess::monthly_targets(eng, later, "140213", 2030); });
  EXPECT_EQ(m.how, "flat (no base data)");
  EXPECT_DOUBLE_EQ(*m.by_indicator.at("pm25")[6]->value, 30);
}

TEST(MonthlyTargets, AMonthWithoutABaseKeepsTheAnnualTarget) {
  // 2018 only: PM2.5 60 in January, March and October-December, 30 in April-September, and no
  // data in February (no complete base month). The pattern is normalised over the 11 known
  // months: mean (5 x 60 + 6 x 30) / 11 = 480 / 11; January 30 x 60 x 11 / 480 = 41.25 -> 41.2
  // (one decimal, GB/T 8170 half to even), July 30 x 30 x 11 / 480 = 20.625 -> 20.6, February
  // keeps 30. Unrounded, the twelve average to (5 x 41.25 + 6 x 20.625 + 30) / 12 = 30.
  engine::Engine e;
  e.set_city({{"X1", "x", "air", "140213", 113, 40, true, false}},
             {{"140200", "大同市", "city", ""}, {"140213", "平城区", "district", "140200"}});
  std::vector<engine::Update> v;
  const core::Instant t0 = core::beijing_midnight({2018, 1, 1});
  for (int h = 0; h < 365 * 24; ++h) {
    const int month = core::beijing_date(t0 + h * core::kHour).month;
    if (month == 2) continue;
    v.push_back({"X1", "pm25", t0 + h * core::kHour, (month >= 4 && month <= 9) ? 30.0 : 60.0});
  }
  e.put(v, false);
  const auto t = targets("[[target]]\narea = \"140213\"\nyear = 2019\npm25 = { value = 30, op = \"<\", unit = \"ug/m3\" }\n");
  const auto m = e.read([&](const engine::Engine& eng) { return assess::monthly_targets(eng, t, "140213", 2019); });
  EXPECT_EQ(m.how, "pattern 2018 (months without a complete base month: the annual target)");
  const auto& pm = m.by_indicator.at("pm25");
  EXPECT_DOUBLE_EQ(*pm[0]->value, 41.2);
  EXPECT_DOUBLE_EQ(*pm[1]->value, 30);
  EXPECT_NE(pm[1]->source.find("全年同值"), std::string::npos) << pm[1]->source;
  EXPECT_DOUBLE_EQ(*pm[6]->value, 20.6);
  EXPECT_NE(pm[6]->source.find("2018年逐月规律分解"), std::string::npos) << pm[6]->source;
}

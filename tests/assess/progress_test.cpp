// Progress of a month against targets (target_progress.h), every number worked by hand: the
// month's figure, gap and met against the monthly control target, the change against the same
// month last year, the rank among districts/counties (a county with two valid days is shown but
// not ranked), the year to date below its data minimum, and the remaining allowance.
#include "assess/target_progress.h"
#include "engine/engine.h"
#include "model/city.h"
#include "targets_text.h"

#include <gtest/gtest.h>


using namespace skyriver;
using engine::Engine;

namespace {
const char* kSix[] = {"pm25", "pm10", "so2", "no2", "co", "o3"};

// Every hour of `days` days from `first`, constant values per pollutant (pm25 pm10 so2 no2 co o3).
void fill(std::vector<engine::Update>& out, const std::string& site, core::Date first, int days, const double (&v)[6]) {
  const core::Instant t0 = core::beijing_midnight(first);
  for (int h = 0; h < days * 24; ++h)
    for (int p = 0; p < 6; ++p) out.push_back({site, kSix[p], t0 + h * core::kHour, v[p]});
}

assess::Targets targets(const std::string& text) { return test::targets_from_text(text); }

// 平城区 (X1): July 2018 PM2.5 50, PM10 80; July 2019 PM2.5 40, PM10 70; SO2 12, NO2 30, CO 1.0,
// O3 100 both years. 云冈区 (Y1): July 2019 PM2.5 20, PM10 40, SO2 6, NO2 20, CO 0.5, O3 80.
// 阳高县 (Z1): two days of July 2019, the cleanest of all (PM2.5 10 ...).
void three_areas(Engine& e) {
  e.set_city({{"X1", "x", "air", "140213", 113, 40, true, false},
              {"Y1", "y", "air", "140214", 113, 40, true, false},
              {"Z1", "z", "air", "140221", 113, 40, true, false}},
             {{"140200", "大同市", "city", ""},
              {"140213", "平城区", "district", "140200"},
              {"140214", "云冈区", "district", "140200"},
              {"140221", "阳高县", "county", "140200"}});
  std::vector<engine::Update> v;
  fill(v, "X1", {2018, 7, 1}, 31, {50, 80, 12, 30, 1.0, 100});
  fill(v, "X1", {2019, 7, 1}, 31, {40, 70, 12, 30, 1.0, 100});
  fill(v, "Y1", {2019, 7, 1}, 31, {20, 40, 6, 20, 0.5, 80});
  fill(v, "Z1", {2019, 7, 10}, 2, {10, 20, 5, 10, 0.3, 50});
  e.put(v, false);
}

const char* kTargets =
    "[rules]\nmonthly_default = \"flat\"\n"
    "[[target]]\narea = \"140200\"\nyear = 2019\nsource = \"test\"\nconfirmed = true\n"
    "pm25 = { value = 30, op = \"<\", unit = \"µg/m³\" }\n"
    "good_ratio = { value = 88, op = \">=\", unit = \"%\" }\n"
    "composite = { value = 4.0, op = \"<=\", unit = \"1\" }\n"
    "[[monthly]]\narea = \"140213\"\nyear = 2019\nmonth = 7\nsource = \"市里下达\"\nconfirmed = true\npm25 = 35\n";
}  // namespace

TEST(Progress, MonthAgainstTargetLastYearAndRank) {
  Engine e;
  three_areas(e);
  const auto t = targets(kTargets);
  const auto all = e.read([&](const Engine& eng) { return assess::progress_all(eng, t, 2019, 7, {2019, 7, 31}); });
  ASSERT_EQ(all.size(), 4u);  // the city first, then every district/county
  EXPECT_EQ(all[0].code, "140200");
  const auto& pc = all[1];
  ASSERT_EQ(pc.code, "140213");

  // PM2.5 of 平城区, July 2019: 40. Its handed-down July target < 35: gap 40 - 35 = +5, not met.
  const auto* pm = pc.item("pm25");
  EXPECT_DOUBLE_EQ(pm->month.value, 40);
  EXPECT_TRUE(pm->month.complete);  // 31 valid days >= 27 (GB 3095 Table 4)
  EXPECT_DOUBLE_EQ(*pm->month_target->value, 35);
  EXPECT_DOUBLE_EQ(pm->month_gap, 5);
  EXPECT_EQ(pm->month_met, false);
  // Same month last year 50: (40 - 50) / 50 = -20 %.
  EXPECT_DOUBLE_EQ(pm->month_last_year.value, 50);
  EXPECT_DOUBLE_EQ(pm->month_change, -20);
  // 云冈区 has no [[monthly]] block: flat, the inherited annual target < 30: 20 - 30 = -10, met.
  const auto* pm_y = all[2].item("pm25");
  EXPECT_DOUBLE_EQ(pm_y->month_gap, -10);
  EXPECT_EQ(pm_y->month_met, true);
  EXPECT_TRUE(pm_y->month_target->inherited);
  EXPECT_TRUE(std::isnan(pm_y->month_change));  // no July 2018 at Y1: no change

  // Composite index (GB 3095 class-2 S_i, REFERENCE 4.1):
  //   平城区 40/35 + 70/70 + 12/60 + 30/40 + 1.0/4 + 100/160 = 3.9679 -> 3.97 (<= 4.0: met)
  //   云冈区 20/35 + 40/70 + 6/60 + 20/40 + 0.5/4 + 80/160 = 2.3679 -> 2.37
  //   阳高县 two valid days < 27: shown, incomplete, never ranked although it is the cleanest.
  const auto* cp = pc.item("composite");
  const auto* cy = all[2].item("composite");
  const auto* cz = all[3].item("composite");
  EXPECT_NEAR(cp->month.value, 3.97, 1e-9);
  EXPECT_NEAR(cy->month.value, 2.37, 1e-9);
  EXPECT_EQ(cp->month_met, true);
  EXPECT_EQ(cy->month_rank, 1);
  EXPECT_EQ(cp->month_rank, 2);
  EXPECT_FALSE(cz->month.complete);
  EXPECT_EQ(cz->month.days, 2);
  EXPECT_EQ(cz->month.required, 27);
  EXPECT_EQ(cz->month_rank, 0);
  EXPECT_EQ(all[3].item("pm25")->month_rank, 0);
  EXPECT_EQ(all[3].item("good_ratio")->month_rank, 0);
  EXPECT_EQ(all[0].item("composite")->month_rank, 0);  // the city is not ranked among counties

  // Good days: every day AQI 60 (PM10 70: 50 + 20/100 x 50 = 60), all six items valid: 31 of 31.
  EXPECT_DOUBLE_EQ(pc.item("good_ratio")->month.value, 100);
  EXPECT_EQ(pc.month_summary.good_days, 31);
  EXPECT_EQ(all[3].month_summary.valid_days, 2);

  // Year to date (1 Jan - 31 Jul): January-June have no data, each month below its minimum:
  // shown, incomplete, not ranked; required = 5 x 27 + 25 + 27 = 187.
  EXPECT_FALSE(pm->ytd.complete);
  EXPECT_EQ(pm->ytd.required, 187);
  EXPECT_EQ(pm->ytd.short_months, 0x3Fu);  // January..June (bits 0..5)
  EXPECT_EQ(pm->month.short_months, 0u);
  EXPECT_EQ(pm->ytd_rank, 0);
  EXPECT_DOUBLE_EQ(pm->ytd.value, 40);
  EXPECT_DOUBLE_EQ(pm->ytd_gap, 10);  // against the annual < 30

  // Remaining allowance, PM2.5 < 30 (annual mean must round to <= 29: unrounded below 29.5):
  // S = 31 x 40 = 1240 over 31 valid days, r = 153 days (1 Aug - 31 Dec), N = 184:
  // A = (29.5 x 184 - 1240) / 153 = 4188 / 153 = 27.37...
  EXPECT_EQ(pm->allowance.kind, "average_below");
  EXPECT_EQ(pm->allowance.remaining_days, 153);
  EXPECT_NEAR(pm->allowance.value, 4188.0 / 153, 1e-9);
  EXPECT_TRUE(pm->allowance.reachable);
  // Good days >= 88 % of N = 184: ceil(161.92) = 162 needed, 22 may be lost, none lost yet.
  EXPECT_EQ(pc.item("good_ratio")->allowance.kind, "days_left");
  EXPECT_DOUBLE_EQ(pc.item("good_ratio")->allowance.value, 22);
}

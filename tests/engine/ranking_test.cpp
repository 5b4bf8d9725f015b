// Rankings and area figures against the data minimum and the function-zone class; each case
// worked by hand (GB 3095 Table 4, HJ 663 6.1.2 exception, ranking rules REFERENCE 4.1).
#include "engine/air.h"
#include "engine/engine.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace skyriver;
using engine::Engine;
namespace st = skyriver::standards;

namespace {
const char* kSix[] = {"pm25", "pm10", "so2", "no2", "co", "o3"};

// Every hour of `days` days from `first`, constant values per pollutant (pm25 pm10 so2 no2 co o3).
void fill(std::vector<engine::Update>& out, const std::string& site, core::Date first, int days,
          const double (&v)[6]) {
  const core::Instant t0 = core::beijing_midnight(first);
  for (int h = 0; h < days * 24; ++h)
    for (int p = 0; p < 6; ++p) out.push_back({site, kSix[p], t0 + h * core::kHour, v[p]});
}

void two_districts(Engine& e) {
  e.set_city({{"X1", "x", "air", "140213", 113, 40, true, false}, {"Y1", "y", "air", "140214", 113, 40, true, false}},
             {{"140200", "大同市", "city", ""},
              {"140213", "平城区", "district", "140200"},
              {"140214", "云冈区", "district", "140200"}});
}
}  // namespace

TEST(Ranking, AnAreaBelowTheDataMinimumIsShownButNotRanked) {
  // July 2019. 平城区: all 31 days. 云冈区: 2 days only (2 < 27, GB 3095 Table 4), and cleaner,
  // so that ranking it as if complete would put it first.
  // 平城区 composite: 40/35 + 70/70 + 12/60 + 30/40 + 1.0/4 + 100/160 = 3.9679 -> 3.97.
  // 云冈区 (2 days) composite: 20/35 + 40/70 + 6/60 + 20/40 + 0.5/4 + 80/160 = 2.3679 -> 2.37.
  Engine e;
  two_districts(e);
  std::vector<engine::Update> v;
  fill(v, "X1", {2019, 7, 1}, 31, {40, 70, 12, 30, 1.0, 100});
  fill(v, "Y1", {2019, 7, 10}, 2, {20, 40, 6, 20, 0.5, 80});
  e.put(v, false);
  e.read([](const Engine& eng) {
    for (auto by : {engine::RankBy::composite, engine::RankBy::pm25, engine::RankBy::good_ratio}) {
      auto rows = engine::ranking(eng, {2019, 7, 1}, {2019, 8, 1}, by);
      EXPECT_EQ(rows.size(), 2u);
      if (rows.size() != 2u) return 0;
      EXPECT_EQ(rows[0].area, "140213");
      EXPECT_EQ(rows[0].rank, 1);
      EXPECT_EQ(rows[1].area, "140214");
      EXPECT_EQ(rows[1].rank, 0) << "two valid days must not be ranked";
      EXPECT_FALSE(rows[1].now.complete);
      EXPECT_FALSE(rows[1].now.days_complete);
      EXPECT_EQ(rows[1].now.valid_days, 2);
      EXPECT_EQ(rows[1].now.required_days, 27);
      EXPECT_DOUBLE_EQ(rows[1].now.composite.total, 2.37);  // shown, marked incomplete
      EXPECT_TRUE(rows[0].now.complete);
      EXPECT_DOUBLE_EQ(rows[0].now.composite.total, 3.97);
    }
    return 0;
  });
}

TEST(Ranking, MonthToDateUsesTheProportionalMinimum) {
  // 1-10 July (10 of 31 days): minimum ceil(10 x 27 / 31) = ceil(8.71) = 9 (data_minimum.h).
  // 平城区 has 9 days (complete), 云冈区 8 (not).
  Engine e;
  two_districts(e);
  std::vector<engine::Update> v;
  fill(v, "X1", {2019, 7, 1}, 9, {40, 70, 12, 30, 1.0, 100});
  fill(v, "Y1", {2019, 7, 1}, 8, {20, 40, 6, 20, 0.5, 80});
  e.put(v, false);
  e.read([](const Engine& eng) {
    auto rows = engine::ranking(eng, {2019, 7, 1}, {2019, 7, 11}, engine::RankBy::composite);
    EXPECT_EQ(rows[0].area, "140213");
    EXPECT_EQ(rows[0].rank, 1);
    EXPECT_EQ(rows[0].now.required_days, 9);
    EXPECT_EQ(rows[1].rank, 0);
    return 0;
  });
}

TEST(ZoneClass, ClassOneKeepsAShortO3DayAboveItsLimit) {
  // 2019-07-01, O3 120 µg/m³ in hours 00-17 only: 18 hours give 13 valid 8-h windows (< 14).
  // HJ 663 6.1.2: still valid when the maximum exceeds the O3 8-h limit: 120 > 100 (class 1) ->
  // valid; 120 <= 160 (class 2) -> not valid.
  Engine e;
  two_districts(e);
  std::vector<engine::Update> v;
  const core::Instant t0 = core::beijing_midnight({2019, 7, 1});
  for (int h = 0; h < 18; ++h) v.push_back({"X1", "o3", t0 + h * core::kHour, 120});
  e.put(v, false);
  e.read([](const Engine& eng) {
    auto c2 = engine::daily_records(engine::air_target(eng, "X1"), {2019, 7, 1}, {2019, 7, 2});
    EXPECT_TRUE(std::isnan(c2.at(0).values.o3_8h));
    auto c1 = engine::daily_records(engine::air_target(eng, "X1", st::ZoneClass::class1), {2019, 7, 1}, {2019, 7, 2});
    EXPECT_EQ(c1.at(0).values.o3_8h, 120);
    return 0;
  });
}

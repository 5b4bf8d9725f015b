// The engine's dense series and the area rules it applies before calling the standards.
// Expected values worked by hand from HJ 633-2012 Table 1 and REFERENCE.md 3.5.
#include "core/error.h"
#include "engine/air.h"
#include "engine/engine.h"
#include "engine/latest.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace skyriver;
using engine::Engine;

static const core::Instant kT0 = core::beijing_midnight({2019, 1, 1});

TEST(Series, GrowsBothWaysAndKeepsMarksBesideRawValues) {
  engine::HourlySeries s;
  s.put(kT0 + 5 * core::kHour, 10, true);
  s.put(kT0 + 2 * core::kHour, 20, true);  // before the origin: the series grows backwards
  s.put(kT0 + 9 * core::kHour, 30, false);  // flag not N
  EXPECT_EQ(s.first(), kT0 + 2 * core::kHour);
  EXPECT_EQ(s.raw(kT0 + 5 * core::kHour), 10);
  EXPECT_TRUE(std::isnan(s.raw(kT0 + 3 * core::kHour)));
  EXPECT_TRUE(std::isnan(s.raw(kT0 - core::kHour)));
  EXPECT_TRUE(std::isnan(s.usable(kT0 + 9 * core::kHour)));
  EXPECT_EQ(s.raw(kT0 + 9 * core::kHour), 30);  // raw data is kept
  core::Instant latest;
  ASSERT_TRUE(s.latest(latest));
  EXPECT_EQ(latest, kT0 + 9 * core::kHour);
  s.set_mark(kT0 + 5 * core::kHour, engine::kAuditInvalid, true);
  EXPECT_TRUE(std::isnan(s.usable(kT0 + 5 * core::kHour)));
  EXPECT_EQ(s.raw(kT0 + 5 * core::kHour), 10);
  s.set_mark(kT0 + 5 * core::kHour, engine::kAuditInvalid, false);
  EXPECT_EQ(s.usable(kT0 + 5 * core::kHour), 10);
  s.set_mark(kT0 + 2 * core::kHour, engine::kDust, true);
  EXPECT_EQ(s.usable(kT0 + 2 * core::kHour), 20);
  EXPECT_TRUE(std::isnan(s.usable(kT0 + 2 * core::kHour, true)));
  EXPECT_THROW(s.put(kT0 + 1, 1, true), core::Error);  // not a whole hour
}

static void city_with(Engine& e, std::vector<engine::Update> values) {
  e.set_city({{"A", "a", "air", "140213", 113, 40, true, false},
              {"B", "b", "air", "140213", 113, 40, true, false},
              {"C", "c", "air", "140213", 113, 40, true, true}},  // C: reference station (对照点)
             {{"140200", "大同市", "city", ""}, {"140213", "平城区", "district", "140200"}});
  e.put(values, false);
}

TEST(Engine, AreaHourIsTheMeanOfItsStationsThenTheAqi) {
  // A 40, B 80 → area PM2.5 60 µg/m³; the reference station C (500) is not part of the area.
  // HJ 633-2012 Table 1, PM2.5 (on the 24-h nodes) 35..75 → IAQI 50..100:
  // 50 + 50/40 × (60 - 35) = 81.25 → rounded up 82.
  Engine e;
  city_with(e, {{"A", "pm25", kT0, 40}, {"B", "pm25", kT0, 80}, {"C", "pm25", kT0, 500}});
  e.read([](const Engine& eng) {
    auto h = engine::hourly_aqi(engine::air_target(eng, "140213"), kT0, kT0 + core::kHour);
    EXPECT_EQ(h.at(0).values.pm25, 60);
    EXPECT_EQ(h.at(0).aqi.aqi, 82);
    auto city = engine::hourly_aqi(engine::air_target(eng, "140200"), kT0, kT0 + core::kHour);
    EXPECT_EQ(city.at(0).aqi.aqi, 82);
    return 0;
  });
}

TEST(Engine, AreaHourNeedsThreeQuartersOfItsOperatingStations) {
  // B reports before and after but not at kT0+1h: 1 of 2 stations (50 % < 75 %) → no area value.
  Engine e;
  city_with(e, {{"A", "pm25", kT0, 40}, {"B", "pm25", kT0, 80}, {"A", "pm25", kT0 + core::kHour, 40},
                        {"B", "pm25", kT0 + 2 * core::kHour, 80}, {"A", "pm25", kT0 + 2 * core::kHour, 40}});
  e.read([](const Engine& eng) {
    auto h = engine::hourly_aqi(engine::air_target(eng, "140213"), kT0, kT0 + 3 * core::kHour);
    EXPECT_TRUE(std::isnan(h.at(1).values.pm25));
    EXPECT_EQ(h.at(2).values.pm25, 60);
    return 0;
  });
  // At the live edge B has not sent kT0+3h yet: it still counts, so A alone is 50 % → no value.
  e.put({{"A", "pm25", kT0 + 3 * core::kHour, 40}}, false);
  e.read([](const Engine& eng) {
    auto h = engine::hourly_aqi(engine::air_target(eng, "140213"), kT0 + 3 * core::kHour, kT0 + 4 * core::kHour);
    EXPECT_TRUE(std::isnan(h.at(0).values.pm25));
    return 0;
  });
  // Before B's first value B is not operating: A alone makes the area's hour.
  Engine late;
  city_with(late, {{"A", "pm25", kT0, 40}, {"B", "pm25", kT0 + core::kHour, 80}});
  late.read([](const Engine& eng) {
    auto h = engine::hourly_aqi(engine::air_target(eng, "140213"), kT0, kT0 + core::kHour);
    EXPECT_EQ(h.at(0).values.pm25, 40);
    return 0;
  });
}

TEST(Engine, AuditMarksApplyAtOnceAndLatestFollowsData) {
  Engine e;
  city_with(e, {{"A", "pm25", kT0, 40}, {"A", "pm10", kT0 + core::kHour, 70}});
  e.mark("A", "", kT0, kT0 + 2 * core::kHour, engine::kAuditInvalid, true);
  e.read([](const Engine& eng) {
    auto l = engine::latest(eng, "A");
    EXPECT_EQ(l->time, kT0 + core::kHour);
    EXPECT_FALSE(l->values.at("pm10").usable);
    EXPECT_EQ(*eng.latest_hour("air"), kT0 + core::kHour);
    EXPECT_THROW(engine::air_target(eng, "nowhere"), core::Error);
    return 0;
  });
}

TEST(Engine, ListenersHearEveryBatch) {
  Engine e;
  city_with(e, {});
  std::size_t heard = 0;
  e.subscribe([&](const std::vector<engine::Update>& b) { heard += b.size(); });
  e.put({{"A", "pm25", kT0, 40}, {"B", "pm25", kT0, 41}});
  EXPECT_EQ(heard, 2u);
}

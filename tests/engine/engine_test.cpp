// The engine's dense series and the area rules it applies before calling the standards.
// Expected values worked by hand from HJ 633-2012 Table 1 and REFERENCE.md 3.5.
#include "core/error.h"
#include "engine/air.h"
#include "engine/engine.h"
#include "engine/latest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>

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

TEST(Series, CopiesAreIndependentValues) {
  // Copy-on-write storage must keep value semantics: writing to a copy leaves the original.
  engine::HourlySeries a;
  a.put(kT0, 1, true);
  engine::HourlySeries b = a;
  b.put(kT0 + core::kHour, 2, true);
  b.set_mark(kT0, engine::kAuditInvalid, true);
  EXPECT_TRUE(std::isnan(a.raw(kT0 + core::kHour)));
  EXPECT_EQ(a.usable(kT0), 1);
  EXPECT_TRUE(std::isnan(b.usable(kT0)));
  EXPECT_EQ(b.raw(kT0 + core::kHour), 2);
  // An hour decades away costs a pointer, not the hours between.
  b.put(kT0 + 80 * 366 * core::kDay, 3, true);
  EXPECT_EQ(b.raw(kT0 + 80 * 366 * core::kDay), 3);
}

TEST(Engine, TheMoreTrustedSourceWinsWhateverTheOrder) {
  // Default rule (engine.h): manual > cnemc > long > uci > hj212. A real-time HJ 212 value is
  // replaced by the official CNEMC release of the same hour, never the other way round.
  for (bool hj212_first : {true, false}) {
    Engine e;
    city_with(e, {});
    engine::Update rt{"A", "pm25", kT0, 40, 'N', "hj212"}, official{"A", "pm25", kT0, 42, 'N', "cnemc"};
    if (hj212_first) {
      e.put({rt}, false);
      e.put({official}, false);
    } else {
      e.put({official}, false);
      e.put({rt}, false);
    }
    e.read([&](const Engine& v) {
      EXPECT_EQ(v.series("A", "pm25")->raw(kT0), 42) << (hj212_first ? "hj212 first" : "cnemc first");
      EXPECT_EQ(v.value_count(), 1u);  // hours held, not values received
      return 0;
    });
  }
}

TEST(Engine, EquallyTrustedValuesKeepTheFirstAsTheStoreDoes) {
  // The store keeps the first value of a key and lists a different later one as a conflict:
  // the engine must show the same number, not the later one.
  Engine e;
  city_with(e, {});
  e.put({{"A", "pm25", kT0, 40, 'N', "hj212"}}, false);
  const auto r = e.put({{"A", "pm25", kT0, 55, 'N', "hj212"}}, false);
  EXPECT_EQ(r.kept, 1u);
  e.read([](const Engine& v) {
    EXPECT_EQ(v.series("A", "pm25")->raw(kT0), 40);
    return 0;
  });
}

TEST(Engine, TheSourceRuleIsConfigurable) {
  Engine e;
  city_with(e, {});
  e.set_source_rule({{"hj212", "cnemc"}});  // e.g. a city trusting its own stations first
  e.put({{"A", "pm25", kT0, 42, 'N', "cnemc"}, {"A", "pm25", kT0, 40, 'N', "hj212"}}, false);
  e.read([](const Engine& v) {
    EXPECT_EQ(v.series("A", "pm25")->raw(kT0), 40);
    return 0;
  });
  EXPECT_EQ(engine::SourceRule{}.rank("manual"), 0);
  EXPECT_LT(engine::SourceRule{}.rank("cnemc"), engine::SourceRule{}.rank("hj212"));
  EXPECT_GT(engine::SourceRule{}.rank("unknown"), engine::SourceRule{}.rank("hj212"));
}

TEST(Engine, AValueFromTheFutureNeverMovesNow) {
  // Clock at 2020-01-01 00:00 Beijing; a row stamped 2099 is dropped, one 30 min ahead is not
  // possible (whole hours), one hour ahead is within the default 1 h skew and kept.
  const core::Instant now = core::beijing_midnight({2020, 1, 1});
  Engine e;
  e.set_clock([now] { return now; });
  city_with(e, {});
  const auto r = e.put({{"A", "pm25", kT0, 40}, {"A", "pm25", core::beijing_midnight({2099, 1, 1}), 99},
                        {"A", "pm25", now + core::kHour, 41}, {"B", "pm25", now + 2 * core::kHour, 42}},
                       false);
  EXPECT_EQ(r.future, 2u);
  e.read([&](const Engine& v) {
    EXPECT_EQ(*v.latest_hour(), now + core::kHour);
    EXPECT_EQ(v.parameters("B").size(), 0u);
    return 0;
  });
}

TEST(Engine, AWriterNeverWaitsForALongRead) {
  // A reader holds its snapshot until the writer's put() has returned: with a lock that makes
  // writers wait for readers this deadlocks (and the reader gives up after 20 s).
  Engine e;
  city_with(e, {{"A", "pm25", kT0, 40}});
  std::mutex m;
  std::condition_variable cv;
  bool put_done = false, reading = false;
  bool saw_put_inside = true, put_in_time = false;
  std::thread reader([&] {
    e.read([&](const Engine& v) {
      {
        std::unique_lock lock(m);
        reading = true;
        cv.notify_all();
        put_in_time = cv.wait_for(lock, std::chrono::seconds(20), [&] { return put_done; });
      }
      saw_put_inside = v.series("A", "pm25")->usable(kT0 + core::kHour) == 41;  // a snapshot does not move
      return 0;
    });
  });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return reading; });
  }
  e.put({{"A", "pm25", kT0 + core::kHour, 41}});
  {
    std::lock_guard lock(m);
    put_done = true;
  }
  cv.notify_all();
  reader.join();
  EXPECT_TRUE(put_in_time) << "put() waited for the reader";
  EXPECT_FALSE(saw_put_inside);
  e.read([](const Engine& v) {
    EXPECT_EQ(v.series("A", "pm25")->usable(kT0 + core::kHour), 41);
    return 0;
  });
}

TEST(Engine, ListenersHearOnlyWhatChanged) {
  Engine e;
  city_with(e, {{"A", "pm25", kT0, 40, 'N', "cnemc"}});
  std::vector<engine::Update> heard;
  e.subscribe([&](const std::vector<engine::Update>& b) { heard.insert(heard.end(), b.begin(), b.end()); });
  const auto v0 = e.version();
  e.put({{"A", "pm25", kT0, 38, 'N', "hj212"}});  // less trusted: the map keeps 40
  EXPECT_TRUE(heard.empty());
  EXPECT_EQ(e.version(), v0);  // nothing changed: cached answers stay
  e.put({{"A", "pm25", kT0, 41, 'N', "manual"}, {"A", "pm10", kT0, 70, 'N', "hj212"}});
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_EQ(heard[0].value, 41);
  EXPECT_NE(e.version(), v0);
}

TEST(Engine, KnowsTheCityParameters) {
  Engine e;
  e.set_city({{"A", "a", "air", "140213", 113, 40, true, false}}, {}, {"pm25", "codmn"});
  e.put({{"A", "lead", kT0, 1}}, false);
  e.read([](const Engine& v) {
    EXPECT_TRUE(v.knows_parameter("codmn"));  // configured, no data yet
    EXPECT_TRUE(v.knows_parameter("lead"));   // has data
    EXPECT_FALSE(v.knows_parameter("zzz"));
    return 0;
  });
}

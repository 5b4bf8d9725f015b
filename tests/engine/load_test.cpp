// Filling the engine from a store (engine/load.h): the source rule decides which value an hour
// shows whatever the store's scan order, and a refresh reads only what was received since its
// bound. The values are made up here; what is checked is which of them the engine holds.
#include "engine/load.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace skyriver;

namespace {

const core::Instant kT0 = core::beijing_midnight({2019, 1, 1});

store::Observation obs(const std::string& site, core::Instant t, double v, const std::string& kind, core::Instant received) {
  store::Observation o;
  o.site = site;
  o.parameter = "pm25";
  o.time = t;
  o.value = v;
  o.unit = "ug/m3";
  o.source_kind = kind;
  o.source = kind + ":test";
  o.received_at = received;
  return o;
}

struct Scratch {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("skyriver-load-test-" + std::to_string(::getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  Scratch() { std::filesystem::create_directories(dir); }
  ~Scratch() { std::filesystem::remove_all(dir); }
};

}  // namespace

TEST(Load, TheSourceRuleNotTheScanOrderPicksTheValue) {
  // The store scans source kinds alphabetically (cnemc before manual): keeping the first would
  // show the CNEMC value; an auditor's manual value must win (engine.h, SourceRule).
  Scratch s;
  auto db = store::Store::open((s.dir / "store.db").string());
  std::vector<store::Observation> batch{obs("A", kT0, 42, "cnemc", 1), obs("A", kT0, 45, "manual", 1),
                                        obs("A", kT0 + core::kHour, 50, "hj212", 1)};
  db->write(batch);
  engine::Engine e;
  engine::load(e, *db);
  e.read([](const engine::Engine& v) {
    EXPECT_EQ(v.series("A", "pm25")->raw(kT0), 45);
    EXPECT_EQ(v.series("A", "pm25")->raw(kT0 + core::kHour), 50);
    EXPECT_EQ(v.value_count(), 2u);
    return 0;
  });
}

TEST(Load, RefreshReadsOnlyWhatWasReceivedSinceItsBound) {
  Scratch s;
  auto db = store::Store::open((s.dir / "store.db").string());
  std::vector<store::Observation> old{obs("A", kT0, 40, "cnemc", 1000)};
  db->write(old);
  engine::Engine e;
  engine::load(e, *db);
  // Written later by "another process": one value received before the bound (not read back),
  // one after (read back and announced).
  std::vector<store::Observation> later{obs("B", kT0, 41, "cnemc", 1500), obs("C", kT0, 42, "cnemc", 2000)};
  db->write(later);
  std::vector<engine::Update> heard;
  e.subscribe([&](const std::vector<engine::Update>& b) { heard.insert(heard.end(), b.begin(), b.end()); });
  EXPECT_EQ(engine::refresh(e, *db, 1800), 1u);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0].site, "C");
  e.read([](const engine::Engine& v) {
    EXPECT_EQ(v.series("B", "pm25"), nullptr);
    EXPECT_EQ(v.series("C", "pm25")->raw(kT0), 42);
    return 0;
  });
  EXPECT_EQ(engine::refresh(e, *db, 0), 1u);  // from the start: only B is new to the engine
}

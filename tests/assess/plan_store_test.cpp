// The plan register's entries in the records journal (plan_store.h) on both stores: SQLite, and
// PostgreSQL when SKYRIVER_TEST_PG names a server (tests/store/backends.h). An entry keeps who
// and when; a correction is a new record and the earlier one is still there; a refused entry
// stores nothing.
#include "assess/plan_store.h"
#include "core/error.h"

#include "../store/backends.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>

using namespace skyriver;

namespace {
const std::string kFile = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong/plan_indicators.toml";

class PlanStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = testkit::scratch_dir();
    url_ = SKYRIVER_FRESH_URL(GetParam(), dir_);
    SKYRIVER_REQUIRE_BACKEND(url_);
    db_ = store::Store::open(url_);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  assess::PlanEntry entry(int indicator, int year, double value, const std::string& who, const std::string& note = "") {
    assess::PlanEntry e;
    e.indicator = indicator, e.year = year, e.value = value, e.who = who, e.note = note;
    return e;
  }
  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<store::Store> db_;
};
}  // namespace

TEST_P(PlanStore, EntriesAndCorrectionsAreKeptWithWhoAndWhen) {
  const auto plan = assess::load_plan(kFile);
  const core::Instant before =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // 表3-1 #15 森林覆盖率 (2025 target >= 24.54): entered 23.1, then corrected to 24.6.
  const auto first = assess::add_plan_entry(*db_, entry(15, 2024, 23.1, "市林业局 张"));
  const auto second = assess::add_plan_entry(*db_, entry(15, 2024, 24.6, "市林业局 李", "复核"));
  EXPECT_GT(second.id, first.id);
  EXPECT_GE(first.at, before - core::kHour);  // the journal's clock, not the caller's
  EXPECT_EQ(second.who, "市林业局 李");

  const auto all = assess::plan_entries(*db_);
  ASSERT_EQ(all.size(), 2u);  // never overwritten
  EXPECT_EQ(*all[0].value, 23.1);
  EXPECT_EQ(all[0].who, "市林业局 张");
  EXPECT_EQ(*all[1].value, 24.6);
  EXPECT_EQ(all[1].note, "复核");

  const auto s = assess::plan_status(plan, 2024, all, [](const std::string&, int) { return std::optional<double>{}; });
  EXPECT_EQ(*s[14].value, 24.6);  // the latest entry of the year counts
  EXPECT_EQ(s[14].status, "met");
  EXPECT_EQ(s[14].history.size(), 2u);

  // A refused entry (no indicator 31 in 表3-1) stores nothing.
  EXPECT_THROW(assess::validate_plan_entry(plan, nlohmann::json{{"indicator", 31}, {"year", 2024}, {"value", 1}}),
               core::Error);
  EXPECT_EQ(assess::plan_entries(*db_).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PlanStore, ::testing::Values("sqlite", "postgresql"), testkit::backend_name);

// The plan register (plan.h): the shipped 表3-1 file and the status of entered and computed
// values. Expected values from shared/standards/PLAN-TARGETS.md.
#include "assess/plan.h"
#include "core/error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace skyriver;

namespace {
const std::string kFile = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong/plan_indicators.toml";

assess::PlanEntry entry(std::int64_t id, int ind, int year, std::optional<double> value, std::optional<double> target,
                        const char* who) {
  assess::PlanEntry e;
  e.id = id, e.indicator = ind, e.year = year, e.value = value, e.target = target, e.who = who;
  e.at = core::beijing_midnight({2025, 1, int(id)});
  return e;
}
}  // namespace

TEST(Plan, ShippedRegisterHasThe30IndicatorsOfTable31) {
  const auto p = assess::load_plan(kFile);
  ASSERT_EQ(p.indicators.size(), 30u);
  for (int i = 1; i <= 30; ++i) ASSERT_TRUE(p.find(i)) << i;
  EXPECT_EQ(p.find(1)->name, "城市空气质量优良天数比例");
  EXPECT_EQ(*p.find(1)->base, 86.1);
  EXPECT_EQ(*p.find(1)->target, 88);
  EXPECT_EQ(p.find(1)->computed, "air.good_ratio");
  EXPECT_EQ(p.find(2)->op, assess::Op::lt);  // PM2.5 < 30
  EXPECT_EQ(p.find(3)->target_text, "完成国家、省级下达指标");
  EXPECT_FALSE(p.find(3)->target);
  EXPECT_EQ(*p.find(15)->target, 24.54);  // 森林覆盖率
  EXPECT_EQ(p.find(22)->unit, "亿m³");     // 用水总量 6.16 -> 7.4
  EXPECT_EQ(*p.find(22)->target, 7.4);
  EXPECT_EQ(p.find(30)->nature, "预期性");
  int binding = 0;
  for (const auto& i : p.indicators) binding += i.nature == "约束性";
  EXPECT_EQ(binding, 16);  // 表3-1: #1-5, 9-15, 19, 21-23 are 约束性
}

TEST(Plan, StatusFromEntriesCorrectionsAndComputedValues) {
  const auto p = assess::load_plan(kFile);
  std::vector<assess::PlanEntry> entries{
      entry(1, 15, 2023, 23.0, std::nullopt, "林业局 张"),
      entry(2, 15, 2024, 24.0, std::nullopt, "林业局 张"),
      entry(3, 15, 2024, 24.6, std::nullopt, "林业局 李"),  // a correction: new entry, same key
      entry(4, 5, 2024, 98.0, std::nullopt, "农业农村局"),
  };
  auto computed = [](const std::string& kind, int year) -> std::optional<double> {
    if (year != 2024) return std::nullopt;
    if (kind == "air.good_ratio") return 91.5;
    if (kind == "air.pm25") return 31.0;
    return std::nullopt;
  };
  auto s = assess::plan_status(p, 2024, entries, computed);
  ASSERT_EQ(s.size(), 30u);
  // #15 森林覆盖率 >= 24.54: the latest 2024 entry (24.6) counts; history keeps all three.
  EXPECT_EQ(*s[14].value, 24.6);
  EXPECT_EQ(s[14].origin, "entered");
  EXPECT_EQ(s[14].status, "met");
  ASSERT_EQ(s[14].history.size(), 3u);
  EXPECT_EQ(s[14].history[1].value, 24.0);
  ASSERT_EQ(s[14].trend.size(), 3u);  // 2020 base 21.62, 2023 23.0, 2024 24.6
  EXPECT_EQ(s[14].trend[0].value, 21.62);
  EXPECT_EQ(s[14].direction, "improving");
  // #5: a value but the target is words only -> no_target; entering the assigned target -> met.
  EXPECT_EQ(s[4].status, "no_target");
  entries.push_back(entry(5, 5, 2024, std::nullopt, 95.0, "市生态环境局"));
  s = assess::plan_status(p, 2024, entries, computed);
  EXPECT_EQ(s[4].status, "met");
  EXPECT_EQ(*s[4].target, 95);
  // Computed: #1 good days 91.5 >= 88 met; #2 PM2.5 31 not < 30.
  EXPECT_EQ(s[0].status, "met");
  EXPECT_EQ(s[0].origin, "computed");
  EXPECT_EQ(s[1].status, "not_met");
  // #2 trend 31 (2020) -> 31 (2024): steady.
  EXPECT_EQ(s[1].direction, "steady");
  EXPECT_EQ(s[20].status, "no_data");
}

TEST(Plan, EntriesAreValidated) {
  const auto p = assess::load_plan(kFile);
  auto err = [&](const char* body) -> std::string {
    try {
      assess::validate_plan_entry(p, nlohmann::json::parse(body));
    } catch (const core::Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(err(R"({"indicator": 31, "year": 2024, "value": 1})").find("no plan indicator 31"), std::string::npos);
  EXPECT_NE(err(R"({"indicator": 15, "year": 1999, "value": 1})").find("year"), std::string::npos);
  EXPECT_NE(err(R"({"indicator": 15, "year": 2024})").find("value"), std::string::npos);
  EXPECT_NE(err(R"({"indicator": 15, "year": 2024, "value": "24"})").find("value"), std::string::npos);
  EXPECT_EQ(err(R"({"indicator": 15, "year": 2024, "value": 24.6, "note": "林业局年报"})"), "");
  // Issue 27 item 9: values by the indicator's unit (plan_indicators.toml: 15 is "%", 26 "个",
  // 16 "万立方米"): a percentage in [0, 100], a count whole, no 1e308.
  EXPECT_NE(err(R"({"indicator": 15, "year": 2024, "value": 1e308})").find("[0, 100]"), std::string::npos);
  EXPECT_NE(err(R"({"indicator": 15, "year": 2024, "value": 100.5})").find("[0, 100]"), std::string::npos);
  EXPECT_NE(err(R"({"indicator": 15, "year": 2024, "target": -1})").find("target"), std::string::npos);
  EXPECT_EQ(err(R"({"indicator": 15, "year": 2024, "value": 100})"), "");
  EXPECT_NE(err(R"({"indicator": 26, "year": 2024, "value": 2.5})").find("whole"), std::string::npos);
  EXPECT_EQ(err(R"({"indicator": 26, "year": 2024, "value": 3})"), "");
  EXPECT_NE(err(R"({"indicator": 16, "year": 2024, "value": 1e308})").find("beyond"), std::string::npos);
  EXPECT_NE(err("{\"indicator\": 15, \"year\": 2024, \"value\": 1, \"note\": \"a\\u0000b\"}").find("NUL"), std::string::npos);
  const auto e = assess::decode_plan_entry(7, assess::plan_entry_key(15, 2024), R"({"value": 24.6})", "who", 0);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->indicator, 15);
  EXPECT_EQ(e->year, 2024);
}

TEST(Plan, BadFileNamesTheKey) {
  const auto dir = std::filesystem::temp_directory_path() / ("skyriver-plan-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "plan.toml").string();
  std::ofstream(file) << "[[indicator]]\nid = 1\nname = \"x\"\nunit = \"%\"\nnature = \"约束性\"\ntarget = { value = 1, op = \"~\" }\n";
  try {
    assess::load_plan(file);
    ADD_FAILURE() << "no error";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("plan.toml: indicator[0].target.op"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

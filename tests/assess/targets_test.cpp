// targets.toml: the shipped Datong file, the city-default rule, and bad files naming the file
// and key (unknown area, target without unit, month 13, ...). Expected values come from
// shared/standards/PLAN-TARGETS.md (the plan's 2025 targets).
#include "assess/targets.h"
#include "core/error.h"
#include "model/city.h"
#include "targets_text.h"

#include <gtest/gtest.h>


using namespace skyriver;

namespace {
const std::string kConfig = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";
const model::CityConfig& city() { return test::datong_city(); }

// Loads `text` as a targets file; returns the error text ("" if none).
std::string error_of(const std::string& text) {
  try {
    test::targets_from_text(text);
  } catch (const core::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Targets, ShippedDatongFileHasThePlansTargets) {
  const auto t = assess::load_targets(kConfig + "/targets.toml", city());
  // PLAN-TARGETS.md, city plan §5.1: PM2.5 < 30, O3 P90 < 145, SO2 < 20, NO2 < 30, CO < 2.2,
  // good days >= 88 % (2025).
  auto pm = t.annual("140200", 2025, "pm25");
  ASSERT_TRUE(pm && pm->value);
  EXPECT_EQ(*pm->value, 30);
  EXPECT_EQ(pm->op, assess::Op::lt);
  EXPECT_TRUE(pm->confirmed);
  EXPECT_EQ(*t.annual("140200", 2025, "o3_8h")->value, 145);
  EXPECT_EQ(*t.annual("140200", 2025, "so2")->value, 20);
  EXPECT_EQ(*t.annual("140200", 2025, "no2")->value, 30);
  EXPECT_DOUBLE_EQ(*t.annual("140200", 2025, "co")->value, 2.2);
  auto good = t.annual("140200", 2025, "good_ratio");
  EXPECT_EQ(*good->value, 88);
  EXPECT_EQ(good->op, assess::Op::ge);
  // 表3-1 #3 "完成国家、省级下达指标": named, no number.
  auto water = t.annual("140200", 2025, "water_good_share");
  ASSERT_TRUE(water);
  EXPECT_FALSE(water->value);
  EXPECT_FALSE(water->confirmed);
  // 13th plan: good-day ratio above 86 % for 2016-2020.
  EXPECT_EQ(*t.annual("140200", 2019, "good_ratio")->value, 86);
  // A district without its own target takes the city's, marked to be confirmed.
  auto pc = t.annual("140213", 2025, "pm25");
  ASSERT_TRUE(pc);
  EXPECT_EQ(*pc->value, 30);
  EXPECT_TRUE(pc->inherited);
  EXPECT_FALSE(pc->confirmed);
  // Yunzhou 表2-1 #11: 劣V 0, its own (confirmed); its PM2.5 is the city's.
  auto yz = t.annual("140215", 2025, "water_worse_v_share");
  EXPECT_FALSE(yz->inherited);
  EXPECT_TRUE(yz->confirmed);
  EXPECT_TRUE(t.annual("140215", 2025, "pm25")->inherited);
  // Every configured area has every indicator for 2025.
  for (const auto& a : city().areas)
    for (const auto& ind : assess::indicators()) EXPECT_TRUE(t.annual(a.id, 2025, ind.code)) << a.id << " " << ind.code;
}

TEST(Targets, MetRoundsToReportingPrecisionFirst) {
  assess::Target lt30{30.0, assess::Op::lt};
  EXPECT_TRUE(lt30.met(29.4, 0));   // reported 29 < 30
  EXPECT_FALSE(lt30.met(29.5, 0));  // GB/T 8170: 29.5 -> 30 (half to even), not < 30
  EXPECT_FALSE(lt30.met(30.2, 0));
  assess::Target ge88{88.0, assess::Op::ge};
  EXPECT_TRUE(ge88.met(87.96, 1));  // 88.0
  EXPECT_FALSE(ge88.met(87.94, 1));
}

TEST(Targets, BadFilesNameTheFileAndTheKey) {
  const std::string unknown_area = error_of(
      "[[target]]\narea = \"140299\"\nyear = 2025\npm25 = { value = 30, op = \"<\", unit = \"µg/m³\" }\n");
  EXPECT_NE(unknown_area.find("targets.toml: target[0].area"), std::string::npos) << unknown_area;
  EXPECT_NE(unknown_area.find("unknown area '140299'"), std::string::npos) << unknown_area;

  const std::string no_unit = error_of("[[target]]\narea = \"140200\"\nyear = 2025\npm25 = { value = 30, op = \"<\" }\n");
  EXPECT_NE(no_unit.find("targets.toml: target[0].pm25"), std::string::npos) << no_unit;
  EXPECT_NE(no_unit.find("target without unit"), std::string::npos) << no_unit;

  const std::string wrong_unit = error_of(
      "[[target]]\narea = \"140200\"\nyear = 2025\nco = { value = 2.2, op = \"<\", unit = \"µg/m³\" }\n");
  EXPECT_NE(wrong_unit.find("target[0].co.unit"), std::string::npos) << wrong_unit;

  const std::string month13 = error_of("[[monthly]]\narea = \"140200\"\nyear = 2025\nmonth = 13\npm25 = 40\n");
  EXPECT_NE(month13.find("targets.toml: monthly[0].month"), std::string::npos) << month13;
  EXPECT_NE(month13.find("13 is outside 1..12"), std::string::npos) << month13;

  EXPECT_NE(error_of("[[target]]\narea = \"140200\"\nyear = 2025\npm2.5 = 3\n").find("target[0]"), std::string::npos);
  EXPECT_NE(error_of("[[target]]\narea = \"140200\"\nyear = 2025\npm25 = { value = 30, op = \"=<\", unit = \"ug/m3\" }\n")
                .find("target[0].pm25.op"),
            std::string::npos);
  EXPECT_NE(error_of("[[target]]\narea = \"140200\"\nyears = [2025, 2021]\n").find("target[0].years"), std::string::npos);
  EXPECT_NE(error_of("[rules]\nmonthly_default = \"smooth\"\n").find("rules.monthly_default"), std::string::npos);
  EXPECT_NE(error_of("[[target]]\narea = \"140200\"\nyears = [2024, 2025]\npm25 = { value = 30, op = \"<\", unit = \"ug/m3\" }\n"
                     "[[target]]\narea = \"140200\"\nyear = 2025\npm25 = { value = 29, op = \"<\", unit = \"ug/m3\" }\n")
                .find("a second annual target"),
            std::string::npos);
  EXPECT_EQ(error_of("[[target]]\narea = \"140200\"\nyear = 2025\npm25 = { value = 30, op = \"<\", unit = \"ug/m3\" }\n"), "");
}

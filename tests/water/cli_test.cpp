// The `skyriver water ...` command line, run as a user would (SKYRIVER_BINARY).
#include "../support/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <string>

namespace {

const auto run = skyriver::test::run_cli;

}  // namespace

// The example: NH3-N 1.2 (IV, (1.2-1.0)/1.0 = 0.20 over III) makes the section IV 轻度污染.
TEST(WaterCli, ClassJson) {
  auto [rc, out] = run("water class --ph 7.8 --do 6.5 --codmn 5.2 --cod 18 --bod5 3.2 --nh3n 1.20 "
                       "--tp 0.18 --target III --json");
  ASSERT_EQ(rc, 0) << out;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["class"], "IV");
  EXPECT_EQ(j["status"], "轻度污染");
  EXPECT_EQ(j["items"]["nh3n"], "IV");
  EXPECT_EQ(j["items"]["do"], "II");
  EXPECT_EQ(j["main_pollutants"], nlohmann::json::array({"nh3n"}));
  EXPECT_DOUBLE_EQ(j["exceed_iii"]["nh3n"].get<double>(), 0.2);
  EXPECT_EQ(j["meets_target"], false);
}

// Lake: TP 0.04 is lake III, TN 1.8 V evaluated separately (GB 3838 Table 1 rows 8-9).
TEST(WaterCli, ClassLake) {
  auto [rc, out] = run("water class --lake --ph 8 --do 7 --tp 0.04 --tn 1.8 --json");
  ASSERT_EQ(rc, 0) << out;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["class"], "III");
  EXPECT_EQ(j["tn_class"], "V");
  // 劣V is written as such: DO 1.5 < 2.
  auto [rc2, out2] = run("water class --do 1.5 --json");
  EXPECT_EQ(nlohmann::json::parse(out2)["class"], "劣V");
}

TEST(WaterCli, BadValueNamesTheOption) {
  auto [rc, out] = run("water class --cod abc");
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("--cod"), std::string::npos) << out;
  auto [rc2, out2] = run("water class --nh3n -1");
  EXPECT_EQ(rc2, 2);
  EXPECT_NE(out2.find("--nh3n"), std::string::npos) << out2;
  auto [rc3, out3] = run("water class --target VI --cod 10");
  EXPECT_EQ(rc3, 2);
  EXPECT_NE(out3.find("--target"), std::string::npos) << out3;
}

// TLI of the reservoir case worked in tests/conformance/water/tli.txt: 51.57 轻度富营养.
TEST(WaterCli, Tli) {
  auto [rc, out] = run("water tli --chla 10 --tp 0.05 --tn 1 --sd 0.5 --codmn 5 --json");
  ASSERT_EQ(rc, 0) << out;
  const auto j = nlohmann::json::parse(out);
  EXPECT_DOUBLE_EQ(j["tli"].get<double>(), 51.57);
  EXPECT_EQ(j["state"], "轻度富营养");
}

// `water report` over datong_q3.csv with the Datong sections (config/datong), worked by hand:
// 固定桥 (river): cod (30+33+36)/3 = 33 (V), nh3n 1.8 (V), tp 0.2 (III) -> V 中度污染; main
// nh3n (1.8-1)/1 = 0.8 before cod (33-20)/20 = 0.65; CWQI 33/20 + 1.8/1 + 0.2/0.2 = 4.45.
// 册田水库出口 (a river section: the national release classes it with river limits, docs/water.md):
// cod 24 (IV), nh3n 0.9 (III), tp 0.05 (river II) -> IV; CWQI 24/20 + 0.9 + 0.05/0.2 = 2.35.
// Both on 桑干河, no lake: city CWQI = the river's CWQI of the means across its sections,
// cod 28.5/20 + nh3n 1.35/1 + tp 0.125/0.2 = 1.425 + 1.35 + 0.625 = 3.4; I-III share 0 of 2.
// The register's 10 other sections have no samples: listed as excluded.
TEST(WaterCli, ReportQuarter) {
  const std::string src = SKYRIVER_SOURCE_DIR;
  auto [rc, out] = run("water report --period 2026Q3 --json --config " + src + "/config/datong --samples " +
                       src + "/tests/conformance/water/compensation/datong_q3.csv");
  ASSERT_EQ(rc, 0) << out;
  const auto j = nlohmann::json::parse(out);
  int excluded = 0;
  for (const auto& s : j["sections"]) {
    if (s.contains("excluded")) ++excluded;
    if (s["id"] == "sangganhe_gudingqiao") {
      EXPECT_EQ(s["evaluation"]["class"], "V");
      EXPECT_EQ(s["evaluation"]["main_pollutants"], nlohmann::json::array({"nh3n", "cod"}));
      EXPECT_DOUBLE_EQ(s["cwqi"].get<double>(), 4.45);
    }
    if (s["id"] == "sangganhe_cetian_outlet") {
      EXPECT_EQ(s["evaluation"]["class"], "IV");
      EXPECT_DOUBLE_EQ(s["cwqi"].get<double>(), 2.35);
    }
  }
  EXPECT_EQ(excluded, 10);
  EXPECT_DOUBLE_EQ(j["city"]["cwqi_city"].get<double>(), 3.4);
  EXPECT_DOUBLE_EQ(j["city"]["share_i_iii"].get<double>(), 0);
}

// `water realtime`: latest valid values of 固定桥's station within 2 h before 10:00 (case file
// realtime_gudingqiao.csv): pH 7.6 (I), DO 6.8 (II: 6 <= 6.8 < 7.5), CODMn 4.2 (III), NH3-N 0.6
// (III: 0.5 < 0.6 <= 1.0; the 09:00 value 3.0 is flagged D and skipped), TP 0.25 at 09:00 (the latest; river IV:
// 0.2 < 0.25 <= 0.3); conductivity has no class -> IV 轻度污染, based on 5 items.
TEST(WaterCli, RealtimeFromTheStore) {
  const std::string db = ::testing::TempDir() + "water_rt.db";
  std::remove(db.c_str());
  const std::string src = SKYRIVER_SOURCE_DIR;
  auto [irc, iout] = run("import --format long --no-progress --db " + db + " --config " + src +
                         "/config/datong " + src + "/tests/conformance/water/realtime_gudingqiao.csv");
  ASSERT_EQ(irc, 0) << iout;
  auto [rc, out] = run("water realtime --json --at '2026-07-10 10:00' --db " + db + " --config " + src +
                       "/config/datong");
  ASSERT_EQ(rc, 0) << out;
  bool seen = false;
  for (const auto& s : nlohmann::json::parse(out)) {
    if (s["id"] != "sangganhe_gudingqiao") {
      EXPECT_TRUE(s["class"].is_null());
      continue;
    }
    seen = true;
    EXPECT_EQ(s["class"], "IV");
    EXPECT_EQ(s["items"]["nh3n"], "III");
    EXPECT_EQ(s["items"]["tp"], "IV");
    EXPECT_EQ(s["basis"], "based on 5 items: ph do codmn nh3n tp");
    EXPECT_EQ(s["time"], "2026-07-10T09:00:00+08:00");
  }
  EXPECT_TRUE(seen);
}

// A --config folder named on the command line must exist: a typo must not silently fall back
// to the built-in rules (issue 10).
TEST(WaterCli, AMissingConfigFolderIsAnError) {
  auto [rc, out] = run("water class --config /nonexistent --ph 7.8 --do 6.5 --json");
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("--config /nonexistent"), std::string::npos) << out;
  EXPECT_NE(out.find("no such folder"), std::string::npos) << out;
  auto [rc2, out2] = run("water tli --config /nonexistent --chla 10 --tp 0.05 --tn 1 --sd 1 --codmn 4");
  EXPECT_EQ(rc2, 2) << out2;
}

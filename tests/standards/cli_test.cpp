// The `skyriver aqi` and `skyriver stats` commands, run as a user would (SKYRIVER_BINARY).
// Expected values are worked by hand from HJ 633 / HJ 663 (see the comments).
#include "../support/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <string>

namespace {

const auto run = skyriver::test::run_cli;

const std::string kExample = std::string(SKYRIVER_SOURCE_DIR) + "/tests/conformance/air/stats_example.csv";

}  // namespace

TEST(CliAqi, JsonPm25At80BothEditions) {
  // HJ 633-2012: PM2.5 80 -> 100+50*5/40 = 106.25 -> 107; HJ 633-2026: 100+50*20/55 -> 119.
  auto r = run("aqi --edition 2012 --pm25 80 --pm10 50 --so2 10 --no2 20 --co 0.5 --o3 50 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["edition"], "2012");
  EXPECT_EQ(j["aqi"], 107);
  EXPECT_EQ(j["level"], 3);
  EXPECT_EQ(j["category"], "轻度污染");
  EXPECT_EQ(j["primary"], nlohmann::json::array({"pm25"}));
  EXPECT_EQ(j["iaqi"]["pm25"], 107);
  EXPECT_EQ(j["iaqi"]["pm10"], 50);
  r = run("aqi --date 2026-03-01 --pm25 80 --pm10 50 --so2 10 --no2 20 --co 0.5 --o3 50 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["edition"], "2026");
  EXPECT_EQ(j["aqi"], 119);
}

TEST(CliAqi, AllZeroConcentrationsSitOnTheEditionsFloor) {
  // HJ 633-2026 4.1.1: "空气质量指数的范围为 1～500" -> 1, with the reason shown;
  // HJ 633-2012 Table 2: level 1 is "0～50" -> 0.
  const std::string zeros = " --pm25 0 --pm10 0 --so2 0 --no2 0 --co 0 --o3 0";
  auto r = run("aqi --date 2026-03-01" + zeros + " --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["aqi"], 1);
  EXPECT_EQ(j["iaqi"]["pm25"], 0);
  EXPECT_NE(j.value("note", "").find("4.1.1"), std::string::npos) << r.out;
  r = run("aqi --date 2026-03-01" + zeros);
  EXPECT_NE(r.out.find("4.1.1"), std::string::npos) << r.out;
  r = run("aqi --date 2019-06-01" + zeros + " --json");
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["aqi"], 0);
  EXPECT_FALSE(j.contains("note"));
}

TEST(CliAqi, MissingPollutant2026IsNA) {
  // HJ 633-2026 5.3: PM2.5 50 -> 80 <= 100 with others missing -> "NA".
  auto r = run("aqi --edition 2026 --pm25 50 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["aqi"].is_null());
  EXPECT_EQ(j["aqi_text"], "NA");
  EXPECT_EQ(j["iaqi"]["pm25"], 80);
}

TEST(CliAqi, BadInputNamesTheOption) {
  auto r = run("aqi --pm25 abc");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find("--pm25"), std::string::npos) << r.out;
  r = run("aqi --so2 -5");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find("--so2"), std::string::npos) << r.out;
  r = run("aqi --pm2.5 40");
  EXPECT_NE(r.status, 0);
  r = run("aqi --edition 2020 --pm25 40");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find("--edition"), std::string::npos) << r.out;
}

TEST(CliStats, ExampleCsvDailyAndSummary) {
  auto r = run("stats --csv " + kExample + " --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["days"].size(), 2u);
  // Day 1 (labels 01:00..24:00 of 2019-01-01): constant hours; 2012 daily AQI = PM2.5 80 -> 107.
  EXPECT_EQ(j["days"][0]["date"], "2019-01-01");
  EXPECT_EQ(j["days"][0]["pm25"], 80);
  EXPECT_EQ(j["days"][0]["aqi"], 107);
  // Day 2: PM2.5 only 19 hours -> no valid daily mean (GB 3095 Table 4); O3 200 for the hours
  // labelled 10:00..17:00 (starting 09..16) -> max 8-h = 200 -> 100+50*40/55 = 136.4 -> 137.
  EXPECT_TRUE(j["days"][1]["pm25"].is_null());
  EXPECT_EQ(j["days"][1]["o3_8h"], 200);
  EXPECT_EQ(j["days"][1]["aqi"], 137);
  EXPECT_EQ(j["days"][1]["primary"], nlohmann::json::array({"o3_8h"}));
  auto s = j["summary"];
  EXPECT_EQ(s["valid_days"], 2);
  EXPECT_EQ(s["good_days"], 0);
  // CO P95 of {1.0, 0.5}: k = 1.95 -> 0.5+0.5*0.95 = 0.975 -> 1.0; O3 P90 of {100,200} -> 190.
  EXPECT_EQ(s["concentrations"]["co"], 1.0);
  EXPECT_EQ(s["concentrations"]["o3_8h"], 190);
  // 80/35 + 75/70 + 15/60 + 25/40 + 1.0/4 + 190/160 = 5.6696 -> 5.67
  EXPECT_EQ(s["composite_index"], 5.67);
  EXPECT_EQ(s["primary"], "pm25");
}

TEST(CliStats, BadRowNamesFileAndLine) {
  const std::string bad = testing::TempDir() + "/bad_stats.csv";
  FILE* f = fopen(bad.c_str(), "w");
  fputs("time,pm25,pm10,so2,no2,co,o3\n2019-01-01 01:00,80,100,20,30,1.0,100\n"
        "2019-01-01 02:00,80,abc,20,30,1.0,100\n", f);
  fclose(f);
  auto r = run("stats --csv " + bad);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find("bad_stats.csv:3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pm10"), std::string::npos) << r.out;
  f = fopen(bad.c_str(), "w");
  fputs("time,pm25,pm10,so2,no2,co,o3\n2019-01-01 01:30,80,100,20,30,1.0,100\n", f);
  fclose(f);
  r = run("stats --csv " + bad);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.out.find("bad_stats.csv:2"), std::string::npos) << r.out;
  r = run("stats --csv /nonexistent.csv");
  EXPECT_NE(r.status, 0);
  r = run("stats --csv " + kExample + " --bogus");
  EXPECT_NE(r.status, 0);
}

TEST(CliStats, ChangeAgainstSamePeriodLastYear) {
  const std::string csv = testing::TempDir() + "/two_years.csv";
  FILE* f = fopen(csv.c_str(), "w");
  fputs("time,pm25,pm10,so2,no2,co,o3\n", f);
  for (int h = 1; h <= 24; ++h) fprintf(f, "2018-01-01 %02d:00,40,70,30,40,2.0,80\n", h);
  for (int h = 1; h <= 24; ++h) fprintf(f, "2019-01-01 %02d:00,80,100,20,30,1.0,100\n", h);
  fclose(f);
  auto r = run("stats --csv " + csv + " --from 2019-01-01 --to 2019-01-01 --compare-last-year --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto s = nlohmann::json::parse(r.out)["summary"];
  // 2019: 80/35+100/70+20/60+30/40+1.0/4+100/160 = 5.6726 -> 5.67 (AQI 107, not good).
  // 2018: 40/35+70/70+30/60+40/40+2.0/4+80/160 = 4.6429 -> 4.64 (AQI 57, good).
  EXPECT_EQ(s["composite_index"], 5.67);
  auto ch = s["change_vs_last_year"];
  EXPECT_EQ(ch["composite_pct"], 22.2);  // (5.67-4.64)/4.64 = 22.198 %
  EXPECT_EQ(ch["good_ratio_points"], -100);
  EXPECT_EQ(ch["concentration_pct"]["pm25"], 100);  // 80 vs 40
}

TEST(CliStats, EveryKindOfBadFileIsRejectedWithItsPlace) {
  const std::string bad = testing::TempDir() + "/bad2.csv";
  struct Case {
    const char* body;
    const char* place;  // expected in the message
  } cases[] = {
      {"", "bad2.csv:1"},                                                          // empty file
      {"time,pm25,pm10,so2,no2,co,o3,nox\n", "bad2.csv:1"},                        // unknown column
      {"time,pm25,pm25\n", "bad2.csv:1"},                                          // column twice
      {"pm25,pm10\n1,2\n", "bad2.csv:1"},                                          // no time
      {"time,pm25\n2019-01-01 01:00,1,2\n", "bad2.csv:2"},                         // field count
      {"time,pm25\n2019-13-01 01:00,1\n", "bad2.csv:2"},                           // bad date
      {"time,pm25\n2019-01-01 25:00,1\n", "bad2.csv:2"},                           // bad hour
      {"time,pm25\n2019-01-01 01:00,1\n2019-01-01 01:00,2\n", "bad2.csv:3"},       // duplicate hour
      {"time,pm25\n2019-01-01 24:00,1\n2019-01-02 00:00,2\n", "bad2.csv:3"},       // same hour, two labels
      {"time,pm25\n2019-01-01 01:00,-1\n", "bad2.csv:2"},                          // negative
      {"time,pm25\n2019-01-01 01:00,1e999\n", "bad2.csv:2"},                       // not finite
  };
  for (const Case& c : cases) {
    FILE* f = fopen(bad.c_str(), "w");
    fputs(c.body, f);
    fclose(f);
    auto r = run("stats --csv " + bad);
    EXPECT_EQ(r.status, 2) << c.body << "\n" << r.out;
    EXPECT_NE(r.out.find(c.place), std::string::npos) << c.body << "\n" << r.out;
  }
}

TEST(CliStats, FromToSelectsDays) {
  auto r = run("stats --csv " + kExample + " --from 2019-01-02 --to 2019-01-02 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["days"].size(), 1u);
  EXPECT_EQ(j["days"][0]["date"], "2019-01-02");
  r = run("stats --csv " + kExample + " --from 2019-01-03 --to 2019-01-02");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("--from"), std::string::npos) << r.out;
}

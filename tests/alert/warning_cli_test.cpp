// `skyriver warn level` and `skyriver warn replay` as a user runs them: the JSON shape the issue
// specifies, exit status 2 with a clear message on bad input, and replays of the bundled Datong
// sample whose outcome follows from the rule texts (REFERENCE.md 5).
#include "core/time.h"
#include "../support/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

using skyriver::test::run_cli;
using json = nlohmann::json;

namespace {

const std::string kConfig = std::string("--config ") + SKYRIVER_SOURCE_DIR + "/config/datong";
const std::string kSample = std::string(SKYRIVER_SOURCE_DIR) + "/data/datong/china_sites_2019_datong_sample.csv.gz";

TEST(WarnLevel, JsonShapeOfTheIssue) {
  // national-2024: days 2-3 above 200 (orange "> 200 for 2 consecutive days"), day 4 at 160 keeps
  // the run above 150 (orange "> 150 for 3"): one episode from day 2, 3 days; no day above 300.
  auto r = run_cli("warn level " + kConfig + " --rules national-2024 --daily 100,210,220,160 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(json::parse(r.out),
            json::parse(R"({"rules":"national-2024","level":"orange","episode":{"from_day":2,"days":3},"basis":"> 200 for 2 consecutive days"})"));
  // Keys in the order the issue writes them.
  EXPECT_EQ(r.out.substr(0, 40), R"({"rules":"national-2024","level":"orange)");
}

TEST(WarnLevel, NoneHasNoEpisode) {
  auto r = run_cli("warn level " + kConfig + " --rules national-2017 --daily 200,200,200 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(json::parse(r.out), json::parse(R"({"rules":"national-2017","level":"none","episode":null,"basis":null})"));
}

TEST(WarnLevel, DefaultRulesAreTheCitysAndMarkedUnconfirmed) {
  auto r = run_cli("warn level " + kConfig + " --daily 201");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("national-2024"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("to be confirmed by the city"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("yellow"), std::string::npos) << r.out;
}

TEST(WarnLevel, BadInputExitsTwoNamingThePlace) {
  struct Case {
    std::string args, says;
  };
  const Case cases[] = {
      {"--rules national-2030 --daily 201", "unknown rule set 'national-2030'"},
      {"--rules national-2024 --daily ''", "--daily: empty list"},
      {"--rules national-2024", "--daily: required"},
      {"--rules national-2024 --daily 120,abc", "--daily: item 2 is not a number"},
      {"--rules national-2024 --daily 120,,130", "--daily: item 2 is empty"},
      {"--rules national-2024 --daily 120,-1", "--daily: item 2: an AQI cannot be negative"},
      {"--rules national-2024 --daily", "--daily"},
      {"--rules national-2024 --daily 100 --bogus", "bogus"},
  };
  for (const auto& c : cases) {
    auto r = run_cli("warn level " + kConfig + " " + c.args + " --json");
    EXPECT_EQ(r.status, 2) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.says), std::string::npos) << c.args << "\n" << r.out;
    EXPECT_EQ(r.out.find("\"level\""), std::string::npos) << c.args;  // no answer printed
  }
}

TEST(WarnLevel, BadConfigNamesFileAndKey) {
  auto r = run_cli("warn level --config /nonexistent --daily 201");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("/nonexistent/warning.toml: no such file"), std::string::npos) << r.out;
}

// Replays of Datong 2019 as a perfect forecast. What must hold follows from the rule texts, not
// from this program: national-2024 and national-2017 call for a warning on any day above 200
// ("> 200 for 1 day"), so no heavy day is missed; shanxi-2020 needs two consecutive days above
// 200, so it misses exactly the heavy days with no heavy neighbour.
json replay(const std::string& rules) {
  auto r = run_cli("warn replay " + kConfig + " --rules " + rules + " --format cnemc --json " + kSample + " 2>/dev/null");
  EXPECT_EQ(r.status, 0) << r.out;
  return json::parse(r.out);
}

TEST(WarnReplay, DatongSampleFollowsTheRuleTexts) {
  const json n24 = replay("national-2024"), n17 = replay("national-2017"), sx = replay("shanxi-2020");
  EXPECT_EQ(n24["area"], "140200");
  EXPECT_EQ(n24["from"], "2018-12-31");  // CNEMC label 0 of 2019-01-01 = the hour from 23:00 the day before
  EXPECT_EQ(n24["to"], "2019-12-31");
  EXPECT_EQ(n24["rules_note"], "to be confirmed by the city (待市政府确认)");
  // The data do not depend on the rules.
  EXPECT_EQ(n24["heavy_days"], n17["heavy_days"]);
  EXPECT_EQ(n24["heavy_days"], sx["heavy_days"]);
  EXPECT_GE(n24["heavy_days"].size(), 1u);
  EXPECT_TRUE(n24["missed"].empty()) << n24["missed"];
  EXPECT_TRUE(n17["missed"].empty()) << n17["missed"];
  std::set<std::string> heavy;
  for (const auto& d : sx["heavy_days"]) heavy.insert(d.get<std::string>());
  auto shift = [](const std::string& d, int by) {
    return skyriver::core::format_date(skyriver::core::add_days(*skyriver::core::parse_date(d), by));
  };
  json isolated = json::array();
  for (const auto& d : heavy)
    if (!heavy.count(shift(d, -1)) && !heavy.count(shift(d, 1))) isolated.push_back(d);
  EXPECT_EQ(sx["missed"], isolated);
  // Every step belongs to a warning, a warning starts with an issue, and every covered heavy
  // day lies inside its warning.
  for (const json* j : {&n24, &n17, &sx})
    for (const auto& w : (*j)["warnings"]) {
      for (const auto& d : w["heavy_covered"]) {
        EXPECT_GE(d.get<std::string>(), w["start"].get<std::string>());
        if (!w["lifted"].is_null()) EXPECT_LT(d.get<std::string>(), w["lifted"].get<std::string>());
      }
    }
  EXPECT_EQ(n24["steps"][0]["action"], "issue");
}

TEST(WarnReplay, BadInputExitsTwo) {
  auto r = run_cli("warn replay " + kConfig + " --format cnemc /nonexistent.csv");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("/nonexistent.csv: no such file"), std::string::npos) << r.out;
  r = run_cli("warn replay " + kConfig + " --format xml " + kSample);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("--format: unknown format 'xml'"), std::string::npos) << r.out;
  r = run_cli("warn replay " + kConfig + " --format cnemc --area 999999 " + kSample);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("--area"), std::string::npos) << r.out;
  r = run_cli("warn replay " + kConfig + " --format cnemc --rules nope " + kSample);
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("unknown rule set 'nope'"), std::string::npos) << r.out;
}

}  // namespace

// The target, progress, document and plan routes against a real `skyriver serve` over the
// bundled Datong 2019 sample (see server_fixture.h). Expected figures: config/datong/targets.toml,
// plan_indicators.toml, and the July 2019 city figures reckoned independently in
// tests/report/datong_sample_test.cpp (composite 3.82, PM2.5 22, 29 good of 31 days).
#include "on_each_backend.h"
#include "server_fixture.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;
using skyriver::test::Server;

namespace {
json get_json(const std::string& target, int expect_status = 200) {
  auto r = Server::get().get(target);
  EXPECT_EQ(r.status, expect_status) << target << ": " << r.body;
  return json::parse(r.body, nullptr, false);
}
json post_entry(const std::string& body, int expect_status, bool token = true) {
  auto& s = Server::get();
  std::map<std::string, std::string> h;
  if (token) h["Authorization"] = "Bearer " + s.token();
  auto r = s.request("POST", "/api/plan/entries", body, h);
  EXPECT_EQ(r.status, expect_status) << r.body;
  return json::parse(r.body, nullptr, false);
}
}  // namespace

class TargetsApi : public skyriver::test::OnEachBackend {};
SKYRIVER_ON_EACH_BACKEND(TargetsApi);

TEST_P(TargetsApi, TargetsComeFromTheConfiguration) {
  auto t = get_json("/api/targets?area=140200&year=2025");
  EXPECT_EQ(t["annual"]["pm25"]["value"], 30);
  EXPECT_EQ(t["annual"]["pm25"]["op"], "<");
  EXPECT_EQ(t["annual"]["pm25"]["confirmed"], true);
  EXPECT_EQ(t["annual"]["good_ratio"]["value"], 88);
  EXPECT_TRUE(t["annual"]["water_good_share"]["value"].is_null());  // 完成国家、省级下达指标
  ASSERT_EQ(t["monthly"]["pm25"].size(), 12u);
  // No earlier years in the sample for 2025: the monthly default is flat.
  EXPECT_EQ(t["monthly"]["pm25"][0]["value"], 30);
  EXPECT_EQ(t["monthly"]["pm25"][0]["confirmed"], false);
  // A county without its own target takes the city's, to be confirmed.
  auto c = get_json("/api/targets?area=140221&year=2025");
  EXPECT_EQ(c["annual"]["pm25"]["value"], 30);
  EXPECT_EQ(c["annual"]["pm25"]["inherited"], true);
  EXPECT_EQ(c["annual"]["pm25"]["confirmed"], false);
  EXPECT_EQ(get_json("/api/targets?area=999999", 404)["error"]["parameter"], "area");
}

TEST_P(TargetsApi, ProgressOfAMonth) {
  auto p = get_json("/api/progress?area=140213&month=2019-07");
  ASSERT_EQ(p["areas"].size(), 1u);
  const auto& a = p["areas"][0];
  EXPECT_EQ(a["through"], "2019-07-31");
  json comp, pm;
  for (const auto& i : a["indicators"]) {
    if (i["indicator"] == "composite") comp = i;
    if (i["indicator"] == "pm25") pm = i;
  }
  EXPECT_EQ(comp["month"]["value"], 3.82);
  EXPECT_EQ(comp["month"]["complete"], true);
  EXPECT_EQ(comp["month_rank"], 1);
  EXPECT_EQ(pm["month"]["value"], 22);
  // 2019 monthly control target: flat (no earlier years), the 2019 stand-in < 30: met, gap -8.
  EXPECT_EQ(pm["month_target"]["value"], 30);
  EXPECT_EQ(pm["month_gap"], -8);
  EXPECT_EQ(pm["month_met"], true);
  EXPECT_EQ(pm["ytd"]["complete"], false);  // June < 27 valid days
  EXPECT_TRUE(pm["ytd_rank"].is_null());
  EXPECT_EQ(pm["allowance"]["kind"], "average_below");
  EXPECT_EQ(pm["allowance"]["remaining_days"], 153);  // 2019-08-01 .. 2019-12-31
  EXPECT_EQ(get_json("/api/progress?month=2019-13", 400)["error"]["parameter"], "month");
  EXPECT_EQ(get_json("/api/progress").at("areas").size(), 11u);  // every configured area
}

TEST_P(TargetsApi, DocumentsAsJsonAndHtml) {
  auto j = get_json("/api/report/month?month=2019-07");
  EXPECT_EQ(j["kind"], "month");
  EXPECT_EQ(j["areas"][0]["code"], "140200");
  EXPECT_EQ(j["areas"][0]["composite"], 3.82);
  EXPECT_EQ(j["areas"][0]["good_days"], 29);
  EXPECT_EQ(j["areas"][0]["valid_days"], 31);
  EXPECT_TRUE(j["areas"][0]["rank"].is_null());
  auto html = Server::get().get("/api/report/month?month=2019-07&format=html");
  EXPECT_EQ(html.status, 200);
  EXPECT_NE(html.content_type.find("text/html"), std::string::npos);
  EXPECT_NE(html.body.find("大同市环境空气质量月度通报"), std::string::npos);
  auto day = get_json("/api/report/day?date=2019-07-15");
  EXPECT_EQ(day["areas"].size(), 11u);
  EXPECT_EQ(get_json("/api/report/day?date=15.7.2019", 400)["error"]["parameter"], "date");
  auto year = get_json("/api/report/year?year=2019");
  EXPECT_EQ(year["plan"].size(), 30u);
}

TEST_P(TargetsApi, PlanEntriesAreKeptWithWhoAndWhenAndNeverOverwritten) {
  // 表3-1 #15 森林覆盖率, target >= 24.54.
  post_entry(R"({"indicator": 15, "year": 2019, "value": 23.1})", 401, false);  // needs a login
  // Who enters it is the login; a body naming someone is refused (issue 26), nothing stored.
  EXPECT_EQ(post_entry(R"({"indicator": 15, "year": 2019, "value": 23.1, "who": "市林业局"})", 400)["error"]["parameter"],
            "who");
  auto bad = post_entry(R"({"indicator": 31, "year": 2019, "value": 1})", 400);
  EXPECT_EQ(bad["error"]["parameter"], "indicator");
  auto first = post_entry(R"({"indicator": 15, "year": 2019, "value": 23.1, "note": "2019 年报"})", 200);
  EXPECT_EQ(first["who"], Server::user_of("admin"));
  auto fix = post_entry(R"({"indicator": 15, "year": 2019, "value": 24.6, "note": "复核"})", 200);
  EXPECT_GT(fix["id"].get<long long>(), first["id"].get<long long>());
  auto plan = get_json("/api/plan?year=2019");
  json forest;
  for (const auto& i : plan["indicators"])
    if (i["id"] == 15) forest = i;
  EXPECT_EQ(forest["value"], 24.6);
  EXPECT_EQ(forest["status"], "met");
  ASSERT_EQ(forest["history"].size(), 2u);  // the first entry is still there
  EXPECT_EQ(forest["history"][0]["value"], 23.1);
  EXPECT_EQ(forest["history"][0]["who"], Server::user_of("admin"));
  EXPECT_FALSE(forest["history"][0]["at"].get<std::string>().empty());
}

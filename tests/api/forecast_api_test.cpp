// The forecast routes of a real `skyriver serve` (tests/api/server_fixture.h; started with
// --forecast-retrain-days 0 and no saved model): the server issues at start from the stated
// fallback, for every area and air site; the answers keep the documented shape, the issue
// follows the data's latest hour (the bundled sample's last hour is labelled 2019-12-31 23:00,
// CNEMC's label of the hour 22:00-23:00; so the forecast is issued at 23:00, its first hour
// starts then, and its days are 2020-01-01 .. 2020-01-03), and bad parameters are refused.
#include "on_each_backend.h"
#include "server_fixture.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace skyriver::test;
using json = nlohmann::json;

namespace {

json get_json(const std::string& target, int status = 200) {
  auto r = Server::get().get(target);
  EXPECT_EQ(r.status, status) << target << " -> " << r.body;
  return json::parse(r.body);
}

}  // namespace

class ForecastApi : public skyriver::test::OnEachBackend {};
SKYRIVER_ON_EACH_BACKEND(ForecastApi);

TEST_P(ForecastApi, FallbackIssueOfTheCityAndAStation) {
  const json f = get_json("/api/forecast?area=140200&hours=72");
  EXPECT_EQ(f["kind"], "area");
  EXPECT_EQ(f["issued"], "2019-12-31T23:00:00+08:00");
  EXPECT_EQ(f["model_version"], "");
  ASSERT_EQ(f["time"].size(), 72u);
  EXPECT_EQ(f["time"][0], "2019-12-31T23:00:00+08:00");  // hour 1 starts at the end of the latest data hour
  for (const char* p : {"pm25", "pm10", "so2", "no2", "co", "o3"}) {
    ASSERT_EQ(f["pollutants"][p]["value"].size(), 72u) << p;
    EXPECT_EQ(f["pollutants"][p]["basis"], "fallback: every site of the area") << p;
  }
  ASSERT_EQ(f["days"].size(), 3u);
  EXPECT_EQ(f["days"][0]["day"], "2020-01-01");
  EXPECT_EQ(f["days"][2]["day"], "2020-01-03");
  for (const auto& d : f["days"]) {
    EXPECT_LE(d["aqi_low"].get<int>(), d["aqi"].get<int>());
    EXPECT_GE(d["aqi_high"].get<int>(), d["aqi"].get<int>());
    EXPECT_FALSE(d["levels_zh"].get<std::string>().empty());
  }
  const json six = get_json("/api/forecast?site=1724A&hours=6");
  EXPECT_EQ(six["kind"], "site");
  EXPECT_EQ(six["time"].size(), 6u);
  EXPECT_EQ(six["pollutants"]["pm25"]["basis"], "fallback: no model yet");
  const json daily = get_json("/api/forecast/daily?area=140200");
  EXPECT_EQ(daily["days"], f["days"]);
  EXPECT_EQ(get_json("/api/forecast/status")["retrain"].is_string(), true);
}

TEST_P(ForecastApi, BadParametersAreRefused) {
  EXPECT_EQ(get_json("/api/forecast?site=NOPE", 404)["error"]["parameter"], "site");
  EXPECT_EQ(get_json("/api/forecast?area=999999", 404)["error"]["parameter"], "area");
  EXPECT_EQ(get_json("/api/forecast?area=140200&hours=73", 400)["error"]["parameter"], "hours");
  EXPECT_EQ(get_json("/api/forecast?area=140200&hours=abc", 400)["error"]["parameter"], "hours");
  EXPECT_EQ(get_json("/api/forecast?site=1724A&area=140200", 400)["error"]["parameter"], "site");
}

// Issuing forecasts: the stated fallback and its reasons, the hourly and daily AQI computed from
// the forecast concentrations (HJ 633 worked by hand), the levels an AQI range spans, the
// climatology, and a saved model set that predicts exactly as before (and one saved before the
// interval had parts per horizon, which still loads).
#include "forecast/issue.h"
#include "forecast/model_set.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace skyriver;
using namespace skyriver::forecast;
namespace fs = std::filesystem;

namespace {

// Two sites of one city, `days` days of hourly data from 2019-11-01 00:00 Beijing.
Panel flat_panel(int days, float pm25, float pm10, float o3) {
  const core::Instant start = core::beijing_midnight({2019, 11, 1});
  Panel p(start, days * 24 + kMaxHorizon, {"A", "B"}, {0, 0});
  for (int s = 0; s < 2; ++s)
    for (int k = 0; k < days * 24; ++k) {
      p.set(s, kPm25, k, pm25), p.set(s, kPm10, k, pm10), p.set(s, kSo2, k, 10.f), p.set(s, kNo2, k, 20.f);
      p.set(s, kCo, k, 0.5f), p.set(s, kO3, k, o3);
    }
  return p;
}

// flat_panel with a daily and weekly cycle at site A (something for the trees to learn).
Panel varied_panel() {
  Panel panel = flat_panel(40, 30.f, 60.f, 50.f);
  for (int k = 0; k < 40 * 24; ++k) panel.set(0, kPm25, k, float(30 + (k % 24) + (k / 24) % 7 * 5));
  return panel;
}

// A pm25 model set trained on the hours before `end`.
ModelSet train_tiny(const Panel& panel, int end) {
  TrainOptions to;
  to.end = end;
  to.pollutants = {kPm25};
  to.min_days = 20;
  to.issue_step = 6;
  to.max_rounds = 20;  // seconds, not minutes: the path is tested, not the skill
  return train_models(panel, to);
}

}  // namespace

// HJ 633-2012 Table 2: AQI 80 is level 2 (良), 110 level 3 (轻度污染), 160 level 4 (中度污染).
TEST(Levels, RangeNamesTheLevelsItSpans) {
  EXPECT_EQ(levels_spanned_zh(80, 110), "良至轻度污染");
  EXPECT_EQ(levels_spanned_zh(60, 90), "良");
  EXPECT_EQ(levels_spanned_zh(120, 160), "轻度污染至中度污染");
  EXPECT_EQ(levels_spanned_zh(20, 45), "优");
}

// Without a model every value is the fallback (climatology blended with the latest value) and
// says why. A constant history makes both equal to the constant, so the daily AQI is the
// standard's: PM2.5 24-h mean 75 ug/m3 is exactly the IAQI-100 node and PM10 24-h 150 likewise
// (HJ 633-2012 Table 1), SO2 10, NO2 20, CO 0.5 and O3 8-h 100 stay below 100 -> AQI 100, level 2
// (良), primary pollutants PM2.5 and PM10 (both IAQI 100, the largest).
TEST(Issue, FallbackWithoutModelGivesTheReasonAndTheStandardsAqi) {
  const Panel panel = flat_panel(40, 75.f, 150.f, 100.f);
  IssueOptions o;
  o.t = 40 * 24 - 1;  // latest data hour: 2019-12-10 23:00
  o.areas = {{"C", "city", {"A", "B"}}};
  const Issue issue = issue_forecasts(panel, nullptr, o);
  ASSERT_EQ(issue.sites.size(), 2u);
  ASSERT_EQ(issue.areas.size(), 1u);
  EXPECT_EQ(issue.issued, core::beijing_midnight({2019, 12, 11}));
  const PlaceForecast& a = issue.sites[0];
  EXPECT_EQ(a.pollutants[kPm25].basis, "fallback: no model yet");
  EXPECT_FALSE(a.notes.empty());
  EXPECT_FLOAT_EQ(a.pollutants[kPm25].value[0], 75.f);
  EXPECT_FLOAT_EQ(a.pollutants[kPm25].value[71], 75.f);
  ASSERT_EQ(a.daily.size(), 3u);
  EXPECT_EQ(a.daily[0].day, (core::Date{2019, 12, 11}));
  EXPECT_EQ(a.daily[0].lead_day, 1);
  EXPECT_EQ(a.daily[0].aqi, 100);
  EXPECT_EQ(a.daily[0].primary, "pm25,pm10");
  EXPECT_EQ(a.daily_levels_zh[0], "良");  // constant history: no spread, low = high = 100
  // Hourly AQI: PM2.5 1-h 75 on the 24-h nodes -> 100 as well (CNEMC practice, aqi.h).
  EXPECT_EQ(a.aqi[0], 100);
  EXPECT_EQ(a.level[0], 2);
  const PlaceForecast& city = issue.areas[0];
  EXPECT_EQ(city.pollutants[kPm25].basis, "fallback: every site of the area");
  EXPECT_EQ(city.daily[2].aqi, 100);
}

// A site whose value stopped some hours before the issue gets the fallback with the hour of its
// last value; the value decays from that latest value towards the climatology.
TEST(Issue, GapAtIssueTimeIsStatedAndNothingCrashes) {
  Panel panel = flat_panel(40, 30.f, 60.f, 50.f);
  const int t = 40 * 24 - 1;
  for (int k = t - 5; k <= t; ++k) panel.set(1, kPm25, k, NAN);
  panel.set(1, kPm25, t - 6, 90.f);
  // Train a tiny model set so the model path runs for the site with data.
  ModelSet ms = train_tiny(panel, t + 1);
  IssueOptions o;
  o.t = t;
  const Issue issue = issue_forecasts(panel, &ms, o);
  EXPECT_EQ(issue.sites[0].pollutants[kPm25].basis, "model");
  EXPECT_EQ(issue.sites[1].pollutants[kPm25].basis, "fallback: no pm25 value since 2019-12-10 18:00 (gap at issue time)");
  const auto& v = issue.sites[1].pollutants[kPm25].value;
  EXPECT_GT(v[0], v[71]);  // from 90 back towards the climatology (30)
  EXPECT_NEAR(v[71], 30.f, 1.f);
  // Pollutants without a model (too little history asked for: only pm25 trained).
  EXPECT_EQ(issue.sites[0].pollutants[kO3].basis, "fallback: no model for o3 (too little history)");
  // An empty panel issues nothing and does not throw.
  Panel empty(panel.start(), 10, {}, {});
  EXPECT_TRUE(issue_forecasts(empty, &ms, {}).sites.empty());
}

// Month x hour means worked by hand: hour 05 of November holds 10 and 30 on two days -> 20.
TEST(Climatology, MonthHourMeanAndItsFallbacks) {
  const core::Instant start = core::beijing_midnight({2019, 11, 1});
  Panel p(start, 48, {"A"}, {0});
  for (int k = 0; k < 48; ++k) p.set(0, kPm25, k, 50.f);
  p.set(0, kPm25, 5, 10.f), p.set(0, kPm25, 29, 30.f);
  const Climatology c = Climatology::fit(p, 48, false, 2);
  EXPECT_FLOAT_EQ(c.at(0, kPm25, 11, 5), 20.f);
  EXPECT_FLOAT_EQ(c.at(0, kPm25, 11, 6), 50.f);
  EXPECT_EQ(c.count(0, kPm25, 11, 5), 2);
  // December has no value: the site's month mean is missing too, so the site's overall mean.
  EXPECT_FLOAT_EQ(c.at(0, kPm25, 12, 5), float((46 * 50 + 10 + 30) / 48.0));
  const Climatology back = Climatology::from_json(c.to_json());
  EXPECT_FLOAT_EQ(back.at(0, kPm25, 11, 5), 20.f);
}

TEST(ModelSet, SavedAndLoadedPredictsTheSame) {
  const Panel panel = varied_panel();
  const ModelSet ms = train_tiny(panel, 40 * 24);
  const fs::path dir = fs::temp_directory_path() / ("skyriver-models-" + std::to_string(::getpid()));
  ms.save(dir.string());
  const auto newest = ModelSet::newest(dir.string());
  ASSERT_TRUE(newest);
  const ModelSet back = ModelSet::load(*newest);
  EXPECT_EQ(back.version, ms.version);
  EXPECT_EQ(back.models.size(), ms.models.size());
  IssueOptions o;
  o.t = 40 * 24 - 1;
  const Issue a = issue_forecasts(panel, &ms, o), b = issue_forecasts(panel, &back, o);
  EXPECT_EQ(a.sites[0].pollutants[kPm25].value, b.sites[0].pollutants[kPm25].value);
  EXPECT_EQ(a.sites[0].pollutants[kPm25].high, b.sites[0].pollutants[kPm25].high);
  fs::remove_all(dir);
}

// A server stopping during a training run: the run asks before every model and every boosting
// round (model_set.h), so it stops at the first answer "yes" instead of finishing minutes of work.
TEST(ModelSet, TrainingStopsAtTheFirstCancelledAnswer) {
  const Panel panel = varied_panel();
  TrainOptions to;
  to.end = 40 * 24;
  to.pollutants = {kPm25};
  to.min_days = 20;
  to.issue_step = 6;
  to.max_rounds = 20;
  int asked = 0, models_begun = 0;
  to.log = [&](const std::string&) { ++models_begun; };
  to.cancelled = [&] { return ++asked == 5; };  // before the first model, then before its rounds 1-4
  EXPECT_THROW(train_models(panel, to), TrainingCancelled);
  EXPECT_EQ(asked, 5);
  EXPECT_EQ(models_begun, 1);
}

// A model set saved before the interval had parts ("interval": {levels, bin_edges,
// error_quantiles} for the whole block) still loads, with those quantiles at every horizon.
TEST(ModelSet, CardSavedBeforeTheIntervalPartsStillLoads) {
  const ModelSet ms = train_tiny(varied_panel(), 40 * 24);
  const fs::path dir = fs::temp_directory_path() / ("skyriver-interval-" + std::to_string(::getpid()));
  ms.save(dir.string());
  const fs::path folder = *ModelSet::newest(dir.string());
  // Rewrite the card in the old shape: one set of bins and quantiles per model.
  nlohmann::json card = nlohmann::json::parse(std::ifstream(folder / "card.json"));
  for (auto& m : card.at("models")) {
    const auto part = m.at("interval").at("parts").at(0);
    m["interval"] = {{"levels", kQuantileLevels},
                     {"bin_edges", part.at("bin_edges")},
                     {"error_quantiles", part.at("error_quantiles")}};
  }
  std::ofstream(folder / "card.json") << card.dump(1);
  const ModelSet back = ModelSet::load(folder.string());
  ASSERT_EQ(back.models.size(), ms.models.size());
  for (std::size_t i = 0; i < ms.models.size(); ++i) {
    const HorizonModel &a = ms.models[i], &b = back.models[i];
    ASSERT_EQ(b.interval.size(), 1u);
    EXPECT_EQ(b.interval[0].h_last, b.h_last);
    for (int hh = b.h_first; hh <= b.h_last; ++hh)
      for (float p : {5.f, 40.f, 80.f})
        for (std::size_t l = 0; l < kQuantileLevels.size(); ++l) EXPECT_FLOAT_EQ(b.quantile(p, hh, l), a.quantile(p, a.h_first, l));
  }
  fs::remove_all(dir);
}

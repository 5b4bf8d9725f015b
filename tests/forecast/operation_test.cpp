// The forecast at work, on the bundled Datong 2019 sample (data/datong): `skyriver forecast
// train` and `forecast score` as a user runs them, the weather service's point-forecast importer
// (`import --format weather_forecast`), apply_weather_forecasts (which forecast fills which
// site's future hours), and serve's Forecaster (every issue kept in the records journal, the
// retraining schedule). A slice of the sample (2019-01-01 .. 2019-03-15, then to 03-20) with
// a few boosting rounds keeps it to seconds.
#include "forecast/forecaster.h"
#include "forecast/panel_engine.h"

#include "../support/run_cli.h"
#include "core/text.h"
#include "engine/load.h"
#include "ingest/import/line_reader.h"
#include "ingest/import/weather_forecast.h"
#include "model/city.h"
#include "store/store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

using namespace skyriver;
using namespace skyriver::forecast;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const std::string kCity = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";
const std::string kSample = std::string(SKYRIVER_SOURCE_DIR) + "/data/datong/china_sites_2019_datong_sample.csv.gz";

// The sample's rows with date in [from, to) (YYYYMMDD), header kept.
void write_sample(const fs::path& path, const std::string& from, const std::string& to) {
  ingest::LineReader in(kSample);
  std::ofstream out(path);
  std::string_view line;
  for (bool first = true; in.next(line); first = false) {
    const std::string date(line.substr(0, line.find(',')));
    if (first || (date >= from && date < to)) out << line << "\n";
  }
}

// PM2.5 of the sample at a label "YYYYMMDD" hour: site -> value (the file's own numbers).
std::map<std::string, double> sample_pm25(const std::string& date, int hour) {
  ingest::LineReader in(kSample);
  std::string_view line;
  in.next(line);
  const auto header = core::split_csv(line);
  std::map<std::string, double> out;
  while (in.next(line)) {
    const auto f = core::split_csv(line);
    if (f[0] != date || std::stoi(f[1]) != hour || f[2] != "PM2.5") continue;
    for (std::size_t i = 3; i < f.size() && i < header.size(); ++i)
      if (!f[i].empty()) out[header[i]] = std::stod(f[i]);
  }
  return out;
}

struct Scratch {
  fs::path dir;
  std::string db;
  Scratch() {
    dir = fs::temp_directory_path() / ("skyriver-forecast-op-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    db = (dir / "store.db").string();
  }
  ~Scratch() { fs::remove_all(dir); }
  test::CliRun import(const std::string& format, const std::string& file) const {
    return test::run_cli("import --format " + format + " --no-progress --config " + kCity + " --db " + db + " " + file);
  }
};

std::unique_ptr<engine::Engine> load_engine(const std::string& db) {
  auto e = std::make_unique<engine::Engine>();
  engine::set_city(*e, model::load_city(kCity));
  auto s = store::Store::open(db);
  engine::load(*e, *s);
  return e;
}

std::vector<store::Record> records(const std::string& db, const std::string& kind) {
  auto s = store::Store::open(db);
  store::RecordQuery q;
  q.kind = kind;
  return s->records(q);
}

}  // namespace

// The weather service's file: good rows stored as one record per place and issue; a bad row is
// named by file:line with its reason and the good rows of the file are kept; an unknown site is
// refused by name; importing the same file again adds nothing.
TEST(WeatherForecastImport, StoresGoodRowsAndNamesBadOnes) {
  Scratch s;
  const fs::path good = s.dir / "good.csv";
  std::ofstream(good) << "place,issued,time,parameter,value,unit\n"
                         "1723A,2019-03-15 20:00,2019-03-16 00:00,temp,5.5,C\n"
                         "1723A,2019-03-15 20:00,2019-03-16 01:00,temp,5.0,C\n"
                         "140200,2019-03-15 20:00,2019-03-16 00:00,wspm,3.2,m/s\n";
  auto r = s.import("weather_forecast", good.string());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("stored 2,"), std::string::npos) << r.out;  // 1723A's and 140200's forecasts
  auto recs = records(s.db, ingest::kWeatherForecastKind);
  ASSERT_EQ(recs.size(), 2u);
  std::map<std::string, ingest::PointForecast> by_place;
  for (const auto& rec : recs) by_place[rec.key] = ingest::point_forecast_from(rec);
  ASSERT_TRUE(by_place.count("1723A") && by_place.count("140200"));
  const auto& temp = by_place["1723A"].values.at("temp");
  ASSERT_EQ(temp.size(), 2u);
  EXPECT_EQ(temp[0].first, core::from_beijing({{2019, 3, 16}, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(temp[0].second, 5.5);
  EXPECT_DOUBLE_EQ(temp[1].second, 5.0);
  EXPECT_DOUBLE_EQ(by_place["140200"].values.at("wspm").at(0).second, 3.2);
  EXPECT_EQ(by_place["140200"].issued, core::from_beijing({{2019, 3, 15}, 20, 0, 0}));

  r = s.import("weather_forecast", good.string());  // again: nothing new
  EXPECT_NE(r.out.find("stored 0,"), std::string::npos) << r.out;
  EXPECT_EQ(records(s.db, ingest::kWeatherForecastKind).size(), 2u);

  const fs::path bad = s.dir / "bad.csv";
  std::ofstream(bad) << "place,issued,time,parameter,value\n"
                        "1724A,2019-03-15 20:00,2019-03-16 00:00,temp,4.0\n"
                        "1724A,2019-03-15 20:00,2019-03-16 25:00,temp,4.0\n"
                        "9999Z,2019-03-15 20:00,2019-03-16 00:00,temp,4.0\n"
                        "1724A,2019-03-15 20:00,2019-03-15 19:00,temp,4.0\n";
  r = s.import("weather_forecast", bad.string());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("bad.csv:3"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad.csv:4: unknown site or area '9999Z'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad.csv:5"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rejected 3"), std::string::npos) << r.out;
  recs = records(s.db, ingest::kWeatherForecastKind);
  ASSERT_EQ(recs.size(), 3u);  // the good row of bad.csv, and the earlier two untouched
  for (const auto& rec : recs)
    if (rec.key == "1724A") EXPECT_EQ(ingest::point_forecast_from(rec).values.at("temp").size(), 1u);
}

// Which forecast fills which site: a site's own, else its area's, else the area's parents' (the
// city 140200); only hours after the issue; relative humidity becomes the dew point the model
// reads (Magnus formula, Alduchov & Eskridge 1996: 20 °C at 50 % -> 9.26 °C).
TEST(ApplyWeatherForecasts, SiteThenAreaThenParentOnlyAfterTheIssue) {
  Scratch s;
  const fs::path obs = s.dir / "obs.csv";
  write_sample(obs, "20190301", "20190316");
  ASSERT_EQ(s.import("cnemc", obs.string()).status, 0);
  const fs::path wf = s.dir / "wf.csv";
  std::ofstream(wf) << "place,issued,time,parameter,value\n"
                       "1723A,2019-03-15 20:00,2019-03-16 00:00,temp,5.5\n"
                       "140200,2019-03-15 20:00,2019-03-15 22:00,temp,1.0\n"  // at the latest data hour: not used
                       "140200,2019-03-15 20:00,2019-03-16 00:00,temp,20\n"
                       "140200,2019-03-15 20:00,2019-03-16 00:00,rh,50\n"
                       "140200,2019-03-15 20:00,2019-03-16 00:00,wspm,3.2\n";
  ASSERT_EQ(s.import("weather_forecast", wf.string()).status, 0);
  auto eng = load_engine(s.db);
  const core::Instant latest = *eng->latest_hour("air");
  // The sample's last label is 2019-03-15 23:00 (CNEMC labels an hour by its end: 22:00-23:00).
  ASSERT_EQ(latest, core::from_beijing({{2019, 3, 15}, 22, 0, 0}));
  EnginePanel ep = eng->read([&](const engine::Engine& e) { return panel_from_engine(e, latest - 2 * core::kDay, latest, 72); });
  auto store = store::Store::open(s.db);
  const int sites = apply_weather_forecasts(*store, *eng, ep.panel, ep.latest, latest + core::kHour);
  EXPECT_EQ(sites, ep.panel.site_count());  // every site is in the city
  auto site = [&](const std::string& id) {
    for (int i = 0; i < ep.panel.site_count(); ++i)
      if (ep.panel.site(i) == id) return i;
    ADD_FAILURE() << id;
    return 0;
  };
  const int k = ep.panel.index(core::from_beijing({{2019, 3, 16}, 0, 0, 0}));
  ASSERT_GT(k, ep.latest);
  EXPECT_FLOAT_EQ(ep.panel.at(site("1723A"), kTemp, k), 5.5f);     // its own forecast
  EXPECT_TRUE(std::isnan(ep.panel.at(site("1723A"), kWspm, k)));   // ... which has no wind
  EXPECT_FLOAT_EQ(ep.panel.at(site("1724A"), kTemp, k), 20.f);    // the city's (its district has none)
  EXPECT_FLOAT_EQ(ep.panel.at(site("1724A"), kWspm, k), 3.2f);
  EXPECT_NEAR(ep.panel.at(site("1724A"), kDewp, k), 9.26, 0.02);
  EXPECT_TRUE(std::isnan(ep.panel.at(site("1724A"), kTemp, ep.latest)));  // the sample has no weather
  EXPECT_TRUE(std::isnan(ep.panel.at(site("1724A"), kTemp, k + 1)));
}

// `forecast train` saves a model set with its training range; serve's Forecaster issues with it,
// keeps one journal record per site and area, issues again only when the data moves, and retrains
// on its schedule; `forecast score` scores the stored issue against the values that came later.
TEST(ForecastOperation, TrainIssueRetrainAndScore) {
  Scratch s;
  const fs::path first = s.dir / "first.csv", later = s.dir / "later.csv";
  write_sample(first, "20190101", "20190316");
  write_sample(later, "20190316", "20190321");
  ASSERT_EQ(s.import("cnemc", first.string()).status, 0);
  const std::string models = (s.dir / "models").string();

  auto r = test::run_cli("forecast train --config " + kCity + " --db " + s.db + " --models " + models +
                         " --pollutants pm25 --max-rounds 3");
  ASSERT_EQ(r.status, 0) << r.out;
  std::vector<fs::path> sets;
  for (const auto& d : fs::directory_iterator(models)) sets.push_back(d.path());
  ASSERT_EQ(sets.size(), 1u);
  const json card = json::parse(std::ifstream(sets[0] / "card.json"));
  // The slice's hours: CNEMC labels an hour by its end, so the first (label 2019-01-01 00) is
  // 2018-12-31 23:00-24:00 and the last (label 2019-03-15 23) ends at 2019-03-15 23:00.
  EXPECT_EQ(card["training_range"]["to"], "2019-03-15T23:00:00+08:00") << card["training_range"];
  EXPECT_EQ(card["training_range"]["from"], "2018-12-31T23:00:00+08:00") << card["training_range"];
  EXPECT_FALSE(card["features"].empty());

  {  // serve: the saved set, no training; one record per place and issue
    auto eng = load_engine(s.db);
    ForecasterOptions o;
    o.models_dir = models, o.train = false, o.threads = 1;
    Forecaster f(*eng, s.db, nullptr, o);
    f.step();
    const auto issue = f.latest();
    ASSERT_TRUE(issue);
    EXPECT_EQ(issue->issued, core::from_beijing({{2019, 3, 15}, 23, 0, 0}));
    ASSERT_TRUE(f.models());
    EXPECT_EQ(f.models()->version, sets[0].filename().string());
    auto recs = records(s.db, kForecastKind);
    EXPECT_EQ(recs.size(), issue->sites.size() + issue->areas.size());
    EXPECT_EQ(issue->sites.size(), 12u);  // the air stations of config/datong/air_stations.toml
    for (const auto& rec : recs) {
      EXPECT_EQ(rec.at, issue->issued);
      EXPECT_TRUE(rec.key.starts_with("site:") || rec.key.starts_with("area:")) << rec.key;
      EXPECT_EQ(json::parse(rec.body)["model_version"], f.models()->version);
    }
    f.step();  // the data did not move: no new issue
    EXPECT_EQ(records(s.db, kForecastKind).size(), recs.size());
    // A restart issues the same hour with the same model again: the journal already holds it
    // (issue 28 #9: each restart used to journal another copy).
    Forecaster again(*eng, s.db, nullptr, o);
    again.step();
    ASSERT_TRUE(again.latest());
    EXPECT_EQ(again.latest()->issued, issue->issued);
    EXPECT_EQ(records(s.db, kForecastKind).size(), recs.size());
  }

  ASSERT_EQ(s.import("cnemc", later.string()).status, 0);  // five more days
  {  // 5 days past the training end: a 7-day schedule keeps the model
    auto eng = load_engine(s.db);
    ForecasterOptions o;
    o.models_dir = models, o.retrain_days = 7, o.max_rounds = 3, o.threads = 1;
    Forecaster f(*eng, s.db, nullptr, o);
    f.step();
    EXPECT_EQ(f.models()->version, sets[0].filename().string());
    EXPECT_EQ(f.status()["last_training_reason"], "");
    EXPECT_EQ(f.latest()->issued, core::from_beijing({{2019, 3, 20}, 23, 0, 0}));
  }
  {  // a 3-day schedule retrains, saves a second set and issues with it
    auto eng = load_engine(s.db);
    ForecasterOptions o;
    o.models_dir = models, o.retrain_days = 3, o.max_rounds = 3, o.threads = 1;
    o.pollutants = {kPm25};
    Forecaster f(*eng, s.db, nullptr, o);
    f.step();
    ASSERT_TRUE(f.models());
    EXPECT_NE(f.models()->version, sets[0].filename().string());
    EXPECT_EQ(f.models()->to, core::from_beijing({{2019, 3, 20}, 23, 0, 0}));
    EXPECT_NE(f.status()["last_training_reason"].get<std::string>().find("5 days past the training end"), std::string::npos)
        << f.status();
    EXPECT_EQ(std::distance(fs::directory_iterator(models), fs::directory_iterator()), 2);
    EXPECT_EQ(json::parse(records(s.db, kForecastKind).back().body)["model_version"], f.models()->version);
  }

  // Score the issue of 2019-03-15 23:00: PM2.5 at +1 h is the hour labelled 2019-03-16 00 in the
  // file; the expected RMSE comes from the stored forecast values and the file's own numbers.
  // A fallback issue of the same hour journaled after the model's (as a restart without the
  // model would): the model's issue counts, the fallback neither replaces it nor adds to it.
  {
    auto st = store::Store::open(s.db);
    std::vector<store::Record> copies;
    for (auto rec : records(s.db, kForecastKind)) {
      if (rec.at != core::from_beijing({{2019, 3, 15}, 23, 0, 0})) continue;
      json b = json::parse(rec.body);
      b["model_version"] = "";
      for (auto& v : b["pollutants"]["pm25"]["value"]) v = 999;
      rec.body = b.dump();
      copies.push_back(rec);
    }
    ASSERT_FALSE(copies.empty());
    st->append(std::span<store::Record>(copies));
  }
  std::vector<double> err;
  const auto observed = sample_pm25("20190316", 0);
  for (const auto& rec : records(s.db, kForecastKind)) {
    if (rec.at != core::from_beijing({{2019, 3, 15}, 23, 0, 0}) || !rec.key.starts_with("site:")) continue;
    if (json::parse(rec.body)["model_version"] == "") continue;  // the fallback copies above
    const auto it = observed.find(rec.key.substr(5));
    if (it == observed.end()) continue;
    err.push_back(json::parse(rec.body)["pollutants"]["pm25"]["value"][0].get<double>() - it->second);
  }
  ASSERT_FALSE(err.empty());
  double se = 0;
  for (double e : err) se += e * e;
  r = test::run_cli("forecast score --config " + kCity + " --db " + s.db + " --from 2019-03-15 --to 2019-03-16 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  const json sc = json::parse(r.out.substr(r.out.find('{')));
  EXPECT_EQ(sc["issues"], 1);
  EXPECT_EQ(sc["site_forecasts"], 12);
  const json& h1 = sc["hourly"]["pm25"][0];
  EXPECT_EQ(h1["horizon"], 1);
  EXPECT_EQ(h1["n"], err.size());
  EXPECT_NEAR(h1["rmse"].get<double>(), std::sqrt(se / double(err.size())), 0.006);
  r = test::run_cli("forecast score --config " + kCity + " --db " + s.db + " --from 2019-03-15 --to 2019-03-16");
  EXPECT_NE(r.out.find("1 issues in [2019-03-15, 2019-03-16)"), std::string::npos) << r.out;
}

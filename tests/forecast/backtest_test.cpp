// The backtest's honesty on the real UCI Beijing data (../shared/data/beijing_prsa): a prediction
// reads nothing labelled after its issue hour (except, with --met observed, the weather of the
// hours up to its target), and preds.csv has the documented shape and the files' own hour labels.
// A small slice (one site, 2013-03-01 .. 2013-06-03, a few boosting rounds) keeps it to seconds.
#include "forecast/backtest.h"
#include "forecast/history_files.h"
#include "forecast/model_set.h"

#include "../support/run_cli.h"
#include "core/text.h"
#include "ingest/import/line_reader.h"
#include "model/city.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include <unistd.h>

using namespace skyriver;
using namespace skyriver::forecast;
namespace fs = std::filesystem;

namespace {

const std::string kCity = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";
const std::string kDongsi =
    std::string(SKYRIVER_SHARED_DIR) + "/data/beijing_prsa/PRSA_Data_Dongsi_20130301-20170228.csv.gz";
// Line 1 is the header; line 2 is 2013-03-01 hour 0; 2013-06-01 hour 0 is line 2 + 92*24
// (March 31 + April 30 + May 31 days).
constexpr std::size_t kLineOf20130601 = 2 + 92 * 24;
constexpr std::size_t kLines = kLineOf20130601 + 4 * 24;

fs::path scratch() {
  const fs::path d = fs::temp_directory_path() / ("skyriver-forecast-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

// The first kLines lines of the Dongsi file; edit(fields) may change the data rows whose
// label (year, month, day, hour) is after `after` ("YYYY-MM-DD HH:MM").
std::string write_slice(const fs::path& path, const std::string& after = "",
                        const std::function<void(std::vector<std::string>&)>& edit = {}) {
  ingest::LineReader in(kDongsi);
  std::ofstream out(path);
  std::string_view line;
  for (std::size_t n = 1; n <= kLines && in.next(line); ++n) {
    if (n == 1 || !edit) {
      out << line << "\n";
      continue;
    }
    auto f = core::split_csv(line);
    char label[20];
    std::snprintf(label, sizeof label, "%04d-%02d-%02d %02d:00", std::stoi(f[1]), std::stoi(f[2]), std::stoi(f[3]),
                  std::stoi(f[4]));
    if (std::string(label) > after) edit(f);
    for (std::size_t i = 0; i < f.size(); ++i) out << (i ? "," : "") << f[i];
    out << "\n";
  }
  return path.string();
}

// Columns 5..10 are the pollutants, 11..16 the weather (UCI layout).
void change_pollutants(std::vector<std::string>& f) {
  for (int c = 5; c <= 10; ++c)
    if (f[c] != "NA") f[c] = std::to_string(std::stod(f[c]) * 3 + 7);
}
void change_weather(std::vector<std::string>& f) {
  for (int c : {11, 12, 13, 16})
    if (f[c] != "NA") f[c] = std::to_string(std::stod(f[c]) + 9);
  f[15] = f[15] == "N" ? "S" : "N";
}

std::map<std::string, std::string> read_preds(const fs::path& p, std::string* header = nullptr) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  if (header) *header = line;
  std::map<std::string, std::string> out;  // "site,issued,horizon" -> whole line
  while (std::getline(in, line)) {
    auto f = core::split_csv(line);
    out[f[0] + "," + f[1] + "," + f[2]] = line;
  }
  return out;
}

std::string backtest(const std::string& file, const std::string& met, const fs::path& out) {
  auto r = test::run_cli("forecast backtest --format uci --pollutant pm25 --met " + met +
                         " --train-to 2013-06-01 --test-from 2013-06-01 --test-to 2013-06-04 --horizons 1,24,48"
                         " --issue-step 3 --max-rounds 10 --config " + kCity + " --out " + out.string() + " " + file);
  EXPECT_EQ(r.status, 0) << r.out;
  return r.out;
}

}  // namespace

// The whole command: shape of preds.csv, labels as in the file, and no prediction changes when
// every value labelled after its issue hour changes (pollutants and weather with --met none;
// pollutants with --met observed, where the weather after the issue is the stand-in forecast).
TEST(BacktestCli, PredictionsReadNothingAfterTheirIssueHour) {
  const fs::path dir = scratch();
  const std::string cut = "2013-06-02 11:00";  // issues at or before it must not move
  const std::string original = write_slice(dir / "orig.csv");
  const std::string all_changed = write_slice(dir / "all.csv", cut, [](auto& f) {
    change_pollutants(f);
    change_weather(f);
  });
  const std::string pollutants_changed = write_slice(dir / "pol.csv", cut, change_pollutants);

  const std::string summary = backtest(original, "none", dir / "a.csv");
  EXPECT_NE(summary.find("weather: none"), std::string::npos) << summary;
  backtest(all_changed, "none", dir / "b.csv");
  std::string header;
  const auto a = read_preds(dir / "a.csv", &header), b = read_preds(dir / "b.csv");
  EXPECT_EQ(header, "site,issued,horizon,target,predicted");
  ASSERT_EQ(a.size(), 3u * 24 * 3);  // one site, 72 issue hours, 3 horizons (48 h: the 25-48 h block model)
  // The files' own labels: issue 2013-06-01 00:00 (year 2013 month 6 day 1 hour 0), +1 h.
  ASSERT_TRUE(a.count("Dongsi,2013-06-01 00:00,1"));
  auto without_value = [](const std::string& line) { return line.substr(0, line.rfind(',') + 1); };
  EXPECT_EQ(without_value(a.at("Dongsi,2013-06-01 00:00,1")), "Dongsi,2013-06-01 00:00,1,2013-06-01 01:00,");
  EXPECT_EQ(without_value(a.at("Dongsi,2013-06-03 23:00,24")), "Dongsi,2013-06-03 23:00,24,2013-06-04 23:00,");
  int same = 0, moved = 0;
  for (const auto& [key, line] : a) {
    const std::string issued = core::split_csv(line)[1];
    if (issued <= cut) {
      EXPECT_EQ(line, b.at(key)) << "changed after " << cut;
      ++same;
    } else {
      moved += line != b.at(key);
    }
  }
  EXPECT_EQ(same, 36 * 3);
  EXPECT_GT(moved, 0);  // the changes do reach the later issues

  const std::string observed = backtest(original, "observed", dir / "c.csv");
  EXPECT_NE(observed.find("observed at the hours up to the target"), std::string::npos) << observed;
  backtest(pollutants_changed, "observed", dir / "d.csv");
  const auto c = read_preds(dir / "c.csv"), d = read_preds(dir / "d.csv");
  for (const auto& [key, line] : c)
    if (core::split_csv(line)[1] <= cut) EXPECT_EQ(line, d.at(key)) << "changed after " << cut;
  fs::remove_all(dir);
}

// The same property where it is made: a feature row and the model's prediction for issue hour t
// are unchanged by any value after t (none), or by any pollutant after t (future weather), and
// the future-weather row does read the weather after t.
TEST(Features, RowsReadNothingAfterTheIssueHour) {
  const fs::path dir = scratch();
  const auto city = model::load_city(kCity);
  const HistoryFiles hist = read_history_files("uci", {write_slice(dir / "orig.csv")}, city);
  const Panel& panel = hist.panel;
  const int train_end = panel.index(core::beijing_midnight({2013, 6, 1}) - hist.label_offset);
  const Climatology clim = Climatology::fit(panel, train_end, true);
  TrainSpan span;
  span.target_end = train_end;
  span.valid_hours = 24 * 30;
  span.issue_step = 4;
  BoosterParams p;
  p.max_depth = 4, p.max_rounds = 15, p.early_stop = 5;
  std::mt19937 rng(7);
  for (Weather w : {Weather::none, Weather::future}) {
    const HorizonModel m = fit_horizon_model(panel, clim, w, kPm25, 24, 24, span, p);
    auto predict = [&](const Panel& pan, int t) {
      FeatureBuilder fb(pan, clim, w);
      fb.select_site(0);
      Matrix x;
      x.cols = fb.cols();
      x.x.resize(std::size_t(x.cols));
      fb.row(t, 24, kPm25, x.x.data());
      x.offset = {m.anchor(fb, t, 24)};
      return std::make_pair(x.x, m.predict(x)[0]);
    };
    for (int t : {train_end, train_end + 37, train_end + 60}) {
      Panel changed = panel;
      for (int v = 0; v < kVarCount; ++v) {
        if (w == Weather::future && v >= kMetFirst) continue;
        for (int k = t + 1; k < panel.hours(); ++k)
          changed.set(0, v, k, rng() % 3 == 0 ? NAN : float(rng() % 500));
      }
      const auto [row0, p0] = predict(panel, t);
      const auto [row1, p1] = predict(changed, t);
      ASSERT_EQ(row0.size(), row1.size());
      for (std::size_t i = 0; i < row0.size(); ++i)
        EXPECT_TRUE(row0[i] == row1[i] || (std::isnan(row0[i]) && std::isnan(row1[i])))
            << FeatureBuilder::names(w)[i] << " at t=" << t;
      EXPECT_EQ(p0, p1);
      if (w == Weather::future) {  // the stand-in weather forecast is read
        Panel windy = panel;
        for (int k = t + 1; k <= t + 24; ++k) windy.set(0, kWspm, k, 15.f);
        EXPECT_NE(predict(windy, t).first, row0);
      }
    }
  }
  fs::remove_all(dir);
}

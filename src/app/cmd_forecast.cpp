// `skyriver forecast backtest|train|score`: the air-quality forecast (src/forecast, docs/forecast.md).
//
//   forecast backtest --format uci|cnemc|long --pollutant pm25 --met none|observed
//       --train-to DATE --test-from DATE --test-to DATE --horizons 1,24,48,72 --out preds.csv
//       [--config DIR] [--report FILE.json] FILE...
// Dates are the files' own hour labels (DATE = DATE 00:00); --train-to and --test-to are
// exclusive. preds.csv: site,issued,horizon,target,predicted (one line per site x issue hour x
// horizon); the summary (stdout) and the report give model and baselines per horizon and site.
#include "app/command.h"
#include "app/locate.h"
#include "core/error.h"
#include "core/text.h"
#include "forecast/backtest.h"
#include "engine/load.h"
#include "forecast/forecaster.h"
#include "forecast/history_files.h"
#include "forecast/score.h"
#include "model/city.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

using namespace skyriver;

namespace {

// "YYYY-MM-DD" or "YYYY-MM-DD HH:MM" (Beijing) -> instant of that label.
core::Instant parse_label_time(const std::string& option, const std::string& text) {
  if (auto d = core::parse_date(text)) return core::beijing_midnight(*d);
  if (auto c = core::parse_civil(text)) return core::from_beijing(*c);
  throw core::Error(option, "not a date YYYY-MM-DD or time YYYY-MM-DD HH:MM: '" + text + "'");
}

std::string label_text(core::Instant t) { return core::format_beijing(t).substr(0, 16); }

std::vector<int> parse_horizons(const std::string& text) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto v = core::parse_integer(core::trim(item));
    if (!v || *v < 1 || *v > 72)
      throw core::Error("--horizons", "each horizon must be a whole number of hours 1..72, got '" + item + "'");
    out.push_back(int(*v));
  }
  if (out.empty()) throw core::Error("--horizons", "no horizon given");
  return out;
}

std::string fixed(double x, int decimals = 1) {
  if (std::isnan(x)) return "-";
  std::ostringstream o;
  o << std::fixed << std::setprecision(decimals) << x;
  return o.str();
}

nlohmann::json score_json(const forecast::Score& s) {
  auto num = [](double x) { return std::isnan(x) ? nlohmann::json() : nlohmann::json(std::round(x * 100) / 100); };
  const double best = std::min(s.rmse_persistence, s.rmse_climatology);
  return {{"n", s.n},
          {"rmse", num(s.rmse)},
          {"mae", num(s.mae)},
          {"rmse_persistence", num(s.rmse_persistence)},
          {"rmse_climatology", num(s.rmse_climatology)},
          {"gain_vs_best_baseline", num(100.0 * (1.0 - s.rmse / best))},
          {"interval_10_90_coverage", num(s.coverage)}};
}

int run_backtest_command(const std::string& format, const std::string& pollutant, const std::string& met,
                         const std::string& train_to, const std::string& test_from,
                         const std::string& test_to, const std::string& horizons, const std::string& out_file,
                         const std::string& config, const std::string& report_file, int issue_step,
                         int max_rounds, const std::vector<std::string>& files) {
  using namespace forecast;
  const auto var = var_of(pollutant);
  if (!var || *var >= kPollutantCount)
    throw core::Error("--pollutant", "one of pm25 pm10 so2 no2 co o3, got '" + pollutant + "'");
  if (met != "none" && met != "observed")
    throw core::Error("--met", "none or observed, got '" + met + "'");
  const core::Instant train_end_label = parse_label_time("--train-to", train_to);
  const core::Instant from_label = parse_label_time("--test-from", test_from);
  const core::Instant to_label = parse_label_time("--test-to", test_to);
  if (to_label <= from_label) throw core::Error("--test-to", "must be after --test-from");
  if (train_end_label > from_label)
    throw core::Error("--train-to", "must not be after --test-from (training would see the test period)");
  BacktestSpec spec;
  spec.var = *var;
  spec.weather = met == "observed" ? Weather::future : Weather::none;
  spec.horizons = parse_horizons(horizons);
  spec.issue_step = issue_step;
  spec.max_rounds = max_rounds;

  const auto started = std::chrono::steady_clock::now();
  const model::CityConfig city = model::load_city(config);
  const HistoryFiles hist = read_history_files(format, files, city);
  if (hist.rejected) {
    std::cerr << "backtest: " << hist.rejected << " bad row value(s) not used, e.g.\n";
    for (const auto& r : hist.first_rejects) std::cerr << "  " << r << "\n";
  }
  const Panel& panel = hist.panel;
  // A label L is the value of the panel hour starting at L - offset.
  auto index_of_label = [&](core::Instant label) { return panel.index(label - hist.label_offset); };
  spec.train_end = index_of_label(train_end_label);
  spec.issue_from = index_of_label(from_label);
  spec.issue_to = index_of_label(to_label);
  if (spec.train_end <= 24 * 30)
    throw core::Error("--train-to", "the files hold less than 30 days before " + train_to);
  spec.valid_hours = std::min(365 * 24, spec.train_end / 3);
  spec.log = [](const std::string& line) { std::cerr << "backtest: " << line << "\n"; };

  const BacktestResult r = run_backtest(panel, spec);
  const BacktestScores sc = score_backtest(r);

  std::ofstream out(out_file);
  if (!out) throw core::Error(out_file, "cannot write");
  out << "site,issued,horizon,target,predicted\n";
  for (int s = 0; s < r.sites; ++s)
    for (int i = 0; i < r.issues; ++i) {
      const core::Instant issued = panel.time(r.issue_from + i) + hist.label_offset;
      const std::string issued_text = label_text(issued);
      for (std::size_t hi = 0; hi < r.horizons.size(); ++hi) {
        const int h = r.horizons[hi];
        out << panel.site(s) << ',' << issued_text << ',' << h << ','
            << label_text(issued + h * core::kHour) << ',' << fixed(r.predicted[r.at(int(hi), s, i)]) << '\n';
      }
    }
  out.close();
  if (!out) throw core::Error(out_file, "write failed");

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string weather_note =
      spec.weather == Weather::none
          ? "none (no weather after the issue hour)"
          : "observed at the hours up to the target (stands in for a perfect weather forecast)";
  std::cout << "backtest " << pollutant << ", weather: " << weather_note << "\n"
            << "  " << panel.site_count() << " sites, issues " << label_text(from_label) << " .. "
            << label_text(to_label) << " (exclusive), trained on labels before " << label_text(train_end_label)
            << ", " << fixed(seconds, 0) << " s\n"
            << "  RMSE on the rows where the target and both baselines exist:\n"
            << "  horizon      n    model  persist  climat  gain vs better  (all rows: n, model)  10-90% cover\n";
  for (std::size_t hi = 0; hi < r.horizons.size(); ++hi) {
    const auto& s = sc.by_horizon[hi];
    const auto& a = sc.by_horizon_all[hi];
    const double best = std::min(s.rmse_persistence, s.rmse_climatology);
    std::cout << "  " << std::setw(5) << r.horizons[hi] << " h " << std::setw(7) << s.n << " " << std::setw(8)
              << fixed(s.rmse) << " " << std::setw(8) << fixed(s.rmse_persistence) << " " << std::setw(7)
              << fixed(s.rmse_climatology) << " " << std::setw(11) << fixed(100.0 * (1.0 - s.rmse / best)) << " %"
              << "   (" << a.n << ", " << fixed(a.rmse) << ")  " << fixed(100 * s.coverage, 0) << " %\n";
  }
  // Next-day daily AQI (CNEMC-style scores) of the pollutant alone, model and baselines.
  nlohmann::json daily_report;
  const std::pair<const char*, const std::vector<float>*> daily_sources[] = {
      {"model", &r.predicted}, {"persistence", &r.persistence}, {"climatology", &r.climatology}};
  for (const auto& [name, series] : daily_sources) {
    const auto pairs = next_day_pairs(panel, r, *series, hist.label_offset);
    if (pairs.empty()) break;
    const DailyScores d = score_days(pairs);
    daily_report[name] = to_json(d);
    if (std::string(name) == "model")
      std::cout << "  next-day daily " << pollutant << " AQI (each hour forecast 24 h ahead, " << d.days
                << " site-days), level right / hits-misses-false alarms (TS):\n";
    std::cout << "  " << std::setw(12) << name << "  level " << fixed(100 * d.level_accuracy(), 1) << " %";
    for (const auto& t : d.thresholds)
      std::cout << "   >" << t.above << ": " << t.hits << "-" << t.misses << "-" << t.false_alarms << " ("
                << fixed(t.ts(), 2) << ")";
    std::cout << "\n";
  }
  std::cout << "  predictions: " << out_file << "\n";

  if (!report_file.empty()) {
    nlohmann::json j;
    j["pollutant"] = pollutant;
    j["weather"] = met;
    j["weather_note"] = weather_note;
    j["format"] = format;
    j["train_to"] = train_to, j["test_from"] = test_from, j["test_to"] = test_to;
    j["seconds"] = std::round(seconds);
    j["sites"] = nlohmann::json::array();
    for (int s = 0; s < r.sites; ++s) j["sites"].push_back(panel.site(s));
    for (std::size_t hi = 0; hi < r.horizons.size(); ++hi) {
      nlohmann::json h;
      h["horizon"] = r.horizons[hi];
      h["common"] = score_json(sc.by_horizon[hi]);
      h["all"] = score_json(sc.by_horizon_all[hi]);
      h["model"] = r.models[hi];
      for (int s = 0; s < r.sites; ++s) h["by_site"][panel.site(s)] = score_json(sc.by_site[hi][s]);
      j["horizons"].push_back(h);
    }
    if (!daily_report.is_null()) j["next_day_daily_aqi"] = daily_report;
    std::ofstream rep(report_file);
    if (!rep) throw core::Error(report_file, "cannot write");
    rep << j.dump(1) << "\n";
  }
  return 0;
}

// The engine of a store (what `serve` would hold).
void load_engine(engine::Engine& eng, const model::CityConfig& city, store::Store& db) {
  engine::set_city(eng, city);
  const auto report = engine::load(eng, db);
  std::cerr << "forecast: " << report.values << " hourly values loaded\n";
}

int run_train(const std::string& config, const std::string& db, const std::string& models, int max_rounds,
              const std::string& pollutants) {
  const auto city = model::load_city(config);
  auto store = app::open_store(db, app::StoreUse::read);
  engine::Engine eng;
  load_engine(eng, city, *store);
  forecast::ForecasterOptions o;
  o.models_dir = models.empty() ? forecast::models_dir_for(db) : models;
  o.max_rounds = max_rounds;
  for (const auto& p : pollutants.empty() ? std::vector<std::string>{} : core::split_csv(pollutants)) {
    const auto v = forecast::var_of(std::string(core::trim(p)));
    if (!v || *v >= forecast::kPollutantCount)
      throw core::Error("--pollutants", "unknown pollutant '" + std::string(p) + "' (pm25 pm10 so2 no2 co o3)");
    o.pollutants.push_back(*v);
  }
  const auto t0 = std::chrono::steady_clock::now();
  const forecast::ModelSet set = forecast::train_from_engine(eng, o, [](const std::string& l) { std::cerr << "forecast: " << l << "\n"; });
  set.save(o.models_dir);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "model " << set.version << ": " << set.models.size() << " models, trained on "
            << core::format_iso(set.from) << " .. " << core::format_iso(set.to) << " in " << fixed(secs, 0) << " s, saved in "
            << o.models_dir << "/" << set.version << "\n";
  for (const auto& m : set.models)
    if (m.h_first == 1 || m.h_first == 13 || m.h_first == 49)
      std::cout << "  " << forecast::var_code(m.var) << " +" << m.h_first << ".." << m.h_last << " h (" << forecast::to_string(m.weather)
                << "): held-out RMSE " << fixed(m.held_out.rmse) << " (persistence " << fixed(m.held_out.rmse_persistence)
                << ", climatology " << fixed(m.held_out.rmse_climatology) << ")\n";
  for (const auto& n : set.notes) std::cout << "  " << n << "\n";
  return 0;
}

int run_score(const std::string& config, const std::string& db, const std::string& from, const std::string& to, bool json) {
  const auto city = model::load_city(config);
  auto store = app::open_store(db, app::StoreUse::read);
  engine::Engine eng;
  load_engine(eng, city, *store);
  const core::Instant a = parse_label_time("--from", from), b = parse_label_time("--to", to);
  if (b <= a) throw core::Error("--to", "must be after --from");
  const auto s = forecast::score_stored(*store, eng, a, b);
  if (json) {
    std::cout << forecast::to_json(s).dump(1) << "\n";
    return 0;
  }
  std::cout << s.issues << " issues in [" << from << ", " << to << "): " << s.site_forecasts << " site and " << s.area_forecasts
            << " area forecasts\n  hourly RMSE / MAE at 1, 6, 24, 48, 72 h (n at 24 h):\n";
  for (int v = 0; v < forecast::kPollutantCount; ++v) {
    std::cout << "  " << std::setw(5) << forecast::var_code(v);
    for (int h : {1, 6, 24, 48, 72}) {
      const auto& e = s.by_horizon[v][h - 1];
      std::cout << "  " << std::setw(3) << h << " h " << fixed(e.rmse()) << " / " << fixed(e.mae());
    }
    std::cout << "  (n " << s.by_horizon[v][23].n << ")\n";
  }
  for (int l = 0; l < 3; ++l) {
    const auto& d = s.daily[l];
    std::cout << "  daily AQI, day " << l + 1 << " (" << d.days << " area-days): level right " << fixed(100 * d.level_accuracy())
              << " %, primary right " << fixed(100 * d.primary_accuracy()) << " % of " << d.primary_days;
    for (const auto& t : d.thresholds)
      std::cout << ", >" << t.above << " hits/misses/false " << t.hits << "/" << t.misses << "/" << t.false_alarms;
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

static app::Command forecast_command{
    "forecast", "air-quality forecast: backtest, train, score", [](CLI::App& cmd) {
      struct Opts {
        CLI::App *backtest = nullptr, *train = nullptr, *score = nullptr;
        std::string db = "var/skyriver.db", models, from, to, pollutants;
        bool json = false;
        std::string format = "uci", pollutant = "pm25", met = "none", train_to, test_from, test_to,
                    horizons = "1,24,48,72", out = "preds.csv", config = app::default_config(), report;
        int issue_step = 1, max_rounds = 0;
        std::vector<std::string> files;
      };
      auto o = std::make_shared<Opts>();
      cmd.require_subcommand(1);
      o->backtest = cmd.add_subcommand("backtest", "train before a date, forecast a test period, compare with baselines");
      auto* b = o->backtest;
      b->add_option("--format", o->format, "cnemc | uci | long")->required();
      b->add_option("--pollutant", o->pollutant, "pm25 pm10 so2 no2 co o3");
      b->add_option("--met", o->met, "none | observed (observed weather at the target hours)");
      b->add_option("--train-to", o->train_to, "train on labels before this date")->required();
      b->add_option("--test-from", o->test_from, "first issue label")->required();
      b->add_option("--test-to", o->test_to, "end of the issue labels (exclusive)")->required();
      b->add_option("--horizons", o->horizons, "hours ahead, comma-separated (1..72)");
      b->add_option("--out", o->out, "predictions CSV");
      b->add_option("--config", o->config, "city configuration folder (parameters, sites)");
      b->add_option("--report", o->report, "write the scores (per horizon and site) as JSON");
      b->add_option("--issue-step", o->issue_step, "train on every n-th issue hour (default 1)");
      b->add_option("--max-rounds", o->max_rounds, "cap on boosting rounds (0 = the tuned settings; for quick runs)");
      b->add_option("files", o->files, "observation files")->required();
      o->train = cmd.add_subcommand("train", "train the forecast models on the store's history and save them");
      o->train->add_option("--config", o->config, "city configuration folder");
      o->train->add_option("--db", o->db, "store URL or SQLite file");
      o->train->add_option("--models", o->models, "models folder (default: models/ beside the store)");
      o->train->add_option("--max-rounds", o->max_rounds, "cap on boosting rounds (0 = the tuned settings; for quick runs)");
      o->train->add_option("--pollutants", o->pollutants, "pollutants to train, comma-separated (default: all six)");
      o->score = cmd.add_subcommand("score", "score the stored forecasts issued in [--from, --to) against the observations");
      o->score->add_option("--config", o->config, "city configuration folder");
      o->score->add_option("--db", o->db, "store URL or SQLite file");
      o->score->add_option("--from", o->from, "first issue time (YYYY-MM-DD or YYYY-MM-DD HH:MM)")->required();
      o->score->add_option("--to", o->to, "end of the issue times (exclusive)")->required();
      o->score->add_flag("--json", o->json, "print JSON");
      return [o]() -> int {
        if (o->train->parsed()) return run_train(o->config, o->db, o->models, o->max_rounds, o->pollutants);
        if (o->score->parsed()) return run_score(o->config, o->db, o->from, o->to, o->json);
        if (o->backtest->parsed())
          return run_backtest_command(o->format, o->pollutant, o->met, o->train_to, o->test_from, o->test_to,
                                      o->horizons, o->out, o->config, o->report, std::max(1, o->issue_step),
                                      std::max(0, o->max_rounds), o->files);
        return 0;
      };
    }};

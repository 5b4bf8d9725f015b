// Issuing 72-hour forecasts for 2,000 sites (issue 11's target: < 10 s on 2 cores).
//
// The 2,000 sites are synthetic but made of real series: site i copies the hourly pollutants and
// weather of UCI Beijing site i % 12 (../shared/data/beijing_prsa), shifted back i / 12 days and
// scaled by 0.8 .. 1.2, over the 70 days up to 2017-02-28 (20 districts of 100 sites and the
// city of all 2,000). A model set is trained once (setup, not timed) on the first 12 of them
// (all six pollutants, the eight horizon blocks, without weather, at most 30 rounds) and given
// the climatology of all 2,000, so that every site is served by the models; then timed:
//   BM_Issue/models   : issue_forecasts with the model set (features, trees, AQI, days 1-3,
//                       the 21 areas), what `serve` does each hour;
//   BM_Issue/fallback : the same issue without a model (climatology blended with the latest
//                       value) — the peer: the part of the work that is not the model.
//   bench/bench_forecast [--benchmark_repetitions=3]
#include "forecast/history_files.h"
#include "forecast/issue.h"
#include "forecast/model_set.h"
#include "model/city.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>

using namespace skyriver;
using namespace skyriver::forecast;

namespace {

constexpr int kSites = 2000, kDays = 70;

struct Setup {
  Panel panel;
  ModelSet models;
  IssueOptions options;
};

Setup& setup() {
  // Never freed: the boosters must not outlive XGBoost's own static state at exit.
  static Setup* s = [] {
    auto* out = new Setup;
    const std::string dir = std::string(SKYRIVER_SHARED_DIR) + "/data/beijing_prsa";
    std::vector<std::string> files;
    for (const auto& f : std::filesystem::directory_iterator(dir))
      if (f.path().filename().string().starts_with("PRSA_Data_")) files.push_back(f.path().string());
    std::sort(files.begin(), files.end());
    const auto city = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
    const HistoryFiles hist = read_history_files("uci", files, city);
    const Panel& uci = hist.panel;
    const int hours = kDays * 24, end = uci.hours();  // the last 70 days of the files
    std::vector<std::string> names;
    std::vector<int> groups;
    for (int i = 0; i < kSites; ++i) names.push_back("S" + std::to_string(i)), groups.push_back(0);
    out->panel = Panel(uci.time(end - hours), hours + kMaxHorizon, names, groups);
    for (int i = 0; i < kSites; ++i) {
      const int src = i % uci.site_count(), shift = (i / uci.site_count()) * 24;
      const float scale = 0.8f + 0.4f * float((i * 7919) % 101) / 100.f;
      for (int v = 0; v < kVarCount; ++v)
        for (int k = 0; k < hours; ++k) {
          const int from = end - hours + k - shift;
          const float x = from >= 0 ? uci.at(src, v, from) : NAN;
          out->panel.set(i, v, k, v < kPollutantCount ? x * scale : x);
        }
    }
    const auto t0 = std::chrono::steady_clock::now();
    // Trained on the first 12 sites (the real series, unshifted), then given the climatology of
    // all 2,000 so that every site is one the model knows (the trees read no site identity).
    Panel first(out->panel.time(0), out->panel.hours(),
                std::vector<std::string>(names.begin(), names.begin() + uci.site_count()),
                std::vector<int>(std::size_t(uci.site_count()), 0));
    for (int i = 0; i < uci.site_count(); ++i)
      for (int v = 0; v < kVarCount; ++v)
        for (int k = 0; k < hours; ++k) first.set(i, v, k, out->panel.at(i, v, k));
    TrainOptions t;
    t.end = hours;
    t.with_weather = false;
    t.issue_step = 2;
    t.max_rounds = 30;
    out->models = train_models(first, t);
    out->models.clim = Climatology::fit(out->panel, hours, true);
    out->models.sites = names;
    std::cerr << "bench_forecast: " << kSites << " sites x " << kDays << " days, " << out->models.models.size()
              << " models trained in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
    out->options.t = hours - 1;
    out->options.threads = 2;
    AreaMembers all{"C", "city", {}};
    for (int d = 0; d < 20; ++d) {
      AreaMembers a{"D" + std::to_string(d), "district", {}};
      for (int i = d * 100; i < (d + 1) * 100; ++i) a.sites.push_back(names[i]);
      all.sites.insert(all.sites.end(), a.sites.begin(), a.sites.end());
      out->options.areas.push_back(std::move(a));
    }
    out->options.areas.push_back(std::move(all));
    return out;
  }();
  return *s;
}

void BM_Issue(benchmark::State& state) {
  Setup& s = setup();
  const bool with_models = state.range(0) == 1;
  std::size_t model_values = 0;
  for (auto _ : state) {
    const Issue issue = issue_forecasts(s.panel, with_models ? &s.models : nullptr, s.options);
    model_values = 0;
    for (const auto& p : issue.sites)
      for (const auto& f : p.pollutants) model_values += f.basis == "model";
    benchmark::DoNotOptimize(issue.sites.data());
  }
  state.counters["sites"] = kSites;
  state.counters["site_pollutants_by_model"] = double(model_values);
  state.SetLabel(with_models ? "models" : "fallback");
}
BENCHMARK(BM_Issue)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

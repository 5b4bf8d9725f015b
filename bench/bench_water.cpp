// Water benchmarks. Each measured thing has a peer in the same run, so ratios are quotable:
//   BM_CompensateQuarter   the Datong rules over a quarter of hourly automatic-station data
//                          (13 sections x 3 factors x 2208 h + the year before = 172k samples)
//   BM_PeerSumPass         peer: one pass summing the same samples by (site, factor) in a map
//                          (the least any statement must do)
//   BM_ReadSamplesCsv      the checked samples reader on a 172k-row CSV
//   BM_PeerGetline         peer: reading the same file line by line, no parsing
//   BM_SectionClass        evaluate_section on a 7-item sample (the per-sample cost of a class)
#include "assess/compensation.h"
#include "standards/water_eval.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <map>

using namespace skyriver;

namespace {

const assess::Rules& rules() {
  static const assess::Rules r =
      assess::load_rules(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong/compensation.toml");
  return r;
}

const std::vector<assess::Sample>& samples() {
  static const std::vector<assess::Sample> all = [] {
    std::vector<assess::Sample> out;
    const double base[] = {18, 0.9, 0.15};
    for (int year : {2025, 2026}) {
      const core::Instant from = core::beijing_midnight({year, 7, 1});
      const core::Instant to = core::beijing_midnight({year, 10, 1});
      for (const auto& sec : rules().sections)
        for (std::size_t f = 0; f < rules().factors.size(); ++f)
          for (core::Instant t = from; t < to; t += core::kHour) {
            assess::Sample s;
            s.site = sec.id, s.parameter = rules().factors[f], s.time = t;
            s.value = base[f] * (1 + 0.3 * ((t / core::kHour) % 7) / 7.0);
            out.push_back(std::move(s));
          }
    }
    return out;
  }();
  return all;
}

const std::string& csv_file() {
  static const std::string path = [] {
    const std::string p = "/tmp/skyriver_bench_water_samples.csv";
    std::ofstream out(p);
    out << "site,time,parameter,value,unit,flag\n";
    for (const auto& s : samples())
      out << fmt::format("{},{},{},{:.4f},mg/L,N\n", s.site, core::format_beijing(s.time), s.parameter, s.value);
    return p;
  }();
  return path;
}

void BM_CompensateQuarter(benchmark::State& state) {
  const auto period = assess::parse_period("2026Q3");
  for (auto _ : state) benchmark::DoNotOptimize(assess::compensate(rules(), period, samples()));
  state.SetItemsProcessed(state.iterations() * samples().size());
}
BENCHMARK(BM_CompensateQuarter)->Unit(benchmark::kMillisecond);

void BM_PeerSumPass(benchmark::State& state) {
  for (auto _ : state) {
    std::map<std::pair<std::string, std::string>, std::pair<double, int>> acc;
    for (const auto& s : samples()) {
      auto& a = acc[{s.site, s.parameter}];
      a.first += s.value, a.second++;
    }
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * samples().size());
}
BENCHMARK(BM_PeerSumPass)->Unit(benchmark::kMillisecond);

void BM_ReadSamplesCsv(benchmark::State& state) {
  const std::string& p = csv_file();
  for (auto _ : state) benchmark::DoNotOptimize(assess::read_samples_csv(p));
  state.SetItemsProcessed(state.iterations() * samples().size());
}
BENCHMARK(BM_ReadSamplesCsv)->Unit(benchmark::kMillisecond);

void BM_PeerGetline(benchmark::State& state) {
  const std::string& p = csv_file();
  for (auto _ : state) {
    std::ifstream in(p);
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) n += line.size();
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(state.iterations() * samples().size());
}
BENCHMARK(BM_PeerGetline)->Unit(benchmark::kMillisecond);

void BM_SectionClass(benchmark::State& state) {
  const standards::Concentrations v{{"ph", 7.8}, {"do", 6.5}, {"codmn", 5.2}, {"cod", 18},
                                    {"bod5", 3.2}, {"nh3n", 1.2}, {"tp", 0.18}};
  for (auto _ : state) benchmark::DoNotOptimize(standards::evaluate_section(v, standards::WaterBody::River));
}
BENCHMARK(BM_SectionClass);

}  // namespace

BENCHMARK_MAIN();

// Speed of the air standards core, each against a naive peer measured in the same run:
//  - real-time AQI for 10^7 station-hours (hourly_aqi) vs a straightforward implementation that
//    allocates (std::map of breakpoint vectors, std::vector of IAQIs, strings) per call;
//  - a full annual evaluation of 2,000 stations x 8,760 hours (daily means, O3 8-h, daily AQI,
//    annual compliance of six pollutants, period summary with composite index) vs a naive
//    evaluation that copies into std::vector and std::sorts per percentile.
// Synthetic but realistic hourly series (diurnal O3, ~3 % missing hours). Throughput is printed
// as items_per_second (station-hours or station-years).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "standards/air_stats.h"
#include "standards/aqi.h"
#include "standards/composite.h"

using namespace skyriver::standards;

namespace {

constexpr int kHours = 8760;

std::vector<HourlyInput> make_hours(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::lognormal_distribution<double> pm(3.6, 0.7), so2(2.5, 0.6), no2(3.3, 0.5), co(-0.2, 0.5);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<HourlyInput> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto& h = v[std::size_t(i)];
    const double diurnal = 0.5 + 0.5 * std::sin((i % 24 - 9) * 3.14159 / 12);
    h.pm25 = std::round(pm(rng));
    h.pm10 = std::round(h.pm25 * (1.3 + u(rng)));
    h.so2 = std::round(so2(rng));
    h.no2 = std::round(no2(rng));
    h.co = std::round(co(rng) * 10) / 10;
    h.o3 = std::round(20 + 160 * diurnal * u(rng));
    if (u(rng) < 0.03) h.pm25 = kMissing;
    if (u(rng) < 0.03) h.o3 = kMissing;
  }
  return v;
}

// ---- naive peer: what a first implementation looks like ----
const std::map<std::string, std::vector<double>>& naive_table() {
  static const std::map<std::string, std::vector<double>> t{
      {"pm25", {0, 35, 75, 115, 150, 250, 350, 500}}, {"pm10", {0, 50, 150, 250, 350, 420, 500, 600}},
      {"so2", {0, 150, 500, 650, 800}},              {"no2", {0, 100, 200, 700, 1200, 2340, 3090, 3840}},
      {"co", {0, 5, 10, 35, 60, 90, 120, 150}},      {"o3", {0, 160, 200, 300, 400, 800, 1000, 1200}}};
  return t;
}

int naive_aqi(const HourlyInput& h, std::vector<std::string>& primary) {
  const std::vector<double> iaqi_nodes{0, 50, 100, 150, 200, 300, 400, 500};
  std::vector<std::pair<std::string, double>> c{{"pm25", h.pm25}, {"pm10", h.pm10}, {"so2", h.so2},
                                                {"no2", h.no2},   {"co", h.co},     {"o3", h.o3}};
  std::vector<std::pair<std::string, int>> iaqis;
  for (auto& [name, v] : c) {
    if (std::isnan(v)) continue;
    const std::vector<double> bp = naive_table().at(name);  // copy, as naive code does
    for (std::size_t i = 1; i < bp.size(); ++i)
      if (v <= bp[i]) {
        double x = iaqi_nodes[i - 1] + (iaqi_nodes[i] - iaqi_nodes[i - 1]) * (v - bp[i - 1]) / (bp[i] - bp[i - 1]);
        iaqis.emplace_back(name, int(std::ceil(x - 1e-9)));
        break;
      }
  }
  std::sort(iaqis.begin(), iaqis.end(), [](auto& a, auto& b) { return a.second > b.second; });
  primary.clear();
  if (iaqis.empty()) return -1;
  for (auto& [n, v] : iaqis)
    if (v == iaqis[0].second && v > 50) primary.push_back(n);
  return iaqis[0].second;
}

double naive_percentile(std::vector<double> v, double p) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double k = 1 + (double(v.size()) - 1) * p;
  const std::size_t s = std::size_t(k);
  if (s >= v.size()) return v.back();
  return v[s - 1] + (v[s] - v[s - 1]) * (k - double(s));
}

const std::vector<HourlyInput>& pool() {
  static const std::vector<HourlyInput> p = make_hours(1 << 20, 42);
  return p;
}

// Arg 0: the 2012 edition; 1: the 2026 edition, which rounds every input (GB/T 8170) first.
// Target (issue 15): 2026 >= 0.8x the 2012 rate of the same run.
void BM_HourlyAqi(benchmark::State& state) {
  const auto& p = pool();
  const std::size_t n = 10'000'000;
  const Edition e = state.range(0) ? Edition::e2026 : Edition::e2012;
  for (auto _ : state) {
    long sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const AqiResult r = hourly_aqi(e, p[i & (p.size() - 1)]);
      sum += r.max_iaqi + r.primary;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(n));
  state.SetLabel(e == Edition::e2026 ? "2026" : "2012");
}
BENCHMARK(BM_HourlyAqi)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_HourlyAqiNaive(benchmark::State& state) {
  const auto& p = pool();
  const std::size_t n = std::size_t(state.range(0));
  std::vector<std::string> primary;
  for (auto _ : state) {
    long sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += naive_aqi(p[i & (p.size() - 1)], primary) + long(primary.size());
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_HourlyAqiNaive)->Arg(10'000'000)->Unit(benchmark::kMillisecond);

// One station-year as six dense hourly series (hour index 0 = Jan 1 00:00).
struct StationYear {
  std::array<std::vector<double>, 6> s;  // pm25 pm10 so2 no2 co o3
};

const std::vector<StationYear>& stations() {
  static const std::vector<StationYear> st = [] {
    std::vector<StationYear> v(16);
    for (unsigned k = 0; k < v.size(); ++k) {
      auto h = make_hours(kHours, 1000 + k);
      for (auto& s : v[k].s) s.resize(kHours);
      for (int i = 0; i < kHours; ++i) {
        v[k].s[0][i] = h[i].pm25; v[k].s[1][i] = h[i].pm10; v[k].s[2][i] = h[i].so2;
        v[k].s[3][i] = h[i].no2;  v[k].s[4][i] = h[i].co;   v[k].s[5][i] = h[i].o3;
      }
    }
    return v;
  }();
  return st;
}

// Fast path: reuse buffers across stations, no per-hour allocation.
double evaluate(const StationYear& y, std::vector<DailyRecord>& days, std::array<std::vector<double>, 6>& daily,
                std::vector<double>& scratch) {
  days.resize(365);
  for (auto& d : daily) d.resize(365);
  scratch.resize(365);
  for (int d = 0; d < 365; ++d) {
    auto at = [&](int k) { return std::span<const double, 24>(y.s[k].data() + d * 24, 24); };
    DailyRecord& r = days[std::size_t(d)];
    r.date = skyriver::core::add_days({2019, 1, 1}, d);
    r.values = daily_values({at(0), at(1), at(2), at(3), at(4), at(5)});
    r.aqi = daily_aqi(Edition::e2012, r.values);
    daily[0][d] = r.values.pm25; daily[1][d] = r.values.pm10; daily[2][d] = r.values.so2;
    daily[3][d] = r.values.no2;  daily[4][d] = r.values.co;   daily[5][d] = r.values.o3_8h;
  }
  const Pollutant ps[] = {Pollutant::pm25, Pollutant::pm10, Pollutant::so2, Pollutant::no2, Pollutant::co, Pollutant::o3_8h};
  double acc = 0;
  for (int k = 0; k < 6; ++k)
    acc += annual_compliance(LimitSet::gb2012, ZoneClass::class2, ps[k], 2019, daily[k], scratch).pct;
  acc += summarize_period(days).composite.total;
  return acc;
}

void BM_AnnualEvaluation(benchmark::State& state) {
  const auto& st = stations();
  std::vector<DailyRecord> days;
  std::array<std::vector<double>, 6> daily;
  std::vector<double> scratch;
  for (auto _ : state) {
    double acc = 0;
    for (int i = 0; i < state.range(0); ++i) acc += evaluate(st[std::size_t(i) % st.size()], days, daily, scratch);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["station_hours_per_s"] =
      benchmark::Counter(double(state.iterations() * state.range(0)) * kHours, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AnnualEvaluation)->Arg(2000)->Unit(benchmark::kMillisecond);

// Naive peer: vectors per day and per window, std::sort per percentile, naive AQI.
double evaluate_naive(const StationYear& y) {
  std::vector<std::vector<double>> daily(6);
  std::vector<int> aqis;
  std::vector<std::string> primary;
  for (int d = 0; d < 365; ++d) {
    HourlyInput di;  // reuse the struct for the 6 daily values
    double* out[] = {&di.pm25, &di.pm10, &di.so2, &di.no2, &di.co, &di.o3};
    for (int k = 0; k < 5; ++k) {
      std::vector<double> v(y.s[k].begin() + d * 24, y.s[k].begin() + d * 24 + 24);
      v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
      double m = NAN;
      if (v.size() >= 20) m = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
      *out[k] = m;
      daily[std::size_t(k)].push_back(m);
    }
    std::vector<double> windows;
    for (int w = 0; w + 8 <= 24; ++w) {
      std::vector<double> v(y.s[5].begin() + d * 24 + w, y.s[5].begin() + d * 24 + w + 8);
      v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
      if (v.size() >= 6) windows.push_back(std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()));
    }
    double o3 = NAN;
    if (!windows.empty()) {
      std::sort(windows.begin(), windows.end());
      if (windows.size() >= 14 || windows.back() > 160) o3 = windows.back();
    }
    di.o3 = o3;
    daily[5].push_back(o3);
    aqis.push_back(naive_aqi(di, primary));
  }
  const double p[] = {0.95, 0.95, 0.98, 0.98, 0.95, 0.90};
  double acc = 0;
  for (int k = 0; k < 6; ++k) {
    acc += naive_percentile(daily[std::size_t(k)], p[k]);
    std::vector<double> v = daily[std::size_t(k)];
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    acc += std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  }
  acc += double(std::count_if(aqis.begin(), aqis.end(), [](int a) { return a >= 0 && a <= 100; }));
  return acc;
}

void BM_AnnualEvaluationNaive(benchmark::State& state) {
  const auto& st = stations();
  for (auto _ : state) {
    double acc = 0;
    for (int i = 0; i < state.range(0); ++i) acc += evaluate_naive(st[std::size_t(i) % st.size()]);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["station_hours_per_s"] =
      benchmark::Counter(double(state.iterations() * state.range(0)) * kHours, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AnnualEvaluationNaive)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_Percentile(benchmark::State& state) {
  std::vector<double> base(365), work(365);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 200);
  for (auto& x : base) x = u(rng);
  for (auto _ : state) {
    std::copy(base.begin(), base.end(), work.begin());
    benchmark::DoNotOptimize(percentile(work, 0.95));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Percentile);

void BM_PercentileNaive(benchmark::State& state) {
  std::vector<double> base(365);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 200);
  for (auto& x : base) x = u(rng);
  for (auto _ : state) benchmark::DoNotOptimize(naive_percentile(base, 0.95));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PercentileNaive);

}  // namespace

BENCHMARK_MAIN();

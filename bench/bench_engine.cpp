// The engine's speed targets (issue 5): a year of hourly data for all of Datong's stations
// answers any question in milliseconds; ten years load in seconds.
//
// Data: the bundled Datong 2019 sample imported once into a temporary SQLite store (real
// values, 392 427 hourly values); "ten years" = that year shifted to 2010..2019 (3.9 M values),
// written once into a second store. Peer, measured in the same run: the same question answered
// straight from the store (Store::scan of the period, then the same standards functions),
// which is what the API would do without the engine.
#include "engine/air.h"
#include "engine/latest.h"
#include "engine/load.h"
#include "ingest/import/importer.h"
#include "model/city.h"
#include "standards/air_stats.h"
#include "standards/area.h"
#include "store/store.h"

#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

using namespace skyriver;

namespace {

const std::string kDir = "/tmp/skyriver-bench-engine";
const model::CityConfig& city() {
  static const auto c = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
  return c;
}

const std::string& year_db() {
  static const std::string path = [] {
    std::filesystem::create_directories(kDir);
    const std::string p = kDir + "/year.db";
    if (!std::filesystem::exists(p)) {
      auto s = store::Store::open(p);
      ingest::ImportOptions o;
      o.format = "cnemc";
      ingest::run_import({std::string(SKYRIVER_SOURCE_DIR) + "/data/datong/china_sites_2019_datong_sample.csv.gz"}, *s, city(), o);
    }
    return p;
  }();
  return path;
}

const std::string& ten_year_db() {
  static const std::string path = [] {
    const std::string p = kDir + "/tenyears.db";
    if (!std::filesystem::exists(p)) {
      auto src = store::Store::open(year_db());
      std::vector<store::Observation> year;
      src->scan({}, [&](const store::Observation& o) { year.push_back(o); });
      auto dst = store::Store::open(p + ".tmp");
      for (int back = 0; back < 10; ++back) {
        std::vector<store::Observation> batch = year;
        for (auto& o : batch) {
          core::Date d = core::beijing_date(o.time);
          const core::Instant into_day = o.time - core::beijing_midnight(d);
          d.year -= back;
          if (d.month == 2 && d.day == 29) d.day = 28;
          o.time = core::beijing_midnight(d) + into_day;
        }
        dst->write(batch);
      }
      dst.reset();
      std::filesystem::rename(p + ".tmp", p);
    }
    return p;
  }();
  return path;
}

engine::Engine& year_engine() {
  static auto e = [] {
    auto eng = std::make_unique<engine::Engine>();
    engine::set_city(*eng, city());
    auto s = store::Store::open(year_db());
    engine::load(*eng, *s);
    return eng;
  }();
  return *e;
}

constexpr core::Date kFrom{2019, 1, 1}, kTo{2020, 1, 1};

}  // namespace

static void BM_LoadYearFromStore(benchmark::State& state) {
  year_db();
  for (auto _ : state) {
    engine::Engine e;
    engine::set_city(e, city());
    auto s = store::Store::open(year_db());
    benchmark::DoNotOptimize(engine::load(e, *s).values);
  }
}
BENCHMARK(BM_LoadYearFromStore)->Unit(benchmark::kMillisecond);

static void BM_LoadTenYearsFromStore(benchmark::State& state) {
  ten_year_db();
  std::size_t values = 0;
  for (auto _ : state) {
    engine::Engine e;
    engine::set_city(e, city());
    auto s = store::Store::open(ten_year_db());
    values = engine::load(e, *s).values;
  }
  state.counters["values"] = static_cast<double>(values);
}
BENCHMARK(BM_LoadTenYearsFromStore)->Unit(benchmark::kMillisecond)->Iterations(2);

static void BM_LatestOfEveryStation(benchmark::State& state) {
  auto& e = year_engine();
  for (auto _ : state)
    e.read([](const engine::Engine& eng) {
      for (const auto& s : eng.sites()) benchmark::DoNotOptimize(engine::latest(eng, s.id));
      return 0;
    });
}
BENCHMARK(BM_LatestOfEveryStation)->Unit(benchmark::kMicrosecond);

static void BM_CityDailyAqiYear(benchmark::State& state) {
  auto& e = year_engine();
  for (auto _ : state)
    e.read([](const engine::Engine& eng) {
      benchmark::DoNotOptimize(engine::daily_records(engine::air_target(eng, "140200"), kFrom, kTo));
      return 0;
    });
}
BENCHMARK(BM_CityDailyAqiYear)->Unit(benchmark::kMillisecond);

// Peer: the city's daily AQI of the year straight from the store.
static void BM_Peer_CityDailyAqiYearFromStore(benchmark::State& state) {
  auto s = store::Store::open(year_db());
  std::vector<std::string> sites;
  for (const auto* site : city().sites_of_kind("air"))
    if (!site->reference) sites.push_back(site->id);
  const char* codes[6] = {"pm25", "pm10", "so2", "no2", "co", "o3"};
  for (auto _ : state) {
    store::Query q;
    q.sites = sites;
    q.parameters = {codes, codes + 6};
    q.interval = store::Interval::hour;
    q.from = core::beijing_midnight(kFrom);
    q.to = core::beijing_midnight(kTo);
    // hour index -> pollutant -> site values
    std::map<std::string, int> site_ix, param_ix;
    for (std::size_t i = 0; i < sites.size(); ++i) site_ix[sites[i]] = static_cast<int>(i);
    for (int p = 0; p < 6; ++p) param_ix[codes[p]] = p;
    const std::size_t hours = static_cast<std::size_t>((q.to - q.from) / core::kHour);
    std::vector<double> cube(hours * 6 * sites.size(), std::nan(""));
    s->scan(q, [&](const store::Observation& o) {
      if (o.flag != 'N') return;
      cube[(static_cast<std::size_t>((o.time - q.from) / core::kHour) * 6 + param_ix[o.parameter]) * sites.size() + site_ix[o.site]] = o.value;
    });
    std::vector<standards::DailyRecord> out;
    for (std::size_t d = 0; d < hours / 24; ++d) {
      std::array<std::array<double, 24>, 6> day;
      for (int h = 0; h < 24; ++h)
        for (int p = 0; p < 6; ++p)
          day[p][h] = standards::area_mean(std::span<const double>(&cube[((d * 24 + h) * 6 + p) * sites.size()], sites.size()));
      standards::DailyRecord r;
      r.values = standards::daily_values({day[0], day[1], day[2], day[3], day[4], day[5]});
      r.aqi = standards::daily_aqi(standards::Edition::e2012, r.values);
      out.push_back(r);
    }
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_Peer_CityDailyAqiYearFromStore)->Unit(benchmark::kMillisecond);

static void BM_CitySummaryYearWithLastYear(benchmark::State& state) {
  auto& e = year_engine();
  for (auto _ : state)
    e.read([](const engine::Engine& eng) {
      auto t = engine::air_target(eng, "140200");
      benchmark::DoNotOptimize(engine::summary(t, kFrom, kTo));
      benchmark::DoNotOptimize(engine::summary(t, {2018, 1, 1}, {2019, 1, 1}));
      return 0;
    });
}
BENCHMARK(BM_CitySummaryYearWithLastYear)->Unit(benchmark::kMillisecond);

static void BM_CountyRankingYear(benchmark::State& state) {
  auto& e = year_engine();
  for (auto _ : state)
    e.read([](const engine::Engine& eng) {
      benchmark::DoNotOptimize(engine::ranking(eng, kFrom, kTo, engine::RankBy::composite));
      return 0;
    });
}
BENCHMARK(BM_CountyRankingYear)->Unit(benchmark::kMillisecond);

static void BM_CityHourlyAqiDay(benchmark::State& state) {
  auto& e = year_engine();
  const core::Instant from = core::beijing_midnight({2019, 12, 31});
  for (auto _ : state)
    e.read([&](const engine::Engine& eng) {
      benchmark::DoNotOptimize(engine::hourly_aqi(engine::air_target(eng, "140200"), from, from + core::kDay));
      return 0;
    });
}
BENCHMARK(BM_CityHourlyAqiDay)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();

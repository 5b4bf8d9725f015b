// Alarm evaluation at scale (issue 14): 10 000 flue-gas outlets sending minute data (HJ 212 CN
// 2051: smoke, SO2, NOx, O2, flow, gas temperature = 60 000 values a minute), and their hourly
// frames (2061, with the three ZsAvg values = 90 000 values an hour).
//
// BM_AlarmMinute: one minute of every outlet through AlarmEngine::observe (offline clock and the
// data-quality rules on every value). BM_AlarmHour: one hour's frames (exceedance on the 折算
// value, loads against the caps, data quality). Peer, in the same run: BM_DecodeMinute decodes
// and converts the same minute's 10 000 frames (decode_frame + to_observations), the work the
// ingest server does for them anyway. Real time for one minute of data is 60 s: the CPU share
// is (time per BM_AlarmMinute iteration) / 60 s (docs/sources.md).
#include "alert/alarm_engine.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/observations.h"
#include "ingest/hj212/simulator.h"
#include "model/city.h"

#include <benchmark/benchmark.h>

#include <unordered_map>

using namespace skyriver;

namespace {

constexpr int kOutlets = 10000;

struct Fixture {
  model::CityConfig city;
  std::vector<hj212::SimStation> stations;
  std::unordered_map<std::string, const model::Site*> by_mn;  // as the server finds a station
  Fixture() {
    city = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
    for (int i = 0; i < kOutlets; ++i) {
      char id[32], mn[32];
      std::snprintf(id, sizeof id, "BENCH%05d", i);
      std::snprintf(mn, sizeof mn, "0100005200000000%08X", i);
      model::Site s;
      s.id = id;
      s.name = id;
      s.kind = model::kOutlet;
      s.area = "140214";
      s.mn = mn;
      s.password = "123456";
      s.attributes = {{"enterprise", "EX-POWER"}};
      city.sites.push_back(s);
      model::Outlet o;
      o.site = id;
      o.enterprise = "EX-POWER";
      o.medium = "gas";
      for (const char* p : {"smoke", "so2", "nox"}) {
        model::PollutantLimit l;
        l.parameter = p;
        l.concentration = std::string(p) == "smoke" ? 10.0 : std::string(p) == "so2" ? 35.0 : 50.0;
        l.ref_o2 = 6.0;
        l.daily_kg = 2000;
        l.annual_t = 600;
        l.range = 500;
        o.limits.push_back(l);
      }
      city.sources.outlets.push_back(o);
      stations.push_back({id, mn, "123456", "outlet", hj212::Edition::hj2017});
    }
    for (const auto& s : city.sites) by_mn[s.mn] = &s;
  }
  // The frames of minute m (2051) or hour h (2061) of every outlet, as the simulator sends them.
  std::vector<std::string> frames(const std::string& cn, core::Instant t) const {
    std::vector<std::string> out;
    out.reserve(stations.size());
    for (const auto& st : stations) {
      std::vector<std::pair<std::string, double>> values, zs;
      for (const auto& c : hj212::sim_codes("outlet")) {
        values.emplace_back(c.code, hj212::sim_value(st, c.code, t));
        if (c.zs && cn == "2061") zs.emplace_back(c.code, hj212::sim_value(st, c.code, t) * 15.0 / 13.0);
      }
      out.push_back(hj212::upload_frame(st, cn, t, t + 60, values, nullptr, zs));
    }
    return out;
  }
  std::vector<store::Observation> observations(const std::vector<std::string>& frames, core::Instant received) const {
    std::vector<store::Observation> out;
    for (const auto& f : frames) {
      const auto d = hj212::decode_frame(f, "bench");
      const auto* site = by_mn.at(d.packet->mn);
      auto c = hj212::to_observations(*d.packet, *d.data, *site, city.parameters, received);
      for (auto& o : c.observations) out.push_back(std::move(o));
    }
    return out;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

const core::Instant kBegin = core::beijing_midnight({2024, 1, 1});

void BM_AlarmMinute(benchmark::State& state) {
  auto& f = fixture();
  alert::AlarmEngine engine(f.city, {});
  // Four distinct minutes of data (values differ per minute), replayed with shifted times so
  // every iteration is a new minute for the engine.
  std::vector<std::vector<store::Observation>> minutes;
  for (int m = 0; m < 4; ++m) minutes.push_back(f.observations(f.frames("2051", kBegin + m * 60), kBegin + m * 60 + 5));
  std::int64_t m = 0;
  std::size_t values = 0, alarms = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto batch = minutes[m % 4];
    for (auto& o : batch) o.time = kBegin + m * 60, o.received_at = kBegin + m * 60 + 5;
    state.ResumeTiming();
    alarms += engine.observe(batch, kBegin + m * 60 + 5).size();
    values += batch.size();
    ++m;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(values));
  state.counters["values_per_minute"] = double(values) / double(m);
  state.counters["alarm_changes"] = double(alarms);
}
BENCHMARK(BM_AlarmMinute)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_AlarmHour(benchmark::State& state) {
  auto& f = fixture();
  alert::AlarmEngine engine(f.city, {});
  std::vector<std::vector<store::Observation>> hours;
  for (int h = 0; h < 4; ++h) hours.push_back(f.observations(f.frames("2061", kBegin + h * core::kHour), kBegin + h * core::kHour + 3605));
  std::int64_t h = 0;
  std::size_t values = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto batch = hours[h % 4];
    for (auto& o : batch) o.time = kBegin + h * core::kHour, o.interval = store::Interval::hour;
    state.ResumeTiming();
    engine.observe(batch, kBegin + h * core::kHour + 3605);
    values += batch.size();
    ++h;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(values));
}
BENCHMARK(BM_AlarmHour)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_DecodeMinute(benchmark::State& state) {
  auto& f = fixture();
  const auto frames = f.frames("2051", kBegin);
  std::size_t values = 0;
  for (auto _ : state) {
    auto obs = f.observations(frames, kBegin + 5);
    values += obs.size();
    benchmark::DoNotOptimize(obs);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(values));
}
BENCHMARK(BM_DecodeMinute)->Unit(benchmark::kMillisecond)->MinTime(3.0);

}  // namespace

BENCHMARK_MAIN();

// Loads simulated hourly data (bench/sim_hourly.h) into a store and times the store's reads:
// the tool behind bench/pg_scale.sh (a province on PostgreSQL, scaled down) and
// bench/api_uncached.sh (ten years of a city in SQLite behind `skyriver serve`). Not a test.
//
//   bench_sim_store load URL STATIONS FROM TO [FIRST]
//       stations P0000.. (FIRST.. FIRST+STATIONS-1), hours [FROM, TO) (Beijing "YYYY-MM-DD" or
//       "YYYY-MM-DD HH:MM"), written hour by hour (arrival order) in batches of 400 000 values,
//       source kind hj212; prints values, seconds, values/s.
//   bench_sim_store query URL STATIONS FROM TO REPS
//       p50/p99 (ms) over REPS random picks (fixed seed) of: one series (site, parameter) for a
//       month and for a year; the city day and city month read (20 stations x 6 pollutants, what
//       an engine load or a summary reads), with the daily means computed from it.
//   bench_sim_store city URL CONFIG FROM TO
//       the configured air sites in service of CONFIG (station i = the i-th), hours [FROM, TO), as one
//       import run in the store's import log (what `skyriver serve` watches), received now.
#include "sim_hourly.h"
#include "core/error.h"
#include "model/city.h"
#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace skyriver;
using Clock = std::chrono::steady_clock;

core::Instant parse_time(const std::string& s) {
  if (auto c = core::parse_civil(s)) return core::from_beijing(*c);
  if (auto d = core::parse_date(s)) return core::beijing_midnight(*d);
  throw core::Error("bench_sim_store", "not a time: " + s);
}

std::string station_id(std::int64_t i) {
  char b[24];
  std::snprintf(b, sizeof b, "P%04lld", static_cast<long long>(i));
  return b;
}

// Writes hours [from, to) of `sites` (station index = position + first) in arrival order.
std::size_t fill(store::Store& s, const std::vector<std::string>& sites, std::int64_t first, core::Instant from,
                 core::Instant to, store::ImportRecord* log) {
  const bench::SimHourly sim;
  const core::Instant received = std::time(nullptr);
  std::vector<store::Observation> batch;
  std::size_t total = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    const auto r = log ? s.write(batch, *log) : s.write(batch);
    total += r.inserted;
    batch.clear();
  };
  for (core::Instant t = from; t < to; t += core::kHour) {
    for (std::size_t i = 0; i < sites.size(); ++i)
      for (std::size_t p = 0; p < bench::kSimPollutants.size(); ++p) {
        const auto v = sim.value(first + static_cast<std::int64_t>(i), p, t);
        if (!v) continue;
        store::Observation o;
        o.site = sites[i];
        o.parameter = bench::kSimPollutants[p].code;
        o.time = t;
        o.value = *v;
        o.unit = bench::kSimPollutants[p].unit;
        o.source_kind = "hj212";
        o.source = "sim:" + std::to_string((t / core::kHour) % 100000);
        o.received_at = std::max(received, t + core::kHour);
        batch.push_back(std::move(o));
      }
    if (batch.size() >= 400000) flush();
  }
  flush();
  return total;
}

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

void report(const std::string& what, std::vector<double> ms, std::size_t rows) {
  std::sort(ms.begin(), ms.end());
  auto q = [&](double f) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(f * static_cast<double>(ms.size())))]; };
  std::printf("%-34s n=%4zu  p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms  rows/query %zu\n", what.c_str(), ms.size(), q(0.5),
              q(0.99), ms.back(), rows);
}

int query(store::Store& s, std::int64_t stations, core::Instant from, core::Instant to, int reps) {
  std::mt19937_64 rng(15);
  const core::Instant hours = (to - from) / core::kHour;
  auto pick_start = [&](core::Instant span) {
    const core::Instant slots = std::max<core::Instant>(1, hours - span / core::kHour);
    return from + static_cast<core::Instant>(rng() % static_cast<std::uint64_t>(slots)) * core::kHour;
  };
  struct Kind {
    std::string name;
    core::Instant span;
    bool city;
  };
  const core::Instant month = 30 * core::kDay, year = 365 * core::kDay;
  std::vector<Kind> kinds{{"series, one site x pm25, 30 days", month, false},
                          {"series, one site x pm25, 365 days", year, false},
                          {"city day (20 sites x 6), daily means", core::kDay, true},
                          {"city month (20 sites x 6), daily means", month, true}};
  for (const auto& k : kinds) {
    if (k.span > to - from) continue;
    std::vector<double> ms;
    std::size_t rows = 0;
    for (int r = 0; r < reps; ++r) {
      store::Query q;
      q.interval = store::Interval::hour;
      q.from = (pick_start(k.span) - from) / core::kDay * core::kDay + from;  // whole Beijing days
      q.to = q.from + k.span;
      if (k.city) {
        const std::int64_t city = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(std::max<std::int64_t>(1, stations / 20)));
        for (std::int64_t i = 0; i < std::min<std::int64_t>(20, stations); ++i) q.sites.push_back(station_id(city * 20 + i));
        for (const auto& p : bench::kSimPollutants) q.parameters.emplace_back(p.code);
      } else {
        q.sites = {station_id(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(stations)))};
        q.parameters = {"pm25"};
      }
      const auto t0 = Clock::now();
      std::map<std::pair<std::string, std::int64_t>, std::pair<double, int>> day_sum;  // (parameter, day)
      rows = 0;
      s.scan(q, [&](const store::Observation& o) {
        ++rows;
        auto& a = day_sum[{o.parameter, (o.time + core::kBeijingOffset) / core::kDay}];
        a.first += o.value, ++a.second;
      });
      ms.push_back(ms_since(t0));
    }
    report(k.name, ms, rows);
  }
  return 0;
}

int run(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  auto need = [&](std::size_t n) {
    if (a.size() < n) throw core::Error("bench_sim_store", "usage: see the header of bench/bench_sim_store.cpp");
  };
  need(1);
  if (a[0] == "load") {
    need(5);
    const std::int64_t n = std::stoll(a[2]), first = a.size() > 5 ? std::stoll(a[5]) : 0;
    auto s = store::Store::open(a[1]);
    std::vector<std::string> sites;
    for (std::int64_t i = 0; i < n; ++i) sites.push_back(station_id(first + i));
    const auto t0 = Clock::now();
    const std::size_t values = fill(*s, sites, first, parse_time(a[3]), parse_time(a[4]), nullptr);
    const double secs = ms_since(t0) / 1000;
    std::printf("loaded %zu values in %.1f s: %.0f values/s\n", values, secs, static_cast<double>(values) / secs);
    return 0;
  }
  if (a[0] == "query") {
    need(6);
    auto s = store::Store::open(a[1]);
    return query(*s, std::stoll(a[2]), parse_time(a[3]), parse_time(a[4]), std::stoi(a[5]));
  }
  if (a[0] == "city") {
    need(5);
    const auto cfg = model::load_city(a[2]);
    std::vector<std::string> sites;
    for (const auto* site : cfg.sites_of_kind("air"))
      if (!site->stopped) sites.push_back(site->id);  // stations in service
    auto s = store::Store::open(a[1]);
    store::ImportRecord log;
    log.id = s->begin_import("sim", "bench_sim_store city " + a[3] + " " + a[4]);
    log.source_kind = "sim";
    log.status = "running";
    const auto t0 = Clock::now();
    const std::size_t values = fill(*s, sites, 0, parse_time(a[3]), parse_time(a[4]), &log);
    log.status = "done";
    log.finished = std::time(nullptr);
    s->update_import(log);
    std::printf("%zu sites, %zu values in %.1f s\n", sites.size(), values, ms_since(t0) / 1000);
    return 0;
  }
  throw core::Error("bench_sim_store", "unknown mode " + a[0]);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
}

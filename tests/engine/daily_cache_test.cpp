// The daily-record cache (engine/daily_cache.h): after each batch (a new hour, a backfilled
// older hour that moves a series' first hour, a station back after a silence, audit marks), the
// answers of a long-lived engine whose cache holds the earlier days are exactly those of a
// freshly built engine holding the same data (its cache empty, so it computes every day). The
// data: the real 2019 CNEMC hourly file of Datong's stations (../shared/data/air), the city as
// configured in config/datong. The year spans no edition switch (2026-03-01); the calendar
// check below asks across it on the same data shifted by whole years.
#include "engine/air.h"
#include "engine/engine.h"
#include "engine/load.h"
#include "model/city.h"

#include "../support/shared_data.h"

#include "core/text.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

using namespace skyriver;
using engine::Engine;
namespace st = skyriver::standards;

namespace {

// The six AQI pollutants of the CNEMC file, hour label H of date D keyed by the hour's start.
std::vector<engine::Update> read_cnemc(const std::string& path) {
  static const std::map<std::string, std::string> kTypes{{"PM2.5", "pm25"}, {"PM10", "pm10"}, {"SO2", "so2"},
                                                         {"NO2", "no2"},    {"CO", "co"},     {"O3", "o3"}};
  std::vector<engine::Update> out;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  const auto header = core::split_csv(line);
  while (std::getline(in, line)) {
    const auto f = core::split_csv(line);
    auto type = kTypes.find(f.at(2));
    if (type == kTypes.end()) continue;
    const core::Date d{std::stoi(f[0].substr(0, 4)), std::stoi(f[0].substr(4, 2)), std::stoi(f[0].substr(6, 2))};
    const core::Instant t = core::hour_ending_to_start(d, std::stoi(f[1]));
    for (std::size_t c = 3; c < f.size() && c < header.size(); ++c)
      if (!core::trim(f[c]).empty()) out.push_back({header[c], type->second, t, std::stod(f[c]), 'N', "cnemc"});
  }
  return out;
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

std::string text(const st::DailyRecord& r) {
  std::string s = core::format_date(r.date) + (r.dust ? " dust" : "");
  for (double v : {r.values.pm25, r.values.pm10, r.values.so2, r.values.no2, r.values.co, r.values.o3_8h, r.values.o3})
    s += " " + num(v);
  for (const auto& i : r.aqi.iaqi) s += " " + (i ? std::to_string(*i) : "-");
  s += " aqi " + (r.aqi.aqi ? std::to_string(*r.aqi.aqi) : "NA") + " " + std::to_string(r.aqi.max_iaqi) + " " +
       std::to_string(r.aqi.primary) + " " + std::to_string(r.aqi.exceed) + " " + std::to_string(r.aqi.missing);
  return s;
}

std::string text(const st::PeriodSummary& p) {
  std::string s = std::to_string(p.days) + " " + std::to_string(p.valid_days) + " " + std::to_string(p.good_days) +
                  " " + num(p.good_ratio) + " heavy " + std::to_string(p.heavy_days) + " dust " +
                  std::to_string(p.dust_days) + " composite " + num(p.composite.total) + (p.complete ? " complete" : "");
  for (int l : p.days_per_level) s += " " + std::to_string(l);
  for (std::size_t i = 0; i < p.conc.size(); ++i)
    s += " " + num(p.conc[i]) + "/" + std::to_string(p.conc_days[i]) + (p.conc_complete[i] ? "c" : "");
  return s;
}

// Everything the page's statistics ask, as text: the daily records of the year of the city, of
// each district/county and of two stations, the year summaries and the ranking.
std::vector<std::string> answers(const Engine& eng, core::Date from, core::Date to) {
  std::vector<std::string> out;
  std::vector<std::string> targets{"140200", "1724A", "1725A"};
  for (const auto& a : eng.areas())
    if (a.level != "city") targets.push_back(a.code);
  for (const auto& id : targets) {
    const auto t = engine::air_target(eng, id);
    for (const auto& r : engine::daily_records(t, from, to)) out.push_back(id + " " + text(r));
    out.push_back(id + " summary " + text(engine::summary(t, from, to)));
  }
  for (const auto& r : engine::ranking(eng, from, to, engine::RankBy::composite))
    out.push_back("rank " + r.area + " " + std::to_string(r.rank) + " " + text(r.now));
  return out;
}

void expect_same(const std::vector<std::string>& got, const std::vector<std::string>& want, const std::string& step) {
  ASSERT_EQ(got.size(), want.size()) << step;
  std::size_t differ = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i] && ++differ <= 5) ADD_FAILURE() << step << ":\n cached " << got[i] << "\n fresh  " << want[i];
  EXPECT_EQ(differ, 0u) << step;
}

struct Marked {
  std::string site, parameter;
  core::Instant from, to;
  engine::Mark mark;
};

}  // namespace

TEST(DailyCache, CachedAnswersEqualThoseOfAFreshEngineAfterEachBatch) {
  SKYRIVER_REQUIRE_SHARED_DATA();
  const auto city = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
  const auto all = read_cnemc(std::string(SKYRIVER_SHARED_DIR) + "/data/air/china_sites_2019_datong.csv");
  ASSERT_GT(all.size(), 250000u);  // 294 326 values of the six pollutants

  // The area 平城区 (and the city) holds four non-reference stations with data in 2019: 1723A,
  // 1724A, 1725A, 1726A. An area hour needs >= 75 % of the stations that count then (HJ 663 via
  // standards::area_mean): 2 of 2 is valid, 2 of 3 is not. So a station that starts counting
  // again (its first hour moved back, or a value after more than 30 days of silence) voids
  // hours whose own values did not change: only the silence rule's part of the fingerprint
  // can tell. Held back (never given): 1724A before February except 2019-01-05 10:00, 1725A
  // outside February..October, 1726A from November except the file's last hour.
  const core::Instant last_hour = core::beijing_midnight({2019, 12, 31}) + 22 * core::kHour;  // the file's last
  const core::Instant jan5 = core::beijing_midnight({2019, 1, 5}) + 10 * core::kHour;
  const core::Instant feb1 = core::beijing_midnight({2019, 2, 1});
  const core::Instant jun15 = core::beijing_midnight({2019, 6, 15}) + 9 * core::kHour;
  const core::Instant nov1 = core::beijing_midnight({2019, 11, 1});
  std::vector<engine::Update> base, new_hour, backfill, comeback;
  for (const auto& u : all) {
    if (u.site == "1724A" && u.time < feb1) {
      if (u.time == jan5) backfill.push_back(u);
    } else if (u.site == "1725A" && (u.time < feb1 || u.time >= nov1)) {
    } else if (u.site == "1726A" && u.time >= nov1) {
      if (u.time == last_hour) comeback.push_back(u);
    } else if (u.time == last_hour) {
      new_hour.push_back(u);
    } else if (u.time == jun15) {
      backfill.push_back(u);
    } else {
      base.push_back(u);
    }
  }
  ASSERT_FALSE(new_hour.empty());
  ASSERT_FALSE(backfill.empty());
  ASSERT_FALSE(comeback.empty());

  const core::Date from{2019, 1, 1}, to{2020, 1, 1};
  std::vector<engine::Update> held = base;
  std::vector<Marked> marks;
  Engine live;
  engine::set_city(live, city);
  live.put(base, false);
  auto check = [&](const std::string& step) {
    Engine fresh;
    engine::set_city(fresh, city);
    fresh.put(held, false);
    for (const auto& m : marks) fresh.mark(m.site, m.parameter, m.from, m.to, m.mark, true);
    const auto want = fresh.read([&](const Engine& e) { return answers(e, from, to); });
    expect_same(live.read([&](const Engine& e) { return answers(e, from, to); }), want, step);
    return want;
  };
  const auto before = check("first load");  // also fills the live engine's cache

  // A new latest hour for the stations in service.
  live.put(new_hour, false);
  held.insert(held.end(), new_hour.begin(), new_hour.end());
  check("new hour");

  // Older hours arrive late: 2019-06-15 09:00 everywhere, and 2019-01-05 10:00 of 1724A, whose
  // series so far began on February 1 (its first hour moves back: it counts from January 5).
  live.put(backfill, false);
  held.insert(held.end(), backfill.begin(), backfill.end());
  const auto backfilled = check("backfill");

  // 1726A, silent since November (counted until 30 days after its last hour), sends again.
  live.put(comeback, false);
  held.insert(held.end(), comeback.begin(), comeback.end());
  const auto back = check("station back");
  auto differ = [](const std::vector<std::string>& a, const std::vector<std::string>& b, const std::string& prefix) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) n += a[i] != b[i] && a[i].rfind(prefix, 0) == 0;
    return n;
  };
  // The batches did change the area's days (else the checks above would prove little).
  EXPECT_GE(differ(before, backfilled, "140213 2019-01-"), 20u);
  EXPECT_GE(differ(backfilled, back, "140213 2019-12-"), 20u);

  // Audit: a day of 1725A's PM2.5 invalidated, a dust process on 1724A's PM over two days.
  const core::Instant mar3 = core::beijing_midnight({2019, 3, 3});
  const core::Instant apr20 = core::beijing_midnight({2019, 4, 20}) + 6 * core::kHour;
  marks.push_back({"1725A", "pm25", mar3, mar3 + core::kDay, engine::kAuditInvalid});
  marks.push_back({"1724A", "", apr20, apr20 + 2 * core::kDay, engine::kDust});
  for (const auto& m : marks) live.mark(m.site, m.parameter, m.from, m.to, m.mark, true);
  check("audit marks");

  // Lifting the invalid mark again: the day's record comes back as before.
  live.mark("1725A", "pm25", mar3, mar3 + core::kDay, engine::kAuditInvalid, false);
  marks.erase(marks.begin());
  check("mark lifted");
}

TEST(DailyCache, AcrossTheEditionSwitchTheDateDecides) {
  // The same real hours shifted to 2025-12 .. 2026-05 (whole days, so each day keeps its hours):
  // days before 2026-03-01 are judged by HJ 633-2012, days from it by the 2026 edition. A cached
  // record is keyed by its date, so a batch on one side never lends a record to the other.
  SKYRIVER_REQUIRE_SHARED_DATA();
  const auto city = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
  const auto all = read_cnemc(std::string(SKYRIVER_SHARED_DIR) + "/data/air/china_sites_2019_datong.csv");
  const core::Instant shift = core::beijing_midnight({2025, 12, 1}) - core::beijing_midnight({2019, 6, 1});
  const core::Instant begin = core::beijing_midnight({2019, 6, 1}), end = core::beijing_midnight({2019, 11, 1});
  const core::Instant switch_day = core::beijing_midnight({2026, 3, 1});
  std::vector<engine::Update> base, later;
  for (auto u : all) {
    if (u.time < begin || u.time >= end) continue;
    u.time += shift;
    (u.time >= switch_day - 6 * core::kHour && u.time < switch_day + 6 * core::kHour ? later : base).push_back(u);
  }
  ASSERT_FALSE(later.empty());
  const core::Date from{2025, 12, 1}, to{2026, 5, 1};
  Engine live;
  engine::set_city(live, city);
  live.set_clock([] { return core::beijing_midnight({2026, 6, 1}); });
  live.put(base, false);
  live.read([&](const Engine& e) { return answers(e, from, to); });  // fills the cache
  live.put(later, false);
  Engine fresh;
  engine::set_city(fresh, city);
  fresh.set_clock([] { return core::beijing_midnight({2026, 6, 1}); });
  fresh.put(base, false);
  fresh.put(later, false);
  expect_same(live.read([&](const Engine& e) { return answers(e, from, to); }),
              fresh.read([&](const Engine& e) { return answers(e, from, to); }), "edition switch");
}

TEST(DailyCache, ChangeStampsGrowWithEveryWriteAndOnlyThere) {
  // series.h: a write stamps its 8-hour block with a number larger than any before; a value
  // kept (an equally trusted one stands) or a mark lifted where none is writes nothing.
  engine::HourlySeries s;
  const core::Instant day = core::beijing_midnight({2019, 7, 1});
  EXPECT_EQ(s.changed(day, day + core::kDay), 0u);
  s.put(day + 3 * core::kHour, 10, true);
  const auto a = s.changed(day, day + core::kDay);
  EXPECT_GT(a, 0u);
  EXPECT_EQ(s.changed(day + 8 * core::kHour, day + core::kDay), 0u) << "the other blocks of the day";
  s.put(day + 3 * core::kHour, 11, true);  // kept: the first value of a source stands
  EXPECT_EQ(s.changed(day, day + core::kDay), a);
  s.set_mark(day + 20 * core::kHour, engine::kAuditInvalid, false);  // nothing to lift
  EXPECT_EQ(s.changed(day, day + core::kDay), a);
  engine::HourlySeries copy = s;  // a snapshot's copy keeps the stamps; a write to it stamps anew
  copy.set_mark(day + 20 * core::kHour, engine::kDust, true);
  EXPECT_GT(copy.changed(day, day + core::kDay), a);
  EXPECT_EQ(s.changed(day, day + core::kDay), a);
  EXPECT_EQ(copy.changed(day, day + 16 * core::kHour), a);
}

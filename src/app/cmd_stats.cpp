// `skyriver stats`: daily statistics, daily AQI and the period summary of one site or area from a
// simple hourly CSV:
//   time,pm25,pm10,so2,no2,co,o3      (columns in any order; ug/m3, CO mg/m3; empty = missing)
//   2019-01-01 01:00,80,100,20,30,1.0,100
// `time` is Beijing time labelled by the hour's END ("01:00" = mean of 00:00-01:00, "24:00" =
// the last hour of the day), converted to the platform's hour-start key at this edge.
// Each day uses its own edition (edition_for(date)) unless --edition forces one.
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/command.h"
#include "core/error.h"
#include "core/text.h"
#include "core/time.h"
#include "standards/air_stats.h"
#include "standards/composite.h"
#include "standards/rounding.h"

namespace {

using namespace skyriver;
using standards::Pollutant;
using Hour = std::array<double, 6>;  // pm25 pm10 so2 no2 co o3
constexpr std::array<const char*, 6> kColumns{"pm25", "pm10", "so2", "no2", "co", "o3"};

// "YYYY-MM-DD HH:MM" (hour-ending label, HH 00..24, MM 00) -> instant the hour starts.
core::Instant parse_label(const std::string& where, std::string_view t) {
  t = core::trim(t);
  const auto sp = t.find(' ');
  std::optional<core::Date> d;
  if (sp != std::string_view::npos) d = core::parse_date(t.substr(0, sp));
  const std::string_view hm = sp == std::string_view::npos ? "" : t.substr(sp + 1);
  if (!d || hm.size() != 5 || hm[2] != ':')
    throw core::Error(where, "time must be 'YYYY-MM-DD HH:MM', got '" + std::string(t) + "'");
  auto h = core::parse_integer(hm.substr(0, 2));
  auto m = core::parse_integer(hm.substr(3, 2));
  if (!h || !m || *h < 0 || *h > 24 || *m != 0)
    throw core::Error(where, "time must name a whole hour 00:00..24:00, got '" + std::string(t) + "'");
  return core::hour_ending_to_start(*d, int(*h));
}

std::map<core::Instant, Hour> read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw core::Error(path, "cannot open the file");
  std::string line;
  if (!std::getline(in, line)) throw core::Error(path + ":1", "empty file, expected a header");
  std::vector<std::string> header = core::split_csv(line);
  std::vector<int> slot(header.size(), -2);  // -1 = time, 0..5 = pollutant
  std::set<int> seen;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string h(core::trim(header[i]));
    if (h == "time") slot[i] = -1;
    for (int k = 0; k < 6; ++k)
      if (h == kColumns[k]) slot[i] = k;
    if (slot[i] == -2) throw core::Error(path + ":1", "unknown column '" + h + "'");
    if (!seen.insert(slot[i]).second) throw core::Error(path + ":1", "column '" + h + "' twice");
  }
  if (!seen.count(-1)) throw core::Error(path + ":1", "no 'time' column");
  std::map<core::Instant, Hour> rows;
  int n = 1;
  std::vector<std::string> unq;
  while (std::getline(in, line)) {
    ++n;
    const std::string where = path + ":" + std::to_string(n);
    if (core::trim(line).empty()) continue;
    auto f = core::split_csv(line, unq);
    if (f.size() != header.size())
      throw core::Error(where, std::to_string(f.size()) + " fields, the header has " +
                                   std::to_string(header.size()));
    Hour h;
    h.fill(standards::kMissing);
    core::Instant t = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
      if (slot[i] == -1) {
        t = parse_label(where, f[i]);
        continue;
      }
      const std::string_view cell = core::trim(f[i]);
      if (cell.empty()) continue;
      auto v = core::parse_number(cell);
      const std::string col = kColumns[slot[i]];
      if (!v) throw core::Error(where, col + ": not a number: '" + std::string(cell) + "'");
      if (*v < 0) throw core::Error(where, col + ": negative concentration " + std::string(cell));
      h[slot[i]] = *v;
    }
    if (!rows.emplace(t, h).second)
      throw core::Error(where, "a second row for the hour " + core::format_beijing(t));
  }
  if (rows.empty()) throw core::Error(path, "no data rows");
  return rows;
}

std::optional<core::Date> date_option(const std::string& name, const std::string& v) {
  if (v.empty()) return std::nullopt;
  auto d = core::parse_date(v);
  if (!d) throw core::Error(name, "not a date YYYY-MM-DD: '" + v + "'");
  return d;
}

struct Options {
  std::string csv, from, to, edition;
  std::vector<std::string> dust;
  bool json = false, compare_last_year = false;
};

std::string mask_text(std::uint8_t m) {
  const std::string s = standards::codes_of(m);
  return s.empty() ? "-" : s;
}

nlohmann::ordered_json num(Pollutant p, double v) {
  if (std::isnan(v)) return nullptr;
  return standards::round_report(p, v);
}

std::string text(Pollutant p, double v) {
  if (std::isnan(v)) return "NA";
  std::ostringstream o;
  o << std::fixed << std::setprecision(standards::report_decimals(p)) << standards::round_report(p, v);
  return o.str();
}

// Daily records of [first, last] from the hour-start keyed rows; each day in its own edition
// unless one is forced.
std::vector<standards::DailyRecord> build_days(const std::map<core::Instant, Hour>& rows,
                                               core::Date first, core::Date last,
                                               std::optional<standards::Edition> forced,
                                               const std::set<core::Date>& dust) {
  std::vector<standards::DailyRecord> days;
  std::array<std::array<double, 24>, 6> h;
  for (core::Date d = first; d <= last; d = core::add_days(d, 1)) {
    const core::Instant t0 = core::beijing_midnight(d);
    for (int i = 0; i < 24; ++i) {
      auto it = rows.find(t0 + i * core::kHour);
      for (int k = 0; k < 6; ++k) h[k][i] = it == rows.end() ? standards::kMissing : it->second[k];
    }
    const standards::Edition e = forced ? *forced : standards::edition_for(d);
    standards::DailyRecord r;
    r.date = d;
    r.values = standards::daily_values({h[0], h[1], h[2], h[3], h[4], h[5]});
    r.aqi = standards::daily_aqi(e, r.values);
    r.dust = dust.count(d) > 0;
    days.push_back(r);
  }
  return days;
}

// The same calendar dates one year earlier (29 February -> 28 February).
core::Date year_before(core::Date d) {
  d.year -= 1;
  if (d.month == 2 && d.day == 29 && !core::is_leap_year(d.year)) d.day = 28;
  return d;
}

std::string fixed2(double v) {
  if (std::isnan(v)) return "NA";
  std::ostringstream x;
  x << std::fixed << std::setprecision(2) << v;
  return x.str();
}

int run(const Options& o) {
  std::optional<standards::Edition> forced;
  if (!o.edition.empty()) {
    forced = standards::parse_edition(o.edition);
    if (!forced) throw core::Error("--edition", "must be 2012 or 2026, not '" + o.edition + "'");
  }
  std::set<core::Date> dust;
  for (const std::string& d : o.dust) {
    auto v = date_option("--dust", d);
    if (!v) throw core::Error("--dust", "empty date");
    dust.insert(*v);
  }
  const auto rows = read_csv(o.csv);
  core::Date first = core::beijing_date(rows.begin()->first);
  core::Date last = core::beijing_date(rows.rbegin()->first);
  if (auto f = date_option("--from", o.from)) first = *f;
  if (auto t = date_option("--to", o.to)) last = *t;
  if (last < first) throw core::Error("--from/--to", "the period is empty");

  const auto days = build_days(rows, first, last, forced, dust);
  const standards::PeriodSummary s = standards::summarize_period(days);
  // Same period last year, when asked, from the same file (dust days there are not marked).
  std::optional<standards::PeriodChange> change;
  if (o.compare_last_year) {
    const core::Date f0 = year_before(first), l0 = year_before(last);
    if (rows.lower_bound(core::beijing_midnight(f0)) == rows.lower_bound(core::beijing_midnight(core::add_days(l0, 1))))
      throw core::Error("--compare-last-year", "the file has no data for " + core::format_date(f0) +
                                                    " .. " + core::format_date(l0));
    const auto before = standards::summarize_period(build_days(rows, f0, l0, forced, dust));
    change = standards::compare_periods(s, before);
  }
  const Pollutant cols[] = {Pollutant::pm25, Pollutant::pm10, Pollutant::so2,
                            Pollutant::no2,  Pollutant::co,   Pollutant::o3_8h};
  auto value = [](const standards::DailyInput& v, Pollutant p) {
    switch (p) {
      case Pollutant::pm25: return v.pm25;
      case Pollutant::pm10: return v.pm10;
      case Pollutant::so2: return v.so2;
      case Pollutant::no2: return v.no2;
      case Pollutant::co: return v.co;
      case Pollutant::o3_8h: return v.o3_8h;
      default: return v.o3;
    }
  };

  if (o.json) {
    nlohmann::ordered_json j;
    auto arr = nlohmann::ordered_json::array();
    for (const auto& r : days) {
      nlohmann::ordered_json d;
      d["date"] = core::format_date(r.date);
      d["edition"] = std::string(standards::edition_name(forced ? *forced : standards::edition_for(r.date)));
      for (Pollutant p : cols) d[std::string(standards::code(p))] = num(p, value(r.values, p));
      d["o3_1h_max"] = num(Pollutant::o3, r.values.o3);
      d["aqi"] = r.aqi.aqi ? nlohmann::ordered_json(*r.aqi.aqi) : nlohmann::ordered_json(nullptr);
      d["level"] = r.aqi.aqi ? nlohmann::ordered_json(r.aqi.level()) : nlohmann::ordered_json(nullptr);
      d["primary"] = nlohmann::ordered_json::array();
      for (Pollutant p : standards::kPollutants)
        if (r.aqi.primary & standards::bit(p)) d["primary"].push_back(std::string(standards::code(p)));
      d["dust"] = r.dust;
      arr.push_back(d);
    }
    j["days"] = arr;
    nlohmann::ordered_json sm;
    sm["days"] = s.days;
    sm["valid_days"] = s.valid_days;
    sm["good_days"] = s.good_days;
    sm["good_ratio"] = std::isnan(s.good_ratio) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s.good_ratio);
    sm["heavy_days"] = s.heavy_days;
    sm["dust_days"] = s.dust_days;
    sm["days_per_level"] = std::vector<int>(s.days_per_level.begin() + 1, s.days_per_level.end());
    nlohmann::ordered_json c, si;
    for (Pollutant p : cols) {
      c[std::string(standards::code(p))] = num(p, s.conc[unsigned(p)]);
      const double v = s.composite.single[unsigned(p)];
      si[std::string(standards::code(p))] =
          std::isnan(v) ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(standards::round_half_even(v, 2));
    }
    sm["concentrations"] = c;
    sm["single_index"] = si;
    sm["composite_index"] = std::isnan(s.composite.total) ? nlohmann::ordered_json(nullptr)
                                                          : nlohmann::ordered_json(s.composite.total);
    sm["primary"] = mask_text(s.composite.primary);
    if (change) {
      nlohmann::ordered_json ch, cp;
      auto opt = [](double v) {
        return std::isnan(v) ? nlohmann::ordered_json(nullptr)
                             : nlohmann::ordered_json(standards::round_half_even(v, 2));
      };
      ch["composite_pct"] = opt(change->composite_pct);
      ch["good_ratio_points"] = opt(change->good_ratio_points);
      for (Pollutant p : cols) cp[std::string(standards::code(p))] = opt(change->conc_pct[unsigned(p)]);
      ch["concentration_pct"] = cp;
      sm["change_vs_last_year"] = ch;
    }
    j["summary"] = sm;
    std::cout << j.dump(1) << "\n";
    return 0;
  }
  std::cout << "date        pm25 pm10  so2  no2   co o3_8h  aqi level primary\n";
  for (const auto& r : days) {
    std::cout << core::format_date(r.date);
    for (Pollutant p : cols) std::cout << std::setw(p == Pollutant::o3_8h ? 6 : 5) << text(p, value(r.values, p));
    std::cout << std::setw(5) << (r.aqi.aqi ? std::to_string(*r.aqi.aqi) : "NA") << std::setw(6)
              << (r.aqi.aqi ? std::to_string(r.aqi.level()) : "-") << " " << mask_text(r.aqi.primary)
              << (r.dust ? "  (dust)" : "") << "\n";
  }
  std::cout << "\nperiod " << core::format_date(first) << " .. " << core::format_date(last) << ": "
            << s.days << " days, " << s.valid_days << " valid, " << s.good_days << " good ("
            << fixed2(s.good_ratio)
            << "%), heavy (AQI > 200) " << s.heavy_days << ", dust " << s.dust_days << "\nlevels 1-6:";
  for (int l = 1; l <= 6; ++l) std::cout << " " << s.days_per_level[l];
  std::cout << "\nperiod statistics (PM without dust days; CO P95, O3 8-h P90):";
  for (Pollutant p : cols) std::cout << " " << standards::code(p) << " " << text(p, s.conc[unsigned(p)]);
  std::cout << "\ncomposite index: " << fixed2(s.composite.total) << "  primary: " << mask_text(s.composite.primary) << "\n";
  return 0;
}

}  // namespace

static skyriver::app::Command stats_command{
    "stats", "daily statistics, daily AQI and period summary from an hourly CSV",
    [](CLI::App& cmd) {
      auto o = std::make_shared<Options>();
      cmd.add_option("--csv", o->csv, "hourly CSV: time,pm25,pm10,so2,no2,co,o3 (hour-ending labels)")
          ->required();
      cmd.add_option("--from", o->from, "first day (YYYY-MM-DD)");
      cmd.add_option("--to", o->to, "last day (YYYY-MM-DD)");
      cmd.add_option("--edition", o->edition, "force the edition: 2012 or 2026");
      cmd.add_option("--dust", o->dust, "a dust-affected day (YYYY-MM-DD); repeatable")->delimiter(',');
      cmd.add_flag("--compare-last-year", o->compare_last_year,
                   "also summarise the same dates one year earlier (from the same file) and print the change");
      cmd.add_flag("--json", o->json, "JSON output");
      return [o]() { return run(*o); };
    }};

// The monthly bulletin on the bundled Datong 2019 sample (data/datong/) against figures reckoned
// here from the raw file by code that shares nothing with the engine or the standards layer:
// gzip -dc, a comma split, and the rules written out again from the texts:
//   - CNEMC hour label H of day D = the hour starting D (H-1):00 (label 0 = the day before, 23:00);
//   - the city's hour = mean of its assessment stations operating that hour (from their first
//     value of the pollutant on), valid with >= 75 % of them (REFERENCE 3.5; city.toml
//     [assessment] min_site_share, also reckoned with 0 = any station); the stations are
//     the non-reference ones of config/datong/air_stations.toml with 2019 data: 1723A 1724A 1725A
//     1726A (1721A and 2923A are 对照点);
//   - daily mean >= 20 hours; O3 daily max 8-h over the 17 windows ending 08..24, each >= 6 hours,
//     valid with >= 14 windows or a maximum above 160; O3 daily max 1-h >= 20 hours (GB 3095
//     Table 4, HJ 663);
//   - a day is good when all six items are valid and each is at or below its IAQI-100 node
//     (HJ 633-2012 Table 1: PM2.5 75, PM10 150, SO2 150, NO2 80, CO 4, O3-8h 160, O3-1h 200);
//     it is a valid not-good day when some valid item is above its node; heavy when above the
//     IAQI-200 node (PM2.5 150, PM10 350, SO2 475, NO2 280, CO 24, O3-8h 265, O3-1h 400);
//   - C_i: means (SO2 NO2 PM10 PM2.5), CO P95, O3-8h P90 (HJ 663 Appendix A), integers / CO one
//     decimal, half to even; composite = sum C_i / S_i (35 70 60 40 4 160), two decimals;
//   - a month's figure is complete with >= 27 valid days (February 25).
#include "../support/run_cli.h"
#include "sample_store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* kTypes[] = {"PM2.5", "PM10", "SO2", "NO2", "CO", "O3"};  // file types, in this order
const char* kStations[] = {"1723A", "1724A", "1725A", "1726A"};
constexpr int kHours = 365 * 24;  // 2019, hour 0 = 2019-01-01 00:00 Beijing

// Days since 2019-01-01 of a YYYYMMDD text (2019 and 2020-01-01 only).
int day_index(const std::string& ymd) {
  static const int start[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
  const int y = std::stoi(ymd.substr(0, 4)), m = std::stoi(ymd.substr(4, 2)), d = std::stoi(ymd.substr(6, 2));
  return (y - 2019) * 365 + start[m - 1] + d - 1;
}

// hourly[station][type][hour]
using Raw = std::vector<std::array<std::vector<double>, 6>>;

Raw read_sample(const std::string& file) {
  Raw raw(4);
  for (auto& s : raw)
    for (auto& t : s) t.assign(kHours, kNaN);
  FILE* p = popen(("gzip -dc " + file).c_str(), "r");
  std::string text;
  char buf[1 << 16];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  pclose(p);
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  std::vector<std::string> head;
  {
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) head.push_back(f);
  }
  std::array<int, 4> col{};
  for (int s = 0; s < 4; ++s) col[s] = int(std::find(head.begin(), head.end(), kStations[s]) - head.begin());
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    while (f.size() < head.size()) f.push_back("");
    int type = -1;
    for (int t = 0; t < 6; ++t)
      if (f[2] == kTypes[t]) type = t;
    if (type < 0) continue;
    const int hour = day_index(f[0]) * 24 + std::stoi(f[1]) - 1;
    if (hour < 0 || hour >= kHours) continue;
    for (int s = 0; s < 4; ++s)
      if (!f[std::size_t(col[s])].empty()) raw[std::size_t(s)][std::size_t(type)][std::size_t(hour)] = std::stod(f[std::size_t(col[s])]);
  }
  return raw;
}

// The city's hourly series per type; an hour is valid with >= `share` of the operating stations.
std::array<std::vector<double>, 6> city_hours(const Raw& raw, double share = 0.75) {
  std::array<std::vector<double>, 6> out;
  for (int t = 0; t < 6; ++t) {
    out[t].assign(kHours, kNaN);
    std::array<int, 4> first{};
    for (int s = 0; s < 4; ++s) {
      first[s] = kHours;
      for (int h = 0; h < kHours; ++h)
        if (!std::isnan(raw[s][t][h])) { first[s] = h; break; }
    }
    for (int h = 0; h < kHours; ++h) {
      double sum = 0;
      int n = 0, operating = 0;
      for (int s = 0; s < 4; ++s) {
        if (h < first[s]) continue;
        ++operating;
        if (!std::isnan(raw[s][t][h])) sum += raw[s][t][h], ++n;
      }
      if (n > 0 && n >= share * operating - 1e-9) out[t][h] = sum / n;
    }
  }
  return out;
}

struct Day {
  std::array<double, 6> v;  // pm25 pm10 so2 no2 co (24-h means) o3_8h (daily max)
  double o3_1h = kNaN;
};

std::vector<Day> days_of(const std::array<std::vector<double>, 6>& city) {
  std::vector<Day> out(365);
  for (int d = 0; d < 365; ++d) {
    Day& day = out[d];
    for (int t = 0; t < 5; ++t) {
      double sum = 0;
      int n = 0;
      for (int h = 0; h < 24; ++h)
        if (double x = city[t][d * 24 + h]; !std::isnan(x)) sum += x, ++n;
      day.v[t] = n >= 20 ? sum / n : kNaN;
    }
    const auto& o3 = city[5];
    double mx = kNaN, mx1 = kNaN;
    int windows = 0, hours = 0;
    for (int s = 0; s <= 16; ++s) {
      double sum = 0;
      int n = 0;
      for (int h = s; h < s + 8; ++h)
        if (double x = o3[d * 24 + h]; !std::isnan(x)) sum += x, ++n;
      if (n >= 6) {
        ++windows;
        if (std::isnan(mx) || sum / n > mx) mx = sum / n;
      }
    }
    day.v[5] = (windows >= 14 || mx > 160) ? mx : kNaN;
    for (int h = 0; h < 24; ++h)
      if (double x = o3[d * 24 + h]; !std::isnan(x)) {
        ++hours;
        if (std::isnan(mx1) || x > mx1) mx1 = x;
      }
    day.o3_1h = hours >= 20 ? mx1 : kNaN;
  }
  return out;
}

// "2019-11-03" of a day index of 2019.
std::string fmt_date(int index) {
  static const int start[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
  int m = 0;
  while (index >= start[m + 1]) ++m;
  char buf[16];
  std::snprintf(buf, sizeof buf, "2019-%02d-%02d", m + 1, index - start[m] + 1);
  return buf;
}

double half_even(double x, int decimals) {
  const double scale = std::pow(10.0, decimals), s = x * scale, f = std::floor(s);
  if (std::abs(s - f - 0.5) < 1e-9 * std::max(1.0, std::abs(s))) return (std::fmod(f, 2) == 0 ? f : f + 1) / scale;
  return std::floor(s + 0.5) / scale;
}

double pct(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const double k = 1 + (v.size() - 1) * p;
  const std::size_t s = std::size_t(k);
  if (s >= v.size()) return v.back();
  return v[s - 1] + (v[s] - v[s - 1]) * (k - s);
}

struct Month {
  std::array<double, 6> c;
  std::array<int, 6> n;
  double composite;
  int good = 0, valid = 0, heavy = 0;
};

const double node100[] = {75, 150, 150, 80, 4, 160}, node200[] = {150, 350, 475, 280, 24, 265};

// A day counts (valid) when all six items are valid, or when a valid item is above its node.
bool counts(const Day& d) {
  bool all = true, over = false;
  for (int t = 0; t < 6; ++t) {
    if (std::isnan(d.v[t])) all = false;
    else over = over || d.v[t] > node100[t];
  }
  if (!std::isnan(d.o3_1h)) over = over || d.o3_1h > 200;
  return all || over;
}

Month reckon(const std::vector<Day>& days, int first, int last) {
  const double S[] = {35, 70, 60, 40, 4, 160};
  Month m{};
  m.composite = 0;
  for (int t = 0; t < 6; ++t) {
    std::vector<double> v;
    for (int d = first; d <= last; ++d)
      if (!std::isnan(days[d].v[t])) v.push_back(days[d].v[t]);
    m.n[t] = int(v.size());
    double stat = kNaN;
    if (!v.empty()) {
      if (t == 4) stat = pct(v, 0.95);
      else if (t == 5) stat = pct(v, 0.90);
      else {
        double sum = 0;
        for (double x : v) sum += x;
        stat = sum / v.size();
      }
    }
    m.c[t] = half_even(stat, t == 4 ? 1 : 0);
    m.composite += m.c[t] / S[t];
  }
  m.composite = half_even(m.composite, 2);
  for (int d = first; d <= last; ++d) {
    bool all = true, over = false, heavy = false;
    for (int t = 0; t < 6; ++t) {
      const double x = days[d].v[t];
      if (std::isnan(x)) all = false;
      else over = over || x > node100[t], heavy = heavy || x > node200[t];
    }
    if (!std::isnan(days[d].o3_1h)) over = over || days[d].o3_1h > 200, heavy = heavy || days[d].o3_1h > 400;
    if (all || over) {
      ++m.valid;
      if (!over) ++m.good;
      if (heavy) ++m.heavy;
    }
  }
  return m;
}

json bulletin(const std::string& month, const std::string& config = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong") {
  const auto r = skyriver::test::run_cli("report month --config " + config + " --db " + skyriver::test::sample_store().db + " --month " +
                                         month + " --json");
  EXPECT_EQ(r.status, 0) << r.out;
  return json::parse(r.out, nullptr, false);
}

const Raw& sample_raw() {
  static const Raw raw = read_sample(std::string(SKYRIVER_SOURCE_DIR) + "/data/datong/china_sites_2019_datong_sample.csv.gz");
  return raw;
}

const std::vector<Day>& sample_days() {
  static const std::vector<Day> d = days_of(city_hours(sample_raw()));
  return d;
}

void expect_figures(const json& a, const Month& m, int min_days, const std::string& what) {
  const char* keys[] = {"pm25", "pm10", "so2", "no2", "co", "o3_8h"};
  for (int t = 0; t < 6; ++t) {
    ASSERT_FALSE(a[keys[t]].is_null()) << what << " " << keys[t];
    EXPECT_DOUBLE_EQ(a[keys[t]].get<double>(), m.c[t]) << what << " " << keys[t];
    if (min_days < 0) continue;  // no minimum to check here
    const bool below = std::find(a["below_minimum"].begin(), a["below_minimum"].end(), keys[t]) != a["below_minimum"].end();
    EXPECT_EQ(below, m.n[t] < min_days) << what << " " << keys[t] << ": " << m.n[t] << " valid days";
  }
  EXPECT_DOUBLE_EQ(a["composite"].get<double>(), m.composite) << what;
  EXPECT_EQ(a["good_days"], m.good) << what;
  EXPECT_EQ(a["valid_days"], m.valid) << what;
  EXPECT_EQ(a["heavy_days"].get<double>(), m.heavy) << what;
}

}  // namespace

TEST(DatongSample, JulyBulletinEqualsTheRawFileReckonedIndependently) {
  ASSERT_TRUE(skyriver::test::sample_store().ok) << skyriver::test::sample_store().log;
  const json j = bulletin("2019-07");
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["month"], "2019-07");
  const auto& days = sample_days();
  // July = days 181..211 of 2019; the year to date = days 0..211.
  const Month july = reckon(days, 181, 211), ytd = reckon(days, 0, 211);
  ASSERT_EQ(j["areas"].size(), 11u);  // the city, 4 districts, 6 counties (config/datong/city.toml)
  for (const char* code : {"140200", "140213"}) {  // 平城区 holds every station with 2019 data
    const json* a = nullptr;
    for (const auto& x : j["areas"])
      if (x["code"] == code) a = &x;
    ASSERT_TRUE(a) << code;
    expect_figures(*a, july, 27, std::string(code) + " July");
    expect_figures((*a)["ytd"], ytd, -1, std::string(code) + " Jan-Jul (figures)");
  }
  // Every configured area is present, in configuration order, with its code.
  const char* codes[] = {"140200", "140212", "140213", "140214", "140215", "140221", "140222", "140223", "140224", "140225", "140226"};
  for (std::size_t i = 0; i < 11; ++i) EXPECT_EQ(j["areas"][i]["code"], codes[i]);
  // July is complete: 平城区 ranks first on the composite index among districts/counties; the
  // city has no rank. The year to date is not complete (June has fewer than 27 PM2.5 days).
  EXPECT_EQ(j["areas"][2]["rank"], 1);
  EXPECT_TRUE(j["areas"][0]["rank"].is_null());
  EXPECT_TRUE(j["areas"][2]["ytd"]["rank"].is_null());
}

TEST(DatongSample, SeptemberIsBelowTheDataMinimumAndSaysSo) {
  ASSERT_TRUE(skyriver::test::sample_store().ok) << skyriver::test::sample_store().log;
  const json j = bulletin("2019-09");
  const Month sep = reckon(sample_days(), 243, 272);  // 2019-09-01 .. 09-30
  EXPECT_LT(sep.n[0], 27);  // the sample misses days in September
  expect_figures(j["areas"][0], sep, 27, "140200 September");
  EXPECT_TRUE(j["areas"][2]["rank"].is_null());  // never ranked as if complete
  bool noted = false;
  for (const auto& n : j["notes"]) noted = noted || n.get<std::string>().find("平城区2019年9月") != std::string::npos;
  EXPECT_TRUE(noted) << j["notes"].dump();
}

TEST(DatongSample, YearToDateNoteNamesTheMonthsBelowTheMinimum) {
  ASSERT_TRUE(skyriver::test::sample_store().ok) << skyriver::test::sample_store().log;
  const json j = bulletin("2019-07");
  // January..July reckoned month by month from the raw file: the months whose PM2.5 has fewer
  // valid days than GB 3095 Table 4 asks (27, February 25).
  static const int start[] = {0, 31, 59, 90, 120, 151, 181, 212};
  std::string months;
  int valid = 0;
  for (int m = 1; m <= 7; ++m) {
    const Month got = reckon(sample_days(), start[m - 1], start[m] - 1);
    valid += got.n[0];
    if (got.n[0] < (m == 2 ? 25 : 27)) months += (months.empty() ? "" : "、") + std::to_string(m);
  }
  ASSERT_FALSE(months.empty());  // the sample's year to date is incomplete (June at least)
  const std::string want = "PM₂.₅ 有效 " + std::to_string(valid) + " 天（" + months + "月不足）";
  bool noted = false;
  for (const auto& n : j["notes"]) {
    const std::string s = n.get<std::string>();
    noted = noted || (s.find("大同市2019年1-7月") != std::string::npos && s.find(want) != std::string::npos);
  }
  EXPECT_TRUE(noted) << want << "\n" << j["notes"].dump();
}

// Issue 31: the share of an area's stations an hour needs (city.toml [assessment] min_site_share)
// decides Datong's November 2019. Reckoned here from the raw file with both settings, and the
// bulletin must agree with each and name the days the rule removes.
TEST(DatongSample, NovemberUnderBothSiteShareSettings) {
  ASSERT_TRUE(skyriver::test::sample_store().ok) << skyriver::test::sample_store().log;
  const int first = 304, last = 333;  // 2019-11-01 .. 11-30
  const auto strict = days_of(city_hours(sample_raw(), 0.75)), any = days_of(city_hours(sample_raw(), 0.0));
  const Month m75 = reckon(strict, first, last), m0 = reckon(any, first, last);
  // The figures the issue reports, reached independently here.
  EXPECT_EQ(m75.valid, 22);
  EXPECT_EQ(m75.good, 15);
  EXPECT_EQ(m75.n[5], 19);  // O3-8h valid days
  EXPECT_EQ(m0.valid, 30);
  // The issue says 22 good days; this reckoning of the raw file gives 23 (and the bulletin agrees
  // with it below): one day to check by hand against the issue's own reckoning.
  EXPECT_EQ(m0.good, 23);
  std::vector<std::string> removed;
  for (int d = first; d <= last; ++d)
    if (counts(any[d]) && !counts(strict[d])) removed.push_back(fmt_date(d));
  EXPECT_EQ(removed.size(), 8u);

  // The bundled configuration (0.75).
  const json j = bulletin("2019-11");
  ASSERT_TRUE(j.is_object());
  const json& city = j["areas"][0];
  EXPECT_EQ(city["valid_days"], m75.valid);
  EXPECT_EQ(city["good_days"], m75.good);
  EXPECT_EQ(city["rule_invalid_days"], json(removed));
  bool noted = false;
  for (const auto& n : j["notes"]) {
    const std::string s = n.get<std::string>();
    noted = noted || (s.find("大同市2019年11月") != std::string::npos && s.find("有 " + std::to_string(removed.size()) + " 天因有效站点数不足判为无效日") != std::string::npos);
  }
  EXPECT_TRUE(noted) << j["notes"].dump();

  // The same configuration with min_site_share = 0: whatever stations report are averaged.
  const auto dir = std::filesystem::path(skyriver::test::sample_store().dir) / "config-any-site";
  std::filesystem::remove_all(dir);
  std::filesystem::copy(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong", dir, std::filesystem::copy_options::recursive);
  {
    std::ifstream in(dir / "city.toml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find("min_site_share = 0.75");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 21, "min_site_share = 0");
    std::ofstream(dir / "city.toml") << text;
  }
  const json k = bulletin("2019-11", dir.string());
  ASSERT_TRUE(k.is_object());
  EXPECT_EQ(k["areas"][0]["valid_days"], m0.valid);
  EXPECT_EQ(k["areas"][0]["good_days"], m0.good);
  EXPECT_TRUE(k["areas"][0]["rule_invalid_days"].empty());
}

// Driver for the data-driven cases in tests/conformance/air/*.txt. Each line:
//   KIND ARGS => EXPECTED  @ CLAUSE
// The expected values are written by hand from the standards (the clause says which); this file
// only parses and compares. A case without a clause is an error.
#include <gtest/gtest.h>

#include "../support/key_values.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.h"
#include "standards/air_limits.h"
#include "standards/air_stats.h"
#include "standards/aqi.h"
#include "standards/area.h"
#include "standards/composite.h"
#include "standards/data_minimum.h"
#include "standards/day_status.h"
#include "standards/rounding.h"

namespace fs = std::filesystem;
using namespace skyriver;
using namespace skyriver::standards;

namespace {

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

double num(const std::string& s) {
  if (s == "NA") return kMissing;
  auto v = core::parse_number(s);
  if (!v) throw std::runtime_error("not a number: " + s);
  return *v;
}

// "3,4,NA,2*5" -> {3,4,NaN,5,5}
std::vector<double> list(const std::string& s) {
  std::vector<double> out;
  for (const std::string& t : core::split_csv(s)) {
    const auto star = t.find('*');
    if (star == std::string::npos) {
      out.push_back(num(t));
    } else {
      const int n = int(num(t.substr(0, star)));
      for (int i = 0; i < n; ++i) out.push_back(num(t.substr(star + 1)));
    }
  }
  return out;
}

using skyriver::test::key_values;
std::map<std::string, std::string> kv(const std::vector<std::string>& w, std::size_t from) { return key_values(w, from); }

std::string fmt(double v) {
  if (std::isnan(v)) return "NA";
  std::ostringstream o;
  o << v;
  return o.str();
}

Edition edition(const std::string& s) {
  auto e = parse_edition(s);
  if (!e) throw std::runtime_error("bad edition " + s);
  return *e;
}

std::uint8_t mask(const std::string& s) {
  std::uint8_t m = 0;
  if (s == "-") return 0;
  for (const std::string& c : core::split_csv(s)) {
    auto p = pollutant_from_code(c);
    if (!p) throw std::runtime_error("bad pollutant " + c);
    m |= bit(*p);
  }
  return m;
}

std::string mask_text(std::uint8_t m) {
  const std::string s = codes_of(m);
  return s.empty() ? "-" : s;
}

// Checks AQI results against expected key=value pairs.
void check_aqi(const AqiResult& r, Edition e, const std::map<std::string, std::string>& want,
               const std::string& where) {
  for (auto& [k, v] : want) {
    std::string got;
    if (k == "aqi") got = r.aqi ? std::to_string(*r.aqi) : "NA";
    else if (k == "level") got = std::to_string(r.level());
    else if (k == "primary") got = mask_text(r.primary);
    else if (k == "exceed") got = mask_text(r.exceed);
    else if (k == "missing") got = mask_text(r.missing);
    else if (k.rfind("iaqi.", 0) == 0) {
      auto p = pollutant_from_code(k.substr(5));
      if (!p) throw std::runtime_error("bad key " + k);
      auto& x = r.iaqi[unsigned(*p)];
      got = x ? std::to_string(*x) : "NA";
    } else {
      throw std::runtime_error("unknown expected key " + k);
    }
    if (k == "primary" || k == "exceed" || k == "missing") {
      EXPECT_EQ(got, mask_text(mask(v))) << where << " [" << k << "]";
    } else {
      EXPECT_EQ(got, v) << where << " [" << k << "]";
    }
  }
}

LimitSet limit_set(const std::string& s) {
  if (s == "gb2012") return LimitSet::gb2012;
  if (s == "transitional") return LimitSet::gb2026_transitional;
  if (s == "final") return LimitSet::gb2026_final;
  throw std::runtime_error("bad limit set " + s);
}

LimitItem item(const std::string& s) {
  static const std::map<std::string, LimitItem> m{
      {"so2", LimitItem::so2}, {"no2", LimitItem::no2},   {"co", LimitItem::co},
      {"o3", LimitItem::o3},   {"pm10", LimitItem::pm10}, {"pm25", LimitItem::pm25},
      {"tsp", LimitItem::tsp}, {"nox", LimitItem::nox},   {"pb", LimitItem::pb},
      {"bap", LimitItem::bap}};
  return m.at(s);
}

Averaging averaging(const std::string& s) {
  static const std::map<std::string, Averaging> m{{"annual", Averaging::annual},
                                                  {"quarterly", Averaging::quarterly},
                                                  {"day", Averaging::day},
                                                  {"hour", Averaging::hour},
                                                  {"max8h", Averaging::max8h}};
  return m.at(s);
}

Scale scale(const std::string& s) {
  static const std::map<std::string, Scale> m{
      {"so2_24h", Scale::so2_24h},   {"so2_1h", Scale::so2_1h}, {"no2_24h", Scale::no2_24h},
      {"no2_1h", Scale::no2_1h},     {"pm10_24h", Scale::pm10_24h}, {"co_24h", Scale::co_24h},
      {"co_1h", Scale::co_1h},       {"o3_1h", Scale::o3_1h},   {"o3_8h", Scale::o3_8h},
      {"pm25_24h", Scale::pm25_24h}};
  return m.at(s);
}

core::Date date(const std::string& s) {
  auto d = core::parse_date(s);
  if (!d) throw std::runtime_error("bad date " + s);
  return *d;
}

std::array<double, 24> day(const std::string& s) {
  auto v = list(s);
  if (v.size() != 24) throw std::runtime_error("need 24 hourly values, got " + std::to_string(v.size()));
  std::array<double, 24> a;
  std::copy(v.begin(), v.end(), a.begin());
  return a;
}

void run_case(const std::string& args, const std::string& expected, const std::string& where) {
  const auto a = words(args);
  const auto x = words(expected);
  const std::string& kind = a.at(0);
  if (kind == "iaqi") {
    auto v = iaqi(edition(a.at(1)), scale(a.at(2)), num(a.at(3)));
    EXPECT_EQ(v ? std::to_string(*v) : "NA", x.at(0)) << where;
  } else if (kind == "hourly" || kind == "daily" || kind == "day_status") {
    const Edition e = edition(a.at(1));
    auto in = kv(a, 2);
    std::uint8_t notmon = 0;
    if (in.count("notmon")) notmon = mask(in["notmon"]), in.erase("notmon");
    auto g = [&](const char* k) { return in.count(k) ? num(in.at(k)) : kMissing; };
    for (auto& [k, v] : in)
      if (k != "pm25" && k != "pm10" && k != "so2" && k != "no2" && k != "co" && k != "o3" &&
          k != "o3_8h" && k != "so2_24h")
        throw std::runtime_error("unknown input " + k);
    AqiResult r;
    if (kind == "hourly") {
      HourlyInput h{g("pm25"), g("pm10"), g("so2"), g("no2"), g("co"), g("o3"), g("o3_8h"),
                    g("so2_24h")};
      r = hourly_aqi(e, h, notmon);
    } else {
      DailyInput d{g("pm25"), g("pm10"), g("so2"), g("no2"), g("co"), g("o3_8h"), g("o3")};
      r = daily_aqi(e, d, notmon);
      if (kind == "day_status") {
        const char* names[] = {"invalid", "good", "not_good"};
        EXPECT_EQ(names[unsigned(day_status(d, r))], x.at(0)) << where;
        return;
      }
    }
    check_aqi(r, e, kv(x, 0), where);
  } else if (kind == "level") {
    const Edition e = edition(a.at(1));
    const int lv = level_of(int(num(a.at(2))));
    const LevelInfo& info = level_info(e, lv);
    for (auto& [k, v] : kv(x, 0)) {
      if (k == "level") EXPECT_EQ(std::to_string(lv), v) << where;
      else if (k == "category") EXPECT_EQ(std::string(info.category_zh), v) << where;
      else if (k == "colour") EXPECT_EQ(std::string(info.colour_zh), v) << where;
      else if (k == "rgb")
        EXPECT_EQ(std::to_string(info.rgb[0]) + "," + std::to_string(info.rgb[1]) + "," +
                      std::to_string(info.rgb[2]),
                  v)
            << where;
      else throw std::runtime_error("unknown key " + k);
    }
  } else if (kind == "percentile") {
    auto v = list(a.at(2));
    EXPECT_NEAR(percentile(v, num(a.at(1))), num(x.at(0)), 1e-9) << where;
  } else if (kind == "daily_mean") {
    auto d = day(a.at(1));
    EXPECT_EQ(fmt(daily_mean(d)), x.at(0)) << where;
  } else if (kind == "mean_8h") {
    auto v = list(a.at(1));
    EXPECT_EQ(fmt(mean_8h(v.data())), x.at(0)) << where;
  } else if (kind == "o3_max8h") {
    auto d = day(a.at(2));
    auto r = o3_daily_max_8h(d, num(a.at(1)));
    EXPECT_EQ(fmt(r.value), x.at(0)) << where;
    auto want = kv(x, 1);
    if (want.count("windows")) {
      EXPECT_EQ(std::to_string(r.valid_windows), want["windows"]) << where;
    }
  } else if (kind == "month_valid") {
    EXPECT_EQ(month_valid(int(num(a.at(1))), int(num(a.at(2)))) ? "true" : "false", x.at(0)) << where;
  } else if (kind == "year_valid") {
    auto m = list(a.at(2));
    int months[12];
    for (int i = 0; i < 12; ++i) months[i] = int(m.at(i));
    EXPECT_EQ(year_valid(int(num(a.at(1))), months) ? "true" : "false", x.at(0)) << where;
  } else if (kind == "edition") {
    EXPECT_EQ(std::string(edition_name(edition_for(date(a.at(1))))), x.at(0)) << where;
  } else if (kind == "limit_set") {
    const char* names[] = {"gb2012", "transitional", "final"};
    EXPECT_EQ(names[unsigned(limit_set_for(date(a.at(1))))], x.at(0)) << where;
  } else if (kind == "limit") {
    const ZoneClass z = a.at(2) == "1" ? ZoneClass::class1 : ZoneClass::class2;
    auto v = limit(limit_set(a.at(1)), z, item(a.at(3)), averaging(a.at(4)));
    EXPECT_EQ(v ? fmt(*v) : "NA", x.at(0)) << where;
  } else if (kind == "round") {
    EXPECT_EQ(fmt(round_half_even(num(a.at(1)), int(num(a.at(2))))), x.at(0)) << where;
  } else if (kind == "area_mean") {
    auto v = list(a.at(2));
    EXPECT_EQ(fmt(area_mean(v, AreaConfig{num(a.at(1))})), x.at(0)) << where;
  } else if (kind == "composite") {
    std::array<double, kPollutantCount> c;
    c.fill(kMissing);
    const Pollutant order[] = {Pollutant::pm25, Pollutant::pm10, Pollutant::so2,
                               Pollutant::no2,  Pollutant::co,   Pollutant::o3_8h};
    for (int i = 0; i < 6; ++i) c[unsigned(order[i])] = num(a.at(1 + i));
    auto r = composite_index(c);
    EXPECT_EQ(fmt(r.total), x.at(0)) << where;
    auto want = kv(x, 1);
    if (want.count("primary")) {
      EXPECT_EQ(mask_text(r.primary), mask_text(mask(want["primary"]))) << where;
    }
  } else if (kind == "coverage") {
    auto v = list(a.at(2));
    const Coverage c = coverage(date(a.at(1)), v);
    auto want = kv(x, 0);
    EXPECT_EQ(std::to_string(c.required), want.at("required")) << where;
    EXPECT_EQ(c.complete ? "true" : "false", want.at("complete")) << where;
    if (want.count("short")) {  // the months below their minimum, e.g. short=6,8 (none: short=-)
      std::string got;
      for (int m = 1; m <= 12; ++m)
        if (c.short_months & (1u << (m - 1))) got += (got.empty() ? "" : ",") + std::to_string(m);
      EXPECT_EQ(got.empty() ? "-" : got, want.at("short")) << where;
    }
  } else if (kind == "rank") {
    auto v = list(a.at(1));
    const auto r = rank_ascending(v);
    std::string got;
    for (std::size_t i = 0; i < r.size(); ++i) got += (i ? "," : "") + std::to_string(r[i]);
    EXPECT_EQ(got, x.at(0)) << where;
  } else if (kind == "good_ratio") {
    EXPECT_EQ(fmt(good_day_ratio(int(num(a.at(1))), int(num(a.at(2))))), x.at(0)) << where;
  } else {
    throw std::runtime_error("unknown case kind " + kind);
  }
}

void run_file(const std::string& name, int min_cases) {
  const fs::path p = fs::path(SKYRIVER_SOURCE_DIR) / "tests" / "conformance" / "air" / name;
  std::ifstream in(p);
  ASSERT_TRUE(in) << p;
  std::string line;
  int n = 0, cases = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string t(core::trim(line));
    if (t.empty() || t[0] == '#') continue;
    const std::string where = name + ":" + std::to_string(n) + ": " + t;
    const auto arrow = t.find("=>");
    const auto at = t.find(" @ ");
    ASSERT_NE(arrow, std::string::npos) << where << " (no =>)";
    ASSERT_NE(at, std::string::npos) << where << " (no @ clause)";
    ASSERT_FALSE(core::trim(t.substr(at + 3)).empty()) << where << " (empty clause)";
    try {
      run_case(t.substr(0, arrow), t.substr(arrow + 2, at - arrow - 2), where);
    } catch (const std::exception& e) {
      ADD_FAILURE() << where << ": " << e.what();
    }
    ++cases;
  }
  EXPECT_GE(cases, min_cases) << name;
}

}  // namespace

TEST(AirConformance, IaqiBreakpoints) { run_file("iaqi_breakpoints.txt", 290); }
TEST(AirConformance, AqiRules) { run_file("aqi_rules.txt", 30); }
TEST(AirConformance, StatsRules) { run_file("stats_rules.txt", 50); }

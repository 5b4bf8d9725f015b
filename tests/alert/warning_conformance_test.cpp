// Driver for tests/conformance/warning/*.txt: warning levels, the decisions of a warning's life
// and replays, against the rule sets shipped in config/datong/warning.toml. Each line:
//   KIND ARGS => EXPECTED  @ CLAUSE
// The expected values are worked by hand from the rules the clause cites (REFERENCE.md 5); this
// file only parses and compares. A case without a clause is an error.
#include <gtest/gtest.h>

#include "../support/key_values.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "alert/warning_level.h"
#include "alert/warning_replay.h"
#include "alert/warning_rules.h"
#include "core/text.h"

namespace fs = std::filesystem;
using namespace skyriver;
using namespace skyriver::alert;

namespace {

const fs::path kDir = fs::path(SKYRIVER_SOURCE_DIR) / "tests/conformance/warning";

// Words, with "..." kept as one word (quotes removed) after a key=.
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char c : s) {
    if (c == '"') {
      quoted = !quoted, any = true;
      continue;
    }
    if (!quoted && (c == ' ' || c == '\t')) {
      if (!cur.empty() || any) out.push_back(cur);
      cur.clear(), any = false;
      continue;
    }
    cur += c;
  }
  if (quoted) throw std::runtime_error("unclosed quote");
  if (!cur.empty() || any) out.push_back(cur);
  return out;
}

using skyriver::test::key_values;
std::map<std::string, std::string> kv(const std::vector<std::string>& w, std::size_t from) { return key_values(w, from); }

double number(const std::string& s) {
  if (s == "NA") return std::nan("");
  auto v = core::parse_number(s);
  if (!v) throw std::runtime_error("not a number: " + s);
  return *v;
}

std::vector<double> list(const std::string& s) {
  std::vector<double> out;
  for (const auto& x : core::split_csv(s)) out.push_back(number(x));
  return out;
}

// "24*210,36*100" -> 24 hours of 210, then 36 of 100.
std::vector<double> segments(const std::string& s) {
  std::vector<double> out;
  for (const auto& seg : core::split_csv(s)) {
    const auto star = seg.find('*');
    if (star == std::string::npos) throw std::runtime_error("segment must be COUNT*AQI: " + seg);
    const int n = static_cast<int>(number(seg.substr(0, star)));
    out.insert(out.end(), n, number(seg.substr(star + 1)));
  }
  return out;
}

Level level(const std::string& s) {
  auto l = parse_level(s);
  if (!l) throw std::runtime_error("bad level " + s);
  return *l;
}

struct Case {
  std::string where, kind;
  std::vector<std::string> args;
  std::map<std::string, std::string> want;
};

std::vector<Case> read_cases(const std::string& file) {
  std::vector<Case> out;
  std::ifstream in(kDir / file);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#' || core::trim(line).empty()) continue;
    const std::string where = file + ":" + std::to_string(n);
    const auto at = line.find(" @ ");
    if (at == std::string::npos || core::trim(line.substr(at + 3)).empty())
      throw std::runtime_error(where + ": no clause (' @ CLAUSE')");
    const auto arrow = line.find(" => ");
    if (arrow == std::string::npos || arrow > at) throw std::runtime_error(where + ": no ' => '");
    Case c;
    c.where = where;
    c.args = words(line.substr(0, arrow));
    if (c.args.size() < 2) throw std::runtime_error(where + ": KIND RULES ... expected");
    c.kind = c.args[0];
    c.want = kv(words(line.substr(arrow + 4, at - arrow - 4)), 0);
    out.push_back(std::move(c));
  }
  return out;
}

class WarningConformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cfg_ = new WarningConfig(load_warning_config((fs::path(SKYRIVER_SOURCE_DIR) / "config/datong/warning.toml").string()));
  }
  static void TearDownTestSuite() { delete cfg_; }
  // The named set with lift=/merge= overrides from the case's arguments.
  static RuleSet rules(const Case& c, const std::map<std::string, std::string>& a) {
    RuleSet r = cfg_->get(c.args[1]);
    if (a.count("lift")) r.lift_hours = static_cast<int>(number(a.at("lift")));
    if (a.count("merge")) r.merge_gap_hours = static_cast<int>(number(a.at("merge")));
    return r;
  }
  static WarningConfig* cfg_;
};
WarningConfig* WarningConformance::cfg_ = nullptr;

std::string hours_of(core::Instant t) { return std::to_string(t / core::kHour); }

TEST_F(WarningConformance, Levels) {
  int n = 0;
  for (const auto& c : read_cases("levels.txt")) {
    ASSERT_EQ(c.kind, "level") << c.where;
    ASSERT_GE(c.args.size(), 3u) << c.where;
    const auto a = kv(c.args, 3);
    const RuleSet r = rules(c, a);
    const auto days = list(c.args[2]);
    const Assessment got = assess(r, Trace::of_days(0, days, a.count("kinds") ? a.at("kinds") : ""));
    for (const auto& [k, v] : c.want) {
      if (k == "level") EXPECT_EQ(level_name(got.level), v) << c.where;
      else if (!got.episode) ADD_FAILURE() << c.where << ": no episode, expected " << k << "=" << v;
      else if (k == "from_day") EXPECT_EQ(std::to_string(got.episode->from / core::kDay + 1), v) << c.where;
      else if (k == "days") EXPECT_EQ(std::to_string((got.episode->to - got.episode->from) / core::kDay), v) << c.where;
      else if (k == "basis") EXPECT_EQ(got.episode->basis, v) << c.where;
      else if (k == "kind") EXPECT_EQ(got.episode->kind, v) << c.where;
      else ADD_FAILURE() << c.where << ": unknown key " << k;
    }
    ++n;
  }
  EXPECT_GE(n, 40);
}

TEST_F(WarningConformance, Life) {
  int n = 0;
  for (const auto& c : read_cases("life.txt")) {
    const auto a = kv(c.args, 2);
    const RuleSet r = rules(c, a);
    Trace t;
    if (a.count("hours")) t.aqi = segments(a.at("hours"));
    else t = Trace::of_days(0, list(a.at("days")));
    if (c.kind == "assess") {
      const Assessment got = assess(r, t);
      for (const auto& [k, v] : c.want) {
        if (k == "level") EXPECT_EQ(level_name(got.level), v) << c.where;
        else if (!got.episode) ADD_FAILURE() << c.where << ": no episode";
        else if (k == "from") EXPECT_EQ(hours_of(got.episode->from), v) << c.where;
        else if (k == "to") EXPECT_EQ(hours_of(got.episode->to), v) << c.where;
        else ADD_FAILURE() << c.where << ": unknown key " << k;
      }
    } else {
      ASSERT_EQ(c.kind, "decide") << c.where;
      const Decision d = decide(r, t, static_cast<core::Instant>(number(a.at("now"))) * core::kHour, level(a.at("in_force")));
      for (const auto& [k, v] : c.want) {
        if (k == "action") EXPECT_EQ(action_name(d.action), v) << c.where;
        else if (k == "level") EXPECT_EQ(level_name(d.level), v) << c.where;
        else if (k == "target") EXPECT_EQ(level_name(d.target), v) << c.where;
        else if (k == "effective") EXPECT_EQ(hours_of(d.effective), v) << c.where;
        else if (k == "basis") EXPECT_EQ(d.episode ? d.episode->basis : "", v) << c.where;
        else ADD_FAILURE() << c.where << ": unknown key " << k;
      }
    }
    ++n;
  }
  EXPECT_GE(n, 25);
}

TEST_F(WarningConformance, Replays) {
  int n = 0;
  for (const auto& c : read_cases("replay.txt")) {
    ASSERT_EQ(c.kind, "replay") << c.where;
    const auto a = kv(c.args, 2);
    const RuleSet r = rules(c, a);
    ReplayOptions o;
    if (a.count("horizon")) o.horizon_days = static_cast<int>(number(a.at("horizon")));
    if (a.count("lookback")) o.lookback_days = static_cast<int>(number(a.at("lookback")));
    std::vector<DayAqi> days;
    const core::Date d0{2024, 1, 1};
    for (double v : list(a.at("days"))) days.push_back({core::add_days(d0, static_cast<std::int64_t>(days.size())), v});
    ReplayResult got;
    if (a.count("hours")) {  // days crossing midnight: the hourly trace of 24-h AQI
      Trace t;
      t.start = core::beijing_midnight(d0);
      t.aqi = segments(a.at("hours"));
      got = replay_rolling(r, t, days, o);
    } else {
      got = replay(r, days, o);
    }
    auto index = [&](core::Date d) { return std::to_string(core::days_from_civil(d) - core::days_from_civil(d0) + 1); };
    auto day_list = [&](const std::vector<core::Date>& ds) {
      std::string s;
      for (const auto& d : ds) s += (s.empty() ? "" : ",") + index(d);
      return s.empty() ? std::string("-") : s;
    };
    for (const auto& [k, v] : c.want) {
      if (k == "steps") {
        std::string s;
        for (const auto& st : got.steps) {
          s += s.empty() ? "" : ",";
          s += std::string(action_name(st.action));
          if (st.action != Action::lift) s += ":" + std::string(level_name(st.to));
          s += "@" + index(st.effective);
        }
        EXPECT_EQ(s, v) << c.where;
      } else if (k == "at") {  // the hour each step takes effect, from the first midnight
        std::string s;
        for (const auto& st : got.steps)
          s += (s.empty() ? "" : ",") + std::to_string((st.at - core::beijing_midnight(d0)) / core::kHour);
        EXPECT_EQ(s, v) << c.where;
      } else if (k == "warnings") {
        EXPECT_EQ(std::to_string(got.warnings.size()), v) << c.where;
      } else if (k == "warning_days") {
        EXPECT_EQ(std::to_string(got.warning_days), v) << c.where;
      } else if (k == "covered") {
        std::vector<core::Date> covered;
        for (const auto& w : got.warnings) covered.insert(covered.end(), w.heavy_covered.begin(), w.heavy_covered.end());
        EXPECT_EQ(day_list(covered), v) << c.where;
      } else if (k == "missed") {
        EXPECT_EQ(day_list(got.missed), v) << c.where;
      } else {
        ADD_FAILURE() << c.where << ": unknown key " << k;
      }
    }
    ++n;
  }
  EXPECT_GE(n, 10);
}

// The driver itself: a line without a clause is refused.
TEST(WarningConformanceDriver, RefusesCaseWithoutClause) {
  const fs::path tmp = fs::temp_directory_path() / "skyriver_warning_noclause.txt";
  std::ofstream(tmp) << "level national-2024 201 => level=yellow\n";
  EXPECT_THROW(read_cases(tmp.string()), std::runtime_error);  // kDir / absolute = absolute
  fs::remove(tmp);
  EXPECT_THROW(words("a \"b"), std::runtime_error);
  EXPECT_EQ(words("basis=\"> 200 for 1 day\" x=1").size(), 2u);
}

}  // namespace

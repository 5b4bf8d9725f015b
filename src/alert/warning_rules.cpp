#include "alert/warning_rules.h"

#include "core/error.h"
#include "model/toml_file.h"

#include <fmt/format.h>
#include <toml.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

namespace skyriver::alert {

namespace {

constexpr std::string_view kNames[] = {"none", "blue", "yellow", "orange", "red"};
constexpr std::string_view kNamesZh[] = {"无", "蓝色", "黄色", "橙色", "红色"};
// Banner colours: the warning colours of the national emergency signal scheme.
constexpr std::string_view kColours[] = {"", "#1f6fd1", "#f2c200", "#f07f00", "#d81e06"};

std::string number_text(double v) {
  return v == std::floor(v) ? fmt::format("{}", static_cast<long long>(v)) : fmt::format("{}", v);
}

}  // namespace

std::string_view level_name(Level l) { return kNames[static_cast<int>(l)]; }
std::string_view level_name_zh(Level l) { return kNamesZh[static_cast<int>(l)]; }
std::string_view level_colour(Level l) { return kColours[static_cast<int>(l)]; }

std::optional<Level> parse_level(std::string_view s) {
  for (int i = 0; i < 5; ++i)
    if (s == kNames[i]) return static_cast<Level>(i);
  return std::nullopt;
}

std::string Condition::text() const {
  if (reach_form()) return "AQI reaching " + number_text(reach);
  std::string s = "> " + number_text(above) + " for " +
                  (days == 1 ? std::string("1 day") : fmt::format("{} consecutive days", days));
  if (with_days == 1) s += " with > " + number_text(with_above) + " on at least 1 of them";
  else if (with_days > 1)
    s += fmt::format(" with > {} for {} consecutive days", number_text(with_above), with_days);
  return s;
}

const LevelRule* RuleSet::rule(Level l) const {
  for (const auto& r : levels)
    if (r.level == l) return &r;
  return nullptr;
}

bool RuleSet::advice_only_kind(std::string_view kind) const {
  return std::find(advice_only.begin(), advice_only.end(), kind) != advice_only.end();
}

std::string RuleSet::levels_text() const {
  std::string s;
  for (const auto& r : levels) s += (s.empty() ? "" : ", ") + std::string(level_name(r.level));
  return s;
}

const RuleSet* WarningConfig::find(std::string_view name) const {
  for (const auto& r : rule_sets)
    if (r.name == name) return &r;
  return nullptr;
}

const RuleSet& WarningConfig::get(std::string_view name, const std::string& where) const {
  const std::string n(name.empty() ? std::string_view(default_rules) : name);
  if (const RuleSet* r = find(n)) return *r;
  std::string known;
  for (const auto& r : rule_sets) known += (known.empty() ? "" : ", ") + r.name;
  throw core::Error(where, "unknown rule set '" + n + "' (known: " + known + ")");
}

std::string WarningConfig::note_for(std::string_view name) const {
  return name == default_rules ? default_note : "";
}

std::string warning_file(const std::string& config_dir) {
  return (std::filesystem::path(config_dir) / "warning.toml").string();
}

namespace {

struct Reader {
  std::string file;

  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw core::Error(file + ": " + key, why);
  }
  double number(const toml::value& v, const std::string& key, double lo, double hi) const {
    if (!v.is_integer() && !v.is_floating()) fail(key, "must be a number");
    const double x = v.is_integer() ? static_cast<double>(v.as_integer()) : v.as_floating();
    if (!(x >= lo && x <= hi)) fail(key, fmt::format("must lie in [{}, {}], not {}", lo, hi, x));
    return x;
  }
  int integer(const toml::value& v, const std::string& key, int lo, int hi) const {
    if (!v.is_integer()) fail(key, "must be a whole number");
    const auto x = v.as_integer();
    if (x < lo || x > hi) fail(key, fmt::format("must lie in [{}, {}], not {}", lo, hi, x));
    return static_cast<int>(x);
  }
  std::string text(const toml::value& v, const std::string& key) const {
    if (!v.is_string()) fail(key, "must be a string");
    return v.as_string().str;
  }
  std::vector<std::string> texts(const toml::value& v, const std::string& key) const {
    if (!v.is_array()) fail(key, "must be an array of strings");
    std::vector<std::string> out;
    for (const auto& x : v.as_array()) out.push_back(text(x, key));
    return out;
  }

  Condition condition(const toml::value& v, const std::string& key) const {
    if (!v.is_table()) fail(key, "each alternative must be an inline table such as { above = 200, days = 1 }");
    Condition c;
    bool has_above = false, has_reach = false;
    for (const auto& [k, x] : v.as_table()) {
      const std::string kk = key + "." + k;
      if (k == "above") c.above = number(x, kk, 0, 1000), has_above = true;
      else if (k == "days") c.days = integer(x, kk, 1, 30);
      else if (k == "with_above") c.with_above = number(x, kk, 0, 1000);
      else if (k == "with_days") c.with_days = integer(x, kk, 1, 30);
      else if (k == "reach") c.reach = number(x, kk, 1, 1000), has_reach = true;
      else fail(kk, "unknown key (above, days, with_above, with_days, reach)");
    }
    if (has_reach) {
      if (has_above || c.days || c.with_days) fail(key, "'reach' stands alone: { reach = 500 }");
      return c;
    }
    if (!has_above || c.days == 0) fail(key, "needs 'above' and 'days' (or 'reach')");
    if ((c.with_days > 0) != (c.with_above > 0)) fail(key, "'with_above' and 'with_days' go together");
    if (c.with_days > c.days) fail(key, "'with_days' cannot exceed 'days'");
    if (c.with_days > 0 && c.with_above <= c.above) fail(key, "'with_above' must be above 'above'");
    return c;
  }

  RuleSet rule_set(const std::string& name, const toml::value& v) const {
    const std::string key = "rules." + name;
    if (!v.is_table()) fail(key, "must be a table");
    RuleSet r;
    r.name = name;
    for (const auto& [k, x] : v.as_table()) {
      const std::string kk = key + "." + k;
      if (k == "title") r.title = text(x, kk);
      else if (k == "source") r.source = text(x, kk);
      else if (k == "lift_hours") r.lift_hours = integer(x, kk, 1, 24 * 10);
      else if (k == "merge_gap_hours") r.merge_gap_hours = integer(x, kk, 0, 24 * 10);
      else if (k == "advice_only") {
        r.advice_only = texts(x, kk);
        for (const auto& kind : r.advice_only)
          if (kind != "o3" && kind != "dust" && kind != "cross_regional")
            fail(kk, "'" + kind + "' is not an episode kind (o3, dust, cross_regional)");
      } else if (auto level = parse_level(k); level && *level != Level::none) {
        if (!x.is_array() || x.as_array().empty())
          fail(kk, "must be a non-empty array of alternatives");
        LevelRule lr;
        lr.level = *level;
        for (std::size_t i = 0; i < x.as_array().size(); ++i)
          lr.any_of.push_back(condition(x.as_array()[i], fmt::format("{}[{}]", kk, i)));
        r.levels.push_back(std::move(lr));
      } else {
        fail(kk, "unknown key (title, source, lift_hours, merge_gap_hours, advice_only, blue, yellow, orange, red)");
      }
    }
    if (r.levels.empty()) fail(key, "defines no level (blue, yellow, orange, red)");
    std::sort(r.levels.begin(), r.levels.end(), [](auto& a, auto& b) { return a.level < b.level; });
    return r;
  }
};

}  // namespace

WarningConfig load_warning_config(const std::string& file) {
  const toml::value doc = model::read_toml(file);
  Reader rd{file};
  WarningConfig c;
  c.file = file;
  bool has_rules = false;
  for (const auto& [k, x] : doc.as_table()) {
    if (k == "default") c.default_rules = rd.text(x, k);
    else if (k == "default_note") c.default_note = rd.text(x, k);
    else if (k == "horizon_days") c.horizon_days = rd.integer(x, k, 1, 15);
    else if (k == "lookback_days") c.lookback_days = rd.integer(x, k, 0, 30);
    else if (k == "notice_prefix") c.notice_prefix = rd.text(x, k);
    else if (k == "webhooks") {
      c.webhooks = rd.texts(x, k);
      for (const auto& u : c.webhooks)
        if (u.rfind("http://", 0) != 0) rd.fail(k, "'" + u + "' is not an http:// URL");
    } else if (k == "advice") {
      if (!x.is_table()) rd.fail(k, "must be a table: level = \"advice\"");
      for (const auto& [lv, text] : x.as_table()) {
        const auto l = parse_level(lv);
        if (!l || *l == Level::none) rd.fail(k + "." + lv, "not a level (blue, yellow, orange, red)");
        c.advice[static_cast<int>(*l)] = rd.text(text, k + "." + lv);
      }
    } else if (k == "rules") {
      if (!x.is_table()) rd.fail(k, "must be a table of rule sets");
      has_rules = true;
      for (const auto& [name, set] : x.as_table()) c.rule_sets.push_back(rd.rule_set(name, set));
    } else {
      rd.fail(k, "unknown key (default, default_note, horizon_days, lookback_days, notice_prefix, webhooks, advice, rules)");
    }
  }
  if (!has_rules || c.rule_sets.empty()) rd.fail("rules", "no rule set defined");
  std::sort(c.rule_sets.begin(), c.rule_sets.end(), [](auto& a, auto& b) { return a.name < b.name; });
  if (c.default_rules.empty()) rd.fail("default", "missing: name the city's rule set");
  if (!c.find(c.default_rules))
    rd.fail("default", "'" + c.default_rules + "' is not one of the rule sets defined here");
  if (c.notice_prefix.empty()) c.notice_prefix = "WARN";
  return c;
}

}  // namespace skyriver::alert

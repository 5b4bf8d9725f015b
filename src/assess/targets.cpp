// load_targets(): targets.toml -> Targets, validated (contract in targets.h; keys in
// docs/targets.md).
#include "assess/targets.h"

#include "core/error.h"
#include "model/toml_file.h"
#include "standards/rounding.h"

#include <toml.hpp>

#include <cmath>

namespace skyriver::assess {

const std::vector<Indicator>& indicators() {
  static const std::vector<Indicator> all{
      {"pm25", "细颗粒物(PM2.5)", "PM2.5", "ug/m3", "µg/m³", 0, Better::lower, true},
      {"pm10", "可吸入颗粒物(PM10)", "PM10", "ug/m3", "µg/m³", 0, Better::lower, true},
      {"so2", "二氧化硫(SO2)", "SO2", "ug/m3", "µg/m³", 0, Better::lower, true},
      {"no2", "二氧化氮(NO2)", "NO2", "ug/m3", "µg/m³", 0, Better::lower, true},
      {"co", "一氧化碳(CO)第95百分位", "CO P95", "mg/m3", "mg/m³", 1, Better::lower, true},
      {"o3_8h", "臭氧(O3)日最大8小时第90百分位", "O3-8h P90", "ug/m3", "µg/m³", 0, Better::lower, true},
      {"composite", "综合指数", "composite index", "1", "", 2, Better::lower, true},
      {"good_ratio", "优良天数比例", "good-day ratio", "%", "%", 1, Better::higher, true},
      {"heavy_days", "重污染天数", "heavy-pollution days", "d", "天", 0, Better::lower, true},
      {"water_good_share", "地表水优良(Ⅰ-Ⅲ类)断面比例", "sections at class III or better", "%", "%", 1,
       Better::higher, false},
      {"water_worse_v_share", "地表水劣Ⅴ类断面比例", "sections worse than class V", "%", "%", 1, Better::lower, false},
  };
  return all;
}

const Indicator* find_indicator(std::string_view code) {
  for (const auto& i : indicators())
    if (i.code == code) return &i;
  return nullptr;
}

std::string_view op_text(Op op) {
  switch (op) {
    case Op::lt: return "<";
    case Op::le: return "≤";
    case Op::ge: return "≥";
    case Op::gt: return ">";
  }
  return "?";
}

std::optional<Op> parse_op(std::string_view s) {
  if (s == "<") return Op::lt;
  if (s == "<=" || s == "≤") return Op::le;
  if (s == ">=" || s == "≥") return Op::ge;
  if (s == ">") return Op::gt;
  return std::nullopt;
}

bool Target::met(double figure, int decimals) const {
  if (!value || std::isnan(figure)) return false;
  const double f = standards::round_half_even(figure, decimals);
  switch (op) {
    case Op::lt: return f < *value;
    case Op::le: return f <= *value;
    case Op::ge: return f >= *value;
    case Op::gt: return f > *value;
  }
  return false;
}

std::optional<Target> Targets::annual(const std::string& area, int year, std::string_view indicator) const {
  auto find = [&](const std::string& a) -> const Target* {
    auto it = table.find({a, year});
    if (it == table.end()) return nullptr;
    auto t = it->second.annual.find(std::string(indicator));
    return t == it->second.annual.end() ? nullptr : &t->second;
  };
  if (const Target* t = find(area)) return *t;
  if (area_default_city && area != city)
    if (const Target* t = find(city)) {
      Target c = *t;
      c.inherited = true;
      c.confirmed = false;
      c.source = "市目标（区县未单独下达，待确认）: " + t->source;
      return c;
    }
  return std::nullopt;
}

std::optional<Target> Targets::monthly_override(const std::string& area, int year, int month,
                                                std::string_view indicator) const {
  if (month < 1 || month > 12) return std::nullopt;
  auto it = table.find({area, year});
  if (it == table.end()) return std::nullopt;
  const auto& m = it->second.monthly[std::size_t(month - 1)];
  auto t = m.find(std::string(indicator));
  if (t == m.end()) return std::nullopt;
  return t->second;
}

bool Targets::has_year(int year) const {
  for (const auto& [k, v] : table)
    if (k.second == year && !v.annual.empty()) return true;
  return false;
}

namespace {

double number(const toml::value& v, const std::string& where) {
  if (v.is_integer()) return double(v.as_integer());
  if (v.is_floating()) return v.as_floating();
  throw core::Error(where, "must be a number");
}

std::string text(const toml::value& block, const char* key, const std::string& where, const std::string& fallback) {
  if (!block.contains(key)) return fallback;
  const auto& v = block.at(key);
  if (!v.is_string()) throw core::Error(where + "." + key, "must be a string");
  return v.as_string().str;
}

bool flag(const toml::value& block, const char* key, const std::string& where, bool fallback) {
  if (!block.contains(key)) return fallback;
  const auto& v = block.at(key);
  if (!v.is_boolean()) throw core::Error(where + "." + key, "must be true or false");
  return v.as_boolean();
}

// The keys a block may have besides indicator codes.
bool is_block_key(const std::string& k, bool monthly) {
  return k == "area" || k == "source" || k == "confirmed" || (monthly ? (k == "year" || k == "month") : (k == "year" || k == "years"));
}

// One indicator entry: { value, op, unit, source, confirmed } (annual: unit required) or a plain
// number (monthly only: the indicator's unit).
Target read_target(const toml::value& v, const Indicator& ind, const std::string& where, const std::string& source,
                   bool confirmed, std::optional<Op> default_op, bool monthly) {
  Target t;
  t.op = default_op.value_or(ind.better == Better::lower ? Op::le : Op::ge);
  t.source = source;
  t.confirmed = confirmed;
  if (monthly && (v.is_integer() || v.is_floating())) {
    t.value = number(v, where);
    return t;
  }
  if (!v.is_table())
    throw core::Error(where, monthly ? "must be a number or a table { value, unit }" : "must be a table { value, op, unit, source }");
  for (const auto& [k, x] : v.as_table())
    if (k != "value" && k != "op" && k != "unit" && k != "source" && k != "confirmed")
      throw core::Error(where + "." + k, "unknown key (value, op, unit, source, confirmed)");
  if (!v.contains("unit")) throw core::Error(where, "target without unit (the unit of " + std::string(ind.code) + " is '" +
                                                        std::string(ind.unit_shown.empty() ? "1" : ind.unit_shown) + "')");
  const auto& u = v.at("unit");
  if (!u.is_string()) throw core::Error(where + ".unit", "must be a string");
  const std::string unit = model::normalize_unit(u.as_string().str);
  if (unit != ind.unit)
    throw core::Error(where + ".unit", "'" + u.as_string().str + "' is not the unit of " + std::string(ind.code) + " ('" +
                                           std::string(ind.unit_shown.empty() ? "1" : ind.unit_shown) + "')");
  if (v.contains("value")) t.value = number(v.at("value"), where + ".value");
  if (v.contains("op")) {
    const std::string o = text(v, "op", where, "");
    auto op = parse_op(o);
    if (!op) throw core::Error(where + ".op", "'" + o + "' is not one of < <= >= >");
    t.op = *op;
  }
  t.source = text(v, "source", where, source);
  t.confirmed = flag(v, "confirmed", where, confirmed);
  return t;
}

int integer(const toml::value& v, const std::string& where, int lo, int hi) {
  if (!v.is_integer()) throw core::Error(where, "must be an integer");
  const auto n = v.as_integer();
  if (n < lo || n > hi) throw core::Error(where, std::to_string(n) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
  return int(n);
}

}  // namespace

Targets load_targets(const std::string& file, const model::CityConfig& city) {
  const toml::value doc = model::read_toml(file);
  Targets t;
  t.file = file;
  t.city = city.city.id;
  const std::string f = file + ": ";
  for (const auto& [k, v] : doc.as_table())
    if (k != "rules" && k != "target" && k != "monthly") throw core::Error(f + k, "unknown section (rules, target, monthly)");
  if (doc.contains("rules")) {
    const auto& r = doc.at("rules");
    for (const auto& [k, v] : r.as_table())
      if (k != "area_default" && k != "monthly_default" && k != "pattern_years")
        throw core::Error(f + "rules." + k, "unknown key (area_default, monthly_default, pattern_years)");
    const std::string ad = text(r, "area_default", f + "rules", "city");
    if (ad != "city" && ad != "none") throw core::Error(f + "rules.area_default", "'" + ad + "' is not city or none");
    t.area_default_city = ad == "city";
    const std::string md = text(r, "monthly_default", f + "rules", "pattern");
    if (md == "pattern") t.monthly_default = MonthlyDefault::pattern;
    else if (md == "flat") t.monthly_default = MonthlyDefault::flat;
    else throw core::Error(f + "rules.monthly_default", "'" + md + "' is not pattern or flat");
    if (r.contains("pattern_years")) t.pattern_years = integer(r.at("pattern_years"), f + "rules.pattern_years", 1, 10);
  }
  auto area_of = [&](const toml::value& b, const std::string& where) {
    if (!b.contains("area")) throw core::Error(where, "no area");
    const std::string a = text(b, "area", where, "");
    if (!city.area(a)) throw core::Error(where + ".area", "unknown area '" + a + "' (not in " + city.dir + "/city.toml)");
    return a;
  };
  auto blocks = [&](const char* name) -> std::vector<toml::value> {
    if (!doc.contains(name)) return {};
    const auto& v = doc.at(name);
    if (!v.is_array()) throw core::Error(f + name, "must be an array of tables [[" + std::string(name) + "]]");
    std::vector<toml::value> out;
    for (const auto& b : v.as_array()) {
      if (!b.is_table()) throw core::Error(f + name, "must be an array of tables [[" + std::string(name) + "]]");
      out.push_back(b);
    }
    return out;
  };

  int n = 0;
  for (const auto& b : blocks("target")) {
    const std::string where = f + "target[" + std::to_string(n++) + "]";
    const std::string area = area_of(b, where);
    int y0 = 0, y1 = 0;
    if (b.contains("year") == b.contains("years")) throw core::Error(where, "give exactly one of year = Y or years = [FIRST, LAST]");
    if (b.contains("year")) {
      y0 = y1 = integer(b.at("year"), where + ".year", 1990, 2100);
    } else {
      const auto& ys = b.at("years");
      if (!ys.is_array() || ys.as_array().size() != 2) throw core::Error(where + ".years", "must be [FIRST, LAST]");
      y0 = integer(ys.as_array()[0], where + ".years", 1990, 2100);
      y1 = integer(ys.as_array()[1], where + ".years", 1990, 2100);
      if (y1 < y0) throw core::Error(where + ".years", "the last year is before the first");
    }
    const std::string source = text(b, "source", where, "");
    const bool confirmed = flag(b, "confirmed", where, false);
    for (const auto& [k, v] : b.as_table()) {
      if (is_block_key(k, false)) continue;
      const Indicator* ind = find_indicator(k);
      if (!ind) throw core::Error(where + "." + k, "unknown indicator (see docs/targets.md)");
      const Target tg = read_target(v, *ind, where + "." + k, source, confirmed, std::nullopt, false);
      for (int y = y0; y <= y1; ++y) {
        auto& slot = t.table[{area, y}].annual;
        if (!slot.emplace(std::string(ind->code), tg).second)
          throw core::Error(where + "." + k, "a second annual target for " + area + " in " + std::to_string(y));
      }
    }
  }
  n = 0;
  for (const auto& b : blocks("monthly")) {
    const std::string where = f + "monthly[" + std::to_string(n++) + "]";
    const std::string area = area_of(b, where);
    if (!b.contains("year")) throw core::Error(where, "no year");
    if (!b.contains("month")) throw core::Error(where, "no month");
    const int year = integer(b.at("year"), where + ".year", 1990, 2100);
    const int month = integer(b.at("month"), where + ".month", 1, 12);
    const std::string source = text(b, "source", where, "");
    const bool confirmed = flag(b, "confirmed", where, false);
    for (const auto& [k, v] : b.as_table()) {
      if (is_block_key(k, true)) continue;
      const Indicator* ind = find_indicator(k);
      if (!ind) throw core::Error(where + "." + k, "unknown indicator (see docs/targets.md)");
      auto annual = t.annual(area, year, ind->code);
      const Target tg = read_target(v, *ind, where + "." + k, source, confirmed,
                                    annual ? std::optional<Op>(annual->op) : std::nullopt, true);
      if (!t.table[{area, year}].monthly[std::size_t(month - 1)].emplace(std::string(ind->code), tg).second)
        throw core::Error(where + "." + k, "a second monthly target for " + area + " " + std::to_string(year) + "-" +
                                              std::to_string(month));
    }
  }
  return t;
}

}  // namespace skyriver::assess

// The plan register: plan_indicators.toml, plan entries and each indicator's status (plan.h).
#include "assess/plan.h"

#include "core/error.h"
#include "model/toml_file.h"
#include "core/text.h"
#include "standards/rounding.h"

#include <toml.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace skyriver::assess {

const PlanIndicator* PlanConfig::find(int id) const {
  for (const auto& i : indicators)
    if (i.id == id) return &i;
  return nullptr;
}

namespace {

const std::set<std::string> kComputed{"air.good_ratio", "air.pm25", "water.good_share", "water.worse_v_share"};

double number(const toml::value& v, const std::string& where) {
  if (v.is_integer()) return double(v.as_integer());
  if (v.is_floating()) return v.as_floating();
  throw core::Error(where, "must be a number");
}

std::string text(const toml::value& b, const char* key, const std::string& where, bool required) {
  if (!b.contains(key)) {
    if (required) throw core::Error(where + "." + key, "is required");
    return "";
  }
  const auto& v = b.at(key);
  if (!v.is_string()) throw core::Error(where + "." + key, "must be a string");
  return v.as_string().str;
}

// Digits a value is shown and compared with: as many as the target or base is written with
// (at least 0, at most 2).
int decimals_of(const PlanIndicator& i) {
  int d = 0;
  for (auto v : {i.target, i.base})
    if (v)
      for (int k = 0; k <= 2; ++k)
        if (std::abs(*v * std::pow(10, k) - std::round(*v * std::pow(10, k))) < 1e-9) {
          d = std::max(d, k);
          break;
        }
  return d;
}

}  // namespace

PlanConfig load_plan(const std::string& file) {
  const toml::value doc = model::read_toml(file);
  PlanConfig p;
  p.file = file;
  const std::string f = file + ": ";
  for (const auto& [k, v] : doc.as_table())
    if (k != "indicator") throw core::Error(f + k, "unknown section (indicator)");
  if (!doc.contains("indicator") || !doc.at("indicator").is_array())
    throw core::Error(f + "indicator", "no [[indicator]] tables");
  std::set<int> ids;
  int n = 0;
  static const std::set<std::string> keys{"id", "category", "name", "unit", "unit_note", "base", "base_text", "target",
                                          "target_text", "nature", "department", "department_confirmed", "computed"};
  for (const auto& b : doc.at("indicator").as_array()) {
    const std::string where = f + "indicator[" + std::to_string(n++) + "]";
    if (!b.is_table()) throw core::Error(where, "must be a table");
    for (const auto& [k, v] : b.as_table())
      if (!keys.count(k)) throw core::Error(where + "." + k, "unknown key");
    PlanIndicator i;
    if (!b.contains("id") || !b.at("id").is_integer()) throw core::Error(where + ".id", "an integer id is required");
    i.id = int(b.at("id").as_integer());
    if (!ids.insert(i.id).second) throw core::Error(where + ".id", "id " + std::to_string(i.id) + " used twice");
    i.category = text(b, "category", where, false);
    i.name = text(b, "name", where, true);
    i.unit = text(b, "unit", where, true);
    if (i.unit.empty()) throw core::Error(where + ".unit", "is empty");
    i.unit_note = text(b, "unit_note", where, false);
    if (b.contains("base")) i.base = number(b.at("base"), where + ".base");
    i.base_text = text(b, "base_text", where, false);
    if (b.contains("target")) {
      const auto& t = b.at("target");
      if (!t.is_table() || !t.contains("value") || !t.contains("op"))
        throw core::Error(where + ".target", "must be { value = N, op = \"<\" | \"<=\" | \">=\" | \">\" }");
      i.target = number(t.at("value"), where + ".target.value");
      const std::string o = text(t, "op", where + ".target", true);
      auto op = parse_op(o);
      if (!op) throw core::Error(where + ".target.op", "'" + o + "' is not one of < <= >= >");
      i.op = *op;
    }
    i.target_text = text(b, "target_text", where, false);
    if (!i.target && i.target_text.empty()) throw core::Error(where, "give target = { value, op } or target_text");
    i.nature = text(b, "nature", where, true);
    if (i.nature != "约束性" && i.nature != "预期性") throw core::Error(where + ".nature", "'" + i.nature + "' is not 约束性 or 预期性");
    i.department = text(b, "department", where, false);
    if (b.contains("department_confirmed")) {
      if (!b.at("department_confirmed").is_boolean()) throw core::Error(where + ".department_confirmed", "must be true or false");
      i.department_confirmed = b.at("department_confirmed").as_boolean();
    }
    i.computed = text(b, "computed", where, false);
    if (!i.computed.empty() && !kComputed.count(i.computed))
      throw core::Error(where + ".computed", "'" + i.computed + "' is not one of air.good_ratio air.pm25 water.good_share water.worse_v_share");
    p.indicators.push_back(std::move(i));
  }
  return p;
}

std::string plan_entry_key(int indicator, int year) { return std::to_string(indicator) + "/" + std::to_string(year); }

nlohmann::json plan_entry_body(const PlanEntry& e) {
  nlohmann::json j{{"indicator", e.indicator}, {"year", e.year}};
  if (e.value) j["value"] = *e.value;
  if (e.target) j["target"] = *e.target;
  if (!e.note.empty()) j["note"] = e.note;
  return j;
}

std::string plan_value_problem(const PlanIndicator& ind, double v) {
  const std::string of = " for indicator " + std::to_string(ind.id) + " (" + ind.unit + ")";
  if (!std::isfinite(v)) return "must be a finite number" + of;
  if (ind.unit == "%") return v >= 0 && v <= 100 ? "" : "a percentage must lie in [0, 100]" + of;
  if (v < 0) return "must not be negative" + of;
  if (ind.unit == "个" && v != std::floor(v)) return "a count must be a whole number" + of;
  // Every other unit of the plan (µg/m³, 万m², 亿m³, 千公顷, ...) is a physical amount far below 1e9.
  if (v >= 1e9) return "is beyond any amount in " + ind.unit + of;
  return "";
}

PlanEntry validate_plan_entry(const PlanConfig& plan, const nlohmann::json& body) {
  if (!body.is_object()) throw core::Error("body", "is not a JSON object");
  PlanEntry e;
  auto integer = [&](const char* k) {
    if (!body.contains(k) || !body[k].is_number_integer()) throw core::Error(k, "an integer is required");
    return body[k].get<int>();
  };
  e.indicator = integer("indicator");
  if (!plan.find(e.indicator)) throw core::Error("indicator", "no plan indicator " + std::to_string(e.indicator));
  e.year = integer("year");
  if (e.year < 2000 || e.year > 2100) throw core::Error("year", std::to_string(e.year) + " is outside 2000..2100");
  const PlanIndicator& ind = *plan.find(e.indicator);
  for (const char* k : {"value", "target"})
    if (body.contains(k) && !body[k].is_null()) {
      if (!body[k].is_number() || !std::isfinite(body[k].get<double>())) throw core::Error(k, "must be a number");
      const double v = body[k].get<double>();
      if (auto why = plan_value_problem(ind, v); !why.empty()) throw core::Error(k, why);
      (std::string(k) == "value" ? e.value : e.target) = v;
    }
  if (!e.value && !e.target) throw core::Error("value", "give a value (or a target) to enter");
  if (body.contains("note")) {
    if (!body["note"].is_string()) throw core::Error("note", "must be a string");
    e.note = body["note"].get<std::string>();
    if (auto why = core::stored_text_problem(e.note); !why.empty()) throw core::Error("note", why);
  }
  for (auto& [k, v] : body.items())
    if (k != "indicator" && k != "year" && k != "value" && k != "target" && k != "note" && k != "who")
      throw core::Error(k, "unknown field (indicator, year, value, target, note, who)");
  return e;
}

std::optional<PlanEntry> decode_plan_entry(std::int64_t id, const std::string& key, const std::string& body,
                                           const std::string& who, core::Instant at) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto ind = core::parse_integer(std::string_view(key).substr(0, slash));
  auto year = core::parse_integer(std::string_view(key).substr(slash + 1));
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (!ind || !year || j.is_discarded() || !j.is_object()) return std::nullopt;
  PlanEntry e;
  e.id = id;
  e.indicator = int(*ind);
  e.year = int(*year);
  if (j.contains("value") && j["value"].is_number()) e.value = j["value"].get<double>();
  if (j.contains("target") && j["target"].is_number()) e.target = j["target"].get<double>();
  if (j.contains("note") && j["note"].is_string()) e.note = j["note"].get<std::string>();
  e.who = who;
  e.at = at;
  return e;
}

std::vector<PlanStatus> plan_status(const PlanConfig& plan, int year, const std::vector<PlanEntry>& entries,
                                    const ComputeFn& computed) {
  std::vector<PlanStatus> out;
  for (const auto& ind : plan.indicators) {
    PlanStatus s;
    s.indicator = &ind;
    s.year = year;
    // Entries of this indicator, oldest first (journal order); the latest value/target per year.
    std::map<int, double> value_of, target_of;
    for (const auto& e : entries) {
      if (e.indicator != ind.id) continue;
      s.history.push_back(e);
      if (e.value) value_of[e.year] = *e.value;
      if (e.target) target_of[e.year] = *e.target;
    }
    auto value_in = [&](int y) -> std::pair<std::optional<double>, std::string> {
      if (!ind.computed.empty() && computed)
        if (auto v = computed(ind.computed, y)) return {v, "computed"};
      if (auto it = value_of.find(y); it != value_of.end()) return {it->second, "entered"};
      return {std::nullopt, ""};
    };
    std::tie(s.value, s.origin) = value_in(year);
    s.target = ind.target;
    if (auto it = target_of.find(year); it != target_of.end()) s.target = it->second;
    if (!s.value) s.status = "no_data";
    else if (!s.target) s.status = "no_target";
    else {
      Target t{s.target, ind.op};
      s.status = t.met(*s.value, decimals_of(ind)) ? "met" : "not_met";
    }
    if (ind.base) s.trend.push_back({kPlanBaseYear, *ind.base, "base"});
    for (int y = kPlanBaseYear + 1; y <= year; ++y)
      if (auto [v, origin] = value_in(y); v) s.trend.push_back({y, *v, origin});
    if (s.trend.size() >= 2) {
      const double a = s.trend[s.trend.size() - 2].value, b = s.trend.back().value;
      const bool higher_better = ind.op == Op::ge || ind.op == Op::gt;
      s.direction = b == a ? "steady" : ((b > a) == higher_better ? "improving" : "worsening");
    }
    out.push_back(std::move(s));
  }
  return out;
}

nlohmann::json to_json(const PlanStatus& s) {
  const PlanIndicator& i = *s.indicator;
  auto opt = [](std::optional<double> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json trend = nlohmann::json::array(), history = nlohmann::json::array();
  for (const auto& p : s.trend)
    trend.push_back({{"year", p.year}, {"value", standards::round_half_even(p.value, 2)}, {"origin", p.origin}});
  for (const auto& e : s.history)
    history.push_back({{"id", e.id}, {"year", e.year}, {"value", opt(e.value)}, {"target", opt(e.target)},
                       {"note", e.note}, {"who", e.who}, {"at", core::format_iso(e.at)}});
  return {{"id", i.id},
          {"category", i.category},
          {"name", i.name},
          {"unit", i.unit},
          {"nature", i.nature},
          {"department", i.department},
          {"department_confirmed", i.department_confirmed},
          {"base", opt(i.base)},
          {"base_text", i.base_text},
          {"target_2025", opt(i.target)},
          {"op", std::string(op_text(i.op))},
          {"target_text", i.target_text},
          {"computed", i.computed.empty() ? nlohmann::json(nullptr) : nlohmann::json(i.computed)},
          {"year", s.year},
          {"value", s.value ? nlohmann::json(standards::round_half_even(*s.value, 2)) : nlohmann::json(nullptr)},
          {"origin", s.origin},
          {"target", opt(s.target)},
          {"status", s.status},
          {"direction", s.direction},
          {"trend", trend},
          {"history", history}};
}

}  // namespace skyriver::assess

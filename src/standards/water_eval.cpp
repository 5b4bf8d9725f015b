#include "standards/water_eval.h"

#include "core/error.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace skyriver::standards {

bool is_water_parameter(std::string_view code) {
  return find_item(code) || code == "cond" || code == "turb" || code == "chla" || code == "sd";
}

bool is_class_item(std::string_view code) {
  return find_item(code) && code != "wtemp" && code != "tn" && code != "fcoli";
}

WaterStatus status_of(WaterClass c) {
  switch (c) {
    case WaterClass::I:
    case WaterClass::II: return {"优", "blue", "#1E90FF"};
    case WaterClass::III: return {"良好", "green", "#2E8B57"};
    case WaterClass::IV: return {"轻度污染", "yellow", "#FFD700"};
    case WaterClass::V: return {"中度污染", "orange", "#FF8C00"};
    case WaterClass::WorseV: return {"重度污染", "red", "#DC143C"};
  }
  return {};
}

std::optional<double> exceedance(const WaterItem& item, double value, WaterClass ref,
                                 WaterBody body) {
  if (item.code == "wtemp" || item.code == "ph" || item.code == "do") return std::nullopt;
  const auto limit = class_limit(item, ref, body);
  if (!limit || value <= *limit * (1 + 1e-9)) return std::nullopt;
  return (value - *limit) / *limit;
}

std::vector<std::string> main_pollutants(const std::vector<ItemResult>& items,
                                         const EvaluationRules& rules) {
  std::vector<const ItemResult*> worse;
  for (const auto& r : items)
    if (r.in_class && r.cls && rank(*r.cls) > rank(WaterClass::III)) worse.push_back(&r);
  // stable_sort keeps Table 1 order for full ties.
  std::stable_sort(worse.begin(), worse.end(), [&](const ItemResult* a, const ItemResult* b) {
    const bool pa = rules.metals_first && find_item(a->code)->heavy_metal_or_cyanide;
    const bool pb = rules.metals_first && find_item(b->code)->heavy_metal_or_cyanide;
    if (pa != pb) return pa;
    if (rules.main_order == MainPollutantOrder::ClassThenMultiple && *a->cls != *b->cls)
      return rank(*a->cls) > rank(*b->cls);
    return a->exceed_iii.value_or(-1) > b->exceed_iii.value_or(-1);
  });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < worse.size() && static_cast<int>(i) < rules.max_main_pollutants; ++i)
    out.push_back(worse[i]->code);
  return out;
}

SectionEval evaluate_section(const Concentrations& values, WaterBody body,
                             std::optional<WaterClass> target, const EvaluationRules& rules) {
  for (const auto& [code, v] : values)
    if (!is_water_parameter(code))
      throw core::Error("item " + code, "not a surface-water parameter (GB 3838 Table 1 or "
                                        "cond/turb/chla/sd)");
  SectionEval e;
  e.target = target;
  int worst = 0;
  for (const auto& item : table1()) {
    const std::string code(item.code);
    auto it = values.find(code);
    if (it == values.end()) {
      if (is_class_item(code)) e.not_measured.push_back(code);
      continue;
    }
    ItemResult r;
    r.code = code;
    r.value = it->second;
    r.cls = item_class(code, r.value, body);
    r.exceed_iii = exceedance(item, r.value, WaterClass::III, body);
    if (target && *target != WaterClass::WorseV)
      r.exceed_target = exceedance(item, r.value, *target, body);
    r.in_class = is_class_item(code);
    if (r.in_class) {
      e.evaluated.push_back(code);
      worst = std::max(worst, rank(*r.cls));
    }
    if (code == "tn" && r.cls) e.tn_class = r.cls;
    if (code == "fcoli") e.fcoli_class = r.cls;
    e.items.push_back(std::move(r));
  }
  if (worst == 0)
    throw core::Error("section", "none of the 21 evaluated GB 3838 items was given");
  e.cls = static_cast<WaterClass>(worst);
  e.status = status_of(e.cls);
  e.main_pollutants = main_pollutants(e.items, rules);
  if (target) e.meets_target = rank(e.cls) <= rank(*target);
  return e;
}

std::optional<double> period_mean(std::span<const Measurement> ms, const EvaluationRules& rules) {
  if (ms.empty()) return std::nullopt;
  double sum = 0;
  for (const auto& m : ms) sum += m.below_detection ? m.value * rules.below_detection_factor : m.value;
  return sum / static_cast<double>(ms.size());
}

Concentrations mean_across(std::span<const Concentrations> sections) {
  std::map<std::string, std::pair<double, int>> acc;
  for (const auto& s : sections)
    for (const auto& [code, v] : s) {
      acc[code].first += v;
      acc[code].second += 1;
    }
  Concentrations out;
  for (const auto& [code, a] : acc) out[code] = a.first / a.second;
  return out;
}

RiverEval evaluate_river(std::span<const Concentrations> sections, WaterBody body,
                         const EvaluationRules& rules) {
  if (sections.empty()) throw core::Error("river", "no sections to evaluate");
  RiverEval r;
  r.sections = static_cast<int>(sections.size());
  std::vector<SectionEval> evals;
  for (const auto& s : sections) evals.push_back(evaluate_section(s, body, std::nullopt, rules));
  // Section exceedance rate per item: share of the sections measuring it that are worse than III.
  std::map<std::string, std::pair<int, int>> worse_of;  // code -> (worse than III, measured)
  for (const auto& e : evals) {
    r.class_counts[rank(e.cls) - 1]++;
    for (const auto& it : e.items)
      if (it.in_class) {
        worse_of[it.code].second++;
        if (rank(*it.cls) > rank(WaterClass::III)) worse_of[it.code].first++;
      }
  }
  for (const auto& [code, wm] : worse_of)
    r.exceed_rate[code] = static_cast<double>(wm.first) / wm.second;
  const int n = r.sections;
  const int good = r.class_counts[0] + r.class_counts[1] + r.class_counts[2];
  const int bad = r.class_counts[5];
  r.share_i_iii = static_cast<double>(good) / n;
  r.share_worse_v = static_cast<double>(bad) / n;

  if (n < rules.min_sections_for_shares) {
    r.by_shares = false;
    r.mean_eval = evaluate_section(mean_across(sections), body, std::nullopt, rules);
    r.status = r.mean_eval->status;
    r.main_pollutants = r.mean_eval->main_pollutants;
    return r;
  }
  r.by_shares = true;
  // Shares compared as good >= t * n with a 1e-9 slack, so 9 of 10 sections is exactly 90 %.
  // 60 % I-III with 40 % 劣V (the only case the digest's rules leave open) is 重度.
  auto at_least = [n](int count, double share) { return count >= share * n - 1e-9; };
  const bool good_enough = at_least(good, rules.good_i_iii);
  if (at_least(good, rules.excellent_i_iii)) r.status = status_of(WaterClass::II);
  else if (good_enough) r.status = status_of(WaterClass::III);
  else if (!at_least(bad, rules.light_worse_v)) r.status = status_of(WaterClass::IV);
  else if (!at_least(bad, rules.moderate_worse_v)) r.status = status_of(WaterClass::V);
  else r.status = status_of(WaterClass::WorseV);
  if (good_enough) return r;  // 优 / 良好: no main pollutants
  // Main pollutants: highest section exceedance rate; ties by the multiple of the mean.
  const Concentrations means = mean_across(sections);
  std::vector<std::pair<std::string, std::pair<double, double>>> ranked;
  for (const auto& item : table1()) {  // Table 1 order breaks full ties
    const std::string code(item.code);
    auto found = r.exceed_rate.find(code);
    if (found == r.exceed_rate.end() || found->second <= 0) continue;
    const double rate = found->second;
    const auto m = exceedance(item, means.at(code), WaterClass::III, body);
    ranked.push_back({code, {rate, m.value_or(-1)}});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  for (std::size_t i = 0; i < ranked.size() && static_cast<int>(i) < rules.max_main_pollutants; ++i)
    r.main_pollutants.push_back(ranked[i].first);
  return r;
}

RealtimeClass realtime_class(const Concentrations& latest, WaterBody body,
                             std::optional<WaterClass> target, const EvaluationRules& rules) {
  Concentrations used;
  for (const auto& [code, v] : latest)
    if (is_water_parameter(code)) used[code] = v;
  RealtimeClass rc{evaluate_section(used, body, target, rules), {}};
  rc.basis = "based on " + std::to_string(rc.eval.evaluated.size()) + " items:";
  for (const auto& c : rc.eval.evaluated) rc.basis += " " + c;
  return rc;
}

}  // namespace skyriver::standards

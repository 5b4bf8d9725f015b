// Surface-water evaluation (地表水环境质量评价办法（试行）, 环办〔2011〕22号; REFERENCE.md §7):
// a section's class by the single-factor method, exceedance multiples, main pollutants, the
// qualitative status and its colour; period means; rivers and basins; the real-time class of an
// automatic station.
//
// Contract: values are keyed by platform code in stored units. Items evaluated for the class
// are GB 3838 Table 1 minus water temperature, TN and faecal coliforms (21 items); TN (lakes)
// and faecal coliforms get their own class, reported beside the section class. Water-only
// auxiliaries (cond turb chla sd) are accepted and ignored; any other code is an error.
// The rules the digest marks unconfirmed are documented in docs/water.md.
#pragma once

#include "standards/water_class.h"
#include "standards/water_rules.h"

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::standards {

using Concentrations = std::map<std::string, double>;  // code -> value (stored unit)

// Table 1 items plus the auxiliaries a water station or lab reports (cond turb chla sd).
bool is_water_parameter(std::string_view code);
// True for the 21 items of the section class (not wtemp, tn, fcoli).
bool is_class_item(std::string_view code);

struct WaterStatus {
  std::string_view name;       // 优 良好 轻度污染 中度污染 重度污染
  std::string_view colour;     // blue green yellow orange red
  std::string_view colour_hex;
};
WaterStatus status_of(WaterClass c);  // I-II 优, III 良好, IV 轻度, V 中度, 劣V 重度

// (C - C_ref) / C_ref when C exceeds the reference limit, else nullopt. Never computed for
// wtemp, pH and DO (评价办法: 水温、pH值和溶解氧等项目不计算超标倍数).
std::optional<double> exceedance(const WaterItem& item, double value, WaterClass ref, WaterBody body);

struct ItemResult {
  std::string code;
  double value = 0;
  std::optional<WaterClass> cls;          // nullopt for wtemp
  std::optional<double> exceed_iii;       // multiple over the class III limit
  std::optional<double> exceed_target;    // multiple over the section's target class limit
  bool in_class = false;                  // counts for the section class
};

struct SectionEval {
  WaterClass cls = WaterClass::I;  // worst class of the evaluated items
  WaterStatus status;
  std::vector<ItemResult> items;   // Table 1 order
  std::vector<std::string> main_pollutants;  // up to three, empty unless worse than III
  std::vector<std::string> evaluated;        // the items that made the class
  std::vector<std::string> not_measured;     // of the 21, absent from the input
  std::optional<WaterClass> tn_class;        // lakes: TN, evaluated separately
  std::optional<WaterClass> fcoli_class;     // evaluated separately
  std::optional<WaterClass> target;
  std::optional<bool> meets_target;
};

// Throws core::Error("item X", why) for an unknown code or a bad value, and core::Error("section",
// ...) when none of the 21 items is present.
SectionEval evaluate_section(const Concentrations& values, WaterBody body,
                             std::optional<WaterClass> target = std::nullopt,
                             const EvaluationRules& rules = default_rules());

// Main pollutants of an evaluated section (评价办法): among the items worse than class III, the
// worst classes first; within a class, larger exceedance multiple first; cyanide and heavy metals
// exceeding III take precedence. Top three. (Order, precedence and count: EvaluationRules.)
std::vector<std::string> main_pollutants(const std::vector<ItemResult>& items,
                                         const EvaluationRules& rules = default_rules());

// One measurement of a period; below the detection limit, `value` is the detection limit.
struct Measurement {
  double value = 0;
  bool below_detection = false;
};
// Arithmetic mean, a value below the detection limit counted as half the limit
// (rules.below_detection_factor). nullopt if empty.
std::optional<double> period_mean(std::span<const Measurement> ms,
                                  const EvaluationRules& rules = default_rules());

// River, lake group or basin (REFERENCE.md §7): >= 5 sections by the shares of sections,
// < 5 by the item means across sections classified as one section.
struct RiverEval {
  int sections = 0;
  bool by_shares = false;
  std::array<int, 6> class_counts{};  // sections per class I..劣V
  double share_i_iii = 0, share_worse_v = 0;  // fractions 0..1
  WaterStatus status;
  std::optional<SectionEval> mean_eval;  // the < 5 method: the section evaluation of the means
  std::vector<std::string> main_pollutants;
  std::map<std::string, double> exceed_rate;  // item -> share of sections worse than III
};
RiverEval evaluate_river(std::span<const Concentrations> sections, WaterBody body,
                         const EvaluationRules& rules = default_rules());

// Item means across sections (each item over the sections that have it).
Concentrations mean_across(std::span<const Concentrations> sections);

// Real-time class of an automatic station from the items it measures (pH, DO, CODMn, NH3-N, TP,
// ...): the section evaluation over those items, labelled with them.
struct RealtimeClass {
  SectionEval eval;
  std::string basis;  // "based on 5 items: ph do codmn nh3n tp"
};
RealtimeClass realtime_class(const Concentrations& latest, WaterBody body,
                             std::optional<WaterClass> target = std::nullopt,
                             const EvaluationRules& rules = default_rules());

}  // namespace skyriver::standards

// Cross-boundary surface-water eco-compensation (跨界断面水质考核生态补偿), city to county.
//
// Each county is judged by the water that leaves it: for every outflow section, every factor
// (default COD, NH3-N, TP) and every period span (the quarter, or each month when deductions
// accumulate monthly), the mean of the valid samples is compared with the section's target; the
// exceedance over target falls in a tier that fixes the amount deducted. When a county's inflow
// already fails its own target, the county is charged only for what it adds (upstream rule).
// Rewards: target kept every month of the quarter, class improved year on year, failing a year
// ago and meeting now. Every rule and amount comes from Rules (config/<city>/compensation.toml),
// never from code; REFERENCE.md §11 is the source of the default structure (Shanxi 2013).
//
// Contract: compensate() is a pure function of (rules, period, samples). A section with too few
// valid samples is listed as an excluded line with the reason, never dropped. Samples of sites
// that bound no county are counted in the statement's notes. Amounts are in rules.unit.
#pragma once

#include "core/time.h"
#include "standards/water_class.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::assess {

// ---- rules ----------------------------------------------------------------------------------
enum class Basis { Quarter, Month };
enum class UpstreamRule {
  None,                      // the outflow is judged against its target alone
  InflowAsReference,         // a failing inflow's mean becomes the reference: max(target, C_in)
  SubtractInflowExceedance,  // exceedance(out) - exceedance(failing inflow)
};

struct Tier {
  std::optional<double> up_to;  // exceedance multiple upper bound, inclusive; none = open-ended
  double amount = 0;
  std::string label;            // "超标 ≤ 50%"
};

struct CompSection {
  std::string id, name, river;
  standards::WaterBody body = standards::WaterBody::River;
  standards::WaterClass target = standards::WaterClass::III;
  std::map<std::string, double> target_values;  // per-factor override of the class limit
  bool confirmed = false;  // false: defined for the scheme, to be confirmed by the city
  std::string note;
};

struct Outflow {
  std::string section;
  std::vector<std::string> inflows;  // sections whose water enters the county on this stream
};

struct CountyRule {
  std::string code, name;
  std::vector<Outflow> outflows;
};

struct Rewards {
  double target_kept = 0;     // every factor meets the target in every month of the quarter
  double class_improved = 0;  // per class gained over the same quarter a year earlier (target met)
  double now_compliant = 0;   // failed the target in the same quarter a year earlier, meets now
};

struct Rules {
  std::string name, unit = "万元", source;
  bool amounts_are_defaults = true;
  Basis basis = Basis::Quarter;
  std::vector<std::string> factors{"cod", "nh3n", "tp"};
  std::vector<Tier> tiers;
  Rewards rewards;
  UpstreamRule upstream = UpstreamRule::InflowAsReference;
  int min_samples_quarter = 2, min_samples_month = 1;
  std::string valid_flags = "N";
  double below_detection_factor = 0.5;  // a value below the detection limit counts as this x DL
  std::vector<CompSection> sections;
  std::vector<CountyRule> counties;

  const CompSection* section(std::string_view id) const;
  double target_of(const CompSection& s, const std::string& factor) const;
};

// Reads and validates compensation.toml: every reference resolved, every section with a target,
// factors that are GB 3838 concentration items, tiers ascending. Throws core::Error(file or
// "file: key", why) listing the first problem.
Rules load_rules(const std::string& toml_file);

// ---- input ----------------------------------------------------------------------------------
struct Sample {
  std::string site, parameter;  // site id; platform code
  core::Instant time = 0;
  double value = 0;             // the detection limit when below_detection
  bool below_detection = false;
  char flag = 'N';
  bool invalidated = false;     // an auditor's "invalid" mark stands on it (store input)
  std::string where;            // file:line or store source, for messages
};

// CSV `site,time,parameter,value[,unit][,flag]` (the `long` format; optional header line).
// time: Beijing "YYYY-MM-DD[ HH:MM[:SS]]"; value "0.02L" = below the detection limit 0.02.
// Throws core::Error("file:line", why) on an unknown item, a negative or malformed value, a bad
// time, a unit other than the item's stored unit or a bad flag.
std::vector<Sample> read_samples_csv(const std::string& file);

struct Period {
  int year = 0, quarter = 0;
  std::string label;             // 2026Q3
  core::Instant from = 0, to = 0;  // [from, to)
};
Period parse_period(std::string_view text);  // "2026Q3"; throws core::Error("--period", ...)
Period same_period_year_before(const Period& p);

// ---- statement ------------------------------------------------------------------------------
enum class LineKind { Deduction, Compliant, Excluded, Reward };
std::string_view to_string(LineKind k);  // deduction compliant excluded reward

struct Line {
  std::string county, county_name, section, section_name, river;
  std::string span;    // 2026Q3 or 2026-07
  std::string factor;  // platform code; "" for rewards
  LineKind kind = LineKind::Compliant;
  int samples = 0, excluded_samples = 0;
  std::optional<double> mean, target, reference, exceedance;
  std::string inflow_section;
  std::optional<double> inflow_mean, inflow_target;
  int tier = 0;         // 1-based, 0 = none
  std::string clause;   // the rule that decided the line
  double amount = 0;    // deducted (Deduction) or rewarded (Reward), >= 0
};

struct CountyTotal {
  std::string code, name;
  double deducted = 0, rewarded = 0;
  double net() const { return rewarded - deducted; }  // > 0: the county receives
};

struct Statement {
  std::string period, scheme, unit;
  Basis basis = Basis::Quarter;
  bool amounts_are_defaults = true;
  std::vector<Line> lines;  // county order of the rules, then section, span, factor
  std::vector<CountyTotal> counties;
  double deducted = 0, rewarded = 0;
  double net() const { return rewarded - deducted; }
  std::vector<std::string> notes;
};

// Samples may cover any time span; those of `period` (and of the same period a year earlier,
// for rewards) are used.
Statement compensate(const Rules& rules, const Period& period, const std::vector<Sample>& samples);

}  // namespace skyriver::assess

// The plan's indicator register (规划指标, 表3-1): the indicators of the city's five-year plan
// (config/<city>/plan_indicators.toml), the values the platform computes itself (air, surface
// water) and the values departments enter, and each indicator's status for a year.
//
// Entered values live in the store's records journal (kind "plan_entry", key "<id>/<year>",
// body {"value": x, "target": t, "note": "..."}; who and when are the record's). Nothing is
// overwritten: a correction is a new entry of the same key, the latest one counts and the
// history is kept. An entry may carry a `target` too: the number a "完成国家、省级下达指标"
// indicator was assigned.
//
// Status of an indicator for a year: "met" / "not_met" when it has a value and a numeric
// target, "no_target" when it has a value but the target is words only, "no_data" when it has
// no value. The value is the computed one where the indicator is computed (an entry then only
// adds a note), else the latest entry.
//
// Contract: load_plan() throws core::Error("FILE: indicator[i].KEY", why) on the first problem
// (missing id/name/unit/nature, duplicate id, bad op, unknown `computed`). plan_status() is a
// pure function of its inputs.
#pragma once

#include "assess/targets.h"
#include "core/time.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace skyriver::assess {

inline constexpr const char* kPlanEntryKind = "plan_entry";
inline constexpr int kPlanBaseYear = 2020;

struct PlanIndicator {
  int id = 0;
  std::string category, name, unit, unit_note;
  std::optional<double> base;    // 2020
  std::string base_text;
  std::optional<double> target;  // 2025
  Op op = Op::ge;
  std::string target_text;
  std::string nature;            // 约束性 | 预期性
  std::string department;
  bool department_confirmed = false;
  std::string computed;          // "" | air.good_ratio | air.pm25 | water.good_share | water.worse_v_share
};

struct PlanConfig {
  std::string file;
  std::vector<PlanIndicator> indicators;  // in file order
  const PlanIndicator* find(int id) const;
};

PlanConfig load_plan(const std::string& file);

// One entered value (a record of the journal, decoded).
struct PlanEntry {
  std::int64_t id = 0;  // the record's id
  int indicator = 0, year = 0;
  std::optional<double> value, target;
  std::string note, who;
  core::Instant at = 0;
};

// Key and body of the journal record for an entry; validate_plan_entry() throws
// core::Error(field, why) when the entry names no configured indicator, a year outside
// 2000..2100, neither value nor target, a value or target outside the indicator's range
// (plan_value_problem), or a note the stored-text rule refuses (core/text.h).
// "" when v may be entered for the indicator, else why: a "%" lies in [0, 100], a count ("个")
// is a whole number >= 0, any other unit a finite amount in [0, 1e9).
std::string plan_value_problem(const PlanIndicator& ind, double v);
std::string plan_entry_key(int indicator, int year);
nlohmann::json plan_entry_body(const PlanEntry& e);
PlanEntry validate_plan_entry(const PlanConfig& plan, const nlohmann::json& body);
// The entry of a journal record (key "<id>/<year>", body as above); nullopt when malformed.
std::optional<PlanEntry> decode_plan_entry(std::int64_t id, const std::string& key, const std::string& body,
                                           const std::string& who, core::Instant at);

struct PlanPoint {
  int year = 0;
  double value = 0;
  std::string origin;  // base | computed | entered
};

struct PlanStatus {
  const PlanIndicator* indicator = nullptr;
  int year = 0;
  std::optional<double> value;       // the year's value
  std::string origin;                // computed | entered | ""
  std::optional<double> target;      // configured, or entered for the year (latest)
  std::string status;                // met | not_met | no_target | no_data
  std::vector<PlanPoint> trend;      // base year, then each year up to `year` with a value
  std::string direction;             // improving | worsening | steady | "" (fewer than 2 points)
  std::vector<PlanEntry> history;    // every entry of the indicator, oldest first
};

// computed(kind, year): the platform's value of a computed indicator (nullopt when the data do
// not allow it, e.g. below the data minimum).
using ComputeFn = std::function<std::optional<double>(const std::string& computed, int year)>;
std::vector<PlanStatus> plan_status(const PlanConfig& plan, int year, const std::vector<PlanEntry>& entries,
                                    const ComputeFn& computed);

nlohmann::json to_json(const PlanStatus& s);

}  // namespace skyriver::assess

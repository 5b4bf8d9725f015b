// What the documents and the target pages read from a city configuration folder, loaded once:
// the city (city.toml and the sites), targets.toml, plan_indicators.toml, compensation.toml,
// water.toml and reports.toml (期数 and 文号 patterns). The last five are optional: a missing targets.toml gives no targets, a missing
// plan or compensation file leaves those parts out.
//
// Contract: load_inputs() throws core::Error naming the file and key of the first problem (the
// loaders' errors). The result is immutable and safe to share between threads.
#pragma once

#include "assess/compensation.h"
#include "assess/plan.h"
#include "assess/targets.h"
#include "model/city.h"
#include "standards/water_rules.h"

#include <map>
#include <optional>
#include <string>

namespace skyriver::report {

// The 期数 and 文号 patterns of one kind of document (reports.toml [day] [month] [year]):
// {year} {month} {day} are replaced by the period's first day ("第{month}期" -> "第11期").
struct Numbering {
  std::string issue_no, doc_no;
};
std::string fill_numbering(const std::string& pattern, core::Date first);

struct Inputs {
  model::CityConfig city;
  assess::Targets targets;
  std::optional<assess::Rules> compensation;
  standards::EvaluationRules water_rules = standards::default_rules();
  std::optional<assess::PlanConfig> plan;
  std::map<std::string, Numbering> numbering;  // by kind: day | month | year
};

Inputs load_inputs(const std::string& config_dir);

}  // namespace skyriver::report

// What the documents and the target pages read from a city configuration folder, loaded once:
// the city (city.toml and the sites), targets.toml, plan_indicators.toml, compensation.toml and
// water.toml. The last four are optional: a missing targets.toml gives no targets, a missing
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

#include <optional>
#include <string>

namespace skyriver::report {

struct Inputs {
  model::CityConfig city;
  assess::Targets targets;
  std::optional<assess::Rules> compensation;
  standards::EvaluationRules water_rules = standards::default_rules();
  std::optional<assess::PlanConfig> plan;
};

Inputs load_inputs(const std::string& config_dir);

}  // namespace skyriver::report

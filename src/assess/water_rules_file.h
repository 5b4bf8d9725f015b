// Reads the water-evaluation rules a city may override (config/<city>/water.toml, table
// [evaluation]) into standards::EvaluationRules. Kept out of src/standards, which does no I/O.
#pragma once

#include "standards/water_rules.h"

#include <string>

namespace skyriver::assess {

// Missing keys keep their defaults; a missing file gives the defaults. Throws
// core::Error("file: evaluation.key", why) on a bad value.
standards::EvaluationRules load_evaluation_rules(const std::string& toml_file);

}  // namespace skyriver::assess

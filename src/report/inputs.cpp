#include "report/inputs.h"

#include "assess/water_rules_file.h"

#include <filesystem>

namespace skyriver::report {

Inputs load_inputs(const std::string& dir) {
  namespace fs = std::filesystem;
  Inputs in;
  in.city = model::load_city(dir);
  const fs::path p(dir);
  if (fs::exists(p / "targets.toml")) in.targets = assess::load_targets((p / "targets.toml").string(), in.city);
  in.targets.city = in.city.city.id;
  if (fs::exists(p / "plan_indicators.toml")) in.plan = assess::load_plan((p / "plan_indicators.toml").string());
  if (fs::exists(p / "compensation.toml")) in.compensation = assess::load_rules((p / "compensation.toml").string());
  in.water_rules = assess::load_evaluation_rules((p / "water.toml").string());
  return in;
}

}  // namespace skyriver::report

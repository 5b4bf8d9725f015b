#include "assess/water_rules_file.h"

#include "core/error.h"
#include "model/toml_file.h"

#include <toml.hpp>

#include <filesystem>

namespace skyriver::assess {

using namespace skyriver::standards;

standards::EvaluationRules load_evaluation_rules(const std::string& file) {
  standards::EvaluationRules r;
  if (!std::filesystem::exists(file)) return r;
  const toml::value doc = model::read_toml(file);
  if (!doc.contains("evaluation")) return r;
  const auto& ev = toml::find(doc, "evaluation");
  auto where = [&](const char* key) { return file + ": evaluation." + key; };
  auto number = [&](const char* key, double& out, double lo, double hi) {
    if (!ev.contains(key)) return;
    const auto& v = toml::find(ev, key);
    if (!v.is_integer() && !v.is_floating()) throw core::Error(where(key), "must be a number");
    out = v.is_integer() ? static_cast<double>(v.as_integer()) : v.as_floating();
    if (out < lo || out > hi) throw core::Error(where(key), "must lie in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  };
  try {
    if (ev.contains("main_order")) {
      const auto s = toml::find<std::string>(ev, "main_order");
      if (s == "class_then_multiple") r.main_order = MainPollutantOrder::ClassThenMultiple;
      else if (s == "multiple") r.main_order = MainPollutantOrder::Multiple;
      else throw core::Error(where("main_order"), "'" + s + "' is not class_then_multiple or multiple");
    }
    if (ev.contains("metals_first")) r.metals_first = toml::find<bool>(ev, "metals_first");
    double d = r.max_main_pollutants;
    number("max_main_pollutants", d, 1, 24);
    r.max_main_pollutants = static_cast<int>(d);
    number("below_detection_factor", r.below_detection_factor, 0, 1);
    d = r.min_sections_for_shares;
    number("min_sections_for_shares", d, 1, 1000);
    r.min_sections_for_shares = static_cast<int>(d);
    number("excellent_i_iii", r.excellent_i_iii, 0, 1);
    number("good_i_iii", r.good_i_iii, 0, 1);
    number("light_worse_v", r.light_worse_v, 0, 1);
    number("moderate_worse_v", r.moderate_worse_v, 0, 1);
    number("tli_oligo", r.tli_oligo, -100, 200);
    number("tli_meso", r.tli_meso, -100, 200);
    number("tli_light", r.tli_light, -100, 200);
    number("tli_moderate", r.tli_moderate, -100, 200);
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw core::Error(file + ": evaluation", e.what());
  }
  if (r.good_i_iii > r.excellent_i_iii || r.light_worse_v > r.moderate_worse_v ||
      !(r.tli_oligo <= r.tli_meso && r.tli_meso <= r.tli_light && r.tli_light <= r.tli_moderate))
    throw core::Error(file + ": evaluation", "thresholds out of order");
  return r;
}

}  // namespace skyriver::assess

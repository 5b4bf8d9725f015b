// Trophic level index TLI(Σ) of lakes and reservoirs (湖泊（水库）富营养化评价方法及分级技术规定,
// as digested in REFERENCE.md §7) and the trophic state.
//
// Contract: inputs chla mg/m³, tp and tn mg/L, sd m, codmn mg/L, all positive. TLI(Σ) =
// Σ W_j TLI(j), W_j = r_j² / Σ r_j² over the parameters given (r vs chla: chla 1, tp 0.84,
// tn 0.82, sd -0.83, codmn 0.83); with all five, the weights are the standard's. States:
// < 30 贫营养; 30..50 中营养; (50,60] 轻度富营养; (60,70] 中度富营养; > 70 重度富营养.
#pragma once

#include "standards/water_rules.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::standards {

struct TliInput {
  std::optional<double> chla, tp, tn, sd, codmn;
};

struct TliResult {
  double tli = 0;
  std::string_view state;  // 贫营养 中营养 轻度富营养 中度富营养 重度富营养
  struct Part {
    std::string code;
    double tli = 0, weight = 0;
  };
  std::vector<Part> parts;  // order chla tp tn sd codmn
};

// Throws core::Error("tli", ...) when nothing is given or a value is not positive.
TliResult tli(const TliInput& in, const EvaluationRules& rules = default_rules());
std::string_view trophic_state(double tli, const EvaluationRules& rules = default_rules());

}  // namespace skyriver::standards

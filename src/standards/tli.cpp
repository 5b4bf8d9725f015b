#include "standards/tli.h"

#include "core/error.h"

#include <cmath>

namespace skyriver::standards {

std::string_view trophic_state(double t, const EvaluationRules& rules) {
  if (t < rules.tli_oligo) return "贫营养";
  if (t <= rules.tli_meso) return "中营养";
  if (t <= rules.tli_light) return "轻度富营养";
  if (t <= rules.tli_moderate) return "中度富营养";
  return "重度富营养";
}

TliResult tli(const TliInput& in, const EvaluationRules& rules) {
  struct Row {
    const char* code;
    const std::optional<double>& v;
    double r, a, b;  // TLI(j) = 10 (a + b ln v)
  };
  const Row rows[] = {{"chla", in.chla, 1.0, 2.5, 1.086},
                      {"tp", in.tp, 0.84, 9.436, 1.624},
                      {"tn", in.tn, 0.82, 5.453, 1.694},
                      {"sd", in.sd, -0.83, 5.118, -1.94},
                      {"codmn", in.codmn, 0.83, 0.109, 2.661}};
  TliResult out;
  double r2sum = 0;
  for (const auto& row : rows) {
    if (!row.v) continue;
    if (!(*row.v > 0) || !std::isfinite(*row.v))
      throw core::Error("tli", std::string(row.code) + " must be a positive number");
    out.parts.push_back({row.code, 10 * (row.a + row.b * std::log(*row.v)), row.r * row.r});
    r2sum += row.r * row.r;
  }
  if (out.parts.empty()) throw core::Error("tli", "none of chla, tp, tn, sd, codmn was given");
  for (auto& p : out.parts) {
    p.weight /= r2sum;
    out.tli += p.weight * p.tli;
  }
  out.state = trophic_state(out.tli, rules);
  return out;
}

}  // namespace skyriver::standards

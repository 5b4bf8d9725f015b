// The compensation computation (see compensation.h). Pure: rules + period + samples -> statement.
#include "assess/compensation.h"

#include "core/error.h"
#include "standards/water_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace skyriver::assess {

namespace {

using standards::WaterClass;

// A relative 1e-9 absorbs the binary rounding of means and ratios (2.7 / 1.8 - 1 = 0.5 in
// decimal); it is far below any reported precision, so a boundary value stays on its side.
constexpr double kSlack = 1e-9;
bool exceeds(double c, double limit) { return c > limit * (1 + kSlack); }

struct Span {
  std::string label;
  core::Instant from = 0, to = 0;
};

std::vector<Span> months_of(const Period& p) {
  std::vector<Span> out;
  for (int m = 0; m < 3; ++m) {
    const int month = 3 * p.quarter - 2 + m;
    const core::Date first{p.year, month, 1};
    const core::Date next = month == 12 ? core::Date{p.year + 1, 1, 1} : core::Date{p.year, month + 1, 1};
    out.push_back({fmt::format("{}-{:02d}", p.year, month), core::beijing_midnight(first),
                   core::beijing_midnight(next)});
  }
  return out;
}

struct Stat {
  int valid = 0, excluded = 0;
  std::optional<double> mean;
};

class SampleIndex {
 public:
  SampleIndex(const Rules& rules, const std::vector<Sample>& samples) : rules_(rules) {
    for (const auto& s : samples) by_key_[{s.site, s.parameter}].push_back(&s);
  }
  Stat stat(const std::string& site, const std::string& factor, const Span& span) const {
    Stat st;
    auto it = by_key_.find({site, factor});
    if (it == by_key_.end()) return st;
    std::vector<standards::Measurement> ms;
    for (const Sample* s : it->second) {
      if (s->time < span.from || s->time >= span.to) continue;
      if (s->invalidated || rules_.valid_flags.find(s->flag) == std::string::npos) {
        ++st.excluded;
        continue;
      }
      ms.push_back({s->value, s->below_detection});
    }
    st.valid = static_cast<int>(ms.size());
    standards::EvaluationRules er;
    er.below_detection_factor = rules_.below_detection_factor;
    st.mean = standards::period_mean(ms, er);
    return st;
  }

 private:
  const Rules& rules_;
  std::map<std::pair<std::string, std::string>, std::vector<const Sample*>> by_key_;
};

std::string pct(double e) { return fmt::format("{:.1f}%", e * 100); }

// The quarter's verdict for one section: means of all factors (nullopt if any lacks samples).
struct QuarterView {
  bool complete = true, meets = true;
  WaterClass cls = WaterClass::I;  // worst GB 3838 class of the factors' means
};

QuarterView quarter_view(const Rules& rules, const SampleIndex& idx, const CompSection& sec,
                         const Span& span) {
  QuarterView v;
  for (const auto& f : rules.factors) {
    const Stat st = idx.stat(sec.id, f, span);
    if (st.valid < rules.min_samples_quarter) {
      v.complete = false;
      continue;
    }
    if (exceeds(*st.mean, rules.target_of(sec, f))) v.meets = false;
    if (auto c = standards::item_class(f, *st.mean, sec.body))
      v.cls = std::max(v.cls, *c, [](auto a, auto b) { return standards::rank(a) < standards::rank(b); });
  }
  return v;
}

}  // namespace

std::string_view to_string(LineKind k) {
  switch (k) {
    case LineKind::Deduction: return "deduction";
    case LineKind::Compliant: return "compliant";
    case LineKind::Excluded: return "excluded";
    case LineKind::Reward: return "reward";
  }
  return "?";
}

const CompSection* Rules::section(std::string_view id) const {
  for (const auto& s : sections)
    if (s.id == id) return &s;
  return nullptr;
}

double Rules::target_of(const CompSection& s, const std::string& factor) const {
  auto it = s.target_values.find(factor);
  if (it != s.target_values.end()) return it->second;
  const auto* item = standards::find_item(factor);
  if (!item) throw core::Error("factor " + factor, "not a GB 3838 item");
  auto limit = standards::class_limit(*item, s.target, s.body);
  if (!limit) throw core::Error("section " + s.id, "no target value for " + factor);
  return *limit;
}

Statement compensate(const Rules& rules, const Period& period, const std::vector<Sample>& samples) {
  Statement st;
  st.period = period.label;
  st.scheme = rules.name;
  st.unit = rules.unit;
  st.basis = rules.basis;
  st.amounts_are_defaults = rules.amounts_are_defaults;
  const SampleIndex idx(rules, samples);
  const Period before = same_period_year_before(period);
  const Span quarter{period.label, period.from, period.to};
  const Span quarter_before{before.label, before.from, before.to};
  const std::vector<Span> months = months_of(period);
  const std::vector<Span> spans = rules.basis == Basis::Quarter ? std::vector<Span>{quarter} : months;
  const int min_samples = rules.basis == Basis::Quarter ? rules.min_samples_quarter : rules.min_samples_month;

  for (const auto& county : rules.counties) {
    CountyTotal total{county.code, county.name};
    for (const auto& out : county.outflows) {
      const CompSection& sec = *rules.section(out.section);
      auto base = [&](const std::string& span, const std::string& factor) {
        Line l;
        l.county = county.code, l.county_name = county.name;
        l.section = sec.id, l.section_name = sec.name, l.river = sec.river;
        l.span = span, l.factor = factor;
        return l;
      };
      for (const auto& span : spans)
        for (const auto& f : rules.factors) {
          Line l = base(span.label, f);
          const Stat s = idx.stat(sec.id, f, span);
          l.samples = s.valid, l.excluded_samples = s.excluded;
          l.target = rules.target_of(sec, f);
          if (s.valid < min_samples) {
            l.kind = LineKind::Excluded;
            l.clause = fmt::format("too few valid samples: {} of {} required{}", s.valid, min_samples,
                                   s.excluded ? fmt::format(" ({} flagged or marked invalid)", s.excluded) : "");
            st.lines.push_back(std::move(l));
            continue;
          }
          const double c = *s.mean, t = *l.target;
          l.mean = c;
          // The inflow that weighs most: the highest mean relative to its own target.
          std::vector<std::string> inflow_notes;
          double worst_ratio = -1;
          for (const auto& in_id : out.inflows) {
            const CompSection& in = *rules.section(in_id);
            const Stat is = idx.stat(in.id, f, span);
            if (is.valid < min_samples) {
              inflow_notes.push_back(fmt::format("inflow {} has {} valid samples, upstream rule not applied",
                                                 in.id, is.valid));
              continue;
            }
            const double it = rules.target_of(in, f);
            if (*is.mean / it > worst_ratio) {
              worst_ratio = *is.mean / it;
              l.inflow_section = in.id, l.inflow_mean = is.mean, l.inflow_target = it;
            }
          }
          const bool inflow_fails = l.inflow_mean && exceeds(*l.inflow_mean, *l.inflow_target);
          l.reference = t;
          double e = (c - t) / t;
          std::string upstream;
          if (inflow_fails && rules.upstream == UpstreamRule::InflowAsReference) {
            l.reference = std::max(t, *l.inflow_mean);
            e = (c - *l.reference) / *l.reference;
            upstream = fmt::format("; inflow {} fails its target ({:g} > {:g}), reference = {:g}",
                                   l.inflow_section, *l.inflow_mean, *l.inflow_target, *l.reference);
          } else if (inflow_fails && rules.upstream == UpstreamRule::SubtractInflowExceedance) {
            const double e_in = (*l.inflow_mean - *l.inflow_target) / *l.inflow_target;
            e -= e_in;
            upstream = fmt::format("; inflow {} fails its target by {}, subtracted", l.inflow_section, pct(e_in));
          }
          for (const auto& n : inflow_notes) upstream += "; " + n;
          if (!exceeds(c, t)) {
            l.kind = LineKind::Compliant;
            l.clause = "mean within target" + upstream;
          } else if (e <= kSlack) {
            l.kind = LineKind::Compliant;
            l.exceedance = 0.0;
            l.clause = "exceedance no larger than the inflow's (upstream rule)" + upstream;
          } else {
            l.exceedance = e;
            for (std::size_t k = 0; k < rules.tiers.size(); ++k) {
              const auto& tier = rules.tiers[k];
              if (!tier.up_to || e <= *tier.up_to + kSlack) {
                l.kind = LineKind::Deduction;
                l.tier = static_cast<int>(k + 1);
                l.amount = tier.amount;
                l.clause = fmt::format("tier {}: {}{}", k + 1, tier.label, upstream);
                break;
              }
            }
            total.deducted += l.amount;
          }
          st.lines.push_back(std::move(l));
        }

      // Rewards, once per quarter and section.
      if (rules.rewards.target_kept > 0) {
        bool kept = true;
        for (const auto& m : months)
          for (const auto& f : rules.factors) {
            const Stat s = idx.stat(sec.id, f, m);
            if (s.valid < rules.min_samples_month || exceeds(*s.mean, rules.target_of(sec, f))) kept = false;
          }
        if (kept) {
          Line l = base(period.label, "");
          l.kind = LineKind::Reward;
          l.amount = rules.rewards.target_kept;
          l.clause = "reward: target kept in every month of the quarter";
          total.rewarded += l.amount;
          st.lines.push_back(std::move(l));
        }
      }
      if (rules.rewards.class_improved > 0 || rules.rewards.now_compliant > 0) {
        const QuarterView now = quarter_view(rules, idx, sec, quarter);
        const QuarterView was = quarter_view(rules, idx, sec, quarter_before);
        if (!now.complete || !now.meets) {
          // no year-on-year reward is possible
        } else if (!was.complete) {
          st.notes.push_back(fmt::format("{} {}: too few samples in {}, year-on-year rewards not assessed",
                                         sec.id, sec.name, before.label));
        } else {
          if (!was.meets && rules.rewards.now_compliant > 0) {
            Line l = base(period.label, "");
            l.kind = LineKind::Reward;
            l.amount = rules.rewards.now_compliant;
            l.clause = fmt::format("reward: failed the target in {}, meets it now", before.label);
            total.rewarded += l.amount;
            st.lines.push_back(std::move(l));
          }
          const int gained = standards::rank(was.cls) - standards::rank(now.cls);
          if (gained > 0 && rules.rewards.class_improved > 0) {
            Line l = base(period.label, "");
            l.kind = LineKind::Reward;
            l.amount = rules.rewards.class_improved * gained;
            l.clause = fmt::format("reward: class {} in {} -> {} now ({} class{} gained)",
                                   standards::class_name(was.cls), before.label,
                                   standards::class_name(now.cls), gained, gained > 1 ? "es" : "");
            total.rewarded += l.amount;
            st.lines.push_back(std::move(l));
          }
        }
      }
    }
    st.deducted += total.deducted;
    st.rewarded += total.rewarded;
    st.counties.push_back(std::move(total));
  }

  // Boundaries the city has not confirmed yet: the statement says so on its face.
  std::string unconfirmed;
  for (const auto& county : rules.counties)
    for (const auto& out : county.outflows)
      if (!rules.section(out.section)->confirmed) unconfirmed += (unconfirmed.empty() ? "" : ", ") + out.section;
  if (!unconfirmed.empty())
    st.notes.push_back("outflow sections (location, county or target) to be confirmed by the city: " + unconfirmed);

  // Samples no rule looks at: say so rather than drop them silently.
  std::map<std::string, int> unused;
  for (const auto& s : samples)
    if (!rules.section(s.site)) ++unused[s.site];
  for (const auto& [site, n] : unused)
    st.notes.push_back(fmt::format("{} samples of site {} ignored: it bounds no county in the rules", n, site));
  return st;
}

}  // namespace skyriver::assess

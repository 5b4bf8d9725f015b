// monthly_targets(): configured monthly targets, else the pattern or flat default (contract in
// target_months.h).
#include "assess/target_months.h"

#include "assess/target_figures.h"
#include "engine/air.h"
#include "standards/rounding.h"

#include <cmath>
#include <vector>

namespace skyriver::assess {

namespace st = skyriver::standards;

namespace {

// The base years' monthly figures of every air indicator: figure[code][month] = mean over the
// base years whose month is complete (NaN if none); also the base years used.
struct Pattern {
  std::map<std::string, std::array<double, 12>> mean;  // per indicator
  std::array<double, 12> not_good{};                    // mean non-good fraction per month
  std::array<double, 12> heavy{};                       // mean heavy days per month
  std::vector<int> years;
};

Pattern base_pattern(const engine::Engine& e, const std::string& area, int year, int n) {
  Pattern p;
  std::map<std::string, std::array<std::pair<double, int>, 12>> sum;  // (sum, count)
  std::array<std::pair<double, int>, 12> ng{}, hv{};
  const engine::Target target = engine::air_target(e, area);
  for (int y = year - n; y < year; ++y) {
    bool used = false;
    const auto days = engine::daily_records(target, {y, 1, 1}, {y + 1, 1, 1});
    std::size_t at = 0;
    for (int m = 1; m <= 12; ++m) {
      const std::size_t len = std::size_t(core::days_in_month(y, m));
      const auto s = st::summarize_period(std::span(days).subspan(at, len));
      at += len;
      for (const auto& ind : indicators()) {
        if (!ind.air) continue;
        const Figure f = air_figure(s, ind);
        if (!f.complete) continue;
        auto& [a, c] = sum[std::string(ind.code)][std::size_t(m - 1)];
        a += f.value, ++c;
        used = true;
      }
      if (s.days_complete) {
        ng[std::size_t(m - 1)].first += 1.0 - double(s.good_days) / s.valid_days;
        ++ng[std::size_t(m - 1)].second;
        hv[std::size_t(m - 1)].first += s.heavy_days;
        ++hv[std::size_t(m - 1)].second;
      }
    }
    if (used) p.years.push_back(y);
  }
  for (auto& [code, months] : sum)
    for (int m = 0; m < 12; ++m)
      p.mean[code][std::size_t(m)] = months[std::size_t(m)].second ? months[std::size_t(m)].first / months[std::size_t(m)].second : st::kMissing;
  for (int m = 0; m < 12; ++m) {
    const auto i = std::size_t(m);
    p.not_good[i] = ng[i].second ? ng[i].first / ng[i].second : st::kMissing;
    p.heavy[i] = hv[i].second ? hv[i].first / hv[i].second : st::kMissing;
  }
  return p;
}

bool all_months(const std::array<double, 12>& a) {
  for (double v : a)
    if (std::isnan(v)) return false;
  return true;
}

double mean12(const std::array<double, 12>& a) {
  double s = 0;
  for (double v : a) s += v;
  return s / 12;
}

}  // namespace

MonthlyTargets monthly_targets(const engine::Engine& e, const Targets& t, const std::string& area, int year) {
  MonthlyTargets out;
  const bool pattern = t.monthly_default == MonthlyDefault::pattern;
  Pattern base;
  if (pattern) base = base_pattern(e, area, year, t.pattern_years);
  std::string years;
  if (!base.years.empty())
    years = std::to_string(base.years.front()) + (base.years.size() > 1 ? "-" + std::to_string(base.years.back()) : "");
  out.how = !pattern ? "flat" : base.years.empty() ? "flat (no base data)" : "pattern " + years;

  for (const auto& ind : indicators()) {
    const std::string code(ind.code);
    const auto annual = t.annual(area, year, ind.code);
    auto& months = out.by_indicator[code];
    // Shape factors (NaN = flat) per month.
    std::array<double, 12> shaped;
    shaped.fill(st::kMissing);
    std::string how = "flat";
    if (pattern && annual && annual->value && ind.air) {
      const double T = *annual->value;
      if (code == "good_ratio") {
        if (all_months(base.not_good) && mean12(base.not_good) > 0) {
          const double m = mean12(base.not_good);
          for (int i = 0; i < 12; ++i)
            shaped[std::size_t(i)] = std::clamp(100.0 * (1.0 - (1.0 - T / 100.0) * base.not_good[std::size_t(i)] / m), 0.0, 100.0);
        }
      } else if (code == "heavy_days") {
        if (all_months(base.heavy)) {
          double total = 0;
          for (double v : base.heavy) total += v;
          for (int i = 0; i < 12; ++i)
            shaped[std::size_t(i)] = total > 0 ? T * base.heavy[std::size_t(i)] / total
                                               : T * core::days_in_month(year, i + 1) / core::days_in_year(year);
        }
      } else if (auto it = base.mean.find(code); it != base.mean.end() && all_months(it->second) && mean12(it->second) > 0) {
        const double m = mean12(it->second);
        for (int i = 0; i < 12; ++i) shaped[std::size_t(i)] = T * it->second[std::size_t(i)] / m;
      }
      if (!std::isnan(shaped[0])) how = "pattern " + years;
      else how = "flat (no complete base months)";
    }
    for (int m = 1; m <= 12; ++m) {
      if (auto o = t.monthly_override(area, year, m, ind.code)) {
        months[std::size_t(m - 1)] = *o;
        continue;
      }
      if (!annual) continue;
      Target tg = *annual;
      tg.inherited = true;
      tg.confirmed = false;
      if (!std::isnan(shaped[std::size_t(m - 1)]))
        tg.value = st::round_half_even(shaped[std::size_t(m - 1)], std::max(ind.decimals, 1));
      tg.source = "年度目标按" + (how.rfind("pattern", 0) == 0 ? years + "年逐月规律分解" : std::string("全年同值")) +
                  "（默认，待确认）; annual: " + annual->source;
      months[std::size_t(m - 1)] = tg;
    }
  }
  return out;
}

}  // namespace skyriver::assess

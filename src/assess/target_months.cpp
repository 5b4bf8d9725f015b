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

int count_months(const std::array<double, 12>& a) {
  int n = 0;
  for (double v : a) n += !std::isnan(v);
  return n;
}

// Mean over the months that have a figure (NaN when none).
double mean_known(const std::array<double, 12>& a) {
  double s = 0;
  int n = 0;
  for (double v : a)
    if (!std::isnan(v)) s += v, ++n;
  return n ? s / n : st::kMissing;
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
  bool partial = false;  // some month of some indicator kept the annual target

  for (const auto& ind : indicators()) {
    const std::string code(ind.code);
    const auto annual = t.annual(area, year, ind.code);
    auto& months = out.by_indicator[code];
    // Shape factors (NaN = flat) per month.
    std::array<double, 12> shaped;
    shaped.fill(st::kMissing);
    int known = 0;  // months shaped by the pattern; the others keep the annual target
    if (pattern && annual && annual->value && ind.air) {
      const double T = *annual->value;
      if (code == "good_ratio") {
        const double m = mean_known(base.not_good);
        if (!std::isnan(m) && m > 0) {
          for (int i = 0; i < 12; ++i)
            if (!std::isnan(base.not_good[std::size_t(i)]))
              shaped[std::size_t(i)] = std::clamp(100.0 * (1.0 - (1.0 - T / 100.0) * base.not_good[std::size_t(i)] / m), 0.0, 100.0);
          known = count_months(base.not_good);
        }
      } else if (code == "heavy_days") {
        // The months with a base share the part of the year they cover, by their heavy days
        // (by length when there were none); the others keep their share by length.
        double total = 0, covered = 0;
        for (int i = 0; i < 12; ++i)
          if (!std::isnan(base.heavy[std::size_t(i)]))
            total += base.heavy[std::size_t(i)], covered += core::days_in_month(year, i + 1);
        known = count_months(base.heavy);
        const double part = T * covered / core::days_in_year(year);
        for (int i = 0; i < 12 && known; ++i) {
          const double len = core::days_in_month(year, i + 1);
          const double b = base.heavy[std::size_t(i)];
          shaped[std::size_t(i)] = std::isnan(b) ? T * len / core::days_in_year(year) : total > 0 ? part * b / total : part * len / covered;
        }
      } else if (auto it = base.mean.find(code); it != base.mean.end()) {
        const double m = mean_known(it->second);
        if (!std::isnan(m) && m > 0) {
          for (int i = 0; i < 12; ++i)
            if (!std::isnan(it->second[std::size_t(i)])) shaped[std::size_t(i)] = T * it->second[std::size_t(i)] / m;
          known = count_months(it->second);
        }
      }
      partial = partial || known < 12;
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
      tg.source = "年度目标按" +
                  (std::isnan(shaped[std::size_t(m - 1)]) ? std::string("全年同值")
                   : known == 12                           ? years + "年逐月规律分解"
                                                           : years + "年逐月规律分解（无完整基准月的月份取年度目标）") +
                  "（默认，待确认）; annual: " + annual->source;
      months[std::size_t(m - 1)] = tg;
    }
  }
  if (partial && !base.years.empty()) out.how += " (months without a complete base month: the annual target)";
  return out;
}

}  // namespace skyriver::assess

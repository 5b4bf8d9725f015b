#include "forecast/backtest.h"

#include "core/error.h"
#include "forecast/model_set.h"
#include "standards/aqi.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace skyriver::forecast {

BacktestResult run_backtest(const Panel& panel, const BacktestSpec& spec) {
  if (spec.issue_to <= spec.issue_from) throw core::Error("backtest", "empty test period");
  if (spec.train_end <= 0) throw core::Error("backtest", "no training hours before the test period");
  BacktestResult r;
  r.var = spec.var;
  r.horizons = spec.horizons;
  r.sites = panel.site_count();
  r.issues = spec.issue_to - spec.issue_from;
  r.issue_from = spec.issue_from;
  const std::size_t cells = r.horizons.size() * std::size_t(r.sites) * std::size_t(r.issues);
  for (auto* v : {&r.predicted, &r.actual, &r.persistence, &r.climatology, &r.low, &r.high}) v->assign(cells, NAN);

  const Climatology clim = Climatology::fit(panel, spec.train_end, true);
  const Climatology baseline = Climatology::fit(panel, spec.train_end, false);  // month x hour
  TrainSpan span;
  span.target_end = spec.train_end;
  span.valid_hours = spec.valid_hours;
  span.issue_step = spec.issue_step;
  for (std::size_t hi = 0; hi < r.horizons.size(); ++hi) {
    const int h = r.horizons[hi];
    if (spec.log) spec.log("training " + std::string(var_code(spec.var)) + " +" + std::to_string(h) + " h");
    BoosterParams params = params_for(spec.weather, h);
    params.threads = spec.params.threads;
    if (spec.max_rounds > 0) params.max_rounds = spec.max_rounds, params.early_stop = std::min(params.early_stop, spec.max_rounds);
    // Beyond a day without weather, the block model serve uses (25-48, 49-72 h: one model with
    // the horizon as a feature, trained on the whole block's rows): at these weak-signal
    // horizons pooling neighbouring horizons lowers the variance (chosen on two validation
    // years, docs/forecast.md). Otherwise a model of that horizon alone.
    std::array<int, 2> block{h, h};
    if (h > 24 && spec.weather == Weather::none)
      for (const auto& b : kBlocks)
        if (h >= b[0] && h <= b[1]) block = b;
    const HorizonModel m = fit_horizon_model(panel, clim, spec.weather, spec.var, block[0], block[1], span, params);
    r.models.push_back(m.card());
    FeatureBuilder fb(panel, clim, spec.weather);
    Matrix x;
    x.cols = fb.cols();
    x.x.resize(std::size_t(r.issues) * x.cols);
    x.offset.resize(r.issues);
    for (int s = 0; s < r.sites; ++s) {
      fb.select_site(s);
      const int base_site = baseline.site_index(panel.site(s)).value_or(-1);
      for (int i = 0; i < r.issues; ++i) {
        const int t = spec.issue_from + i;
        fb.row(t, h, spec.var, &x.x[std::size_t(i) * x.cols]);
        const float a = m.anchor(fb, t, h);
        x.offset[i] = std::isnan(a) ? 0.f : a;
        const std::size_t c = r.at(int(hi), s, i);
        r.actual[c] = panel.at(s, spec.var, t + h);
        r.persistence[c] = panel.at(s, spec.var, t);
        r.climatology[c] = baseline.at_time(base_site, spec.var, panel.time(t + h));
      }
      const std::vector<float> p = m.predict(x);
      for (int i = 0; i < r.issues; ++i) {
        const std::size_t c = r.at(int(hi), s, i);
        r.predicted[c] = p[i];
        r.low[c] = m.quantile(p[i], h, 0);
        r.high[c] = m.quantile(p[i], h, kQuantileLevels.size() - 1);
      }
    }
  }
  return r;
}

namespace {

struct Acc {
  std::size_t n = 0, np = 0, nc = 0, inside = 0;
  double se = 0, ae = 0, sep = 0, sec = 0;
  Score score() const {
    Score s;
    s.n = n, s.n_persistence = np, s.n_climatology = nc;
    if (n) s.rmse = std::sqrt(se / n), s.mae = ae / n, s.coverage = double(inside) / n;
    if (np) s.rmse_persistence = std::sqrt(sep / np);
    if (nc) s.rmse_climatology = std::sqrt(sec / nc);
    return s;
  }
};

}  // namespace

BacktestScores score_backtest(const BacktestResult& r) {
  BacktestScores out;
  for (std::size_t hi = 0; hi < r.horizons.size(); ++hi) {
    Acc all, common;
    std::vector<Acc> site(r.sites);
    for (int s = 0; s < r.sites; ++s)
      for (int i = 0; i < r.issues; ++i) {
        const std::size_t c = r.at(int(hi), s, i);
        const double y = r.actual[c], p = r.predicted[c], yp = r.persistence[c], yc = r.climatology[c];
        if (std::isnan(y) || std::isnan(p)) continue;
        const bool in = y >= r.low[c] && y <= r.high[c];
        all.n++, all.se += (y - p) * (y - p), all.ae += std::abs(y - p), all.inside += in;
        if (!std::isnan(yp)) all.np++, all.sep += (y - yp) * (y - yp);
        if (!std::isnan(yc)) all.nc++, all.sec += (y - yc) * (y - yc);
        if (std::isnan(yp) || std::isnan(yc)) continue;
        for (Acc* a : {&common, &site[s]}) {
          a->n++, a->np++, a->nc++, a->inside += in;
          a->se += (y - p) * (y - p), a->ae += std::abs(y - p);
          a->sep += (y - yp) * (y - yp), a->sec += (y - yc) * (y - yc);
        }
      }
    out.by_horizon.push_back(common.score());
    out.by_horizon_all.push_back(all.score());
    out.by_site.emplace_back();
    for (const auto& a : site) out.by_site.back().push_back(a.score());
  }
  return out;
}

std::vector<DayPair> next_day_pairs(const Panel& panel, const BacktestResult& r, const std::vector<float>& forecast,
                                    core::Instant label_offset) {
  std::vector<DayPair> out;
  const auto hi = std::find(r.horizons.begin(), r.horizons.end(), 24);
  if (hi == r.horizons.end()) return out;
  const int var = r.var;
  if (var != kPm25 && var != kPm10) return out;
  const auto scale = var == kPm25 ? standards::Scale::pm25_24h : standards::Scale::pm10_24h;
  const int h = int(hi - r.horizons.begin());
  for (int s = 0; s < r.sites; ++s) {
    struct Day {
      double p = 0, y = 0;
      int np = 0, ny = 0;
    };
    std::map<std::int64_t, Day> days;  // by the label's Beijing day
    for (int i = 0; i < r.issues; ++i) {
      const std::size_t c = r.at(h, s, i);
      const core::Instant label = panel.time(r.issue_from + i + 24) + label_offset;
      Day& d = days[core::days_from_civil(core::beijing_date(label))];  // the day the file writes
      if (!std::isnan(forecast[c])) d.p += forecast[c], ++d.np;
      if (!std::isnan(r.actual[c])) d.y += r.actual[c], ++d.ny;
    }
    for (const auto& [day, d] : days) {
      if (d.np < 20 || d.ny < 20) continue;
      const core::Date date = core::civil_from_days(day);
      const auto e = standards::edition_for(date);
      const auto pf = standards::iaqi(e, scale, d.p / d.np), po = standards::iaqi(e, scale, d.y / d.ny);
      if (!pf || !po) continue;
      const std::string code(var_code(var));
      out.push_back({panel.site(s), date, *pf, *po, *pf > 50 ? code : "", *po > 50 ? code : ""});
    }
  }
  return out;
}

}  // namespace skyriver::forecast

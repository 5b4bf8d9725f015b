#include "forecast/horizon_model.h"

#include "core/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace skyriver::forecast {

namespace {

float base_of(float clim, float ratio, float alpha) {
  if (std::isnan(clim) || std::isnan(ratio) || alpha == 0) return clim;
  return clim * std::pow(ratio, alpha);
}

}  // namespace

float HorizonModel::base(const FeatureBuilder& fb, int t, int h) const {
  const std::size_t i = std::size_t(std::clamp(h, h_first, h_last) - h_first);
  const float alpha = i < level_alpha.size() ? level_alpha[i] : 0.f;
  return base_of(fb.clim_at(t + h, var), alpha == 0 ? NAN : fb.level_ratio(t, var), alpha);
}

float HorizonModel::anchor(const FeatureBuilder& fb, int t, int h) const {
  const float last = fb.latest(t, var), c = base(fb, t, h);
  if (std::isnan(c)) return last;
  if (std::isnan(last)) return c;
  const std::size_t i = std::size_t(std::clamp(h, h_first, h_last) - h_first);
  const float w = i < anchor_weight.size() ? anchor_weight[i] : 0.f;
  return c + w * (last - c);
}

std::vector<float> HorizonModel::predict(const Matrix& rows) const {
  std::vector<float> p = booster.predict(rows);
  for (float& x : p) x = std::max(0.f, x);  // a concentration is never negative
  return p;
}

float HorizonModel::quantile(float predicted, int h, std::size_t level) const {
  std::size_t k = 0;
  while (k + 1 < interval.size() && h > interval[k].h_last) ++k;
  if (k >= interval.size() || interval[k].error_quantiles.empty()) return predicted;
  const IntervalPart& part = interval[k];
  std::size_t b = 0;
  while (b < part.bin_edges.size() && predicted > part.bin_edges[b]) ++b;
  b = std::min(b, part.error_quantiles.size() - 1);
  return std::max(0.f, predicted + part.error_quantiles[b][level]);
}

std::vector<IntervalPart> fit_intervals(int h_first, int h_last, std::span<const int> horizon,
                                        std::span<const float> predicted, std::span<const double> error,
                                        std::size_t min_errors) {
  std::vector<std::size_t> per_h(std::size_t(h_last - h_first + 1), 0);
  for (int h : horizon) ++per_h[std::size_t(h - h_first)];
  // Part ends: gather horizons until min_errors; a short remainder joins the last part.
  std::vector<int> ends;
  std::size_t n = 0;
  for (int h = h_first; h <= h_last; ++h)
    if ((n += per_h[std::size_t(h - h_first)]) >= min_errors) ends.push_back(h), n = 0;
  if (ends.empty())
    ends.push_back(h_last);
  else
    ends.back() = h_last;
  std::vector<IntervalPart> parts;
  int from = h_first;
  for (int end : ends) {
    IntervalPart part;
    part.h_last = end;
    std::vector<std::size_t> order;  // this part's rows in input order, then by prediction
    for (std::size_t i = 0; i < horizon.size(); ++i)
      if (horizon[i] >= from && horizon[i] <= end) order.push_back(i);
    from = end + 1;
    if (order.empty()) {  // no held-out error at all: no interval
      parts.push_back(std::move(part));
      continue;
    }
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return predicted[a] < predicted[b]; });
    // Up to five bins of equal counts, at least 200 errors each.
    const std::size_t bins = std::min<std::size_t>(5, std::max<std::size_t>(1, order.size() / 200));
    for (std::size_t b = 0; b < bins; ++b) {
      const std::size_t lo = order.size() * b / bins, hi = order.size() * (b + 1) / bins;
      std::vector<float> e;
      for (std::size_t i = lo; i < hi; ++i) e.push_back(float(error[order[i]]));
      std::sort(e.begin(), e.end());
      std::array<float, kQuantileLevels.size()> q{};
      for (std::size_t l = 0; l < q.size(); ++l)
        q[l] = e[std::min(e.size() - 1, std::size_t(kQuantileLevels[l] * double(e.size())))];
      part.error_quantiles.push_back(q);
      if (b + 1 < bins) part.bin_edges.push_back(predicted[order[hi - 1]]);
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

nlohmann::json HorizonModel::card() const {
  nlohmann::json j;
  j["pollutant"] = std::string(var_code(var));
  j["horizons"] = {h_first, h_last};
  j["weather"] = std::string(to_string(weather));
  j["rounds"] = rounds;
  j["anchor_weight"] = anchor_weight;
  j["level_alpha"] = level_alpha;
  auto num = [](double x) { return std::isnan(x) ? nlohmann::json() : nlohmann::json(std::round(x * 100) / 100); };
  j["held_out"] = {{"rows", held_out.rows},
                   {"rmse", num(held_out.rmse)},
                   {"mae", num(held_out.mae)},
                   {"rmse_persistence", num(held_out.rmse_persistence)},
                   {"rmse_climatology", num(held_out.rmse_climatology)}};
  nlohmann::json parts = nlohmann::json::array();
  int from = h_first;
  for (const auto& p : interval) {
    parts.push_back({{"horizons", {from, p.h_last}}, {"bin_edges", p.bin_edges}, {"error_quantiles", p.error_quantiles}});
    from = p.h_last + 1;
  }
  j["interval"] = {{"levels", kQuantileLevels}, {"parts", parts}};
  return j;
}

namespace {

struct RowRef {
  int site, t, h;
};

// Deterministic choice of horizons inside a block for one issue (spreads a block's rows evenly
// over its horizons without a random generator whose sequence would depend on the platform).
int pick_horizon(int site, int t, int j, int h_first, int h_last) {
  const std::uint64_t x = (std::uint64_t(site) * 1000003u + std::uint64_t(t) * 7919u + std::uint64_t(j) * 104729u) *
                          0x9E3779B97F4A7C15ull;
  return h_first + int((x >> 33) % std::uint64_t(h_last - h_first + 1));
}

// The rows of (site, issue, horizon) whose target lies in [target_lo, target_hi) with a value.
std::vector<RowRef> select_rows(const Panel& panel, int var, int h_first, int h_last, const TrainSpan& span,
                                int target_lo, int target_hi) {
  std::vector<RowRef> rows;
  const int per_issue = h_first == h_last ? 1 : 2;
  for (int s = 0; s < panel.site_count(); ++s) {
    const float* y = panel.series(s, var);
    for (int t = span.first_issue; t + h_first < target_hi; t += span.issue_step)
      for (int j = 0; j < per_issue; ++j) {
        const int h = h_first == h_last ? h_first : pick_horizon(s, t, j, h_first, h_last);
        const int u = t + h;
        if (u < target_lo || u >= target_hi || u >= panel.hours() || std::isnan(y[u])) continue;
        rows.push_back({s, t, h});
      }
  }
  return rows;
}

// The anchor's parameters per horizon of the block (see HorizonModel::anchor_weight): for
// each alpha of a grid, the least-squares w; the pair with the smallest squared error.
// Rows between two cancellation checks while features are built (a few ms of work).
constexpr std::size_t kRowsPerCheck = 1 << 14;

void fit_anchor(const Panel& panel, FeatureBuilder& fb, HorizonModel& m, const std::vector<RowRef>& rows,
                const Cancelled& cancelled) {
  constexpr int kGrid = 9;  // alpha = 0, 1/8, ..., 1
  const std::size_t nh = std::size_t(m.h_last - m.h_first + 1);
  struct Acc {
    double ab = 0, aa = 0, bb = 0;
  };
  std::vector<Acc> acc(nh * kGrid);
  int site = -1;
  std::size_t done = 0;
  for (const auto& r : rows) {
    if (++done % kRowsPerCheck == 0) stop_if(cancelled);
    if (r.site != site) fb.select_site(site = r.site);
    const float last = fb.latest(r.t, m.var), c = fb.clim_at(r.t + r.h, m.var);
    if (std::isnan(last) || std::isnan(c)) continue;
    const float ratio = fb.level_ratio(r.t, m.var);
    const double y = panel.at(r.site, m.var, r.t + r.h);
    for (int g = 0; g < kGrid; ++g) {
      const double b = base_of(c, ratio, float(g) / (kGrid - 1));
      Acc& a = acc[std::size_t(r.h - m.h_first) * kGrid + g];
      a.ab += (last - b) * (y - b), a.aa += (last - b) * (last - b), a.bb += (y - b) * (y - b);
    }
  }
  m.anchor_weight.assign(nh, 0.f);
  m.level_alpha.assign(nh, 0.f);
  for (std::size_t i = 0; i < nh; ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (int g = 0; g < kGrid; ++g) {
      const Acc& a = acc[i * kGrid + g];
      const double w = a.aa > 0 ? std::clamp(a.ab / a.aa, 0.0, 1.0) : 0.0;
      const double sse = a.bb - 2 * w * a.ab + w * w * a.aa;  // sum of (y - b - w (last - b))^2
      if (sse < best) best = sse, m.anchor_weight[i] = float(w), m.level_alpha[i] = float(g) / (kGrid - 1);
    }
  }
}

Matrix fill(const Panel& panel, FeatureBuilder& fb, const HorizonModel& m, const std::vector<RowRef>& rows,
            const Cancelled& cancelled) {
  Matrix x;
  x.cols = fb.cols();
  x.x.resize(rows.size() * std::size_t(x.cols));
  x.label.resize(rows.size());
  x.offset.resize(rows.size());
  int site = -1;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i % kRowsPerCheck == kRowsPerCheck - 1) stop_if(cancelled);
    const auto& r = rows[i];
    if (r.site != site) fb.select_site(site = r.site);
    fb.row(r.t, r.h, m.var, &x.x[i * std::size_t(x.cols)]);
    x.label[i] = panel.at(r.site, m.var, r.t + r.h);
    const float a = m.anchor(fb, r.t, r.h);
    x.offset[i] = std::isnan(a) ? 0.f : a;
  }
  return x;
}

double rmse_of(const std::vector<double>& err) {
  if (err.empty()) return NAN;
  double s = 0;
  for (double e : err) s += e * e;
  return std::sqrt(s / double(err.size()));
}

}  // namespace

HorizonModel fit_horizon_model(const Panel& panel, const Climatology& clim, Weather weather, int var,
                               int h_first, int h_last, const TrainSpan& span, const BoosterParams& params) {
  HorizonModel m;
  m.var = var, m.h_first = h_first, m.h_last = h_last, m.weather = weather;
  const int valid_start = span.target_end - span.valid_hours;

  if (span.valid_hours > 0) {
    // Held-out stage: climatology and anchors from the earlier part only.
    const Climatology clim_early = Climatology::fit(panel, valid_start, true, Climatology::kMinCount, params.cancelled);
    const Climatology baseline = Climatology::fit(panel, valid_start, false, Climatology::kMinCount, params.cancelled);
    FeatureBuilder fb(panel, clim_early, weather);
    const auto fit_rows = select_rows(panel, var, h_first, h_last, span, 0, valid_start);
    const auto held_rows = select_rows(panel, var, h_first, h_last, span, valid_start, span.target_end);
    if (fit_rows.empty() || held_rows.empty())
      throw core::Error("forecast train", "too few values of " + std::string(var_code(var)) +
                                              " to fit and hold out (span too short)");
    HorizonModel early = HorizonModel{};
    early.var = var, early.h_first = h_first, early.h_last = h_last, early.weather = weather;
    fit_anchor(panel, fb, early, fit_rows, params.cancelled);
    const Matrix train = fill(panel, fb, early, fit_rows, params.cancelled);
    const Matrix held = fill(panel, fb, early, held_rows, params.cancelled);
    early.booster = Booster::train(train, &held, params);
    m.rounds = std::max(20, int(std::lround(early.booster.rounds() * 1.1)));
    const std::vector<float> p = early.predict(held);
    // Scores and error quantiles of the held-out rows.
    std::vector<double> err, err_p, err_c, err_pm, err_cm;
    err.reserve(p.size());
    double abs_sum = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const double e = double(held.label[i]) - p[i];
      err.push_back(e);
      abs_sum += std::abs(e);
    }
    int site = -1;
    for (std::size_t i = 0; i < held_rows.size(); ++i) {
      const auto& r = held_rows[i];
      if (r.site != site) fb.select_site(site = r.site);
      const double y0 = panel.at(r.site, var, r.t),
                   c = baseline.at_time(baseline.site_index(panel.site(r.site)).value_or(-1), var,
                                        panel.time(r.t + r.h));
      if (!std::isnan(y0)) err_p.push_back(held.label[i] - y0), err_pm.push_back(err[i]);
      if (!std::isnan(c)) err_c.push_back(held.label[i] - c), err_cm.push_back(err[i]);
    }
    m.held_out.rows = p.size();
    m.held_out.rmse = rmse_of(err);
    m.held_out.mae = abs_sum / double(p.size());
    m.held_out.rmse_persistence = rmse_of(err_p);
    m.held_out.rmse_climatology = rmse_of(err_c);
    std::vector<int> hs;
    hs.reserve(held_rows.size());
    for (const auto& r : held_rows) hs.push_back(r.h);
    m.interval = fit_intervals(h_first, h_last, hs, p, err);
  }

  FeatureBuilder fb(panel, clim, weather);
  const auto rows = select_rows(panel, var, h_first, h_last, span, 0, span.target_end);
  if (rows.empty())
    throw core::Error("forecast train", "no values of " + std::string(var_code(var)) + " to train on");
  fit_anchor(panel, fb, m, rows, params.cancelled);
  const Matrix train = fill(panel, fb, m, rows, params.cancelled);
  m.booster = Booster::train(train, nullptr, params, m.rounds > 0 ? m.rounds : params.max_rounds);
  m.rounds = m.booster.rounds();
  return m;
}

}  // namespace skyriver::forecast

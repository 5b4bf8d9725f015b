#include "forecast/features.h"

#include <algorithm>
#include <cmath>

namespace skyriver::forecast {

std::string_view to_string(Weather w) { return w == Weather::none ? "none" : "future"; }

namespace {

constexpr int kU = kVarCount, kV = kVarCount + 1, kRh = kVarCount + 2, kDerived = kVarCount + 3;

// Relative humidity (%) from temperature and dew point (°C), Magnus formula (Alduchov & Eskridge
// 1996 coefficients).
float relative_humidity(float t, float td) {
  if (std::isnan(t) || std::isnan(td)) return NAN;
  const double rh = 100.0 * std::exp(17.625 * td / (243.04 + td)) / std::exp(17.625 * t / (243.04 + t));
  return float(std::min(100.0, rh));
}

}  // namespace

// Where features go: into a row, or (once) into the list of names.
struct FeatureBuilder::Out {
  float* p = nullptr;
  std::vector<std::string>* names = nullptr;
  void operator()(const char* name, double v) {
    if (names) names->push_back(name);
    else *p++ = static_cast<float>(v);
  }
};

FeatureBuilder::FeatureBuilder(const Panel& panel, const Climatology& clim, Weather weather)
    : FeatureBuilder(panel, clim, weather, 0) {
  cols_ = int(names(weather).size());
}

FeatureBuilder::FeatureBuilder(const Panel& panel, const Climatology& clim, Weather weather, int)
    : panel_(panel), clim_(clim), weather_(weather) {
  for (int s = 0; s < panel.site_count(); ++s)
    clim_index_.push_back(clim.site_index(panel.site(s)).value_or(-1));
  when_.reserve(std::size_t(panel.hours()));
  for (int k = 0; k < panel.hours(); ++k) when_.push_back(clim.when(panel.time(k)));
  const int hours = panel.hours(), groups = std::max(1, panel.group_count());
  city_.assign(std::size_t(groups) * kPollutantCount, std::vector<float>(hours, NAN));
  city_sums_.resize(city_.size());
  std::vector<int> n(hours);
  for (int g = 0; g < groups; ++g)
    for (int v = 0; v < kPollutantCount; ++v) {
      auto& c = city_[std::size_t(g) * kPollutantCount + v];
      std::vector<double> sum(hours, 0.0);
      std::fill(n.begin(), n.end(), 0);
      for (int s = 0; s < panel.site_count(); ++s) {
        if (panel.group(s) != g) continue;
        const float* x = panel.series(s, v);
        for (int k = 0; k < hours; ++k)
          if (!std::isnan(x[k])) sum[k] += x[k], ++n[k];
      }
      for (int k = 0; k < hours; ++k)
        if (n[k]) c[k] = float(sum[k] / n[k]);
      auto& cs = city_sums_[std::size_t(g) * kPollutantCount + v];
      cs.sum.assign(hours + 1, 0.0);
      cs.n.assign(hours + 1, 0);
      for (int k = 0; k < hours; ++k) {
        const bool ok = !std::isnan(c[k]);
        cs.sum[k + 1] = cs.sum[k] + (ok ? c[k] : 0.0);
        cs.n[k + 1] = cs.n[k] + (ok ? 1 : 0);
      }
    }
}

void FeatureBuilder::select_site(int site) {
  site_ = site;
  clim_site_ = clim_index_[site];
  const int hours = panel_.hours();
  u_.assign(hours, NAN), v_.assign(hours, NAN), rh_.assign(hours, NAN);
  const float* ws = panel_.series(site, kWspm);
  const float* wd = panel_.series(site, kWd);
  const float* t = panel_.series(site, kTemp);
  const float* td = panel_.series(site, kDewp);
  for (int k = 0; k < hours; ++k) {
    if (!std::isnan(ws[k]) && ws[k] == 0) u_[k] = v_[k] = 0;
    else if (!std::isnan(ws[k]) && !std::isnan(wd[k])) {
      const double a = wd[k] * M_PI / 180.0;  // the direction the wind blows FROM
      u_[k] = float(-ws[k] * std::sin(a));
      v_[k] = float(-ws[k] * std::cos(a));
    }
    rh_[k] = relative_humidity(t[k], td[k]);
  }
  clim_sums_.resize(kPollutantCount);
  for (int v = 0; v < kPollutantCount; ++v) {
    const float* x = panel_.series(site, v);
    auto& cs = clim_sums_[v];
    cs.sum.assign(hours + 1, 0.0);
    cs.n.assign(hours + 1, 0);
    for (int k = 0; k < hours; ++k) {
      const float c = std::isnan(x[k]) ? NAN : clim_at(k, v);
      const bool ok = !std::isnan(c);
      cs.sum[k + 1] = cs.sum[k] + (ok ? c : 0.0);
      cs.n[k + 1] = cs.n[k] + (ok ? 1 : 0);
    }
  }
  sums_.resize(kDerived);
  for (int v = 0; v < kDerived; ++v) {
    const float* x = v == kU ? u_.data() : v == kV ? v_.data() : v == kRh ? rh_.data() : panel_.series(site, v);
    auto& s = sums_[v];
    s.sum.assign(hours + 1, 0.0);
    s.n.assign(hours + 1, 0);
    for (int k = 0; k < hours; ++k) {
      const bool ok = !std::isnan(x[k]);
      s.sum[k + 1] = s.sum[k] + (ok ? x[k] : 0.0);
      s.n[k + 1] = s.n[k] + (ok ? 1 : 0);
    }
  }
}

double FeatureBuilder::mean(const Sums& s, int a, int b) const {
  a = std::max(a, 0);
  b = std::min(b, panel_.hours() - 1);
  if (b < a) return NAN;
  const int n = s.n[b + 1] - s.n[a];
  return n ? (s.sum[b + 1] - s.sum[a]) / n : NAN;
}

double FeatureBuilder::mean_var(int var, int a, int b) const { return mean(sums_[var], a, b); }

float FeatureBuilder::latest(int t, int var, int within) const {
  for (int k = t; k > t - within && k >= 0; --k) {
    const float x = panel_.at(site_, var, k);
    if (!std::isnan(x)) return x;
  }
  return NAN;
}

float FeatureBuilder::level_ratio(int t, int var, int days) const {
  const int a = std::max(0, t - 24 * days + 1), b = std::min(t, panel_.hours() - 1);
  if (b < a) return NAN;
  const auto& y = sums_[var];
  const auto& c = clim_sums_[var];
  const int n = c.n[b + 1] - c.n[a];
  const double cs = c.sum[b + 1] - c.sum[a];
  if (n < 6 * days || cs <= 0) return NAN;
  // Both sums run over the hours holding a value and a climatology (the same hours).
  return float(std::clamp((y.sum[b + 1] - y.sum[a]) / cs, 0.2, 5.0));
}

float FeatureBuilder::clim_at(int k, int var) const {
  if (k >= 0 && k < int(when_.size())) return clim_.at(clim_site_, var, when_[std::size_t(k)]);
  return clim_.at_time(clim_site_, var, panel_.time(k));
}

std::vector<std::string> FeatureBuilder::names(Weather weather) {
  static const std::vector<std::string> kNames[2] = {[] {
    return record(Weather::none);
  }(), [] { return record(Weather::future); }()};
  return kNames[weather == Weather::none ? 0 : 1];
}

std::vector<std::string> FeatureBuilder::record(Weather weather) {
  Panel p(0, 1, {"x"}, {0});
  const Climatology c = Climatology::fit(p, 1);
  FeatureBuilder b(p, c, weather, 0);
  b.select_site(0);
  std::vector<std::string> names;
  Out out{nullptr, &names};
  b.fill(0, 1, kPm25, out);
  return names;
}

void FeatureBuilder::row(int t, int h, int var, float* dest) const {
  Out out{dest, nullptr};
  fill(t, h, var, out);
}

void FeatureBuilder::fill(int t, int h, int var, Out& f) const {
  const int s = site_, u = t + h;
  const auto at = [&](int v, int k) -> double { return k > t && v < kMetFirst ? NAN : panel_.at(s, v, k); };
  const auto window = [&](int v, int a, int b) { return mean_var(v, a, std::min(b, t)); };

  // The pollutant's own history.
  const double y0 = at(var, t);
  double ylast = NAN, age = NAN;
  for (int k = t; k > t - 24 && k >= 0; --k)
    if (!std::isnan(panel_.at(s, var, k))) {
      ylast = panel_.at(s, var, k), age = t - k;
      break;
    }
  f("y0", y0);
  f("y_last24", ylast);
  f("y_age", age);
  static const std::pair<int, const char*> kLags[] = {{1, "y_lag1"}, {2, "y_lag2"}, {3, "y_lag3"},
                                                       {6, "y_lag6"}, {12, "y_lag12"}, {23, "y_lag23"}};
  for (const auto& [lag, name] : kLags) f(name, at(var, t - lag));
  const int back = 24 * ((h + 23) / 24);  // the latest hour with the target's hour of day
  f("y_same_hour", at(var, u - back));
  f("y_same_hour_2", at(var, u - back - 24));
  const double m3 = window(var, t - 2, t), m24 = window(var, t - 23, t);
  f("y_mean3", m3);
  f("y_mean6", window(var, t - 5, t));
  f("y_mean12", window(var, t - 11, t));
  f("y_mean24", m24);
  f("y_mean48", window(var, t - 47, t));
  f("y_mean168", window(var, t - 167, t));
  f("y_mean720", window(var, t - 719, t));
  double mx = NAN, mn = NAN;
  for (int k = std::max(0, t - 23); k <= t; ++k) {
    const double x = at(var, k);
    if (std::isnan(x)) continue;
    mx = std::isnan(mx) ? x : std::max(mx, x);
    mn = std::isnan(mn) ? x : std::min(mn, x);
  }
  f("y_max24", mx);
  f("y_min24", mn);
  f("y_change1", y0 - at(var, t - 1));
  f("y_trend3", m3 - window(var, t - 5, t - 3));
  f("y_trend24", m24 - window(var, t - 47, t - 24));

  // The other pollutants of the site.
  static const char* kOther[kPollutantCount][2] = {{"pm25_now", "pm25_mean24"}, {"pm10_now", "pm10_mean24"},
                                                   {"so2_now", "so2_mean24"},   {"no2_now", "no2_mean24"},
                                                   {"co_now", "co_mean24"},     {"o3_now", "o3_mean24"}};
  for (int v = 0; v < kPollutantCount; ++v) {
    if (v == var) continue;
    f(kOther[v][0], window(v, t - 2, t));
    f(kOther[v][1], window(v, t - 23, t));
  }
  const double pm25_3 = window(kPm25, t - 2, t), pm10_3 = window(kPm10, t - 2, t);
  f("pm_ratio", pm10_3 > 0 ? pm25_3 / pm10_3 : NAN);

  // The city: mean of the group's sites.
  const std::size_t ci = std::size_t(panel_.group(s)) * kPollutantCount + var;
  const auto& city = city_[ci];
  const double c0 = t >= 0 && t < panel_.hours() ? city[t] : NAN;
  f("city_now", c0);
  f("city_change1", c0 - (t >= 1 && t - 1 < panel_.hours() ? city[t - 1] : NAN));
  f("city_mean3", mean(city_sums_[ci], t - 2, t));
  f("city_mean24", mean(city_sums_[ci], t - 23, t));
  f("site_minus_city", m3 - mean(city_sums_[ci], t - 2, t));

  // Climatology of the target hour and of the issue hour.
  const double clim_u = clim_at(u, var), clim_t = clim_at(t, var);
  f("clim_target", clim_u);
  f("clim_issue", clim_t);
  f("anomaly_now", m3 - clim_t);
  f("anomaly_24", m24 - window_clim(t, var));
  f("level_ratio7", level_ratio(t, var, 7));
  f("level_ratio30", level_ratio(t, var, 30));

  // Calendar of the target hour (Beijing time).
  const auto bu = core::to_beijing(panel_.time(u));
  const auto bt = core::to_beijing(panel_.time(t));
  f("horizon", h);
  f("hour", bu.hour);
  f("issue_hour", bt.hour);
  f("weekday", (core::days_from_civil(bu.date) + 4) % 7);  // 1970-01-01 was a Thursday (4)
  f("day_of_year", core::day_of_year(bu.date));
  const auto sf = days_from_spring_festival(bu.date);
  f("spring_festival", sf ? std::clamp(*sf, -30, 30) : NAN);

  // Weather observed up to the issue.
  const auto met = [&](int v, int k) -> double {  // latest within 3 h at or before k
    for (int j = k; j > k - 3 && j >= 0; --j) {
      const double x = v == kU ? (j < int(u_.size()) ? u_[j] : NAN)
                       : v == kV ? (j < int(v_.size()) ? v_[j] : NAN)
                       : v == kRh ? (j < int(rh_.size()) ? rh_[j] : NAN)
                                  : panel_.at(s, v, j);
      if (!std::isnan(x)) return x;
    }
    return NAN;
  };
  f("temp_now", met(kTemp, t));
  f("dewp_now", met(kDewp, t));
  f("rh_now", met(kRh, t));
  f("pres_now", met(kPres, t));
  f("wspm_now", met(kWspm, t));
  f("u_now", met(kU, t));
  f("v_now", met(kV, t));
  const double rain24 = window(kRain, t - 23, t);
  f("rain_sum24", std::isnan(rain24) ? NAN : rain24 * 24);
  f("wspm_mean6", window(kWspm, t - 5, t));
  f("u_mean6", window(kU, t - 5, t));
  f("v_mean6", window(kV, t - 5, t));
  f("wspm_mean24", window(kWspm, t - 23, t));
  f("u_mean24", window(kU, t - 23, t));
  f("v_mean24", window(kV, t - 23, t));
  f("dewp_mean24", window(kDewp, t - 23, t));
  f("pres_change24", met(kPres, t) - met(kPres, t - 24));
  f("dewp_change24", met(kDewp, t) - met(kDewp, t - 24));

  if (weather_ == Weather::none) return;
  // Weather of the hours after the issue (a weather forecast; observed in a backtest).
  const auto fut = [&](int v, int a, int b) { return mean_var(v, std::max(a, t + 1), b); };
  f("temp_target", fut(kTemp, u, u));
  f("dewp_target", fut(kDewp, u, u));
  f("rh_target", fut(kRh, u, u));
  f("pres_target", fut(kPres, u, u));
  f("wspm_target", fut(kWspm, u, u));
  f("u_target", fut(kU, u, u));
  f("v_target", fut(kV, u, u));
  f("wspm_next6", fut(kWspm, u - 5, u));
  f("u_next6", fut(kU, u - 5, u));
  f("v_next6", fut(kV, u - 5, u));
  f("wspm_next24", fut(kWspm, u - 23, u));
  f("u_next24", fut(kU, u - 23, u));
  f("v_next24", fut(kV, u - 23, u));
  f("rh_next24", fut(kRh, u - 23, u));
  f("dewp_next24", fut(kDewp, u - 23, u));
  const double rain_w = fut(kRain, u - 23, u);
  f("rain_next24", std::isnan(rain_w) ? NAN : rain_w * std::min(24, h));
  f("wspm_window", fut(kWspm, t + 1, u));
  f("u_window", fut(kU, t + 1, u));
  f("v_window", fut(kV, t + 1, u));
  f("pres_change", fut(kPres, u, u) - met(kPres, t));
  f("dewp_change", fut(kDewp, u, u) - met(kDewp, t));
  f("temp_change", fut(kTemp, u, u) - met(kTemp, t));
}

double FeatureBuilder::window_clim(int t, int var) const {
  double sum = 0;
  int n = 0;
  for (int k = t - 23; k <= t; ++k) {
    const float c = clim_at(k, var);
    if (!std::isnan(c)) sum += c, ++n;
  }
  return n ? sum / n : NAN;
}

}  // namespace skyriver::forecast

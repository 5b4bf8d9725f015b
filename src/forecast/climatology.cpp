#include "forecast/climatology.h"

#include "core/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace skyriver::forecast {

Climatology Climatology::fit(const Panel& panel, int end, bool smooth, int min_count, const Cancelled& cancelled) {
  end = std::clamp(end, 0, panel.hours());
  Climatology c;
  c.smooth_ = smooth;
  const int n = panel.site_count();
  for (int s = 0; s < n; ++s) {
    c.sites_.push_back(panel.site(s));
    c.index_[panel.site(s)] = s;
  }
  const std::size_t cells = std::size_t(n) * kVarCount * 12 * 24;
  std::vector<double> sum(cells, 0.0);
  c.count_.assign(cells, 0);
  // Calendar of each panel hour once.
  std::vector<std::uint8_t> month(end), hour(end);
  for (int k = 0; k < end; ++k) {
    const auto bt = core::to_beijing(panel.time(k));
    month[k] = std::uint8_t(bt.date.month), hour[k] = std::uint8_t(bt.hour);
  }
  for (int s = 0; s < n; ++s)
    for (int v = 0; v < kVarCount; ++v) {
      if (v == 0) stop_if(cancelled);  // a site's years of hours: a few ms each
      const float* x = panel.series(s, v);
      for (int k = 0; k < end; ++k)
        if (!std::isnan(x[k])) {
          const auto i = cell(s, v, month[k], hour[k]);
          sum[i] += x[k];
          ++c.count_[i];
        }
    }
  if (smooth) {
    // Triangular kernels, circular: five months (1 2 3 2 1), three hours (1 2 1). The width was
    // chosen on the years before the backtest's test year (docs/forecast.md).
    static constexpr double km[5] = {1, 2, 3, 2, 1}, kh[3] = {1, 2, 1};
    constexpr int rm = 2, rh = 1;
    std::vector<double> sum2(cells, 0.0), cnt2(cells, 0.0);
    for (int s = 0; s < n; ++s)
      for (int v = 0; v < kVarCount; ++v)
        for (int m = 1; m <= 12; ++m)
          for (int h = 0; h < 24; ++h) {
            if (v == 0 && m == 1 && h == 0) stop_if(cancelled);
            double sw = 0, cw = 0;
            for (int dm = -rm; dm <= rm; ++dm)
              for (int dh = -rh; dh <= rh; ++dh) {
                const int mm = (m - 1 + dm + 24) % 12 + 1, hh = (h + dh + 48) % 24;
                const double w = km[dm + rm] * kh[dh + rh];
                sw += w * sum[cell(s, v, mm, hh)], cw += w * c.count_[cell(s, v, mm, hh)];
              }
            sum2[cell(s, v, m, h)] = sw, cnt2[cell(s, v, m, h)] = cw;
          }
    for (std::size_t i = 0; i < cells; ++i)
      sum[i] = cnt2[i] > 0 ? sum2[i] / cnt2[i] * c.count_[i] : 0.0;  // keep counts, smooth means
  }
  c.mean_.assign(cells, NAN);
  c.overall_.assign(kVarCount, NAN);
  // Group month-hour sums, site month sums, site overall, all-site overall.
  const int groups = std::max(1, panel.group_count());
  std::vector<double> gsum(std::size_t(groups) * kVarCount * 12 * 24, 0.0);
  std::vector<int> gcnt(gsum.size(), 0);
  for (int s = 0; s < n; ++s)
    for (int v = 0; v < kVarCount; ++v)
      for (int m = 1; m <= 12; ++m)
        for (int h = 0; h < 24; ++h) {
          const auto i = cell(s, v, m, h), g = cell(panel.group(s), v, m, h);
          gsum[g] += sum[i];
          gcnt[g] += c.count_[i];
        }
  for (int v = 0; v < kVarCount; ++v) {
    double all = 0;
    long long alln = 0;
    for (int s = 0; s < n; ++s)
      for (int m = 1; m <= 12; ++m)
        for (int h = 0; h < 24; ++h) all += sum[cell(s, v, m, h)], alln += c.count_[cell(s, v, m, h)];
    if (alln) c.overall_[v] = float(all / double(alln));
  }
  for (int s = 0; s < n; ++s)
    for (int v = 0; v < kVarCount; ++v) {
      double site_all = 0;
      long long site_n = 0;
      std::array<double, 12> msum{};
      std::array<long long, 12> mcnt{};
      for (int m = 1; m <= 12; ++m)
        for (int h = 0; h < 24; ++h) {
          const auto i = cell(s, v, m, h);
          msum[m - 1] += sum[i], mcnt[m - 1] += c.count_[i];
        }
      for (int m = 0; m < 12; ++m) site_all += msum[m], site_n += mcnt[m];
      for (int m = 1; m <= 12; ++m)
        for (int h = 0; h < 24; ++h) {
          const auto i = cell(s, v, m, h), g = cell(panel.group(s), v, m, h);
          float value = NAN;
          if (c.count_[i] >= min_count) value = float(sum[i] / c.count_[i]);
          else if (mcnt[m - 1] >= min_count) value = float(msum[m - 1] / double(mcnt[m - 1]));
          else if (gcnt[g] >= min_count) value = float(gsum[g] / gcnt[g]);
          else if (site_n > 0) value = float(site_all / double(site_n));
          c.mean_[i] = value;
        }
    }
  return c;
}

std::optional<int> Climatology::site_index(const std::string& id) const {
  auto it = index_.find(id);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

float Climatology::at(int site, int var, int month, int hour) const {
  if (site < 0 || site >= int(sites_.size())) return overall_.empty() ? NAN : overall_[var];
  return mean_[cell(site, var, month, hour)];
}

int Climatology::count(int site, int var, int month, int hour) const {
  if (site < 0 || site >= int(sites_.size())) return 0;
  return count_[cell(site, var, month, hour)];
}

Climatology::When Climatology::when(core::Instant t) const {
  const auto bt = core::to_beijing(t);
  When w;
  w.month = w.other = bt.date.month, w.hour = bt.hour;
  if (!smooth_) return w;
  // Linear between the centres of this month and the nearer neighbour month.
  const double days = core::days_in_month(bt.date.year, bt.date.month);
  const double pos = (bt.date.day - 0.5) / days - 0.5;  // -0.5 .. 0.5 from the month's centre
  w.other = pos < 0 ? (bt.date.month + 10) % 12 + 1 : bt.date.month % 12 + 1;
  w.w = std::abs(pos);
  return w;
}

float Climatology::at(int site, int var, const When& w) const {
  const float a = at(site, var, w.month, w.hour);
  if (!smooth_) return a;
  const float b = at(site, var, w.other, w.hour);
  if (std::isnan(b)) return a;
  return float((1 - w.w) * a + w.w * b);
}

float Climatology::at_time(int site, int var, core::Instant t) const { return at(site, var, when(t)); }

nlohmann::json Climatology::to_json() const {
  nlohmann::json j;
  j["sites"] = sites_;
  j["smooth"] = smooth_;
  j["overall"] = nlohmann::json::array();
  for (float x : overall_) j["overall"].push_back(std::isnan(x) ? nlohmann::json() : nlohmann::json(x));
  // One array of 12*24 per site and variable; null = no value.
  nlohmann::json tables = nlohmann::json::object();
  for (std::size_t s = 0; s < sites_.size(); ++s) {
    nlohmann::json site = nlohmann::json::object();
    for (int v = 0; v < kVarCount; ++v) {
      nlohmann::json means = nlohmann::json::array(), counts = nlohmann::json::array();
      for (int m = 1; m <= 12; ++m)
        for (int h = 0; h < 24; ++h) {
          const float x = mean_[cell(int(s), v, m, h)];
          means.push_back(std::isnan(x) ? nlohmann::json() : nlohmann::json(x));  // exact: a loaded set predicts as trained
          counts.push_back(count_[cell(int(s), v, m, h)]);
        }
      site[std::string(var_code(v))] = {{"mean", means}, {"count", counts}};
    }
    tables[sites_[s]] = site;
  }
  j["tables"] = tables;
  return j;
}

Climatology Climatology::from_json(const nlohmann::json& j) {
  Climatology c;
  try {
    c.sites_ = j.at("sites").get<std::vector<std::string>>();
    c.smooth_ = j.value("smooth", false);
    for (std::size_t s = 0; s < c.sites_.size(); ++s) c.index_[c.sites_[s]] = int(s);
    const std::size_t cells = c.sites_.size() * kVarCount * 12 * 24;
    c.mean_.assign(cells, NAN);
    c.count_.assign(cells, 0);
    for (const auto& x : j.at("overall")) c.overall_.push_back(x.is_null() ? NAN : x.get<float>());
    c.overall_.resize(kVarCount, NAN);
    for (std::size_t s = 0; s < c.sites_.size(); ++s) {
      const auto& site = j.at("tables").at(c.sites_[s]);
      for (int v = 0; v < kVarCount; ++v) {
        const auto it = site.find(std::string(var_code(v)));
        if (it == site.end()) continue;
        const auto& means = it->at("mean");
        const auto& counts = it->at("count");
        for (int i = 0; i < 12 * 24 && i < int(means.size()); ++i) {
          const auto at = cell(int(s), v, 1, 0) + std::size_t(i);
          c.mean_[at] = means[i].is_null() ? NAN : means[i].get<float>();
          c.count_[at] = counts[i].get<int>();
        }
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw core::Error("climatology", std::string("malformed table: ") + e.what());
  }
  return c;
}

// 正月初一 of each year 2000..2040 (Gregorian month, day), as published in the Chinese calendar.
std::optional<int> days_from_spring_festival(core::Date d) {
  static constexpr std::array<std::array<int, 2>, 41> kNewYear{{
      {2, 5},  {1, 24}, {2, 12}, {2, 1},  {1, 22}, {2, 9},  {1, 29}, {2, 18}, {2, 7},  {1, 26},
      {2, 14}, {2, 3},  {1, 23}, {2, 10}, {1, 31}, {2, 19}, {2, 8},  {1, 28}, {2, 16}, {2, 5},
      {1, 25}, {2, 12}, {2, 1},  {1, 22}, {2, 10}, {1, 29}, {2, 17}, {2, 6},  {1, 26}, {2, 13},
      {2, 3},  {1, 23}, {2, 11}, {1, 31}, {2, 19}, {2, 8},  {1, 28}, {2, 15}, {2, 4},  {1, 24},
      {2, 12}}};
  const std::int64_t day = core::days_from_civil(d);
  std::optional<std::int64_t> best;
  for (int y = d.year - 1; y <= d.year + 1; ++y) {
    if (y < 2000 || y > 2040) continue;
    const auto& md = kNewYear[std::size_t(y - 2000)];
    const std::int64_t diff = day - core::days_from_civil({y, md[0], md[1]});
    if (!best || std::llabs(diff) < std::llabs(*best)) best = diff;
  }
  if (!best) return std::nullopt;
  return static_cast<int>(*best);
}

}  // namespace skyriver::forecast

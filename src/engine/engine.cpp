#include "engine/engine.h"

namespace skyriver::engine {

void Engine::set_city(std::vector<Site> sites, std::vector<Area> areas) {
  std::unique_lock lock(mutex_);
  sites_ = std::move(sites);
  areas_ = std::move(areas);
  site_index_.clear();
  area_index_.clear();
  for (std::size_t i = 0; i < sites_.size(); ++i) site_index_[sites_[i].id] = i;
  for (std::size_t i = 0; i < areas_.size(); ++i) area_index_[areas_[i].code] = i;
}

HourlySeries& Engine::slot(const std::string& site, const std::string& parameter) {
  auto [s, new_site] = site_slot_.try_emplace(site, series_.size());
  if (new_site) series_.emplace_back();
  auto [p, new_param] = param_index_.try_emplace(parameter, param_codes_.size());
  if (new_param) param_codes_.push_back(parameter);
  auto& row = series_[s->second];
  if (row.size() <= p->second) row.resize(p->second + 1);
  return row[p->second];
}

void Engine::put(const std::vector<Update>& batch, bool notify) {
  {
    std::unique_lock lock(mutex_);
    for (const auto& u : batch) {
      slot(u.site, u.parameter).put(u.time, u.value, u.flag == 'N');
      ++values_;
    }
    ++version_;
  }
  if (!notify || batch.empty()) return;
  std::lock_guard lock(listeners_mutex_);
  for (auto& l : listeners_) l(batch);
}

void Engine::mark(const std::string& site, const std::string& parameter, core::Instant from, core::Instant to,
                  Mark m, bool on) {
  std::unique_lock lock(mutex_);
  std::vector<std::string> params;
  if (parameter.empty()) {
    auto it = site_slot_.find(site);
    if (it != site_slot_.end())
      for (std::size_t p = 0; p < series_[it->second].size(); ++p)
        if (!series_[it->second][p].empty()) params.push_back(param_codes_[p]);
  } else {
    params.push_back(parameter);
  }
  for (const auto& p : params) {
    auto& s = slot(site, p);
    for (core::Instant t = from; t < to; t += core::kHour) s.set_mark(t, m, on);
  }
  ++version_;
}

void Engine::subscribe(std::function<void(const std::vector<Update>&)> listener) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.push_back(std::move(listener));
}

const Site* Engine::site(const std::string& id) const {
  auto it = site_index_.find(id);
  return it == site_index_.end() ? nullptr : &sites_[it->second];
}

const Area* Engine::area(const std::string& code) const {
  auto it = area_index_.find(code);
  return it == area_index_.end() ? nullptr : &areas_[it->second];
}

const HourlySeries* Engine::series(const std::string& site, const std::string& parameter) const {
  auto s = site_slot_.find(site);
  auto p = param_index_.find(parameter);
  if (s == site_slot_.end() || p == param_index_.end()) return nullptr;
  const auto& row = series_[s->second];
  if (p->second >= row.size() || row[p->second].empty()) return nullptr;
  return &row[p->second];
}

std::vector<std::string> Engine::parameters(const std::string& site) const {
  std::vector<std::string> out;
  auto s = site_slot_.find(site);
  if (s == site_slot_.end()) return out;
  for (std::size_t p = 0; p < series_[s->second].size(); ++p)
    if (!series_[s->second][p].empty()) out.push_back(param_codes_[p]);
  return out;
}

std::optional<core::Instant> Engine::latest_hour(const std::string& kind) const {
  std::optional<core::Instant> best;
  for (const auto& [id, slot_index] : site_slot_) {
    if (!kind.empty()) {
      const Site* s = site(id);
      if (!s || s->kind != kind) continue;
    }
    for (const auto& series : series_[slot_index]) {
      core::Instant t;
      if (series.latest(t) && (!best || t > *best)) best = t;
    }
  }
  return best;
}

}  // namespace skyriver::engine

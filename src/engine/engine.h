// Engine: every hourly series of the city in memory, kept current as data arrives, and the
// place every question about the data is asked (see queries.h for the questions).
//
// The engine holds sites and areas (copied from the city configuration) and one HourlySeries
// per (site, parameter), keyed by platform codes ("1724A", "pm25"). Writers (loading from the
// store, imports, HJ 212) call put()/mark(); readers take a shared lock through read().
// Listeners registered with subscribe() get every batch of new values after it is applied
// (the live stream). Only hourly values are held: the statistics of days, months and years
// are computed from them by the standards' functions, never stored.
#pragma once

#include "core/time.h"
#include "engine/series.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace skyriver::engine {

struct Site {
  std::string id, name, kind, area;  // kind: air | water | outlet; area: administrative code
  double lon = 0, lat = 0;
  bool has_position = false;
  bool reference = false;  // 对照点: shown, but not part of area (county, city) values
  std::string water_body, target_class;  // water sections: river | reservoir | lake; I..V or ""
};

struct Area {
  std::string code, name, level, parent;  // level: city | district | county
};

struct Update {  // one new hourly value, as delivered to listeners
  std::string site, parameter;
  core::Instant time = 0;  // hour start
  double value = 0;
  char flag = 'N';
};

class Engine {
 public:
  void set_city(std::vector<Site> sites, std::vector<Area> areas);

  // Applies a batch of hourly values, then tells the listeners (when `notify`).
  // A flag other than N (HJ 212 Table 8) keeps the raw value but makes it unusable.
  void put(const std::vector<Update>& batch, bool notify = true);
  // Audit marks over [from, to) hours of one series (parameter "" = all parameters of the site).
  void mark(const std::string& site, const std::string& parameter, core::Instant from, core::Instant to,
            Mark mark, bool on);

  void subscribe(std::function<void(const std::vector<Update>&)> listener);

  // --- reading: call only inside read() (shared lock held) ---
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock(mutex_);
    return f(*this);
  }
  const std::vector<Site>& sites() const { return sites_; }
  const std::vector<Area>& areas() const { return areas_; }
  const Site* site(const std::string& id) const;
  const Area* area(const std::string& code) const;
  const HourlySeries* series(const std::string& site, const std::string& parameter) const;
  std::vector<std::string> parameters(const std::string& site) const;  // those with data
  // "Now" of the data: the start of the latest hour with any value at a site of this kind
  // ("" = any kind). For the bundled 2019 sample this is 2019-12-31 23:00, not the wall clock.
  std::optional<core::Instant> latest_hour(const std::string& kind = "") const;
  std::size_t value_count() const { return values_; }
  // Changes with every put() and mark(): answers computed at one version stay right until it moves.
  std::uint64_t version() const { return version_.load(); }

 private:
  HourlySeries& slot(const std::string& site, const std::string& parameter);

  mutable std::shared_mutex mutex_;
  std::vector<Site> sites_;
  std::vector<Area> areas_;
  std::unordered_map<std::string, std::size_t> site_index_, area_index_, param_index_;
  std::vector<std::string> param_codes_;
  // series_[site_slot][param] ; site slots follow site_slot_ (sites seen in data but not
  // configured get a slot too, so no value is dropped)
  std::unordered_map<std::string, std::size_t> site_slot_;
  std::vector<std::vector<HourlySeries>> series_;
  std::size_t values_ = 0;
  std::atomic<std::uint64_t> version_{0};

  std::mutex listeners_mutex_;
  std::vector<std::function<void(const std::vector<Update>&)>> listeners_;
};

}  // namespace skyriver::engine

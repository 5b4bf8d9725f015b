// Engine: every hourly series of the city in memory, kept current as data arrives, and the
// place every question about the data is asked (the questions live in air.h and latest.h).
//
// The engine holds sites, areas and parameter codes (copied from the city configuration) and
// one HourlySeries per (site, parameter), keyed by platform codes ("1724A", "pm25"). Only
// hourly values are held: the statistics of days, months and years are computed from them by
// the standards' functions, never stored.
//
// Contract:
// - Writers (loading from the store, imports, HJ 212) call put()/mark(). Each call builds a new
//   snapshot beside the current one (series are copy-on-write, see series.h) and publishes it
//   at once; writers queue only behind other writers, never behind readers.
// - Readers call read(f): f gets a `const Engine&` over one snapshot, consistent for the whole
//   call however long it runs; values published meanwhile appear in the next read(). The
//   accessors (sites() .. value_count()) and the pointers they return are valid inside f only.
//   REQUIRES: call them on the Engine that read() passes, not on the engine itself (except in
//   single-threaded set-up code and tests).
// - Which value an hour holds when several sources hold one (CNEMC file, HJ 212, a manual
//   correction ...) is the SourceRule's: the more trusted source wins whatever the order of
//   arrival; between values of equally trusted sources the first stands (the store keeps the
//   first value of a key too, and lists the later one as a conflict).
// - "Now" never jumps ahead: put() drops values stamped more than max_future ahead of the
//   clock (they are refused upstream anyway; this is the engine's own defence), so
//   latest_hour() is never in the future.
// - Listeners registered with subscribe() get, after each put(), the values that changed what
//   the engine holds (the live stream), on the writer's thread.
// Thread-safe: every public member may be called from any thread.
#pragma once

#include "core/time.h"
#include "standards/area.h"
#include "engine/series.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace skyriver::engine {

class DailyCache;

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

struct Update {  // one hourly value, as put and as delivered to listeners
  std::string site, parameter;
  core::Instant time = 0;  // hour start
  double value = 0;
  char flag = 'N';
  std::string source_kind;  // store::Observation::source_kind (cnemc, hj212, manual, ...)
};

// Which source's value an hour shows when several sources hold one: the earlier a source kind
// is listed, the more it is trusted; kinds not listed come after every listed one. Default:
// an auditor's manual value, then the official CNEMC release, then other file imports, then
// HJ 212 real-time data (the station's own first report). Configurable per city
// (city.toml [data] source_priority, see docs/store.md).
struct SourceRule {
  std::vector<std::string> order{"manual", "cnemc", "long", "uci", "hj212"};
  std::uint8_t rank(const std::string& source_kind) const;  // 0 = most trusted
};

struct PutResult {
  std::size_t added = 0, replaced = 0, kept = 0;  // kept: a more or equally trusted value stands
  std::size_t future = 0;                         // dropped: stamped beyond clock + max_future
};

class Engine {
 public:
  Engine();
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void set_city(std::vector<Site> sites, std::vector<Area> areas, std::vector<std::string> parameters = {});
  void set_source_rule(SourceRule rule);
  // When an area's hour is valid (the city.toml [assessment] min_site_share; default 75 %).
  // Changing it starts a new daily cache, as set_city does.
  void set_area_rule(standards::AreaConfig rule);
  // The clock put() compares times with (default: the system clock) and how far ahead of it a
  // value may be stamped (default 1 h, as the importers and the HJ 212 server allow).
  void set_clock(std::function<core::Instant()> now, core::Instant max_future = core::kHour);

  // Applies a batch of hourly values (by the SourceRule), then tells the listeners what changed
  // (when `notify`). A flag other than N (HJ 212 Table 8) keeps the raw value but makes it unusable.
  PutResult put(const std::vector<Update>& batch, bool notify = true);
  // Audit marks over [from, to) hours of one series (parameter "" = all parameters of the site).
  void mark(const std::string& site, const std::string& parameter, core::Instant from, core::Instant to,
            Mark mark, bool on);

  void subscribe(std::function<void(const std::vector<Update>&)> listener);

  // --- reading ---
  template <class F>
  auto read(F&& f) const {
    const Engine view(snapshot());
    return f(view);
  }
  const std::vector<Site>& sites() const;
  const std::vector<Area>& areas() const;
  const Site* site(const std::string& id) const;
  const Area* area(const std::string& code) const;
  const standards::AreaConfig& area_rule() const;
  // A parameter code of the city's configuration, or one that has data.
  bool knows_parameter(const std::string& code) const;
  const HourlySeries* series(const std::string& site, const std::string& parameter) const;
  std::vector<std::string> parameters(const std::string& site) const;  // those with data
  // "Now" of the data: the start of the latest hour with any value at a site of this kind
  // ("" = any kind). For the bundled 2019 sample this is 2019-12-31 22:00, not the wall clock.
  std::optional<core::Instant> latest_hour(const std::string& kind = "") const;
  std::size_t value_count() const;  // hours holding a value
  // Changes with every put() and mark() that changed something: answers computed at one
  // version stay right until it moves.
  std::uint64_t version() const;
  // The daily-record cache of this city configuration (daily_cache.h; air.h uses it). Never null.
  DailyCache* daily_cache() const;

 private:
  struct State;
  struct Shared;
  class Draft;
  explicit Engine(std::shared_ptr<const State> view);
  std::shared_ptr<const State> snapshot() const;
  const State& state() const;
  void publish(std::shared_ptr<const State> next);

  std::shared_ptr<const State> view_;  // set in the Engine that read() passes
  std::unique_ptr<Shared> shared_;     // the engine itself: writers, current snapshot, listeners
};

}  // namespace skyriver::engine

// WarningDesk: the life of heavy-pollution warnings in a running server, kept in the store's
// records journal (kind "warning") so that every step survives a restart and none is lost.
//
//   forecast issue (forecast::DailyAqiBoard) -> on_forecast(): per area, the trace of observed
//     days (lookback) + the forecast, decide() against the level in force -> a PROPOSAL
//     (key "proposal/<area>": status open | withdrawn | taken), announced (SSE + webhook).
//   a person with the write token -> issue() / adjust() / lift(): the WARNING's steps (key =
//     notice number "PREFIX-YYYY-NNN"): level, start, areas, kind, basis (the forecast snapshot
//     of the proposal it came from), note, who; announced likewise.
// Every step is a new record; the current state of a key is its latest record; nothing is
// deleted. warnings() joins them with the curtailment measures in force by county and, where an
// enterprise's monitored HJ 212 site has data since the start, whether it is below its required
// share of its baseline.
//
// Bad input (unknown level or area, a time that does not parse, an area already under a warning,
// lifting a warning not in force, ...) throws core::Error(field, why) before anything is written.
// Thread-safe: every public method takes the desk's mutex; the store connection is the desk's own.
// REQUIRES: cfg, list, city and engine outlive the desk.
#pragma once

#include "alert/warning_curtailment.h"
#include "alert/warning_level.h"
#include "alert/warning_replay.h"
#include "alert/warning_rules.h"
#include "engine/engine.h"
#include "forecast/daily.h"
#include "model/city.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace skyriver::alert {

struct DeskOptions {
  std::string rules;  // rule set name ("" = the city's default)
  // Called after every proposal and step with ("warning.proposal" | "warning.issue" |
  // "warning.adjust" | "warning.lift", JSON); serve sends it to SSE and the webhooks.
  std::function<void(const std::string& event, const nlohmann::json& data)> announce;
  // The clock for record times and "now" of the compliance check (tests set it).
  std::function<core::Instant()> clock;
};

class WarningDesk {
 public:
  WarningDesk(const WarningConfig& cfg, const CurtailmentList& list, const model::CityConfig& city,
              const engine::Engine& engine, std::unique_ptr<store::Store> store, DeskOptions options);

  // A new forecast issue: proposals for each area in it. Returns the proposals raised or
  // withdrawn (as JSON objects).
  std::vector<nlohmann::json> on_forecast(const std::vector<forecast::DailyAqi>& issue);
  // A consultation forecast (会商预报) as the API receives it: {area, issued?, days: [{day, aqi,
  // aqi_low?, aqi_high?, primary?}]} (consecutive days; issued defaults to 20:00 the day before
  // the first). Judged like on_forecast.
  std::vector<nlohmann::json> consultation(const nlohmann::json& body);

  // Write steps; `body` as the API receives it (see docs/warning.md). Return the warning.
  nlohmann::json issue(const nlohmann::json& body);
  nlohmann::json adjust(const nlohmann::json& body);
  nlohmann::json lift(const nlohmann::json& body);

  // {"rules": .., "in_force": [warning...], "history": [warning...] (newest first)}
  nlohmann::json warnings();
  // {"proposals": [open proposals], "rules": ..}
  nlohmann::json proposals();
  // One warning by number (nullopt when unknown); with number "" the one in force (highest
  // level, then newest), else the newest.
  std::optional<nlohmann::json> warning(const std::string& number);

  const RuleSet& rules() const { return rules_; }
  const std::string& city_name() const { return city_.city.name; }
  const WarningConfig& config() const { return cfg_; }

 private:
  std::vector<store::Record> journal(const std::string& key_prefix, bool latest);
  std::vector<store::Record> history(const std::string& key);  // every record of one key
  void take_proposals(const std::vector<std::string>& areas, const std::string& number, const std::string& who);
  nlohmann::json in_force_state(const std::string& number);
  // The body's "areas": known codes, duplicates dropped; core::Error("areas", ..) otherwise.
  std::vector<std::string> area_list(const nlohmann::json& body) const;
  // core::Error("areas", ..) when a warning in force (other than `except`) covers one of them.
  void check_free(const std::vector<std::string>& areas, const std::string& except);
  nlohmann::json warning_json(const std::string& number, const std::vector<store::Record>& steps);
  nlohmann::json measures_json(Level level, const std::vector<std::string>& areas, const std::string& kind,
                               core::Instant start, std::optional<core::Instant> end);
  Level level_in_force(const std::string& area);
  // core::Error("start", ..) unless `start` lies within the proposal's forecast (from its issue
  // day to the end of its last day) or, without one, within the clock's window.
  void check_start(core::Instant start, const nlohmann::json* proposal);
  // The body's "reason", required (core::Error("reason", ..)) when `level` is above `called`.
  std::string reason_above(Level level, Level called, const std::string& condition, const nlohmann::json& body);
  // Whether a warning over `areas` covers `area` (it names it or the whole city).
  bool covers(const std::vector<std::string>& areas, const std::string& area) const;
  std::vector<DayAqi> trace_days(const std::string& area, const std::vector<forecast::DailyAqi>& days);
  nlohmann::json area_json(const std::string& code) const;
  core::Instant now() const;
  void announce(const std::string& event, const nlohmann::json& data);
  std::int64_t append(const std::string& key, const std::string& who, const nlohmann::json& body);

  const WarningConfig& cfg_;
  const RuleSet& rules_;
  const CurtailmentList& list_;
  const model::CityConfig& city_;
  const engine::Engine& engine_;
  std::unique_ptr<store::Store> store_;
  DeskOptions options_;
  std::mutex mutex_;
  // The latest forecast AQI seen per area and day (fills "today" between the observed days and
  // the new forecast's day 1).
  std::map<std::string, std::map<std::int64_t, double>> seen_;
};

// The kind of journal records the desk writes.
inline constexpr const char* kWarningKind = "warning";

}  // namespace skyriver::alert

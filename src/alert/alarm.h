// Alarm: one problem the platform found in arriving data, with its life (open -> acknowledged ->
// closed with a reason), as kept in the store's records journal (kind "alarm", key = id; every
// change is a new record, the latest one is the current state).
//
// Kinds (docs/sources.md): exceedance, load, offline, data_quality, water_anomaly, air_dropout.
// `rule` names the precise rule inside the kind (limit, daily_cap, annual_cap, no_data, constant,
// zero, negative, range, jump, class_drop, item_jump, dropout). The fingerprint (kind, site,
// parameter, rule, period) identifies "the same problem"; episodes of it are defined by time: a
// firing that touches an open or acknowledged alarm's [first, last] (consecutive hours; a class
// drop's own window; a load alarm's whole period) updates it (first/last, severity, evidence)
// instead of opening another, and a firing apart in time (a later episode, or backfilled data)
// opens its own alarm. Severity: 1 一般 (notice), 2 较重 (serious), 3 严重 (grave).
// The id is derived from the fingerprint and the first hour, so recomputing the same data
// yields the same id (a replay after a restart cannot duplicate an alarm).
#pragma once

#include "core/time.h"

#include <nlohmann/json.hpp>

#include <string>

namespace skyriver::alert {

struct Alarm {
  std::string id;
  std::string kind, rule;
  std::string site, parameter;  // parameter "" when the alarm is about the whole site
  std::string period;           // load alarms: the day (YYYY-MM-DD) or year (YYYY); else ""
  std::string county;           // owner: the area of the site (the enterprise's county for outlets)
  std::string enterprise;       // outlets only
  core::Instant first = 0, last = 0;  // data times (hour starts) of the first and latest firing
  int severity = 1;
  std::string state = "open";   // open | acknowledged | closed
  std::string reason;           // why it was closed
  std::string task;             // the ledger task opened from it ("" = none)
  nlohmann::json evidence = nlohmann::json::object();  // the values and the rule that fired
  core::Instant opened_at = 0, updated_at = 0;          // wall-clock times
  std::string updated_by = "system";

  std::string fingerprint() const;
  bool active() const { return state != "closed"; }
};

std::string fingerprint(const std::string& kind, const std::string& site, const std::string& parameter,
                        const std::string& rule, const std::string& period);
// "exceedance.EX-POWER-DA001.so2.limit.2024010106": only [A-Za-z0-9_.-] (others become '_').
std::string alarm_id(const Alarm& a);

nlohmann::json to_json(const Alarm& a);
// Throws core::Error("alarm record", why) on a body that is not an alarm.
Alarm alarm_from_json(const nlohmann::json& j);

inline constexpr const char* kAlarmRecord = "alarm";  // records journal kind

}  // namespace skyriver::alert

// AlarmEngine: the one evaluator of every alarm kind (alarm.h) over arriving observations.
//
// observe() takes a batch of observations (any source, any interval), applies them to the
// engine's small per-site windows, then evaluates the rules for what the batch touched, in time
// order, and returns the alarm changes it caused (opened, updated, escalated, closed) for the
// caller to persist and announce. tick(now) checks the wall clock for silent HJ 212 stations.
// acknowledge/close/link_task are the human steps.
//
// Idempotent: feeding the same observations again changes nothing (windows are keyed by time;
// an open alarm is only updated by a firing of its own episode that reaches further in time or
// is worse; hours already covered by a closed alarm of the same fingerprint are ignored). So a
// restart can restore() the journal's alarms and replay recent data without repeating any.
//
// REQUIRES: one thread at a time (AlarmService holds the lock). The city must outlive it.
#pragma once

#include "alert/alarm.h"
#include "alert/alarm_rules.h"
#include "model/city.h"
#include "store/store.h"

#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace skyriver::alert {

struct AlarmChange {
  Alarm alarm;         // the state after the change
  std::string change;  // opened | updated | escalated | acknowledged | closed | linked
};

class AlarmEngine {
 public:
  AlarmEngine(const model::CityConfig& city, AlarmRules rules);
  ~AlarmEngine();

  // The current state of alarms from the journal (call before observing).
  void restore(const std::vector<Alarm>& alarms);

  std::vector<AlarmChange> observe(std::span<const store::Observation> batch, core::Instant now);
  // Loads only (no other rule, no alarm): primes the permit-cap totals with older hourly outlet
  // values, so a restart knows the year's load so far.
  void prime_loads(std::span<const store::Observation> batch);
  std::vector<AlarmChange> tick(core::Instant now);

  // Human steps; throw core::Error("alarm <id>", why) on an unknown id or a step not allowed
  // (closing needs a reason; a closed alarm stays closed).
  AlarmChange acknowledge(const std::string& id, const std::string& who, core::Instant now);
  AlarmChange close(const std::string& id, const std::string& reason, const std::string& who, core::Instant now);
  AlarmChange link_task(const std::string& id, const std::string& task, const std::string& who, core::Instant now);

  const Alarm* find(const std::string& id) const;
  std::vector<Alarm> alarms() const;  // every alarm known, ordered by first time then id
  const AlarmRules& rules() const { return rules_; }

  struct State;

 private:
  const model::CityConfig& city_;
  AlarmRules rules_;
  std::unique_ptr<State> st_;
};

}  // namespace skyriver::alert

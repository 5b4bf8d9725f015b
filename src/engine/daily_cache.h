// DailyCache: the daily records (air.h, daily_records) of each target and day computed so far,
// each kept with the fingerprint of what it was computed from, so that a question over a newer
// snapshot recomputes only the days whose hours changed (after a new hour: one day per target,
// not the year to date and the same period last year).
//
// A day's record is a function of the target's series over the day's 24 hours only (values,
// marks, and for an area whether each site counts then: from its first hour until kSilentDays
// after its last, air.h), of the target's zone class and of the date (edition, limits). The
// fingerprint of (target, day) holds:
// - `stamp`: the largest change stamp (series.h) of the day's hours over the target's series.
//   A write anywhere in those hours gives a stamp larger than any before it, so an unchanged
//   stamp means no value or mark of the day changed;
// - `series`: per series (in the target's order) whether it exists and, for an area, the
//   hours of the day it counts in (first/end moved by a backfill or a new latest hour).
// Equal fingerprints, same target key (id + zone class) and date: the same record, whatever
// the snapshot. The engine holds one cache per city configuration (set_city starts a new one).
//
// Memory: ~0.3-0.6 KB per (target, day); past kMaxEntries the cache starts over (the answers
// stay right, the next questions pay the full computation once).
// Thread-safe: every member may be called from any thread.
#pragma once

#include "standards/composite.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace skyriver::engine {

class DailyCache {
 public:
  struct Fingerprint {
    std::uint64_t stamp = 0;
    std::vector<std::uint16_t> series;
    bool operator==(const Fingerprint&) const = default;
  };
  static constexpr std::size_t kMaxEntries = 200'000;

  // out[i] = the record of day first_day + i (days since 1970-01-01) under `key` if one with
  // fingerprint fps[i] is held, else nullopt.
  void find(const std::string& key, std::int64_t first_day, std::span<const Fingerprint> fps,
            std::vector<std::optional<standards::DailyRecord>>& out) const;
  // Keeps (or replaces) the record of `day` under `key`.
  void store(const std::string& key, std::int64_t day, Fingerprint fp, const standards::DailyRecord& record);
  std::size_t size() const;

 private:
  struct Entry {
    Fingerprint fp;
    standards::DailyRecord record;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unordered_map<std::int64_t, Entry>> targets_;
  std::size_t entries_ = 0;
};

}  // namespace skyriver::engine

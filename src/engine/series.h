// HourlySeries: one (site, parameter) hourly series held densely in memory.
//
// Hour k of the series is the hour starting at origin + k*3600 (UTC seconds, the platform's
// hour-start convention). Each slot holds the raw value (NaN = missing) and a byte of marks:
// whether the source flagged it valid (HJ 212 flag N), and the audit marks that sit beside the
// raw data (invalidated, dust-affected). Raw values are never changed by marks; `usable()`
// says whether statistics may use a slot. The series grows in either direction on demand.
#pragma once

#include "core/time.h"

#include <cmath>
#include <cstdint>
#include <vector>

namespace skyriver::engine {

enum Mark : std::uint8_t {
  kPresent = 1,        // a value was received for this hour
  kSourceInvalid = 2,  // the source's flag was not N (e.g. M maintenance, D fault, C calibration)
  kAuditInvalid = 4,   // an auditor invalidated it
  kDust = 8,           // an auditor marked it dust-affected (扣沙): excluded from PM statistics
};

class HourlySeries {
 public:
  // Stores a value for the hour starting at `hour_start` (must be a whole hour).
  void put(core::Instant hour_start, double value, bool source_valid);
  void set_mark(core::Instant hour_start, Mark mark, bool on);

  bool empty() const { return values_.empty(); }
  core::Instant first() const { return origin_; }
  core::Instant end() const { return origin_ + static_cast<core::Instant>(values_.size()) * core::kHour; }
  // Start of the latest hour holding a value, or nullopt-like: returns false if none.
  bool latest(core::Instant& hour_start) const;

  double raw(core::Instant hour_start) const;
  std::uint8_t marks(core::Instant hour_start) const;
  // The value statistics may use: NaN if missing or invalid; dust-affected hours are NaN when
  // `drop_dust` (for PM10/PM2.5 concentrations; the good-day count keeps them).
  double usable(core::Instant hour_start, bool drop_dust = false) const;

 private:
  std::size_t slot(core::Instant hour_start);  // grows to hold the hour
  bool index(core::Instant hour_start, std::size_t& i) const;

  core::Instant origin_ = 0;
  std::vector<double> values_;  // double, not float: means of decimal data must round as the standards do
  std::vector<std::uint8_t> marks_;
  std::size_t latest_ = 0;  // index of latest present value + 1 (0 = none)
};

}  // namespace skyriver::engine

// The month partitions of PostgreSQL's observations table: Beijing calendar months written as
// year * 100 + month (201901), the instant each starts, and the partition's table name.
#pragma once

#include "core/time.h"

#include <string>

namespace skyriver::store::pg {

// Held (pg_advisory_xact_lock) while partitions are created, detached or attached.
constexpr long kPartitionLock = 712260002;

inline int month_of(core::Instant t) {
  const auto c = core::to_beijing(t);
  return c.date.year * 100 + c.date.month;
}
inline core::Instant month_start(int ym) { return core::beijing_midnight({ym / 100, ym % 100, 1}); }
inline int next_month(int ym) { return ym % 100 == 12 ? (ym / 100 + 1) * 100 + 1 : ym + 1; }
inline std::string partition_name(int ym) { return "observations_p" + std::to_string(ym); }
inline std::string archived_name(int ym) { return "archived_p" + std::to_string(ym); }

}  // namespace skyriver::store::pg

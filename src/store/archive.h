// Old months of observations moved out of the live table and back (PostgreSQL, whose
// observations are partitioned by Beijing month; docs/province.md). A detached month's
// partition becomes the plain table archived_pYYYYMM in the same schema (optionally moved to a
// cheaper tablespace, or dumped with pg_dump and dropped), recorded in `archived_months`:
// reads and the engine's load no longer see its values, and writes into the month are refused
// (its keys are not in observations, so duplicates could not be recognised). Attaching puts the
// table back as the month's partition, unchanged.
//
// Contract:
// - Each call is one transaction under the partition lock (no write creates a partition
//   meanwhile); a failure changes nothing. Months are YYYYMM (201901 = January 2019).
// - Only months before the current one can be detached (the current month and the ones ahead
//   are where writes go).
// - Errors throw core::Error(url or month, why): a SQLite store, a month without values, a
//   month already archived or not archived, an archived table missing from the database.
#pragma once

#include "core/time.h"

#include <cstddef>
#include <string>
#include <vector>

namespace skyriver::store {

struct ArchivedMonth {
  int month = 0;          // YYYYMM
  std::string table;      // archived_pYYYYMM
  core::Instant at = 0;   // when it was detached
};

// Detaches the month; returns how many values its partition holds.
std::size_t detach_month(const std::string& url, int month, const std::string& tablespace = "");
// Attaches the archived month back; returns how many values it holds.
std::size_t attach_month(const std::string& url, int month);
// The months detached, oldest first.
std::vector<ArchivedMonth> archived_months(const std::string& url);
// "2019-01" → 201901; throws core::Error(where, why) on anything else.
int parse_month(const std::string& text, const std::string& where);

}  // namespace skyriver::store

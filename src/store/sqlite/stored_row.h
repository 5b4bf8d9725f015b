// A StoredRow in and out of a SQLite statement, in the column order of every observations table
// (series, time, value, flag, unit, source, line, received_at): one place for the store's
// writes, look-ups and the recent segment.
#pragma once

#include "store/backend.h"

#include <sqlite3.h>

namespace skyriver::store {

inline constexpr const char* kStoredRowCols = "series, time, value, flag, unit, source, line, received_at";

// Binds parameters ?1..?8.
inline void bind_row(sqlite3_stmt* s, const StoredRow& r) {
  sqlite3_bind_int64(s, 1, r.series);
  sqlite3_bind_int64(s, 2, r.time);
  sqlite3_bind_double(s, 3, r.value);
  sqlite3_bind_int(s, 4, static_cast<unsigned char>(r.flag));
  sqlite3_bind_int64(s, 5, r.unit);
  sqlite3_bind_int64(s, 6, r.source);
  if (r.line < 0) sqlite3_bind_null(s, 7);
  else sqlite3_bind_int64(s, 7, r.line);
  sqlite3_bind_int64(s, 8, r.received_at);
}

// Reads result columns 0..7.
inline StoredRow read_row(sqlite3_stmt* s) {
  StoredRow r;
  r.series = sqlite3_column_int64(s, 0), r.time = sqlite3_column_int64(s, 1);
  r.value = sqlite3_column_double(s, 2);
  r.flag = static_cast<char>(sqlite3_column_int(s, 3));
  r.unit = sqlite3_column_int64(s, 4), r.source = sqlite3_column_int64(s, 5);
  r.line = sqlite3_column_type(s, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 6);
  r.received_at = sqlite3_column_int64(s, 7);
  return r;
}

}  // namespace skyriver::store

// The SQLite store's recent segment (schema version 4): small writes (HJ 212 ingest) are
// appended in arrival order to an unindexed table, and moved into the clustered observations
// table later, many rows per series at a time.
//
// Why: observations are clustered on (series, time), so a store in operation has one last
// leaf page per series. A commit of 3 500 rows from 2 000 stations (12 000 series) dirtied a
// page per row, wrote it to the WAL and copied it back: 16-19 us a row, and p99 acknowledgement
// latency of 1.2-2.3 s at 10 000 frames/s (docs/performance.md, "A store with history"). An
// append touches a few pages per commit; the merge writes each series' last page once for all
// the rows it gained meanwhile.
//
// How:
// - Two tables, observations_recent_0 and _1, and one row of state (recent_state): which table
//   is active (receives appends), and for the other (frozen) one the series up to which its rows
//   have been merged (merged_0/merged_1; the view observations_recent hides those rows, so a
//   reader sees each row once, in a table or in the segment, at every commit).
// - When the active table holds kFreezeRows rows, or its first row is kFreezeSeconds old, and
//   the frozen one is empty, they swap. Each later small write also merges a chunk of the frozen
//   table (whole series, in key order, at least twice the rows it appended) in the same
//   transaction: no second fsync, and the merge never holds the write lock for long.
// - The writer keeps the segment's rows in memory (the active ones by key, the frozen ones
//   sorted) to find duplicates and conflicts without an index; a key not there is probed in the
//   clustered table. recent_state.version changes with every write that touches the segment; a
//   writer that finds another version at the start of its transaction (another process wrote)
//   reads the segment again.
// - A bulk write (an import's batches) first moves the whole segment into the clustered table.
// - Nothing is lost by a kill -9: the segment's rows are committed with their batch, and the
//   next writer reads them back and goes on merging.
//
// Contract: used by one connection's thread; begin() first in every write transaction,
// forget() after a rollback. A store made before version 4 has no segment (enabled() false).
#pragma once

#include "store/backend.h"

#include <sqlite3.h>

#include <ctime>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace skyriver::store {

class RecentSegment {
 public:
  // The schema's part (created by the migration to version 4).
  static const char* const kSchema;
  static constexpr std::size_t kFreezeRows = 200000;
  static constexpr std::time_t kFreezeSeconds = 60;
  static constexpr std::size_t kMinChunk = 4096;

  RecentSegment(sqlite3* db, const std::string& where) : db_(db), where_(where) {}
  ~RecentSegment();
  RecentSegment(const RecentSegment&) = delete;
  RecentSegment& operator=(const RecentSegment&) = delete;

  // Inside a write transaction, first: brings the memory up to what the file holds.
  void begin();
  // After a rollback: the memory may hold what was rolled back.
  void forget() { loaded_ = false; }
  bool enabled() const { return enabled_ && loaded_; }
  bool empty() const { return active_.empty() && pos_ == frozen_.size(); }

  // As Backend::insert_new into observations: new keys are appended; then the merge goes on.
  void insert_new(std::span<const StoredRow> rows, std::vector<char>& inserted);
  // Moves every row of the segment into the clustered table.
  void flush();
  // The segment's row of a key, or null.
  const StoredRow* find(std::int64_t series, core::Instant time) const;

 private:
  struct Key {
    std::int64_t series;
    core::Instant time;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const {
      return std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(k.series) * 0x9E3779B97F4A7C15ull ^
                                        static_cast<std::uint64_t>(k.time));
    }
  };

  sqlite3_stmt* prepare(const std::string& sql);
  void exec(const std::string& sql);
  void step_done(sqlite3_stmt* st, const char* what);
  void bind_row(sqlite3_stmt* st, const StoredRow& r);
  bool in_clustered(const StoredRow& r);
  void to_clustered(std::span<const StoredRow> rows);
  void load();
  void merge(std::size_t at_least);
  void freeze();
  void save_state();
  int frozen_table() const { return 1 - active_table_; }

  sqlite3* db_;
  std::string where_;
  bool enabled_ = false, loaded_ = false;
  sqlite3_stmt *probe_ = nullptr, *append_[2] = {nullptr, nullptr}, *insert_ = nullptr, *state_ = nullptr,
               *save_ = nullptr;
  std::int64_t version_ = 0;
  int active_table_ = 0;
  std::int64_t merged_[2] = {0, 0};
  std::unordered_map<Key, StoredRow, KeyHash> active_;
  std::time_t active_since_ = 0;
  std::vector<StoredRow> frozen_;  // sorted by key; [0, pos_) are merged already
  std::size_t pos_ = 0;
};

}  // namespace skyriver::store

// Which SQLite write layout can carry the HJ 212 steady load: a probe for the write path's next
// step (docs/performance.md, "Where the tail comes from"), on the SQLite C API alone.
// Load: 12,000 series (2,000 stations x 6 parameters), every series one hour further each
// round, rows in arrival order, commits of 3,500 or 350 rows (the ingest's largest and average
// batch at 10 k frames/s),
// WAL with synchronous=FULL as the store. Both layouts start from the same 48 hours in the
// clustered table. The WAL is copied into the file every 64 Ki pages outside the timed part,
// as the store's checkpointer does off the commit path.
// - BM_Clustered (the peer, today's store): each row straight into observations(series, time)
//   WITHOUT ROWID, so each row rewrites its series' last page into the WAL.
// - BM_RecentThenMerge/M: each row appended to a rowid table `recent` (a few pages per
//   commit); once it holds M rows they move into observations in key order, one transaction
//   per 2,000 series, and leave `recent`; optionally with the (series, time) index that reads
//   of one series in the segment would need.
// Counters: us_per_row (all timed work / rows), commit_ms_p99 (one ingest commit, merges
// excluded), merge_ms_max (the longest merge transaction, which an ingest commit would wait
// for), merge_share.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kSeries = 12000, kWarmRounds = 48, kRounds = 36, kMergeChunk = 2000;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string why = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error(std::string(sql) + ": " + why);
  }
}

int wal_pages = 0;
int on_wal(void*, sqlite3*, const char*, int pages) {
  wal_pages = pages;
  return SQLITE_OK;
}

struct Result {
  double us_per_row, commit_p99_ms, merge_max_ms, merge_share;
};

// merge_at = 0: the clustered layout; otherwise recent-then-merge at that many rows, with a
// unique index on the segment's (series, time) when `indexed`.
Result run(long merge_at, int batch, bool indexed) {
  const fs::path dir = fs::temp_directory_path() / ("skyriver-bench-layout-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  sqlite3* db = nullptr;
  sqlite3_open((dir / "db").c_str(), &db);
  exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=0");
  sqlite3_wal_hook(db, on_wal, nullptr);
  // The store's observations table (src/store/schema.cpp) and a rowid table of the same columns.
  exec(db,
       "CREATE TABLE observations(series INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL, flag INTEGER "
       "NOT NULL, unit INTEGER NOT NULL, source INTEGER NOT NULL, line INTEGER, received_at INTEGER NOT NULL, "
       "PRIMARY KEY(series, time)) WITHOUT ROWID;"
       "CREATE INDEX observations_received ON observations(received_at);"
       "CREATE TABLE recent(series INTEGER NOT NULL, time INTEGER NOT NULL, value REAL NOT NULL, flag INTEGER NOT "
       "NULL, unit INTEGER NOT NULL, source INTEGER NOT NULL, line INTEGER, received_at INTEGER NOT NULL)");
  if (indexed) exec(db, "CREATE UNIQUE INDEX recent_key ON recent(series, time)");
  sqlite3_stmt *direct = nullptr, *append = nullptr, *move = nullptr, *drop = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO observations VALUES(?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT DO NOTHING", -1,
                     &direct, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO recent VALUES(?1,?2,?3,?4,?5,?6,?7,?8)", -1, &append, nullptr);
  sqlite3_prepare_v2(db, "INSERT INTO observations SELECT * FROM recent WHERE series BETWEEN ?1 AND ?2 ORDER BY "
                     "series, time", -1, &move, nullptr);
  sqlite3_prepare_v2(db, "DELETE FROM recent WHERE series BETWEEN ?1 AND ?2", -1, &drop, nullptr);

  std::vector<double> commits;
  double timed_ms = 0, merge_ms = 0, merge_max = 0;
  long rows = 0, pending = 0, received = 0;
  for (int round = 0; round < kWarmRounds + kRounds; ++round) {
    const bool timed = round >= kWarmRounds;
    sqlite3_stmt* ins = timed && merge_at > 0 ? append : direct;
    for (int first = 0; first < kSeries; first += batch) {
      const auto t = Clock::now();
      exec(db, "BEGIN IMMEDIATE");
      for (int s = first; s < std::min(kSeries, first + batch); ++s) {
        sqlite3_bind_int64(ins, 1, s);
        sqlite3_bind_int64(ins, 2, 1704038400LL + 3600LL * round);
        sqlite3_bind_double(ins, 3, s * 0.5 + round);
        sqlite3_bind_int(ins, 4, 'N');
        sqlite3_bind_int64(ins, 5, 3);
        sqlite3_bind_int64(ins, 6, 17);
        sqlite3_bind_int64(ins, 7, received);
        sqlite3_bind_int64(ins, 8, ++received);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        if (timed) ++rows;
        if (ins == append) ++pending;
      }
      exec(db, "COMMIT");
      if (timed) commits.push_back(ms_since(t)), timed_ms += commits.back();
      if (pending >= merge_at && merge_at > 0) {
        for (int lo = 0; lo < kSeries; lo += kMergeChunk) {
          const auto m = Clock::now();
          exec(db, "BEGIN IMMEDIATE");
          for (sqlite3_stmt* st : {move, drop}) {
            sqlite3_bind_int(st, 1, lo);
            sqlite3_bind_int(st, 2, lo + kMergeChunk - 1);
            if (sqlite3_step(st) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
            sqlite3_reset(st);
          }
          exec(db, "COMMIT");
          const double took = ms_since(m);
          merge_ms += took, timed_ms += took, merge_max = std::max(merge_max, took);
        }
        pending = 0;
      }
      if (wal_pages > 65536) {  // outside the timed part, as the store's checkpointer
        int log = 0, done = 0;
        sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
        wal_pages = 0;
      }
    }
  }
  for (sqlite3_stmt* st : {direct, append, move, drop}) sqlite3_finalize(st);
  sqlite3_close(db);
  fs::remove_all(dir);
  std::sort(commits.begin(), commits.end());
  return {timed_ms * 1000.0 / static_cast<double>(rows), commits[commits.size() * 99 / 100], merge_max,
          merge_ms / timed_ms};
}

void report(benchmark::State& state, const Result& r) {
  state.counters["us_per_row"] = r.us_per_row;
  state.counters["commit_ms_p99"] = r.commit_p99_ms;
  state.counters["merge_ms_max"] = r.merge_max_ms;
  state.counters["merge_share"] = r.merge_share;
}

// Argument: rows per commit.
void BM_Clustered(benchmark::State& state) {
  for (auto _ : state) report(state, run(0, static_cast<int>(state.range(0)), false));
}
BENCHMARK(BM_Clustered)->Arg(3500)->Arg(350)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Arguments: rows in the segment before a merge, rows per commit, whether the segment has a
// (series, time) index (which per-series reads of the segment would need).
void BM_RecentThenMerge(benchmark::State& state) {
  for (auto _ : state)
    report(state, run(state.range(0), static_cast<int>(state.range(1)), state.range(2) != 0));
}
BENCHMARK(BM_RecentThenMerge)
    ->Args({72000, 3500, 0})
    ->Args({288000, 3500, 0})
    ->Args({288000, 350, 0})
    ->Args({288000, 350, 1})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

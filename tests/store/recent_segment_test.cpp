// The SQLite store's recent segment (store/sqlite/recent_segment.h): small writes wait in it and
// move into the clustered table, and through every stage a key is stored once, a re-sent value
// is a duplicate and a different one a conflict, whether the stored row is in the active table,
// in the frozen one being merged, or in the clustered table; another connection's writes are
// seen; a bulk write moves the whole segment first; reads see every row once.
#include "store/store.h"
#include "store/sqlite/recent_segment.h"

#include "backends.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace skyriver::store {
namespace {

constexpr int kSites = 100, kParams = 5;  // 500 series
const core::Instant t0 = 1546272000;      // 2019-01-01 00:00 Beijing

// The n-th value: series n % 500, hour n / 500, so that every batch touches every series.
Observation nth(int n, double value = -1) {
  Observation o;
  o.site = "S" + std::to_string(n % kSites);
  o.parameter = "p" + std::to_string((n / kSites) % kParams);
  o.time = t0 + core::Instant(n / (kSites * kParams)) * 3600;
  o.interval = Interval::hour;
  o.value = value >= 0 ? value : n % 997;
  o.unit = "ug/m3";
  o.source_kind = "test";
  o.source = "seg:" + std::to_string(n);
  o.received_at = 1700000000 + n;
  return o;
}

std::vector<Observation> range(int first, int count) {
  std::vector<Observation> v;
  for (int n = first; n < first + count; ++n) v.push_back(nth(n));
  return v;
}

// Raw counts, read beside the store through a connection of its own.
std::int64_t raw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW) << sql;
  const auto v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

// Which n a stored (series, time) key holds: the inverse of nth().
int n_of(const std::string& path, const std::string& table_where) {
  const std::int64_t series = raw(path, "SELECT series FROM " + table_where);
  const std::int64_t time = raw(path, "SELECT time FROM " + table_where);
  const std::int64_t site = raw(path, "SELECT CAST(substr(site, 2) AS INTEGER) FROM series WHERE id = " + std::to_string(series));
  const std::int64_t param = raw(path, "SELECT CAST(substr(parameter, 2) AS INTEGER) FROM series WHERE id = " + std::to_string(series));
  return static_cast<int>((time - t0) / 3600 * (kSites * kParams) + param * kSites + site);
}

TEST(RecentSegment, EveryStageKeepsEachKeyOnceAndClassifiesResentValues) {
  const auto dir = testkit::scratch_dir();
  const std::string path = (dir / "store.db").string();
  constexpr int kBatch = 2500;
  const int freeze = static_cast<int>(RecentSegment::kFreezeRows);
  // Past the first swap, part-way through the merge of the frozen table: each later write
  // merges whole series, at least as many rows as it appended and RecentSegment::kMinChunk.
  const int total = freeze + 10 * kBatch;
  {
    auto db = Store::open(path);
    int written = 0;
    for (; written < total; written += kBatch) {
      const auto r = db->write(range(written, kBatch));
      ASSERT_EQ(r.outcome, std::string(kBatch, 'i')) << "batch at " << written;
      // Re-sent: the previous batch's first value (a duplicate) and a changed one (a conflict).
      if (written > 0) {
        std::vector<Observation> again{nth(written - kBatch), nth(written - kBatch + 1, 5000)};
        ASSERT_EQ(db->write(again).outcome, "dc") << "batch at " << written;
      }
      if (written % (20 * kBatch) == 0) {
        ASSERT_EQ(db->count({}), std::size_t(written + kBatch));
      }
    }
    // The first rows have been merged into the clustered table, the frozen table is part-way,
    // and the newest rows wait in the active table.
    const auto clustered = raw(path, "SELECT count(*) FROM observations");
    const auto segment = raw(path, "SELECT count(*) FROM observations_recent");
    EXPECT_GT(clustered, 0);
    EXPECT_LT(clustered, freeze);
    EXPECT_GT(raw(path, "SELECT merged_" + std::to_string(raw(path, "SELECT 1 - active FROM recent_state")) +
                            " FROM recent_state"),
              0);
    EXPECT_EQ(clustered + segment, total);
    EXPECT_EQ(raw(path, "SELECT count(*) FROM observations_all"), total);
    EXPECT_EQ(db->count({}), std::size_t(total));
    EXPECT_EQ(db->conflicts({}).size(), std::size_t(total / kBatch - 1));

    // A key in each place, re-sent by this writer: a duplicate and a conflict each.
    const int active = raw(path, "SELECT active FROM recent_state");
    const int frozen = 1 - active;
    const std::vector<std::string> places{
        "observations ORDER BY series, time LIMIT 1 OFFSET 7",
        "observations_recent_" + std::to_string(active) + " LIMIT 1 OFFSET 11",
        "observations_recent_" + std::to_string(frozen) + " WHERE series > (SELECT merged_" + std::to_string(frozen) +
            " FROM recent_state) LIMIT 1 OFFSET 13"};
    for (const auto& place : places) {
      const int n = n_of(path, place);
      std::vector<Observation> again{nth(n)};
      ASSERT_EQ(db->write(again).outcome, "d") << place;
      std::vector<Observation> changed{nth(n, 6000)};
      ASSERT_EQ(db->write(changed).outcome, "c") << place;
    }
  }
  // A second connection reads the segment back from the file and finds the same keys; then a
  // write by it is seen by a third that was opened before it.
  auto early = Store::open(path);
  {
    auto db = Store::open(path);
    EXPECT_EQ(db->count({}), std::size_t(total));
    EXPECT_EQ(db->write(range(total - 3 * kBatch, 10)).outcome, std::string(10, 'd'));
    EXPECT_EQ(db->write(range(0, 10)).outcome, std::string(10, 'd'));
    EXPECT_EQ(db->write(range(total, 10)).outcome, std::string(10, 'i'));
  }
  EXPECT_EQ(early->write(range(total, 11)).outcome, std::string(10, 'd') + "i");

  // Every row once, in scan order, with what was first stored.
  {
    std::vector<int> seen(total + 11, 0);
    std::size_t rows = 0;
    Query q;
    early->scan(q, [&](const Observation& o) {
      const int n = std::stoi(o.source.substr(4));
      ++seen[n], ++rows;
      EXPECT_EQ(o.value, n % 997) << n;
    });
    EXPECT_EQ(rows, std::size_t(total + 11));
    EXPECT_EQ(std::count(seen.begin(), seen.end(), 1), total + 11);
    // One series over a time range: its rows from both places, in time order.
    q.sites = {"S3"}, q.parameters = {"p2"};
    q.from = t0 + 100 * 3600, q.to = t0 + 600 * 3600;
    std::vector<core::Instant> times;
    early->scan(q, [&](const Observation& o) { times.push_back(o.time); });
    // S3/p2 is n = 500 h + 203: hours 0..449 are stored (n < total + 11 = 225 011), 350 of them in range.
    ASSERT_EQ(total + 11, 225011);
    ASSERT_EQ(times.size(), 350u);
    for (std::size_t i = 0; i < times.size(); ++i) EXPECT_EQ(times[i], q.from + core::Instant(i) * 3600);
    EXPECT_EQ(early->count(q), times.size());
  }

  // A bulk write (an import's batch) moves the whole segment into the clustered table first.
  const int bulk = 60000;
  EXPECT_EQ(early->write(range(total + 11, bulk)).inserted, std::size_t(bulk));
  EXPECT_EQ(raw(path, "SELECT count(*) FROM observations_recent_0") + raw(path, "SELECT count(*) FROM observations_recent_1"), 0);
  EXPECT_EQ(raw(path, "SELECT count(*) FROM observations"), total + 11 + bulk);
  EXPECT_EQ(early->count({}), std::size_t(total + 11 + bulk));
  EXPECT_EQ(early->stats().observations, std::size_t(total + 11 + bulk));
  early.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace skyriver::store

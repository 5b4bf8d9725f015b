// Change notices (store/changes.h): on PostgreSQL a write that inserted values is announced at
// its commit with the earliest received_at it inserted, to the listeners of the same store only;
// duplicates and imports announce nothing; SQLite has no listener. Expected instants are the
// received_at values the test writes.
#include "store/changes.h"
#include "store/store.h"

#include "backends.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

using namespace skyriver;
using namespace std::chrono_literals;

namespace {

store::Observation obs(core::Instant time, core::Instant received_at) {
  store::Observation o;
  o.site = "1001A", o.parameter = "pm25", o.source_kind = "hj212", o.unit = "ug/m3";
  o.time = time, o.value = 12, o.source = "t:1", o.received_at = received_at;
  return o;
}

TEST(StoreChanges, AWriteIsAnnouncedAtCommitToItsOwnStoreOnly) {
  const auto dir = testkit::scratch_dir();
  const std::string url = testkit::fresh_store_url("postgresql", dir), other = testkit::fresh_store_url("postgresql", dir);
  SKYRIVER_REQUIRE_BACKEND(url);
  auto db = store::Store::open(url);
  store::Store::open(other);
  auto mine = store::listen(url, true);   // this process writes: hear it
  auto others = store::listen(url);       // leaves this process's writes out
  auto elsewhere = store::listen(other, true);
  ASSERT_TRUE(mine && others && elsewhere);
  EXPECT_EQ(mine->wait(0ms), std::nullopt);

  std::vector<store::Observation> batch{obs(1704038400, 1704040100), obs(1704042000, 1704040050)};
  ASSERT_EQ(db->write(batch).outcome, "ii");
  EXPECT_EQ(mine->wait(10s), 1704040050);  // the earliest received_at of the batch
  EXPECT_EQ(others->wait(300ms), std::nullopt);
  EXPECT_EQ(elsewhere->wait(300ms), std::nullopt);

  // Nothing inserted (duplicates), or an import (announced by the import log): no notice.
  ASSERT_EQ(db->write(batch).outcome, "dd");
  store::ImportRecord log;
  log.id = db->begin_import("test", "f.csv");
  std::vector<store::Observation> imported{obs(1704045600, 1704040000)};
  ASSERT_EQ(db->write(imported, log).outcome, "i");
  EXPECT_EQ(mine->wait(300ms), std::nullopt);

  // Several writes before a look: their notices together tell the earliest of them all.
  std::vector<store::Observation> a{obs(1704049200, 1704040300)}, b{obs(1704052800, 1704040200)};
  db->write(a), db->write(b);
  core::Instant earliest = std::numeric_limits<core::Instant>::max();
  const auto end = std::chrono::steady_clock::now() + 10s;
  while (earliest != 1704040200 && std::chrono::steady_clock::now() < end)
    if (auto t = mine->wait(1s)) earliest = std::min(earliest, *t);
  EXPECT_EQ(earliest, 1704040200);
  std::filesystem::remove_all(dir);
}

TEST(StoreChanges, SqliteHasNoListener) {
  const auto dir = testkit::scratch_dir();
  store::Store::open((dir / "s.db").string());
  EXPECT_EQ(store::listen((dir / "s.db").string()), nullptr);
  std::filesystem::remove_all(dir);
}

}  // namespace

// Audit marks of one request go in one transaction (issue 28 #3: /api/marks used to write one
// commit per hour x parameter, and a failure part-way left a partial set). The failure is
// injected with an SQLite trigger that aborts the insert of one chosen hour.
#include "store/store.h"

#include "backends.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

using namespace skyriver;

namespace {

void exec(const std::string& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

}  // namespace

TEST(AuditMarks, ABatchIsStoredWholeOrNotAtAll) {
  const auto dir = testkit::scratch_dir();
  const std::string file = (dir / "store.db").string();
  auto db = store::Store::open(file);
  const core::Instant t0 = core::from_beijing({{2019, 1, 1}, 0, 0, 0});
  std::vector<store::AuditMark> marks;
  for (int h = 0; h < 4; ++h)
    marks.push_back({0, "1723A", "pm10", t0 + h * core::kHour, store::Interval::hour, "dust", "沙尘", "auditor", 1700000000});
  exec(file, "CREATE TRIGGER fail_third BEFORE INSERT ON audit_marks WHEN NEW.time = " +
                 std::to_string(t0 + 2 * core::kHour) + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  EXPECT_ANY_THROW(db->add_marks(marks));
  EXPECT_TRUE(db->marks({}).empty());  // the first two hours are not left behind
  exec(file, "DROP TRIGGER fail_third;");
  db->add_marks(marks);
  const auto stored = db->marks({});
  ASSERT_EQ(stored.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_GT(marks[i].id, 0);
    EXPECT_EQ(stored[i].time, t0 + core::Instant(i) * core::kHour);
  }
  std::filesystem::remove_all(dir);
}

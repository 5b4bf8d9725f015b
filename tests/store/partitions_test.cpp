// PostgreSQL keeps observations in monthly declarative partitions (schema.h, version 3):
// months in Beijing time, the partitions a write needs created before it, and the current
// month and the next two created ahead when a program opens the store. Past months are moved
// to the archive and back with `skyriver db detach|attach` (store/archive.h).
#include "core/error.h"
#include "store/archive.h"
#include "store/store.h"

#include "backends.h"
#include "../support/run_cli.h"

#include <libpq-fe.h>

#include <gmock/gmock.h>

#include <chrono>
#include <filesystem>

using namespace skyriver;

namespace {

std::vector<std::string> pg_rows(const std::string& url, const std::string& schema, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PQclear(PQexec(c, ("SET search_path TO " + schema).c_str()));
  PGresult* r = PQexec(c, sql.c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r); ++i) {
    std::string row;
    for (int k = 0; k < PQnfields(r); ++k) row += (k ? "|" : "") + std::string(PQgetvalue(r, i, k));
    out.push_back(row);
  }
  PQclear(r);
  PQfinish(c);
  return out;
}

std::string month_name(int y, int m) {
  char b[32];
  std::snprintf(b, sizeof b, "observations_p%04d%02d", y, m);
  return b;
}

TEST(PostgresPartitions, ObservationsLandInTheirBeijingMonthAndMonthsAheadExist) {
  const char* pg = std::getenv("SKYRIVER_TEST_PG");
  if (!pg || !*pg) {
    if (testkit::pg_required()) FAIL() << "CI=true but SKYRIVER_TEST_PG is not set";
    GTEST_SKIP() << "SKYRIVER_TEST_PG not set";
  }
  const std::string schema = testkit::unique_name("part");
  const std::string url(pg);
  auto db = store::Store::open(url + (url.find('?') == std::string::npos ? "?" : "&") + "schema=" + schema);
  // 2019-01-31 23:00 and 2019-02-01 00:00 Beijing time (UTC+8): one hour apart, two months.
  const core::Instant last_jan = core::from_beijing({{2019, 1, 31}, 23, 0, 0});
  std::vector<store::Observation> b(2);
  for (int i = 0; i < 2; ++i) {
    b[i].site = "1001A", b[i].parameter = "pm25", b[i].source_kind = "test", b[i].unit = "ug/m3";
    b[i].time = last_jan + 3600 * i, b[i].value = 10 + i, b[i].source = "t:1", b[i].received_at = 1700000000;
  }
  EXPECT_EQ(db->write(b).outcome, "ii");
  EXPECT_THAT(pg_rows(pg, schema, "SELECT tableoid::regclass::text, value FROM observations ORDER BY time"),
              ::testing::ElementsAre(month_name(2019, 1) + "|10", month_name(2019, 2) + "|11"));

  const auto parts = pg_rows(pg, schema,
                             "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                             "WHERE i.inhparent = 'observations'::regclass ORDER BY 1");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  auto civil = core::to_beijing(now);
  int y = civil.date.year, m = civil.date.month;
  for (int k = 0; k < 3; ++k) {
    EXPECT_THAT(parts, ::testing::Contains(month_name(y, m))) << "month ahead " << k;
    if (++m == 13) m = 1, ++y;
  }
  // Reads and counts go through the partitioned table as through any table.
  store::Query q;
  q.from = last_jan + 3600;
  EXPECT_EQ(db->count(q), 1u);
}


store::Observation pm25(core::Instant t, double v) {
  store::Observation o;
  o.site = "1001A", o.parameter = "pm25", o.source_kind = "test", o.unit = "ug/m3";
  o.time = t, o.value = v, o.source = "t:1", o.received_at = 1700000000;
  return o;
}

// Issue 27: one value of 1970 with one of 2019 in the same write created every month partition
// in between (590 tables), permanently. Now only the months that hold a row (and the current
// month and the next two) exist.
TEST(PostgresPartitions, OnlyMonthsHoldingRowsAreCreated) {
  const auto dir = testkit::scratch_dir();
  const std::string url = testkit::fresh_store_url("postgresql", dir);
  SKYRIVER_REQUIRE_BACKEND(url);
  const std::string pg = std::getenv("SKYRIVER_TEST_PG"), schema = url.substr(url.rfind("schema=") + 7);
  auto db = store::Store::open(url);
  const core::Instant y1970 = core::from_beijing({{1970, 1, 1}, 12, 0, 0});
  const core::Instant y2019 = core::from_beijing({{2019, 3, 5}, 0, 0, 0});
  std::vector<store::Observation> b{pm25(y1970, 1), pm25(y2019, 2)};
  ASSERT_EQ(db->write(b).outcome, "ii");
  const auto parts = pg_rows(pg, schema,
                             "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                             "WHERE i.inhparent = 'observations'::regclass ORDER BY 1");
  EXPECT_THAT(parts, ::testing::Contains(month_name(1970, 1)));
  EXPECT_THAT(parts, ::testing::Contains(month_name(2019, 3)));
  EXPECT_THAT(parts, ::testing::Not(::testing::Contains(month_name(1970, 2))));
  EXPECT_THAT(parts, ::testing::Not(::testing::Contains(month_name(2019, 2))));
  EXPECT_LE(parts.size(), 5u) << "two months of data and the current month and the next two";
  std::filesystem::remove_all(dir);
}

TEST(PostgresPartitions, APastMonthIsDetachedToTheArchiveAndAttachedBackUnchanged) {
  const auto dir = testkit::scratch_dir();
  const std::string url = testkit::fresh_store_url("postgresql", dir);
  SKYRIVER_REQUIRE_BACKEND(url);
  const std::string pg = std::getenv("SKYRIVER_TEST_PG"), schema = url.substr(url.rfind("schema=") + 7);
  auto db = store::Store::open(url);
  // Two values in January 2019 (Beijing), one in February.
  const core::Instant jan10 = core::from_beijing({{2019, 1, 10}, 0, 0, 0}), jan31 = core::from_beijing({{2019, 1, 31}, 23, 0, 0});
  const core::Instant feb1 = core::from_beijing({{2019, 2, 1}, 0, 0, 0});
  std::vector<store::Observation> b{pm25(jan10, 31), pm25(jan31, 32), pm25(feb1, 33)};
  ASSERT_EQ(db->write(b).outcome, "iii");
  store::Query january;
  january.to = feb1;

  auto run = test::run_cli("db detach --month 2019-01 --db '" + url + "'");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("2 values"), std::string::npos) << run.out;
  EXPECT_EQ(db->count(january), 0u);
  EXPECT_EQ(db->count({}), 1u);
  const auto months = store::archived_months(url);
  ASSERT_EQ(months.size(), 1u);
  EXPECT_EQ(months[0].month, 201901);
  EXPECT_EQ(months[0].table, "archived_p201901");
  EXPECT_THAT(pg_rows(pg, schema, "SELECT count(*) FROM archived_p201901"), ::testing::ElementsAre("2"));
  run = test::run_cli("db archived --db '" + url + "'");
  EXPECT_NE(run.out.find("2019-01 archived_p201901"), std::string::npos) << run.out;

  // Writes into the archived month are refused, by this program and by one opened afterwards,
  // and change nothing.
  std::vector<store::Observation> late{pm25(jan10 + 3600, 40)};
  try {
    db->write(late);
    ADD_FAILURE() << "a write into an archived month was accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("archived"), std::string::npos) << e.what();
  }
  try {
    store::Store::open(url)->write(late);
    ADD_FAILURE() << "a write into an archived month was accepted";
  } catch (const core::Error& e) {
    EXPECT_NE(std::string(e.what()).find("archived"), std::string::npos) << e.what();
  }
  EXPECT_EQ(db->count({}), 1u);

  // Refusals name the month and the reason.
  run = test::run_cli("db detach --month 2019-01 --db '" + url + "'");
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.out.find("already archived"), std::string::npos) << run.out;
  run = test::run_cli("db detach --month 2019-03 --db '" + url + "'");
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.out.find("no values"), std::string::npos) << run.out;
  run = test::run_cli("db detach --month 2019-13 --db '" + url + "'");
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.out.find("--month"), std::string::npos) << run.out;
  const auto today = core::to_beijing(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch()).count());
  char current[16];
  std::snprintf(current, sizeof current, "%04d-%02d", today.date.year, today.date.month);
  run = test::run_cli("db detach --month " + std::string(current) + " --db '" + url + "'");
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.out.find("past month"), std::string::npos) << run.out;
  store::Store::open((dir / "s.db").string());  // an existing SQLite store: refused for being SQLite, not for missing
  run = test::run_cli("db detach --month 2019-01 --db " + (dir / "s.db").string());
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.out.find("PostgreSQL"), std::string::npos) << run.out;

  // Attached back: the same values, and duplicates are recognised again.
  run = test::run_cli("db attach --month 2019-01 --db '" + url + "'");
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("2 values"), std::string::npos) << run.out;
  EXPECT_TRUE(store::archived_months(url).empty());
  std::vector<double> values;
  db->scan(january, [&](const store::Observation& o) { values.push_back(o.value); });
  EXPECT_THAT(values, ::testing::ElementsAre(31, 32));
  std::vector<store::Observation> again{pm25(jan10, 31), pm25(jan10 + 3600, 40)};
  EXPECT_EQ(db->write(again).outcome, "di");
  run = test::run_cli("db attach --month 2019-01 --db '" + url + "'");
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.out.find("not archived"), std::string::npos) << run.out;
  std::filesystem::remove_all(dir);
}

}  // namespace

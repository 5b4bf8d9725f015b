// PostgreSQL keeps observations in monthly declarative partitions (schema.h, version 3):
// months in Beijing time, the partitions a write needs created before it, and the current
// month and the next two created ahead when a program opens the store.
#include "store/store.h"

#include "backends.h"

#include <libpq-fe.h>

#include <gmock/gmock.h>

#include <chrono>

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

}  // namespace

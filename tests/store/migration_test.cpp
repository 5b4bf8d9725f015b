// A store made by an earlier version opens and is upgraded in place (schema.h), on both
// backends: copies of real version-1, -2 and -3 SQLite files (tests/data, made by the
// `skyriver` binaries of those versions: see tests/data/README.md), and PostgreSQL schemas made
// by the dumps of those versions' own DDL, filled with the same files' rows. What the store
// gives back after the upgrade is compared with the rows read from the old file directly.
#include "store/store.h"

#include "backends.h"
#include "core/error.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <gmock/gmock.h>

#include <fstream>
#include <sstream>

using namespace skyriver;

namespace {

const std::string kData = SKYRIVER_SOURCE_DIR "/tests/data/";

// Every row of `sql` in the old SQLite file, as text ("" for NULL), columns joined by '|'.
std::vector<std::string> raw_rows(const std::string& file, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK) << file;
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::vector<std::string> out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const auto* t = sqlite3_column_text(st, c);
      row += (c ? "|" : "") + std::string(t ? reinterpret_cast<const char*>(t) : "");
    }
    out.push_back(row);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

std::string fmt(double v) {
  std::ostringstream o;
  o.precision(17);
  o << v;
  return o.str();
}

std::string row_of(const store::Observation& o) {
  return o.site + "|" + o.parameter + "|" + std::to_string(o.time) + "|" + std::string(store::to_string(o.interval)) +
         "|" + o.source_kind + "|" + fmt(o.value) + "|" + o.unit + "|" + std::string(1, o.flag) + "|" + o.source + "|" +
         std::to_string(o.received_at);
}

void pg_exec(PGconn* c, const std::string& sql, const std::vector<std::string>& args = {}) {
  std::vector<const char*> v;
  for (const auto& a : args) v.push_back(a.c_str());
  PGresult* r = PQexecParams(c, sql.c_str(), int(v.size()), nullptr, v.data(), nullptr, nullptr, 0);
  const auto st = PQresultStatus(r);
  EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << sql << ": " << PQresultErrorMessage(r);
  PQclear(r);
}

// A PostgreSQL schema as version `v` made it (its pg_dump), holding the rows of the SQLite file.
void make_old_pg_schema(const std::string& pg, const std::string& schema, int v, const std::string& file) {
  PGconn* c = PQconnectdb(pg.c_str());
  ASSERT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  std::ifstream in(kData + "store_v" + std::to_string(v) + "_postgres.sql");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string ddl = ss.str();
  for (auto p = ddl.find("@SCHEMA@"); p != std::string::npos; p = ddl.find("@SCHEMA@")) ddl.replace(p, 8, schema);
  PGresult* r = PQexec(c, ddl.c_str());
  ASSERT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  std::vector<std::string> tables{"areas", "sites", "parameters", "observations", "conflicts", "audit_marks", "imports",
                                  "schema_version"};
  if (v >= 2) tables.push_back("records");
  for (const auto& t : tables) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, ("SELECT * FROM " + t).c_str(), -1, &st, nullptr);
    const int n = sqlite3_column_count(st);
    std::string sql = "INSERT INTO " + schema + "." + t + " VALUES(";
    for (int i = 1; i <= n; ++i) sql += "$" + std::to_string(i) + (i < n ? "," : ")");
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::vector<const char*> vals;
      for (int i = 0; i < n; ++i) vals.push_back(reinterpret_cast<const char*>(sqlite3_column_text(st, i)));
      PGresult* ins = PQexecParams(c, sql.c_str(), n, nullptr, vals.data(), nullptr, nullptr, 0);
      ASSERT_EQ(PQresultStatus(ins), PGRES_COMMAND_OK) << t << ": " << PQresultErrorMessage(ins);
      PQclear(ins);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (t != "areas" && t != "sites" && t != "parameters" && t != "observations" && t != "schema_version")
      pg_exec(c, "SELECT setval(pg_get_serial_sequence('" + schema + "." + t + "', 'id'), (SELECT max(id) FROM " +
                     schema + "." + t + "))");
  }
  PQfinish(c);
}

class MigrationTest : public ::testing::TestWithParam<std::tuple<std::string, int>> {
 protected:
  void SetUp() override {
    dir_ = testkit::scratch_dir();
    const auto& [backend, version] = GetParam();
    file_ = kData + "store_v" + std::to_string(version) + ".db";
    if (backend == "sqlite") {
      url_ = (dir_ / "old.db").string();
      std::filesystem::copy_file(file_, url_);
    } else {
      const char* pg = std::getenv("SKYRIVER_TEST_PG");
      if (!pg || !*pg) {
        if (testkit::pg_required()) FAIL() << "CI=true but SKYRIVER_TEST_PG is not set";
        GTEST_SKIP() << "SKYRIVER_TEST_PG not set";
      }
      const std::string schema = testkit::unique_name("mig");
      make_old_pg_schema(pg, schema, version, file_);
      url_ = std::string(pg) + (std::string(pg).find('?') == std::string::npos ? "?" : "&") + "schema=" + schema;
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::string file_, url_;
};

TEST_P(MigrationTest, OldStoreIsUpgradedInPlaceAndReadsTheSame) {
  const auto want = raw_rows(file_, "SELECT site, parameter, time, interval, source_kind, value, unit, flag, source, "
                                    "received_at FROM observations ORDER BY site, parameter, time, interval, source_kind");
  ASSERT_EQ(want.size(), 2031u);  // tests/data/README.md: 2 028 hourly + 3 daily values
  auto db = store::Store::open(url_);
  EXPECT_EQ(db->schema_version(), 5);
  std::vector<std::string> got;
  db->scan({}, [&](const store::Observation& o) { got.push_back(row_of(o)); });
  // The old file prints reals as SQLite does; compare them as numbers.
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    std::vector<std::string> g, w;
    std::stringstream gs(got[i]), ws(want[i]);
    for (std::string x; std::getline(gs, x, '|');) g.push_back(x);
    for (std::string x; std::getline(ws, x, '|');) w.push_back(x);
    ASSERT_EQ(g.size(), 10u);
    ASSERT_EQ(w.size(), 10u);
    for (int c = 0; c < 10; ++c) {
      if (c == 5) EXPECT_EQ(std::stod(g[c]), std::stod(w[c])) << "row " << i;
      else EXPECT_EQ(g[c], w[c]) << "row " << i << " column " << c;
    }
  }
  EXPECT_EQ(db->count({}), 2031u);

  // The conflict of the fixture: PM2.5 of 1721A at 2019-01-01 hour 5 arrived as 999.
  const auto conflicts = db->conflicts({});
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].incoming.site, "1721A");
  EXPECT_EQ(conflicts[0].incoming.value, 999);
  const auto raw_conflict = raw_rows(file_, "SELECT o.value, o.source FROM conflicts c JOIN observations o USING (site, "
                                            "parameter, time, interval, source_kind)");
  ASSERT_EQ(raw_conflict.size(), 1u);
  const auto bar = raw_conflict[0].find('|');
  EXPECT_EQ(conflicts[0].existing_value, std::stod(raw_conflict[0].substr(0, bar)));
  EXPECT_EQ(conflicts[0].existing_source, raw_conflict[0].substr(bar + 1));

  EXPECT_EQ(db->marks({}).size(), 1u);
  const auto imports = db->imports();
  ASSERT_EQ(imports.size(), 3u);
  EXPECT_EQ(imports[1].conflicts, 1u);
  EXPECT_EQ(db->sites().size(), raw_rows(file_, "SELECT id FROM sites").size());
  EXPECT_EQ(db->areas().size(), raw_rows(file_, "SELECT id FROM areas").size());
  if (std::get<1>(GetParam()) == 2) {
    store::RecordQuery q;
    q.kind = "warning";
    EXPECT_EQ(db->records(q).size(), 1u);
  }

  // The upgraded store keeps its rules: the same values again are duplicates, a new value a
  // conflict, and it opens again as version 4 with the same content.
  std::vector<store::Observation> again;
  db->scan({}, [&](const store::Observation& o) {
    if (again.size() < 50) again.push_back(o);
  });
  EXPECT_EQ(db->write(again).outcome, std::string(50, 'd'));
  again[0].value += 1;
  EXPECT_EQ(db->write(std::span(again.data(), 1)).outcome, "c");
  db.reset();
  auto reopened = store::Store::open(url_);
  EXPECT_EQ(reopened->schema_version(), 5);
  EXPECT_EQ(reopened->count({}), 2031u);
  EXPECT_EQ(reopened->conflicts({}).size(), 2u);
}

// A store made by the version-3 program (the layout of every store made before version 4)
// opens as version 4 with the same rows; new small writes go to the recent segment and are
// read with the rest. SQLite only: on PostgreSQL version 4 changes nothing.
TEST(MigrationFromVersion3, SqliteStoreGainsTheRecentSegmentAndReadsTheSame) {
  const auto dir = testkit::scratch_dir();
  const std::string file = kData + "store_v3.db", url = (dir / "v3.db").string();
  std::filesystem::copy_file(file, url);
  const auto want = raw_rows(file, "SELECT s.site, s.parameter, o.time, s.interval, s.source_kind, o.value, u.text, "
                                   "char(o.flag), x.text || coalesce(o.line, ''), o.received_at FROM observations o "
                                   "JOIN series s ON s.id = o.series JOIN texts u ON u.id = o.unit JOIN texts x ON "
                                   "x.id = o.source ORDER BY s.site, s.parameter, o.time, s.interval, s.source_kind");
  ASSERT_EQ(want.size(), 2031u);  // tests/data/README.md: the rows of store_v2.db
  ASSERT_EQ(raw_rows(file, "SELECT max(version) FROM schema_version"), std::vector<std::string>{"3"});
  auto db = store::Store::open(url);
  EXPECT_EQ(db->schema_version(), 5);
  std::vector<store::Observation> got;
  db->scan({}, [&](const store::Observation& o) { got.push_back(o); });
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const std::string g = row_of(got[i]);
    // The value as a number (the file prints reals as SQLite does), the rest as text.
    const auto cut = [](const std::string& r) {
      std::vector<std::string> f;
      std::stringstream ss(r);
      for (std::string x; std::getline(ss, x, '|');) f.push_back(x);
      return f;
    };
    auto gf = cut(g), wf = cut(want[i]);
    ASSERT_EQ(gf.size(), 10u);
    ASSERT_EQ(wf.size(), 10u);
    EXPECT_EQ(std::stod(gf[5]), std::stod(wf[5])) << "row " << i;
    gf[5] = wf[5] = "";
    EXPECT_EQ(gf, wf) << "row " << i;
  }
  EXPECT_EQ(db->conflicts({}).size(), 1u);
  // Old keys again: duplicates and a conflict; a new hour: stored, in the segment, read back.
  std::vector<store::Observation> again(got.begin(), got.begin() + 5);
  EXPECT_EQ(db->write(again).outcome, "ddddd");
  again[0].value += 1;
  EXPECT_EQ(db->write(std::span(again.data(), 1)).outcome, "c");
  store::Observation later = got.back();
  later.time += 3600;
  EXPECT_EQ(db->write(std::span(&later, 1)).outcome, "i");
  db.reset();
  EXPECT_EQ(raw_rows(url, "SELECT count(*) FROM observations_recent"), std::vector<std::string>{"1"});
  auto reopened = store::Store::open(url);
  EXPECT_EQ(reopened->schema_version(), 5);
  EXPECT_EQ(reopened->count({}), 2032u);
  EXPECT_EQ(reopened->conflicts({}).size(), 2u);
  reopened.reset();
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Versions, MigrationTest,
                         ::testing::Combine(::testing::Values("sqlite", "postgresql"), ::testing::Values(1, 2)),
                         [](const auto& info) {
                           return std::get<0>(info.param) + "_v" + std::to_string(std::get<1>(info.param));
                         });

}  // namespace

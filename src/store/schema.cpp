#include "store/schema.h"

#include "core/error.h"
#include "store/sql_common.h"

#include <algorithm>

namespace skyriver::store {

namespace {

// Replaces every "{name}" in `t` by the dialect's text.
std::string fill(const Dialect& d, std::string t) {
  const std::pair<std::string_view, std::string_view> subs[] = {
      {"{bigint}", d.bigint},         {"{real}", d.real},
      {"{smallint}", d.smallint},     {"{serial_id}", d.serial_id},
      {"{clustered}", d.clustered},   {"{partitioned}", d.partitioned},
      {"{received_index}", d.received_index}};
  for (const auto& [from, to] : subs)
    for (auto p = t.find(from); p != std::string::npos; p = t.find(from, p + to.size())) t.replace(p, from.size(), to);
  return t;
}

// Version 1's tables that version 3 keeps as they are.
const char* kReference = R"SQL(
CREATE TABLE IF NOT EXISTS areas(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, level TEXT NOT NULL, parent TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS sites(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, area TEXT NOT NULL,
  lon {real}, lat {real}, reference {smallint} NOT NULL DEFAULT 0, stopped TEXT,
  attributes TEXT NOT NULL DEFAULT '', mn TEXT NOT NULL DEFAULT '',
  password TEXT NOT NULL DEFAULT '', edition INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS parameters(
  code TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL, unit TEXT NOT NULL,
  outlet_unit TEXT NOT NULL DEFAULT '', grp TEXT NOT NULL DEFAULT '',
  hj212 TEXT NOT NULL DEFAULT '', hj212_old TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS audit_marks(
  id {serial_id}, site TEXT NOT NULL, parameter TEXT NOT NULL, time {bigint} NOT NULL,
  interval TEXT NOT NULL, mark TEXT NOT NULL, reason TEXT NOT NULL, who TEXT NOT NULL,
  at {bigint} NOT NULL);
CREATE INDEX IF NOT EXISTS audit_marks_key ON audit_marks(site, parameter, time);
CREATE TABLE IF NOT EXISTS imports(
  id {serial_id}, source_kind TEXT NOT NULL, file TEXT NOT NULL, started {bigint} NOT NULL,
  finished {bigint} NOT NULL DEFAULT 0, status TEXT NOT NULL, rows_read {bigint} NOT NULL DEFAULT 0,
  stored {bigint} NOT NULL DEFAULT 0, duplicates {bigint} NOT NULL DEFAULT 0,
  conflicts {bigint} NOT NULL DEFAULT 0, rejected {bigint} NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '');
)SQL";

// Version 2: the records journal.
const char* kRecords = R"SQL(
CREATE TABLE IF NOT EXISTS records(
  id {serial_id}, kind TEXT NOT NULL, key TEXT NOT NULL, at {bigint} NOT NULL,
  who TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_key ON records(kind, key, id);
CREATE INDEX IF NOT EXISTS records_at ON records(kind, at);
)SQL";

// Version 3: observations and conflicts keyed by series id and time. Constraint names are
// explicit so that they never meet the names of the version-1 tables being replaced.
const char* kObservations = R"SQL(
CREATE TABLE IF NOT EXISTS series(
  id {serial_id}, site TEXT NOT NULL, parameter TEXT NOT NULL, interval TEXT NOT NULL,
  source_kind TEXT NOT NULL, CONSTRAINT series_key UNIQUE(site, parameter, interval, source_kind));
CREATE TABLE IF NOT EXISTS texts(id {serial_id}, text TEXT NOT NULL, CONSTRAINT texts_text UNIQUE(text));
CREATE TABLE IF NOT EXISTS observations(
  series {bigint} NOT NULL, time {bigint} NOT NULL, value {real} NOT NULL, flag {smallint} NOT NULL,
  unit {bigint} NOT NULL, source {bigint} NOT NULL, line {bigint}, received_at {bigint} NOT NULL,
  CONSTRAINT observations_key PRIMARY KEY(series, time)){clustered}{partitioned};
{received_index};
CREATE TABLE IF NOT EXISTS conflicts(
  id {serial_id}, series {bigint} NOT NULL, time {bigint} NOT NULL, value {real} NOT NULL,
  flag {smallint} NOT NULL, unit {bigint} NOT NULL, source {bigint} NOT NULL, line {bigint},
  received_at {bigint} NOT NULL, CONSTRAINT conflicts_key UNIQUE(series, time, value, flag));
CREATE INDEX IF NOT EXISTS conflicts_received ON conflicts(received_at);
CREATE TABLE IF NOT EXISTS archived_months(
  month INTEGER PRIMARY KEY, name TEXT NOT NULL, at {bigint} NOT NULL);
)SQL";

// Version 5: accounts and the audit log of writes. Secrets are kept only as hashes.
const char* kAccounts = R"SQL(
CREATE TABLE IF NOT EXISTS users(
  id {serial_id}, name TEXT NOT NULL, display TEXT NOT NULL, role TEXT NOT NULL,
  areas TEXT NOT NULL DEFAULT '', enterprise TEXT NOT NULL DEFAULT '', active {smallint} NOT NULL,
  password_hash TEXT NOT NULL, created_by TEXT NOT NULL, created_at {bigint} NOT NULL,
  changed_by TEXT NOT NULL, changed_at {bigint} NOT NULL, CONSTRAINT users_name UNIQUE(name));
CREATE TABLE IF NOT EXISTS api_tokens(
  id {serial_id}, user_name TEXT NOT NULL, label TEXT NOT NULL, digest TEXT NOT NULL,
  created_by TEXT NOT NULL, created_at {bigint} NOT NULL, revoked_at {bigint},
  CONSTRAINT api_tokens_digest UNIQUE(digest));
CREATE INDEX IF NOT EXISTS api_tokens_user ON api_tokens(user_name, id);
CREATE TABLE IF NOT EXISTS sessions(
  id {serial_id}, user_name TEXT NOT NULL, digest TEXT NOT NULL, address TEXT NOT NULL,
  created_at {bigint} NOT NULL, seen_at {bigint} NOT NULL, ended_at {bigint},
  CONSTRAINT sessions_digest UNIQUE(digest));
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_name, ended_at);
CREATE TABLE IF NOT EXISTS audit_log(
  id {serial_id}, at {bigint} NOT NULL, user_name TEXT NOT NULL, role TEXT NOT NULL,
  route TEXT NOT NULL, object TEXT NOT NULL, summary TEXT NOT NULL, address TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at);
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log(user_name, at);
)SQL";

// A row of a version-1/2 observations or conflicts table, selected with kOldCols.
constexpr const char* kOldCols = "site, parameter, time, interval, source_kind, value, unit, flag, source, received_at";
Observation old_observation(const Row& r, const std::string& where) {
  Observation o;
  o.site = r.text(0), o.parameter = r.text(1), o.time = r.i64(2);
  o.interval = detail::interval_from_db(std::string(r.text(3)), where);
  o.source_kind = r.text(4), o.value = r.real(5), o.unit = r.text(6);
  o.flag = r.text(7).empty() ? 'N' : r.text(7)[0];
  o.source = r.text(8), o.received_at = r.i64(9);
  return o;
}

// Version 1/2 observations (renamed *_old) into version 3, a page of rows at a time in the
// old key order, through the same catalog and bulk insert as every write.
void copy_observations(Backend& db, Catalog& catalog) {
  const auto& d = db.dialect();
  constexpr std::size_t kPage = 50000;
  const std::string order = " ORDER BY site, parameter, time, interval, source_kind LIMIT " + std::to_string(kPage);
  const std::string after = " WHERE (site, parameter, time, interval, source_kind) > (" + d.param(1) + "," +
                            d.param(2) + "," + d.param(3) + "," + d.param(4) + "," + d.param(5) + ")";
  std::vector<Observation> page;
  std::vector<StoredRow> rows;
  std::vector<char> inserted;
  for (bool first = true;; first = false) {
    std::vector<Param> args;
    std::string last_iv;
    if (!first) {
      const Observation& l = page.back();
      last_iv = std::string(to_string(l.interval));
      args = {std::string_view(l.site), std::string_view(l.parameter), l.time, std::string_view(last_iv),
              std::string_view(l.source_kind)};
    }
    std::vector<Observation> next;
    db.run(std::string("SELECT ") + kOldCols + " FROM observations_old" + (first ? "" : after) + order, args,
           [&](const Row& r) { next.push_back(old_observation(r, db.where())); });
    if (next.empty()) return;
    page = std::move(next);
    rows.assign(page.size(), StoredRow{});
    catalog.resolve(page, rows, true);
    std::sort(rows.begin(), rows.end(),
              [](const StoredRow& a, const StoredRow& b) { return a.series != b.series ? a.series < b.series : a.time < b.time; });
    db.prepare_times(rows);
    db.insert_new("observations", rows, inserted);
    if (page.size() < kPage) return;
  }
}

void copy_conflicts(Backend& db, Catalog& catalog) {
  const auto& d = db.dialect();
  std::vector<Observation> all;
  db.run(std::string("SELECT ") + kOldCols + " FROM conflicts_old ORDER BY id", {},
         [&](const Row& r) { all.push_back(old_observation(r, db.where())); });
  std::vector<StoredRow> rows(all.size());
  catalog.resolve(all, rows, true);
  std::string ins = "INSERT INTO conflicts(series, time, value, flag, unit, source, line, received_at) VALUES(";
  for (int i = 1; i <= 8; ++i) ins += d.param(i) + (i < 8 ? "," : ")");
  for (const StoredRow& r : rows) {
    const Param p[] = {r.series, r.time, r.value, std::int64_t(r.flag), r.unit, r.source,
                       r.line < 0 ? Param{} : Param{r.line}, r.received_at};
    db.run(ins, p);
  }
}

}  // namespace

int migrate(Backend& db, Catalog& catalog) {
  const auto& d = db.dialect();
  db.begin_write();
  try {
    db.lock_schema();
    db.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
    int version = 0;
    db.run("SELECT max(version) FROM schema_version", {}, [&](const Row& r) {
      if (!r.null(0)) version = static_cast<int>(r.i64(0));
    });
    if (version > kSchemaVersion)
      throw core::Error(db.where(), "store schema version " + std::to_string(version) + " is newer than this program (" +
                                        std::to_string(kSchemaVersion) + ")");
    if (version == 0) {
      db.exec(fill(d, kReference) + fill(d, kRecords) + fill(d, kObservations));
    } else if (version < 3) {
      if (version < 2) db.exec(fill(d, kRecords));
      // Version 3: the text-keyed tables step aside, their rows move into the new ones.
      db.exec("DROP INDEX IF EXISTS observations_received;"
              "ALTER TABLE observations RENAME TO observations_old;"
              "ALTER TABLE conflicts RENAME TO conflicts_old;");
      db.exec(fill(d, kObservations));
      db.exec("INSERT INTO series(site, parameter, interval, source_kind) SELECT site, parameter, interval, "
              "source_kind FROM observations_old UNION SELECT site, parameter, interval, source_kind FROM "
              "conflicts_old ORDER BY 1, 2, 3, 4");
      catalog.refresh();
      copy_observations(db, catalog);
      copy_conflicts(db, catalog);
      db.exec("DROP TABLE observations_old; DROP TABLE conflicts_old;");
    }
    // Version 4: the engine's recent segment, if it has one.
    if (version < 4 && !d.recent_segment.empty()) db.exec(std::string(d.recent_segment));
    if (version < 5) db.exec(fill(d, kAccounts));
    if (version < kSchemaVersion)
      db.run("INSERT INTO schema_version(version) VALUES(" + d.param(1) + ")", std::vector<Param>{std::int64_t(kSchemaVersion)});
    db.commit();
    catalog.commit_created();
  } catch (...) {
    db.rollback();
    catalog.forget_uncommitted();
    throw;
  }
  return kSchemaVersion;
}

}  // namespace skyriver::store

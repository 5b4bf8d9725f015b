// The accounts tables and the audit log of writes (accounts_store.h, schema version 5), over
// any SQL backend: the same statements for SQLite and PostgreSQL, with the dialect's placeholders.
#include "store/accounts_store.h"

#include "core/error.h"
#include "store/backend.h"
#include "store/catalog.h"
#include "store/schema.h"

#include <string>

namespace skyriver::store {

namespace {

// "a,b,c" for the areas column (area codes hold no comma: model/config.cpp checks codes).
std::string join_areas(const std::vector<std::string>& areas) {
  std::string s;
  for (const auto& a : areas) s += (s.empty() ? "" : ",") + a;
  return s;
}

std::vector<std::string> split_areas(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    out.emplace_back(s.substr(0, comma));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// "$1,$2,...,$n" (or "?,?,...") in the dialect's spelling.
std::string placeholders(const Dialect& d, int n, int first = 1) {
  std::string s;
  for (int i = first; i < first + n; ++i) s += (i > first ? "," : "") + d.param(i);
  return s;
}

std::optional<core::Instant> opt_time(const Row& r, int c) {
  if (r.null(c)) return std::nullopt;
  return r.i64(c);
}

Param opt_param(const std::optional<core::Instant>& t) { return t ? Param{std::int64_t(*t)} : Param{}; }

constexpr const char* kUserCols =
    "id, name, display, role, areas, enterprise, active, password_hash, created_by, created_at, changed_by, changed_at";
UserRow user_row(const Row& r) {
  UserRow u;
  u.id = r.i64(0), u.name = r.text(1), u.display = r.text(2), u.role = r.text(3);
  u.areas = split_areas(r.text(4)), u.enterprise = r.text(5), u.active = r.i64(6) != 0;
  u.password_hash = r.text(7), u.created_by = r.text(8), u.created_at = r.i64(9);
  u.changed_by = r.text(10), u.changed_at = r.i64(11);
  return u;
}

constexpr const char* kTokenCols = "id, user_name, label, digest, created_by, created_at, revoked_at";
TokenRow token_row(const Row& r) {
  TokenRow t;
  t.id = r.i64(0), t.user = r.text(1), t.label = r.text(2), t.digest = r.text(3), t.created_by = r.text(4);
  t.created_at = r.i64(5), t.revoked_at = opt_time(r, 6);
  return t;
}

constexpr const char* kSessionCols = "id, user_name, digest, address, created_at, seen_at, ended_at";
SessionRow session_row(const Row& r) {
  SessionRow s;
  s.id = r.i64(0), s.user = r.text(1), s.digest = r.text(2), s.address = r.text(3);
  s.created_at = r.i64(4), s.seen_at = r.i64(5), s.ended_at = opt_time(r, 6);
  return s;
}

// Runs `body` in a write transaction (rolled back if it throws).
template <class F>
void in_transaction(Backend& db, F&& body) {
  db.begin_write();
  try {
    body();
    db.commit();
  } catch (...) {
    db.rollback();
    throw;
  }
}

// One INSERT ... RETURNING id in its own write transaction: the id is the store's.
std::int64_t insert_returning_id(Backend& db, const std::string& sql, std::span<const Param> args) {
  std::int64_t id = 0;
  in_transaction(db, [&] { db.run(sql + " RETURNING id", args, [&](const Row& r) { id = r.i64(0); }); });
  return id;
}

}  // namespace

std::unique_ptr<AccountStore> AccountStore::open(const std::string& url) {
  return std::make_unique<AccountStore>(open_backend(url));
}

AccountStore::AccountStore(std::unique_ptr<Backend> db) : db_(std::move(db)) {
  Catalog catalog(*db_);
  migrate(*db_, catalog);
}

AccountStore::~AccountStore() = default;

std::int64_t AccountStore::add_user(const UserRow& u) {
  if (user(u.name)) throw core::Error(db_->where(), "user '" + u.name + "' exists already");
  const std::string areas = join_areas(u.areas);
  const Param p[] = {std::string_view(u.name), std::string_view(u.display), std::string_view(u.role),
                     std::string_view(areas), std::string_view(u.enterprise), std::int64_t(u.active ? 1 : 0),
                     std::string_view(u.password_hash), std::string_view(u.created_by), std::int64_t(u.created_at),
                     std::string_view(u.changed_by), std::int64_t(u.changed_at)};
  return insert_returning_id(*db_, "INSERT INTO users(name, display, role, areas, enterprise, active, password_hash, "
                             "created_by, created_at, changed_by, changed_at) VALUES(" +
                                 placeholders(db_->dialect(), 11) + ")",
                             p);
}

void AccountStore::update_user(const UserRow& u, bool end_sessions) {
  const auto& d = db_->dialect();
  const std::string areas = join_areas(u.areas);
  const Param p[] = {std::string_view(u.display), std::string_view(u.role), std::string_view(areas),
                     std::string_view(u.enterprise), std::int64_t(u.active ? 1 : 0), std::string_view(u.password_hash),
                     std::string_view(u.changed_by), std::int64_t(u.changed_at), std::string_view(u.name)};
  in_transaction(*db_, [&] {
    const auto n = db_->run("UPDATE users SET display=" + d.param(1) + ", role=" + d.param(2) + ", areas=" + d.param(3) +
                                ", enterprise=" + d.param(4) + ", active=" + d.param(5) + ", password_hash=" +
                                d.param(6) + ", changed_by=" + d.param(7) + ", changed_at=" + d.param(8) +
                                " WHERE name=" + d.param(9),
                            p);
    if (n != 1) throw core::Error(db_->where(), "no user '" + u.name + "'");
    if (end_sessions) {
      const Param e[] = {std::int64_t(u.changed_at), std::string_view(u.name)};
      db_->run("UPDATE sessions SET ended_at=" + d.param(1) + " WHERE user_name=" + d.param(2) + " AND ended_at IS NULL",
               e);
    }
  });
}

std::optional<UserRow> AccountStore::user(const std::string& name) {
  std::optional<UserRow> out;
  const Param p[] = {std::string_view(name)};
  db_->run(std::string("SELECT ") + kUserCols + " FROM users WHERE name=" + db_->dialect().param(1), p,
           [&](const Row& r) { out = user_row(r); });
  return out;
}

std::vector<UserRow> AccountStore::users() {
  std::vector<UserRow> out;
  db_->run(std::string("SELECT ") + kUserCols + " FROM users ORDER BY name", {},
           [&](const Row& r) { out.push_back(user_row(r)); });
  return out;
}

std::int64_t AccountStore::add_token(const TokenRow& t) {
  const Param p[] = {std::string_view(t.user), std::string_view(t.label), std::string_view(t.digest),
                     std::string_view(t.created_by), std::int64_t(t.created_at), opt_param(t.revoked_at)};
  return insert_returning_id(*db_, "INSERT INTO api_tokens(user_name, label, digest, created_by, created_at, revoked_at) "
                             "VALUES(" + placeholders(db_->dialect(), 6) + ")",
                             p);
}

std::vector<TokenRow> AccountStore::tokens(const std::string& user) {
  std::vector<TokenRow> out;
  const Param p[] = {std::string_view(user)};
  db_->run(std::string("SELECT ") + kTokenCols + " FROM api_tokens" +
               (user.empty() ? "" : " WHERE user_name=" + db_->dialect().param(1)) + " ORDER BY id",
           user.empty() ? std::span<const Param>{} : std::span<const Param>(p),
           [&](const Row& r) { out.push_back(token_row(r)); });
  return out;
}

std::optional<TokenRow> AccountStore::token_by_digest(const std::string& digest) {
  std::optional<TokenRow> out;
  const Param p[] = {std::string_view(digest)};
  db_->run(std::string("SELECT ") + kTokenCols + " FROM api_tokens WHERE digest=" + db_->dialect().param(1), p,
           [&](const Row& r) { out = token_row(r); });
  return out;
}

bool AccountStore::revoke_token(std::int64_t id, core::Instant at) {
  const auto& d = db_->dialect();
  std::size_t n = 0;
  const Param p[] = {std::int64_t(at), id};
  in_transaction(*db_, [&] {
    n = db_->run("UPDATE api_tokens SET revoked_at=" + d.param(1) + " WHERE id=" + d.param(2) + " AND revoked_at IS NULL",
                 p);
  });
  return n == 1;
}

std::int64_t AccountStore::add_session(const SessionRow& s) {
  const Param p[] = {std::string_view(s.user), std::string_view(s.digest), std::string_view(s.address),
                     std::int64_t(s.created_at), std::int64_t(s.seen_at), opt_param(s.ended_at)};
  return insert_returning_id(*db_, "INSERT INTO sessions(user_name, digest, address, created_at, seen_at, ended_at) VALUES(" +
                                 placeholders(db_->dialect(), 6) + ")",
                             p);
}

std::optional<SessionRow> AccountStore::session_by_digest(const std::string& digest) {
  std::optional<SessionRow> out;
  const Param p[] = {std::string_view(digest)};
  db_->run(std::string("SELECT ") + kSessionCols + " FROM sessions WHERE digest=" + db_->dialect().param(1), p,
           [&](const Row& r) { out = session_row(r); });
  return out;
}

void AccountStore::touch_session(std::int64_t id, core::Instant at) {
  const auto& d = db_->dialect();
  const Param p[] = {std::int64_t(at), id};
  in_transaction(*db_, [&] { db_->run("UPDATE sessions SET seen_at=" + d.param(1) + " WHERE id=" + d.param(2), p); });
}

void AccountStore::end_session(std::int64_t id, core::Instant at) {
  const auto& d = db_->dialect();
  const Param p[] = {std::int64_t(at), id};
  in_transaction(*db_, [&] {
    db_->run("UPDATE sessions SET ended_at=" + d.param(1) + " WHERE id=" + d.param(2) + " AND ended_at IS NULL", p);
  });
}

std::int64_t AccountStore::add_audit(const AuditRow& a) {
  const Param p[] = {std::int64_t(a.at),       std::string_view(a.user),    std::string_view(a.role),
                     std::string_view(a.route), std::string_view(a.object), std::string_view(a.summary),
                     std::string_view(a.address)};
  return insert_returning_id(*db_,
      "INSERT INTO audit_log(at, user_name, role, route, object, summary, address) VALUES(" +
          placeholders(db_->dialect(), 7) + ")",
      p);
}

std::vector<AuditRow> AccountStore::audit(const AuditQuery& q) {
  const auto& d = db_->dialect();
  std::vector<Param> args{std::int64_t(q.from), std::int64_t(q.to)};
  std::string sql = "SELECT id, at, user_name, role, route, object, summary, address FROM audit_log WHERE at >= " +
                    d.param(1) + " AND at < " + d.param(2);
  if (!q.user.empty()) {
    args.emplace_back(std::string_view(q.user));
    sql += " AND user_name=" + d.param(3);
  }
  sql += " ORDER BY id DESC";
  if (q.limit) sql += " LIMIT " + std::to_string(q.limit);
  std::vector<AuditRow> out;
  db_->run(sql, args, [&](const Row& r) {
    out.push_back(AuditRow{r.i64(0), r.i64(1), std::string(r.text(2)), std::string(r.text(3)), std::string(r.text(4)),
                           std::string(r.text(5)), std::string(r.text(6)), std::string(r.text(7))});
  });
  return out;
}

}  // namespace skyriver::store

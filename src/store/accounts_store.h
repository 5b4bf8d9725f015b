// The accounts of the platform's people as the store keeps them (schema version 5, written
// once for SQLite and PostgreSQL in accounts_store.cpp): users, API tokens, login sessions, and
// the append-only audit log of writes.
//
// Contract:
// - Ids are allocated by the store inside the transaction that inserts the row.
// - Secrets are kept only as hashes: the password as its argon2id text, a token or a session
//   cookie as a digest of its secret (accounts/secret.h). The rules (roles, scopes, expiry)
//   are in src/accounts/; this class only keeps the rows.
// - The audit log is append-only: no method changes or deletes a row.
// - An AccountStore is its own connection to the store (Store::open's URLs; the schema is
//   created or upgraded as Store::open does), so account checks never wait on an import.
//   One thread at a time; errors throw core::Error(where, why).
#pragma once

#include "core/time.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace skyriver::store {

class Backend;

// A person's account. Names are unique and never change (tokens, sessions and the audit log
// refer to the name).
struct UserRow {
  std::int64_t id = 0;               // assigned by add_user()
  std::string name, display, role;   // role: accounts::Role's text
  std::vector<std::string> areas;    // county users: area codes
  std::string enterprise;            // enterprise users: the enterprise id ("" = none)
  bool active = true;                // false: disabled (no login; sessions and tokens refused)
  std::string password_hash;         // crypto_pwhash_str text (argon2id)
  std::string created_by, changed_by;  // a user name, or "cli"
  core::Instant created_at = 0, changed_at = 0;
};

// An API token (Authorization: Bearer): only the digest of the secret is kept.
struct TokenRow {
  std::int64_t id = 0;  // assigned by add_token()
  std::string user, label, digest, created_by;
  core::Instant created_at = 0;
  std::optional<core::Instant> revoked_at;
};

// A login session (cookie): only the digest of the cookie value is kept.
struct SessionRow {
  std::int64_t id = 0;  // assigned by add_session()
  std::string user, digest, address;
  core::Instant created_at = 0, seen_at = 0;
  std::optional<core::Instant> ended_at;
};

// One write done through the platform, and by whom.
struct AuditRow {
  std::int64_t id = 0;  // assigned by add_audit()
  core::Instant at = 0;
  std::string user, role, route, object, summary, address;
};

struct AuditQuery {
  core::Instant from = std::numeric_limits<core::Instant>::min();  // at in [from, to)
  core::Instant to = std::numeric_limits<core::Instant>::max();
  std::string user;       // "" = everyone
  std::size_t limit = 0;  // 0 = no limit; rows newest first
};

class AccountStore {
 public:
  static std::unique_ptr<AccountStore> open(const std::string& url);
  explicit AccountStore(std::unique_ptr<Backend> db);
  ~AccountStore();

  // add_user() throws if the name is taken. update_user() changes the row named u.name
  // (display, role, areas, enterprise, active, hash, changed_*) and, when `end_sessions`,
  // ends every open session of that user at u.changed_at, in one transaction.
  std::int64_t add_user(const UserRow& u);
  void update_user(const UserRow& u, bool end_sessions);
  std::optional<UserRow> user(const std::string& name);
  std::vector<UserRow> users();  // ordered by name

  std::int64_t add_token(const TokenRow& t);
  std::vector<TokenRow> tokens(const std::string& user);  // ordered by id; "" = everyone's
  std::optional<TokenRow> token_by_digest(const std::string& digest);
  bool revoke_token(std::int64_t id, core::Instant at);  // false: no live token of this id

  std::int64_t add_session(const SessionRow& s);
  std::optional<SessionRow> session_by_digest(const std::string& digest);
  void touch_session(std::int64_t id, core::Instant at);  // seen_at = at
  void end_session(std::int64_t id, core::Instant at);

  std::int64_t add_audit(const AuditRow& a);
  std::vector<AuditRow> audit(const AuditQuery& q);

 private:
  std::unique_ptr<Backend> db_;
};

}  // namespace skyriver::store

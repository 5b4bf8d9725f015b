#include "accounts/accounts.h"

#include "accounts/secret.h"
#include "core/error.h"

#include <cctype>

namespace skyriver::accounts {

namespace {

void check_name(const std::string& where, const std::string& name) {
  if (name.empty() || name.size() > 64) throw core::Error(where, "a user name has 1 to 64 characters");
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
      throw core::Error(where, "user name '" + name + "': only letters A-Z a-z, digits and . _ - are allowed");
}

void check_display(const std::string& where, const std::string& display) {
  if (display.size() > 300) throw core::Error(where, "the display name is longer than 100 characters");
  std::size_t chars = 0;
  for (unsigned char c : display) {
    if (c < 0x20 || c == 0x7f) throw core::Error(where, "the display name holds a control character");
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (chars > 100) throw core::Error(where, "the display name is longer than 100 characters");
}

store::UserRow existing(store::AccountStore& db, const std::string& name) {
  auto u = db.user(name);
  if (!u) throw core::Error("user " + name, "no such user");
  return *u;
}

}  // namespace

Principal principal_of(const store::UserRow& u) {
  return Principal{u.name, u.display, parse_role(u.role).value_or(Role::viewer), u.areas, u.enterprise};
}

void check_new_user(const std::string& where, const NewUser& u, std::string_view password,
                    const model::CityConfig& city) {
  check_name(where, u.name);
  check_display(where, u.display);
  check_scope(where, u.role, u.areas, u.enterprise, city);
  check_password(where, password);
}

store::UserRow add_user(store::AccountStore& db, const NewUser& u, std::string_view password, const std::string& by,
                        core::Instant now, const model::CityConfig& city) {
  const std::string where = "user " + u.name;
  check_new_user(where, u, password, city);
  if (db.user(u.name)) throw core::Error(where, "a user of this name exists already");
  store::UserRow row;
  row.name = u.name, row.display = u.display.empty() ? u.name : u.display;
  row.role = std::string(to_string(u.role)), row.areas = u.areas, row.enterprise = u.enterprise;
  row.password_hash = hash_password(password);
  row.created_by = row.changed_by = by, row.created_at = row.changed_at = now;
  row.id = db.add_user(row);
  return row;
}

void change_password(store::AccountStore& db, const std::string& name, std::string_view password, const std::string& by,
                     core::Instant now) {
  check_password("user " + name, password);
  store::UserRow u = existing(db, name);
  u.password_hash = hash_password(password);
  u.changed_by = by, u.changed_at = now;
  db.update_user(u, true);
}

void disable_user(store::AccountStore& db, const std::string& name, const std::string& by, core::Instant now) {
  store::UserRow u = existing(db, name);
  u.active = false;
  u.changed_by = by, u.changed_at = now;
  db.update_user(u, true);
}

std::string issue_token(store::AccountStore& db, const std::string& name, const std::string& label, const std::string& by,
                        core::Instant now, store::TokenRow* row) {
  const store::UserRow u = existing(db, name);
  if (!u.active) throw core::Error("user " + name, "the user is disabled");
  check_display("--label", label);
  std::string secret = new_secret("skr_");
  store::TokenRow t;
  t.user = name, t.label = label, t.digest = digest(secret), t.created_by = by, t.created_at = now;
  t.id = db.add_token(t);
  if (row) *row = t;
  return secret;
}

bool revoke_token(store::AccountStore& db, std::int64_t id, core::Instant now) { return db.revoke_token(id, now); }

std::optional<Principal> principal_of_token(store::AccountStore& db, std::string_view secret) {
  const auto t = db.token_by_digest(digest(secret));
  if (!t || t->revoked_at) return std::nullopt;
  const auto u = db.user(t->user);
  if (!u || !u->active) return std::nullopt;
  return principal_of(*u);
}

std::optional<store::UserRow> check_login(store::AccountStore& db, const std::string& name, std::string_view password) {
  auto u = name.empty() || name.size() > 64 ? std::nullopt : db.user(name);
  if (!u) {
    burn_password_time(password);
    return std::nullopt;
  }
  const bool ok = verify_password(u->password_hash, password);
  if (!ok || !u->active) return std::nullopt;
  return u;
}

std::string open_session(store::AccountStore& db, const std::string& user, const std::string& address, core::Instant now) {
  std::string secret = new_secret("sks_");
  store::SessionRow s;
  s.user = user, s.digest = digest(secret), s.address = address, s.created_at = s.seen_at = now;
  db.add_session(s);
  return secret;
}

bool session_alive(const store::SessionRow& s, core::Instant now, const SessionPolicy& policy) {
  return !s.ended_at && now < s.seen_at + policy.idle && now < s.created_at + policy.absolute;
}

std::optional<Principal> principal_of_session(store::AccountStore& db, std::string_view secret, core::Instant now,
                                              const SessionPolicy& policy) {
  const auto s = db.session_by_digest(digest(secret));
  if (!s || !session_alive(*s, now, policy)) return std::nullopt;
  const auto u = db.user(s->user);
  if (!u || !u->active) return std::nullopt;
  if (now - s->seen_at >= 60) db.touch_session(s->id, now);
  return principal_of(*u);
}

void close_session(store::AccountStore& db, std::string_view secret, core::Instant now) {
  if (const auto s = db.session_by_digest(digest(secret))) db.end_session(s->id, now);
}

}  // namespace skyriver::accounts

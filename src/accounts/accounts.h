// Accounts over the store: creating and changing users, API tokens, login sessions, and the
// audit log of writes. Functions of a store::AccountStore& the caller holds (one thread at a time,
// store.h); the rules of roles and scopes are in role.h, the secrets in secret.h.
//
// Contract:
// - Every change checks its input first and stores nothing when it throws core::Error(where,
//   why): names are 1-64 characters of [A-Za-z0-9._-]; the display name is at most 100
//   characters without control characters (default: the name); the role and scope pass
//   check_scope(); the password passes check_password().
// - Secrets (a token, a session cookie value) are returned once and stored only as digest().
// - A password change or disabling a user ends its open sessions in the same transaction;
//   tokens of a disabled user are refused while it stays disabled.
// - Sessions expire SessionPolicy::idle seconds after their last use (default 30 min) and
//   SessionPolicy::absolute seconds after login (12 h). Their last use is written at most once
//   a minute, so reads do not turn into a write each.
#pragma once

#include "accounts/role.h"
#include "store/accounts_store.h"

#include <optional>
#include <string>
#include <string_view>

namespace skyriver::accounts {

struct NewUser {
  std::string name, display;
  Role role = Role::viewer;
  std::vector<std::string> areas;
  std::string enterprise;
};

struct SessionPolicy {
  core::Instant idle = 30 * 60;
  core::Instant absolute = 12 * 3600;
};

Principal principal_of(const store::UserRow& u);

// The checks of a new account, without storing it (throws core::Error naming `where`).
void check_new_user(const std::string& where, const NewUser& u, std::string_view password,
                    const model::CityConfig& city);
store::UserRow add_user(store::AccountStore& db, const NewUser& u, std::string_view password, const std::string& by,
                        core::Instant now, const model::CityConfig& city);
void change_password(store::AccountStore& db, const std::string& name, std::string_view password, const std::string& by,
                     core::Instant now);
void disable_user(store::AccountStore& db, const std::string& name, const std::string& by, core::Instant now);

// A new API token of user `name`: returns the secret (shown once); `row` gets the stored row.
std::string issue_token(store::AccountStore& db, const std::string& name, const std::string& label, const std::string& by,
                        core::Instant now, store::TokenRow* row = nullptr);
bool revoke_token(store::AccountStore& db, std::int64_t id, core::Instant now);

// The user of a bearer token: nullopt for an unknown or revoked token or a disabled user.
std::optional<Principal> principal_of_token(store::AccountStore& db, std::string_view secret);

// The user whose name and password these are, or nullopt; an unknown name costs the same
// password work as a wrong password, and a disabled user fails like a wrong password.
std::optional<store::UserRow> check_login(store::AccountStore& db, const std::string& name, std::string_view password);
// A new session of `user`: returns the cookie value (shown once).
std::string open_session(store::AccountStore& db, const std::string& user, const std::string& address, core::Instant now);
// Whether session `s` is still alive at `now` (pure).
bool session_alive(const store::SessionRow& s, core::Instant now, const SessionPolicy& policy);
// The user of a session cookie value: nullopt when unknown, ended, expired or its user is
// disabled. Records the use (see the contract).
std::optional<Principal> principal_of_session(store::AccountStore& db, std::string_view secret, core::Instant now,
                                              const SessionPolicy& policy);
void close_session(store::AccountStore& db, std::string_view secret, core::Instant now);

}  // namespace skyriver::accounts

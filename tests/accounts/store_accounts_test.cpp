// Accounts kept in the store (store.h schema version 5, accounts/accounts.h), on SQLite and
// PostgreSQL alike: users, tokens, sessions and their expiry and revocation, the audit log.
#include "accounts/accounts.h"
#include "accounts/secret.h"
#include "core/error.h"
#include "model/city.h"
#include "store/accounts_store.h"

#include "../store/backends.h"

using namespace skyriver;
using accounts::Role;

namespace {

const model::CityConfig& datong() {
  static const model::CityConfig c = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
  return c;
}

constexpr core::Instant t0 = 1'765'000'000;

class AccountsStore : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = testkit::scratch_dir();
    url_ = SKYRIVER_FRESH_URL(GetParam(), dir_);
    SKYRIVER_REQUIRE_BACKEND(url_);
    db_ = store::AccountStore::open(url_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  store::UserRow add(const std::string& name, Role r, std::vector<std::string> areas = {}, std::string ent = "") {
    return accounts::add_user(*db_, {name, "", r, std::move(areas), std::move(ent)}, "a good long password", "cli", t0,
                              datong());
  }
  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<store::AccountStore> db_;
};

}  // namespace

TEST_P(AccountsStore, UsersAreStoredWithTheirScopeAndAHashOnly) {
  const auto u = add("li.county", Role::county, {"140214", "140226"});
  EXPECT_GT(u.id, 0);
  add("ex-power", Role::enterprise, {}, "EX-POWER");
  const auto back = db_->user("li.county");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, u.id);
  EXPECT_EQ(back->role, "county");
  EXPECT_EQ(back->display, "li.county");  // display defaults to the name
  EXPECT_EQ(back->areas, (std::vector<std::string>{"140214", "140226"}));
  EXPECT_TRUE(back->active);
  EXPECT_EQ(back->created_by, "cli");
  EXPECT_EQ(back->created_at, t0);
  EXPECT_EQ(back->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(back->password_hash.find("a good long password"), std::string::npos);
  EXPECT_EQ(db_->user("ex-power")->enterprise, "EX-POWER");
  ASSERT_EQ(db_->users().size(), 2u);
  EXPECT_EQ(db_->users()[0].name, "ex-power");  // by name
}

TEST_P(AccountsStore, BadAccountsStoreNothing) {
  add("duty", Role::duty);
  EXPECT_THROW(add("duty", Role::viewer), core::Error);                 // name taken
  EXPECT_THROW(add("c", Role::county, {"999999"}), core::Error);        // unknown area
  EXPECT_THROW(add("e", Role::enterprise, {}, "NOPE"), core::Error);    // unknown enterprise
  EXPECT_THROW(add("bad name", Role::viewer), core::Error);             // space in the name
  EXPECT_THROW(accounts::add_user(*db_, {"short", "", Role::viewer, {}, ""}, "123456789", "cli", t0, datong()),
               core::Error);  // 9 characters < kMinPassword
  EXPECT_THROW(accounts::add_user(*db_, {"crlf", "a\r\nb", Role::viewer, {}, ""}, "a good long password", "cli", t0,
                                  datong()),
               core::Error);  // control characters in the display name
  EXPECT_EQ(db_->users().size(), 1u);
}

TEST_P(AccountsStore, TokensAreHashedListedAndRevocable) {
  add("robot", Role::duty);
  store::TokenRow row;
  const std::string secret = accounts::issue_token(*db_, "robot", "plant feed", "cli", t0, &row);
  EXPECT_GT(row.id, 0);
  const auto p = accounts::principal_of_token(*db_, secret);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "robot");
  EXPECT_EQ(p->role, Role::duty);
  const auto listed = db_->tokens("robot");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].label, "plant feed");
  EXPECT_EQ(listed[0].digest, accounts::digest(secret));
  EXPECT_NE(listed[0].digest, secret);
  EXPECT_FALSE(accounts::principal_of_token(*db_, secret + "x"));
  EXPECT_TRUE(accounts::revoke_token(*db_, row.id, t0 + 5));
  EXPECT_FALSE(accounts::revoke_token(*db_, row.id, t0 + 6));  // already revoked
  EXPECT_FALSE(accounts::principal_of_token(*db_, secret));
  EXPECT_EQ(db_->tokens("robot")[0].revoked_at, t0 + 5);
}

TEST_P(AccountsStore, DisabledUsersTokensAreRefused) {
  add("robot", Role::duty);
  const std::string secret = accounts::issue_token(*db_, "robot", "", "cli", t0);
  accounts::disable_user(*db_, "robot", "admin", t0 + 1);
  EXPECT_FALSE(accounts::principal_of_token(*db_, secret));
  EXPECT_EQ(db_->user("robot")->changed_by, "admin");
  EXPECT_THROW(accounts::issue_token(*db_, "robot", "", "cli", t0 + 2), core::Error);
}

TEST_P(AccountsStore, LoginAnswersTheSameForUnknownNamesAndWrongPasswords) {
  add("duty", Role::duty);
  EXPECT_TRUE(accounts::check_login(*db_, "duty", "a good long password"));
  EXPECT_FALSE(accounts::check_login(*db_, "duty", "a wrong long password"));
  EXPECT_FALSE(accounts::check_login(*db_, "nobody", "a good long password"));
  accounts::disable_user(*db_, "duty", "admin", t0 + 1);
  EXPECT_FALSE(accounts::check_login(*db_, "duty", "a good long password"));
}

TEST_P(AccountsStore, SessionsExpireAndSurviveANewConnection) {
  add("duty", Role::duty);
  const accounts::SessionPolicy policy;  // 30 min idle, 12 h absolute
  const std::string cookie = accounts::open_session(*db_, "duty", "127.0.0.1", t0);
  EXPECT_EQ(accounts::principal_of_session(*db_, cookie, t0 + 60, policy)->name, "duty");
  // A second process (a new connection) sees the session.
  auto other = store::AccountStore::open(url_);
  EXPECT_TRUE(accounts::principal_of_session(*other, cookie, t0 + 120, policy));
  // Used at t0+120: alive until t0+120+1800.
  EXPECT_TRUE(accounts::principal_of_session(*db_, cookie, t0 + 120 + 1799, policy));
  EXPECT_FALSE(accounts::principal_of_session(*db_, accounts::new_secret("sks_"), t0 + 130, policy));
  // Idle for 30 minutes: gone.
  EXPECT_FALSE(accounts::principal_of_session(*db_, cookie, t0 + 120 + 1799 + 1800, policy));
}

TEST_P(AccountsStore, AbsoluteLimitEndsAnActiveSession) {
  add("duty", Role::duty);
  const accounts::SessionPolicy policy;
  const std::string cookie = accounts::open_session(*db_, "duty", "127.0.0.1", t0);
  core::Instant t = t0;
  for (; t < t0 + 12 * 3600; t += 20 * 60) EXPECT_TRUE(accounts::principal_of_session(*db_, cookie, t, policy)) << t - t0;
  EXPECT_FALSE(accounts::principal_of_session(*db_, cookie, t0 + 12 * 3600, policy));
}

TEST_P(AccountsStore, PasswordChangeAndDisableEndSessions) {
  add("duty", Role::duty);
  add("county", Role::county, {"140214"});
  const accounts::SessionPolicy policy;
  const std::string a = accounts::open_session(*db_, "duty", "127.0.0.1", t0);
  const std::string b = accounts::open_session(*db_, "county", "127.0.0.1", t0);
  accounts::change_password(*db_, "duty", "another long password", "duty", t0 + 10);
  EXPECT_FALSE(accounts::principal_of_session(*db_, a, t0 + 11, policy));
  EXPECT_TRUE(accounts::check_login(*db_, "duty", "another long password"));
  EXPECT_FALSE(accounts::check_login(*db_, "duty", "a good long password"));
  EXPECT_TRUE(accounts::principal_of_session(*db_, b, t0 + 11, policy));
  accounts::disable_user(*db_, "county", "admin", t0 + 12);
  EXPECT_FALSE(accounts::principal_of_session(*db_, b, t0 + 13, policy));
  EXPECT_THROW(accounts::change_password(*db_, "duty", "short", "duty", t0 + 14), core::Error);
  EXPECT_THROW(accounts::change_password(*db_, "nobody", "long enough password", "x", t0 + 14), core::Error);
}

TEST_P(AccountsStore, LogoutEndsTheSession) {
  add("duty", Role::duty);
  const accounts::SessionPolicy policy;
  const std::string a = accounts::open_session(*db_, "duty", "127.0.0.1", t0);
  accounts::close_session(*db_, a, t0 + 5);
  EXPECT_FALSE(accounts::principal_of_session(*db_, a, t0 + 6, policy));
  EXPECT_EQ(db_->session_by_digest(accounts::digest(a))->ended_at, t0 + 5);
}

TEST_P(AccountsStore, AuditLogFiltersByTimeAndUser) {
  const store::AuditRow rows[] = {
      {0, t0, "duty", "duty", "POST /api/warnings", "W1", "issued orange", "10.0.0.1"},
      {0, t0 + 10, "li", "county", "POST /api/tasks/{id}", "T000001", "state: doing", "10.0.0.2"},
      {0, t0 + 20, "duty", "duty", "DELETE /api/warnings/{id}", "W1", "lifted", "10.0.0.1"},
  };
  std::int64_t last = 0;
  for (const auto& r : rows) {
    const auto id = db_->add_audit(r);
    EXPECT_GT(id, last);
    last = id;
  }
  const auto all = db_->audit({});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].summary, "lifted");  // newest first
  const auto duty = db_->audit({t0, t0 + 20, "duty", 0});
  ASSERT_EQ(duty.size(), 1u);
  EXPECT_EQ(duty[0].route, "POST /api/warnings");
  EXPECT_EQ(duty[0].address, "10.0.0.1");
  EXPECT_EQ(db_->audit({t0 + 5, t0 + 100, "", 0}).size(), 2u);
  EXPECT_EQ(db_->audit({.limit = 1}).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountsStore, ::testing::Values("sqlite", "postgresql"), testkit::backend_name);

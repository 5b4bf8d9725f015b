// The pure rules of accounts (src/accounts/): roles, scopes over the bundled Datong city,
// password policy and hashing, digests, session expiry and login throttling.
#include "accounts/accounts.h"
#include "accounts/role.h"
#include "accounts/secret.h"
#include "accounts/throttle.h"
#include "core/error.h"
#include "model/city.h"

#include <gtest/gtest.h>

using namespace skyriver;
using accounts::Principal;
using accounts::Role;

namespace {

const model::CityConfig& datong() {
  static const model::CityConfig c = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
  return c;
}

Principal who(Role r, std::vector<std::string> areas = {}, std::string enterprise = "") {
  return Principal{"u", "U", r, std::move(areas), std::move(enterprise)};
}

}  // namespace

TEST(Role, NamesRoundTrip) {
  for (Role r : accounts::kAllRoles) EXPECT_EQ(accounts::parse_role(accounts::to_string(r)), r);
  EXPECT_FALSE(accounts::parse_role("root"));
  EXPECT_FALSE(accounts::parse_role("Admin"));  // names are exact
  const accounts::RoleSet s{Role::admin, Role::duty};
  EXPECT_TRUE(s.has(Role::duty));
  EXPECT_FALSE(s.has(Role::viewer));
  EXPECT_EQ(s.names(), (std::vector<std::string>{"admin", "duty"}));
}

// config/datong/sources.toml: EX-POWER is in 140214 (新荣区), EX-KILN in 140226 (左云县),
// EX-WWTP in 140221 (阳高县); each outlet's site lies in its enterprise's area.
TEST(Role, CountyCoversTheSitesOfItsAreas) {
  const auto& c = datong();
  const auto county = who(Role::county, {"140214"});
  EXPECT_TRUE(accounts::covers_site(county, "EX-POWER-DA001", c));
  EXPECT_FALSE(accounts::covers_site(county, "EX-KILN-DA001", c));
  EXPECT_FALSE(accounts::covers_site(county, "no-such-site", c));
  EXPECT_TRUE(accounts::covers_area(county, "140214", c));
  EXPECT_FALSE(accounts::covers_area(county, "140200", c));  // not the city above it
  const auto two = who(Role::county, {"140226", "140221"});
  EXPECT_TRUE(accounts::covers_site(two, "EX-KILN-DA001", c));
  EXPECT_TRUE(accounts::covers_site(two, "EX-WWTP-DW001", c));
  EXPECT_FALSE(accounts::covers_site(two, "EX-POWER-DA001", c));
  // An area code above the counties (the city, 140200) covers every county under it.
  EXPECT_TRUE(accounts::covers_site(who(Role::county, {"140200"}), "EX-KILN-DA001", c));
}

TEST(Role, EnterpriseCoversOnlyItsOwnOutlets) {
  const auto& c = datong();
  const auto e = who(Role::enterprise, {}, "EX-POWER");
  EXPECT_TRUE(accounts::covers_site(e, "EX-POWER-DA001", c));
  EXPECT_FALSE(accounts::covers_site(e, "EX-KILN-DA001", c));
  EXPECT_FALSE(accounts::covers_area(e, "140214", c));  // not its county's air stations
  EXPECT_FALSE(accounts::covers_site(who(Role::enterprise), "EX-POWER-DA001", c));  // no enterprise id
  for (Role r : {Role::admin, Role::duty, Role::viewer}) EXPECT_TRUE(accounts::covers_site(who(r), "EX-KILN-DA001", c));
}

TEST(Role, ScopeIsCheckedAgainstTheCity) {
  const auto& c = datong();
  EXPECT_NO_THROW(accounts::check_scope("x", Role::county, {"140214"}, "", c));
  EXPECT_NO_THROW(accounts::check_scope("x", Role::enterprise, {}, "EX-KILN", c));
  EXPECT_NO_THROW(accounts::check_scope("x", Role::duty, {}, "", c));
  auto why = [&](Role r, std::vector<std::string> a, std::string e) {
    try {
      accounts::check_scope("user x", r, a, e, c);
    } catch (const core::Error& err) {
      EXPECT_EQ(err.where(), "user x");
      return err.why();
    }
    return std::string("accepted");
  };
  EXPECT_NE(why(Role::county, {"999999"}, "").find("unknown area '999999'"), std::string::npos);
  EXPECT_NE(why(Role::county, {}, "").find("at least one --area"), std::string::npos);
  EXPECT_NE(why(Role::enterprise, {}, "NOPE").find("unknown enterprise 'NOPE'"), std::string::npos);
  EXPECT_NE(why(Role::enterprise, {}, "").find("needs --enterprise"), std::string::npos);
  EXPECT_NE(why(Role::duty, {"140214"}, "").find("only to county"), std::string::npos);
  EXPECT_NE(why(Role::viewer, {}, "EX-KILN").find("only to enterprise"), std::string::npos);
}

TEST(Secret, PasswordPolicyNamesTheRuleNotThePassword) {
  EXPECT_NO_THROW(accounts::check_password("p", "0123456789"));  // kMinPassword = 10
  try {
    accounts::check_password("--password-stdin", "short-pw1");
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.where(), "--password-stdin");
    EXPECT_NE(e.why().find("at least 10"), std::string::npos);
    EXPECT_EQ(std::string(e.what()).find("short-pw1"), std::string::npos);
  }
  EXPECT_THROW(accounts::check_password("p", ""), core::Error);
  EXPECT_THROW(accounts::check_password("p", std::string(accounts::kMaxPassword + 1, 'x')), core::Error);
}

TEST(Secret, Argon2idHashVerifies) {
  const std::string h = accounts::hash_password("correct horse battery");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);  // libsodium's crypto_pwhash_str is argon2id (PHC string)
  EXPECT_TRUE(accounts::verify_password(h, "correct horse battery"));
  EXPECT_FALSE(accounts::verify_password(h, "correct horse batterY"));
  EXPECT_FALSE(accounts::verify_password("", "x"));
  EXPECT_FALSE(accounts::verify_password("not a hash", "x"));
  EXPECT_NE(accounts::hash_password("correct horse battery"), h);  // salted
}

TEST(Secret, DigestIsSha256AndSecretsAreRandom) {
  // FIPS 180-2, Appendix B.1: SHA-256("abc").
  EXPECT_EQ(accounts::digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto a = accounts::new_secret("skr_"), b = accounts::new_secret("skr_");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("skr_", 0), 0u);
  EXPECT_EQ(a.size(), 4u + 43u);  // 32 bytes in unpadded base64url
}

TEST(Session, IdleAndAbsoluteExpiry) {
  const accounts::SessionPolicy p;  // 30 min idle, 12 h absolute (issue 26)
  store::SessionRow s;
  s.created_at = s.seen_at = 1000;
  EXPECT_TRUE(accounts::session_alive(s, 1000 + 30 * 60 - 1, p));
  EXPECT_FALSE(accounts::session_alive(s, 1000 + 30 * 60, p));
  s.seen_at = 1000 + 12 * 3600 - 10;  // used a moment ago, but logged in 12 h ago
  EXPECT_TRUE(accounts::session_alive(s, 1000 + 12 * 3600 - 1, p));
  EXPECT_FALSE(accounts::session_alive(s, 1000 + 12 * 3600, p));
  s.seen_at = 1000, s.ended_at = 1001;
  EXPECT_FALSE(accounts::session_alive(s, 1002, p));
}

TEST(Throttle, FiveFailuresThenGrowingWait) {
  accounts::LoginThrottle t;
  const core::Instant t0 = 1'700'000'000;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(t.retry_after("duty", "10.0.0.1", t0 + i), 0);
    t.failed("duty", "10.0.0.1", t0 + i);
  }
  EXPECT_EQ(t.retry_after("duty", "10.0.0.1", t0 + 10), 30);
  EXPECT_EQ(t.retry_after("duty", "10.0.0.1", t0 + 11), 60);
  EXPECT_EQ(t.retry_after("duty", "10.0.0.1", t0 + 12), 120);
  // Per name from another address, and per address for another name.
  EXPECT_GT(t.retry_after("duty", "10.0.0.2", t0 + 13), 0);
  EXPECT_GT(t.retry_after("admin", "10.0.0.1", t0 + 14), 0);
  EXPECT_EQ(t.retry_after("admin", "10.0.0.3", t0 + 15), 0);
  // 15 minutes after the last failure, the slate is clean.
  EXPECT_EQ(t.retry_after("duty", "10.0.0.9", t0 + 15 + 15 * 60), 0);
}

TEST(Throttle, SuccessClearsTheName) {
  accounts::LoginThrottle t;
  for (int i = 0; i < 4; ++i) t.failed("duty", "10.0.0.1", 100 + i);
  t.succeeded("duty");
  t.failed("duty", "10.0.0.2", 200);
  EXPECT_EQ(t.retry_after("duty", "10.0.0.2", 201), 0);
}

// `skyriver db` never shows a store URL's password (issue 10): not in what it prints, not in an
// error. Runs the binary as a user would; the password here is made up.
#include "../support/run_cli.h"
#include "backends.h"

#include <gtest/gtest.h>

namespace {

const auto run = skyriver::test::run_cli;

}  // namespace

TEST(DbCli, AFailedConnectionDoesNotShowThePassword) {
  // Port 1 on the loopback: nothing listens, the connection fails and the URL is in the error.
  const auto r = run("db stats --db 'postgresql://skyriver:s3cretpw@127.0.0.1:1/x?sslmode=disable&password=s3cretpw2'");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out.find("s3cretpw"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("***"), std::string::npos) << r.out;
}

TEST(DbCli, StatsOnPostgresShowsTheUrlWithoutItsPassword) {
  const char* pg = std::getenv("SKYRIVER_TEST_PG");
  std::string url = pg ? pg : "";
  SKYRIVER_REQUIRE_BACKEND(url);
  // The test server trusts local users: a password given is not checked, but must not be shown.
  url += (url.find('?') == std::string::npos ? "?" : "&") + std::string("password=s3cretpw&schema=") +
         skyriver::testkit::unique_name("dbcli");
  // A reader refuses a schema without a store (issue 31), without showing the password either.
  auto r = run("db stats --db '" + url + "'");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("no store there"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("s3cretpw"), std::string::npos) << r.out;
  r = run("db init --config " + std::string(SKYRIVER_SOURCE_DIR) + "/config/datong --db '" + url + "'");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("created a new store"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("s3cretpw"), std::string::npos) << r.out;
  r = run("db stats --db '" + url + "'");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("s3cretpw"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("password=***"), std::string::npos) << r.out;
}

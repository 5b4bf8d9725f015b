// API tests that run on the server of each store backend (SQLite, PostgreSQL): a suite derives
// from OnEachBackend, its cases are TEST_P, and SKYRIVER_ON_EACH_BACKEND(Suite) instantiates it;
// inside a case Server::get() is the server of the case's backend. PostgreSQL cases are skipped
// without SKYRIVER_TEST_PG locally and fail under CI=true (store/backends.h).
#pragma once

#include "server_fixture.h"

#include "../store/backends.h"

#include <gtest/gtest.h>

namespace skyriver::test {

class OnEachBackend : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") SKYRIVER_REQUIRE_BACKEND(Server::pg_url());
    Server::use(GetParam());
  }
  void TearDown() override { Server::use("sqlite"); }  // the default of suites that do not choose
};

}  // namespace skyriver::test

#define SKYRIVER_ON_EACH_BACKEND(suite) \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::Values("sqlite", "postgresql"), skyriver::testkit::backend_name)

// Ledger and alarm integrity through the HTTP API (issue 28 #11, issue 27 item 9) against a real
// `skyriver serve` over the bundled Datong sample (see server_fixture.h): bad values answer 400
// naming their field, steps the current state does not allow answer 409 (and the OpenAPI
// document says so), text an export would lose is refused, a closed rectification is dated.
#include "on_each_backend.h"
#include "server_fixture.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using nlohmann::json;
using skyriver::test::HttpResult;
using skyriver::test::Server;

namespace {

HttpResult post(const std::string& target, const json& body) {
  auto& s = Server::get();
  return s.request("POST", target, body.dump(), {{"Authorization", "Bearer " + s.token()}});
}

std::string parameter_of(const HttpResult& r) {
  const auto j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].value("parameter", "") : "";
}

std::string new_task() {
  auto r = post("/api/tasks", {{"type", "rectification"}, {"title", "某企业扬尘整改"}, {"county", "140214"}});
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body)["id"];
}

}  // namespace

class LedgerApi : public skyriver::test::OnEachBackend {};
SKYRIVER_ON_EACH_BACKEND(LedgerApi);

TEST_P(LedgerApi, BadValuesAre400NamingTheFieldAndStateConflictsAre409) {
  const std::string id = new_task();
  auto r = post("/api/tasks/" + id, {{"deadline", "2024-13-01"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(parameter_of(r), "deadline");
  r = post("/api/tasks/" + id, {{"state", "done"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(parameter_of(r), "state");
  EXPECT_EQ(post("/api/tasks/" + id, {{"state", "rectifying"}}).status, 200);
  r = post("/api/tasks/" + id, {{"state", "open"}});  // a real state, not reachable from rectifying
  EXPECT_EQ(r.status, 409) << r.body;
  // Closing dates it (销号 date).
  r = post("/api/tasks/" + id, {{"state", "closed"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(json::parse(r.body)["closed_on"].is_string()) << r.body;
  // The OpenAPI document lists 409 where a route gives it.
  const auto doc = json::parse(Server::get().get("/api/openapi.json").body);
  EXPECT_TRUE(doc["paths"]["/api/tasks/{id}"]["post"]["responses"].contains("409"));
  EXPECT_TRUE(doc["paths"]["/api/alarms/{id}/close"]["post"]["responses"].contains("409"));
  EXPECT_FALSE(doc["paths"]["/api/tasks"]["get"]["responses"].contains("409"));
}

TEST_P(LedgerApi, TextAnExportWouldLoseAndUnsafeIdsAreRefused) {
  auto r = post("/api/tasks", {{"type", "rectification"}, {"title", std::string(60000, 'x')}, {"county", "140214"}});
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 200);
  EXPECT_EQ(parameter_of(r), "title");
  r = post("/api/tasks", {{"type", "rectification"}, {"title", std::string("a\0b", 3)}, {"county", "140214"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(parameter_of(r), "title");
  for (const char* bad : {"../../x", "stats", "import"}) {
    r = post("/api/tasks", {{"id", bad}, {"type", "rectification"}, {"title", "x"}, {"county", "140214"}});
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_EQ(parameter_of(r), "id") << bad;
  }
  const std::string id = new_task();
  r = post("/api/tasks/" + id, {{"note", std::string("x\0y", 3)}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(parameter_of(r), "note");
}

TEST_P(LedgerApi, ABlankReasonClosesNoAlarm) {
  auto list = json::parse(Server::get().get("/api/alarms?state=open&limit=1").body);
  if (list["alarms"].empty()) GTEST_SKIP() << "the sample raised no open alarm";
  const std::string id = list["alarms"][0]["id"];
  auto r = post("/api/alarms/" + id + "/close", {{"reason", "  \t "}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(parameter_of(r), "reason");
  EXPECT_EQ(json::parse(Server::get().get("/api/alarms/" + id).body)["alarm"]["state"], "open");
  // Every history entry names its change.
  for (const auto& h : json::parse(Server::get().get("/api/alarms/" + id).body)["history"])
    EXPECT_TRUE(h.contains("change")) << h.dump().substr(0, 200);
}

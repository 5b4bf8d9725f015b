// Logins, sessions, tokens and roles over HTTP (api/auth.h, issue 26), on a real `skyriver
// serve` of each backend: the cookie and its flags, /api/me, logout, ambiguous credentials,
// CSRF, county and enterprise scopes, the throttle of failed logins.
#include "on_each_backend.h"
#include "server_fixture.h"

#include "../support/run_cli.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <fstream>

using namespace skyriver::test;
using json = nlohmann::json;

namespace {

std::map<std::string, std::string> bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

// Logs `name` in; returns the cookie "skyriver_session=..." (empty on failure).
std::string login(const Server& s, const std::string& name, const std::string& password, HttpResult* out = nullptr) {
  auto r = s.request("POST", "/api/session", json{{"name", name}, {"password", password}}.dump(),
                     {{"Content-Type", "application/json"}});
  if (out) *out = r;
  auto it = r.headers.find("set-cookie");
  if (r.status != 200 || it == r.headers.end()) return "";
  return it->second.substr(0, it->second.find(';'));
}

// A browser's same-origin request: Host with the port and a matching Origin.
std::map<std::string, std::string> same_origin(const Server& s, const std::string& cookie) {
  const std::string host = "127.0.0.1:" + std::to_string(s.port());
  return {{"Cookie", cookie}, {"Host", host}, {"Origin", "http://" + host}, {"Content-Type", "application/json"}};
}

class AuthApi : public OnEachBackend {};
SKYRIVER_ON_EACH_BACKEND(AuthApi);

TEST_P(AuthApi, LoginSetsAStrictCookieAndMeAnswersTheUser) {
  auto& s = Server::get();
  HttpResult r;
  const std::string cookie = login(s, Server::user_of("county"), kTestPassword, &r);
  ASSERT_FALSE(cookie.empty()) << r.status << " " << r.body;
  const std::string set = r.headers["set-cookie"];
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(set.find("Secure"), std::string::npos);  // plain HTTP, no trusted proxy
  EXPECT_EQ(r.body.find(kTestPassword), std::string::npos);
  auto me = s.request("GET", "/api/me", "", {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200) << me.body;
  const json j = json::parse(me.body);
  EXPECT_EQ(j["name"], Server::user_of("county"));
  EXPECT_EQ(j["role"], "county");
  EXPECT_EQ(j["areas"], json::array({"140214"}));
  EXPECT_TRUE(j["enterprise"].is_null());
  EXPECT_EQ(s.get("/api/me").status, 401);
  // Logout ends the session in the store: the same cookie no longer logs in.
  auto out = s.request("DELETE", "/api/session", "", same_origin(s, cookie));
  EXPECT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(s.request("GET", "/api/me", "", {{"Cookie", cookie}}).status, 401);
}

TEST_P(AuthApi, WrongPasswordAndUnknownNameAnswerAlike) {
  auto& s = Server::get();
  HttpResult a, b;
  EXPECT_TRUE(login(s, Server::user_of("viewer"), "not the password!", &a).empty());
  EXPECT_TRUE(login(s, "no-such-user", "not the password!", &b).empty());
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.body.find("not the password!"), std::string::npos);
}

TEST_P(AuthApi, BearerSchemeIsCaseInsensitiveAndAmbiguityIsRefused) {
  auto& s = Server::get();
  EXPECT_EQ(s.request("GET", "/api/me", "", {{"Authorization", "bEaReR " + s.token("duty")}}).status, 200);
  EXPECT_EQ(s.request("GET", "/api/me", "", {{"Authorization", "Bearer nope"}}).status, 401);
  EXPECT_EQ(s.request("GET", "/api/me", "", {{"Authorization", "Basic " + s.token("duty")}}).status, 401);
  // Two Authorization header fields: 400, even both the same.
  const std::string two = "GET /api/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + s.token("duty") +
                          "\r\nAuthorization: Bearer " + s.token("duty") + "\r\nConnection: close\r\n\r\n";
  EXPECT_NE(s.raw(two).find("HTTP/1.1 400"), std::string::npos);
  // A cookie of one user and a token of another: 400; of the same user: fine.
  const std::string cookie = login(s, Server::user_of("duty"), kTestPassword);
  ASSERT_FALSE(cookie.empty());
  EXPECT_EQ(s.request("GET", "/api/me", "", {{"Cookie", cookie}, {"Authorization", "Bearer " + s.token("viewer")}}).status,
            400);
  EXPECT_EQ(s.request("GET", "/api/me", "", {{"Cookie", cookie}, {"Authorization", "Bearer " + s.token("duty")}}).status,
            200);
}

TEST_P(AuthApi, CookieWritesMustBeSameOrigin) {
  auto& s = Server::get();
  const std::string cookie = login(s, Server::user_of("duty"), kTestPassword);
  ASSERT_FALSE(cookie.empty());
  const std::string task = R"({"type":"complaint","title":"CSRF 检查","county":"140213","source":"12369"})";
  auto h = same_origin(s, cookie);
  h["Origin"] = "http://evil.example";
  auto r = s.request("POST", "/api/tasks", task, h);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("cross_origin"), std::string::npos);
  h.erase("Origin");  // neither Origin nor Sec-Fetch-Site: refused too
  EXPECT_EQ(s.request("POST", "/api/tasks", task, h).status, 403);
  h["Sec-Fetch-Site"] = "cross-site";
  EXPECT_EQ(s.request("POST", "/api/tasks", task, h).status, 403);
  h["Sec-Fetch-Site"] = "same-origin";
  r = s.request("POST", "/api/tasks", task, h);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(s.request("POST", "/api/tasks", task, same_origin(s, cookie)).status, 200);
}

TEST_P(AuthApi, CountyActsOnlyWithinItsAreasAndEnterpriseOnlyReplies) {
  auto& s = Server::get();
  const auto post = [&](const std::string& path, const json& body, const std::string& role) {
    return s.request("POST", path, body.dump(), bearer(s.token(role)));
  };
  // t-county covers 140214 (新荣区) only.
  auto mine = post("/api/tasks", {{"type", "rectification"}, {"title", "新荣区 整改"}, {"county", "140214"},
                                  {"enterprise", "EX-POWER"}},
                   "county");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(json::parse(mine.body)["created_by"], Server::user_of("county"));
  auto other = post("/api/tasks", {{"type", "rectification"}, {"title", "阳高县 整改"}, {"county", "140221"}}, "county");
  EXPECT_EQ(other.status, 403) << other.body;
  auto theirs = post("/api/tasks", {{"type", "rectification"}, {"title", "阳高县 整改"}, {"county", "140221"}}, "duty");
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  const std::string mine_id = json::parse(mine.body)["id"], theirs_id = json::parse(theirs.body)["id"];
  EXPECT_EQ(post("/api/tasks/" + theirs_id, {{"note", "看一下"}}, "county").status, 403);
  EXPECT_EQ(post("/api/tasks/" + mine_id, {{"note", "已开始"}}, "county").status, 200);
  // The enterprise EX-POWER answers its own task with a note and evidence, nothing more.
  auto reply = post("/api/tasks/" + mine_id, {{"note", "已更换布袋"}, {"evidence", "photo-1.jpg"}}, "enterprise");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(post("/api/tasks/" + mine_id, {{"state", "closed"}}, "enterprise").status, 403);
  EXPECT_EQ(post("/api/tasks/" + theirs_id, {{"note", "x"}}, "enterprise").status, 403);
  EXPECT_EQ(post("/api/tasks", {{"type", "complaint"}, {"title", "x"}, {"county", "140214"}}, "enterprise").status, 403);
  // Reads are scoped the same way: the county lists only its area's tasks, the enterprise its own.
  const json county_list = json::parse(s.request("GET", "/api/tasks", "", bearer(s.token("county"))).body);
  bool saw_mine = false;
  for (const auto& t : county_list["tasks"]) {
    EXPECT_EQ(t["county"], "140214") << t.dump();
    saw_mine = saw_mine || t["id"] == mine_id;
  }
  EXPECT_TRUE(saw_mine);
  const json enterprise_list = json::parse(s.request("GET", "/api/tasks", "", bearer(s.token("enterprise"))).body);
  for (const auto& t : enterprise_list["tasks"])
    EXPECT_EQ(t["enterprise"], "EX-POWER") << t.dump();
  EXPECT_EQ(s.request("GET", "/api/tasks/" + theirs_id, "", bearer(s.token("county"))).status, 403);
}

TEST_P(AuthApi, PublicRoutesAnswerWithoutALoginInternalOnesDoNot) {
  auto& s = Server::get();
  for (const char* open : {"/api/health", "/api/aqi/levels", "/api/warnings", "/api/forecast/status", "/api/sites"})
    EXPECT_EQ(s.get(open).status, 200) << open;
  for (const char* closed : {"/api/alarms", "/api/tasks", "/api/sources", "/api/warnings/proposal", "/api/audit"})
    EXPECT_EQ(s.get(closed).status, 401) << closed;
  EXPECT_EQ(s.request("GET", "/api/alarms", "", bearer(s.token("viewer"))).status, 200);
  EXPECT_EQ(s.request("GET", "/api/audit", "", bearer(s.token("viewer"))).status, 403);
}

// Its own server: the failures of this test must not lock the other tests' logins out.
TEST(AuthThrottle, FiveFailuresThen429WithAGrowingRetryAfter) {
  ServerSpec spec;
  spec.sample = false;
  Server s(spec);
  HttpResult r;
  for (int i = 0; i < 5; ++i) {
    login(s, Server::user_of("duty"), "wrong password " + std::to_string(i), &r);
    EXPECT_EQ(r.status, 401) << i;
  }
  // The right password does not help now: 429, Retry-After 30 then 60 (accounts/throttle.h).
  login(s, Server::user_of("duty"), kTestPassword, &r);
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.headers["retry-after"], "30");
  login(s, Server::user_of("duty"), kTestPassword, &r);
  EXPECT_EQ(r.headers["retry-after"], "60");
  // Five failures from one address lock that address out for other names too.
  login(s, Server::user_of("viewer"), kTestPassword, &r);
  EXPECT_EQ(r.status, 429);
  // Tokens are not logins: they still work.
  EXPECT_EQ(s.request("GET", "/api/me", "", bearer(s.token("duty"))).status, 200);
}

}  // namespace

// The shared token of old (SKYRIVER_API_TOKEN, [api] token) stops `serve` with what to do
// instead (issue 26), before anything is opened.
TEST(RetiredToken, ServeRefusesToStartAndSaysWhatToDo) {
  const std::string db = "/tmp/skyriver-retired-token-" + std::to_string(::getpid()) + "/never-opened.db";
  setenv("SKYRIVER_API_TOKEN", "old-shared-token", 1);
  const auto r = skyriver::test::run_cli("serve --config " + std::string(SKYRIVER_SOURCE_DIR) + "/config/datong --db " +
                                         db + " --port 0 --hj212-port 0");
  unsetenv("SKYRIVER_API_TOKEN");
  EXPECT_FALSE(std::ifstream(db).good()) << "the store was opened before the refusal";
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("SKYRIVER_API_TOKEN"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skyriver user token"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("old-shared-token"), std::string::npos);  // never echoed
}

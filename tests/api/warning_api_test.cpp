// The warning routes of a real `skyriver serve` (tests/api/server_fixture.h): a consultation
// forecast raises a proposal, the duty officer issues, adjusts and lifts, the notice comes as
// HTML and XLSX, bad input is refused naming the field and changes nothing, and steps are
// announced on the live stream.
#include "on_each_backend.h"
#include "server_fixture.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

using namespace skyriver::test;
using json = nlohmann::json;

namespace {

json get_json(const std::string& target) {
  auto& s = Server::get();
  auto r = s.request("GET", target, "", {{"Authorization", "Bearer " + s.token("duty")}});
  EXPECT_EQ(r.status, 200) << target << " -> " << r.body;
  return json::parse(r.body);
}

HttpResult post(const std::string& path, const json& body, bool token = true, const std::string& role = "duty") {
  auto& s = Server::get();
  std::map<std::string, std::string> h{{"Content-Type", "application/json"}};
  if (token) h["Authorization"] = "Bearer " + s.token(role);
  return s.request("POST", path, body.dump(), h);
}

class WarningApi : public skyriver::test::OnEachBackend {};
SKYRIVER_ON_EACH_BACKEND(WarningApi);

TEST_P(WarningApi, ProposalIssueAdjustLiftAndTheNotice) {
  auto& s = Server::get();
  const json empty = get_json("/api/warnings");
  EXPECT_EQ(empty["rules"], "national-2024");
  EXPECT_EQ(empty["rules_note"], "to be confirmed by the city (待市政府确认)");
  const std::size_t history = empty["history"].size();
  // No warning: the notice says so.
  auto n = s.get("/api/warnings/notice");
  ASSERT_EQ(n.status, 200);
  EXPECT_NE(n.content_type.find("text/html"), std::string::npos);
  EXPECT_NE(n.body.find("当前无重污染天气预警"), std::string::npos);

  // A consultation forecast for the city: 2019-12-31 (day 1) and 2020-01-01 above 200 = orange
  // ("> 200 for 2 consecutive days", national-2024), issued 20:00 the day before.
  std::string events;
  std::thread listener([&] { events = s.raw("GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n", 3000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto r = post("/api/warnings/forecast", {{"area", "140200"}, {"days", {{{"day", "2019-12-31"}, {"aqi", 230}},
                                                                          {{"day", "2020-01-01"}, {"aqi", 260}},
                                                                          {{"day", "2020-01-02"}, {"aqi", 90}}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(json::parse(r.body)["proposals"].size(), 1u);
  listener.join();
  EXPECT_NE(events.find("event: warning"), std::string::npos) << events;
  EXPECT_NE(events.find("\"event\":\"warning.proposal\""), std::string::npos);
  const json p = get_json("/api/warnings/proposal")["proposals"];
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0]["action"], "issue");
  EXPECT_EQ(p[0]["to"], "orange");
  EXPECT_EQ(p[0]["effective"], "2019-12-31T00:00:00+08:00");

  // Without a login: 401; a viewer or a county user: 403 (only duty and admin issue city
  // warnings, issue 26); a body naming who acts: 400 naming the field. Nothing stored.
  const json issue = {{"level", "orange"}, {"start", "2019-12-31"}, {"areas", {"140200"}}};
  EXPECT_EQ(post("/api/warnings/issue", issue, false).status, 401);
  EXPECT_EQ(post("/api/warnings/issue", issue, true, "viewer").status, 403);
  EXPECT_EQ(post("/api/warnings/issue", issue, true, "county").status, 403);
  EXPECT_EQ(post("/api/warnings/issue", issue, true, "enterprise").status, 403);
  for (const char* field : {"user", "who"}) {
    json named = issue;
    named[field] = "局长";
    r = post("/api/warnings/issue", named);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(json::parse(r.body)["error"]["parameter"], field);
  }
  json bad = issue;
  bad["level"] = "crimson";
  r = post("/api/warnings/issue", bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["parameter"], "level");
  bad = issue;
  bad["areas"] = {"140299"};
  r = post("/api/warnings/issue", bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["parameter"], "areas");
  r = s.request("POST", "/api/warnings/issue", "{not json", {{"Authorization", "Bearer " + s.token("duty")}});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(get_json("/api/warnings")["in_force"].empty());
  EXPECT_EQ(get_json("/api/warnings/proposal")["proposals"].size(), 1u);

  r = post("/api/warnings/issue", issue);
  ASSERT_EQ(r.status, 200) << r.body;
  const json w = json::parse(r.body);
  const std::string number = w["number"];
  EXPECT_EQ(number.rfind("大同重污染预警-2019-", 0), 0u) << number;
  EXPECT_EQ(w["basis"]["forecast"][1]["aqi"], 260);
  EXPECT_FALSE(w["measures"]["counties"].empty());
  EXPECT_TRUE(get_json("/api/warnings/proposal")["proposals"].empty());
  // Who issued it is the login, and the audit log says so (read by an admin only).
  EXPECT_EQ(w["steps"][0]["who"], Server::user_of("duty")) << w.dump();
  auto audit = s.request("GET", "/api/audit?user=" + Server::user_of("duty"), "", {{"Authorization", "Bearer " + s.token()}});
  ASSERT_EQ(audit.status, 200) << audit.body;
  bool found = false;
  const json audit_rows = json::parse(audit.body)["rows"];  // kept: the loop must not range over a temporary
  for (const auto& row : audit_rows)
    found = found || (row["route"] == "POST /api/warnings/issue" && row["role"] == "duty" && row["address"] == "127.0.0.1" &&
                      row["object"] == number);  // the notice number, from the answer
  EXPECT_TRUE(found) << audit.body;
  EXPECT_EQ(s.request("GET", "/api/audit", "", {{"Authorization", "Bearer " + s.token("duty")}}).status, 403);

  r = post("/api/warnings/adjust", {{"number", number}, {"level", "red"}, {"reason", "会商: 静稳加剧"}}, true, "admin");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["steps"][1]["change"], "raise");

  auto html = s.get("/api/warnings/notice?number=" + number);
  ASSERT_EQ(html.status, 200);
  EXPECT_NE(html.body.find("红色预警"), std::string::npos);
  EXPECT_NE(html.body.find("EXAMPLE"), std::string::npos);
  auto xlsx = s.get("/api/warnings/notice?format=xlsx&number=" + number);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_NE(xlsx.content_type.find("spreadsheetml"), std::string::npos);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_EQ(s.get("/api/warnings/notice?number=nope").status, 404);

  r = post("/api/warnings/lift", {{"number", number}, {"end", "2020-01-02T00:00"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const json after = get_json("/api/warnings");
  EXPECT_TRUE(after["in_force"].empty());
  ASSERT_EQ(after["history"].size(), history + 1);
  EXPECT_EQ(after["history"][0]["steps"].size(), 3u);
  EXPECT_EQ(after["history"][0]["steps"][2]["step"], "lift");
  r = post("/api/warnings/lift", {{"number", number}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["error"]["parameter"], "number");
}

}  // namespace

// alert::Webhook against a real local HTTP receiver: the JSON arrives with its event header,
// and a receiver that fails first is retried.
#include "alert/webhook.h"

#include "../support/http_receiver.h"

#include "core/error.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <chrono>
#include <thread>

using namespace skyriver;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::ip::tcp;

namespace {

using skyriver::test::Receiver;

void wait_for(const alert::Webhook& w, std::size_t n) {
  for (int i = 0; i < 100 && w.delivered() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

}  // namespace

TEST(Webhook, PostsTheEventAsJson) {
  Receiver r({200});
  {
    alert::Webhook w({"http://127.0.0.1:" + std::to_string(r.port) + "/hook"});
    w.post("warning.proposal", {{"level", "orange"}, {"area", "140200"}});
    wait_for(w, 1);
    EXPECT_EQ(w.delivered(), 1u);
  }
  ASSERT_EQ(r.requests.size(), 1u);
  EXPECT_EQ(r.requests[0].target(), "/hook");
  EXPECT_EQ(r.requests[0]["X-Skyriver-Event"], "warning.proposal");
  auto body = nlohmann::json::parse(r.requests[0].body());
  EXPECT_EQ(body["event"], "warning.proposal");
  EXPECT_EQ(body["data"]["level"], "orange");
  EXPECT_TRUE(body.contains("sent_at"));
}

TEST(Webhook, RetriesAReceiverThatFailed) {
  Receiver r({503, 200});
  std::vector<bool> outcomes;
  {
    alert::Webhook w({"http://127.0.0.1:" + std::to_string(r.port)}, {.attempts = 3});
    w.on_result([&](const std::string&, const std::string&, bool ok, const std::string&) { outcomes.push_back(ok); });
    w.post("alarm.opened", {{"id", 1}});
    wait_for(w, 1);
  }
  EXPECT_EQ(outcomes, (std::vector<bool>{false, true}));
  ASSERT_EQ(r.requests.size(), 2u);
  EXPECT_EQ(r.requests[1].target(), "/");
}

TEST(Webhook, RefusesUrlsItCannotServe) {
  EXPECT_THROW(alert::Webhook({"https://example.org/x"}), core::Error);
  EXPECT_THROW(alert::Webhook({"http://host:port/x"}), core::Error);
  EXPECT_THROW(alert::Webhook({"http:///x"}), core::Error);
}

// Issue 28 defect 7: a URL that accepts and never answers (a listening socket nobody accepts
// from: the kernel completes the connection, no byte ever comes back) beside a live one. With
// a 2 s attempt timeout, one queue for all URLs would hold each event ~2 s at the dead URL
// before the live one; with a queue per URL the live one has all five within a second.
TEST(Webhook, ADeadUrlDoesNotDelayTheOthers) {
  boost::asio::io_context io;
  tcp::acceptor blackhole(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  Receiver live({200, 200, 200, 200, 200});
  std::atomic<int> live_ok{0};
  {
    alert::Webhook w({"http://127.0.0.1:" + std::to_string(blackhole.local_endpoint().port()) + "/dead",
                      "http://127.0.0.1:" + std::to_string(live.port) + "/live"},
                     {.timeout = std::chrono::milliseconds(2000), .attempts = 1, .drain = std::chrono::milliseconds(0)});
    const std::string live_url = "http://127.0.0.1:" + std::to_string(live.port) + "/live";
    w.on_result([&](const std::string& url, const std::string&, bool ok, const std::string&) {
      if (url == live_url && ok) ++live_ok;
    });
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) w.post("alarm.opened", {{"n", i}});
    for (int i = 0; i < 40 && live_ok < 5; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    EXPECT_EQ(live_ok.load(), 5);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
  }
  EXPECT_EQ(live.requests.size(), 5u);
}

TEST(Webhook, AnAttemptHasOneDeadline) {
  // The dead URL alone: one attempt fails at its timeout (300 ms), naming it, instead of hanging.
  boost::asio::io_context io;
  tcp::acceptor blackhole(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  std::atomic<int> results{0};
  std::string detail;
  std::mutex m;
  {
    alert::Webhook w({"http://127.0.0.1:" + std::to_string(blackhole.local_endpoint().port())},
                     {.timeout = std::chrono::milliseconds(300), .attempts = 1, .drain = std::chrono::milliseconds(0)});
    w.on_result([&](const std::string&, const std::string&, bool, const std::string& d) {
      std::lock_guard g(m);
      detail = d;
      ++results;
    });
    w.post("alarm.opened", {{"n", 1}});
    for (int i = 0; i < 60 && results == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_EQ(results.load(), 1);
  EXPECT_NE(detail.find("no answer within 300 ms"), std::string::npos) << detail;
}

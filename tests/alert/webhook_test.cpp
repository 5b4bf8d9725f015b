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

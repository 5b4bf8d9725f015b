// Webhook: delivers events as JSON by HTTP POST to the URLs a city configures (warnings,
// alarms), so that other systems (duty phones, the bureau's OA) hear of them at once.
//
// post() never blocks the caller: the event is queued and a background thread sends it to
// every URL in order, with a timeout per attempt and retries with backoff (1, 2, 4 ... 60 s,
// up to `attempts`). The body sent is {"event": EVENT, "data": DATA, "sent_at": ISO time};
// the header X-Skyriver-Event carries EVENT. Only plain http://host[:port][/path] URLs
// (checked at construction: core::Error naming the URL). A full queue drops the oldest event
// and logs it. The destructor delivers what is queued for up to `drain` then stops.
// Thread-safe: post() may be called from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace skyriver::alert {

struct WebhookOptions {
  std::chrono::milliseconds timeout{5000};  // per attempt
  int attempts = 5;
  std::size_t max_queue = 10000;
  std::chrono::milliseconds drain{5000};
};

class Webhook {
 public:
  explicit Webhook(std::vector<std::string> urls, WebhookOptions options = {});
  ~Webhook();
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  void post(const std::string& event, const nlohmann::json& data);
  // Called after each delivery attempt's outcome (url, event, ok, detail); for logs and tests.
  void on_result(std::function<void(const std::string&, const std::string&, bool, const std::string&)> f);
  std::size_t delivered() const;  // successful deliveries so far (all URLs)

 private:
  struct Target {
    std::string url, host, port, path;
  };
  struct Item {
    std::string event, body;
  };
  void run();
  bool send(const Target& t, const Item& item, std::string& detail);

  std::vector<Target> targets_;
  WebhookOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::size_t delivered_ = 0;
  std::function<void(const std::string&, const std::string&, bool, const std::string&)> on_result_;
  std::thread worker_;
};

}  // namespace skyriver::alert

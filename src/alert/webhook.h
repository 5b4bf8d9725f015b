// Webhook: delivers events as JSON by HTTP POST to the URLs a city configures (warnings,
// alarms), so that other systems (duty phones, the bureau's OA) hear of them at once.
//
// post() never blocks the caller: the event is queued for each URL. Each URL has its own
// queue and worker thread, so a dead or slow URL delays only its own events (issue 28 #7).
// One attempt (DNS resolution, connect, send, answer) has one deadline, `timeout`: the name is
// resolved asynchronously, so a resolver that hangs is cut off too. Retries with backoff (1, 2,
// 4 ... 60 s, up to `attempts`). The body sent is {"event": EVENT, "data": DATA, "sent_at": ISO
// time}; the header X-Skyriver-Event carries EVENT. Only plain http://host[:port][/path] URLs
// (checked at construction: core::Error naming the URL). A full queue (max_queue per URL) drops
// its oldest event and logs it. The destructor delivers what is queued for up to `drain`
// (plus an attempt under way, at most `timeout`) then stops.
// Thread-safe: post() may be called from any thread.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
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
  struct Lane;  // one URL: its queue, worker thread and I/O context
  void run(Lane& lane);
  bool send(Lane& lane, const Item& item, std::string& detail);

  WebhookOptions options_;
  mutable std::mutex mutex_;  // guards every lane's queue, stopping_, delivered_, on_result_
  bool stopping_ = false;
  std::size_t delivered_ = 0;
  std::function<void(const std::string&, const std::string&, bool, const std::string&)> on_result_;
  std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace skyriver::alert

// SseHub: the server-sent-events stream of newly arrived data (GET /api/stream).
//
// Each open stream is a Subscriber owned by its HTTP session; publish() queues one event on
// every live subscriber and wakes its session. Slow readers lose nothing until their queue
// holds kMaxQueued events, after which the oldest are dropped (the page refetches on any event).
// try_subscribe() caps the live subscribers (the server's max_streams). Thread-safe.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/io_context.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace skyriver::api {

struct Subscriber {
  explicit Subscriber(boost::asio::any_io_executor ex) : timer(ex) {}
  boost::asio::steady_timer timer;  // cancelled to wake the session
  std::mutex mutex;
  std::deque<std::string> queue;  // formatted events
};

class SseHub {
 public:
  static constexpr std::size_t kMaxQueued = 1000;
  std::shared_ptr<Subscriber> subscribe(boost::asio::any_io_executor ex);
  // nullptr when `max` subscribers are live already.
  std::shared_ptr<Subscriber> try_subscribe(boost::asio::any_io_executor ex, std::size_t max);
  // Sends `event: <name>\ndata: <json>\n\n` to every subscriber.
  void publish(const std::string& event, const std::string& data);
  std::size_t subscribers();

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<Subscriber>> subs_;
  unsigned long long next_id_ = 1;
};

}  // namespace skyriver::api

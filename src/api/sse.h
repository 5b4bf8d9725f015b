// SseHub: the server-sent-events stream of newly arrived data (GET /api/stream).
//
// Each open stream is a Subscriber owned by its HTTP session; publish() queues one event on
// every live subscriber and wakes its session. A subscriber's queue holds at most its `limit`
// bytes of events not yet taken by its session: a client that reads too slowly to stay under
// it is dropped (its queue freed, `dropped` set, on_drop run on the session's strand, one log
// line), never left to grow the server's memory. The page refetches on any event, so a dropped
// client that reconnects misses nothing it cannot ask for.
// try_subscribe() caps the live subscribers (the server's max_streams). Thread-safe.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace skyriver::api {

struct Subscriber {
  Subscriber(boost::asio::any_io_executor ex, std::size_t limit) : timer(ex), limit(limit) {}
  boost::asio::steady_timer timer;  // cancelled to wake the session
  const std::size_t limit;          // bytes `queue` may hold
  std::mutex mutex;
  std::deque<std::string> queue;  // formatted events
  std::size_t queued_bytes = 0;   // sum of queue's sizes
  std::atomic<bool> dropped{false};  // over `limit` once: the session ends the stream
  // Run on the session's strand when the subscriber is dropped (the session sets it to close
  // its socket, ending a write blocked on a client that does not read, and clears it on exit).
  std::function<void()> on_drop;
  // Takes what is queued (the session writes it); empties the queue.
  std::string take();
};

class SseHub {
 public:
  static constexpr std::size_t kDefaultQueueLimit = 1 << 20;  // bytes (the server's --stream-queue)
  std::shared_ptr<Subscriber> subscribe(boost::asio::any_io_executor ex, std::size_t limit = kDefaultQueueLimit);
  // nullptr when `max` subscribers are live already.
  std::shared_ptr<Subscriber> try_subscribe(boost::asio::any_io_executor ex, std::size_t max,
                                            std::size_t limit = kDefaultQueueLimit);
  // Sends `event: <name>\ndata: <json>\n\n` to every subscriber.
  void publish(const std::string& event, const std::string& data);
  std::size_t subscribers();

 private:
  std::mutex mutex_;
  std::vector<std::weak_ptr<Subscriber>> subs_;
  unsigned long long next_id_ = 1;
};

}  // namespace skyriver::api

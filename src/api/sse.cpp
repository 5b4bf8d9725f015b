#include "api/sse.h"

#include "core/log.h"

#include <boost/asio/post.hpp>

namespace skyriver::api {

std::string Subscriber::take() {
  std::lock_guard lock(mutex);
  std::string out;
  out.reserve(queued_bytes);
  for (auto& e : queue) out += e;
  queue.clear();
  queued_bytes = 0;
  return out;
}

std::shared_ptr<Subscriber> SseHub::subscribe(boost::asio::any_io_executor ex, std::size_t limit) {
  return try_subscribe(std::move(ex), static_cast<std::size_t>(-1), limit);
}

std::shared_ptr<Subscriber> SseHub::try_subscribe(boost::asio::any_io_executor ex, std::size_t max, std::size_t limit) {
  std::lock_guard lock(mutex_);
  std::erase_if(subs_, [](auto& w) { return w.expired(); });
  if (subs_.size() >= max) return nullptr;
  auto s = std::make_shared<Subscriber>(ex, limit);
  subs_.push_back(s);
  return s;
}

void SseHub::publish(const std::string& event, const std::string& data) {
  std::vector<std::shared_ptr<Subscriber>> live;
  std::string text;
  {
    std::lock_guard lock(mutex_);
    text = "id: " + std::to_string(next_id_++) + "\nevent: " + event + "\ndata: " + data + "\n\n";
    std::erase_if(subs_, [](auto& w) { return w.expired(); });
    for (auto& w : subs_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  for (auto& s : live) {
    bool drop = false;
    std::size_t waiting = 0;
    {
      std::lock_guard lock(s->mutex);
      if (s->dropped) continue;
      if (s->queued_bytes + text.size() > s->limit) {
        drop = s->dropped = true;
        waiting = s->queued_bytes + text.size();
        s->queue.clear();
        s->queued_bytes = 0;
      } else {
        s->queue.push_back(text);
        s->queued_bytes += text.size();
      }
    }
    if (drop)
      spdlog::warn("live stream: a client is not reading its events ({} bytes waiting would pass the limit of {}); dropped",
                   waiting, s->limit);
    // The timer and the socket belong to the session's strand: wake (or end) it there.
    boost::asio::post(s->timer.get_executor(), [s, drop] {
      if (drop && s->on_drop) s->on_drop();
      s->timer.cancel();
    });
  }
}

std::size_t SseHub::subscribers() {
  std::lock_guard lock(mutex_);
  std::erase_if(subs_, [](auto& w) { return w.expired(); });
  return subs_.size();
}

}  // namespace skyriver::api

#include "api/sse.h"

#include <boost/asio/post.hpp>

namespace skyriver::api {

std::shared_ptr<Subscriber> SseHub::subscribe(boost::asio::any_io_executor ex) {
  return try_subscribe(std::move(ex), static_cast<std::size_t>(-1));
}

std::shared_ptr<Subscriber> SseHub::try_subscribe(boost::asio::any_io_executor ex, std::size_t max) {
  std::lock_guard lock(mutex_);
  std::erase_if(subs_, [](auto& w) { return w.expired(); });
  if (subs_.size() >= max) return nullptr;
  auto s = std::make_shared<Subscriber>(ex);
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
    {
      std::lock_guard lock(s->mutex);
      s->queue.push_back(text);
      while (s->queue.size() > kMaxQueued) s->queue.pop_front();
    }
    // The timer belongs to the session's strand: cancel it there.
    boost::asio::post(s->timer.get_executor(), [s] { s->timer.cancel(); });
  }
}

std::size_t SseHub::subscribers() {
  std::lock_guard lock(mutex_);
  std::erase_if(subs_, [](auto& w) { return w.expired(); });
  return subs_.size();
}

}  // namespace skyriver::api

#include "alert/webhook.h"

#include "core/error.h"
#include "core/time.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

namespace skyriver::alert {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::ip::tcp;

struct Webhook::Lane {
  Target target;
  std::deque<Item> queue;
  std::condition_variable wake;
  boost::asio::io_context io;  // lives as long as the lane: a resolve cut off may finish later
  std::thread worker;
};

Webhook::Webhook(std::vector<std::string> urls, WebhookOptions options) : options_(options) {
  for (const std::string& url : urls) {
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0) throw core::Error("webhook " + url, "only http:// URLs are supported");
    std::string rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    Target t{url, rest.substr(0, slash), "80", slash == std::string::npos ? "/" : rest.substr(slash)};
    if (const auto colon = t.host.rfind(':'); colon != std::string::npos) {
      t.port = t.host.substr(colon + 1);
      t.host = t.host.substr(0, colon);
      if (t.port.empty() || !std::all_of(t.port.begin(), t.port.end(), ::isdigit))
        throw core::Error("webhook " + url, "the port is not a number");
    }
    if (t.host.empty()) throw core::Error("webhook " + url, "no host");
    auto lane = std::make_unique<Lane>();
    lane->target = std::move(t);
    lanes_.push_back(std::move(lane));
  }
  for (auto& lane : lanes_) lane->worker = std::thread([this, l = lane.get()] { run(*l); });
}

Webhook::~Webhook() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (auto& lane : lanes_) lane->wake.notify_all();
  for (auto& lane : lanes_)
    if (lane->worker.joinable()) lane->worker.join();
}

void Webhook::post(const std::string& event, const nlohmann::json& data) {
  if (lanes_.empty()) return;
  nlohmann::json body = {{"event", event}, {"data", data}, {"sent_at", core::format_iso(std::time(nullptr))}};
  const std::string text = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  {
    std::lock_guard lock(mutex_);
    for (auto& lane : lanes_) {
      if (lane->queue.size() >= options_.max_queue) {
        spdlog::warn("webhook {}: queue full ({} events), dropping the oldest ({})", lane->target.url, lane->queue.size(),
                     lane->queue.front().event);
        lane->queue.pop_front();
      }
      lane->queue.push_back({event, text});
    }
  }
  for (auto& lane : lanes_) lane->wake.notify_one();
}

void Webhook::on_result(std::function<void(const std::string&, const std::string&, bool, const std::string&)> f) {
  std::lock_guard lock(mutex_);
  on_result_ = std::move(f);
}

std::size_t Webhook::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

bool Webhook::send(Lane& lane, const Item& item, std::string& detail) {
  const Target& t = lane.target;
  // Everything an attempt's handlers touch is shared with them: a resolve cut off at the
  // deadline still completes later (getaddrinfo cannot be interrupted) and must find it alive.
  struct Attempt {
    explicit Attempt(boost::asio::io_context& io) : resolver(io), stream(io) {}
    tcp::resolver resolver;
    beast::tcp_stream stream;
    http::request<http::string_body> req;
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code ec;
    bool done = false;
  };
  auto a = std::make_shared<Attempt>(lane.io);
  a->req = {http::verb::post, t.path, 11};
  a->req.set(http::field::host, t.host + ":" + t.port);
  a->req.set(http::field::content_type, "application/json; charset=utf-8");
  a->req.set(http::field::user_agent, "skyriver-webhook");
  a->req.set("X-Skyriver-Event", item.event);
  a->req.body() = item.body;
  a->req.prepare_payload();
  auto finish = [a](beast::error_code ec) {
    if (a->done) return;
    a->ec = ec;
    a->done = true;
  };
  a->resolver.async_resolve(t.host, t.port, [a, finish](beast::error_code ec, tcp::resolver::results_type results) {
    if (a->done) return;
    if (ec) return finish(ec);
    a->stream.async_connect(results, [a, finish](beast::error_code ec, const tcp::endpoint&) {
      if (a->done) return;
      if (ec) return finish(ec);
      http::async_write(a->stream, a->req, [a, finish](beast::error_code ec, std::size_t) {
        if (a->done) return;
        if (ec) return finish(ec);
        http::async_read(a->stream, a->buffer, a->res, [finish](beast::error_code ec, std::size_t) { finish(ec); });
      });
    });
  });
  const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  lane.io.restart();
  while (!a->done && std::chrono::steady_clock::now() < deadline) lane.io.run_one_until(deadline);
  if (!a->done) {
    a->done = true;
    detail = "no answer within " + std::to_string(options_.timeout.count()) + " ms (resolve, connect, send, answer)";
    a->resolver.cancel();
    beast::error_code ignored;
    a->stream.socket().close(ignored);
    lane.io.restart();
    lane.io.poll();  // run the handlers the cancel made ready; a resolve still under way keeps `a`
    return false;
  }
  beast::error_code ignored;
  a->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (a->ec) {
    detail = a->ec.message();
    return false;
  }
  detail = "HTTP " + std::to_string(a->res.result_int());
  return a->res.result_int() >= 200 && a->res.result_int() < 300;
}

void Webhook::run(Lane& lane) {
  std::unique_lock lock(mutex_);
  auto drain_deadline = std::chrono::steady_clock::time_point::max();
  for (;;) {
    lane.wake.wait(lock, [&] { return stopping_ || !lane.queue.empty(); });
    if (stopping_) {
      if (drain_deadline == std::chrono::steady_clock::time_point::max())
        drain_deadline = std::chrono::steady_clock::now() + options_.drain;
      if (lane.queue.empty() || std::chrono::steady_clock::now() >= drain_deadline) return;
    }
    Item item = std::move(lane.queue.front());
    lane.queue.pop_front();
    lock.unlock();
    auto backoff = std::chrono::seconds(1);
    for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
      std::string detail;
      const bool ok = send(lane, item, detail);
      {
        std::lock_guard g(mutex_);
        if (ok) ++delivered_;
        if (on_result_) on_result_(lane.target.url, item.event, ok, detail);
      }
      if (ok) break;
      if (attempt == options_.attempts) {
        spdlog::warn("webhook {}: event {} not delivered after {} attempts ({})", lane.target.url, item.event, attempt, detail);
        break;
      }
      std::unique_lock wait_lock(mutex_);  // a stop request cuts the backoff short
      if (lane.wake.wait_for(wait_lock, backoff, [&] { return stopping_; })) break;
      backoff = std::min(backoff * 2, std::chrono::seconds(60));
    }
    lock.lock();
  }
}

}  // namespace skyriver::alert

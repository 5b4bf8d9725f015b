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
    targets_.push_back(std::move(t));
  }
  if (!targets_.empty()) worker_ = std::thread([this] { run(); });
}

Webhook::~Webhook() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Webhook::post(const std::string& event, const nlohmann::json& data) {
  if (targets_.empty()) return;
  nlohmann::json body = {{"event", event}, {"data", data}, {"sent_at", core::format_iso(std::time(nullptr))}};
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_queue) {
      spdlog::warn("webhook: queue full ({} events), dropping the oldest ({})", queue_.size(), queue_.front().event);
      queue_.pop_front();
    }
    queue_.push_back({event, body.dump()});
  }
  wake_.notify_one();
}

void Webhook::on_result(std::function<void(const std::string&, const std::string&, bool, const std::string&)> f) {
  std::lock_guard lock(mutex_);
  on_result_ = std::move(f);
}

std::size_t Webhook::delivered() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

bool Webhook::send(const Target& t, const Item& item, std::string& detail) {
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(options_.timeout);
    boost::asio::ip::tcp::resolver resolver(io);
    stream.connect(resolver.resolve(t.host, t.port));
    http::request<http::string_body> req{http::verb::post, t.path, 11};
    req.set(http::field::host, t.host + ":" + t.port);
    req.set(http::field::content_type, "application/json; charset=utf-8");
    req.set(http::field::user_agent, "skyriver-webhook");
    req.set("X-Skyriver-Event", item.event);
    req.body() = item.body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    detail = "HTTP " + std::to_string(res.result_int());
    return res.result_int() >= 200 && res.result_int() < 300;
  } catch (const std::exception& e) {
    detail = e.what();
    return false;
  }
}

void Webhook::run() {
  std::unique_lock lock(mutex_);
  auto drain_deadline = std::chrono::steady_clock::time_point::max();
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) {
      if (drain_deadline == std::chrono::steady_clock::time_point::max())
        drain_deadline = std::chrono::steady_clock::now() + options_.drain;
      if (queue_.empty() || std::chrono::steady_clock::now() >= drain_deadline) return;
    }
    Item item = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    for (const Target& t : targets_) {
      auto backoff = std::chrono::seconds(1);
      for (int attempt = 1; attempt <= options_.attempts; ++attempt) {
        std::string detail;
        const bool ok = send(t, item, detail);
        {
          std::lock_guard g(mutex_);
          if (ok) ++delivered_;
          if (on_result_) on_result_(t.url, item.event, ok, detail);
        }
        if (ok) break;
        if (attempt == options_.attempts) {
          spdlog::warn("webhook {}: event {} not delivered after {} attempts ({})", t.url, item.event, attempt, detail);
          break;
        }
        std::unique_lock wait_lock(mutex_);  // a stop request cuts the backoff short
        if (wake_.wait_for(wait_lock, backoff, [&] { return stopping_; })) break;
        backoff = std::min(backoff * 2, std::chrono::seconds(60));
      }
    }
    lock.lock();
  }
}

}  // namespace skyriver::alert

#include "api/server.h"

#include "api/upload_file.h"
#include "core/accept_backoff.h"
#include "core/log.h"
#include "core/utf8.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <limits>

namespace skyriver::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

HttpServer::HttpServer(asio::io_context& io, const Router& router, SseHub& hub, const StaticFiles& files,
                       const ServerOptions& options)
    : io_(io), router_(router), hub_(hub), files_(files), options_(options), acceptor_(io) {
  tcp::endpoint ep(asio::ip::make_address(options_.address), options_.port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

static bool is_api(const std::string& path) { return path.rfind("/api/", 0) == 0 || path == "/api"; }

Response HttpServer::handle(Request& req) const {
  Response res;
  if (router_.dispatch(req, res)) return res;
  if (is_api(req.path)) return json_error(404, "not_found", "no API route " + clipped(req.path) + " (see /api/openapi.json)");
  if (req.method != "GET" && req.method != "HEAD") return json_error(405, "method_not_allowed", "static files accept GET only");
  if (auto file = files_.get(req.path)) return *file;
  return json_error(404, "not_found", "no file " + clipped(req.path));
}

namespace {

// The request line and headers as the router sees them; a refusal (400 naming the problem) for
// a malformed target, or one whose path or a query parameter is not UTF-8 once decoded (a name
// like %FF%FE.csv): every route and error message can then rely on valid text.
std::optional<Response> request_of(const http::request_header<>& in, Request& r) {
  r.method = std::string(in.method_string());
  const std::string target(in.target());
  const std::size_t q = target.find('?');
  if (!percent_decode(target.substr(0, q), r.path, false) ||
      (q != std::string::npos && !parse_query(target.substr(q + 1), r.query)))
    return json_error(400, "bad_request", "malformed percent-encoding in the request target");
  if (const auto at = core::invalid_utf8_at(r.path))
    return json_error(400, "bad_request", "the request path is not valid UTF-8 (byte " + std::to_string(*at) + ")");
  for (const auto& [k, v] : r.query) {
    if (const auto at = core::invalid_utf8_at(k))
      return json_error(400, "bad_request", "a query parameter's name is not valid UTF-8 (byte " + std::to_string(*at) + ")");
    if (const auto at = core::invalid_utf8_at(v))
      return json_error(400, "bad_parameter", "parameter '" + clipped(k) + "': is not valid UTF-8 (byte " + std::to_string(*at) + ")", k);
  }
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (r.headers.count(name)) r.repeated_headers.insert(name);
    r.headers[name] = std::string(f.value());
  }
  return std::nullopt;
}

// What the headers alone decide: the route (nullptr for static files) or a refusal.
std::optional<Response> refusal_of(const Router& router, Request& req, const Route*& route) {
  Admission a = router.admit(req);
  route = a.route;
  if (a.refusal) return a.refusal;
  if (!a.route) {
    if (is_api(req.path)) return json_error(404, "not_found", "no API route " + clipped(req.path) + " (see /api/openapi.json)");
    if (req.method != "GET" && req.method != "HEAD") return json_error(405, "method_not_allowed", "static files accept GET only");
  }
  return std::nullopt;
}

awaitable<void> write_response(beast::tcp_stream& stream, Response res, unsigned version, bool keep_alive,
                               bool head_only, std::chrono::seconds timeout) {
  http::response<http::string_body> out{static_cast<http::status>(res.status), version};
  out.set(http::field::server, "skyriver");
  out.set(http::field::content_type, res.content_type);
  for (const auto& [k, v] : security_headers()) out.set(k, v);
  for (auto& [k, v] : res.headers) out.set(k, v);
  out.keep_alive(keep_alive);
  stream.expires_after(timeout);
  if (head_only) {
    // HEAD: the headers a GET would get, with its real Content-Length, and no body.
    out.content_length(res.body.size());
    http::response_serializer<http::string_body> sr{out};
    co_await http::async_write_header(stream, sr, use_awaitable);
  } else {
    out.body() = std::move(res.body);
    out.prepare_payload();
    co_await http::async_write(stream, out, use_awaitable);
  }
}

// Reads (and drops) what a stream's client sends until it closes, then says so and wakes the
// stream. A plain coroutine, not a lambda: its arguments live in its own frame.
awaitable<void> watch_close(tcp::socket& socket, std::weak_ptr<Subscriber> sub, std::shared_ptr<bool> gone) {
  char sink[512];
  boost::system::error_code ec;
  while (!ec) co_await socket.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
  *gone = true;
  if (auto s = sub.lock()) s->timer.cancel();
}

// Streams events to one client until it goes away, stops reading for `timeout`, or lets more
// than `queue_limit` bytes of events wait (sse.h). False (nothing written) when the hub holds
// `max` streams already.
awaitable<bool> serve_events(beast::tcp_stream& stream, SseHub& hub, std::size_t max, std::size_t queue_limit,
                             unsigned version, std::chrono::seconds timeout) {
  const std::shared_ptr<Subscriber> sub = hub.try_subscribe(co_await asio::this_coro::executor, max, queue_limit);
  if (!sub) co_return false;
  // Dropped by the hub: close the socket (on this strand), which ends a write blocked on a
  // client that does not read. Cleared on the way out, before `stream` goes.
  sub->on_drop = [&stream] {
    boost::system::error_code ignored;
    stream.socket().close(ignored);
  };
  struct ClearOnDrop {
    Subscriber& s;
    ~ClearOnDrop() { s.on_drop = nullptr; }
  } clear{*sub};
  http::response<http::empty_body> head{http::status::ok, version};
  head.set(http::field::server, "skyriver");
  head.set(http::field::content_type, "text/event-stream; charset=utf-8");
  head.set(http::field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");
  for (const auto& [k, v] : security_headers()) head.set(k, v);
  head.chunked(false);
  head.keep_alive(true);
  http::response_serializer<http::empty_body> sr{head};
  stream.expires_after(timeout);
  co_await http::async_write_header(stream, sr, use_awaitable);
  // A stream's client sends nothing more: a read that ends means it went away. Noticed at once,
  // so that its place under max_streams is free again.
  auto gone = std::make_shared<bool>(false);
  asio::co_spawn(co_await asio::this_coro::executor, watch_close(stream.socket(), sub, gone), asio::detached);
  std::string batch = "retry: 2000\nevent: hello\ndata: {}\n\n";
  for (;;) {
    if (*gone || sub->dropped) co_return true;
    if (batch.empty()) batch = sub->take();
    if (batch.empty()) {
      stream.expires_never();
      sub->timer.expires_after(std::chrono::seconds(15));
      boost::system::error_code ec;
      co_await sub->timer.async_wait(asio::redirect_error(use_awaitable, ec));
      if (!ec) batch = ": keep-alive\n\n";  // timer expired: tell proxies and clients we live
      else continue;
    }
    stream.expires_after(timeout);  // a client that stops reading is let go
    co_await asio::async_write(stream, asio::buffer(batch), use_awaitable);
    batch.clear();
  }
}

// After refusing a request whose body was not read: stop sending, read and drop what the client
// is still sending for a moment (so that it sees the answer rather than a reset), then close.
awaitable<void> linger_and_close(beast::tcp_stream& stream) {
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(std::chrono::seconds(1));
  std::size_t dropped = 0;
  char sink[16 * 1024];
  while (dropped < 1024 * 1024) {
    const std::size_t n = co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(use_awaitable, ec));
    if (ec) break;
    dropped += n;
  }
  stream.socket().close(ec);
}

// A 503 answer written straight to a socket the server will not serve.
std::string busy_answer(const std::string& code, const std::string& message) {
  const std::string body = R"({"error":{"code":")" + code + R"(","message":")" + message + R"("}})";
  std::string head = "HTTP/1.1 503 Service Unavailable\r\nServer: skyriver\r\nContent-Type: application/json; charset=utf-8\r\n";
  for (const auto& [k, v] : security_headers()) head += k + ": " + v + "\r\n";
  return head + "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

bool benign(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted;
}

}  // namespace

// One connection: requests read header first, refused or admitted on the headers, then the
// body read within its route's limit (see server.h).
class Connection {
 public:
  // `peer` holds one of its address's places (HttpServer::take_place), given back here.
  static awaitable<void> run(tcp::socket socket, HttpServer& server, asio::ip::address peer) {
    struct Count {
      HttpServer& server;
      asio::ip::address peer;
      ~Count() {
        server.give_place(peer);
        --server.connections_;
      }
    } count{server, peer};
    beast::tcp_stream stream(std::move(socket));
    try {
      co_await serve(stream, server);
    } catch (const std::exception&) {
      // the client went away or sent garbage: this connection ends, the server goes on
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

 private:
  static awaitable<void> serve(beast::tcp_stream& stream, HttpServer& server) {
    const ServerOptions& o = server.options_;
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::empty_body> head;
      head.header_limit(16 * 1024);
      // Each route's limit is checked below, before any body is read (not boost::none: Beast 1.74
      // compares the length with an empty optional and refuses every body).
      head.body_limit(std::numeric_limits<std::uint64_t>::max());
      // Silence until the request starts may last idle_timeout; from its first byte, the headers
      // must be complete within header_timeout. Neither deadline moves while bytes trickle in.
      boost::system::error_code ec;
      if (buffer.size() == 0) {
        stream.expires_after(o.idle_timeout);
        const std::size_t n = co_await stream.async_read_some(buffer.prepare(4096), asio::redirect_error(use_awaitable, ec));
        if (ec) co_return;  // silent, gone or reset: nothing to answer
        buffer.commit(n);
      }
      stream.expires_after(o.header_timeout);
      co_await http::async_read_header(stream, buffer, head, asio::redirect_error(use_awaitable, ec));
      if (benign(ec)) co_return;
      if (ec) {
        co_await write_response(stream, json_error(400, "bad_request", "malformed HTTP request: " + ec.message()), 11,
                                false, false, o.request_timeout);
        co_return;
      }
      const auto& h = head.get();
      const unsigned version = h.version();
      bool keep_alive = h.keep_alive();
      const bool has_body = !head.is_done();
      Request req;
      const Route* route = nullptr;
      std::optional<Response> refusal;
      refusal = request_of(h, req);
      boost::system::error_code peer_ec;
      const auto peer = stream.socket().remote_endpoint(peer_ec);
      if (!peer_ec) req.client = peer.address().to_string();  // for the audit log and the login throttle
      const bool events = !refusal && req.method == "GET" && req.path == "/api/stream";  // the live stream, not a route
      if (!refusal && !events) refusal = refusal_of(server.router_, req, route);
      const bool upload = route && route->doc.upload;
      const std::size_t limit = upload ? o.upload_limit : route && route->doc.body_limit ? route->doc.body_limit : o.body_limit;
      if (!refusal && head.content_length() && *head.content_length() > limit)
        refusal = json_error(413, "too_large", "the body announced (" + std::to_string(*head.content_length()) +
                                                   " bytes) is over this route's limit of " + std::to_string(limit) + " bytes");
      if (refusal) {
        // Answered on the headers alone; a body that was not read ends the connection.
        co_await write_response(stream, std::move(*refusal), version, keep_alive && !has_body, req.method == "HEAD",
                                o.request_timeout);
        if (!has_body && keep_alive) continue;
        co_await linger_and_close(stream);
        co_return;
      }

      if (events) {
        if (co_await serve_events(stream, server.hub_, o.max_streams, o.stream_queue, version, o.request_timeout)) co_return;
        Response busy = json_error(503, "too_many_streams", "the server holds its maximum of " + std::to_string(o.max_streams) +
                                                                " live streams; try again later");
        busy.headers.emplace_back("Retry-After", "10");
        co_await write_response(stream, std::move(busy), version, false, false, o.request_timeout);
        co_return;
      }

      std::unique_ptr<UploadFile> file;
      std::optional<Response> body_error;
      if (has_body) {
        if (auto expect = h[http::field::expect]; beast::iequals(expect, "100-continue")) {
          static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          stream.expires_after(o.request_timeout);
          co_await asio::async_write(stream, asio::buffer(kContinue), use_awaitable);
        }
        const std::uint64_t announced = head.content_length().value_or(limit);
        stream.expires_after(o.request_timeout + std::chrono::seconds(announced >> 20));  // + 1 s per MiB
        if (upload) {
          try {
            file = std::make_unique<UploadFile>(o.upload_dir);
          } catch (const std::exception& e) {
            spdlog::error("http: upload: {}", e.what());
          }
        }
        if (upload && !file) {
          body_error = json_error(500, "internal", "the server cannot keep the upload (see its log)");
        } else if (upload) {
          http::request_parser<http::file_body> p{std::move(head)};
          p.body_limit(limit);
          beast::file f;
          f.native_handle(file->release_fd());
          p.get().body().reset(std::move(f), ec);
          if (!ec) co_await http::async_read(stream, buffer, p, asio::redirect_error(use_awaitable, ec));
          if (!ec) req.body_file = file->path().string();
        } else {
          http::request_parser<http::string_body> p{std::move(head)};
          p.body_limit(limit);
          co_await http::async_read(stream, buffer, p, asio::redirect_error(use_awaitable, ec));
          if (!ec) req.body = p.release().body();
        }
        if (ec == beast::error::timeout || ec == asio::error::eof || ec == asio::error::connection_reset ||
            ec == http::error::partial_message)
          co_return;  // the client stopped sending
        if (ec == http::error::body_limit)
          body_error = json_error(413, "too_large", "the body is over this route's limit of " + std::to_string(limit) + " bytes");
        else if (ec && !body_error)
          body_error = json_error(400, "bad_request", "malformed HTTP request body: " + ec.message());
      }
      if (body_error) {
        co_await write_response(stream, std::move(*body_error), version, false, false, o.request_timeout);
        co_await linger_and_close(stream);
        co_return;
      }
      Response res = server.handle(req);
      file.reset();  // the upload's folder goes before the answer does
      co_await write_response(stream, std::move(res), version, keep_alive, req.method == "HEAD", o.request_timeout);
      if (!keep_alive) co_return;
    }
  }
};

std::size_t HttpServer::per_address_limit() const {
  if (options_.max_connections_per_address) return options_.max_connections_per_address;
  return std::max<std::size_t>(1, options_.max_connections / 8);
}

bool HttpServer::take_place(const asio::ip::address& a) {
  std::lock_guard lock(per_address_mutex_);
  std::size_t& n = per_address_[a];
  if (n >= per_address_limit()) return false;
  ++n;
  return true;
}

void HttpServer::give_place(const asio::ip::address& a) {
  std::lock_guard lock(per_address_mutex_);
  if (auto it = per_address_.find(a); it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

void HttpServer::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

awaitable<void> HttpServer::accept_loop() {
  asio::steady_timer backoff(io_);
  core::AcceptBackoff accept_failures;  // shared with the HJ 212 accept loop
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(io_), asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // E.g. too many open files: the pending connection stays queued, so retrying at once
      // would spin. Wait, say so once, and serve the open ones meanwhile.
      const auto step = accept_failures.failed();
      if (step.log)
        spdlog::warn("http: cannot accept connections: {}; retrying with back-off (logged again only when it recovers)",
                     ec.message());
      backoff.expires_after(step.wait);
      co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    if (const auto failures = accept_failures.succeeded())
      spdlog::info("http: accepting connections again after {} failed attempts", failures);
    // Over a cap: a short answer written without waiting (it fits the socket buffer), then close.
    const auto refuse = [&socket, &ec](const std::string& answer) {
      socket.non_blocking(true, ec);
      socket.write_some(asio::buffer(answer), ec);
      socket.shutdown(tcp::socket::shutdown_send, ec);
      socket.close(ec);
    };
    static const std::string kBusy = busy_answer("too_many_connections", "the server is at its connection limit; retry");
    static const std::string kBusyHere =
        busy_answer("too_many_connections_from_address", "this address holds its share of the server's connections; retry");
    if (connections_.load() >= options_.max_connections) {
      refuse(kBusy);
      continue;
    }
    const asio::ip::address peer = socket.remote_endpoint(ec).address();
    if (ec || !take_place(peer)) {
      refuse(kBusyHere);
      continue;
    }
    ++connections_;
    auto ex = socket.get_executor();
    asio::co_spawn(ex, Connection::run(std::move(socket), *this, peer), asio::detached);
  }
}

}  // namespace skyriver::api

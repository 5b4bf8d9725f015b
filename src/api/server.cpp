#include "api/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>

namespace skyriver::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
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

Response HttpServer::handle(Request& req) const {
  Response res;
  if (router_.dispatch(req, res)) return res;
  if (req.path.rfind("/api/", 0) == 0 || req.path == "/api")
    return json_error(404, "not_found", "no API route " + req.path + " (see /api/openapi.json)");
  if (req.method != "GET" && req.method != "HEAD")
    return json_error(405, "method_not_allowed", "static files accept GET only");
  if (auto file = files_.get(req.path)) return *file;
  return json_error(404, "not_found", "no file " + req.path);
}

static Request to_request(const http::request<http::string_body>& in, bool& ok) {
  Request r;
  r.method = std::string(in.method_string());
  std::string target(in.target());
  std::size_t q = target.find('?');
  ok = percent_decode(target.substr(0, q), r.path, false);
  if (ok && q != std::string::npos) ok = parse_query(target.substr(q + 1), r.query);
  for (const auto& f : in) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  r.body = in.body();
  return r;
}

// Streams events to one client until it goes away.
static awaitable<void> serve_events(beast::tcp_stream& stream, SseHub& hub, unsigned version) {
  http::response<http::empty_body> head{http::status::ok, version};
  head.set(http::field::content_type, "text/event-stream; charset=utf-8");
  head.set(http::field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");
  head.chunked(false);
  head.keep_alive(true);
  http::response_serializer<http::empty_body> sr{head};
  stream.expires_never();
  co_await http::async_write_header(stream, sr, use_awaitable);
  auto sub = hub.subscribe(co_await asio::this_coro::executor);
  std::string hello = "retry: 2000\nevent: hello\ndata: {}\n\n";
  co_await asio::async_write(stream.socket(), asio::buffer(hello), use_awaitable);
  for (;;) {
    std::string batch;
    {
      std::lock_guard lock(sub->mutex);
      for (auto& e : sub->queue) batch += e;
      sub->queue.clear();
    }
    if (batch.empty()) {
      sub->timer.expires_after(std::chrono::seconds(15));
      boost::system::error_code ec;
      co_await sub->timer.async_wait(asio::redirect_error(use_awaitable, ec));
      if (!ec) batch = ": keep-alive\n\n";  // timer expired: tell proxies and clients we live
      else continue;
    }
    co_await asio::async_write(stream.socket(), asio::buffer(batch), use_awaitable);
  }
}

static awaitable<void> session(tcp::socket socket, const HttpServer& server, SseHub& hub, std::size_t body_limit) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  try {
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(16 * 1024);
      parser.body_limit(body_limit);
      stream.expires_after(std::chrono::seconds(30));
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::eof ||
          ec == asio::error::connection_reset)
        break;
      http::request<http::string_body> in;
      Response res;
      bool keep_alive = false;
      unsigned version = 11;
      if (ec) {
        res = json_error(ec == http::error::body_limit ? 413 : 400, "bad_request",
                         "malformed HTTP request: " + ec.message());
      } else {
        in = parser.release();
        keep_alive = in.keep_alive();
        version = in.version();
        bool ok = true;
        Request req = to_request(in, ok);
        if (!ok) {
          res = json_error(400, "bad_request", "malformed percent-encoding in the request target");
        } else if (req.path == "/api/stream" && req.method == "GET") {
          co_await serve_events(stream, hub, version);
          break;
        } else {
          res = server.handle(req);
          if (req.method == "HEAD") res.body.clear();
        }
      }
      http::response<http::string_body> out{static_cast<http::status>(res.status), version};
      out.set(http::field::server, "skyriver");
      out.set(http::field::content_type, res.content_type);
      for (auto& [k, v] : res.headers) out.set(k, v);
      out.body() = std::move(res.body);
      out.keep_alive(keep_alive);
      out.prepare_payload();
      co_await http::async_write(stream, out, use_awaitable);
      if (!keep_alive) break;
    }
  } catch (const std::exception&) {
    // the client went away or sent garbage: this connection ends, the server goes on
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

void HttpServer::start() {
  asio::co_spawn(
      io_,
      [this]() -> awaitable<void> {
        for (;;) {
          boost::system::error_code ec;
          tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(io_), asio::redirect_error(use_awaitable, ec));
          if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            continue;  // e.g. too many open files: keep accepting
          }
          auto ex = socket.get_executor();
          asio::co_spawn(ex, session(std::move(socket), *this, hub_, options_.body_limit), asio::detached);
        }
      },
      asio::detached);
}

}  // namespace skyriver::api

// HttpServer: the Beast HTTP/1.1 server of `skyriver serve`.
//
// Accepts on address:port (port 0 = any free port; port() tells which) and answers from the
// Router for /api/..., from the SSE hub for GET /api/stream, otherwise from the static files.
// Every connection runs as a coroutine on its own strand of the shared io_context, so the
// server scales with the threads that run that io_context.
//
// What a hostile or careless client can cost, and what it gets:
// - A request's headers (≤ 16 KiB) are read first. A new connection's first request must have
//   complete headers within header_timeout; between keep-alive requests the client may stay
//   silent for idle_timeout, and once its next request starts, its headers must be complete
//   within header_timeout. Bytes trickling in never extend a deadline: only a complete request
//   does (slowloris). The route and the
//   token are checked on them alone: a request the router refuses (401, 403, 404, 405) or whose
//   announced body is over its route's limit (413) is answered before any of its body is read,
//   and the connection is closed.
// - Bodies: body_limit for every route (JSON), upload_limit only for upload routes, which need
//   the token; an upload body is streamed to a private file (mode 0600 in a fresh 0700 folder
//   made with mkdtemp under upload_dir) and never held in memory; the folder is removed after
//   the answer. A body must arrive within request_timeout (+1 s per MiB announced).
// - At most max_connections connections are served at once, and at most
//   max_connections_per_address of them from one client address (0 = max_connections / 8,
//   at least 1), so that one client cannot take every place; more are answered 503 and closed.
//   At most max_streams of them are live streams (more get 503).
// - A live stream's queue of events not yet written holds at most stream_queue bytes; a
//   stream whose client reads too slowly to stay under it is dropped, with a log line.
// - When accepting fails (too many open files, ...), the accept loop backs off (10 ms doubling
//   to 1 s), logs once until accepting works again, and the open connections go on.
// Nothing a client sends can stop the server: every failure of one connection ends only it.
#pragma once

#include "api/router.h"
#include "api/sse.h"
#include "api/static_files.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace skyriver::api {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  std::size_t body_limit = 64 * 1024;            // request bodies of every non-upload route
  std::size_t upload_limit = 256 * 1024 * 1024;  // bodies of upload routes (token needed)
  std::filesystem::path upload_dir;              // where upload bodies are kept ("" = system temp folder)
  std::size_t max_connections = 512;
  std::size_t max_connections_per_address = 0;  // 0 = max_connections / 8 (at least 1)
  std::size_t max_streams = 100;
  std::size_t stream_queue = 1 << 20;         // bytes of events a live stream may have waiting
  std::chrono::seconds header_timeout{10};   // complete headers of a request, from its first byte
  std::chrono::seconds idle_timeout{15};     // silence between keep-alive requests
  std::chrono::seconds request_timeout{30};  // the body of a request, and writing an answer
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const Router& router, SseHub& hub, const StaticFiles& files,
             const ServerOptions& options);
  unsigned short port() const { return port_; }
  void start();  // begins accepting (the caller runs the io_context)
  Response handle(Request& req) const;  // routing without the network (also used by tests)
  const ServerOptions& options() const { return options_; }
  std::size_t connections() const { return connections_.load(); }
  std::size_t per_address_limit() const;

 private:
  friend class Connection;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::io_context& io_;
  const Router& router_;
  SseHub& hub_;
  const StaticFiles& files_;
  ServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::atomic<std::size_t> connections_{0};
  // Open connections per client address (taken in the accept loop, given back by each
  // connection on its own strand, hence the mutex).
  bool take_place(const boost::asio::ip::address& a);
  void give_place(const boost::asio::ip::address& a);
  std::mutex per_address_mutex_;
  std::map<boost::asio::ip::address, std::size_t> per_address_;
};

}  // namespace skyriver::api

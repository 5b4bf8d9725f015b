// HttpServer: the Beast HTTP/1.1 server of `skyriver serve`.
//
// Accepts on address:port (port 0 = any free port; port() tells which), reads each request
// (headers ≤ 16 KiB, body ≤ body_limit, 30 s to arrive), and answers from the Router for
// /api/..., from the SSE hub for GET /api/stream, otherwise from the static files. Every
// connection runs as a coroutine on its own strand of the shared io_context, so the server
// scales with the threads that run that io_context. Nothing a client sends can stop it: every
// failure of one connection ends only that connection.
#pragma once

#include "api/router.h"
#include "api/sse.h"
#include "api/static_files.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string>

namespace skyriver::api {

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  std::size_t body_limit = 64 * 1024 * 1024;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const Router& router, SseHub& hub, const StaticFiles& files,
             const ServerOptions& options);
  unsigned short port() const { return port_; }
  void start();  // begins accepting (the caller runs the io_context)
  Response handle(Request& req) const;  // routing without the network (also used by tests)

 private:
  boost::asio::io_context& io_;
  const Router& router_;
  SseHub& hub_;
  const StaticFiles& files_;
  ServerOptions options_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
};

}  // namespace skyriver::api

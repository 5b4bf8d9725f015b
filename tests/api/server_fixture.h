// A real `skyriver serve` for the API tests: a temporary SQLite store filled with the bundled
// Datong sample by `skyriver import`, the server started as a child process on a free port
// (--port 0, the port read from its first lines), stopped at the end. Plus a small blocking
// HTTP client (Boost.Beast) and a raw-socket helper for malformed requests and the SSE stream.
#pragma once

#include <map>
#include <string>

namespace skyriver::test {

struct HttpResult {
  int status = 0;
  std::string content_type, body;
};

class Server {
 public:
  static Server& get();  // started once per test program
  ~Server();
  int port() const { return port_; }
  const std::string& token() const { return token_; }
  const std::string& dir() const { return dir_; }
  bool alive() const;

  HttpResult get(const std::string& target) const;
  HttpResult request(const std::string& method, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers = {}) const;
  // Sends raw bytes and returns whatever comes back within `ms` (for malformed requests).
  std::string raw(const std::string& bytes, int ms = 2000) const;

 private:
  Server();
  int pid_ = -1, port_ = 0;
  std::string dir_, token_ = "test-token-7f3a";
};

}  // namespace skyriver::test

#include "server_fixture.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace skyriver::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Server& Server::get() {
  static Server s;
  return s;
}

Server::Server() {
  char tmpl[] = "/tmp/skyriver-api-test.XXXXXX";
  dir_ = mkdtemp(tmpl);
  const std::string src = SKYRIVER_SOURCE_DIR, bin = SKYRIVER_BINARY;
  const std::string db = dir_ + "/store.db";
  const std::string import = bin + " import --format cnemc --no-progress --config " + src + "/config/datong --db " + db +
                             " --rejects " + dir_ + "/rejects.txt " + src + "/data/datong/china_sites_2019_datong_sample.csv.gz > " +
                             dir_ + "/import.log 2>&1";
  if (std::system(import.c_str()) != 0) throw std::runtime_error("import failed, see " + dir_ + "/import.log");

  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    close(out[0]);
    setenv("SKYRIVER_API_TOKEN", token_.c_str(), 1);
    const std::string config = src + "/config/datong", web = src + "/web";
    execl(bin.c_str(), bin.c_str(), "serve", "--config", config.c_str(), "--db", db.c_str(), "--port", "0", "--web",
          web.c_str(), "--poll", "0.5", "--threads", "2", "--forecast-retrain-days", "0", (char*)nullptr);
    _exit(127);
  }
  close(out[1]);
  FILE* f = fdopen(out[0], "r");
  char line[512];
  while (fgets(line, sizeof line, f)) {
    std::string s(line);
    auto at = s.find("serving http://127.0.0.1:");
    if (at != std::string::npos) {
      port_ = std::atoi(s.c_str() + at + 25);
      break;
    }
  }
  // Keep draining the server's output so it never blocks on a full pipe.
  std::thread([f] {
    char buf[512];
    while (fgets(buf, sizeof buf, f)) {
    }
    fclose(f);
  }).detach();
  if (!port_) throw std::runtime_error("server did not start");
}

Server::~Server() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool Server::alive() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }

HttpResult Server::get(const std::string& target) const { return request("GET", target, ""); }

HttpResult Server::request(const std::string& method, const std::string& target, const std::string& body,
                           const std::map<std::string, std::string>& headers) const {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  http::read(stream, buf, parser);
  auto res = parser.release();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return {static_cast<int>(res.result_int()), std::string(res[http::field::content_type]), res.body()};
}

std::string Server::raw(const std::string& bytes, int ms) const {
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)));
  asio::write(s, asio::buffer(bytes));
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  s.non_blocking(true);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    beast::error_code ec;
    std::size_t n = s.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (ec) break;
    got.append(buf, n);
  }
  return got;
}

}  // namespace skyriver::test

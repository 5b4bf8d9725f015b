#include "server_fixture.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace skyriver::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Server& Server::of(const std::string& backend) {
  static std::mutex m;
  static std::map<std::string, std::unique_ptr<Server>> servers;
  std::lock_guard lock(m);
  auto& s = servers[backend];
  if (!s) {
    ServerSpec spec;
    spec.backend = backend;
    s = std::make_unique<Server>(spec);
  }
  return *s;
}

namespace {
std::string backend_in_use = "sqlite";
}
Server& Server::get() { return of(backend_in_use); }
void Server::use(const std::string& backend) { backend_in_use = backend; }

std::string Server::pg_url() {
  const char* pg = std::getenv("SKYRIVER_TEST_PG");
  if (!pg || !*pg) return "";
  static std::atomic<int> n{0};
  std::string url = pg;
  url += url.find('?') == std::string::npos ? "?" : "&";
  return url + "schema=api_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
}

std::string make_user(const std::string& db, const std::string& name, const std::string& role, const std::string& extra) {
  const std::string bin = SKYRIVER_BINARY, cfg = std::string(SKYRIVER_SOURCE_DIR) + "/config/datong";
  const std::string add = "echo '" + std::string(kTestPassword) + "' | " + bin + " user add " + name + " --role " + role +
                          " " + extra + " --password-stdin --config " + cfg + " --db '" + db + "' 2>&1";
  auto run = [](const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("popen " + cmd);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    if (pclose(p) != 0) throw std::runtime_error(cmd + ": " + out);
    return out;
  };
  run(add);
  std::string token = run(bin + " user token " + name + " --db '" + db + "' 2>/dev/null");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

Server::Server(const ServerSpec& spec) {
  char tmpl[] = "/tmp/skyriver-api-test.XXXXXX";
  dir_ = mkdtemp(tmpl);
  const std::string src = SKYRIVER_SOURCE_DIR, bin = SKYRIVER_BINARY;
  if (!spec.db.empty()) {
    db_ = spec.db;
  } else if (spec.backend == "postgresql") {
    db_ = pg_url();
    if (db_.empty()) throw std::runtime_error("SKYRIVER_TEST_PG is not set: no PostgreSQL server for the API tests");
  } else {
    db_ = dir_ + "/store.db";
  }
  if (spec.sample) {
    const std::string import = bin + " import --format cnemc --no-progress --config " + src + "/config/datong --db '" + db_ +
                               "' --rejects " + dir_ + "/rejects.txt " + src +
                               "/data/datong/china_sites_2019_datong_sample.csv.gz > " + dir_ + "/import.log 2>&1";
    if (std::system(import.c_str()) != 0) throw std::runtime_error("import failed, see " + dir_ + "/import.log");
  }

  if (spec.accounts) {
    const std::pair<const char*, const char*> users[] = {{"admin", ""},
                                                         {"duty", ""},
                                                         {"county", "--area 140214"},
                                                         {"enterprise", "--enterprise EX-POWER"},
                                                         {"viewer", ""}};
    for (const auto& [role, extra] : users) tokens_[role] = make_user(db_, user_of(role), role, extra);
    token_ = tokens_["admin"];
  }

  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  std::vector<std::string> args{bin, "serve", "--config", src + "/config/datong", "--db", db_, "--port", "0",
                                "--web", src + "/web", "--poll", "0.5", "--threads", "2", "--forecast-retrain-days", "0"};
  args.insert(args.end(), spec.args.begin(), spec.args.end());
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    dup2(out[1], 2);
    close(out[0]);
    close(out[1]);
    unsetenv("SKYRIVER_API_TOKEN");
    if (spec.max_files) {
      rlimit r{spec.max_files, spec.max_files};
      setrlimit(RLIMIT_NOFILE, &r);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  // Read the log until the server says where it listens (60 s at most); a server that dies or
  // never says so is a failure of the test, with its log.
  const int fd = out[0];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string text;
  const std::string marker = "serving http://127.0.0.1:";
  while (!port_ && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[4096];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (auto at = text.find(marker); at != std::string::npos && text.find('/', at + marker.size()) != std::string::npos)
      port_ = std::atoi(text.c_str() + at + marker.size());
  }
  {
    std::lock_guard lock(log_->mutex);
    log_->text = text;
  }
  // Keep draining the server's output so it never blocks on a full pipe; keep it for log().
  std::thread([fd, log = log_] {
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      std::lock_guard lock(log->mutex);
      if (log->text.size() < (64u << 20)) log->text.append(buf, static_cast<std::size_t>(n));
    }
    close(fd);
  }).detach();
  if (!port_) throw std::runtime_error("the server's port could not be read from its log:\n" + text);
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

std::string Server::log() const {
  std::lock_guard lock(log_->mutex);
  return log_->text;
}

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
  if (method == "HEAD") parser.skip(true);
  http::read(stream, buf, parser);
  auto res = parser.release();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  HttpResult r{static_cast<int>(res.result_int()), std::string(res[http::field::content_type]), res.body(), {}};
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  return r;
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

LiveStream::LiveStream(const Server& s, int ms) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<unsigned short>(s.port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    throw std::runtime_error("live stream: cannot connect");
  const std::string req = "GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n";
  if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
    throw std::runtime_error("live stream: cannot send the request");
  if (!wait_for("event: hello", ms)) throw std::runtime_error("live stream: no hello within the deadline: " + got_);
}

LiveStream::~LiveStream() {
  if (fd_ >= 0) ::close(fd_);
}

bool LiveStream::wait_for(const std::string& text, int ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (got_.find(text) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;  // the server closed the stream
    got_.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace skyriver::test

// A real `skyriver serve` for the API tests: a store filled with the bundled Datong sample by
// `skyriver import`, the server started as a child process on a free port (--port 0, the port
// read from its log; a server whose port cannot be read FAILS the test, never skips it),
// stopped at the end. Plus a small blocking HTTP client (Boost.Beast) and raw-socket helpers
// for malformed requests, hostile clients and the SSE stream.
//
// Backends: Server::of("sqlite") uses a SQLite file; Server::of("postgresql") a fresh schema on
// the PostgreSQL server named by SKYRIVER_TEST_PG (tests call SKYRIVER_REQUIRE_BACKEND on
// Server::pg_url() first: skipped locally without it, failed under CI=true). One server per
// backend and test program; ctest runs each test in its own program.
// Other servers (caps, timeouts, few file descriptors) are made with a ServerSpec.
// Accounts: before the server starts, `skyriver user add` makes one user per role (names
// t-admin, t-duty, t-county (area 140214), t-enterprise (EX-POWER), t-viewer; password
// kTestPassword) and `skyriver user token` a token of each; token() is the admin's.
#pragma once

#include <sys/resource.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace skyriver::test {

struct HttpResult {
  int status = 0;
  std::string content_type, body;
  std::map<std::string, std::string> headers;  // names lower-cased
};

struct ServerSpec {
  std::string backend = "sqlite";       // sqlite | postgresql
  std::string db;                       // serve this store URL ("" = a fresh store of `backend`)
  bool sample = true;                   // import the bundled Datong sample first
  std::vector<std::string> args;        // more `serve` options
  rlim_t max_files = 0;                 // RLIMIT_NOFILE of the server (0: inherited)
  bool accounts = true;                 // make the users and tokens of every role first
};

inline constexpr const char* kTestPassword = "test password 7f3a";

// Makes user `name` of `role` (extra options: --area/--enterprise) in store `db` and returns a
// new token of it (throws std::runtime_error with the command's output on failure).
std::string make_user(const std::string& db, const std::string& name, const std::string& role,
                      const std::string& extra = "");

class Server {
 public:
  static Server& of(const std::string& backend);  // the shared server of a backend
  static Server& get();                          // of the backend in use (default sqlite)
  static void use(const std::string& backend);   // what get() answers from now on (on_each_backend.h)
  static std::string pg_url();  // a fresh-schema URL on SKYRIVER_TEST_PG, "" when not set

  explicit Server(const ServerSpec& spec);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  int pid() const { return pid_; }
  const std::string& token() const { return token_; }  // the admin's
  // The token of the test user of `role` (admin, duty, county, enterprise, viewer).
  const std::string& token(const std::string& role) const { return tokens_.at(role); }
  static std::string user_of(const std::string& role) { return "t-" + role; }
  const std::string& dir() const { return dir_; }
  const std::string& db() const { return db_; }  // the store URL
  bool alive() const;
  std::string log() const;  // what the server printed so far (stdout and stderr)

  HttpResult get(const std::string& target) const;
  HttpResult request(const std::string& method, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers = {}) const;
  // Sends raw bytes and returns whatever comes back within `ms` (for malformed requests).
  std::string raw(const std::string& bytes, int ms = 2000) const;

 private:
  int pid_ = -1, port_ = 0;
  std::string dir_, db_, token_;
  std::map<std::string, std::string> tokens_;
  struct Log {
    std::mutex mutex;
    std::string text;
  };
  std::shared_ptr<Log> log_ = std::make_shared<Log>();
};

// A live stream (/api/stream) held open by the test: the constructor returns once the server
// said hello (so nothing published afterwards can be missed, however loaded the machine), then
// wait_for() reads until a text has arrived. Waits are generous deadlines, not pacing: a
// passing test never waits for them.
class LiveStream {
 public:
  explicit LiveStream(const Server& s, int ms = 30000);
  ~LiveStream();
  LiveStream(const LiveStream&) = delete;
  LiveStream& operator=(const LiveStream&) = delete;
  bool wait_for(const std::string& text, int ms = 30000);  // false when `ms` passed without it
  const std::string& text() const { return got_; }

 private:
  int fd_ = -1;
  std::string got_;
};

}  // namespace skyriver::test

// End to end: a real `skyriver serve` (HJ 212 on a free port, SQLite store), the simulated plant
// (`skyriver simulate --profile plant`) sending as the EXAMPLE coal unit EX-POWER-DA001, a
// webhook receiver and the live stream. Expected (docs/sources.md, "The simulated plant"):
// SO2 converted ~60 mg/m3 in hours 6-8 against the ultra-low 35 -> one exceedance alarm
// 06:00-08:00, severity 2 (3 consecutive hours >= severity_hours[1] = 3); silence in hours 10-13
// (240 min >= offline.minutes 120) -> one offline alarm 10:00-13:00, closed on recovery at 14:00.
// Exactly these, once, in order, and the same after a restart and a resend. Every write route
// is refused without a login.
#include "../support/run_cli.h"

#include <utility>  // before Boost.Asio (its awaitable.hpp uses std::exchange)

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

namespace {

// The token of a duty account made in the test's store (`skyriver user`), sent with every read
// (alarms and tasks need a login) and, when `token`, with writes.
std::string kToken;

struct Reply {
  int status = 0;
  std::string body;
  json j() const { return json::parse(body); }
};

Reply request(int port, const std::string& method, const std::string& target, const std::string& body = "",
              bool token = false) {
  asio::io_context io;
  beast::tcp_stream s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (token || method == "GET") req.set(http::field::authorization, "Bearer " + kToken);
  if (!body.empty()) req.set(http::field::content_type, "application/json");
  req.body() = body;
  req.prepare_payload();
  http::write(s, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return {static_cast<int>(res.result_int()), res.body()};
}

// A webhook receiver: answers 200 to every POST and keeps the bodies.
struct Receiver {
  asio::io_context io;
  tcp::acceptor acc{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::mutex m;
  std::vector<json> got;
  std::thread th;
  std::atomic<bool> stop{false};
  Receiver() {
    th = std::thread([this] {
      while (!stop) {
        tcp::socket sock(io);
        beast::error_code ec;
        acc.accept(sock, ec);
        if (ec || stop) break;
        beast::flat_buffer buf;
        http::request<http::string_body> req;
        http::read(sock, buf, req, ec);
        if (!ec) {
          std::lock_guard l(m);
          got.push_back(json::parse(req.body(), nullptr, false));
        }
        http::response<http::string_body> res{http::status::ok, 11};
        res.body() = "ok";
        res.prepare_payload();
        http::write(sock, res, ec);
      }
    });
  }
  ~Receiver() {
    stop = true;
    beast::error_code ec;
    tcp::socket poke(io);
    poke.connect(acc.local_endpoint(), ec);
    th.join();
  }
  int port() const { return acc.local_endpoint().port(); }
  std::vector<json> bodies() {
    std::lock_guard l(m);
    return got;
  }
};

// `skyriver serve` as a child process.
struct Serve {
  int pid = -1, http = 0, hj212 = 0;
  std::thread drain;
  Serve(const std::string& config, const std::string& db) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe");
    pid = fork();
    if (pid == 0) {
      dup2(out[1], 1);
      dup2(out[1], 2);  // the log (spdlog, stderr) says where it listens
      close(out[0]);
      unsetenv("SKYRIVER_API_TOKEN");
      const std::string web = std::string(SKYRIVER_SOURCE_DIR) + "/web";
      execl(SKYRIVER_BINARY, SKYRIVER_BINARY, "serve", "--config", config.c_str(), "--db", db.c_str(), "--port", "0",
            "--hj212-port", "0", "--hj212-max-age", "315360000", "--web", web.c_str(), "--poll", "0.3", "--threads", "2", (char*)nullptr);
      _exit(127);
    }
    close(out[1]);
    FILE* f = fdopen(out[0], "r");
    char line[1024];
    while ((!http || !hj212) && fgets(line, sizeof line, f)) {
      const std::string s(line);
      if (auto at = s.find("HJ 212 on tcp://127.0.0.1:"); at != std::string::npos) hj212 = std::atoi(s.c_str() + at + 26);
      if (auto at = s.find("serving http://127.0.0.1:"); at != std::string::npos) http = std::atoi(s.c_str() + at + 25);
    }
    drain = std::thread([f] {
      char buf[1024];
      while (fgets(buf, sizeof buf, f)) {
      }
      fclose(f);
    });
    if (!http || !hj212) throw std::runtime_error("serve did not start");
  }
  ~Serve() {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    drain.join();
  }
};

// The live stream's alarm events, read on their own connection.
struct Stream {
  asio::io_context io;
  tcp::socket sock{io};
  std::string text;
  std::thread th;
  std::mutex m;
  explicit Stream(int port) {
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    const std::string req = "GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
    asio::write(sock, asio::buffer(req));
    th = std::thread([this] {
      char buf[4096];
      for (;;) {
        beast::error_code ec;
        const std::size_t n = sock.read_some(asio::buffer(buf), ec);
        if (ec) break;
        std::lock_guard l(m);
        text.append(buf, n);
      }
    });
  }
  ~Stream() {
    beast::error_code ec;
    sock.shutdown(tcp::socket::shutdown_both, ec);
    sock.close(ec);
    th.join();
  }
  // "change kind" of every alarm event so far.
  std::vector<std::string> alarms() {
    std::lock_guard l(m);
    std::vector<std::string> out;
    for (std::size_t at = text.find("event: alarm\n"); at != std::string::npos; at = text.find("event: alarm\n", at + 1)) {
      const auto d = text.find("data: ", at), e = text.find('\n', d);
      if (d == std::string::npos || e == std::string::npos) break;
      auto j = json::parse(text.substr(d + 6, e - d - 6), nullptr, false);
      if (!j.is_discarded()) out.push_back(j["change"].get<std::string>() + " " + j["kind"].get<std::string>());
    }
    return out;
  }
};

template <class F>
bool wait_for(F f, int ms = 30000) {
  for (int i = 0; i < ms / 100; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return f();
}

std::string summary(const json& a) {
  return a["kind"].get<std::string>() + " " + a["parameter"].get<std::string>() + " " + a["first"].get<std::string>() + ".." +
         a["last"].get<std::string>() + " s" + std::to_string(a["severity"].get<int>()) + " " + a["state"].get<std::string>();
}

TEST(SimulatedPlant, ExactlyTheExpectedAlarmsOnceInOrderSurvivingARestart) {
  const fs::path dir = fs::temp_directory_path() / ("skyriver_plant_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "config");
  for (const auto& e : fs::directory_iterator(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong"))
    if (e.path().extension() == ".toml" && e.path().filename() != "alarms.toml" && e.path().filename() != "server.toml")
      fs::copy_file(e.path(), dir / "config" / e.path().filename());
  Receiver hook;
  std::ofstream(dir / "config" / "alarms.toml") << "[webhook]\nurls = [\"http://127.0.0.1:" << hook.port() << "/alarms\"]\n";
  const std::string config = (dir / "config").string(), db = (dir / "store.db").string();
  {
    FILE* add = popen((std::string(SKYRIVER_BINARY) + " user add duty --role duty --password-stdin --config " + config +
                       " --db " + db + " >/dev/null 2>&1").c_str(), "w");
    ASSERT_TRUE(add);
    std::fputs("plant test password\n", add);
    ASSERT_EQ(pclose(add), 0);
    const auto tok = skyriver::test::run_cli("user token duty --db " + db);
    ASSERT_EQ(tok.status, 0) << tok.out;
    kToken = tok.out.substr(tok.out.rfind("skr_"));
    while (!kToken.empty() && (kToken.back() == '\n' || kToken.back() == '\r')) kToken.pop_back();
  }
  const std::vector<std::string> expected{"offline  2024-01-01T10:00:00+08:00..2024-01-01T13:00:00+08:00 s2 closed",
                                          "exceedance so2 2024-01-01T06:00:00+08:00..2024-01-01T08:00:00+08:00 s2 open"};
  auto listed = [](int port) {
    std::vector<std::string> out;
    const json all = request(port, "GET", "/api/alarms").j();  // kept: the loop must not range over a temporary
    for (const auto& a : all["alarms"]) out.push_back(summary(a));
    return out;
  };
  std::string exc_id, off_id;
  {
    Serve s(config, db);
    Stream stream(s.http);
    const auto sim = skyriver::test::run_cli("simulate --profile plant --outlet EX-POWER-DA001 --config " + config +
                                             " --port " + std::to_string(s.hj212) + " --begin 2024-01-01 --deadline 60");
    ASSERT_EQ(sim.status, 0) << sim.out;
    EXPECT_THAT(sim.out, ::testing::HasSubstr("sent 12 acked 12"));  // 16 hours minus 4 silent
    ASSERT_TRUE(wait_for([&] {
      const auto l = listed(s.http);
      return l.size() == 2 && l[0].find("closed") != std::string::npos;
    })) << ::testing::PrintToString(listed(s.http));
    EXPECT_EQ(listed(s.http), expected);  // newest first
    const auto all = request(s.http, "GET", "/api/alarms").j()["alarms"];
    off_id = all[0]["id"];
    exc_id = all[1]["id"];
    EXPECT_EQ(all[1]["county"], "140214");
    EXPECT_EQ(all[1]["enterprise"], "EX-POWER");
    EXPECT_EQ(all[1]["evidence"]["limit"], 35.0);
    EXPECT_EQ(all[1]["evidence"]["values"][0]["how"], "ZsAvg value of the frame");
    // The journal keeps every change: opened, updated, escalated / opened, closed.
    EXPECT_EQ(request(s.http, "GET", "/api/alarms/" + exc_id).j()["history"].size(), 3u);
    EXPECT_EQ(request(s.http, "GET", "/api/alarms/" + off_id).j()["history"].size(), 2u);
    // The live stream saw each change once, in order.
    ASSERT_TRUE(wait_for([&] { return stream.alarms().size() >= 5; }, 5000));
    EXPECT_THAT(stream.alarms(), ::testing::ElementsAre("opened exceedance", "updated exceedance", "escalated exceedance",
                                                        "opened offline", "closed offline"));
    // The webhook got every change but the hourly 'updated' ones.
    ASSERT_TRUE(wait_for([&] { return hook.bodies().size() >= 4; }, 10000));
    std::vector<std::string> hooked;
    for (const auto& b : hook.bodies()) hooked.push_back(b["event"].get<std::string>() + " " + b["data"]["kind"].get<std::string>());
    EXPECT_THAT(hooked, ::testing::ElementsAre("alarm.opened exceedance", "alarm.escalated exceedance", "alarm.opened offline",
                                               "alarm.closed offline"));

    // Every write route is refused without a login, and nothing changes.
    for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/api/alarms/" + exc_id + "/ack"},
             {"POST", "/api/alarms/" + exc_id + "/close"},
             {"POST", "/api/alarms/" + exc_id + "/task"},
             {"POST", "/api/tasks"},
             {"POST", "/api/tasks/T000001"},
             {"POST", "/api/tasks/import"}})
      EXPECT_EQ(request(s.http, method, target, "{\"reason\":\"x\",\"type\":\"case\",\"title\":\"x\",\"county\":\"140214\"}").status, 401)
          << method << " " << target;
    EXPECT_EQ(listed(s.http), expected);
    EXPECT_EQ(request(s.http, "GET", "/api/tasks").j()["count"], 0);
  }
  {
    // Restart: the same alarms, no new record, no event; the plant resends everything (the store
    // answers duplicates): still nothing new.
    Serve s(config, db);
    Stream stream(s.http);
    EXPECT_EQ(listed(s.http), expected);
    const auto sim = skyriver::test::run_cli("simulate --profile plant --outlet EX-POWER-DA001 --config " + config +
                                             " --port " + std::to_string(s.hj212) + " --begin 2024-01-01 --deadline 60");
    ASSERT_EQ(sim.status, 0) << sim.out;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(listed(s.http), expected);
    EXPECT_EQ(request(s.http, "GET", "/api/alarms/" + exc_id).j()["history"].size(), 3u);
    EXPECT_EQ(request(s.http, "GET", "/api/alarms/" + off_id).j()["history"].size(), 2u);
    EXPECT_TRUE(stream.alarms().empty());

    // As the duty officer: acknowledge, then open a task from the alarm in one call; links both ways.
    auto ack = request(s.http, "POST", "/api/alarms/" + exc_id + "/ack", "{}", true);
    ASSERT_EQ(ack.status, 200) << ack.body;
    EXPECT_EQ(ack.j()["state"], "acknowledged");
    auto made = request(s.http, "POST", "/api/alarms/" + exc_id + "/task", "{\"deadline\":\"2024-02-01\"}", true);
    ASSERT_EQ(made.status, 200) << made.body;
    const std::string task = made.j()["task"]["id"];
    EXPECT_EQ(made.j()["task"]["alarm"], exc_id);
    EXPECT_EQ(made.j()["task"]["county"], "140214");
    EXPECT_EQ(request(s.http, "GET", "/api/alarms/" + exc_id).j()["alarm"]["task"], task);
    EXPECT_EQ(request(s.http, "GET", "/api/tasks?alarm=" + exc_id).j()["count"], 1);
    EXPECT_EQ(request(s.http, "POST", "/api/alarms/" + exc_id + "/task", "{}", true).status, 409);  // one task per alarm

    // On import (another process, read back from the store): NH3-N at 利仁皂 0.4 mg/L (class II)
    // for 4 hours, then 1.8 (class V, GB 3838-2002 Table 1): a drop of 3 classes within 4 h.
    std::ofstream(dir / "water.csv") << "site,time,parameter,value\n"
                                        "yuhe_lirenzao,2024-01-01 00:00,nh3n,0.4\nyuhe_lirenzao,2024-01-01 01:00,nh3n,0.4\n"
                                        "yuhe_lirenzao,2024-01-01 02:00,nh3n,0.4\nyuhe_lirenzao,2024-01-01 03:00,nh3n,0.4\n"
                                        "yuhe_lirenzao,2024-01-01 04:00,nh3n,1.8\n";
    const auto imp = skyriver::test::run_cli("import --format long --no-progress --config " + config + " --db " + db + " " +
                                             (dir / "water.csv").string());
    ASSERT_EQ(imp.status, 0) << imp.out;
    ASSERT_TRUE(wait_for([&] { return request(s.http, "GET", "/api/alarms?kind=water_anomaly").j()["count"] == 1; }, 15000));
    const auto w = request(s.http, "GET", "/api/alarms?kind=water_anomaly").j()["alarms"][0];
    EXPECT_EQ(w["rule"], "class_drop");
    EXPECT_EQ(w["site"], "yuhe_lirenzao");
    EXPECT_EQ(w["first"], "2024-01-01T04:00:00+08:00");
    EXPECT_EQ(w["evidence"]["class_before"], "II");
    EXPECT_EQ(w["evidence"]["class_now"], "V");
  }
  fs::remove_all(dir);
}

}  // namespace

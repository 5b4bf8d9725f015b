// The HJ 212 server as users run it (the real `skyriver serve` / `skyriver hj212 serve`
// processes): the order of syscalls proves "acknowledged = on disk" (strace), the raw archive
// is kept by default in both commands, --hj212-address binds the station network only, the
// --hj212-* options mean the same in both commands, and running out of file descriptors
// (EMFILE) neither spins nor floods the log while open connections keep being served.
#include "ingest/hj212/archive.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/frame.h"
#include "ingest/hj212/simulator.h"
#include "ingest/hj212/splitter.h"
#include "model/parameter.h"
#include "store/store.h"

#include "child.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

using namespace skyriver;
using namespace skyriver::hj212;
namespace fs = std::filesystem;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// 1721A in config/datong/air_stations.toml (example MN and password).
const std::string kMn = "010000A89000172100000001";

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("skyriver-hj212-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(SKYRIVER_SOURCE_DIR "/config/datong", dir / "cfg", fs::copy_options::recursive);
  return dir;
}

std::string frame_2061(const std::string& qn, const std::string& cp) {
  return encode_frame("QN=" + qn + ";ST=22;CN=2061;PW=123456;MN=" + kMn + ";Flag=5;CP=&&" + cp + "&&");
}

// Sends `bytes` on a fresh connection to host:port and returns the first answer frame (or "").
std::string ask(tcp::socket& s, const std::string& bytes, int ms = 10000) {
  asio::write(s, asio::buffer(bytes));
  timeval tv{0, 100000};
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  FrameSplitter split;
  char buf[4096];
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    const ssize_t k = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (k == 0) break;
    if (k > 0) split.feed(std::string_view(buf, static_cast<std::size_t>(k)));
    if (auto f = split.next()) return *f;
  }
  return "";
}

// One strace line: pid, syscall, the text of its arguments, whether it is the start or the end
// of the call (a call interrupted by another thread's line is printed "<unfinished ...>" and
// later "<... name resumed>").
struct Call {
  std::size_t index;  // order in the trace
  std::string name, args;
};

// Calls by completion (`ends`) and by start (`starts`), in trace order.
void parse_strace(const std::string& file, std::vector<Call>& starts, std::vector<Call>& ends) {
  std::ifstream in(file);
  std::string line;
  std::map<std::string, Call> pending;  // by pid
  const std::regex call(R"(^(\d+)\s+([a-z0-9_]+)\((.*)$)"), resumed(R"(^(\d+)\s+<\.\.\. ([a-z0-9_]+) resumed>(.*)$)");
  std::size_t i = 0;
  while (std::getline(in, line)) {
    ++i;
    std::smatch m;
    if (std::regex_match(line, m, resumed)) {
      auto it = pending.find(m[1]);
      if (it == pending.end()) continue;
      Call c = it->second;
      pending.erase(it);
      c.index = i;
      c.args += m[3];
      ends.push_back(c);
    } else if (std::regex_match(line, m, call)) {
      Call c{i, m[2], m[3]};
      starts.push_back(c);
      if (line.find("<unfinished ...>") != std::string::npos) pending[m[1]] = c;
      else ends.push_back(c);
    }
  }
}

}  // namespace

// Issue 10: a 9014 must mean "on disk". SQLite ran WAL with synchronous=NORMAL (no sync at
// commit) and the archive was only gzflush'ed. Under strace, for every 9014 sent, the data frame
// it answers was received, then written to the raw archive and the archive fdatasync'ed, and
// written to the SQLite WAL and the WAL synced, all BEFORE the 9014 left.
TEST(Hj212Durability, EveryAckFollowsSyncOfWalAndArchive) {
  const fs::path dir = scratch("strace");
  const auto stations = make_sim_stations(20, "2017");
  std::ofstream(dir / "cfg" / "air_stations.toml", std::ios::app) << sim_stations_toml(stations, "140213");
  const fs::path trace = dir / "trace.txt";
  test::Child server({{"hj212", "serve", "--config", (dir / "cfg").string(), "--db", (dir / "db.sqlite").string(),
                       "--hj212-port", "0", "--hj212-max-age", "315360000"},
                      {"strace", "-f", "-qq", "-y", "-s", "4096", "-o", trace.string(), "-e",
                       "trace=fsync,fdatasync,write,pwrite64,writev,sendmsg,sendto,recvmsg,recvfrom,read"},
                      dir,
                      dir / "serve.log"});
  const int port = server.port("listening on ");
  ASSERT_GT(port, 0) << "is strace installed (scripts/deps-hj212.list)?";

  SimOptions so;
  so.port = static_cast<std::uint16_t>(port);
  so.stations = stations;
  so.begin = 1704038400;  // 2024-01-01 00:00 Beijing
  so.hours = 6;
  so.ack_timeout = std::chrono::milliseconds(10000);
  so.deadline = std::chrono::milliseconds(60000);
  const auto r = simulate(so);
  EXPECT_EQ(r.acked, 20u * 6u);
  // The tracee is strace's child: stop it, then strace ends with it.
  std::ifstream children("/proc/" + std::to_string(server.pid()) + "/task/" + std::to_string(server.pid()) + "/children");
  pid_t traced = 0;
  children >> traced;
  if (traced > 0) kill(traced, SIGTERM);
  server.stop(SIGTERM);

  std::vector<Call> starts, ends;
  parse_strace(trace.string(), starts, ends);
  ASSERT_FALSE(ends.empty()) << "empty trace " << trace;
  // Whether the call's first argument is a descriptor of a file ending in `suffix` (-y prints
  // "7</path/to/file>").
  auto on = [](const Call& c, const std::string& suffix) {
    const auto open = c.args.find('<'), close = c.args.find('>');
    return open != std::string::npos && close != std::string::npos && open < close &&
           c.args.substr(open + 1, close - open - 1).ends_with(suffix);
  };
  auto is_sync = [](const Call& c) { return c.name == "fsync" || c.name == "fdatasync"; };
  auto is_write = [](const Call& c) { return c.name == "write" || c.name == "pwrite64" || c.name == "writev"; };
  const std::regex qn_re("QN=([0-9]{17})");
  // When each data frame arrived (by QN; the end of the read that brought it).
  std::map<std::string, std::size_t> received;
  for (const auto& c : ends) {
    if (c.name != "recvmsg" && c.name != "recvfrom" && c.name != "read") continue;
    if (c.args.find("CN=2061") == std::string::npos) continue;
    for (std::sregex_iterator it(c.args.begin(), c.args.end(), qn_re), e; it != e; ++it)
      received.emplace((*it)[1], c.index);
  }
  std::size_t checked = 0;
  for (const auto& c : starts) {
    if ((c.name != "sendmsg" && c.name != "sendto" && c.name != "write" && c.name != "writev") ||
        c.args.find("CN=9014") == std::string::npos)
      continue;
    for (std::sregex_iterator it(c.args.begin(), c.args.end(), qn_re), e; it != e; ++it) {
      const std::string qn = (*it)[1];
      ASSERT_TRUE(received.count(qn)) << "9014 for QN " << qn << " without its frame in the trace";
      const std::size_t from = received[qn], to = c.index;
      for (const std::string file : {".raw.zst", "-wal"}) {
        // A write to the file after the frame arrived, then a sync of it, before the answer.
        std::size_t wrote = 0, synced = 0;
        for (const auto& e : ends) {
          if (e.index <= from || e.index >= to || !on(e, file)) continue;
          if (is_write(e) && !wrote) wrote = e.index;
          if (is_sync(e) && wrote && e.index > wrote) synced = e.index;
        }
        EXPECT_GT(wrote, 0u) << "QN " << qn << ": no write to *" << file << " between its frame and its 9014";
        EXPECT_GT(synced, 0u) << "QN " << qn << ": no fsync/fdatasync of *" << file << " between its write and its 9014";
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 20u * 6u);
  RecordProperty("acks_checked", std::to_string(checked));
  fs::remove_all(dir);
}

// Issue 10: `skyriver serve --hj212-port` kept no raw archive: values it did not store (unknown
// codes, out of range) were acknowledged and lost, and stored values said only "QN=...". Now
// the archive is on by default (hj212-raw beside the SQLite store), every stored value's source
// is its archive record, and --hj212-address binds the station network alone (127.0.0.2 here:
// the HTTP API stays on 127.0.0.1, the HJ 212 port is not there).
TEST(Hj212Serve, ArchivesByDefaultAndBindsItsOwnAddress) {
  const fs::path dir = scratch("serve");
  test::Child server({{"serve", "--config", (dir / "cfg").string(), "--db", (dir / "store.db").string(), "--web",
                       SKYRIVER_SOURCE_DIR "/web", "--port", "0", "--hj212-port", "0", "--hj212-address", "127.0.0.2", "--hj212-max-age", "315360000"},
                      {},
                      dir,
                      dir / "serve.log"});
  const int port = server.port("HJ 212 on tcp://127\\.0\\.0\\.2:");
  ASSERT_GT(port, 0);
  asio::io_context io;
  {
    tcp::socket wrong(io);
    boost::system::error_code ec;
    wrong.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    EXPECT_TRUE(ec) << "the HJ 212 port answered on the API's address";
  }
  tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.2"), static_cast<unsigned short>(port)});
  // PM2.5 80 is stored; x99999 is no code of the registry; PM10 -5 is below its possible 0.
  const std::string answer = ask(
      s, frame_2061("20240101010000000", "DataTime=20240101000000;a34004-Avg=80,a34004-Flag=N;x99999-Avg=1;a34002-Avg=-5"));
  EXPECT_NE(answer.find("CN=9014"), std::string::npos) << answer;
  s.close();
  EXPECT_EQ(WEXITSTATUS(server.stop(SIGTERM)), 0) << server.log();

  std::vector<ArchivedFrame> frames;
  replay((dir / "hj212-raw").string(), [&](const ArchivedFrame& f) { frames.push_back(f); });
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_NE(frames[0].frame.find("x99999-Avg=1"), std::string::npos);
  EXPECT_NE(frames[0].frame.find("a34002-Avg=-5"), std::string::npos);
  auto store = store::Store::open((dir / "store.db").string());
  std::vector<store::Observation> got;
  store->scan({}, [&](const store::Observation& o) { got.push_back(o); });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].parameter, "pm25");
  EXPECT_EQ(got[0].source, frames[0].file + ":1");
  store.reset();
  fs::remove_all(dir);
}

// DESIGN.md: an option means the same in every command that has it. The --hj212-* options of
// `serve` and `hj212 serve` come from one declaration: the same names, defaults and help.
TEST(Hj212Serve, OptionsMeanTheSameInBothCommands) {
  auto options = [](const std::string& args) {
    const std::string cmd = std::string(SKYRIVER_BINARY) + " " + args + " --help 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
    std::set<std::string> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line))
      if (line.find("--hj212-") != std::string::npos) lines.insert(line);
    return lines;
  };
  const auto serve = options("serve"), alone = options("hj212 serve");
  EXPECT_EQ(serve.size(), 16u);
  EXPECT_EQ(serve, alone);
}

// SQLite has one writer at a time: a second HJ 212 writer would only wait for the first's lock,
// so asking for two is refused at start, naming the option and why.
TEST(Hj212Serve, TwoWritersOnSqliteRefusedAtStart) {
  const fs::path dir = scratch("writers");
  const std::string cmd = std::string(SKYRIVER_BINARY) + " hj212 serve --config " + (dir / "cfg").string() +
                          " --db " + (dir / "store.db").string() + " --hj212-port 0 --hj212-writers 2 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  EXPECT_NE(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("--hj212-writers 2"), std::string::npos) << out;
  EXPECT_NE(out.find("SQLite has one writer at a time"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir / "hj212-raw")) << "the server started anyway";
  fs::remove_all(dir);
}

// Issue 10: on EMFILE the accept loop spun at 100 % CPU and wrote 58 MB of log in 15 s. Now it
// backs off and logs once, and the connection already open keeps being answered; when
// descriptors come back it accepts again.
TEST(Hj212Serve, OutOfFileDescriptorsBacksOffLogsOnceKeepsServing) {
  const fs::path dir = scratch("emfile");
  test::Child server({{"hj212", "serve", "--config", (dir / "cfg").string(), "--db", (dir / "db.sqlite").string(),
                       "--hj212-port", "0", "--hj212-max-age", "315360000", "--hj212-fd-reserve", "0"},
                      {},
                      dir,
                      dir / "serve.log",
                      40});  // no reserve: this test runs the accept loop out of descriptors
  const int port = server.port("listening on ");
  ASSERT_GT(port, 0);
  const tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)};
  asio::io_context io;
  tcp::socket first(io);
  first.connect(ep);
  ASSERT_NE(ask(first, frame_2061("20240101010000000", "DataTime=20240101000000;a34004-Avg=80")).find("CN=9014"),
            std::string::npos);
  std::vector<tcp::socket> flood;
  for (int i = 0; i < 60; ++i) {
    flood.emplace_back(io);
    flood.back().connect(ep);  // the kernel completes the handshake; the server cannot accept
  }
  ASSERT_TRUE(server.wait_for("accept failed", 10)) << server.log();
  const double cpu0 = server.cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const double cpu = server.cpu_seconds() - cpu0;
  EXPECT_LT(cpu, 0.5) << "the accept loop spins: " << cpu << " s of CPU in 2 s";
  // The open connection is still served.
  EXPECT_NE(ask(first, frame_2061("20240101020000000", "DataTime=20240101010000;a34004-Avg=81")).find("CN=9014"),
            std::string::npos);
  // Descriptors come back: new connections are accepted and answered again.
  flood.clear();
  tcp::socket later(io);
  later.connect(ep);
  EXPECT_NE(ask(later, frame_2061("20240101030000000", "DataTime=20240101020000;a34004-Avg=82")).find("CN=9014"),
            std::string::npos);
  const std::string log = server.log();
  std::size_t failures = 0;
  for (std::size_t at = log.find("accept failed"); at != std::string::npos; at = log.find("accept failed", at + 1))
    ++failures;
  EXPECT_EQ(failures, 1u) << log.substr(0, 2000);
  EXPECT_TRUE(server.wait_for("accepting connections again", 10)) << log.substr(0, 2000);
  first.close();
  later.close();
  server.stop(SIGTERM);
  fs::remove_all(dir);
}

// Issue 27, item 2: with the descriptor limit at 256, 300 idle HJ 212 connections made
// /api/health fail 4 of 4 times. Now HJ 212 keeps --hj212-fd-reserve (128) descriptors free
// (it refuses connections beyond), so the API answers every time while they are held open.
TEST(Hj212Serve, IdleStationConnectionsCannotStarveTheApiOfDescriptors) {
  const fs::path dir = scratch("fdreserve");
  test::Child server({{"serve", "--config", (dir / "cfg").string(), "--db", (dir / "store.db").string(), "--web",
                       SKYRIVER_SOURCE_DIR "/web", "--port", "0", "--hj212-port", "0", "--hj212-address", "127.0.0.1"},
                      {},
                      dir,
                      dir / "serve.log",
                      256});
  const int hj = server.port("HJ 212 on tcp://127\\.0\\.0\\.1:");
  const int http = server.port("serving http://127\\.0\\.0\\.1:");
  ASSERT_GT(hj, 0) << server.log();
  ASSERT_GT(http, 0) << server.log();
  asio::io_context io;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 300; ++i) {
    idle.emplace_back(io);
    idle.back().open(tcp::v4());
    idle.back().bind({asio::ip::make_address("127.0.0.3"), 0});
    boost::system::error_code ec;
    idle.back().connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(hj)}, ec);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the server has accepted what it will
  int ok = 0;
  for (int i = 0; i < 4; ++i) {
    tcp::socket s(io);
    boost::system::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(http)}, ec);
    if (ec) continue;
    const std::string req = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    asio::write(s, asio::buffer(req), ec);
    timeval tv{5, 0};
    setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    const ssize_t k = ::recv(s.native_handle(), buf, sizeof buf, 0);
    if (k > 12 && std::string_view(buf, 12) == "HTTP/1.1 200") ++ok;
  }
  EXPECT_EQ(ok, 4) << server.log().substr(0, 3000);
  EXPECT_NE(server.log().find("too few file descriptors left"), std::string::npos);
  idle.clear();
  server.stop(SIGTERM);
  fs::remove_all(dir);
}

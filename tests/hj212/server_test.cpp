// The ingest server over real TCP with the SQLite store: answers per HJ 212-2017 (9014 after a
// durable write, 9011 with the QnRtn of Table 7, 1012 with the time), the 2025 paths, split
// packets, 2005 codes, unit conversion, the raw archive, and a 500-station load (a day of
// hourly data each, at once, editions mixed) where every acknowledged value is stored once.
#include "core/text.h"
#include "ingest/hj212/archive.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/frame.h"
#include "ingest/hj212/server.h"
#include "ingest/hj212/simulator.h"
#include "ingest/hj212/splitter.h"
#include "model/city.h"
#include "store/store.h"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>
#include "../support/shared_data.h"

using namespace skyriver;
using namespace skyriver::hj212;
namespace fs = std::filesystem;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string k;
  long v = 0;
  while (in >> k) {
    if (k == "VmRSS:") {
      in >> v;
      return v;
    }
  }
  return 0;
}

// Sites used by the protocol tests (appended to a copy of config/datong).
const char* kExtraSites = R"(
[[site]]
id = "T_AIR"
name = "test air"
area = "140213"
mn = "010000A8900016F000169DC0"
password = "123456"

[[site]]
id = "T_MG"
name = "test air reporting mg/m3"
area = "140213"
mn = "010000A8900016F000169DC9"
password = "123456"
attributes = { hj212_unit = "mg/m3" }

[[site]]
id = "T_PIN"
name = "test air pinned to 2017"
area = "140213"
mn = "010000A8900016F000169DCA"
password = "123456"
edition = 2017

[[site]]
id = "T_OLD"
name = "test outlet 2005"
kind = "outlet"
area = "140213"
mn = "120112TJTGGN13"
password = "123456"
)";

struct Fixture {
  fs::path dir;
  model::CityConfig city;
  std::unique_ptr<store::Store> store;
  asio::io_context io;
  std::unique_ptr<Server> server;
  std::thread thread;
  std::vector<std::string> logs;
  std::mutex log_mu;
  std::vector<SimStation> sims;

  explicit Fixture(int sim_stations, const std::string& editions = "mix",
                   std::chrono::seconds idle = std::chrono::seconds(60)) {
    dir = fs::temp_directory_path() / ("skyriver-hj212-" + std::to_string(::getpid()) + "-" +
                                       std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(SKYRIVER_SOURCE_DIR "/config/datong", dir / "cfg", fs::copy_options::recursive);
    sims = make_sim_stations(sim_stations, editions);
    {
      std::ofstream out(dir / "cfg" / "air_stations.toml", std::ios::app);
      out << kExtraSites << sim_stations_toml(sims, "140213");
    }
    city = model::load_city((dir / "cfg").string());
    store = store::Store::open((dir / "db.sqlite").string());
    ServerOptions opt;
    opt.address = "127.0.0.1";
    opt.port = 0;
    opt.archive_dir = (dir / "raw").string();
    opt.quarantine = true;
    opt.idle_timeout = idle;
    opt.key_for = [](const std::string& mn) -> std::optional<std::string> {
      if (mn == "010000A8900016F000169DC0") return std::string("SECRETKEY0123456");
      return std::nullopt;
    };
    opt.log = [this](std::string_view, const std::string& m) {
      std::lock_guard lk(log_mu);
      logs.push_back(m);
    };
    server = std::make_unique<Server>(io, *store, city, opt);
    thread = std::thread([this] { io.run(); });
  }
  ~Fixture() {
    server->stop();
    io.stop();
    thread.join();
    server.reset();
    store.reset();
    fs::remove_all(dir);
  }
  std::size_t count(store::Query q = {}) { return store->count(q); }
};

// A blocking client: sends bytes, collects answer frames until `n` arrived or 5 s passed.
struct Client {
  asio::io_context io;
  tcp::socket sock{io};
  FrameSplitter split;
  explicit Client(std::uint16_t port) {
    sock.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval tv{0, 200000};
    setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  void send(const std::string& bytes) { asio::write(sock, asio::buffer(bytes)); }
  std::vector<Packet> answers(std::size_t n, int ms = 5000) {
    std::vector<Packet> out;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    char buf[4096];
    while (out.size() < n && std::chrono::steady_clock::now() < end) {
      const ssize_t k = ::recv(sock.native_handle(), buf, sizeof buf, 0);
      if (k == 0) break;
      if (k > 0) split.feed(std::string_view(buf, static_cast<std::size_t>(k)));
      while (auto f = split.next()) {
        const auto d = decode_frame(*f, "answer");
        EXPECT_TRUE(d.ok) << d.message;
        if (d.ok) out.push_back(*d.packet);
      }
    }
    return out;
  }
  bool closed_by_peer(int ms) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    char buf[256];
    while (std::chrono::steady_clock::now() < end) {
      const ssize_t k = ::recv(sock.native_handle(), buf, sizeof buf, 0);
      if (k == 0) return true;
    }
    return false;
  }
};

std::string seg_2061(const std::string& mn, const std::string& qn, int flag, const std::string& cp,
                     const std::string& pw = "123456") {
  return encode_frame("QN=" + qn + ";ST=22;CN=2061;PW=" + pw + ";MN=" + mn + ";Flag=" + std::to_string(flag) +
                      ";CP=&&" + cp + "&&");
}

const std::string kMn = "010000A8900016F000169DC0";

store::Query q_site(const std::string& site) {
  store::Query q;
  q.sites = {site};
  return q;
}

}  // namespace

TEST(Hj212Server, DataAckedAfterStoreAndTraceableToArchive) {
  Fixture fx(0);
  Client c(fx.server->port());
  // REFERENCE.md 9.3 extra vector 1 with the A bit set (Flag=5): 6 values for 2024-01-01 00:00.
  c.send(seg_2061(kMn, "20240101010000000", 5,
                  "DataTime=20240101000000;a34004-Avg=80,a34004-Flag=N;a34002-Avg=120,a34002-Flag=N;"
                  "a21026-Avg=15,a21026-Flag=N;a21004-Avg=40,a21004-Flag=N;a21005-Avg=1.2,a21005-Flag=N;"
                  "a05024-Avg=60,a05024-Flag=N"));
  const auto a = c.answers(1);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].cn, "9014");
  EXPECT_EQ(a[0].st, "91");
  EXPECT_EQ(a[0].qn, "20240101010000000");
  // The 9014 came after the commit: the values are there now.
  std::vector<store::Observation> got;
  fx.store->scan(q_site("T_AIR"), [&](const store::Observation& o) { got.push_back(o); });
  ASSERT_EQ(got.size(), 6u);
  std::map<std::string, double> v;
  for (const auto& o : got) {
    v[o.parameter] = o.value;
    EXPECT_EQ(o.interval, store::Interval::hour);
    // DataTime 2024-01-01 00:00 Beijing = 2023-12-31 16:00 UTC, the start of the hour.
    EXPECT_EQ(o.time, 1704038400);
    EXPECT_EQ(o.flag, 'N');
    EXPECT_EQ(o.source_kind, "hj212");
    EXPECT_NE(o.source.find(".raw.gz:1"), std::string::npos) << o.source;
  }
  EXPECT_EQ(v["pm25"], 80);
  EXPECT_EQ(v["co"], 1.2);
  EXPECT_EQ(v["o3"], 60);
  // The archive holds the frame under that reference.
  int records = 0;
  replay((fx.dir / "raw").string(), [&](const ArchivedFrame& f) {
    ++records;
    EXPECT_EQ(f.verdict, "ok");
    EXPECT_NE(f.frame.find("a34004-Avg=80"), std::string::npos);
    EXPECT_EQ(got[0].source, f.file + ":" + std::to_string(f.line));
  });
  EXPECT_EQ(records, 1);
}

TEST(Hj212Server, RefusalsAnsweredWithTableSevenCodes) {
  Fixture fx(0);
  Client c(fx.server->port());
  const std::string cp = "DataTime=20240101000000;a34004-Avg=80,a34004-Flag=N";
  c.send(seg_2061(kMn, "20240101010000001", 5, cp, "999999"));                       // wrong PW
  c.send(seg_2061("010000A8900016F0001FFFFF", "20240101010000002", 5, cp));            // unknown MN
  std::string bad = seg_2061(kMn, "20240101010000003", 5, cp);
  bad[bad.size() - 3] = bad[bad.size() - 3] == '0' ? '1' : '0';                        // CRC error
  c.send(bad);
  const auto a = c.answers(3);
  ASSERT_EQ(a.size(), 3u);
  std::map<std::string, std::string> rtn;
  for (const auto& p : a) {
    EXPECT_EQ(p.cn, "9011");
    rtn[p.qn] = *p.field("QnRtn");
  }
  EXPECT_EQ(rtn["20240101010000001"], "3");  // PW error
  EXPECT_EQ(rtn["20240101010000002"], "4");  // MN error
  EXPECT_EQ(rtn["20240101010000003"], "9");  // CRC error
  EXPECT_EQ(fx.count(), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::set<std::string> verdicts;
  replay((fx.dir / "raw").string(), [&](const ArchivedFrame& f) { verdicts.insert(f.verdict); });
  EXPECT_TRUE(verdicts.count("quarantine:pw") && verdicts.count("quarantine:mn") && verdicts.count("quarantine:crc"));
}

TEST(Hj212Server, TimeRequestAnsweredWithBeijingTime) {
  Fixture fx(0);
  Client c(fx.server->port());
  c.send(encode_frame("QN=20240101010000000;ST=22;CN=1013;PW=123456;MN=" + kMn + ";Flag=5;CP=&&&&"));
  const auto a = c.answers(2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].cn, "9013");
  EXPECT_EQ(a[1].cn, "1012");
  const auto t = parse_hj212_time(*a[1].field("SystemTime"));
  ASSERT_TRUE(t);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(std::llabs(*t - now), 5);  // parse_hj212_time reads Beijing time: the same instant
}

TEST(Hj212Server, Edition2025HeartbeatKeyExchangeUnknownCommand) {
  Fixture fx(0);
  Client c(fx.server->port());
  c.send(encode_frame("QN=20260105080000000;ST=22;CN=9015;PW=123456;MN=" + kMn + ";Flag=9;CP=&&&&"));
  c.send(encode_frame("QN=20260105080001000;ST=22;CN=1014;PW=123456;MN=" + kMn + ";Flag=9;CP=&&Key=OLDKEY99&&"));
  c.send(encode_frame("QN=20260105080002000;ST=22;CN=4321;PW=123456;MN=" + kMn + ";Flag=9;CP=&&X=1&&"));
  c.send(encode_frame("QN=20260105080003000;ST=22;CN=4321;PW=123456;MN=" + kMn + ";Flag=9;CP=&&X=2&&"));
  const auto a = c.answers(4);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].cn, "9013");  // heartbeat answered (A bit)
  EXPECT_EQ(a[1].cn, "1014");
  EXPECT_EQ(*a[1].field("Key"), "SECRETKEY0123456");
  EXPECT_EQ(a[2].cn, "9011");
  EXPECT_EQ(*a[2].field("QnRtn"), "8");  // CN error
  EXPECT_EQ(a[3].cn, "9011");
  for (const auto& p : a) EXPECT_EQ(*p.flag >> 2, 2);  // answered in the 2025 edition
  const auto st = fx.server->stations();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].edition, "2025");
  EXPECT_GT(st[0].last_seen, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // No key in the logs or the archive; the unknown CN logged once.
  int unknown_logged = 0;
  for (const auto& m : fx.logs) {
    EXPECT_EQ(m.find("OLDKEY99"), std::string::npos) << m;
    EXPECT_EQ(m.find("SECRETKEY"), std::string::npos) << m;
    if (m.find("CN=4321") != std::string::npos) ++unknown_logged;
  }
  EXPECT_EQ(unknown_logged, 1);
  replay((fx.dir / "raw").string(), [&](const ArchivedFrame& f) {
    EXPECT_EQ(f.frame.find("OLDKEY99"), std::string::npos) << f.frame;
    EXPECT_EQ(f.frame.find("SECRETKEY"), std::string::npos) << f.frame;
  });
}

TEST(Hj212Server, SplitPacketsReassembledByQn) {
  Fixture fx(0);
  Client c(fx.server->port());
  const std::string head = "QN=20240101020000000;ST=22;CN=2061;PW=123456;MN=" + kMn + ";Flag=7;PNUM=2;PNO=";
  c.send(encode_frame(head + "1;CP=&&DataTime=20240101010000;a34004-Avg=33,a34004-Flag=N&&"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(fx.count(), 0u);  // nothing stored, nothing answered until the whole message is in
  c.send(encode_frame(head + "2;CP=&&DataTime=20240101010000;a34002-Avg=51,a34002-Flag=N&&"));
  const auto a = c.answers(2);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].cn, "9014");
  EXPECT_EQ(fx.count(q_site("T_AIR")), 2u);
}

TEST(Hj212Server, OldCodesUnitsAndPinnedEdition) {
  Fixture fx(0);
  Client c(fx.server->port());
  // HJ/T 212-2005 stack frame: 02 = SO2, S01 = O2 (HJ 212-2017 Table B.2 原编码).
  c.send(encode_frame("ST=31;CN=2061;PW=123456;MN=120112TJTGGN13;Flag=1;CP=&&DataTime=20240101120000;"
                      "02-Avg=35.2,02-Flag=N;S01-Avg=9.8,S01-Flag=N&&"));
  // A station reporting mg/m3: SO2 0.015 mg/m3 = 15 ug/m3; CO stays 1.2 mg/m3.
  c.send(seg_2061("010000A8900016F000169DC9", "20240101010000000", 5,
                  "DataTime=20240101000000;a21026-Avg=0.015,a21026-Flag=N;a21005-Avg=1.2,a21005-Flag=M"));
  // A station pinned to 2017 sending a 2025 frame: flagged, still stored.
  c.send(seg_2061("010000A8900016F000169DCA", "20240101010000000", 9, "DataTime=20240101000000;a34004-Avg=44"));
  ASSERT_EQ(c.answers(3).size(), 3u);
  std::map<std::string, store::Observation> got;
  fx.store->scan({}, [&](const store::Observation& o) { got[o.site + "/" + o.parameter] = o; });
  ASSERT_TRUE(got.count("T_OLD/so2") && got.count("T_OLD/o2"));
  EXPECT_EQ(got["T_OLD/so2"].value, 35.2);
  EXPECT_EQ(got["T_OLD/so2"].unit, "mg/m3");  // outlets store SO2 in mg/m3
  EXPECT_EQ(got["T_MG/so2"].value, 15);
  EXPECT_EQ(got["T_MG/so2"].unit, "ug/m3");
  EXPECT_EQ(got["T_MG/co"].value, 1.2);
  EXPECT_EQ(got["T_MG/co"].flag, 'M');
  EXPECT_EQ(got["T_PIN/pm25"].value, 44);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  bool flagged = false;
  replay((fx.dir / "raw").string(), [&](const ArchivedFrame& f) { flagged |= f.verdict == "edition-mismatch"; });
  EXPECT_TRUE(flagged);
}

TEST(Hj212Server, GarbageSeveralFramesPerWriteAndIdleTimeout) {
  Fixture fx(0, "mix", std::chrono::seconds(1));
  Client c(fx.server->port());
  c.send("\x01\x02garbage##12" + seg_2061(kMn, "20240101010000000", 5, "DataTime=20240101000000;a34004-Avg=80") +
         seg_2061(kMn, "20240101020000000", 5, "DataTime=20240101010000;a34004-Avg=81"));
  EXPECT_EQ(c.answers(2).size(), 2u);
  EXPECT_EQ(fx.count(), 2u);
  EXPECT_TRUE(c.closed_by_peer(4000));  // idle for 1 s: the server closed the connection
}

// Issue 4/7 proof: 500 stations (4/10 HJ 212-2017, 1/10 HJ/T 212-2005, 5/10 HJ 212-2025; air,
// water, stacks), each sending a day of hourly data at once. Every acknowledged value is in the
// store exactly once with the value sent; a second full resend adds nothing.
TEST(Hj212Server, FiveHundredStationsMixedEditionsDayOfHourlyData) {
  Fixture fx(500, "mix");
  const long rss0 = rss_kb();
  SimOptions so;
  so.port = fx.server->port();
  so.stations = fx.sims;
  so.registry = &fx.city.parameters;
  so.begin = 1704038400;  // 2024-01-01 00:00 Beijing
  so.hours = 24;
  so.deadline = std::chrono::milliseconds(120000);
  const auto r = simulate(so);
  EXPECT_EQ(r.acked, 500u * 24u);
  EXPECT_EQ(r.unacked, 0u);
  EXPECT_EQ(r.rejected, 0u);
  // Kinds cycle air, air, water, outlet: 250 air x 6 values, 125 water x 6, 125 stacks x (6 + 3
  // converted) per hour.
  const std::size_t expected = 24 * (250 * 6 + 125 * 6 + 125 * 9);
  std::set<std::tuple<std::string, std::string, core::Instant>> keys;
  std::map<std::string, const SimStation*> by_id;
  for (const auto& s : fx.sims) by_id[s.id] = &s;
  const std::map<std::string, std::string> code_of{
      {"pm25", "a34004"}, {"pm10", "a34002"}, {"so2", "a21026"}, {"no2", "a21004"}, {"co", "a21005"},
      {"o3", "a05024"},   {"ph", "w01001"},   {"do", "w01009"},  {"codmn", "w01019"}, {"nh3n", "w21003"},
      {"tp", "w21011"},   {"tn", "w21001"},   {"smoke", "a34013"}, {"nox", "a21002"}, {"o2", "a19001"},
      {"flow", "a00000"}, {"temp_gas", "a01012"}};
  std::size_t n = 0, checked = 0;
  fx.store->scan({}, [&](const store::Observation& o) {
    ++n;
    EXPECT_TRUE(keys.emplace(o.site, o.parameter, o.time).second) << "stored twice: " << o.site << " " << o.parameter;
    const SimStation& st = *by_id.at(o.site);
    std::string p = o.parameter;
    const bool zs = p.size() > 3 && p.substr(p.size() - 3) == "_zs";
    if (zs) p = p.substr(0, p.size() - 3);
    const double v = sim_value(st, code_of.at(p), o.time);
    if (zs) {
      // HJ 212-2017 App. D eq. (28): C_zs = C x (21 - 6) / (21 - O2), sent with 1 decimal.
      const double o2 = sim_value(st, "a19001", o.time);
      EXPECT_NEAR(o.value, v * 15 / (21 - o2), 0.05 + 1e-9) << o.site << " " << o.parameter;
    } else {
      EXPECT_EQ(o.value, v) << o.site << " " << o.parameter;
    }
    ++checked;
  });
  EXPECT_EQ(n, expected);
  EXPECT_EQ(checked, expected);
  // Everything again: all answered, nothing new stored.
  const auto r2 = simulate(so);
  EXPECT_EQ(r2.acked, 500u * 24u);
  EXPECT_EQ(fx.count(), expected);
  const auto st = fx.server->stats();
  EXPECT_EQ(st.observations_inserted, expected);
  EXPECT_EQ(st.duplicates, expected);
  EXPECT_EQ(st.conflicts, 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(fx.server->stats().open_connections, 0u);
  const long grown_mb = (rss_kb() - rss0) / 1024;
  EXPECT_LT(grown_mb, 200) << "memory grew by " << grown_mb << " MB";
  RecordProperty("rss_growth_mb", std::to_string(grown_mb));
  RecordProperty("frames_per_s", std::to_string(r.acked / r.seconds));
}

// `skyriver simulate --replay`: the national hourly file replayed as 2061 frames from the
// configured Datong stations. china_sites_2019_datong.csv row "20190101,1,PM2.5" has 98 for
// 1721A; CNEMC hour 1 is (00:00, 01:00], so it is the hour STARTING 2019-01-01 00:00 Beijing.
TEST(Hj212Server, SimulateReplaysNationalHourlyData) {
  SKYRIVER_REQUIRE_SHARED_DATA();
  Fixture fx(0);
  const std::string cmd = std::string(SKYRIVER_BINARY) + " simulate --port " + std::to_string(fx.server->port()) +
                          " --replay " SKYRIVER_SHARED_DIR "/data/air/china_sites_2019_datong.csv --begin 2019-01-01" +
                          " --hours 2 --config " + (fx.dir / "cfg").string() + " --parameters " +
                          (fx.dir / "cfg" / "parameters.toml").string() + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  store::Query q = q_site("1721A");
  q.parameters = {"pm25"};
  std::vector<store::Observation> got;
  fx.store->scan(q, [&](const store::Observation& o) { got.push_back(o); });
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].time, 1546272000);  // 2019-01-01 00:00 Beijing
  EXPECT_EQ(got[0].value, 98);
  EXPECT_EQ(got[0].source_kind, "hj212");
}

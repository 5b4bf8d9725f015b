// Several front doors, one database (issue 15, docs/province.md): two real `skyriver serve`
// processes on one PostgreSQL store, each taking HJ 212 from its own stations over real TCP,
// each showing the other's values live. The expected values are the ones the test sends.
#include "server_fixture.h"

#include "../store/backends.h"

#include "ingest/hj212/frame.h"
#include "store/store.h"

#include <boost/asio.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <thread>

using nlohmann::json;
using skyriver::test::LiveStream;
using skyriver::test::Server;
using skyriver::test::ServerSpec;
namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// Example MNs and passwords of config/datong/air_stations.toml.
const std::string kMn1721 = "010000A89000172100000001", kMn1723 = "010000A89000172300000003";

// The first match of `pattern`'s group 1 in the server's log within `seconds` ("" if none).
std::string wait_in_log(const Server& s, const std::string& pattern, int seconds = 60) {
  const std::regex re(pattern);
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < end) {
    std::smatch m;
    const std::string log = s.log();
    if (std::regex_search(log, m, re)) return m.size() > 1 ? m[1].str() : m[0].str();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return "";
}

// Sends one hourly data upload (CN=2061) of PM2.5 and returns the server's answer frame.
std::string send_2061(int port, const std::string& mn, const std::string& data_time, const std::string& value) {
  asio::io_context io;
  tcp::socket s(io);
  s.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  const std::string frame = skyriver::hj212::encode_frame("QN=" + data_time + "000;ST=22;CN=2061;PW=123456;MN=" + mn +
                                                          ";Flag=5;CP=&&DataTime=" + data_time + ";a34004-Avg=" + value +
                                                          ",a34004-Flag=N&&");
  asio::write(s, asio::buffer(frame));
  asio::streambuf buf;
  boost::system::error_code ec;
  asio::read_until(s, buf, "\r\n", ec);
  return std::string(asio::buffers_begin(buf.data()), asio::buffers_end(buf.data()));
}

// The PM2.5 value of `site` at 2024-01-01 00:00 Beijing as `s`'s API shows it (null if none).
json pm25_at_new_year(const Server& s, const std::string& site) {
  const auto r = s.get("/api/sites/" + site + "/series?parameter=pm25&from=2024-01-01&to=2024-01-01T01:00");
  if (r.status != 200) return nullptr;
  const json points = json::parse(r.body)["points"];
  return points.empty() ? json(nullptr) : points[0]["value"];
}

// Milliseconds until `site`'s new-year PM2.5 shows `expected` on `s` (polled), or -1 after `ms`.
long until_shown(const Server& s, const std::string& site, double expected, int ms) {
  const auto start = Clock::now(), end = start + std::chrono::milliseconds(ms);
  while (Clock::now() < end) {
    const json v = pm25_at_new_year(s, site);
    if (v.is_number() && v.get<double>() == expected)
      return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

}  // namespace

TEST(Province, TwoServeProcessesOnOnePostgresShowEachOthersStationsWithinASecond) {
  const std::string url = Server::pg_url();
  SKYRIVER_REQUIRE_BACKEND(url);
  char tmpl[] = "/tmp/skyriver-province-test.XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto spec = [&](const std::string& name) {
    ServerSpec s;
    s.backend = "postgresql", s.db = url, s.sample = false;
    s.accounts = name == "a";  // one store: its test users are made once
    s.args = {"--hj212-port", "0", "--hj212-archive", dir + "/" + name + "-raw", "--hj212-max-age", "315360000"};
    return s;
  };
  Server a(spec("a")), b(spec("b"));
  const int port_a = std::atoi(wait_in_log(a, R"(HJ 212 on tcp://127\.0\.0\.1:([0-9]+))").c_str());
  const int port_b = std::atoi(wait_in_log(b, R"(HJ 212 on tcp://127\.0\.0\.1:([0-9]+))").c_str());
  ASSERT_GT(port_a, 0) << a.log();
  ASSERT_GT(port_b, 0) << b.log();
  ASSERT_NE(wait_in_log(a, "following the store's changes"), "") << a.log();
  ASSERT_NE(wait_in_log(b, "following the store's changes"), "") << b.log();
  LiveStream live_b(b);

  // Station 1721A reports to A: PM2.5 80 for the hour 2024-01-01 00:00 (Beijing).
  const std::string ack_a = send_2061(port_a, kMn1721, "20240101000000", "80");
  ASSERT_NE(ack_a.find("CN=9014"), std::string::npos) << ack_a << a.log();
  const auto acked = Clock::now();
  // Acknowledged only after the commit: the value is in the store when the answer arrives.
  {
    skyriver::store::Query q;
    q.sites = {"1721A"};
    EXPECT_EQ(skyriver::store::Store::open(url)->count(q), 1u);
  }
  // B announces it on its live stream and serves it from its API within a second of the ack.
  ASSERT_TRUE(live_b.wait_for(R"("site":"1721A")", 1000)) << live_b.text() << "\n" << b.log();
  const auto streamed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - acked).count();
  EXPECT_NE(live_b.text().find(R"("value":80.0)"), std::string::npos) << live_b.text();
  EXPECT_EQ(pm25_at_new_year(b, "1721A"), 80.0);
  EXPECT_LT(streamed_ms, 1000);

  // The other way round: station 1723A reports to B, and A's API shows it.
  const std::string ack_b = send_2061(port_b, kMn1723, "20240101000000", "42");
  ASSERT_NE(ack_b.find("CN=9014"), std::string::npos) << ack_b << b.log();
  const long shown_ms = until_shown(a, "1723A", 42, 1000);
  EXPECT_GE(shown_ms, 0) << "A did not show B's value within a second\n" << a.log();
  // Each process still shows its own station's value (nothing was lost or replaced).
  EXPECT_EQ(pm25_at_new_year(a, "1721A"), 80.0);
  EXPECT_EQ(pm25_at_new_year(b, "1723A"), 42.0);
  RecordProperty("a_to_b_stream_ms", std::to_string(streamed_ms));
  RecordProperty("b_to_a_api_ms", std::to_string(shown_ms));
  std::cout << "A→B on the live stream " << streamed_ms << " ms after the ack; B→A in the API after " << shown_ms
            << " ms\n";
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

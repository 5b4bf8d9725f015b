// kill -9 of the ingest server mid-stream (the real `skyriver hj212 serve` process), restart on
// the same port, stations resend what was not answered: nothing acknowledged is lost, nothing is
// stored twice, no conflicting copy appears. On SQLite and on PostgreSQL (SKYRIVER_TEST_PG;
// skipped locally without it, a failure with CI=true: tests/store/backends.h).
#include "ingest/hj212/simulator.h"
#include "model/parameter.h"
#include "store/store.h"

#include "child.h"
#include "../store/backends.h"

#include <gtest/gtest.h>

#include <csignal>
#include <memory>
#include <filesystem>
#include <fstream>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace skyriver;
using namespace skyriver::hj212;
namespace fs = std::filesystem;

namespace {

// `skyriver hj212 serve` on `port` (0: any); the bound port is read from its log.
std::unique_ptr<test::Child> start_server(const fs::path& dir, const std::string& db, int port, const std::string& log) {
  return std::make_unique<test::Child>(test::Child::Options{
      {"hj212", "serve", "--config", (dir / "cfg").string(), "--db", db, "--hj212-archive",
       (dir / "raw").string(), "--hj212-port", std::to_string(port), "--hj212-max-age", "315360000"},
      {}, dir, dir / log});
}

class Hj212Crash : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(Hj212Crash, KillNineMidStreamLosesNothingAcknowledged) {
  const fs::path dir = testkit::scratch_dir();
  const std::string db = testkit::fresh_store_url(GetParam(), dir);
  if (db.empty()) fs::remove_all(dir);
  SKYRIVER_REQUIRE_BACKEND(db);
  fs::copy(SKYRIVER_SOURCE_DIR "/config/datong", dir / "cfg", fs::copy_options::recursive);
  const auto stations = make_sim_stations(200, "mix");
  {
    std::ofstream(dir / "cfg" / "air_stations.toml", std::ios::app) << sim_stations_toml(stations, "140213");
  }
  auto server = start_server(dir, db, 0, "serve1.log");
  const int port = server->port("listening on ");
  ASSERT_GT(port, 0);

  SimOptions so;
  so.port = static_cast<std::uint16_t>(port);
  so.stations = stations;
  const auto registry = model::load_parameters((dir / "cfg" / "parameters.toml").string());
  so.registry = &registry;
  so.begin = 1704038400;  // 2024-01-01 00:00 Beijing
  so.hours = 24;
  so.rate = 2000;  // 4,800 frames over ~2.4 s: the kill lands mid-stream
  so.ack_timeout = std::chrono::milliseconds(1000);
  so.deadline = std::chrono::milliseconds(90000);
  SimResult r;
  std::thread sim([&] { r = simulate(so); });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  server->stop(SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server = start_server(dir, db, port, "serve2.log");
  EXPECT_EQ(server->port("listening on "), port);
  sim.join();
  server->stop(SIGTERM);

  EXPECT_EQ(r.acked, 200u * 24u);
  EXPECT_EQ(r.unacked, 0u);
  EXPECT_GT(r.resent, 0u) << "the kill did not interrupt anything";
  auto store = store::Store::open(db);
  // 100 air x 6, 50 water x 6, 50 stacks x 9 values per hour.
  const std::size_t expected = 24 * (100 * 6 + 50 * 6 + 50 * 9);
  std::set<std::tuple<std::string, std::string, core::Instant>> keys;
  std::size_t n = 0;
  store->scan({}, [&](const store::Observation& o) {
    ++n;
    EXPECT_TRUE(keys.emplace(o.site, o.parameter, o.time).second);
  });
  EXPECT_EQ(n, expected);
  EXPECT_TRUE(store->conflicts({}).empty());
  RecordProperty("resent", std::to_string(r.resent));
  store.reset();
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, Hj212Crash, ::testing::Values("sqlite", "postgresql"), testkit::backend_name);

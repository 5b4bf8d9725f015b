// HJ 212 speed: codec frames/s and MB/s on one core (peer: the CRC alone over the same bytes,
// the least any receiver must do), and the server sustained frames/s with 2,000 connections
// over loopback with the SQLite store (peer: the codec alone), answer latency p50/p99 (send ->
// 9014, which waits for the commit), memory per connection (RSS growth with 2,000 idle
// connections open).
#include "ingest/hj212/crc.h"
#include "ingest/hj212/decode.h"
#include "ingest/hj212/server.h"
#include "ingest/hj212/simulator.h"
#include "model/city.h"
#include "store/store.h"

#include <benchmark/benchmark.h>
#include <spdlog/sinks/null_sink.h>

#include <boost/asio.hpp>

#include <malloc.h>
#include <sqlite3.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace skyriver;
using namespace skyriver::hj212;
namespace fs = std::filesystem;

namespace {

// REFERENCE.md 9.3 extra vector 1: an air station's hourly frame (296 bytes).
const std::string kFrame =
    "##0280QN=20240101010000000;ST=22;CN=2061;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&DataTime="
    "20240101000000;a34004-Avg=80,a34004-Flag=N;a34002-Avg=120,a34002-Flag=N;a21026-Avg=15,a21026-Flag=N;a21004-"
    "Avg=40,a21004-Flag=N;a21005-Avg=1.2,a21005-Flag=N;a05024-Avg=60,a05024-Flag=N&&8F81\r\n";

// The data frames among the public sample packets (../shared/data/hj212, PROVENANCE.md §4):
// those that decode with observations (CRC right, data command).
const std::vector<std::string>& sample_data_frames() {
  static const std::vector<std::string> frames = [] {
    std::vector<std::string> out;
    std::ifstream in(SKYRIVER_SHARED_DIR "/data/hj212/hj212_packets.txt");
    Decoder dec;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      line += "\r\n";
      if (dec.decode(line, "sample").has_data && dec.decode(line, "sample").ok) out.push_back(line);
    }
    if (out.empty()) throw std::runtime_error("no sample data frames under " SKYRIVER_SHARED_DIR);
    return out;
  }();
  return frames;
}

// The ingest path: views into the frame, one warm Decoder (no allocation per frame).
void BM_DecodeSamples(benchmark::State& state) {
  const auto& frames = sample_data_frames();
  Decoder dec;
  std::size_t i = 0, bytes = 0, values = 0;
  for (auto _ : state) {
    const std::string& f = frames[i++ % frames.size()];
    const DecodedView& d = dec.decode(f, "bench");
    values += d.data.values.size();
    bytes += f.size();
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["frames"] = static_cast<double>(frames.size());
  state.counters["values_per_frame"] = static_cast<double>(values) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DecodeSamples);

// The same frames through the owning form (Packet + DataBlock with std::string fields).
void BM_DecodeSamplesOwning(benchmark::State& state) {
  const auto& frames = sample_data_frames();
  std::size_t i = 0;
  for (auto _ : state) {
    auto d = decode_frame(frames[i++ % frames.size()], "bench");
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeSamplesOwning);

// Peer: the bitwise CRC loop of HJ 212-2017 Appendix A over the same frames' segments (what
// the CRC alone cost before the table).
void BM_PeerCrcBitwise(benchmark::State& state) {
  const auto& frames = sample_data_frames();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& f = frames[i++ % frames.size()];
    std::uint16_t crc = 0xFFFF;
    for (std::size_t k = 6; k + 6 < f.size(); ++k) {
      crc = static_cast<std::uint16_t>((crc >> 8) ^ static_cast<unsigned char>(f[k]));
      for (int b = 0; b < 8; ++b) crc = (crc & 1) ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001) : crc >> 1;
    }
    benchmark::DoNotOptimize(crc);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PeerCrcBitwise);

void BM_CrcTable(benchmark::State& state) {
  const auto& frames = sample_data_frames();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& f = frames[i++ % frames.size()];
    benchmark::DoNotOptimize(crc16(std::string_view(f).substr(6, f.size() - 12)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CrcTable);

void BM_DecodeFrame(benchmark::State& state) {
  for (auto _ : state) {
    auto d = decode_frame(kFrame, "bench");
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kFrame.size()));
}
BENCHMARK(BM_DecodeFrame);

void BM_PeerCrcOnly(benchmark::State& state) {
  const std::string_view seg(kFrame.data() + 6, kFrame.size() - 12);
  for (auto _ : state) benchmark::DoNotOptimize(crc16(seg));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kFrame.size()));
}
BENCHMARK(BM_PeerCrcOnly);

void BM_EncodeFrames(benchmark::State& state) {
  SimStation st{"S", "010000A8900016F000169DC0", "123456", "air", Edition::hj2017};
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto f = sim_frames(st, 1704038400, 24, false);
    for (const auto& x : f) bytes += static_cast<std::int64_t>(x.size());
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(state.iterations() * 24);
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_EncodeFrames);

struct ServerRig {
  fs::path dir = fs::temp_directory_path() / ("skyriver-bench-hj212-" + std::to_string(::getpid()));
  std::vector<SimStation> stations;
  model::CityConfig city;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Server> server;
  explicit ServerRig(int n) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(SKYRIVER_SOURCE_DIR "/config/datong", dir / "cfg", fs::copy_options::recursive);
    stations = make_sim_stations(n, "mix");
    std::ofstream(dir / "cfg" / "air_stations.toml", std::ios::app) << sim_stations_toml(stations, "140213");
    city = model::load_city((dir / "cfg").string());
    store = store::Store::open((dir / "db.sqlite").string());
    ServerOptions opt;
    opt.address = "127.0.0.1";
    opt.port = 0;
    opt.archive_dir = (dir / "raw").string();
    opt.log = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
    server = std::make_unique<Server>(*store, city, opt);
  }
  ~ServerRig() {
    server->stop();
    server.reset();
    store.reset();
    fs::remove_all(dir);
  }
};

// The peer of the server's ingest: a plain C inserter (the SQLite C API, one prepared INSERT)
// putting the same rows the server stored into a fresh store of the same schema, in the same
// number of batches, with the same fsync rule: per batch the frames' bytes are appended to a
// raw file and fdatasync'ed, then the rows are committed in one transaction (WAL,
// synchronous=FULL). No decoding, no network, no duplicate classification. Returns frames/s.
double peer_plain_inserter(ServerRig& rig, std::uint64_t frames, std::uint64_t batches) {
  struct Row {
    sqlite3_int64 series, time;
    double value;
    int flag;
    sqlite3_int64 unit, source, line, received;
  };
  std::vector<Row> rows;
  {
    sqlite3* db = nullptr;
    sqlite3_open_v2((rig.dir / "db.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT series, time, value, flag, unit, source, coalesce(line, -1), received_at FROM "
                           "observations ORDER BY received_at, time, series", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW)
      rows.push_back({sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_double(st, 2),
                      sqlite3_column_int(st, 3), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                      sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7)});
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  const fs::path file = rig.dir / "peer.db";
  store::Store::open(file.string());  // the same schema, empty
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO observations VALUES(?1,?2,?3,?4,?5,?6,?7,?8)", -1, &ins, nullptr);
  const int raw = ::open((rig.dir / "peer.raw").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  batches = std::max<std::uint64_t>(batches, 1);
  const std::size_t per = (rows.size() + batches - 1) / batches;
  const std::string frame_bytes(static_cast<std::size_t>((frames + batches - 1) / batches) * kFrame.size(), 'x');
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t b = 0; b < rows.size(); b += per) {
    if (::write(raw, frame_bytes.data(), frame_bytes.size()) < 0 || ::fdatasync(raw) != 0) break;
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (std::size_t i = b; i < std::min(rows.size(), b + per); ++i) {
      const Row& r = rows[i];
      sqlite3_bind_int64(ins, 1, r.series), sqlite3_bind_int64(ins, 2, r.time), sqlite3_bind_double(ins, 3, r.value);
      sqlite3_bind_int(ins, 4, r.flag), sqlite3_bind_int64(ins, 5, r.unit), sqlite3_bind_int64(ins, 6, r.source);
      if (r.line < 0) sqlite3_bind_null(ins, 7);
      else sqlite3_bind_int64(ins, 7, r.line);
      sqlite3_bind_int64(ins, 8, r.received);
      sqlite3_step(ins);
      sqlite3_reset(ins);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ::close(raw);
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return static_cast<double>(frames) / secs;
}

// 2,000 stations (one connection each) send 6 hours of hourly data at once; client and server
// share the 2 cores.
void BM_Server2000Connections(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    ServerRig rig(2000);
    SimOptions so;
    so.port = rig.server->port();
    so.stations = rig.stations;
    so.registry = &rig.city.parameters;
    so.begin = 1704038400;
    so.hours = 6;
    so.ack_timeout = std::chrono::milliseconds(20000);
    so.deadline = std::chrono::milliseconds(300000);
    state.ResumeTiming();
    const auto r = simulate(so);
    state.PauseTiming();
    state.counters["frames_per_s"] = static_cast<double>(r.acked) / r.seconds;
    state.counters["acked"] = static_cast<double>(r.acked);
    state.counters["unacked"] = static_cast<double>(r.unacked);
    state.counters["p50_ms"] = r.latency_p50_ms;
    state.counters["p99_ms"] = r.latency_p99_ms;
    state.counters["batches"] = static_cast<double>(rig.server->stats().batches);
    const double peer = peer_plain_inserter(rig, r.acked, rig.server->stats().batches);
    state.counters["peer_frames_per_s"] = peer;
    state.counters["ratio_to_peer"] = static_cast<double>(r.acked) / r.seconds / peer;
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Server2000Connections)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same 2,000 connections at a steady 1,000 frames/s: the answer latency of a loaded but
// not saturated server (send -> 9014 after commit).
void BM_Server2000Paced(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    ServerRig rig(2000);
    SimOptions so;
    so.port = rig.server->port();
    so.stations = rig.stations;
    so.registry = &rig.city.parameters;
    so.begin = 1704038400;
    so.hours = 3;
    so.rate = 1000;
    so.ack_timeout = std::chrono::milliseconds(20000);
    so.deadline = std::chrono::milliseconds(300000);
    state.ResumeTiming();
    const auto r = simulate(so);
    state.PauseTiming();
    state.counters["frames_per_s"] = static_cast<double>(r.acked) / r.seconds;
    state.counters["unacked"] = static_cast<double>(r.unacked);
    state.counters["p50_ms"] = r.latency_p50_ms;
    state.counters["p99_ms"] = r.latency_p99_ms;
    state.ResumeTiming();
  }
}
BENCHMARK(BM_Server2000Paced)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Memory per connection: heap in use (mallinfo2) growth with 2,000 idle connections open,
// divided by 2,000 (server session + the client socket objects of this process; kernel socket
// buffers are not counted).
void BM_ServerMemoryPerConnection(benchmark::State& state) {
  for (auto _ : state) {
    ServerRig rig(1);
    boost::asio::io_context cio;
    std::vector<boost::asio::ip::tcp::socket> socks;
    const auto before = mallinfo2().uordblks;
    for (int i = 0; i < 2000; ++i) {
      socks.emplace_back(cio);
      socks.back().connect({boost::asio::ip::make_address("127.0.0.1"), rig.server->port()});
    }
    for (int i = 0; i < 200 && rig.server->stats().open_connections < 2000; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto after = mallinfo2().uordblks;
    state.counters["open"] = static_cast<double>(rig.server->stats().open_connections);
    state.counters["kb_per_connection"] = (static_cast<double>(after) - static_cast<double>(before)) / 1024.0 / 2000.0;
  }
}
BENCHMARK(BM_ServerMemoryPerConnection)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

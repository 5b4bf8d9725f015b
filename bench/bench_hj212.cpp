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
#include <libpq-fe.h>
#include <sys/resource.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

using namespace skyriver;
using namespace skyriver::hj212;
namespace fs = std::filesystem;

namespace {

// CPU seconds of the calling thread (simulate() runs its client on it) and of the process.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

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
  explicit ServerRig(int n, const std::string& store_url = "") {
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(SKYRIVER_SOURCE_DIR "/config/datong", dir / "cfg", fs::copy_options::recursive);
    stations = make_sim_stations(n, "mix");
    std::ofstream(dir / "cfg" / "air_stations.toml", std::ios::app) << sim_stations_toml(stations, "140213");
    city = model::load_city((dir / "cfg").string());
    store = store::Store::open(store_url.empty() ? (dir / "db.sqlite").string() : store_url);
    ServerOptions opt;
    opt.address = "127.0.0.1";
    opt.port = 0;
    opt.archive_dir = (dir / "raw").string();
    opt.max_age = std::chrono::seconds(315360000);  // the simulated stations send 2024 data
    opt.log = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
    // The writers `skyriver serve` gives each store (app/hj212_options.h);
    // SKYRIVER_BENCH_WRITERS=N sets another number (PostgreSQL), to measure what they bring.
    opt.writers = store_url.empty() ? 1 : 2;
    if (const char* w = std::getenv("SKYRIVER_BENCH_WRITERS"); w && *w && !store_url.empty()) opt.writers = std::atoi(w);
    opt.open_store = [store_url] { return store::Store::open(store_url); };
    server = std::make_unique<Server>(*store, city, opt);
  }
  // The simulated stations from 2024-01-01 00:00 Beijing, at once, generous time-outs.
  SimOptions sim(int hours) const {
    SimOptions so;
    so.port = server->port();
    so.stations = stations;
    so.registry = &city.parameters;
    so.begin = 1704038400;
    so.hours = hours;
    so.ack_timeout = std::chrono::milliseconds(20000);
    so.deadline = std::chrono::milliseconds(300000);
    return so;
  }
  ~ServerRig() {
    server->stop();
    server.reset();
    store.reset();
    fs::remove_all(dir);
  }
};

// The server's SQLite store as it is now, copied page for page (the backup API) to `to`, so
// that the peer starts from the same store (the same history, the same pages).
void snapshot_sqlite(const fs::path& from, const fs::path& to) {
  sqlite3 *src = nullptr, *dst = nullptr;
  sqlite3_open_v2(from.c_str(), &src, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_open(to.c_str(), &dst);
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  const int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
  sqlite3_backup_finish(b);
  sqlite3_close(src);
  sqlite3_close(dst);
  if (rc != SQLITE_DONE) throw std::runtime_error("snapshot of " + from.string() + " failed");
}

// The server's WAL copied into its file and truncated, so that a timed window does not start
// with the previous phase's checkpoint (the server's checkpointer would do it during the window).
void checkpoint_sqlite(const fs::path& file) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_busy_timeout(db, 30000);
  sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
}

// PostgreSQL's counterpart: the warm-up's rows vacuumed and analysed and the server
// checkpointed, as in a store in operation, so that autovacuum of the just-loaded history and
// the first page writes after a checkpoint do not fall into the timed window.
void settle_postgres(const std::string& base_url, const std::string& schema) {
  PGconn* c = PQconnectdb(base_url.c_str());
  if (PQstatus(c) == CONNECTION_OK)
    PQclear(PQexec(c, ("VACUUM ANALYZE " + schema + ".observations").c_str()));
  PQfinish(c);
}

// The peer of the server's ingest: a plain C inserter (the SQLite C API, one prepared INSERT)
// putting the same rows the server stored into a store of the same schema, in the same number
// of batches, with the same fsync rule: per batch the frames' bytes are appended to a raw file
// and fdatasync'ed, then the rows are committed in one transaction (WAL, synchronous=FULL, the
// store's page cache). The store is `rig.dir/peer.db` when the caller made it (a snapshot of the
// server's store before the timed window: the same history), else a fresh one. No decoding, no
// network, no duplicate classification. Returns frames/s.
double peer_plain_inserter(ServerRig& rig, std::uint64_t frames, std::uint64_t batches,
                           core::Instant from_time = std::numeric_limits<core::Instant>::min(),
                           double* cpu_s = nullptr) {
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
                           "observations_all WHERE time >= ?1 ORDER BY received_at, time, series", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, from_time);
    while (sqlite3_step(st) == SQLITE_ROW)
      rows.push_back({sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_double(st, 2),
                      sqlite3_column_int(st, 3), sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
                      sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7)});
    sqlite3_finalize(st);
    sqlite3_close(db);
  }
  const fs::path file = rig.dir / "peer.db";
  if (!fs::exists(file)) store::Store::open(file.string());  // the same schema, empty
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536", nullptr, nullptr,
               nullptr);
  sqlite3_stmt* ins = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO observations VALUES(?1,?2,?3,?4,?5,?6,?7,?8)", -1, &ins, nullptr);
  const int raw = ::open((rig.dir / "peer.raw").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  batches = std::max<std::uint64_t>(batches, 1);
  const std::size_t per = (rows.size() + batches - 1) / batches;
  const std::string frame_bytes(static_cast<std::size_t>((frames + batches - 1) / batches) * kFrame.size(), 'x');
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = thread_cpu_seconds();
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
  if (cpu_s) *cpu_s = thread_cpu_seconds() - c0;
  ::close(raw);
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return static_cast<double>(frames) / secs;
}

// The PostgreSQL peer, as peer_plain_inserter: the rows the server stored (schema `server`,
// time >= from_time), put by libpq into a fresh schema of the same server with the same table
// (opened through the store once first, so that the schema and the month's partition exist)
// holding the server's rows before from_time (the same history, copied untimed),
// in the same number of batches, each preceded by appending the frames' bytes to a raw file and
// fdatasync, as one COPY (text) and COMMIT. Returns frames/s.
double peer_plain_postgres(ServerRig& rig, const std::string& base_url, const std::string& server,
                           const std::string& peer, std::uint64_t frames, std::uint64_t batches,
                           core::Instant from_time, double* cpu_s) {
  {
    // The peer's schema and the partition of its rows' month, made by the store.
    auto st = store::Store::open(base_url + "?schema=" + peer);
    store::Observation o;
    o.site = "PEER";
    o.parameter = "pm25";
    o.time = from_time;
    o.unit = "ug/m3";
    o.source_kind = "peer";
    o.source = "peer";
    std::vector<store::Observation> one{o};
    st->write(one);
  }
  PGconn* c = PQconnectdb(base_url.c_str());
  if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c));
  auto exec = [&](const std::string& sql) {
    PGresult* r = PQexec(c, sql.c_str());
    const auto code = PQresultStatus(r);
    if (code != PGRES_COMMAND_OK && code != PGRES_TUPLES_OK && code != PGRES_COPY_IN)
      throw std::runtime_error(sql + ": " + PQerrorMessage(c));
    return r;
  };
  std::vector<std::string> rows;
  {
    PGresult* r = exec("SELECT series, time, value, flag, unit, source, line, received_at FROM " + server +
                       ".observations WHERE time >= " + std::to_string(from_time) +
                       " ORDER BY received_at, time, series");
    for (int i = 0; i < PQntuples(r); ++i) {
      std::string row;
      for (int k = 0; k < 8; ++k) {
        if (k) row += '\t';
        row += PQgetisnull(r, i, k) ? "\\N" : PQgetvalue(r, i, k);
      }
      rows.push_back(row + "\n");
    }
    PQclear(r);
  }
  // The same history as the server's store before the window (series ids are the server's).
  PQclear(exec("DELETE FROM " + peer + ".observations"));
  PQclear(exec("INSERT INTO " + peer + ".observations(series, time, value, flag, unit, source, line, received_at) "
               "SELECT series, time, value, flag, unit, source, line, received_at FROM " + server +
               ".observations WHERE time < " + std::to_string(from_time)));
  settle_postgres(base_url, peer);
  const int raw = ::open((rig.dir / "peer.raw").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  batches = std::max<std::uint64_t>(batches, 1);
  const std::size_t per = (rows.size() + batches - 1) / batches;
  const std::string frame_bytes(static_cast<std::size_t>((frames + batches - 1) / batches) * kFrame.size(), 'x');
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = thread_cpu_seconds();
  for (std::size_t b = 0; b < rows.size(); b += per) {
    if (::write(raw, frame_bytes.data(), frame_bytes.size()) < 0 || ::fdatasync(raw) != 0) break;
    PQclear(exec("BEGIN"));
    PQclear(exec("COPY " + peer + ".observations FROM STDIN"));
    std::string data;
    for (std::size_t i = b; i < std::min(rows.size(), b + per); ++i) data += rows[i];
    PQputCopyData(c, data.data(), static_cast<int>(data.size()));
    PQputCopyEnd(c, nullptr);
    while (PGresult* r = PQgetResult(c)) {
      if (PQresultStatus(r) != PGRES_COMMAND_OK) throw std::runtime_error(std::string("COPY: ") + PQerrorMessage(c));
      PQclear(r);
    }
    PQclear(exec("COMMIT"));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (cpu_s) *cpu_s = thread_cpu_seconds() - c0;
  ::close(raw);
  PQfinish(c);
  return static_cast<double>(frames) / secs;
}

// Drops PostgreSQL schemas when it goes (nothing when the URL is empty).
struct SchemaDropper {
  std::string base_url;
  std::vector<std::string> schemas;
  ~SchemaDropper() {
    if (base_url.empty()) return;
    PGconn* c = PQconnectdb(base_url.c_str());
    if (PQstatus(c) == CONNECTION_OK)
      for (const auto& s : schemas) PQclear(PQexec(c, ("DROP SCHEMA IF EXISTS " + s + " CASCADE").c_str()));
    PQfinish(c);
  }
};

// 2,000 stations (one connection each) send 6 hours of hourly data at once; client and server
// share the 2 cores.
void BM_Server2000Connections(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    ServerRig rig(2000);
    SimOptions so = rig.sim(6);
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
    SimOptions so = rig.sim(3);
    so.rate = 1000;
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

// The steady state of a station network: 2,000 stations that have reported before (`warm_hours`
// of warm-up: one creates their series, as any day after the first; 100 give every series a
// leaf page of its own, as in a store with history, where each row rewrites its series' last
// page) and keep their connections open
// (all connected before the clock starts: SimOptions::start_together). Timed from the first
// frame sent to the last 9014 received. rate 0: as fast as they can, with the plain C inserter
// as peer (same rows, same number of batches, same fsync rule); rate > 0: paced at that many
// frames/s, for the answer latency. Counters: client_cpu_s is the simulator's thread (the 2,000
// stations), server_cpu_s the rest of the process (the server's threads) in the timed window.
// SKYRIVER_BENCH_PG=<url without parameters> runs the server on that PostgreSQL (a fresh
// schema, left on the server: use the private test server of scripts/pg-test.sh) with
// peer_plain_postgres as the peer.
void steady_run(benchmark::State& state, double rate, int hours, int warm_hours = 1) {
  for (auto _ : state) {
    state.PauseTiming();
    std::string url, base;
    const std::string schema = "bench_hj212_" + std::to_string(::getpid()) + "_" + std::to_string(static_cast<int>(rate));
    if (const char* pg = std::getenv("SKYRIVER_BENCH_PG"); pg && *pg) {
      base = pg;
      url = base + "?schema=" + schema;
    }
    // Each run's schemas go when it ends (after the rig below), so that the next run does
    // not share the server with their autovacuum.
    const SchemaDropper dropper{base, {schema, schema + "_peer"}};
    ServerRig rig(2000, url);
    SimOptions so = rig.sim(warm_hours);
    simulate(so);  // warm-up
    const auto warm = rig.server->stats();
    if (url.empty()) {
      checkpoint_sqlite(rig.dir / "db.sqlite");
      if (rate <= 0) snapshot_sqlite(rig.dir / "db.sqlite", rig.dir / "peer.db");
    } else {
      settle_postgres(base, schema);
    }
    so.begin += 3600 * warm_hours;
    so.hours = hours;
    so.rate = rate;
    so.start_together = true;
    const double c0 = thread_cpu_seconds(), p0 = process_cpu_seconds();
    state.ResumeTiming();
    const auto r = simulate(so);
    state.PauseTiming();
    const double client_cpu = thread_cpu_seconds() - c0, server_cpu = process_cpu_seconds() - p0 - client_cpu;
    const auto st = rig.server->stats();
    const double fps = static_cast<double>(r.acked) / r.busy_seconds;
    state.counters["frames_per_s"] = fps;
    state.counters["acked"] = static_cast<double>(r.acked);
    state.counters["unacked"] = static_cast<double>(r.unacked);
    state.counters["resent"] = static_cast<double>(r.resent);
    state.counters["busy_s"] = r.busy_seconds;
    state.counters["p50_ms"] = r.latency_p50_ms;
    state.counters["p99_ms"] = r.latency_p99_ms;
    state.counters["batches"] = static_cast<double>(st.batches - warm.batches);
    // The store stage's share of the timed window and its wall time per row: with group commit
    // it is busy nearly all the time at any load, so a frame waits for the batch before it, and
    // the time per row says how long those batches take (docs/performance.md, "Where the tail
    // comes from").
    const double store_s = static_cast<double>(st.store_busy_us - warm.store_busy_us) / 1e6;
    state.counters["store_busy"] = store_s / r.busy_seconds;
    state.counters["store_us_per_row"] = store_s * 1e6 / static_cast<double>(std::max<std::uint64_t>(1, st.store_rows - warm.store_rows));
    state.counters["client_cpu_s"] = client_cpu;
    state.counters["server_cpu_s"] = server_cpu;
    if (rate <= 0) {
      double peer_cpu = 0;
      const double peer = url.empty() ? peer_plain_inserter(rig, r.acked, st.batches - warm.batches, so.begin, &peer_cpu)
                                      : peer_plain_postgres(rig, base, schema, schema + "_peer", r.acked,
                                                            st.batches - warm.batches, so.begin, &peer_cpu);
      state.counters["peer_cpu_s"] = peer_cpu;  // its timed loop (PostgreSQL: the client side only)
      state.counters["peer_frames_per_s"] = peer;
      state.counters["ratio_to_peer"] = fps / peer;
    }
    state.ResumeTiming();
  }
}

void BM_Server2000Steady(benchmark::State& state) { steady_run(state, 0, 48); }
BENCHMARK(BM_Server2000Steady)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same on a store with 100 hours of history (1.3 M rows before the window; the peer starts
// from a copy of it): what each row costs in a store in operation.
void BM_Server2000SteadyWithHistory(benchmark::State& state) { steady_run(state, 0, 48, 100); }
BENCHMARK(BM_Server2000SteadyWithHistory)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The answer latency at a steady rate (frames/s, the argument) from 2,000 connections for
// about 6 s; 10,000 is the target (p99 < 100 ms). The achieved rate says whether the
// machine kept up.
void BM_Server2000PacedSteady(benchmark::State& state) {
  const auto rate = static_cast<double>(state.range(0));
  steady_run(state, rate, std::max(3, static_cast<int>(rate * 6 / 2000)));
}
BENCHMARK(BM_Server2000PacedSteady)->Arg(2500)->Arg(5000)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Server2000PacedSteadyWithHistory(benchmark::State& state) {
  const auto rate = static_cast<double>(state.range(0));
  steady_run(state, rate, std::max(3, static_cast<int>(rate * 6 / 2000)), 100);
}
BENCHMARK(BM_Server2000PacedSteadyWithHistory)->Arg(5000)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

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

// The HJ 212 ingest server: TCP (Boost.Asio), one port for HJ/T 212-2005, HJ 212-2017 and
// HJ 212-2025 (edition per frame from the Flag version bits, recorded per station). What is
// answered and stored for each frame is decided by the Dispatcher (dispatch.h: auth, data,
// times, split packets, 2025); this file is the network, the writer and the durability.
//
// Contract:
// - The server runs on its OWN io_context and threads (ServerOptions::threads), never on the
//   caller's: HTTP readers of the same process cannot delay an acknowledgement.
// - Acknowledged = on disk. Writes are a group commit in two stages, each on its own thread:
//   all frames waiting form one batch; stage 1 appends the batch's frames to the raw archive
//   and syncs it (one fdatasync); stage 2 then writes its observations in one store transaction
//   (synced by the store: store.h "Durability"), then appends the quarantined values to the
//   records journal (a second transaction only when there are any); only then are the batch's
//   answers (9014) sent, all answers of one connection in one socket write. Stage 1 archives
//   batch k+1 while stage 2 commits batch k (the order per frame stays archive sync -> store
//   commit -> answer). A frame whose write failed is not answered: the station resends it, and
//   the store keys make the resend a duplicate.
// - Stage 2 has one thread per store connection (ServerOptions::writers). With two, batch k+1
//   is written while batch k commits, so the database works while the other connection waits
//   for its commit (PostgreSQL; SQLite has one writer at a time, so 1 there). The store's keys
//   decide between two batches holding the same key, as between two processes. Whatever
//   order the commits finish in, the answers and the live view (on_stored) go out in batch
//   order: batch k+1's wait until batch k's have left.
// - Every frame is archived (ServerOptions::archive_dir is required): each stored observation's
//   `source` is "<archive file>:<line>" of its frame, each quarantine record names it too.
// - on_stored receives ONLY the observations the store inserted (WriteResult::outcome 'i'):
//   no duplicate, conflict or failed write reaches it. It runs on a delivery thread of its own,
//   so a slow consumer (the engine under read load) never delays an answer; only when more than
//   max_delivery observations wait for it does the writer wait (bounded memory).
// - Memory per connection is bounded: a 4 KiB read buffer + at most max_frame bytes of partial
//   frame (session.h). Only complete frames keep a connection alive: one without a complete
//   frame for idle_timeout is closed, and so is one whose started frame (bytes after "##") is
//   not complete within frame_deadline (a slow sender cannot hold a connection byte by byte).
// - Connections are capped: at most max_connections in all and max_connections_per_address
//   from one address; and none is kept while fewer than fd_reserve descriptors would stay free
//   under the soft RLIMIT_NOFILE, so that HJ 212 stations cannot starve the HTTP API, the
//   store and the archive of descriptors. A refused connection is closed at once (logged
//   rate-limited, counted in ServerStats::refused_connections). When more than max_queue
//   frames wait for the writer (besides at most one archived batch waiting for stage 2),
//   connections stop reading (TCP back-pressure) until it catches up, so a store slower than
//   the stations bounds memory.
// - accept() failures (EMFILE ...) back off (core/accept_backoff.h) and are logged once per
//   episode; open connections keep being served.
// - Logs go to ServerOptions::log (spdlog; default: the default logger); lines a sender can
//   trigger are rate-limited per 60 s window with a summary (dispatch.h), flushed by a timer.
// Thread-safe: stats(), stations(), port() and stop() may be called from any thread.
#pragma once

#include "ingest/hj212/dispatch.h"
#include "model/city.h"
#include "store/store.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace skyriver::hj212 {

struct ServerOptions {
  // The station network's address; stations outside this machine need 0.0.0.0 or the
  // address of the interface they reach (skyriver serve --hj212-address).
  std::string address = "127.0.0.1";
  std::uint16_t port = 9212;  // 0 = any free port (see Server::port())
  int threads = 1;            // threads of the server's own io_context
  std::chrono::seconds idle_timeout{600};   // without a complete frame
  std::chrono::seconds frame_deadline{30};  // for a started frame to complete
  // 5,000 stations need 5,000; one address may be a NAT or an APN gateway, or a benchmark's
  // loopback (docs/hj212.md).
  std::size_t max_connections = 10000, max_connections_per_address = 6000;
  std::size_t fd_reserve = 128;  // descriptors left free for the rest of the process (0: none)
  std::size_t max_frame = 4096;  // bytes from "##" to CR LF (the standard allows 1024 of data)
  std::string archive_dir = "var/hj212-raw";  // the raw archive (required)
  bool quarantine = false;  // also archive refused frames (unknown MN, wrong PW, rejected)
  std::chrono::seconds max_skew{3600};  // values stamped later than now + max_skew are refused
  std::chrono::seconds max_age{31 * 86400};  // values stamped before now - max_age are refused
  LockoutPolicy lockout;  // password failures (guard.h)
  // Security events (a known MN locked out, dispatch.h), on a thread of the server; the log
  // always has them too.
  std::function<void(const SecurityEvent&)> on_security;
  std::size_t max_batch = 20000;      // observations per store transaction
  std::size_t max_queue = 20000;      // frames waiting for the writer before reading pauses
  std::size_t max_delivery = 1000000;  // observations waiting for on_stored before the writer waits
  // Store connections that write batches (stage 2 threads). The first is the constructor's
  // store; each further one comes from open_store (required when writers > 1).
  int writers = 1;
  std::function<std::unique_ptr<store::Store>()> open_store;
  // 2025 key exchange: the key to hand a station (by MN); nullopt = refuse (QnRtn 2).
  std::function<std::optional<std::string>(const std::string& mn)> key_for;
  std::shared_ptr<spdlog::logger> log;  // default: spdlog's default logger
};

struct ServerStats {
  std::uint64_t connections = 0, open_connections = 0;
  std::uint64_t frames = 0, rejected = 0, refused_auth = 0, future_values = 0, past_values = 0;
  std::uint64_t refused_locked = 0, lockouts = 0;
  std::uint64_t observations_inserted = 0, duplicates = 0, conflicts = 0, quarantined = 0;
  std::uint64_t acks = 0, batches = 0, archive_syncs = 0, garbage_bytes = 0, oversize_frames = 0;
  std::uint64_t split_parts = 0, split_incomplete = 0, accept_failures = 0;
  std::uint64_t refused_connections = 0, deadline_closes = 0, idle_closes = 0;
  // Wall time the store stage spent writing batches (store.write to its return, commit and
  // fsync included; summed over its writers), and the rows it was given (what a frame waits
  // for, per row).
  std::uint64_t store_busy_us = 0, store_rows = 0;
};

class Server {
 public:
  using OnStored = std::function<void(std::span<const store::Observation>)>;
  // Binds, starts accepting and starts its threads (throws core::Error on a bind failure, an
  // archive that cannot be created or a store that cannot be opened). `store` is used only by
  // the server's first writer thread.
  // REQUIRES: store and city outlive the server.
  Server(store::Store& store, const model::CityConfig& city, ServerOptions options, OnStored on_stored = {});
  ~Server();  // stop()

  std::uint16_t port() const;
  // Stops accepting, closes connections, drains the writer (frames already read are made
  // durable; their answers cannot go out any more: the stations resend and get duplicates)
  // and the delivery, joins the threads. Idempotent.
  void stop();
  ServerStats stats() const;
  std::vector<StationState> stations() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace skyriver::hj212

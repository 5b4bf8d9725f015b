// The HJ 212 ingest server: TCP, Boost.Asio, one port for HJ/T 212-2005, HJ 212-2017 and
// HJ 212-2025 (edition per frame from the Flag version bits, recorded per station).
//
// Contract:
// - Each MN must be a configured site (model::Site::mn) and the frame's PW its password;
//   otherwise the frame is answered 9011 with QnRtn 4 (MN error) or 3 (PW error), logged, not
//   stored (archived as "quarantine:<reason>" when Options::quarantine is set).
// - Data (2011, 2051, 2061, 2031; 2025: 2111, 2052) becomes observations (observations.h).
//   A frame asking for an answer (Flag A bit) gets its 9014 only AFTER its observations are
//   committed to the store and its raw frame flushed to the archive. After a crash, a station
//   resends what was not answered; the store keys make the resend a duplicate, never a second
//   copy.
// - 1011/1013 time requests are answered with 1012 carrying the server's Beijing time.
// - 2025: 9015 heartbeat keeps the station online; 1014 key exchange answered from
//   Options::key_for (no key logged or archived); unknown CNs answered 9011 QnRtn=8, logged once
//   per station and CN. A station pinned to an edition (Site::edition) that sends the other
//   edition is flagged (log once, archive verdict "edition-mismatch"), its data still stored.
// - Store writes run on one writer thread (group commit: all frames waiting form one
//   transaction). on_stored is called on that thread after each commit.
// - Memory per connection is bounded: read buffer + at most max_frame of partial frame + a
//   bounded number of split packets in reassembly. Idle connections close after idle_timeout.
//   When more than max_queue frames wait for the writer, connections stop reading until it
//   catches up (back-pressure through TCP), so a store slower than the stations bounds memory.
#pragma once

#include "model/city.h"
#include "store/store.h"

#include <boost/asio/io_context.hpp>

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
  std::string address = "0.0.0.0";
  std::uint16_t port = 9212;  // 0 = any free port (see Server::port())
  std::chrono::seconds idle_timeout{600};
  std::size_t max_frame = 4096;  // bytes from "##" to CR LF (the standard allows 1024 of data)
  std::string archive_dir;       // empty = no raw archive
  bool quarantine = false;       // archive refused frames (unknown MN, wrong PW) for an operator
  std::size_t max_batch = 20000;  // observations per store transaction
  std::size_t max_queue = 20000;  // frames waiting for the writer before reading pauses
  // 2025 key exchange: the key to hand a station (by MN); nullopt = refuse (QnRtn 2).
  std::function<std::optional<std::string>(const std::string& mn)> key_for;
  // Log sink: level "info" | "warn" | "error". Default: stderr.
  std::function<void(std::string_view level, const std::string& message)> log;
};

struct ServerStats {
  std::uint64_t connections = 0, open_connections = 0;
  std::uint64_t frames = 0, rejected = 0, refused_auth = 0;
  std::uint64_t observations_inserted = 0, duplicates = 0, conflicts = 0;
  std::uint64_t acks = 0, batches = 0, garbage_bytes = 0, oversize_frames = 0;
};

struct StationState {
  std::string site, mn;
  std::string edition;          // "2005" | "2017" | "2025", of the last frame
  core::Instant last_seen = 0;  // last frame or heartbeat
};

class Server {
 public:
  using OnStored = std::function<void(std::span<const store::Observation>)>;
  // Binds and starts accepting on `io` (throws core::Error on a bind failure). The caller runs
  // io (any number of threads). `store` is used only by the server's writer thread.
  Server(boost::asio::io_context& io, store::Store& store, const model::CityConfig& city,
         ServerOptions options, OnStored on_stored = {});
  ~Server();  // stops accepting, closes connections, drains the writer

  std::uint16_t port() const;
  void stop();
  ServerStats stats() const;
  std::vector<StationState> stations() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace skyriver::hj212

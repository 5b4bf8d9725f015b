// What the ingest server does with one HJ 212 frame, without sockets or threads: what is
// answered at once, what the writer must make durable (the archive record, the observations,
// the quarantined values) and which answers wait for that. One Dispatcher per server, shared
// by all its connections (session.h feeds it; server.h runs it over TCP; the session fuzzer
// drives it with bytes).
//
// Contract:
// - Auth: the MN must be a configured site (model::Site::mn) and PW its password, else the
//   frame is answered 9011 QnRtn 4 (MN error) / 3 (PW error), logged once per MN and reason,
//   not stored; with DispatchOptions::quarantine it is archived as "quarantine:mn|pw" (a wrong
//   password replaced by "******" first: it may be another station's or a near miss).
// - A frame the codec rejects is logged once per sender and reason (ServerStats counts every
//   one); when its header still parses (QN, MN known) and it asks for an answer (A bit) it is
//   answered 9011 with its QnRtn (CRC 9, wrong length 2, bad value 2, ...).
// - Data (2011, 2051, 2061, 2031; 2025: 2111, 2052) becomes observations (observations.h).
//   Values stamped more than max_skew ahead of the server clock are not stored: they are
//   quarantined with the reason (store records journal, kind "quarantine"), so no frame can
//   move the platform's "now". The answer (9014) waits in the Job until the writer has made
//   the archive record, the observations and the quarantine records durable.
// - Split packets (Flag D bit, PNUM/PNO): every part is a whole packet with its own QN and
//   DataTime and is handled and answered on its own, as HJ 212-2017 Table C.50 shows (the
//   station waits for part k's 9014 before sending part k+1). No part is held in memory; per
//   station only the progress of its current split message is kept (a few integers), to log a
//   message that ends incomplete.
// - 1011/1013 are answered 1012 with the server's Beijing time (1013 with the A bit also 9013).
// - 2025: 9015 heartbeat keeps the station online (answered 9013 with the A bit, not archived);
//   1014 key exchange answered from key_for; frames carrying secrets (1014 keys, 1072 NewPW)
//   are archived with their CP replaced by "<redacted>" and never logged. Unknown CNs are
//   answered 9011 QnRtn 8. A station pinned to an edition (Site::edition) sending the other is
//   flagged (archive verdict "edition-mismatch"), its data still stored.
// - Answers from stations (9011-9014) are ignored.
// - Log lines about one station are written once per (station, reason) and at most
//   kMaxLogKeys such keys are remembered, so a hostile or broken sender cannot flood the log or
//   grow memory.
// Thread-safe: handle() may run on any number of threads at once.
#pragma once

#include "core/time.h"
#include "ingest/hj212/readings.h"
#include "model/city.h"
#include "store/store.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace skyriver::hj212 {

struct DispatchOptions {
  bool quarantine = false;                // archive refused frames (unknown MN, wrong PW, rejected)
  std::chrono::seconds max_skew{3600};    // values stamped later than now + max_skew are refused
  // 2025 key exchange: the key to hand a station (by MN); nullopt = refuse (QnRtn 2).
  std::function<std::optional<std::string>(const std::string& mn)> key_for;
  std::shared_ptr<spdlog::logger> log;    // default: spdlog's default logger
};

// A value not stored, with the reason; the writer records it in the store's journal.
struct Quarantined {
  store::Observation value;  // source: set by the writer to the frame's archive record
  std::string reason;
};

// One frame's work for the writer: archive the frame, then store its values and quarantine
// records, then send `answers`. All of it is durable before any answer goes out.
struct Job {
  core::Instant received_at = 0;
  std::string peer, verdict, frame;  // the archive record ("ok", "quarantine:pw", ...)
  std::vector<store::Observation> observations;
  std::vector<Quarantined> quarantined;
  std::vector<std::string> answers;
};

struct Handled {
  std::vector<std::string> answers;  // to send at once (refusals, time, heartbeat, key)
  std::optional<Job> job;            // for the writer (nullopt: nothing to make durable)
};

struct StationState {
  std::string site, mn;
  std::string edition;          // "2005" | "2017" | "2025", of the last frame
  core::Instant last_seen = 0;  // last frame or heartbeat
};

struct DispatchStats {
  std::uint64_t frames = 0, rejected = 0, refused_auth = 0, future_values = 0;
  std::uint64_t split_parts = 0, split_incomplete = 0, log_suppressed = 0;
};

class Dispatcher {
 public:
  static constexpr std::size_t kMaxLogKeys = 10000;

  Dispatcher(const model::CityConfig& city, DispatchOptions options);

  // One whole frame ("##...\r\n") from `peer`, received at `now`.
  Handled handle(std::string_view frame, const std::string& peer, core::Instant now);

  std::vector<StationState> stations() const;
  DispatchStats stats() const;
  std::size_t log_keys() const;  // remembered "logged once" keys (<= kMaxLogKeys)
  spdlog::logger& log() const { return *opt_.log; }

 private:
  struct SplitProgress {
    std::string cn, qn;      // qn: of the last part (a resend repeats it)
    int pnum = 0, next = 1;  // the part expected next
  };
  struct Station {
    StationState state;
    std::optional<SplitProgress> split;
  };

  void log_once(const std::string& key, spdlog::level::level_enum level, const std::string& message);
  Handled refuse(std::string_view frame, const std::string& peer, core::Instant now, const std::string& reason,
                 std::string archived, std::optional<std::string> answer);
  // REQUIRES: mu_ held. Returns the log line when a split message ended incomplete.
  std::optional<std::string> track_split(Station& st, const std::string& site, const Packet& p);

  const model::CityConfig& city_;
  DispatchOptions opt_;
  std::unordered_map<std::string, const model::Site*> by_mn_;

  mutable std::mutex mu_;  // guards stations_, logged_once_
  std::map<std::string, Station> stations_;  // by MN; only configured (authenticated) MNs
  std::set<std::string> logged_once_;

  std::atomic<std::uint64_t> frames_{0}, rejected_{0}, refused_auth_{0}, future_{0}, split_parts_{0},
      split_incomplete_{0}, suppressed_{0};
};

}  // namespace skyriver::hj212

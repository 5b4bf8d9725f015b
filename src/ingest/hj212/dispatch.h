// What the ingest server does with one HJ 212 frame, without sockets or threads: what is
// answered at once, what the writer must make durable (the archive record, the observations,
// the quarantined values) and which answers wait for that. One Dispatcher per server, shared
// by all its connections (session.h feeds it; server.h runs it over TCP; the session fuzzer
// drives it with bytes).
//
// Contract:
// - Auth: the MN must be a configured site (model::Site::mn), the sender's address in the
//   site's `allow` list (when it has one) and PW its password. Every refusal (unknown MN, wrong
//   password, address not allowed, locked out) gets the SAME answer, 9011 QnRtn 3, so that
//   the answer tells no one which MNs exist; the frame is not stored; with
//   DispatchOptions::quarantine it is archived as "quarantine:mn|pw|address|locked" (the
//   password replaced by "******" first: it may be another station's or a near miss).
//   Failures are counted per (address, MN) and per address by an AuthGuard (guard.h): who
//   keeps failing is locked out, with doubling lock-outs; a lock-out of a known MN is a
//   security event (on_security; the server reports it, the log always says it).
// - A frame the codec rejects is logged (rate-limited, below; ServerStats counts every one);
//   when its header still parses (QN, MN known, also when only its split fields PNUM/PNO are
//   wrong) and it asks for an answer (A bit) it is answered 9011 with its QnRtn (CRC 9, wrong
//   length 2, bad value 2, bad split 2, ...).
// - Data (2011, 2051, 2061, 2031; 2025: 2111, 2052) becomes observations (observations.h).
//   Values stamped more than max_skew ahead of the server clock, or more than max_age
//   behind it, are not stored: they are quarantined with the reason (store records journal,
//   kind "quarantine"), so no frame can move the platform's "now" or reach back to 1970 (on
//   PostgreSQL a month partition per month). The answer (9014) waits in the Job until the writer has made
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
// - Log lines a sender can trigger go through a core::WindowedLog (log_window.h): the first
//   of each kind per window (log_window, 60 s) in full, the rest in one summary line per kind
//   at the window's end. Kinds about a known station (wrong password, lock-out, far-past or
//   far-future values) are kinds of their own, so a flood of unknown MNs cannot hide them.
//   Memory and log volume stay bounded; nothing is silenced beyond one window.
// Thread-safe: handle() may run on any number of threads at once.
#pragma once

#include "core/log_window.h"
#include "core/time.h"
#include "ingest/hj212/guard.h"
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

// Something the duty desk should hear of (issue 27): a known MN locked out after repeated
// password failures from one address.
struct SecurityEvent {
  std::string kind;  // "lockout"
  std::string site, mn, address;
  int failures = 0;             // of that (address, MN)
  std::chrono::seconds lock{0};  // how long it is locked out
  core::Instant at = 0;
  std::string message;  // a sentence for the log or an alarm
};

struct DispatchOptions {
  bool quarantine = false;                // archive refused frames (unknown MN, wrong PW, rejected)
  std::chrono::seconds max_skew{3600};    // values stamped later than now + max_skew are refused
  // 2025 key exchange: the key to hand a station (by MN); nullopt = refuse (QnRtn 2).
  std::function<std::optional<std::string>(const std::string& mn)> key_for;
  std::shared_ptr<spdlog::logger> log;    // default: spdlog's default logger
  std::chrono::seconds max_age{31 * 86400};  // values stamped before now - max_age are refused
  LockoutPolicy lockout;
  std::chrono::seconds log_window{60};  // rate-limited log lines: one summary per kind per window
  // Called (on the frame's thread) for each security event; may be empty.
  std::function<void(const SecurityEvent&)> on_security;
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
  std::uint64_t frames = 0, rejected = 0, refused_auth = 0, future_values = 0, past_values = 0;
  std::uint64_t refused_locked = 0, lockouts = 0;  // refused while locked out; lock-outs started
  std::uint64_t split_parts = 0, split_incomplete = 0, log_suppressed = 0;
};

class Dispatcher {
 public:
  Dispatcher(const model::CityConfig& city, DispatchOptions options);

  // One whole frame ("##...\r\n") from `peer`, received at `now`.
  Handled handle(std::string_view frame, const std::string& peer, core::Instant now);

  std::vector<StationState> stations() const;
  DispatchStats stats() const;
  spdlog::logger& log() const { return *opt_.log; }
  // Writes the summaries of a log window that is over (the server calls it every few seconds).
  void flush_log(core::Instant now) { wlog_.flush(now); }

 private:
  struct SplitProgress {
    std::string cn, qn;      // qn: of the last part (a resend repeats it)
    int pnum = 0, next = 1;  // the part expected next
  };
  struct Station {
    StationState state;
    std::optional<SplitProgress> split;
  };

  // A rate-limited log line (core::WindowedLog): `category` names the kind, `subject` whom it
  // is about; `message` is built only when written.
  void note(std::string_view category, std::string_view subject, spdlog::level::level_enum level,
            const std::function<std::string()>& message, core::Instant now) {
    wlog_.event(category, subject, level, message, now);
  }
  // An authentication failure of (address, MN): counts it, logs it, raises lock-outs.
  void auth_failed(const Packet& p, const model::Site* site, std::string_view address, const std::string& where,
                   const char* reason, core::Instant now);
  Handled refuse(std::string_view frame, const std::string& peer, core::Instant now, const std::string& reason,
                 std::string archived, std::optional<std::string> answer);
  // REQUIRES: mu_ held. Returns the log line when a split message ended incomplete.
  std::optional<std::string> track_split(Station& st, const std::string& site, const Packet& p);

  const model::CityConfig& city_;
  DispatchOptions opt_;
  std::unordered_map<std::string, const model::Site*> by_mn_;

  AuthGuard guard_;
  core::WindowedLog wlog_;

  mutable std::mutex mu_;  // guards stations_
  std::map<std::string, Station> stations_;  // by MN; only configured (authenticated) MNs

  std::atomic<std::uint64_t> frames_{0}, rejected_{0}, refused_auth_{0}, future_{0}, past_{0}, refused_locked_{0},
      lockouts_{0}, split_parts_{0}, split_incomplete_{0};
};

}  // namespace skyriver::hj212

// The HJ 212 password guard: counts failed logins and locks out who keeps failing, so that a
// password cannot be guessed at network speed (issue 27: a 6-digit PW fell in 14.4 s).
//
// Contract:
// - Failures are counted per (address, MN) and per address. `failures` failures of one pair
//   lock that pair out for `first`; `address_failures` failures of one address (whatever the
//   MNs) lock the whole address out. Each further lock-out of the same pair or address, before
//   it is forgotten, is twice as long, up to `longest`; after a lock-out the next failure locks
//   again (no new allowance). An entry quiet for `longest` after its lock-out ended is forgotten.
// - A pair lock-out shuts out only that MN from that address: the rightful station sending
//   from its own address is not affected by guesses from another one. A success of a pair
//   clears the pair (not the address: an attacker's valid station cannot launder its guesses).
// - Frames refused while locked are not counted as failures (a lock-out cannot be extended
//   forever by the attacker, and ends at the time announced).
// - Memory is bounded: at most kMaxEntries pairs and addresses; beyond that, entries no longer
//   locked are dropped first, and new pairs go untracked while the address is still counted.
// Times are core::Instant seconds given by the caller (tests drive the clock).
// Thread-safe.
#pragma once

#include "core/time.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace skyriver::hj212 {

struct LockoutPolicy {
  int failures = 5;           // per (address, MN) before a lock-out
  int address_failures = 20;  // per address (any MNs: a NAT or APN carries many stations)
  std::chrono::seconds first{60}, longest{3600};
};

class AuthGuard {
 public:
  static constexpr std::size_t kMaxEntries = 100000;

  explicit AuthGuard(LockoutPolicy policy = {}) : p_(policy) {}

  // 0 when (address, mn) may try now, else the instant its lock-out (pair or address) ends.
  core::Instant locked_until(std::string_view address, std::string_view mn, core::Instant now);

  struct Failure {
    int failures = 0;             // of the pair, since its last success or forgetting
    std::chrono::seconds pair_lock{0}, address_lock{0};  // lock-outs this failure started (0: none)
  };
  Failure failed(std::string_view address, std::string_view mn, core::Instant now);
  void succeeded(std::string_view address, std::string_view mn);

  std::size_t entries() const;

 private:
  struct Entry {
    int failures = 0, total = 0, level = 0;  // failures toward the next lock-out; level: lock-outs so far
    core::Instant until = 0, last = 0;
  };
  // REQUIRES: mu_ held. Counts one failure; returns the lock-out it started (0 s: none).
  std::chrono::seconds fail(Entry& e, int threshold, core::Instant now);
  bool forgotten(const Entry& e, core::Instant now) const;
  Entry* entry(std::unordered_map<std::string, Entry>& m, std::string key, core::Instant now);

  LockoutPolicy p_;
  // pairs_ + addresses_ sizes, read without the lock: while nobody has failed (the normal
  // case) an accepted frame costs the guard one atomic load, no lock, no key.
  std::atomic<std::size_t> size_{0};
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> pairs_, addresses_;
};

}  // namespace skyriver::hj212

// What a TCP accept loop does when accept() fails (EMFILE: out of file descriptors, ENFILE,
// ENOBUFS, ENOMEM, ...): wait before trying again, backing off from 10 ms to 1 s while the
// failures last, and log the first failure of such an episode only, so the loop neither spins a
// core nor floods the log while the connections already open keep being served. Shared by the
// HJ 212 and the HTTP accept loops; it holds no socket and no timer (the loop owns those).
// Not thread-safe: one object per accept loop, used from that loop's handler only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace skyriver::core {

class AcceptBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirst{10}, kMax{1000};

  struct Step {
    std::chrono::milliseconds wait;  // arm a timer for this long, then accept again
    bool log;                        // true for the first failure of an episode only
  };

  // After a failed accept.
  Step failed() {
    const bool first = failures_++ == 0;
    wait_ = first ? kFirst : std::min(kMax, wait_ * 2);
    return {wait_, first};
  }

  // After a successful accept: how many failures the episode that just ended had (0 when
  // there was none), for one "accepting again" log line.
  std::uint64_t succeeded() {
    const std::uint64_t n = failures_;
    failures_ = 0;
    wait_ = std::chrono::milliseconds{0};
    return n;
  }

  std::uint64_t failures() const { return failures_; }

 private:
  std::chrono::milliseconds wait_{0};
  std::uint64_t failures_ = 0;
};

}  // namespace skyriver::core

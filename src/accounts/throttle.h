// Login throttling: after kLimit failed logins for one name, or from one client address,
// within kWindow seconds, further attempts are refused with a Retry-After that doubles with
// each refused attempt (30 s, 60 s, ... capped at the window).
//
// Contract: pure bookkeeping over the times it is given (tests pass their own clock);
// thread-safe; memory bounded (entries older than the window are dropped, and at most
// kMaxKeys names/addresses are tracked: beyond that the oldest are forgotten).
// The counts live in this process: each `serve` process throttles on its own (docs/api.md).
#pragma once

#include "core/time.h"

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace skyriver::accounts {

class LoginThrottle {
 public:
  static constexpr int kLimit = 5;
  static constexpr core::Instant kWindow = 15 * 60;
  static constexpr std::size_t kMaxKeys = 100000;

  // Before the password is checked: 0 = go on; otherwise the seconds to tell the client to
  // wait (the attempt counts as a failure, so the wait grows).
  std::int64_t retry_after(const std::string& name, const std::string& address, core::Instant now);
  void failed(const std::string& name, const std::string& address, core::Instant now);
  // A good password clears the failures of the name (not of the address).
  void succeeded(const std::string& name);

 private:
  using Log = std::map<std::string, std::deque<core::Instant>>;
  static std::size_t recent(Log& log, const std::string& key, core::Instant now);
  static void add(Log& log, const std::string& key, core::Instant now);
  std::mutex mu_;
  Log by_name_, by_address_;
};

}  // namespace skyriver::accounts

#include "accounts/throttle.h"

#include <algorithm>

namespace skyriver::accounts {

std::size_t LoginThrottle::recent(Log& log, const std::string& key, core::Instant now) {
  auto it = log.find(key);
  if (it == log.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() <= now - kWindow) times.pop_front();
  if (times.empty()) {
    log.erase(it);
    return 0;
  }
  return times.size();
}

void LoginThrottle::add(Log& log, const std::string& key, core::Instant now) {
  if (log.size() >= kMaxKeys && !log.count(key)) {
    // Forget the key whose latest failure is oldest.
    auto oldest = std::min_element(log.begin(), log.end(),
                                   [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); });
    log.erase(oldest);
  }
  log[key].push_back(now);
}

std::int64_t LoginThrottle::retry_after(const std::string& name, const std::string& address, core::Instant now) {
  std::lock_guard lock(mu_);
  const std::size_t n = std::max(recent(by_name_, name, now), recent(by_address_, address, now));
  if (n < static_cast<std::size_t>(kLimit)) return 0;
  add(by_name_, name, now);
  add(by_address_, address, now);
  const std::size_t over = std::min<std::size_t>(n - kLimit, 5);  // 30 s * 2^5 = 960 s > the window
  return std::min<std::int64_t>(std::int64_t(30) << over, kWindow);
}

void LoginThrottle::failed(const std::string& name, const std::string& address, core::Instant now) {
  std::lock_guard lock(mu_);
  add(by_name_, name, now);
  add(by_address_, address, now);
}

void LoginThrottle::succeeded(const std::string& name) {
  std::lock_guard lock(mu_);
  by_name_.erase(name);
}

}  // namespace skyriver::accounts

#include "ingest/hj212/guard.h"

#include <algorithm>

namespace skyriver::hj212 {

namespace {

std::string pair_key(std::string_view address, std::string_view mn) {
  std::string k(address);
  k.push_back('|');
  k.append(mn);
  return k;
}

}  // namespace

bool AuthGuard::forgotten(const Entry& e, core::Instant now) const {
  const core::Instant quiet_since = std::max(e.until, e.last);
  return now >= quiet_since + p_.longest.count();
}

AuthGuard::Entry* AuthGuard::entry(std::unordered_map<std::string, Entry>& m, std::string key, core::Instant now) {
  if (auto it = m.find(key); it != m.end()) {
    if (forgotten(it->second, now)) it->second = Entry{};
    return &it->second;
  }
  if (m.size() >= kMaxEntries) {
    std::erase_if(m, [&](const auto& kv) { return kv.second.until <= now; });
    if (m.size() >= kMaxEntries) return nullptr;
  }
  return &m[std::move(key)];
}

core::Instant AuthGuard::locked_until(std::string_view address, std::string_view mn, core::Instant now) {
  if (size_.load(std::memory_order_relaxed) == 0) return 0;
  std::lock_guard lk(mu_);
  core::Instant until = 0;
  if (auto it = addresses_.find(std::string(address)); it != addresses_.end() && it->second.until > now)
    until = it->second.until;
  if (auto it = pairs_.find(pair_key(address, mn)); it != pairs_.end() && it->second.until > now)
    until = std::max(until, it->second.until);
  return until;
}

std::chrono::seconds AuthGuard::fail(Entry& e, int threshold, core::Instant now) {
  e.last = now;
  ++e.total;
  if (++e.failures < threshold) return std::chrono::seconds(0);
  // The lock-out: first, doubled per earlier one, at most longest; then the next failure
  // locks again.
  std::chrono::seconds lock = p_.first;
  for (int i = 0; i < e.level && lock < p_.longest; ++i) lock *= 2;
  lock = std::min(lock, p_.longest);
  ++e.level;
  e.until = now + lock.count();
  e.failures = threshold - 1;
  return lock;
}

AuthGuard::Failure AuthGuard::failed(std::string_view address, std::string_view mn, core::Instant now) {
  std::lock_guard lk(mu_);
  Failure f;
  if (Entry* e = entry(pairs_, pair_key(address, mn), now)) {
    f.pair_lock = fail(*e, p_.failures, now);
    f.failures = e->total;
  }
  if (Entry* e = entry(addresses_, std::string(address), now)) f.address_lock = fail(*e, p_.address_failures, now);
  size_ = pairs_.size() + addresses_.size();
  return f;
}

void AuthGuard::succeeded(std::string_view address, std::string_view mn) {
  if (size_.load(std::memory_order_relaxed) == 0) return;
  std::lock_guard lk(mu_);
  pairs_.erase(pair_key(address, mn));
  size_ = pairs_.size() + addresses_.size();
}

std::size_t AuthGuard::entries() const {
  std::lock_guard lk(mu_);
  return pairs_.size() + addresses_.size();
}

}  // namespace skyriver::hj212

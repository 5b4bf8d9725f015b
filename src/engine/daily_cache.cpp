#include "engine/daily_cache.h"

namespace skyriver::engine {

void DailyCache::find(const std::string& key, std::int64_t first_day, std::span<const Fingerprint> fps,
                      std::vector<std::optional<standards::DailyRecord>>& out) const {
  out.assign(fps.size(), std::nullopt);
  std::lock_guard lock(mutex_);
  auto t = targets_.find(key);
  if (t == targets_.end()) return;
  for (std::size_t i = 0; i < fps.size(); ++i) {
    auto e = t->second.find(first_day + static_cast<std::int64_t>(i));
    if (e != t->second.end() && e->second.fp == fps[i]) out[i] = e->second.record;
  }
}

void DailyCache::store(const std::string& key, std::int64_t day, Fingerprint fp, const standards::DailyRecord& record) {
  std::lock_guard lock(mutex_);
  if (entries_ >= kMaxEntries) {
    targets_.clear();
    entries_ = 0;
  }
  auto [it, added] = targets_[key].insert_or_assign(day, Entry{std::move(fp), record});
  if (added) ++entries_;
}

std::size_t DailyCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

}  // namespace skyriver::engine

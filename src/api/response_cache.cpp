#include "api/response_cache.h"

namespace skyriver::api {

static std::size_t size_of(const std::string& key, const Response& r) {
  std::size_t n = key.size() + r.body.size() + r.content_type.size() + 128;  // + list and map nodes
  for (const auto& [k, v] : r.headers) n += k.size() + v.size();
  return n;
}

void ResponseCache::set_limit(std::size_t bytes) {
  std::lock_guard lock(mutex_);
  limit_ = bytes;
  evict_locked();
}

void ResponseCache::clear_locked() {
  lru_.clear();
  index_.clear();
  bytes_ = 0;
}

void ResponseCache::evict_locked() {
  while (bytes_ > limit_ && !lru_.empty()) {
    bytes_ -= lru_.back().bytes;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

std::optional<Response> ResponseCache::get(const std::string& key, std::uint64_t version) {
  std::lock_guard lock(mutex_);
  if (version != version_) return std::nullopt;
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->response;
}

void ResponseCache::put(const std::string& key, std::uint64_t version, const Response& r) {
  const std::size_t n = size_of(key, r);
  std::lock_guard lock(mutex_);
  if (version != version_) {
    clear_locked();
    version_ = version;
  }
  if (n > limit_ / 4) return;
  if (auto it = index_.find(key); it != index_.end()) {
    bytes_ -= it->second->bytes;
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.push_front({key, r, n});
  index_[key] = lru_.begin();
  bytes_ += n;
  evict_locked();
}

std::size_t ResponseCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t ResponseCache::entries() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

}  // namespace skyriver::api

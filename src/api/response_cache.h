// ResponseCache: the serialised answers of the read routes (RouteDoc::cached), kept until the
// data version moves, bounded in bytes.
//
// Contract:
// - get() answers only what put() stored at the same data version; a new version empties the
//   cache (the answers are never stale).
// - The bytes held (keys + bodies + headers) stay ≤ the limit: the least recently used answers
//   go first; an answer larger than a quarter of the limit is not kept at all.
// - Keys are made by the caller from the parameters a route knows (Router::cache_key), so junk
//   parameters cannot multiply the entries.
// Thread-safe.
#pragma once

#include "api/http.h"

#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace skyriver::api {

class ResponseCache {
 public:
  explicit ResponseCache(std::size_t limit_bytes = 64 * 1024 * 1024) : limit_(limit_bytes) {}
  void set_limit(std::size_t bytes);
  std::optional<Response> get(const std::string& key, std::uint64_t version);
  void put(const std::string& key, std::uint64_t version, const Response& r);
  std::size_t bytes() const;
  std::size_t entries() const;

 private:
  struct Entry {
    std::string key;
    Response response;
    std::size_t bytes = 0;
  };
  void clear_locked();
  void evict_locked();

  mutable std::mutex mutex_;
  std::size_t limit_, bytes_ = 0;
  std::uint64_t version_ = 0;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace skyriver::api

#include "engine/series.h"

#include "core/error.h"

#include <algorithm>
#include <atomic>
#include <limits>

namespace skyriver::engine {

static constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

HourlySeries::Chunk::Chunk() {
  values.fill(kMissing);
  marks.fill(0);
  ranks.fill(255);
  stamps.fill(0);
}

// The process-wide change counter (series.h, change stamps); 0 is "never written".
static std::uint64_t next_stamp() {
  static std::atomic<std::uint64_t> counter{0};
  return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

// Chunk number and index within it of an hour (floor division: hours before 1970 work too).
static std::int64_t chunk_of(core::Instant t, std::size_t& i) {
  std::int64_t h = t / core::kHour;
  if (t % core::kHour < 0) --h;
  std::int64_t c = h / HourlySeries::kChunkHours;
  std::int64_t r = h % HourlySeries::kChunkHours;
  if (r < 0) r += HourlySeries::kChunkHours, --c;
  i = static_cast<std::size_t>(r);
  return c;
}

const HourlySeries::Chunk* HourlySeries::find(core::Instant t, std::size_t& i) const {
  const std::int64_t c = chunk_of(t, i) - base_;
  if (c < 0 || c >= static_cast<std::int64_t>(chunks_.size())) return nullptr;
  return chunks_[static_cast<std::size_t>(c)].get();
}

static void check_whole_hour(core::Instant t) {
  if (t % core::kHour != 0) throw core::Error("engine", "hour start " + std::to_string(t) + " is not a whole hour");
}

HourlySeries::Chunk& HourlySeries::writable(core::Instant t, std::size_t& i) {
  check_whole_hour(t);
  const std::int64_t c = chunk_of(t, i);
  if (chunks_.empty()) {
    base_ = c;
  } else if (c < base_) {
    chunks_.insert(chunks_.begin(), static_cast<std::size_t>(base_ - c), nullptr);
    base_ = c;
  }
  const auto k = static_cast<std::size_t>(c - base_);
  if (k >= chunks_.size()) chunks_.resize(k + 1);
  auto& p = chunks_[k];
  // Copy-on-write: a chunk another series copy still refers to is duplicated before the write.
  if (!p) p = std::make_shared<Chunk>();
  else if (p.use_count() > 1) p = std::make_shared<Chunk>(*p);
  return *p;
}

HourlySeries::PutResult HourlySeries::put(core::Instant t, double value, bool source_valid, std::uint8_t rank) {
  check_whole_hour(t);
  std::size_t i;
  if (const Chunk* c = find(t, i); c && (c->marks[i] & kPresent) && c->ranks[i] <= rank) return PutResult::kept;
  Chunk& c = writable(t, i);
  const bool had = c.marks[i] & kPresent;
  c.values[i] = value;
  c.ranks[i] = rank;
  c.stamps[i / kBlockHours] = next_stamp();
  c.marks[i] = static_cast<std::uint8_t>((c.marks[i] & (kAuditInvalid | kDust)) | kPresent |
                                         (source_valid ? 0 : kSourceInvalid));
  if (empty()) {
    first_ = last_ = t;
  } else {
    if (t < first_) first_ = t;
    if (t > last_) last_ = t;
  }
  return had ? PutResult::replaced : PutResult::added;
}

void HourlySeries::set_mark(core::Instant t, Mark mark, bool on) {
  std::size_t i;
  if (!on) {
    const Chunk* c = find(t, i);
    if (!c || !(c->marks[i] & mark)) return;  // nothing to lift: no copy, no allocation
  }
  Chunk& c = writable(t, i);
  c.marks[i] = static_cast<std::uint8_t>(on ? (c.marks[i] | mark) : (c.marks[i] & ~mark));
  c.stamps[i / kBlockHours] = next_stamp();
}

bool HourlySeries::latest(core::Instant& t) const {
  if (empty()) return false;
  t = last_;
  return true;
}

double HourlySeries::raw(core::Instant t) const {
  std::size_t i;
  const Chunk* c = find(t, i);
  return c ? c->values[i] : kMissing;
}

std::uint8_t HourlySeries::marks(core::Instant t) const {
  std::size_t i;
  const Chunk* c = find(t, i);
  return c ? c->marks[i] : 0;
}

std::uint8_t HourlySeries::rank(core::Instant t) const {
  std::size_t i;
  const Chunk* c = find(t, i);
  return c && (c->marks[i] & kPresent) ? c->ranks[i] : 255;
}

double HourlySeries::usable(core::Instant t, bool drop_dust) const {
  std::size_t i;
  const Chunk* c = find(t, i);
  if (!c) return kMissing;
  const std::uint8_t m = c->marks[i];
  if (!(m & kPresent) || (m & (kSourceInvalid | kAuditInvalid))) return kMissing;
  if (drop_dust && (m & kDust)) return kMissing;
  return c->values[i];
}

std::uint64_t HourlySeries::changed(core::Instant from, core::Instant to) const {
  std::uint64_t out = 0;
  // One look-up per block: step from the block of `from` to the last block touching `to`.
  for (core::Instant t = from; t < to;) {
    std::size_t i;
    const Chunk* c = find(t, i);
    if (c) out = std::max(out, c->stamps[i / kBlockHours]);
    t += static_cast<core::Instant>(kBlockHours - static_cast<std::int64_t>(i % kBlockHours)) * core::kHour;
  }
  return out;
}

}  // namespace skyriver::engine

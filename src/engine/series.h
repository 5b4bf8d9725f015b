// HourlySeries: one (site, parameter) hourly series held in memory.
//
// Hour t of the series is keyed by its start (UTC seconds, the platform's hour-start
// convention). Each hour holds the raw value (NaN = missing), a byte of marks (whether the
// source flagged it valid (HJ 212 flag N), and the audit marks that sit beside the raw data:
// invalidated, dust-affected) and the rank of the source the value came from (0 = the most
// trusted; see engine.h, SourceRule). Raw values are never changed by marks; `usable()` says
// whether statistics may use an hour.
//
// Storage: fixed chunks of kChunkHours hours aligned on the hour count since 1970, shared
// between copies (copy-on-write): copying a series copies a few pointers, and a write to a
// copy duplicates only the one chunk it touches. The engine relies on this to publish a new
// snapshot per batch without copying years of data. Chunks that hold nothing are not
// allocated, so a stray far-away hour costs a pointer, not the hours in between.
//
// Change stamps: every write (put, set_mark) stamps the 8-hour block of the hour it touches with
// a number from one process-wide counter that only grows, so a block's stamp is larger than
// every stamp that existed before the write. changed(from, to) gives the largest stamp of the
// blocks over [from, to): equal in two snapshots of one series means nothing was written there
// in between (the daily-record cache, air.h, relies on this). Blocks are aligned on the hour
// count since 1970, so a Beijing day (00:00 = 16:00 UTC) is exactly three blocks.
//
// Thread-safety: a series is a value. Concurrent reads of one series are safe; a write needs
// the only reference to that series object (the engine writes only to its private new copy).
#pragma once

#include "core/time.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

namespace skyriver::engine {

enum Mark : std::uint8_t {
  kPresent = 1,        // a value was received for this hour
  kSourceInvalid = 2,  // the source's flag was not N (e.g. M maintenance, D fault, C calibration)
  kAuditInvalid = 4,   // an auditor invalidated it
  kDust = 8,           // an auditor marked it dust-affected (扣沙): excluded from PM statistics
};

class HourlySeries {
 public:
  enum class PutResult { added, replaced, kept };
  // Stores a value for the hour starting at `hour_start` (must be a whole hour; throws
  // core::Error otherwise). An hour already holding a value keeps it unless `rank` is lower
  // (more trusted) than the held value's: the first value of a source stands, as in the store.
  // Audit marks of the hour stay.
  PutResult put(core::Instant hour_start, double value, bool source_valid, std::uint8_t rank = 0);
  void set_mark(core::Instant hour_start, Mark mark, bool on);

  bool empty() const { return last_ < first_; }  // no hour holds a value (marks alone do not count)
  // The first hour holding a value and the end of the latest one (meaningless when empty()).
  core::Instant first() const { return first_; }
  core::Instant end() const { return last_ + core::kHour; }
  // Start of the latest hour holding a value; false if none.
  bool latest(core::Instant& hour_start) const;

  double raw(core::Instant hour_start) const;
  std::uint8_t marks(core::Instant hour_start) const;
  std::uint8_t rank(core::Instant hour_start) const;  // of the held value; 255 when none
  // The value statistics may use: NaN if missing or invalid; dust-affected hours are NaN when
  // `drop_dust` (for PM10/PM2.5 concentrations; the good-day count keeps them).
  double usable(core::Instant hour_start, bool drop_dust = false) const;
  // The largest change stamp of the blocks holding hours of [from, to); 0 when none was written.
  std::uint64_t changed(core::Instant from, core::Instant to) const;

  static constexpr std::int64_t kChunkHours = 2048;  // ~85 days, 20 KiB
  static constexpr std::int64_t kBlockHours = 8;     // change-stamp granularity (divides 24 and 2048)

 private:
  struct Chunk {
    Chunk();
    std::array<double, kChunkHours> values;  // double, not float: means must round as the standards do
    std::array<std::uint8_t, kChunkHours> marks;
    std::array<std::uint8_t, kChunkHours> ranks;
    std::array<std::uint64_t, kChunkHours / kBlockHours> stamps;  // 2 KiB
  };
  const Chunk* find(core::Instant hour_start, std::size_t& i) const;
  Chunk& writable(core::Instant hour_start, std::size_t& i);  // allocates or un-shares the chunk

  std::int64_t base_ = 0;  // chunk number of chunks_[0]
  std::vector<std::shared_ptr<Chunk>> chunks_;
  core::Instant first_ = 1, last_ = 0;  // hours holding values (first_ > last_: none)
};

}  // namespace skyriver::engine

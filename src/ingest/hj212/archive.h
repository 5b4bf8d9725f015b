// The raw archive: every frame the server received, compressed (zstd level 1), append-only, so any
// stored value can be traced to its frame and the whole stream replayed.
//
// One file per server run: <dir>/hj212-<UTC yyyymmddThhmmss>-<pid>.raw.zst (read with zstdcat;
// archives written before 2026-11-29 are .raw.gz, gzip level 1, and replay() reads both), one
// record per line:
//   <received_at UTC seconds>\t<peer>\t<verdict>\t<frame without CR LF>
// verdict: ok | quarantine:<reason> | edition-mismatch. Frames carrying secrets (2025 CN
// 1014 keys, 1072 NewPW) are stored with their CP blanked: no key ever reaches the disk. The
// file is created mode 0600 (accepted frames carry their station's PW, as the standard has it).
// sync() makes everything appended so far durable: it is compressed into one zstd frame,
// written and the file fdatasync'ed (the folder was fsync'ed when the file was created), so a
// power cut after sync() returns loses no record; the ingest server calls it once per group
// commit, before it acknowledges anything. A failed write or sync (a full disk) takes the file
// back to where the last sync() left it and drops the records appended since (the server does
// not acknowledge their frames), so the archive stays readable past the failure. A record is
// referred to as "<file name>:<line>". replay() reads every file of a folder in name order, tolerating the
// torn tail a kill -9 or a power cut leaves.
//
// Not thread-safe: one writer (the server's writer thread).
#pragma once

#include "core/time.h"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace skyriver::hj212 {

class Archive {
 public:
  explicit Archive(const std::string& dir);  // throws core::Error(dir, why)
  ~Archive();
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  // Appends one record; returns "<file name>:<line>".
  std::string append(core::Instant received_at, std::string_view peer, std::string_view verdict,
                     std::string_view frame);
  void sync();  // throws core::Error(file, why) when the data may not be on disk
  const std::string& file() const { return path_; }

 private:
  void compress(int mode);  // a ZSTD_EndDirective
  void rewind() noexcept;   // to the last sync()

  std::string path_, name_;
  int fd_ = -1;
  void* cctx_ = nullptr;  // ZSTD_CCtx
  std::string raw_;       // records appended since the last compress()
  std::string out_;       // compressed bytes on their way to the file
  bool open_frame_ = false;  // compressed bytes written since the last frame's end
  std::uint64_t line_ = 0;
  // Where the last successful sync() left the file: a failed write goes back there.
  off_t synced_size_ = 0;
  std::uint64_t synced_line_ = 0;
};

struct ArchivedFrame {
  std::string file;  // name of the archive file
  std::uint64_t line = 0;
  core::Instant received_at = 0;
  std::string peer, verdict, frame;
};

// Calls `each` for every record of every *.raw.zst and *.raw.gz file in `dir`, in file-name order.
void replay(const std::string& dir, const std::function<void(const ArchivedFrame&)>& each);

// The segment with its CP replaced by "<redacted>" and the CRC recomputed over what is kept:
// for frames whose content must never be stored or logged (key exchange).
std::string redact_frame(std::string_view frame);

// The frame with its PW value replaced by "******" and the CRC recomputed: how a frame refused
// for a wrong password is archived (the wrong password may be another station's or a near miss).
std::string redact_password(std::string_view frame);

}  // namespace skyriver::hj212

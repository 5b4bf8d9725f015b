#include "ingest/hj212/archive.h"

#include "core/error.h"
#include "ingest/hj212/frame.h"

#include <zlib.h>
#include <zstd.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <vector>

namespace skyriver::hj212 {

namespace fs = std::filesystem;

namespace {

void write_all(int fd, const char* p, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) throw core::Error(path, std::string("write to the raw archive failed: ") + std::strerror(errno));
    p += w, n -= static_cast<std::size_t>(w);
  }
}

// Splits decompressed bytes into records: `each` gets every whole line (a torn last line,
// without its LF, is left in `carry` and dropped at the end of the file).
void split_records(std::string_view bytes, std::string& carry, ArchivedFrame& a,
                   const std::function<void(const ArchivedFrame&)>& each) {
  carry.append(bytes);
  std::size_t from = 0;
  for (std::size_t nl; (nl = carry.find('\n', from)) != std::string::npos; from = nl + 1) {
    const std::string_view line(carry.data() + from, nl - from);
    ++a.line;
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1), t3 = line.find('\t', t2 + 1);
    if (t1 == std::string_view::npos || t2 == std::string_view::npos || t3 == std::string_view::npos) continue;
    a.received_at = 0;
    std::from_chars(line.data(), line.data() + t1, a.received_at);
    a.peer = line.substr(t1 + 1, t2 - t1 - 1);
    a.verdict = line.substr(t2 + 1, t3 - t2 - 1);
    a.frame = line.substr(t3 + 1);
    each(a);
  }
  carry.erase(0, from);
}

// Archives written before zstd (gzip level 1): gzgets stops at a torn tail with an error, and
// what came before is kept.
void replay_gzip(const fs::path& f, ArchivedFrame& a, const std::function<void(const ArchivedFrame&)>& each) {
  gzFile gz = gzopen(f.c_str(), "rb");
  if (!gz) throw core::Error(f.string(), "cannot open");
  std::vector<char> buf(1 << 16);
  std::string carry;
  // Line by line: gzgets gives every line before the torn tail (gzread may drop what the
  // failing call had decoded).
  while (gzgets(gz, buf.data(), static_cast<int>(buf.size()))) split_records(buf.data(), carry, a, each);
  gzclose(gz);
}

// The file holds one zstd frame per sync(): after a kill -9 or a power cut the last frame may
// be torn; the decoder gives every whole block and stops there (an error or the end of the
// file), and what came before is kept.
void replay_zstd(const fs::path& f, ArchivedFrame& a, const std::function<void(const ArchivedFrame&)>& each) {
  const int fd = ::open(f.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw core::Error(f.string(), std::string("cannot open: ") + std::strerror(errno));
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  std::vector<char> in(ZSTD_DStreamInSize()), out(ZSTD_DStreamOutSize());
  std::string carry;
  ssize_t n;
  bool broken = false;
  while (!broken && (n = ::read(fd, in.data(), in.size())) > 0) {
    ZSTD_inBuffer ib{in.data(), static_cast<std::size_t>(n), 0};
    while (ib.pos < ib.size) {
      ZSTD_outBuffer ob{out.data(), out.size(), 0};
      if (ZSTD_isError(ZSTD_decompressStream(dctx, &ob, &ib))) {
        broken = true;
        break;
      }
      split_records(std::string_view(out.data(), ob.pos), carry, a, each);
    }
  }
  // What the decoder still holds of the input read (a block whole but not yet given out).
  for (int more = 1; !broken && more;) {
    ZSTD_inBuffer ib{nullptr, 0, 0};
    ZSTD_outBuffer ob{out.data(), out.size(), 0};
    const std::size_t r = ZSTD_decompressStream(dctx, &ob, &ib);
    if (ZSTD_isError(r)) break;
    split_records(std::string_view(out.data(), ob.pos), carry, a, each);
    more = ob.pos == ob.size;
  }
  ZSTD_freeDCtx(dctx);
  ::close(fd);
}

}  // namespace

Archive::Archive(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw core::Error(dir, "cannot create the raw-archive folder: " + ec.message());
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
  name_ = "hj212-" + std::string(stamp) + "-" + std::to_string(::getpid()) + ".raw.zst";
  path_ = (fs::path(dir) / name_).string();
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw core::Error(path_, std::string("cannot open the raw archive for appending: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) == 0) synced_size_ = st.st_size;
  auto* cctx = ZSTD_createCCtx();
  // Level 1: the archive is on the ingest path (its CPU is taken from the store's), and the
  // frames compress well anyway.
  if (!cctx || ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1))) {
    ZSTD_freeCCtx(cctx);
    ::close(fd_);
    throw core::Error(path_, "cannot start the raw archive's compression (zstd)");
  }
  cctx_ = cctx;
  // The new file's name must survive a power cut too: sync the folder once.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool synced = dfd >= 0 && ::fsync(dfd) == 0;
  if (dfd >= 0) ::close(dfd);
  if (!synced) throw core::Error(dir, std::string("cannot sync the raw-archive folder: ") + std::strerror(errno));
}

Archive::~Archive() {
  try {
    if (!raw_.empty() || open_frame_) compress(ZSTD_e_end);  // what was appended after the last sync
  } catch (const core::Error&) {
    // Nothing to tell at this point; whatever was synced before is on disk.
  }
  ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_));
  ::close(fd_);
}

std::string Archive::append(core::Instant received_at, std::string_view peer, std::string_view verdict,
                            std::string_view frame) {
  if (frame.size() >= 2 && frame.substr(frame.size() - 2) == "\r\n") frame.remove_suffix(2);
  char num[24];
  const auto end = std::to_chars(num, num + sizeof num, received_at).ptr;
  raw_.append(num, end);
  raw_ += '\t';
  raw_ += peer;
  raw_ += '\t';
  raw_ += verdict;
  raw_ += '\t';
  const std::size_t at = raw_.size();
  raw_ += frame;
  std::replace_if(raw_.begin() + static_cast<std::ptrdiff_t>(at), raw_.end(), [](char c) { return c == '\n' || c == '\r'; },
                  ' ');  // one record per line
  raw_ += '\n';
  if (raw_.size() >= (1u << 20)) compress(ZSTD_e_continue);  // bounded memory between syncs
  return name_ + ":" + std::to_string(++line_);
}

// Compresses what was appended (ZSTD_e_end: and ends the frame) and writes it to the file. On
// failure the file goes back to its last synced end: the records since then are dropped (their
// frames are not acknowledged) and the next batch starts a new frame there, so a failed write
// never leaves bytes that would stop a reader before later records.
void Archive::compress(int mode) {
  auto* cctx = static_cast<ZSTD_CCtx*>(cctx_);
  const auto directive = static_cast<ZSTD_EndDirective>(mode);
  try {
    ZSTD_inBuffer ib{raw_.data(), raw_.size(), 0};
    out_.resize(ZSTD_compressBound(raw_.size()) + ZSTD_CStreamOutSize());
    std::size_t used = 0;
    for (;;) {
      ZSTD_outBuffer ob{out_.data() + used, out_.size() - used, 0};
      const std::size_t left = ZSTD_compressStream2(cctx, &ob, &ib, directive);
      if (ZSTD_isError(left))
        throw core::Error(path_, std::string("compression of the raw archive failed: ") + ZSTD_getErrorName(left));
      used += ob.pos;
      const bool done = directive == ZSTD_e_continue ? ib.pos == ib.size : left == 0;
      if (done) break;
      if (used == out_.size()) out_.resize(out_.size() * 2);
    }
    raw_.clear();
    open_frame_ = directive != ZSTD_e_end;
    write_all(fd_, out_.data(), used, path_);
  } catch (...) {
    rewind();
    throw;
  }
}

// Back to where the last successful sync() left the file, the compressor and the line count.
void Archive::rewind() noexcept {
  if (::ftruncate(fd_, synced_size_) != 0) {
    // The bytes stay; a reader stops there (replay keeps what came before).
  }
  ZSTD_CCtx_reset(static_cast<ZSTD_CCtx*>(cctx_), ZSTD_reset_session_only);
  raw_.clear();
  open_frame_ = false;
  line_ = synced_line_;
}

void Archive::sync() {
  compress(ZSTD_e_end);  // one frame per batch: the file is whole after every sync
  struct stat st {};
  if (::fdatasync(fd_) != 0 || ::fstat(fd_, &st) != 0) {
    const std::string why = std::strerror(errno);
    rewind();
    throw core::Error(path_, "fdatasync of the raw archive failed: " + why);
  }
  synced_size_ = st.st_size;
  synced_line_ = line_;
}

void replay(const std::string& dir, const std::function<void(const ArchivedFrame&)>& each) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".raw.zst") || name.ends_with(".raw.gz")) files.push_back(e.path());
  }
  if (ec) throw core::Error(dir, "cannot list the raw archive: " + ec.message());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    ArchivedFrame a;
    a.file = f.filename().string();
    if (a.file.ends_with(".gz")) replay_gzip(f, a, each);
    else replay_zstd(f, a, each);
  }
}

std::string redact_frame(std::string_view frame) {
  if (frame.size() >= 2 && frame.substr(frame.size() - 2) == "\r\n") frame.remove_suffix(2);
  const auto cp = frame.find("CP=&&");
  if (frame.size() < 10 || cp == std::string_view::npos) return "<redacted>";
  const std::string seg = std::string(frame.substr(6, cp - 6)) + "CP=&&<redacted>&&";
  return encode_frame(seg).substr(0, seg.size() + 10);  // without CR LF
}

std::string redact_password(std::string_view frame) {
  if (frame.size() >= 2 && frame.substr(frame.size() - 2) == "\r\n") frame.remove_suffix(2);
  if (frame.size() < 10) return std::string(frame);
  std::string seg(frame.substr(6, frame.size() - 10));
  const auto cp = seg.find("CP=&&");
  std::size_t at = seg.rfind(";PW=", cp);
  at = at == std::string::npos ? (seg.rfind("PW=", 0) == 0 ? 0 : std::string::npos) : at + 1;
  if (at == std::string::npos || (cp != std::string::npos && at > cp)) return std::string(frame);
  const auto end = seg.find(';', at);
  seg.replace(at + 3, (end == std::string::npos ? seg.size() : end) - at - 3, "******");
  std::string out = encode_frame(seg);
  out.resize(out.size() - 2);  // without CR LF, like the frames the archive keeps
  return out;
}

}  // namespace skyriver::hj212

#include "ingest/import/line_reader.h"

#include "core/error.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace skyriver::ingest {

LineReader::LineReader(const std::string& path) : path_(path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw core::Error(path, "no such file");
  size_ = std::filesystem::file_size(path, ec);
  gz_ = gzopen(path.c_str(), "rb");  // reads plain files transparently
  if (!gz_) throw core::Error(path, std::string("cannot open: ") + std::strerror(errno));
  gzbuffer(static_cast<gzFile>(gz_), 1 << 17);
  buf_.resize(1 << 16);
}

LineReader::~LineReader() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
}

std::uint64_t LineReader::position() const {
  const auto off = gzoffset(static_cast<gzFile>(gz_));
  return off < 0 ? 0 : static_cast<std::uint64_t>(off);
}

// Moves the unread tail to the front and reads more; grows the buffer for very long lines.
bool LineReader::fill() {
  if (eof_) return false;
  if (start_ > 0) {
    std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
  const int n = gzread(static_cast<gzFile>(gz_), buf_.data() + end_,
                       static_cast<unsigned>(buf_.size() - end_));
  if (n < 0) {
    int err = 0;
    const char* msg = gzerror(static_cast<gzFile>(gz_), &err);
    throw core::Error(path_ + ":" + std::to_string(line_no_ + 1), std::string("read error: ") + msg);
  }
  if (n == 0) eof_ = true;
  end_ += static_cast<std::size_t>(n);
  return n > 0;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scanned = start_;
  for (;;) {
    const char* nl = static_cast<const char*>(
        std::memchr(buf_.data() + scanned, '\n', end_ - scanned));
    if (nl) {
      std::size_t len = static_cast<std::size_t>(nl - (buf_.data() + start_));
      line = std::string_view(buf_.data() + start_, len);
      start_ += len + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no_;
      return true;
    }
    scanned = end_;
    const std::size_t before = start_;
    if (!fill()) {
      if (start_ == end_) return false;
      line = std::string_view(buf_.data() + start_, end_ - start_);  // last line, no newline
      start_ = end_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++line_no_;
      return true;
    }
    scanned = scanned - before + start_;  // fill() moved the data to the front
  }
}

}  // namespace skyriver::ingest

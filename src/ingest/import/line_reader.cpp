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
    throw core::Error(path_ + ":" + std::to_string(line_no_ + 1),
                      std::string("corrupt gzip data (") + msg + "): the file is damaged; nothing after this line was read");
  }
  // zlib reports a compressed stream that ends before its trailer (CRC-32 and length) as
  // Z_BUF_ERROR, already on the read that returns the last bytes: the file was cut short, so
  // those bytes (and the batch in hand) are not trusted.
  int err = 0;
  gzerror(static_cast<gzFile>(gz_), &err);
  if (err == Z_BUF_ERROR)
    throw core::Error(path_ + ":" + std::to_string(line_no_ + 1),
                      "the gzip file is cut short (its end-of-stream trailer with the CRC-32 is missing): the file is "
                      "incomplete; the rows read since the last stored batch are not stored");
  if (n == 0) eof_ = true;
  end_ += static_cast<std::size_t>(n);
  return n > 0;
}

// A line ends at LF, CRLF or a lone CR (old Mac files). The first line loses a UTF-8 BOM.
bool LineReader::next(std::string_view& line) {
  std::size_t scanned = start_;
  for (;;) {
    const char* base = buf_.data();
    const char* from = base + scanned;
    const char* nl = static_cast<const char*>(std::memchr(from, '\n', end_ - scanned));
    const char* stop = nl ? nl : base + end_;
    const char* cr = static_cast<const char*>(std::memchr(from, '\r', static_cast<std::size_t>(stop - from)));
    std::size_t len = 0, skip = 0;
    if (cr && cr + 1 != nl) {
      if (cr + 1 == base + end_ && !eof_) {
        // A CR at the end of what is read: CRLF or a lone CR is known after the next byte.
        scanned = static_cast<std::size_t>(cr - base);
        const std::size_t before = start_;
        fill();
        scanned = scanned - before + start_;
        continue;
      }
      len = static_cast<std::size_t>(cr - (base + start_)), skip = 1;  // a lone CR
    } else if (nl) {
      len = static_cast<std::size_t>(nl - (base + start_)), skip = 1;
      if (len > 0 && nl[-1] == '\r') --len, ++skip;  // CRLF
    } else {
      scanned = end_;
      const std::size_t before = start_;
      if (!fill()) {
        if (start_ == end_) return false;
        len = end_ - start_, skip = 0;  // last line, no newline
      } else {
        scanned = scanned - before + start_;  // fill() moved the data to the front
        continue;
      }
    }
    line = std::string_view(buf_.data() + start_, len);
    start_ += len + skip;
    if (line_no_ == 0 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    ++line_no_;
    return true;
  }
}

}  // namespace skyriver::ingest

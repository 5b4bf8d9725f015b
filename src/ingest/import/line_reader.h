// Streams the lines of a text file, plain or gzip-compressed (detected from the content, not
// the name), one at a time with its 1-based line number. LF, CRLF and a lone CR (old Mac
// files) each end a line; the last line may lack its newline; a UTF-8 byte-order mark before
// the first line is dropped. Memory use is one buffer, whatever the file size.
//
// A gzip file must be whole: data that fails its check (CRC) or a stream cut short before its
// trailer (also when the cut falls on a line boundary) throws core::Error("file:line", why)
// when the reader reaches it, so an importer fails the batch in hand instead of storing a
// truncated file as if it were complete.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace skyriver::ingest {

class LineReader {
 public:
  explicit LineReader(const std::string& path);  // throws core::Error(path, why)
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its line ending; false at the end of the file.
  bool next(std::string_view& line);
  std::size_t line_number() const { return line_no_; }
  // Bytes of the file (compressed bytes for .gz) consumed so far, and the file size: progress.
  std::uint64_t position() const;
  std::uint64_t size() const { return size_; }

 private:
  bool fill();
  std::string path_;
  void* gz_ = nullptr;  // gzFile
  std::string buf_;
  std::size_t start_ = 0, end_ = 0;
  bool eof_ = false;
  std::size_t line_no_ = 0;
  std::uint64_t size_ = 0;
};

}  // namespace skyriver::ingest

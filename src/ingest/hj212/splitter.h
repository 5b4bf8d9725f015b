// Cuts a TCP byte stream into HJ 212 frames. Bytes arrive in any chunking: partial frames
// wait for more, several frames in one read all come out, bytes before "##" are skipped.
// A frame ends at the first CR LF (no field of the data segment may hold CR or LF); when
// several "##" precede that CR LF, the last one starts the frame (the earlier ones were
// torn frames). A frame longer than max_frame without a CR LF is dropped and counted.
// The splitter never judges a frame: parse_frame does.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace skyriver::hj212 {

class FrameSplitter {
 public:
  explicit FrameSplitter(std::size_t max_frame = 8192) : max_frame_(max_frame) {}

  void feed(std::string_view bytes);
  // The next complete frame (from "##" through CR LF), or nullopt until more bytes arrive.
  std::optional<std::string> next();

  std::size_t buffered() const { return buf_.size() - pos_; }
  std::size_t skipped_bytes() const { return skipped_; }  // garbage between frames
  std::size_t oversize_frames() const { return oversize_; }

 private:
  std::string buf_;
  std::size_t pos_ = 0;  // start of unconsumed bytes
  std::size_t max_frame_;
  std::size_t skipped_ = 0, oversize_ = 0;
};

}  // namespace skyriver::hj212

#include "ingest/hj212/splitter.h"

namespace skyriver::hj212 {

void FrameSplitter::feed(std::string_view bytes) {
  if (pos_ > 0 && pos_ * 2 >= buf_.size()) {  // compact lazily: amortised O(1) per byte
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
}

std::optional<std::string> FrameSplitter::next() {
  for (;;) {
    const std::string_view v(buf_.data() + pos_, buf_.size() - pos_);
    const std::size_t crlf = v.find("\r\n");
    if (crlf == std::string_view::npos) {
      const std::size_t start = v.find("##");
      if (start == std::string_view::npos) {
        // Keep a trailing '#' that may begin the next "##"; the rest is garbage.
        const std::size_t keep = !v.empty() && v.back() == '#' ? 1 : 0;
        skipped_ += v.size() - keep;
        pos_ += v.size() - keep;
      } else {
        skipped_ += start;
        pos_ += start;
        if (v.size() - start > max_frame_) {  // no end in sight: drop it, look for the next "##"
          ++oversize_;
          pos_ += 2;
          continue;
        }
      }
      return std::nullopt;
    }
    const std::string_view line = v.substr(0, crlf);
    const std::size_t start = line.rfind("##");
    if (start == std::string_view::npos || crlf + 2 - start > max_frame_) {
      if (start == std::string_view::npos) skipped_ += crlf + 2;
      else ++oversize_, skipped_ += start;
      pos_ += crlf + 2;
      continue;
    }
    skipped_ += start;
    std::string frame(v.substr(start, crlf + 2 - start));
    pos_ += crlf + 2;
    return frame;
  }
}

}  // namespace skyriver::hj212

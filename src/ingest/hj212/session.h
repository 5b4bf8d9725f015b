// The protocol side of one station connection, without sockets: bytes in (any chunking),
// answers to send at once and jobs for the writer out. The TCP session of server.cpp wraps
// one; the session fuzzer (fuzz/hj212_session_fuzz.cpp) drives one with arbitrary bytes.
//
// Contract:
// - Frames are cut from the stream by FrameSplitter (splitter.h) and handled in arrival order
//   by the server's Dispatcher (dispatch.h).
// - Memory: at most max_frame bytes of a partial frame are held; nothing else is kept per
//   connection (split packets are handled part by part, dispatch.h).
// Not thread-safe: one thread at a time (the connection's strand). The Dispatcher is shared.
#pragma once

#include "ingest/hj212/dispatch.h"
#include "ingest/hj212/splitter.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::hj212 {

class SessionLogic {
 public:
  SessionLogic(Dispatcher& dispatcher, std::string peer, std::size_t max_frame);

  // Handles every frame these bytes complete: answers to send now are appended to `answers`,
  // work for the writer to `jobs` (each job's own answers go out once it is durable).
  void feed(std::string_view bytes, core::Instant now, std::vector<std::string>& answers, std::vector<Job>& jobs);

  const std::string& peer() const { return peer_; }
  std::size_t buffered() const { return split_.buffered(); }  // bytes of a partial frame
  std::uint64_t frames() const { return frames_; }             // complete frames handled
  std::size_t garbage_bytes() const { return split_.skipped_bytes(); }
  std::size_t oversize_frames() const { return split_.oversize_frames(); }

 private:
  Dispatcher& dispatcher_;
  std::string peer_;
  FrameSplitter split_;
  std::uint64_t frames_ = 0;
};

}  // namespace skyriver::hj212

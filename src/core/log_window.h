// Rate-limited logging by time window, for lines a remote sender can trigger at will (refused
// HJ 212 frames, unknown MNs, bad values). It replaces a "log once" memory of keys, which a
// flood of fresh keys filled for good, silencing every later line (issue 27, item 10).
//
// Contract:
// - Events have a category ("unknown MN", "wrong password for MN 0100...", ...) and a subject
//   (the MN or address it is about). The first event of a category in a window is logged in
//   full at once; later ones in the same window are only counted. When the window ends
//   (flush(), or the next event after it), each category with counted events gets one summary
//   line: "<n> more <category> events from <k> distinct <subjects> in the last <w> s; first: <line>".
//   Nothing is silenced for longer than one window.
// - Memory is bounded per window: at most kMaxCategories categories (further ones are counted
//   under "other") and kMaxSubjects distinct subjects in all (beyond: "at least").
// - Times are core::Instant seconds given by the caller.
// Thread-safe.
#pragma once

#include "core/time.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

namespace skyriver::core {

class WindowedLog {
 public:
  static constexpr std::size_t kMaxCategories = 1000, kMaxSubjects = 50000;

  // `prefix` starts every line ("hj212: ").
  WindowedLog(std::shared_ptr<spdlog::logger> log, std::chrono::seconds window, std::string prefix);

  // One event. `message` is called only when the line is written (suppressed events cost no
  // formatting). Returns true when it was written in full.
  bool event(std::string_view category, std::string_view subject, spdlog::level::level_enum level,
             const std::function<std::string()>& message, Instant now);
  // Ends the window if it is over (writes its summaries). Call it now and then (a timer), so
  // that the summary of a burst does not wait for the next event.
  void flush(Instant now);

  std::uint64_t suppressed() const;  // events counted, not written in full, since the start

 private:
  struct Category {
    spdlog::level::level_enum level = spdlog::level::warn;
    std::string first;  // the line written in full
    std::uint64_t more = 0;
    std::unordered_set<std::string> subjects;
    bool subjects_capped = false;
  };
  // REQUIRES: mu_ held.
  void end_window_locked(Instant now);

  std::shared_ptr<spdlog::logger> log_;
  std::chrono::seconds window_;
  std::string prefix_;
  mutable std::mutex mu_;
  Instant start_ = 0;  // of the current window (0: none open)
  std::map<std::string, Category, std::less<>> cats_;
  std::size_t subjects_ = 0;  // in all categories of the window
  std::uint64_t suppressed_ = 0;
};

}  // namespace skyriver::core

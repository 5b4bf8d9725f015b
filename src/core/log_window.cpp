#include "core/log_window.h"

#include <fmt/format.h>

#include <vector>

namespace skyriver::core {

WindowedLog::WindowedLog(std::shared_ptr<spdlog::logger> log, std::chrono::seconds window, std::string prefix)
    : log_(log ? std::move(log) : spdlog::default_logger()), window_(window), prefix_(std::move(prefix)) {}

void WindowedLog::end_window_locked(Instant now) {
  if (start_ == 0 || now < start_ + window_.count()) return;
  for (const auto& [name, c] : cats_) {
    if (c.more == 0) continue;
    log_->log(c.level, "{}{} more '{}' events from {}{} distinct {} in the last {} s; first: {}", prefix_, c.more, name,
              c.subjects_capped ? "at least " : "", c.subjects.size(), c.subjects.size() == 1 ? "subject" : "subjects",
              now - start_, c.first);
  }
  cats_.clear();
  subjects_ = 0;
  start_ = 0;
}

bool WindowedLog::event(std::string_view category, std::string_view subject, spdlog::level::level_enum level,
                        const std::function<std::string()>& message, Instant now) {
  std::unique_lock lk(mu_);
  end_window_locked(now);
  if (start_ == 0) start_ = now > 0 ? now : 1;
  auto it = cats_.find(category);
  if (it == cats_.end()) {
    if (cats_.size() >= kMaxCategories) category = "other";
    it = cats_.find(category);
  }
  if (it != cats_.end()) {
    Category& c = it->second;
    ++c.more;
    ++suppressed_;
    if (subjects_ < kMaxSubjects) subjects_ += c.subjects.emplace(subject).second;
    else if (!c.subjects.count(std::string(subject))) c.subjects_capped = true;
    return false;
  }
  Category& c = cats_[std::string(category)];
  c.level = level;
  c.first = message();
  log_->log(level, "{}{}", prefix_, c.first);
  return true;
}

void WindowedLog::flush(Instant now) {
  std::lock_guard lk(mu_);
  end_window_locked(now);
}

std::uint64_t WindowedLog::suppressed() const {
  std::lock_guard lk(mu_);
  return suppressed_;
}

}  // namespace skyriver::core

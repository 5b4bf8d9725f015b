#include "engine/series.h"

#include "core/error.h"

#include <limits>

namespace skyriver::engine {

static constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

bool HourlySeries::index(core::Instant t, std::size_t& i) const {
  if (values_.empty() || t < origin_ || t >= end()) return false;
  i = static_cast<std::size_t>((t - origin_) / core::kHour);
  return true;
}

std::size_t HourlySeries::slot(core::Instant t) {
  if (t % core::kHour != 0) throw core::Error("engine", "hour start " + std::to_string(t) + " is not a whole hour");
  if (values_.empty()) {
    origin_ = t;
    // Reserve a year ahead: series are appended hour by hour.
    values_.reserve(24 * 366);
    marks_.reserve(24 * 366);
  }
  if (t < origin_) {
    const auto add = static_cast<std::size_t>((origin_ - t) / core::kHour);
    values_.insert(values_.begin(), add, kMissing);
    marks_.insert(marks_.begin(), add, 0);
    origin_ = t;
    if (latest_) latest_ += add;
  }
  const auto i = static_cast<std::size_t>((t - origin_) / core::kHour);
  if (i >= values_.size()) {
    values_.resize(i + 1, kMissing);
    marks_.resize(i + 1, 0);
  }
  return i;
}

void HourlySeries::put(core::Instant t, double value, bool source_valid) {
  const std::size_t i = slot(t);
  values_[i] = value;
  marks_[i] = static_cast<std::uint8_t>((marks_[i] & (kAuditInvalid | kDust)) | kPresent |
                                        (source_valid ? 0 : kSourceInvalid));
  if (i + 1 > latest_) latest_ = i + 1;
}

void HourlySeries::set_mark(core::Instant t, Mark mark, bool on) {
  const std::size_t i = slot(t);
  marks_[i] = static_cast<std::uint8_t>(on ? (marks_[i] | mark) : (marks_[i] & ~mark));
}

bool HourlySeries::latest(core::Instant& t) const {
  if (!latest_) return false;
  t = origin_ + static_cast<core::Instant>(latest_ - 1) * core::kHour;
  return true;
}

double HourlySeries::raw(core::Instant t) const {
  std::size_t i;
  return index(t, i) ? values_[i] : kMissing;
}

std::uint8_t HourlySeries::marks(core::Instant t) const {
  std::size_t i;
  return index(t, i) ? marks_[i] : 0;
}

double HourlySeries::usable(core::Instant t, bool drop_dust) const {
  std::size_t i;
  if (!index(t, i)) return kMissing;
  const std::uint8_t m = marks_[i];
  if (!(m & kPresent) || (m & (kSourceInvalid | kAuditInvalid))) return kMissing;
  if (drop_dust && (m & kDust)) return kMissing;
  return values_[i];
}

}  // namespace skyriver::engine

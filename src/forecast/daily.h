// The day-1..3 daily AQI forecast of an area, in the form Chinese bureaus publish it (an AQI
// range, the levels it spans, the primary pollutant), and the point where each new issue is
// published. This is the contract between the forecast (which publishes after every issue)
// and the heavy-pollution warnings (which subscribe and propose a level).
//
// DailyAqiBoard is thread-safe: publish() may run on the forecaster's thread while readers
// call latest() and listeners are called on the publishing thread, after the board is updated.
#pragma once

#include "core/time.h"

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace skyriver::forecast {

struct DailyAqi {
  std::string area;          // area code as in the city configuration ("140200")
  core::Instant issued = 0;  // when the forecast was issued
  core::Date day;            // the Beijing calendar day forecast
  int lead_day = 1;          // 1 = tomorrow's ... as counted from `issued` (1..3)
  int aqi = 0;               // central daily AQI
  int aqi_low = 0, aqi_high = 0;  // the published range (from the model's own errors)
  std::string primary;       // primary pollutant code ("pm25", "o3_8h", ...; "" when AQI <= 50)
  std::string basis;         // "model <version>" or the fallback's reason
  std::string kind;          // "dust" when the forecaster marks a dust day (沙尘), else ""
};

class DailyAqiBoard {
 public:
  using Listener = std::function<void(const std::vector<DailyAqi>&)>;
  // Replaces the board's forecasts of every area in `issue` and tells the listeners.
  void publish(const std::vector<DailyAqi>& issue) {
    std::vector<Listener> listeners;
    {
      std::lock_guard lock(mutex_);
      for (const DailyAqi& d : issue) latest_[d.area].clear();
      for (const DailyAqi& d : issue) latest_[d.area].push_back(d);
      listeners = listeners_;
    }
    for (const auto& f : listeners) f(issue);
  }
  void subscribe(Listener f) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(std::move(f));
  }
  std::vector<DailyAqi> latest(const std::string& area) const {
    std::lock_guard lock(mutex_);
    auto it = latest_.find(area);
    return it == latest_.end() ? std::vector<DailyAqi>{} : it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<DailyAqi>> latest_;
  std::vector<Listener> listeners_;
};

}  // namespace skyriver::forecast

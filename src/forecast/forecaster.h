// Forecaster: the forecast at work in `skyriver serve`.
//
// On a background thread it
//   - loads the newest model set saved under the models folder (var/models), or trains one from
//     the engine's history when there is none (first start: forecasts are fallbacks until then);
//   - issues a forecast whenever the data's latest air hour moves on (the platform's "now" is
//     the data's, so the bundled 2019 sample issues once), after reading the weather service's
//     point forecasts from the store (records kind "weather_forecast") into the future hours;
//   - retrains when the data has moved `retrain_days` (default 7) past the model's training
//     end, then issues again; it logs why it trains;
//   - keeps every issue in the store's records journal (kind "forecast", key "site:<id>" or
//     "area:<code>", at = issue time; body = the place's forecast JSON without the time list)
//     and publishes the areas' day-1..3 daily AQI on the DailyAqiBoard.
// The latest issue is held in memory for the API.
//
// Thread-safe: latest(), status() and the listeners may be used from any thread; listeners are
// called on the forecaster's thread after the issue is stored.
#pragma once

#include "engine/engine.h"
#include "forecast/daily.h"
#include "forecast/issue.h"
#include "forecast/model_set.h"
#include "store/store.h"

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace skyriver::store {
class Store;
}

namespace skyriver::forecast {

inline constexpr const char* kForecastKind = "forecast";

struct ForecasterOptions {
  std::string models_dir = "var/models";
  int retrain_days = 7;       // retrain when the data is this far past the training end
  int training_days = 3 * 366;  // history a training run reads (at most)
  int history_days = 31;      // history an issue reads (features reach 30 days back)
  double poll_seconds = 30;   // how often the thread looks at the data's latest hour
  bool train = true;          // false: never train (use saved models or the fallback)
  bool store_issues = true;
  int threads = 2;
  int max_rounds = 0;         // cap on boosting rounds (0 = the tuned settings; tests use a few)
  std::vector<int> pollutants;  // the pollutants to train (empty = all six)
};

// Trains a model set on the engine's history up to its latest air hour (blocking).
// REQUIRES: not inside Engine::read(). Throws core::Error when there is no air data.
// `cancelled` as TrainOptions::cancelled.
ModelSet train_from_engine(const engine::Engine& e, const ForecasterOptions& o,
                           const std::function<void(const std::string&)>& log = {},
                           const std::function<bool()>& cancelled = {});

// Reads the weather service's point forecasts issued at or before `issued` (the newest issue
// per place, issued within 3 days) into the panel's hours after `t`: a site's own forecast,
// else its area's, else the area's parents'. Returns how many sites got one.
int apply_weather_forecasts(store::Store& s, const engine::Engine& e, Panel& panel, int t, core::Instant issued);

// The body of a forecast record and the record key of a place.
nlohmann::json record_body(const PlaceForecast& p, const Issue& issue);
std::string record_key(const PlaceForecast& p);

// One stored issue per (place, issue hour), the rule `forecast score` counts by and issue()
// journals by: a record with a model replaces a fallback one (model_version "") of the same key
// and hour, never the other way round; of two alike, the later counts. A record whose key and
// hour the journal already holds with the same model version is not written again (a restart
// issues the latest hour once more).
bool replaces(const std::string& newer_version, const std::string& older_version);
// The records that count, in journal order (`records` in journal order, any kinds of body).
std::vector<store::Record> one_per_issue(std::vector<store::Record> records);

// The models folder beside a store: <folder of the SQLite file>/models, or var/models for a
// server URL.
std::string models_dir_for(const std::string& store_url);

class Forecaster {
 public:
  using Listener = std::function<void(const Issue&)>;
  Forecaster(engine::Engine& e, std::string store_url, DailyAqiBoard* board, ForecasterOptions o);
  ~Forecaster();  // stops the thread

  void on_issue(Listener l);
  // Loads the newest saved model set and issues once, now, on the caller's thread (no
  // training): `serve` calls it before it answers, so /api/forecast has an issue at once.
  void prime();
  void start();  // the background thread
  // One step of the thread (tests): load or train when due, issue when the data moved.
  void step();

  std::shared_ptr<const Issue> latest() const;
  std::shared_ptr<const ModelSet> models() const;
  nlohmann::json status() const;

 private:
  void issue(core::Instant latest_hour);
  std::optional<core::Instant> issue_if_due();  // loads the saved set once; the data's latest hour
  void log(const std::string& line);

  engine::Engine& engine_;
  std::string url_;
  DailyAqiBoard* board_;
  ForecasterOptions o_;
  std::unique_ptr<store::Store> store_;  // the thread's own connection

  mutable std::mutex mutex_;
  std::shared_ptr<const Issue> latest_;
  std::shared_ptr<const ModelSet> models_;
  std::vector<Listener> listeners_;
  std::string state_ = "starting";
  std::string last_training_reason_;
  std::optional<core::Instant> issued_for_;  // the data hour of the latest issue
  std::string issued_with_;                  // the model version of the latest issue
  bool tried_saved_ = false;
  std::optional<core::Instant> tried_training_for_;  // the data hour of the last training run

  std::mutex thread_mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace skyriver::forecast

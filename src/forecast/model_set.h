// ModelSet: everything one training run produced — for every pollutant, one direct model per
// block of horizons (kBlocks), without and (when the history holds weather) with future
// weather, the smoothed climatology they read, and the model card: version, training range,
// features, held-out scores. Saved as one folder under the models directory
// (var/models/<version>/: card.json, climatology.json, one XGBoost JSON file per model).
//
// Training (train_models) reads only the panel hours before `end`; the last quarter (at most a
// year) of them is held out for the number of rounds, the scores and the interval quantiles.
// A loaded ModelSet is read-only: predict from several threads at once.
#pragma once

#include "forecast/horizon_model.h"

#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace skyriver::forecast {

// Blocks of horizons (hours ahead) with one model each. Hours past 72 serve only the third day
// of the daily forecast (a day 3 that ends more than 72 h after the issue).
inline constexpr std::array<std::array<int, 2>, 8> kBlocks{
    {{1, 1}, {2, 3}, {4, 6}, {7, 12}, {13, 24}, {25, 48}, {49, 72}, {73, 96}}};
inline constexpr int kMaxHorizon = 96;

// Booster settings by horizon and weather, chosen on the years before the backtest's test year
// (docs/forecast.md): deep trees where the recent past says much (first hours), shallow ones
// where the anchor already holds most of what can be known without weather.
BoosterParams params_for(Weather weather, int h_first);

struct TrainOptions {
  int end = 0;                    // panel hours < end are the training span
  std::vector<int> pollutants{kPm25, kPm10, kSo2, kNo2, kCo, kO3};
  bool with_weather = true;       // also the future-weather models when the panel holds weather
  int issue_step = 2;             // train on every n-th issue hour
  int threads = 2;
  int min_days = 60;              // fewer days of a pollutant: no model (the fallback serves)
  int max_rounds = 0;             // cap on boosting rounds (0 = params_for's; tests use a few)
  std::function<void(const std::string&)> log;
  std::function<bool()> cancelled;  // asked before every model and boosting round (booster.h)
};

struct ModelSet {
  std::string version;            // "<training end, YYYYMMDDHH>-<trained at, unix seconds>"
  core::Instant trained_at = 0;
  core::Instant from = 0, to = 0;  // training range: hours [from, to)
  std::vector<std::string> sites;
  Climatology clim;               // smoothed, fitted on the training range
  std::vector<HorizonModel> models;
  std::vector<std::string> notes;  // pollutants without a model and why

  // The model for (weather, pollutant, horizon); nullptr when none was trained.
  const HorizonModel* find(Weather w, int var, int h) const;
  bool has_weather() const;
  nlohmann::json card() const;

  void save(const std::string& models_dir) const;  // creates models_dir/<version>/
  static ModelSet load(const std::string& folder);
  // The newest saved set in models_dir (by training end, then time trained); nullopt if none.
  static std::optional<std::string> newest(const std::string& models_dir);
};

ModelSet train_models(const Panel& panel, const TrainOptions& options);

// HorizonModel <-> JSON (the trees as XGBoost's own JSON, kept in a separate file).
nlohmann::json to_json(const HorizonModel& m);
HorizonModel horizon_model_from_json(const nlohmann::json& j, const std::string& booster_bytes);

}  // namespace skyriver::forecast

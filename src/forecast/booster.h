// Booster: gradient-boosted regression trees through XGBoost's C API (Debian libxgboost-dev),
// in the few shapes the forecast needs: train on a dense matrix with an offset per row (the
// "anchor" the trees correct), optionally stop early on a validation matrix, predict, and save
// to / load from bytes (XGBoost's own JSON model format).
//
// Contract: every XGBoost failure throws core::Error("xgboost", its message). Missing feature
// values are NaN. A Booster is movable, not copyable. predict() is const and may run on several
// threads at once (it takes the booster's own lock: XGBoost keeps prediction caches).
#pragma once

#include "forecast/cancel.h"
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace skyriver::forecast {

// Rows of features, row-major, with a label and an offset (base margin) per row.
struct Matrix {
  int cols = 0;
  std::vector<float> x;       // rows * cols
  std::vector<float> label;   // empty for prediction
  std::vector<float> offset;  // one per row; prediction = offset + trees
  std::size_t rows() const { return cols ? x.size() / std::size_t(cols) : 0; }
};

struct BoosterParams {
  int max_depth = 7;
  double eta = 0.05;
  double min_child_weight = 20;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double lambda = 1.0;
  int max_bin = 64;     // coarse bins: several times faster, no loss seen at these sizes
  int threads = 2;
  int max_rounds = 1500;
  int early_stop = 20;  // rounds without improvement on the validation set
  std::uint64_t seed = 1;
  // Asked before every boosting round; true stops the training with TrainingCancelled (a
  // server stopping does not wait for a training run of minutes).
  std::function<bool()> cancelled;
};


class Booster {
 public:
  Booster();
  ~Booster();
  Booster(Booster&&) noexcept;
  Booster& operator=(Booster&&) noexcept;
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;

  // Trains on `train`. With `valid`, stops after params.early_stop rounds without a lower
  // validation RMSE and keeps the best number of rounds (rounds()); without, trains `rounds`
  // rounds (0 = params.max_rounds).
  static Booster train(const Matrix& train, const Matrix* valid, const BoosterParams& params,
                       int rounds = 0);

  int rounds() const { return rounds_; }
  std::vector<float> predict(const Matrix& m) const;

  std::string save() const;  // XGBoost JSON model
  static Booster load(const std::string& bytes, int threads = 1);

 private:
  void* handle_ = nullptr;
  int rounds_ = 0;
  std::unique_ptr<std::mutex> lock_;
};

}  // namespace skyriver::forecast

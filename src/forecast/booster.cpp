#include "forecast/booster.h"

#include "core/error.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <limits>

namespace skyriver::forecast {

namespace {

void check(int rc) {
  if (rc != 0) throw core::Error("xgboost", XGBGetLastError());
}

// A DMatrix that frees itself.
struct DMatrix {
  DMatrixHandle h = nullptr;
  explicit DMatrix(const Matrix& m) {
    if (m.cols <= 0 || m.rows() == 0) throw core::Error("xgboost", "empty matrix");
    check(XGDMatrixCreateFromMat_omp(m.x.data(), m.rows(), bst_ulong(m.cols), NAN, &h, 0));
    if (!m.label.empty()) check(XGDMatrixSetFloatInfo(h, "label", m.label.data(), m.label.size()));
    if (!m.offset.empty())
      check(XGDMatrixSetFloatInfo(h, "base_margin", m.offset.data(), m.offset.size()));
  }
  ~DMatrix() {
    if (h) XGDMatrixFree(h);
  }
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
};

void set(BoosterHandle b, const char* key, const std::string& value) {
  check(XGBoosterSetParam(b, key, value.c_str()));
}

// "[12]\tvalid-rmse:23.45" -> 23.45
double parse_metric(const char* text) {
  std::string s(text);
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) return std::numeric_limits<double>::infinity();
  return std::stod(s.substr(colon + 1));
}

}  // namespace

Booster::Booster() : lock_(std::make_unique<std::mutex>()) {}
Booster::~Booster() {
  if (handle_) XGBoosterFree(handle_);
}
Booster::Booster(Booster&& o) noexcept
    : handle_(o.handle_), rounds_(o.rounds_), lock_(std::move(o.lock_)) {
  o.handle_ = nullptr;
}
Booster& Booster::operator=(Booster&& o) noexcept {
  if (this != &o) {
    if (handle_) XGBoosterFree(handle_);
    handle_ = o.handle_, rounds_ = o.rounds_, lock_ = std::move(o.lock_);
    o.handle_ = nullptr;
  }
  return *this;
}

Booster Booster::train(const Matrix& train, const Matrix* valid, const BoosterParams& p, int rounds) {
  DMatrix dtrain(train);
  std::unique_ptr<DMatrix> dvalid;
  if (valid) dvalid = std::make_unique<DMatrix>(*valid);
  Booster b;
  DMatrixHandle cache[2] = {dtrain.h, dvalid ? dvalid->h : nullptr};
  check(XGBoosterCreate(cache, dvalid ? 2 : 1, &b.handle_));
  set(b.handle_, "objective", "reg:squarederror");
  set(b.handle_, "tree_method", "hist");
  set(b.handle_, "max_depth", std::to_string(p.max_depth));
  set(b.handle_, "eta", std::to_string(p.eta));
  set(b.handle_, "min_child_weight", std::to_string(p.min_child_weight));
  set(b.handle_, "subsample", std::to_string(p.subsample));
  set(b.handle_, "colsample_bytree", std::to_string(p.colsample_bytree));
  set(b.handle_, "lambda", std::to_string(p.lambda));
  set(b.handle_, "max_bin", std::to_string(p.max_bin));
  set(b.handle_, "nthread", std::to_string(p.threads));
  set(b.handle_, "seed", std::to_string(p.seed));
  set(b.handle_, "verbosity", "0");
  const int max_rounds = valid ? p.max_rounds : (rounds > 0 ? rounds : p.max_rounds);
  double best = std::numeric_limits<double>::infinity();
  int best_round = 0;
  for (int i = 0; i < max_rounds; ++i) {
    if (p.cancelled && p.cancelled()) throw TrainingCancelled();
    check(XGBoosterUpdateOneIter(b.handle_, i, dtrain.h));
    if (!valid) continue;
    const char* names[1] = {"valid"};
    const char* out = nullptr;
    check(XGBoosterEvalOneIter(b.handle_, i, &dvalid->h, names, 1, &out));
    const double rmse = parse_metric(out);
    if (rmse < best) best = rmse, best_round = i + 1;
    if (i + 1 - best_round >= p.early_stop) break;
  }
  b.rounds_ = valid ? best_round : max_rounds;
  if (valid) {  // keep only the best rounds
    BoosterHandle sliced = nullptr;
    check(XGBoosterSlice(b.handle_, 0, b.rounds_, 1, &sliced));
    XGBoosterFree(b.handle_);
    b.handle_ = sliced;
  }
  return b;
}

std::vector<float> Booster::predict(const Matrix& m) const {
  if (!handle_) throw core::Error("xgboost", "predict on an empty booster");
  DMatrix d(m);
  std::lock_guard lock(*lock_);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  const char* config =
      R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false})";
  check(XGBoosterPredictFromDMatrix(handle_, d.h, config, &shape, &dim, &out));
  return std::vector<float>(out, out + m.rows());
}

std::string Booster::save() const {
  if (!handle_) throw core::Error("xgboost", "save of an empty booster");
  bst_ulong len = 0;
  const char* data = nullptr;
  std::lock_guard lock(*lock_);
  check(XGBoosterSaveModelToBuffer(handle_, R"({"format": "json"})", &len, &data));
  return std::string(data, len);
}

Booster Booster::load(const std::string& bytes, int threads) {
  Booster b;
  check(XGBoosterCreate(nullptr, 0, &b.handle_));
  check(XGBoosterLoadModelFromBuffer(b.handle_, bytes.data(), bst_ulong(bytes.size())));
  set(b.handle_, "nthread", std::to_string(threads));
  check(XGBoosterBoostedRounds(b.handle_, &b.rounds_));
  return b;
}

}  // namespace skyriver::forecast

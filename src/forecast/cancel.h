// Cancellation of long forecast work (training a model set): a predicate asked at safe points
// (before each model and boosting round, per site of a climatology fit, every few thousand
// feature rows); when it answers true the work stops by throwing TrainingCancelled, so a
// stopping server never waits for a training run of minutes. An empty predicate never cancels.
#pragma once

#include <functional>
#include <stdexcept>

namespace skyriver::forecast {

using Cancelled = std::function<bool()>;

// Thrown when a Cancelled predicate (BoosterParams::cancelled, TrainOptions::cancelled) said stop.
struct TrainingCancelled : std::runtime_error {
  TrainingCancelled() : std::runtime_error("training cancelled") {}
};

inline void stop_if(const Cancelled& cancelled) {
  if (cancelled && cancelled()) throw TrainingCancelled();
}

}  // namespace skyriver::forecast

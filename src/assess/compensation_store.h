// Adapter: the compensation's samples read from the store (observations of the rules' sections,
// factors only, for the period and the same period a year earlier), with auditors' marks applied:
// an observation whose latest mark is "invalid" is kept but counted as excluded.
#pragma once

#include "assess/compensation.h"
#include "store/store.h"

#include <optional>
#include <vector>

namespace skyriver::assess {

std::vector<Sample> samples_from_store(store::Store& db, const Rules& rules, const Period& period,
                                       std::optional<store::Interval> interval = std::nullopt);

}  // namespace skyriver::assess

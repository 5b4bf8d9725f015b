// Filling the engine: sites and areas from the city configuration, hourly observations and
// audit marks from the store, and later refreshes that pick up what another process (e.g.
// `skyriver import`) wrote meanwhile.
//
// Only hourly observations are held. When several sources hold the same hour (e.g. a CNEMC
// file and HJ 212), the first in the store's scan order is kept. Audit marks apply in the
// store's order; a later "valid" lifts earlier marks of the same hour.
#pragma once

#include "engine/engine.h"
#include "model/city.h"
#include "store/store.h"

namespace skyriver::engine {

void set_city(Engine& e, const model::CityConfig& city);

struct LoadReport {
  std::size_t values = 0, marks = 0;
  double seconds = 0;
};
LoadReport load(Engine& e, store::Store& s);

// Re-reads hourly observations and marks from the store and applies (and announces to the
// listeners) only the values the engine does not hold yet. Returns how many were new.
std::size_t refresh(Engine& e, store::Store& s);

// Applies one audit mark to the engine.
void apply_mark(Engine& e, const store::AuditMark& m);

// Engine updates from observations just stored (HJ 212, upload); non-hourly ones are skipped.
std::vector<Update> updates_of(std::span<const store::Observation> obs);

}  // namespace skyriver::engine

// Filling the engine: sites, areas, parameter codes and the source rule from the city
// configuration, hourly observations and audit marks from the store, and later refreshes that
// pick up what was written meanwhile (an upload, or `skyriver import` in another process).
//
// Which value an hour shows when several sources hold it is the engine's SourceRule (engine.h),
// whatever the store's scan order: a load and a live engine that saw the same values in another
// order hold the same numbers. Audit marks apply in the store's order; a later "valid" lifts
// earlier marks of the same hour.
#pragma once

#include "engine/engine.h"
#include "model/city.h"
#include "store/store.h"

namespace skyriver::engine {

// Sites, areas and parameter codes of the city; its [data] source_priority when given.
void set_city(Engine& e, const model::CityConfig& city);

struct LoadReport {
  std::size_t values = 0, marks = 0;
  double seconds = 0;
};
LoadReport load(Engine& e, store::Store& s);

// Reads the hourly observations stored with received_at >= `received_from` and puts them (the
// engine keeps what it holds unless a more trusted source arrived), announcing what changed to
// the listeners. A bound a little before the writer's start is enough: the engine ignores what
// it already holds. Returns how many hours changed. Marks are not re-read (the API applies its
// own marks at once).
std::size_t refresh(Engine& e, store::Store& s, core::Instant received_from);

// Applies one audit mark to the engine.
void apply_mark(Engine& e, const store::AuditMark& m);

// Engine updates from observations just stored (HJ 212, upload); non-hourly ones are skipped.
std::vector<Update> updates_of(std::span<const store::Observation> obs);

}  // namespace skyriver::engine

// The store's schema and its migrations, written once for every backend (the Dialect fills in
// what differs).
//
// Versions:
//   1  observations keyed by text (site, parameter, time, interval, source_kind), conflicts,
//      audit marks, imports, areas, sites, parameters.
//   2  + the records journal, an index on observations.received_at.
//   3  observations keyed by small integers: series (site × parameter × interval × source
//      kind → id), time as an integer, flag as a small integer, unit and the text part of the
//      source through the texts dictionary; conflicts the same. PostgreSQL partitions
//      observations by month. sites.reference becomes a small integer on both backends.
//   4  SQLite: the recent segment (sqlite/recent_segment.h), where small writes wait to be
//      merged into observations, and the views observations_recent and observations_all;
//      PostgreSQL: unchanged.
//   5  accounts: users, api_tokens, sessions, and the append-only audit_log of writes.
// A store made by any earlier version is upgraded in place, in one transaction, by the first
// program that opens it; a store newer than the program is refused.
#pragma once

#include "store/backend.h"
#include "store/catalog.h"

namespace skyriver::store {

inline constexpr int kSchemaVersion = 5;

// Creates or upgrades the schema; returns the version now in place. Takes the schema lock.
int migrate(Backend& db, Catalog& catalog);

}  // namespace skyriver::store

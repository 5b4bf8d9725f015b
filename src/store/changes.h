// Change notices between processes on one store (PostgreSQL LISTEN/NOTIFY; docs/province.md):
// how several `skyriver serve` processes on one database show each other's values live.
//
// Contract:
// - Every Store::write() that inserted observations (not the import form: imports are
//   announced by the import log) announces, in its own transaction, the earliest received_at
//   among them. The notice is delivered only after the commit (never for a rolled-back batch),
//   and reading Query::received_from = that instant finds the batch.
// - Notices are per store (per PostgreSQL schema): stores sharing a server do not hear each other.
// - A listener has a connection of its own. REQUIRES: one thread at a time per listener.
#pragma once

#include "core/time.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace skyriver::store {

class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  // Waits up to `timeout` for notices; returns the earliest received_at announced since the
  // last call, or nullopt when none came. Throws core::Error(url, why) when the connection is
  // lost (notices sent meanwhile are lost: open a new listener and re-read from before the loss).
  virtual std::optional<core::Instant> wait(std::chrono::milliseconds timeout) = 0;
};

// Listens for the committed writes to the store at `url`; nullptr for SQLite (one process writes;
// another process's imports are seen through the import log). Writes made by this same process
// are left out unless `own_process`.
std::unique_ptr<ChangeListener> listen(const std::string& url, bool own_process = false);

}  // namespace skyriver::store

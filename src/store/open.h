// Opening a store with a say on whether it may be created (issue 31: a typo in --db must not
// give a silent empty store). Store::open(url) is open_store(url, OpenMode::create).
//
// Contract:
// - OpenMode::create: as Store::open (creates the SQLite file and its folder, or the schema).
// - OpenMode::existing: throws core::Error(url, "no store there (nothing was created); ...")
//   when the store is not there, and creates nothing: not the SQLite file, not its folder, not
//   the tables. (A PostgreSQL URL with `schema=NAME`, a test device, still gets an empty schema
//   from the connection.)
// - store_exists(url): the same test, without opening a Store. For PostgreSQL it connects; an
//   unreachable server throws.
#pragma once

#include "store/store.h"

#include <memory>
#include <string>

namespace skyriver::store {

enum class OpenMode {
  create,    // db init, import, serve, hj212 serve
  existing,  // every reader
};

std::unique_ptr<Store> open_store(const std::string& url, OpenMode mode);
bool store_exists(const std::string& url);

}  // namespace skyriver::store

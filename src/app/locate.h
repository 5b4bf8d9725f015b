// Where the program finds what it needs when it is run from any folder, and how commands open
// the store, in one place for every subcommand.
//
// Contract:
// - default_config(): SKYRIVER_CONFIG if set, else <prefix>/share/skyriver/config/datong beside
//   an installed binary, else config/datong in the working directory, else config/datong in the
//   source tree the binary was built from. If none holds a city.toml the first candidate is
//   returned, so the loader's error names a real place.
// - find_share(sub, marker, option): the same search for the page ("web", "index.html"); an
//   option given is used as is and must hold the marker (else core::Error naming the option).
// - open_store(url, use): readers (StoreUse::read) never create a store: a --db naming none
//   throws core::Error(url, ...) and the command exits 2. Writers (StoreUse::create: db init,
//   import, serve, hj212 serve, plan enter) create one and say so on stderr.
#pragma once

#include "store/store.h"

#include <filesystem>
#include <memory>
#include <string>

namespace skyriver::app {

std::string default_config();
std::filesystem::path find_share(const std::string& sub, const std::string& marker, const std::string& option);

enum class StoreUse { read, create };
std::unique_ptr<store::Store> open_store(const std::string& url, StoreUse use);

}  // namespace skyriver::app

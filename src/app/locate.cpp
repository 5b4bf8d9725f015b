#include "app/locate.h"

#include "core/error.h"
#include "core/secret.h"
#include "store/open.h"

#include <cstdlib>
#include <iostream>
#include <vector>

#ifndef SKYRIVER_SOURCE_TREE
#define SKYRIVER_SOURCE_TREE ""
#endif
#ifndef SKYRIVER_INSTALL_DATADIR
#define SKYRIVER_INSTALL_DATADIR "share"
#endif

namespace skyriver::app {

namespace fs = std::filesystem;

namespace {

// Candidates for share/skyriver/<sub>, most specific first (see locate.h).
std::vector<fs::path> candidates(const std::string& sub) {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> out;
  if (!ec) out.push_back(exe.parent_path().parent_path() / SKYRIVER_INSTALL_DATADIR / "skyriver" / sub);
  out.push_back(fs::path(sub));
  if (!ec) out.push_back(exe.parent_path().parent_path() / sub);  // build/skyriver -> <repo>/<sub>
  if (*SKYRIVER_SOURCE_TREE) out.push_back(fs::path(SKYRIVER_SOURCE_TREE) / sub);
  return out;
}

}  // namespace

std::string default_config() {
  if (const char* env = std::getenv("SKYRIVER_CONFIG"); env && *env) return env;
  const auto all = candidates("config/datong");
  for (const auto& p : all)
    if (fs::is_regular_file(p / "city.toml")) return p.string();
  return "config/datong";
}

fs::path find_share(const std::string& sub, const std::string& marker, const std::string& option) {
  if (!option.empty()) {
    if (!fs::is_regular_file(fs::path(option) / marker))
      throw core::Error("--" + sub + " " + option, "no " + marker + " there");
    return option;
  }
  for (const auto& p : candidates(sub))
    if (fs::is_regular_file(p / marker)) return p;
  throw core::Error("--" + sub, "no " + sub + "/ folder with " + marker + " found (installed, here or in the source tree); pass --" + sub + " DIR");
}

std::unique_ptr<store::Store> open_store(const std::string& url, StoreUse use) {
  if (use == StoreUse::read) return store::open_store(url, store::OpenMode::existing);
  const bool had = store::store_exists(url);
  auto s = store::open_store(url, store::OpenMode::create);
  if (!had)
    std::cerr << "skyriver: created a new store at " << core::redact_url(url.empty() ? store::Store::default_url() : url)
              << "\n";
  return s;
}

}  // namespace skyriver::app

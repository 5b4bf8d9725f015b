// Test helper: the Datong city configuration, and a targets.toml given as text loaded through
// a scratch file (removed again), the way `load_targets` reads the real one.
#pragma once

#include "assess/targets.h"
#include "model/city.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace skyriver::test {

inline const model::CityConfig& datong_city() {
  static const model::CityConfig c = model::load_city(std::string(SKYRIVER_SOURCE_DIR) + "/config/datong");
  return c;
}

// Throws what load_targets throws (core::Error naming "targets.toml" and the key).
inline assess::Targets targets_from_text(const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / ("skyriver-targets-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "targets.toml").string();
  std::ofstream(file) << text;
  struct Remove {
    std::filesystem::path d;
    ~Remove() { std::filesystem::remove_all(d); }
  } remove{dir};
  return assess::load_targets(file, datong_city());
}

}  // namespace skyriver::test

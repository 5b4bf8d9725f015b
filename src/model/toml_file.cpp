#include "model/toml_file.h"

#include "core/error.h"

#include <filesystem>

namespace skyriver::model {

toml::value read_toml(const std::string& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw core::Error(file, std::filesystem::exists(file, ec) ? "not a file" : "no such file");
  try {
    return toml::parse(file);
  } catch (const std::exception& e) {
    throw core::Error(file, std::string("not valid TOML: ") + e.what());
  }
}

}  // namespace skyriver::model

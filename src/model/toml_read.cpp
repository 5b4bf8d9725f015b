#include "model/toml_read.h"

#include <algorithm>

namespace skyriver::model::detail {

std::optional<toml::value> parse_file(const std::filesystem::path& path, Problems& pr, bool required) {
  const std::string name = path.filename().string();
  if (!std::filesystem::exists(path)) {
    if (required) pr.add(name, "-", "file missing");
    return std::nullopt;
  }
  try {
    return toml::parse(path.string());
  } catch (const std::exception& e) {
    pr.add(name, "-", std::string("not valid TOML: ") + e.what());
    return std::nullopt;
  }
}

std::string text(const toml::value& t, const std::string& key, const std::string& file,
                 const std::string& where, Problems& pr, bool required) {
  auto v = field<std::string>(t, key, file, where, pr);
  if (!v && required) pr.add(file, where + "." + key, "missing");
  return v.value_or("");
}

const toml::array* array_of(const toml::value& doc, const std::string& key) {
  if (!doc.is_table() || !doc.contains(key) || !doc.at(key).is_array()) return nullptr;
  return &doc.at(key).as_array();
}

void unknown_keys(const toml::value& t, const std::vector<std::string>& known, const std::string& file,
                  const std::string& where, Problems& pr) {
  if (!t.is_table()) return;
  for (const auto& [k, v] : t.as_table())
    if (std::find(known.begin(), known.end(), k) == known.end()) pr.add(file, where + "." + k, "unknown key");
}

}  // namespace skyriver::model::detail

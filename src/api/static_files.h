// StaticFiles: serves the page (web/) read-only. A request path maps to a file under the root
// only if it has no "..", no backslash and no NUL and its canonical path stays inside the root;
// "/" is index.html. /vendor/<file> falls back to web/node_modules/echarts/dist/<file> so a
// checkout with `npm ci` run in web/ serves ECharts without a copy step.
#pragma once

#include "api/http.h"

#include <filesystem>
#include <optional>
#include <string>

namespace skyriver::api {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);
  // nullopt when the path names no file under the root (the caller answers 404).
  std::optional<Response> get(const std::string& path) const;
  const std::filesystem::path& root() const { return root_; }

 private:
  std::optional<std::filesystem::path> resolve(const std::string& path) const;
  std::filesystem::path root_;
};

std::string mime_type(const std::filesystem::path& p);

}  // namespace skyriver::api

// StaticFiles: serves the page (web/) read-only. Only what the page is made of is served: the
// top-level entries of kServed (index.html, css/, js/, geo/, vendor/) and, within them, files of
// the page's types (kServedTypes); package.json, node_modules/, test/, dotfiles and notes are
// not. A request path maps to a file under the root only if it has no "..", no backslash and
// no NUL and its canonical path stays inside the root; "/" is index.html. /vendor/<file> is
// web/node_modules/echarts/dist/<file>, so a checkout with `npm ci` run in web/ serves ECharts
// without a copy step. A page module added in a new top-level folder goes into kServed.
#pragma once

#include "api/http.h"

#include <filesystem>
#include <optional>
#include <string>

namespace skyriver::api {

inline constexpr const char* kServed[] = {"index.html", "css", "js", "geo", "vendor"};
inline constexpr const char* kServedTypes[] = {".html", ".js", ".mjs", ".css", ".json", ".geojson", ".svg", ".png", ".ico", ".woff2"};

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

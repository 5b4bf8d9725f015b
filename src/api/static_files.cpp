#include "api/static_files.h"

#include <fstream>
#include <sstream>

namespace skyriver::api {

namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root) {
  std::error_code ec;
  root_ = fs::weakly_canonical(root, ec);
  if (ec) root_ = root;
}

std::string mime_type(const fs::path& p) {
  const std::string e = p.extension().string();
  if (e == ".html") return "text/html; charset=utf-8";
  if (e == ".js" || e == ".mjs") return "text/javascript; charset=utf-8";
  if (e == ".css") return "text/css; charset=utf-8";
  if (e == ".json" || e == ".geojson") return "application/json; charset=utf-8";
  if (e == ".svg") return "image/svg+xml";
  if (e == ".png") return "image/png";
  if (e == ".ico") return "image/x-icon";
  if (e == ".md" || e == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

static bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q)
    if (q == p.end() || *q != *r) return false;
  return true;
}

std::optional<fs::path> StaticFiles::resolve(const std::string& path) const {
  if (path.empty() || path[0] != '/' || path.find("..") != std::string::npos ||
      path.find('\\') != std::string::npos || path.find('\0') != std::string::npos)
    return std::nullopt;
  std::string rel = path.substr(1);
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  if (rel.find("/.") != std::string::npos || rel[0] == '.') return std::nullopt;  // dotfiles
  const std::string top = rel.substr(0, rel.find('/'));
  bool served = false;
  for (const char* t : kServed) served = served || top == t;
  const std::string ext = fs::path(rel).extension().string();
  bool typed = false;
  for (const char* t : kServedTypes) typed = typed || ext == t;
  if (!served || !typed) return std::nullopt;
  std::vector<fs::path> candidates{root_ / rel};
  if (top == "vendor") candidates.push_back(root_ / "node_modules/echarts/dist" / rel.substr(7));
  for (const auto& c : candidates) {
    std::error_code ec;
    fs::path real = fs::canonical(c, ec);
    if (ec || !inside(root_, real) || !fs::is_regular_file(real, ec)) continue;
    return real;
  }
  return std::nullopt;
}

std::optional<Response> StaticFiles::get(const std::string& path) const {
  auto file = resolve(path);
  if (!file) return std::nullopt;
  std::ifstream in(*file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  Response r;
  r.content_type = mime_type(*file);
  r.body = body.str();
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace skyriver::api

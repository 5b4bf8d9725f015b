#include "api/router.h"

#include "core/error.h"
#include "core/text.h"

namespace skyriver::api {

static std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> out;
  std::size_t pos = 1;
  while (pos <= p.size()) {
    std::size_t slash = p.find('/', pos);
    if (slash == std::string::npos) slash = p.size();
    out.push_back(p.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

void Router::add(std::string method, std::string pattern, RouteDoc doc, Handler handler) {
  Route r{std::move(method), std::move(pattern), std::move(doc), std::move(handler), {}};
  r.segments = split_path(r.pattern);
  routes_.push_back(std::move(r));
}

static void check_param(const ParamDoc& p, const Request& req) {
  if (!req.has(p.name)) {
    if (p.required) throw bad_parameter(p.name, "is required");
    return;
  }
  const std::string& v = req.get(p.name);
  if (p.type == "integer" && !core::parse_integer(v)) throw bad_parameter(p.name, "'" + v + "' is not an integer");
  if (p.type == "number" && !core::parse_number(v)) throw bad_parameter(p.name, "'" + v + "' is not a number");
  if (!p.values.empty()) {
    bool ok = false;
    for (const auto& a : p.values) ok = ok || a == v;
    if (!ok) {
      std::string list;
      for (const auto& a : p.values) list += (list.empty() ? "" : ", ") + a;
      throw bad_parameter(p.name, "'" + v + "' is not one of: " + list);
    }
  }
}

static bool token_ok(const Request& req, const std::string& token) {
  if (token.empty()) return true;
  auto it = req.headers.find("authorization");
  return it != req.headers.end() && it->second == "Bearer " + token;
}

bool Router::dispatch(Request& req, Response& res) const {
  const auto segs = split_path(req.path);
  bool path_matched = false;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> params;
    bool match = true;
    for (std::size_t i = 0; i < segs.size() && match; ++i) {
      const auto& s = r.segments[i];
      if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
        if (segs[i].empty()) match = false;
        else params[s.substr(1, s.size() - 2)] = segs[i];
      } else {
        match = s == segs[i];
      }
    }
    if (!match) continue;
    path_matched = true;
    if (r.method != req.method && !(r.method == "GET" && req.method == "HEAD")) continue;
    req.params = std::move(params);
    try {
      if (r.doc.write && write_token_.empty())
        throw ApiError(403, "writes_disabled", "writes are disabled: no API token is configured (SKYRIVER_API_TOKEN or [api] token in server.toml)");
      if (r.doc.write && !token_ok(req, write_token_))
        throw ApiError(401, "unauthorized", "this route changes data: send 'Authorization: Bearer <token>' with the API token of the configuration");
      if (!r.doc.write && !read_token_.empty() && !token_ok(req, read_token_) && !token_ok(req, write_token_))
        throw ApiError(401, "unauthorized", "reading needs 'Authorization: Bearer <token>' on this server");
      for (const auto& p : r.doc.params) check_param(p, req);
      std::string key;
      std::uint64_t version = 0;
      if (r.doc.cached && version_ && req.method == "GET") {
        key = req.path;
        for (auto& [k, v] : req.query) key += "\n" + k + "=" + v;
        version = version_();
        std::lock_guard lock(cache_mutex_);
        if (cache_version_ == version)
          if (auto it = cache_.find(key); it != cache_.end()) {
            res = it->second;
            return true;
          }
      }
      res = r.handler(req);
      if (!key.empty() && res.status == 200) {
        std::lock_guard lock(cache_mutex_);
        if (cache_version_ != version || cache_.size() >= kCacheEntries) {
          cache_.clear();
          cache_version_ = version;
        }
        cache_[key] = res;
      }
    } catch (const ApiError& e) {
      res = json_error(e.status, e.code, e.what(), e.parameter);
    } catch (const core::Error& e) {
      res = json_error(400, "bad_request", e.what());
    } catch (const std::exception& e) {
      res = json_error(500, "internal", std::string("internal error: ") + e.what());
    }
    return true;
  }
  if (path_matched) {
    res = json_error(405, "method_not_allowed", "method " + req.method + " is not allowed on " + req.path);
    return true;
  }
  return false;
}

}  // namespace skyriver::api

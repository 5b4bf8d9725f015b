#include "api/router.h"

#include "api/auth.h"
#include "core/error.h"
#include "core/store_error.h"
#include "core/log.h"
#include "core/secret.h"
#include "core/text.h"

#include <charconv>

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
  if (p.type == "integer" && !core::parse_integer(v)) throw bad_parameter(p.name, in_quotes(v) + " is not an integer");
  if (p.type == "number" && !core::parse_number(v)) throw bad_parameter(p.name, in_quotes(v) + " is not a number");
  if (!p.values.empty()) {
    bool ok = false;
    for (const auto& a : p.values) ok = ok || a == v;
    if (!ok) {
      std::string list;
      for (const auto& a : p.values) list += (list.empty() ? "" : ", ") + a;
      throw bad_parameter(p.name, in_quotes(v) + " is not one of: " + list);
    }
  }
}

// Who acts comes from the login: a body or query still naming one is refused.
static void refuse_who(const Request& req) {
  for (const char* k : {"who", "user"})
    if (req.query.count(k)) throw bad_parameter(k, "who acts comes from the login; this parameter is no longer accepted");
  if (req.body.empty() || req.body.front() != '{') return;
  const auto b = nlohmann::json::parse(req.body, nullptr, false);
  if (!b.is_object()) return;
  for (const char* k : {"who", "user"})
    if (b.contains(k)) throw bad_parameter(k, "who acts comes from the login; this field is no longer accepted");
}

std::string Router::cache_key(const Route& r, const Request& req) {
  std::string key = req.path;
  for (const auto& p : r.doc.params) {
    if (p.in != "query" || !req.query.count(p.name)) continue;
    std::string v = req.query.at(p.name);
    // One spelling per number: "7", "07" and "7.0" are one answer.
    if (p.type == "integer") {
      if (auto n = core::parse_integer(v)) v = std::to_string(*n);
    } else if (p.type == "number") {
      if (auto n = core::parse_number(v)) {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *n);
        if (ec == std::errc()) v.assign(buf, end);
      }
    }
    key += '\n' + p.name + '=' + v;
  }
  return key;
}

Admission Router::admit(Request& req) const {
  Admission a;
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
    a.route = &r;
    if (auth_)
      a.refusal = auth_->admit(r, req);
    else if (!r.doc.open && r.method != "GET")
      a.refusal = json_error(401, "unauthorized", "this server has no accounts: nothing can be changed through it");
    return a;
  }
  if (path_matched)
    a.refusal = json_error(405, "method_not_allowed", "method " + clipped(req.method) + " is not allowed on " + clipped(req.path));
  return a;
}

bool Router::dispatch(Request& req, Response& res) const {
  Admission a = admit(req);
  if (a.refusal) {
    res = std::move(*a.refusal);
    return true;
  }
  if (!a.route) return false;
  const Route& r = *a.route;
  try {
    for (const auto& p : r.doc.params) check_param(p, req);
    std::string key;
    std::uint64_t version = 0;
    if (r.doc.cached && version_ && req.method == "GET") {
      key = cache_key(r, req);
      version = version_();
      if (auto hit = cache_.get(key, version)) {
        res = std::move(*hit);
        return true;
      }
    }
    if (r.method != "GET") refuse_who(req);
    res = r.handler(req);
    if (!key.empty() && res.status == 200) cache_.put(key, version, res);
    if (auth_) auth_->audit(r, req, res);
  } catch (const ApiError& e) {
    res = json_error(e.status, e.code, e.what(), e.parameter);
  } catch (const core::StoreError& e) {
    // The driver's words (and the store's name) go to the log only.
    spdlog::error("http: {} {}: store: {}", req.method, clipped(req.path), core::redact_url(e.what()));
    res = json_error(503, "store_unavailable", "the store could not answer; try again later (the server's log has the detail)");
    res.headers.emplace_back("Retry-After", "5");
  } catch (const core::Error& e) {
    res = json_error(400, "bad_request", e.what());
  } catch (const std::exception& e) {
    spdlog::error("http: {} {}: {}", req.method, clipped(req.path), core::redact_url(e.what()));
    res = json_error(500, "internal", "internal error (the server's log has the detail)");
  }
  return true;
}

}  // namespace skyriver::api

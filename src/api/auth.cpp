#include "api/auth.h"
#include "api/openapi.h"

#include "api/router.h"
#include "api/routes.h"
#include "core/error.h"
#include "core/time.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace skyriver::api {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

const std::string* header(const Request& req, const std::string& name) {
  auto it = req.headers.find(name);
  return it == req.headers.end() ? nullptr : &it->second;
}

// The values of cookie `name` in the Cookie header (RFC 6265 §5.4: "a=b; c=d").
std::vector<std::string> cookie_values(const Request& req, std::string_view name) {
  std::vector<std::string> out;
  const std::string* c = header(req, "cookie");
  if (!c) return out;
  std::string_view s = *c;
  while (!s.empty()) {
    const auto semi = s.find(';');
    const std::string pair = trim(s.substr(0, semi));
    const auto eq = pair.find('=');
    if (eq != std::string::npos && std::string_view(pair).substr(0, eq) == name) out.push_back(pair.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    s.remove_prefix(semi + 1);
  }
  return out;
}

json me_json(const accounts::Principal& p) {
  return {{"name", p.name},
          {"display", p.display},
          {"role", std::string(accounts::to_string(p.role))},
          {"areas", p.areas},
          {"enterprise", p.enterprise.empty() ? json(nullptr) : json(p.enterprise)}};
}

Response json_ok(const json& j) {
  Response r;
  r.body = j.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

// At most `bytes` bytes of `s`, cut on a UTF-8 character boundary (the store keeps valid UTF-8).
std::string utf8_prefix(const std::string& s, std::size_t bytes) {
  if (s.size() <= bytes) return s;
  while (bytes > 0 && (static_cast<unsigned char>(s[bytes]) & 0xC0) == 0x80) --bytes;
  return s.substr(0, bytes);
}

bool is_write(const Route& r) { return r.method != "GET" && r.method != "HEAD"; }

}  // namespace

std::set<std::string> AuthOptions::default_public_tags() {
  // What a bureau publishes: the map and AQI, forecasts, warnings in force and their notices,
  // bulletins and targets (docs/api.md, "Who may do what").
  return {"meta", "air", "sites", "series", "forecast", "warnings", "targets", "water"};
}

Auth::Auth(WithStore with_store, AuthOptions options, std::function<core::Instant()> clock)
    : with_store_(std::move(with_store)), options_(std::move(options)), clock_(std::move(clock)) {
  if (!clock_)
    clock_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
}

bool Auth::trusted_peer(const Request& req) const {
  return std::find(options_.trusted_proxies.begin(), options_.trusted_proxies.end(), req.client) !=
         options_.trusted_proxies.end();
}

std::string Auth::client_address(const Request& req) const {
  if (trusted_peer(req))
    if (const std::string* xff = header(req, "x-forwarded-for")) {
      const auto comma = xff->rfind(',');
      const std::string last = trim(comma == std::string::npos ? std::string_view(*xff) : std::string_view(*xff).substr(comma + 1));
      if (!last.empty()) return last;
    }
  return req.client;
}

bool Auth::secure(const Request& req) const {
  const std::string* proto = header(req, "x-forwarded-proto");
  return proto && trusted_peer(req) && lower(trim(*proto)) == "https";
}

std::optional<accounts::Principal> Auth::identify(const Request& req, bool& by_cookie) const {
  by_cookie = false;
  if (req.repeated_headers.count("authorization"))
    throw ApiError(400, "ambiguous_credentials", "two Authorization headers: send one");
  std::optional<accounts::Principal> bearer, session;
  if (const std::string* a = header(req, "authorization")) {
    const std::string v = trim(*a);
    const auto sp = v.find(' ');
    if (sp == std::string::npos || lower(v.substr(0, sp)) != "bearer")
      throw ApiError(401, "unauthorized", "the Authorization header must be 'Bearer <token>' (a token of 'skyriver user token')");
    const std::string token = trim(std::string_view(v).substr(sp + 1));
    with_store_([&](store::AccountStore& db) { bearer = accounts::principal_of_token(db, token); });
    if (!bearer) throw ApiError(401, "unauthorized", "unknown or revoked API token");
  }
  const auto cookies = cookie_values(req, kSessionCookie);
  if (cookies.size() > 1) throw ApiError(400, "ambiguous_credentials", "two session cookies: send one");
  if (cookies.size() == 1)
    with_store_([&](store::AccountStore& db) {
      session = accounts::principal_of_session(db, cookies[0], clock_(), options_.sessions);
    });
  if (bearer && session && bearer->name != session->name)
    throw ApiError(400, "ambiguous_credentials", "the session cookie and the bearer token name different users");
  if (bearer) return bearer;
  by_cookie = session.has_value();
  return session;
}

std::optional<Response> Auth::admit(const Route& r, Request& req) const {
  bool by_cookie = false;
  try {
    req.principal = identify(req, by_cookie);
  } catch (const ApiError& e) {
    return json_error(e.status, e.code, e.what());
  }
  const bool write = is_write(r);
  if (!req.principal) {
    if (r.doc.open || (!write && !r.doc.internal && options_.public_tags.count(r.doc.group_name()))) return std::nullopt;
    return json_error(401, "unauthorized",
                      "this route needs a login: POST /api/session, or 'Authorization: Bearer <token>' (skyriver user token)");
  }
  if (!r.doc.open && !r.doc.roles.has(req.principal->role))
    return json_error(403, "forbidden",
                      "the role " + std::string(accounts::to_string(req.principal->role)) + " may not " +
                          (write ? "do this" : "see this"));
  if (write && by_cookie) {
    const std::string* site = header(req, "sec-fetch-site");
    const std::string* origin = header(req, "origin");
    const std::string* host = header(req, "host");
    bool same = false;
    if (site) same = lower(trim(*site)) == "same-origin";
    else if (origin && host) {
      const std::string o = lower(trim(*origin)), h = lower(trim(*host));
      same = o == "http://" + h || o == "https://" + h;
    }
    if (!same)
      return json_error(403, "cross_origin",
                        "a change made with the session cookie must come from this site's own page (Origin / "
                        "Sec-Fetch-Site); scripts use 'Authorization: Bearer <token>'");
  }
  return std::nullopt;
}

void Auth::audit(const Route& r, const Request& req, const Response& res) const {
  if (!is_write(r) || res.status < 200 || res.status >= 300 || !req.principal) return;
  store::AuditRow a;
  a.at = clock_();
  a.user = req.principal->name;
  a.role = std::string(accounts::to_string(req.principal->role));
  a.route = r.method + " " + r.pattern;
  a.object = res.audit_object;
  if (a.object.empty())
    for (const auto& [k, v] : req.params) a.object += (a.object.empty() ? "" : " ") + v;
  if (a.object.empty() && res.body.size() < (4u << 20) && res.content_type.find("json") != std::string::npos) {
    // What the write made: its id or notice number, when the answer names one.
    const json j = json::parse(res.body, nullptr, false);
    for (const char* k : {"number", "id"})
      if (a.object.empty() && j.is_object() && j.contains(k) && (j[k].is_string() || j[k].is_number()))
        a.object = j[k].is_string() ? j[k].get<std::string>() : j[k].dump();
  }
  a.summary = res.audit_summary.empty() ? utf8_prefix(r.doc.summary.substr(0, r.doc.summary.find('.')), 120)
                                        : utf8_prefix(res.audit_summary, 300);
  a.address = client_address(req);
  try {
    with_store_([&](store::AccountStore& db) { db.add_audit(a); });
  } catch (const std::exception& e) {
    // The write itself is done: say so loudly rather than answer it as failed.
    spdlog::error("audit log: the row of {} by {} on {} was not stored: {}", a.route, a.user, a.object, e.what());
  }
}

Response Auth::login(const Request& req) {
  const json b = json::parse(req.body, nullptr, false);
  if (!b.is_object()) throw ApiError(400, "bad_request", "the body must be a JSON object {\"name\", \"password\"}");
  for (const char* k : {"name", "password"})
    if (!b.contains(k) || !b[k].is_string()) throw bad_parameter(k, "is required (a string)");
  const std::string name = b["name"].get<std::string>(), address = client_address(req);
  const core::Instant now = clock_();
  if (const auto wait = throttle_.retry_after(name, address, now)) {
    Response r = json_error(429, "too_many_logins",
                            "too many failed logins for this name or from this address: try again in " +
                                std::to_string(wait) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  std::optional<store::UserRow> user;
  std::string cookie;
  with_store_([&](store::AccountStore& db) {
    user = accounts::check_login(db, name, b["password"].get<std::string>());
    if (user) cookie = accounts::open_session(db, user->name, address, now);
  });
  if (!user) {
    throttle_.failed(name, address, now);
    return json_error(401, "bad_login", "wrong name or password");
  }
  throttle_.succeeded(name);
  const accounts::Principal p = accounts::principal_of(*user);
  Response r = json_ok(me_json(p));
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + cookie +
                                           "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                           std::to_string(options_.sessions.absolute) + (secure(req) ? "; Secure" : ""));
  r.headers.emplace_back("Cache-Control", "no-store");
  r.audit_object = p.name, r.audit_summary = "logged in";
  return r;
}

Response Auth::logout(const Request& req) {
  const auto cookies = cookie_values(req, kSessionCookie);
  if (!cookies.empty()) with_store_([&](store::AccountStore& db) { accounts::close_session(db, cookies[0], clock_()); });
  Response r = json_ok({{"ended", !cookies.empty()}});
  r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                           (secure(req) ? "; Secure" : ""));
  r.audit_summary = "logged out";
  return r;
}

void Auth::add_routes(Router& router) {
  // me_json above.
  const json me_schema = schema::object({{"name", schema::string()},
                                         {"display", schema::string()},
                                         {"role", {{"type", "string"}, {"enum", accounts::RoleSet::all().names()}}},
                                         {"areas", schema::array(schema::string())},
                                         {"enterprise", schema::nullable(schema::string())}});
  RouteDoc in{"Log in. Body: JSON {name, password}. Answers the user (as GET /api/me) and sets the session cookie "
              "skyriver_session (HttpOnly, SameSite=Strict; 30 min idle, 12 h at most). Five failures per name or "
              "address within 15 minutes: 429 with Retry-After.",
              "session", {}, "application/json", me_schema, accounts::RoleSet::all(), "application/json"};
  in.open = true;
  router.add("POST", "/api/session", may_answer(in, {429}), [this](const Request& req) { return login(req); });
  RouteDoc out{"Log out: ends the session of the cookie and clears it.", "session", {}, "application/json",
               {{"type", "object"}}};
  out.roles = accounts::RoleSet::all();
  out.open = true;
  router.add("DELETE", "/api/session", out, [this](const Request& req) { return logout(req); });
  RouteDoc me{"The logged-in user: name, display name, role, areas (county) and enterprise.", "session", {},
              "application/json", me_schema};
  me.internal = true;
  router.add("GET", "/api/me", me, [](const Request& req) { return json_ok(me_json(*req.principal)); });
  RouteDoc au{"The audit log of writes, newest first (admins): time, user, role, route, object, summary, client "
              "address. Nothing in it is ever deleted by the API.",
              "audit",
              {{"from", "query", "string", "from this time (YYYY-MM-DD or YYYY-MM-DDTHH:MM, Beijing)", false, {}, "2026-01-01"},
               {"to", "query", "string", "before this time", false, {}, "2027-01-01"},
               {"user", "query", "string", "only this user's writes"},
               {"limit", "query", "integer", "at most this many rows (default 1000)", false, {}, "100"}},
              "application/json", schema::object({{"count", schema::integer()}, {"rows", schema::array()}})};
  au.roles = {accounts::Role::admin};
  au.internal = true;
  router.add("GET", "/api/audit", au, [this](const Request& req) {
    store::AuditQuery q;
    if (auto f = time_param(req, "from")) q.from = *f;
    if (auto t = time_param(req, "to")) q.to = *t;
    q.user = req.get("user");
    q.limit = req.has("limit") ? std::clamp<long long>(std::stoll(req.get("limit")), 1, 100000) : 1000;
    std::vector<store::AuditRow> rows;
    with_store_([&](store::AccountStore& db) { rows = db.audit(q); });
    json a = json::array();
    for (const auto& r : rows)
      a.push_back({{"id", r.id}, {"at", core::format_iso(r.at)}, {"user", r.user}, {"role", r.role}, {"route", r.route},
                   {"object", r.object}, {"summary", r.summary}, {"address", r.address}});
    return json_ok({{"count", a.size()}, {"rows", a}});
  });
}

}  // namespace skyriver::api

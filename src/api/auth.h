// Who is asking: logins, sessions, bearer tokens and the role check of every API route
// (issue 26; the rules themselves are in src/accounts/).
//
// Contract:
// - Credentials: `Authorization: Bearer <token>` (the scheme compared case-insensitively, RFC
//   7235 §2.1) made by `skyriver user token`, or the session cookie `skyriver_session` set by
//   POST /api/session. Two Authorization header fields, two session cookies, or a cookie and a
//   bearer token naming different users: 400. An unknown or revoked token: 401. An ended or
//   expired session is no login (a public route still answers).
// - Routes: RouteDoc::roles says which roles may call a route; RouteDoc::open routes need no
//   login; GET routes whose tag is in AuthOptions::public_tags answer without a login too.
//   No login where one is needed: 401; a role not allowed: 403.
// - CSRF: a state-changing request authenticated by the cookie must be same-origin
//   (Sec-Fetch-Site: same-origin, else an Origin equal to the Host), else 403. Bearer tokens
//   are exempt (a browser never sends them by itself).
// - Logins: 5 failures per name or per client address within 15 minutes → 429 with a growing
//   Retry-After (accounts/throttle.h); an unknown name and a wrong password get the same 401
//   in comparable time. Passwords are never logged or echoed.
// - The cookie is HttpOnly, SameSite=Strict, Path=/, and Secure when the request came over
//   HTTPS through a trusted proxy (X-Forwarded-Proto: https from an address of
//   AuthOptions::trusted_proxies; the server itself speaks plain HTTP). The client address of
//   the audit log and the throttle is the peer's, or the last X-Forwarded-For entry when the
//   peer is a trusted proxy.
// - Every successful write (2xx answer to a non-GET route) appends a row to the store's audit
//   log (Router::dispatch calls Auth::audit): time, user, role, route, object, summary, address.
// Thread-safe: the store is reached only through the `with_store` hook (serialised).
#pragma once

#include "accounts/accounts.h"
#include "accounts/throttle.h"
#include "api/http.h"

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace skyriver::api {

class Router;
struct Route;

struct AuthOptions {
  accounts::SessionPolicy sessions;            // [api] session_idle_minutes (30); 12 h absolute
  std::vector<std::string> trusted_proxies;    // [api] trusted_proxies
  std::set<std::string> public_tags = default_public_tags();  // [api] public
  static std::set<std::string> default_public_tags();
};

inline constexpr const char* kSessionCookie = "skyriver_session";

class Auth {
 public:
  using WithStore = std::function<void(const std::function<void(store::AccountStore&)>&)>;
  Auth(WithStore with_store, AuthOptions options, std::function<core::Instant()> clock = {});

  // The user a request's credentials name (nullopt: none, or an ended session); throws
  // ApiError 400 (ambiguous) or 401 (a bad token). `by_cookie` tells how.
  std::optional<accounts::Principal> identify(const Request& req, bool& by_cookie) const;
  // The refusal of `req` to route `r` (and req.principal set), or nullopt to go on.
  std::optional<Response> admit(const Route& r, Request& req) const;
  // Appends the audit row of a successful write.
  void audit(const Route& r, const Request& req, const Response& res) const;
  // The client's address (see the contract).
  std::string client_address(const Request& req) const;
  bool secure(const Request& req) const;

  // POST /api/session, DELETE /api/session, GET /api/me, GET /api/audit.
  void add_routes(Router& router);

  const AuthOptions& options() const { return options_; }
  core::Instant now() const { return clock_(); }

 private:
  Response login(const Request& req);
  Response logout(const Request& req);
  bool trusted_peer(const Request& req) const;

  WithStore with_store_;
  AuthOptions options_;
  std::function<core::Instant()> clock_;
  accounts::LoginThrottle throttle_;
};

}  // namespace skyriver::api

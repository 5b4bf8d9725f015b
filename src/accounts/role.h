// Roles and scopes of the platform's accounts (issue 26), as pure functions that tests run
// without a store or a server.
//
// Contract:
// - Five roles: admin (users and everything else), duty (the city's duty officer: warnings,
//   all alarms and tasks, marks, imports, plan entries), county (one or more area codes: the
//   tasks, alarms and plan values of its areas), enterprise (one enterprise id: its own outlets'
//   data, alarms and tasks, and a reply to a task assigned to it), viewer (reads the internal
//   views, writes nothing). docs/api.md holds the matrix per route.
// - A RoleSet is the set of roles a route admits; the public (no login) is not a role: a route
//   is public or it is not (api/router.h).
// - Scope: admin, duty and viewer see the whole city. A county user covers an area if the
//   area or one of its ancestors is among its codes; an enterprise user covers only sites that
//   are outlets of its enterprise.
#pragma once

#include "model/city.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace skyriver::accounts {

enum class Role : std::uint8_t { admin, duty, county, enterprise, viewer };
inline constexpr Role kAllRoles[] = {Role::admin, Role::duty, Role::county, Role::enterprise, Role::viewer};

std::string_view to_string(Role r);                   // "admin" "duty" "county" "enterprise" "viewer"
std::optional<Role> parse_role(std::string_view s);

// A set of roles (bit i = Role i).
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= bit(r);
  }
  static constexpr RoleSet all() { return {Role::admin, Role::duty, Role::county, Role::enterprise, Role::viewer}; }
  constexpr bool has(Role r) const { return bits_ & bit(r); }
  constexpr bool empty() const { return bits_ == 0; }
  std::vector<std::string> names() const;  // in kAllRoles order
  constexpr bool operator==(const RoleSet&) const = default;

 private:
  static constexpr std::uint8_t bit(Role r) { return std::uint8_t(1u << static_cast<unsigned>(r)); }
  std::uint8_t bits_ = 0;
};

// The authenticated person a request acts for.
struct Principal {
  std::string name, display;
  Role role = Role::viewer;
  std::vector<std::string> areas;  // county
  std::string enterprise;          // enterprise
};

// Whether `p` covers area `area` (see the contract): walks the area's parents in `city`.
bool covers_area(const Principal& p, std::string_view area, const model::CityConfig& city);
// Whether `p` covers site `site_id`: county by the site's area, enterprise by the outlet's
// enterprise; an unknown site is covered only by the whole-city roles.
bool covers_site(const Principal& p, std::string_view site_id, const model::CityConfig& city);

// Checks a user's role and scope against the city (used when an account is created or
// changed): a county user needs at least one area code, each a known area; an enterprise
// user needs a known enterprise id; the other roles take neither. Throws core::Error(where, why).
void check_scope(const std::string& where, Role role, const std::vector<std::string>& areas,
                 const std::string& enterprise, const model::CityConfig& city);

}  // namespace skyriver::accounts

#include "accounts/role.h"

#include "core/error.h"

#include <algorithm>

namespace skyriver::accounts {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::admin: return "admin";
    case Role::duty: return "duty";
    case Role::county: return "county";
    case Role::enterprise: return "enterprise";
    case Role::viewer: return "viewer";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view s) {
  for (Role r : kAllRoles)
    if (to_string(r) == s) return r;
  return std::nullopt;
}

std::vector<std::string> RoleSet::names() const {
  std::vector<std::string> out;
  for (Role r : kAllRoles)
    if (has(r)) out.emplace_back(to_string(r));
  return out;
}

bool covers_area(const Principal& p, std::string_view area, const model::CityConfig& city) {
  switch (p.role) {
    case Role::admin:
    case Role::duty:
    case Role::viewer: return true;
    case Role::enterprise: return false;
    case Role::county: break;
  }
  // Walk up the area tree; the bound stops a cycle in a broken configuration.
  std::string_view a = area;
  for (std::size_t step = 0; !a.empty() && step <= city.areas.size(); ++step) {
    if (std::find(p.areas.begin(), p.areas.end(), a) != p.areas.end()) return true;
    const model::Area* node = city.area(a);
    if (!node) return false;
    a = node->parent;
  }
  return false;
}

bool covers_site(const Principal& p, std::string_view site_id, const model::CityConfig& city) {
  switch (p.role) {
    case Role::admin:
    case Role::duty:
    case Role::viewer: return true;
    case Role::county: {
      const model::Site* s = city.site(site_id);
      return s && covers_area(p, s->area, city);
    }
    case Role::enterprise: {
      const model::Outlet* o = city.sources.outlet(site_id);
      return o && !p.enterprise.empty() && o->enterprise == p.enterprise;
    }
  }
  return false;
}

void check_scope(const std::string& where, Role role, const std::vector<std::string>& areas,
                 const std::string& enterprise, const model::CityConfig& city) {
  if (role == Role::county) {
    if (areas.empty()) throw core::Error(where, "a county user needs at least one --area CODE");
    for (const auto& a : areas)
      if (!city.area(a)) throw core::Error(where, "unknown area '" + a + "' (not in " + city.dir + "/city.toml)");
  } else if (!areas.empty()) {
    throw core::Error(where, "--area applies only to county users, not to " + std::string(to_string(role)));
  }
  if (role == Role::enterprise) {
    if (enterprise.empty()) throw core::Error(where, "an enterprise user needs --enterprise ID");
    if (!city.sources.enterprise(enterprise))
      throw core::Error(where, "unknown enterprise '" + enterprise + "' (not in " + city.dir + "/sources.toml)");
  } else if (!enterprise.empty()) {
    throw core::Error(where, "--enterprise applies only to enterprise users, not to " + std::string(to_string(role)));
  }
}

}  // namespace skyriver::accounts

// Helpers for the model's TOML loaders (city.cpp, sources.cpp): every problem found is collected
// as "file: key: reason" instead of stopping at the first, so an operator sees them all at once.
// A field of the wrong type is a problem, never a crash. Internal to src/model/.
#pragma once

#include "model/site.h"
#include "model/sources.h"

#include <toml.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace skyriver::model::detail {

struct Problems {
  std::vector<std::string> list;
  void add(const std::string& file, const std::string& key, const std::string& why) {
    list.push_back(file + ": " + key + ": " + why);
  }
};

// The parsed file, or nullopt (a missing required file and a parse error are problems).
std::optional<toml::value> parse_file(const std::filesystem::path& path, Problems& pr, bool required);

// An optional typed field (double accepts integers).
template <class T>
std::optional<T> field(const toml::value& t, const std::string& key, const std::string& file,
                       const std::string& where, Problems& pr) {
  if (!t.is_table() || !t.contains(key)) return std::nullopt;
  try {
    const toml::value& v = t.at(key);
    if constexpr (std::is_same_v<T, double>) {
      if (v.is_integer()) return static_cast<double>(v.as_integer());
    }
    return toml::get<T>(v);
  } catch (const std::exception&) {
    pr.add(file, where + "." + key, "wrong type");
    return std::nullopt;
  }
}

std::string text(const toml::value& t, const std::string& key, const std::string& file,
                 const std::string& where, Problems& pr, bool required);

const toml::array* array_of(const toml::value& doc, const std::string& key);

// Every key of table `t` not in `known` is a problem ("unknown key"), so typos are caught.
void unknown_keys(const toml::value& t, const std::vector<std::string>& known, const std::string& file,
                  const std::string& where, Problems& pr);

// The checks every site passes wherever it is configured (kind, edition, coordinates).
void check_site(const Site& s, const std::string& file, const std::string& where, Problems& pr);
// The optional `allow = ["10.1.2.0/24", ...]` of a site or outlet table: each entry must be an
// address or a CIDR range (model::parse_address_range).
std::vector<AddressRange> read_allow(const toml::value& t, const std::string& file, const std::string& where,
                                     Problems& pr);

// sources.toml: the enterprises and outlet limits; each outlet is appended to `sites` as a
// site of kind "outlet" (so the HJ 212 server and the engine know it like any other site).
Sources read_sources(const toml::value& doc, const std::string& file, std::vector<Site>& sites, Problems& pr);

}  // namespace skyriver::model::detail

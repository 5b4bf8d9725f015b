// Reading one TOML configuration file, for every loader outside src/model/'s own (targets, plan,
// compensation, water and warning rules, server.toml): a missing file or a syntax error becomes
// core::Error(file, why), so the user reads one line naming the file instead of toml11's
// "toml::parse: file open error".
#pragma once

#include <toml.hpp>

#include <string>

namespace skyriver::model {

// The parsed document; throws core::Error(file, "no such file" | "not valid TOML: ...").
toml::value read_toml(const std::string& file);

}  // namespace skyriver::model

// The product's version: one place, read by `skyriver version` and the OpenAPI document
// (/api/openapi.json info.version). Semantic versioning; raise it with every release.
#pragma once

namespace skyriver::core {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace skyriver::core

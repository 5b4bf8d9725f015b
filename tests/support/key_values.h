// "key=value" words of a conformance case into a map (test helper for the data-driven drivers).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace skyriver::test {

// Words w[from..] must each be key=value; throws std::runtime_error naming the word otherwise.
inline std::map<std::string, std::string> key_values(const std::vector<std::string>& w, std::size_t from) {
  std::map<std::string, std::string> m;
  for (std::size_t i = from; i < w.size(); ++i) {
    const auto eq = w[i].find('=');
    if (eq == std::string::npos) throw std::runtime_error("expected key=value: " + w[i]);
    m[w[i].substr(0, eq)] = w[i].substr(eq + 1);
  }
  return m;
}

}  // namespace skyriver::test

// Reader for the data-driven case files in tests/conformance/water/: "# comments", blocks opened
// by "[name]", then "key = value" lines (a key may repeat). Test helper only.
#pragma once

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace water_test {

struct Block {
  std::string name;
  int line = 0;
  std::vector<std::pair<std::string, std::string>> kv;
  bool has(const std::string& k) const {
    for (auto& [a, b] : kv) if (a == k) return true;
    return false;
  }
  std::string get(const std::string& k) const {
    for (auto& [a, b] : kv) if (a == k) return b;
    throw std::runtime_error(name + ": missing key " + k);
  }
  std::vector<std::string> all(const std::string& k) const {
    std::vector<std::string> out;
    for (auto& [a, b] : kv) if (a == k) out.push_back(b);
    return out;
  }
};

inline std::string conformance_path(const std::string& file) {
  return std::string(SKYRIVER_SOURCE_DIR) + "/tests/conformance/water/" + file;
}

inline std::string strip(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

inline std::vector<Block> read_blocks(const std::string& file) {
  std::ifstream in(conformance_path(file));
  if (!in) throw std::runtime_error("cannot open " + file);
  std::vector<Block> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    line = strip(line);
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      out.push_back({line.substr(1, line.size() - 2), n, {}});
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string::npos || out.empty()) throw std::runtime_error(file + ":" + std::to_string(n));
    out.back().kv.emplace_back(strip(line.substr(0, eq)), strip(line.substr(eq + 1)));
  }
  return out;
}

inline std::vector<std::string> words(const std::string& s) {
  std::istringstream is(s);
  std::vector<std::string> out;
  for (std::string w; is >> w;) out.push_back(w);
  return out;
}

// "a:1 b:2" -> {{a,1},{b,2}}
inline std::map<std::string, double> pairs(const std::string& s) {
  std::map<std::string, double> out;
  for (auto& w : words(s)) {
    if (w == "-") continue;
    auto c = w.find(':');
    out[w.substr(0, c)] = std::stod(w.substr(c + 1));
  }
  return out;
}

}  // namespace water_test

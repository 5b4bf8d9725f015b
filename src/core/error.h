// Errors that reach a user. Every rejection of input names the place (file:line, packet,
// option) and the reason, so an operator can find and fix it without reading code.
#pragma once

#include <stdexcept>
#include <string>

namespace skyriver::core {

class Error : public std::runtime_error {
 public:
  Error(std::string where, std::string why)
      : std::runtime_error(where.empty() ? why : where + ": " + why),
        where_(std::move(where)),
        why_(std::move(why)) {}
  const std::string& where() const { return where_; }
  const std::string& why() const { return why_; }

 private:
  std::string where_, why_;
};

}  // namespace skyriver::core

// Handling secrets: comparing a presented token with the configured one in constant time, and
// hiding the password of a store URL before it is printed or logged.
//
// Contract:
// - equal_constant_time(a, b) takes time that depends only on the lengths of its arguments,
//   never on where they first differ (an attacker timing answers learns nothing of the token).
// - redact_url(url) replaces every password a PostgreSQL URL or connection string can carry
//   (postgresql://user:PASSWORD@host, ?password=..., password=... key/value) by "***" and leaves
//   everything else (SQLite paths, host, database, other parameters) as it was.
// Both are pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace skyriver::core {

bool equal_constant_time(std::string_view a, std::string_view b);

std::string redact_url(std::string_view url);

}  // namespace skyriver::core

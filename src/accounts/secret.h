// The secrets of accounts: password hashes (argon2id, libsodium crypto_pwhash_str), and the
// random tokens of API access and sessions, kept in the store only as a digest.
//
// Contract:
// - Passwords: at least kMinPassword characters (bytes of UTF-8; 10, a bureau IT department's
//   usual floor for a password that is also throttled) and at most kMaxPassword bytes;
//   check_password() throws core::Error naming `where` and the rule, never the password.
// - hash_password() is argon2id with libsodium's INTERACTIVE limits (about 64 MiB, ~0.1 s);
//   verify_password() is false for a wrong password or a malformed hash. burn_password_time()
//   spends the same work on a fixed dummy hash, so that an unknown name answers in comparable
//   time to a wrong password.
// - new_secret() is 32 random bytes (randombytes_buf) as 43 characters of base64url with the
//   given prefix; digest() is its SHA-256 in hex: tokens are random, so a fast hash suffices.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace skyriver::accounts {

inline constexpr std::size_t kMinPassword = 10;
inline constexpr std::size_t kMaxPassword = 1024;

void check_password(const std::string& where, std::string_view password);
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
void burn_password_time(std::string_view password);

std::string new_secret(std::string_view prefix);
std::string digest(std::string_view secret);

}  // namespace skyriver::accounts

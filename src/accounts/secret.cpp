#include "accounts/secret.h"

#include "core/error.h"

#include <sodium.h>

namespace skyriver::accounts {

namespace {

void init() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw core::Error("libsodium", "sodium_init failed");
}

}  // namespace

void check_password(const std::string& where, std::string_view password) {
  if (password.empty()) throw core::Error(where, "the password is empty");
  if (password.size() < kMinPassword)
    throw core::Error(where, "the password is too short: at least " + std::to_string(kMinPassword) + " characters");
  if (password.size() > kMaxPassword)
    throw core::Error(where, "the password is too long: at most " + std::to_string(kMaxPassword) + " bytes");
}

std::string hash_password(std::string_view password) {
  init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw core::Error("libsodium", "crypto_pwhash_str ran out of memory");
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  init();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void burn_password_time(std::string_view password) {
  static const std::string dummy = hash_password("skyriver dummy password, never a user's");
  (void)verify_password(dummy, password);
}

std::string new_secret(std::string_view prefix) {
  init();
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char b64[sodium_base64_ENCODED_LEN(sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
  return std::string(prefix) + b64;
}

std::string digest(std::string_view secret) {
  init();
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[2 * sizeof h + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return hex;
}

}  // namespace skyriver::accounts

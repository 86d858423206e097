// authconf/password.h: Better Auth's credential password hashes.
//
//   auto stored = authconf::hash_password("password123");   // "<salt>:<key>", 161 chars
//   auto ok = authconf::verify_password("password123", *stored);  // Result<bool>
//   auto length = authconf::check_password_length(raw, {.min = 8, .max = 128});
//
// Format (spec/better-auth-wire.md §5, @better-auth/utils password.mjs):
// scrypt N=16384 r=16 p=1 dkLen=64 over the NFKC-normalised UTF-8 password.
// The salt is 16 random bytes written as 32 lower-case hex characters, and the
// ASCII bytes of that hex string (not the 16 bytes) are what scrypt is fed.
// Stored as "<32 hex salt>:<128 hex key>".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "authconf/result.h"

namespace authconf {

enum class PasswordError {
  kInvalidUtf8,          // the password is not valid UTF-8
  kMalformedStoredHash,  // not "<32 hex>:<128 hex>"
  kInvalidSalt,          // a salt given to hash_password_with_salt is not 32 lower-case hex
  kHashFailed,           // scrypt itself failed (out of memory)
  kTooShort,             // fewer UTF-16 code units than the minimum
  kTooLong,              // more UTF-16 code units than the maximum
};
std::string_view to_string(PasswordError code);

// Better Auth's defaults: emailAndPassword.minPasswordLength / maxPasswordLength.
struct PasswordLimits {
  std::size_t min = 8;
  std::size_t max = 128;
};

// Unicode NFKC (utf8proc), as JavaScript's String.prototype.normalize("NFKC").
Result<std::string, PasswordError> normalize_nfkc(std::string_view utf8);

// Checks length in UTF-16 code units of the raw, un-normalised password, as
// Better Auth does with `password.length` (4 emoji = 8 units pass; 7 x "é" fail).
Result<std::size_t, PasswordError> check_password_length(std::string_view password,
                                                         PasswordLimits limits = {});

// Hashes with a fresh random salt.
Result<std::string, PasswordError> hash_password(std::string_view password);

// Hashes with the given salt (32 lower-case hex characters): reproduces a stored value.
Result<std::string, PasswordError> hash_password_with_salt(std::string_view password,
                                                           std::string_view salt_hex);

// True when `password` hashes to `stored`. A malformed `stored` is an error, not
// `false`: Better Auth throws there (a 500), and a harness must tell the two apart.
Result<bool, PasswordError> verify_password(std::string_view password, std::string_view stored);

}  // namespace authconf

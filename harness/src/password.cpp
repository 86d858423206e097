#include "authconf/password.h"

#include <sodium.h>
#include <utf8proc.h>

#include <array>
#include <cstdlib>
#include <memory>

#include "authconf/encoding.h"
#include "internal/sodium_init.h"

namespace authconf {
namespace {

constexpr std::uint64_t kScryptN = 16384;
constexpr std::uint32_t kScryptR = 16;
constexpr std::uint32_t kScryptP = 1;
constexpr std::size_t kKeyBytes = 64;
constexpr std::size_t kSaltHexChars = 32;

bool is_lower_hex(std::string_view text, std::size_t length) {
  return text.size() == length &&
         text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Result<std::string, PasswordError> derive_key_hex(std::string_view password,
                                                  std::string_view salt_hex) {
  auto normalized = normalize_nfkc(password);
  if (!normalized) return std::unexpected(normalized.error());
  internal::ensure_sodium();
  std::array<std::uint8_t, kKeyBytes> key{};
  int rc = crypto_pwhash_scryptsalsa208sha256_ll(
      reinterpret_cast<const std::uint8_t*>(normalized->data()), normalized->size(),
      reinterpret_cast<const std::uint8_t*>(salt_hex.data()), salt_hex.size(), kScryptN, kScryptR,
      kScryptP, key.data(), key.size());
  if (rc != 0) return fail(PasswordError::kHashFailed, "scrypt failed (out of memory?)");
  return hex_encode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

}  // namespace

std::string_view to_string(PasswordError code) {
  switch (code) {
    case PasswordError::kInvalidUtf8:
      return "invalid-utf8";
    case PasswordError::kMalformedStoredHash:
      return "malformed-stored-hash";
    case PasswordError::kInvalidSalt:
      return "invalid-salt";
    case PasswordError::kHashFailed:
      return "hash-failed";
    case PasswordError::kTooShort:
      return "too-short";
    case PasswordError::kTooLong:
      return "too-long";
  }
  return "unknown";
}

Result<std::string, PasswordError> normalize_nfkc(std::string_view utf8) {
  if (!utf16_length(utf8)) return fail(PasswordError::kInvalidUtf8, "password is not valid UTF-8");
  if (utf8.empty()) return std::string();
  utf8proc_uint8_t* mapped = nullptr;
  // An explicit length (no UTF8PROC_NULLTERM) keeps embedded NULs, as JS does.
  utf8proc_ssize_t size = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
      static_cast<utf8proc_ssize_t>(utf8.size()), &mapped,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  if (size < 0) return fail(PasswordError::kInvalidUtf8, utf8proc_errmsg(size));
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(size));
}

Result<std::size_t, PasswordError> check_password_length(std::string_view password,
                                                         PasswordLimits limits) {
  auto units = utf16_length(password);
  if (!units) return fail(PasswordError::kInvalidUtf8, "password is not valid UTF-8");
  if (*units < limits.min)
    return fail(PasswordError::kTooShort,
                std::to_string(*units) + " UTF-16 units < minimum " + std::to_string(limits.min));
  if (*units > limits.max)
    return fail(PasswordError::kTooLong,
                std::to_string(*units) + " UTF-16 units > maximum " + std::to_string(limits.max));
  return *units;
}

Result<std::string, PasswordError> hash_password(std::string_view password) {
  internal::ensure_sodium();
  std::array<std::uint8_t, kSaltHexChars / 2> salt{};
  randombytes_buf(salt.data(), salt.size());
  return hash_password_with_salt(
      password,
      hex_encode(std::string_view(reinterpret_cast<const char*>(salt.data()), salt.size())));
}

Result<std::string, PasswordError> hash_password_with_salt(std::string_view password,
                                                           std::string_view salt_hex) {
  if (!is_lower_hex(salt_hex, kSaltHexChars))
    return fail(PasswordError::kInvalidSalt, "salt must be 32 lower-case hex characters");
  auto key = derive_key_hex(password, salt_hex);
  if (!key) return std::unexpected(key.error());
  return std::string(salt_hex) + ":" + *key;
}

Result<bool, PasswordError> verify_password(std::string_view password, std::string_view stored) {
  std::size_t colon = stored.find(':');
  if (colon == std::string_view::npos)
    return fail(PasswordError::kMalformedStoredHash, "no ':' between salt and key");
  std::string_view salt = stored.substr(0, colon);
  std::string_view key = stored.substr(colon + 1);
  if (!is_lower_hex(salt, kSaltHexChars))
    return fail(PasswordError::kMalformedStoredHash, "salt is not 32 lower-case hex characters");
  if (!is_lower_hex(key, kKeyBytes * 2))
    return fail(PasswordError::kMalformedStoredHash, "key is not 128 lower-case hex characters");
  auto computed = derive_key_hex(password, salt);
  if (!computed) return std::unexpected(computed.error());
  return constant_time_equal(*computed, key);
}

}  // namespace authconf

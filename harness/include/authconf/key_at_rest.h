// authconf/key_at_rest.h: private keys at rest, as Better Auth's jwt plugin
// stores them in the `jwks` table.
//
//   std::string stored = authconf::seal_private_key(jwk_json, secret);
//   // "\"5c0e…\"": a JSON string literal, quotes included (the privateKey column)
//   auto opened = authconf::open_private_key(stored, secret);
//   if (!opened) EXPECT_EQ(opened.error().code, authconf::KeyAtRestError::kWrongSecretOrTampered);
//   opened->plaintext;  // the private JWK as JSON text
//   opened->version;    // 2 for "$ba$2$<hex>" (rotating secrets), empty for bare hex
//
// better-auth 1.6.34 dist/crypto/index.mjs symmetricEncrypt: XChaCha20-Poly1305
// (@noble/ciphers managedNonce, the IETF construction libsodium implements),
// key = SHA-256(UTF-8 secret), no associated data, value =
// hex(nonce[24] ‖ ciphertext ‖ tag[16]). With a `secrets` rotation list the hex
// is wrapped as "$ba$<version>$<hex>". dist/plugins/jwt/utils.mjs then stores
// JSON.stringify(value) (spec/better-auth-wire.md §13).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "authconf/result.h"

namespace authconf {

// Why a stored value does not decrypt.
enum class KeyAtRestError {
  kNotJsonString,          // the column value is not a JSON string literal
  kBadEnvelope,            // starts with "$ba$" but no "<decimal version>$" follows
  kBadHex,                 // not an even number of hex digits
  kTooShort,               // under 24 + 16 bytes: no room for nonce and tag
  kWrongSecretOrTampered,  // the Poly1305 tag does not verify
};
std::string_view to_string(KeyAtRestError code);

inline constexpr std::size_t kKeyAtRestNonceBytes = 24;
inline constexpr std::size_t kKeyAtRestTagBytes = 16;
using KeyAtRestNonce = std::array<std::uint8_t, kKeyAtRestNonceBytes>;

// What a stored value held.
struct Decrypted {
  std::string plaintext;                 // the decrypted bytes (a JWK's JSON for jwks rows)
  std::optional<std::uint32_t> version;  // the envelope's secret version, if wrapped
};

// symmetricEncrypt with a string key: lower-case hex of nonce ‖ ciphertext ‖
// tag, under a fresh random nonce.
std::string symmetric_encrypt(std::string_view data, std::string_view secret);
// The same under a given nonce, to reproduce a recorded value byte for byte.
// A nonce must never be used twice with one secret.
std::string symmetric_encrypt(std::string_view data, std::string_view secret,
                              const KeyAtRestNonce& nonce);
// "$ba$<version>$<hex>", what symmetricEncrypt returns under a secrets list.
std::string format_envelope(std::uint32_t version, std::string_view hex);
// Decrypts bare hex or an envelope (with `secret`, whatever its version says;
// Better Auth itself unwraps envelopes only when configured with a `secrets`
// list, and then picks the secret by version). Hex digits may be of either
// case, as @noble/ciphers' hexToBytes accepts.
Result<Decrypted, KeyAtRestError> symmetric_decrypt(std::string_view data, std::string_view secret);

// The privateKey column value for a private JWK's JSON: the JSON string
// literal of symmetric_encrypt's output, wrapped in an envelope when a version
// is given.
std::string seal_private_key(std::string_view private_jwk_json, std::string_view secret,
                             std::optional<std::uint32_t> version = std::nullopt);
// Reads a privateKey column value: JSON.parse, then symmetric_decrypt.
Result<Decrypted, KeyAtRestError> open_private_key(std::string_view stored,
                                                   std::string_view secret);

}  // namespace authconf

#include "authconf/key_at_rest.h"

#include <sodium.h>

#include <limits>
#include <nlohmann/json.hpp>

#include "authconf/encoding.h"
#include "internal/sodium_init.h"

namespace authconf {
namespace {

constexpr std::string_view kEnvelopePrefix = "$ba$";

static_assert(kKeyAtRestNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kKeyAtRestTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

// SHA-256 of the secret's UTF-8 bytes (@better-auth/utils createHash("SHA-256")).
class DerivedKey {
 public:
  explicit DerivedKey(std::string_view secret) {
    internal::ensure_sodium();
    crypto_hash_sha256(key_.data(), reinterpret_cast<const unsigned char*>(secret.data()),
                       secret.size());
  }
  ~DerivedKey() { sodium_memzero(key_.data(), key_.size()); }
  DerivedKey(const DerivedKey&) = delete;
  DerivedKey& operator=(const DerivedKey&) = delete;
  const unsigned char* data() const { return key_.data(); }

 private:
  std::array<unsigned char, crypto_aead_xchacha20poly1305_ietf_KEYBYTES> key_{};
};

Result<Decrypted, KeyAtRestError> decrypt_hex(std::string_view hex, std::string_view secret) {
  auto sealed = hex_decode(hex);
  if (!sealed)
    return fail(KeyAtRestError::kBadHex, "not hex: " + std::string(to_string(sealed.error().code)));
  if (sealed->size() < kKeyAtRestNonceBytes + kKeyAtRestTagBytes)
    return fail(KeyAtRestError::kTooShort,
                std::to_string(sealed->size()) + " bytes; at least 40 (nonce and tag) expected");
  const unsigned char* nonce = sealed->data();
  const unsigned char* ciphertext = sealed->data() + kKeyAtRestNonceBytes;
  const std::size_t ciphertext_size = sealed->size() - kKeyAtRestNonceBytes;
  std::string plaintext(ciphertext_size - kKeyAtRestTagBytes, '\0');
  unsigned long long plaintext_size = 0;
  DerivedKey key(secret);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &plaintext_size, nullptr, ciphertext,
          ciphertext_size, nullptr, 0, nonce, key.data()) != 0)
    return fail(KeyAtRestError::kWrongSecretOrTampered,
                "Poly1305 tag does not verify: another secret, or altered bytes");
  plaintext.resize(static_cast<std::size_t>(plaintext_size));
  return Decrypted{std::move(plaintext), std::nullopt};
}

// "$ba$<version>$<rest>": better-auth's parseEnvelope. Its parseInt would also
// read "1x" as 1; Better Auth only ever writes a plain decimal, so nothing
// else is accepted here.
Result<std::pair<std::uint32_t, std::string_view>, KeyAtRestError> parse_envelope(
    std::string_view data) {
  std::string_view rest = data.substr(kEnvelopePrefix.size());
  const std::size_t separator = rest.find('$');
  if (separator == std::string_view::npos || separator == 0)
    return fail(KeyAtRestError::kBadEnvelope, "no \"<version>$\" after \"$ba$\"");
  std::uint64_t version = 0;
  for (char c : rest.substr(0, separator)) {
    if (c < '0' || c > '9')
      return fail(KeyAtRestError::kBadEnvelope, "version is not a decimal number");
    version = version * 10 + static_cast<std::uint64_t>(c - '0');
    if (version > std::numeric_limits<std::uint32_t>::max())
      return fail(KeyAtRestError::kBadEnvelope, "version out of range");
  }
  return std::pair{static_cast<std::uint32_t>(version), rest.substr(separator + 1)};
}

}  // namespace

std::string_view to_string(KeyAtRestError code) {
  switch (code) {
    case KeyAtRestError::kNotJsonString:
      return "not-json-string";
    case KeyAtRestError::kBadEnvelope:
      return "bad-envelope";
    case KeyAtRestError::kBadHex:
      return "bad-hex";
    case KeyAtRestError::kTooShort:
      return "too-short";
    case KeyAtRestError::kWrongSecretOrTampered:
      return "wrong-secret-or-tampered";
  }
  return "unknown";
}

std::string symmetric_encrypt(std::string_view data, std::string_view secret) {
  internal::ensure_sodium();
  KeyAtRestNonce nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  return symmetric_encrypt(data, secret, nonce);
}

std::string symmetric_encrypt(std::string_view data, std::string_view secret,
                              const KeyAtRestNonce& nonce) {
  DerivedKey key(secret);
  std::string sealed(kKeyAtRestNonceBytes + data.size() + kKeyAtRestTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(sealed.data());
  std::copy(nonce.begin(), nonce.end(), out);
  unsigned long long ciphertext_size = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out + kKeyAtRestNonceBytes, &ciphertext_size,
                                             reinterpret_cast<const unsigned char*>(data.data()),
                                             data.size(), nullptr, 0, nullptr, nonce.data(),
                                             key.data());
  std::string hex = hex_encode(sealed);
  sodium_memzero(sealed.data(), sealed.size());
  return hex;
}

std::string format_envelope(std::uint32_t version, std::string_view hex) {
  std::string out(kEnvelopePrefix);
  out += std::to_string(version);
  out += '$';
  out += hex;
  return out;
}

Result<Decrypted, KeyAtRestError> symmetric_decrypt(std::string_view data,
                                                    std::string_view secret) {
  if (!data.starts_with(kEnvelopePrefix)) return decrypt_hex(data, secret);
  auto envelope = parse_envelope(data);
  if (!envelope) return std::unexpected(envelope.error());
  auto opened = decrypt_hex(envelope->second, secret);
  if (opened) opened->version = envelope->first;
  return opened;
}

std::string seal_private_key(std::string_view private_jwk_json, std::string_view secret,
                             std::optional<std::uint32_t> version) {
  std::string value = symmetric_encrypt(private_jwk_json, secret);
  if (version) value = format_envelope(*version, value);
  // Hex digits, '$' and decimal digits need no escaping: this is JSON.stringify.
  return nlohmann::json(value).dump();
}

Result<Decrypted, KeyAtRestError> open_private_key(std::string_view stored,
                                                   std::string_view secret) {
  nlohmann::json value = nlohmann::json::parse(stored, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_string())
    return fail(KeyAtRestError::kNotJsonString,
                value.is_discarded() ? "not JSON" : "JSON " + std::string(value.type_name()));
  return symmetric_decrypt(value.get_ref<const std::string&>(), secret);
}

}  // namespace authconf

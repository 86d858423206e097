#include "authconf/signed_cookie.h"

#include <sodium.h>

#include "authconf/encoding.h"
#include "internal/sodium_init.h"

namespace authconf {
namespace {

constexpr std::size_t kSignatureChars = 44;

Bytes hmac_sha256(std::string_view message, std::string_view secret) {
  internal::ensure_sodium();
  crypto_auth_hmacsha256_state state;
  Bytes mac(crypto_auth_hmacsha256_BYTES);
  // _init takes a key of any length (HMAC hashes long keys), as WebCrypto does.
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return mac;
}

}  // namespace

std::string_view to_string(SignedCookieError code) {
  switch (code) {
    case SignedCookieError::kNoSeparator:
      return "no-separator";
    case SignedCookieError::kBadSignatureShape:
      return "bad-signature-shape";
    case SignedCookieError::kBadSignature:
      return "bad-signature";
  }
  return "unknown";
}

std::string cookie_signature(std::string_view message, std::string_view secret) {
  return base64_encode(hmac_sha256(message, secret));
}

std::string sign_cookie_value(std::string_view token, std::string_view secret) {
  std::string signed_value(token);
  signed_value += '.';
  signed_value += cookie_signature(token, secret);
  return encode_uri_component(signed_value);
}

Result<std::string, SignedCookieError> verify_signed_cookie_value(std::string_view cookie_value,
                                                                  std::string_view secret) {
  // better-call's parseCookies: tryDecode = decodeURIComponent when '%' occurs,
  // the raw value when that throws.
  std::string value(cookie_value);
  if (value.find('%') != std::string::npos) {
    if (auto decoded = decode_uri_component(value)) value = std::move(*decoded);
  }
  std::size_t dot = value.rfind('.');
  if (dot == std::string::npos || dot < 1)
    return fail(SignedCookieError::kNoSeparator, "no '.' after a non-empty token");
  std::string token = value.substr(0, dot);
  std::string_view signature = std::string_view(value).substr(dot + 1);
  if (signature.size() != kSignatureChars || !signature.ends_with('='))
    return fail(SignedCookieError::kBadSignatureShape,
                "signature has " + std::to_string(signature.size()) +
                    " characters; 44 ending in '=' expected");
  auto mac = base64_decode_forgiving(signature);
  if (!mac) return fail(SignedCookieError::kBadSignature, "signature is not base64");
  Bytes expected = hmac_sha256(token, secret);
  if (mac->size() != expected.size() || !constant_time_equal(to_string(*mac), to_string(expected)))
    return fail(SignedCookieError::kBadSignature, "HMAC-SHA256 does not match");
  return token;
}

}  // namespace authconf

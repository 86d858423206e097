// authconf/signed_cookie.h: Better Auth's signed cookie values (better-call).
//
//   std::string v = authconf::sign_cookie_value(token, secret);
//   // "052svUtoG4HOYJpiOCrFZkiD8t9iZTN7.%2F%2FPRcs...%3D"
//   auto token = authconf::verify_signed_cookie_value(v, secret);  // the token, or an error
//
// value = encodeURIComponent(token + "." + base64(HMAC-SHA256(secret, token)))
// (spec/better-auth-wire.md §4.2; better-call 1.4.0 dist/crypto.mjs, context.mjs).
#pragma once

#include <string>
#include <string_view>

#include "authconf/result.h"

namespace authconf {

// Why a cookie value does not carry a valid signature. Better Auth treats every
// one of these as "no cookie"; the split tells a test which check fired.
enum class SignedCookieError {
  kNoSeparator,        // no '.' after a non-empty token (better-call: lastIndexOf < 1)
  kBadSignatureShape,  // signature not 44 characters ending in '='
  kBadSignature,       // not base64, or the HMAC does not match
};
std::string_view to_string(SignedCookieError code);

// Standard base64 of HMAC-SHA256(key = UTF-8 secret, message): always 44 chars.
std::string cookie_signature(std::string_view message, std::string_view secret);

// What Better Auth puts after "name=" in Set-Cookie for a signed cookie.
std::string sign_cookie_value(std::string_view token, std::string_view secret);

// Reads a value from a Cookie header as better-call does: percent-decoded when
// it contains '%' (kept raw if that fails), split at the last '.', the
// signature checked for shape and then decoded with atob's forgiving rules and
// verified. Returns the token.
Result<std::string, SignedCookieError> verify_signed_cookie_value(std::string_view cookie_value,
                                                                  std::string_view secret);

}  // namespace authconf

// authref/auth/email_verification_token.h: the email-verification JWT.
//
// Better Auth does not store verification tokens: it mails an HS256 JWT
// signed with the secret, `{"alg":"HS256"}` over `{email, [updateTo],
// [requestType], iat, exp}` with exp = iat + expiresIn
// (spec/better-auth-wire.md §2.17; better-auth dist/api/routes/email-verification.mjs).
//
//   std::string token = create_email_verification_token(secret, "a@b.co", 1795344960, 3600);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/js_value.h"

namespace authref {

std::string create_email_verification_token(
    std::string_view secret, std::string_view email, std::int64_t now_s, std::int64_t expires_in_s,
    const std::optional<std::string>& update_to = std::nullopt,
    const std::optional<std::string>& request_type = std::nullopt);

// The payload of a token signed with `secret` (signature and alg checked,
// not exp); nullopt when it is not one.
std::optional<Json> verify_hs256_jwt(std::string_view token, std::string_view secret);

}  // namespace authref

#include "auth/email_verification_token.h"

#include <sodium.h>

#include "authconf/encoding.h"

namespace authref {
namespace {

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

}  // namespace

std::string create_email_verification_token(std::string_view secret, std::string_view email,
                                            std::int64_t now_s, std::int64_t expires_in_s,
                                            const std::optional<std::string>& update_to,
                                            const std::optional<std::string>& request_type) {
  Json payload = Json::object();
  payload["email"] = std::string(email);
  if (update_to) payload["updateTo"] = *update_to;
  if (request_type) payload["requestType"] = *request_type;
  payload["iat"] = now_s;
  payload["exp"] = now_s + expires_in_s;
  const std::string input = authconf::base64url_encode(std::string_view(R"({"alg":"HS256"})")) +
                            "." + authconf::base64url_encode(js_stringify(payload));
  return input + "." + authconf::base64url_encode(hmac_sha256(secret, input));
}

std::optional<Json> verify_hs256_jwt(std::string_view token, std::string_view secret) {
  const std::size_t first = token.find('.');
  const std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = authconf::base64url_decode(token.substr(0, first));
  auto payload = authconf::base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = authconf::base64url_decode(token.substr(second + 1));
  if (!header || !payload || !signature) return std::nullopt;
  Json header_json = Json::parse(authconf::to_string(*header), nullptr, false);
  if (!header_json.is_object() || header_json.value("alg", "") != "HS256") return std::nullopt;
  const std::string expected = hmac_sha256(secret, token.substr(0, second));
  if (!authconf::constant_time_equal(authconf::to_string(*signature), expected))
    return std::nullopt;
  Json claims = Json::parse(authconf::to_string(*payload), nullptr, false);
  if (!claims.is_object()) return std::nullopt;
  return claims;
}

}  // namespace authref

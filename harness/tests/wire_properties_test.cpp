// Properties of the wire primitives (rapidcheck): round trips hold for any
// input, and a signed cookie survives no change to its token. A failure prints
// its seed; replay it with RC_PARAMS="seed=<n>".
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "authconf/cookie_jar.h"
#include "authconf/encoding.h"
#include "authconf/jose.h"
#include "authconf/key_at_rest.h"
#include "authconf/origin.h"
#include "authconf/password.h"
#include "authconf/set_cookie.h"
#include "authconf/signed_cookie.h"

namespace authconf {
namespace {

// UTF-8 text from arbitrary Unicode scalar values (no surrogates), weighted
// toward ASCII so that separators and percent signs turn up often.
rc::Gen<std::string> utf8_text() {
  auto scalar =
      rc::gen::weightedOneOf<char32_t>({{6, rc::gen::inRange<char32_t>(0x00, 0x80)},
                                        {2, rc::gen::inRange<char32_t>(0x80, 0xD800)},
                                        {1, rc::gen::inRange<char32_t>(0xE000, 0x110000)}});
  return rc::gen::map(rc::gen::container<std::vector<char32_t>>(scalar),
                      [](const std::vector<char32_t>& points) {
                        std::string out;
                        for (char32_t cp : points) {
                          if (cp < 0x80) {
                            out += static_cast<char>(cp);
                          } else if (cp < 0x800) {
                            out += static_cast<char>(0xC0 | (cp >> 6));
                            out += static_cast<char>(0x80 | (cp & 0x3F));
                          } else if (cp < 0x10000) {
                            out += static_cast<char>(0xE0 | (cp >> 12));
                            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                            out += static_cast<char>(0x80 | (cp & 0x3F));
                          } else {
                            out += static_cast<char>(0xF0 | (cp >> 18));
                            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
                            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
                            out += static_cast<char>(0x80 | (cp & 0x3F));
                          }
                        }
                        return out;
                      });
}

// std::optional over a generator: absent about half the time.
template <class T>
rc::Gen<std::optional<T>> optional_of(rc::Gen<T> gen) {
  return rc::gen::oneOf(rc::gen::just(std::optional<T>{}),
                        rc::gen::map(std::move(gen), [](T v) { return std::optional<T>(v); }));
}

RC_GTEST_PROP(WireProperties, Base64RoundTripsAnyBytes, (const std::string& bytes)) {
  RC_ASSERT(to_string(base64_decode(base64_encode(bytes)).value()) == bytes);
  RC_ASSERT(to_string(base64url_decode(base64url_encode(bytes)).value()) == bytes);
  RC_ASSERT(to_string(base64_decode_forgiving(base64_encode(bytes)).value()) == bytes);
  RC_ASSERT(to_string(hex_decode(hex_encode(bytes)).value()) == bytes);
}

RC_GTEST_PROP(WireProperties, UriComponentRoundTripsAnyUtf8, ()) {
  const std::string text = *utf8_text();
  const std::string encoded = encode_uri_component(text);
  RC_ASSERT(encoded.find_first_of(";,= /+") == std::string::npos);
  RC_ASSERT(decode_uri_component(encoded).value() == text);
}

RC_GTEST_PROP(WireProperties, SignedCookieVerifiesOnlyItsOwnToken, ()) {
  const std::string token = *rc::gen::nonEmpty(utf8_text());
  const std::string secret = *rc::gen::nonEmpty(utf8_text());
  const std::string value = sign_cookie_value(token, secret);
  RC_ASSERT(verify_signed_cookie_value(value, secret).value() == token);

  // Any change to one byte of the token: the signature no longer matches.
  const std::string raw = decode_uri_component(value).value();
  const std::size_t at = *rc::gen::inRange<std::size_t>(0, raw.rfind('.'));
  std::string tampered = raw;
  tampered[at] = static_cast<char>(tampered[at] ^ *rc::gen::inRange(1, 128));
  auto result = verify_signed_cookie_value(tampered, secret);
  RC_ASSERT(!result.has_value());
}

RC_GTEST_PROP(WireProperties, SetCookieSerialiseParseRoundTrips, ()) {
  const auto token_char = rc::gen::elementOf(
      std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~"));
  const auto value_char = rc::gen::elementOf(
      std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%.-_~!*'()"));
  SetCookie cookie;
  cookie.name = *rc::gen::nonEmpty(rc::gen::container<std::string>(token_char));
  cookie.value = *rc::gen::container<std::string>(value_char);
  cookie.max_age = *optional_of(rc::gen::inRange<std::int64_t>(-10, 40'000'000));
  cookie.domain = *optional_of(rc::gen::element<std::string>("example.com", ".example.com"));
  cookie.path = *optional_of(rc::gen::element<std::string>("/", "/api/auth"));
  cookie.expires = *optional_of(
      rc::gen::map(rc::gen::inRange<std::int64_t>(0, 4'000'000'000'000), format_cookie_date));
  cookie.http_only = *rc::gen::arbitrary<bool>();
  cookie.secure = *rc::gen::arbitrary<bool>();
  cookie.same_site = *optional_of(rc::gen::element<std::string>("Lax", "Strict", "None"));
  cookie.partitioned = *rc::gen::arbitrary<bool>();
  auto parsed = parse_set_cookie(serialize_set_cookie(cookie));
  RC_ASSERT(parsed.has_value());
  RC_ASSERT(*parsed == cookie);
}

RC_GTEST_PROP(WireProperties, CookieDatesRoundTrip, ()) {
  const std::int64_t seconds = *rc::gen::inRange<std::int64_t>(-11'644'473'600, 253'402'300'799);
  RC_ASSERT(parse_cookie_date(format_cookie_date(seconds * 1000)) == seconds * 1000);
}

// A signed token verifies, and no single-character change to it does: strict
// base64url leaves no second spelling of any segment.
RC_GTEST_PROP(WireProperties, JwtSurvivesNoChangeToAnyCharacter, ()) {
  static const Jwk key = generate_ed25519_key().value();
  const auto claims_map =
      *rc::gen::container<std::map<std::string, std::string>>(utf8_text(), utf8_text());
  nlohmann::json claims = nlohmann::json::object();
  for (const auto& [name, value] : claims_map) claims[name] = value;
  const std::string token = sign_jwt(claims, key).value();
  RC_ASSERT(verify_jws(token, key).has_value());

  const std::size_t at = *rc::gen::inRange<std::size_t>(0, token.size());
  const char replacement = *rc::gen::elementOf(
      std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."));
  RC_PRE(replacement != token[at]);
  std::string tampered = token;
  tampered[at] = replacement;
  RC_ASSERT(!verify_jws(tampered, key).has_value());
}

// Hostile input: every parser answers arbitrary bytes with a value or a
// specific error, never a crash (the sanitizer build checks memory too).
RC_GTEST_PROP(WireProperties, ParsersSurviveArbitraryBytes, (const std::string& junk)) {
  (void)base64_decode(junk);
  (void)base64url_decode(junk);
  (void)base64_decode_forgiving(junk);
  (void)hex_decode(junk);
  (void)decode_uri_component(junk);
  (void)utf16_length(junk);
  (void)normalize_nfkc(junk);
  (void)check_password_length(junk);
  (void)verify_signed_cookie_value(junk, "secret");
  (void)parse_set_cookie(junk);
  (void)parse_cookie_date(junk);
  (void)origin_of(junk);
  (void)origin_of("http://" + junk);
  const std::vector<std::string> patterns{"http://localhost:5173", "*.trusted.dev", junk};
  (void)is_trusted_origin(junk, patterns, {.allow_relative_paths = true});
  (void)parse_jwt(junk);
  (void)parse_jwt(base64url_encode(junk) + "." + base64url_encode(junk) + "." + junk);
  (void)Jwk::parse(junk);
  (void)Jwks::parse(junk);
  (void)Jwks::parse(R"({"keys":[{"kty":"RSA","n":")" + junk + R"(","e":"AQAB"}]})");
  (void)symmetric_decrypt(junk, "secret");
  (void)open_private_key(junk, "secret");
  CookieJar jar;
  (void)jar.store(junk, "http://127.0.0.1/");
  (void)jar.store("a=b", "http://" + junk + "/");
  (void)jar.cookie_header("http://" + junk);
}

}  // namespace
}  // namespace authconf

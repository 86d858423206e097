// Private keys at rest against better-auth 1.6.34's own output
// (fixtures/vectors/key-at-rest.json, written by
// fixtures/vectors/scripts/make-key-at-rest.mjs): symmetricEncrypt values
// reproduced byte for byte, jwks rows written by the real jwt plugin opened
// and their keys used, and stored values Better Auth itself refuses.
#include "authconf/key_at_rest.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "authconf/encoding.h"
#include "authconf/jose.h"
#include "vectors.h"

namespace authconf {
namespace {

using Json = nlohmann::json;

const Json& vectors() { return testing::load_vectors("key-at-rest.json"); }

std::string code_of(const Result<Decrypted, KeyAtRestError>& result) {
  return result ? "ok" : std::string(to_string(result.error().code));
}

std::optional<std::uint32_t> version_of(const Json& row) {
  if (!row.contains("version")) return std::nullopt;
  return row["version"].get<std::uint32_t>();
}

// The hex after an optional "$ba$<v>$".
std::string hex_part(const std::string& value) {
  return value.starts_with("$ba$") ? value.substr(value.find('$', 4) + 1) : value;
}

TEST(KeyAtRestVectors, DecryptsBetterAuthCiphertexts) {
  ASSERT_GE(vectors()["encrypt"].size(), 10u);
  for (const auto& v : vectors()["encrypt"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto opened =
        symmetric_decrypt(v["ciphertext"].get<std::string>(), v["secret"].get<std::string>());
    ASSERT_TRUE(opened) << opened.error();
    EXPECT_EQ(opened->plaintext, v["plaintext"].get<std::string>());
    EXPECT_EQ(opened->version, version_of(v));
  }
}

// The nonce is the first 24 bytes; under it, encryption is deterministic and
// must give Better Auth's bytes exactly.
TEST(KeyAtRestVectors, ReEncryptingUnderTheRecordedNonceGivesTheSameBytes) {
  for (const auto& v : vectors()["encrypt"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const std::string value = v["ciphertext"];
    auto sealed = hex_decode(hex_part(value));
    ASSERT_TRUE(sealed);
    ASSERT_GE(sealed->size(), kKeyAtRestNonceBytes + kKeyAtRestTagBytes);
    KeyAtRestNonce nonce{};
    std::copy_n(sealed->begin(), nonce.size(), nonce.begin());
    std::string again =
        symmetric_encrypt(v["plaintext"].get<std::string>(), v["secret"].get<std::string>(), nonce);
    if (auto version = version_of(v)) again = format_envelope(*version, again);
    EXPECT_EQ(again, value);
  }
}

TEST(KeyAtRestVectors, ColumnValuesAreJsonStringLiterals) {
  for (const auto& v : vectors()["encrypt"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const std::string column = Json(v["ciphertext"]).dump();
    ASSERT_TRUE(column.starts_with('"') && column.ends_with('"'));
    auto opened = open_private_key(column, v["secret"].get<std::string>());
    ASSERT_TRUE(opened) << opened.error();
    EXPECT_EQ(opened->plaintext, v["plaintext"].get<std::string>());
  }
}

// Rows the real jwt plugin wrote: the stored private key opens with the
// secret, its public half is the stored publicKey and the served JWKS entry,
// and it re-signs the plugin's own token to the same bytes.
TEST(KeyAtRestVectors, JwtPluginRowsOpenAndTheirKeysSignTheRecordedToken) {
  ASSERT_EQ(vectors()["rows"].size(), 3u);
  std::set<std::string> algs;
  for (const auto& v : vectors()["rows"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const Json& row = v["row"];
    auto opened =
        open_private_key(row["privateKey"].get<std::string>(), v["secret"].get<std::string>());
    ASSERT_TRUE(opened) << opened.error();
    EXPECT_EQ(opened->version, version_of(v));

    auto key = Jwk::parse(opened->plaintext);
    ASSERT_TRUE(key) << key.error();
    EXPECT_TRUE(key->is_private());
    EXPECT_EQ(key->public_jwk().to_json(), Json::parse(row["publicKey"].get<std::string>()));
    algs.insert(std::string(to_string(key->alg())));

    auto jwks = Jwks::from_json(v["jwks"]);
    ASSERT_TRUE(jwks) << jwks.error();
    auto served = jwks->find(row["id"].get<std::string>());
    ASSERT_TRUE(served) << served.error();
    Jwk mine = key->public_jwk();
    mine.set_kid(row["id"]);
    EXPECT_EQ(mine.thumbprint(), (*served)->thumbprint());
    EXPECT_EQ(mine.to_json()["kty"], (*served)->to_json()["kty"]);

    const std::string token = v["token"];
    const std::int64_t iat = v["iat"];
    auto jwt = verify_jwt(token, *jwks,
                          {.now = iat,
                           .issuer = v["iss"].get<std::string>(),
                           .audience = v["aud"].get<std::string>()});
    ASSERT_TRUE(jwt) << jwt.error();
    EXPECT_EQ(jwt->jws.kid, row["id"].get<std::string>());
    EXPECT_EQ(jwt->claims["exp"], v["exp"]);

    const std::size_t dot = token.find('.');
    const std::string header = to_string(*base64url_decode(token.substr(0, dot)));
    const std::string payload = jwt->jws.payload;
    auto again = sign_compact(header, payload, *key);
    ASSERT_TRUE(again) << again.error();
    EXPECT_EQ(*again, token);
  }
  EXPECT_EQ(algs, (std::set<std::string>{"EdDSA", "RS256"}));
}

TEST(KeyAtRestVectors, InvalidValuesFailWithTheirCode) {
  ASSERT_GE(vectors()["invalid"].size(), 15u);
  std::set<std::string> seen;
  for (const auto& v : vectors()["invalid"]) {
    SCOPED_TRACE(v["name"].get<std::string>() + ": " +
                 v["stored"].get<std::string>().substr(0, 60));
    auto opened = open_private_key(v["stored"].get<std::string>(), v["secret"].get<std::string>());
    EXPECT_EQ(code_of(opened), v["expect"].get<std::string>());
    seen.insert(v["expect"].get<std::string>());
  }
  for (KeyAtRestError code :
       {KeyAtRestError::kNotJsonString, KeyAtRestError::kBadEnvelope, KeyAtRestError::kBadHex,
        KeyAtRestError::kTooShort, KeyAtRestError::kWrongSecretOrTampered}) {
    EXPECT_TRUE(seen.contains(std::string(to_string(code)))) << to_string(code);
  }
}

// Every byte of a sealed value is covered: nonce, ciphertext and tag.
TEST(KeyAtRest, AnyChangedByteIsDetected) {
  const Json& v = vectors()["encrypt"][0];
  const std::string secret = v["secret"];
  Bytes sealed = *hex_decode(v["ciphertext"].get<std::string>());
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes tampered = sealed;
    tampered[i] ^= 0x80;
    ASSERT_EQ(code_of(symmetric_decrypt(hex_encode(tampered), secret)), "wrong-secret-or-tampered")
        << "byte " << i;
  }
}

TEST(KeyAtRest, SealAndOpenRoundTripWithFreshNonces) {
  const std::string jwk = vectors()["encrypt"][0]["plaintext"];
  const std::string secret = "test-secret-0123456789abcdef0123456789abcdef";
  const std::string first = seal_private_key(jwk, secret);
  const std::string second = seal_private_key(jwk, secret);
  EXPECT_NE(first, second);
  EXPECT_EQ(first.size(), 2 + 2 * (kKeyAtRestNonceBytes + jwk.size() + kKeyAtRestTagBytes));
  for (const std::string& stored : {first, second}) {
    auto opened = open_private_key(stored, secret);
    ASSERT_TRUE(opened) << opened.error();
    EXPECT_EQ(opened->plaintext, jwk);
    EXPECT_FALSE(opened->version);
    EXPECT_EQ(code_of(open_private_key(stored, secret + "x")), "wrong-secret-or-tampered");
  }
  const std::string wrapped = seal_private_key(jwk, secret, 7);
  EXPECT_TRUE(wrapped.starts_with("\"$ba$7$")) << wrapped;
  auto opened = open_private_key(wrapped, secret);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(opened->version, 7u);
  EXPECT_EQ(opened->plaintext, jwk);
}

TEST(KeyAtRest, UpperCaseHexIsAcceptedAsNobleDoes) {
  const Json& v = vectors()["encrypt"][0];
  std::string upper = v["ciphertext"];
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto opened = symmetric_decrypt(upper, v["secret"].get<std::string>());
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(opened->plaintext, v["plaintext"].get<std::string>());
}

TEST(KeyAtRest, EnvelopeVersions) {
  const std::string hex = symmetric_encrypt("x", "s");
  EXPECT_EQ(format_envelope(0, "ab"), "$ba$0$ab");
  EXPECT_EQ(symmetric_decrypt(format_envelope(0, hex), "s")->version, 0u);
  EXPECT_EQ(symmetric_decrypt(format_envelope(4294967295u, hex), "s")->version, 4294967295u);
  EXPECT_EQ(code_of(symmetric_decrypt("$ba$4294967296$" + hex, "s")), "bad-envelope");
  EXPECT_EQ(code_of(symmetric_decrypt("$ba$-1$" + hex, "s")), "bad-envelope");
  EXPECT_EQ(code_of(symmetric_decrypt("$ba$", "s")), "bad-envelope");
  EXPECT_EQ(code_of(symmetric_decrypt("$ba$1$", "s")), "too-short");
  EXPECT_EQ(code_of(symmetric_decrypt("$ba$1$$" + hex, "s")), "bad-hex");
}

// Properties (rapidcheck; replay a failure with RC_PARAMS="seed=<n>").

RC_GTEST_PROP(KeyAtRestProperties, AnyDataRoundTripsUnderAnySecret,
              (const std::string& data, const std::string& secret)) {
  const std::string stored = seal_private_key(data, secret);
  auto opened = open_private_key(stored, secret);
  RC_ASSERT(bool(opened));
  RC_ASSERT(opened->plaintext == data);
  auto wrong = open_private_key(stored, secret + "!");
  RC_ASSERT(!wrong);
  RC_ASSERT(wrong.error().code == KeyAtRestError::kWrongSecretOrTampered);
}

RC_GTEST_PROP(KeyAtRestProperties, ArbitraryStoredValuesNeverOpen, (const std::string& stored)) {
  auto literal = [](const std::string& text) {
    return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  for (const std::string& value : {stored, literal(stored), literal("$ba$1$" + stored)}) {
    auto opened = open_private_key(value, "test-secret-0123456789abcdef0123456789abcdef");
    RC_ASSERT(!opened);
  }
}

}  // namespace
}  // namespace authconf

// JOSE against published vectors (fixtures/vectors/jose-rfc.json: RFC 7515
// A.2, RFC 8037 A.1-A.4, RFC 7638 §3.1), RS256 tokens recorded from the real
// convex plugin, and the negative corpus of jose-negative.json. Both files
// are written by fixtures/vectors/scripts/; no expected byte here is typed by
// hand.
#include "authconf/jose.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <sodium.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "vectors.h"

namespace authconf {
namespace {

using Json = nlohmann::json;

const Json& rfc() { return testing::load_vectors("jose-rfc.json"); }

const Json& negative() { return testing::load_vectors("jose-negative.json"); }

// The RFC keys by name ("rfc7515-a2", "rfc8037-a1"), private, without kid.
const std::map<std::string, Jwk>& rfc_keys() {
  static const std::map<std::string, Jwk> keys = [] {
    std::map<std::string, Jwk> out;
    for (const auto& [name, entry] : rfc()["keys"].items()) {
      auto key = Jwk::from_json(entry["jwk"]);
      if (!key) {
        ADD_FAILURE() << name << ": " << key.error();
        continue;
      }
      out.emplace(name, std::move(*key));
    }
    return out;
  }();
  return keys;
}

template <class T>
std::string code_of(const Result<T, JoseError>& result) {
  return result ? "ok" : std::string(to_string(result.error().code));
}

std::string segment(const std::string& compact, int index) {
  std::size_t begin = 0;
  for (int i = 0; i < index; ++i) begin = compact.find('.', begin) + 1;
  return compact.substr(begin, compact.find('.', begin) - begin);
}

std::string decoded(const std::string& b64url) {
  auto bytes = base64url_decode(b64url);
  EXPECT_TRUE(bytes) << b64url;
  return bytes ? to_string(*bytes) : std::string();
}

// Every bit of the signature, flipped one at a time, must be caught.
void expect_every_signature_bit_matters(const std::string& compact, const Jwk& key) {
  const std::size_t dot = compact.rfind('.');
  auto signature = base64url_decode(compact.substr(dot + 1));
  ASSERT_TRUE(signature);
  for (std::size_t bit = 0; bit < signature->size() * 8; ++bit) {
    Bytes tampered = *signature;
    tampered[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto result = verify_jws(compact.substr(0, dot + 1) + base64url_encode(tampered), key);
    ASSERT_EQ(code_of(result), "bad-signature") << "bit " << bit;
  }
}

// ---- Published vectors ---------------------------------------------------------

TEST(JoseRfcVectors, SignReproducesThePublishedJwsByteForByte) {
  ASSERT_EQ(rfc()["signatures"].size(), 2u);
  for (const auto& v : rfc()["signatures"]) {
    SCOPED_TRACE(v["name"].get<std::string>() + " (" + v["source"].get<std::string>() + ")");
    const Jwk& key = rfc_keys().at(v["key"]);
    auto compact = sign_compact(v["protected_header"].get<std::string>(),
                                v["payload"].get<std::string>(), key);
    ASSERT_TRUE(compact) << compact.error();
    EXPECT_EQ(*compact, v["compact"].get<std::string>());
  }
}

TEST(JoseRfcVectors, PublishedJwsVerifiesWithThePublicKey) {
  for (const auto& v : rfc()["signatures"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    const Jwk public_key = rfc_keys().at(v["key"]).public_jwk();
    ASSERT_FALSE(public_key.is_private());
    auto jws = verify_jws(v["compact"].get<std::string>(), public_key);
    ASSERT_TRUE(jws) << jws.error();
    EXPECT_EQ(jws->payload, v["payload"].get<std::string>());
    EXPECT_EQ(jws->header, Json::parse(v["protected_header"].get<std::string>()));
    EXPECT_EQ(jws->alg, to_string(public_key.alg()));
    EXPECT_FALSE(jws->kid);
    const std::string compact = v["compact"];
    EXPECT_EQ(jws->signing_input, compact.substr(0, compact.rfind('.')));
  }
}

TEST(JoseRfcVectors, EveryBitOfThePublishedSignaturesMatters) {
  for (const auto& v : rfc()["signatures"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    expect_every_signature_bit_matters(v["compact"], rfc_keys().at(v["key"]).public_jwk());
  }
}

// RFC 8037 A.5: the A.4 JWS validates with the A.2 public JWK as published.
TEST(JoseRfcVectors, PublicJwksAsPublishedVerifyAndMatchTheirPrivateKeys) {
  ASSERT_EQ(rfc()["public_keys"].size(), 2u);
  for (const auto& v : rfc()["public_keys"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto key = Jwk::from_json(v["jwk"]);
    ASSERT_TRUE(key) << key.error();
    EXPECT_FALSE(key->is_private());
    EXPECT_EQ(key->to_json(), v["jwk"]);
    EXPECT_EQ(rfc_keys().at(v["private_key"]).public_jwk().to_json(), v["jwk"]);
    for (const auto& s : rfc()["signatures"]) {
      if (s["key"] != v["private_key"]) continue;
      auto jws = verify_jws(s["compact"].get<std::string>(), *key);
      EXPECT_TRUE(jws) << jws.error();
    }
  }
}

TEST(JoseRfcVectors, PrivateJwksRoundTripMemberForMember) {
  for (const auto& [name, entry] : rfc()["keys"].items()) {
    SCOPED_TRACE(name);
    const Jwk& key = rfc_keys().at(name);
    EXPECT_TRUE(key.is_private());
    EXPECT_EQ(key.to_json(), entry["jwk"]);
  }
  EXPECT_EQ(rfc_keys().at("rfc7515-a2").bits(), 2048u);
  EXPECT_EQ(rfc_keys().at("rfc7515-a2").type(), KeyType::kRsa);
  EXPECT_EQ(rfc_keys().at("rfc8037-a1").type(), KeyType::kEd25519);
}

// RFC 8037 A.1 prints the key bytes in hex as well.
TEST(JoseRfcVectors, Ed25519KeyBytesAreTheHexDumpOfA1) {
  const Json& a1 = rfc()["keys"]["rfc8037-a1"];
  EXPECT_EQ(hex_encode(*base64url_decode(a1["jwk"]["d"].get<std::string>())),
            a1["d_hex"].get<std::string>());
  EXPECT_EQ(hex_encode(*base64url_decode(a1["jwk"]["x"].get<std::string>())),
            a1["x_hex"].get<std::string>());
}

TEST(JoseRfcVectors, Thumbprints) {
  ASSERT_EQ(rfc()["thumbprints"].size(), 2u);
  for (const auto& v : rfc()["thumbprints"]) {
    SCOPED_TRACE(v["name"].get<std::string>() + " (" + v["source"].get<std::string>() + ")");
    auto key = Jwk::from_json(v["jwk"]);
    ASSERT_TRUE(key) << key.error();
    EXPECT_EQ(key->thumbprint(), v["thumbprint"].get<std::string>());
    // The hash input is the required members only: kid and alg change nothing.
    Jwk renamed = *key;
    renamed.set_kid("another-kid");
    EXPECT_EQ(renamed.thumbprint(), key->thumbprint());
    if (v.contains("sha256_hex")) {
      EXPECT_EQ(hex_encode(*base64url_decode(key->thumbprint())),
                v["sha256_hex"].get<std::string>());
    }
  }
}

// ---- Recorded tokens from the real convex plugin ------------------------------------

TEST(JoseRecorded, ConvexPluginTokensVerifyAgainstTheJwksOfTheirRun) {
  ASSERT_EQ(rfc()["recorded"].size(), 2u);
  for (const auto& v : rfc()["recorded"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto jwks = Jwks::from_json(v["jwks"]);
    ASSERT_TRUE(jwks) << jwks.error();
    ASSERT_EQ(jwks->keys().size(), 1u);
    EXPECT_EQ(jwks->keys()[0].bits(), 2048u);
    const std::int64_t iat = v["iat"];
    ClaimChecks checks{.now = iat, .issuer = v["iss"].get<std::string>(), .audience = "convex"};
    auto jwt = verify_jwt(v["token"].get<std::string>(), *jwks, checks);
    ASSERT_TRUE(jwt) << jwt.error();
    EXPECT_EQ(jwt->jws.alg, "RS256");
    EXPECT_EQ(jwt->jws.header, v["header"]);
    EXPECT_EQ(jwt->jws.kid, v["header"]["kid"].get<std::string>());
    EXPECT_EQ(jwt->claims["iat"], iat);
    EXPECT_EQ(jwt->claims["exp"], iat + 900);
    EXPECT_EQ(jwt->claims["aud"], "convex");
    EXPECT_EQ(jwt->claims["sub"], v["sub"]);
    // The JWKS entry is served back unchanged (alg and kid included).
    EXPECT_EQ(jwks->to_public_json(), v["jwks"]);
  }
}

TEST(JoseRecorded, ConvexPluginTokensObeyTheClock) {
  for (const auto& v : rfc()["recorded"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto jwks = Jwks::from_json(v["jwks"]);
    ASSERT_TRUE(jwks) << jwks.error();
    const std::string token = v["token"];
    const std::int64_t iat = v["iat"];
    const std::string iss = v["iss"];
    auto at = [&](std::int64_t now, std::int64_t leeway = 0) {
      return code_of(verify_jwt(
          token, *jwks, {.now = now, .leeway = leeway, .issuer = iss, .audience = "convex"}));
    };
    EXPECT_EQ(at(iat + 899), "ok");
    EXPECT_EQ(at(iat + 900), "expired");
    EXPECT_EQ(at(iat + 905, 10), "ok");
    EXPECT_EQ(at(iat - 1), "iat-in-future");
    EXPECT_EQ(at(iat - 1, 1), "ok");
    EXPECT_EQ(code_of(verify_jwt(token, *jwks, {.now = iat, .issuer = iss, .audience = "other"})),
              "aud-mismatch");
    EXPECT_EQ(
        code_of(verify_jwt(token, *jwks,
                           {.now = iat, .issuer = "https://x.convex.site", .audience = "convex"})),
        "iss-mismatch");
  }
}

TEST(JoseRecorded, EveryBitOfTheRecordedSignaturesMatters) {
  for (const auto& v : rfc()["recorded"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto jwks = Jwks::from_json(v["jwks"]);
    ASSERT_TRUE(jwks) << jwks.error();
    expect_every_signature_bit_matters(v["token"], jwks->keys()[0]);
  }
}

// ---- Negative corpus ---------------------------------------------------------------------

const Jwks& negative_jwks(const std::string& name) {
  static const std::map<std::string, Jwks> sets = [] {
    std::map<std::string, Jwks> out;
    for (const auto& [set_name, value] : negative()["jwks"].items()) {
      auto jwks = Jwks::from_json(value);
      if (!jwks) {
        ADD_FAILURE() << set_name << ": " << jwks.error();
        continue;
      }
      out.emplace(set_name, std::move(*jwks));
    }
    return out;
  }();
  return sets.at(name);
}

std::string verify_case(const Json& v) {
  const std::string jws = v["jws"];
  const ClaimChecks lax{.require_exp = false};
  if (v.contains("jwks")) {
    const Jwks& keys = negative_jwks(v["jwks"]);
    return v["api"] == "jwt" ? code_of(verify_jwt(jws, keys, lax)) : code_of(verify_jws(jws, keys));
  }
  const Jwk key = rfc_keys().at(v["key"]).public_jwk();
  return v["api"] == "jwt" ? code_of(verify_jwt(jws, key, lax)) : code_of(verify_jws(jws, key));
}

TEST(JoseNegative, EveryTokenIsRefusedWithItsCode) {
  ASSERT_GE(negative()["cases"].size(), 50u);
  for (const auto& v : negative()["cases"]) {
    SCOPED_TRACE(v["name"].get<std::string>() + ": " + v["note"].get<std::string>());
    EXPECT_EQ(verify_case(v), v["expect"].get<std::string>());
  }
}

// The table keeps naming every way a token can fail before its claims.
TEST(JoseNegative, CorpusCoversEveryTokenError) {
  std::set<std::string> seen;
  for (const auto& v : negative()["cases"]) seen.insert(v["expect"].get<std::string>());
  for (JoseError code : {JoseError::kNotThreeParts,
                         JoseError::kEmptyHeader,
                         JoseError::kEmptyPayload,
                         JoseError::kEmptySignature,
                         JoseError::kHeaderNotBase64url,
                         JoseError::kPayloadNotBase64url,
                         JoseError::kSignatureNotBase64url,
                         JoseError::kHeaderNotJson,
                         JoseError::kHeaderNotObject,
                         JoseError::kMissingAlg,
                         JoseError::kAlgNotString,
                         JoseError::kKidNotString,
                         JoseError::kPayloadNotJson,
                         JoseError::kPayloadNotObject,
                         JoseError::kAlgNone,
                         JoseError::kUnsupportedCritical,
                         JoseError::kUnknownKid,
                         JoseError::kMissingKid,
                         JoseError::kAlgMismatch,
                         JoseError::kBadSignatureLength,
                         JoseError::kBadSignature}) {
    EXPECT_TRUE(seen.contains(std::string(to_string(code)))) << to_string(code);
  }
}

// The key-confusion tokens are real attacks: HMAC-SHA256 keyed with the PEM
// of the RSA public key does produce their signature, so a verifier that
// trusted the header's alg would accept them.
TEST(JoseNegative, KeyConfusionTokensAreGenuineHs256) {
  std::size_t attacks = 0;
  for (const auto& v : negative()["cases"]) {
    if (!v.contains("hmac_key")) continue;
    SCOPED_TRACE(v["name"].get<std::string>());
    auto jws = parse_jws(v["jws"].get<std::string>());
    ASSERT_TRUE(jws) << jws.error();
    EXPECT_EQ(jws->alg, "HS256");
    const std::string key = v["hmac_key"];
    Bytes mac(crypto_auth_hmacsha256_BYTES);
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                                key.size());
    crypto_auth_hmacsha256_update(&state,
                                  reinterpret_cast<const unsigned char*>(jws->signing_input.data()),
                                  jws->signing_input.size());
    crypto_auth_hmacsha256_final(&state, mac.data());
    EXPECT_EQ(mac, jws->signature);
    EXPECT_TRUE(key.starts_with("-----BEGIN ")) << key;
    ++attacks;
  }
  EXPECT_GE(attacks, 3u);
}

// Flipping the recorded bit back gives a token that verifies: each tampered
// case differs from a valid token in that one bit only.
TEST(JoseNegative, TamperedTokensDifferFromAValidOneInOneBit) {
  std::size_t tampered = 0;
  for (const auto& v : negative()["cases"]) {
    if (!v.contains("tampered")) continue;
    SCOPED_TRACE(v["name"].get<std::string>());
    const std::string jws = v["jws"];
    const Json& t = v["tampered"];
    const int index = t["segment"] == "header" ? 0 : t["segment"] == "payload" ? 1 : 2;
    std::vector<std::string> parts = {segment(jws, 0), segment(jws, 1), segment(jws, 2)};
    auto bytes = base64url_decode(parts[index]);
    ASSERT_TRUE(bytes);
    (*bytes)[t["byte"].get<std::size_t>()] ^= static_cast<std::uint8_t>(1u << t["bit"].get<int>());
    parts[index] = base64url_encode(*bytes);
    auto restored = verify_jws(parts[0] + "." + parts[1] + "." + parts[2],
                               rfc_keys().at(v["key"]).public_jwk());
    EXPECT_TRUE(restored) << restored.error();
    ++tampered;
  }
  EXPECT_GE(tampered, 8u);
}

TEST(JoseNegative, ClaimChecks) {
  ASSERT_GE(negative()["claims"].size(), 30u);
  for (const auto& v : negative()["claims"]) {
    SCOPED_TRACE(v["name"].get<std::string>() + ": " + v["claims"].dump());
    const Json& c = v["checks"];
    ClaimChecks checks{.now = c["now"].get<std::int64_t>(),
                       .leeway = c.value("leeway", std::int64_t{0})};
    if (c.contains("issuer")) checks.issuer = c["issuer"].get<std::string>();
    if (c.contains("audience")) checks.audience = c["audience"].get<std::string>();
    checks.require_exp = c.value("require_exp", true);
    checks.require_iat = c.value("require_iat", false);
    auto result = check_claims(v["claims"], checks);
    EXPECT_EQ(result ? "ok" : std::string(to_string(result.error().code)),
              v["expect"].get<std::string>());
  }
}

// Signatures are compared before claims: a wrong key never reads as "expired".
TEST(JoseNegative, SignatureIsCheckedBeforeClaims) {
  const Jwk& rsa = rfc_keys().at("rfc7515-a2");
  auto token = sign_jwt({{"exp", 10}}, rsa);
  ASSERT_TRUE(token) << token.error();
  EXPECT_EQ(code_of(verify_jwt(*token, rsa.public_jwk(), {.now = 1000})), "expired");
  auto other = generate_rsa_key();
  ASSERT_TRUE(other) << other.error();
  EXPECT_EQ(code_of(verify_jwt(*token, other->public_jwk(), {.now = 1000})), "bad-signature");
}

// ---- Keys -----------------------------------------------------------------------------

struct JwkCase {
  const char* name;
  const char* base;  // "rsa" (RFC 7515 A.2) or "okp" (RFC 8037 A.1)
  std::function<void(Json&)> change;
  JoseError expect;
};

Json with_bit_flipped(const Json& b64url_member) {
  Bytes bytes = *base64url_decode(b64url_member.get<std::string>());
  bytes[bytes.size() / 2] ^= 0x10;
  return base64url_encode(bytes);
}

TEST(JoseKeys, MalformedJwksAreRefusedWithTheirCode) {
  const std::vector<JwkCase> cases = {
      {"array", "rsa", [](Json& j) { j = Json::array(); }, JoseError::kJwkNotObject},
      {"no-kty", "rsa", [](Json& j) { j.erase("kty"); }, JoseError::kJwkMissingMember},
      {"kty-number", "rsa", [](Json& j) { j["kty"] = 1; }, JoseError::kJwkBadMember},
      {"kty-oct", "rsa",
       [](Json& j) {
         j = {{"kty", "oct"}, {"k", "c2VjcmV0"}};
       },
       JoseError::kUnsupportedKeyType},
      {"kty-ec", "rsa", [](Json& j) { j["kty"] = "EC"; }, JoseError::kUnsupportedKeyType},
      {"kty-lower-case", "rsa", [](Json& j) { j["kty"] = "rsa"; }, JoseError::kUnsupportedKeyType},
      {"rsa-no-n", "rsa", [](Json& j) { j.erase("n"); }, JoseError::kJwkMissingMember},
      {"rsa-no-e", "rsa", [](Json& j) { j.erase("e"); }, JoseError::kJwkMissingMember},
      {"rsa-n-number", "rsa", [](Json& j) { j["n"] = 65537; }, JoseError::kJwkBadMember},
      {"rsa-n-padded", "rsa", [](Json& j) { j["n"] = j["n"].get<std::string>() + "=="; },
       JoseError::kJwkBadMember},
      {"rsa-n-standard-base64", "rsa",
       [](Json& j) {
         std::string n = j["n"];
         for (char& c : n) c = c == '-' ? '+' : c == '_' ? '/' : c;
         j["n"] = n;
       },
       JoseError::kJwkBadMember},
      {"rsa-1024-bit", "rsa",
       [](Json& j) {
         Bytes n = *base64url_decode(j["n"].get<std::string>());
         n.resize(128);
         n.back() |= 1;
         j = {{"kty", "RSA"}, {"e", "AQAB"}, {"n", base64url_encode(n)}};
       },
       JoseError::kKeyTooSmall},
      {"rsa-even-modulus", "rsa",
       [](Json& j) {
         Bytes n = *base64url_decode(j["n"].get<std::string>());
         n.back() &= 0xfe;
         j = {{"kty", "RSA"}, {"e", "AQAB"}, {"n", base64url_encode(n)}};
       },
       JoseError::kInvalidKey},
      {"rsa-e-one", "rsa",
       [](Json& j) {
         j = {{"kty", "RSA"}, {"e", "AQ"}, {"n", j["n"]}};
       },
       JoseError::kInvalidKey},
      {"rsa-d-without-crt-subset", "rsa", [](Json& j) { j.erase("qi"); },
       JoseError::kIncompletePrivateKey},
      {"rsa-crt-without-d", "rsa", [](Json& j) { j.erase("d"); }, JoseError::kIncompletePrivateKey},
      {"rsa-multi-prime", "rsa", [](Json& j) { j["oth"] = Json::array(); },
       JoseError::kJwkBadMember},
      {"rsa-d-altered", "rsa", [](Json& j) { j["d"] = with_bit_flipped(j["d"]); },
       JoseError::kInvalidKey},
      {"rsa-d-altered-no-crt", "rsa",
       [](Json& j) {
         for (const char* m : {"p", "q", "dp", "dq", "qi"}) j.erase(m);
         j["d"] = with_bit_flipped(j["d"]);
       },
       JoseError::kInvalidKey},
      {"rsa-dp-altered", "rsa", [](Json& j) { j["dp"] = with_bit_flipped(j["dp"]); },
       JoseError::kInvalidKey},
      {"rsa-qi-altered", "rsa", [](Json& j) { j["qi"] = with_bit_flipped(j["qi"]); },
       JoseError::kInvalidKey},
      {"rsa-p-q-swapped", "rsa",
       [](Json& j) {
         Json p = j["p"];
         j["p"] = j["q"];
         j["q"] = p;
       },
       JoseError::kInvalidKey},
      {"rsa-alg-hs256", "rsa", [](Json& j) { j["alg"] = "HS256"; }, JoseError::kUnsupportedAlg},
      {"rsa-alg-ps256", "rsa", [](Json& j) { j["alg"] = "PS256"; }, JoseError::kUnsupportedAlg},
      {"rsa-kid-number", "rsa", [](Json& j) { j["kid"] = 1; }, JoseError::kJwkBadMember},
      {"okp-no-crv", "okp", [](Json& j) { j.erase("crv"); }, JoseError::kJwkMissingMember},
      {"okp-crv-number", "okp", [](Json& j) { j["crv"] = 25519; }, JoseError::kJwkBadMember},
      {"okp-x25519", "okp", [](Json& j) { j["crv"] = "X25519"; }, JoseError::kUnsupportedCurve},
      {"okp-ed448", "okp", [](Json& j) { j["crv"] = "Ed448"; }, JoseError::kUnsupportedCurve},
      {"okp-no-x", "okp", [](Json& j) { j.erase("x"); }, JoseError::kJwkMissingMember},
      {"okp-x-31-bytes", "okp",
       [](Json& j) {
         Bytes x = *base64url_decode(j["x"].get<std::string>());
         x.pop_back();
         j["x"] = base64url_encode(x);
       },
       JoseError::kJwkBadMember},
      {"okp-d-33-bytes", "okp",
       [](Json& j) {
         Bytes d = *base64url_decode(j["d"].get<std::string>());
         d.push_back(0);
         j["d"] = base64url_encode(d);
       },
       JoseError::kJwkBadMember},
      {"okp-x-of-another-key", "okp",
       [](Json& j) { j["x"] = generate_ed25519_key()->to_json()["x"]; }, JoseError::kInvalidKey},
      {"okp-x-not-a-point", "okp",
       [](Json& j) {
         j = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", base64url_encode(Bytes(32, 0))}};
       },
       JoseError::kInvalidKey},
      {"okp-alg-rs256", "okp", [](Json& j) { j["alg"] = "RS256"; }, JoseError::kUnsupportedAlg},
      {"okp-use-number", "okp", [](Json& j) { j["use"] = 1; }, JoseError::kJwkBadMember},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Json jwk = rfc()["keys"][std::string(c.base) == "rsa" ? "rfc7515-a2" : "rfc8037-a1"]["jwk"];
    c.change(jwk);
    auto key = Jwk::from_json(jwk);
    ASSERT_FALSE(key) << "accepted " << jwk.dump();
    EXPECT_EQ(key.error().code, c.expect) << key.error();
  }
}

TEST(JoseKeys, MetadataIsKeptOnExport) {
  Json jwk = rfc()["keys"]["rfc8037-a1"]["jwk"];
  jwk["alg"] = "EdDSA";
  jwk["kid"] = "k1";
  jwk["use"] = "sig";
  auto key = Jwk::from_json(jwk);
  ASSERT_TRUE(key) << key.error();
  EXPECT_EQ(key->to_json(), jwk);
  EXPECT_EQ(key->kid(), "k1");
  jwk.erase("d");
  EXPECT_EQ(key->public_jwk().to_json(), jwk);
}

TEST(JoseKeys, LeadingZeroOctetsAreAcceptedAndDroppedOnExport) {
  Json jwk = rfc()["public_keys"][1]["jwk"];
  Bytes n = *base64url_decode(jwk["n"].get<std::string>());
  n.insert(n.begin(), 0);
  Json padded = jwk;
  padded["n"] = base64url_encode(n);
  auto key = Jwk::from_json(padded);
  ASSERT_TRUE(key) << key.error();
  EXPECT_EQ(key->to_json(), jwk);
  EXPECT_EQ(key->bits(), 2048u);
}

TEST(JoseKeys, ParseTextRefusesNonJson) {
  EXPECT_EQ(code_of(Jwk::parse("{\"kty\":")), "jwk-not-json");
  EXPECT_EQ(code_of(Jwks::parse("nope")), "jwk-not-json");
  auto key = Jwk::parse(rfc()["public_keys"][0]["jwk"].dump());
  ASSERT_TRUE(key) << key.error();
  EXPECT_EQ(key->type(), KeyType::kEd25519);
}

// ---- Key sets ---------------------------------------------------------------------------

TEST(JoseJwks, SkipsUnsupportedKeyTypesAndFindsByKid) {
  Json set = negative()["jwks"]["rfc-keys"];
  set["keys"].push_back(
      {{"kty", "EC"}, {"crv", "P-256"}, {"x", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"}});
  set["keys"].push_back({{"kty", "OKP"}, {"crv", "X25519"}, {"x", "AAAA"}});
  set["keys"].push_back({{"kty", "oct"}, {"k", "c2VjcmV0"}});
  auto jwks = Jwks::from_json(set);
  ASSERT_TRUE(jwks) << jwks.error();
  EXPECT_EQ(jwks->keys().size(), 2u);
  EXPECT_EQ(jwks->skipped(), 3u);
  auto rsa = jwks->find("2010-12-29");
  ASSERT_TRUE(rsa) << rsa.error();
  EXPECT_EQ((*rsa)->type(), KeyType::kRsa);
  auto ed = jwks->find("rfc8037-a1");
  ASSERT_TRUE(ed) << ed.error();
  EXPECT_EQ((*ed)->type(), KeyType::kEd25519);
  EXPECT_EQ(code_of(jwks->find("2010-12-2")), "unknown-kid");
  EXPECT_EQ(jwks->to_public_json(), negative()["jwks"]["rfc-keys"]);
}

TEST(JoseJwks, MalformedSetsAreRefused) {
  EXPECT_EQ(code_of(Jwks::from_json(Json::array())), "bad-jwks");
  EXPECT_EQ(code_of(Jwks::from_json(Json::object())), "bad-jwks");
  EXPECT_EQ(code_of(Jwks::from_json({{"keys", Json::object()}})), "bad-jwks");
  EXPECT_EQ(code_of(Jwks::from_json({{"keys", {1}}})), "jwk-not-object");
  auto broken = Jwks::from_json({{"keys", {{{"kty", "RSA"}, {"e", "AQAB"}}}}});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, JoseError::kJwkMissingMember);
  EXPECT_TRUE(broken.error().detail.starts_with("keys[0]: ")) << broken.error().detail;
}

TEST(JoseJwks, KeySelection) {
  const std::string rfc7515 = rfc()["signatures"][0]["compact"];
  // No kid in the token: a set of one key is unambiguous.
  EXPECT_EQ(code_of(verify_jws(rfc7515, negative_jwks("rsa-only-no-kid"))), "ok");
  EXPECT_EQ(code_of(verify_jws(rfc7515, negative_jwks("rfc-keys"))), "missing-kid");
  EXPECT_EQ(code_of(verify_jws(rfc7515, Jwks())), "unknown-kid");
  // With a kid, the key of that kid is used.
  auto token =
      sign_compact(R"({"alg":"RS256","kid":"2010-12-29"})", "{}", rfc_keys().at("rfc7515-a2"));
  ASSERT_TRUE(token) << token.error();
  EXPECT_EQ(code_of(verify_jws(*token, negative_jwks("rfc-keys"))), "ok");
  EXPECT_EQ(code_of(verify_jws(*token, negative_jwks("rsa-only-no-kid"))), "unknown-kid");
}

TEST(JoseJwks, PublicExportNeverCarriesPrivateMembers) {
  Jwks set({rfc_keys().at("rfc7515-a2"), rfc_keys().at("rfc8037-a1")});
  const Json published = set.to_public_json();
  for (const Json& key : published["keys"]) {
    for (const char* member : {"d", "p", "q", "dp", "dq", "qi"}) EXPECT_FALSE(key.contains(member));
  }
  EXPECT_TRUE(set.to_json()["keys"][0].contains("d"));
}

// ---- Parsing ----------------------------------------------------------------------------

TEST(JoseParse, UnsecuredJwsParsesSoVerificationCanNameIt) {
  // RFC 7515 A.5's shape: {"alg":"none"}, the payload, an empty signature.
  auto jws = parse_jws("eyJhbGciOiJub25lIn0.e30.");
  ASSERT_TRUE(jws) << jws.error();
  EXPECT_EQ(jws->alg, "none");
  EXPECT_TRUE(jws->signature.empty());
  EXPECT_EQ(code_of(parse_jws("eyJhbGciOiJSUzI1NiJ9.e30.")), "empty-signature");
}

TEST(JoseParse, JwsPayloadMayBeAnythingJwtPayloadMayNot) {
  const std::string a4 = rfc()["signatures"][1]["compact"];
  EXPECT_EQ(code_of(parse_jws(a4)), "ok");
  EXPECT_EQ(code_of(parse_jwt(a4)), "payload-not-json");
  const std::string a2 = rfc()["signatures"][0]["compact"];
  auto jwt = parse_jwt(a2);
  ASSERT_TRUE(jwt) << jwt.error();
  EXPECT_EQ(jwt->claims["iss"], "joe");
  EXPECT_EQ(jwt->claims["exp"], 1300819380);
  EXPECT_EQ(jwt->claims["http://example.com/is_root"], true);
}

// ---- Signing and generation --------------------------------------------------------------

TEST(JoseSign, GeneratedRsaKeyIs2048BitsAndRoundTrips) {
  auto key = generate_rsa_key();
  ASSERT_TRUE(key) << key.error();
  EXPECT_EQ(key->type(), KeyType::kRsa);
  EXPECT_EQ(key->bits(), 2048u);
  EXPECT_TRUE(key->is_private());
  const Json jwk = key->to_json();
  for (const char* member : {"kty", "n", "e", "d", "p", "q", "dp", "dq", "qi"})
    EXPECT_TRUE(jwk.contains(member)) << member;
  EXPECT_EQ(jwk["e"], "AQAB");
  auto reread = Jwk::from_json(jwk);  // also runs the pairwise check
  ASSERT_TRUE(reread) << reread.error();
  EXPECT_EQ(*reread, *key);
  EXPECT_EQ(code_of(generate_rsa_key(1024)), "key-too-small");
  auto larger = generate_rsa_key(3072);
  ASSERT_TRUE(larger) << larger.error();
  EXPECT_EQ(larger->bits(), 3072u);
}

TEST(JoseSign, SignedTokensVerifyWithTheGeneratedKeysOnly) {
  std::vector<Jwk> keys;
  for (auto key : {generate_rsa_key(), generate_ed25519_key(), generate_ed25519_key()}) {
    ASSERT_TRUE(key) << key.error();
    keys.push_back(*key);
  }
  EXPECT_NE(keys[1], keys[2]);
  const Json claims = {{"sub", "u1"}, {"iat", 100}, {"exp", 1000}};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    keys[i].set_kid(std::string("k").append(std::to_string(i)));
    auto token = sign_jwt(claims, keys[i]);
    ASSERT_TRUE(token) << token.error();
    Jwks published({keys[0].public_jwk(), keys[1].public_jwk(), keys[2].public_jwk()});
    auto jwt = verify_jwt(*token, published, {.now = 500});
    ASSERT_TRUE(jwt) << jwt.error();
    EXPECT_EQ(jwt->claims, claims);
    EXPECT_EQ(jwt->jws.header,
              Json({{"alg", std::string(to_string(keys[i].alg()))}, {"kid", *keys[i].kid()}}));
    for (std::size_t j = 0; j < keys.size(); ++j) {
      if (j == i) continue;
      const std::string expect =
          keys[j].type() == keys[i].type() ? "bad-signature" : "alg-mismatch";
      EXPECT_EQ(code_of(verify_jwt(*token, keys[j].public_jwk(), {.now = 500})), expect)
          << i << " checked with " << j;
    }
  }
}

TEST(JoseSign, RefusesWhatItCouldNotVerify) {
  const Jwk& rsa = rfc_keys().at("rfc7515-a2");
  EXPECT_EQ(code_of(sign_compact(R"({"alg":"RS256"})", "x", rsa.public_jwk())), "not-private-key");
  EXPECT_EQ(code_of(sign_compact(R"({"alg":"HS256"})", "x", rsa)), "alg-mismatch");
  EXPECT_EQ(code_of(sign_compact(R"({"alg":"EdDSA"})", "x", rsa)), "alg-mismatch");
  EXPECT_EQ(code_of(sign_compact(R"({"typ":"JWT"})", "x", rsa)), "missing-alg");
  EXPECT_EQ(code_of(sign_compact("not json", "x", rsa)), "header-not-json");
  EXPECT_EQ(code_of(sign_jwt(Json::array(), rsa)), "payload-not-object");
  EXPECT_EQ(code_of(sign_jwt({{"sub", "\xff"}}, rsa)), "payload-not-json");
  EXPECT_EQ(code_of(sign_jwt({{"sub", "u"}}, rsa, {{"alg", "none"}})), "alg-mismatch");
}

TEST(JoseSign, HeaderMembersAreKeptAndFilledIn) {
  Jwk key = rfc_keys().at("rfc8037-a1");
  key.set_kid("row-id");
  auto token = sign_jwt({{"sub", "u1"}}, key, {{"typ", "JWT"}});
  ASSERT_TRUE(token) << token.error();
  EXPECT_EQ(decoded(segment(*token, 0)), R"({"alg":"EdDSA","kid":"row-id","typ":"JWT"})");
  EXPECT_EQ(decoded(segment(*token, 1)), R"({"sub":"u1"})");
}

// ---- Properties (rapidcheck; replay a failure with RC_PARAMS="seed=<n>") ----------

const Jwk& property_key() {
  static const Jwk key = [] {
    Jwk k = rfc_keys().at("rfc8037-a1");
    k.set_kid("property");
    return k;
  }();
  return key;
}

// Codes a token can fail with before its claims are read (they open the enum).
bool is_token_error(JoseError code) { return code <= JoseError::kBadSignature; }

RC_GTEST_PROP(JoseProperties, ParsersAnswerAnyTextWithoutThrowing, (const std::string& text)) {
  for (const std::string& input : {text, text + "." + text, "e30." + text + ".AA"}) {
    auto jws = parse_jws(input);
    if (!jws) RC_ASSERT(is_token_error(jws.error().code));
    auto verified = verify_jws(input, property_key());
    RC_ASSERT(!verified);
    RC_ASSERT(is_token_error(verified.error().code));
    // Whatever text a key parser accepts, its export reads back as the same key.
    if (auto jwk = Jwk::parse(input)) {
      auto again = Jwk::from_json(jwk->to_json());
      RC_ASSERT(bool(again));
      RC_ASSERT(*again == *jwk);
    }
    if (auto jwks = Jwks::parse(input)) {
      auto again = Jwks::from_json(jwks->to_json());
      RC_ASSERT(bool(again));
      RC_ASSERT(again->keys() == jwks->keys());
    }
  }
}

// Claims with any string round-trip; a string that is not UTF-8 cannot be
// serialized and is reported as such (nlohmann's dump would throw).
RC_GTEST_PROP(JoseProperties, SignedClaimsRoundTrip, (const std::string& sub, int exp_offset)) {
  const Json claims = {
      {"sub", sub}, {"iat", 1000}, {"exp", 1000 + std::abs(exp_offset % 100000) + 1}};
  auto token = sign_jwt(claims, property_key());
  if (!utf16_length(sub)) {
    RC_ASSERT(!token);
    RC_ASSERT(token.error().code == JoseError::kPayloadNotJson);
    return;
  }
  RC_ASSERT(bool(token));
  auto jwt = verify_jwt(*token, Jwks({property_key().public_jwk()}), {.now = 1000});
  RC_ASSERT(bool(jwt));
  RC_ASSERT(jwt->claims == claims);
}

// Any one character of a valid token replaced by another is refused, with a
// token error (never "ok", never a claim error).
RC_GTEST_PROP(JoseProperties, ChangingAnyCharacterOfAValidTokenIsRefused, ()) {
  static const std::string token = *sign_jwt({{"sub", "u1"}, {"exp", 2000}}, property_key());
  const auto at = *rc::gen::inRange<std::size_t>(0, token.size());
  const char replacement = *rc::gen::elementOf(
      std::string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ "));
  RC_PRE(replacement != token[at]);
  std::string changed = token;
  changed[at] = replacement;
  auto jwt = verify_jwt(changed, property_key().public_jwk(), {.now = 1000});
  RC_ASSERT(!jwt);
  RC_ASSERT(is_token_error(jwt.error().code));
}

}  // namespace
}  // namespace authconf

// authconf/jose.h: JWS, JWT, JWK and JWKS as Better Auth and Convex use them.
//
//   auto jwks = authconf::Jwks::parse(body);  // GET /api/auth/convex/jwks
//   auto jwt = authconf::verify_jwt(token, *jwks, {.now = 1795344964,
//                                                  .issuer = "http://127.0.0.1:8787",
//                                                  .audience = "convex"});
//   ASSERT_TRUE(jwt) << jwt.error();          // else e.g. "expired: exp 1795345864, now ..."
//   jwt->claims["sub"];                       // the user id
//
//   auto key = authconf::generate_ed25519_key();
//   auto token = authconf::sign_jwt({{"sub", "u1"}, {"exp", 1795345864}}, *key);
//
// Two algorithms, each tied to one key type: RS256 (RSASSA-PKCS1-v1_5 with
// SHA-256, RFC 7518 §3.3; what the Convex plugin signs with) and EdDSA over
// Ed25519 (RFC 8037; the jwt plugin's default). A token is checked only with
// the algorithm of the key it is checked against: "none", HMAC and every other
// alg are refused before any signature is computed, which closes the
// key-confusion attacks (HS256 keyed with the RSA public key).
//
// Order of checks, each with its own code: shape (parse), then the header
// ("none", crit, key selection by kid, alg against the key), then the
// signature, and only then the claims. A wrong key therefore always reports a
// signature error, never "expired".
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/encoding.h"
#include "authconf/result.h"

namespace authconf {

// Why a token, key or claim set was refused. to_string gives kebab-case names
// ("alg-none", "unknown-kid"), which the vector files use.
enum class JoseError {
  // Compact serialization (parse_jws, parse_jwt).
  kNotThreeParts,          // not exactly two '.' separators
  kEmptyHeader,            // nothing before the first '.'
  kEmptyPayload,           // JWT with nothing between the dots
  kEmptySignature,         // nothing after the last '.' although alg is not "none"
  kHeaderNotBase64url,     // header segment is not unpadded canonical base64url
  kPayloadNotBase64url,    // payload segment likewise
  kSignatureNotBase64url,  // signature segment likewise
  kHeaderNotJson,          // decoded header is not JSON (or not UTF-8)
  kHeaderNotObject,        // header is JSON but not an object
  kMissingAlg,             // header has no "alg"
  kAlgNotString,           // "alg" is not a string
  kKidNotString,           // "kid" is present but not a string
  kPayloadNotJson,         // JWT payload is not JSON
  kPayloadNotObject,       // JWT payload is JSON but not an object (RFC 7519 §7.2)
  // Verification.
  kAlgNone,              // "alg":"none": an unsecured JWS is never accepted
  kUnsupportedCritical,  // header lists "crit" extensions; none is understood
  kUnknownKid,           // the header's kid names no key of the set
  kMissingKid,           // no kid in the header and the set holds several keys
  kAlgMismatch,          // header alg is not the key's (HS256, ES256, PS256 vs an RSA key)
  kBadSignatureLength,   // RS256: not the modulus length; EdDSA: not 64 bytes
  kBadSignature,         // the signature does not verify
  // Keys (JWK, JWKS, generation, signing).
  kJwkNotJson,            // JWK or JWKS text is not JSON
  kJwkNotObject,          // a JWK is not a JSON object
  kJwkMissingMember,      // kty, n, e, crv or x is absent
  kJwkBadMember,          // a member has the wrong type, bad base64url or a wrong length
  kUnsupportedKeyType,    // kty other than "RSA" and "OKP"
  kUnsupportedCurve,      // OKP crv other than "Ed25519"
  kUnsupportedAlg,        // JWK "alg" is not the one its key type signs with here
  kIncompletePrivateKey,  // RSA: some but not all of p, q, dp, dq, qi (RFC 7518 §6.3.2)
  kKeyTooSmall,           // RSA modulus under 2048 bits (RFC 7518 §3.3)
  kInvalidKey,            // components inconsistent: x is not d's, p*q != n, ...
  kNotPrivateKey,         // signing needs a private key
  kBadJwks,               // JWKS is not {"keys":[...]}
  kCryptoFailure,         // OpenSSL or libsodium failed internally
  // Claims (check_claims, verify_jwt).
  kIssMissing,           // an issuer is expected and "iss" is absent
  kIssNotString,         // "iss" is not a string
  kIssMismatch,          // "iss" is not the expected issuer
  kAudMissing,           // an audience is expected and "aud" is absent
  kAudNotStringOrArray,  // "aud" is neither a string nor an array of strings
  kAudMismatch,          // the expected audience is not in "aud"
  kExpMissing,           // "exp" is required and absent
  kExpNotNumber,         // "exp" is not a number
  kExpired,              // now >= exp + leeway
  kNbfNotNumber,         // "nbf" is not a number
  kNotYetValid,          // now + leeway < nbf
  kIatMissing,           // "iat" is required and absent
  kIatNotNumber,         // "iat" is not a number
  kIatInFuture,          // iat > now + leeway
};
std::string_view to_string(JoseError code);

// The two signature algorithms: "RS256" and "EdDSA".
enum class JwsAlg { kRs256, kEdDsa };
std::string_view to_string(JwsAlg alg);

// RSA (kty "RSA") or Ed25519 (kty "OKP", crv "Ed25519").
enum class KeyType { kRsa, kEd25519 };

// A public or private key read from or written as a JWK (RFC 7517, 7518 §6.3,
// 8037 §2). Keeps kid, alg and use; other members (x5c, key_ops, ...) are
// dropped. Private components are wiped when the key is destroyed.
class Jwk {
 public:
  // Reads a JWK object. RSA needs n and e, and for a private key d plus either
  // all of p, q, dp, dq, qi or none of them; a private key is checked against
  // its public half. OKP needs crv "Ed25519", x (32 bytes) and, private, d.
  static Result<Jwk, JoseError> from_json(const nlohmann::json& jwk);
  // The same from JSON text.
  static Result<Jwk, JoseError> parse(std::string_view json_text);

  // Copies hold their own private bytes; each copy wipes its own.
  Jwk(const Jwk&) = default;
  Jwk(Jwk&&) noexcept = default;
  Jwk& operator=(const Jwk&) = default;
  Jwk& operator=(Jwk&&) noexcept = default;
  ~Jwk();

  // RSA or Ed25519.
  KeyType type() const { return type_; }
  // The only algorithm this key signs and verifies with.
  JwsAlg alg() const { return type_ == KeyType::kRsa ? JwsAlg::kRs256 : JwsAlg::kEdDsa; }
  // Whether the key can sign (has "d").
  bool is_private() const { return !d_.empty(); }
  // RSA modulus length in bits; 256 for Ed25519.
  std::size_t bits() const;
  // The JWK "kid", which a JWS header names to pick this key from a set.
  const std::optional<std::string>& kid() const { return kid_; }
  void set_kid(std::string kid) { kid_ = std::move(kid); }

  // Every member the key holds, private ones included, base64url without
  // leading zero octets: {"kty":"RSA","n":..,"e":..,"d":..,...,"kid":..}.
  nlohmann::json to_json() const;
  // The key without its private components (kid, alg and use kept).
  Jwk public_jwk() const;
  // RFC 7638 SHA-256 thumbprint, base64url: hash of the required members only.
  std::string thumbprint() const;

  // Same type, components and metadata (a test helper: not constant-time).
  bool operator==(const Jwk&) const = default;

 private:
  friend class JwkAccess;  // jose.cpp builds keys and reads components through it
  explicit Jwk(KeyType type) : type_(type) {}

  KeyType type_;
  Bytes n_, e_;                 // RSA public
  Bytes x_;                     // Ed25519 public
  Bytes d_;                     // RSA private exponent, or the Ed25519 seed
  Bytes p_, q_, dp_, dq_, qi_;  // RSA CRT components (all or none)
  std::optional<std::string> kid_;
  std::optional<std::string> use_;
  bool alg_declared_ = false;  // the JWK carried "alg"; kept on export
};

// A JWK Set (RFC 7517 §5). Keys of a kty or crv this library does not handle
// are skipped, as §5 asks; a malformed key of a handled type is an error.
class Jwks {
 public:
  // An empty set, or the given keys (say, to serve them with to_public_json).
  Jwks() = default;
  explicit Jwks(std::vector<Jwk> keys) : keys_(std::move(keys)) {}

  // Reads {"keys":[...]}; from JSON text with parse.
  static Result<Jwks, JoseError> from_json(const nlohmann::json& jwks);
  static Result<Jwks, JoseError> parse(std::string_view json_text);

  // The keys read, in the order of "keys".
  const std::vector<Jwk>& keys() const { return keys_; }
  // How many members of "keys" were skipped as unsupported.
  std::size_t skipped() const { return skipped_; }
  // The key whose kid is `kid`, or kUnknownKid.
  Result<const Jwk*, JoseError> find(std::string_view kid) const;

  // {"keys":[...]} with every key exactly as held (private parts included).
  nlohmann::json to_json() const;
  // {"keys":[...]} with public keys only: what a /jwks endpoint serves.
  nlohmann::json to_public_json() const;

 private:
  std::vector<Jwk> keys_;
  std::size_t skipped_ = 0;
};

// A parsed compact JWS. The payload is kept as bytes: a JWS need not carry JSON.
struct Jws {
  nlohmann::json header;           // the protected header, an object
  std::string alg;                 // header "alg"
  std::optional<std::string> kid;  // header "kid"
  std::string payload;             // decoded payload bytes
  Bytes signature;                 // decoded signature bytes
  std::string signing_input;       // "<header>.<payload>" exactly as received
};

// A JWS whose payload is a JSON object: a JWT (RFC 7519).
struct Jwt {
  Jws jws;
  nlohmann::json claims;
};

// The clock and expectations a claim set is checked against (RFC 7519 §4.1).
// Present registered claims are always type-checked; iss and aud are compared
// only when an expectation is set.
struct ClaimChecks {
  std::int64_t now = 0;                                // current time, seconds since the epoch
  std::int64_t leeway = 0;                             // seconds of clock skew tolerated
  std::optional<std::string> issuer = std::nullopt;    // "iss" must equal this
  std::optional<std::string> audience = std::nullopt;  // "aud" (string or array) must contain this
  bool require_exp = true;                             // a token without "exp" is refused
  bool require_iat = false;                            // a token without "iat" is refused
};

// Splits and decodes a compact JWS; checks the header and the encodings but no
// signature. An unsecured JWS ("alg":"none", empty signature) parses, so that
// verification can name it kAlgNone.
Result<Jws, JoseError> parse_jws(std::string_view compact);
// parse_jws plus: the payload is a non-empty JSON object.
Result<Jwt, JoseError> parse_jwt(std::string_view compact);

// Checks the signature with `key`: the header alg must be the key's alg.
Result<Jws, JoseError> verify_jws(std::string_view compact, const Jwk& key);
// Picks the key by the header's kid (or the only key when the set has one and
// the header names none), then verifies with it.
Result<Jws, JoseError> verify_jws(std::string_view compact, const Jwks& keys);

// Checks registered claims against `checks`. exp: valid while now < exp +
// leeway; nbf: valid once now + leeway >= nbf; iat: not after now + leeway.
Result<void, JoseError> check_claims(const nlohmann::json& claims, const ClaimChecks& checks);

// parse_jwt, then the signature, then the claims.
Result<Jwt, JoseError> verify_jwt(std::string_view compact, const Jwk& key,
                                  const ClaimChecks& checks);
Result<Jwt, JoseError> verify_jwt(std::string_view compact, const Jwks& keys,
                                  const ClaimChecks& checks);

// Signs the exact protected-header and payload bytes and returns
// "<b64url header>.<b64url payload>.<b64url signature>". The header must be a
// JSON object whose "alg" is the key's. RS256 and Ed25519 are deterministic,
// so this reproduces published vectors byte for byte.
Result<std::string, JoseError> sign_compact(std::string_view protected_header,
                                            std::string_view payload, const Jwk& private_key);
// Serializes `header` and `claims` (members in nlohmann's sorted order) and
// signs. "alg" is set to the key's when absent, and "kid" to the key's kid when
// the key has one and the header does not.
Result<std::string, JoseError> sign_jwt(const nlohmann::json& claims, const Jwk& private_key,
                                        nlohmann::json header = nlohmann::json::object());

// A fresh RSA key pair, e = 65537. Under 2048 bits is kKeyTooSmall.
Result<Jwk, JoseError> generate_rsa_key(int bits = 2048);
// A fresh Ed25519 key pair.
Result<Jwk, JoseError> generate_ed25519_key();

}  // namespace authconf

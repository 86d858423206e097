#include "authconf/jose.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include <array>
#include <memory>
#include <utility>

#include "internal/sodium_init.h"

namespace authconf {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMinRsaBits = 2048;
constexpr std::size_t kEd25519KeyBytes = 32;
constexpr std::size_t kEd25519SignatureBytes = crypto_sign_BYTES;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BnClearFree {
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnClearFree>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamFree>;

// Drains OpenSSL's per-thread error queue so a failure here never shows up as
// a stale error in someone else's call.
std::string openssl_error(std::string_view what) {
  std::string detail(what);
  if (unsigned long code = ERR_peek_last_error(); code != 0) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    detail += ": ";
    detail += buffer.data();
  }
  ERR_clear_error();
  return detail;
}

void wipe(Bytes& bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
  bytes.clear();
}

Bytes strip_leading_zeros(Bytes bytes) {
  std::size_t zeros = 0;
  while (zeros < bytes.size() && bytes[zeros] == 0) ++zeros;
  bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(zeros));
  return bytes;
}

std::size_t bit_length(const Bytes& big_endian) {
  for (std::size_t i = 0; i < big_endian.size(); ++i) {
    if (big_endian[i] == 0) continue;
    std::size_t bits = (big_endian.size() - i - 1) * 8;
    for (unsigned v = big_endian[i]; v != 0; v >>= 1) ++bits;
    return bits;
  }
  return 0;
}

const unsigned char* data_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string_view alg_name(JwsAlg alg) { return to_string(alg); }

// A base64url member of a JWK. Absent: kJwkMissingMember when required.
Result<std::optional<Bytes>, JoseError> b64url_member(const Json& jwk, const char* name,
                                                      bool required) {
  auto it = jwk.find(name);
  if (it == jwk.end()) {
    if (required)
      return fail(JoseError::kJwkMissingMember, std::string("JWK has no \"") + name + "\"");
    return std::optional<Bytes>{};
  }
  if (!it->is_string())
    return fail(JoseError::kJwkBadMember, std::string("\"") + name + "\" is not a string");
  auto bytes = base64url_decode(it->get_ref<const std::string&>());
  if (!bytes)
    return fail(JoseError::kJwkBadMember, std::string("\"") + name + "\" is not base64url (" +
                                              std::string(to_string(bytes.error().code)) + ")");
  return std::optional<Bytes>(std::move(*bytes));
}

Result<std::optional<std::string>, JoseError> string_member(const Json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end()) return std::optional<std::string>{};
  if (!it->is_string())
    return fail(JoseError::kJwkBadMember, std::string("\"") + name + "\" is not a string");
  return std::optional<std::string>(it->get<std::string>());
}

BnPtr to_bn(const Bytes& bytes) {
  return BnPtr(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
}

Bytes from_bn(const BIGNUM* bn) {
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  return out;
}

// JSON text to an object, never throwing (nlohmann's parser also rejects
// invalid UTF-8 inside strings).
std::optional<Json> parse_json(std::string_view text) {
  Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

// nlohmann's dump throws on strings that are not UTF-8; turn that into a value.
std::optional<std::string> dump_json(const Json& value) {
  try {
    return value.dump();
  } catch (const Json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

// The one place that touches Jwk's raw components outside its members.
class JwkAccess {
 public:
  // An OpenSSL key from the RSA components; with_private adds d (and the CRT
  // values when the key has them).
  static Result<PkeyPtr, JoseError> rsa_pkey(const Jwk& key, bool with_private) {
    ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder) return fail(JoseError::kCryptoFailure, openssl_error("OSSL_PARAM_BLD_new"));
    std::vector<BnPtr> numbers;  // must outlive OSSL_PARAM_BLD_to_param
    auto push = [&](const char* name, const Bytes& value) {
      numbers.push_back(to_bn(value));
      return numbers.back() != nullptr &&
             OSSL_PARAM_BLD_push_BN(builder.get(), name, numbers.back().get()) == 1;
    };
    bool ok = push(OSSL_PKEY_PARAM_RSA_N, key.n_) && push(OSSL_PKEY_PARAM_RSA_E, key.e_);
    if (with_private) {
      ok = ok && push(OSSL_PKEY_PARAM_RSA_D, key.d_);
      if (!key.p_.empty()) {
        ok = ok && push(OSSL_PKEY_PARAM_RSA_FACTOR1, key.p_) &&
             push(OSSL_PKEY_PARAM_RSA_FACTOR2, key.q_) &&
             push(OSSL_PKEY_PARAM_RSA_EXPONENT1, key.dp_) &&
             push(OSSL_PKEY_PARAM_RSA_EXPONENT2, key.dq_) &&
             push(OSSL_PKEY_PARAM_RSA_COEFFICIENT1, key.qi_);
      }
    }
    if (!ok) return fail(JoseError::kCryptoFailure, openssl_error("building RSA parameters"));
    ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, with_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params.get()) != 1)
      return fail(JoseError::kInvalidKey, openssl_error("OpenSSL refused the RSA components"));
    return PkeyPtr(raw);
  }

  static Result<Bytes, JoseError> sign(const Jwk& key, std::string_view message) {
    if (!key.is_private()) return fail(JoseError::kNotPrivateKey, "signing needs a private key");
    if (key.type_ == KeyType::kEd25519) {
      internal::ensure_sodium();
      std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
      std::copy(key.d_.begin(), key.d_.end(), secret.begin());
      std::copy(key.x_.begin(), key.x_.end(), secret.begin() + kEd25519KeyBytes);
      Bytes signature(kEd25519SignatureBytes);
      crypto_sign_detached(signature.data(), nullptr, data_of(message), message.size(),
                           secret.data());
      sodium_memzero(secret.data(), secret.size());
      return signature;
    }
    auto pkey = rsa_pkey(key, /*with_private=*/true);
    if (!pkey) return std::unexpected(pkey.error());
    MdCtxPtr md(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey->get()) != 1 ||
        EVP_DigestSign(md.get(), nullptr, &length, data_of(message), message.size()) != 1)
      return fail(JoseError::kCryptoFailure, openssl_error("EVP_DigestSign"));
    Bytes signature(length);
    if (EVP_DigestSign(md.get(), signature.data(), &length, data_of(message), message.size()) != 1)
      return fail(JoseError::kCryptoFailure, openssl_error("EVP_DigestSign"));
    signature.resize(length);
    return signature;
  }

  static Result<void, JoseError> verify(const Jwk& key, std::string_view message,
                                        const Bytes& signature) {
    if (key.type_ == KeyType::kEd25519) {
      internal::ensure_sodium();
      if (crypto_sign_verify_detached(signature.data(), data_of(message), message.size(),
                                      key.x_.data()) != 0)
        return fail(JoseError::kBadSignature, "Ed25519 signature does not verify");
      return {};
    }
    auto pkey = rsa_pkey(key, /*with_private=*/false);
    if (!pkey) return std::unexpected(pkey.error());
    MdCtxPtr md(EVP_MD_CTX_new());
    if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey->get()) != 1)
      return fail(JoseError::kCryptoFailure, openssl_error("EVP_DigestVerifyInit"));
    int rc = EVP_DigestVerify(md.get(), signature.data(), signature.size(), data_of(message),
                              message.size());
    ERR_clear_error();
    if (rc != 1) return fail(JoseError::kBadSignature, "RS256 signature does not verify");
    return {};
  }

  static Result<Jwk, JoseError> read_rsa(const Json& jwk) {
    Jwk key(KeyType::kRsa);
    auto n = b64url_member(jwk, "n", true);
    if (!n) return std::unexpected(n.error());
    auto e = b64url_member(jwk, "e", true);
    if (!e) return std::unexpected(e.error());
    key.n_ = strip_leading_zeros(std::move(**n));
    key.e_ = strip_leading_zeros(std::move(**e));
    if (key.n_.empty() || key.e_.empty())
      return fail(JoseError::kJwkBadMember, "n and e must be positive");
    if (bit_length(key.n_) < kMinRsaBits)
      return fail(JoseError::kKeyTooSmall,
                  "modulus has " + std::to_string(bit_length(key.n_)) + " bits; 2048 needed");
    // An RSA modulus and public exponent are odd, and e > 1.
    if ((key.n_.back() & 1) == 0 || (key.e_.back() & 1) == 0 ||
        (key.e_.size() == 1 && key.e_[0] == 1))
      return fail(JoseError::kInvalidKey, "n and e must be odd, e > 1");
    if (jwk.contains("oth"))
      return fail(JoseError::kJwkBadMember, "multi-prime keys (\"oth\") are not supported");

    auto d = b64url_member(jwk, "d", false);
    if (!d) return std::unexpected(d.error());
    static constexpr std::array<const char*, 5> kCrt = {"p", "q", "dp", "dq", "qi"};
    std::array<Bytes*, 5> crt = {&key.p_, &key.q_, &key.dp_, &key.dq_, &key.qi_};
    std::size_t present = 0;
    for (std::size_t i = 0; i < kCrt.size(); ++i) {
      auto value = b64url_member(jwk, kCrt[i], false);
      if (!value) return std::unexpected(value.error());
      if (*value) {
        *crt[i] = strip_leading_zeros(std::move(**value));
        if (crt[i]->empty())
          return fail(JoseError::kJwkBadMember, std::string("\"") + kCrt[i] + "\" is zero");
        ++present;
      }
    }
    if (!*d) {
      if (present != 0) return fail(JoseError::kIncompletePrivateKey, "CRT values without \"d\"");
      return key;
    }
    key.d_ = strip_leading_zeros(std::move(**d));
    if (key.d_.empty()) return fail(JoseError::kJwkBadMember, "\"d\" is zero");
    if (present != 0 && present != kCrt.size())
      return fail(JoseError::kIncompletePrivateKey,
                  std::to_string(present) + " of p, q, dp, dq, qi present; all or none");
    auto checked = check_rsa_private(key);
    if (!checked) return std::unexpected(checked.error());
    return key;
  }

  // A private RSA key must belong to its public half: with CRT values OpenSSL's
  // pairwise check (p*q = n, d*e = 1 mod lcm, dp, dq, qi); in every case a
  // signature made with it must verify under (n, e).
  static Result<void, JoseError> check_rsa_private(const Jwk& key) {
    auto pkey = rsa_pkey(key, /*with_private=*/true);
    if (!pkey) return std::unexpected(pkey.error());
    if (!key.p_.empty()) {
      PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey->get(), nullptr));
      if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1)
        return fail(JoseError::kInvalidKey,
                    openssl_error("RSA private components do not fit together"));
    }
    static constexpr std::string_view kProbe = "authconf RSA key self-test";
    auto signature = sign(key, kProbe);
    if (!signature) return std::unexpected(signature.error());
    if (!verify(key, kProbe, *signature))
      return fail(JoseError::kInvalidKey, "d does not match n and e");
    return {};
  }

  static Result<Jwk, JoseError> read_okp(const Json& jwk) {
    auto crv = jwk.find("crv");
    if (crv == jwk.end()) return fail(JoseError::kJwkMissingMember, "OKP JWK has no \"crv\"");
    if (!crv->is_string()) return fail(JoseError::kJwkBadMember, "\"crv\" is not a string");
    if (*crv != "Ed25519")
      return fail(JoseError::kUnsupportedCurve, "crv " + crv->get<std::string>());
    Jwk key(KeyType::kEd25519);
    auto x = b64url_member(jwk, "x", true);
    if (!x) return std::unexpected(x.error());
    if ((*x)->size() != kEd25519KeyBytes)
      return fail(JoseError::kJwkBadMember,
                  "\"x\" has " + std::to_string((*x)->size()) + " bytes; 32 expected");
    key.x_ = std::move(**x);
    internal::ensure_sodium();
    if (crypto_core_ed25519_is_valid_point(key.x_.data()) != 1)
      return fail(JoseError::kInvalidKey, "\"x\" is not a valid Ed25519 public key");
    auto d = b64url_member(jwk, "d", false);
    if (!d) return std::unexpected(d.error());
    if (!*d) return key;
    if ((*d)->size() != kEd25519KeyBytes)
      return fail(JoseError::kJwkBadMember,
                  "\"d\" has " + std::to_string((*d)->size()) + " bytes; 32 expected");
    key.d_ = std::move(**d);
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> derived{};
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
    crypto_sign_seed_keypair(derived.data(), secret.data(), key.d_.data());
    sodium_memzero(secret.data(), secret.size());
    if (!std::equal(derived.begin(), derived.end(), key.x_.begin()))
      return fail(JoseError::kInvalidKey, "\"x\" is not the public key of \"d\"");
    return key;
  }

  static Result<void, JoseError> read_metadata(Jwk& key, const Json& jwk) {
    auto alg = string_member(jwk, "alg");
    if (!alg) return std::unexpected(alg.error());
    if (*alg) {
      if (**alg != alg_name(key.alg()))
        return fail(JoseError::kUnsupportedAlg, "JWK alg " + **alg + " on a key that signs with " +
                                                    std::string(alg_name(key.alg())));
      key.alg_declared_ = true;
    }
    auto kid = string_member(jwk, "kid");
    if (!kid) return std::unexpected(kid.error());
    key.kid_ = std::move(*kid);
    auto use = string_member(jwk, "use");
    if (!use) return std::unexpected(use.error());
    key.use_ = std::move(*use);
    return {};
  }

  static Result<Jwk, JoseError> from_rsa_pkey(EVP_PKEY* pkey) {
    Jwk key(KeyType::kRsa);
    static constexpr std::array<const char*, 8> kNames = {
        OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,
        OSSL_PKEY_PARAM_RSA_D,         OSSL_PKEY_PARAM_RSA_FACTOR1,
        OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
        OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    std::array<Bytes*, 8> slots = {&key.n_, &key.e_,  &key.d_,  &key.p_,
                                   &key.q_, &key.dp_, &key.dq_, &key.qi_};
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      BIGNUM* raw = nullptr;
      if (EVP_PKEY_get_bn_param(pkey, kNames[i], &raw) != 1)
        return fail(JoseError::kCryptoFailure, openssl_error(kNames[i]));
      BnPtr number(raw);
      *slots[i] = from_bn(number.get());
    }
    return key;
  }

  static Jwk ed25519_from_seed(const unsigned char* seed, const unsigned char* public_key) {
    Jwk key(KeyType::kEd25519);
    key.d_.assign(seed, seed + kEd25519KeyBytes);
    key.x_.assign(public_key, public_key + kEd25519KeyBytes);
    return key;
  }
};

std::string_view to_string(JoseError code) {
  switch (code) {
    case JoseError::kNotThreeParts:
      return "not-three-parts";
    case JoseError::kEmptyHeader:
      return "empty-header";
    case JoseError::kEmptyPayload:
      return "empty-payload";
    case JoseError::kEmptySignature:
      return "empty-signature";
    case JoseError::kHeaderNotBase64url:
      return "header-not-base64url";
    case JoseError::kPayloadNotBase64url:
      return "payload-not-base64url";
    case JoseError::kSignatureNotBase64url:
      return "signature-not-base64url";
    case JoseError::kHeaderNotJson:
      return "header-not-json";
    case JoseError::kHeaderNotObject:
      return "header-not-object";
    case JoseError::kMissingAlg:
      return "missing-alg";
    case JoseError::kAlgNotString:
      return "alg-not-string";
    case JoseError::kKidNotString:
      return "kid-not-string";
    case JoseError::kPayloadNotJson:
      return "payload-not-json";
    case JoseError::kPayloadNotObject:
      return "payload-not-object";
    case JoseError::kAlgNone:
      return "alg-none";
    case JoseError::kUnsupportedCritical:
      return "unsupported-critical";
    case JoseError::kUnknownKid:
      return "unknown-kid";
    case JoseError::kMissingKid:
      return "missing-kid";
    case JoseError::kAlgMismatch:
      return "alg-mismatch";
    case JoseError::kBadSignatureLength:
      return "bad-signature-length";
    case JoseError::kBadSignature:
      return "bad-signature";
    case JoseError::kJwkNotJson:
      return "jwk-not-json";
    case JoseError::kJwkNotObject:
      return "jwk-not-object";
    case JoseError::kJwkMissingMember:
      return "jwk-missing-member";
    case JoseError::kJwkBadMember:
      return "jwk-bad-member";
    case JoseError::kUnsupportedKeyType:
      return "unsupported-key-type";
    case JoseError::kUnsupportedCurve:
      return "unsupported-curve";
    case JoseError::kUnsupportedAlg:
      return "unsupported-alg";
    case JoseError::kIncompletePrivateKey:
      return "incomplete-private-key";
    case JoseError::kKeyTooSmall:
      return "key-too-small";
    case JoseError::kInvalidKey:
      return "invalid-key";
    case JoseError::kNotPrivateKey:
      return "not-private-key";
    case JoseError::kBadJwks:
      return "bad-jwks";
    case JoseError::kCryptoFailure:
      return "crypto-failure";
    case JoseError::kIssMissing:
      return "iss-missing";
    case JoseError::kIssNotString:
      return "iss-not-string";
    case JoseError::kIssMismatch:
      return "iss-mismatch";
    case JoseError::kAudMissing:
      return "aud-missing";
    case JoseError::kAudNotStringOrArray:
      return "aud-not-string-or-array";
    case JoseError::kAudMismatch:
      return "aud-mismatch";
    case JoseError::kExpMissing:
      return "exp-missing";
    case JoseError::kExpNotNumber:
      return "exp-not-number";
    case JoseError::kExpired:
      return "expired";
    case JoseError::kNbfNotNumber:
      return "nbf-not-number";
    case JoseError::kNotYetValid:
      return "not-yet-valid";
    case JoseError::kIatMissing:
      return "iat-missing";
    case JoseError::kIatNotNumber:
      return "iat-not-number";
    case JoseError::kIatInFuture:
      return "iat-in-future";
  }
  return "unknown";
}

std::string_view to_string(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kRs256:
      return "RS256";
    case JwsAlg::kEdDsa:
      return "EdDSA";
  }
  return "unknown";
}

// ---- Jwk -------------------------------------------------------------------

Jwk::~Jwk() {
  for (Bytes* secret : {&d_, &p_, &q_, &dp_, &dq_, &qi_}) wipe(*secret);
}

Result<Jwk, JoseError> Jwk::from_json(const Json& jwk) {
  if (!jwk.is_object()) return fail(JoseError::kJwkNotObject, "a JWK is a JSON object");
  auto kty = jwk.find("kty");
  if (kty == jwk.end()) return fail(JoseError::kJwkMissingMember, "JWK has no \"kty\"");
  if (!kty->is_string()) return fail(JoseError::kJwkBadMember, "\"kty\" is not a string");
  Result<Jwk, JoseError> key = fail(JoseError::kUnsupportedKeyType, "kty " + kty->dump());
  if (*kty == "RSA") {
    key = JwkAccess::read_rsa(jwk);
  } else if (*kty == "OKP") {
    key = JwkAccess::read_okp(jwk);
  }
  if (!key) return key;
  auto metadata = JwkAccess::read_metadata(*key, jwk);
  if (!metadata) return std::unexpected(metadata.error());
  return key;
}

Result<Jwk, JoseError> Jwk::parse(std::string_view json_text) {
  auto value = parse_json(json_text);
  if (!value) return fail(JoseError::kJwkNotJson, "JWK text is not JSON");
  return from_json(*value);
}

std::size_t Jwk::bits() const {
  return type_ == KeyType::kRsa ? bit_length(n_) : kEd25519KeyBytes * 8;
}

Json Jwk::to_json() const {
  Json out = Json::object();
  if (type_ == KeyType::kRsa) {
    out["kty"] = "RSA";
    out["n"] = base64url_encode(n_);
    out["e"] = base64url_encode(e_);
    if (is_private()) {
      out["d"] = base64url_encode(d_);
      if (!p_.empty()) {
        out["p"] = base64url_encode(p_);
        out["q"] = base64url_encode(q_);
        out["dp"] = base64url_encode(dp_);
        out["dq"] = base64url_encode(dq_);
        out["qi"] = base64url_encode(qi_);
      }
    }
  } else {
    out["kty"] = "OKP";
    out["crv"] = "Ed25519";
    out["x"] = base64url_encode(x_);
    if (is_private()) out["d"] = base64url_encode(d_);
  }
  if (alg_declared_) out["alg"] = alg_name(alg());
  if (kid_) out["kid"] = *kid_;
  if (use_) out["use"] = *use_;
  return out;
}

Jwk Jwk::public_jwk() const {
  Jwk copy = *this;
  for (Bytes* secret : {&copy.d_, &copy.p_, &copy.q_, &copy.dp_, &copy.dq_, &copy.qi_})
    wipe(*secret);
  return copy;
}

std::string Jwk::thumbprint() const {
  // RFC 7638 §3.2: required members only, lexicographic order, no whitespace;
  // nlohmann's object is sorted and every value here is plain base64url.
  Json required = Json::object();
  if (type_ == KeyType::kRsa) {
    required = {{"e", base64url_encode(e_)}, {"kty", "RSA"}, {"n", base64url_encode(n_)}};
  } else {
    required = {{"crv", "Ed25519"}, {"kty", "OKP"}, {"x", base64url_encode(x_)}};
  }
  const std::string canonical = required.dump();
  internal::ensure_sodium();
  Bytes digest(crypto_hash_sha256_BYTES);
  crypto_hash_sha256(digest.data(), data_of(canonical), canonical.size());
  return base64url_encode(digest);
}

// ---- Jwks ------------------------------------------------------------------

Result<Jwks, JoseError> Jwks::from_json(const Json& jwks) {
  if (!jwks.is_object()) return fail(JoseError::kBadJwks, "a JWKS is a JSON object");
  auto keys = jwks.find("keys");
  if (keys == jwks.end() || !keys->is_array())
    return fail(JoseError::kBadJwks, "a JWKS has a \"keys\" array");
  Jwks set;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    const Json& entry = (*keys)[i];
    if (entry.is_object()) {
      // RFC 7517 §5: ignore keys whose kty (or curve) is not understood.
      auto kty = entry.find("kty");
      auto crv = entry.find("crv");
      bool known_kty = kty != entry.end() && kty->is_string() && (*kty == "RSA" || *kty == "OKP");
      bool unknown_curve =
          known_kty && *kty == "OKP" && crv != entry.end() && crv->is_string() && *crv != "Ed25519";
      if ((kty != entry.end() && kty->is_string() && !known_kty) || unknown_curve) {
        ++set.skipped_;
        continue;
      }
    }
    auto key = Jwk::from_json(entry);
    if (!key)
      return fail(key.error().code, "keys[" + std::to_string(i) + "]: " + key.error().detail);
    set.keys_.push_back(std::move(*key));
  }
  return set;
}

Result<Jwks, JoseError> Jwks::parse(std::string_view json_text) {
  auto value = parse_json(json_text);
  if (!value) return fail(JoseError::kJwkNotJson, "JWKS text is not JSON");
  return from_json(*value);
}

Result<const Jwk*, JoseError> Jwks::find(std::string_view kid) const {
  for (const Jwk& key : keys_) {
    if (key.kid() && *key.kid() == kid) return &key;
  }
  return fail(JoseError::kUnknownKid, "no key with kid \"" + std::string(kid) + "\"");
}

Json Jwks::to_json() const {
  Json keys = Json::array();
  for (const Jwk& key : keys_) keys.push_back(key.to_json());
  return {{"keys", std::move(keys)}};
}

Json Jwks::to_public_json() const {
  Json keys = Json::array();
  for (const Jwk& key : keys_) keys.push_back(key.public_jwk().to_json());
  return {{"keys", std::move(keys)}};
}

// ---- Compact serialization --------------------------------------------------

namespace {

// The header checks shared by parsing and signing.
Result<void, JoseError> read_header(const std::string& header_text, Jws& out) {
  auto header = parse_json(header_text);
  if (!header) return fail(JoseError::kHeaderNotJson, "header is not JSON");
  if (!header->is_object()) return fail(JoseError::kHeaderNotObject, "header is " + header->dump());
  auto alg = header->find("alg");
  if (alg == header->end()) return fail(JoseError::kMissingAlg, "header has no \"alg\"");
  if (!alg->is_string()) return fail(JoseError::kAlgNotString, "alg is " + alg->dump());
  out.alg = alg->get<std::string>();
  if (auto kid = header->find("kid"); kid != header->end()) {
    if (!kid->is_string()) return fail(JoseError::kKidNotString, "kid is " + kid->dump());
    out.kid = kid->get<std::string>();
  }
  out.header = std::move(*header);
  return {};
}

// The checks that need a key: the header first, then the signature.
Result<void, JoseError> check_header(const Jws& jws) {
  if (jws.alg == "none") return fail(JoseError::kAlgNone, "unsecured JWS");
  if (jws.header.contains("crit"))
    return fail(JoseError::kUnsupportedCritical, "crit " + jws.header["crit"].dump());
  return {};
}

Result<void, JoseError> verify_with(const Jws& jws, const Jwk& key) {
  if (auto header = check_header(jws); !header) return header;
  if (jws.alg != alg_name(key.alg()))
    return fail(JoseError::kAlgMismatch,
                "token alg " + jws.alg + ", key alg " + std::string(alg_name(key.alg())));
  const std::size_t expected =
      key.type() == KeyType::kRsa ? (key.bits() + 7) / 8 : kEd25519SignatureBytes;
  if (jws.signature.size() != expected)
    return fail(JoseError::kBadSignatureLength, std::to_string(jws.signature.size()) +
                                                    " signature bytes; " +
                                                    std::to_string(expected) + " expected");
  return JwkAccess::verify(key, jws.signing_input, jws.signature);
}

Result<const Jwk*, JoseError> select_key(const Jws& jws, const Jwks& keys) {
  if (jws.kid) return keys.find(*jws.kid);
  if (keys.keys().size() == 1) return &keys.keys().front();
  if (keys.keys().empty()) return fail(JoseError::kUnknownKid, "the key set is empty");
  return fail(JoseError::kMissingKid, "no kid in the header and " +
                                          std::to_string(keys.keys().size()) + " keys in the set");
}

Result<Jwt, JoseError> to_jwt(Jws jws) {
  if (jws.payload.empty()) return fail(JoseError::kEmptyPayload, "a JWT has a claim set");
  auto claims = parse_json(jws.payload);
  if (!claims) return fail(JoseError::kPayloadNotJson, "payload is not JSON");
  if (!claims->is_object())
    return fail(JoseError::kPayloadNotObject, "payload is " + claims->dump());
  return Jwt{std::move(jws), std::move(*claims)};
}

// Registered NumericDate claims (RFC 7519 §2): any JSON number, fractions allowed.
double seconds(const Json& value) { return value.get<double>(); }

}  // namespace

Result<Jws, JoseError> parse_jws(std::string_view compact) {
  const std::size_t first = compact.find('.');
  const std::size_t second = first == std::string_view::npos ? first : compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos) {
    std::size_t dots = 0;
    for (char c : compact) dots += c == '.' ? 1 : 0;
    return fail(JoseError::kNotThreeParts, std::to_string(dots + 1) + " parts");
  }
  const std::string_view header_b64 = compact.substr(0, first);
  const std::string_view payload_b64 = compact.substr(first + 1, second - first - 1);
  const std::string_view signature_b64 = compact.substr(second + 1);

  if (header_b64.empty()) return fail(JoseError::kEmptyHeader, "nothing before the first '.'");
  auto header = base64url_decode(header_b64);
  if (!header)
    return fail(JoseError::kHeaderNotBase64url, std::string(to_string(header.error().code)));
  Jws jws;
  if (auto read = read_header(to_string(*header), jws); !read) return std::unexpected(read.error());

  auto payload = base64url_decode(payload_b64);
  if (!payload)
    return fail(JoseError::kPayloadNotBase64url, std::string(to_string(payload.error().code)));
  // RFC 7515 §A.5: an unsecured JWS has an empty signature; let it parse so
  // that verification names it.
  if (signature_b64.empty() && jws.alg != "none")
    return fail(JoseError::kEmptySignature, "nothing after the last '.'");
  auto signature = base64url_decode(signature_b64);
  if (!signature)
    return fail(JoseError::kSignatureNotBase64url, std::string(to_string(signature.error().code)));
  jws.payload = to_string(*payload);
  jws.signature = std::move(*signature);
  jws.signing_input = std::string(compact.substr(0, second));
  return jws;
}

Result<Jwt, JoseError> parse_jwt(std::string_view compact) {
  auto jws = parse_jws(compact);
  if (!jws) return std::unexpected(jws.error());
  return to_jwt(std::move(*jws));
}

Result<Jws, JoseError> verify_jws(std::string_view compact, const Jwk& key) {
  auto jws = parse_jws(compact);
  if (!jws) return jws;
  if (auto verified = verify_with(*jws, key); !verified) return std::unexpected(verified.error());
  return jws;
}

Result<Jws, JoseError> verify_jws(std::string_view compact, const Jwks& keys) {
  auto jws = parse_jws(compact);
  if (!jws) return jws;
  if (auto header = check_header(*jws); !header) return std::unexpected(header.error());
  auto key = select_key(*jws, keys);
  if (!key) return std::unexpected(key.error());
  if (auto verified = verify_with(*jws, **key); !verified) return std::unexpected(verified.error());
  return jws;
}

Result<void, JoseError> check_claims(const Json& claims, const ClaimChecks& checks) {
  if (!claims.is_object()) return fail(JoseError::kPayloadNotObject, "claims are not an object");
  const double now = static_cast<double>(checks.now);
  const double leeway = static_cast<double>(checks.leeway);

  auto iss = claims.find("iss");
  if (iss != claims.end() && !iss->is_string())
    return fail(JoseError::kIssNotString, "iss is " + iss->dump());
  if (checks.issuer) {
    if (iss == claims.end()) return fail(JoseError::kIssMissing, "no \"iss\"");
    if (*iss != *checks.issuer)
      return fail(JoseError::kIssMismatch, "iss " + iss->dump() + ", expected " + *checks.issuer);
  }

  auto aud = claims.find("aud");
  if (aud != claims.end()) {
    bool well_typed = aud->is_string();
    if (aud->is_array()) {
      well_typed = true;
      for (const Json& entry : *aud) well_typed = well_typed && entry.is_string();
    }
    if (!well_typed) return fail(JoseError::kAudNotStringOrArray, "aud is " + aud->dump());
  }
  if (checks.audience) {
    if (aud == claims.end()) return fail(JoseError::kAudMissing, "no \"aud\"");
    bool found = aud->is_string() ? *aud == *checks.audience : false;
    if (aud->is_array()) {
      for (const Json& entry : *aud) found = found || entry == *checks.audience;
    }
    if (!found)
      return fail(JoseError::kAudMismatch,
                  "aud " + aud->dump() + " does not contain " + *checks.audience);
  }

  auto exp = claims.find("exp");
  if (exp != claims.end()) {
    if (!exp->is_number()) return fail(JoseError::kExpNotNumber, "exp is " + exp->dump());
    // RFC 7519 §4.1.4: the current time MUST be before exp.
    if (now >= seconds(*exp) + leeway)
      return fail(JoseError::kExpired,
                  "exp " + exp->dump() + ", now " + std::to_string(checks.now));
  } else if (checks.require_exp) {
    return fail(JoseError::kExpMissing, "no \"exp\"");
  }

  auto nbf = claims.find("nbf");
  if (nbf != claims.end()) {
    if (!nbf->is_number()) return fail(JoseError::kNbfNotNumber, "nbf is " + nbf->dump());
    // §4.1.5: the current time MUST be after or equal to nbf.
    if (now + leeway < seconds(*nbf))
      return fail(JoseError::kNotYetValid,
                  "nbf " + nbf->dump() + ", now " + std::to_string(checks.now));
  }

  auto iat = claims.find("iat");
  if (iat != claims.end()) {
    if (!iat->is_number()) return fail(JoseError::kIatNotNumber, "iat is " + iat->dump());
    if (seconds(*iat) > now + leeway)
      return fail(JoseError::kIatInFuture,
                  "iat " + iat->dump() + ", now " + std::to_string(checks.now));
  } else if (checks.require_iat) {
    return fail(JoseError::kIatMissing, "no \"iat\"");
  }
  return {};
}

Result<Jwt, JoseError> verify_jwt(std::string_view compact, const Jwk& key,
                                  const ClaimChecks& checks) {
  auto jwt = parse_jwt(compact);
  if (!jwt) return jwt;
  if (auto verified = verify_with(jwt->jws, key); !verified)
    return std::unexpected(verified.error());
  if (auto claims = check_claims(jwt->claims, checks); !claims)
    return std::unexpected(claims.error());
  return jwt;
}

Result<Jwt, JoseError> verify_jwt(std::string_view compact, const Jwks& keys,
                                  const ClaimChecks& checks) {
  auto jwt = parse_jwt(compact);
  if (!jwt) return jwt;
  if (auto header = check_header(jwt->jws); !header) return std::unexpected(header.error());
  auto key = select_key(jwt->jws, keys);
  if (!key) return std::unexpected(key.error());
  if (auto verified = verify_with(jwt->jws, **key); !verified)
    return std::unexpected(verified.error());
  if (auto claims = check_claims(jwt->claims, checks); !claims)
    return std::unexpected(claims.error());
  return jwt;
}

// ---- Signing and key generation -------------------------------------------------

Result<std::string, JoseError> sign_compact(std::string_view protected_header,
                                            std::string_view payload, const Jwk& private_key) {
  if (!private_key.is_private())
    return fail(JoseError::kNotPrivateKey, "signing needs a private key");
  Jws header;
  if (auto read = read_header(std::string(protected_header), header); !read)
    return std::unexpected(read.error());
  if (header.alg != alg_name(private_key.alg()))
    return fail(JoseError::kAlgMismatch, "header alg " + header.alg + ", key alg " +
                                             std::string(alg_name(private_key.alg())));
  std::string compact = base64url_encode(protected_header);
  compact += '.';
  compact += base64url_encode(payload);
  auto signature = JwkAccess::sign(private_key, compact);
  if (!signature) return std::unexpected(signature.error());
  compact += '.';
  compact += base64url_encode(*signature);
  return compact;
}

Result<std::string, JoseError> sign_jwt(const Json& claims, const Jwk& private_key, Json header) {
  if (!claims.is_object()) return fail(JoseError::kPayloadNotObject, "claims must be an object");
  if (!header.is_object()) return fail(JoseError::kHeaderNotObject, "header must be an object");
  if (!header.contains("alg")) header["alg"] = alg_name(private_key.alg());
  if (private_key.kid() && !header.contains("kid")) header["kid"] = *private_key.kid();
  auto header_text = dump_json(header);
  if (!header_text) return fail(JoseError::kHeaderNotJson, "header holds invalid UTF-8");
  auto claims_text = dump_json(claims);
  if (!claims_text) return fail(JoseError::kPayloadNotJson, "claims hold invalid UTF-8");
  return sign_compact(*header_text, *claims_text, private_key);
}

Result<Jwk, JoseError> generate_rsa_key(int bits) {
  if (bits < static_cast<int>(kMinRsaBits))
    return fail(JoseError::kKeyTooSmall, std::to_string(bits) + " bits; 2048 needed");
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1 ||
      EVP_PKEY_generate(ctx.get(), &raw) != 1)
    return fail(JoseError::kCryptoFailure, openssl_error("RSA key generation"));
  PkeyPtr pkey(raw);
  return JwkAccess::from_rsa_pkey(pkey.get());
}

Result<Jwk, JoseError> generate_ed25519_key() {
  internal::ensure_sodium();
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  crypto_sign_keypair(public_key.data(), secret.data());
  // libsodium's secret key is seed ‖ public key; the JWK "d" is the seed.
  Jwk key = JwkAccess::ed25519_from_seed(secret.data(), public_key.data());
  sodium_memzero(secret.data(), secret.size());
  return key;
}

}  // namespace authconf

// authref/convex/jwt_keys.h: the signing keys of the `convex` plugin and the
// tokens it mints (better-auth dist/plugins/jwt/{utils,sign}.mjs with the
// custom JWKS adapter of @convex-dev/better-auth src/plugins/convex).
//
// Keys live in the component's `jwks` table, one document per key, written
// through the Better Auth adapter as createJwk writes them:
//   publicKey  = JSON of the public JWK in jose's member order
//                ({"kty","n","e"} or {"crv","x","kty"}),
//   privateKey = the private JWK sealed with the secret (a JSON string
//                literal of the hex, authconf/key_at_rest.h),
//   createdAt  = epoch ms.
// `kid` is the document `_id`. A key is created on first use; the signing
// key is the newest by createdAt (spec/convex-component.md §6.3).
//
// Signing an RS256 token costs about a millisecond, and every get-session
// with a session mints one (the convex_jwt cookie). RS256 (PKCS#1 v1.5) and
// Ed25519 are deterministic, so a token is memoised on its exact signing
// input: a repeat within the same second returns the very bytes signing
// again would give. The decoded keys are cached too, and re-read whenever
// the `jwks` documents are not the ones they were decoded from (a bridge
// reset with keepKeys:false, a row written through /adapter).
//
//   JwtKeys keys(options, app, adapter);
//   std::string jwt = keys.sign(claims);   // {"alg":"RS256","kid":"<_id>"} header
//   Json jwks = keys.public_jwks();        // {"keys":[{"alg":"RS256","kty":"RSA",...}]}
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/adapter.h"
#include "auth/auth_options.h"
#include "authconf/jose.h"
#include "store/database.h"

namespace authref {

class ReferenceApp;

class JwtKeys {
 public:
  // Tokens kept by the memo; older ones are forgotten first.
  static constexpr std::size_t kMemoCapacity = 1024;
  // jwks.gracePeriod: keys expired for longer than this leave the JWKS.
  static constexpr double kGracePeriodMs = 30.0 * 24 * 3600 * 1000;

  JwtKeys(const AuthOptions& options, ReferenceApp& app, AuthAdapter& adapter);

  // GET /convex/jwks: {"keys":[{alg, [crv,] ...publicJWK, kid}]}, newest
  // first, keys past expiresAt + the grace period left out; creates the
  // first key when the table is empty. Throws (a 500) when a listed row's
  // publicKey is not JSON, as JSON.parse would.
  Json public_jwks();
  // The same keys as a verifier sees them (no key is created).
  authconf::Jwks verification_keys();

  // The compact JWT for `claims` (already in the order they must appear)
  // under the newest key, creating a key when there is none or the newest
  // has expired. Throws std::runtime_error when the key cannot sign (a
  // private key that does not open with the secret, a key of the other
  // algorithm).
  std::string sign(const Json& claims);

  // The algorithm name the options give: "RS256" or "EdDSA".
  std::string_view alg_name() const;

 private:
  struct Key {
    DocumentPtr document;
    std::string id;
    std::optional<double> expires_at;
    std::optional<Json> jwks_entry;           // nullopt: publicKey is not JSON
    std::optional<authconf::Jwk> public_key;  // nullopt: not a usable JWK
  };
  // The `jwks` table as last decoded.
  struct KeySet {
    std::vector<DocumentPtr> documents;  // as stored, in _creationTime order
    std::vector<Key> keys;               // newest _creationTime first (findMany createdAt desc)
    std::optional<std::size_t> newest;   // getLatestKey: createdAt desc, stable
    std::optional<authconf::Jwk> signing_key;
    std::string signing_error;
    std::string header;  // {"alg":...,"kid":...}
  };

  std::shared_ptr<const KeySet> current();
  std::shared_ptr<const KeySet> load();
  bool unchanged(const KeySet& set);
  // createJwk: a fresh key pair, stored through the adapter.
  void create_key();
  double now_ms() const;

  const AuthOptions& options_;
  ReferenceApp& app_;
  AuthAdapter& adapter_;

  std::mutex mutex_;  // guards set_ and the memo
  std::shared_ptr<const KeySet> set_;
  std::unordered_map<std::string, std::string> memo_;
  std::deque<std::string> memo_order_;
  std::mutex create_mutex_;  // one key creation at a time
};

}  // namespace authref

#include "convex/jwt_keys.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "app/reference_app.h"
#include "authconf/key_at_rest.h"

namespace authref {
namespace {

// The members of a JWK as jose's exportJWK (Node's KeyObject.export) writes
// them: RSA {kty,n,e[,d,p,q,dp,dq,qi]}, OKP {crv,[d,]x,kty}. The stored
// publicKey and the sealed private key are this text.
std::string jose_jwk_text(const authconf::Jwk& key) {
  const nlohmann::json members = key.to_json();
  const auto order =
      key.type() == authconf::KeyType::kRsa
          ? std::vector<const char*>{"kty", "n", "e", "d", "p", "q", "dp", "dq", "qi"}
          : std::vector<const char*>{"crv", "d", "x", "kty"};
  Json out = Json::object();
  for (const char* name : order) {
    if (auto it = members.find(name); it != members.end()) out[name] = *it;
  }
  return js_stringify(out);
}

std::optional<double> number_field(const Json& document, const char* name) {
  auto it = document.find(name);
  if (it == document.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

}  // namespace

JwtKeys::JwtKeys(const AuthOptions& options, ReferenceApp& app, AuthAdapter& adapter)
    : options_(options), app_(app), adapter_(adapter) {}

std::string_view JwtKeys::alg_name() const {
  return options_.jwt_algorithm == JwtAlgorithm::kRs256 ? "RS256" : "EdDSA";
}

double JwtKeys::now_ms() const { return std::floor(app_.clock().now_ms()); }

bool JwtKeys::unchanged(const KeySet& set) {
  // Documents are immutable: the same pointers mean the same rows. The set
  // holds them, so an address cannot be reused while it is compared.
  return app_.database().read([&](ReadTx& tx) {
    const Table* table = tx.table(ReferenceApp::kComponentSpace, "jwks");
    if (table == nullptr) return set.documents.empty();
    const auto& entries = table->by_creation_time().entries();
    if (entries.size() != set.documents.size()) return false;
    std::size_t i = 0;
    for (const IndexEntry& entry : entries) {
      if (entry.document.get() != set.documents[i++].get()) return false;
    }
    return true;
  });
}

std::shared_ptr<const JwtKeys::KeySet> JwtKeys::load() {
  auto set = std::make_shared<KeySet>();
  app_.database().read([&](ReadTx& tx) {
    const Table* table = tx.table(ReferenceApp::kComponentSpace, "jwks");
    if (table == nullptr) return;
    for (const IndexEntry& entry : table->by_creation_time().entries()) {
      set->documents.push_back(entry.document);
    }
  });
  // The convex plugin's getJwks: findMany sortBy createdAt desc, which the
  // component serves in _creationTime order, newest first.
  for (auto it = set->documents.rbegin(); it != set->documents.rend(); ++it) {
    const Json& document = **it;
    Key key;
    key.document = *it;
    key.id = document.value("_id", "");
    if (auto expires = number_field(document, "expiresAt"); expires && *expires != 0) {
      key.expires_at = expires;
    }
    const std::string public_text = document.value("publicKey", "");
    Json public_jwk = Json::parse(public_text, nullptr, false);
    if (!public_jwk.is_discarded()) {
      // {alg, crv: keySet.crv ?? defaultCrv, ...JSON.parse(publicKey), kid}:
      // `crv` holds its second place only when the public key brings one.
      Json entry = Json::object();
      entry["alg"] = alg_name();
      if (public_jwk.is_object() && public_jwk.contains("crv")) entry["crv"] = nullptr;
      if (public_jwk.is_object()) {
        for (auto member = public_jwk.begin(); member != public_jwk.end(); ++member) {
          entry[member.key()] = member.value();
        }
      }
      entry["kid"] = key.id;
      key.jwks_entry = std::move(entry);
    }
    if (auto parsed = authconf::Jwk::parse(public_text)) {
      parsed->set_kid(key.id);
      key.public_key = std::move(*parsed);
    }
    set->keys.push_back(std::move(key));
  }
  // getLatestKey: a stable sort by createdAt, descending, over that order.
  for (std::size_t i = 0; i < set->keys.size(); ++i) {
    const double created = number_field(*set->keys[i].document, "createdAt").value_or(0);
    if (!set->newest ||
        created > number_field(*set->keys[*set->newest].document, "createdAt").value_or(0)) {
      set->newest = i;
    }
  }
  if (set->newest) {
    const Key& newest = set->keys[*set->newest];
    auto opened =
        authconf::open_private_key(newest.document->value("privateKey", ""), options_.secret);
    if (!opened) {
      // BetterAuthError from signJWT.
      set->signing_error =
          "Failed to decrypt private key. Make sure the secret currently in use is the same as "
          "the one used to encrypt the private key. If you are using a different secret, either "
          "clean up your JWKS or disable private key encryption.";
    } else if (auto key = authconf::Jwk::parse(opened->plaintext); !key) {
      set->signing_error = "the stored private key is not a JWK: " + key.error().detail;
    } else if (!key->is_private()) {
      set->signing_error = "the stored private key has no private part";
    } else if (to_string(key->alg()) != alg_name()) {
      // jose's importJWK with the configured alg: ERR_JOSE_NOT_SUPPORTED.
      set->signing_error =
          "ERR_JOSE_NOT_SUPPORTED: the stored key does not sign " + std::string(alg_name());
    } else {
      key->set_kid(newest.id);
      set->signing_key = std::move(*key);
    }
    Json header = Json::object();
    header["alg"] = alg_name();
    header["kid"] = newest.id;
    set->header = js_stringify(header);
  }
  return set;
}

std::shared_ptr<const JwtKeys::KeySet> JwtKeys::current() {
  std::shared_ptr<const KeySet> set;
  {
    std::lock_guard lock(mutex_);
    set = set_;
  }
  if (set && unchanged(*set)) return set;
  auto loaded = load();
  std::lock_guard lock(mutex_);
  set_ = loaded;
  // A token names its kid, so the memo could stay; dropping it keeps the
  // memo from outliving the key that made its tokens.
  memo_.clear();
  memo_order_.clear();
  return loaded;
}

void JwtKeys::create_key() {
  auto generated = options_.jwt_algorithm == JwtAlgorithm::kRs256
                       ? authconf::generate_rsa_key(2048)
                       : authconf::generate_ed25519_key();
  if (!generated) throw std::runtime_error("key generation failed: " + generated.error().detail);
  Json data = Json::object();
  data["publicKey"] = jose_jwk_text(generated->public_jwk());
  data["privateKey"] = authconf::seal_private_key(jose_jwk_text(*generated), options_.secret);
  data["createdAt"] = static_cast<std::int64_t>(now_ms());
  adapter_.create("jwks", data);
}

Json JwtKeys::public_jwks() {
  auto set = current();
  if (set->keys.empty()) {
    std::lock_guard lock(create_mutex_);
    set = current();
    if (set->keys.empty()) {
      create_key();
      set = current();
    }
  }
  const double now = now_ms();
  Json keys = Json::array();
  for (const Key& key : set->keys) {
    if (key.expires_at && *key.expires_at + kGracePeriodMs <= now) continue;
    if (!key.jwks_entry) throw std::runtime_error("jwks publicKey is not JSON");
    keys.push_back(*key.jwks_entry);
  }
  return Json{{"keys", std::move(keys)}};
}

authconf::Jwks JwtKeys::verification_keys() {
  auto set = current();
  const double now = now_ms();
  std::vector<authconf::Jwk> keys;
  for (const Key& key : set->keys) {
    if (key.expires_at && *key.expires_at + kGracePeriodMs <= now) continue;
    if (key.public_key) keys.push_back(*key.public_key);
  }
  return authconf::Jwks(std::move(keys));
}

std::string JwtKeys::sign(const Json& claims) {
  auto set = current();
  const auto needs_key = [&](const KeySet& s) {
    if (!s.newest) return true;
    const auto& expires = s.keys[*s.newest].expires_at;
    return expires.has_value() && *expires < now_ms();
  };
  if (needs_key(*set)) {
    std::lock_guard lock(create_mutex_);
    set = current();
    if (needs_key(*set)) {
      create_key();
      set = current();
    }
  }
  if (!set->signing_key) throw std::runtime_error(set->signing_error);
  const std::string payload = js_stringify(claims);
  std::string input = set->header;
  input += '.';
  input += payload;
  {
    std::lock_guard lock(mutex_);
    if (set_ == set) {
      if (auto hit = memo_.find(input); hit != memo_.end()) return hit->second;
    }
  }
  auto token = authconf::sign_compact(set->header, payload, *set->signing_key);
  if (!token) throw std::runtime_error("signing failed: " + token.error().detail);
  std::lock_guard lock(mutex_);
  if (set_ == set && !memo_.contains(input)) {
    if (memo_order_.size() >= kMemoCapacity) {
      memo_.erase(memo_order_.front());
      memo_order_.pop_front();
    }
    memo_order_.push_back(input);
    memo_.emplace(std::move(input), *token);
  }
  return std::move(*token);
}

}  // namespace authref

// Suite `jwt`: the `convex` Better Auth plugin of @convex-dev/better-auth 0.12.5 and the
// identity a Convex backend derives from its tokens (spec/convex-component.md §6, §8 and
// issue #201; spec/bridge-v1.md GET /identity and PUT /clock; the real exchanges in
// spec/transcripts/*.md §1 and §5).
//  - Discovery: the root /.well-known/openid-configuration redirect that registerRoutes adds,
//    and the oidcProvider document the plugin serves (issuer, jwks_uri, algorithms).
//  - JWKS: the shape of every key for the target's algorithm (RS256 or EdDSA), no private
//    members, stable kids; the jwt plugin's own routes and the SERVER_ONLY ones are not served.
//  - /convex/token: 401 without a session, the header alg/kid naming a served key, the
//    signature checked by the harness (authconf/jose.h), the claims (sub, sessionId, iss, aud,
//    exp − iat, the user fields), and the convex_jwt cookie on every path that sets or
//    clears it, byte for byte.
//  - Through the bridge: a valid token gives Convex's UserIdentity and the raw auth user;
//    tampered, unsigned, key-confused, unknown-kid, foreign-key, expired and wrong-audience
//    tokens give null; a token without sessionId throws as safeGetAuthUser does (#201). Tokens
//    with chosen claims are signed by a key the case adds to the component's `jwks` table
//    (older than the signing key, so it never signs; removed when the case ends).
//  - A property: no single-byte change of a valid token keeps an identity.
#include <authconf/encoding.h>
#include <authconf/jose.h>
#include <authconf/key_at_rest.h>
#include <authconf/matchers.h>
#include <authconf/set_cookie.h>
#include <authconf/signed_cookie.h>
#include <authconf/suite.h>
#include <authconf/transcript.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authconf {
namespace {

using suite::bridge;
using suite::target;
using ::testing::TestParamInfo;
using ::testing::TestWithParam;
using ::testing::ValuesIn;

constexpr const char* kPluginSpec = "spec/convex-component.md §6.2";
constexpr const char* kJwtSpec = "spec/convex-component.md §6.3";
constexpr const char* kCookieSpec = "spec/convex-component.md §6.3 (the convex_jwt cookie)";
constexpr const char* kDiscoverySpec = "spec/convex-component.md §8 (registerRoutes)";
constexpr const char* kIdentitySpec =
    "spec/bridge-v1.md GET /identity; spec/convex-component.md §6.4";
constexpr const char* kAuthUserSpec = "spec/convex-component.md §8 (safeGetAuthUser)";
constexpr const char* kIssue201Spec = "spec/convex-component.md §8, §11 (issue #201)";

const Json kUnauthorized = Json{{"message", "Unauthorized"}, {"code", "UNAUTHORIZED"}};

// ---------------------------------------------------------------------------------------
// What the target declares: capabilities' `jwt`, else the convex plugin's defaults (the
// issuer is CONVEX_SITE_URL, the origin the target is reached at).

Json jwt_capabilities() {
  const Json& raw = target().capabilities().raw();
  return raw.contains("jwt") && raw["jwt"].is_object() ? raw["jwt"] : Json::object();
}
std::string issuer() {
  const Json jwt = jwt_capabilities();
  return jwt.contains("issuer") && jwt["issuer"].is_string() ? jwt["issuer"].get<std::string>()
                                                             : target().url();
}
std::string audience() { return jwt_capabilities().value("audience", "convex"); }
std::int64_t lifetime_s() { return jwt_capabilities().value("expiresIn", std::int64_t{900}); }
std::string alg() { return target().capabilities().jwt_alg(); }
// Better Auth marks cookies Secure (and prefixes them) when its baseURL is https.
bool secure_cookies() { return issuer().starts_with("https://"); }

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "jwt.identity.valid-token" → "identity_valid_token".
std::string test_name(std::string_view id) {
  std::string name(id.substr(id.find('.') + 1));
  std::ranges::replace_if(
      name, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

// Compares JSON objects whatever their member order (ordered_json compares in order).
nlohmann::json unordered(const Json& value) { return nlohmann::json::parse(value.dump()); }

CallOptions no_cookies() {
  CallOptions options;
  options.send_cookies = false;
  options.store_cookies = false;
  return options;
}

// ---------------------------------------------------------------------------------------
// Compact JWS pieces.

struct Parts {
  std::string header, payload, signature;  // base64url, as on the wire
};
std::optional<Parts> split(std::string_view token) {
  const std::size_t first = token.find('.');
  const std::size_t last = token.rfind('.');
  if (first == std::string_view::npos || first == last) return std::nullopt;
  return Parts{std::string(token.substr(0, first)),
               std::string(token.substr(first + 1, last - first - 1)),
               std::string(token.substr(last + 1))};
}
std::string b64(std::string_view text) { return base64url_encode(text); }

// ---------------------------------------------------------------------------------------
// The convex_jwt cookie.

// The Set-Cookie fields of a response whose cookie name is `<prefix>.convex_jwt`.
std::vector<std::string> convex_cookies(const Exchange& exchange) {
  std::vector<std::string> found;
  for (const std::string& field : exchange.headers_named("set-cookie")) {
    const std::string name = field.substr(0, field.find('='));
    if (name == "convex_jwt" || name.ends_with(".convex_jwt")) found.push_back(field);
  }
  return found;
}

// The cookie name: Better Auth's prefix ("better-auth", "__Secure-" on https) and
// "convex_jwt" (createAuthCookie, spec/better-auth-wire.md §4.1).
std::string session_cookie_name() {
  return std::string(secure_cookies() ? "__Secure-" : "") + "better-auth.session_token";
}
std::string convex_cookie_name() {
  return std::string(secure_cookies() ? "__Secure-" : "") + "better-auth.convex_jwt";
}
// The exact fields the plugin writes: ctx.setCookie(name, token, {maxAge, path "/",
// httpOnly, sameSite "lax", secure on https}) in better-call's attribute order.
std::string expected_set_cookie(std::string_view value, std::int64_t max_age) {
  return convex_cookie_name() + "=" + std::string(value) + "; Max-Age=" + std::to_string(max_age) +
         "; Path=/; HttpOnly" + (secure_cookies() ? "; Secure" : "") + "; SameSite=Lax";
}

// ---------------------------------------------------------------------------------------
// JWKS, tokens and the shared user.

struct ServedJwks {
  Exchange exchange;
  Json body;
  Jwks keys;
};
// GET /convex/jwks; a failure fails the case (nullopt).
std::optional<ServedJwks> fetch_jwks() {
  Browser browser(target());
  auto answer = browser.get(target().auth_path("/convex/jwks"), no_cookies());
  if (!answer) {
    suite::record_failed("GET /convex/jwks", answer.error());
    return std::nullopt;
  }
  const Json body = json_body(*answer).json;
  auto keys = Jwks::from_json(nlohmann::json::parse(answer->response_body, nullptr, false));
  if (answer->status != 200 || !keys) {
    ADD_FAILURE() << "the JWKS does not parse: " << describe(*answer)
                  << (keys ? std::string()
                           : " (" + std::string(to_string(keys.error().code)) + ": " +
                                 keys.error().detail + ")");
    return std::nullopt;
  }
  return ServedJwks{*answer, body, std::move(*keys)};
}

struct Minted {
  Exchange exchange;
  std::string token;
  Json header;
  Json claims;
};
std::optional<Minted> parse_token(const Exchange& exchange, const std::string& token) {
  auto parts = split(token);
  if (!parts) {
    ADD_FAILURE() << "not a compact JWS: " << token;
    return std::nullopt;
  }
  auto header = base64url_decode(parts->header);
  auto payload = base64url_decode(parts->payload);
  if (!header || !payload) {
    ADD_FAILURE() << "a JWT segment is not base64url: " << token;
    return std::nullopt;
  }
  Minted minted{exchange, token, Json::parse(to_string(*header), nullptr, false),
                Json::parse(to_string(*payload), nullptr, false)};
  if (!minted.header.is_object() || !minted.claims.is_object()) {
    ADD_FAILURE() << "the JWT header or payload is not a JSON object: " << token;
    return std::nullopt;
  }
  return minted;
}
// GET /convex/token with the browser's session; anything but a 200 {"token"} fails the case.
std::optional<Minted> mint(Browser& browser, const CallOptions& options = {}) {
  auto answer = browser.get(target().auth_path("/convex/token"), options);
  if (!answer) {
    suite::record_failed("GET /convex/token", answer.error());
    return std::nullopt;
  }
  const Json body = json_body(*answer).json;
  if (answer->status != 200 || !body.is_object() || !body.contains("token") ||
      !body["token"].is_string()) {
    ADD_FAILURE() << "GET /convex/token with a session: " << describe(*answer);
    return std::nullopt;
  }
  return parse_token(*answer, body["token"].get<std::string>());
}

// GET /get-session as the browser; the body (null without a session).
std::optional<Json> get_session(Browser& browser) {
  auto answer = browser.get(target().auth_path("/get-session"));
  if (!answer) {
    suite::record_failed("GET /get-session", answer.error());
    return std::nullopt;
  }
  if (answer->status != 200) {
    ADD_FAILURE() << "GET /get-session: " << describe(*answer);
    return std::nullopt;
  }
  return json_body(*answer).json;
}

constexpr const char* kImage = "https://images.conformance.example/avatar.png";

// One user the read-only cases share (Lifetime::kRun, one scrypt hash for the run). It signs
// up with an image, so that the claims can show `image` is left out.
struct SharedUser {
  std::unique_ptr<Browser> browser;
  std::string email;
  std::string password;
  std::string id;          // the user id of get-session
  std::string session_id;  // the session id of get-session
};
SharedUser* shared_user() {
  static std::unique_ptr<SharedUser> user;
  static bool tried = false;
  if (user) return user.get();
  if (tried) {
    ADD_FAILURE() << "the run's shared user could not be signed up (see the first case)";
    return nullptr;
  }
  tried = true;
  auto made = std::make_unique<SharedUser>();
  made->browser = std::make_unique<Browser>(target());
  made->email = target().new_email();
  made->password = "Conformance-" + target().run_id() + "-jwt";
  auto answer =
      made->browser->post_json(target().auth_path("/sign-up/email"), {{"name", "JWT Conformance"},
                                                                      {"email", made->email},
                                                                      {"password", made->password},
                                                                      {"image", kImage}});
  if (!answer) {
    suite::record_failed("sign-up of the shared user", answer.error());
    return nullptr;
  }
  suite::created_user(made->email, made->password, suite::Lifetime::kRun);
  if (answer->status != 200) {
    ADD_FAILURE() << "signing up the shared user failed: " << describe(*answer);
    return nullptr;
  }
  if (suite::email_verification_required() &&
      !suite::verify_and_sign_in(*made->browser, made->email, made->password)) {
    return nullptr;
  }
  auto session = get_session(*made->browser);
  if (!session || !session->is_object()) {
    ADD_FAILURE() << "the shared user has no session after sign-up";
    return nullptr;
  }
  made->id = (*session)["user"].value("id", "");
  made->session_id = (*session)["session"].value("id", "");
  user = std::move(made);
  return user.get();
}

// A fresh token of the shared user, or nullptr (the case has failed).
std::optional<Minted> shared_token() {
  SharedUser* user = shared_user();
  if (!user) return std::nullopt;
  return mint(*user->browser);
}

// ---------------------------------------------------------------------------------------
// Keys of our own: a "foreign" key the target never saw, and an injected one it trusts.

// One key pair per algorithm for the run (RSA generation costs ~100 ms).
const Jwk* own_key(std::string_view algorithm) {
  static std::optional<Jwk> rsa, ed25519;
  std::optional<Jwk>& slot = algorithm == "EdDSA" ? ed25519 : rsa;
  if (!slot) {
    auto made = algorithm == "EdDSA" ? generate_ed25519_key() : generate_rsa_key(2048);
    if (!made) {
      ADD_FAILURE() << "cannot generate a key: " << to_string(made.error().code);
      return nullptr;
    }
    slot = std::move(*made);
  }
  return &*slot;
}

// Signs exactly these header and claims bytes with `key`.
std::string sign_with(const Json& header, const Json& claims, const Jwk& key) {
  auto token = sign_compact(header.dump(), claims.dump(), key);
  if (!token) {
    ADD_FAILURE() << "signing failed: " << to_string(token.error().code) << " "
                  << token.error().detail;
    return "";
  }
  return *token;
}

// The public key of `key` as a `jwks` row's publicKey (jose's member order).
std::string public_key_column(const Jwk& key) {
  const nlohmann::json members = key.to_json();
  Json column = Json::object();
  if (key.type() == KeyType::kRsa) {
    column["kty"] = "RSA";
    column["n"] = members["n"];
    column["e"] = members["e"];
  } else {
    column["crv"] = "Ed25519";
    column["x"] = members["x"];
    column["kty"] = "OKP";
  }
  return column.dump();
}

// A key the case adds to the component's `jwks` table through the bridge's adapter, so that
// the backend trusts tokens the case signs with chosen claims. Its createdAt is in 1970: the
// plugin signs with the newest key, so this one is only ever served and trusted, never used
// by the target. The row goes when the object does.
class InjectedKey {
 public:
  static std::unique_ptr<InjectedKey> add() {
    // The target's own key must exist first, or ours would be the newest (and only) one.
    if (!fetch_jwks()) return nullptr;
    const Jwk* key = own_key(alg());
    if (!key) return nullptr;
    // The private half is sealed with a secret of ours, as createJwk seals it: the target
    // could not open it, and never tries (it only signs with its newest key).
    Json data = Json::object();
    data["publicKey"] = public_key_column(*key);
    data["privateKey"] = seal_private_key(Json(key->to_json()).dump(),
                                          "authconf-" + target().run_id() + "-not-the-secret");
    data["createdAt"] = 1000;
    auto created = bridge().adapter("create", Json{{"input", {{"model", "jwks"}, {"data", data}}}});
    if (!created) {
      suite::record_failed("adding a key to the jwks table", created.error());
      return nullptr;
    }
    if (created->thrown || !created->value.is_object() || !created->value.contains("_id")) {
      ADD_FAILURE() << "the component refused a jwks row: " << created->thrown.value_or("")
                    << created->value.dump();
      return nullptr;
    }
    auto injected = std::unique_ptr<InjectedKey>(new InjectedKey());
    injected->kid_ = created->value["_id"].get<std::string>();
    injected->key_ = *key;
    injected->key_->set_kid(injected->kid_);
    return injected;
  }
  ~InjectedKey() {
    auto removed = bridge().adapter(
        "deleteOne",
        Json{{"input",
              {{"model", "jwks"}, {"where", Json::array({{{"field", "_id"}, {"value", kid_}}})}}}});
    if (!removed || removed->thrown) {
      // A key of ours left trusted on the target: say so loudly.
      ADD_FAILURE() << "could not remove the jwks row " << kid_
                    << " this case added; delete it by hand";
    }
  }
  InjectedKey(const InjectedKey&) = delete;
  InjectedKey& operator=(const InjectedKey&) = delete;

  const std::string& kid() const { return kid_; }
  std::string sign(const Json& claims) const {
    return sign_with(Json{{"alg", alg()}, {"kid", kid_}}, claims, *key_);
  }

 private:
  InjectedKey() = default;
  std::string kid_;
  std::optional<Jwk> key_;
};

// ---------------------------------------------------------------------------------------
// Identity: what Convex's UserIdentity holds for a token's claims (convex/server
// authentication.d.ts; spec/bridge-v1.md GET /identity): tokenIdentifier "<iss>|<sub>",
// subject, issuer, the OIDC standard claims in camelCase, every other claim as is, and none
// of aud, exp, iat, nbf, jti.

constexpr std::pair<const char*, const char*> kStandardClaims[] = {
    {"name", "name"},
    {"given_name", "givenName"},
    {"family_name", "familyName"},
    {"nickname", "nickname"},
    {"preferred_username", "preferredUsername"},
    {"profile", "profileUrl"},
    {"picture", "pictureUrl"},
    {"email", "email"},
    {"email_verified", "emailVerified"},
    {"gender", "gender"},
    {"birthdate", "birthday"},
    {"zoneinfo", "timezone"},
    {"locale", "language"},
    {"phone_number", "phoneNumber"},
    {"phone_number_verified", "phoneNumberVerified"},
    {"address", "address"},
    {"updated_at", "updatedAt"},
};
constexpr const char* kConsumedClaims[] = {"iss", "sub", "aud", "exp", "iat", "nbf", "jti"};

nlohmann::json expected_identity(const Json& claims) {
  nlohmann::json identity = nlohmann::json::object();
  identity["tokenIdentifier"] = claims.value("iss", "") + "|" + claims.value("sub", "");
  identity["subject"] = claims.value("sub", "");
  identity["issuer"] = claims.value("iss", "");
  for (const auto& [claim, field] : kStandardClaims) {
    if (claims.contains(claim)) identity[field] = unordered(claims[claim]);
  }
  for (auto it = claims.begin(); it != claims.end(); ++it) {
    const bool consumed =
        std::ranges::any_of(kConsumedClaims, [&](const char* name) { return it.key() == name; });
    const bool standard = std::ranges::any_of(
        kStandardClaims, [&](const auto& pair) { return it.key() == pair.first; });
    if (consumed || standard || identity.contains(it.key())) continue;
    identity[it.key()] = unordered(it.value());
  }
  return identity;
}

// GET /identity; a bridge failure fails the case (nullopt).
std::optional<IdentityAnswer> identity_of(std::string_view token) {
  auto answer = bridge().identity(token);
  if (!answer) {
    suite::record_failed("GET /conformance/v1/identity", answer.error());
    return std::nullopt;
  }
  return *answer;
}

std::string shown(const IdentityAnswer& answer) {
  if (answer.thrown) return "thrown: " + *answer.thrown;
  return "identity " + answer.identity.dump() + ", authUser " + answer.auth_user.dump();
}

// ---------------------------------------------------------------------------------------
// A. Discovery (spec/convex-component.md §6.2, §8; transcripts §1).

TEST(JwtDiscovery, RootRedirectLocationExact) {
  AUTHCONF_CASE("jwt.discovery.root-redirect-location-exact", kDiscoverySpec);
  // registerRoutes: GET /.well-known/openid-configuration answers 302 to
  // ${CONVEX_SITE_URL}${basePath}/convex/.well-known/openid-configuration, an absolute URL
  // (a relative or wrong-host Location breaks Convex's legacy OIDC discovery).
  HttpRequestSpec request{.method = "GET",
                          .url = target().url_for("/.well-known/openid-configuration"),
                          .headers = {},
                          .body = {}};
  auto answer = AUTHCONF_OK(send_http(request));
  EXPECT_THAT(answer, HasStatus(302));
  EXPECT_THAT(answer, HasHeader("location", issuer() + target().base_path() +
                                                "/convex/.well-known/openid-configuration"));
  EXPECT_EQ(answer.response_body, "");
}

TEST(JwtDiscovery, DocumentIsTheOidcProviderMetadata) {
  AUTHCONF_CASE("jwt.discovery.document-exact", kPluginSpec);
  Browser browser(target());
  auto answer = AUTHCONF_OK(
      browser.get(target().auth_path("/convex/.well-known/openid-configuration"), no_cookies()));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasHeader("content-type", "application/json"));
  // oidcProvider's metadata with the convex plugin's issuer and jwks_uri; the endpoints hang
  // off baseURL + basePath. The transcripts show it byte for byte (including the HS256 it
  // advertises although tokens are RS256).
  const std::string base = issuer() + target().base_path();
  const Json expected = {
      {"issuer", issuer()},
      {"authorization_endpoint", base + "/oauth2/authorize"},
      {"token_endpoint", base + "/oauth2/token"},
      {"userinfo_endpoint", base + "/oauth2/userinfo"},
      {"jwks_uri", base + "/convex/jwks"},
      {"registration_endpoint", base + "/oauth2/register"},
      {"end_session_endpoint", base + "/oauth2/endsession"},
      {"scopes_supported", {"openid", "profile", "email", "offline_access"}},
      {"response_types_supported", {"code"}},
      {"response_modes_supported", {"query"}},
      {"grant_types_supported", {"authorization_code", "refresh_token"}},
      {"acr_values_supported", {"urn:mace:incommon:iap:silver", "urn:mace:incommon:iap:bronze"}},
      {"subject_types_supported", {"public"}},
      {"id_token_signing_alg_values_supported", {"HS256"}},
      {"token_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post", "none"}},
      {"code_challenge_methods_supported", {"S256"}},
      {"claims_supported",
       {"sub", "iss", "aud", "exp", "nbf", "iat", "jti", "email", "email_verified", "name"}},
  };
  const Json body = json_body(answer).json;
  EXPECT_EQ(unordered(body), unordered(expected)) << describe(answer);
}

TEST(JwtDiscovery, JwksUriServesTheSigningKey) {
  AUTHCONF_CASE("jwt.discovery.jwks-uri-serves-the-signing-key", kPluginSpec);
  // Convex follows discovery → jwks_uri: the key that signs /convex/token must be there.
  Browser browser(target());
  auto document = AUTHCONF_OK(
      browser.get(target().auth_path("/convex/.well-known/openid-configuration"), no_cookies()));
  const Json body = json_body(document).json;
  ASSERT_TRUE(body.is_object() && body.contains("jwks_uri") && body["jwks_uri"].is_string())
      << describe(document);
  HttpRequestSpec request{
      .method = "GET", .url = body["jwks_uri"].get<std::string>(), .headers = {}, .body = {}};
  auto served = AUTHCONF_OK(send_http(request));
  ASSERT_THAT(served, HasStatus(200));
  auto keys = Jwks::parse(served.response_body);
  ASSERT_TRUE(keys) << to_string(keys.error().code) << ": " << describe(served);
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  auto verified = verify_jws(minted->token, *keys);
  EXPECT_TRUE(verified) << "the token does not verify against jwks_uri: "
                        << (verified ? "" : std::string(to_string(verified.error().code)));
}

// ---------------------------------------------------------------------------------------
// B. The JWKS (spec/convex-component.md §6.2; transcripts §1, §5).

TEST(JwtJwks, ShapePerAlgorithm) {
  AUTHCONF_CASE("jwt.jwks.shape-per-algorithm", kPluginSpec);
  auto served = fetch_jwks();
  ASSERT_TRUE(served);
  EXPECT_THAT(served->exchange, HasHeader("content-type", "application/json"));
  ASSERT_TRUE(served->body.is_object() && served->body.contains("keys") &&
              served->body["keys"].is_array())
      << describe(served->exchange);
  EXPECT_EQ(served->body.size(), 1u) << "only \"keys\": " << served->body.dump();
  ASSERT_FALSE(served->body["keys"].empty()) << "the JWKS creates its first key when empty";
  EXPECT_EQ(served->keys.skipped(), 0u) << "a key of an unsupported type";
  const std::string algorithm = alg();
  for (const Json& key : served->body["keys"]) {
    SCOPED_TRACE(key.dump());
    std::set<std::string> members;
    for (auto it = key.begin(); it != key.end(); ++it) members.insert(it.key());
    EXPECT_EQ(key.value("alg", ""), algorithm);
    ASSERT_TRUE(key.contains("kid") && key["kid"].is_string() &&
                !key["kid"].get<std::string>().empty());
    if (algorithm == "EdDSA") {
      // {"alg":"EdDSA","crv":"Ed25519","x":…,"kty":"OKP","kid":…}
      EXPECT_EQ(members, (std::set<std::string>{"alg", "crv", "x", "kty", "kid"}));
      EXPECT_EQ(key.value("kty", ""), "OKP");
      EXPECT_EQ(key.value("crv", ""), "Ed25519");
      auto x = base64url_decode(key.value("x", ""));
      ASSERT_TRUE(x);
      EXPECT_EQ(x->size(), 32u);
    } else {
      // {"alg":"RS256","kty":"RSA","n":…,"e":"AQAB","kid":…}; jose makes 2048-bit keys.
      EXPECT_EQ(members, (std::set<std::string>{"alg", "kty", "n", "e", "kid"}));
      EXPECT_EQ(key.value("kty", ""), "RSA");
      EXPECT_EQ(key.value("e", ""), "AQAB");
      auto n = base64url_decode(key.value("n", ""));
      ASSERT_TRUE(n);
      EXPECT_EQ(n->size(), 256u) << "modulus bits: " << n->size() * 8;
    }
  }
}

TEST(JwtJwks, NoPrivateMembers) {
  AUTHCONF_CASE("jwt.jwks.no-private-members", kPluginSpec);
  // A JWKS that leaks d (or the CRT parameters) hands out the signing key.
  auto served = fetch_jwks();
  ASSERT_TRUE(served);
  for (const Json& key : served->body["keys"]) {
    for (const char* member : {"d", "p", "q", "dp", "dq", "qi", "privateKey"}) {
      EXPECT_FALSE(key.contains(member)) << member << " in " << key.dump();
    }
  }
  for (const Jwk& key : served->keys.keys()) EXPECT_FALSE(key.is_private());
}

TEST(JwtJwks, KidsAreUnique) {
  AUTHCONF_CASE("jwt.jwks.kids-unique", kPluginSpec);
  auto served = fetch_jwks();
  ASSERT_TRUE(served);
  std::set<std::string> kids;
  for (const Json& key : served->body["keys"]) {
    EXPECT_TRUE(kids.insert(key.value("kid", "")).second) << "kid twice: " << key.dump();
  }
}

TEST(JwtJwks, StableAcrossRequests) {
  AUTHCONF_CASE("jwt.jwks.stable-across-requests", kPluginSpec);
  // Keys are created lazily, once (no rotation is configured): a target that mints a key
  // per request voids every token Convex has cached a key for.
  auto first = fetch_jwks();
  ASSERT_TRUE(first);
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  auto second = fetch_jwks();
  ASSERT_TRUE(second);
  EXPECT_EQ(unordered(first->body), unordered(second->body));
}

// ---------------------------------------------------------------------------------------
// C. Routes that must not be served (transcripts §1, §5, §12).

struct RouteRow {
  const char* id;
  const char* method;
  const char* path;
  const char* why;
};

const RouteRow kRouteRows[] = {
    {"jwt.routes.jwt-plugin-jwks-not-mounted", "GET", "/jwks",
     "the convex plugin embeds the jwt plugin's endpoints under /convex/ only"},
    {"jwt.routes.jwt-plugin-token-not-mounted", "GET", "/token",
     "the convex plugin embeds the jwt plugin's endpoints under /convex/ only"},
    {"jwt.routes.rotate-keys-is-server-only", "POST", "/convex/rotate-keys",
     "SERVER_ONLY: over HTTP anyone could void every token"},
    {"jwt.routes.latest-jwks-is-server-only", "POST", "/convex/latest-jwks",
     "SERVER_ONLY: auth.api only"},
    {"jwt.routes.token-post-is-404", "POST", "/convex/token", "GET only"},
};

// Rows print as their case id in GoogleTest's messages.
void PrintTo(const RouteRow& row, std::ostream* out) { *out << row.id; }

class JwtRoutes : public TestWithParam<RouteRow> {};

TEST_P(JwtRoutes, AreNotFound) {
  const RouteRow& row = GetParam();
  AUTHCONF_CASE(row.id, kPluginSpec);
  SCOPED_TRACE(row.why);
  auto before = fetch_jwks();
  ASSERT_TRUE(before);
  Browser browser(target());
  const bool post = std::string_view(row.method) == "POST";
  auto answer = AUTHCONF_OK(browser.send(row.method, target().auth_path(row.path), post ? "{}" : "",
                                         post ? "application/json" : "", no_cookies()));
  // better-call's router 404: no body, no content type.
  EXPECT_THAT(answer, HasStatus(404));
  EXPECT_EQ(answer.response_body, "");
  EXPECT_THAT(answer, LacksHeader("content-type"));
  auto after = fetch_jwks();
  ASSERT_TRUE(after);
  EXPECT_EQ(unordered(before->body), unordered(after->body)) << "the request changed the keys";
}

INSTANTIATE_TEST_SUITE_P(Rows, JwtRoutes, ValuesIn(kRouteRows),
                         [](const TestParamInfo<RouteRow>& row) {
                           return test_name(row.param.id);
                         });

// ---------------------------------------------------------------------------------------
// D. GET /convex/token (spec/convex-component.md §6.2, §6.3; transcripts §5).

TEST(JwtToken, UnauthorizedWithoutASession) {
  AUTHCONF_CASE("jwt.token.unauthorized-without-session", kPluginSpec);
  Browser browser(target());
  auto answer = AUTHCONF_OK(browser.get(target().auth_path("/convex/token"), no_cookies()));
  EXPECT_THAT(answer, HasStatus(401));
  EXPECT_THAT(answer, HasHeader("content-type", "application/json"));
  EXPECT_EQ(answer.response_body, kUnauthorized.dump());
  EXPECT_TRUE(convex_cookies(answer).empty()) << describe(answer);
}

TEST(JwtToken, UnauthorizedWithATamperedSessionCookie) {
  AUTHCONF_CASE("jwt.token.unauthorized-with-tampered-session-cookie", kPluginSpec);
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  auto cookie = user->browser->jar().find(session_cookie_name());
  ASSERT_TRUE(cookie) << "the shared user has no session cookie";
  // The token with a signature of the right shape that the secret did not make.
  const std::string token = cookie->value.substr(0, cookie->value.find('.'));
  CallOptions options = no_cookies();
  options.headers = {
      {"Cookie", cookie->name + "=" + token + "." +
                     encode_uri_component(cookie_signature(token, "not-the-secret"))}};
  Browser browser(target());
  auto answer = AUTHCONF_OK(browser.get(target().auth_path("/convex/token"), options));
  EXPECT_THAT(answer, HasStatus(401));
  EXPECT_EQ(answer.response_body, kUnauthorized.dump());
}

TEST(JwtToken, AConvexJwtIsNotASessionCredential) {
  AUTHCONF_CASE("jwt.token.convex-jwt-is-not-a-bearer-session", kPluginSpec);
  // The bearer hook takes a *session* token (signed with the secret): a target that takes its
  // own JWT as a session would let a leaked 15-minute token mint fresh ones forever.
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  CallOptions options = no_cookies();
  options.bearer = minted->token;
  Browser browser(target());
  auto answer = AUTHCONF_OK(browser.get(target().auth_path("/convex/token"), options));
  EXPECT_THAT(answer, HasStatus(401));
  EXPECT_EQ(answer.response_body, kUnauthorized.dump());
}

TEST(JwtToken, BearerSessionTokenMintsTheUsersToken) {
  AUTHCONF_CASE("jwt.token.bearer-session-token-accepted", kPluginSpec);
  // The plugin includes bearer's before hook: Authorization: Bearer <session token> is the
  // session (the crossDomain client fetches its Convex token this way).
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  auto cookie = user->browser->jar().find(session_cookie_name());
  ASSERT_TRUE(cookie);
  auto decoded = decode_uri_component(cookie->value);
  ASSERT_TRUE(decoded);
  CallOptions options = no_cookies();
  options.bearer = decoded->substr(0, decoded->find('.'));
  Browser browser(target());
  auto minted = mint(browser, options);
  ASSERT_TRUE(minted);
  EXPECT_EQ(minted->claims.value("sub", ""), user->id);
  EXPECT_EQ(minted->claims.value("sessionId", ""), user->session_id);
}

TEST(JwtToken, BodyIsTheTokenOnly) {
  AUTHCONF_CASE("jwt.token.body-is-token-only", kPluginSpec);
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  EXPECT_THAT(minted->exchange, HasHeader("content-type", "application/json"));
  const Json body = json_body(minted->exchange).json;
  EXPECT_EQ(body.size(), 1u) << body.dump();
}

TEST(JwtToken, HeaderAlgAndKidNameAServedKey) {
  AUTHCONF_CASE("jwt.token.header-alg-and-kid", kJwtSpec);
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  auto served = fetch_jwks();
  ASSERT_TRUE(served);
  // Exactly {"alg","kid"}: no typ, no jku/x5u a verifier could be sent elsewhere by.
  std::set<std::string> members;
  for (auto it = minted->header.begin(); it != minted->header.end(); ++it) members.insert(it.key());
  EXPECT_EQ(members, (std::set<std::string>{"alg", "kid"})) << minted->header.dump();
  EXPECT_EQ(minted->header.value("alg", ""), alg());
  const std::string kid = minted->header.value("kid", "");
  auto key = served->keys.find(kid);
  ASSERT_TRUE(key) << "kid " << kid << " is not in the JWKS " << served->body.dump();
  EXPECT_EQ(std::string(to_string((*key)->alg())), alg());
}

TEST(JwtToken, SignatureVerifiesAgainstTheJwks) {
  AUTHCONF_CASE("jwt.token.signature-verifies", kJwtSpec);
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  auto served = fetch_jwks();
  ASSERT_TRUE(served);
  // Two minutes of clock skew between this machine and the target.
  auto verified = verify_jwt(minted->token, served->keys,
                             {.now = now_s(),
                              .leeway = 120,
                              .issuer = issuer(),
                              .audience = audience(),
                              .require_exp = true,
                              .require_iat = true});
  EXPECT_TRUE(verified) << (verified ? ""
                                     : std::string(to_string(verified.error().code)) + ": " +
                                           verified.error().detail);
}

TEST(JwtToken, SubjectAndSessionAreThoseOfGetSession) {
  AUTHCONF_CASE("jwt.token.subject-and-session-id", kJwtSpec);
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  auto session = get_session(*user->browser);
  ASSERT_TRUE(session && session->is_object());
  auto minted = mint(*user->browser);
  ASSERT_TRUE(minted);
  EXPECT_EQ(minted->claims["sub"], (*session)["user"]["id"]);
  EXPECT_EQ(minted->claims["sessionId"], (*session)["session"]["id"]);
}

TEST(JwtToken, IssuerAndAudience) {
  AUTHCONF_CASE("jwt.token.issuer-and-audience", kJwtSpec);
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  // iss = CONVEX_SITE_URL (Convex compares it with the provider's issuer), aud = "convex"
  // (the applicationID), both strings.
  EXPECT_EQ(minted->claims["iss"], issuer());
  EXPECT_EQ(minted->claims["aud"], audience());
}

TEST(JwtToken, LifetimeIsNineHundredSeconds) {
  AUTHCONF_CASE("jwt.token.lifetime", kJwtSpec);
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  const Json& claims = minted->claims;
  ASSERT_TRUE(claims.contains("iat") && claims["iat"].is_number_integer()) << claims.dump();
  ASSERT_TRUE(claims.contains("exp") && claims["exp"].is_number_integer()) << claims.dump();
  // exp = iat + expirationSeconds (900 by default), in whole seconds.
  EXPECT_EQ(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>(), lifetime_s());
  EXPECT_NEAR(static_cast<double>(claims["iat"].get<std::int64_t>()), static_cast<double>(now_s()),
              120.0)
      << "iat is not now (seconds since the epoch)";
}

TEST(JwtToken, UserClaimsAreGetSessionsUserLessIdAndImage) {
  AUTHCONF_CASE("jwt.token.user-claims", kJwtSpec);
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  auto session = get_session(*user->browser);
  ASSERT_TRUE(session && session->is_object());
  auto minted = mint(*user->browser);
  ASSERT_TRUE(minted);
  const Json& claims = minted->claims;
  const Json& session_user = (*session)["user"];
  ASSERT_EQ(session_user.value("image", ""), kImage) << "sign-up kept no image";
  // definePayload: omit(user, ["id", "image"]) + sessionId, then iat, sub, exp, iss, aud; no
  // nbf, no jti. Every other user field goes in as get-session shows it (dates included).
  std::set<std::string> expected = {"iat", "sessionId", "sub", "exp", "iss", "aud"};
  for (auto it = session_user.begin(); it != session_user.end(); ++it) {
    if (it.key() == "id" || it.key() == "image") continue;
    expected.insert(it.key());
    EXPECT_EQ(claims.contains(it.key()) ? claims[it.key()] : Json(), it.value())
        << "claim " << it.key();
  }
  std::set<std::string> present;
  for (auto it = claims.begin(); it != claims.end(); ++it) present.insert(it.key());
  EXPECT_EQ(present, expected) << claims.dump();
  EXPECT_EQ(claims.value("name", ""), "JWT Conformance");
  EXPECT_EQ(claims.value("email", ""), user->email);
  // Verified only where sign-in required it (the shared user was verified to sign in).
  EXPECT_EQ(claims["emailVerified"], suite::email_verification_required());
}

TEST(JwtToken, ClaimsFollowUpdateUser) {
  AUTHCONF_CASE("jwt.token.claims-follow-update-user", kJwtSpec);
  // The payload is read from the user row when the token is minted, not cached at sign-in.
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  const std::string renamed = "JWT Renamed " + target().run_id();
  auto updated = AUTHCONF_OK(
      user->browser->post_json(target().auth_path("/update-user"), {{"name", renamed}}));
  ASSERT_THAT(updated, HasStatus(200));
  auto minted = mint(*user->browser);
  (void)user->browser->post_json(target().auth_path("/update-user"), {{"name", "JWT Conformance"}});
  ASSERT_TRUE(minted);
  EXPECT_EQ(minted->claims.value("name", ""), renamed);
}

TEST(JwtToken, SignedOutSessionGetsNoToken) {
  AUTHCONF_CASE("jwt.token.signed-out-session-unauthorized", kPluginSpec);
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  Browser browser(target());
  auto signed_in =
      AUTHCONF_OK(browser.post_json(target().auth_path("/sign-in/email"),
                                    {{"email", user->email}, {"password", user->password}}));
  ASSERT_THAT(signed_in, HasStatus(200));
  const std::string cookie_header = browser.jar().cookie_header(target().url_for("/"));
  auto out = AUTHCONF_OK(browser.post_json(target().auth_path("/sign-out"), Json::object()));
  ASSERT_THAT(out, HasStatus(200));
  // The old cookie, replayed: its session row is gone.
  CallOptions options = no_cookies();
  options.headers = {{"Cookie", cookie_header}};
  auto answer = AUTHCONF_OK(browser.get(target().auth_path("/convex/token"), options));
  EXPECT_THAT(answer, HasStatus(401));
  EXPECT_EQ(answer.response_body, kUnauthorized.dump());
}

// ---------------------------------------------------------------------------------------
// E. The convex_jwt cookie (spec/convex-component.md §6.3; transcripts §2-§5, §9): set on
// /sign-in*, /sign-up*, /get-session with a session and /convex/token; cleared (Max-Age=0)
// on /sign-out*, /delete-user* and /get-session without one; never set by a failure.

enum class CookieAction {
  kSignUp,
  kSignIn,
  kGetSession,
  kConvexToken,
  kGetSessionWithoutSession,
  kGetSessionWithTamperedCookie,
  kSignOut,
  kDeleteUser,
  kFailedSignIn,
  kUnauthorizedToken,
};
enum class CookieOutcome { kSet, kCleared, kAbsent };

struct CookieRow {
  const char* id;
  CookieAction action;
  CookieOutcome outcome;
};

const CookieRow kCookieRows[] = {
    {"jwt.cookie.set-by-sign-up", CookieAction::kSignUp, CookieOutcome::kSet},
    {"jwt.cookie.set-by-sign-in", CookieAction::kSignIn, CookieOutcome::kSet},
    {"jwt.cookie.set-by-get-session", CookieAction::kGetSession, CookieOutcome::kSet},
    {"jwt.cookie.set-by-convex-token", CookieAction::kConvexToken, CookieOutcome::kSet},
    {"jwt.cookie.cleared-by-get-session-without-session", CookieAction::kGetSessionWithoutSession,
     CookieOutcome::kCleared},
    {"jwt.cookie.cleared-by-get-session-with-tampered-cookie",
     CookieAction::kGetSessionWithTamperedCookie, CookieOutcome::kCleared},
    {"jwt.cookie.cleared-by-sign-out", CookieAction::kSignOut, CookieOutcome::kCleared},
    {"jwt.cookie.cleared-by-delete-user", CookieAction::kDeleteUser, CookieOutcome::kCleared},
    // The hook swallows getToken's 401 when a sign-in fails: no cookie at all.
    {"jwt.cookie.not-set-by-failed-sign-in", CookieAction::kFailedSignIn, CookieOutcome::kAbsent},
    {"jwt.cookie.not-set-by-unauthorized-token", CookieAction::kUnauthorizedToken,
     CookieOutcome::kAbsent},
};

// Rows print as their case id in GoogleTest's messages.
void PrintTo(const CookieRow& row, std::ostream* out) { *out << row.id; }

class JwtCookie : public TestWithParam<CookieRow> {};

TEST_P(JwtCookie, Exact) {
  const CookieRow& row = GetParam();
  AUTHCONF_CASE(row.id, kCookieSpec);
  if (row.action == CookieAction::kDeleteUser) {
    AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  }
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  Browser browser(target());
  std::optional<Exchange> answer;
  std::string expected_sub = user->id;
  int expected_status = 200;
  switch (row.action) {
    case CookieAction::kSignUp: {
      auto made = suite::sign_up(browser, "JWT Cookie");
      ASSERT_TRUE(made);
      expected_sub = made->body["user"].value("id", "");
      answer = transcript::exchanges().back();
      break;
    }
    case CookieAction::kSignIn:
      answer =
          AUTHCONF_OK(browser.post_json(target().auth_path("/sign-in/email"),
                                        {{"email", user->email}, {"password", user->password}}));
      break;
    case CookieAction::kGetSession:
      answer = AUTHCONF_OK(user->browser->get(target().auth_path("/get-session")));
      break;
    case CookieAction::kConvexToken:
      answer = AUTHCONF_OK(user->browser->get(target().auth_path("/convex/token")));
      break;
    case CookieAction::kGetSessionWithoutSession:
      answer = AUTHCONF_OK(browser.get(target().auth_path("/get-session")));
      break;
    case CookieAction::kGetSessionWithTamperedCookie: {
      CallOptions options;
      options.headers = {{"Cookie", session_cookie_name() + "=" + std::string(32, 'A') + ".AAAA"}};
      answer = AUTHCONF_OK(browser.get(target().auth_path("/get-session"), options));
      break;
    }
    case CookieAction::kSignOut: {
      auto signed_in =
          AUTHCONF_OK(browser.post_json(target().auth_path("/sign-in/email"),
                                        {{"email", user->email}, {"password", user->password}}));
      ASSERT_THAT(signed_in, HasStatus(200));
      answer = AUTHCONF_OK(browser.post_json(target().auth_path("/sign-out"), Json::object()));
      break;
    }
    case CookieAction::kDeleteUser: {
      auto made = suite::sign_up(browser, "JWT Delete");
      ASSERT_TRUE(made);
      answer = AUTHCONF_OK(
          browser.post_json(target().auth_path("/delete-user"), {{"password", made->password}}));
      break;
    }
    case CookieAction::kFailedSignIn:
      expected_status = 401;
      answer = AUTHCONF_OK(
          browser.post_json(target().auth_path("/sign-in/email"),
                            {{"email", user->email}, {"password", user->password + "-wrong"}}));
      break;
    case CookieAction::kUnauthorizedToken:
      expected_status = 401;
      answer = AUTHCONF_OK(browser.get(target().auth_path("/convex/token")));
      break;
  }
  ASSERT_TRUE(answer);
  EXPECT_THAT(*answer, HasStatus(expected_status));
  const std::vector<std::string> fields = convex_cookies(*answer);
  switch (row.outcome) {
    case CookieOutcome::kAbsent:
      EXPECT_TRUE(fields.empty()) << describe(*answer);
      return;
    case CookieOutcome::kCleared:
      ASSERT_EQ(fields.size(), 1u) << describe(*answer);
      EXPECT_EQ(fields[0], expected_set_cookie("", 0));
      return;
    case CookieOutcome::kSet:
      break;
  }
  ASSERT_EQ(fields.size(), 1u) << describe(*answer);
  auto parsed = parse_set_cookie(fields[0]);
  ASSERT_TRUE(parsed) << fields[0];
  EXPECT_EQ(fields[0], expected_set_cookie(parsed->value, lifetime_s()));
  auto served = fetch_jwks();
  ASSERT_TRUE(served);
  auto verified =
      verify_jwt(parsed->value, served->keys,
                 {.now = now_s(), .leeway = 120, .issuer = issuer(), .audience = audience()});
  ASSERT_TRUE(verified) << "the cookie is not a valid token: "
                        << (verified ? "" : std::string(to_string(verified.error().code)));
  EXPECT_EQ(verified->claims.value("sub", ""), expected_sub);
  if (row.action == CookieAction::kConvexToken) {
    // The cookie carries the very token of the body.
    EXPECT_EQ(json_body(*answer).json.value("token", ""), parsed->value);
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, JwtCookie, ValuesIn(kCookieRows),
                         [](const TestParamInfo<CookieRow>& row) {
                           return test_name(row.param.id);
                         });

// ---------------------------------------------------------------------------------------
// F. Identity through the bridge (spec/bridge-v1.md GET /identity; spec/convex-component.md
// §6.4, §8).

TEST(JwtIdentity, ValidTokenGivesConvexsUserIdentity) {
  AUTHCONF_CASE("jwt.identity.valid-token", kIdentitySpec);
  AUTHCONF_REQUIRE_FEATURE("identity");
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  auto answer = identity_of(minted->token);
  ASSERT_TRUE(answer);
  ASSERT_FALSE(answer->thrown) << *answer->thrown;
  ASSERT_TRUE(answer->identity.is_object()) << shown(*answer);
  EXPECT_EQ(unordered(answer->identity), expected_identity(minted->claims));
  EXPECT_EQ(answer->identity.value("tokenIdentifier", ""),
            issuer() + "|" + minted->claims.value("sub", ""));
  EXPECT_EQ(answer->identity["sessionId"], minted->claims["sessionId"]);
}

TEST(JwtIdentity, RegisteredClaimsAreLeftOut) {
  AUTHCONF_CASE("jwt.identity.registered-claims-left-out", kIdentitySpec);
  AUTHCONF_REQUIRE_FEATURE("identity");
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  auto answer = identity_of(minted->token);
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->identity.is_object()) << shown(*answer);
  for (const char* claim : kConsumedClaims) {
    EXPECT_FALSE(answer->identity.contains(claim)) << claim << " in " << answer->identity.dump();
  }
}

TEST(JwtIdentity, AuthUserIsTheComponentsUserDocument) {
  AUTHCONF_CASE("jwt.identity.auth-user", kAuthUserSpec);
  AUTHCONF_REQUIRE_FEATURE("identity");
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  auto minted = mint(*user->browser);
  ASSERT_TRUE(minted);
  auto answer = identity_of(minted->token);
  ASSERT_TRUE(answer);
  ASSERT_TRUE(answer->auth_user.is_object()) << shown(*answer);
  // The raw document: _id (the subject), _creationTime and the stored fields.
  EXPECT_EQ(answer->auth_user.value("_id", ""), user->id);
  EXPECT_TRUE(answer->auth_user.contains("_creationTime")) << answer->auth_user.dump();
  EXPECT_EQ(answer->auth_user.value("email", ""), user->email);
  if (target().capabilities().feature("tables")) {
    auto users = bridge().component_table("user");
    ASSERT_TRUE(users) << users.error();
    auto found = std::ranges::find_if(
        *users, [&](const Json& doc) { return doc.value("_id", "") == user->id; });
    ASSERT_NE(found, users->end());
    EXPECT_EQ(unordered(answer->auth_user), unordered(*found));
  }
}

TEST(JwtIdentity, NoTokenNoIdentity) {
  AUTHCONF_CASE("jwt.identity.no-token", kIdentitySpec);
  AUTHCONF_REQUIRE_FEATURE("identity");
  auto answer = identity_of("");
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->thrown);
  EXPECT_TRUE(answer->identity.is_null()) << shown(*answer);
  EXPECT_TRUE(answer->auth_user.is_null()) << shown(*answer);
}

TEST(JwtIdentity, SignedOutSessionKeepsTheIdentityButNoAuthUser) {
  AUTHCONF_CASE("jwt.identity.signed-out-session-no-auth-user", kAuthUserSpec);
  AUTHCONF_REQUIRE_FEATURE("identity");
  // The JWT outlives its session (15 minutes, no revocation list): Convex still derives the
  // identity, but safeGetAuthUser finds no live session and gives null.
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  Browser browser(target());
  auto signed_in =
      AUTHCONF_OK(browser.post_json(target().auth_path("/sign-in/email"),
                                    {{"email", user->email}, {"password", user->password}}));
  ASSERT_THAT(signed_in, HasStatus(200));
  auto minted = mint(browser);
  ASSERT_TRUE(minted);
  auto live = identity_of(minted->token);
  ASSERT_TRUE(live);
  EXPECT_TRUE(live->auth_user.is_object()) << "before sign-out: " << shown(*live);
  auto out = AUTHCONF_OK(browser.post_json(target().auth_path("/sign-out"), Json::object()));
  ASSERT_THAT(out, HasStatus(200));
  auto answer = identity_of(minted->token);
  ASSERT_TRUE(answer);
  ASSERT_FALSE(answer->thrown) << *answer->thrown;
  EXPECT_EQ(unordered(answer->identity), expected_identity(minted->claims));
  EXPECT_TRUE(answer->auth_user.is_null()) << shown(*answer);
}

// --- tokens the backend must refuse, built from a valid one --------------------------------

struct Forge {
  std::string token;
  Parts parts;
  Json header;
  Json claims;
  std::string kid;
  Json served_key;  // the JWKS entry of kid, as served
};

// HS256 over the token's claims with the target's kid, keyed with `secret`: the classic
// key confusion, where a verifier takes the public key it holds as an HMAC secret.
std::string hs256(const Forge& forge, std::string_view secret) {
  const std::string input =
      b64(Json{{"alg", "HS256"}, {"kid", forge.kid}}.dump()) + "." + forge.parts.payload;
  auto mac = base64_decode(cookie_signature(input, secret));
  return input + "." + (mac ? base64url_encode(*mac) : std::string());
}

// The served key as an SPKI PEM ("-----BEGIN PUBLIC KEY-----…"), as OpenSSL writes it.
std::string public_pem(const Json& served_key) {
  EVP_PKEY* pkey = nullptr;
  if (served_key.value("kty", "") == "OKP") {
    auto x = base64url_decode(served_key.value("x", ""));
    if (!x) return "";
    pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, x->data(), x->size());
  } else {
    auto n = base64url_decode(served_key.value("n", ""));
    auto e = base64url_decode(served_key.value("e", ""));
    if (!n || !e) return "";
    BIGNUM* bn_n = BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr);
    BIGNUM* bn_e = BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr);
    OSSL_PARAM_BLD* build = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, bn_n);
    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, bn_e);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(build);
    EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    if (context && EVP_PKEY_fromdata_init(context) == 1) {
      EVP_PKEY_fromdata(context, &pkey, EVP_PKEY_PUBLIC_KEY, params);
    }
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(build);
    BN_free(bn_n);
    BN_free(bn_e);
  }
  if (!pkey) return "";
  BIO* bio = BIO_new(BIO_s_mem());
  std::string pem;
  if (PEM_write_bio_PUBKEY(bio, pkey) == 1) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    if (size > 0) pem.assign(data, static_cast<std::size_t>(size));
  }
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  return pem;
}

// The raw public key bytes: the RSA modulus, or the Ed25519 point.
std::string raw_public_key(const Json& served_key) {
  auto bytes =
      base64url_decode(served_key.value(served_key.value("kty", "") == "OKP" ? "x" : "n", ""));
  return bytes ? to_string(*bytes) : "";
}

std::string with_payload(const Forge& forge, const Json& claims) {
  return forge.parts.header + "." + b64(claims.dump()) + "." + forge.parts.signature;
}

struct RejectRow {
  const char* id;
  std::string (*forge)(const Forge&);
};

const RejectRow kRejectRows[] = {
    {"jwt.reject.tampered-payload",
     [](const Forge& f) {
       Json claims = f.claims;
       claims["name"] = "Mallory";
       return with_payload(f, claims);
     }},
    {"jwt.reject.tampered-subject",
     [](const Forge& f) {
       // Another user's id under the first user's signature.
       Json claims = f.claims;
       std::string sub = claims.value("sub", "");
       std::ranges::reverse(sub);
       claims["sub"] = sub;
       return with_payload(f, claims);
     }},
    {"jwt.reject.tampered-signature",
     [](const Forge& f) {
       auto signature = base64url_decode(f.parts.signature);
       if (!signature || signature->empty()) return std::string("x");
       (*signature)[0] ^= 0x01;
       return f.parts.header + "." + f.parts.payload + "." + base64url_encode(*signature);
     }},
    {"jwt.reject.signature-stripped",
     [](const Forge& f) { return f.parts.header + "." + f.parts.payload + "."; }},
    {"jwt.reject.alg-none",
     [](const Forge& f) {
       return b64(Json{{"alg", "none"}, {"kid", f.kid}}.dump()) + "." + f.parts.payload + ".";
     }},
    {"jwt.reject.alg-none-with-the-original-signature",
     [](const Forge& f) {
       return b64(Json{{"alg", "none"}, {"kid", f.kid}}.dump()) + "." + f.parts.payload + "." +
              f.parts.signature;
     }},
    {"jwt.reject.alg-none-mixed-case",
     [](const Forge& f) {
       return b64(Json{{"alg", "None"}, {"kid", f.kid}}.dump()) + "." + f.parts.payload + ".";
     }},
    {"jwt.reject.hs256-keyed-with-the-public-jwk",
     [](const Forge& f) { return hs256(f, f.served_key.dump()); }},
    {"jwt.reject.hs256-keyed-with-the-public-pem",
     [](const Forge& f) { return hs256(f, public_pem(f.served_key)); }},
    {"jwt.reject.hs256-keyed-with-the-raw-public-key",
     [](const Forge& f) { return hs256(f, raw_public_key(f.served_key)); }},
    {"jwt.reject.unknown-kid",
     [](const Forge& f) {
       const Jwk* key = own_key(alg());
       return key ? sign_with(Json{{"alg", alg()}, {"kid", "authconf-unknown-kid"}}, f.claims, *key)
                  : std::string();
     }},
    {"jwt.reject.foreign-key-under-the-target-kid",
     [](const Forge& f) {
       const Jwk* key = own_key(alg());
       return key ? sign_with(Json{{"alg", alg()}, {"kid", f.kid}}, f.claims, *key) : std::string();
     }},
    {"jwt.reject.foreign-key-without-kid",
     [](const Forge& f) {
       const Jwk* key = own_key(alg());
       return key ? sign_with(Json{{"alg", alg()}}, f.claims, *key) : std::string();
     }},
    {"jwt.reject.other-key-type-under-the-target-kid",
     [](const Forge& f) {
       // An EdDSA token for an RS256 kid (or the reverse): the alg must be the key's.
       const std::string other = alg() == "EdDSA" ? "RS256" : "EdDSA";
       const Jwk* key = own_key(other);
       return key ? sign_with(Json{{"alg", other}, {"kid", f.kid}}, f.claims, *key) : std::string();
     }},
    {"jwt.reject.truncated", [](const Forge& f) { return f.token.substr(0, f.token.size() - 2); }},
    {"jwt.reject.extra-segment", [](const Forge& f) { return f.token + ".e30"; }},
    {"jwt.reject.payload-only", [](const Forge& f) { return f.parts.payload; }},
    {"jwt.reject.garbage", [](const Forge&) { return std::string("not.a.jwt"); }},
};

// Rows print as their case id in GoogleTest's messages.
void PrintTo(const RejectRow& row, std::ostream* out) { *out << row.id; }

class JwtReject : public TestWithParam<RejectRow> {};

TEST_P(JwtReject, GivesNoIdentity) {
  const RejectRow& row = GetParam();
  AUTHCONF_CASE(row.id, kIdentitySpec);
  AUTHCONF_REQUIRE_FEATURE("identity");
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  auto served = fetch_jwks();
  ASSERT_TRUE(served);
  Forge forge{minted->token,  *split(minted->token),           minted->header,
              minted->claims, minted->header.value("kid", ""), Json()};
  for (const Json& key : served->body["keys"]) {
    if (key.value("kid", "") == forge.kid) forge.served_key = key;
  }
  ASSERT_TRUE(forge.served_key.is_object()) << "the token's kid is not served";
  const std::string forged = row.forge(forge);
  ASSERT_FALSE(forged.empty());
  ASSERT_NE(forged, minted->token);
  auto answer = identity_of(forged);
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->thrown) << *answer->thrown;
  EXPECT_TRUE(answer->identity.is_null()) << "forged " << forged << " gave " << shown(*answer);
  EXPECT_TRUE(answer->auth_user.is_null()) << shown(*answer);
}

INSTANTIATE_TEST_SUITE_P(Rows, JwtReject, ValuesIn(kRejectRows),
                         [](const TestParamInfo<RejectRow>& row) {
                           return test_name(row.param.id);
                         });

// --- tokens with chosen claims, signed by a key the case adds to the jwks table -----------

enum class Verdict { kNoIdentity, kIdentityWithUser, kIdentityWithoutUser, kThrowsMissingValue };

struct CraftRow {
  const char* id;
  const char* spec;
  void (*edit)(Json& claims);
  Verdict verdict;
};

const CraftRow kCraftRows[] = {
    // The control: the real token's claims under the added key are accepted, so every other
    // row fails for its one changed claim only.
    {"jwt.crafted.control-accepted", kIdentitySpec, [](Json&) {}, Verdict::kIdentityWithUser},
    {"jwt.crafted.wrong-audience", kIdentitySpec,
     [](Json& claims) { claims["aud"] = "not-convex"; }, Verdict::kNoIdentity},
    {"jwt.crafted.audience-missing", kIdentitySpec, [](Json& claims) { claims.erase("aud"); },
     Verdict::kNoIdentity},
    // Convex checks that aud contains the applicationID.
    {"jwt.crafted.audience-array-with-convex", kIdentitySpec,
     [](Json& claims) {
       claims["aud"] = Json::array({"other", "convex"});
     },
     Verdict::kIdentityWithUser},
    {"jwt.crafted.wrong-issuer", kIdentitySpec,
     [](Json& claims) { claims["iss"] = "https://evil.example"; }, Verdict::kNoIdentity},
    {"jwt.crafted.issuer-missing", kIdentitySpec, [](Json& claims) { claims.erase("iss"); },
     Verdict::kNoIdentity},
    {"jwt.crafted.expired", kIdentitySpec,
     [](Json& claims) {
       claims["iat"] = now_s() - 1800;
       claims["exp"] = now_s() - 900;
     },
     Verdict::kNoIdentity},
    {"jwt.crafted.expiry-missing", kIdentitySpec, [](Json& claims) { claims.erase("exp"); },
     Verdict::kNoIdentity},
    // A session id that names no session: the identity stands, safeGetAuthUser finds no
    // session and gives null.
    {"jwt.crafted.unknown-session-id", kAuthUserSpec,
     [](Json& claims) { claims["sessionId"] = "authconf-no-such-session"; },
     Verdict::kIdentityWithoutUser},
    // #201: safeGetAuthUser passes `value: identity.sessionId` (undefined) to findOne, whose
    // validator throws "Missing required field `value`" instead of answering null.
    {"jwt.crafted.without-session-id", kIssue201Spec,
     [](Json& claims) { claims.erase("sessionId"); }, Verdict::kThrowsMissingValue},
};

// Rows print as their case id in GoogleTest's messages.
void PrintTo(const CraftRow& row, std::ostream* out) { *out << row.id; }

class JwtCrafted : public TestWithParam<CraftRow> {};

TEST_P(JwtCrafted, AsConvexDerivesIt) {
  const CraftRow& row = GetParam();
  AUTHCONF_CASE(row.id, row.spec);
  AUTHCONF_REQUIRE_FEATURE("identity");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  // Adding a trusted key to a deployment is as invasive as a fault: only where faults are on.
  AUTHCONF_REQUIRE_DESTRUCTIVE("faults");
  SharedUser* user = shared_user();
  ASSERT_TRUE(user);
  auto minted = mint(*user->browser);
  ASSERT_TRUE(minted);
  auto key = InjectedKey::add();
  ASSERT_TRUE(key);
  auto control = identity_of(key->sign(minted->claims));
  ASSERT_TRUE(control);
  if (control->identity.is_null() && !control->thrown) {
    GTEST_SKIP() << "the backend does not trust a key added to the jwks table (it caches its "
                    "JWKS), so tokens with chosen claims cannot be signed";
  }
  Json claims = minted->claims;
  row.edit(claims);
  const std::string token = key->sign(claims);
  auto answer = identity_of(token);
  ASSERT_TRUE(answer);
  switch (row.verdict) {
    case Verdict::kNoIdentity:
      EXPECT_FALSE(answer->thrown) << *answer->thrown;
      EXPECT_TRUE(answer->identity.is_null()) << shown(*answer);
      EXPECT_TRUE(answer->auth_user.is_null()) << shown(*answer);
      break;
    case Verdict::kIdentityWithUser:
      ASSERT_FALSE(answer->thrown) << *answer->thrown;
      EXPECT_EQ(unordered(answer->identity), expected_identity(claims)) << shown(*answer);
      EXPECT_EQ(answer->auth_user.value("_id", ""), user->id) << shown(*answer);
      break;
    case Verdict::kIdentityWithoutUser:
      ASSERT_FALSE(answer->thrown) << *answer->thrown;
      EXPECT_EQ(unordered(answer->identity), expected_identity(claims)) << shown(*answer);
      EXPECT_TRUE(answer->auth_user.is_null()) << shown(*answer);
      break;
    case Verdict::kThrowsMissingValue:
      // convex-test words it "Validator error: Missing required field `value` in object", a
      // deployment "Object is missing the required field `value`": match the common part.
      ASSERT_TRUE(answer->thrown) << "expected the component's validator to throw; "
                                  << shown(*answer);
      EXPECT_NE(answer->thrown->find("required field `value`"), std::string::npos)
          << *answer->thrown;
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, JwtCrafted, ValuesIn(kCraftRows),
                         [](const TestParamInfo<CraftRow>& row) {
                           return test_name(row.param.id);
                         });

// --- expiry by the target's clock ------------------------------------------------------------

TEST(JwtIdentity, ExpiredByTheClock) {
  AUTHCONF_CASE("jwt.identity.expired-by-clock", kIdentitySpec);
  AUTHCONF_REQUIRE_FEATURE("identity");
  AUTHCONF_REQUIRE_DESTRUCTIVE("clock");
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  // Ten minutes on: still inside the 900 s (the control).
  AUTHCONF_DONE(bridge().set_clock_offset(600'000));
  auto before = identity_of(minted->token);
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->identity.is_object()) << "600 s after iat: " << shown(*before);
  // Twenty minutes on: past exp, with room for any leeway under five minutes.
  AUTHCONF_DONE(bridge().set_clock_offset(1'200'000));
  auto after = identity_of(minted->token);
  AUTHCONF_DONE(bridge().set_clock_offset(0));
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->thrown) << *after->thrown;
  EXPECT_TRUE(after->identity.is_null()) << "1200 s after iat: " << shown(*after);
  EXPECT_TRUE(after->auth_user.is_null()) << shown(*after);
}

// --- the property --------------------------------------------------------------------------

// Base64url decoded the forgiving way (unused trailing bits ignored), to tell a mutation that
// changes the signature's bytes from one that only flips bits a lenient decoder drops.
std::optional<std::string> lenient_b64url(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    if (c >= '0' && c <= '9') value = c - '0' + 52;
    if (c == '-') value = 62;
    if (c == '_') value = 63;
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

TEST(JwtProperties, NoSingleByteMutationKeepsAnIdentity) {
  AUTHCONF_CASE("jwt.property.single-byte-mutation-gives-no-identity", kIdentitySpec);
  AUTHCONF_REQUIRE_FEATURE("identity");
  auto minted = shared_token();
  ASSERT_TRUE(minted);
  const std::string token = minted->token;
  auto valid = identity_of(token);
  ASSERT_TRUE(valid);
  ASSERT_TRUE(valid->identity.is_object()) << "the unmutated token: " << shown(*valid);
  const std::size_t signature_start = token.rfind('.') + 1;
  suite::check_property("a valid token with one byte changed gives no identity", 100, [&] {
    const std::size_t at = *rc::gen::inRange<std::size_t>(0, token.size());
    // Printable, non-space ASCII: what an Authorization header can carry verbatim.
    const char replacement = *rc::gen::inRange<char>('!', '~' + 1);
    RC_PRE(replacement != token[at]);
    std::string mutated = token;
    mutated[at] = replacement;
    if (at >= signature_start && mutated.find('.', signature_start) == std::string::npos) {
      // The signature's last character also carries padding bits: a change there that a
      // lenient decoder reads as the same bytes is not a different signature.
      RC_PRE(lenient_b64url(token.substr(signature_start)) !=
             lenient_b64url(mutated.substr(signature_start)));
    }
    auto answer = bridge().identity(mutated);
    if (!answer) RC_FAIL("bridge: " + std::string(to_string(answer.error().code)));
    RC_ASSERT(!answer->thrown);
    RC_ASSERT(answer->identity.is_null());
    RC_ASSERT(answer->auth_user.is_null());
  });
}

}  // namespace
}  // namespace authconf

// The convex plugin: JWKS, tokens and their claims, the convex_jwt cookie,
// the bearer hook and the identity Convex derives, against the transcripts
// of better-auth 1.6.34 + @convex-dev/better-auth 0.12.5
// (spec/transcripts/better-auth-1.6.34-memory.md §1, §4, §5, §9;
// convex-component-0.12.5-convex-test.md §5 for epoch-ms dates).
#include "convex/convex_plugin.h"

#include <gtest/gtest.h>

#include "auth/auth_test_support.h"
#include "authconf/encoding.h"
#include "authconf/jose.h"
#include "authconf/key_at_rest.h"
#include "authconf/signed_cookie.h"

namespace authref {
namespace {

using testing::AuthTestBed;
using testing::kTestStartMs;

constexpr std::int64_t kStartS = static_cast<std::int64_t>(kTestStartMs) / 1000;

std::vector<std::string> keys_of(const Json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

std::string b64url(std::string_view bytes) { return authconf::base64url_encode(bytes); }
std::string unb64url(std::string_view text) {
  auto bytes = authconf::base64url_decode(text);
  return bytes ? authconf::to_string(*bytes) : std::string("<not base64url>");
}

// The three segments of a compact JWT, header and payload decoded.
struct Parts {
  std::string header, payload, signature;
};
Parts split_jwt(const std::string& jwt) {
  const std::size_t a = jwt.find('.'), b = jwt.rfind('.');
  return {unb64url(jwt.substr(0, a)), unb64url(jwt.substr(a + 1, b - a - 1)), jwt.substr(b + 1)};
}

// A bed with the convex plugin; `https` switches the cookie prefix.
class ConvexBed {
 public:
  explicit ConvexBed(AuthOptions options = {}) : bed_(std::move(options)) {
    auto plugin = std::make_unique<ConvexPlugin>(bed_.auth().services());
    plugin_ = plugin.get();
    bed_.auth().add_plugin(std::move(plugin));
  }
  AuthTestBed& bed() { return bed_; }
  ConvexPlugin& plugin() { return *plugin_; }
  const AuthOptions& options() { return bed_.auth().options(); }
  Json jwks_rows() { return bed_.app().database().documents("component", "jwks"); }
  std::string convex_cookie_name() { return AuthCookies(bed_.auth().options()).convex_jwt(); }
  // Every convex_jwt Set-Cookie of a response.
  std::vector<std::string> convex_cookies(const http::HttpResponse& response) {
    std::vector<std::string> out;
    for (auto header : response.headers.get_all("set-cookie")) {
      if (header.starts_with(convex_cookie_name() + "=")) out.emplace_back(header);
    }
    return out;
  }
  // Signs up alice; returns "name=value" of her session cookie.
  std::string signed_up_cookie(const std::string& email = "alice@example.com") {
    auto response = bed_.sign_up(email);
    EXPECT_EQ(response.status, 200) << response.body;
    return bed_.session_cookie(response);
  }
  std::string token_with(const std::string& cookie) {
    auto response = bed_.get("/convex/token", cookie);
    EXPECT_EQ(response.status, 200) << response.body;
    return Json::parse(response.body).at("token").get<std::string>();
  }
  // The private key at rest, opened with the secret, with its kid.
  authconf::Jwk stored_private_key(std::size_t row = 0) {
    const Json document = jwks_rows().at(row);
    auto opened =
        authconf::open_private_key(document.at("privateKey").get<std::string>(), options().secret);
    EXPECT_TRUE(opened) << opened.error();
    auto key = authconf::Jwk::parse(opened ? opened->plaintext : "");
    EXPECT_TRUE(key) << key.error();
    key->set_kid(document.at("_id").get<std::string>());
    return *key;
  }

 private:
  AuthTestBed bed_;
  ConvexPlugin* plugin_ = nullptr;
};

AuthOptions with_alg(JwtAlgorithm alg, DatesMode dates = DatesMode::kEpochMs) {
  AuthOptions options;
  options.jwt_algorithm = alg;
  options.dates = dates;
  return options;
}

// --- JWKS -------------------------------------------------------------------

struct JwksRow {
  std::string name;
  JwtAlgorithm alg = JwtAlgorithm::kRs256;
  std::vector<std::string> member_order;   // of the served key
  std::vector<std::string> public_order;   // of the publicKey column
  std::vector<std::string> private_order;  // of the sealed private JWK
  std::size_t key_bytes = 0;               // modulus or x
};

class JwksTest : public ::testing::TestWithParam<JwksRow> {};

TEST_P(JwksTest, TheFirstRequestCreatesOneKeyServedAsTheRealPluginServesIt) {
  const JwksRow& row = GetParam();
  ConvexBed convex(with_alg(row.alg));
  ASSERT_EQ(convex.jwks_rows().size(), 0u);
  auto first = convex.bed().get("/convex/jwks");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.headers.get("content-type"), "application/json");
  const Json rows = convex.jwks_rows();
  ASSERT_EQ(rows.size(), 1u);
  const Json& stored = rows[0];
  EXPECT_EQ(keys_of(stored), (std::vector<std::string>{"_creationTime", "_id", "createdAt",
                                                       "privateKey", "publicKey"}));
  EXPECT_EQ(stored["createdAt"], static_cast<std::int64_t>(kTestStartMs));

  const Json body = Json::parse(first.body);
  ASSERT_EQ(body["keys"].size(), 1u);
  const Json& key = body["keys"][0];
  EXPECT_EQ(keys_of(key), row.member_order);
  EXPECT_EQ(key["alg"], row.alg == JwtAlgorithm::kRs256 ? "RS256" : "EdDSA");
  EXPECT_EQ(key["kid"], stored["_id"]);
  const std::string material = row.alg == JwtAlgorithm::kRs256 ? "n" : "x";
  EXPECT_EQ(unb64url(key[material].get<std::string>()).size(), row.key_bytes);
  if (row.alg == JwtAlgorithm::kRs256) {
    EXPECT_EQ(key["e"], "AQAB");
  } else {
    EXPECT_EQ(key["crv"], "Ed25519");
  }

  // publicKey is the public JWK's JSON, in jose's member order.
  const Json public_key = Json::parse(stored["publicKey"].get<std::string>());
  EXPECT_EQ(keys_of(public_key), row.public_order);
  Json served_without = key;
  served_without.erase("alg");
  served_without.erase("kid");
  for (auto it = public_key.begin(); it != public_key.end(); ++it) {
    EXPECT_EQ(served_without[it.key()], it.value()) << it.key();
  }

  // A second request serves the same key and creates nothing.
  auto second = convex.bed().get("/convex/jwks");
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(convex.jwks_rows().size(), 1u);
  EXPECT_EQ(convex.plugin().public_jwks(), body);
}

TEST_P(JwksTest, ThePrivateKeyIsSealedWithTheSecretAsBetterAuthSealsIt) {
  const JwksRow& row = GetParam();
  ConvexBed convex(with_alg(row.alg));
  convex.bed().get("/convex/jwks");
  const std::string stored = convex.jwks_rows()[0]["privateKey"].get<std::string>();
  // A JSON string literal of lower-case hex.
  ASSERT_GE(stored.size(), 2u);
  EXPECT_EQ(stored.front(), '"');
  EXPECT_EQ(stored.back(), '"');
  EXPECT_EQ(stored.find_first_not_of("0123456789abcdef", 1), stored.size() - 1);

  auto opened = authconf::open_private_key(stored, convex.options().secret);
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_FALSE(opened->version.has_value());
  EXPECT_EQ(keys_of(Json::parse(opened->plaintext)), row.private_order);
  auto private_key = authconf::Jwk::parse(opened->plaintext);
  ASSERT_TRUE(private_key) << private_key.error();
  EXPECT_TRUE(private_key->is_private());
  // It is the private half of the served key.
  auto served = authconf::Jwks::parse(convex.bed().get("/convex/jwks").body);
  ASSERT_TRUE(served);
  authconf::Jwk expected_public = served->keys()[0];
  authconf::Jwk derived_public = private_key->public_jwk();
  EXPECT_EQ(derived_public.thumbprint(), expected_public.thumbprint());

  auto wrong = authconf::open_private_key(stored, "another-secret-0123456789abcdef0123");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, authconf::KeyAtRestError::kWrongSecretOrTampered);
}

INSTANTIATE_TEST_SUITE_P(
    Algorithms, JwksTest,
    ::testing::Values(JwksRow{.name = "rs256",
                              .alg = JwtAlgorithm::kRs256,
                              .member_order = {"alg", "kty", "n", "e", "kid"},
                              .public_order = {"kty", "n", "e"},
                              .private_order = {"kty", "n", "e", "d", "p", "q", "dp", "dq", "qi"},
                              .key_bytes = 256},
                      JwksRow{.name = "eddsa",
                              .alg = JwtAlgorithm::kEdDsa,
                              .member_order = {"alg", "crv", "x", "kty", "kid"},
                              .public_order = {"crv", "x", "kty"},
                              .private_order = {"crv", "d", "x", "kty"},
                              .key_bytes = 32}),
    [](const ::testing::TestParamInfo<JwksRow>& row) { return row.param.name; });

// --- tokens -----------------------------------------------------------------

struct TokenRow {
  std::string name;
  JwtAlgorithm alg = JwtAlgorithm::kRs256;
  DatesMode dates = DatesMode::kEpochMs;
  std::string date_json;  // how createdAt/updatedAt appear in the claims
  std::size_t signature_bytes = 0;
};

class TokenTest : public ::testing::TestWithParam<TokenRow> {};

TEST_P(TokenTest, ClaimsComeInTheRealOrderAndVerifyAgainstTheServedJwks) {
  const TokenRow& row = GetParam();
  ConvexBed convex(with_alg(row.alg, row.dates));
  const std::string cookie = convex.signed_up_cookie();
  convex.bed().clock().advance_ms(1000);
  auto response = convex.bed().get("/convex/token", cookie);
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string token = Json::parse(response.body).at("token").get<std::string>();
  EXPECT_EQ(response.body, R"({"token":")" + token + R"("})");
  // Exactly one Set-Cookie: /convex/token matches none of the after hooks.
  const auto set_cookies = response.headers.get_all("set-cookie");
  ASSERT_EQ(set_cookies.size(), 1u);
  EXPECT_EQ(set_cookies[0],
            "better-auth.convex_jwt=" + token + "; Max-Age=900; Path=/; HttpOnly; SameSite=Lax");

  const Json user = convex.bed().app().database().documents("component", "user")[0];
  const Json session = convex.bed().app().database().documents("component", "session")[0];
  const std::string kid = convex.jwks_rows()[0]["_id"].get<std::string>();
  const Parts parts = split_jwt(token);
  const std::string alg = row.alg == JwtAlgorithm::kRs256 ? "RS256" : "EdDSA";
  EXPECT_EQ(parts.header, R"({"alg":")" + alg + R"(","kid":")" + kid + R"("})");
  const std::int64_t iat = kStartS + 1;
  EXPECT_EQ(
      parts.payload,
      R"({"iat":)" + std::to_string(iat) +
          R"(,"name":"Alice","email":"alice@example.com","emailVerified":false,"createdAt":)" +
          row.date_json + R"(,"updatedAt":)" + row.date_json + R"(,"sessionId":")" +
          session["_id"].get<std::string>() + R"(","sub":")" + user["_id"].get<std::string>() +
          R"(","exp":)" + std::to_string(iat + 900) +
          R"(,"iss":"http://127.0.0.1:8787","aud":"convex"})");
  EXPECT_EQ(unb64url(parts.signature).size(), row.signature_bytes);

  auto jwks = authconf::Jwks::parse(convex.bed().get("/convex/jwks").body);
  ASSERT_TRUE(jwks);
  auto verified = authconf::verify_jwt(
      token, *jwks,
      {.now = iat, .issuer = "http://127.0.0.1:8787", .audience = "convex", .require_iat = true});
  ASSERT_TRUE(verified) << verified.error();
  // The key is the stored private key's.
  auto direct = authconf::verify_jwt(token, convex.stored_private_key().public_jwk(), {.now = iat});
  EXPECT_TRUE(direct) << direct.error();
  EXPECT_EQ(convex.token_with(cookie), token) << "same second, same bytes";
}

INSTANTIATE_TEST_SUITE_P(AlgorithmsAndDates, TokenTest,
                         ::testing::Values(TokenRow{.name = "rs256_epoch_ms",
                                                    .alg = JwtAlgorithm::kRs256,
                                                    .dates = DatesMode::kEpochMs,
                                                    .date_json = "1795344960857",
                                                    .signature_bytes = 256},
                                           TokenRow{.name = "rs256_iso",
                                                    .alg = JwtAlgorithm::kRs256,
                                                    .dates = DatesMode::kIso,
                                                    .date_json = R"("2026-11-22T10:56:00.857Z")",
                                                    .signature_bytes = 256},
                                           TokenRow{.name = "eddsa_epoch_ms",
                                                    .alg = JwtAlgorithm::kEdDsa,
                                                    .dates = DatesMode::kEpochMs,
                                                    .date_json = "1795344960857",
                                                    .signature_bytes = 64}),
                         [](const ::testing::TestParamInfo<TokenRow>& row) {
                           return row.param.name;
                         });

TEST(ConvexPlugin, RoutesThatDoNotExistOrAreServerOnlyAre404) {
  ConvexBed convex;
  const std::string cookie = convex.signed_up_cookie();
  struct Row {
    std::string method, path;
  };
  for (const Row& row : std::vector<Row>{{"POST", "/convex/token"},
                                         {"GET", "/jwks"},
                                         {"GET", "/token"},
                                         {"POST", "/convex/latest-jwks"},
                                         {"POST", "/convex/rotate-keys"},
                                         {"GET", "/convex/rotate-keys"},
                                         {"POST", "/convex/jwks"}}) {
    auto response = row.method == "GET" ? convex.bed().get(row.path, cookie)
                                        : convex.bed().post(row.path, "{}", cookie);
    EXPECT_EQ(response.status, 404) << row.method << " " << row.path;
    EXPECT_EQ(response.body, "") << row.path;
  }
}

TEST(ConvexPlugin, TokenWithoutASessionIs401) {
  ConvexBed convex;
  auto response = convex.bed().get("/convex/token");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, R"({"message":"Unauthorized","code":"UNAUTHORIZED"})");
  EXPECT_FALSE(response.headers.has("set-cookie"));
}

TEST(ConvexPlugin, DiscoveryDocumentIsTheTranscriptsOwn) {
  ConvexBed convex;
  auto response = convex.bed().get("/convex/.well-known/openid-configuration");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(
      response.body,
      R"({"issuer":"http://127.0.0.1:8787","authorization_endpoint":"http://127.0.0.1:8787/api/auth/oauth2/authorize","token_endpoint":"http://127.0.0.1:8787/api/auth/oauth2/token","userinfo_endpoint":"http://127.0.0.1:8787/api/auth/oauth2/userinfo","jwks_uri":"http://127.0.0.1:8787/api/auth/convex/jwks","registration_endpoint":"http://127.0.0.1:8787/api/auth/oauth2/register","end_session_endpoint":"http://127.0.0.1:8787/api/auth/oauth2/endsession","scopes_supported":["openid","profile","email","offline_access"],"response_types_supported":["code"],"response_modes_supported":["query"],"grant_types_supported":["authorization_code","refresh_token"],"acr_values_supported":["urn:mace:incommon:iap:silver","urn:mace:incommon:iap:bronze"],"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["HS256"],"token_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post","none"],"code_challenge_methods_supported":["S256"],"claims_supported":["sub","iss","aud","exp","nbf","iat","jti","email","email_verified","name"]})");
  EXPECT_EQ(convex.jwks_rows().size(), 0u) << "discovery creates no key";
}

TEST(ConvexPlugin, TheFirstTokenCreatesTheKeyAndTheJwksReusesIt) {
  ConvexBed convex;
  const std::string cookie = convex.signed_up_cookie();  // its convex_jwt made the key
  ASSERT_EQ(convex.jwks_rows().size(), 1u);
  const std::string kid = convex.jwks_rows()[0]["_id"].get<std::string>();
  EXPECT_EQ(Json::parse(split_jwt(convex.token_with(cookie)).header)["kid"], kid);
  EXPECT_EQ(Json::parse(convex.bed().get("/convex/jwks").body)["keys"][0]["kid"], kid);
  EXPECT_EQ(convex.jwks_rows().size(), 1u);
}

TEST(ConvexPlugin, TokensAreMemoisedOnlyWithinTheSameSecond) {
  ConvexBed convex;
  const std::string cookie = convex.signed_up_cookie();
  const std::string first = convex.token_with(cookie);
  convex.bed().clock().advance_ms(142);  // 10:56:00.999
  const std::string same_second = convex.token_with(cookie);
  EXPECT_EQ(same_second, first);
  convex.bed().clock().advance_ms(1);  // 10:56:01.000
  const std::string next_second = convex.token_with(cookie);
  EXPECT_NE(next_second, first);
  EXPECT_EQ(Json::parse(split_jwt(next_second).payload)["iat"], kStartS + 1);
}

// --- the convex_jwt cookie ---------------------------------------------------

TEST(ConvexPlugin, ConvexCookieFollowsTheSessionAcrossEndpoints) {
  ConvexBed convex;
  const std::string cleared = "better-auth.convex_jwt=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax";
  auto sign_up = convex.bed().sign_up("alice@example.com");
  const std::string cookie = convex.bed().session_cookie(sign_up);
  auto sign_in = convex.bed().sign_in("alice@example.com");
  auto bad_sign_in = convex.bed().sign_in("alice@example.com", "wrong password!");
  auto with_session = convex.bed().get("/get-session", cookie);
  auto without_session = convex.bed().get("/get-session");
  auto forged = convex.bed().get("/get-session", cookie.substr(0, cookie.find('.')) + ".AAAA");
  auto post_get_session = convex.bed().post("/get-session", "{}", cookie);
  auto sign_out = convex.bed().post("/sign-out", "{}", cookie);

  struct Row {
    std::string name;
    const http::HttpResponse* response;
    int status;
    std::optional<std::string> convex_cookie;  // "set", the cleared cookie, or nullopt: none
  };
  const std::vector<Row> rows = {
      {"sign-up", &sign_up, 200, "set"},
      {"sign-in", &sign_in, 200, "set"},
      {"sign-in with a wrong password (401, hook swallows)", &bad_sign_in, 401, std::nullopt},
      {"get-session with a session", &with_session, 200, "set"},
      {"get-session without a cookie", &without_session, 200, cleared},
      {"get-session with a forged cookie", &forged, 200, cleared},
      {"POST get-session (405, no session)", &post_get_session, 405, cleared},
      {"sign-out", &sign_out, 200, cleared},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(row.response->status, row.status) << row.response->body;
    const auto cookies = convex.convex_cookies(*row.response);
    if (!row.convex_cookie) {
      EXPECT_TRUE(cookies.empty());
    } else if (*row.convex_cookie == "set") {
      ASSERT_EQ(cookies.size(), 1u);
      const std::string token = cookies[0].substr(cookies[0].find('=') + 1,
                                                  cookies[0].find(';') - cookies[0].find('=') - 1);
      EXPECT_EQ(cookies[0], "better-auth.convex_jwt=" + token +
                                "; Max-Age=900; Path=/; HttpOnly; SameSite=Lax");
      EXPECT_EQ(split_jwt(token).header.substr(0, 15), R"({"alg":"RS256",)");
    } else {
      ASSERT_EQ(cookies.size(), 1u);
      EXPECT_EQ(cookies[0], *row.convex_cookie);
    }
  }
  // Sign-out clears it after Better Auth's three cookies (transcript §9).
  const auto all = sign_out.headers.get_all("set-cookie");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[3], cleared);
  // The cookie of a sign-in names the session it created.
  const std::string set = convex.convex_cookies(sign_in)[0];
  const std::string token = set.substr(set.find('=') + 1, set.find(';') - set.find('=') - 1);
  const Json claims = Json::parse(split_jwt(token).payload);
  const std::string session_token = Json::parse(sign_in.body).at("token");
  Json session_id;
  for (const Json& row : convex.bed().app().database().documents("component", "session")) {
    if (row["token"] == session_token) session_id = row["_id"];
  }
  EXPECT_EQ(claims["sessionId"], session_id);
}

TEST(ConvexPlugin, NoConvexCookieWhenSignUpCreatesNoSession) {
  AuthOptions options;
  options.require_email_verification = true;
  ConvexBed convex(options);
  auto response = convex.bed().sign_up("alice@example.com");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_TRUE(convex.convex_cookies(response).empty());
  EXPECT_EQ(convex.jwks_rows().size(), 0u);
}

TEST(ConvexPlugin, HttpsBaseUrlPrefixesTheCookieAndAddsSecure) {
  AuthOptions options;
  options.base_url = "https://example.convex.site";
  ConvexBed convex(options);
  auto response = convex.bed().sign_up("alice@example.com");
  ASSERT_EQ(response.status, 200) << response.body;
  const auto cookies = convex.convex_cookies(response);
  ASSERT_EQ(cookies.size(), 1u);
  EXPECT_TRUE(cookies[0].starts_with("__Secure-better-auth.convex_jwt=ey"));
  EXPECT_TRUE(cookies[0].ends_with("; Max-Age=900; Path=/; HttpOnly; Secure; SameSite=Lax"));
  const std::string token =
      cookies[0].substr(cookies[0].find('=') + 1, cookies[0].find(';') - cookies[0].find('=') - 1);
  EXPECT_EQ(Json::parse(split_jwt(token).payload)["iss"], "https://example.convex.site");
}

// --- the bearer hook ----------------------------------------------------------

TEST(ConvexPlugin, BearerTokensBecomeTheSessionCookie) {
  ConvexBed convex;
  auto signed_up = convex.bed().sign_up("alice@example.com");
  const std::string token = Json::parse(signed_up.body).at("token").get<std::string>();
  const std::string cookie = convex.bed().session_cookie(signed_up);
  const std::string secret = convex.options().secret;
  const std::string signature = authconf::cookie_signature(token, secret);  // 44 chars, '='
  struct Row {
    std::string name;
    std::string authorization;  // "" = none
    std::string cookie;
    bool session;
  };
  const std::vector<Row> rows = {
      {"raw token", "Bearer " + token, "", true},
      {"scheme case-insensitive", "bEaReR " + token, "", true},
      {"token trimmed", "Bearer  " + token + "  ", "", true},
      {"tab is not the scheme's space", "Bearer\t" + token, "", false},
      {"signed token", "Bearer " + token + "." + signature, "", true},
      {"signed, percent-encoded", "Bearer " + authconf::sign_cookie_value(token, secret), "", true},
      // The hook accepts an unpadded signature, the cookie check does not.
      {"signed, unpadded: injected, then refused",
       "Bearer " + token + "." + signature.substr(0, 43), cookie, false},
      {"forged signature is ignored", "Bearer " + token + ".AAAA", "", false},
      {"forged signature leaves the cookie", "Bearer " + token + ".AAAA", cookie, true},
      {"unknown raw token", "Bearer " + token + "x", "", false},
      {"bearer replaces a bad session cookie", "Bearer " + token,
       "better-auth.session_token=garbage.zzz", true},
      {"other schemes are not bearer", "Basic " + token, "", false},
      {"other schemes leave the cookie", "Basic abc", cookie, true},
      {"empty bearer", "Bearer ", "", false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    http::Headers headers;
    if (!row.authorization.empty()) headers.add("authorization", row.authorization);
    if (!row.cookie.empty()) headers.add("cookie", row.cookie);
    auto response = convex.bed().send("GET", "/api/auth/get-session", "", headers);
    ASSERT_EQ(response.status, 200);
    if (row.session) {
      ASSERT_NE(response.body, "null");
      EXPECT_EQ(Json::parse(response.body)["session"]["token"], token);
      EXPECT_EQ(convex.convex_cookies(response).size(), 1u);
    } else {
      EXPECT_EQ(response.body, "null");
    }
  }
  // No set-auth-token: the convex plugin takes only bearer's before hook.
  auto bearer =
      convex.bed().send("GET", "/api/auth/get-session", "", {{"authorization", "Bearer " + token}});
  EXPECT_FALSE(bearer.headers.has("set-auth-token"));
  EXPECT_FALSE(bearer.headers.has("set-auth-jwt"));
}

TEST(ConvexPlugin, AUrlSafeSignaturePassesTheHookButNotTheCookieCheck) {
  // The hook decodes URL-safe base64 too; the session cookie check (atob)
  // does not. Sign up until a signature has a '+' or '/' to translate.
  ConvexBed convex;
  const std::string secret = convex.options().secret;
  for (int attempt = 0; attempt < 40; ++attempt) {
    auto signed_up = convex.bed().sign_up("user" + std::to_string(attempt) + "@example.com");
    const std::string token = Json::parse(signed_up.body).at("token").get<std::string>();
    const std::string signature = authconf::cookie_signature(token, secret);
    if (signature.find_first_of("+/") == std::string::npos) continue;
    std::string url_safe = signature;
    for (char& c : url_safe) c = c == '+' ? '-' : c == '/' ? '_' : c;
    const auto session_of = [&](const std::string& authorization) {
      return convex.bed()
          .send("GET", "/api/auth/get-session", "", {{"authorization", authorization}})
          .body;
    };
    EXPECT_NE(session_of("Bearer " + token + "." + signature), "null");
    EXPECT_EQ(session_of("Bearer " + token + "." + url_safe), "null");
    return;
  }
  FAIL() << "no signature with '+' or '/' in 40 sign-ups";
}

// --- identity (bridge GET /identity) -------------------------------------------

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cookie_ = convex_.signed_up_cookie();
    token_ = convex_.token_with(cookie_);
    claims_ = Json::parse(split_jwt(token_).payload);
    key_ = convex_.stored_private_key();
  }
  std::string sign(const Json& claims, Json header = Json()) {
    if (header.is_null()) header = Json{{"alg", "RS256"}, {"kid", *key_->kid()}};
    auto token = authconf::sign_compact(js_stringify(header), js_stringify(claims), *key_);
    EXPECT_TRUE(token) << token.error();
    return token ? *token : "";
  }
  Json user_document() { return convex_.bed().app().database().documents("component", "user")[0]; }

  ConvexBed convex_;
  std::string cookie_, token_;
  Json claims_;
  std::optional<authconf::Jwk> key_;
};

TEST_F(IdentityTest, AValidTokenGivesConvexsUserIdentityAndTheRawUser) {
  const Json user = user_document();
  const std::string sub = user["_id"].get<std::string>();
  const Json result = convex_.plugin().identity(token_);
  Json expected_identity = Json::object();
  expected_identity["tokenIdentifier"] = "http://127.0.0.1:8787|" + sub;
  expected_identity["subject"] = sub;
  expected_identity["issuer"] = "http://127.0.0.1:8787";
  expected_identity["name"] = "Alice";
  expected_identity["email"] = "alice@example.com";
  expected_identity["emailVerified"] = false;
  expected_identity["createdAt"] = 1795344960857;
  expected_identity["updatedAt"] = 1795344960857;
  expected_identity["sessionId"] = claims_["sessionId"];
  EXPECT_EQ(result["identity"], expected_identity);
  EXPECT_EQ(keys_of(result["identity"]), keys_of(expected_identity));
  EXPECT_EQ(result["authUser"], user);
  EXPECT_TRUE(result["authUser"].contains("_creationTime"));
}

TEST_F(IdentityTest, TokensThatConvexRefusesGiveNoIdentity) {
  const auto with = [&](const char* key, Json value) {
    Json claims = claims_;
    claims[key] = std::move(value);
    return claims;
  };
  const auto raw = [](const Json& header, const Json& claims, std::string_view signature) {
    return b64url(js_stringify(header)) + "." + b64url(js_stringify(claims)) + "." +
           std::string(signature);
  };
  const std::string kid = *key_->kid();
  const std::string public_key = convex_.jwks_rows()[0]["publicKey"].get<std::string>();
  const Json hs256_header{{"alg", "HS256"}, {"kid", kid}};
  const std::string hs256_input =
      b64url(js_stringify(hs256_header)) + "." + b64url(js_stringify(claims_));
  auto mac = authconf::base64_decode(authconf::cookie_signature(hs256_input, public_key));
  ASSERT_TRUE(mac);
  const std::string hs256 = hs256_input + "." + b64url(authconf::to_string(*mac));
  auto other_key = authconf::generate_rsa_key(2048);
  ASSERT_TRUE(other_key);
  other_key->set_kid(kid);
  std::string tampered = token_;
  {
    Json claims = with("name", "Mallory");
    const std::size_t a = tampered.find('.'), b = tampered.rfind('.');
    tampered = tampered.substr(0, a + 1) + b64url(js_stringify(claims)) + tampered.substr(b);
  }
  struct Row {
    std::string name;
    std::string jwt;
  };
  const std::vector<Row> rows = {
      {"tampered payload", tampered},
      {"alg none", raw(Json{{"alg", "none"}, {"kid", kid}}, claims_, "")},
      {"HS256 keyed with the public key", hs256},
      {"unknown kid", sign(claims_, Json{{"alg", "RS256"}, {"kid", "not-a-key"}})},
      {"another key under the same kid",
       *authconf::sign_compact(js_stringify(Json{{"alg", "RS256"}, {"kid", kid}}),
                               js_stringify(claims_), *other_key)},
      {"wrong aud", sign(with("aud", "not-convex"))},
      {"no aud",
       [&] {
         Json c = claims_;
         c.erase("aud");
         return sign(c);
       }()},
      {"wrong iss", sign(with("iss", "http://evil.example"))},
      {"no exp",
       [&] {
         Json c = claims_;
         c.erase("exp");
         return sign(c);
       }()},
      {"expired", sign(with("exp", kStartS))},
      {"not yet valid", sign(with("nbf", kStartS + 60))},
      {"garbage", "not.a.jwt"},
      {"empty", ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(convex_.plugin().identity(row.jwt),
              (Json{{"identity", nullptr}, {"authUser", nullptr}}));
  }
  // Controls: the same forging path accepts what Convex accepts.
  EXPECT_NE(convex_.plugin().identity(sign(claims_))["identity"], nullptr);
  EXPECT_NE(convex_.plugin().identity(sign(with("aud", Json::array({"x", "convex"}))))["identity"],
            nullptr);
}

TEST(ConvexPlugin, IdentityExpiryFollowsTheServerClock) {
  struct Row {
    double advance_ms;
    bool valid;
  };
  // iat = 1795344960, exp = iat + 900; the clock starts at iat + 0.857 s,
  // and a token is valid while now < exp.
  for (const Row& row : std::vector<Row>{{0, true}, {899'142, true}, {899'143, false}}) {
    ConvexBed convex;
    const std::string cookie = convex.signed_up_cookie();
    const std::string token = convex.token_with(cookie);
    convex.bed().clock().advance_ms(row.advance_ms);
    EXPECT_EQ(convex.plugin().identity(token)["identity"].is_null(), !row.valid) << row.advance_ms;
  }
}

TEST_F(IdentityTest, WithoutSessionIdTheComponentsValidatorThrows) {
  Json claims = claims_;
  claims.erase("sessionId");
  const Json result = convex_.plugin().identity(sign(claims));
  ASSERT_TRUE(result.contains("thrown")) << result.dump();
  EXPECT_EQ(keys_of(result), std::vector<std::string>{"thrown"});
  // The same findOne the real safeGetAuthUser makes, with `value` undefined.
  auto direct = convex_.bed().app().component().call(
      ComponentFunction::kFindOne,
      Json::parse(R"({"model":"session","where":[{"field":"_id"},)"
                  R"({"field":"expiresAt","operator":"gt","value":1795344960857}]})"));
  ASSERT_FALSE(direct);
  EXPECT_EQ(result["thrown"], direct.error().detail);
  EXPECT_EQ(result["thrown"], "Validator error: Missing required field `value` in object");
}

TEST_F(IdentityTest, ARevokedOrUnknownSessionKeepsTheIdentityButNoUser) {
  // A session id that names no session.
  const Json unknown = convex_.plugin().identity(sign([&] {
    Json c = claims_;
    c["sessionId"] = "not-a-session-id";
    return c;
  }()));
  EXPECT_FALSE(unknown.contains("thrown")) << unknown.dump();
  EXPECT_NE(unknown["identity"], nullptr);
  EXPECT_EQ(unknown["authUser"], nullptr);
  // The token's own session, signed out.
  auto signed_out = convex_.bed().post("/sign-out", "{}", cookie_);
  ASSERT_EQ(signed_out.status, 200) << signed_out.body;
  const Json revoked = convex_.plugin().identity(token_);
  EXPECT_EQ(revoked["identity"]["sessionId"], claims_["sessionId"]);
  EXPECT_EQ(revoked["authUser"], nullptr);
}

TEST_F(IdentityTest, AnExpiredSessionGivesNoUser) {
  // Sessions last a week, tokens 15 minutes: expire the row instead.
  auto updated = convex_.bed().app().component().call(
      ComponentFunction::kUpdateOne,
      Json{{"input",
            {{"model", "session"},
             {"where", Json::array({Json{{"field", "_id"}, {"value", claims_["sessionId"]}}})},
             {"update", Json{{"expiresAt", kTestStartMs}}}}}});
  ASSERT_TRUE(updated) << updated.error();
  const Json result = convex_.plugin().identity(token_);
  EXPECT_NE(result["identity"], nullptr);
  EXPECT_EQ(result["authUser"], nullptr);
}

// --- keys changing under the plugin -------------------------------------------

TEST(ConvexPlugin, AResetWithoutKeysMakesANewKeyAndVoidsOldTokens) {
  ConvexBed convex;
  const std::string old_token = convex.token_with(convex.signed_up_cookie());
  const std::string old_kid = Json::parse(split_jwt(old_token).header)["kid"];
  ASSERT_NE(convex.plugin().identity(old_token)["identity"], nullptr);
  convex.bed().app().reset(/*keep_keys=*/false);
  EXPECT_EQ(convex.jwks_rows().size(), 0u);
  const std::string new_token = convex.token_with(convex.signed_up_cookie("bob@example.com"));
  const std::string new_kid = Json::parse(split_jwt(new_token).header)["kid"];
  EXPECT_NE(new_kid, old_kid);
  const Json jwks = Json::parse(convex.bed().get("/convex/jwks").body);
  ASSERT_EQ(jwks["keys"].size(), 1u);
  EXPECT_EQ(jwks["keys"][0]["kid"], new_kid);
  EXPECT_EQ(convex.plugin().identity(old_token)["identity"], nullptr);
  EXPECT_NE(convex.plugin().identity(new_token)["identity"], nullptr);
}

// A jwks row written as createJwk writes it, sealed with `secret`.
Json jwks_row(const authconf::Jwk& key, const std::string& secret, double created_at) {
  const nlohmann::json members = key.to_json();
  Json public_key{{"kty", "RSA"},
                  {"n", members["n"].get<std::string>()},
                  {"e", members["e"].get<std::string>()}};
  Json private_key = public_key;
  for (const char* name : {"d", "p", "q", "dp", "dq", "qi"}) {
    private_key[name] = members[name].get<std::string>();
  }
  return Json{{"input",
               {{"model", "jwks"},
                {"data",
                 {{"publicKey", js_stringify(public_key)},
                  {"privateKey", authconf::seal_private_key(js_stringify(private_key), secret)},
                  {"createdAt", created_at}}}}}};
}

TEST(ConvexPlugin, TheNewestKeyByCreatedAtSignsAndEveryKeyIsServed) {
  ConvexBed convex;
  const std::string cookie = convex.signed_up_cookie();
  const std::string first_kid = convex.jwks_rows()[0]["_id"];
  auto key = authconf::generate_rsa_key(2048);
  ASSERT_TRUE(key);
  auto created = convex.bed().app().component().call(
      ComponentFunction::kCreate, jwks_row(*key, convex.options().secret, kTestStartMs + 5));
  ASSERT_TRUE(created) << created.error();
  const std::string second_kid = created->at("_id");
  const std::string token = convex.token_with(cookie);
  EXPECT_EQ(Json::parse(split_jwt(token).header)["kid"], second_kid);
  key->set_kid(second_kid);
  EXPECT_TRUE(authconf::verify_jwt(token, key->public_jwk(), {.now = kStartS}));
  const Json jwks = Json::parse(convex.bed().get("/convex/jwks").body);
  ASSERT_EQ(jwks["keys"].size(), 2u);
  EXPECT_EQ(jwks["keys"][0]["kid"], second_kid);  // newest first
  EXPECT_EQ(jwks["keys"][1]["kid"], first_kid);
  EXPECT_NE(convex.plugin().identity(token)["identity"], nullptr);

  // An older createdAt does not take over, whatever its insertion order.
  auto older = authconf::generate_rsa_key(2048);
  ASSERT_TRUE(older);
  ASSERT_TRUE(convex.bed().app().component().call(
      ComponentFunction::kCreate, jwks_row(*older, convex.options().secret, kTestStartMs - 5)));
  convex.bed().clock().advance_ms(1000);
  EXPECT_EQ(Json::parse(split_jwt(convex.token_with(cookie)).header)["kid"], second_kid);
}

TEST(ConvexPlugin, AKeySealedWithAnotherSecretFailsTheTokenButNotTheSession) {
  ConvexBed convex;
  const std::string cookie = convex.signed_up_cookie();
  auto key = authconf::generate_rsa_key(2048);
  ASSERT_TRUE(key);
  ASSERT_TRUE(convex.bed().app().component().call(
      ComponentFunction::kCreate,
      jwks_row(*key, "some-other-secret-0123456789abcdef0123", kTestStartMs + 5)));
  auto token = convex.bed().get("/convex/token", cookie);
  EXPECT_EQ(token.status, 500);
  EXPECT_EQ(token.body, "");
  auto session = convex.bed().get("/get-session", cookie);
  EXPECT_EQ(session.status, 200);
  EXPECT_NE(session.body, "null");
  EXPECT_TRUE(convex.convex_cookies(session).empty()) << "the after hook swallows the error";
}

TEST(ConvexPlugin, AKeyOfTheOtherAlgorithmCannotSign) {
  ConvexBed convex(with_alg(JwtAlgorithm::kEdDsa));
  const std::string cookie = convex.signed_up_cookie();
  auto key = authconf::generate_rsa_key(2048);
  ASSERT_TRUE(key);
  ASSERT_TRUE(convex.bed().app().component().call(
      ComponentFunction::kCreate, jwks_row(*key, convex.options().secret, kTestStartMs + 5)));
  EXPECT_EQ(convex.bed().get("/convex/token", cookie).status, 500);
}

TEST(ConvexPlugin, RegistersItselfInTheServices) {
  ConvexBed convex;
  EXPECT_EQ(convex.bed().auth().services().convex, &convex.plugin());
  EXPECT_EQ(convex.bed().auth().plugin_ids(), std::vector<std::string>{"convex"});
}

}  // namespace
}  // namespace authref

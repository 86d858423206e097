// verify-password, update-session, list-accounts, account-info,
// unlink-account, get-access-token, refresh-token, sign-in/social,
// link-social and callback/:id against better-auth
// 1.6.34 (spec/better-auth-wire.md §2.18-§2.19). Every expected status,
// body and Location below is what the real package answered for the same
// request (Node 20, NODE_ENV unset, memory adapter, the convex plugin, no
// social provider).
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "auth/adapter.h"
#include "auth/auth_test_support.h"
#include "authconf/signed_cookie.h"

namespace authref {
namespace {

using testing::AuthTestBed;
using testing::body_of;
using testing::cookie_for;
using testing::json_error;
using testing::kTestPassword;
using testing::kTestStartMs;
using testing::set_cookies;

constexpr std::int64_t kStart = static_cast<std::int64_t>(kTestStartMs);
constexpr const char* kBase = "http://127.0.0.1:8787/api/auth";

// A signed-up user: its id and the Cookie header of its session.
struct Signed {
  std::string id;
  std::string cookie;
};

Signed sign_up(AuthTestBed& bed, const std::string& email = "alice@example.com") {
  auto response = bed.sign_up(email);
  EXPECT_EQ(response.status, 200) << response.body;
  const Json body = body_of(response);
  return {body.at("user").at("id").get<std::string>(),
          cookie_for(body.at("token").get<std::string>())};
}

// An account row of another provider for `user_id`, as a social sign-in
// would have stored it.
Json add_account(AuthTestBed& bed, const std::string& user_id, const std::string& provider,
                 const std::string& account_id, std::optional<std::string> scope) {
  Json data{{"accountId", account_id}, {"providerId", provider},
            {"userId", user_id},       {"accessToken", "secret-access-token"},
            {"createdAt", kStart},     {"updatedAt", kStart}};
  if (scope) data["scope"] = *scope;
  return bed.auth().services().adapter.create("account", data);
}

std::size_t account_rows(AuthTestBed& bed) {
  return bed.app().database().documents("component", "account").size();
}

// ------------------------------------------------------- verify-password

struct Case {
  std::string name;
  std::string body;  // a JSON text (POST) or a query (GET)
  bool with_session;
  int status;
  std::string answer;  // the exact body
};

void run_post_cases(const std::string& path, const std::vector<Case>& cases) {
  AuthTestBed bed;
  const Signed alice = sign_up(bed);
  for (const Case& row : cases) {
    SCOPED_TRACE(row.name);
    auto response = bed.post(path, row.body, row.with_session ? alice.cookie : "");
    EXPECT_EQ(response.status, row.status);
    EXPECT_EQ(response.body, row.answer);
    EXPECT_EQ(response.headers.get("content-type"), "application/json");
  }
}

TEST(VerifyPassword, AnswersLikeBetterAuth) {
  const std::string missing = json_error(
      "[body.password] Invalid input: expected string, received undefined", "VALIDATION_ERROR");
  run_post_cases(
      "/verify-password",
      {
          {"right password", R"({"password":"correct horse battery"})", true, 200,
           R"({"status":true})"},
          {"wrong password", R"({"password":"wrong"})", true, 400,
           json_error("Invalid password", "INVALID_PASSWORD")},
          {"no field", "{}", true, 400, missing},
          {"a number", R"({"password":5})", true, 400,
           json_error("[body.password] Invalid input: expected string, received number",
                      "VALIDATION_ERROR")},
          {"no session", R"({"password":"correct horse battery"})", false, 401,
           json_error("Unauthorized", "UNAUTHORIZED")},
          // zod runs before the session middleware.
          {"no session, no field", "{}", false, 400, missing},
          {"not JSON", "", true, 400, json_error("Invalid JSON in request body", "BAD_REQUEST")},
      });
}

// The bearer token stands for the cookie, and GET is no route.
TEST(VerifyPassword, IsPostOnly) {
  AuthTestBed bed;
  (void)sign_up(bed);
  auto get = bed.get("/verify-password");
  EXPECT_EQ(get.status, 404);
  EXPECT_EQ(get.body, "");
}

// -------------------------------------------------------- update-session

TEST(UpdateSession, HasNoFieldToUpdate) {
  const std::string no_fields = R"({"message":"No fields to update"})";
  run_post_cases(
      "/update-session",
      {
          {"empty", "{}", true, 400, no_fields},
          // Core session fields are no input.
          {"core fields", R"({"foo":1,"token":"x","userId":"y","expiresAt":5})", true, 400,
           no_fields},
          {"no session", "{}", false, 401, json_error("Unauthorized", "UNAUTHORIZED")},
          {"array", "[1]", true, 400,
           json_error("[body] Invalid input: expected record, received array", "VALIDATION_ERROR")},
          {"null, no session", "null", false, 400,
           json_error("[body] Invalid input: expected record, received null", "VALIDATION_ERROR")},
      });
}

// The session is left as it was.
TEST(UpdateSession, ChangesNothing) {
  AuthTestBed bed;
  const Signed alice = sign_up(bed);
  const Json before = bed.store();
  bed.clock().advance_ms(1000);
  auto response = bed.post("/update-session", R"({"expiresAt":1,"token":"t"})", alice.cookie);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(set_cookies(response), std::vector<std::string>{});
  EXPECT_EQ(bed.store(), before);
}

// --------------------------------------------------------- list-accounts

TEST(ListAccounts, ShowsTheAccountsWithoutSecrets) {
  AuthTestBed bed;
  const Signed alice = sign_up(bed);
  const Signed bob = sign_up(bed, "bob@example.com");
  bed.clock().advance_ms(5);
  const Json google = add_account(bed, alice.id, "google", "g-1", "openid,email");
  const Json github = add_account(bed, alice.id, "github", "gh-1", "");
  const Json gitlab = add_account(bed, alice.id, "gitlab", "gl-1", std::nullopt);
  auto response = bed.get("/list-accounts", alice.cookie);
  ASSERT_EQ(response.status, 200) << response.body;
  const Json accounts = body_of(response);
  ASSERT_EQ(accounts.size(), 4u) << response.body;
  const Json& credential = accounts[0];
  // accountId, providerId, userId, createdAt, updatedAt, id, scopes: no
  // password, no tokens, no scope; epoch-ms dates (the Convex adapter).
  EXPECT_EQ(credential.dump(), Json({{"accountId", alice.id},
                                     {"providerId", "credential"},
                                     {"userId", alice.id},
                                     {"createdAt", kStart},
                                     {"updatedAt", kStart},
                                     {"id", credential.at("id")},
                                     {"scopes", Json::array()}})
                                   .dump());
  EXPECT_EQ(accounts[1].dump(), Json({{"accountId", "g-1"},
                                      {"providerId", "google"},
                                      {"userId", alice.id},
                                      {"createdAt", kStart},
                                      {"updatedAt", kStart},
                                      {"id", google.at("id")},
                                      {"scopes", {"openid", "email"}}})
                                    .dump());
  // "".split(",") is [""].
  EXPECT_EQ(accounts[2].at("scopes"), Json::array({""}));
  EXPECT_EQ(accounts[2].at("id"), github.at("id"));
  EXPECT_EQ(accounts[3].at("scopes"), Json::array());
  EXPECT_EQ(accounts[3].at("id"), gitlab.at("id"));
  // Bob sees only his own.
  auto bobs = body_of(bed.get("/list-accounts", bob.cookie));
  ASSERT_EQ(bobs.size(), 1u);
  EXPECT_EQ(bobs[0].at("userId"), bob.id);
}

TEST(ListAccounts, DatesAreIsoWithAnIsoAdapter) {
  AuthOptions options;
  options.dates = DatesMode::kIso;
  AuthTestBed bed(options);
  const Signed alice = sign_up(bed);
  const Json accounts = body_of(bed.get("/list-accounts", alice.cookie));
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].at("createdAt"), "2026-11-22T10:56:00.857Z");
}

TEST(ListAccounts, NeedsASession) {
  AuthTestBed bed;
  auto response = bed.get("/list-accounts");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, json_error("Unauthorized", "UNAUTHORIZED"));
}

// ---------------------------------------------------------- account-info

TEST(AccountInfo, AnswersLikeBetterAuth) {
  AuthTestBed bed;
  const Signed alice = sign_up(bed);
  const Signed bob = sign_up(bed, "bob@example.com");
  add_account(bed, alice.id, "google", alice.id, std::nullopt);  // same accountId as credential
  add_account(bed, alice.id, "github", "gh-1", std::nullopt);
  const std::string not_found = json_error("Account not found", "ACCOUNT_NOT_FOUND");
  const std::string not_configured = json_error(
      "Account is not associated with a configured social provider.", "PROVIDER_NOT_CONFIGURED");
  const std::string ambiguous =
      json_error("Multiple accounts share this account ID. Pass a providerId to disambiguate.",
                 "AMBIGUOUS_ACCOUNT");
  struct Row {
    std::string query;
    std::string cookie;
    int status;
    std::string body;
  };
  const std::vector<Row> rows = {
      {"", alice.cookie, 400, not_found},
      {"?accountId=", alice.cookie, 400, not_found},
      {"?accountId=nope", alice.cookie, 400, not_found},
      {"?accountId=" + alice.id, alice.cookie, 400, ambiguous},
      {"?accountId=" + alice.id + "&providerId=", alice.cookie, 400, ambiguous},
      {"?accountId=" + alice.id + "&providerId=google", alice.cookie, 400, not_configured},
      {"?accountId=" + alice.id + "&providerId=credential", alice.cookie, 400, not_configured},
      {"?accountId=gh-1", alice.cookie, 400, not_configured},
      {"?accountId=gh-1&providerId=google", alice.cookie, 400, not_found},
      // Bob's session only sees Bob's accounts, whatever userId says.
      {"?accountId=gh-1&userId=" + alice.id, bob.cookie, 400, not_found},
      {"?accountId=" + bob.id, bob.cookie, 400, not_configured},
      // ctx.error("UNAUTHORIZED"): no body at all.
      {"", "", 401, ""},
      {"?userId=" + alice.id, "", 401, ""},
      {"?accountId=a&accountId=b", alice.cookie, 400,
       json_error("[query.accountId] Invalid input: expected string, received array",
                  "VALIDATION_ERROR")},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.query + (row.cookie.empty() ? " (no session)" : ""));
    auto response = bed.get("/account-info" + row.query, row.cookie);
    EXPECT_EQ(response.status, row.status);
    EXPECT_EQ(response.body, row.body);
    EXPECT_EQ(response.headers.get("content-type"), "application/json");
  }
}

// -------------------------------------------------------- unlink-account

TEST(UnlinkAccount, NeverTheLastAccount) {
  run_post_cases(
      "/unlink-account",
      {
          {"credential", R"({"providerId":"credential"})", true, 400,
           json_error("You can't unlink your last account", "FAILED_TO_UNLINK_LAST_ACCOUNT")},
          {"unknown provider", R"({"providerId":"google"})", true, 400,
           json_error("You can't unlink your last account", "FAILED_TO_UNLINK_LAST_ACCOUNT")},
          {"no session", R"({"providerId":"google"})", false, 401,
           json_error("Unauthorized", "UNAUTHORIZED")},
          {"no providerId", "{}", false, 400,
           json_error("[body.providerId] Invalid input: expected string, received undefined",
                      "VALIDATION_ERROR")},
      });
}

TEST(UnlinkAccount, RemovesTheNamedAccount) {
  AuthTestBed bed;
  const Signed alice = sign_up(bed);
  add_account(bed, alice.id, "google", "g-1", std::nullopt);
  add_account(bed, alice.id, "github", "gh-1", std::nullopt);
  const std::string not_found = json_error("Account not found", "ACCOUNT_NOT_FOUND");
  auto unknown = bed.post("/unlink-account", R"({"providerId":"nope"})", alice.cookie);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, not_found);
  auto wrong_id =
      bed.post("/unlink-account", R"({"providerId":"google","accountId":"zzz"})", alice.cookie);
  EXPECT_EQ(wrong_id.body, not_found);
  EXPECT_EQ(account_rows(bed), 3u);
  // An empty accountId counts as none.
  auto google =
      bed.post("/unlink-account", R"({"providerId":"google","accountId":""})", alice.cookie);
  EXPECT_EQ(google.status, 200);
  EXPECT_EQ(google.body, R"({"status":true})");
  EXPECT_EQ(account_rows(bed), 2u);
  auto github = bed.post("/unlink-account", R"({"providerId":"github"})", alice.cookie);
  EXPECT_EQ(github.body, R"({"status":true})");
  auto last = bed.post("/unlink-account", R"({"providerId":"credential"})", alice.cookie);
  EXPECT_EQ(last.body,
            json_error("You can't unlink your last account", "FAILED_TO_UNLINK_LAST_ACCOUNT"));
  EXPECT_EQ(account_rows(bed), 1u);
}

// freshSessionMiddleware: a session older than freshAge (a day) is refused.
TEST(UnlinkAccount, NeedsAFreshSession) {
  AuthTestBed bed;
  const Signed alice = sign_up(bed);
  bed.clock().advance_ms(86'400'000 + 1);
  auto response = bed.post("/unlink-account", R"({"providerId":"google"})", alice.cookie);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, json_error("Session is not fresh", "SESSION_NOT_FRESH"));
}

// ------------------------------------- get-access-token and refresh-token

TEST(ProviderTokens, NoProviderIsSupported) {
  for (const std::string path : {"/get-access-token", "/refresh-token"}) {
    SCOPED_TRACE(path);
    run_post_cases(
        path,
        {
            {"credential", R"({"providerId":"credential"})", true, 400,
             json_error("Provider credential is not supported.", "PROVIDER_NOT_SUPPORTED")},
            {"quote", R"({"providerId":"a\"b"})", true, 400,
             json_error("Provider a\"b is not supported.", "PROVIDER_NOT_SUPPORTED")},
            // ctx.error("UNAUTHORIZED"): a 401 without a body, a userId or not.
            {"no session", R"({"providerId":"google"})", false, 401, ""},
            {"no session, userId", R"({"providerId":"google","userId":"u"})", false, 401, ""},
            {"no providerId", "{}", false, 400,
             json_error("[body.providerId] Invalid input: expected string, received undefined",
                        "VALIDATION_ERROR")},
        });
  }
}

// ----------------------------------------- sign-in/social and link-social

TEST(SignInSocial, ValidatesThenFindsNoProvider) {
  const std::string not_found = json_error("Provider not found", "PROVIDER_NOT_FOUND");
  const auto invalid = [](const std::string& message) {
    return json_error(message, "VALIDATION_ERROR");
  };
  run_post_cases(
      "/sign-in/social",
      {
          {"google", R"({"provider":"google"})", false, 404, not_found},
          {"any string", R"({"provider":"nope","scopes":[]})", false, 404, not_found},
          {"with a session", R"({"provider":"google"})", true, 404, not_found},
          {"id token", R"({"provider":"google","idToken":{"token":"x"}})", false, 404, not_found},
          {"no provider", "{}", false, 400, invalid("[body.provider] Invalid input")},
          {"provider a number", R"({"provider":5})", false, 400,
           invalid("[body.provider] Invalid input")},
          {"id token empty", R"({"provider":"google","idToken":{}})", false, 400,
           invalid("[body.idToken.token] Invalid input: expected string, received undefined")},
          {"id token null", R"({"provider":"google","idToken":null})", false, 400,
           invalid("[body.idToken] Invalid input: expected object, received null")},
          {"id token nested",
           R"({"provider":"google","idToken":{"token":1,"nonce":2,"expiresAt":"x",)"
           R"("user":{"name":{"firstName":1},"email":2}}})",
           false, 400,
           invalid("[body.idToken.token] Invalid input: expected string, received number; "
                   "[body.idToken.nonce] Invalid input: expected string, received number; "
                   "[body.idToken.expiresAt] Invalid input: expected number, received string; "
                   "[body.idToken.user.name.firstName] Invalid input: expected string, received "
                   "number; [body.idToken.user.email] Invalid input: expected string, received "
                   "number")},
          {"id token user a string", R"({"provider":"google","idToken":{"token":"t","user":"u"}})",
           false, 400,
           invalid("[body.idToken.user] Invalid input: expected object, received string")},
          {"expiresAt infinite",
           R"({"provider":"google","idToken":{"token":"t","expiresAt":1e999}})", false, 400,
           invalid("[body.idToken.expiresAt] Invalid input: expected number, received Infinity")},
          {"scopes a string", R"({"provider":"google","scopes":"a"})", false, 400,
           invalid("[body.scopes] Invalid input: expected array, received string")},
          {"scopes elements", R"({"provider":"google","scopes":[1,"b",null]})", false, 400,
           invalid("[body.scopes.0] Invalid input: expected string, received number; "
                   "[body.scopes.2] Invalid input: expected string, received null")},
          {"additionalData an array", R"({"provider":"google","additionalData":[]})", false, 400,
           invalid("[body.additionalData] Invalid input: expected record, received array")},
          // Issues in the schema's order, whatever the body's.
          {"schema order",
           R"({"additionalData":1,"loginHint":2,"requestSignUp":1,"scopes":"s","idToken":[],)"
           R"("disableRedirect":"x"})",
           false, 400,
           invalid("[body.provider] Invalid input; [body.disableRedirect] Invalid input: "
                   "expected boolean, received string; [body.idToken] Invalid input: expected "
                   "object, received array; [body.scopes] Invalid input: expected array, "
                   "received string; [body.requestSignUp] Invalid input: expected boolean, "
                   "received number; [body.loginHint] Invalid input: expected string, received "
                   "number; [body.additionalData] Invalid input: expected record, received "
                   "number")},
          {"body null", "null", false, 400,
           invalid("[body] Invalid input: expected object, received null")},
          // originCheckMiddleware runs before zod.
          {"callbackURL a number", R"({"provider":null,"callbackURL":3})", false, 400,
           R"({"message":"Invalid callbackURL: expected a string"})"},
          {"untrusted errorCallbackURL",
           R"({"provider":"google","errorCallbackURL":"http://evil.com"})", false, 403,
           json_error("Invalid errorCallbackURL", "INVALID_ERROR_CALLBACK_URL")},
          {"untrusted newUserCallbackURL",
           R"({"provider":"google","newUserCallbackURL":"http://evil.com"})", false, 403,
           json_error("Invalid newUserCallbackURL", "INVALID_NEW_USER_CALLBACK_URL")},
      });
}

TEST(SignInSocial, RefusesAForm) {
  AuthTestBed bed;
  http::Headers headers{{"content-type", "application/x-www-form-urlencoded"},
                        {"origin", testing::kTestSiteOrigin}};
  auto response = bed.send("POST", "/api/auth/sign-in/social", "provider=google", headers);
  EXPECT_EQ(response.status, 415);
  EXPECT_EQ(response.body, json_error("Content-Type \"application/x-www-form-urlencoded\" is not "
                                      "allowed. Allowed types: application/json",
                                      "UNSUPPORTED_MEDIA_TYPE"));
}

TEST(LinkSocial, ValidatesThenNeedsASessionThenFindsNoProvider) {
  run_post_cases(
      "/link-social",
      {
          {"google", R"({"provider":"google"})", true, 404,
           json_error("Provider not found", "PROVIDER_NOT_FOUND")},
          {"no session", R"({"provider":"google"})", false, 401,
           json_error("Unauthorized", "UNAUTHORIZED")},
          {"no provider", "{}", false, 400,
           json_error("[body.provider] Invalid input", "VALIDATION_ERROR")},
          {"id token fields",
           R"({"provider":"google","idToken":{"token":1,"nonce":2,"accessToken":3,)"
           R"("refreshToken":4,"scopes":"s"}})",
           false, 400,
           json_error("[body.idToken.token] Invalid input: expected string, received number; "
                      "[body.idToken.nonce] Invalid input: expected string, received number; "
                      "[body.idToken.accessToken] Invalid input: expected string, received "
                      "number; [body.idToken.refreshToken] Invalid input: expected string, "
                      "received number; [body.idToken.scopes] Invalid input: expected array, "
                      "received string",
                      "VALIDATION_ERROR")},
          {"id token scopes", R"({"provider":"google","idToken":{"token":"t","scopes":[1]}})", true,
           400,
           json_error("[body.idToken.scopes.0] Invalid input: expected string, received number",
                      "VALIDATION_ERROR")},
          {"schema order",
           R"({"requestSignUp":"x","scopes":"y","disableRedirect":2,"additionalData":3,)"
           R"("idToken":1})",
           true, 400,
           json_error("[body.provider] Invalid input; [body.idToken] Invalid input: expected "
                      "object, received number; [body.requestSignUp] Invalid input: expected "
                      "boolean, received string; [body.scopes] Invalid input: expected array, "
                      "received string; [body.disableRedirect] Invalid input: expected boolean, "
                      "received number; [body.additionalData] Invalid input: expected record, "
                      "received number",
                      "VALIDATION_ERROR")},
          {"untrusted callbackURL", R"({"provider":"google","callbackURL":"http://evil.com"})",
           true, 403, json_error("Invalid callbackURL", "INVALID_CALLBACK_URL")},
      });
}

// ---------------------------------------------------------- callback/:id

struct CallbackRow {
  std::string name;
  std::string method;
  std::string target;  // below /api/auth
  std::string content_type;
  std::string body;
  int status;
  std::string location;  // "" when the answer is an error body
  std::string answer;    // the body when not a redirect
};

TEST(Callback, RedirectsLikeBetterAuth) {
  const std::string base = kBase;
  const std::string form = "application/x-www-form-urlencoded";
  const std::string json = "application/json";
  const std::vector<CallbackRow> rows = {
      {"no state", "GET", "/callback/google", "", "", 302, base + "/error?error=state_not_found",
       ""},
      {"empty state", "GET", "/callback/google?state=", "", "", 302,
       base + "/error?error=state_not_found", ""},
      {"provider error without state", "GET",
       "/callback/google?error=access_denied&error_description=x%20y", "", "", 302,
       base + "/error?error=state_not_found", ""},
      {"unknown state", "GET", "/callback/google?state=abc&error=access_denied", "", "", 302,
       base + "/error?error=state_mismatch", ""},
      {"encoded id", "GET", "/callback/g%2Fo?state=x", "", "", 302,
       base + "/error?error=state_mismatch", ""},
      {"repeated state", "GET", "/callback/google?state=a&state=b", "", "", 400, "",
       json_error("[query.state] Invalid input: expected string, received array",
                  "VALIDATION_ERROR")},
      {"form post", "POST", "/callback/google", form,
       "state=s&code=c&user=u&device_id=d&error_description=e%20f&error=x&zzz=1", 302,
       base + "/callback/google?code=c&error=x&device_id=d&error_description=e+f&state=s&user=u",
       ""},
      {"form post, last value wins", "POST", "/callback/google", form, "code=a&code=b", 302,
       base + "/callback/google?code=b", ""},
      {"form post, raw id", "POST", "/callback/go%20ogle", form, "code=a+b&state=%26%3D", 302,
       base + "/callback/go%20ogle?code=a+b&state=%26%3D", ""},
      {"query over body", "POST", "/callback/google?code=q1&other=z", form, "state=s", 302,
       base + "/callback/google?code=q1&state=s", ""},
      {"json post", "POST", "/callback/google?state=q", json, R"({"code":"c","state":"s"})", 302,
       base + "/callback/google?code=c&state=q", ""},
      {"json post, unicode", "POST", "/callback/google", json,
       R"({"code":"c","extra":1,"state":"ü x"})", 302,
       base + "/callback/google?code=c&state=%C3%BC+x", ""},
      {"empty form", "POST", "/callback/google", form, "", 302, base + "/callback/google?", ""},
      {"json code a number", "POST", "/callback/google", json, R"({"code":5})", 400, "",
       json_error("[body.code] Invalid input: expected string, received number",
                  "VALIDATION_ERROR")},
      {"issues in schema order", "POST", "/callback/x?error=1&code=2", json,
       R"({"user":1,"state":2,"code":3})", 400, "",
       json_error("[body.code] Invalid input: expected string, received number; [body.state] "
                  "Invalid input: expected string, received number; [body.user] Invalid input: "
                  "expected string, received number",
                  "VALIDATION_ERROR")},
      {"json array", "POST", "/callback/google", json, "[]", 400, "",
       json_error("[body] Invalid input: expected object, received array", "VALIDATION_ERROR")},
      {"text", "POST", "/callback/google", "text/plain;charset=UTF-8", "x", 415, "",
       json_error("Content-Type \"text/plain;charset=UTF-8\" is not allowed. Allowed types: "
                  "application/x-www-form-urlencoded, application/json",
                  "UNSUPPORTED_MEDIA_TYPE")},
      {"no id", "GET", "/callback/", "", "", 404, "", ""},
      {"no segment", "GET", "/callback", "", "", 404, "", ""},
  };
  AuthTestBed bed;
  for (const CallbackRow& row : rows) {
    SCOPED_TRACE(row.name);
    http::Headers headers;
    if (!row.content_type.empty()) {
      headers.add("content-type", row.content_type);
      headers.add("origin", testing::kTestSiteOrigin);
    }
    auto response = bed.send(row.method, "/api/auth" + row.target, row.body, headers);
    EXPECT_EQ(response.status, row.status);
    EXPECT_EQ(response.headers.get("location").value_or(""), row.location);
    EXPECT_EQ(response.body, row.answer);
    EXPECT_EQ(set_cookies(response), std::vector<std::string>{});
  }
}

// A state row in the verification table (as sign-in/social would have
// written it with a configured provider) and its signed state cookie.
struct StateRow {
  std::string name;
  std::string identifier;
  std::string value;
  std::int64_t expires_in_ms;  // of the row
  bool with_cookie;
  std::string query;
  std::string location;
  bool cookie_expired;  // the answer expires better-auth.state
  bool row_deleted;
};

TEST(Callback, ReadsTheStateLikeBetterAuth) {
  const std::string base = kBase;
  const auto state = [](const std::string& extra) {
    return R"({"callbackURL":"/","codeVerifier":"v","expiresAt":)" +
           std::to_string(kStart + 1'000'000) + extra + "}";
  };
  const std::vector<StateRow> rows = {
      {"not JSON", "s1", "abc", 600'000, true, "", base + "/error?error=internal_server_error",
       false, false},
      {"bad shape", "s2", R"({"callbackURL":1})", 600'000, true, "",
       base + "/error?error=internal_server_error", false, false},
      {"errorURL null", "s3", state(R"(,"errorURL":null)"), 600'000, true, "",
       base + "/error?error=internal_server_error", false, false},
      {"oauthState mismatch", "s4",
       state(R"(,"oauthState":"other","errorURL":"http://e.example/err?x=1")"), 600'000, true, "",
       "http://e.example/err?x=1&error=state_mismatch", false, false},
      {"no cookie", "s5", state(R"(,"oauthState":"s5")"), 600'000, false, "",
       base + "/error?error=state_mismatch", false, false},
      {"no code", "s6", state(R"(,"oauthState":"s6","errorURL":"/my-err")"), 600'000, true, "",
       "/my-err?error=no_code", true, true},
      {"provider error", "s7", state(""), 600'000, true,
       "&error=access_denied&error_description=no%20way",
       base + "/error?error=access_denied&error_description=no+way", true, true},
      {"state expired", "s8",
       R"({"callbackURL":"/","codeVerifier":"v","expiresAt":)" + std::to_string(kStart - 1) + "}",
       600'000, true, "", base + "/error?error=state_mismatch", true, true},
      {"no provider", "s9", state(""), 600'000, true, "&code=abc",
       base + "/error?error=oauth_provider_not_found", true, true},
      // findVerificationValue returns the row it found before its cleanup
      // deletes every expired row: only the state's own expiresAt counts.
      {"row expired", "s10", state(""), -1, true, "&code=abc",
       base + "/error?error=oauth_provider_not_found", true, true},
  };
  for (const StateRow& row : rows) {
    SCOPED_TRACE(row.name);
    AuthTestBed bed;
    bed.auth().services().adapter.create("verification", {{"identifier", row.identifier},
                                                          {"value", row.value},
                                                          {"expiresAt", kStart + row.expires_in_ms},
                                                          {"createdAt", kStart},
                                                          {"updatedAt", kStart}});
    http::Headers headers;
    if (row.with_cookie) {
      headers.add("cookie", "better-auth.state=" +
                                authconf::sign_cookie_value(row.identifier, AuthOptions{}.secret));
    }
    auto response = bed.send("GET", "/api/auth/callback/google?state=" + row.identifier + row.query,
                             "", headers);
    EXPECT_EQ(response.status, 302);
    EXPECT_EQ(response.headers.get("location").value_or(""), row.location);
    EXPECT_EQ(response.body, "");
    EXPECT_EQ(set_cookies(response),
              row.cookie_expired
                  ? std::vector<std::string>{"better-auth.state=; Max-Age=0; Path=/; HttpOnly; "
                                             "SameSite=Lax"}
                  : std::vector<std::string>{});
    EXPECT_EQ(bed.app().database().documents("component", "verification").size(),
              row.row_deleted ? 0u : 1u);
  }
}

}  // namespace
}  // namespace authref

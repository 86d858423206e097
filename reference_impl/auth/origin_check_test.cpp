// Origin and CSRF checks through the router: the transcript's §7 exchanges,
// the spec's §7 matrix and hostile callback URLs, each row an exact status
// and body. Expected answers were read from better-auth 1.6.34 itself
// (auth.handler on Node 20, NODE_ENV unset, the same trusted origins).
#include "auth/origin_check.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/auth_test_support.h"

namespace authref {
namespace {

constexpr const char* kInvalidOrigin = R"({"message":"Invalid origin","code":"INVALID_ORIGIN"})";
constexpr const char* kMissingOrigin =
    R"({"message":"Missing or null Origin","code":"MISSING_OR_NULL_ORIGIN"})";
constexpr const char* kCrossSite =
    R"({"message":"Cross-site navigation login blocked. This request appears to be a CSRF attack.","code":"CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"})";
constexpr const char* kInvalidCallback =
    R"({"message":"Invalid callbackURL","code":"INVALID_CALLBACK_URL"})";
constexpr const char* kInvalidRedirect =
    R"({"message":"Invalid redirectURL","code":"INVALID_REDIRECT_URL"})";
constexpr const char* kCallbackNotString =
    R"({"message":"Invalid callbackURL: expected a string"})";
constexpr const char* kSignedOut = R"({"success":true})";
// Successful sign-ins carry fresh tokens, so those rows pin the start.
constexpr const char* kSignedIn = R"({"redirect":false,"token":")";
constexpr const char* kSignedInRedirect = R"({"redirect":true,"token":")";

constexpr const char* kAliceSignIn = R"({"email":"alice@example.com","password":"password123"})";

struct OriginRow {
  std::string name = {};
  std::string method = "POST";
  std::string target = {};
  http::Headers headers = {};
  std::string body = {};
  int status = 0;
  std::string expected = {};  // the exact body, or its start when `prefix`
  bool prefix = false;
};

std::string sign_in_with_callback(const std::string& callback_json) {
  return R"({"email":"alice@example.com","password":"password123","callbackURL":)" + callback_json +
         "}";
}

http::Headers json_headers(std::initializer_list<std::pair<std::string, std::string>> extra = {}) {
  http::Headers headers{{"content-type", "application/json"}};
  for (const auto& [name, value] : extra) headers.add(name, value);
  return headers;
}

std::vector<OriginRow> origin_rows() {
  const std::string sign_in = "/api/auth/sign-in/email";
  const std::string sign_out = "/api/auth/sign-out";
  const std::string cookie = "better-auth.session_token=whatever";
  std::vector<OriginRow> rows = {
      // spec/transcripts §7, in order.
      {.name = "SignInNoOriginNoCookieAllowed",
       .target = sign_in,
       .headers = json_headers(),
       .body = kAliceSignIn,
       .status = 200,
       .expected = kSignedIn,
       .prefix = true},
      {.name = "SignInUntrustedOrigin",
       .target = sign_in,
       .headers = json_headers({{"origin", "https://evil.example"}}),
       .body = kAliceSignIn,
       .status = 403,
       .expected = kInvalidOrigin},
      {.name = "SignInUntrustedRefererOnly",
       .target = sign_in,
       .headers = json_headers({{"referer", "https://evil.example/login"}}),
       .body = kAliceSignIn,
       .status = 403,
       .expected = kInvalidOrigin},
      {.name = "SignInCrossSiteNavigation",
       .target = sign_in,
       .headers = json_headers({{"sec-fetch-site", "cross-site"},
                                {"sec-fetch-mode", "navigate"},
                                {"sec-fetch-dest", "document"}}),
       .body = kAliceSignIn,
       .status = 403,
       .expected = kCrossSite},
      {.name = "SignUpUntrustedOrigin",
       .target = "/api/auth/sign-up/email",
       .headers = json_headers({{"origin", "https://evil.example"}}),
       .body = R"({"email":"mallory@example.com","password":"password123","name":"Mallory"})",
       .status = 403,
       .expected = kInvalidOrigin},
      {.name = "SignOutCookieWithoutOrigin",
       .target = sign_out,
       .headers = json_headers({{"cookie", cookie}}),
       .body = "{}",
       .status = 403,
       .expected = kMissingOrigin},
      {.name = "SignOutCookieOriginNull",
       .target = sign_out,
       .headers = json_headers({{"cookie", cookie}, {"origin", "null"}}),
       .body = "{}",
       .status = 403,
       .expected = kMissingOrigin},
      {.name = "SignOutCookieUntrustedOrigin",
       .target = sign_out,
       .headers = json_headers({{"cookie", cookie}, {"origin", "https://evil.example"}}),
       .body = "{}",
       .status = 403,
       .expected = kInvalidOrigin},
      {.name = "SignOutCookieBaseOriginTrustedImplicitly",
       .target = sign_out,
       .headers = json_headers({{"cookie", cookie}, {"origin", "http://127.0.0.1:8787"}}),
       .body = "{}",
       .status = 200,
       .expected = kSignedOut},
      {.name = "RequestPasswordResetUntrustedRedirectTo",
       .target = "/api/auth/request-password-reset",
       .headers = json_headers({{"origin", testing::kTestSiteOrigin}}),
       .body = R"({"email":"alice@example.com","redirectTo":"https://evil.example/reset"})",
       .status = 403,
       .expected = kInvalidRedirect},
      // spec §7's matrix (trustedOrigins https://app.example.com, *.trusted.dev).
      {.name = "SignInWildcardTrustedOrigin",
       .target = sign_in,
       .headers = json_headers({{"origin", "https://foo.trusted.dev"}}),
       .body = kAliceSignIn,
       .status = 200,
       .expected = kSignedIn,
       .prefix = true},
      {.name = "SignInSecFetchSameOriginWithoutOrigin",
       .target = sign_in,
       .headers = json_headers({{"sec-fetch-site", "same-origin"}}),
       .body = kAliceSignIn,
       .status = 403,
       .expected = kMissingOrigin},
      {.name = "SignOutCookieTrustedReferer",
       .target = sign_out,
       .headers =
           json_headers({{"cookie", cookie}, {"referer", "http://127.0.0.1:8787/some/page"}}),
       .body = "{}",
       .status = 200,
       .expected = kSignedOut},
      // 1.6.34 has no same-origin exception for Origin: null (1.7 does).
      {.name = "SignOutCookieOriginNullSameOriginStillRefused",
       .target = sign_out,
       .headers = json_headers(
           {{"cookie", cookie}, {"origin", "null"}, {"sec-fetch-site", "same-origin"}}),
       .body = "{}",
       .status = 403,
       .expected = kMissingOrigin},
      {.name = "SignOutCookieEmptyOriginFallsBackToReferer",
       .target = sign_out,
       .headers = json_headers(
           {{"cookie", cookie}, {"origin", ""}, {"referer", "http://localhost:5173/x"}}),
       .body = "{}",
       .status = 200,
       .expected = kSignedOut},
      {.name = "SignOutCookieOriginWithTrailingSlash",
       .target = sign_out,
       .headers = json_headers({{"cookie", cookie}, {"origin", "http://localhost:5173/"}}),
       .body = "{}",
       .status = 200,
       .expected = kSignedOut},
      {.name = "SignOutCookieOriginSuffixAttack",
       .target = sign_out,
       .headers = json_headers({{"cookie", cookie}, {"origin", "http://localhost:5173.evil.com"}}),
       .body = "{}",
       .status = 403,
       .expected = kInvalidOrigin},
      {.name = "SignOutCookieExactExtraOrigin",
       .target = sign_out,
       .headers = json_headers({{"cookie", cookie}, {"origin", "https://app.example.com"}}),
       .body = "{}",
       .status = 200,
       .expected = kSignedOut},
      {.name = "SignOutBearerOnlyIsNotOriginChecked",
       .target = sign_out,
       .headers = json_headers({{"authorization", "Bearer whatever"}}),
       .body = "{}",
       .status = 200,
       .expected = kSignedOut},
      {.name = "SignInTrustedOriginButCrossSiteNavigation",
       .target = sign_in,
       .headers = json_headers({{"origin", testing::kTestSiteOrigin},
                                {"sec-fetch-site", "cross-site"},
                                {"sec-fetch-mode", "navigate"}}),
       .body = kAliceSignIn,
       .status = 403,
       .expected = kCrossSite},
      {.name = "SignInSecFetchDestWithTrustedOrigin",
       .target = sign_in,
       .headers =
           json_headers({{"origin", testing::kTestSiteOrigin}, {"sec-fetch-dest", "document"}}),
       .body = kAliceSignIn,
       .status = 200,
       .expected = kSignedIn,
       .prefix = true},
      {.name = "SignInBlankSecFetchCountsAsAbsent",
       .target = sign_in,
       .headers = json_headers({{"sec-fetch-site", "  "}, {"sec-fetch-mode", ""}}),
       .body = kAliceSignIn,
       .status = 200,
       .expected = kSignedIn,
       .prefix = true},
      // Callback URLs, validated for every POST with or without a cookie.
      {.name = "CallbackProtocolRelative",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"("//evil.com")"),
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "CallbackBackslash",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"("/\\evil.com")"),
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "CallbackEncodedSlashes",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"("/%2F%2Fevil.com")"),
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "CallbackJavascriptScheme",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"js("javascript:alert(1)")js"),
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "CallbackHostSuffixAttack",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"("http://localhost:5173.evil.com")"),
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "CallbackRelativeWithFragment",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"("/a#b")"),
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "CallbackOtherScheme",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"("https://localhost:5173")"),
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "CallbackTrustedAbsolute",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"("http://localhost:5173/x")"),
       .status = 200,
       .expected = kSignedInRedirect,
       .prefix = true},
      {.name = "CallbackSafeRelativeWithQuery",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"("/ok?x=1")"),
       .status = 200,
       .expected = kSignedInRedirect,
       .prefix = true},
      {.name = "CallbackEmptyIsNotChecked",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"("")"),
       .status = 200,
       .expected = kSignedIn,
       .prefix = true},
      {.name = "CallbackNumber",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback("5"),
       .status = 400,
       .expected = kCallbackNotString},
      {.name = "CallbackTrue",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback("true"),
       .status = 400,
       .expected = kCallbackNotString},
      {.name = "CallbackArray",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback(R"(["/a"])"),
       .status = 400,
       .expected = kCallbackNotString},
      // null is falsy: the origin check lets it through and zod refuses it.
      {.name = "CallbackNullReachesZod",
       .target = sign_in,
       .headers = json_headers(),
       .body = sign_in_with_callback("null"),
       .status = 400,
       .expected =
           R"({"message":"[body.callbackURL] Invalid input: expected string, received null","code":"VALIDATION_ERROR"})"},
      {.name = "CallbackInQuery",
       .target = sign_in + "?callbackURL=//evil.com",
       .headers = json_headers(),
       .body = kAliceSignIn,
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "CallbackRepeatedInQueryIsAnArray",
       .target = sign_in + "?callbackURL=/a&callbackURL=/b",
       .headers = json_headers(),
       .body = kAliceSignIn,
       .status = 400,
       .expected = kCallbackNotString},
      {.name = "RedirectToNumber",
       .target = "/api/auth/request-password-reset",
       .headers = json_headers(),
       .body = R"({"email":"alice@example.com","redirectTo":7})",
       .status = 400,
       .expected = R"({"message":"Invalid redirectURL: expected a string"})"},
      {.name = "ErrorCallbackUntrusted",
       .target = sign_out,
       .headers = json_headers(),
       .body = R"({"errorCallbackURL":"//e.com"})",
       .status = 403,
       .expected = R"({"message":"Invalid errorCallbackURL","code":"INVALID_ERROR_CALLBACK_URL"})"},
      {.name = "NewUserCallbackUntrusted",
       .target = sign_out,
       .headers = json_headers(),
       .body = R"({"newUserCallbackURL":"//e.com"})",
       .status = 403,
       .expected =
           R"({"message":"Invalid newUserCallbackURL","code":"INVALID_NEW_USER_CALLBACK_URL"})"},
      {.name = "CallbackCheckedBeforeNewUserCallback",
       .target = sign_out,
       .headers = json_headers(),
       .body = R"({"newUserCallbackURL":3,"callbackURL":"//e.com"})",
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "FalsyCallbackThenRedirectTo",
       .target = sign_out,
       .headers = json_headers(),
       .body = R"({"callbackURL":0,"redirectTo":"//e.com"})",
       .status = 403,
       .expected = kInvalidRedirect},
      // GET skips the router-wide check but not an endpoint's originCheck,
      // which runs after zod.
      {.name = "GetWithCookieAndNoOriginIsNotChecked",
       .method = "GET",
       .target = "/api/auth/get-session",
       .headers = http::Headers{{"cookie", cookie}},
       .status = 200,
       .expected = "null"},
      {.name = "VerifyEmailUntrustedCallback",
       .method = "GET",
       .target = "/api/auth/verify-email?token=x&callbackURL=//evil.com",
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "VerifyEmailRepeatedCallbackFailsZodFirst",
       .method = "GET",
       .target = "/api/auth/verify-email?token=x&callbackURL=/a&callbackURL=//evil.com",
       .status = 400,
       .expected =
           R"({"message":"[query.callbackURL] Invalid input: expected string, received array","code":"VALIDATION_ERROR"})"},
      {.name = "ResetPasswordCallbackUntrusted",
       .method = "GET",
       .target = "/api/auth/reset-password/abc?callbackURL=//evil.com",
       .status = 403,
       .expected = kInvalidCallback},
      {.name = "ResetPasswordCallbackWithSpaceInQuery",
       .method = "GET",
       .target = "/api/auth/reset-password/abc?callbackURL=/r?x=a%20b",
       .status = 403,
       .expected = kInvalidCallback},
  };
  return rows;
}

AuthOptions matrix_options() {
  AuthOptions options;
  options.trusted_origins = {"https://app.example.com", "*.trusted.dev"};
  return options;
}

class OriginCheckTest : public ::testing::TestWithParam<OriginRow> {
 protected:
  // One server for the whole table: rows only read, or refuse.
  static void SetUpTestSuite() {
    bed_ = std::make_unique<testing::AuthTestBed>(matrix_options());
    ASSERT_EQ(bed_->sign_up("alice@example.com", "password123").status, 200);
  }
  static void TearDownTestSuite() { bed_.reset(); }
  static std::unique_ptr<testing::AuthTestBed> bed_;
};
std::unique_ptr<testing::AuthTestBed> OriginCheckTest::bed_;

TEST_P(OriginCheckTest, AnswersExactly) {
  const OriginRow& row = GetParam();
  auto response = bed_->send(row.method, row.target, row.body, row.headers);
  EXPECT_EQ(response.status, row.status);
  if (row.prefix) {
    EXPECT_TRUE(response.body.starts_with(row.expected)) << response.body;
  } else {
    EXPECT_EQ(response.body, row.expected);
  }
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
}

INSTANTIATE_TEST_SUITE_P(Matrix, OriginCheckTest, ::testing::ValuesIn(origin_rows()),
                         [](const ::testing::TestParamInfo<OriginRow>& row) {
                           return row.param.name;
                         });

TEST(OriginCheckUnitTest, TrustsBaseOriginSiteUrlAndExtraPatterns) {
  OriginCheck check(matrix_options());
  EXPECT_EQ(check.trusted_origins(),
            (std::vector<std::string>{"http://127.0.0.1:8787", "http://localhost:5173",
                                      "https://app.example.com", "*.trusted.dev"}));
}

TEST(OriginCheckUnitTest, RelativeUrlsOnlyForCallbacks) {
  OriginCheck check(AuthOptions{});
  EXPECT_TRUE(check.is_trusted("/dashboard", true));
  EXPECT_FALSE(check.is_trusted("/dashboard", false));
  EXPECT_FALSE(check.is_trusted("//evil.com", true));
  EXPECT_TRUE(check.is_trusted("http://LOCALHOST:5173/x", false));
  EXPECT_FALSE(check.is_trusted("http://localhost:5174", false));
}

}  // namespace
}  // namespace authref

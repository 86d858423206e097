// Suite `origin`: Better Auth's origin and CSRF checks (spec/better-auth-wire.md §7), as
// better-auth 1.6.34 ships them (dist/api/middlewares/origin-check.mjs,
// dist/auth/trusted-origins.mjs) and the transcripts show them
// (spec/transcripts/better-auth-1.6.34-memory.md §7):
//  - originCheckMiddleware: a POST that carries a Cookie header must come from a trusted
//    Origin (else Referer): MISSING_OR_NULL_ORIGIN / INVALID_ORIGIN; GET is never checked and
//    a POST without a Cookie is not either (bearer and curl-style clients pass);
//  - formCsrfMiddleware on sign-in and sign-up: Fetch Metadata and any Origin/Referer force
//    the check even without a cookie; a cross-site navigation is blocked outright;
//  - callback and redirect URLs (callbackURL, redirectTo, errorCallbackURL,
//    newUserCallbackURL) on every POST, and callbackURL on the GET routes that redirect
//    (verify-email, reset-password/:token, delete-user/callback): trusted origins or safe
//    relative paths only.
// Requests that must pass use bodies that fail right after the check with a cheap, exact
// answer (sign-in with a malformed email: 400 INVALID_EMAIL; sign-up with a short password:
// 400 PASSWORD_TOO_SHORT), so the suite hashes one password in all (its shared user).
#include <authconf/encoding.h>
#include <authconf/gen.h>
#include <authconf/matchers.h>
#include <authconf/origin.h>
#include <authconf/suite.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "../common/site_template.h"

namespace authconf {
namespace {

using suite::target;
using ::testing::TestParamInfo;
using ::testing::TestWithParam;
using ::testing::ValuesIn;

constexpr const char* kSpec = "spec/better-auth-wire.md §7";
constexpr std::string_view kEvil = "https://evil.example";

// ---------------------------------------------------------------------------------------
// Exact answers (BASE_ERROR_CODES, @better-auth/core dist/error/codes.mjs; the body is
// {"message","code"} in that order).

Json error_body(std::string_view message, std::string_view code) {
  return Json{{"message", message}, {"code", code}};
}
const Json kMissingOrNullOriginBody =
    error_body("Missing or null Origin", "MISSING_OR_NULL_ORIGIN");
const Json kInvalidOriginBody = error_body("Invalid origin", "INVALID_ORIGIN");
const Json kCrossSiteNavigationBody =
    error_body("Cross-site navigation login blocked. This request appears to be a CSRF attack.",
               "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED");
const Json kInvalidEmail = error_body("Invalid email", "INVALID_EMAIL");
const Json kPasswordTooShort = error_body("Password too short", "PASSWORD_TOO_SHORT");
const Json kUnauthorized = error_body("Unauthorized", "UNAUTHORIZED");

// The 403 of each URL field: originCheckMiddleware's label for the field, then its code.
Json untrusted_url_body(std::string_view field) {
  if (field == "redirectTo") return error_body("Invalid redirectURL", "INVALID_REDIRECT_URL");
  if (field == "errorCallbackURL") {
    return error_body("Invalid errorCallbackURL", "INVALID_ERROR_CALLBACK_URL");
  }
  if (field == "newUserCallbackURL") {
    return error_body("Invalid newUserCallbackURL", "INVALID_NEW_USER_CALLBACK_URL");
  }
  return error_body("Invalid callbackURL", "INVALID_CALLBACK_URL");
}

// Options that neither send nor keep cookies: each case sets its Cookie header itself.
CallOptions cookieless(std::optional<std::string> origin = CallOptions::kSiteOrigin) {
  CallOptions options;
  options.origin = std::move(origin);
  options.send_cookies = false;
  options.store_cookies = false;
  return options;
}

// "origin.cookie-post.missing-origin" → "cookie_post_missing_origin" (a gtest name).
std::string test_name(std::string_view id) {
  std::string name(id.substr(id.find('.') + 1));
  std::ranges::replace_if(
      name, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

// ---------------------------------------------------------------------------------------
// The site origin and its hostile variants.

using namespace site_template;

// The trusted origins of the target as Better Auth computes them for a default
// configuration: the baseURL's origin and the site origin (trustedOrigins).
std::vector<std::string> trusted_origins(const Site& s) { return {s.base, s.origin}; }

// ---------------------------------------------------------------------------------------
// The shared user: one sign-up for the whole run (scrypt is the time floor).

struct SharedUser {
  std::unique_ptr<Browser> browser;
  suite::SignedUpUser user;
};

const SharedUser* shared_user() {
  static std::unique_ptr<SharedUser> shared;
  if (!shared) {
    auto browser = std::make_unique<Browser>(target());
    auto user = suite::sign_up(*browser, "Origin Suite", suite::Lifetime::kRun);
    if (!user) return nullptr;
    shared = std::make_unique<SharedUser>(SharedUser{std::move(browser), std::move(*user)});
  }
  return shared.get();
}

// The Cookie header the shared user's browser sends to the auth routes.
std::string session_cookie_header(const SharedUser& shared) {
  return shared.browser->jar().cookie_header(target().auth_url("/update-user"));
}

// ---------------------------------------------------------------------------------------
// A. Which requests are checked, and how: a table over the headers of one POST.

enum class Route {
  kUpdateUser,  // POST /update-user {"name"}: only originCheckMiddleware
  kSignIn,      // POST /sign-in/email, malformed email: formCsrfMiddleware too
  kSignUp,      // POST /sign-up/email, short password: formCsrfMiddleware too
};

enum class Cookie {
  kNone,
  kSession,  // the shared user's real session cookie
  kBogus,    // a Cookie header that names no session at all
};

// What the check decides; kPasses means the request reached the endpoint.
enum class Verdict { kPasses, kMissingOrNull, kInvalidOrigin, kCrossSiteNavigation };

struct HeaderRow {
  const char* id;
  Route route;
  Cookie cookie;
  std::optional<const char*> origin;   // template; nullopt: no Origin header
  std::optional<const char*> referer;  // template; nullopt: no Referer header
  const char* sec_fetch_site = nullptr;
  const char* sec_fetch_mode = nullptr;
  const char* sec_fetch_dest = nullptr;
  Verdict verdict = Verdict::kPasses;
};

const HeaderRow kHeaderRows[] = {
    // --- A.1 A POST with a Cookie: Origin, else Referer, must be trusted (transcript §7).
    {.id = "origin.cookie-post.missing-origin-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = std::nullopt,
     .referer = std::nullopt,
     .verdict = Verdict::kMissingOrNull},
    {.id = "origin.cookie-post.null-origin-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "null",
     .referer = std::nullopt,
     .verdict = Verdict::kMissingOrNull},
    // 1.7.x lets `Origin: null` + `Sec-Fetch-Site: same-origin` through; 1.6.34 has no such
    // exception (validateOrigin checks only `!originHeader || originHeader === "null"`).
    {.id = "origin.cookie-post.null-origin-same-origin-fetch-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "null",
     .referer = std::nullopt,
     .sec_fetch_site = "same-origin",
     .verdict = Verdict::kMissingOrNull},
    {.id = "origin.cookie-post.untrusted-origin-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "https://evil.example",
     .referer = std::nullopt,
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.cookie-post.site-origin-accepted",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{site}",
     .referer = std::nullopt},
    // The baseURL's own origin is trusted implicitly (getTrustedOrigins).
    {.id = "origin.cookie-post.base-url-origin-accepted",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{base}",
     .referer = std::nullopt},
    // matchesOriginPattern compares `new URL(origin).origin`, so case and a trailing slash
    // normalise away (a byte comparison would refuse these).
    {.id = "origin.cookie-post.upper-case-origin-normalised",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{upper-site}",
     .referer = std::nullopt},
    {.id = "origin.cookie-post.trailing-slash-origin-normalised",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{site}/",
     .referer = std::nullopt},
    // Mutants: startsWith / endsWith / contains comparisons, userinfo read as the host.
    {.id = "origin.cookie-post.userinfo-origin-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{site}@evil.example",
     .referer = std::nullopt,
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.cookie-post.host-suffix-origin-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{scheme}://{hostname}.evil.example{port}",
     .referer = std::nullopt,
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.cookie-post.host-prefix-origin-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{scheme}://evil{hostname}{port}",
     .referer = std::nullopt,
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.cookie-post.subdomain-origin-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{scheme}://evil.{hostname}{port}",
     .referer = std::nullopt,
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.cookie-post.other-port-origin-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{scheme}://{hostname}{other-port}",
     .referer = std::nullopt,
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.cookie-post.other-scheme-origin-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "{other-scheme}://{host}",
     .referer = std::nullopt,
     .verdict = Verdict::kInvalidOrigin},
    // Referer is the fallback when Origin is absent (or empty), never an override.
    {.id = "origin.cookie-post.trusted-referer-fallback-accepted",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = std::nullopt,
     .referer = "{site}/some/page"},
    {.id = "origin.cookie-post.untrusted-referer-fallback-refused",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = std::nullopt,
     .referer = "https://evil.example/page",
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.cookie-post.empty-origin-falls-back-to-referer",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "",
     .referer = "{site}/some/page"},
    // `headers.get("origin") || headers.get("referer")`: a present Origin wins.
    {.id = "origin.cookie-post.untrusted-origin-wins-over-trusted-referer",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "https://evil.example",
     .referer = "{site}/some/page",
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.cookie-post.null-origin-wins-over-trusted-referer",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kSession,
     .origin = "null",
     .referer = "{site}/some/page",
     .verdict = Verdict::kMissingOrNull},
    // The check keys on the Cookie header being present, not on a valid session (mutant:
    // checking only requests whose session resolves).
    {.id = "origin.cookie-post.any-cookie-triggers-check",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kBogus,
     .origin = std::nullopt,
     .referer = std::nullopt,
     .verdict = Verdict::kMissingOrNull},
    // Without a Cookie, a POST outside sign-in/sign-up is not origin-checked: the session
    // check answers (mutant: Origin required on every POST, which breaks curl and bearer).
    {.id = "origin.cookie-post.no-cookie-no-origin-not-checked",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kNone,
     .origin = std::nullopt,
     .referer = std::nullopt},
    {.id = "origin.cookie-post.no-cookie-untrusted-origin-not-checked",
     .route = Route::kUpdateUser,
     .cookie = Cookie::kNone,
     .origin = "https://evil.example",
     .referer = std::nullopt},

    // --- A.2 formCsrfMiddleware: sign-in and sign-up without a Cookie.
    {.id = "origin.login-csrf.sign-in-untrusted-origin-refused",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = "https://evil.example",
     .referer = std::nullopt,
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.login-csrf.sign-in-untrusted-referer-refused",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = std::nullopt,
     .referer = "https://evil.example/login",
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.login-csrf.sign-in-null-origin-refused",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = "null",
     .referer = std::nullopt,
     .verdict = Verdict::kMissingOrNull},
    {.id = "origin.login-csrf.sign-in-cross-site-navigation-blocked",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = std::nullopt,
     .referer = std::nullopt,
     .sec_fetch_site = "cross-site",
     .sec_fetch_mode = "navigate",
     .sec_fetch_dest = "document",
     .verdict = Verdict::kCrossSiteNavigation},
    // The navigation block comes before any Origin comparison (mutant: origin first).
    {.id = "origin.login-csrf.cross-site-navigation-blocked-despite-trusted-origin",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = "{site}",
     .referer = std::nullopt,
     .sec_fetch_site = "cross-site",
     .sec_fetch_mode = "navigate",
     .sec_fetch_dest = "document",
     .verdict = Verdict::kCrossSiteNavigation},
    // A SPA on the site origin calling the deployment is a cross-site fetch in cors mode:
    // it must pass (mutant: every cross-site request blocked).
    {.id = "origin.login-csrf.cross-site-cors-fetch-from-site-accepted",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = "{site}",
     .referer = std::nullopt,
     .sec_fetch_site = "cross-site",
     .sec_fetch_mode = "cors",
     .sec_fetch_dest = "empty"},
    {.id = "origin.login-csrf.cross-site-cors-fetch-untrusted-refused",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = "https://evil.example",
     .referer = std::nullopt,
     .sec_fetch_site = "cross-site",
     .sec_fetch_mode = "cors",
     .sec_fetch_dest = "empty",
     .verdict = Verdict::kInvalidOrigin},
    // Any Fetch Metadata header forces the Origin check (spec §7 matrix).
    {.id = "origin.login-csrf.fetch-metadata-without-origin-refused",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = std::nullopt,
     .referer = std::nullopt,
     .sec_fetch_site = "same-origin",
     .verdict = Verdict::kMissingOrNull},
    {.id = "origin.login-csrf.sec-fetch-dest-alone-forces-check",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = std::nullopt,
     .referer = std::nullopt,
     .sec_fetch_dest = "document",
     .verdict = Verdict::kMissingOrNull},
    // A same-site form navigation is not blocked, but its Origin still has to be trusted.
    {.id = "origin.login-csrf.same-site-navigation-untrusted-origin-refused",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = "{scheme}://evil.{hostname}{port}",
     .referer = std::nullopt,
     .sec_fetch_site = "same-site",
     .sec_fetch_mode = "navigate",
     .sec_fetch_dest = "document",
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.login-csrf.same-origin-navigation-trusted-referer-accepted",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = std::nullopt,
     .referer = "{site}/login",
     .sec_fetch_site = "same-origin",
     .sec_fetch_mode = "navigate",
     .sec_fetch_dest = "document"},
    // No cookie, no Origin/Referer, no Fetch Metadata: a server-to-server call passes.
    {.id = "origin.login-csrf.server-to-server-sign-in-not-checked",
     .route = Route::kSignIn,
     .cookie = Cookie::kNone,
     .origin = std::nullopt,
     .referer = std::nullopt},
    {.id = "origin.login-csrf.sign-up-untrusted-origin-refused",
     .route = Route::kSignUp,
     .cookie = Cookie::kNone,
     .origin = "https://evil.example",
     .referer = std::nullopt,
     .verdict = Verdict::kInvalidOrigin},
    {.id = "origin.login-csrf.sign-up-cross-site-navigation-blocked",
     .route = Route::kSignUp,
     .cookie = Cookie::kNone,
     .origin = std::nullopt,
     .referer = std::nullopt,
     .sec_fetch_site = "cross-site",
     .sec_fetch_mode = "navigate",
     .sec_fetch_dest = "document",
     .verdict = Verdict::kCrossSiteNavigation},
    {.id = "origin.login-csrf.sign-up-site-origin-accepted",
     .route = Route::kSignUp,
     .cookie = Cookie::kNone,
     .origin = "{site}",
     .referer = std::nullopt},
};

// gtest prints a failing row by its case id.
void PrintTo(const HeaderRow& row, std::ostream* out) { *out << row.id; }

class OriginHeaders : public TestWithParam<HeaderRow> {};

TEST_P(OriginHeaders, Verdict) {
  const HeaderRow& row = GetParam();
  AUTHCONF_CASE(row.id, kSpec);
  auto s = site();
  ASSERT_TRUE(s) << "the site origin or the target URL does not parse";
  const SharedUser* shared = nullptr;
  if (row.cookie == Cookie::kSession || row.route == Route::kUpdateUser) {
    shared = shared_user();
    ASSERT_NE(shared, nullptr);
  }

  CallOptions options;
  options.send_cookies = false;  // the row decides the Cookie header
  options.store_cookies = false;
  options.origin = std::nullopt;
  if (row.origin) {
    options.origin = expand(*row.origin, *s);
  }
  if (row.referer) options.headers.emplace_back("Referer", expand(*row.referer, *s));
  if (row.cookie == Cookie::kSession) {
    options.headers.emplace_back("Cookie", session_cookie_header(*shared));
  } else if (row.cookie == Cookie::kBogus) {
    options.headers.emplace_back("Cookie", "authconf-unrelated=1");
  }
  if (row.sec_fetch_site) options.headers.emplace_back("Sec-Fetch-Site", row.sec_fetch_site);
  if (row.sec_fetch_mode) options.headers.emplace_back("Sec-Fetch-Mode", row.sec_fetch_mode);
  if (row.sec_fetch_dest) options.headers.emplace_back("Sec-Fetch-Dest", row.sec_fetch_dest);

  Browser browser(target());
  std::string path;
  Json body;
  int passed_status = 400;
  Json passed_body;
  switch (row.route) {
    case Route::kUpdateUser:
      path = "/update-user";
      body = {{"name", "Origin Suite"}};
      passed_status = row.cookie == Cookie::kSession ? 200 : 401;
      passed_body = row.cookie == Cookie::kSession ? Json{{"status", true}} : kUnauthorized;
      break;
    case Route::kSignIn:
      path = "/sign-in/email";
      body = {{"email", "not-an-email"}, {"password", "irrelevant-password"}};
      passed_body = kInvalidEmail;
      break;
    case Route::kSignUp:
      path = "/sign-up/email";
      body = {{"email", target().new_email()}, {"password", "x"}, {"name", "Origin Suite"}};
      passed_body = kPasswordTooShort;
      break;
  }
  auto answer = AUTHCONF_OK(browser.post_json(target().auth_path(path), body, options));
  switch (row.verdict) {
    case Verdict::kPasses:
      EXPECT_THAT(answer, HasStatus(passed_status));
      EXPECT_THAT(answer, HasJsonBody(passed_body));
      break;
    case Verdict::kMissingOrNull:
      EXPECT_THAT(answer, HasStatus(403));
      EXPECT_THAT(answer, HasJsonBody(kMissingOrNullOriginBody));
      break;
    case Verdict::kInvalidOrigin:
      EXPECT_THAT(answer, HasStatus(403));
      EXPECT_THAT(answer, HasJsonBody(kInvalidOriginBody));
      break;
    case Verdict::kCrossSiteNavigation:
      EXPECT_THAT(answer, HasStatus(403));
      EXPECT_THAT(answer, HasJsonBody(kCrossSiteNavigationBody));
      break;
  }
  // A refused request changes nothing: no session cookie is handed out.
  if (row.verdict != Verdict::kPasses) {
    EXPECT_THAT(answer, LacksHeader("set-cookie"));
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, OriginHeaders, ValuesIn(kHeaderRows),
                         [](const TestParamInfo<HeaderRow>& row) {
                           return test_name(row.param.id);
                         });

// A refused cookie POST leaves the state as it was: the name did not change.
TEST(OriginCookiePost, RefusedRequestChangesNothing) {
  AUTHCONF_CASE("origin.cookie-post.refused-update-not-applied", kSpec);
  const SharedUser* shared = shared_user();
  ASSERT_NE(shared, nullptr);
  Browser browser(target());
  CallOptions options = cookieless(std::string(kEvil));
  options.headers.emplace_back("Cookie", session_cookie_header(*shared));
  auto refused = AUTHCONF_OK(browser.post_json(target().auth_path("/update-user"),
                                               {{"name", "Renamed By Evil"}}, options));
  EXPECT_THAT(refused, HasStatus(403));
  EXPECT_THAT(refused, HasJsonBody(kInvalidOriginBody));
  CallOptions read = cookieless();
  read.headers.emplace_back("Cookie", session_cookie_header(*shared));
  auto session = AUTHCONF_OK(browser.get(target().auth_path("/get-session"), read));
  ASSERT_THAT(session, HasStatus(200));
  const Json user = json_body(session).json.value("user", Json());
  ASSERT_TRUE(user.is_object()) << describe(session);
  EXPECT_NE(user.value("name", ""), "Renamed By Evil");
}

// GET, HEAD and OPTIONS are never origin-checked: a GET with the session cookie from an
// untrusted origin still answers the session (transcript §6; mutant: checking every method).
TEST(OriginSafeMethods, GetWithCookieFromUntrustedOriginNotChecked) {
  AUTHCONF_CASE("origin.safe-method.get-with-cookie-not-checked", kSpec);
  const SharedUser* shared = shared_user();
  ASSERT_NE(shared, nullptr);
  Browser browser(target());
  CallOptions options = cookieless(std::string(kEvil));
  options.headers.emplace_back("Cookie", session_cookie_header(*shared));
  auto session = AUTHCONF_OK(browser.get(target().auth_path("/get-session"), options));
  EXPECT_THAT(session, HasStatus(200));
  const Json body = json_body(session).json;
  ASSERT_TRUE(body.is_object()) << describe(session);
  EXPECT_EQ(body["user"].value("email", ""), shared->user.email);
}

// A bearer token is not a cookie: the convex plugin's bearer hook turns it into a session
// after the router's origin check ran on the request as received, so a bearer client needs
// no Origin (and cannot be forged cross-site without a preflight).
TEST(OriginBearer, BearerWithoutCookieNotChecked) {
  AUTHCONF_CASE("origin.cookie-post.bearer-without-cookie-not-checked", kSpec);
  if (!target().capabilities().plugin("convex") && !target().capabilities().plugin("bearer")) {
    GTEST_SKIP() << "needs the bearer hook (plugin `convex` or `bearer`)";
  }
  const SharedUser* shared = shared_user();
  ASSERT_NE(shared, nullptr);
  const std::string token = shared->user.body.value("token", "");
  ASSERT_FALSE(token.empty()) << "the sign-up answer carried no token";
  Browser browser(target());
  CallOptions options = cookieless(std::string(kEvil));
  options.bearer = token;
  auto answer = AUTHCONF_OK(
      browser.post_json(target().auth_path("/update-user"), {{"name", "Origin Suite"}}, options));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
}

// The crossDomain plugin carries the session in Better-Auth-Cookie, which the router's
// origin check does not look at (only its before hook copies it into Cookie): such a POST
// passes without an Origin (transcript §16, sign-out with Better-Auth-Cookie, no Origin).
TEST(OriginCrossDomain, BetterAuthCookieNotOriginChecked) {
  AUTHCONF_CASE("origin.cross-domain.better-auth-cookie-not-origin-checked",
                "spec/convex-component.md §7");
  AUTHCONF_REQUIRE_PLUGIN("cross-domain");
  const SharedUser* shared = shared_user();
  ASSERT_NE(shared, nullptr);
  Browser browser(target());
  CallOptions options = cookieless(std::nullopt);
  options.headers.emplace_back("Better-Auth-Cookie", session_cookie_header(*shared));
  auto answer = AUTHCONF_OK(
      browser.post_json(target().auth_path("/update-user"), {{"name", "Origin Suite"}}, options));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
}

// ---------------------------------------------------------------------------------------
// B. Callback and redirect URLs in POST bodies: trusted origins or safe relative paths
// (matchesOriginPattern with allowRelativePaths: /^\/(?!\/|\\|%2f|%5c)[\w\-.\+/@]*
// (?:\?[\w\-.\+/=&%@]*)?$/), checked for every POST, cookie or not.

enum class BodyRoute {
  kSignIn,        // passes → 400 INVALID_EMAIL
  kRequestReset,  // unknown email; passes → 200 {"status":true,"message":...}
};

struct CallbackRow {
  const char* id;
  BodyRoute route;
  const char* field;
  const char* value;  // template (see expand())
  bool trusted;
};

const CallbackRow kCallbackRows[] = {
    {"origin.callback-url.relative-path-accepted", BodyRoute::kSignIn, "callbackURL", "/dashboard",
     true},
    {"origin.callback-url.relative-path-with-query-accepted", BodyRoute::kSignIn, "callbackURL",
     "/dashboard?tab=security&next=/home", true},
    {"origin.callback-url.site-absolute-accepted", BodyRoute::kSignIn, "callbackURL",
     "{site}/dashboard", true},
    {"origin.callback-url.base-url-absolute-accepted", BodyRoute::kSignIn, "callbackURL",
     "{base}/after-login", true},
    // A protocol-relative URL leaves the site, even when it names the site's own host.
    {"origin.callback-url.protocol-relative-refused", BodyRoute::kSignIn, "callbackURL",
     "//evil.example/x", false},
    {"origin.callback-url.protocol-relative-site-host-refused", BodyRoute::kSignIn, "callbackURL",
     "//{host}/x", false},
    // Browsers read "\" as "/" in http(s) URLs: "/\evil.example" is "//evil.example".
    {"origin.callback-url.slash-backslash-refused", BodyRoute::kSignIn, "callbackURL",
     "/\\evil.example", false},
    {"origin.callback-url.double-backslash-refused", BodyRoute::kSignIn, "callbackURL",
     "\\\\evil.example/x", false},
    {"origin.callback-url.backslash-in-path-refused", BodyRoute::kSignIn, "callbackURL",
     "/dashboard\\..\\evil", false},
    {"origin.callback-url.encoded-slashes-refused", BodyRoute::kSignIn, "callbackURL",
     "/%2F%2Fevil.example", false},
    {"origin.callback-url.lower-case-encoded-slashes-refused", BodyRoute::kSignIn, "callbackURL",
     "/%2f%2fevil.example", false},
    {"origin.callback-url.encoded-backslash-refused", BodyRoute::kSignIn, "callbackURL",
     "/%5Cevil.example", false},
    // A tab is removed by URL parsers: "/\t/evil.example" would become "//evil.example".
    {"origin.callback-url.control-character-refused", BodyRoute::kSignIn, "callbackURL",
     "/\t/evil.example", false},
    {"origin.callback-url.fragment-refused", BodyRoute::kSignIn, "callbackURL", "/dashboard#top",
     false},
    {"origin.callback-url.untrusted-absolute-refused", BodyRoute::kSignIn, "callbackURL",
     "https://evil.example/x", false},
    {"origin.callback-url.javascript-scheme-refused", BodyRoute::kSignIn, "callbackURL",
     "javascript:alert(document.cookie)", false},
    {"origin.callback-url.data-scheme-refused", BodyRoute::kSignIn, "callbackURL",
     "data:text/html,<script>alert(1)</script>", false},
    {"origin.callback-url.ftp-scheme-refused", BodyRoute::kSignIn, "callbackURL", "ftp://{host}/x",
     false},
    {"origin.callback-url.userinfo-refused", BodyRoute::kSignIn, "callbackURL",
     "{site}@evil.example/x", false},
    {"origin.callback-url.host-suffix-refused", BodyRoute::kSignIn, "callbackURL",
     "{scheme}://{hostname}.evil.example{port}/x", false},
    // Mutant: `url.startsWith(site)` for http(s) URLs ("http://localhost:51730").
    {"origin.callback-url.site-prefix-refused", BodyRoute::kSignIn, "callbackURL", "{site}0/x",
     false},
    {"origin.callback-url.bare-host-refused", BodyRoute::kSignIn, "callbackURL", "evil.example/x",
     false},
    // The other fields, each with its own code.
    {"origin.redirect-to.untrusted-refused", BodyRoute::kRequestReset, "redirectTo",
     "https://evil.example/reset", false},
    {"origin.redirect-to.protocol-relative-refused", BodyRoute::kRequestReset, "redirectTo",
     "//evil.example/reset", false},
    {"origin.redirect-to.relative-accepted", BodyRoute::kRequestReset, "redirectTo",
     "/reset-password", true},
    {"origin.error-callback-url.untrusted-refused", BodyRoute::kSignIn, "errorCallbackURL",
     "//evil.example/error", false},
    {"origin.error-callback-url.relative-accepted", BodyRoute::kSignIn, "errorCallbackURL",
     "/error", true},
    {"origin.new-user-callback-url.untrusted-refused", BodyRoute::kSignIn, "newUserCallbackURL",
     "javascript:alert(1)", false},
    {"origin.new-user-callback-url.site-absolute-accepted", BodyRoute::kSignIn,
     "newUserCallbackURL", "{site}/welcome", true},
};

const Json kResetRequested =
    Json{{"status", true},
         {"message", "If this email exists in our system, check your email for the reset link"}};

// Sends `body` to the row's route from the site origin, without a cookie.
Result<Exchange, TransportError> post_body(BodyRoute route, Json body,
                                           std::string_view query = "") {
  Browser browser(target());
  const CallOptions options = cookieless();
  if (route == BodyRoute::kSignIn) {
    body["email"] = "not-an-email";
    body["password"] = "irrelevant-password";
    return browser.post_json(target().auth_path("/sign-in/email") + std::string(query), body,
                             options);
  }
  body["email"] = target().new_email();  // nobody: no mail, no token
  return browser.post_json(target().auth_path("/request-password-reset") + std::string(query), body,
                           options);
}

void PrintTo(const CallbackRow& row, std::ostream* out) { *out << row.id; }

class CallbackUrls : public TestWithParam<CallbackRow> {};

TEST_P(CallbackUrls, Verdict) {
  const CallbackRow& row = GetParam();
  AUTHCONF_CASE(row.id, kSpec);
  auto s = site();
  ASSERT_TRUE(s);
  const std::string value = expand(row.value, *s);
  auto answer = AUTHCONF_OK(post_body(row.route, Json{{row.field, value}}));
  if (row.trusted) {
    if (row.route == BodyRoute::kSignIn) {
      EXPECT_THAT(answer, HasStatus(400));
      EXPECT_THAT(answer, HasJsonBody(kInvalidEmail));
    } else {
      EXPECT_THAT(answer, HasStatus(200));
      EXPECT_THAT(answer, HasJsonBody(kResetRequested));
    }
  } else {
    EXPECT_THAT(answer, HasStatus(403));
    EXPECT_THAT(answer, HasJsonBody(untrusted_url_body(row.field)));
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, CallbackUrls, ValuesIn(kCallbackRows),
                         [](const TestParamInfo<CallbackRow>& row) {
                           return test_name(row.param.id);
                         });

// `body?.callbackURL || query?.callbackURL`: on a POST the query is read too.
TEST(OriginCallbackUrl, QueryCallbackUrlOnPostChecked) {
  AUTHCONF_CASE("origin.callback-url.query-on-post-refused", kSpec);
  auto answer = AUTHCONF_OK(post_body(BodyRoute::kSignIn, Json::object(),
                                      "?callbackURL=" + encode_uri_component("//evil.example")));
  EXPECT_THAT(answer, HasStatus(403));
  EXPECT_THAT(answer, HasJsonBody(untrusted_url_body("callbackURL")));
}

// A value that is not a string is a 400 with a message and no code, before zod could say
// anything about it ([R] spec §7 A.3).
TEST(OriginCallbackUrl, NonStringIsBadRequest) {
  AUTHCONF_CASE("origin.callback-url.non-string-bad-request", kSpec);
  auto answer = AUTHCONF_OK(post_body(BodyRoute::kSignIn, Json{{"callbackURL", 42}}));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(Json{{"message", "Invalid callbackURL: expected a string"}}));
}

// The router's check runs before the endpoint's body validation: a body that zod would
// refuse still gets the 403 (mutant: URL checks inside the endpoint, after validation).
TEST(OriginCallbackUrl, CheckedBeforeBodyValidation) {
  AUTHCONF_CASE("origin.callback-url.checked-before-body-validation", kSpec);
  Browser browser(target());
  auto answer = AUTHCONF_OK(browser.post_json(target().auth_path("/sign-up/email"),
                                              {{"callbackURL", "//evil.example"}}, cookieless()));
  EXPECT_THAT(answer, HasStatus(403));
  EXPECT_THAT(answer, HasJsonBody(untrusted_url_body("callbackURL")));
}

// A refused redirectTo sends no mail: the reset token never reaches a link to evil.example.
TEST(OriginCallbackUrl, RefusedRedirectSendsNoMail) {
  AUTHCONF_CASE("origin.redirect-to.refused-request-sends-no-mail", kSpec);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  const SharedUser* shared = shared_user();
  ASSERT_NE(shared, nullptr);
  const auto before =
      AUTHCONF_OK(suite::bridge().outbox(shared->user.email, std::string("reset-password")));
  Browser browser(target());
  auto answer = AUTHCONF_OK(browser.post_json(
      target().auth_path("/request-password-reset"),
      {{"email", shared->user.email}, {"redirectTo", "https://evil.example/reset"}}, cookieless()));
  EXPECT_THAT(answer, HasStatus(403));
  EXPECT_THAT(answer, HasJsonBody(untrusted_url_body("redirectTo")));
  const auto after =
      AUTHCONF_OK(suite::bridge().outbox(shared->user.email, std::string("reset-password")));
  EXPECT_EQ(after.size(), before.size()) << "a reset mail was sent for a refused redirectTo";
}

// ---------------------------------------------------------------------------------------
// C. callbackURL on the GET routes that redirect (originCheck(getter) middleware): checked
// even on GET, without cookie or Origin. A trusted one gets the route's own redirect.

enum class GetRoute {
  kVerifyEmail,    // /verify-email?token=<bad>: 302 <callbackURL>?error=INVALID_TOKEN
  kResetPassword,  // /reset-password/<bad>: 302 new URL(callbackURL, baseURL)?error=...
};

struct GetRow {
  const char* id;
  GetRoute route;
  const char* value;                    // template
  std::optional<const char*> location;  // template of the 302's Location; nullopt: 403
  // With the crossDomain plugin, whose before hook first makes a relative verify-email
  // callbackURL absolute on the site (new URL(callbackURL, siteUrl)): the Location then,
  // when it differs. "/%2F%2Fevil.example" becomes a path on the site, which is trusted.
  std::optional<const char*> cross_domain_location = std::nullopt;
};

const GetRow kGetRows[] = {
    {"origin.verify-email.untrusted-callback-refused", GetRoute::kVerifyEmail,
     "https://evil.example/x", std::nullopt},
    {"origin.verify-email.protocol-relative-callback-refused", GetRoute::kVerifyEmail,
     "//evil.example", std::nullopt},
    {"origin.verify-email.backslash-callback-refused", GetRoute::kVerifyEmail, "/\\evil.example",
     std::nullopt},
    {"origin.verify-email.encoded-slashes-callback-refused", GetRoute::kVerifyEmail,
     "/%2F%2Fevil.example", std::nullopt, "{site}/%2F%2Fevil.example?error=INVALID_TOKEN"},
    {"origin.verify-email.javascript-callback-refused", GetRoute::kVerifyEmail,
     "javascript:alert(1)", std::nullopt},
    {"origin.verify-email.relative-callback-redirects", GetRoute::kVerifyEmail, "/verified",
     "{relative}/verified?error=INVALID_TOKEN"},
    // redirectOnError appends with "&" when the callbackURL already has a query.
    {"origin.verify-email.relative-callback-with-query-redirects", GetRoute::kVerifyEmail,
     "/verified?from=mail", "{relative}/verified?from=mail&error=INVALID_TOKEN"},
    {"origin.verify-email.site-callback-redirects", GetRoute::kVerifyEmail, "{site}/verified",
     "{site}/verified?error=INVALID_TOKEN"},
    {"origin.reset-password.untrusted-callback-refused", GetRoute::kResetPassword,
     "https://evil.example/reset", std::nullopt},
    {"origin.reset-password.protocol-relative-callback-refused", GetRoute::kResetPassword,
     "//evil.example/reset", std::nullopt},
    {"origin.reset-password.data-callback-refused", GetRoute::kResetPassword, "data:text/html,x",
     std::nullopt},
    {"origin.reset-password.userinfo-callback-refused", GetRoute::kResetPassword,
     "{site}@evil.example/reset", std::nullopt},
    // Resolved against baseURL (the deployment), not the site: new URL("/reset", baseURL).
    {"origin.reset-password.relative-callback-redirects", GetRoute::kResetPassword, "/reset",
     "{base}/reset?error=INVALID_TOKEN"},
    {"origin.reset-password.site-callback-redirects", GetRoute::kResetPassword,
     "{site}/reset-password", "{site}/reset-password?error=INVALID_TOKEN"},
};

void PrintTo(const GetRow& row, std::ostream* out) { *out << row.id; }

class GetCallbackUrls : public TestWithParam<GetRow> {};

TEST_P(GetCallbackUrls, Verdict) {
  const GetRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/better-auth-wire.md §7 C");
  auto s = site();
  ASSERT_TRUE(s);
  const std::string value = expand(row.value, *s);
  const std::string path =
      row.route == GetRoute::kVerifyEmail
          ? "/verify-email?token=not-a-jwt&callbackURL=" + encode_uri_component(value)
          : "/reset-password/authconf0not0a0token0?callbackURL=" + encode_uri_component(value);
  Browser browser(target());
  auto answer = AUTHCONF_OK(browser.get(target().auth_path(path), cookieless(std::nullopt)));
  const bool cross_domain = target().capabilities().plugin("cross-domain");
  const std::optional<const char*> expected_location =
      cross_domain && row.cross_domain_location ? row.cross_domain_location : row.location;
  if (!expected_location) {
    EXPECT_THAT(answer, HasStatus(403));
    EXPECT_THAT(answer, HasJsonBody(untrusted_url_body("callbackURL")));
    EXPECT_THAT(answer, LacksHeader("location"));
    return;
  }
  // crossDomain's before hook makes a relative verify-email callbackURL absolute on the site.
  std::string location(*expected_location);
  const std::string relative = cross_domain ? s->origin : std::string();
  for (std::size_t at = location.find("{relative}"); at != std::string::npos;
       at = location.find("{relative}")) {
    location.replace(at, std::string_view("{relative}").size(), relative);
  }
  EXPECT_THAT(answer, HasStatus(302));
  EXPECT_THAT(answer, HasHeader("location", expand(location, *s)));
}

INSTANTIATE_TEST_SUITE_P(Rows, GetCallbackUrls, ValuesIn(kGetRows),
                         [](const TestParamInfo<GetRow>& row) { return test_name(row.param.id); });

// The token of a real reset mail must never be handed to an untrusted callback: the
// check runs before the token is looked up (and the same token still works afterwards).
TEST(OriginGetCallbackUrl, ResetTokenNeverRedirectedToUntrustedOrigin) {
  AUTHCONF_CASE("origin.reset-password.valid-token-not-sent-to-untrusted-callback",
                "spec/better-auth-wire.md §7 C");
  AUTHCONF_REQUIRE_FEATURE("outbox");
  const SharedUser* shared = shared_user();
  ASSERT_NE(shared, nullptr);
  Browser browser(target());
  const CallOptions bare = cookieless(std::nullopt);
  auto requested = AUTHCONF_OK(browser.post_json(target().auth_path("/request-password-reset"),
                                                 {{"email", shared->user.email}}, bare));
  ASSERT_THAT(requested, HasStatus(200));
  const auto mails =
      AUTHCONF_OK(suite::bridge().outbox(shared->user.email, std::string("reset-password")));
  ASSERT_FALSE(mails.empty()) << "no reset-password mail in the outbox";
  const std::string token = mails.back().value("token", "");
  ASSERT_FALSE(token.empty());

  auto refused = AUTHCONF_OK(browser.get(
      target().auth_path("/reset-password/" + token +
                         "?callbackURL=" + encode_uri_component("https://evil.example/steal")),
      bare));
  EXPECT_THAT(refused, HasStatus(403));
  EXPECT_THAT(refused, HasJsonBody(untrusted_url_body("callbackURL")));
  EXPECT_THAT(refused, LacksHeader("location"));

  auto s = site();
  ASSERT_TRUE(s);
  auto redirected = AUTHCONF_OK(browser.get(
      target().auth_path("/reset-password/" + token +
                         "?callbackURL=" + encode_uri_component(s->origin + "/reset-password")),
      bare));
  EXPECT_THAT(redirected, HasStatus(302));
  EXPECT_THAT(redirected, HasHeader("location", s->origin + "/reset-password?token=" + token));
}

// A real verification token with an untrusted callback is refused before it is used: the
// email stays unverified.
TEST(OriginGetCallbackUrl, VerifyEmailRefusedBeforeVerifying) {
  AUTHCONF_CASE("origin.verify-email.valid-token-untrusted-callback-not-verified",
                "spec/better-auth-wire.md §7 C");
  AUTHCONF_REQUIRE_FEATURE("outbox");
  if (suite::email_verification_required()) {
    GTEST_SKIP() << "needs an unverified user with a session; the target declares config "
                    "`requireEmailVerification` = true";
  }
  Browser browser(target());
  auto user = suite::sign_up(browser, "Origin Verify");
  ASSERT_TRUE(user);
  const auto mails = AUTHCONF_OK(suite::bridge().outbox(user->email, std::string("verify-email")));
  if (mails.empty()) GTEST_SKIP() << "the target sends no verification mail on sign-up";
  const std::string token = mails.back().value("token", "");
  ASSERT_FALSE(token.empty());
  auto refused =
      AUTHCONF_OK(browser.get(target().auth_path("/verify-email?token=" + token + "&callbackURL=" +
                                                 encode_uri_component("https://evil.example/x")),
                              cookieless(std::nullopt)));
  EXPECT_THAT(refused, HasStatus(403));
  EXPECT_THAT(refused, HasJsonBody(untrusted_url_body("callbackURL")));
  auto session = AUTHCONF_OK(browser.get(target().auth_path("/get-session")));
  ASSERT_THAT(session, HasStatus(200));
  EXPECT_EQ(json_body(session).json["user"].value("emailVerified", true), false)
      << "the email was verified although the callbackURL was refused";
}

// delete-user/callback takes a callbackURL too (enabled with user.deleteUser).
TEST(OriginGetCallbackUrl, DeleteUserCallbackRefusesUntrusted) {
  AUTHCONF_CASE("origin.delete-user-callback.untrusted-callback-refused",
                "spec/better-auth-wire.md §7 C");
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  Browser browser(target());
  auto answer = AUTHCONF_OK(
      browser.get(target().auth_path("/delete-user/callback?token=not-a-token&callbackURL=" +
                                     encode_uri_component("https://evil.example/bye")),
                  cookieless(std::nullopt)));
  EXPECT_THAT(answer, HasStatus(403));
  EXPECT_THAT(answer, HasJsonBody(untrusted_url_body("callbackURL")));
}

// ---------------------------------------------------------------------------------------
// D. Properties.

// Whether `text` can travel as an HTTP header value (no CR, LF, NUL or other controls but
// tab): the property is about origins a browser or a client can send.
bool sendable_header_value(std::string_view text) {
  return std::ranges::none_of(text, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t') || byte == 0x7f;
  });
}

// Strips the optional whitespace an HTTP parser removes around a field value.
std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// No generated hostile origin is accepted on a state-changing request with cookies: the
// answer is exactly MISSING_OR_NULL_ORIGIN for an empty or "null" origin, INVALID_ORIGIN for
// every origin Better Auth's own matcher (authconf/origin.h, checked against vectors the
// real package wrote) does not trust, and the update itself for the variants it normalises
// to a trusted origin.
TEST(OriginProperties, HostileOriginNeverAcceptedOnCookiePost) {
  AUTHCONF_CASE("origin.property.hostile-origin-refused-on-cookie-post", kSpec);
  const SharedUser* shared = shared_user();
  ASSERT_NE(shared, nullptr);
  auto s = site();
  ASSERT_TRUE(s);
  const std::string cookie = session_cookie_header(*shared);
  const std::vector<std::string> trusted = trusted_origins(*s);
  suite::check_property(
      "a hostile Origin on a cookie POST gets MISSING_OR_NULL_ORIGIN or INVALID_ORIGIN", 60, [&] {
        const std::string origin = *gen::hostile_origin(s->origin);
        RC_PRE(sendable_header_value(origin));
        const std::string_view sent = trim_ows(origin);
        const auto oracle = is_trusted_origin(sent, trusted);
        RC_PRE(oracle.has_value());
        Browser browser(target());
        CallOptions options = cookieless(origin);
        options.headers.emplace_back("Cookie", cookie);
        auto answer = browser.post_json(target().auth_path("/update-user"),
                                        {{"name", "Origin Suite"}}, options);
        if (!answer) RC_FAIL("transport: " + std::string(to_string(answer.error().code)));
        const Json body = Json::parse(answer->response_body, nullptr, false);
        if (sent.empty() || sent == "null") {
          RC_ASSERT(answer->status == 403);
          RC_ASSERT(body == kMissingOrNullOriginBody);
        } else if (*oracle) {
          RC_ASSERT(answer->status == 200);
          RC_ASSERT((body == Json{{"status", true}}));
        } else {
          RC_ASSERT(answer->status == 403);
          RC_ASSERT(body == kInvalidOriginBody);
        }
      });
}

// Callback URLs built from hostile origins and from the tricks of the table above: the
// target accepts exactly those Better Auth's matcher (allowRelativePaths) accepts, and
// answers every other one with 403 INVALID_CALLBACK_URL.
TEST(OriginProperties, CallbackUrlVerdictMatchesBetterAuth) {
  AUTHCONF_CASE("origin.property.callback-url-verdict-matches-better-auth", kSpec);
  auto s = site();
  ASSERT_TRUE(s);
  const std::vector<std::string> trusted = trusted_origins(*s);
  const std::vector<std::string> prefixes = {
      "",     "/",    "//",          "/\\",   "\\\\",   "/%2F",     "/%2f",
      "/%5C", "/%5c", "javascript:", "data:", "ftp://", "http://",  "https://",
      "/\t/", " /",   "/.",          "/..",   "%2F%2F", "/?next=//"};
  const std::vector<std::string> hosts = {"evil.example", s->hostname + s->port,
                                          s->hostname + ".evil.example" + s->port,
                                          s->hostname + s->port + "@evil.example"};
  const std::vector<std::string> suffixes = {"", "/", "/x", "/x?y=1", "/x#y", "?a=/b", "/a b"};
  const auto callback = rc::gen::oneOf(
      // A hostile origin plus a path.
      rc::gen::apply(
          [](const std::string& origin, const std::string& suffix) { return origin + suffix; },
          gen::hostile_origin(s->origin), rc::gen::elementOf(suffixes)),
      // A prefix trick, a host, a path.
      rc::gen::apply([](const std::string& prefix, const std::string& host,
                        const std::string& suffix) { return prefix + host + suffix; },
                     rc::gen::elementOf(prefixes), rc::gen::elementOf(hosts),
                     rc::gen::elementOf(suffixes)),
      // A relative path over the characters the safe-path rule is about.
      rc::gen::map(
          rc::gen::container<std::string>(rc::gen::elementOf(std::string("abz09/-._+@?=&%\\:#~ "))),
          [](const std::string& tail) { return "/" + tail; }));
  suite::check_property("a callbackURL is accepted exactly when Better Auth trusts it", 80, [&] {
    const std::string value = *callback;
    const auto oracle = is_trusted_origin(value, trusted, {.allow_relative_paths = true});
    RC_PRE(oracle.has_value());
    RC_PRE(!value.empty());
    RC_TAG(*oracle ? "trusted" : "untrusted");
    auto answer = post_body(BodyRoute::kSignIn, Json{{"callbackURL", value}});
    if (!answer) RC_FAIL("transport: " + std::string(to_string(answer.error().code)));
    const Json body = Json::parse(answer->response_body, nullptr, false);
    if (*oracle) {
      RC_ASSERT(answer->status == 400);
      RC_ASSERT(body == kInvalidEmail);
    } else {
      RC_ASSERT(answer->status == 403);
      RC_ASSERT(body == untrusted_url_body("callbackURL"));
    }
  });
}

}  // namespace
}  // namespace authconf

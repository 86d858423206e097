// Suite `cors`: the CORS layer in front of /api/auth, in the two shapes real deployments use.
//  - "hono": the seed's Hono app (shared/seeds/convex-better-auth-docs.txt, "Add CORS
//    support"): cors({origin: SITE_URL, allowHeaders: ["Content-Type", "Authorization",
//    "Better-Auth-Cookie"], allowMethods: ["GET", "POST", "OPTIONS"], exposeHeaders:
//    ["Content-Length", "Set-Better-Auth-Cookie"], maxAge: 600, credentials: true}), as hono
//    4.x's dist/middleware/cors/index.js writes it and spec/transcripts/ show it (§6, and the
//    headers of every other exchange).
//  - "convex": registerRoutes(http, createAuth, {cors: true}) of @convex-dev/better-auth
//    0.12.5 through convex-helpers' corsRouter (spec/convex-component.md §8): allowed origins
//    = Better Auth's options.trustedOrigins, credentials, 24 h preflights.
// Both: the allowed origin is echoed (never "*", since credentials are allowed), any other
// origin gets no Access-Control-Allow-Origin, answers vary on Origin, and the root discovery
// redirect sits outside the CORS layer. Better Auth's own origin check is the origin suite's.
#include <authconf/gen.h>
#include <authconf/matchers.h>
#include <authconf/origin.h>
#include <authconf/suite.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../common/site_template.h"

namespace authconf {
namespace {

using suite::target;
using ::testing::TestParamInfo;
using ::testing::TestWithParam;
using ::testing::ValuesIn;

constexpr const char* kHonoSpec = "spec/convex-component.md §8 (the seed's Hono cors())";
constexpr const char* kConvexSpec = "spec/convex-component.md §8 (registerRoutes cors: true)";

// The seed's cors() options as hono joins them ("," without a space).
constexpr const char* kHonoAllowHeaders = "Content-Type,Authorization,Better-Auth-Cookie";
constexpr const char* kHonoAllowMethods = "GET,POST,OPTIONS";
constexpr const char* kHonoExposeHeaders = "Content-Length,Set-Better-Auth-Cookie";
constexpr const char* kHonoMaxAge = "600";
// hono appends "Vary: Origin" (origin is not "*"), then "Access-Control-Request-Headers"
// on a preflight because allowHeaders is configured.
constexpr const char* kHonoPreflightVary = "Origin, Access-Control-Request-Headers";

// corsRouter's handleCors as registerRoutes configures it (", " joins).
constexpr const char* kConvexAllowHeaders = "Content-Type, Better-Auth-Cookie, Authorization";
constexpr const char* kConvexAllowMethods = "GET, POST";  // the methods routed on the prefix
constexpr const char* kConvexExposeHeaders = "Set-Better-Auth-Cookie";
constexpr const char* kConvexMaxAge = "86400";  // SECONDS_IN_A_DAY

constexpr const char* kAcao = "access-control-allow-origin";
constexpr const char* kAcac = "access-control-allow-credentials";
constexpr const char* kAcah = "access-control-allow-headers";
constexpr const char* kAcam = "access-control-allow-methods";
constexpr const char* kAceh = "access-control-expose-headers";
constexpr const char* kAcma = "access-control-max-age";

// Options that neither send nor keep cookies: each case sets its Cookie header itself.
CallOptions cookieless(std::optional<std::string> origin = CallOptions::kSiteOrigin) {
  CallOptions options;
  options.origin = std::move(origin);
  options.send_cookies = false;
  options.store_cookies = false;
  return options;
}

// "cors.preflight.allowed-origin-echoed" → "preflight_allowed_origin_echoed".
std::string test_name(std::string_view id) {
  std::string name(id.substr(id.find('.') + 1));
  std::ranges::replace_if(
      name, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

// Every field of that name joined with ", " (RFC 9110 §5.3: the same field value), so two
// Vary fields compare like one.
std::optional<std::string> joined_header(const Exchange& exchange, std::string_view name) {
  const std::vector<std::string> fields = exchange.headers_named(name);
  if (fields.empty()) return std::nullopt;
  std::string joined;
  for (const std::string& field : fields) joined += (joined.empty() ? "" : ", ") + field;
  return joined;
}

MATCHER_P2(HasJoinedHeader, name, value,
           "has header " + std::string(name) + ": " + std::string(value)) {
  const auto found = joined_header(arg, name);
  *result_listener << (found ? "it was " + *found : std::string("it was absent"));
  return found && *found == std::string(value);
}

// Checks every CORS answer must pass, whatever the case: at most one
// Access-Control-Allow-Origin, and never "*" (credentials are allowed, so a browser would
// refuse it, and a target that sends it has a broken allow-list).
void expect_sane_allow_origin(const Exchange& exchange) {
  const auto fields = exchange.headers_named(kAcao);
  EXPECT_LE(fields.size(), 1u) << "several Access-Control-Allow-Origin fields: "
                               << describe(exchange);
  for (const std::string& field : fields) {
    EXPECT_NE(field, "*") << "a wildcard origin with credentials: " << describe(exchange);
  }
}

// ---------------------------------------------------------------------------------------
// The site origin and its variants.

using namespace site_template;

// ---------------------------------------------------------------------------------------
// A. One table of exchanges: a request, the status, and the CORS fields expected exactly
// (a value) or expected absent (nullopt).

struct HeaderCheck {
  const char* name;
  std::optional<const char*> value;  // template; nullopt: the field must be absent
};

struct CorsRow {
  const char* id;
  const char* flavour;  // the capabilities' cors(): "hono" or "convex"
  const char* method;
  const char* path;  // under the base path; "/.well-known/…" paths are from the root
  std::optional<const char*> origin;  // template; nullopt: no Origin header
  int status;
  std::vector<HeaderCheck> checks;
  std::optional<const char*> body = std::nullopt;          // the exact body, when it matters
  std::optional<const char*> request_body = std::nullopt;  // JSON, for POST
  HeaderList request_headers = {};
};

// The spec reference of a flavour-independent case: the target's own flavour.
const char* flavour_spec() {
  return target().capabilities().cors() == "convex" ? kConvexSpec : kHonoSpec;
}

const char* spec_of(const CorsRow& row) {
  return std::string_view(row.flavour) == "convex" ? kConvexSpec : kHonoSpec;
}

// The headers a Hono preflight always carries, and the ACAO for `origin`.
std::vector<HeaderCheck> hono_preflight(std::optional<const char*> acao) {
  return {{kAcao, acao},
          {kAcac, "true"},
          {kAcah, kHonoAllowHeaders},
          {kAcam, kHonoAllowMethods},
          {kAceh, kHonoExposeHeaders},
          {kAcma, kHonoMaxAge},
          {"vary", kHonoPreflightVary},
          {"content-type", std::nullopt}};
}

// The headers Hono adds to an actual answer: no preflight-only fields.
std::vector<HeaderCheck> hono_actual(std::optional<const char*> acao) {
  return {{kAcao, acao},        {kAcac, "true"},       {kAceh, kHonoExposeHeaders},
          {"vary", "Origin"},   {kAcam, std::nullopt}, {kAcah, std::nullopt},
          {kAcma, std::nullopt}};
}

std::vector<HeaderCheck> convex_preflight(std::optional<const char*> acao) {
  return {{kAcao, acao},
          {kAcac, "true"},
          {kAcah, kConvexAllowHeaders},
          {kAcam, kConvexAllowMethods},
          {kAceh, kConvexExposeHeaders},
          {kAcma, kConvexMaxAge},
          {"vary", "Origin"}};
}

std::vector<HeaderCheck> convex_actual(std::optional<const char*> acao) {
  return {{kAcao, acao},        {kAcac, "true"},       {kAceh, kConvexExposeHeaders},
          {"vary", "Origin"},   {kAcam, std::nullopt}, {kAcah, std::nullopt},
          {kAcma, std::nullopt}};
}

// No CORS layer at all on the root discovery path.
std::vector<HeaderCheck> no_cors() {
  return {{kAcao, std::nullopt}, {kAcac, std::nullopt}, {kAceh, std::nullopt},
          {kAcam, std::nullopt}, {kAcah, std::nullopt}, {"vary", std::nullopt}};
}

const HeaderList kPreflightRequest = {
    {"Access-Control-Request-Method", "POST"},
    {"Access-Control-Request-Headers", "content-type,better-auth-cookie"}};

const CorsRow kRows[] = {
    // --- Hono preflights (transcript §6).
    {.id = "cors.preflight.allowed-origin-echoed",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = {{kAcao, "{site}"}},
     .request_headers = kPreflightRequest},
    {.id = "cors.preflight.credentials-allowed",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = {{kAcac, "true"}},
     .request_headers = kPreflightRequest},
    // Better-Auth-Cookie must be allowed or the crossDomain client's requests fail.
    {.id = "cors.preflight.allow-headers-as-configured",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = {{kAcah, kHonoAllowHeaders}},
     .request_headers = kPreflightRequest},
    // allowHeaders is configured, so what the browser asks for is never reflected (mutant:
    // echoing Access-Control-Request-Headers lets any header through).
    {.id = "cors.preflight.requested-headers-not-reflected",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = {{kAcah, kHonoAllowHeaders}},
     .request_headers = {{"Access-Control-Request-Method", "POST"},
                         {"Access-Control-Request-Headers", "x-evil-header,cookie"}}},
    {.id = "cors.preflight.allow-methods-as-configured",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = {{kAcam, kHonoAllowMethods}},
     .request_headers = {{"Access-Control-Request-Method", "DELETE"}}},
    {.id = "cors.preflight.max-age-600",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = {{kAcma, kHonoMaxAge}},
     .request_headers = kPreflightRequest},
    // Set-Better-Auth-Cookie must be exposed or the crossDomain client cannot read it.
    {.id = "cors.preflight.expose-headers-as-configured",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = {{kAceh, kHonoExposeHeaders}},
     .request_headers = kPreflightRequest},
    {.id = "cors.preflight.vary-origin-and-request-headers",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = {{"vary", kHonoPreflightVary}},
     .request_headers = kPreflightRequest},
    // The middleware answers the preflight itself: 204, no body, no content type (mutant:
    // OPTIONS routed to Better Auth, which answers 404).
    {.id = "cors.preflight.no-content",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = hono_preflight("{site}"),
     .body = "",
     .request_headers = kPreflightRequest},
    {.id = "cors.preflight.any-auth-path-answered",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/does-not-exist",
     .origin = "{site}",
     .status = 204,
     .checks = hono_preflight("{site}"),
     .body = "",
     .request_headers = kPreflightRequest},
    // A disallowed origin: the same 204 minus Access-Control-Allow-Origin.
    {.id = "cors.preflight.untrusted-origin-not-echoed",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "https://evil.example",
     .status = 204,
     .checks = hono_preflight(std::nullopt),
     .body = "",
     .request_headers = {{"Access-Control-Request-Method", "POST"},
                         {"Access-Control-Request-Headers", "content-type"}}},
    {.id = "cors.preflight.no-origin-not-echoed",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = std::nullopt,
     .status = 204,
     .checks = hono_preflight(std::nullopt),
     .body = "",
     .request_headers = {{"Access-Control-Request-Method", "POST"}}},

    // --- Hono actual answers: GET and POST, success and errors.
    {.id = "cors.actual.get-allowed-origin-echoed",
     .flavour = "hono",
     .method = "GET",
     .path = "/ok",
     .origin = "{site}",
     .status = 200,
     .checks = hono_actual("{site}"),
     .body = R"({"ok":true})"},
    {.id = "cors.actual.get-without-origin-not-echoed",
     .flavour = "hono",
     .method = "GET",
     .path = "/ok",
     .origin = std::nullopt,
     .status = 200,
     .checks = hono_actual(std::nullopt),
     .body = R"({"ok":true})"},
    // A simple GET from another origin runs, but the browser may not read the answer
    // (transcript §6: get-session from a disallowed origin).
    {.id = "cors.actual.get-untrusted-origin-not-echoed",
     .flavour = "hono",
     .method = "GET",
     .path = "/get-session",
     .origin = "https://evil.example",
     .status = 200,
     .checks = hono_actual(std::nullopt),
     .body = "null",
     .request_headers = {{"Cookie", "better-auth.session_token=not-a-session"}}},
    {.id = "cors.actual.post-success-allowed-origin-echoed",
     .flavour = "hono",
     .method = "POST",
     .path = "/sign-out",
     .origin = "{site}",
     .status = 200,
     .checks = hono_actual("{site}"),
     .body = R"({"success":true})",
     .request_body = "{}"},
    // Error answers carry CORS too, or the app could not read Better Auth's error codes
    // (mutant: headers only on 2xx).
    {.id = "cors.actual.post-error-allowed-origin-echoed",
     .flavour = "hono",
     .method = "POST",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 400,
     .checks = hono_actual("{site}"),
     .body = R"({"message":"Invalid email","code":"INVALID_EMAIL"})",
     .request_body = R"({"email":"not-an-email","password":"irrelevant-password"})"},
    {.id = "cors.actual.post-refused-origin-not-echoed",
     .flavour = "hono",
     .method = "POST",
     .path = "/sign-in/email",
     .origin = "https://evil.example",
     .status = 403,
     .checks = hono_actual(std::nullopt),
     .body = R"({"message":"Invalid origin","code":"INVALID_ORIGIN"})",
     .request_body = R"({"email":"not-an-email","password":"irrelevant-password"})"},
    {.id = "cors.actual.redirect-allowed-origin-echoed",
     .flavour = "hono",
     .method = "GET",
     .path = "/reset-password/authconf0not0a0token0?callbackURL=%2Freset",
     .origin = "{site}",
     .status = 302,
     .checks = hono_actual("{site}")},
    {.id = "cors.actual.not-found-allowed-origin-echoed",
     .flavour = "hono",
     .method = "GET",
     .path = "/does-not-exist",
     .origin = "{site}",
     .status = 404,
     .checks = hono_actual("{site}"),
     .body = ""},
    // A method the Hono app does not route: Hono's own 404, still under the middleware
    // (transcript §12).
    {.id = "cors.actual.unrouted-method-allowed-origin-echoed",
     .flavour = "hono",
     .method = "PUT",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 404,
     .checks = hono_actual("{site}"),
     .body = "404 Not Found",
     .request_body = "{}"},

    // --- The root discovery redirect is outside the CORS middleware (transcript §1, §6).
    {.id = "cors.root-discovery.redirect-has-no-cors",
     .flavour = "hono",
     .method = "GET",
     .path = "/.well-known/openid-configuration",
     .origin = "{site}",
     .status = 302,
     .checks = no_cors()},
    {.id = "cors.root-discovery.preflight-not-answered",
     .flavour = "hono",
     .method = "OPTIONS",
     .path = "/.well-known/openid-configuration",
     .origin = "{site}",
     .status = 404,
     .checks = no_cors(),
     .body = "404 Not Found",
     .request_headers = {{"Access-Control-Request-Method", "GET"}}},

    // --- registerRoutes({cors: true}): convex-helpers' corsRouter.
    {.id = "cors.convex.preflight-allowed-origin-echoed",
     .flavour = "convex",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 204,
     .checks = convex_preflight("{site}"),
     .body = "",
     .request_headers = kPreflightRequest},
    {.id = "cors.convex.preflight-untrusted-origin-not-echoed",
     .flavour = "convex",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = "https://evil.example",
     .status = 204,
     .checks = convex_preflight(std::nullopt),
     .body = "",
     .request_headers = kPreflightRequest},
    {.id = "cors.convex.preflight-no-origin-not-echoed",
     .flavour = "convex",
     .method = "OPTIONS",
     .path = "/sign-in/email",
     .origin = std::nullopt,
     .status = 204,
     .checks = convex_preflight(std::nullopt),
     .body = "",
     .request_headers = {{"Access-Control-Request-Method", "POST"}}},
    {.id = "cors.convex.preflight-requested-headers-not-reflected",
     .flavour = "convex",
     .method = "OPTIONS",
     .path = "/get-session",
     .origin = "{site}",
     .status = 204,
     .checks = {{kAcah, kConvexAllowHeaders}},
     .request_headers = {{"Access-Control-Request-Method", "GET"},
                         {"Access-Control-Request-Headers", "x-evil-header"}}},
    {.id = "cors.convex.actual-get-allowed-origin-echoed",
     .flavour = "convex",
     .method = "GET",
     .path = "/ok",
     .origin = "{site}",
     .status = 200,
     .checks = convex_actual("{site}"),
     .body = R"({"ok":true})"},
    // enforceAllowOrigins: false: the request still runs, only ACAO is withheld.
    {.id = "cors.convex.actual-untrusted-origin-runs-not-echoed",
     .flavour = "convex",
     .method = "GET",
     .path = "/ok",
     .origin = "https://evil.example",
     .status = 200,
     .checks = convex_actual(std::nullopt),
     .body = R"({"ok":true})"},
    {.id = "cors.convex.actual-post-error-allowed-origin-echoed",
     .flavour = "convex",
     .method = "POST",
     .path = "/sign-in/email",
     .origin = "{site}",
     .status = 400,
     .checks = convex_actual("{site}"),
     .body = R"({"message":"Invalid email","code":"INVALID_EMAIL"})",
     .request_body = R"({"email":"not-an-email","password":"irrelevant-password"})"},
    {.id = "cors.convex.actual-post-refused-origin-not-echoed",
     .flavour = "convex",
     .method = "POST",
     .path = "/sign-in/email",
     .origin = "https://evil.example",
     .status = 403,
     .checks = convex_actual(std::nullopt),
     .body = R"({"message":"Invalid origin","code":"INVALID_ORIGIN"})",
     .request_body = R"({"email":"not-an-email","password":"irrelevant-password"})"},
    {.id = "cors.convex.root-discovery-redirect-has-no-cors",
     .flavour = "convex",
     .method = "GET",
     .path = "/.well-known/openid-configuration",
     .origin = "{site}",
     .status = 302,
     .checks = no_cors()},
    // corsRouter adds OPTIONS only for the "<basePath>/" prefix it routes.
    {.id = "cors.convex.root-discovery-preflight-not-answered",
     .flavour = "convex",
     .method = "OPTIONS",
     .path = "/.well-known/openid-configuration",
     .origin = "{site}",
     .status = 404,
     .checks = no_cors(),
     .request_headers = {{"Access-Control-Request-Method", "GET"}}},
};

// Sends `method path` with `origin` (already expanded; nullopt: none) and no cookies.
Result<Exchange, TransportError> send_request(std::string_view method, std::string_view path,
                                              std::optional<std::string> origin,
                                              const HeaderList& headers = {},
                                              std::optional<std::string> body = std::nullopt) {
  Browser browser(target());
  CallOptions options = cookieless(std::move(origin));
  options.headers = headers;
  const std::string full =
      path.starts_with("/.well-known/") ? std::string(path) : target().auth_path(path);
  return browser.send(method, full, body.value_or(""), body ? "application/json" : "", options);
}

// gtest prints a failing row by its case id.
void PrintTo(const CorsRow& row, std::ostream* out) { *out << row.id; }

class CorsExchanges : public TestWithParam<CorsRow> {};

TEST_P(CorsExchanges, Headers) {
  const CorsRow& row = GetParam();
  AUTHCONF_CASE(row.id, spec_of(row));
  AUTHCONF_REQUIRE_CORS(std::string(row.flavour));
  auto s = site();
  ASSERT_TRUE(s) << "the site origin or the target URL does not parse";
  std::optional<std::string> origin;
  if (row.origin) origin = expand(*row.origin, *s);
  std::optional<std::string> body;
  if (row.request_body) body = *row.request_body;
  auto answer = AUTHCONF_OK(send_request(row.method, row.path, origin, row.request_headers, body));
  EXPECT_THAT(answer, HasStatus(row.status));
  for (const HeaderCheck& check : row.checks) {
    if (check.value) {
      EXPECT_THAT(answer, HasJoinedHeader(check.name, expand(*check.value, *s)));
    } else {
      EXPECT_THAT(answer, LacksHeader(check.name));
    }
  }
  if (row.body) {
    EXPECT_EQ(answer.response_body, *row.body) << describe(answer);
  }
  expect_sane_allow_origin(answer);
}

INSTANTIATE_TEST_SUITE_P(Rows, CorsExchanges, ValuesIn(kRows),
                         [](const TestParamInfo<CorsRow>& row) { return test_name(row.param.id); });

// ---------------------------------------------------------------------------------------
// B. Hostile variants of the site origin, on a preflight and on an actual answer: none is
// echoed. Both flavours compare the Origin header with their allow-list as a string, so a
// variant Better Auth itself would normalise (case, a trailing slash) is not echoed either.

struct HostileRow {
  const char* id;
  const char* origin;  // template
};

const HostileRow kHostileRows[] = {
    {"cors.hostile.null-origin-not-echoed", "null"},
    {"cors.hostile.empty-origin-not-echoed", ""},
    {"cors.hostile.wildcard-origin-not-echoed", "*"},
    {"cors.hostile.upper-case-origin-not-echoed", "{upper-site}"},
    {"cors.hostile.trailing-slash-origin-not-echoed", "{site}/"},
    {"cors.hostile.other-port-origin-not-echoed", "{scheme}://{hostname}{other-port}"},
    {"cors.hostile.other-scheme-origin-not-echoed", "{other-scheme}://{host}"},
    {"cors.hostile.host-suffix-origin-not-echoed", "{scheme}://{hostname}.evil.example{port}"},
    {"cors.hostile.host-prefix-origin-not-echoed", "{scheme}://evil{hostname}{port}"},
    {"cors.hostile.subdomain-origin-not-echoed", "{scheme}://evil.{hostname}{port}"},
    {"cors.hostile.userinfo-origin-not-echoed", "{site}@evil.example"},
    {"cors.hostile.origin-list-not-echoed", "{site} https://evil.example"},
    // Better Auth trusts its baseURL's origin; the CORS allow-list is the site only (mutant:
    // CORS fed from Better Auth's trusted origins, baseURL included).
    {"cors.hostile.base-url-origin-not-echoed", "{base}"},
};

void PrintTo(const HostileRow& row, std::ostream* out) { *out << row.id; }

class CorsHostileOrigins : public TestWithParam<HostileRow> {};

TEST_P(CorsHostileOrigins, NotEchoed) {
  const HostileRow& row = GetParam();
  const bool convex = target().capabilities().cors() == "convex";
  AUTHCONF_CASE(row.id, flavour_spec());
  if (target().capabilities().cors() == "none") GTEST_SKIP() << "the target has no CORS layer";
  auto s = site();
  ASSERT_TRUE(s);
  const std::string origin = expand(row.origin, *s);
  ASSERT_NE(origin, s->origin);
  auto preflight =
      AUTHCONF_OK(send_request("OPTIONS", "/sign-in/email", origin, kPreflightRequest));
  EXPECT_THAT(preflight, HasStatus(204));
  EXPECT_THAT(preflight, LacksHeader(kAcao));
  EXPECT_THAT(preflight, HasHeader(kAcac, "true"));
  EXPECT_THAT(preflight, HasJoinedHeader("vary", convex ? "Origin" : kHonoPreflightVary));
  auto actual = AUTHCONF_OK(send_request("GET", "/ok", origin));
  EXPECT_THAT(actual, HasStatus(200));
  EXPECT_THAT(actual, LacksHeader(kAcao));
  EXPECT_THAT(actual, HasJoinedHeader("vary", "Origin"));
}

INSTANTIATE_TEST_SUITE_P(Rows, CorsHostileOrigins, ValuesIn(kHostileRows),
                         [](const TestParamInfo<HostileRow>& row) {
                           return test_name(row.param.id);
                         });

// A cache between the browser and the target must not serve one origin's answer to
// another: the answers to the allowed origin and to no origin both name Origin in Vary, and
// only the former carries ACAO (mutant: Vary only when the origin was echoed).
TEST(CorsVary, SameUrlDiffersByOriginOnly) {
  AUTHCONF_CASE("cors.vary.same-url-differs-by-origin-only", flavour_spec());
  if (target().capabilities().cors() == "none") GTEST_SKIP() << "the target has no CORS layer";
  auto s = site();
  ASSERT_TRUE(s);
  auto allowed = AUTHCONF_OK(send_request("GET", "/get-session", s->origin));
  auto other =
      AUTHCONF_OK(send_request("GET", "/get-session", std::string("https://evil.example")));
  auto none = AUTHCONF_OK(send_request("GET", "/get-session", std::nullopt));
  for (const Exchange* exchange : {&allowed, &other, &none}) {
    EXPECT_THAT(*exchange, HasStatus(200));
    EXPECT_THAT(*exchange, HasJoinedHeader("vary", "Origin"));
    EXPECT_EQ(exchange->response_body, "null") << describe(*exchange);
  }
  EXPECT_THAT(allowed, HasHeader(kAcao, s->origin));
  EXPECT_THAT(other, LacksHeader(kAcao));
  EXPECT_THAT(none, LacksHeader(kAcao));
}

// ---------------------------------------------------------------------------------------
// C. Properties over gen::hostile_origin: never echoed.

bool sendable_header_value(std::string_view text) {
  return std::ranges::none_of(text, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t') || byte == 0x7f;
  });
}

// What the target sees of a header value: the optional whitespace around it is removed.
std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The ACAO both flavours give `origin`: itself when it is the site origin byte for byte,
// else none (neither compares case-insensitively or after URL parsing).
std::optional<std::string> expected_allow_origin(std::string_view origin, const Site& s) {
  if (trim_ows(origin) == s.origin) return s.origin;
  return std::nullopt;
}

TEST(CorsProperties, HostileOriginNeverEchoedOnPreflight) {
  AUTHCONF_CASE("cors.property.hostile-origin-never-echoed-on-preflight", flavour_spec());
  if (target().capabilities().cors() == "none") GTEST_SKIP() << "the target has no CORS layer";
  auto s = site();
  ASSERT_TRUE(s);
  const std::vector<std::string> paths = {"/sign-in/email", "/sign-up/email", "/get-session",
                                          "/convex/token", "/update-user"};
  suite::check_property("a preflight never echoes a hostile origin", 60, [&] {
    const std::string origin = *gen::hostile_origin(s->origin);
    const std::string path = *rc::gen::elementOf(paths);
    RC_PRE(sendable_header_value(origin));
    auto answer = send_request("OPTIONS", path, origin, kPreflightRequest);
    if (!answer) RC_FAIL("transport: " + std::string(to_string(answer.error().code)));
    RC_ASSERT(answer->status == 204);
    const auto fields = answer->headers_named(kAcao);
    const auto expected = expected_allow_origin(origin, *s);
    if (expected) {
      RC_ASSERT(fields == std::vector<std::string>{*expected});
    } else {
      RC_ASSERT(fields.empty());
    }
    RC_ASSERT(answer->header(kAcac) == std::optional<std::string>("true"));
  });
}

TEST(CorsProperties, HostileOriginNeverEchoedOnActualAnswers) {
  AUTHCONF_CASE("cors.property.hostile-origin-never-echoed-on-actual-answers", flavour_spec());
  if (target().capabilities().cors() == "none") GTEST_SKIP() << "the target has no CORS layer";
  auto s = site();
  ASSERT_TRUE(s);
  suite::check_property("an actual answer never echoes a hostile origin", 60, [&] {
    const std::string origin = *gen::hostile_origin(s->origin);
    RC_PRE(sendable_header_value(origin));
    // A GET that succeeds, or a POST that Better Auth refuses or answers with an error.
    const bool post = *rc::gen::arbitrary<bool>();
    auto answer =
        post ? send_request(
                   "POST", "/sign-in/email", origin, {},
                   std::string(R"({"email":"not-an-email","password":"irrelevant-password"})"))
             : send_request("GET", "/get-session", origin);
    if (!answer) RC_FAIL("transport: " + std::string(to_string(answer.error().code)));
    RC_TAG(post ? "POST" : "GET", answer->status);
    const auto fields = answer->headers_named(kAcao);
    const auto expected = expected_allow_origin(origin, *s);
    if (expected) {
      RC_ASSERT(fields == std::vector<std::string>{*expected});
    } else {
      RC_ASSERT(fields.empty());
    }
    RC_ASSERT(answer->header(kAcac) == std::optional<std::string>("true"));
    RC_ASSERT(joined_header(*answer, "vary") == std::optional<std::string>("Origin"));
  });
}

}  // namespace
}  // namespace authconf

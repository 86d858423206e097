// The two CORS flavours, header for header, against hostile origins.
//
// Expected headers come from the transcripts (§1, §6, §12 of
// shared/spec/transcripts/better-auth-1.6.34-memory.md) for the Hono
// flavour, and from running convex-helpers' corsRouter (server/cors.js) as
// registerRoutes configures it for the convex flavour.
#include "http/cors.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace authref::http {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kSite = "http://localhost:5173";

Fields fields_of(const Headers& headers) {
  Fields out;
  for (const auto& field : headers.fields()) out.emplace_back(field.name, field.value);
  return out;
}

HttpRequest request_with_origins(std::string method, const std::vector<std::string>& origins,
                                 Headers extra = {}) {
  HttpRequest request{
      .method = std::move(method), .target = "/api/auth/sign-in/email", .headers = {}, .body = ""};
  for (const std::string& origin : origins) request.headers.add("Origin", origin);
  for (const auto& field : extra.fields()) request.headers.add(field.name, field.value);
  return request;
}

// A Better Auth answer with a cookie and a Vary of its own, to see how each
// middleware merges its headers into the handler's.
HttpResponse handler_answer() {
  HttpResponse response = HttpResponse::json(200, R"({"ok":true})");
  response.headers.add("set-cookie", "a=1; Path=/");
  response.headers.add("vary", "Cookie");
  response.headers.add("set-cookie", "b=2; Path=/");
  return response;
}

struct OriginRow {
  std::string name;
  std::vector<std::string> origins;  // Origin fields as sent; empty: none
  bool echoed = false;
};
void PrintTo(const OriginRow& row, std::ostream* out) { *out << row.name; }

// The hostile table: only the site URL, byte for byte, is ever echoed.
std::vector<OriginRow> hostile_rows() {
  return {
      {"site_url", {kSite}, true},
      {"no_origin", {}, false},
      {"empty_origin", {""}, false},
      {"upper_case_host", {"http://LOCALHOST:5173"}, false},
      {"upper_case_scheme", {"HTTP://localhost:5173"}, false},
      {"other_port", {"http://localhost:5174"}, false},
      {"no_port", {"http://localhost"}, false},
      {"leading_zero_port", {"http://localhost:05173"}, false},
      {"https_scheme", {"https://localhost:5173"}, false},
      {"loopback_ip", {"http://127.0.0.1:5173"}, false},
      {"suffix_domain", {"http://localhost:5173.evil.com"}, false},
      {"prefix_domain", {"http://evil.localhost:5173"}, false},
      {"path_trick", {"http://evil.com/http://localhost:5173"}, false},
      {"null_origin", {"null"}, false},
      {"userinfo", {"http://user@localhost:5173"}, false},
      {"trailing_slash", {"http://localhost:5173/"}, false},
      // Whitespace around a field value is not part of it (RFC 9110 §5.5;
      // fetch's Headers trims it), so only a space inside can be hostile.
      {"space_inside", {"http://localhost :5173"}, false},
      {"wildcard", {"*"}, false},
      {"two_origin_fields", {kSite, kSite}, false},
      {"evil_then_site", {"https://evil.example", kSite}, false},
  };
}

std::string row_name(const ::testing::TestParamInfo<OriginRow>& row) { return row.param.name; }

class HonoCorsTest : public ::testing::TestWithParam<OriginRow> {};

TEST_P(HonoCorsTest, PreflightIsTheSeedConfiguration) {
  const OriginRow& row = GetParam();
  // The browser asks for other headers; Hono answers the configured list.
  const auto request =
      request_with_origins("OPTIONS", row.origins,
                           {{"Access-Control-Request-Method", "POST"},
                            {"Access-Control-Request-Headers", "content-type,x-evil"}});
  auto response = Cors::hono(kSite).preflight(request);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(response->body, "");
  Fields expected{{"access-control-allow-credentials", "true"},
                  {"access-control-allow-headers", "Content-Type,Authorization,Better-Auth-Cookie"},
                  {"access-control-allow-methods", "GET,POST,OPTIONS"}};
  if (row.echoed) expected.emplace_back("access-control-allow-origin", kSite);
  expected.emplace_back("access-control-expose-headers", "Content-Length,Set-Better-Auth-Cookie");
  expected.emplace_back("access-control-max-age", "600");
  expected.emplace_back("vary", "Origin, Access-Control-Request-Headers");
  EXPECT_EQ(fields_of(response->headers), expected);
}

TEST_P(HonoCorsTest, ActualResponseGetsCredentialsExposeAndVary) {
  const OriginRow& row = GetParam();
  const auto request = request_with_origins("POST", row.origins);
  HttpResponse response = handler_answer();
  Cors::hono(kSite).decorate(request, response);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"ok":true})");
  Fields expected{{"access-control-allow-credentials", "true"}};
  if (row.echoed) expected.emplace_back("access-control-allow-origin", kSite);
  expected.emplace_back("access-control-expose-headers", "Content-Length,Set-Better-Auth-Cookie");
  expected.emplace_back("content-type", "application/json");
  expected.emplace_back("vary", "Cookie, Origin");  // appended, as c.header(..., {append: true})
  expected.emplace_back("set-cookie", "a=1; Path=/");
  expected.emplace_back("set-cookie", "b=2; Path=/");
  EXPECT_EQ(fields_of(response.headers), expected);
}

INSTANTIATE_TEST_SUITE_P(Origins, HonoCorsTest, ::testing::ValuesIn(hostile_rows()), row_name);

// The transcripts' three preflights (§6), byte for byte.
TEST(HonoCors, TranscriptPreflights) {
  const Cors cors = Cors::hono(kSite);
  const Fields without_origin{
      {"access-control-allow-credentials", "true"},
      {"access-control-allow-headers", "Content-Type,Authorization,Better-Auth-Cookie"},
      {"access-control-allow-methods", "GET,POST,OPTIONS"},
      {"access-control-expose-headers", "Content-Length,Set-Better-Auth-Cookie"},
      {"access-control-max-age", "600"},
      {"vary", "Origin, Access-Control-Request-Headers"}};
  Fields with_origin = without_origin;
  with_origin.insert(with_origin.begin() + 3, {"access-control-allow-origin", kSite});

  auto allowed = cors.preflight(request_with_origins(
      "OPTIONS", {kSite},
      {{"Access-Control-Request-Method", "POST"},
       {"Access-Control-Request-Headers", "content-type,better-auth-cookie"}}));
  auto disallowed =
      cors.preflight(request_with_origins("OPTIONS", {"https://evil.example"},
                                          {{"Access-Control-Request-Method", "POST"},
                                           {"Access-Control-Request-Headers", "content-type"}}));
  auto no_origin = cors.preflight(
      request_with_origins("OPTIONS", {}, {{"Access-Control-Request-Method", "POST"}}));
  ASSERT_TRUE(allowed && disallowed && no_origin);
  EXPECT_EQ(fields_of(allowed->headers), with_origin);
  EXPECT_EQ(fields_of(disallowed->headers), without_origin);
  EXPECT_EQ(fields_of(no_origin->headers), without_origin);
}

// The transcript's GET /api/auth/ok without Origin (§1).
TEST(HonoCors, TranscriptSimpleGet) {
  HttpRequest request{.method = "GET", .target = "/api/auth/ok", .headers = {}, .body = ""};
  HttpResponse response = HttpResponse::json(200, R"({"ok":true})");
  Cors::hono(kSite).decorate(request, response);
  EXPECT_EQ(fields_of(response.headers),
            (Fields{{"access-control-allow-credentials", "true"},
                    {"access-control-expose-headers", "Content-Length,Set-Better-Auth-Cookie"},
                    {"content-type", "application/json"},
                    {"vary", "Origin"}}));
}

// A handler header of a CORS name is overwritten, never kept: Hono's `set
// res` copies its own headers over the handler's.
TEST(HonoCors, MiddlewareHeadersWinOverTheHandlers) {
  HttpResponse response = HttpResponse::json(200, "{}");
  response.headers.add("access-control-allow-origin", "*");
  response.headers.add("access-control-allow-credentials", "false");
  Cors::hono(kSite).decorate(request_with_origins("GET", {"https://evil.example"}), response);
  EXPECT_EQ(response.headers.get("access-control-allow-credentials"), "true");
  // The handler's "*" is not CORS's answer for an untrusted origin, but
  // Hono only sets the header when the origin is allowed; a handler that
  // sends its own ACAO keeps it. Better Auth never sends one.
  EXPECT_EQ(response.headers.get("access-control-allow-origin"), "*");
}

// --- the convex flavour (registerRoutes({cors: true}))

const std::vector<std::string> kTrusted{kSite, "*.trusted.dev"};

class ConvexCorsTest : public ::testing::TestWithParam<OriginRow> {};

TEST_P(ConvexCorsTest, PreflightIsCorsRouters) {
  const OriginRow& row = GetParam();
  const auto request =
      request_with_origins("OPTIONS", row.origins,
                           {{"Access-Control-Request-Method", "POST"},
                            {"Access-Control-Request-Headers", "content-type,x-evil"}});
  auto response = Cors::convex(kTrusted).preflight(request);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(response->body, "");
  Fields expected{
      {"access-control-allow-credentials", "true"},
      {"access-control-allow-headers", "Content-Type, Better-Auth-Cookie, Authorization"},
      {"access-control-allow-methods", "GET, POST"}};
  if (row.echoed) expected.emplace_back("access-control-allow-origin", kSite);
  expected.emplace_back("access-control-expose-headers", "Set-Better-Auth-Cookie");
  expected.emplace_back("access-control-max-age", "86400");
  expected.emplace_back("vary", "Origin");
  EXPECT_EQ(fields_of(response->headers), expected);
}

TEST_P(ConvexCorsTest, ActualResponseGetsTheCommonHeaders) {
  const OriginRow& row = GetParam();
  HttpResponse response = handler_answer();
  Cors::convex(kTrusted).decorate(request_with_origins("POST", row.origins), response);
  Fields expected{{"access-control-allow-credentials", "true"}};
  if (row.echoed) expected.emplace_back("access-control-allow-origin", kSite);
  expected.emplace_back("access-control-expose-headers", "Set-Better-Auth-Cookie");
  expected.emplace_back("content-type", "application/json");
  expected.emplace_back("vary", "Origin");  // set, replacing the handler's
  expected.emplace_back("set-cookie", "a=1; Path=/");
  expected.emplace_back("set-cookie", "b=2; Path=/");
  EXPECT_EQ(fields_of(response.headers), expected);
}

INSTANTIATE_TEST_SUITE_P(Origins, ConvexCorsTest, ::testing::ValuesIn(hostile_rows()), row_name);

struct WildcardRow {
  std::string name;
  std::string origin;
  bool allowed = false;
};
void PrintTo(const WildcardRow& row, std::ostream* out) { *out << row.name; }

class ConvexWildcardTest : public ::testing::TestWithParam<WildcardRow> {};

// "*.trusted.dev" allows https subdomains and the bare domain, by hostname.
TEST_P(ConvexWildcardTest, MatchesHttpsSubdomainsOnly) {
  const WildcardRow& row = GetParam();
  Headers headers{{"origin", row.origin}};
  const auto allowed = Cors::convex(kTrusted).allowed_origin(headers);
  if (row.allowed) {
    EXPECT_EQ(allowed, row.origin);
  } else {
    EXPECT_EQ(allowed, std::nullopt);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Origins, ConvexWildcardTest,
    ::testing::Values(WildcardRow{"https_subdomain", "https://a.trusted.dev", true},
                      WildcardRow{"https_deep_subdomain", "https://a.b.trusted.dev", true},
                      WildcardRow{"https_bare_domain", "https://trusted.dev", true},
                      WildcardRow{"https_with_port", "https://a.trusted.dev:8443", true},
                      WildcardRow{"http_subdomain", "http://a.trusted.dev", false},
                      WildcardRow{"glued_prefix", "https://eviltrusted.dev", false},
                      WildcardRow{"suffix_trick", "https://a.trusted.dev.evil.com", false},
                      WildcardRow{"not_a_url", "trusted.dev", false},
                      WildcardRow{"null", "null", false}),
    [](const ::testing::TestParamInfo<WildcardRow>& row) { return row.param.name; });

TEST(ConvexCors, TrailingWildcardIsStrippedAndStarAllowsAny) {
  // registerRoutes strips one trailing "*" ("http://a.test*" -> "http://a.test").
  const Cors stripped = Cors::convex({"http://a.test*"});
  EXPECT_EQ(stripped.allowed_origin({{"origin", "http://a.test"}}), "http://a.test");
  EXPECT_EQ(stripped.allowed_origin({{"origin", "http://a.testx"}}), std::nullopt);
  // "*" alone is kept and echoes any origin (credentials or not).
  const Cors any = Cors::convex({"*"});
  EXPECT_EQ(any.allowed_origin({{"origin", "https://evil.example"}}), "https://evil.example");
  EXPECT_EQ(any.allowed_origin({}), std::nullopt);
}

TEST(ConvexCors, ForOptionsTrustsTheSiteUrlAndTheExtraOrigins) {
  AuthOptions options;
  options.cors = CorsFlavour::kConvex;
  options.trusted_origins = {"https://app.example"};
  const Cors cors = Cors::for_options(options);
  EXPECT_EQ(cors.flavour(), CorsFlavour::kConvex);
  EXPECT_EQ(cors.allowed_origin({{"origin", kSite}}), kSite);
  EXPECT_EQ(cors.allowed_origin({{"origin", "https://app.example"}}), "https://app.example");
  // The base URL is trusted by Better Auth's origin check, but it is not in
  // options.trustedOrigins, which is all corsRouter reads.
  EXPECT_EQ(cors.allowed_origin({{"origin", "http://127.0.0.1:8787"}}), std::nullopt);
}

// --- none

TEST(NoCors, AddsNothingAndHasNoPreflight) {
  const Cors cors = Cors::none();
  EXPECT_EQ(cors.preflight(request_with_origins("OPTIONS", {kSite})), std::nullopt);
  HttpResponse response = handler_answer();
  const Fields before = fields_of(response.headers);
  cors.decorate(request_with_origins("GET", {kSite}), response);
  EXPECT_EQ(fields_of(response.headers), before);
}

TEST(CorsFlavourNames, RoundTrip) {
  for (CorsFlavour flavour : {CorsFlavour::kHono, CorsFlavour::kConvex, CorsFlavour::kNone}) {
    EXPECT_EQ(cors_flavour_named(to_string(flavour)), flavour);
  }
  EXPECT_EQ(to_string(CorsFlavour::kHono), "hono");
  EXPECT_EQ(to_string(CorsFlavour::kConvex), "convex");
  EXPECT_EQ(to_string(CorsFlavour::kNone), "none");
  EXPECT_EQ(cors_flavour_named("Hono"), std::nullopt);
}

TEST(SortLikeFetchHeaders, SortsJoinsAndPutsCookiesLast) {
  Headers headers{{"Vary", "A"}, {"set-cookie", "x=1"}, {"Content-Type", "text/plain"},
                  {"vary", "B"}, {"Set-Cookie", "y=2"}, {"access-control-max-age", "1"}};
  sort_like_fetch_headers(headers);
  EXPECT_EQ(fields_of(headers), (Fields{{"access-control-max-age", "1"},
                                        {"content-type", "text/plain"},
                                        {"vary", "A, B"},
                                        {"set-cookie", "x=1"},
                                        {"set-cookie", "y=2"}}));
}

}  // namespace
}  // namespace authref::http

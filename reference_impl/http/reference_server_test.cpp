// The deployment around Better Auth: root discovery, Hono's and Convex's
// 404s, HEAD, CORS on every /api/auth answer (errors included), path
// normalisation, the plugins, and start()'s base URL and errors.
//
// Expected exchanges are the transcripts'
// (shared/spec/transcripts/better-auth-1.6.34-memory.md §1, §6, §12) and,
// where the transcripts are silent, what the real hono + better-auth
// answered to the same request (HEAD, /api/auth, percent-encoded and
// dot-segment paths).
#include "http/reference_server.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "app/reference_app.h"
#include "auth/auth_service.h"
#include "store/clock.h"
#include "store/js_value.h"

namespace authref {
namespace {

using http::Headers;
using http::HttpRequest;
using http::HttpResponse;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kSite = "http://localhost:5173";
constexpr const char* kDiscovery =
    "http://127.0.0.1:8787/api/auth/convex/.well-known/openid-configuration";

Fields fields_of(const Headers& headers) {
  Fields out;
  for (const auto& field : headers.fields()) out.emplace_back(field.name, field.value);
  return out;
}

const Fields kHonoBare404{{"Content-Type", "text/plain; charset=UTF-8"}};
// Better Auth's bodiless 404 inside the Hono CORS middleware (§1, §12).
const Fields kCorsNoOrigin{
    {"access-control-allow-credentials", "true"},
    {"access-control-expose-headers", "Content-Length,Set-Better-Auth-Cookie"},
    {"vary", "Origin"}};
const Fields kCorsSite{{"access-control-allow-credentials", "true"},
                       {"access-control-allow-origin", kSite},
                       {"access-control-expose-headers", "Content-Length,Set-Better-Auth-Cookie"},
                       {"vary", "Origin"}};

ServerOptions quiet_options() {
  ServerOptions options;
  options.hash_workers = 1;
  options.id_seed = 3;
  return options;
}

class ReferenceServerTest : public ::testing::Test {
 protected:
  void make(ServerOptions options) {
    server_.reset();
    server_ = std::make_unique<ReferenceServer>(std::move(options), &clock_);
  }
  void SetUp() override { make(quiet_options()); }

  HttpResponse send(std::string method, std::string target, Headers headers = {},
                    std::string body = "") {
    HttpRequest request{.method = std::move(method),
                        .target = std::move(target),
                        .headers = std::move(headers),
                        .body = std::move(body)};
    return server_->handle(request);
  }

  ManualClock clock_{1795344960857.0};
  std::unique_ptr<ReferenceServer> server_;
};

// --- the transcripts' exchanges

TEST_F(ReferenceServerTest, OkIsInsideCors) {  // §1
  HttpResponse response = send("GET", "/api/auth/ok");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"ok":true})");
  EXPECT_EQ(fields_of(response.headers),
            (Fields{{"access-control-allow-credentials", "true"},
                    {"access-control-expose-headers", "Content-Length,Set-Better-Auth-Cookie"},
                    {"content-type", "application/json"},
                    {"vary", "Origin"}}));
}

TEST_F(ReferenceServerTest, RootDiscoveryRedirectsOutsideCors) {  // §1
  for (const std::string method : {"GET", "HEAD"}) {
    for (const std::string target :
         {"/.well-known/openid-configuration", "/.well-known/openid-configuration?x=1"}) {
      HttpResponse response = send(method, target, {{"origin", kSite}});
      EXPECT_EQ(response.status, 302) << method << " " << target;
      EXPECT_EQ(response.body, "");
      EXPECT_EQ(fields_of(response.headers), (Fields{{"location", kDiscovery}}));
    }
  }
}

TEST_F(ReferenceServerTest, RootDiscoveryFollowsTheBaseUrlAndPath) {
  ServerOptions options = quiet_options();
  options.auth.base_url = "https://demo.convex.site";
  options.auth.base_path = "/auth";
  make(options);
  HttpResponse response = send("GET", "/.well-known/openid-configuration");
  EXPECT_EQ(response.headers.get("location"),
            "https://demo.convex.site/auth/convex/.well-known/openid-configuration");
}

struct NotFoundRow {
  std::string name;
  std::string method;
  std::string target;
};
void PrintTo(const NotFoundRow& row, std::ostream* out) { *out << row.method << " " << row.target; }

class HonoNotFoundTest : public ReferenceServerTest,
                         public ::testing::WithParamInterface<NotFoundRow> {};

// Outside the CORS middleware, Hono's own notFound: no CORS headers (§6 last case).
TEST_P(HonoNotFoundTest, IsHonosPlainText404) {
  const NotFoundRow& row = GetParam();
  HttpResponse response =
      send(row.method, row.target, {{"origin", kSite}, {"access-control-request-method", "GET"}});
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "404 Not Found");
  EXPECT_EQ(fields_of(response.headers), kHonoBare404);
}

INSTANTIATE_TEST_SUITE_P(
    Paths, HonoNotFoundTest,
    ::testing::Values(
        NotFoundRow{"options_root_discovery", "OPTIONS", "/.well-known/openid-configuration"},
        NotFoundRow{"post_root_discovery", "POST", "/.well-known/openid-configuration"},
        NotFoundRow{"root_discovery_slash", "GET", "/.well-known/openid-configuration/"},
        NotFoundRow{"root", "GET", "/"}, NotFoundRow{"unknown", "GET", "/nope"},
        NotFoundRow{"prefix_glued", "GET", "/api/authx"},
        NotFoundRow{"upper_case", "GET", "/API/auth/ok"},
        NotFoundRow{"encoded_slash", "GET", "/api%2Fauth/ok"},
        NotFoundRow{"bridge_without_key", "GET", "/conformance/v1/capabilities"},
        NotFoundRow{"jwks_at_root", "GET", "/jwks"}),
    [](const ::testing::TestParamInfo<NotFoundRow>& row) { return row.param.name; });

class HonoMethodTest : public ReferenceServerTest,
                       public ::testing::WithParamInterface<std::string> {};

// PUT, DELETE, PATCH under /api/auth: the route is GET/POST only, so Hono's
// notFound answers, but inside the CORS middleware (§12 "PUT").
TEST_P(HonoMethodTest, OtherMethodsGetHonos404WithCors) {
  HttpResponse response = send(GetParam(), "/api/auth/sign-in/email",
                               {{"content-type", "application/json"}, {"origin", kSite}}, "{}");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "404 Not Found");
  EXPECT_EQ(fields_of(response.headers),
            (Fields{{"access-control-allow-credentials", "true"},
                    {"access-control-allow-origin", kSite},
                    {"access-control-expose-headers", "Content-Length,Set-Better-Auth-Cookie"},
                    {"content-type", "text/plain; charset=UTF-8"},
                    {"vary", "Origin"}}));
}

INSTANTIATE_TEST_SUITE_P(Methods, HonoMethodTest, ::testing::Values("PUT", "DELETE", "PATCH"));

TEST_F(ReferenceServerTest, BetterAuths404sKeepCors) {  // §12
  struct Row {
    std::string method, target;
    bool with_origin;
  };
  for (const Row& row :
       {Row{"GET", "/api/auth/does-not-exist", false}, Row{"GET", "/api/auth/sign-in/email", false},
        Row{"GET", "/api/auth/jwks", false}, Row{"GET", "/api/auth/token", false},
        Row{"POST", "/api/auth/convex/rotate-keys", true}, Row{"GET", "/api/auth", true},
        Row{"GET", "/api/auth/", true}, Row{"GET", "/%61pi/auth/ok", true}}) {
    Headers headers;
    if (row.with_origin) headers = {{"origin", kSite}, {"content-type", "application/json"}};
    HttpResponse response = send(row.method, row.target, headers, row.method == "POST" ? "{}" : "");
    EXPECT_EQ(response.status, 404) << row.method << " " << row.target;
    EXPECT_EQ(response.body, "") << row.target;
    EXPECT_EQ(fields_of(response.headers), row.with_origin ? kCorsSite : kCorsNoOrigin)
        << row.target;
  }
}

// Hono sends HEAD to the GET route with the request still a HEAD, and
// better-call routes HEAD nowhere: a bodiless 404 inside CORS (checked
// against hono 4.13 + better-auth 1.6.34).
TEST_F(ReferenceServerTest, HeadReachesBetterAuthAsHead) {
  for (const std::string target : {"/api/auth/ok", "/api/auth/get-session"}) {
    HttpResponse response = send("HEAD", target, {{"origin", kSite}});
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(response.body, "");
    EXPECT_EQ(fields_of(response.headers), kCorsSite);
  }
}

TEST_F(ReferenceServerTest, PreflightIsAnsweredByCors) {  // §6
  for (const std::string target : {"/api/auth/sign-in/email", "/api/auth", "/api/auth/nope"}) {
    HttpResponse response =
        send("OPTIONS", target,
             {{"origin", kSite},
              {"access-control-request-method", "POST"},
              {"access-control-request-headers", "content-type,better-auth-cookie"}});
    EXPECT_EQ(response.status, 204) << target;
    EXPECT_EQ(response.body, "");
    EXPECT_EQ(
        fields_of(response.headers),
        (Fields{{"access-control-allow-credentials", "true"},
                {"access-control-allow-headers", "Content-Type,Authorization,Better-Auth-Cookie"},
                {"access-control-allow-methods", "GET,POST,OPTIONS"},
                {"access-control-allow-origin", kSite},
                {"access-control-expose-headers", "Content-Length,Set-Better-Auth-Cookie"},
                {"access-control-max-age", "600"},
                {"vary", "Origin, Access-Control-Request-Headers"}}));
  }
}

TEST_F(ReferenceServerTest, ErrorAnswersCarryCors) {
  const Headers json_from_site{{"content-type", "application/json"}, {"origin", kSite}};
  struct Row {
    std::string target, body;
    int status;
    std::string expected_body;
  };
  for (const Row& row :
       {Row{"/api/auth/sign-up/email", "{", 400,
            R"({"message":"Invalid JSON in request body","code":"BAD_REQUEST"})"},
        Row{"/api/auth/sign-up/email", R"({"email":"a@example.com","password":"short","name":"A"})",
            400, R"({"message":"Password too short","code":"PASSWORD_TOO_SHORT"})"}}) {
    HttpResponse response = send("POST", row.target, json_from_site, row.body);
    EXPECT_EQ(response.status, row.status) << row.body;
    EXPECT_EQ(response.body, row.expected_body);
    Fields expected = kCorsSite;
    expected.insert(expected.begin() + 3, {"content-type", "application/json"});
    EXPECT_EQ(fields_of(response.headers), expected) << row.body;
  }
  // An untrusted origin gets the answer but no ACAO (§6 last case).
  HttpResponse evil = send("GET", "/api/auth/get-session", {{"origin", "https://evil.example"}});
  EXPECT_EQ(evil.status, 200);
  EXPECT_FALSE(evil.headers.has("access-control-allow-origin"));
  EXPECT_EQ(evil.headers.get("vary"), "Origin");
}

// --- paths as `new URL()` normalises them

TEST_F(ReferenceServerTest, DotSegmentsAreResolvedBeforeRouting) {
  for (const std::string target : {"/api/./auth/ok", "/api/x/../auth/ok", "/api/auth/%2e/ok",
                                   "/api\\auth\\ok", "/x/%2E%2e/api/auth/ok"}) {
    HttpResponse response = send("GET", target);
    EXPECT_EQ(response.status, 200) << target;
    EXPECT_EQ(response.body, R"({"ok":true})") << target;
  }
}

TEST(UrlPathname, ResolvesAsTheUrlStandard) {
  const std::vector<std::pair<std::string, std::string>> rows{
      {"/api/auth/ok", "/api/auth/ok"},
      {"/", "/"},
      {"", "/"},
      {"/a/./b", "/a/b"},
      {"/a/../b", "/b"},
      {"/../../a", "/a"},
      {"/a/..", "/"},
      {"/a/.", "/a/"},
      {"/a/%2e%2E/b", "/b"},
      {"/a/.%2e/b", "/b"},
      {"/a/%2e/b", "/a/b"},
      {"/a\\b", "/a/b"},
      {"//a//b/", "//a//b/"},
      {"/a b", "/a%20b"},
      {"/\xc3\xa9", "/%C3%A9"},
      {"/a/...", "/a/..."},
      {"/%2e%2e%2e", "/%2e%2e%2e"},
      {"/a/{x}", "/a/%7Bx%7D"},
      {"/a\\b/..\\c", "/a/c"},
      {"/a/%2E./b", "/b"},
      {"/a\t/b", "/a/b"},
      {"/a\x01"
       "b",
       "/a%01b"},
      {"/a/`x`", "/a/%60x%60"},
      {"/a|b^[c]", "/a|b^[c]"},
  };
  // Every row was checked with Node: new URL("http://h" + path).pathname.
  for (const auto& [path, expected] : rows) EXPECT_EQ(url_pathname(path), expected) << path;
}

TEST(HonoRoutingPath, DecodesLikeDecodeUri) {
  const std::vector<std::pair<std::string, std::string>> rows{
      {"/api/auth/ok", "/api/auth/ok"},
      {"/%61pi/auth", "/api/auth"},
      {"/api%2Fauth", "/api%2Fauth"},  // reserved: kept
      {"/a%3Fb%23c", "/a%3Fb%23c"},    // ? and # kept
      {"/a%25b", "/a%25b"},            // % kept (getPath's %2525 trick)
      {"/caf%C3%A9", "/caf\xc3\xa9"},  // a valid UTF-8 run is decoded
      {"/bad%C3", "/bad%C3"},          // an invalid run is kept
      {"/bad%FFok%41",
       "/bad%FFok"
       "A"},
      {"/x%4", "/x%4"},
      {"/x%", "/x%"},
      {"/x%zz", "/x%zz"},
  };
  for (const auto& [path, expected] : rows) EXPECT_EQ(hono_routing_path(path), expected) << path;
}

// --- composition

TEST_F(ReferenceServerTest, ConvexPluginOnlyByDefault) {
  EXPECT_EQ(server_->auth().plugin_ids(), (std::vector<std::string>{"convex"}));
  EXPECT_EQ(server_->auth().options().base_url, "http://127.0.0.1:8787");
  // The convex plugin's routes answer.
  EXPECT_EQ(send("GET", "/api/auth/convex/.well-known/openid-configuration").status, 200);
  EXPECT_EQ(send("GET", "/api/auth/convex/token").status, 401);
}

TEST_F(ReferenceServerTest, CrossDomainComesAfterConvex) {
  ServerOptions options = quiet_options();
  options.auth.cross_domain = true;
  make(options);
  EXPECT_EQ(server_->auth().plugin_ids(), (std::vector<std::string>{"convex", "cross-domain"}));
}

TEST_F(ReferenceServerTest, BridgeAnswersWithAKey) {
  ServerOptions options = quiet_options();
  options.conformance_key = "k";
  make(options);
  HttpResponse response = send("GET", "/conformance/v1/capabilities", {{"x-conformance-key", "k"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(Json::parse(response.body)["implementation"]["name"], "authref");
  EXPECT_EQ(send("GET", "/conformance/v1/capabilities").status, 401);
}

// --- registerRoutes on Convex's router (--cors convex / none)

TEST_F(ReferenceServerTest, ConvexFlavourRoutesLikeConvex) {
  ServerOptions options = quiet_options();
  options.auth.cors = CorsFlavour::kConvex;
  make(options);
  // corsRouter's preflight (spec/convex-component.md §8).
  HttpResponse preflight = send("OPTIONS", "/api/auth/sign-in/email", {{"origin", kSite}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(
      fields_of(preflight.headers),
      (Fields{{"access-control-allow-credentials", "true"},
              {"access-control-allow-headers", "Content-Type, Better-Auth-Cookie, Authorization"},
              {"access-control-allow-methods", "GET, POST"},
              {"access-control-allow-origin", kSite},
              {"access-control-expose-headers", "Set-Better-Auth-Cookie"},
              {"access-control-max-age", "86400"},
              {"vary", "Origin"}}));
  HttpResponse ok = send("GET", "/api/auth/ok", {{"origin", kSite}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(fields_of(ok.headers),
            (Fields{{"access-control-allow-credentials", "true"},
                    {"access-control-allow-origin", kSite},
                    {"access-control-expose-headers", "Set-Better-Auth-Cookie"},
                    {"content-type", "application/json"},
                    {"vary", "Origin"}}));
  // Not routed: Convex's own 404 (HttpRouter.runRequest).
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"PUT", "/api/auth/sign-in/email"},
           {"GET", "/api/auth"},
           {"OPTIONS", "/api/auth"},
           {"GET", "/nope"},
           {"OPTIONS", "/.well-known/openid-configuration"}}) {
    HttpResponse response = send(method, target, {{"origin", kSite}});
    EXPECT_EQ(response.status, 404) << method << " " << target;
    EXPECT_EQ(response.body, "No HttpAction routed for " + url_pathname(target));
    EXPECT_EQ(fields_of(response.headers), (Fields{{"content-type", "text/plain;charset=UTF-8"}}));
  }
  HttpResponse discovery = send("GET", "/.well-known/openid-configuration");
  EXPECT_EQ(discovery.status, 302);
  EXPECT_EQ(fields_of(discovery.headers), (Fields{{"location", kDiscovery}}));
}

TEST_F(ReferenceServerTest, NoCorsFlavourHasNoCorsAtAll) {
  ServerOptions options = quiet_options();
  options.auth.cors = CorsFlavour::kNone;
  make(options);
  HttpResponse ok = send("GET", "/api/auth/ok", {{"origin", kSite}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(fields_of(ok.headers), (Fields{{"content-type", "application/json"}}));
  HttpResponse preflight = send("OPTIONS", "/api/auth/ok", {{"origin", kSite}});
  EXPECT_EQ(preflight.status, 404);
  EXPECT_EQ(preflight.body, "No HttpAction routed for /api/auth/ok");
}

// --- start()

TEST_F(ReferenceServerTest, StartBindsAndTheBaseUrlBecomesTheListeningUrl) {
  ASSERT_TRUE(server_->url().empty());
  auto port = server_->start();
  ASSERT_TRUE(port.has_value()) << port.error();
  EXPECT_GT(*port, 0);
  EXPECT_EQ(server_->url(), "http://127.0.0.1:" + std::to_string(*port));
  EXPECT_EQ(server_->auth().options().base_url, server_->url());
  HttpResponse discovery = send("GET", "/.well-known/openid-configuration");
  EXPECT_EQ(discovery.headers.get("location"),
            server_->url() + "/api/auth/convex/.well-known/openid-configuration");
  auto again = server_->start();
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ServerError::kBadOption);
  server_->stop();
  server_->stop();  // idempotent
}

TEST_F(ReferenceServerTest, StartRefusesBadOptions) {
  struct Row {
    std::string name;
    std::function<void(ServerOptions&)> change;
  };
  const std::vector<Row> rows{
      {"ftp_base_url", [](ServerOptions& o) { o.auth.base_url = "ftp://example.com"; }},
      {"relative_base_url", [](ServerOptions& o) { o.auth.base_url = "/api"; }},
      {"bad_site_url", [](ServerOptions& o) { o.auth.site_url = "localhost:5173"; }},
      {"base_path_without_slash", [](ServerOptions& o) { o.auth.base_path = "api/auth"; }},
      {"base_path_trailing_slash", [](ServerOptions& o) { o.auth.base_path = "/api/auth/"; }},
      {"empty_key", [](ServerOptions& o) { o.conformance_key = ""; }},
      {"port_out_of_range", [](ServerOptions& o) { o.port = 70000; }},
  };
  for (const Row& row : rows) {
    ServerOptions options = quiet_options();
    row.change(options);
    ReferenceServer server(options, &clock_);
    auto port = server.start();
    ASSERT_FALSE(port.has_value()) << row.name;
    EXPECT_EQ(port.error().code, ServerError::kBadOption) << row.name;
  }
}

TEST_F(ReferenceServerTest, APortInUseIsABindFailure) {
  auto port = server_->start();
  ASSERT_TRUE(port.has_value()) << port.error();
  ServerOptions options = quiet_options();
  options.port = *port;
  ReferenceServer second(options, &clock_);
  auto again = second.start();
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ServerError::kBindFailed);
}

}  // namespace
}  // namespace authref

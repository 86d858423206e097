// The harness's HTTP client, browser and bridge client against a live
// reference server on 127.0.0.1: what goes out, what comes back, and each
// error the caller must be able to tell apart.
#include <gtest/gtest.h>

#include <memory>

#include "authconf/bridge.h"
#include "authconf/browser.h"
#include "authconf/http_client.h"
#include "authconf/transcript.h"
#include "http/reference_server.h"

namespace authconf {
namespace {

class ClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    authref::ServerOptions options;
    options.conformance_key = "test-key";
    options.auth.rate_limit = true;
    server_ = new authref::ReferenceServer(std::move(options));
    ASSERT_TRUE(server_->start());
    TargetSettings settings;
    settings.url = server_->url();
    settings.key = "test-key";
    settings.run_id = "client";
    target_ = new Target(settings, Capabilities::black_box(settings));
    auto capabilities = Bridge(*target_).capabilities();
    ASSERT_TRUE(capabilities) << capabilities.error();
    auto parsed = Capabilities::parse(*capabilities);
    ASSERT_TRUE(parsed);
    delete target_;
    target_ = new Target(settings, *parsed);
  }
  static void TearDownTestSuite() {
    delete target_;
    delete server_;
  }
  static authref::ReferenceServer* server_;
  static Target* target_;
};
authref::ReferenceServer* ClientTest::server_ = nullptr;
Target* ClientTest::target_ = nullptr;

TEST_F(ClientTest, SendsAndRecordsOneExchange) {
  transcript::clear();
  auto ok =
      send_http({.method = "GET", .url = target_->auth_url("/ok"), .headers = {}, .body = {}});
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->response_body, R"({"ok":true})");
  EXPECT_EQ(ok->header("Content-Type"), "application/json");
  ASSERT_EQ(transcript::exchanges().size(), 1u);
  EXPECT_EQ(transcript::exchanges()[0].url, target_->auth_url("/ok"));
  EXPECT_TRUE(transcript::touched("GET", "/api/auth/ok"));
  EXPECT_FALSE(transcript::touched("POST", "/api/auth/ok"));
}

TEST_F(ClientTest, TransportErrorsAreNamed) {
  auto invalid = send_http({.method = "GET", .url = "127.0.0.1/x", .headers = {}, .body = {}});
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, TransportError::kInvalidUrl);
  // Port 1 on loopback: nothing listens there.
  auto refused =
      send_http({.method = "GET", .url = "http://127.0.0.1:1/", .headers = {}, .body = {}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, TransportError::kConnectionFailed);
}

TEST_F(ClientTest, ARateLimitPastTheBoundIsAnError) {
  // Sign-in allows 3 requests per 10 s (spec/better-auth-wire.md §8); with
  // no wait allowed the fourth is reported, not retried for 10 s.
  const HttpRequestSpec sign_in{
      .method = "POST",
      .url = target_->auth_url("/sign-in/email"),
      .headers = {{"Content-Type", "application/json"}, {"Origin", target_->site_origin()}},
      .body = R"({"email":"nobody@conformance.example","password":"whatever-password"})"};
  std::optional<Error<TransportError>> limited;
  for (int i = 0; i < 4 && !limited; ++i) {
    auto answer = send_http(
        sign_in, {.timeout_ms = 15'000, .max_rate_limit_retries = 3, .max_retry_wait_ms = 0});
    if (!answer) limited = answer.error();
  }
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->code, TransportError::kRateLimited);
  EXPECT_NE(limited->detail.find("X-Retry-After"), std::string::npos) << limited->detail;
}

TEST_F(ClientTest, RawBytesReachTheServerAsSent) {
  auto garbage = send_raw(target_->url(), "HELLO\r\n\r\n");
  ASSERT_TRUE(garbage) << garbage.error();
  EXPECT_EQ(garbage->status, 400);
  EXPECT_TRUE(garbage->closed_by_server);
  auto https = send_raw("https://127.0.0.1:1", "GET / HTTP/1.1\r\n\r\n");
  ASSERT_FALSE(https);
  EXPECT_EQ(https.error().code, TransportError::kInvalidUrl);
}

TEST_F(ClientTest, ABrowserKeepsItsSession) {
  Browser browser(*target_);
  const std::string email = target_->new_email();
  auto signed_up =
      browser.post_json(target_->auth_path("/sign-up/email"),
                        {{"email", email}, {"password", "a-long-password"}, {"name", "C"}});
  ASSERT_TRUE(signed_up) << signed_up.error();
  ASSERT_EQ(signed_up->status, 200) << signed_up->response_body;
  EXPECT_TRUE(browser.cookie("session_token").has_value());
  EXPECT_TRUE(browser.refused_cookies().empty());
  // Field values arrive as sent: the signature's base64 padding stays
  // percent-encoded (cpp-httplib's client would have decoded it to '=').
  const auto set_cookies = signed_up->headers_named("set-cookie");
  ASSERT_FALSE(set_cookies.empty());
  EXPECT_NE(set_cookies[0].find("%3D;"), std::string::npos) << set_cookies[0];
  auto session = browser.get(target_->auth_path("/get-session"));
  ASSERT_TRUE(session);
  EXPECT_EQ(json_body(*session).json["user"]["email"], email);
  // The Origin header is the site's unless told otherwise.
  EXPECT_EQ(transcript::exchanges().back().request_headers[0],
            (std::pair<std::string, std::string>{"Origin", target_->site_origin()}));
  // Another browser has no session.
  Browser other(*target_);
  auto none = other.get(target_->auth_path("/get-session"));
  ASSERT_TRUE(none);
  EXPECT_EQ(none->response_body, "null");
}

TEST_F(ClientTest, TheBridgeClientReadsAndRefuses) {
  const Bridge bridge(*target_);
  auto users = bridge.component_table("user");
  ASSERT_TRUE(users) << users.error();
  auto unknown = bridge.component_table("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, BridgeError::kRefused);
  EXPECT_EQ(bridge_error_code(unknown.error()), "UNKNOWN_TABLE");
  auto bad_key = bridge.raw("GET", "/capabilities", std::nullopt, "wrong-key");
  ASSERT_TRUE(bad_key);
  EXPECT_EQ(bad_key->status, 401);
  auto reset = bridge.reset();  // started without --allow-reset
  ASSERT_FALSE(reset);
  EXPECT_EQ(bridge_error_code(reset.error()), "RESET_DISABLED");
  auto thrown =
      bridge.adapter("findMany", {{"model", "user"},
                                  {"offset", 1},
                                  {"paginationOpts", {{"numItems", 1}, {"cursor", nullptr}}}});
  ASSERT_TRUE(thrown) << thrown.error();
  ASSERT_TRUE(thrown->thrown);
  EXPECT_NE(thrown->thrown->find("offset not supported"), std::string::npos) << *thrown->thrown;

  TargetSettings keyless;
  keyless.url = server_->url();
  const Target without(keyless, Capabilities::black_box(keyless));
  auto no_bridge = Bridge(without).component_table("user");
  ASSERT_FALSE(no_bridge);
  EXPECT_EQ(no_bridge.error().code, BridgeError::kNoBridge);
}

}  // namespace
}  // namespace authconf

// The memory rate limiter through the router (spec/better-auth-wire.md §8,
// spec/transcripts §15). Boundaries and retry-after values were read from
// better-auth 1.6.34 on Node 20 with Date.now replaced by a manual clock.
#include "auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "auth/auth_test_support.h"

namespace authref {
namespace {

constexpr const char* kTooMany = R"({"message":"Too many requests. Please try again later."})";
constexpr const char* kBadCredentials =
    R"({"message":"Invalid email or password","code":"INVALID_EMAIL_OR_PASSWORD"})";
constexpr const char* kNobody = R"({"email":"nobody@example.com","password":"whatever123"})";

class RateLimiterTest : public ::testing::Test {
 protected:
  static AuthOptions limited() {
    AuthOptions options;
    options.rate_limit = true;
    return options;
  }
  http::HttpResponse sign_in(http::Headers extra = {}, const std::string& path = "/sign-in/email") {
    http::Headers headers{{"content-type", "application/json"},
                          {"origin", testing::kTestSiteOrigin}};
    for (const auto& field : extra.fields()) headers.add(field.name, field.value);
    return bed_.send("POST", "/api/auth" + path, kNobody, std::move(headers));
  }
  void expect_allowed(const http::HttpResponse& response) {
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(response.body, kBadCredentials);
  }
  void expect_blocked(const http::HttpResponse& response, const std::string& retry_after) {
    EXPECT_EQ(response.status, 429);
    EXPECT_EQ(response.body, kTooMany);
    // `new Response(string)`: the Fetch API's text/plain, as the transcript shows.
    EXPECT_EQ(response.headers.get("content-type"), "text/plain;charset=UTF-8");
    EXPECT_EQ(response.headers.get("x-retry-after"), retry_after);
    EXPECT_FALSE(response.headers.has("retry-after"));
  }

  testing::AuthTestBed bed_{limited()};
};

TEST_F(RateLimiterTest, FourthSignInWithinTenSecondsIsRefused) {
  for (int i = 0; i < 3; ++i) expect_allowed(sign_in());
  expect_blocked(sign_in(), "10");
}

TEST_F(RateLimiterTest, AnotherForwardedAddressHasItsOwnBucket) {
  for (int i = 0; i < 3; ++i) expect_allowed(sign_in());
  expect_blocked(sign_in(), "10");
  expect_allowed(sign_in({{"x-forwarded-for", "203.0.113.7"}}));
  // A list of hops is not believed without trustedProxies: the shared
  // no-IP bucket, which is full.
  expect_blocked(sign_in({{"x-forwarded-for", "203.0.113.7, 10.0.0.1"}}), "10");
}

TEST_F(RateLimiterTest, BlockLastsAWindowAfterTheLastAllowedRequest) {
  for (int i = 0; i < 3; ++i) expect_allowed(sign_in());
  bed_.clock().advance_ms(3000);
  // Refused requests do not move the window.
  expect_blocked(sign_in(), "7");
  bed_.clock().advance_ms(6999);
  expect_blocked(sign_in(), "1");
  bed_.clock().advance_ms(1);
  expect_allowed(sign_in());
  expect_allowed(sign_in());
  expect_allowed(sign_in());
  expect_blocked(sign_in(), "10");
}

TEST_F(RateLimiterTest, RetryAfterRoundsUp) {
  expect_allowed(sign_in());
  bed_.clock().advance_ms(1);
  expect_allowed(sign_in());
  expect_allowed(sign_in());
  bed_.clock().advance_ms(2500);
  expect_blocked(sign_in(), "8");
}

TEST_F(RateLimiterTest, TrailingSlashSharesTheBucket) {
  for (int i = 0; i < 3; ++i) expect_allowed(sign_in());
  auto response = sign_in({}, "/sign-in/email/");
  expect_blocked(response, "10");
}

TEST_F(RateLimiterTest, UnknownPathsAreCountedBeforeRouting) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bed_.get("/sign-in-nope").status, 404);
  expect_blocked(bed_.get("/sign-in-nope"), "10");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(bed_.get("/does-not-exist").status, 404);
  expect_blocked(bed_.get("/does-not-exist"), "10");
}

TEST_F(RateLimiterTest, DefaultRuleIsAHundredPerTenSeconds) {
  for (int i = 0; i < 100; ++i) ASSERT_EQ(bed_.get("/get-session").status, 200) << i;
  expect_blocked(bed_.get("/get-session"), "10");
  bed_.clock().advance_ms(10000);
  auto response = bed_.get("/get-session");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "null");
}

TEST_F(RateLimiterTest, MailSendingPathsAllowThreePerMinute) {
  for (const std::string path : {"/request-password-reset", "/send-verification-email"}) {
    for (int i = 0; i < 3; ++i) {
      auto response = bed_.post(path, "{}");
      EXPECT_EQ(response.status, 400);
      EXPECT_EQ(
          response.body,
          R"({"message":"[body.email] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"})");
    }
    expect_blocked(bed_.post(path, "{}"), "60");
  }
}

TEST_F(RateLimiterTest, ResetForgetsEveryBucket) {
  for (int i = 0; i < 3; ++i) expect_allowed(sign_in());
  expect_blocked(sign_in(), "10");
  bed_.auth().rate_limiter().reset();
  expect_allowed(sign_in());
}

TEST(RateLimiterOffTest, OffByDefault) {
  testing::AuthTestBed bed;
  for (int i = 0; i < 6; ++i) {
    auto response = bed.post("/sign-in/email", kNobody);
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(response.body, kBadCredentials);
  }
}

// MEMORY_STORE_MAX_ENTRIES: past 100000 keys the oldest inserted goes,
// even when it is still blocking.
TEST(RateLimiterBoundTest, OldestKeyIsEvictedPastAHundredThousandKeys) {
  AuthOptions options;
  options.rate_limit = true;
  ManualClock clock(testing::kTestStartMs);
  RateLimiter limiter(options, clock);
  const auto from = [](const std::string& ip) {
    return http::HttpRequest{.method = "POST",
                             .target = "/api/auth/sign-in/email",
                             .headers = {{"x-forwarded-for", ip}},
                             .body = ""};
  };
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.check(from("10.0.0.1"), "/sign-in/email"));
  auto blocked = limiter.check(from("10.0.0.1"), "/sign-in/email");
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->status, 429);
  for (int i = 0; i < 100000; ++i) {
    const std::string ip = "11." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) +
                           "." + std::to_string(i % 256);
    ASSERT_FALSE(limiter.check(from(ip), "/sign-in/email")) << ip;
  }
  EXPECT_FALSE(limiter.check(from("10.0.0.1"), "/sign-in/email"));
}

// Keys over 256 bytes are kept as digests: still one bucket per path.
TEST(RateLimiterBoundTest, LongPathsKeepOneBucketEach) {
  AuthOptions options;
  options.rate_limit = true;
  options.rate_limit_max = 2;
  ManualClock clock(testing::kTestStartMs);
  RateLimiter limiter(options, clock);
  const std::string first = "/" + std::string(1000, 'a');
  const std::string second = "/" + std::string(999, 'a') + "b";
  const http::HttpRequest request{
      .method = "GET", .target = "/api/auth" + first, .headers = {}, .body = ""};
  EXPECT_FALSE(limiter.check(request, first));
  EXPECT_FALSE(limiter.check(request, first));
  auto blocked = limiter.check(request, first);
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->status, 429);
  EXPECT_FALSE(limiter.check(request, second));
}

struct IpRow {
  std::string forwarded;
  std::optional<std::string> ip;
};

// Each row's answer is getIp's on better-auth 1.6.34 (@better-auth/core
// dist/utils/ip.mjs, default options).
TEST(RequestIpTest, MatchesGetIp) {
  const std::vector<IpRow> rows = {
      {"203.0.113.7", "203.0.113.7"},
      {" 203.0.113.7 ", "203.0.113.7"},
      {"203.0.113.7,", "203.0.113.7"},
      {"203.0.113.7, 10.0.0.1", std::nullopt},
      {"1.2.3.04", std::nullopt},
      {"256.1.1.1", std::nullopt},
      {"2001:DB8:1:2:3:4:5:6", "2001:0db8:0001:0002:0000:0000:0000:0000"},
      {"::ffff:192.0.2.1", "192.0.2.1"},
      {"::ffff:c000:0201", "192.0.2.1"},
      {"::FFFF:c000:0201", "0000:0000:0000:0000:0000:0000:0000:0000"},
      {"0:0:0:0:0:ffff:1.2.3.4", "1.2.3.4"},
      {"::1", "0000:0000:0000:0000:0000:0000:0000:0000"},
      {"1::", "0001:0000:0000:0000:0000:0000:0000:0000"},
      {"2001:db8::1.2.3.4", "2001:0db8:0000:0000:0000:0000:0000:0000"},
      {"::", "0000:0000:0000:0000:0000:0000:0000:0000"},
      {"fe80::1%eth0", std::nullopt},
      {"[::1]", std::nullopt},
      {"", std::nullopt},
      {"garbage", std::nullopt},
  };
  for (const IpRow& row : rows) {
    EXPECT_EQ(request_ip(http::Headers{{"x-forwarded-for", row.forwarded}}), row.ip)
        << "x-forwarded-for: " << row.forwarded;
  }
  EXPECT_EQ(request_ip(http::Headers{}), std::nullopt);
  // Two fields are one list ("1.2.3.4, 5.6.7.8"), so no address.
  EXPECT_EQ(
      request_ip(http::Headers{{"x-forwarded-for", "1.2.3.4"}, {"x-forwarded-for", "5.6.7.8"}}),
      std::nullopt);
}

}  // namespace
}  // namespace authref

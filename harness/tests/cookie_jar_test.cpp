// The cookie jar a simulated browser keeps: RFC 6265 §5.3–5.4 storage and
// retrieval, deletion, and the cookie-prefix rules.
#include "authconf/cookie_jar.h"

#include <gtest/gtest.h>

namespace authconf {
namespace {

constexpr const char* kSignIn = "http://127.0.0.1:3210/api/auth/sign-in/email";
constexpr const char* kGetSession = "http://127.0.0.1:3210/api/auth/get-session";

class CookieJarTest : public ::testing::Test {
 protected:
  std::int64_t now_ms = 1'800'000'000'000;
  CookieJar jar{[this] { return now_ms; }};
};

// The three cookies of a Better Auth + convex sign-in (transcript §4).
TEST_F(CookieJarTest, KeepsWhatASignInSetsAndSendsItBack) {
  ASSERT_TRUE(jar.store(
      "better-auth.session_token=t.s%3D; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax", kSignIn));
  ASSERT_TRUE(jar.store("better-auth.convex_jwt=j.w.t; Max-Age=900; Path=/; HttpOnly; SameSite=Lax",
                        kSignIn));
  EXPECT_EQ(jar.cookie_header(kGetSession),
            "better-auth.session_token=t.s%3D; better-auth.convex_jwt=j.w.t");
  auto session = jar.find("better-auth.session_token");
  ASSERT_TRUE(session);
  EXPECT_TRUE(session->host_only);
  EXPECT_EQ(session->domain, "127.0.0.1");
  EXPECT_EQ(session->expires_at_ms, now_ms + 604800'000);
}

TEST_F(CookieJarTest, MaxAgeZeroDeletesAsSignOutDoes) {
  ASSERT_TRUE(jar.store("better-auth.session_token=t; Max-Age=604800; Path=/", kSignIn));
  ASSERT_TRUE(jar.store("better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
                        kGetSession));
  EXPECT_FALSE(jar.find("better-auth.session_token"));
  EXPECT_EQ(jar.cookie_header(kGetSession), "");
}

TEST_F(CookieJarTest, DeletionMustMatchThePath) {
  ASSERT_TRUE(jar.store("a=1; Path=/", kSignIn));
  ASSERT_TRUE(jar.store("a=; Max-Age=0; Path=/api", kSignIn));
  EXPECT_EQ(jar.cookie_header(kGetSession), "a=1");
}

TEST_F(CookieJarTest, ExpiresWhenTheClockPassesMaxAge) {
  ASSERT_TRUE(jar.store("better-auth.convex_jwt=j; Max-Age=900; Path=/", kSignIn));
  now_ms += 899'999;
  EXPECT_EQ(jar.cookie_header(kGetSession), "better-auth.convex_jwt=j");
  now_ms += 1;
  EXPECT_EQ(jar.cookie_header(kGetSession), "");
}

TEST_F(CookieJarTest, MaxAgeWinsOverExpires) {
  ASSERT_TRUE(jar.store("a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60; Path=/", kSignIn));
  EXPECT_EQ(jar.cookie_header(kGetSession), "a=1");
  ASSERT_TRUE(jar.store("b=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", kSignIn));
  EXPECT_FALSE(jar.find("b"));
}

TEST_F(CookieJarTest, SessionCookieWithoutMaxAgeHasNoExpiry) {
  ASSERT_TRUE(jar.store("better-auth.session_token=t; Path=/; HttpOnly", kSignIn));
  now_ms += 400LL * 24 * 3600 * 1000;
  auto c = jar.find("better-auth.session_token");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->expires_at_ms);
}

TEST_F(CookieJarTest, DefaultPathIsTheRequestDirectory) {
  ASSERT_TRUE(jar.store("a=1", kSignIn));  // default-path /api/auth/sign-in
  EXPECT_EQ(jar.find("a")->path, "/api/auth/sign-in");
  EXPECT_EQ(jar.cookie_header(kGetSession), "");
  EXPECT_EQ(jar.cookie_header("http://127.0.0.1:3210/api/auth/sign-in/x"), "a=1");
}

TEST_F(CookieJarTest, PathMatchNeedsASegmentBoundary) {
  ASSERT_TRUE(jar.store("a=1; Path=/api", kSignIn));
  EXPECT_EQ(jar.cookie_header("http://127.0.0.1:3210/api"), "a=1");
  EXPECT_EQ(jar.cookie_header("http://127.0.0.1:3210/api/auth"), "a=1");
  EXPECT_EQ(jar.cookie_header("http://127.0.0.1:3210/apix"), "");
}

TEST_F(CookieJarTest, LongerPathsComeFirst) {
  ASSERT_TRUE(jar.store("a=root; Path=/", kSignIn));
  ASSERT_TRUE(jar.store("a=deep; Path=/api/auth", kSignIn));
  EXPECT_EQ(jar.cookie_header(kGetSession), "a=deep; a=root");
}

TEST_F(CookieJarTest, ReplacingKeepsTheOriginalCreationOrder) {
  ASSERT_TRUE(jar.store("a=1; Path=/", kSignIn));
  now_ms += 1;
  ASSERT_TRUE(jar.store("b=1; Path=/", kSignIn));
  now_ms += 1;
  ASSERT_TRUE(jar.store("a=2; Path=/", kSignIn));
  EXPECT_EQ(jar.cookie_header(kGetSession), "a=2; b=1");
}

TEST_F(CookieJarTest, DomainCookiesReachSubdomainsHostOnlyOnesDoNot) {
  ASSERT_TRUE(jar.store("d=1; Domain=.example.com; Path=/", "https://auth.example.com/api/auth/x"));
  ASSERT_TRUE(jar.store("h=1; Path=/", "https://auth.example.com/api/auth/x"));
  EXPECT_EQ(jar.cookie_header("https://app.example.com/"), "d=1");
  EXPECT_EQ(jar.cookie_header("https://example.com/"), "d=1");
  EXPECT_EQ(jar.cookie_header("https://auth.example.com/"), "d=1; h=1");
  EXPECT_EQ(jar.cookie_header("https://badexample.com/"), "");
  EXPECT_EQ(jar.cookie_header("https://AUTH.EXAMPLE.COM/"), "d=1; h=1");
}

struct RejectCase {
  const char* header;
  const char* url;
  CookieJarError error;
};

void PrintTo(const RejectCase& c, std::ostream* os) { *os << c.header << " from " << c.url; }

class CookieJarRejects : public ::testing::TestWithParam<RejectCase> {};

TEST_P(CookieJarRejects, WithTheSpecificError) {
  CookieJar jar;
  auto stored = jar.store(GetParam().header, GetParam().url);
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().code, GetParam().error);
  EXPECT_TRUE(jar.cookies().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, CookieJarRejects,
    ::testing::Values(
        RejectCase{"novalue", "http://127.0.0.1/", CookieJarError::kMalformedSetCookie},
        RejectCase{"a=1", "not a url", CookieJarError::kInvalidUrl},
        RejectCase{"a=1", "ftp://example.com/", CookieJarError::kInvalidUrl},
        RejectCase{"a=1; Domain=evil.com", "https://auth.example.com/",
                   CookieJarError::kDomainMismatch},
        RejectCase{"a=1; Domain=uth.example.com", "https://auth.example.com/",
                   CookieJarError::kDomainMismatch},
        RejectCase{"a=1; Domain=0.0.1", "http://127.0.0.1/", CookieJarError::kDomainMismatch},
        RejectCase{"a=1; Secure", "http://example.com/", CookieJarError::kSecureFromInsecureUrl},
        RejectCase{"__Secure-a=1; Path=/", "https://example.com/",
                   CookieJarError::kSecurePrefixViolation},
        RejectCase{"__Host-a=1; Secure; Path=/; Domain=example.com", "https://example.com/",
                   CookieJarError::kHostPrefixViolation},
        RejectCase{"__Host-a=1; Secure; Path=/api", "https://example.com/",
                   CookieJarError::kHostPrefixViolation},
        RejectCase{"__Host-a=1; Path=/", "https://example.com/",
                   CookieJarError::kHostPrefixViolation}));

// Better Auth with an https baseURL names cookies __Secure-…; browsers accept
// Secure cookies from loopback http, where the embedded reference runs.
TEST(CookieJar, SecureCookiesFromLoopbackAndHttps) {
  CookieJar jar;
  const char* header =
      "__Secure-better-auth.session_token=t; Max-Age=604800; Path=/; HttpOnly; Secure; "
      "SameSite=Lax";
  ASSERT_TRUE(jar.store(header, "http://127.0.0.1:9/api/auth/sign-in/email"));
  ASSERT_TRUE(jar.store(header, "http://localhost:9/api/auth/sign-in/email"));
  ASSERT_TRUE(jar.store(header, "https://auth.example.com/api/auth/sign-in/email"));
  ASSERT_TRUE(jar.store(header, "http://[::1]:9/api/auth/sign-in/email"));
  EXPECT_EQ(jar.cookie_header("http://127.0.0.1:9/api/auth/get-session"),
            "__Secure-better-auth.session_token=t");
  EXPECT_EQ(jar.cookie_header("http://auth.example.com/api/auth/get-session"), "");
  EXPECT_EQ(jar.cookies().size(), 4u);
}

TEST(CookieJar, PutForgesOrReplacesACookie) {
  CookieJar jar;
  ASSERT_TRUE(jar.store("a=1; Path=/", "http://127.0.0.1/"));
  StoredCookie forged = *jar.find("a");
  forged.value = "tampered";
  jar.put(forged);
  EXPECT_EQ(jar.cookie_header("http://127.0.0.1/"), "a=tampered");
  jar.clear();
  EXPECT_EQ(jar.cookie_header("http://127.0.0.1/"), "");
}

}  // namespace
}  // namespace authconf

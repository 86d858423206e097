// The crossDomain plugin behind the convex plugin ([convex, cross-domain]),
// against spec/transcripts/better-auth-1.6.34-memory.md §16 and probes of
// @convex-dev/better-auth 0.12.5 on Node (new URL results, the
// one-time-token answers).
#include "auth/cross_domain_plugin.h"

#include <gtest/gtest.h>

#include "auth/auth_test_support.h"
#include "authconf/encoding.h"
#include "authconf/signed_cookie.h"
#include "convex/convex_plugin.h"

namespace authref {
namespace {

using testing::AuthTestBed;
using testing::kTestStartMs;

// --- absolute_callback_url: rows printed by Node 20 --------------------------

struct UrlRow {
  std::string input;
  std::optional<std::string> expected;  // nullopt: new URL throws
};

class AbsoluteCallbackUrlTest : public ::testing::TestWithParam<UrlRow> {};

TEST_P(AbsoluteCallbackUrlTest, MatchesNewUrlAgainstTheSiteUrl) {
  EXPECT_EQ(absolute_callback_url(GetParam().input, "http://localhost:5173"), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    NodeRows, AbsoluteCallbackUrlTest,
    ::testing::Values(
        UrlRow{"/", "http://localhost:5173/"},
        UrlRow{"/dashboard", "http://localhost:5173/dashboard"},
        UrlRow{"/a/b?x=1#frag", "http://localhost:5173/a/b?x=1#frag"},
        UrlRow{"/a/../b/./c", "http://localhost:5173/b/c"},
        UrlRow{"/a b", "http://localhost:5173/a%20b"},
        UrlRow{"/\xC3\xA9?q=\xC3\xA9 \xC3\xA9#\xC3\xA9 ",
               "http://localhost:5173/%C3%A9?q=%C3%A9%20%C3%A9#%C3%A9"},
        UrlRow{"//evil.com/x", "http://evil.com/x"}, UrlRow{"//evil.com", "http://evil.com/"},
        UrlRow{"/\\evil.com/x", "http://evil.com/x"},
        UrlRow{"/a\\b?c\\d", "http://localhost:5173/a/b?c\\d"},
        UrlRow{"/%2e%2e/x", "http://localhost:5173/x"},
        UrlRow{"/a/%2E/b", "http://localhost:5173/a/b"},
        UrlRow{"/a?b c'd\"e<f>g", "http://localhost:5173/a?b%20c%27d%22e%3Cf%3Eg"},
        UrlRow{"/a#b c`d", "http://localhost:5173/a#b%20c%60d"},
        UrlRow{"/ a ", "http://localhost:5173/%20a"}, UrlRow{"/\ta\nb", "http://localhost:5173/ab"},
        UrlRow{"//user:pw@evil.com:80/x", "http://user:pw@evil.com/x"},
        UrlRow{"//EVIL.com:8080", "http://evil.com:8080/"}, UrlRow{"/..", "http://localhost:5173/"},
        UrlRow{"/a/..", "http://localhost:5173/"}, UrlRow{"/a/b/..", "http://localhost:5173/a/"},
        UrlRow{"/?", "http://localhost:5173/?"}, UrlRow{"/#", "http://localhost:5173/#"},
        UrlRow{"/{}|^`[]", "http://localhost:5173/%7B%7D|^%60[]"},
        UrlRow{"//[::1]/x", "http://[::1]/x"}, UrlRow{"/a%zz", "http://localhost:5173/a%zz"},
        UrlRow{"///x", "http://x/"}, UrlRow{"/a/b/./", "http://localhost:5173/a/b/"},
        UrlRow{"/./", "http://localhost:5173/"}, UrlRow{"//exa mple.com/", std::nullopt}));

// --- the plugin in the pipeline ------------------------------------------------

class CrossDomainBed {
 public:
  explicit CrossDomainBed(AuthOptions options = {}, bool cross_domain = true)
      : bed_(std::move(options)) {
    bed_.auth().add_plugin(std::make_unique<ConvexPlugin>(bed_.auth().services()));
    if (cross_domain) {
      bed_.auth().add_plugin(std::make_unique<CrossDomainPlugin>(bed_.auth().services()));
    }
  }
  AuthTestBed& bed() { return bed_; }
  std::string prefix() { return bed_.auth().options().secure_cookies() ? "__Secure-" : ""; }
  http::HttpResponse send(const std::string& method, const std::string& path, http::Headers headers,
                          const std::string& body = "") {
    return bed_.send(method, "/api/auth" + path, body, std::move(headers));
  }
  Json documents(const char* table) { return bed_.app().database().documents("component", table); }

 private:
  AuthTestBed bed_;
};

AuthOptions secure_options() {
  AuthOptions options;
  options.base_url = "https://127.0.0.1:8789";  // the transcript's secure instance
  return options;
}

std::string pair_of(std::string_view set_cookie) {
  return std::string(set_cookie.substr(0, set_cookie.find(';')));
}

TEST(CrossDomainPlugin, RunsAfterTheConvexPlugin) {
  CrossDomainBed xd;
  EXPECT_EQ(xd.bed().auth().plugin_ids(), (std::vector<std::string>{"convex", "cross-domain"}));
}

TEST(CrossDomainPlugin, SetCookieMovesIntoSetBetterAuthCookieWhenTheClientSendsTheHeader) {
  CrossDomainBed xd(secure_options());
  const http::Headers json{{"content-type", "application/json"},
                           {"origin", testing::kTestSiteOrigin}};
  // No Better-Auth-Cookie: plain Set-Cookie (transcript §16, first exchange).
  auto sign_up = xd.send("POST", "/sign-up/email", json,
                         R"({"email":"erin@example.com","password":"password123","name":"Erin"})");
  ASSERT_EQ(sign_up.status, 200) << sign_up.body;
  EXPECT_EQ(sign_up.headers.get_all("set-cookie").size(), 2u);
  EXPECT_FALSE(sign_up.headers.has("set-better-auth-cookie"));

  // An empty Better-Auth-Cookie: both cookies move, joined by ", ".
  http::Headers empty_header = json;
  empty_header.add("better-auth-cookie", "");
  auto sign_in = xd.send("POST", "/sign-in/email", empty_header,
                         R"({"email":"erin@example.com","password":"password123"})");
  ASSERT_EQ(sign_in.status, 200) << sign_in.body;
  EXPECT_FALSE(sign_in.headers.has("set-cookie"));
  const std::string moved(sign_in.headers.get("set-better-auth-cookie").value_or(""));
  const std::size_t join = moved.find(", __Secure-better-auth.convex_jwt=");
  ASSERT_NE(join, std::string::npos) << moved;
  const std::string session_cookie = moved.substr(0, join);
  const std::string convex_cookie = moved.substr(join + 2);
  const std::string token = Json::parse(sign_in.body).at("token").get<std::string>();
  EXPECT_TRUE(session_cookie.starts_with("__Secure-better-auth.session_token=" + token + "."));
  EXPECT_TRUE(session_cookie.ends_with("; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=Lax"));
  EXPECT_TRUE(convex_cookie.ends_with("; Max-Age=900; Path=/; HttpOnly; Secure; SameSite=Lax"));

  // Better-Auth-Cookie instead of Cookie: the session is found, and the
  // convex cookie moves.
  auto get_session = xd.send(
      "GET", "/get-session",
      {{"origin", testing::kTestSiteOrigin}, {"better-auth-cookie", pair_of(session_cookie)}});
  ASSERT_EQ(get_session.status, 200);
  EXPECT_EQ(Json::parse(get_session.body)["session"]["token"], token);
  EXPECT_FALSE(get_session.headers.has("set-cookie"));
  const std::string moved_jwt(get_session.headers.get("set-better-auth-cookie").value_or(""));
  EXPECT_TRUE(moved_jwt.starts_with("__Secure-better-auth.convex_jwt=ey")) << moved_jwt;
  EXPECT_EQ(moved_jwt.find(", "), std::string::npos);

  auto convex_token = xd.send(
      "GET", "/convex/token",
      {{"origin", testing::kTestSiteOrigin}, {"better-auth-cookie", pair_of(session_cookie)}});
  ASSERT_EQ(convex_token.status, 200) << convex_token.body;
  EXPECT_EQ(convex_token.headers.get("set-better-auth-cookie"),
            "__Secure-better-auth.convex_jwt=" +
                Json::parse(convex_token.body).at("token").get<std::string>() +
                "; Max-Age=900; Path=/; HttpOnly; Secure; SameSite=Lax");

  // Sign-out with Better-Auth-Cookie and no Origin (transcript §16, last).
  auto sign_out = xd.send(
      "POST", "/sign-out",
      {{"content-type", "application/json"}, {"better-auth-cookie", pair_of(session_cookie)}},
      "{}");
  ASSERT_EQ(sign_out.status, 200) << sign_out.body;
  EXPECT_EQ(sign_out.body, R"({"success":true})");
  EXPECT_FALSE(sign_out.headers.has("set-cookie"));
  EXPECT_EQ(
      sign_out.headers.get("set-better-auth-cookie"),
      "__Secure-better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax, "
      "__Secure-better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax, "
      "__Secure-better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax, "
      "__Secure-better-auth.convex_jwt=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
}

TEST(CrossDomainPlugin, WhichCookieTheRequestCarries) {
  CrossDomainBed xd;
  auto alice = xd.bed().sign_up("alice@example.com");
  auto bob = xd.bed().sign_up("bob@example.com");
  const std::string alice_cookie = xd.bed().session_cookie(alice);
  const std::string bob_cookie = xd.bed().session_cookie(bob);
  const std::string bob_token = Json::parse(bob.body).at("token").get<std::string>();
  struct Row {
    std::string name;
    http::Headers headers;
    std::string expected_email;  // "" = no session
    bool moved;                  // Set-Better-Auth-Cookie instead of Set-Cookie
  };
  const std::vector<Row> rows = {
      {"Better-Auth-Cookie alone", {{"better-auth-cookie", bob_cookie}}, "bob@example.com", true},
      // "cookie; better-auth-cookie": the first session_token wins.
      {"Cookie comes first",
       {{"cookie", alice_cookie}, {"better-auth-cookie", bob_cookie}},
       "alice@example.com",
       true},
      {"Authorization skips the copy",
       {{"authorization", "Bearer " + bob_token}, {"better-auth-cookie", alice_cookie}},
       "bob@example.com",
       true},
      {"an empty Better-Auth-Cookie copies nothing",
       {{"cookie", alice_cookie}, {"better-auth-cookie", ""}},
       "alice@example.com",
       true},
      {"Expo clients are left alone",
       {{"better-auth-cookie", bob_cookie}, {"expo-origin", "exp://x"}},
       "",
       false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    auto response = xd.send("GET", "/get-session", row.headers);
    ASSERT_EQ(response.status, 200);
    if (row.expected_email.empty()) {
      EXPECT_EQ(response.body, "null");
    } else {
      ASSERT_NE(response.body, "null");
      EXPECT_EQ(Json::parse(response.body)["user"]["email"], row.expected_email);
    }
    EXPECT_EQ(response.headers.has("set-better-auth-cookie"), row.moved);
    EXPECT_EQ(response.headers.has("set-cookie"), !row.moved);
  }
}

TEST(CrossDomainPlugin, APostRestoresTheRequestsOwnCookieOverBearer) {
  // Hook 3 returns {context: ctx}, whose headers are the request's: on a
  // POST that carries a Cookie, bearer's injected cookie is undone (probed
  // on Node). Without the plugin, bearer wins.
  for (const bool cross_domain : {true, false}) {
    SCOPED_TRACE(cross_domain ? "with crossDomain" : "without crossDomain");
    CrossDomainBed xd({}, cross_domain);
    auto alice = xd.bed().sign_up("alice@example.com");
    auto bob = xd.bed().sign_up("bob@example.com");
    const std::string alice_token = Json::parse(alice.body).at("token").get<std::string>();
    const std::string bob_token = Json::parse(bob.body).at("token").get<std::string>();
    auto sign_out = xd.send("POST", "/sign-out",
                            {{"content-type", "application/json"},
                             {"origin", testing::kTestSiteOrigin},
                             {"cookie", xd.bed().session_cookie(alice)},
                             {"authorization", "Bearer " + bob_token}},
                            "{}");
    ASSERT_EQ(sign_out.status, 200) << sign_out.body;
    std::vector<std::string> remaining;
    for (const Json& session : xd.documents("session")) remaining.push_back(session["token"]);
    EXPECT_EQ(remaining, std::vector<std::string>{cross_domain ? bob_token : alice_token});
  }
}

TEST(CrossDomainPlugin, RelativeCallbackUrlsBecomeAbsoluteAgainstTheSite) {
  for (const bool cross_domain : {true, false}) {
    SCOPED_TRACE(cross_domain ? "with crossDomain" : "without crossDomain");
    CrossDomainBed xd({}, cross_domain);
    auto response = xd.bed().post(
        "/sign-up/email",
        R"({"email":"alice@example.com","password":"correct horse battery","name":"Alice","callbackURL":"/welcome"})");
    ASSERT_EQ(response.status, 200) << response.body;
    const Json messages =
        xd.bed().app().outbox().list("alice@example.com", std::nullopt)["messages"];
    ASSERT_EQ(messages.size(), 1u);
    const std::string url = messages[0]["url"];
    const std::string expected_callback =
        cross_domain ? "callbackURL=http%3A%2F%2Flocalhost%3A5173%2Fwelcome"
                     : "callbackURL=%2Fwelcome";
    EXPECT_TRUE(url.ends_with(expected_callback)) << url;
  }
  // GET /verify-email (hook 2): the error redirect goes to the site.
  CrossDomainBed xd;
  auto verify = xd.send("GET", "/verify-email?token=bad&callbackURL=%2Fdone", {});
  EXPECT_EQ(verify.status, 302);
  EXPECT_TRUE(std::string(verify.headers.get("location").value_or(""))
                  .starts_with("http://localhost:5173/done?error="))
      << verify.headers.get("location").value_or("<none>");
}

// --- POST /cross-domain/one-time-token/verify ----------------------------------

class OneTimeTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto signed_up = xd_.bed().sign_up("alice@example.com");
    ASSERT_EQ(signed_up.status, 200);
    session_token_ = Json::parse(signed_up.body).at("token").get<std::string>();
  }
  // A verification row as the ott after hook writes it.
  void store(const std::string& token, const std::string& value, double expires_at) {
    Json data = Json::object();
    data["identifier"] = "one-time-token:" + token;
    data["value"] = value;
    data["expiresAt"] = expires_at;
    data["createdAt"] = kTestStartMs;
    data["updatedAt"] = kTestStartMs;
    xd_.bed().auth().services().adapter.create("verification", data);
  }
  http::HttpResponse verify(const std::string& body) {
    return xd_.bed().post("/cross-domain/one-time-token/verify", body);
  }
  std::size_t verification_rows() { return xd_.documents("verification").size(); }

  CrossDomainBed xd_;
  std::string session_token_;
};

TEST_F(OneTimeTokenTest, AValidTokenIsConsumedAndSetsTheSessionCookie) {
  store("abc", session_token_, kTestStartMs + 180'000);
  const std::size_t before = verification_rows();
  auto response = verify(R"({"token":"abc"})");
  ASSERT_EQ(response.status, 200) << response.body;
  const Json session = xd_.documents("session")[0];
  const Json user = xd_.documents("user")[0];
  EXPECT_EQ(
      response.body,
      R"({"session":{"expiresAt":)" + js_stringify(session["expiresAt"]) + R"(,"token":")" +
          session_token_ + R"(","createdAt":)" + js_stringify(session["createdAt"]) +
          R"(,"updatedAt":)" + js_stringify(session["updatedAt"]) +
          R"(,"ipAddress":"","userAgent":"","userId":")" + user["_id"].get<std::string>() +
          R"(","id":")" + session["_id"].get<std::string>() +
          R"("},"user":{"name":"Alice","email":"alice@example.com","emailVerified":false,"createdAt":1795344960857,"updatedAt":1795344960857,"id":")" +
          user["_id"].get<std::string>() + R"("}})");
  const auto cookies = response.headers.get_all("set-cookie");
  ASSERT_EQ(cookies.size(), 1u) << "the inner verify's cookie is not returned";
  EXPECT_EQ(cookies[0],
            "better-auth.session_token=" +
                authconf::sign_cookie_value(session_token_, xd_.bed().auth().options().secret) +
                "; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax");
  EXPECT_EQ(verification_rows(), before - 1);
  auto again = verify(R"({"token":"abc"})");
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.body, R"({"message":"Invalid token"})");
}

TEST_F(OneTimeTokenTest, RefusalsAnswer400WithTheirMessages) {
  store("expired", session_token_, kTestStartMs - 1);
  store("orphan", "no-such-session-token", kTestStartMs + 180'000);
  struct Row {
    std::string name;
    std::string body;
    int status;
    std::string response;
  };
  const std::vector<Row> rows = {
      {"unknown token", R"({"token":"nope"})", 400, R"({"message":"Invalid token"})"},
      {"expired row (consumed all the same)", R"({"token":"expired"})", 400,
       R"({"message":"Invalid token"})"},
      {"no such session", R"({"token":"orphan"})", 400, R"({"message":"Session not found"})"},
      {"no token", "{}", 400,
       R"({"message":"[body.token] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"})"},
      {"a number", R"({"token":5})", 400,
       R"({"message":"[body.token] Invalid input: expected string, received number","code":"VALIDATION_ERROR"})"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    auto response = verify(row.body);
    EXPECT_EQ(response.status, row.status);
    EXPECT_EQ(response.body, row.response);
    EXPECT_FALSE(response.headers.has("set-cookie"));
  }
  EXPECT_EQ(verification_rows(), 0u) << "the expired and orphan rows were consumed";
}

TEST_F(OneTimeTokenTest, AnExpiredSessionIsRefusedWithoutACookie) {
  store("late", session_token_, kTestStartMs + 8.0 * 86400 * 1000);
  xd_.bed().clock().advance_ms(7.0 * 86400 * 1000 + 1000);  // past the session's week
  auto response = verify(R"({"token":"late"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, R"({"message":"Session expired"})");
  EXPECT_FALSE(response.headers.has("set-cookie"));
}

}  // namespace
}  // namespace authref

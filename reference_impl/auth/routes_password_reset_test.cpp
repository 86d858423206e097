// Password reset end to end through the outbox (spec/better-auth-wire.md
// §2.13-2.15, spec/transcripts §10), and the URL rewriting behind the
// GET /reset-password/:token redirect.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/auth_test_support.h"
#include "auth/routes.h"

namespace authref {
namespace {

constexpr const char* kResetAnswer =
    R"({"status":true,"message":"If this email exists in our system, check your email for the reset link"})";
constexpr const char* kInvalidToken = R"({"message":"Invalid token","code":"INVALID_TOKEN"})";
constexpr const char* kBase = "http://127.0.0.1:8787/api/auth";
constexpr const char* kRedirectTo = "http://localhost:5173/reset-password";

class PasswordResetTest : public ::testing::Test {
 protected:
  explicit PasswordResetTest(AuthOptions options = {}) : bed_(std::move(options)) {}

  void SetUp() override {
    auto response = bed_.sign_up("alice@example.com");
    ASSERT_EQ(response.status, 200);
    alice_cookie_ = bed_.session_cookie(response);
    alice_id_ = Json::parse(response.body).at("user").at("id").get<std::string>();
  }

  http::HttpResponse request_reset(const std::string& email,
                                   const std::string& redirect_to = kRedirectTo) {
    return bed_.post("/request-password-reset",
                     Json{{"email", email}, {"redirectTo", redirect_to}}.dump());
  }
  Json reset_mails(const std::string& to) {
    return bed_.app().outbox().list(to, OutboxKind::kResetPassword).at("messages");
  }
  // Requests a reset for alice and returns the mailed token.
  std::string mailed_token() {
    auto response = request_reset("alice@example.com");
    EXPECT_EQ(response.status, 200);
    Json mails = reset_mails("alice@example.com");
    EXPECT_FALSE(mails.empty());
    return mails.empty() ? std::string() : mails.back().at("token").get<std::string>();
  }
  http::HttpResponse reset(const std::string& body) { return bed_.post("/reset-password", body); }
  std::vector<Json> verification_rows(const std::string& token) {
    return bed_.auth().services().adapter.find_many("verification",
                                                    {{"identifier", "reset-password:" + token}});
  }
  std::string redirect_callback(const std::string& token,
                                const std::string& callback =
                                    "http%3A%2F%2Flocalhost%3A5173%2Freset-"
                                    "password") {
    auto response = bed_.get("/reset-password/" + token + "?callbackURL=" + callback);
    EXPECT_EQ(response.status, 302);
    EXPECT_EQ(response.body, "");
    EXPECT_EQ(response.headers.get("content-type"), "application/json");
    return std::string(response.headers.get("location").value_or(""));
  }

  testing::AuthTestBed bed_;
  std::string alice_cookie_;
  std::string alice_id_;
};

TEST_F(PasswordResetTest, EndToEndThroughTheOutbox) {
  auto response = request_reset("alice@example.com");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, kResetAnswer);

  Json mails = reset_mails("alice@example.com");
  ASSERT_EQ(mails.size(), 1u);
  const std::string token = mails[0].at("token").get<std::string>();
  EXPECT_EQ(token.size(), 24u);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
      std::string::npos);
  EXPECT_EQ(mails[0].at("url"), std::string(kBase) + "/reset-password/" + token +
                                    "?callbackURL=http%3A%2F%2Flocalhost%3A5173%2Freset-password");

  // The stored row: identifier, the user id as value, an hour to live.
  auto rows = verification_rows(token);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("value"), alice_id_);
  EXPECT_EQ(rows[0].at("expiresAt").get<double>(), testing::kTestStartMs + 3600 * 1000);
  EXPECT_EQ(rows[0].at("createdAt").get<double>(), testing::kTestStartMs);

  // The link redirects to redirectTo with the token.
  EXPECT_EQ(redirect_callback(token), "http://localhost:5173/reset-password?token=" + token);
  EXPECT_EQ(redirect_callback("notarealtoken"),
            "http://localhost:5173/reset-password?error=INVALID_TOKEN");

  // A too-short password is refused before the token is spent.
  response = reset(Json{{"newPassword", "short"}, {"token", token}}.dump());
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, R"({"message":"Password too short","code":"PASSWORD_TOO_SHORT"})");
  EXPECT_EQ(verification_rows(token).size(), 1u);

  response = reset(Json{{"newPassword", "reset password 2"}, {"token", token}}.dump());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":true})");
  EXPECT_TRUE(verification_rows(token).empty());

  // Single use.
  response = reset(Json{{"newPassword", "reset password 3"}, {"token", token}}.dump());
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, kInvalidToken);
  EXPECT_EQ(redirect_callback(token), "http://localhost:5173/reset-password?error=INVALID_TOKEN");

  response = bed_.sign_in("alice@example.com");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body,
            R"({"message":"Invalid email or password","code":"INVALID_EMAIL_OR_PASSWORD"})");
  response = bed_.sign_in("alice@example.com", "reset password 2");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.starts_with(R"({"redirect":false,"token":")")) << response.body;

  // revokeSessionsOnPasswordReset is off: the old session still works.
  response = bed_.get("/get-session", alice_cookie_);
  EXPECT_EQ(Json::parse(response.body).at("user").at("id"), alice_id_);
}

TEST_F(PasswordResetTest, UnknownEmailGetsTheSameAnswerAndNoMail) {
  auto response = request_reset("nobody@example.com");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, kResetAnswer);
  EXPECT_TRUE(reset_mails("nobody@example.com").empty());
  EXPECT_TRUE(
      bed_.app().outbox().list(std::nullopt, OutboxKind::kResetPassword).at("messages").empty());
  EXPECT_TRUE(bed_.auth().services().adapter.find_many("verification", {}).empty());
}

TEST_F(PasswordResetTest, EmailIsMatchedLowerCased) {
  request_reset("ALICE@Example.com");
  Json mails = reset_mails("alice@example.com");
  ASSERT_EQ(mails.size(), 1u);
}

TEST_F(PasswordResetTest, MissingTokenIsInvalid) {
  auto response = reset(R"({"newPassword":"reset password 3"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, kInvalidToken);
  response = reset(R"({"newPassword":"reset password 3","token":""})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, kInvalidToken);
}

TEST_F(PasswordResetTest, TokenMayComeFromTheQuery) {
  const std::string token = mailed_token();
  auto response =
      bed_.post("/reset-password?token=" + token, R"({"newPassword":"from the query"})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":true})");
  EXPECT_EQ(bed_.sign_in("alice@example.com", "from the query").status, 200);
}

TEST_F(PasswordResetTest, ExpiredTokenIsRefusedAndConsumed) {
  const std::string token = mailed_token();
  bed_.clock().advance_ms(3600 * 1000 + 1);
  EXPECT_EQ(redirect_callback(token), "http://localhost:5173/reset-password?error=INVALID_TOKEN");
  // findVerificationValue's cleanup removed the expired row.
  EXPECT_TRUE(verification_rows(token).empty());
  auto response = reset(Json{{"newPassword", "too late now"}, {"token", token}}.dump());
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, kInvalidToken);
}

TEST_F(PasswordResetTest, TokenStillValidAtItsExpiryInstant) {
  const std::string token = mailed_token();
  bed_.clock().advance_ms(3600 * 1000);
  // `expiresAt < new Date()` is false at the very millisecond.
  EXPECT_EQ(redirect_callback(token), "http://localhost:5173/reset-password?token=" + token);
  auto response = reset(Json{{"newPassword", "just in time"}, {"token", token}}.dump());
  EXPECT_EQ(response.status, 200);
}

TEST_F(PasswordResetTest, CallbackQueryIsRequiredAndEmptyGoesToTheErrorPage) {
  auto response = bed_.get("/reset-password/abc");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(
      response.body,
      R"({"message":"[query.callbackURL] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"})");
  EXPECT_EQ(redirect_callback("abc", ""), std::string(kBase) + "/error?error=INVALID_TOKEN");
}

TEST_F(PasswordResetTest, RelativeRedirectToResolvesAgainstTheBaseUrl) {
  request_reset("alice@example.com", "/reset?step=2");
  Json mails = reset_mails("alice@example.com");
  ASSERT_EQ(mails.size(), 1u);
  const std::string token = mails[0].at("token").get<std::string>();
  EXPECT_EQ(mails[0].at("url"),
            std::string(kBase) + "/reset-password/" + token + "?callbackURL=%2Freset%3Fstep%3D2");
  EXPECT_EQ(redirect_callback(token, "%2Freset%3Fstep%3D2"),
            "http://127.0.0.1:8787/reset?step=2&token=" + token);
}

TEST_F(PasswordResetTest, MissingCredentialAccountIsCreated) {
  const std::string token = mailed_token();
  AuthAdapter& adapter = bed_.auth().services().adapter;
  adapter.remove_many("account", {{"userId", alice_id_}});
  auto response = reset(Json{{"newPassword", "a brand new one"}, {"token", token}}.dump());
  EXPECT_EQ(response.status, 200);
  auto accounts = adapter.find_many("account", {{"userId", alice_id_}});
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0].at("providerId"), "credential");
  EXPECT_EQ(accounts[0].at("accountId"), alice_id_);
  EXPECT_EQ(bed_.sign_in("alice@example.com", "a brand new one").status, 200);
}

TEST_F(PasswordResetTest, RequestValidatesTheEmail) {
  auto response = bed_.post("/request-password-reset", R"({"email":"not an email"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            R"({"message":"[body.email] Invalid email address","code":"VALIDATION_ERROR"})");
}

class RevokingPasswordResetTest : public PasswordResetTest {
 protected:
  static AuthOptions revoking() {
    AuthOptions options;
    options.revoke_sessions_on_password_reset = true;
    return options;
  }
  RevokingPasswordResetTest() : PasswordResetTest(revoking()) {}
};

TEST_F(RevokingPasswordResetTest, ResetDeletesEverySession) {
  ASSERT_EQ(bed_.sign_in("alice@example.com").status, 200);
  const std::string token = mailed_token();
  auto response = reset(Json{{"newPassword", "reset password 2"}, {"token", token}}.dump());
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(bed_.auth().services().adapter.find_many("session", {{"userId", alice_id_}}).empty());
  response = bed_.get("/get-session", alice_cookie_);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "null");
}

struct UrlRow {
  std::string input;
  std::string href;
};

// `u = new URL(input, "http://127.0.0.1:8787/api/auth"); u.searchParams.set("token", "T0k");
// u.href` on Node 20, row by row.
TEST(UrlWithSearchParamTest, MatchesTheWhatwgUrlParser) {
  const std::vector<UrlRow> rows = {
      {"/reset", "http://127.0.0.1:8787/reset?token=T0k"},
      {"/a/../b", "http://127.0.0.1:8787/b?token=T0k"},
      {"/a/./b/..", "http://127.0.0.1:8787/a/?token=T0k"},
      {"/a?x=1&y=a+b%20c&x=2", "http://127.0.0.1:8787/a?x=1&y=a+b+c&x=2&token=T0k"},
      {"http://LOCALHOST:5173/r", "http://localhost:5173/r?token=T0k"},
      {"http://localhost:5173", "http://localhost:5173/?token=T0k"},
      {"http://u:p@localhost:5173/r?token=old#f g", "http://u:p@localhost:5173/r?token=T0k#f%20g"},
      {"http:localhost:5173/x", "http://127.0.0.1:8787/api/localhost:5173/x?token=T0k"},
      {"http:/localhost:5173/x", "http://127.0.0.1:8787/localhost:5173/x?token=T0k"},
      {"HTTP://localhost:5173/a/%2e%2E/b^`{}|\xC3\xA9 ",
       "http://localhost:5173/b^%60%7B%7D|%C3%A9?token=T0k"},
      {"http://localhost:5173/r?q=\xC3\xA9&z=%zz&k",
       "http://localhost:5173/r?q=%C3%A9&z=%25zz&k=&token=T0k"},
      {"reset", "http://127.0.0.1:8787/api/reset?token=T0k"},
      {"?q=1", "http://127.0.0.1:8787/api/auth?q=1&token=T0k"},
      {"#f", "http://127.0.0.1:8787/api/auth?token=T0k#f"},
      {"http://localhost:5173\\a\\b", "http://localhost:5173/a/b?token=T0k"},
      {"http://localhost:80/x", "http://localhost/x?token=T0k"},
      {"https://app.example.com:443/", "https://app.example.com/?token=T0k"},
      {"myapp://cb/x?y=1#z", "myapp://cb/x?y=1&token=T0k#z"},
      {"http://localhost:5173/r?token=old&token=older&a=1",
       "http://localhost:5173/r?token=T0k&a=1"},
      {"//localhost:5173/x", "http://localhost:5173/x?token=T0k"},
      {"http://[::1]:5173/x", "http://[::1]:5173/x?token=T0k"},
      {"http://a@b@localhost:5173/", "http://a%40b@localhost:5173/?token=T0k"},
      {" \t/tab\nbed ", "http://127.0.0.1:8787/tabbed?token=T0k"},
      {"https://app.example.com/a b/..%2E/c", "https://app.example.com/a%20b/..%2E/c?token=T0k"},
  };
  for (const UrlRow& row : rows) {
    EXPECT_EQ(url_with_search_param(row.input, kBase, "token", "T0k"), row.href)
        << "input: " << row.input;
  }
  // `new URL("http://", base)` throws.
  EXPECT_EQ(url_with_search_param("http://", kBase, "token", "T0k"), std::nullopt);
}

}  // namespace
}  // namespace authref

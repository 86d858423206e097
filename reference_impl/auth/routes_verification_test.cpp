// Email verification and the error page (spec/better-auth-wire.md
// §2.16-2.18, spec/transcripts §11): tokens good, forged, expired and for
// nobody, with and without a callback URL; the change-email token flows;
// send-verification-email with and without a session, including its 500 ms
// floor; GET /error and what its page shows.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/auth_test_support.h"
#include "auth/email_verification_token.h"
#include "authconf/encoding.h"

namespace authref {
namespace {

constexpr const char* kSecret = "test-secret-0123456789abcdef0123456789abcdef";
constexpr std::int64_t kStartS = static_cast<std::int64_t>(testing::kTestStartMs) / 1000;
constexpr const char* kInvalidToken = R"({"message":"Invalid token","code":"INVALID_TOKEN"})";

class VerificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto response = bed_.sign_up("alice@example.com");
    ASSERT_EQ(response.status, 200);
    alice_cookie_ = bed_.session_cookie(response);
    alice_id_ = Json::parse(response.body).at("user").at("id").get<std::string>();
  }
  Json verify_mails(const std::string& to) {
    return bed_.app().outbox().list(to, OutboxKind::kVerifyEmail).at("messages");
  }
  Json alice() { return *bed_.auth().services().adapter.find_one("user", {{"id", alice_id_}}); }
  std::string token_for(const std::string& email, std::int64_t issued_s = kStartS,
                        const std::optional<std::string>& update_to = std::nullopt,
                        const std::optional<std::string>& request_type = std::nullopt) {
    return create_email_verification_token(kSecret, email, issued_s, 3600, update_to, request_type);
  }
  http::HttpResponse verify(const std::string& token, const std::string& callback = "",
                            const std::string& cookie = "") {
    std::string target = "/verify-email?token=" + token;
    if (!callback.empty()) target += "&callbackURL=" + authconf::encode_uri_component(callback);
    return bed_.get(target, cookie);
  }
  static void expect_redirect(const http::HttpResponse& response, const std::string& location) {
    EXPECT_EQ(response.status, 302);
    EXPECT_EQ(response.headers.get("location"), location);
    EXPECT_EQ(response.body, "");
  }

  testing::AuthTestBed bed_;
  std::string alice_cookie_;
  std::string alice_id_;
};

TEST_F(VerificationTest, SignUpMailVerifiesAndRedirectsToItsCallback) {
  Json mails = verify_mails("alice@example.com");
  ASSERT_EQ(mails.size(), 1u);
  const std::string token = mails[0].at("token").get<std::string>();
  EXPECT_EQ(token, token_for("alice@example.com"));
  EXPECT_EQ(mails[0].at("url"),
            "http://127.0.0.1:8787/api/auth/verify-email?token=" + token + "&callbackURL=%2F");
  // The transcript's request: the mailed URL as is.
  auto response = bed_.get("/verify-email?token=" + token + "&callbackURL=%2F");
  expect_redirect(response, "/");
  EXPECT_EQ(alice().at("emailVerified"), true);
  EXPECT_EQ(alice().at("updatedAt").get<double>(), testing::kTestStartMs);
}

TEST_F(VerificationTest, GoodTokenWithoutCallbackAnswersStatusAndNullUser) {
  const std::string token = token_for("alice@example.com");
  bed_.clock().advance_ms(5000);
  auto response = verify(token);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":true,"user":null})");
  EXPECT_EQ(alice().at("emailVerified"), true);
  EXPECT_EQ(alice().at("updatedAt").get<double>(), testing::kTestStartMs + 5000);
  // Already verified: the same answer and no second update.
  bed_.clock().advance_ms(5000);
  response = verify(token);
  EXPECT_EQ(response.body, R"({"status":true,"user":null})");
  EXPECT_EQ(alice().at("updatedAt").get<double>(), testing::kTestStartMs + 5000);
}

struct BadTokenRow {
  std::string name;
  std::string token;
  std::string code;
  std::string message;
};

TEST_F(VerificationTest, BadTokensAre401WithoutCallbackAndRedirectWithOne) {
  const std::vector<BadTokenRow> rows = {
      {"garbage", "bad.token.here", "INVALID_TOKEN", "Invalid token"},
      {"other secret",
       create_email_verification_token("another-secret-0123456789abcdef0123", "alice@example.com",
                                       kStartS, 3600),
       "INVALID_TOKEN", "Invalid token"},
      {"expired", token_for("alice@example.com", kStartS - 3600), "TOKEN_EXPIRED", "Token expired"},
      {"for nobody", token_for("ghost@example.com"), "USER_NOT_FOUND", "User not found"},
  };
  for (const BadTokenRow& row : rows) {
    SCOPED_TRACE(row.name);
    auto response = verify(row.token);
    EXPECT_EQ(response.status, 401);
    EXPECT_EQ(response.body, R"({"message":")" + row.message + R"(","code":")" + row.code + "\"}");
    expect_redirect(verify(row.token, "/done"), "/done?error=" + row.code);
    expect_redirect(verify(row.token, "/done?step=2"), "/done?step=2&error=" + row.code);
    expect_redirect(verify(row.token, "http://localhost:5173/v"),
                    "http://localhost:5173/v?error=" + row.code);
  }
  EXPECT_EQ(alice().at("emailVerified"), false);
}

TEST_F(VerificationTest, ExpiryIsExclusive) {
  // Issued at kStartS, so exp = kStartS + 3600; the clock starts 857 ms
  // into kStartS.
  const std::string token = token_for("alice@example.com");
  bed_.clock().advance_ms(3599 * 1000);  // now = kStartS + 3599.857 s
  auto response = verify(token);
  EXPECT_EQ(response.status, 200);
  bed_.clock().advance_ms(143);  // now == exp: jose's `exp <= now` is JWTExpired
  response = verify(token);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, R"({"message":"Token expired","code":"TOKEN_EXPIRED"})");
}

TEST_F(VerificationTest, UntrustedCallbackIsRefusedBeforeVerifying) {
  auto response = verify(token_for("alice@example.com"), "https://evil.com/x");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, R"({"message":"Invalid callbackURL","code":"INVALID_CALLBACK_URL"})");
  EXPECT_EQ(alice().at("emailVerified"), false);
}

TEST_F(VerificationTest, MissingTokenIsAValidationError) {
  auto response = bed_.get("/verify-email");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(
      response.body,
      R"({"message":"[query.token] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"})");
  response = verify("bad.token.here");
  EXPECT_EQ(response.body, kInvalidToken);
}

TEST_F(VerificationTest, ChangeEmailVerificationUpdatesTheAddress) {
  const std::string token =
      token_for("alice@example.com", kStartS, "Alice2@Example.com", "change-email-verification");
  auto response = verify(token, "", alice_cookie_);
  EXPECT_EQ(response.status, 200);
  Json body = Json::parse(response.body);
  EXPECT_EQ(body.at("status"), true);
  EXPECT_EQ(body.at("user").at("email"), "alice2@example.com");
  EXPECT_EQ(body.at("user").at("emailVerified"), true);
  EXPECT_EQ(alice().at("email"), "alice2@example.com");
  // The session cookie is set again for the changed user.
  EXPECT_EQ(bed_.session_cookie(response), alice_cookie_);
}

TEST_F(VerificationTest, ChangeEmailConfirmationMailsTheNewAddress) {
  const std::string token =
      token_for("alice@example.com", kStartS, "alice2@example.com", "change-email-confirmation");
  auto response = verify(token);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":true})");
  Json mails = verify_mails("alice2@example.com");
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].at("token"), token_for("alice@example.com", kStartS, "alice2@example.com",
                                            "change-email-verification"));
  EXPECT_EQ(alice().at("email"), "alice@example.com");
}

TEST_F(VerificationTest, ChangeEmailTokenOfAnotherUserIsInvalidUser) {
  ASSERT_EQ(bed_.sign_up("bob@example.com").status, 200);
  const std::string token =
      token_for("bob@example.com", kStartS, "bob2@example.com", "change-email-verification");
  auto response = verify(token, "", alice_cookie_);
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, R"({"message":"Invalid user","code":"INVALID_USER"})");
}

TEST_F(VerificationTest, SendWithSessionMailsTheSessionUser) {
  auto response =
      bed_.post("/send-verification-email",
                R"({"email":"ALICE@example.com","callbackURL":"/welcome"})", alice_cookie_);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":true})");
  Json mails = verify_mails("alice@example.com");
  ASSERT_EQ(mails.size(), 2u);
  const std::string token = mails[1].at("token").get<std::string>();
  EXPECT_EQ(mails[1].at("url"), "http://127.0.0.1:8787/api/auth/verify-email?token=" + token +
                                    "&callbackURL=%2Fwelcome");
}

TEST_F(VerificationTest, SendWithSessionRefusesAnotherEmailOrAVerifiedUser) {
  auto response =
      bed_.post("/send-verification-email", R"({"email":"bob@example.com"})", alice_cookie_);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, R"({"message":"Email mismatch","code":"EMAIL_MISMATCH"})");
  ASSERT_EQ(verify(token_for("alice@example.com")).status, 200);
  response =
      bed_.post("/send-verification-email", R"({"email":"alice@example.com"})", alice_cookie_);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            R"({"message":"Email is already verified","code":"EMAIL_ALREADY_VERIFIED"})");
}

TEST_F(VerificationTest, SendWithoutSessionTakesAtLeastHalfASecondEitherWay) {
  for (const std::string email : {"nobody@example.com", "alice@example.com"}) {
    SCOPED_TRACE(email);
    const auto start = std::chrono::steady_clock::now();
    auto response = bed_.post("/send-verification-email", Json{{"email", email}}.dump());
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, R"({"status":true})");
    EXPECT_GE(elapsed, std::chrono::milliseconds(500));
  }
  EXPECT_TRUE(verify_mails("nobody@example.com").empty());
  EXPECT_EQ(verify_mails("alice@example.com").size(), 2u);
}

TEST_F(VerificationTest, SendValidatesTheEmail) {
  auto response = bed_.post("/send-verification-email", R"({"email":"nope"})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            R"({"message":"[body.email] Invalid email address","code":"VALIDATION_ERROR"})");
}

struct ErrorPageRow {
  std::string query;
  std::string code;         // what the page shows as the code
  std::string description;  // the paragraph under it
};

// The codes and descriptions are what better-auth 1.6.34 puts on its page
// for the same GET (Node 20, NODE_ENV unset): an unsafe or empty code
// becomes UNKNOWN, the first of repeated values wins, and the description
// is escaped without escaping an entity twice.
TEST(ErrorPageTest, ShowsTheSanitisedCodeAndDescription) {
  const std::string generic =
      "We encountered an unexpected error. Please try again or return to the home page.";
  const std::vector<ErrorPageRow> rows = {
      {"", "UNKNOWN", generic},
      {"?error=INVALID_TOKEN", "INVALID_TOKEN", generic},
      {"?error=bad%3Ccode", "UNKNOWN", generic},
      {"?error=X&error_description=%3Cb%3E%26amp%3B%20%26x%20it's%20%22q%22", "X",
       "&lt;b&gt;&amp; &amp;x it&#39;s &quot;q&quot;"},
      {"?error=A'B&error=C", "A&#39;B", generic},
      {"?error=&error_description=", "UNKNOWN", generic},
      {"?error=a+b", "UNKNOWN", generic},
  };
  testing::AuthTestBed bed;
  for (const ErrorPageRow& row : rows) {
    SCOPED_TRACE(row.query);
    auto response = bed.get("/error" + row.query);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.headers.get("content-type"), "text/html");
    EXPECT_NE(response.body.find("<code>" + row.code + "</code>"), std::string::npos)
        << response.body;
    EXPECT_NE(response.body.find("<p>" + row.description + "</p>"), std::string::npos)
        << response.body;
  }
}

}  // namespace
}  // namespace authref

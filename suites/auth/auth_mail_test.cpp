// Suite `auth`, part 4: what goes through the mail (spec/better-auth-wire.md §2.13-§2.17, §6;
// spec/transcripts/ §10-§11). Password reset end to end through the bridge's outbox (the
// message's link, the 302 to the app with ?token=, the new password, the old one refused), the
// reset token single-use and expiring, anti-enumeration of request-password-reset (known and
// unknown emails answered byte for byte alike, only the known one mailed); email verification
// (send-verification-email, the HS256 link, its redirect or JSON answer, expiry, forged
// tokens, EMAIL_MISMATCH / EMAIL_ALREADY_VERIFIED, the anonymous 500 ms floor).
#include <authconf/encoding.h>
#include <authconf/matchers.h>
#include <authconf/signed_cookie.h>
#include <authconf/suite.h>

#include <chrono>
#include <future>
#include <set>
#include <string>
#include <vector>

#include "auth_support.h"

namespace authconf {
namespace {

using namespace auth_suite;
using suite::target;
using ::testing::TestParamInfo;
using ::testing::TestWithParam;
using ::testing::ValuesIn;

constexpr const char* kRequestResetSpec = "spec/better-auth-wire.md §2.13";
constexpr const char* kResetSpec = "spec/better-auth-wire.md §2.14-§2.15, §6";
constexpr const char* kVerifySpec = "spec/better-auth-wire.md §2.16-§2.17, §6";
constexpr const char* kResetAnswer =
    "If this email exists in our system, check your email for the reset link";
constexpr const char* kResetPassword = "Conformance-reset-3";

// Where the app's reset page lives: redirectTo must be a trusted origin (§7).
std::string reset_page() { return target().site_origin() + "/reset-password"; }

Json reset_request(std::string_view email) {
  return Json{{"email", email}, {"redirectTo", reset_page()}};
}

// A 24-character [A-Za-z0-9] reset token (§6).
bool is_reset_token(std::string_view token) {
  return token.size() == 24 && std::ranges::all_of(token, [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0;
         });
}

// Asks for a reset mail for `email` and returns the token mailed (nullopt: the case ended).
std::optional<std::string> requested_reset_token(Browser& browser, std::string_view email) {
  auto answer = post(browser, "/request-password-reset", reset_request(email), cookieless());
  if (!answer) {
    suite::record_failed("request-password-reset", answer.error());
    return std::nullopt;
  }
  if (answer->status != 200) {
    ADD_FAILURE() << "request-password-reset: " << describe(*answer);
    return std::nullopt;
  }
  auto mail = latest_mail(email, "reset-password");
  if (!mail) return std::nullopt;
  if (!mail->is_object()) {
    ADD_FAILURE() << "no reset-password message to " << email << " in the outbox";
    return std::nullopt;
  }
  return string_at(*mail, "token");
}

// Known and unknown emails get byte-identical answers: 200 {"status":true,"message":...};
// only the known one reaches the outbox (§2.13 [R]; transcripts §10).
TEST(RequestPasswordReset, KnownAndUnknownEmailsAnswerAlike) {
  AUTHCONF_CASE("auth.request-password-reset.known-and-unknown-alike", kRequestResetSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  Browser browser(target());
  // A case variant: the lookup lower-cases, the mail goes to the stored address.
  auto known = AUTHCONF_OK(post(browser, "/request-password-reset",
                                reset_request(case_variant(shared->user.email)), cookieless()));
  if (known.status == 400 && body_of(known).value("code", "") == "RESET_PASSWORD_DISABLED") {
    GTEST_SKIP() << "the target does not enable password reset (sendResetPassword unset)";
  }
  const std::string unknown_email = target().new_email();
  auto unknown = AUTHCONF_OK(
      post(browser, "/request-password-reset", reset_request(unknown_email), cookieless()));
  EXPECT_THAT(known, HasStatus(200));
  EXPECT_THAT(known, HasJsonBody(Json{{"status", true}, {"message", kResetAnswer}}));
  EXPECT_EQ(known.status, unknown.status);
  EXPECT_EQ(known.response_body, unknown.response_body);
  EXPECT_EQ(known.header("content-type"), unknown.header("content-type"));
  EXPECT_TRUE(set_cookie_lines(known).empty() && set_cookie_lines(unknown).empty());
  if (target().capabilities().feature("outbox")) {
    const Json mail = AUTH_BRIDGE(latest_mail(shared->user.email, "reset-password"));
    EXPECT_TRUE(mail.is_object()) << "the known address got no reset mail";
    EXPECT_EQ(AUTH_BRIDGE(mail_count(unknown_email, "reset-password")), 0u)
        << "a reset mail went to an address nobody owns";
  }
}

// The whole flow: mail → link → 302 to redirectTo?token= → POST reset-password → the new
// password signs in, the old one does not (transcripts §10).
TEST(PasswordReset, EndToEnd) {
  AUTHCONF_CASE("auth.password-reset.end-to-end", kResetSpec);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto requested = AUTHCONF_OK(
      post(browser, "/request-password-reset", reset_request(user->email), cookieless()));
  ASSERT_THAT(requested, HasStatus(200));
  EXPECT_THAT(requested, HasJsonBody(Json{{"status", true}, {"message", kResetAnswer}}));
  const Json mail = AUTH_BRIDGE(latest_mail(user->email, "reset-password"));
  ASSERT_TRUE(mail.is_object()) << "no reset-password message in the outbox";
  const std::string token = string_at(mail, "token");
  EXPECT_TRUE(is_reset_token(token)) << token;
  // `${baseURL}/reset-password/${token}?callbackURL=${encodeURIComponent(redirectTo)}`
  const std::string link = path_of(string_at(mail, "url"));
  EXPECT_EQ(link, target().auth_path("/reset-password/" + token) +
                      "?callbackURL=" + encode_uri_component(reset_page()));

  Browser mailbox(target());
  auto followed = AUTHCONF_OK(mailbox.get(link, cookieless(std::nullopt)));
  EXPECT_THAT(followed, HasStatus(302));
  EXPECT_THAT(followed, HasHeader("location", reset_page() + "?token=" + token));

  auto reset = AUTHCONF_OK(
      post(mailbox, "/reset-password", {{"newPassword", kResetPassword}, {"token", token}}));
  EXPECT_THAT(reset, HasStatus(200));
  EXPECT_THAT(reset, HasJsonBody(Json{{"status", true}}));
  suite::created_user(user->email, kResetPassword);  // the password it now has
  Browser after(target());
  auto old_password = AUTHCONF_OK(sign_in(after, user->email, user->password));
  EXPECT_THAT(old_password, HasStatus(401));
  auto new_password = AUTHCONF_OK(sign_in(after, user->email, kResetPassword));
  EXPECT_THAT(new_password, HasStatus(200));
}

// "Token is consumed atomically (replay → 400 INVALID_TOKEN)" (§2.15, §6); its link then
// redirects with ?error=INVALID_TOKEN. The first use passes the token in the query.
TEST(PasswordReset, TokenIsSingleUse) {
  AUTHCONF_CASE("auth.password-reset.token-single-use", kResetSpec);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto token = requested_reset_token(browser, user->email);
  ASSERT_TRUE(token);
  suite::created_user(user->email, kResetPassword);
  auto first = AUTHCONF_OK(post(browser, "/reset-password?token=" + *token,
                                {{"newPassword", kResetPassword}}, cookieless()));
  EXPECT_THAT(first, HasStatus(200));
  EXPECT_THAT(first, HasJsonBody(Json{{"status", true}}));
  auto second =
      AUTHCONF_OK(post(browser, "/reset-password",
                       {{"newPassword", "Conformance-reset-4"}, {"token", *token}}, cookieless()));
  EXPECT_THAT(second, HasStatus(400));
  EXPECT_THAT(second, HasJsonBody(error_body("INVALID_TOKEN", "Invalid token")));
  auto link = AUTHCONF_OK(browser.get(target().auth_path("/reset-password/" + *token) +
                                          "?callbackURL=" + encode_uri_component(reset_page()),
                                      cookieless(std::nullopt)));
  EXPECT_THAT(link, HasStatus(302));
  EXPECT_THAT(link, HasHeader("location", reset_page() + "?error=INVALID_TOKEN"));
  Browser after(target());
  auto replayed_password = AUTHCONF_OK(sign_in(after, user->email, "Conformance-reset-4"));
  EXPECT_THAT(replayed_password, HasStatus(401)) << "the replay changed the password";
}

// The length check comes before the token is consumed: a too-short password leaves the token
// usable (transcripts §10 "too-short new password", then the same token succeeds).
TEST(PasswordReset, TooShortPasswordKeepsTheToken) {
  AUTHCONF_CASE("auth.password-reset.too-short-keeps-token", kResetSpec);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto token = requested_reset_token(browser, user->email);
  ASSERT_TRUE(token);
  auto too_short =
      AUTHCONF_OK(post(browser, "/reset-password", {{"newPassword", "short"}, {"token", *token}}));
  EXPECT_THAT(too_short, HasStatus(400));
  EXPECT_THAT(too_short, HasJsonBody(error_body("PASSWORD_TOO_SHORT", "Password too short")));
  suite::created_user(user->email, kResetPassword);
  auto reset = AUTHCONF_OK(
      post(browser, "/reset-password", {{"newPassword", kResetPassword}, {"token", *token}}));
  EXPECT_THAT(reset, HasStatus(200));
}

// A reset token lives resetPasswordTokenExpiresIn (3600 s): past it, 400 INVALID_TOKEN and the
// link redirects with the error (§2.14-§2.15).
TEST(PasswordReset, TokenExpires) {
  AUTHCONF_CASE("auth.password-reset.token-expires", kResetSpec);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  AUTHCONF_REQUIRE_DESTRUCTIVE("clock");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto token = requested_reset_token(browser, user->email);
  ASSERT_TRUE(token);
  AUTHCONF_DONE(suite::bridge().set_clock_offset(kTokenExpiresIn * 1000 + 60'000));
  auto link = AUTHCONF_OK(browser.get(target().auth_path("/reset-password/" + *token) +
                                          "?callbackURL=" + encode_uri_component(reset_page()),
                                      cookieless(std::nullopt)));
  EXPECT_THAT(link, HasStatus(302));
  EXPECT_THAT(link, HasHeader("location", reset_page() + "?error=INVALID_TOKEN"));
  suite::created_user(user->email, kResetPassword);  // in case a broken target resets
  auto reset =
      AUTHCONF_OK(post(browser, "/reset-password",
                       {{"newPassword", kResetPassword}, {"token", *token}}, cookieless()));
  EXPECT_THAT(reset, HasStatus(400));
  EXPECT_THAT(reset, HasJsonBody(error_body("INVALID_TOKEN", "Invalid token")));
}

// Reset requests without a valid token (transcripts §10): no user needed.
struct ResetRefusalRow {
  const char* id;
  const char* method;
  std::string path;  // under the base path; "$cb" is callbackURL=<reset page, encoded>
  Json body;
  int status;
  Json answer;           // the body, when not a redirect
  std::string location;  // "$page" is the reset page
};
const ResetRefusalRow kResetRefusals[] = {
    {"auth.password-reset.missing-token", "POST", "/reset-password",
     Json{{"newPassword", kResetPassword}}, 400, error_body("INVALID_TOKEN", "Invalid token"), ""},
    {"auth.password-reset.unknown-token", "POST", "/reset-password",
     Json{{"newPassword", kResetPassword}, {"token", "notarealtoken00000000000"}}, 400,
     error_body("INVALID_TOKEN", "Invalid token"), ""},
    {"auth.password-reset.link-with-unknown-token", "GET", "/reset-password/notarealtoken?$cb",
     nullptr, 302, nullptr, "$page?error=INVALID_TOKEN"},
    // callbackURL is required on the link (§2.14).
    {"auth.password-reset.link-without-callback-url", "GET", "/reset-password/notarealtoken",
     nullptr, 400,
     error_body("VALIDATION_ERROR",
                "[query.callbackURL] Invalid input: expected string, received undefined"),
     ""},
};
class ResetRefusal : public TestWithParam<ResetRefusalRow> {};

TEST_P(ResetRefusal, HasTheExactAnswer) {
  const ResetRefusalRow& row = GetParam();
  AUTHCONF_CASE(row.id, kResetSpec);
  std::string path = row.path;
  if (auto at = path.find("$cb"); at != std::string::npos) {
    path.replace(at, 3, "callbackURL=" + encode_uri_component(reset_page()));
  }
  Browser browser(target());
  auto answer =
      AUTHCONF_OK(std::string(row.method) == "GET"
                      ? browser.get(target().auth_path(path), cookieless(std::nullopt))
                      : browser.post_json(target().auth_path(path), row.body, cookieless()));
  EXPECT_THAT(answer, HasStatus(row.status));
  if (!row.answer.is_null()) {
    EXPECT_THAT(answer, HasJsonBody(row.answer));
  }
  if (!row.location.empty()) {
    std::string location = row.location;
    location.replace(location.find("$page"), 5, reset_page());
    EXPECT_THAT(answer, HasHeader("location", location));
  }
}
INSTANTIATE_TEST_SUITE_P(Rows, ResetRefusal, ValuesIn(kResetRefusals),
                         [](const TestParamInfo<ResetRefusalRow>& row) {
                           return test_name(row.param.id);
                         });

// --- email verification (emailVerification.sendVerificationEmail)

// Sends the verification mail with the browser's session and returns the message.
std::optional<Json> verification_mail(Browser& browser, std::string_view email,
                                      std::optional<std::string> callback = std::nullopt) {
  Json body{{"email", email}};
  if (callback) body["callbackURL"] = *callback;
  auto answer = post(browser, "/send-verification-email", body);
  if (!answer) {
    suite::record_failed("send-verification-email", answer.error());
    return std::nullopt;
  }
  if (answer->status != 200 || answer->response_body != R"({"status":true})") {
    ADD_FAILURE() << "send-verification-email: " << describe(*answer);
    return std::nullopt;
  }
  auto mail = latest_mail(email, "verify-email");
  if (mail && !mail->is_object()) {
    ADD_FAILURE() << "no verify-email message to " << email;
    return std::nullopt;
  }
  return mail;
}

// The JSON of one base64url part of a JWT (null when it is not).
Json jwt_part(std::string_view token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  const std::size_t end = token.find('.', start);
  auto bytes = base64url_decode(token.substr(start, end - start));
  if (!bytes) return nullptr;
  return Json::parse(to_string(*bytes), nullptr, false);
}

// send-verification-email → the mailed link (an HS256 JWT over the email, §2.17) → 302 to the
// callbackURL → emailVerified; asking again is EMAIL_ALREADY_VERIFIED (transcripts §11).
TEST(VerifyEmail, EndToEnd) {
  AUTHCONF_CASE("auth.verify-email.end-to-end", kVerifySpec);
  AUTH_REQUIRE_SESSIONS_WHILE_UNVERIFIED();
  AUTHCONF_REQUIRE_CONFIG("emailVerification", false, true);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  const Json mail = AUTH_BRIDGE(verification_mail(browser, user->email, "/welcome"));
  const std::string token = string_at(mail, "token");
  EXPECT_EQ(jwt_part(token, 0), Json({{"alg", "HS256"}})) << token;
  const Json claims = jwt_part(token, 1);
  EXPECT_EQ(member(claims, "email"), user->email);
  const auto issued = member(claims, "iat");
  const auto expires = member(claims, "exp");
  ASSERT_TRUE(issued.is_number() && expires.is_number()) << claims.dump();
  EXPECT_EQ(expires.get<std::int64_t>() - issued.get<std::int64_t>(), kTokenExpiresIn);
  const std::string link = path_of(string_at(mail, "url"));
  EXPECT_EQ(link, target().auth_path("/verify-email?token=" + token) + "&callbackURL=%2Fwelcome");

  Browser mailbox(target());
  auto followed = AUTHCONF_OK(mailbox.get(link, cookieless(std::nullopt)));
  EXPECT_THAT(followed, HasStatus(302));
  EXPECT_THAT(followed, HasHeader("location", "/welcome"));
  auto session = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(member(body_of(session), "user"), "emailVerified"), true);

  auto again = AUTHCONF_OK(post(browser, "/send-verification-email", {{"email", user->email}}));
  EXPECT_THAT(again, HasStatus(400));
  EXPECT_THAT(again,
              HasJsonBody(error_body("EMAIL_ALREADY_VERIFIED", "Email is already verified")));
}

// Without a callbackURL the link answers 200 {"status":true,"user":null} (§2.17 [R]).
TEST(VerifyEmail, LinkWithoutCallbackAnswersJson) {
  AUTHCONF_CASE("auth.verify-email.without-callback-answers-json", kVerifySpec);
  AUTH_REQUIRE_SESSIONS_WHILE_UNVERIFIED();
  AUTHCONF_REQUIRE_CONFIG("emailVerification", false, true);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  const Json mail = AUTH_BRIDGE(verification_mail(browser, user->email));
  Browser mailbox(target());
  auto answer =
      AUTHCONF_OK(mailbox.get(target().auth_path("/verify-email?token=" + string_at(mail, "token")),
                              cookieless(std::nullopt)));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}, {"user", nullptr}}));
  auto session = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(member(body_of(session), "user"), "emailVerified"), true);
}

// emailVerification.expiresIn (3600 s): past it, 401 TOKEN_EXPIRED and nothing verified.
TEST(VerifyEmail, TokenExpires) {
  AUTHCONF_CASE("auth.verify-email.token-expires", kVerifySpec);
  AUTH_REQUIRE_SESSIONS_WHILE_UNVERIFIED();
  AUTHCONF_REQUIRE_CONFIG("emailVerification", false, true);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  AUTHCONF_REQUIRE_DESTRUCTIVE("clock");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  const Json mail = AUTH_BRIDGE(verification_mail(browser, user->email));
  AUTHCONF_DONE(suite::bridge().set_clock_offset(kTokenExpiresIn * 1000 + 60'000));
  auto answer =
      AUTHCONF_OK(browser.get(target().auth_path("/verify-email?token=" + string_at(mail, "token")),
                              cookieless(std::nullopt)));
  EXPECT_THAT(answer, HasStatus(401));
  EXPECT_THAT(answer, HasJsonBody(error_body("TOKEN_EXPIRED", "Token expired")));
  AUTHCONF_DONE(suite::bridge().set_clock_offset(0));
  auto session = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(member(body_of(session), "user"), "emailVerified"), false);
}

// A JWT over {email, iat, exp}: HS256 with `secret`, or unsigned with alg "none".
std::string forged_token(std::string_view email, std::string_view alg, std::string_view secret) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::string header = base64url_encode(Json{{"alg", alg}}.dump());
  const std::string payload =
      base64url_encode(Json{{"email", email}, {"iat", now}, {"exp", now + kTokenExpiresIn}}.dump());
  const std::string input = header + "." + payload;
  if (alg == "none") return input + ".";
  // cookie_signature is standard base64 of HMAC-SHA256; a JWS wants base64url without '='.
  std::string signature = cookie_signature(input, secret);
  for (char& c : signature) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!signature.empty() && signature.back() == '=') signature.pop_back();
  return input + "." + signature;
}

// Tokens that must not verify anything: garbage (401 INVALID_TOKEN, or a redirect with
// ?error= when there is a callbackURL), a token signed with another secret, alg "none"; and
// no token at all (zod). The forged ones name the shared user, who must stay unverified.
enum class VerifyToken { kGarbage, kForeignSecret, kAlgNone, kNone };
struct VerifyRefusalRow {
  const char* id;
  VerifyToken token;
  const char* callback;  // "" for none
  int status;
  Json answer;
  const char* location;
};
const VerifyRefusalRow kVerifyRefusals[] = {
    {"auth.verify-email.garbage-token", VerifyToken::kGarbage, "", 401,
     error_body("INVALID_TOKEN", "Invalid token"), ""},
    {"auth.verify-email.garbage-token-redirects-with-error", VerifyToken::kGarbage, "/welcome", 302,
     nullptr, "/welcome?error=INVALID_TOKEN"},
    {"auth.verify-email.foreign-secret", VerifyToken::kForeignSecret, "", 401,
     error_body("INVALID_TOKEN", "Invalid token"), ""},
    {"auth.verify-email.alg-none", VerifyToken::kAlgNone, "", 401,
     error_body("INVALID_TOKEN", "Invalid token"), ""},
    {"auth.verify-email.missing-token", VerifyToken::kNone, "", 400,
     error_body("VALIDATION_ERROR",
                "[query.token] Invalid input: expected string, received undefined"),
     ""},
};
class VerifyRefusal : public TestWithParam<VerifyRefusalRow> {};

TEST_P(VerifyRefusal, VerifiesNothing) {
  const VerifyRefusalRow& row = GetParam();
  AUTHCONF_CASE(row.id, kVerifySpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  std::string path = "/verify-email";
  switch (row.token) {
    case VerifyToken::kGarbage:
      path += "?token=bad.token.here";
      break;
    case VerifyToken::kForeignSecret:
      path += "?token=" + forged_token(shared->user.email, "HS256",
                                       "not-the-secret-0123456789abcdef0123456789");
      break;
    case VerifyToken::kAlgNone:
      path += "?token=" + forged_token(shared->user.email, "none", "");
      break;
    case VerifyToken::kNone:
      break;
  }
  if (*row.callback) {
    path += std::string(path.find('?') == std::string::npos ? "?" : "&") +
            "callbackURL=" + encode_uri_component(row.callback);
  }
  Browser browser(target());
  auto answer = AUTHCONF_OK(browser.get(target().auth_path(path), cookieless(std::nullopt)));
  EXPECT_THAT(answer, HasStatus(row.status));
  if (!row.answer.is_null()) {
    EXPECT_THAT(answer, HasJsonBody(row.answer));
  }
  if (*row.location) {
    EXPECT_THAT(answer, HasHeader("location", row.location));
  }
  // (Where sign-in requires a verified address the shared user is verified already.)
  if (member(member(shared->user.body, "user"), "emailVerified") != false) return;
  auto session = AUTHCONF_OK(get_session(*shared->browser));
  EXPECT_EQ(member(member(body_of(session), "user"), "emailVerified"), false)
      << "a forged token verified the shared user";
}
INSTANTIATE_TEST_SUITE_P(Rows, VerifyRefusal, ValuesIn(kVerifyRefusals),
                         [](const TestParamInfo<VerifyRefusalRow>& row) {
                           return test_name(row.param.id);
                         });

// With a session, the email must be the session's (§2.16).
TEST(SendVerificationEmail, OtherEmailThanTheSessionsIs400) {
  AUTHCONF_CASE("auth.send-verification-email.email-mismatch", kVerifySpec);
  AUTHCONF_REQUIRE_CONFIG("emailVerification", false, true);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer = AUTHCONF_OK(
      post(*shared->browser, "/send-verification-email", {{"email", target().new_email()}}));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(error_body("EMAIL_MISMATCH", "Email mismatch")));
}

TEST(SendVerificationEmail, InvalidEmailIsAValidationError) {
  AUTHCONF_CASE("auth.send-verification-email.invalid-email", kVerifySpec);
  AUTHCONF_REQUIRE_CONFIG("emailVerification", false, true);
  Browser browser(target());
  auto answer = AUTHCONF_OK(
      post(browser, "/send-verification-email", {{"email", "not-an-email"}}, cookieless()));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer,
              HasJsonBody(error_body("VALIDATION_ERROR", "[body.email] Invalid email address")));
}

// Without a session: 200 {"status":true} for a known unverified address and for an unknown
// one, neither faster than the 500 ms floor; only the known one is mailed (§2.16).
TEST(SendVerificationEmail, AnonymousKnownAndUnknownAnswerAlike) {
  AUTHCONF_CASE("auth.send-verification-email.anonymous-known-and-unknown-alike", kVerifySpec);
  AUTHCONF_REQUIRE_CONFIG("emailVerification", false, true);
  Browser browser(target());
  auto user = fresh_sign_up(browser, Json::object(), "", /*verify=*/false);
  ASSERT_TRUE(user);
  const bool outbox = target().capabilities().feature("outbox");
  std::size_t before = 0;
  if (outbox) before = AUTH_BRIDGE(mail_count(user->email, "verify-email"));
  const std::string unknown_email = target().new_email();
  // Both at once: each waits out the floor on its own.
  auto unknown_call = std::async(std::launch::async, [&] {
    Browser other(target());
    return post(other, "/send-verification-email", {{"email", unknown_email}}, cookieless());
  });
  auto known = AUTHCONF_OK(
      post(browser, "/send-verification-email", {{"email", user->email}}, cookieless()));
  auto unknown = AUTHCONF_OK(unknown_call.get());
  EXPECT_THAT(known, HasStatus(200));
  EXPECT_THAT(known, HasJsonBody(Json{{"status", true}}));
  EXPECT_EQ(known.status, unknown.status);
  EXPECT_EQ(known.response_body, unknown.response_body);
  // "a ≥500 ms floor": measured on our side, so it can only be longer.
  EXPECT_GE(known.elapsed_ms, 495.0);
  EXPECT_GE(unknown.elapsed_ms, 495.0);
  if (outbox) {
    EXPECT_EQ(AUTH_BRIDGE(mail_count(user->email, "verify-email")), before + 1);
    EXPECT_EQ(AUTH_BRIDGE(mail_count(unknown_email, "verify-email")), 0u);
  }
}

}  // namespace
}  // namespace authconf

// Suite `auth`, part 1: `GET /ok`, `POST /sign-up/email` and `POST /sign-in/email`
// (spec/better-auth-wire.md §1, §2.1, §2.2, §3, §4.1-§4.3; spec/transcripts/ §2-§3).
// Success answers are checked key for key (dates as the target declares them), the session
// cookie byte for byte with its attributes, `rememberMe: false` (no Max-Age, the
// `dont_remember` cookie, a one-day session), zod's validation messages, the UTF-16 password
// length rule, the 422 for a duplicate (emails are lower-cased), and that an unknown email and
// a wrong password are refused alike. Where the 1.7 spec text and better-auth 1.6.34 (which
// @convex-dev/better-auth 0.12.5 pins, and which the transcripts show) differ, 1.6.34 wins.
#include <authconf/encoding.h>
#include <authconf/matchers.h>
#include <authconf/set_cookie.h>
#include <authconf/suite.h>

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

constexpr const char* kSignUpSpec = "spec/better-auth-wire.md §2.1";
constexpr const char* kSignInSpec = "spec/better-auth-wire.md §2.2";
constexpr const char* kCookieSpec = "spec/better-auth-wire.md §4.1-§4.3";

std::string repeat(std::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

// The difference between two dates of the target's answers, in ms.
std::optional<std::int64_t> span_ms(const Json& from, const Json& to) {
  auto start = date_ms(from);
  auto end = date_ms(to);
  if (!start || !end) return std::nullopt;
  return *end - *start;
}

// `expiresAt − createdAt` of a session is its lifetime: Better Auth computes expiresAt a
// moment before the adapter stamps createdAt (the transcripts show 1 ms less), so a few
// seconds of slack.
void expect_lifetime(const Json& session, std::int64_t seconds) {
  auto lifetime = span_ms(member(session, "createdAt"), member(session, "expiresAt"));
  ASSERT_TRUE(lifetime) << session.dump();
  EXPECT_NEAR(static_cast<double>(*lifetime), static_cast<double>(seconds) * 1000, 5000)
      << session.dump();
}

TEST(Ok, AnswersOkTrue) {
  AUTHCONF_CASE("auth.ok.answers-ok-true", "spec/better-auth-wire.md §2");
  Browser browser(target());
  auto ok = AUTHCONF_OK(browser.get(target().auth_path("/ok")));
  EXPECT_THAT(ok, HasStatus(200));
  EXPECT_THAT(ok, HasJsonBody(Json{{"ok", true}}));
}

// GET /error renders a page (outside production) with the error code, sanitised to
// [A-Za-z0-9_'-]+ (else UNKNOWN), and the description HTML-escaped (§2.18): a target that
// reflects them raw is an XSS on its own origin.
struct ErrorPageRow {
  const char* id;
  const char* query;
  const char* must_contain;
  const char* must_not_contain;
};
const ErrorPageRow kErrorPages[] = {
    {"auth.error-page.shows-the-code", "?error=INVALID_TOKEN", "INVALID_TOKEN", ""},
    {"auth.error-page.unsafe-code-becomes-unknown", "?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
     "UNKNOWN", "<script>alert(1)"},
    {"auth.error-page.description-escaped",
     "?error=X&error_description=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "&lt;img",
     "<img src=x"},
};
class ErrorPage : public TestWithParam<ErrorPageRow> {};

TEST_P(ErrorPage, IsEscapedHtml) {
  const ErrorPageRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/better-auth-wire.md §2.18");
  Browser browser(target());
  auto page = AUTHCONF_OK(
      browser.get(target().auth_path(std::string("/error") + row.query), cookieless(std::nullopt)));
  EXPECT_THAT(page, HasStatus(200));
  EXPECT_THAT(page, HasHeader("content-type", "text/html"));
  EXPECT_NE(page.response_body.find(row.must_contain), std::string::npos)
      << page.response_body.substr(0, 400);
  if (*row.must_not_contain) {
    EXPECT_EQ(page.response_body.find(row.must_not_contain), std::string::npos)
        << "reflected unescaped: " << row.must_not_contain;
  }
}
INSTANTIATE_TEST_SUITE_P(Rows, ErrorPage, ValuesIn(kErrorPages),
                         [](const TestParamInfo<ErrorPageRow>& row) {
                           return test_name(row.param.id);
                         });

TEST(SignUp, ReturnsTheUserAndSetsTheSessionCookie) {
  AUTHCONF_CASE("auth.sign-up.returns-user-and-session-cookie", "spec/better-auth-wire.md §2.1");
  Browser browser(target());
  auto user = suite::sign_up(browser);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->body["user"]["email"], user->email);
  EXPECT_THAT(user->body["user"]["createdAt"], IsDate());
  EXPECT_TRUE(browser.cookie("session_token").has_value());
}

// {"token": <32 chars>, "user": {name, email, emailVerified:false, createdAt, updatedAt, id}}.
// Catches a target that answers extra keys (the password hash, `image: null`), drops `token`,
// or writes dates another way than it declares.
TEST(SignUp, AnswerShapeIsExact) {
  AUTHCONF_CASE("auth.sign-up.answer-shape-exact", kSignUpSpec);
  // requireEmailVerification: sign-up answers no session (auth.require-verification.*).
  AUTHCONF_REQUIRE_CONFIG("requireEmailVerification", false, false);
  Browser browser(target());
  auto user = fresh_sign_up(browser, {{"name", "Shape Check"}});
  ASSERT_TRUE(user);
  EXPECT_THAT(user->answer, HasHeader("content-type", "application/json"));
  EXPECT_EQ(keys_of(user->body), (std::set<std::string>{"token", "user"}));
  EXPECT_TRUE(is_session_token(member(user->body, "token"))) << user->body.dump();
  const Json& answered = member(user->body, "user");
  expect_user_shape(answered);
  EXPECT_EQ(member(answered, "name"), "Shape Check");
  EXPECT_EQ(member(answered, "email"), user->email);
  EXPECT_EQ(member(answered, "emailVerified"), false);
  EXPECT_EQ(member(answered, "createdAt"), member(answered, "updatedAt"));
}

// set-cookie: better-auth.session_token=<token>.<sig>; Max-Age=604800; Path=/; HttpOnly;
// SameSite=Lax (`__Secure-` and `Secure` over https), the value percent-encoded
// (`%2B %2F %3D`), and a 7-day session behind it.
TEST(SignUp, SessionCookieIsByteExact) {
  AUTHCONF_CASE("auth.sign-up.session-cookie-byte-exact", kCookieSpec);
  // requireEmailVerification: sign-up answers no session (auth.require-verification.*).
  AUTHCONF_REQUIRE_CONFIG("requireEmailVerification", false, false);
  const std::string email = target().new_email();
  suite::created_user(email, kPassword);
  auto answer = AUTHCONF_OK(post_for_cookies(
      "/sign-up/email", {{"name", "Cookie Check"}, {"email", email}, {"password", kPassword}}));
  ASSERT_EQ(answer.status, 200) << answer.response_body;
  const std::string token = string_at(body_of(answer), "token");
  const std::string value = expect_signed_cookie_line(set_cookie_line(answer, "session_token"),
                                                      "session_token", token, kExpiresIn);
  EXPECT_FALSE(set_cookie_line(answer, "dont_remember")) << "rememberMe defaults to true";
  int session_cookies = 0;
  for (const std::string& field : set_cookie_lines(answer)) {
    if (field.starts_with(cookie_name("session_token") + "=")) ++session_cookies;
  }
  EXPECT_EQ(session_cookies, 1);

  Browser browser(target());
  auto session = AUTHCONF_OK(get_session(browser, with_session_cookie(value)));
  ASSERT_THAT(session, HasStatus(200));
  const Json body = body_of(session);
  EXPECT_EQ(member(member(body, "session"), "token"), token);
  expect_lifetime(member(body, "session"), kExpiresIn);
}

// "Email stored as email.toLowerCase()" (§2.1): a mixed-case address comes back lower-cased.
TEST(SignUp, EmailIsLowerCased) {
  AUTHCONF_CASE("auth.sign-up.email-lower-cased", kSignUpSpec);
  Browser browser(target());
  const std::string email = case_variant(ascii_upper(target().new_email()));
  auto user = fresh_sign_up(browser, Json::object(), email);
  ASSERT_TRUE(user);
  EXPECT_EQ(member(member(user->body, "user"), "email"), ascii_lower(email));
  auto session = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(member(body_of(session), "user"), "email"), ascii_lower(email));
  if (target().capabilities().feature("adapter")) {
    const Json stored = AUTH_BRIDGE(component_user(ascii_lower(email)));
    EXPECT_TRUE(stored.is_object()) << "no component user stored under the lower-cased email";
  }
}

// Keys the schema does not declare are dropped (`emailVerified: true` must not verify the
// account: a mass-assignment mutant), while a declared optional `image` is kept.
TEST(SignUp, UndeclaredFieldsAreDroppedImageKept) {
  AUTHCONF_CASE("auth.sign-up.undeclared-fields-dropped", kSignUpSpec);
  Browser browser(target());
  const std::string image = "https://example.com/avatar.png";
  auto user = fresh_sign_up(browser, {{"emailVerified", true},
                                      {"id", "attacker-chosen-id-000000000000000"},
                                      {"createdAt", 0},
                                      {"image", image}});
  ASSERT_TRUE(user);
  const Json& answered = member(user->body, "user");
  expect_user_shape(answered, /*with_image=*/true);
  EXPECT_EQ(member(answered, "emailVerified"), false);
  EXPECT_NE(member(answered, "id"), "attacker-chosen-id-000000000000000");
  EXPECT_EQ(member(answered, "image"), image);
  if (suite::email_verification_required()) return;  // the helper verified the address since
  auto session = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(member(body_of(session), "user"), "emailVerified"), false);
}

// rememberMe:false: the session cookie has no Max-Age (it dies with the browser), a
// `dont_remember=true.<sig>` cookie rides along, and the session lives one day (§2.1, §4.3).
TEST(SignUp, RememberMeFalseGivesABrowserSessionCookie) {
  AUTHCONF_CASE("auth.sign-up.remember-me-false", kCookieSpec);
  // requireEmailVerification: sign-up answers no session (auth.require-verification.*).
  AUTHCONF_REQUIRE_CONFIG("requireEmailVerification", false, false);
  const std::string email = target().new_email();
  suite::created_user(email, kPassword);
  auto answer = AUTHCONF_OK(post_for_cookies(
      "/sign-up/email",
      {{"name", "Forgetful"}, {"email", email}, {"password", kPassword}, {"rememberMe", false}}));
  ASSERT_EQ(answer.status, 200) << answer.response_body;
  const std::string token = string_at(body_of(answer), "token");
  const std::string value = expect_signed_cookie_line(set_cookie_line(answer, "session_token"),
                                                      "session_token", token, std::nullopt);
  const std::string remember = expect_signed_cookie_line(set_cookie_line(answer, "dont_remember"),
                                                         "dont_remember", "true", std::nullopt);

  Browser browser(target());
  CallOptions options = cookieless();
  options.headers.emplace_back("Cookie", cookie_name("session_token") + "=" + value + "; " +
                                             cookie_name("dont_remember") + "=" + remember);
  auto session = AUTHCONF_OK(get_session(browser, options));
  ASSERT_THAT(session, HasStatus(200));
  const Json body = body_of(session);
  expect_lifetime(member(body, "session"), kDontRememberExpiresIn);
}

// Sign-up also takes application/x-www-form-urlencoded (§1; transcripts §2 "form-urlencoded").
TEST(SignUp, FormEncodedBodyIsAccepted) {
  AUTHCONF_CASE("auth.sign-up.form-urlencoded-accepted", "spec/better-auth-wire.md §1");
  Browser browser(target());
  const std::string email = target().new_email();
  suite::created_user(email, kPassword);
  const std::string body =
      "email=" + encode_uri_component(email) + "&password=" + kPassword + "&name=FormUser";
  auto answer = AUTHCONF_OK(browser.send("POST", target().auth_path("/sign-up/email"), body,
                                         "application/x-www-form-urlencoded"));
  ASSERT_THAT(answer, HasStatus(200));
  const Json body_json = body_of(answer);
  const Json& answered = member(body_json, "user");
  expect_user_shape(answered);
  EXPECT_EQ(member(answered, "email"), email);
  EXPECT_EQ(member(answered, "name"), "FormUser");
  // A session cookie unless the address must be verified first (§2.1).
  EXPECT_EQ(set_cookie_line(answer, "session_token").has_value(),
            !suite::email_verification_required());
}

// A second sign-up with the address of an existing user, in any case: 422 (§2.1; transcripts
// "duplicate email, different case"). Nothing is hashed, so the shared user serves.
struct DuplicateRow {
  const char* id;
  std::string (*variant)(std::string_view);
};
std::string same(std::string_view email) { return std::string(email); }
const DuplicateRow kDuplicateRows[] = {
    {"auth.sign-up.duplicate.same-email", same},
    {"auth.sign-up.duplicate.upper-case-email", ascii_upper},
    {"auth.sign-up.duplicate.mixed-case-email", case_variant},
};
class DuplicateSignUp : public TestWithParam<DuplicateRow> {};

TEST_P(DuplicateSignUp, Is422) {
  const DuplicateRow& row = GetParam();
  AUTHCONF_CASE(row.id, kSignUpSpec);
  // With requireEmailVerification a duplicate gets a synthetic 200 instead (§2.1).
  AUTHCONF_REQUIRE_CONFIG("requireEmailVerification", false, false);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  Browser browser(target());
  auto answer = AUTHCONF_OK(post(browser, "/sign-up/email",
                                 {{"name", "Duplicate"},
                                  {"email", row.variant(shared->user.email)},
                                  {"password", "another password 1"}}));
  EXPECT_THAT(answer, HasStatus(422));
  EXPECT_THAT(answer, HasJsonBody(error_body("USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
                                             "User already exists. Use another email.")));
  EXPECT_FALSE(set_cookie_line(answer, "session_token"));
}
INSTANTIATE_TEST_SUITE_P(Rows, DuplicateSignUp, ValuesIn(kDuplicateRows),
                         [](const TestParamInfo<DuplicateRow>& row) {
                           return test_name(row.param.id);
                         });

// emailAndPassword.requireEmailVerification (§2.1, §2.2): sign-up creates the user but no
// session, sends the verification mail, and sign-in refuses the user until the link is opened.
// A target that signs the user in anyway (a session cookie, a token) lets anyone who types an
// address use the account before its owner proves it.
constexpr const char* kRequireVerificationSpec =
    "spec/better-auth-wire.md §2.1 (requireEmailVerification), §2.2";

TEST(RequireVerification, SignUpAnswersNoSession) {
  AUTHCONF_CASE("auth.require-verification.sign-up-answers-no-session", kRequireVerificationSpec);
  AUTHCONF_REQUIRE_CONFIG("requireEmailVerification", false, true);
  const std::string email = target().new_email();
  suite::created_user(email, kPassword);
  auto answer = AUTHCONF_OK(post_for_cookies(
      "/sign-up/email", {{"name", "Unverified"}, {"email", email}, {"password", kPassword}}));
  ASSERT_THAT(answer, HasStatus(200));
  const Json body = body_of(answer);
  EXPECT_EQ(keys_of(body), (std::set<std::string>{"token", "user"}));
  EXPECT_EQ(member(body, "token"), nullptr) << body.dump();
  expect_user_shape(member(body, "user"));
  EXPECT_EQ(member(member(body, "user"), "emailVerified"), false);
  EXPECT_TRUE(set_cookie_lines(answer).empty()) << describe(answer);
  if (target().capabilities().feature("outbox")) {
    const Json mail = AUTH_BRIDGE(latest_mail(email, "verify-email"));
    EXPECT_TRUE(mail.is_object()) << "sign-up sent no verification mail to " << email;
  }
  if (target().capabilities().feature("adapter")) {
    const Json sessions =
        Json(AUTH_BRIDGE(component_rows("session", "userId", member(member(body, "user"), "id"))));
    EXPECT_EQ(sessions.size(), 0u) << "sign-up stored a session: " << sessions.dump();
  }
}

TEST(RequireVerification, SignInBeforeVerifyingIs403) {
  AUTHCONF_CASE("auth.require-verification.sign-in-unverified-403", kRequireVerificationSpec);
  AUTHCONF_REQUIRE_CONFIG("requireEmailVerification", false, true);
  const std::string email = target().new_email();
  suite::created_user(email, kPassword);
  Browser browser(target());
  auto signed_up =
      AUTHCONF_OK(post(browser, "/sign-up/email",
                       {{"name", "Unverified"}, {"email", email}, {"password", kPassword}}));
  ASSERT_THAT(signed_up, HasStatus(200));
  auto answer = AUTHCONF_OK(sign_in(browser, email, kPassword));
  EXPECT_THAT(answer, HasStatus(403));
  EXPECT_THAT(answer, HasJsonBody(error_body("EMAIL_NOT_VERIFIED", "Email not verified")));
  EXPECT_FALSE(set_cookie_line(answer, "session_token")) << describe(answer);
  // The right password is what gets the 403: a wrong one is still the plain 401.
  auto wrong = AUTHCONF_OK(sign_in(browser, email, "not the password 1"));
  EXPECT_THAT(wrong, HasStatus(401));
  EXPECT_THAT(wrong, HasErrorCode("INVALID_EMAIL_OR_PASSWORD"));
}

TEST(RequireVerification, VerifiedUserSignsIn) {
  AUTHCONF_CASE("auth.require-verification.verified-user-signs-in", kRequireVerificationSpec);
  AUTHCONF_REQUIRE_CONFIG("requireEmailVerification", false, true);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  Browser browser(target());
  auto user = suite::sign_up(browser);  // verifies through the outbox, then signs in
  ASSERT_TRUE(user);
  EXPECT_EQ(member(member(user->body, "user"), "emailVerified"), true) << user->body.dump();
  EXPECT_TRUE(is_session_token(member(user->body, "token"))) << user->body.dump();
  auto session = AUTHCONF_OK(get_session(browser));
  ASSERT_THAT(session, HasStatus(200));
  EXPECT_EQ(member(member(body_of(session), "user"), "email"), user->email);
}

// A duplicate address gets what a new one gets, 200 and no session, so that sign-up does not
// reveal who has an account: a synthetic user with a fresh id. Observable differences that
// the real package has (§2.1): `"image": null`, and dates as JavaScript writes `new Date()`
// (ISO strings) because the synthetic user never passes the adapter; and every optional field
// a plugin adds to the user schema as null (buildSyntheticUserOutput, db/schema.mjs:39-51):
// the convex plugin's `userId`.
TEST(RequireVerification, DuplicateIsASyntheticUser) {
  AUTHCONF_CASE("auth.require-verification.duplicate-synthetic-200", kRequireVerificationSpec);
  AUTHCONF_REQUIRE_CONFIG("requireEmailVerification", false, true);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer =
      AUTHCONF_OK(post_for_cookies("/sign-up/email", {{"name", "Duplicate"},
                                                      {"email", ascii_upper(shared->user.email)},
                                                      {"password", "another password 1"}}));
  ASSERT_THAT(answer, HasStatus(200));
  const Json body = body_of(answer);
  EXPECT_EQ(member(body, "token"), nullptr);
  const Json& synthetic = member(body, "user");
  std::set<std::string> keys{"name",      "email", "emailVerified", "image", "createdAt",
                             "updatedAt", "id"};
  if (target().capabilities().plugin("convex")) {
    keys.insert("userId");
    EXPECT_EQ(member(synthetic, "userId"), nullptr) << synthetic.dump();
  }
  EXPECT_EQ(keys_of(synthetic), keys) << synthetic.dump();
  EXPECT_EQ(member(synthetic, "email"), shared->user.email);
  EXPECT_EQ(member(synthetic, "name"), "Duplicate");
  EXPECT_EQ(member(synthetic, "emailVerified"), false);
  EXPECT_EQ(member(synthetic, "image"), nullptr);
  EXPECT_TRUE(member(synthetic, "id").is_string());
  EXPECT_NE(member(synthetic, "id"), shared->id) << "the duplicate answer names the real user";
  for (const char* field : {"createdAt", "updatedAt"}) {
    EXPECT_TRUE(member(synthetic, field).is_string() && is_date(member(synthetic, field), "iso"))
        << field << ": " << member(synthetic, field).dump();
  }
  EXPECT_TRUE(set_cookie_lines(answer).empty()) << describe(answer);
  if (target().capabilities().feature("adapter")) {
    const auto users = AUTH_BRIDGE(component_rows("user", "email", shared->user.email));
    EXPECT_EQ(users.size(), 1u) << "the duplicate sign-up stored a second user";
  }
}

// Refused sign-ups: zod's messages ("[body.<path>] <message>", issues joined by "; ") and the
// UTF-16 length rule (`password.length`, 8..128 units of the raw password). Each row checks
// that nothing was created.
struct RefusedSignUpRow {
  const char* id;
  Json body;  // "$email" is replaced by a fresh run email
  const char* code;
  const char* message;
};
const std::string kShortLatin = repeat("\xC3\xA9", 7);           // 7 × é: 14 bytes, 7 units
const std::string kLongAstral = repeat("\xF0\x9F\x98\x80", 65);  // 65 × 😀: 130 units
const RefusedSignUpRow kRefusedSignUps[] = {
    {"auth.sign-up.validation.invalid-email",
     {{"email", "not-an-email"}, {"password", kPassword}, {"name", "V"}},
     "VALIDATION_ERROR",
     "[body.email] Invalid email address"},
    {"auth.sign-up.validation.missing-name",
     {{"email", "$email"}, {"password", kPassword}},
     "VALIDATION_ERROR",
     "[body.name] Invalid input: expected string, received undefined"},
    {"auth.sign-up.validation.missing-email",
     {{"password", kPassword}, {"name", "V"}},
     "VALIDATION_ERROR",
     "[body.email] Invalid input: expected string, received undefined"},
    {"auth.sign-up.validation.missing-password",
     {{"email", "$email"}, {"name", "V"}},
     "VALIDATION_ERROR",
     "[body.password] Invalid input: expected string, received undefined"},
    {"auth.sign-up.validation.empty-password",
     {{"email", "$email"}, {"password", ""}, {"name", "V"}},
     "VALIDATION_ERROR",
     "[body.password] Too small: expected string to have >=1 characters"},
    {"auth.sign-up.validation.name-not-a-string",
     {{"email", "$email"}, {"password", kPassword}, {"name", 5}},
     "VALIDATION_ERROR",
     "[body.name] Invalid input: expected string, received number"},
    {"auth.sign-up.validation.remember-me-not-a-boolean",
     {{"email", "$email"}, {"password", kPassword}, {"name", "V"}, {"rememberMe", "no"}},
     "VALIDATION_ERROR",
     "[body.rememberMe] Invalid input: expected boolean, received string"},
    // "`null` rejected" (§2.1): image is z.string().optional().
    {"auth.sign-up.validation.image-null",
     {{"email", "$email"}, {"password", kPassword}, {"name", "V"}, {"image", nullptr}},
     "VALIDATION_ERROR",
     "[body.image] Invalid input: expected string, received null"},
    {"auth.sign-up.validation.array-body", Json::array({1}), "VALIDATION_ERROR",
     "[body] Invalid input: expected object, received array; [body] Invalid input: expected "
     "record, received array"},
    {"auth.sign-up.validation.empty-object", Json::object(), "VALIDATION_ERROR",
     "[body.name] Invalid input: expected string, received undefined; [body.email] Invalid "
     "input: expected string, received undefined; [body.password] Invalid input: expected "
     "string, received undefined"},
    {"auth.sign-up.password-length.seven-ascii",
     {{"email", "$email"}, {"password", "1234567"}, {"name", "V"}},
     "PASSWORD_TOO_SHORT",
     "Password too short"},
    // 14 UTF-8 bytes but 7 UTF-16 units: a target counting bytes lets it through.
    {"auth.sign-up.password-length.seven-two-byte-letters",
     {{"email", "$email"}, {"password", kShortLatin}, {"name", "V"}},
     "PASSWORD_TOO_SHORT",
     "Password too short"},
    {"auth.sign-up.password-length.129-ascii",
     {{"email", "$email"}, {"password", repeat("a", 129)}, {"name", "V"}},
     "PASSWORD_TOO_LONG",
     "Password too long"},
    // 65 code points but 130 UTF-16 units: a target counting code points lets it through.
    {"auth.sign-up.password-length.65-astral",
     {{"email", "$email"}, {"password", kLongAstral}, {"name", "V"}},
     "PASSWORD_TOO_LONG",
     "Password too long"},
};
class RefusedSignUp : public TestWithParam<RefusedSignUpRow> {};

TEST_P(RefusedSignUp, Is400WithTheExactBodyAndCreatesNothing) {
  const RefusedSignUpRow& row = GetParam();
  AUTHCONF_CASE(row.id, std::string(row.code) == "VALIDATION_ERROR"
                            ? "spec/better-auth-wire.md §1 (schema validation), §2.1"
                            : kSignUpSpec);
  const std::string email = target().new_email();
  Json body = row.body;
  if (body.is_object() && body.contains("email") && body["email"] == "$email") {
    body["email"] = email;
  }
  Browser browser(target());
  auto answer = AUTHCONF_OK(post(browser, "/sign-up/email", body));
  if (answer.status == 200) suite::created_user(email, kPassword);  // removed again
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(error_body(row.code, row.message)));
  EXPECT_FALSE(set_cookie_line(answer, "session_token")) << "a refused sign-up set a session";
  if (target().capabilities().feature("adapter")) {
    const Json stored = AUTH_BRIDGE(component_user(email));
    if (!stored.is_null()) suite::created_user(email, kPassword);
    EXPECT_TRUE(stored.is_null()) << "a refused sign-up created " << stored.dump();
  }
}
INSTANTIATE_TEST_SUITE_P(Rows, RefusedSignUp, ValuesIn(kRefusedSignUps),
                         [](const TestParamInfo<RefusedSignUpRow>& row) {
                           return test_name(row.param.id);
                         });

// The other side of the length rule: 4 × 😀 is 4 code points but 8 UTF-16 units (accepted),
// 128 ASCII characters is the maximum (accepted).
struct AcceptedPasswordRow {
  const char* id;
  std::string password;
};
const AcceptedPasswordRow kAcceptedPasswords[] = {
    {"auth.sign-up.password-length.four-astral-accepted", repeat("\xF0\x9F\x98\x80", 4)},
    {"auth.sign-up.password-length.128-ascii-accepted", repeat("b", 128)},
};
class AcceptedPassword : public TestWithParam<AcceptedPasswordRow> {};

TEST_P(AcceptedPassword, SignsUp) {
  const AcceptedPasswordRow& row = GetParam();
  AUTHCONF_CASE(row.id, kSignUpSpec);
  const std::string email = target().new_email();
  suite::created_user(email, row.password);
  Browser browser(target());
  auto answer = AUTHCONF_OK(post(browser, "/sign-up/email",
                                 {{"email", email}, {"password", row.password}, {"name", "P"}}));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_EQ(member(member(body_of(answer), "user"), "email"), email);
}
INSTANTIATE_TEST_SUITE_P(Rows, AcceptedPassword, ValuesIn(kAcceptedPasswords),
                         [](const TestParamInfo<AcceptedPasswordRow>& row) {
                           return test_name(row.param.id);
                         });

// {"redirect": false, "token", "user"}: no `url` key without a callbackURL (§2.2), a new
// session (not the sign-up's), and its cookie byte for byte.
TEST(SignIn, AnswerShapeIsExact) {
  AUTHCONF_CASE("auth.sign-in.answer-shape-exact", kSignInSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer = AUTHCONF_OK(post_for_cookies(
      "/sign-in/email", {{"email", shared->user.email}, {"password", shared->user.password}}));
  ASSERT_EQ(answer.status, 200) << answer.response_body;
  EXPECT_EQ(answer.headers_named("content-type"), std::vector<std::string>{"application/json"});
  EXPECT_TRUE(answer.headers_named("location").empty()) << "no callbackURL, no Location";
  const Json body = body_of(answer);
  EXPECT_EQ(keys_of(body), (std::set<std::string>{"redirect", "token", "user"}));
  EXPECT_EQ(member(body, "redirect"), false);
  EXPECT_TRUE(is_session_token(member(body, "token")));
  EXPECT_NE(member(body, "token"), shared->token) << "a sign-in must start a new session";
  expect_user_shape(member(body, "user"));
  EXPECT_EQ(member(member(body, "user"), "id"), shared->id);
  expect_signed_cookie_line(set_cookie_line(answer, "session_token"), "session_token",
                            string_at(body, "token"), kExpiresIn);
}

// With a callbackURL sign-in still answers 200 (not 302), with `Location` and
// {"redirect": true, "url": <callbackURL>} (§2.2, [R]).
TEST(SignIn, CallbackUrlAnswers200WithLocation) {
  AUTHCONF_CASE("auth.sign-in.callback-url-answers-200-with-location", kSignInSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  Browser browser(target());
  auto answer = AUTHCONF_OK(
      sign_in(browser, shared->user.email, shared->user.password, {{"callbackURL", "/dashboard"}}));
  ASSERT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasHeader("location", "/dashboard"));
  const Json body = body_of(answer);
  EXPECT_EQ(keys_of(body), (std::set<std::string>{"redirect", "token", "url", "user"}));
  EXPECT_EQ(member(body, "redirect"), true);
  EXPECT_EQ(member(body, "url"), "/dashboard");
}

// "Lookup uses email.toLowerCase()" (§2.2; transcripts "email in upper case").
TEST(SignIn, EmailIsCaseInsensitive) {
  AUTHCONF_CASE("auth.sign-in.email-case-insensitive", kSignInSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  Browser browser(target());
  auto answer =
      AUTHCONF_OK(sign_in(browser, ascii_upper(shared->user.email), shared->user.password));
  ASSERT_THAT(answer, HasStatus(200));
  const Json body = body_of(answer);
  const Json& answered = member(body, "user");
  EXPECT_EQ(member(answered, "id"), shared->id);
  EXPECT_EQ(member(answered, "email"), shared->user.email);
}

// Refused sign-ins. 1.6.34 checks no password length on sign-in (the 1.7 spec text adds a
// PASSWORD_TOO_LONG; the reference README and sign-in.mjs of 1.6.34 agree on a plain 401).
enum class SignInEmail { kShared, kUnknown, kInvalid };
struct RefusedSignInRow {
  const char* id;
  SignInEmail email;
  Json extra;  // merged into {email, password: the shared user's}
  int status;
  const char* code;
  const char* message;
};
const RefusedSignInRow kRefusedSignIns[] = {
    {"auth.sign-in.rejects.wrong-password",
     SignInEmail::kShared,
     {{"password", "wrong password 123"}},
     401,
     "INVALID_EMAIL_OR_PASSWORD",
     "Invalid email or password"},
    {"auth.sign-in.rejects.unknown-email", SignInEmail::kUnknown, Json::object(), 401,
     "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password"},
    {"auth.sign-in.rejects.overlong-password",
     SignInEmail::kShared,
     {{"password", repeat("x", 200)}},
     401,
     "INVALID_EMAIL_OR_PASSWORD",
     "Invalid email or password"},
    // z.email() inside the handler: INVALID_EMAIL, not a VALIDATION_ERROR as on sign-up.
    {"auth.sign-in.rejects.invalid-email", SignInEmail::kInvalid, Json::object(), 400,
     "INVALID_EMAIL", "Invalid email"},
    {"auth.sign-in.rejects.missing-password",
     SignInEmail::kShared,
     {{"password", nullptr}},
     400,
     "VALIDATION_ERROR",
     "[body.password] Invalid input: expected string, received undefined"},
    {"auth.sign-in.rejects.remember-me-not-a-boolean",
     SignInEmail::kShared,
     {{"rememberMe", "yes"}},
     400,
     "VALIDATION_ERROR",
     "[body.rememberMe] Invalid input: expected boolean, received string"},
};
class RefusedSignIn : public TestWithParam<RefusedSignInRow> {};

TEST_P(RefusedSignIn, HasTheExactError) {
  const RefusedSignInRow& row = GetParam();
  AUTHCONF_CASE(row.id, kSignInSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  Json body = Json::object();
  body["email"] = row.email == SignInEmail::kShared    ? shared->user.email
                  : row.email == SignInEmail::kUnknown ? target().new_email()
                                                       : std::string("not-an-email");
  body["password"] = shared->user.password;
  for (const auto& [key, value] : row.extra.items()) {
    if (value.is_null()) {
      body.erase(key);  // null marks a field left out
    } else {
      body[key] = value;
    }
  }
  Browser browser(target());
  auto answer = AUTHCONF_OK(post(browser, "/sign-in/email", body));
  EXPECT_THAT(answer, HasStatus(row.status));
  EXPECT_THAT(answer, HasJsonBody(error_body(row.code, row.message)));
  EXPECT_FALSE(set_cookie_line(answer, "session_token")) << "a refused sign-in set a session";
}
INSTANTIATE_TEST_SUITE_P(Rows, RefusedSignIn, ValuesIn(kRefusedSignIns),
                         [](const TestParamInfo<RefusedSignInRow>& row) {
                           return test_name(row.param.id);
                         });

// Anti-enumeration: an unknown email and a wrong password for a known one get the same
// status, the same bytes and the same header fields (§2.2, §15 item 8).
TEST(SignIn, UnknownEmailAndWrongPasswordAreIndistinguishable) {
  AUTHCONF_CASE("auth.sign-in.unknown-email-and-wrong-password-alike", kSignInSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  Browser browser(target());
  auto wrong = AUTHCONF_OK(sign_in(browser, shared->user.email, "wrong password 456"));
  auto unknown = AUTHCONF_OK(sign_in(browser, target().new_email(), "wrong password 456"));
  EXPECT_EQ(wrong.status, unknown.status);
  EXPECT_EQ(wrong.response_body, unknown.response_body);
  const auto names = [](const Exchange& exchange) {
    std::set<std::string> out;
    for (const auto& [name, value] : exchange.response_headers) {
      const std::string lower = ascii_lower(name);
      if (lower != "date") out.insert(lower + (lower == "content-length" ? "" : ": " + value));
    }
    return out;
  };
  EXPECT_EQ(names(wrong), names(unknown));
}

// rememberMe:false on sign-in: no Max-Age on the session cookie, `dont_remember` set, a
// one-day session; the dont_remember value is the same for every session (it signs "true").
TEST(SignIn, RememberMeFalse) {
  AUTHCONF_CASE("auth.sign-in.remember-me-false", kCookieSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  std::vector<std::string> values;
  for (int i = 0; i < 2; ++i) {
    auto answer =
        AUTHCONF_OK(post_for_cookies("/sign-in/email", {{"email", shared->user.email},
                                                        {"password", shared->user.password},
                                                        {"rememberMe", false}}));
    ASSERT_EQ(answer.status, 200) << answer.response_body;
    const std::string token = string_at(body_of(answer), "token");
    const std::string value = expect_signed_cookie_line(set_cookie_line(answer, "session_token"),
                                                        "session_token", token, std::nullopt);
    values.push_back(expect_signed_cookie_line(set_cookie_line(answer, "dont_remember"),
                                               "dont_remember", "true", std::nullopt));
    // Both cookies, as the browser holds them: without dont_remember, get-session would
    // refresh the session to expiresIn (§4.3).
    Browser browser(target());
    CallOptions options = cookieless();
    options.headers.emplace_back("Cookie", cookie_name("session_token") + "=" + value + "; " +
                                               cookie_name("dont_remember") + "=" + values.back());
    auto session = AUTHCONF_OK(get_session(browser, options));
    const Json body = body_of(session);
    expect_lifetime(member(body, "session"), kDontRememberExpiresIn);
  }
  EXPECT_EQ(values[0], values[1]);
}

}  // namespace
}  // namespace authconf

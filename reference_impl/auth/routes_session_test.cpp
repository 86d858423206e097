// sign-in/email, sign-out, list-sessions, revoke-session, revoke-sessions and
// revoke-other-sessions against better-auth 1.6.34 (spec/better-auth-wire.md
// §2.2-§2.8, spec/transcripts/better-auth-1.6.34-memory.md §3, §4, §9).
#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "auth/adapter.h"
#include "auth/auth_test_support.h"
#include "auth/email_verification_token.h"
#include "authconf/signed_cookie.h"

namespace authref {
namespace {

using testing::AuthTestBed;
using testing::body_of;
using testing::cookie_for;
using testing::json_error;
using testing::kExpiredSessionCookies;
using testing::kTestPassword;
using testing::kTestStartMs;
using testing::session_set_cookie;
using testing::set_cookies;

constexpr std::int64_t kStart = static_cast<std::int64_t>(kTestStartMs);
constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kWeekMs = 7 * kDayMs;
const std::string kSecret = AuthOptions{}.secret;

std::vector<Json> session_rows(AuthTestBed& bed) {
  std::vector<Json> rows;
  for (const Json& row : bed.app().database().documents("component", "session")) {
    rows.push_back(row);
  }
  return rows;
}

// A user and the token of its sign-up session.
struct Account {
  std::string token;
  Json user;  // as the sign-up answer shows it
};

Account sign_up(AuthTestBed& bed, const std::string& email, const std::string& name = "Alice") {
  auto response = bed.sign_up(email, kTestPassword, name);
  EXPECT_EQ(response.status, 200) << response.body;
  Json body = body_of(response);
  return {body.at("token").is_string() ? body.at("token").get<std::string>() : "", body.at("user")};
}

std::string sign_in_token(AuthTestBed& bed, const std::string& email) {
  auto response = bed.sign_in(email);
  EXPECT_EQ(response.status, 200) << response.body;
  return body_of(response).at("token").get<std::string>();
}

bool session_alive(AuthTestBed& bed, const std::string& token) {
  return bed.auth().services().sessions.find(token).has_value();
}

Json fault(const std::string& table, const std::string& op, int times) {
  return Json{{"faults", Json::array({Json{{"table", table},
                                           {"op", op},
                                           {"message", "injected: " + table + "." + op},
                                           {"times", times}}})}};
}

// ---------------------------------------------------------------- sign-in

TEST(SignInEmail, AnswersTheUserAndSetsTheSessionCookie) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  bed.clock().advance_ms(1500);
  auto response = bed.sign_in("alice@example.com");
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string token = body_of(response).at("token").get<std::string>();
  EXPECT_EQ(token.size(), 32u);
  EXPECT_NE(token, alice.token);
  // §3 "good password": redirect, token, user; no url without a callbackURL.
  EXPECT_EQ(response.body,
            js_stringify(Json{{"redirect", false}, {"token", token}, {"user", alice.user}}));
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
  EXPECT_FALSE(response.headers.has("location"));
  EXPECT_EQ(set_cookies(response), std::vector<std::string>{session_set_cookie(token)});
  auto stored = bed.auth().services().sessions.find(token);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->session.at("expiresAt"), kStart + 1500 + kWeekMs);
  EXPECT_EQ(stored->session.at("createdAt"), kStart + 1500);
  EXPECT_EQ(stored->session.at("userId"), alice.user.at("id"));
  EXPECT_EQ(session_rows(bed).size(), 2u);
}

TEST(SignInEmail, LowerCasesTheEmailBeforeTheLookup) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  auto response = bed.sign_in("ALICE@EXAMPLE.COM");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response).at("user"), alice.user);
}

TEST(SignInEmail, RememberMeFalseSetsASessionCookieAndDontRemember) {
  AuthTestBed bed;
  sign_up(bed, "alice@example.com");
  auto response = bed.post(
      "/sign-in/email",
      R"({"email":"alice@example.com","password":"correct horse battery","rememberMe":false})");
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string token = body_of(response).at("token").get<std::string>();
  // §3 "rememberMe: false": no Max-Age on either cookie; the dont_remember
  // value is the spec's vector for "true" under this secret (§4.2).
  EXPECT_EQ(set_cookies(response),
            (std::vector<std::string>{
                session_set_cookie(token, false),
                "better-auth.dont_remember=true.i8K8lWmm43%2FqItRtT9GUzE75WMaFyDz4cMBHK5qe4nM%3D; "
                "Path=/; HttpOnly; SameSite=Lax"}));
  EXPECT_EQ(bed.auth().services().sessions.find(token)->session.at("expiresAt"), kStart + kDayMs);
}

TEST(SignInEmail, ACallbackUrlIsA200WithLocationAndUrl) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  auto response = bed.post(
      "/sign-in/email",
      R"({"email":"alice@example.com","password":"correct horse battery","callbackURL":"/dashboard"})");
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string token = body_of(response).at("token").get<std::string>();
  EXPECT_EQ(response.headers.get("location"), "/dashboard");
  EXPECT_EQ(
      response.body,
      js_stringify(
          Json{{"redirect", true}, {"token", token}, {"url", "/dashboard"}, {"user", alice.user}}));

  // An empty callbackURL is falsy: no redirect, no Location, but `url` stays.
  auto empty = bed.post(
      "/sign-in/email",
      R"({"email":"alice@example.com","password":"correct horse battery","callbackURL":""})");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_FALSE(empty.headers.has("location"));
  EXPECT_EQ(empty.body, js_stringify(Json{{"redirect", false},
                                          {"token", body_of(empty).at("token")},
                                          {"url", ""},
                                          {"user", alice.user}}));
}

TEST(SignInEmail, AcceptsAFormEncodedBody) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  auto response = bed.send("POST", "/api/auth/sign-in/email",
                           "email=alice%40example.com&password=correct+horse+battery",
                           {{"content-type", "application/x-www-form-urlencoded"},
                            {"origin", testing::kTestSiteOrigin}});
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response).at("user"), alice.user);
}

struct SignInRejection {
  std::string name;
  std::string body;
  int status;
  std::string answer;
  std::string content_type = "application/json";
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const SignInRejection& row, std::ostream* os) { *os << row.name; }

class SignInRejections : public ::testing::TestWithParam<SignInRejection> {};

TEST_P(SignInRejections, AnswerExactlyAndChangeNothing) {
  const SignInRejection& row = GetParam();
  AuthTestBed bed;
  sign_up(bed, "alice@example.com");
  const Json before = bed.store();
  auto response =
      bed.send("POST", "/api/auth/sign-in/email", row.body,
               {{"content-type", row.content_type}, {"origin", testing::kTestSiteOrigin}});
  EXPECT_EQ(response.status, row.status);
  EXPECT_EQ(response.body, row.answer);
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_EQ(bed.store(), before);
}

const std::string kBadCredentials =
    json_error("Invalid email or password", "INVALID_EMAIL_OR_PASSWORD");
const std::string kInvalidEmail = json_error("Invalid email", "INVALID_EMAIL");

INSTANTIATE_TEST_SUITE_P(
    Table, SignInRejections,
    ::testing::Values(
        SignInRejection{"WrongPassword",
                        R"({"email":"alice@example.com","password":"wrong password"})", 401,
                        kBadCredentials},
        SignInRejection{"UnknownEmail",
                        R"({"email":"nobody@example.com","password":"whatever123"})", 401,
                        kBadCredentials},
        SignInRejection{"EmptyPassword", R"({"email":"alice@example.com","password":""})", 401,
                        kBadCredentials},
        // 1.6.34 checks no password length on sign-in (the 1.7 spec's
        // PASSWORD_TOO_LONG is not there yet): a long password is just wrong.
        SignInRejection{
            "VeryLongPassword",
            R"({"email":"alice@example.com","password":")" + std::string(200, 'x') + R"("})", 401,
            kBadCredentials},
        SignInRejection{"NotAnEmail",
                        R"({"email":"notanemail","password":"correct horse battery"})", 400,
                        kInvalidEmail},
        SignInRejection{"EmailWithTrailingSpace",
                        R"({"email":"alice@example.com ","password":"correct horse battery"})", 400,
                        kInvalidEmail},
        SignInRejection{"EmptyEmail", R"({"email":"","password":""})", 400, kInvalidEmail},
        SignInRejection{
            "MissingPassword", R"({"email":"alice@example.com"})", 400,
            json_error("[body.password] Invalid input: expected string, received undefined",
                       "VALIDATION_ERROR")},
        SignInRejection{
            "WrongTypes", R"({"email":5,"password":6})", 400,
            json_error("[body.email] Invalid input: expected string, received number; "
                       "[body.password] Invalid input: expected string, received number",
                       "VALIDATION_ERROR")},
        SignInRejection{
            "RememberMeNull",
            R"({"email":"alice@example.com","password":"correct horse battery","rememberMe":null})",
            400,
            json_error("[body.rememberMe] Invalid input: expected boolean, received null",
                       "VALIDATION_ERROR")},
        SignInRejection{
            "FormRememberMeIsAString",
            "email=alice%40example.com&password=correct+horse+battery&rememberMe=false", 400,
            json_error("[body.rememberMe] Invalid input: expected boolean, received string",
                       "VALIDATION_ERROR"),
            "application/x-www-form-urlencoded"},
        SignInRejection{"ArrayBody", "[]", 400,
                        json_error("[body] Invalid input: expected object, received array",
                                   "VALIDATION_ERROR")},
        SignInRejection{
            "NullBody", "null", 400,
            json_error("[body] Invalid input: expected object, received null", "VALIDATION_ERROR")},
        SignInRejection{"MalformedJson", R"({"email":)", 400,
                        json_error("Invalid JSON in request body", "BAD_REQUEST")}),
    [](const ::testing::TestParamInfo<SignInRejection>& row) { return row.param.name; });

TEST(SignInEmail, ACredentialAccountWithoutPasswordIsRefusedLikeAWrongPassword) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  bed.auth().services().adapter.remove_many("account", {{"userId", alice.user.at("id")}});
  const Json before = bed.store();
  auto response = bed.sign_in("alice@example.com");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, kBadCredentials);
  EXPECT_EQ(bed.store(), before);
}

struct VerificationCase {
  std::string name;
  bool send_on_sign_in;
  std::size_t mails_after;  // verify-email mails to alice after the sign-in
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const VerificationCase& row, std::ostream* os) { *os << row.name; }

class SignInRequiresVerification : public ::testing::TestWithParam<VerificationCase> {};

TEST_P(SignInRequiresVerification, RefusesUnverifiedUsersAfterThePasswordCheck) {
  const VerificationCase& row = GetParam();
  AuthOptions options;
  options.require_email_verification = true;
  options.send_verification_on_sign_in = row.send_on_sign_in;
  AuthTestBed bed(options);
  Account alice = sign_up(bed, "alice@example.com");
  EXPECT_EQ(alice.token, "");  // {"token": null}: no session before verification
  Outbox& outbox = bed.app().outbox();
  ASSERT_EQ(outbox.list("alice@example.com", OutboxKind::kVerifyEmail)["messages"].size(), 1u);
  const Json before = bed.store();

  // The password is checked first: a wrong one is the usual 401, no mail.
  auto wrong = bed.sign_in("alice@example.com", "wrong password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, kBadCredentials);
  EXPECT_EQ(outbox.list("alice@example.com", OutboxKind::kVerifyEmail)["messages"].size(), 1u);

  auto response = bed.post(
      "/sign-in/email",
      R"({"email":"alice@example.com","password":"correct horse battery","callbackURL":"/welcome"})");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, json_error("Email not verified", "EMAIL_NOT_VERIFIED"));
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_EQ(bed.store(), before);
  Json mails = outbox.list("alice@example.com", OutboxKind::kVerifyEmail)["messages"];
  ASSERT_EQ(mails.size(), row.mails_after);
  if (row.send_on_sign_in) {
    const std::string token = mails.back().at("token").get<std::string>();
    EXPECT_EQ(mails.back().at("url"), "http://127.0.0.1:8787/api/auth/verify-email?token=" + token +
                                          "&callbackURL=%2Fwelcome");
    auto claims = verify_hs256_jwt(token, kSecret);
    ASSERT_TRUE(claims);
    EXPECT_EQ(*claims, (Json{{"email", "alice@example.com"},
                             {"iat", kStart / 1000},
                             {"exp", kStart / 1000 + 3600}}));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, SignInRequiresVerification,
                         ::testing::Values(VerificationCase{"NoMailOnSignIn", false, 1},
                                           VerificationCase{"SendOnSignIn", true, 2}),
                         [](const ::testing::TestParamInfo<VerificationCase>& row) {
                           return row.param.name;
                         });

TEST(SignInEmail, AVerifiedUserSignsInWhenVerificationIsRequired) {
  AuthOptions options;
  options.require_email_verification = true;
  AuthTestBed bed(options);
  Account alice = sign_up(bed, "alice@example.com");
  bed.auth().services().adapter.update("user", {{"id", alice.user.at("id")}},
                                       Json{{"emailVerified", true}});
  auto response = bed.sign_in("alice@example.com");
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response).at("user").at("emailVerified"), true);
}

TEST(SignInEmail, IsoDatesWhenTheOptionSaysSo) {
  AuthOptions options;
  options.dates = DatesMode::kIso;
  AuthTestBed bed(options);
  sign_up(bed, "alice@example.com");
  auto response = bed.sign_in("alice@example.com");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(body_of(response).at("user").at("createdAt"), "2026-11-22T10:56:00.857Z");
}

// ---------------------------------------------------------------- sign-out

TEST(SignOut, DeletesTheSessionAndExpiresTheThreeCookies) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const std::string other = sign_in_token(bed, "alice@example.com");
  auto response = bed.post("/sign-out", "{}", cookie_for(alice.token));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"success":true})");
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
  EXPECT_EQ(set_cookies(response), kExpiredSessionCookies);
  EXPECT_FALSE(session_alive(bed, alice.token));
  EXPECT_TRUE(session_alive(bed, other));

  // §9: the signed-out cookie is dead; get-session says null and expires it.
  auto after = bed.get("/get-session", cookie_for(alice.token));
  EXPECT_EQ(after.body, "null");
  EXPECT_EQ(set_cookies(after), kExpiredSessionCookies);
}

struct SignOutCase {
  std::string name;
  std::string body;
  std::string content_type;
  bool with_cookie;
  bool tampered;
  int status;
  std::string answer;
  bool deletes;
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const SignOutCase& row, std::ostream* os) { *os << row.name; }

class SignOutCases : public ::testing::TestWithParam<SignOutCase> {};

TEST_P(SignOutCases, Answer) {
  const SignOutCase& row = GetParam();
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  std::string cookie = cookie_for(alice.token);
  if (row.tampered) cookie = "better-auth.session_token=" + alice.token + ".AAAA";
  http::Headers headers{{"origin", testing::kTestSiteOrigin}};
  if (!row.content_type.empty()) headers.add("content-type", row.content_type);
  if (row.with_cookie) headers.add("cookie", cookie);
  const Json before = bed.store();
  auto response = bed.send("POST", "/api/auth/sign-out", row.body, headers);
  EXPECT_EQ(response.status, row.status);
  EXPECT_EQ(response.body, row.answer);
  EXPECT_EQ(set_cookies(response),
            row.status == 200 ? kExpiredSessionCookies : std::vector<std::string>{});
  EXPECT_EQ(session_alive(bed, alice.token), !row.deletes);
  if (!row.deletes) {
    EXPECT_EQ(bed.store(), before);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, SignOutCases,
    ::testing::Values(SignOutCase{"ArrayBody", "[]", "application/json", true, false, 200,
                                  R"({"success":true})", true},
                      // §9 "sign-out with no session at all": still a success.
                      SignOutCase{"NoCookie", "{}", "application/json", false, false, 200,
                                  R"({"success":true})", false},
                      SignOutCase{"TamperedCookie", "{}", "application/json", true, true, 200,
                                  R"({"success":true})", false},
                      SignOutCase{"MalformedJson", "garbage", "application/json", true, false, 400,
                                  json_error("Invalid JSON in request body", "BAD_REQUEST"), false},
                      SignOutCase{
                          "TextPlain", "x", "text/plain", true, false, 415,
                          json_error("Content-Type \"text/plain\" is not allowed. Allowed types: "
                                     "application/json",
                                     "UNSUPPORTED_MEDIA_TYPE"),
                          false}),
    [](const ::testing::TestParamInfo<SignOutCase>& row) { return row.param.name; });

TEST(SignOut, AFailedDeleteIsStillASuccess) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  ASSERT_TRUE(bed.app().faults().replace(fault("session", "delete", 1)));
  auto response = bed.post("/sign-out", "{}", cookie_for(alice.token));
  // try { deleteSession } catch { log }: 200, cookies cleared, row kept.
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"success":true})");
  EXPECT_EQ(set_cookies(response), kExpiredSessionCookies);
  EXPECT_TRUE(session_alive(bed, alice.token));
}

// ---------------------------------------------------------------- list-sessions

TEST(ListSessions, ListsTheUsersActiveSessionsInCreationOrder) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  sign_up(bed, "bob@example.com", "Bob");
  bed.clock().advance_ms(10);
  const std::string second = sign_in_token(bed, "alice@example.com");
  bed.clock().advance_ms(10);
  const std::string third = sign_in_token(bed, "alice@example.com");
  // A rememberMe:false session expires first but is listed in creation
  // order, as on convex-test (spec/transcripts/convex-component-0.12.5 §4).
  auto short_lived = bed.post(
      "/sign-in/email",
      R"({"email":"alice@example.com","password":"correct horse battery","rememberMe":false})");
  const std::string fourth = body_of(short_lived).at("token").get<std::string>();
  // An expired row is not listed.
  bed.auth().services().adapter.update("session", {{"token", second}},
                                       Json{{"expiresAt", kStart + 19}});
  auto response = bed.get("/list-sessions", cookie_for(alice.token));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
  EXPECT_TRUE(set_cookies(response).empty());
  Json expected = Json::array();
  for (const std::string& token : {alice.token, third, fourth}) {
    Json session = bed.auth().services().sessions.find(token)->session;
    expected.push_back(session);
  }
  EXPECT_EQ(response.body, js_stringify(expected));
  // The session object's keys, in the transcript's order (§4).
  std::vector<std::string> keys;
  for (auto it = expected[0].begin(); it != expected[0].end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"expiresAt", "token", "createdAt", "updatedAt",
                                            "ipAddress", "userAgent", "userId", "id"}));
}

TEST(ListSessions, WritesIsoDatesWhenAsked) {
  AuthOptions options;
  options.dates = DatesMode::kIso;
  AuthTestBed bed(options);
  Account alice = sign_up(bed, "alice@example.com");
  auto response = bed.get("/list-sessions", cookie_for(alice.token));
  ASSERT_EQ(response.status, 200);
  Json first = body_of(response).at(0);
  EXPECT_EQ(first.at("expiresAt"), "2026-11-29T10:56:00.857Z");
  EXPECT_EQ(first.at("createdAt"), "2026-11-22T10:56:00.857Z");
}

TEST(ListSessions, NeedsASession) {
  AuthTestBed bed;
  auto response = bed.get("/list-sessions");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, json_error("Unauthorized", "UNAUTHORIZED"));
}

TEST(ListSessions, NeedsAFreshSession) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  // One millisecond short of freshAge: still fresh, and not yet refreshed.
  bed.clock().advance_ms(kDayMs - 1);
  auto fresh = bed.get("/list-sessions", cookie_for(alice.token));
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_TRUE(set_cookies(fresh).empty());
  // `Date.now() - createdAt >= freshAge`: exactly a day is stale. The
  // session middleware's refresh (updateAge is a day too) has already
  // re-set the cookie, which the 403 keeps.
  bed.clock().advance_ms(1);
  auto stale = bed.get("/list-sessions", cookie_for(alice.token));
  EXPECT_EQ(stale.status, 403);
  EXPECT_EQ(stale.body, json_error("Session is not fresh", "SESSION_NOT_FRESH"));
  EXPECT_EQ(set_cookies(stale), std::vector<std::string>{session_set_cookie(alice.token)});
}

TEST(ListSessions, FreshAgeZeroDisablesTheCheck) {
  AuthOptions options;
  options.session_fresh_age_s = 0;
  AuthTestBed bed(options);
  Account alice = sign_up(bed, "alice@example.com");
  bed.clock().advance_ms(3 * kDayMs);
  auto response = bed.get("/list-sessions", cookie_for(alice.token));
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(body_of(response).size(), 1u);
}

// ---------------------------------------------------------------- revoke-*

const std::string kStatusTrue = R"({"status":true})";

TEST(RevokeSession, DeletesOneOfTheCallersSessions) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const std::string other = sign_in_token(bed, "alice@example.com");
  auto response =
      bed.post("/revoke-session", js_stringify(Json{{"token", other}}), cookie_for(alice.token));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, kStatusTrue);
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_EQ(bed.session_tokens(), std::vector<std::string>{alice.token});
}

TEST(RevokeSession, RevokingTheCurrentSessionLeavesTheCookiesAlone) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  auto response = bed.post("/revoke-session", js_stringify(Json{{"token", alice.token}}),
                           cookie_for(alice.token));
  // 1.6.34 sends no Set-Cookie here (the 1.7 spec text says it expires them).
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, kStatusTrue);
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_TRUE(bed.session_tokens().empty());
  EXPECT_EQ(bed.get("/get-session", cookie_for(alice.token)).body, "null");
}

struct RevokeSessionRejection {
  std::string name;
  std::string body;  // "<other>" stands for Bob's token
  bool with_cookie;
  int status;
  std::string answer;
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const RevokeSessionRejection& row, std::ostream* os) { *os << row.name; }

class RevokeSessionIgnores : public ::testing::TestWithParam<RevokeSessionRejection> {};

TEST_P(RevokeSessionIgnores, AndChangesNothing) {
  const RevokeSessionRejection& row = GetParam();
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  Account bob = sign_up(bed, "bob@example.com", "Bob");
  std::string body = row.body;
  if (body == "<other>") body = js_stringify(Json{{"token", bob.token}});
  const Json before = bed.store();
  auto response = bed.post("/revoke-session", body, row.with_cookie ? cookie_for(alice.token) : "");
  EXPECT_EQ(response.status, row.status);
  EXPECT_EQ(response.body, row.answer);
  EXPECT_EQ(bed.store(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Table, RevokeSessionIgnores,
    ::testing::Values(
        // Another user's token is silently ignored.
        RevokeSessionRejection{"AnotherUsersToken", "<other>", true, 200, kStatusTrue},
        RevokeSessionRejection{"UnknownToken", R"({"token":"nonexistent"})", true, 200,
                               kStatusTrue},
        RevokeSessionRejection{
            "MissingToken", "{}", true, 400,
            json_error("[body.token] Invalid input: expected string, received undefined",
                       "VALIDATION_ERROR")},
        RevokeSessionRejection{"ArrayBody", "[]", true, 400,
                               json_error("[body] Invalid input: expected object, received array",
                                          "VALIDATION_ERROR")},
        RevokeSessionRejection{"NoSession", "<other>", false, 401,
                               json_error("Unauthorized", "UNAUTHORIZED")}),
    [](const ::testing::TestParamInfo<RevokeSessionRejection>& row) { return row.param.name; });

TEST(RevokeSession, AFailedDeleteIsAnInternalServerError) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const std::string other = sign_in_token(bed, "alice@example.com");
  ASSERT_TRUE(bed.app().faults().replace(fault("session", "delete", 1)));
  auto response =
      bed.post("/revoke-session", js_stringify(Json{{"token", other}}), cookie_for(alice.token));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, json_error("Internal Server Error", "INTERNAL_SERVER_ERROR"));
  EXPECT_TRUE(session_alive(bed, other));
}

TEST(RevokeSessions, DeletesEveryOneOfTheUsersSessions) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  sign_in_token(bed, "alice@example.com");
  Account bob = sign_up(bed, "bob@example.com", "Bob");
  auto response = bed.post("/revoke-sessions", "{}", cookie_for(alice.token));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, kStatusTrue);
  EXPECT_TRUE(set_cookies(response).empty());  // 1.6.34: no cookie changes
  EXPECT_EQ(bed.session_tokens(), std::vector<std::string>{bob.token});

  // The next sensitive call finds no row: 401, and the cookies are expired.
  auto again = bed.post("/revoke-sessions", "{}", cookie_for(alice.token));
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(again.body, json_error("Unauthorized", "UNAUTHORIZED"));
  EXPECT_EQ(set_cookies(again), kExpiredSessionCookies);
}

TEST(RevokeSessions, AFailedDeleteRollsBackAndIsAnInternalServerError) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const std::string other = sign_in_token(bed, "alice@example.com");
  ASSERT_TRUE(bed.app().faults().replace(fault("session", "delete", 1)));
  const Json before = bed.store();
  auto response = bed.post("/revoke-sessions", "{}", cookie_for(alice.token));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, json_error("Internal Server Error", "INTERNAL_SERVER_ERROR"));
  // One deleteMany mutation: its trigger threw, so nothing was deleted.
  EXPECT_EQ(bed.store(), before);
}

TEST(RevokeOtherSessions, KeepsTheCurrentSessionAndExpiredOnes) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const std::string second = sign_in_token(bed, "alice@example.com");
  const std::string expired = sign_in_token(bed, "alice@example.com");
  Account bob = sign_up(bed, "bob@example.com", "Bob");
  bed.auth().services().adapter.update("session", {{"token", expired}},
                                       Json{{"expiresAt", kStart - 1}});
  auto response = bed.post("/revoke-other-sessions", "{}", cookie_for(alice.token));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, kStatusTrue);
  EXPECT_TRUE(set_cookies(response).empty());
  // Only active sessions are "other sessions"; the expired row stays.
  EXPECT_EQ(bed.session_tokens(), (std::vector<std::string>{alice.token, expired, bob.token}));
  EXPECT_FALSE(session_alive(bed, second));
}

TEST(RevokeOtherSessions, EveryDeletionIsTriedEvenWhenOneFails) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const std::string second = sign_in_token(bed, "alice@example.com");
  const std::string third = sign_in_token(bed, "alice@example.com");
  ASSERT_TRUE(bed.app().faults().replace(fault("session", "delete", 1)));
  auto response = bed.post("/revoke-other-sessions", "{}", cookie_for(alice.token));
  // Promise.all rejects with the first failure: a non-API error, so 500
  // with no body; the other deletion went through.
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, "");
  EXPECT_FALSE(response.headers.has("content-type"));
  EXPECT_EQ(bed.session_tokens(), (std::vector<std::string>{alice.token, second}));
  EXPECT_FALSE(session_alive(bed, third));
}

struct Unauthenticated {
  std::string name;
  std::string method;
  std::string path;
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const Unauthenticated& row, std::ostream* os) { *os << row.name; }

class SessionRoutesNeedASession : public ::testing::TestWithParam<Unauthenticated> {};

TEST_P(SessionRoutesNeedASession, WithoutOneAnswer401) {
  const Unauthenticated& row = GetParam();
  AuthTestBed bed;
  sign_up(bed, "alice@example.com");
  const Json before = bed.store();
  for (const std::string cookie : {"", "better-auth.session_token=forged.AAAA"}) {
    http::Headers headers{{"origin", testing::kTestSiteOrigin}};
    if (row.method == "POST") headers.add("content-type", "application/json");
    if (!cookie.empty()) headers.add("cookie", cookie);
    auto response = bed.send(row.method, "/api/auth" + row.path,
                             row.method == "GET"             ? ""
                             : row.path == "/revoke-session" ? R"({"token":"x"})"
                                                             : "{}",
                             headers);
    EXPECT_EQ(response.status, 401) << cookie;
    EXPECT_EQ(response.body, json_error("Unauthorized", "UNAUTHORIZED"));
    EXPECT_TRUE(set_cookies(response).empty());
  }
  EXPECT_EQ(bed.store(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SessionRoutesNeedASession,
    ::testing::Values(Unauthenticated{"ListSessions", "GET", "/list-sessions"},
                      Unauthenticated{"RevokeSession", "POST", "/revoke-session"},
                      Unauthenticated{"RevokeSessions", "POST", "/revoke-sessions"},
                      Unauthenticated{"RevokeOtherSessions", "POST", "/revoke-other-sessions"}),
    [](const ::testing::TestParamInfo<Unauthenticated>& row) { return row.param.name; });

}  // namespace
}  // namespace authref

// update-user, change-password, change-email, delete-user and GET
// delete-user/callback against better-auth 1.6.34 (spec/better-auth-wire.md
// §2.9-§2.12, spec/transcripts/better-auth-1.6.34-memory.md §8).
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
const std::string kNewPassword = "new password 1";

const std::string kDontRememberCookie =
    "better-auth.dont_remember=true.i8K8lWmm43%2FqItRtT9GUzE75WMaFyDz4cMBHK5qe4nM%3D; Path=/; "
    "HttpOnly; SameSite=Lax";

std::string json_message(const std::string& message) {
  return js_stringify(Json{{"message", message}});
}
const std::string kUnauthorized = json_error("Unauthorized", "UNAUTHORIZED");

Json table(AuthTestBed& bed, const std::string& name) {
  return bed.app().database().documents("component", name);
}
Json outbox(AuthTestBed& bed) { return bed.app().outbox().list(std::nullopt, std::nullopt); }

struct Account {
  std::string token;
  Json user;  // as the sign-up answer shows it
  std::string cookie() const { return cookie_for(token); }
  const Json& id() const { return user.at("id"); }
};

Account sign_up(AuthTestBed& bed, const std::string& email, const std::string& name = "Alice") {
  auto response = bed.sign_up(email, kTestPassword, name);
  EXPECT_EQ(response.status, 200) << response.body;
  Json body = body_of(response);
  return {body.at("token").get<std::string>(), body.at("user")};
}

std::string sign_in_token(AuthTestBed& bed, const std::string& email,
                          const std::string& password = kTestPassword) {
  auto response = bed.sign_in(email, password);
  EXPECT_EQ(response.status, 200) << response.body;
  return response.status == 200 ? body_of(response).at("token").get<std::string>() : "";
}

Json stored_user(AuthTestBed& bed, const Json& id) {
  return *bed.auth().services().adapter.find_one("user", {{"id", id}});
}

void set_verified(AuthTestBed& bed, const Json& id) {
  bed.auth().services().adapter.update("user", {{"id", id}}, Json{{"emailVerified", true}});
}

Json fault(const std::string& table_name, const std::string& op, int times) {
  return Json{{"faults", Json::array({Json{{"table", table_name},
                                           {"op", op},
                                           {"message", "injected: " + table_name + "." + op},
                                           {"times", times}}})}};
}

struct Rejection {
  std::string name;
  std::string body;
  int status;
  std::string answer;
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const Rejection& row, std::ostream* os) { *os << row.name; }

// ---------------------------------------------------------------- update-user

class UpdateUserRejections : public ::testing::TestWithParam<Rejection> {};

TEST_P(UpdateUserRejections, AnswerExactlyAndChangeNothing) {
  const Rejection& row = GetParam();
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const Json before = bed.store();
  auto response = bed.post("/update-user", row.body, alice.cookie());
  EXPECT_EQ(response.status, row.status);
  EXPECT_EQ(response.body, row.answer);
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_EQ(bed.store(), before);
}

const std::string kNoFields = json_message("No fields to update");
const std::string kEmailFixed = json_error("Email can not be updated", "EMAIL_CAN_NOT_BE_UPDATED");

std::string record_error(const std::string& received) {
  return json_error("[body] Invalid input: expected record, received " + received,
                    "VALIDATION_ERROR");
}

INSTANTIATE_TEST_SUITE_P(
    Table, UpdateUserRejections,
    ::testing::Values(
        // The body is z.record(z.string(), z.any()).
        Rejection{"ArrayBody", "[]", 400, record_error("array")},
        Rejection{"NullBody", "null", 400, record_error("null")},
        Rejection{"StringBody", R"("x")", 400, record_error("string")},
        Rejection{"NumberBody", "5", 400, record_error("number")},
        // JSON.parse reads 1e999 as Infinity; zod names it by its value.
        Rejection{"InfiniteBody", "1e999", 400, record_error("Infinity")},
        Rejection{"MinusInfiniteBody", "-1e999", 400, record_error("-Infinity")},
        Rejection{"EmptyObject", "{}", 400, kNoFields},
        // Only name and image are inputs; core fields are ignored.
        Rejection{"EmailVerifiedOnly", R"({"emailVerified":true})", 400, kNoFields},
        Rejection{"CreatedAtOnly", R"({"createdAt":5})", 400, kNoFields},
        Rejection{"IdOnly", R"({"id":"someone-else"})", 400, kNoFields},
        // `if (body.email)`: only a truthy email is refused.
        Rejection{"EmptyEmail", R"({"email":""})", 400, kNoFields},
        Rejection{"ZeroEmail", R"({"email":0})", 400, kNoFields},
        Rejection{"FalseEmail", R"({"email":false})", 400, kNoFields},
        Rejection{"Email", R"({"email":"a@b.co"})", 400, kEmailFixed},
        Rejection{"EmailWithName", R"({"email":"a@b.co","name":"Al"})", 400, kEmailFixed},
        Rejection{"EmptyArrayEmail", R"({"email":[]})", 400, kEmailFixed},
        Rejection{"InfiniteEmail", R"({"email":-1e999,"name":"Al"})", 400, kEmailFixed},
        Rejection{"InfiniteExtraFieldOnly", R"({"foo":1e999})", 400, kNoFields},
        Rejection{"MalformedJson", "{", 400,
                  json_error("Invalid JSON in request body", "BAD_REQUEST")}),
    [](const ::testing::TestParamInfo<Rejection>& row) { return row.param.name; });

TEST(UpdateUser, NeedsASession) {
  AuthTestBed bed;
  sign_up(bed, "alice@example.com");
  const Json before = bed.store();
  auto response = bed.post("/update-user", R"({"name":"x"})");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, kUnauthorized);
  EXPECT_EQ(bed.store(), before);
}

struct UpdateCase {
  std::string name;
  std::string body;
  Json expected_name;
  std::optional<Json> expected_image;  // nullopt: no image field stored
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const UpdateCase& row, std::ostream* os) { *os << row.name; }

class UpdateUserUpdates : public ::testing::TestWithParam<UpdateCase> {};

TEST_P(UpdateUserUpdates, TheUserAndReSetTheSessionCookie) {
  const UpdateCase& row = GetParam();
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  bed.clock().advance_ms(2000);
  auto response = bed.post("/update-user", row.body, alice.cookie());
  ASSERT_EQ(response.status, 200) << response.body;
  // §2.9: {"status":true}, not the user; the same token re-set with a fresh Max-Age.
  EXPECT_EQ(response.body, R"({"status":true})");
  EXPECT_EQ(set_cookies(response), std::vector<std::string>{session_set_cookie(alice.token)});
  Json user = stored_user(bed, alice.id());
  EXPECT_EQ(user.at("name"), row.expected_name);
  EXPECT_EQ(user.contains("image") ? std::optional(user.at("image")) : std::nullopt,
            row.expected_image);
  EXPECT_EQ(user.at("email"), "alice@example.com");
  EXPECT_EQ(user.at("emailVerified"), false);
  EXPECT_EQ(user.at("createdAt"), kStart);
  EXPECT_EQ(user.at("updatedAt"), kStart + 2000);  // the field's onUpdate
}

INSTANTIATE_TEST_SUITE_P(
    Table, UpdateUserUpdates,
    ::testing::Values(
        UpdateCase{"Name", R"({"name":"Alicia"})", "Alicia", std::nullopt},
        UpdateCase{"Image", R"({"image":"https://example.com/a.png"})", "Alice",
                   Json("https://example.com/a.png")},
        UpdateCase{"NullImage", R"({"image":null})", "Alice", Json(nullptr)},
        UpdateCase{"EmptyName", R"({"name":""})", "", std::nullopt},
        // Unknown and core keys are dropped, a falsy email is ignored.
        UpdateCase{"NameAndExtras", R"({"name":"Al","foo":1,"id":"x","emailVerified":true})", "Al",
                   std::nullopt},
        UpdateCase{"NameWithEmptyEmail", R"({"name":"Al","email":""})", "Al", std::nullopt}),
    [](const ::testing::TestParamInfo<UpdateCase>& row) { return row.param.name; });

TEST(UpdateUser, KeepsADontRememberSessionAtBrowserLifetime) {
  AuthTestBed bed;
  sign_up(bed, "alice@example.com");
  auto signed_in = bed.post(
      "/sign-in/email",
      R"({"email":"alice@example.com","password":"correct horse battery","rememberMe":false})");
  const std::string token = body_of(signed_in).at("token").get<std::string>();
  const std::string cookies =
      cookie_for(token) + "; " + AuthTestBed::cookie_pair(signed_in, "better-auth.dont_remember");
  auto response = bed.post("/update-user", R"({"name":"Al"})", cookies);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(set_cookies(response),
            (std::vector<std::string>{session_set_cookie(token, false), kDontRememberCookie}));
}

TEST(UpdateUser, AValueTheComponentRefusesIsA500AndChangesNothing) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const Json before = bed.store();
  // z.any() lets a number through; the component's validator (name:
  // v.string()) throws, which is no APIError.
  // An infinity (JSON.parse of 1e999) is a number like any other here.
  for (const char* body : {R"({"name":5})", R"({"name":1e999})", R"({"image":-1e999})"}) {
    auto response = bed.post("/update-user", body, alice.cookie());
    EXPECT_EQ(response.status, 500) << body;
    EXPECT_EQ(response.body, "") << body;
    EXPECT_EQ(bed.store(), before) << body;
  }
}

// ---------------------------------------------------------------- change-password

class ChangePasswordRejections : public ::testing::TestWithParam<Rejection> {};

TEST_P(ChangePasswordRejections, AnswerExactlyAndChangeNothing) {
  const Rejection& row = GetParam();
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  sign_in_token(bed, "alice@example.com");
  const Json before = bed.store();
  auto response = bed.post("/change-password", row.body, alice.cookie());
  EXPECT_EQ(response.status, row.status);
  EXPECT_EQ(response.body, row.answer);
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_EQ(bed.store(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ChangePasswordRejections,
    ::testing::Values(
        // §8 "wrong current password".
        Rejection{"WrongCurrentPassword",
                  R"({"currentPassword":"not it at all","newPassword":"new password 1"})", 400,
                  json_error("Invalid password", "INVALID_PASSWORD")},
        // §8 "new password too short": the length is checked first.
        Rejection{"NewPasswordTooShort",
                  R"({"currentPassword":"correct horse battery","newPassword":"short"})", 400,
                  json_error("Password too short", "PASSWORD_TOO_SHORT")},
        Rejection{"NewPasswordTooShortAndWrongCurrent",
                  R"({"currentPassword":"nope","newPassword":"1234567"})", 400,
                  json_error("Password too short", "PASSWORD_TOO_SHORT")},
        Rejection{"NewPasswordTooLong",
                  R"({"currentPassword":"nope","newPassword":")" + std::string(129, 'x') + R"("})",
                  400, json_error("Password too long", "PASSWORD_TOO_LONG")},
        // Seven é are seven UTF-16 units: too short, whatever their bytes.
        Rejection{"SevenAccentedCharacters",
                  R"({"currentPassword":"correct horse battery","newPassword":"ééééééé"})", 400,
                  json_error("Password too short", "PASSWORD_TOO_SHORT")},
        Rejection{"MissingFields", "{}", 400,
                  json_error("[body.newPassword] Invalid input: expected string, received "
                             "undefined; [body.currentPassword] Invalid input: expected string, "
                             "received undefined",
                             "VALIDATION_ERROR")},
        Rejection{
            "RevokeIsAString",
            R"({"currentPassword":"correct horse battery","newPassword":"new password 1","revokeOtherSessions":"yes"})",
            400,
            json_error("[body.revokeOtherSessions] Invalid input: expected boolean, "
                       "received string",
                       "VALIDATION_ERROR")}),
    [](const ::testing::TestParamInfo<Rejection>& row) { return row.param.name; });

TEST(ChangePassword, NeedsASession) {
  AuthTestBed bed;
  sign_up(bed, "alice@example.com");
  auto response =
      bed.post("/change-password",
               R"({"currentPassword":"correct horse battery","newPassword":"new password 1"})");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, kUnauthorized);
}

TEST(ChangePassword, WithoutACredentialAccountIsRefused) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  bed.auth().services().adapter.remove_many("account", {{"userId", alice.id()}});
  auto response =
      bed.post("/change-password",
               R"({"currentPassword":"correct horse battery","newPassword":"new password 1"})",
               alice.cookie());
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            json_error("Credential account not found", "CREDENTIAL_ACCOUNT_NOT_FOUND"));
}

struct ChangeCase {
  std::string name;
  std::string revoke;  // the revokeOtherSessions member, "" for none
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const ChangeCase& row, std::ostream* os) { *os << row.name; }

class ChangePasswordKeepsSessions : public ::testing::TestWithParam<ChangeCase> {};

TEST_P(ChangePasswordKeepsSessions, WhenNotAskedToRevoke) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const std::string other = sign_in_token(bed, "alice@example.com");
  bed.clock().advance_ms(3000);
  const Json body =
      Json::parse(R"({"currentPassword":"correct horse battery","newPassword":"new password 1")" +
                  GetParam().revoke + "}");
  auto response = bed.post("/change-password", js_stringify(body), alice.cookie());
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, js_stringify(Json{{"token", nullptr}, {"user", alice.user}}));
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_EQ(bed.session_tokens(), (std::vector<std::string>{alice.token, other}));
  Json account = table(bed, "account").at(0);
  EXPECT_EQ(account.at("updatedAt"), kStart + 3000);
  EXPECT_EQ(bed.sign_in("alice@example.com").status, 401);
  EXPECT_EQ(bed.sign_in("alice@example.com", kNewPassword).status, 200);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ChangePasswordKeepsSessions,
    ::testing::Values(ChangeCase{"NoRevokeMember", ""},
                      ChangeCase{"RevokeFalse", R"(,"revokeOtherSessions":false)"}),
    [](const ::testing::TestParamInfo<ChangeCase>& row) { return row.param.name; });

TEST(ChangePassword, RevokeOtherSessionsReplacesEverySessionWithANewOne) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const std::string other = sign_in_token(bed, "alice@example.com");
  Account bob = sign_up(bed, "bob@example.com", "Bob");
  bed.clock().advance_ms(5000);
  auto response = bed.post(
      "/change-password",
      R"({"currentPassword":"correct horse battery","newPassword":"new password 1","revokeOtherSessions":true})",
      alice.cookie());
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string token = body_of(response).at("token").get<std::string>();
  // §8 "ok, revokeOtherSessions: true": a new token and its cookie.
  EXPECT_EQ(response.body, js_stringify(Json{{"token", token}, {"user", alice.user}}));
  EXPECT_EQ(set_cookies(response), std::vector<std::string>{session_set_cookie(token)});
  // All of Alice's sessions went, the current one included; Bob's stayed.
  EXPECT_EQ(bed.session_tokens(), (std::vector<std::string>{bob.token, token}));
  auto session = bed.auth().services().sessions.find(token);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->session.at("expiresAt"), kStart + 5000 + kWeekMs);

  // §8: the pre-change cookie is revoked, the new one works.
  auto old_cookie = bed.get("/get-session", alice.cookie());
  EXPECT_EQ(old_cookie.body, "null");
  EXPECT_EQ(set_cookies(old_cookie), kExpiredSessionCookies);
  EXPECT_EQ(bed.get("/get-session", cookie_for(other)).body, "null");
  auto new_cookie = bed.get("/get-session", cookie_for(token));
  ASSERT_EQ(new_cookie.status, 200);
  EXPECT_EQ(body_of(new_cookie).at("session").at("token"), token);
}

TEST(ChangePassword, TheNewSessionFollowsTheDontRememberCookie) {
  AuthTestBed bed;
  sign_up(bed, "alice@example.com");
  auto signed_in = bed.post(
      "/sign-in/email",
      R"({"email":"alice@example.com","password":"correct horse battery","rememberMe":false})");
  const std::string old_token = body_of(signed_in).at("token").get<std::string>();
  const std::string cookies = cookie_for(old_token) + "; " +
                              AuthTestBed::cookie_pair(signed_in, "better-auth.dont_remember");
  auto response = bed.post(
      "/change-password",
      R"({"currentPassword":"correct horse battery","newPassword":"new password 1","revokeOtherSessions":true})",
      cookies);
  ASSERT_EQ(response.status, 200) << response.body;
  const std::string token = body_of(response).at("token").get<std::string>();
  // createSession(userId) remembers (7 days) but setSessionCookie reads the
  // request's dont_remember cookie: a browser-lifetime cookie.
  EXPECT_EQ(set_cookies(response),
            (std::vector<std::string>{session_set_cookie(token, false), kDontRememberCookie}));
  EXPECT_EQ(bed.auth().services().sessions.find(token)->session.at("expiresAt"), kStart + kWeekMs);
}

// ---------------------------------------------------------------- change-email

AuthOptions change_email_options(bool confirmation = true, bool without_verification = false) {
  AuthOptions options;
  options.change_email = true;
  options.change_email_confirmation = confirmation;
  options.update_email_without_verification = without_verification;
  return options;
}

TEST(ChangeEmail, IsDisabledByDefault) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const Json before = bed.store();
  const Json mails = outbox(bed);
  auto response = bed.post("/change-email", R"({"newEmail":"new@example.com"})", alice.cookie());
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, json_error("Change email is disabled", "CHANGE_EMAIL_DISABLED"));
  EXPECT_EQ(bed.store(), before);
  EXPECT_EQ(outbox(bed), mails);
}

class ChangeEmailRejections : public ::testing::TestWithParam<Rejection> {};

TEST_P(ChangeEmailRejections, AnswerExactlyAndChangeNothing) {
  const Rejection& row = GetParam();
  AuthTestBed bed(change_email_options());
  Account alice = sign_up(bed, "alice@example.com");
  sign_up(bed, "bob@example.com", "Bob");
  const Json before = bed.store();
  const Json mails = outbox(bed);
  auto response = bed.post("/change-email", row.body, alice.cookie());
  EXPECT_EQ(response.status, row.status);
  EXPECT_EQ(response.body, row.answer);
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_EQ(bed.store(), before);
  EXPECT_EQ(outbox(bed), mails);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ChangeEmailRejections,
    ::testing::Values(
        Rejection{"NotAnEmail", R"({"newEmail":"bad"})", 400,
                  json_error("[body.newEmail] Invalid email address", "VALIDATION_ERROR")},
        Rejection{"Missing", "{}", 400,
                  json_error("[body.newEmail] Invalid input: expected string, received undefined",
                             "VALIDATION_ERROR")},
        Rejection{"SameEmailOtherCase", R"({"newEmail":"Alice@Example.com"})", 400,
                  json_message("Email is the same")},
        // Anti-enumeration: a taken address is a plain success, and nothing
        // is sent or stored.
        Rejection{"TakenEmail", R"({"newEmail":"BOB@example.com"})", 200, R"({"status":true})"}),
    [](const ::testing::TestParamInfo<Rejection>& row) { return row.param.name; });

struct ChangeEmailFlow {
  std::string name;
  bool verified;
  bool confirmation;
  bool without_verification;
  OutboxKind kind;
  std::string to;
  Json claims;  // without iat and exp
  std::string stored_email;
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const ChangeEmailFlow& row, std::ostream* os) { *os << row.name; }

class ChangeEmailSends : public ::testing::TestWithParam<ChangeEmailFlow> {};

TEST_P(ChangeEmailSends, TheMailOfTheRealFlow) {
  const ChangeEmailFlow& row = GetParam();
  AuthTestBed bed(change_email_options(row.confirmation, row.without_verification));
  Account alice = sign_up(bed, "alice@example.com");
  if (row.verified) set_verified(bed, alice.id());
  const std::size_t mails_before = outbox(bed)["messages"].size();
  auto response =
      bed.post("/change-email", R"({"newEmail":"New@Example.com","callbackURL":"/settings?tab=1"})",
               alice.cookie());
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"status":true})");
  Json messages = outbox(bed)["messages"];
  ASSERT_EQ(messages.size(), mails_before + 1);
  const Json& mail = messages.back();
  EXPECT_EQ(mail.at("kind"), to_string(row.kind));
  EXPECT_EQ(mail.at("to"), row.to);
  const std::string token = mail.at("token").get<std::string>();
  EXPECT_EQ(mail.at("url"), "http://127.0.0.1:8787/api/auth/verify-email?token=" + token +
                                "&callbackURL=%2Fsettings%3Ftab%3D1");
  auto claims = verify_hs256_jwt(token, kSecret);
  ASSERT_TRUE(claims);
  Json expected = row.claims;
  expected["iat"] = kStart / 1000;
  expected["exp"] = kStart / 1000 + 3600;
  EXPECT_EQ(*claims, expected);
  EXPECT_EQ(stored_user(bed, alice.id()).at("email"), row.stored_email);
  if (row.without_verification && !row.verified) {
    // The session cookie is written again for the changed user.
    EXPECT_EQ(set_cookies(response), std::vector<std::string>{session_set_cookie(alice.token)});
  } else {
    EXPECT_TRUE(set_cookies(response).empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ChangeEmailSends,
    ::testing::Values(
        // Unverified: the new address gets a change-email-verification mail.
        ChangeEmailFlow{"UnverifiedUser", false, true, false, OutboxKind::kVerifyEmail,
                        "new@example.com",
                        Json{{"email", "alice@example.com"},
                             {"updateTo", "new@example.com"},
                             {"requestType", "change-email-verification"}},
                        "alice@example.com"},
        // Verified, with sendChangeEmailConfirmation: the old address approves first.
        ChangeEmailFlow{"VerifiedUserConfirmation", true, true, false, OutboxKind::kChangeEmail,
                        "alice@example.com",
                        Json{{"email", "alice@example.com"},
                             {"updateTo", "new@example.com"},
                             {"requestType", "change-email-confirmation"}},
                        "alice@example.com"},
        ChangeEmailFlow{"VerifiedUserNoConfirmation", true, false, false, OutboxKind::kVerifyEmail,
                        "new@example.com",
                        Json{{"email", "alice@example.com"},
                             {"updateTo", "new@example.com"},
                             {"requestType", "change-email-verification"}},
                        "alice@example.com"},
        // updateEmailWithoutVerification: changed at once, then a plain
        // verification mail for the new address.
        ChangeEmailFlow{"UnverifiedUserUpdatedAtOnce", false, true, true, OutboxKind::kVerifyEmail,
                        "new@example.com", Json{{"email", "new@example.com"}}, "new@example.com"},
        // A verified user is never changed without verification.
        ChangeEmailFlow{"VerifiedUserIsNotUpdatedAtOnce", true, true, true,
                        OutboxKind::kChangeEmail, "alice@example.com",
                        Json{{"email", "alice@example.com"},
                             {"updateTo", "new@example.com"},
                             {"requestType", "change-email-confirmation"}},
                        "alice@example.com"}),
    [](const ::testing::TestParamInfo<ChangeEmailFlow>& row) { return row.param.name; });

TEST(ChangeEmail, NeedsASession) {
  AuthTestBed bed(change_email_options());
  sign_up(bed, "alice@example.com");
  auto response = bed.post("/change-email", R"({"newEmail":"new@example.com"})");
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, kUnauthorized);
}

// ---------------------------------------------------------------- delete-user

AuthOptions delete_user_options() {
  AuthOptions options;
  options.delete_user = true;
  return options;
}

TEST(DeleteUser, IsA404WithoutABodyWhenDisabled) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  const Json before = bed.store();
  auto response = bed.post("/delete-user", "{}", alice.cookie());
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "");
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
  EXPECT_EQ(bed.store(), before);
  // The session middleware runs first: without a session it is a 401.
  auto anonymous = bed.post("/delete-user", "{}");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.body, kUnauthorized);
}

class DeleteUserRejections : public ::testing::TestWithParam<Rejection> {};

TEST_P(DeleteUserRejections, AnswerExactlyAndChangeNothing) {
  const Rejection& row = GetParam();
  AuthTestBed bed(delete_user_options());
  Account alice = sign_up(bed, "alice@example.com");
  const Json before = bed.store();
  auto response = bed.post("/delete-user", row.body, alice.cookie());
  EXPECT_EQ(response.status, row.status);
  EXPECT_EQ(response.body, row.answer);
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_EQ(bed.store(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DeleteUserRejections,
    ::testing::Values(
        Rejection{"WrongPassword", R"({"password":"wrong"})", 400,
                  json_error("Invalid password", "INVALID_PASSWORD")},
        Rejection{"UnknownToken", R"({"token":"abc"})", 404,
                  json_error("Invalid token", "INVALID_TOKEN")},
        Rejection{"PasswordNumber", R"({"password":5})", 400,
                  json_error("[body.password] Invalid input: expected string, received number",
                             "VALIDATION_ERROR")},
        Rejection{"ArrayBody", "[]", 400,
                  json_error("[body] Invalid input: expected object, received array",
                             "VALIDATION_ERROR")}),
    [](const ::testing::TestParamInfo<Rejection>& row) { return row.param.name; });

TEST(DeleteUser, WithoutACredentialAccountAPasswordIsRefused) {
  AuthTestBed bed(delete_user_options());
  Account alice = sign_up(bed, "alice@example.com");
  bed.auth().services().adapter.remove_many("account", {{"userId", alice.id()}});
  auto response =
      bed.post("/delete-user", R"({"password":"correct horse battery"})", alice.cookie());
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body,
            json_error("Credential account not found", "CREDENTIAL_ACCOUNT_NOT_FOUND"));
  EXPECT_EQ(table(bed, "user").size(), 1u);
}

struct DeleteCase {
  std::string name;
  std::string body;
  std::int64_t session_age_ms;
  bool deleted;
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const DeleteCase& row, std::ostream* os) { *os << row.name; }

class DeleteUserFreshness : public ::testing::TestWithParam<DeleteCase> {};

TEST_P(DeleteUserFreshness, DecidesWithoutAPassword) {
  const DeleteCase& row = GetParam();
  AuthOptions options = delete_user_options();
  options.session_update_age_s = 30 * 86400;  // no refresh in between
  AuthTestBed bed(options);
  Account alice = sign_up(bed, "alice@example.com");
  Account bob = sign_up(bed, "bob@example.com", "Bob");
  bed.clock().advance_ms(static_cast<double>(row.session_age_ms));
  const Json before = bed.store();
  auto response = bed.post("/delete-user", row.body, alice.cookie());
  if (!row.deleted) {
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(response.body, json_error("Session expired. Re-authenticate to perform this action.",
                                        "SESSION_EXPIRED"));
    EXPECT_TRUE(set_cookies(response).empty());
    EXPECT_EQ(bed.store(), before);
    return;
  }
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"success":true,"message":"User deleted"})");
  EXPECT_EQ(set_cookies(response), kExpiredSessionCookies);
  // Alice's user, account and sessions, and her app row, are gone; Bob's stay.
  EXPECT_EQ(table(bed, "user").size(), 1u);
  EXPECT_EQ(table(bed, "user").at(0).at("_id"), bob.id());
  EXPECT_EQ(table(bed, "account").size(), 1u);
  EXPECT_EQ(bed.session_tokens(), std::vector<std::string>{bob.token});
  EXPECT_EQ(bed.app().database().documents("app", "users").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DeleteUserFreshness,
    ::testing::Values(DeleteCase{"FreshSession", "{}", 0, true},
                      DeleteCase{"AlmostStale", "{}", kDayMs - 1, true},
                      // `Date.now() - createdAt >= freshAge`.
                      DeleteCase{"StaleSession", "{}", kDayMs, false},
                      // An empty password is no password.
                      DeleteCase{"StaleSessionEmptyPassword", R"({"password":""})", kDayMs, false},
                      DeleteCase{"StaleSessionWithPassword",
                                 R"({"password":"correct horse battery"})", kDayMs, true}),
    [](const ::testing::TestParamInfo<DeleteCase>& row) { return row.param.name; });

TEST(DeleteUser, EachDeletionIsItsOwnCommit) {
  AuthTestBed bed(delete_user_options());
  Account alice = sign_up(bed, "alice@example.com");
  ASSERT_TRUE(bed.app().faults().replace(fault("user", "delete", 1)));
  auto response = bed.post("/delete-user", "{}", alice.cookie());
  // Sessions and accounts were deleted by earlier calls; the user delete
  // threw (no APIError: 500, no body) and left the user and its app row.
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, "");
  EXPECT_TRUE(table(bed, "session").empty());
  EXPECT_TRUE(table(bed, "account").empty());
  EXPECT_EQ(table(bed, "user").size(), 1u);
  EXPECT_EQ(bed.app().database().documents("app", "users").size(), 1u);
}

// A pending deletion as sendDeleteAccountVerification would have stored it.
void store_delete_token(AuthTestBed& bed, const std::string& token, const Json& user_id,
                        std::int64_t expires_at) {
  const std::int64_t now = bed.auth().services().sessions.now_ms();
  bed.auth().services().adapter.create("verification",
                                       Json{{"identifier", "delete-account-" + token},
                                            {"value", user_id},
                                            {"expiresAt", expires_at},
                                            {"createdAt", now},
                                            {"updatedAt", now}});
}

TEST(DeleteUser, AValidTokenDeletesWithoutClearingCookies) {
  AuthTestBed bed(delete_user_options());
  Account alice = sign_up(bed, "alice@example.com");
  store_delete_token(bed, "abc", alice.id(), kStart + 60'000);
  auto response =
      bed.post("/delete-user", R"({"token":"abc","callbackURL":"/bye"})", alice.cookie());
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"success":true,"message":"User deleted"})");
  // deleteUserCallback runs as a function; its cookie deletions are lost.
  EXPECT_TRUE(set_cookies(response).empty());
  EXPECT_FALSE(response.headers.has("location"));
  EXPECT_TRUE(table(bed, "user").empty());
  EXPECT_TRUE(table(bed, "session").empty());
  EXPECT_TRUE(table(bed, "account").empty());
  EXPECT_TRUE(table(bed, "verification").empty());
}

struct TokenCase {
  std::string name;
  bool own;
  std::int64_t expires_at;
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const TokenCase& row, std::ostream* os) { *os << row.name; }

class DeleteUserConsumesBadTokens : public ::testing::TestWithParam<TokenCase> {};

TEST_P(DeleteUserConsumesBadTokens, AndKeepsTheUser) {
  const TokenCase& row = GetParam();
  AuthTestBed bed(delete_user_options());
  Account alice = sign_up(bed, "alice@example.com");
  Account bob = sign_up(bed, "bob@example.com", "Bob");
  store_delete_token(bed, "abc", row.own ? alice.id() : bob.id(), row.expires_at);
  auto response = bed.post("/delete-user", R"({"token":"abc"})", alice.cookie());
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, json_error("Invalid token", "INVALID_TOKEN"));
  // The token is consumed before it is judged.
  EXPECT_TRUE(table(bed, "verification").empty());
  EXPECT_EQ(table(bed, "user").size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Table, DeleteUserConsumesBadTokens,
                         ::testing::Values(TokenCase{"AnotherUsersToken", false, kStart + 60'000},
                                           TokenCase{"ExpiredToken", true, kStart - 1}),
                         [](const ::testing::TestParamInfo<TokenCase>& row) {
                           return row.param.name;
                         });

// ---------------------------------------------------------------- delete-user/callback

TEST(DeleteUserCallback, IsNotFoundWhenDisabled) {
  AuthTestBed bed;
  Account alice = sign_up(bed, "alice@example.com");
  auto response = bed.get("/delete-user/callback?token=abc", alice.cookie());
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, json_error("Not found", "NOT_FOUND"));
}

struct CallbackCase {
  std::string name;
  std::string target;
  bool with_cookie;
  int status;
  std::string answer;
};
// gtest names a failing row by its name, not its bytes.
void PrintTo(const CallbackCase& row, std::ostream* os) { *os << row.name; }

class DeleteUserCallbackRejections : public ::testing::TestWithParam<CallbackCase> {};

TEST_P(DeleteUserCallbackRejections, AnswerExactlyAndKeepTheUser) {
  const CallbackCase& row = GetParam();
  AuthTestBed bed(delete_user_options());
  Account alice = sign_up(bed, "alice@example.com");
  const Json before = bed.store();
  auto response = bed.get(row.target, row.with_cookie ? alice.cookie() : "");
  EXPECT_EQ(response.status, row.status);
  EXPECT_EQ(response.body, row.answer);
  EXPECT_EQ(bed.store(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Table, DeleteUserCallbackRejections,
    ::testing::Values(
        CallbackCase{"MissingToken", "/delete-user/callback", true, 400,
                     json_error("[query.token] Invalid input: expected string, received undefined",
                                "VALIDATION_ERROR")},
        // No session is no middleware 401 here but a 404.
        CallbackCase{"NoSession", "/delete-user/callback?token=abc&callbackURL=/bye", false, 404,
                     json_error("Failed to get user info", "FAILED_TO_GET_USER_INFO")},
        CallbackCase{"UnknownToken", "/delete-user/callback?token=abc", true, 404,
                     json_error("Invalid token", "INVALID_TOKEN")}),
    [](const ::testing::TestParamInfo<CallbackCase>& row) { return row.param.name; });

TEST(DeleteUserCallback, DeletesAndRedirectsToTheCallback) {
  AuthTestBed bed(delete_user_options());
  Account alice = sign_up(bed, "alice@example.com");
  store_delete_token(bed, "def", alice.id(), kStart + 60'000);
  auto response = bed.get("/delete-user/callback?token=def&callbackURL=/bye", alice.cookie());
  EXPECT_EQ(response.status, 302);
  EXPECT_EQ(response.headers.get("location"), "/bye");
  EXPECT_EQ(response.body, "");
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
  EXPECT_EQ(set_cookies(response), kExpiredSessionCookies);
  EXPECT_TRUE(table(bed, "user").empty());
  EXPECT_TRUE(table(bed, "session").empty());
  EXPECT_TRUE(table(bed, "account").empty());
  EXPECT_TRUE(table(bed, "verification").empty());
}

TEST(DeleteUserCallback, AnswersJsonWithoutACallback) {
  AuthTestBed bed(delete_user_options());
  Account alice = sign_up(bed, "alice@example.com");
  store_delete_token(bed, "def", alice.id(), kStart + 60'000);
  auto response = bed.get("/delete-user/callback?token=def", alice.cookie());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"success":true,"message":"User deleted"})");
  EXPECT_EQ(set_cookies(response), kExpiredSessionCookies);
  EXPECT_TRUE(table(bed, "user").empty());
}

}  // namespace
}  // namespace authref

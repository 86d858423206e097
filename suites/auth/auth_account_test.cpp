// Suite `auth`, part 3: what a signed-in user changes about the account
// (spec/better-auth-wire.md §2.9-§2.12, §3; spec/transcripts/ §8). update-user (only name and
// image count, the session cookie re-set), change-password (the wrong current password, length
// rules, other sessions kept or, with revokeOtherSessions, every session replaced by a new
// one), change-email (same address, taken address answered like success, the verification
// link that moves the address), delete-user (password, fresh session, token, the callback;
// 404 when disabled). Cases needing a disabled or enabled option gate on the bridge's
// `config` (deleteUser, changeEmail).
#include <authconf/encoding.h>
#include <authconf/matchers.h>
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

constexpr const char* kUpdateUserSpec = "spec/better-auth-wire.md §2.9";
constexpr const char* kChangePasswordSpec = "spec/better-auth-wire.md §2.10";
constexpr const char* kChangeEmailSpec = "spec/better-auth-wire.md §2.11";
constexpr const char* kDeleteUserSpec = "spec/better-auth-wire.md §2.12";
constexpr const char* kNewPassword = "Conformance-pass-2";

Json user_of(const Exchange& exchange) { return member(body_of(exchange), "user"); }

bool alive(Browser& browser) {
  auto answer = get_session(browser);
  return answer && answer->status == 200 && answer->response_body != "null";
}

// A sign-in's status (0 when the transport failed).
int sign_in_status(std::string_view email, std::string_view password) {
  Browser browser(target());
  auto answer = sign_in(browser, email, password);
  return answer ? answer->status : 0;
}

// 200 {"status":true} — not the user — and the session cookie re-set: the same token with a
// fresh Max-Age (§2.9 [R]).
TEST(UpdateUser, UpdatesTheNameAndResetsTheCookie) {
  AUTHCONF_CASE("auth.update-user.name-updated", kUpdateUserSpec);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  ASSERT_TRUE(browser.cookie("session_token")) << "the browser holds no session cookie";
  const std::string value = *browser.cookie("session_token");
  auto answer = AUTHCONF_OK(post(browser, "/update-user", {{"name", "Renamed User"}}));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
  EXPECT_EQ(set_cookie_line(answer, "session_token").value_or("(none)"),
            cookie_name("session_token") + "=" + value + cookie_tail(kExpiresIn));
  auto session = AUTHCONF_OK(get_session(browser));
  const Json updated = user_of(session);
  EXPECT_EQ(member(updated, "name"), "Renamed User");
  EXPECT_EQ(member(updated, "email"), user->email);
  auto created = date_ms(member(updated, "createdAt"));
  auto changed = date_ms(member(updated, "updatedAt"));
  ASSERT_TRUE(created && changed) << updated.dump();
  EXPECT_GE(*changed, *created);
}

// `image` takes any value, `null` included (§2.9).
TEST(UpdateUser, ImageIsSetThenCleared) {
  AUTHCONF_CASE("auth.update-user.image-set-then-null", kUpdateUserSpec);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  const std::string image = "https://example.com/face.png";
  auto set = AUTHCONF_OK(post(browser, "/update-user", {{"image", image}}));
  EXPECT_THAT(set, HasJsonBody(Json{{"status", true}}));
  auto with_image = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(user_of(with_image), "image"), image);
  auto cleared = AUTHCONF_OK(post(browser, "/update-user", {{"image", nullptr}}));
  EXPECT_THAT(cleared, HasJsonBody(Json{{"status", true}}));
  auto without = AUTHCONF_OK(get_session(browser));
  const Json after = user_of(without);
  EXPECT_TRUE(after.contains("image") && after["image"].is_null()) << after.dump();
}

// The refusals of update-user. "No fields to update" has no `code` (§3, code-less bodies);
// emailVerified is no input, so alone it is "no fields" (a target that lets users verify
// themselves fails).
struct UpdateRefusalRow {
  const char* id;
  Json body;
  Json answer;
};
const UpdateRefusalRow kUpdateRefusals[] = {
    {"auth.update-user.email-refused",
     {{"email", "changed@conformance.example"}},
     error_body("EMAIL_CAN_NOT_BE_UPDATED", "Email can not be updated")},
    {"auth.update-user.no-fields", Json::object(), Json{{"message", "No fields to update"}}},
    {"auth.update-user.email-verified-not-an-input",
     {{"emailVerified", true}},
     Json{{"message", "No fields to update"}}},
};
class UpdateRefusal : public TestWithParam<UpdateRefusalRow> {};

TEST_P(UpdateRefusal, Is400) {
  const UpdateRefusalRow& row = GetParam();
  AUTHCONF_CASE(row.id, kUpdateUserSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer = AUTHCONF_OK(post(*shared->browser, "/update-user", row.body));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(row.answer));
  auto session = AUTHCONF_OK(get_session(*shared->browser));
  const Json user = user_of(session);
  EXPECT_EQ(member(user, "email"), shared->user.email);
  EXPECT_EQ(member(user, "emailVerified"),
            member(member(shared->user.body, "user"), "emailVerified"));
}
INSTANTIATE_TEST_SUITE_P(Rows, UpdateRefusal, ValuesIn(kUpdateRefusals),
                         [](const TestParamInfo<UpdateRefusalRow>& row) {
                           return test_name(row.param.id);
                         });

// A wrong current password: 400 INVALID_PASSWORD, and the password stays (transcripts §8).
TEST(ChangePassword, WrongCurrentPasswordIs400) {
  AUTHCONF_CASE("auth.change-password.wrong-current-password", kChangePasswordSpec);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto answer =
      AUTHCONF_OK(post(browser, "/change-password",
                       {{"currentPassword", "not the password 1"}, {"newPassword", kNewPassword}}));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(error_body("INVALID_PASSWORD", "Invalid password")));
  EXPECT_EQ(sign_in_status(user->email, kNewPassword), 401) << "the password changed anyway";
}

// Refusals that need no hash, on the shared session: the new password's length, the schema.
struct ChangePasswordRefusalRow {
  const char* id;
  Json body;  // "$current" is the shared user's password
  const char* code;
  const char* message;
};
const ChangePasswordRefusalRow kChangePasswordRefusals[] = {
    {"auth.change-password.new-password-too-short",
     {{"currentPassword", "$current"}, {"newPassword", "short"}},
     "PASSWORD_TOO_SHORT",
     "Password too short"},
    {"auth.change-password.new-password-too-long",
     {{"currentPassword", "$current"}, {"newPassword", std::string(129, 'x')}},
     "PASSWORD_TOO_LONG",
     "Password too long"},
    {"auth.change-password.missing-current-password",
     {{"newPassword", kNewPassword}},
     "VALIDATION_ERROR",
     "[body.currentPassword] Invalid input: expected string, received undefined"},
    {"auth.change-password.revoke-flag-not-a-boolean",
     {{"currentPassword", "$current"},
      {"newPassword", kNewPassword},
      {"revokeOtherSessions", "yes"}},
     "VALIDATION_ERROR",
     "[body.revokeOtherSessions] Invalid input: expected boolean, received string"},
};
class ChangePasswordRefusal : public TestWithParam<ChangePasswordRefusalRow> {};

TEST_P(ChangePasswordRefusal, Is400) {
  const ChangePasswordRefusalRow& row = GetParam();
  AUTHCONF_CASE(row.id, kChangePasswordSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  Json body = row.body;
  if (body.contains("currentPassword")) body["currentPassword"] = shared->user.password;
  auto answer = AUTHCONF_OK(post(*shared->browser, "/change-password", body));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(error_body(row.code, row.message)));
  EXPECT_FALSE(set_cookie_line(answer, "session_token"));
}
INSTANTIATE_TEST_SUITE_P(Rows, ChangePasswordRefusal, ValuesIn(kChangePasswordRefusals),
                         [](const TestParamInfo<ChangePasswordRefusalRow>& row) {
                           return test_name(row.param.id);
                         });

// Without revokeOtherSessions: 200 {"token":null,"user":{...}}, every session lives on, the
// new password signs in and the old one no longer does (§2.10).
TEST(ChangePassword, KeepsOtherSessions) {
  AUTHCONF_CASE("auth.change-password.keeps-other-sessions", kChangePasswordSpec);
  Browser first(target());
  auto user = fresh_sign_up(first);
  ASSERT_TRUE(user);
  Browser second(target());
  auto signed_in = AUTHCONF_OK(sign_in(second, user->email, user->password));
  ASSERT_THAT(signed_in, HasStatus(200));
  auto answer =
      AUTHCONF_OK(post(first, "/change-password",
                       {{"currentPassword", user->password}, {"newPassword", kNewPassword}}));
  ASSERT_THAT(answer, HasStatus(200));
  const Json body = body_of(answer);
  EXPECT_EQ(keys_of(body), (std::set<std::string>{"token", "user"}));
  EXPECT_TRUE(member(body, "token").is_null());
  expect_user_shape(member(body, "user"));
  EXPECT_EQ(member(member(body, "user"), "id"), user->id);
  EXPECT_FALSE(set_cookie_line(answer, "session_token"));
  EXPECT_TRUE(alive(first));
  EXPECT_TRUE(alive(second)) << "another session ended without revokeOtherSessions";
  EXPECT_EQ(sign_in_status(user->email, kNewPassword), 200);
  EXPECT_EQ(sign_in_status(user->email, user->password), 401);
}

// revokeOtherSessions:true deletes every session, the current one included, and creates a
// new one: its token is in the answer and in a fresh cookie; the old cookies are dead
// (§2.10 [R]; transcripts "get-session with the pre-change cookie (revoked)").
TEST(ChangePassword, RevokeOtherSessionsReplacesEverySession) {
  AUTHCONF_CASE("auth.change-password.revoke-other-sessions", kChangePasswordSpec);
  Browser first(target());
  auto user = fresh_sign_up(first);
  ASSERT_TRUE(user);
  Browser second(target());
  auto signed_in = AUTHCONF_OK(sign_in(second, user->email, user->password));
  ASSERT_THAT(signed_in, HasStatus(200));
  ASSERT_TRUE(first.cookie("session_token")) << "the browser holds no session cookie";
  const std::string old_value = *first.cookie("session_token");
  auto answer = AUTHCONF_OK(post(first, "/change-password",
                                 {{"currentPassword", user->password},
                                  {"newPassword", kNewPassword},
                                  {"revokeOtherSessions", true}}));
  ASSERT_THAT(answer, HasStatus(200));
  const Json body = body_of(answer);
  EXPECT_TRUE(is_session_token(member(body, "token"))) << body.dump();
  EXPECT_NE(member(body, "token"), user->token);
  const std::string new_value = set_cookie_value(answer, "session_token").value_or("");
  EXPECT_EQ(set_cookie_line(answer, "session_token").value_or("(none)"),
            cookie_name("session_token") + "=" + new_value + cookie_tail(kExpiresIn));
  EXPECT_TRUE(new_value.starts_with(string_at(body, "token") + "."));
  auto current = AUTHCONF_OK(get_session(first));
  EXPECT_EQ(member(member(body_of(current), "session"), "token"), member(body, "token"));
  Browser replay(target());
  auto old = AUTHCONF_OK(get_session(replay, with_session_cookie(old_value)));
  EXPECT_EQ(old.response_body, "null") << "the pre-change session survived";
  EXPECT_FALSE(alive(second)) << "another session survived revokeOtherSessions";
}

// --- change-email (user.changeEmail.enabled)

TEST(ChangeEmail, SameEmailIs400) {
  AUTHCONF_CASE("auth.change-email.same-email", kChangeEmailSpec);
  AUTHCONF_REQUIRE_CONFIG("changeEmail", false, true);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  // Compared after lower-casing, as the address is stored.
  auto answer = AUTHCONF_OK(
      post(*shared->browser, "/change-email", {{"newEmail", ascii_upper(shared->user.email)}}));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(Json{{"message", "Email is the same"}}));
}

TEST(ChangeEmail, InvalidEmailIsAValidationError) {
  AUTHCONF_CASE("auth.change-email.invalid-email", kChangeEmailSpec);
  AUTHCONF_REQUIRE_CONFIG("changeEmail", false, true);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer =
      AUTHCONF_OK(post(*shared->browser, "/change-email", {{"newEmail", "not-an-email"}}));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer,
              HasJsonBody(error_body("VALIDATION_ERROR", "[body.newEmail] Invalid email address")));
}

// "Existing target email → 200 {"status":true} and nothing happens (anti-enumeration)" (§2.11):
// no address changes and no mail goes anywhere.
TEST(ChangeEmail, TakenAddressAnswersLikeSuccess) {
  AUTHCONF_CASE("auth.change-email.taken-address-answers-like-success", kChangeEmailSpec);
  AUTHCONF_REQUIRE_CONFIG("changeEmail", false, true);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  const bool outbox = target().capabilities().feature("outbox");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  std::size_t mails_before = 0;
  if (outbox) mails_before = AUTH_BRIDGE(mail_count(shared->user.email, "verify-email"));
  auto answer =
      AUTHCONF_OK(post(browser, "/change-email", {{"newEmail", case_variant(shared->user.email)}}));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
  auto session = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(user_of(session), "email"), user->email);
  if (outbox) {
    EXPECT_EQ(AUTH_BRIDGE(mail_count(shared->user.email, "verify-email")), mails_before)
        << "a mail went to the owner of the taken address";
    EXPECT_EQ(AUTH_BRIDGE(mail_count(user->email, "change-email")), 0u);
  }
}

// An unverified user (updateEmailWithoutVerification off, the default): nothing changes until
// the link mailed to the new address is followed; then the address is the new one, verified,
// and the link is spent (its `email` names nobody any more: USER_NOT_FOUND).
TEST(ChangeEmail, VerificationLinkMovesTheAddress) {
  AUTHCONF_CASE("auth.change-email.verification-link-changes-email", kChangeEmailSpec);
  AUTHCONF_REQUIRE_CONFIG("changeEmail", false, true);
  AUTHCONF_REQUIRE_FEATURE("outbox");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  const std::string new_email = case_variant(target().new_email());
  const std::string stored = ascii_lower(new_email);
  suite::created_user(stored, user->password);  // the user's address after the change
  auto answer = AUTHCONF_OK(post(browser, "/change-email", {{"newEmail", new_email}}));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
  auto unchanged = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(user_of(unchanged), "email"), user->email) << "changed before verification";

  const Json mail = AUTH_BRIDGE(latest_mail(stored, "verify-email"));
  ASSERT_TRUE(mail.is_object()) << "no verification mail to the new address";
  const std::string token = string_at(mail, "token");
  const std::string link = path_of(string_at(mail, "url"));
  EXPECT_TRUE(link.starts_with(target().auth_path("/verify-email?token=" + token))) << link;
  auto followed = AUTHCONF_OK(browser.get(link));
  EXPECT_THAT(followed, HasStatus(302));
  EXPECT_THAT(followed, HasHeader("location", "/"));
  auto moved = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(user_of(moved), "email"), stored);
  EXPECT_EQ(member(user_of(moved), "emailVerified"), true);

  auto again = AUTHCONF_OK(browser.get(target().auth_path("/verify-email?token=" + token)));
  EXPECT_THAT(again, HasStatus(401));
  EXPECT_THAT(again, HasJsonBody(error_body("USER_NOT_FOUND", "User not found")));
}

TEST(ChangeEmail, DisabledIs400) {
  AUTHCONF_CASE("auth.change-email.disabled", kChangeEmailSpec);
  AUTH_REQUIRE_DECLARED_OFF("changeEmail");
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer =
      AUTHCONF_OK(post(*shared->browser, "/change-email", {{"newEmail", target().new_email()}}));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(error_body("CHANGE_EMAIL_DISABLED", "Change email is disabled")));
}

// --- delete-user (user.deleteUser.enabled)

TEST(DeleteUser, WrongPasswordIs400) {
  AUTHCONF_CASE("auth.delete-user.wrong-password", kDeleteUserSpec);
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto answer = AUTHCONF_OK(post(browser, "/delete-user", {{"password", "wrong password 1"}}));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(error_body("INVALID_PASSWORD", "Invalid password")));
  EXPECT_TRUE(alive(browser)) << "the user went away after a wrong password";
}

// 200 {"success":true,"message":"User deleted"}; cookies expired; the user, its accounts and
// its sessions are gone (the bridge's tables are the witness).
TEST(DeleteUser, WithThePasswordRemovesEverything) {
  AUTHCONF_CASE("auth.delete-user.with-password-removes-everything", kDeleteUserSpec);
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  ASSERT_TRUE(browser.cookie("session_token")) << "the browser holds no session cookie";
  const std::string value = *browser.cookie("session_token");
  auto answer = AUTHCONF_OK(post(browser, "/delete-user", {{"password", user->password}}));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"success", true}, {"message", "User deleted"}}));
  const std::vector<std::string> lines = set_cookie_lines(answer);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines[0], expired_cookie_line("session_token"));
  EXPECT_EQ(lines[1], expired_cookie_line("session_data"));
  EXPECT_EQ(lines[2], expired_cookie_line("dont_remember"));
  Browser replay(target());
  auto session = AUTHCONF_OK(get_session(replay, with_session_cookie(value)));
  EXPECT_EQ(session.response_body, "null");
  EXPECT_EQ(sign_in_status(user->email, user->password), 401);
  if (target().capabilities().feature("tables")) {
    EXPECT_TRUE(AUTH_BRIDGE(component_rows("user", "email", user->email)).empty());
    EXPECT_TRUE(AUTH_BRIDGE(component_rows("account", "userId", user->id)).empty());
    EXPECT_TRUE(AUTH_BRIDGE(component_rows("session", "userId", user->id)).empty());
  }
}

// No password: allowed while the session is fresh (§2.12; stale: see the clock case).
TEST(DeleteUser, FreshSessionWithoutPassword) {
  AUTHCONF_CASE("auth.delete-user.fresh-session-without-password", kDeleteUserSpec);
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto answer = AUTHCONF_OK(post(browser, "/delete-user", Json::object()));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"success", true}, {"message", "User deleted"}}));
  EXPECT_EQ(sign_in_status(user->email, user->password), 401);
}

// A `token` names a pending deletion (`delete-account-<token>`): an unknown one is 404
// INVALID_TOKEN and nothing is deleted.
TEST(DeleteUser, UnknownTokenIs404) {
  AUTHCONF_CASE("auth.delete-user.unknown-token", kDeleteUserSpec);
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto answer =
      AUTHCONF_OK(post(browser, "/delete-user", {{"token", "notarealtoken0000000000000000000"}}));
  EXPECT_THAT(answer, HasStatus(404));
  EXPECT_THAT(answer, HasJsonBody(error_body("INVALID_TOKEN", "Invalid token")));
  EXPECT_TRUE(alive(browser));
}

// GET /delete-user/callback: without a session 404 FAILED_TO_GET_USER_INFO; with one and a
// token nobody issued, 404 INVALID_TOKEN (update-user.mjs deleteUserCallback).
TEST(DeleteUser, CallbackWithoutSessionIs404) {
  AUTHCONF_CASE("auth.delete-user.callback-without-session", kDeleteUserSpec);
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  Browser browser(target());
  auto answer = AUTHCONF_OK(
      browser.get(target().auth_path("/delete-user/callback?token=notarealtoken"), cookieless()));
  EXPECT_THAT(answer, HasStatus(404));
  EXPECT_THAT(answer,
              HasJsonBody(error_body("FAILED_TO_GET_USER_INFO", "Failed to get user info")));
}

TEST(DeleteUser, CallbackWithUnknownTokenIs404) {
  AUTHCONF_CASE("auth.delete-user.callback-unknown-token", kDeleteUserSpec);
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer = AUTHCONF_OK(
      shared->browser->get(target().auth_path("/delete-user/callback?token=notarealtoken")));
  EXPECT_THAT(answer, HasStatus(404));
  EXPECT_THAT(answer, HasJsonBody(error_body("INVALID_TOKEN", "Invalid token")));
  EXPECT_TRUE(alive(*shared->browser));
}

// "Disabled → 404, empty body" (§2.12).
TEST(DeleteUser, DisabledIs404WithoutBody) {
  AUTHCONF_CASE("auth.delete-user.disabled", kDeleteUserSpec);
  AUTH_REQUIRE_DECLARED_OFF("deleteUser");
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer = AUTHCONF_OK(post(*shared->browser, "/delete-user", Json::object()));
  EXPECT_THAT(answer, HasStatus(404));
  EXPECT_EQ(answer.response_body, "");
  EXPECT_TRUE(alive(*shared->browser));
}

// Without a password and with a session older than freshAge: 400 SESSION_EXPIRED, the user
// stays (§2.12).
TEST(DeleteUser, StaleSessionNeedsThePassword) {
  AUTHCONF_CASE("auth.delete-user.stale-session-needs-password", kDeleteUserSpec);
  AUTHCONF_REQUIRE_CONFIG("deleteUser", false, true);
  AUTHCONF_REQUIRE_DESTRUCTIVE("clock");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  AUTHCONF_DONE(suite::bridge().set_clock_offset(kFreshAge * 1000 + 60'000));
  auto answer = AUTHCONF_OK(post(browser, "/delete-user", Json::object()));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer,
              HasJsonBody(error_body("SESSION_EXPIRED",
                                     "Session expired. Re-authenticate to perform this action.")));
  EXPECT_TRUE(alive(browser)) << "a stale session deleted the user";
}

}  // namespace
}  // namespace authconf

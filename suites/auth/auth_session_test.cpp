// Suite `auth`, part 2: the session lifecycle (spec/better-auth-wire.md §2.3-§2.8, §4.2-§4.5;
// spec/transcripts/ §4, §9). get-session with and without a session (the literal `null`,
// `Cache-Control: no-store`), tampered signed cookies, sign-out (the three expiring cookies in
// order, the old cookie replayed afterwards), list-sessions, revoke-session(s) and
// revoke-other-sessions, 401 without a session, bearer tokens (raw and signed), and — with the
// bridge's `clock` — refresh after updateAge, expiry after expiresIn, the one-day
// `rememberMe: false` session and the freshAge gate.
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

constexpr const char* kGetSessionSpec = "spec/better-auth-wire.md §2.4";
constexpr const char* kSignOutSpec = "spec/better-auth-wire.md §2.3";
constexpr const char* kRefreshSpec = "spec/better-auth-wire.md §4.3";
constexpr const char* kBearerSpec = "spec/better-auth-wire.md §4.5";
constexpr const char* kUnauthorizedMessage = "Unauthorized";

// One second past a boundary, in ms.
constexpr std::int64_t kPast = 60'000;

bool is_null_answer(const Exchange& exchange) {
  return exchange.status == 200 && exchange.response_body == "null";
}

// The session of a get-session answer (null when there is none).
Json session_of(const Exchange& exchange) { return member(body_of(exchange), "session"); }

// The three deletions sign-out and a dead session write, in this order, and nothing that
// sets one of those cookies again (§2.3). Plugins' cookies after them (the convex plugin's
// convex_jwt) are the jwt suite's business.
void expect_cookies_cleared(const Exchange& exchange) {
  const std::vector<std::string> lines = set_cookie_lines(exchange);
  ASSERT_GE(lines.size(), 3u) << describe(exchange);
  EXPECT_EQ(lines[0], expired_cookie_line("session_token"));
  EXPECT_EQ(lines[1], expired_cookie_line("session_data"));
  EXPECT_EQ(lines[2], expired_cookie_line("dont_remember"));
  for (const char* suffix : {"session_token", "session_data", "dont_remember"}) {
    int lines_for_it = 0;
    for (const std::string& line : lines) {
      if (line.starts_with(cookie_name(suffix) + "=")) ++lines_for_it;
    }
    EXPECT_EQ(lines_for_it, 1) << cookie_name(suffix) << " is set more than once";
  }
}

TEST(GetSession, WithoutACookieIsNull) {
  AUTHCONF_CASE("auth.get-session.no-cookie-null", kGetSessionSpec);
  Browser browser(target());
  auto answer = AUTHCONF_OK(get_session(browser, cookieless()));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_EQ(answer.response_body, "null");
  EXPECT_THAT(answer, HasHeader("content-type", "application/json"));
  EXPECT_THAT(answer, HasHeader("cache-control", "no-store"));
  EXPECT_THAT(answer, HasHeader("pragma", "no-cache"));
  EXPECT_FALSE(set_cookie_line(answer, "session_token"));
}

// "POST /get-session exists but returns 405 METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED unless
// session.deferSessionRefresh is on" (§2.4 [R]).
TEST(GetSession, PostIs405) {
  AUTHCONF_CASE("auth.get-session.post-is-405", kGetSessionSpec);
  Browser browser(target());
  auto answer = AUTHCONF_OK(post(browser, "/get-session", Json::object(), cookieless()));
  EXPECT_THAT(answer, HasStatus(405));
  EXPECT_THAT(answer, HasJsonBody(error_body(
                          "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
                          "POST method requires deferSessionRefresh to be enabled in session "
                          "config")));
}

// {"session": {expiresAt, token, createdAt, updatedAt, ipAddress, userAgent, userId, id},
//  "user": {...}} for the cookie's own session and user, never cached by a proxy.
TEST(GetSession, WithASessionAnswersItsShape) {
  AUTHCONF_CASE("auth.get-session.session-shape", kGetSessionSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer = AUTHCONF_OK(get_session(*shared->browser));
  ASSERT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasHeader("cache-control", "no-store"));
  EXPECT_THAT(answer, HasHeader("pragma", "no-cache"));
  const Json body = body_of(answer);
  EXPECT_EQ(keys_of(body), (std::set<std::string>{"session", "user"}));
  const Json& session = member(body, "session");
  const Json& user = member(body, "user");
  expect_session_shape(session);
  expect_user_shape(user);
  EXPECT_EQ(member(session, "token"), shared->token);
  EXPECT_EQ(member(session, "userId"), shared->id);
  EXPECT_EQ(member(user, "id"), shared->id);
  EXPECT_EQ(member(user, "email"), shared->user.email);
}

// A session cookie whose signature does not verify is no session: `null`, and no cookie is
// touched (§2.4 "no cookie changes when the signature is bad"; transcripts "tampered cookie
// signature"). The genuine cookie still works afterwards.
struct TamperRow {
  const char* id;
  std::string (*tamper)(const std::string& value, const std::string& token);
};
const TamperRow kTamperRows[] = {
    // The transcripts' probe: `<token>.AAAA`.
    {"auth.get-session.tampered.short-signature",
     [](const std::string&, const std::string& token) { return token + ".AAAA"; }},
    // A well-shaped signature that is not the HMAC of this token.
    {"auth.get-session.tampered.foreign-signature",
     [](const std::string&, const std::string& token) {
       return token + "." + encode_uri_component(std::string(43, 'A') + "=");
     }},
    // One token character changed, the signature kept: the HMAC covers the token.
    {"auth.get-session.tampered.token-character-changed",
     [](const std::string& value, const std::string&) {
       std::string out = value;
       out[0] = out[0] == 'A' ? 'B' : 'A';
       return out;
     }},
    // The raw token without a signature (what a bearer header may carry, not a cookie).
    {"auth.get-session.tampered.unsigned-token",
     [](const std::string&, const std::string& token) { return token; }},
    {"auth.get-session.tampered.signature-only",
     [](const std::string& value, const std::string& token) {
       return value.substr(token.size());  // ".<signature>"
     }},
    {"auth.get-session.tampered.empty-value",
     [](const std::string&, const std::string&) { return std::string(); }},
};
class TamperedCookie : public TestWithParam<TamperRow> {};

TEST_P(TamperedCookie, IsNoSession) {
  const TamperRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/better-auth-wire.md §4.2, §2.4");
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  Browser browser(target());
  const std::string tampered = row.tamper(shared->cookie_value, shared->token);
  ASSERT_NE(tampered, shared->cookie_value);
  auto answer = AUTHCONF_OK(get_session(browser, with_session_cookie(tampered)));
  EXPECT_TRUE(is_null_answer(answer)) << describe(answer);
  EXPECT_THAT(answer, HasHeader("cache-control", "no-store"));
  EXPECT_FALSE(set_cookie_line(answer, "session_token"))
      << "a bad signature must leave the cookies alone";
  auto genuine = AUTHCONF_OK(get_session(browser, with_session_cookie(shared->cookie_value)));
  EXPECT_EQ(member(session_of(genuine), "token"), shared->token)
      << "the tampered request must not end the real session";
}
INSTANTIATE_TEST_SUITE_P(Rows, TamperedCookie, ValuesIn(kTamperRows),
                         [](const TestParamInfo<TamperRow>& row) {
                           return test_name(row.param.id);
                         });

// 200 {"success":true}; the three cookies expire in order; the browser holds no session.
TEST(SignOut, ClearsTheCookies) {
  AUTHCONF_CASE("auth.sign-out.clears-cookies", kSignOutSpec);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto answer = AUTHCONF_OK(post(browser, "/sign-out", Json::object()));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"success", true}}));
  expect_cookies_cleared(answer);
  EXPECT_FALSE(browser.cookie("session_token")) << "the browser still holds a session cookie";
  auto after = AUTHCONF_OK(get_session(browser));
  EXPECT_TRUE(is_null_answer(after)) << describe(after);
}

// Sign-out deletes the session row: the old cookie, replayed, is `null` (and the answer
// expires the cookies again, since the row is gone: transcripts "get-session with the
// signed-out cookie"); the raw token as a bearer is dead too. A target that only clears the
// browser's cookie fails here.
TEST(SignOut, OldCookieReplayedIsNull) {
  AUTHCONF_CASE("auth.sign-out.old-cookie-replay-null", kSignOutSpec);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  ASSERT_TRUE(browser.cookie("session_token")) << "the browser holds no session cookie";
  const std::string old_value = *browser.cookie("session_token");
  auto signed_out = AUTHCONF_OK(post(browser, "/sign-out", Json::object()));
  ASSERT_THAT(signed_out, HasStatus(200));
  Browser replay(target());
  auto answer = AUTHCONF_OK(get_session(replay, with_session_cookie(old_value)));
  EXPECT_TRUE(is_null_answer(answer)) << describe(answer);
  expect_cookies_cleared(answer);
  if (bearer_enabled()) {
    CallOptions options = cookieless(std::nullopt);
    options.bearer = user->token;
    auto bearer = AUTHCONF_OK(get_session(replay, options));
    EXPECT_TRUE(is_null_answer(bearer)) << "the signed-out token still works as a bearer";
  }
  if (target().capabilities().feature("tables")) {
    const auto rows = AUTH_BRIDGE(component_rows("session", "token", user->token));
    EXPECT_TRUE(rows.empty()) << "the session row survived sign-out: " << rows.front().dump();
  }
}

// "Always 200 {"success":true}, even with no/invalid cookie" (§2.3), cookies expired anyway.
TEST(SignOut, WithoutASessionSucceeds) {
  AUTHCONF_CASE("auth.sign-out.without-session", kSignOutSpec);
  Browser browser(target());
  auto answer = AUTHCONF_OK(post(browser, "/sign-out", Json::object(), cookieless()));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"success", true}}));
  expect_cookies_cleared(answer);
}

// A user with two sessions: `first` from sign-up, `second` from a sign-in elsewhere.
struct TwoSessions {
  FreshUser user;
  std::string second_token;
};

// Signs a user up in `first` and in again in `second`; nullopt when that failed (the case
// has failed or recorded an error).
std::optional<TwoSessions> two_sessions(Browser& first, Browser& second) {
  auto user = fresh_sign_up(first);
  if (!user) return std::nullopt;
  auto signed_in = sign_in(second, user->email, user->password);
  if (!signed_in) {
    suite::record_failed("sign-in", signed_in.error());
    return std::nullopt;
  }
  if (signed_in->status != 200) {
    ADD_FAILURE() << "the second sign-in failed: " << describe(*signed_in);
    return std::nullopt;
  }
  return TwoSessions{std::move(*user), string_at(body_of(*signed_in), "token")};
}

std::set<std::string> tokens_listed(const Exchange& exchange) {
  std::set<std::string> tokens;
  const Json body = body_of(exchange);
  if (!body.is_array()) return tokens;
  for (const Json& session : body) tokens.insert(string_at(session, "token"));
  return tokens;
}

bool alive(Browser& browser) {
  auto answer = get_session(browser);
  return answer && answer->status == 200 && answer->response_body != "null";
}

// A JSON array of the caller's active sessions, each in the session shape (§2.5).
TEST(ListSessions, ListsTheUsersActiveSessions) {
  AUTHCONF_CASE("auth.list-sessions.lists-own-sessions", "spec/better-auth-wire.md §2.5");
  Browser first(target());
  Browser second(target());
  auto sessions = two_sessions(first, second);
  ASSERT_TRUE(sessions);
  auto answer = AUTHCONF_OK(first.get(target().auth_path("/list-sessions")));
  ASSERT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasHeader("content-type", "application/json"));
  const Json body = body_of(answer);
  ASSERT_TRUE(body.is_array()) << answer.response_body;
  EXPECT_EQ(tokens_listed(answer),
            (std::set<std::string>{sessions->user.token, sessions->second_token}));
  for (const Json& session : body) {
    expect_session_shape(session);
    EXPECT_EQ(member(session, "userId"), sessions->user.id) << "another user's session listed";
  }
}

// revoke-session {token} ends that session only: 200 {"status":true} (§2.6).
TEST(RevokeSession, RevokesTheNamedSession) {
  AUTHCONF_CASE("auth.revoke-session.revokes-named-session", "spec/better-auth-wire.md §2.6");
  Browser first(target());
  Browser second(target());
  auto sessions = two_sessions(first, second);
  ASSERT_TRUE(sessions);
  auto answer = AUTHCONF_OK(post(first, "/revoke-session", {{"token", sessions->second_token}}));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
  EXPECT_FALSE(alive(second)) << "the revoked session still works";
  EXPECT_TRUE(alive(first)) << "revoking another session ended the caller's";
}

// Another user's token is "silently ignored": 200 {"status":true}, and it lives on (§2.6). A
// target that deletes by token alone lets any user log anyone out.
TEST(RevokeSession, AnotherUsersTokenIsIgnored) {
  AUTHCONF_CASE("auth.revoke-session.foreign-token-ignored", "spec/better-auth-wire.md §2.6");
  Browser attacker(target());
  Browser victim(target());
  auto attacker_user = fresh_sign_up(attacker);
  ASSERT_TRUE(attacker_user);
  auto victim_user = fresh_sign_up(victim);
  ASSERT_TRUE(victim_user);
  auto answer = AUTHCONF_OK(post(attacker, "/revoke-session", {{"token", victim_user->token}}));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
  EXPECT_TRUE(alive(victim)) << "a user revoked another user's session";
}

TEST(RevokeSession, MissingTokenIsAValidationError) {
  AUTHCONF_CASE("auth.revoke-session.missing-token-validation", "spec/better-auth-wire.md §2.6");
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer = AUTHCONF_OK(post(*shared->browser, "/revoke-session", Json::object()));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(error_body(
                          "VALIDATION_ERROR",
                          "[body.token] Invalid input: expected string, received undefined")));
}

// revoke-sessions ends every session of the user, the caller's included (§2.7).
TEST(RevokeSessions, RevokesEverySession) {
  AUTHCONF_CASE("auth.revoke-sessions.revokes-all", "spec/better-auth-wire.md §2.7");
  Browser first(target());
  Browser second(target());
  auto sessions = two_sessions(first, second);
  ASSERT_TRUE(sessions);
  auto answer = AUTHCONF_OK(post(first, "/revoke-sessions", Json::object()));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
  EXPECT_FALSE(alive(second));
  Browser replay(target());
  auto caller = AUTHCONF_OK(get_session(replay, with_session_cookie(sessions->user.cookie_value)));
  EXPECT_TRUE(is_null_answer(caller)) << "the caller's own session survived revoke-sessions";
}

// revoke-other-sessions keeps exactly the current one (§2.8).
TEST(RevokeOtherSessions, KeepsTheCurrentSession) {
  AUTHCONF_CASE("auth.revoke-other-sessions.keeps-current", "spec/better-auth-wire.md §2.8");
  Browser first(target());
  Browser second(target());
  auto sessions = two_sessions(first, second);
  ASSERT_TRUE(sessions);
  auto answer = AUTHCONF_OK(post(first, "/revoke-other-sessions", Json::object()));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
  EXPECT_FALSE(alive(second)) << "another session survived revoke-other-sessions";
  auto listed = AUTHCONF_OK(first.get(target().auth_path("/list-sessions")));
  EXPECT_EQ(tokens_listed(listed), (std::set<std::string>{sessions->user.token}));
}

// Every session endpoint without a session: 401 {"message":"Unauthorized","code":
// "UNAUTHORIZED"} (§2, transcripts "change-password (no session)"). Bodies are valid, so the
// session check is what answers.
struct UnauthenticatedRow {
  const char* id;
  const char* method;
  const char* path;
  Json body;
};
const UnauthenticatedRow kUnauthenticatedRows[] = {
    {"auth.unauthenticated.list-sessions", "GET", "/list-sessions", nullptr},
    {"auth.unauthenticated.revoke-session", "POST", "/revoke-session", {{"token", "x"}}},
    {"auth.unauthenticated.revoke-sessions", "POST", "/revoke-sessions", Json::object()},
    {"auth.unauthenticated.revoke-other-sessions", "POST", "/revoke-other-sessions",
     Json::object()},
    {"auth.unauthenticated.update-user", "POST", "/update-user", {{"name", "Nobody"}}},
    {"auth.unauthenticated.change-password",
     "POST",
     "/change-password",
     {{"currentPassword", "password123"}, {"newPassword", "password456"}}},
    {"auth.unauthenticated.change-email",
     "POST",
     "/change-email",
     {{"newEmail", "nobody@conformance.example"}}},
    {"auth.unauthenticated.delete-user", "POST", "/delete-user", Json::object()},
};
class Unauthenticated : public TestWithParam<UnauthenticatedRow> {};

TEST_P(Unauthenticated, Is401) {
  const UnauthenticatedRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/better-auth-wire.md §2 (session middlewares)");
  Browser browser(target());
  auto answer =
      AUTHCONF_OK(std::string(row.method) == "GET"
                      ? browser.get(target().auth_path(row.path), cookieless())
                      : browser.post_json(target().auth_path(row.path), row.body, cookieless()));
  EXPECT_THAT(answer, HasStatus(401));
  EXPECT_THAT(answer, HasJsonBody(error_body("UNAUTHORIZED", kUnauthorizedMessage)));
}
INSTANTIATE_TEST_SUITE_P(Rows, Unauthenticated, ValuesIn(kUnauthenticatedRows),
                         [](const TestParamInfo<UnauthenticatedRow>& row) {
                           return test_name(row.param.id);
                         });

// `Authorization: Bearer` with the raw session token or the signed value (decoded or still
// percent-encoded) stands for the cookie; a bad signature is ignored, i.e. `null` (§4.5).
enum class BearerForm { kRaw, kSigned, kSignedEncoded, kLowerCaseScheme, kBadSignature };
struct BearerRow {
  const char* id;
  BearerForm form;
  bool accepted;
};
const BearerRow kBearerRows[] = {
    {"auth.bearer.raw-token-accepted", BearerForm::kRaw, true},
    {"auth.bearer.signed-token-accepted", BearerForm::kSigned, true},
    {"auth.bearer.encoded-signed-token-accepted", BearerForm::kSignedEncoded, true},
    // "scheme match is case-insensitive".
    {"auth.bearer.lower-case-scheme-accepted", BearerForm::kLowerCaseScheme, true},
    {"auth.bearer.bad-signature-ignored", BearerForm::kBadSignature, false},
};
class Bearer : public TestWithParam<BearerRow> {};

TEST_P(Bearer, StandsForTheCookie) {
  const BearerRow& row = GetParam();
  AUTHCONF_CASE(row.id, kBearerSpec);
  AUTH_REQUIRE_BEARER();
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  // The cookie value is percent-encoded; the bearer plugin takes either form.
  const std::string decoded =
      decode_uri_component(shared->cookie_value).value_or(shared->cookie_value);
  CallOptions options = cookieless(std::nullopt);
  switch (row.form) {
    case BearerForm::kRaw:
      options.bearer = shared->token;
      break;
    case BearerForm::kSigned:
      options.bearer = decoded;
      break;
    case BearerForm::kSignedEncoded:
      options.bearer = encode_uri_component(decoded);
      break;
    case BearerForm::kLowerCaseScheme:
      options.headers.emplace_back("Authorization", "bearer " + shared->token);
      break;
    case BearerForm::kBadSignature:
      options.bearer = shared->token + ".AAAA";
      break;
  }
  Browser browser(target());
  auto answer = AUTHCONF_OK(get_session(browser, options));
  ASSERT_THAT(answer, HasStatus(200));
  if (row.accepted) {
    EXPECT_EQ(member(session_of(answer), "token"), shared->token) << describe(answer);
  } else {
    EXPECT_EQ(answer.response_body, "null");
  }
}
INSTANTIATE_TEST_SUITE_P(Rows, Bearer, ValuesIn(kBearerRows),
                         [](const TestParamInfo<BearerRow>& row) {
                           return test_name(row.param.id);
                         });

// "Bearer-only requests bypass the Origin check (it keys off the original Cookie header):
// POST /update-user with just Authorization and no Origin → 200" (§4.5).
TEST(BearerOnly, PostWithoutOriginIsAccepted) {
  AUTHCONF_CASE("auth.bearer.post-without-origin-accepted", kBearerSpec);
  AUTH_REQUIRE_BEARER();
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  CallOptions options = cookieless(std::nullopt);
  options.bearer = user->token;
  auto answer = AUTHCONF_OK(post(browser, "/update-user", {{"name", "Bearer Renamed"}}, options));
  EXPECT_THAT(answer, HasStatus(200));
  EXPECT_THAT(answer, HasJsonBody(Json{{"status", true}}));
  auto session = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(member(body_of(session), "user"), "name"), "Bearer Renamed");
}

// --- The clock (bridge feature `clock`): refresh, expiry, freshness.

// Before updateAge nothing is rewritten: no Set-Cookie, expiresAt unchanged (§4.3).
TEST(SessionClock, NotRefreshedBeforeUpdateAge) {
  AUTHCONF_CASE("auth.session.not-refreshed-before-update-age", kRefreshSpec);
  AUTHCONF_REQUIRE_DESTRUCTIVE("clock");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto before = AUTHCONF_OK(get_session(browser));
  AUTHCONF_DONE(suite::bridge().set_clock_offset(3600 * 1000));
  auto after = AUTHCONF_OK(get_session(browser));
  ASSERT_THAT(after, HasStatus(200));
  EXPECT_FALSE(set_cookie_line(after, "session_token")) << "refreshed after only an hour";
  EXPECT_EQ(member(session_of(after), "expiresAt"), member(session_of(before), "expiresAt"));
}

// Once `expiresAt − expiresIn + updateAge ≤ now`, get-session moves expiresAt to now +
// expiresIn, updatedAt to now, and re-sets the same token's cookie with Max-Age=604800 (§4.3,
// [R: a session at 6d−5s left was bumped to 7d]).
TEST(SessionClock, RefreshedAfterUpdateAge) {
  AUTHCONF_CASE("auth.session.refreshed-after-update-age", kRefreshSpec);
  AUTHCONF_REQUIRE_DESTRUCTIVE("clock");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  ASSERT_TRUE(browser.cookie("session_token")) << "the browser holds no session cookie";
  const std::string value = *browser.cookie("session_token");
  auto before = AUTHCONF_OK(get_session(browser));
  const Json old_session = session_of(before);
  const std::int64_t shift = kUpdateAge * 1000 + kPast;
  AUTHCONF_DONE(suite::bridge().set_clock_offset(shift));
  auto after = AUTHCONF_OK(get_session(browser));
  ASSERT_THAT(after, HasStatus(200));
  const Json session = session_of(after);
  EXPECT_EQ(member(session, "token"), user->token) << "a refresh keeps the token";
  EXPECT_EQ(set_cookie_line(after, "session_token").value_or("(none)"),
            cookie_name("session_token") + "=" + value + cookie_tail(kExpiresIn));
  auto old_expiry = date_ms(member(old_session, "expiresAt"));
  auto new_expiry = date_ms(member(session, "expiresAt"));
  ASSERT_TRUE(old_expiry && new_expiry) << session.dump();
  EXPECT_NEAR(static_cast<double>(*new_expiry - *old_expiry), static_cast<double>(shift), 5000);
  auto old_update = date_ms(member(old_session, "updatedAt"));
  auto new_update = date_ms(member(session, "updatedAt"));
  ASSERT_TRUE(old_update && new_update);
  EXPECT_GE(*new_update - *old_update, kUpdateAge * 1000);
  EXPECT_EQ(member(session, "createdAt"), member(old_session, "createdAt"));
}

// Past expiresAt the session is `null`, its cookies are expired and its row is deleted: with
// the clock back it stays `null` (§4.3 "Expired row → cookies expired, row deleted").
TEST(SessionClock, ExpiredAfterExpiresIn) {
  AUTHCONF_CASE("auth.session.expired-after-expires-in", kRefreshSpec);
  AUTHCONF_REQUIRE_DESTRUCTIVE("clock");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  ASSERT_TRUE(browser.cookie("session_token")) << "the browser holds no session cookie";
  const std::string value = *browser.cookie("session_token");
  AUTHCONF_DONE(suite::bridge().set_clock_offset(kExpiresIn * 1000 + kPast));
  auto expired = AUTHCONF_OK(get_session(browser));
  EXPECT_TRUE(is_null_answer(expired)) << describe(expired);
  expect_cookies_cleared(expired);
  AUTHCONF_DONE(suite::bridge().set_clock_offset(0));
  Browser replay(target());
  auto later = AUTHCONF_OK(get_session(replay, with_session_cookie(value)));
  EXPECT_TRUE(is_null_answer(later)) << "the expired session came back with the clock";
}

// rememberMe:false sessions last one day and are never refreshed (§4.3).
TEST(SessionClock, DontRememberSessionEndsAfterADay) {
  AUTHCONF_CASE("auth.session.dont-remember-expires-after-a-day", kRefreshSpec);
  AUTHCONF_REQUIRE_DESTRUCTIVE("clock");
  Browser browser(target());
  auto user = fresh_sign_up(browser, {{"rememberMe", false}});
  ASSERT_TRUE(user);
  AUTHCONF_DONE(suite::bridge().set_clock_offset(kDontRememberExpiresIn * 1000 - 3600 * 1000));
  auto late = AUTHCONF_OK(get_session(browser));
  EXPECT_EQ(member(session_of(late), "token"), user->token) << describe(late);
  EXPECT_FALSE(set_cookie_line(late, "session_token")) << "a dont_remember session was refreshed";
  AUTHCONF_DONE(suite::bridge().set_clock_offset(kDontRememberExpiresIn * 1000 + kPast));
  auto expired = AUTHCONF_OK(get_session(browser));
  EXPECT_TRUE(is_null_answer(expired)) << describe(expired);
}

// list-sessions needs a fresh session: created less than freshAge ago, however recently it
// was refreshed (§2.5, §4.3).
TEST(SessionClock, ListSessionsNeedsAFreshSession) {
  AUTHCONF_CASE("auth.list-sessions.not-fresh-after-fresh-age", "spec/better-auth-wire.md §2.5");
  AUTHCONF_REQUIRE_DESTRUCTIVE("clock");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  AUTHCONF_DONE(suite::bridge().set_clock_offset(kFreshAge * 1000 + kPast));
  auto answer = AUTHCONF_OK(browser.get(target().auth_path("/list-sessions")));
  EXPECT_THAT(answer, HasStatus(403));
  EXPECT_THAT(answer, HasJsonBody(error_body("SESSION_NOT_FRESH", "Session is not fresh")));
}

}  // namespace
}  // namespace authconf

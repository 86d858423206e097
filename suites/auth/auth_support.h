// suites/auth/auth_support.h: what the `auth` suite's cases share.
//
//   auto line = auth_suite::set_cookie_line(exchange, "session_token");
//   EXPECT_EQ(*line, auth_suite::cookie_name("session_token") + "=" + value +
//                        auth_suite::cookie_tail(604800));
//   const auth_suite::SharedUser* shared = auth_suite::shared_user();  // one sign-up per run
//
// Cookie names and attributes follow spec/better-auth-wire.md §4.1: the
// `__Secure-` prefix (and `Secure`) when Better Auth's baseURL is https —
// for a Convex deployment the baseURL is the `.convex.site` origin the
// harness talks to, so the target URL's scheme decides — then
// `Max-Age=N; Path=/; HttpOnly; [Secure; ]SameSite=Lax` in better-call's
// order. Signed values are `encodeURIComponent(token + "." + base64(HMAC))`
// (§4.2); the harness does not know a deployment's secret, so it checks the
// shape and that the same token always gets the same signature.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/browser.h"
#include "authconf/http_client.h"
#include "authconf/suite.h"
#include "authconf/target.h"

namespace authconf::auth_suite {

// Better Auth's defaults (§4.1, §4.3): session.expiresIn, the rememberMe:false
// session, session.updateAge and session.freshAge, in seconds.
inline constexpr std::int64_t kExpiresIn = 604800;
inline constexpr std::int64_t kDontRememberExpiresIn = 86400;
inline constexpr std::int64_t kUpdateAge = 86400;
inline constexpr std::int64_t kFreshAge = 86400;
// resetPasswordTokenExpiresIn and emailVerification.expiresIn (§6).
inline constexpr std::int64_t kTokenExpiresIn = 3600;

// The keys of a user and of a session as Better Auth answers them
// (§2, the transcripts): `image` only once it was set.
const std::set<std::string>& user_keys();
const std::set<std::string>& session_keys();

// EXPECTs on a user object: exactly user_keys() (plus `image` when
// `with_image`), strings, a boolean emailVerified, dates as the target
// declares them (IsDate), an email in lower case.
void expect_user_shape(const Json& user, bool with_image = false);
// EXPECTs on a session object: exactly session_keys(), a 32-character
// token, strings, dates.
void expect_session_shape(const Json& session);
// A session token: 32 characters of [A-Za-z0-9] (generateId(32), §4.2).
bool is_session_token(const Json& token);

// "auth.sign-up.validation.missing-name" → "sign_up_validation_missing_name".
std::string test_name(std::string_view id);

// Whether the target's cookies are `__Secure-` ones (an https target).
bool secure_cookies();
// "session_token" → "better-auth.session_token" or "__Secure-better-auth.session_token".
std::string cookie_name(std::string_view suffix);
// "; Max-Age=N; Path=/; HttpOnly[; Secure]; SameSite=Lax" (no Max-Age when nullopt).
std::string cookie_tail(std::optional<std::int64_t> max_age);
// The exact line that deletes a cookie: "<name>=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax".
std::string expired_cookie_line(std::string_view suffix);

// Every Set-Cookie field of the answer, in order.
std::vector<std::string> set_cookie_lines(const Exchange& exchange);
// The first Set-Cookie field that sets the cookie `cookie_name(suffix)`.
std::optional<std::string> set_cookie_line(const Exchange& exchange, std::string_view suffix);
// Its value (still percent-encoded), or nullopt.
std::optional<std::string> set_cookie_value(const Exchange& exchange, std::string_view suffix);
// Whether `value` is what Better Auth writes for a signed `token`:
// encodeURIComponent(token + "." + 44-character standard base64 ending in "=").
bool is_signed_value(std::string_view value, std::string_view token);
// The signature part of a signed value, percent-decoded ("" when malformed).
std::string signature_of(std::string_view value);

// The keys of a JSON object (empty for anything else).
std::set<std::string> keys_of(const Json& object);
// {"message": message, "code": code}: Better Auth's error body, in its key order.
Json error_body(std::string_view code, std::string_view message);
// The body as JSON (null when it is not JSON).
Json body_of(const Exchange& exchange);
// object[key], or a null when `object` has no such member (or is no object).
const Json& member(const Json& object, std::string_view key);
// object[key] (or object[key][inner]) when it is a string, else "".
std::string string_at(const Json& object, std::string_view key, std::string_view inner = "");

// A date of the target's answers in milliseconds since the epoch (epoch-ms
// number or ISO string), or nullopt.
std::optional<std::int64_t> date_ms(const Json& value);
// "http://host:1/api/auth/x?y" → "/api/auth/x?y" (the path a mail link names).
std::string path_of(std::string_view url);
std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);
// Upper-cases the letters at odd positions, lower-cases the others.
std::string case_variant(std::string_view text);

// POSTs `body` to the auth path with the site's Origin and, when given,
// `Cookie: <cookie>`, nothing from a jar: the Set-Cookie fields come back
// exactly as sent (the harness's client keeps header values verbatim).
Result<Exchange, TransportError> post_for_cookies(std::string_view auth_path, const Json& body,
                                                  std::optional<std::string> cookie = std::nullopt);
// The value of a Set-Cookie line ("name=value; ..." → "value").
std::string value_of_line(std::string_view line);
// Checks a signed cookie's Set-Cookie line: exactly
// "<name>=<value><cookie_tail(max_age)>" where value is
// encodeURIComponent(signed_token + "." + base64(HMAC)). Returns the value.
std::string expect_signed_cookie_line(const std::optional<std::string>& line,
                                      std::string_view suffix, std::string_view signed_token,
                                      std::optional<std::int64_t> max_age);

// Calls without the browser's cookies, for a case that sets Cookie or
// Authorization itself. `origin` nullopt: no Origin header.
CallOptions cookieless(std::optional<std::string> origin = CallOptions::kSiteOrigin);
// Options that send `Cookie: <session cookie name>=<value>` and nothing else.
CallOptions with_session_cookie(std::string_view value);

Result<Exchange, TransportError> sign_in(Browser& browser, std::string_view email,
                                         std::string_view password, Json extra = Json::object());
Result<Exchange, TransportError> get_session(Browser& browser,
                                             const CallOptions& options = CallOptions{});
Result<Exchange, TransportError> post(Browser& browser, std::string_view auth_path,
                                      const Json& body, const CallOptions& options = CallOptions{});

// A user this case signs up (removed when the case ends), with the
// exchange itself. `email` empty: a fresh run email. `extra` is merged into
// the body (rememberMe, image, ...). nullopt: the sign-up failed (the case
// has failed or recorded an error).
inline constexpr const char* kPassword = "Conformance-pass-1";
struct FreshUser {
  std::string email;  // as stored: lower-case
  std::string password;
  Exchange answer;
  Json body;
  std::string id;
  std::string token;
  std::string cookie_value;  // the session cookie's value as set ("" when none)
};
// Where the target requires email verification, the user is verified
// through the outbox and signed in (token and cookie_value are that
// session's) unless `verify` is false: then it stays unverified, without a
// session.
std::optional<FreshUser> fresh_sign_up(Browser& browser, Json extra = Json::object(),
                                       std::string email = "", bool verify = true);

// A user signed up once per run (Lifetime::kRun) whose browser keeps its
// session: the read-only cases share it. Nothing may sign it out, revoke
// its sessions or change its password or email. nullptr when signing up
// failed (the case that asked has failed).
struct SharedUser {
  suite::SignedUpUser user;
  std::unique_ptr<Browser> browser;
  std::string id;
  std::string token;         // the session token of the sign-up
  std::string cookie_value;  // the signed session cookie value as set
};
const SharedUser* shared_user();

// The Bearer hook: the `bearer` plugin, or the `convex` plugin, which
// includes its before-hook (spec/transcripts: "Authorization: Bearer <raw
// session token>" accepted).
bool bearer_enabled();
// Whether the bridge declares `config.<name>` (without a bridge nothing is known).
bool config_declared(std::string_view name);

// The component's user with this (lower-case) email through the bridge's
// adapter: the document, null when there is none, nullopt when the bridge
// failed (the case records the error).
std::optional<Json> component_user(std::string_view email);
// The component documents of `table` whose `field` equals `value`.
std::optional<std::vector<Json>> component_rows(std::string_view table, std::string_view field,
                                                const Json& value);
// The newest outbox message to `to` of `kind` (null when none; nullopt: the bridge failed).
std::optional<Json> latest_mail(std::string_view to, std::string_view kind);
// How many outbox messages went to `to` (of `kind`).
std::optional<std::size_t> mail_count(std::string_view to, std::string_view kind);

}  // namespace authconf::auth_suite

// Unwraps an optional from the bridge helpers above; nullopt means the
// helper recorded an error and the case ends there.
#define AUTH_BRIDGE(expression)              \
  __extension__({                            \
    auto auth_bridge_result_ = (expression); \
    if (!auth_bridge_result_) return;        \
    std::move(*auth_bridge_result_);         \
  })
// Skips when neither `bearer` nor `convex` is among the target's plugins.
#define AUTH_REQUIRE_BEARER()                                                                \
  do {                                                                                       \
    if (!::authconf::auth_suite::bearer_enabled())                                           \
      GTEST_SKIP() << "the target enables neither the `bearer` plugin nor the `convex` one " \
                      "(which includes bearer's before-hook)";                               \
  } while (0)
// Skips where requireEmailVerification is on: the case needs an unverified
// user with a session, which that configuration never gives
// (auth.require-verification.* cover it).
#define AUTH_REQUIRE_SESSIONS_WHILE_UNVERIFIED()                                             \
  do {                                                                                       \
    if (::authconf::suite::email_verification_required())                                    \
      GTEST_SKIP() << "needs an unverified user with a session; the target declares config " \
                      "`requireEmailVerification` = true";                                   \
  } while (0)
// Skips unless the bridge declares `config.<flag>` = false: a "disabled"
// answer is only checked where the target says the feature is off.
#define AUTH_REQUIRE_DECLARED_OFF(flag)                                                \
  do {                                                                                 \
    if (!::authconf::auth_suite::config_declared(flag) ||                              \
        ::authconf::suite::target().capabilities().config_flag(flag, false))           \
      GTEST_SKIP() << "needs the bridge to declare config `" << (flag) << "` = false"; \
  } while (0)

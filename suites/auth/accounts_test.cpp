// Suite `auth`, part 6: the core routes beyond email and password that every Better Auth
// answers (spec/better-auth-wire.md §2.19), and the GET /error page (§2.18). verify-password
// (reachable over HTTP despite `scope: "server"`), update-session (no additional session field:
// always "No fields to update"), list-accounts (the exact account shape, `scopes` for `scope`, no
// secrets), account-info, unlink-account, get-access-token and refresh-token (a 401 without a
// body, never a `userId` taken over HTTP), sign-in/social and link-social (zod first, then 404
// PROVIDER_NOT_FOUND for a provider nobody configures), the OAuth callback (every failure a 302
// to the error page; a form_post turned into a GET), and the error page's code, description and
// links. Every expected answer is what better-auth 1.6.34 gave for the same request.
#include <authconf/matchers.h>
#include <authconf/suite.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth_support.h"

namespace authconf {
namespace {

using namespace auth_suite;
using suite::bridge;
using suite::target;
using ::testing::TestParamInfo;
using ::testing::TestWithParam;
using ::testing::ValuesIn;

constexpr const char* kRoutesSpec = "spec/better-auth-wire.md §2.19";
constexpr const char* kErrorPageSpec = "spec/better-auth-wire.md §2.18";
// A provider id no deployment configures (any string passes zod: the provider enum `.or(
// z.string())`), so the "not found" answers hold on a target with social providers too.
constexpr const char* kNoProvider = "authconf-no-such-provider";

// The bridge's adapter `create` of a second account for `user_id` (the
// target has no social provider to link one through), with `extra` fields.
Json linked_account(const std::string& user_id, const std::string& account_id,
                    const Json& extra = Json::object()) {
  const Json now = 1795344960857;
  Json data = {{"accountId", account_id}, {"providerId", "authconf-provider"}, {"userId", user_id}};
  for (const auto& [field, value] : extra.items()) data[field] = value;
  data["createdAt"] = now;
  data["updatedAt"] = now;
  return Json{{"input", {{"model", "account"}, {"data", data}}}};
}

Json validation_error(std::string_view message) { return error_body("VALIDATION_ERROR", message); }
Json unauthorized() { return error_body("UNAUTHORIZED", "Unauthorized"); }

// Replaces "$id" and "$password" by the shared user's id and password, in strings of `value`.
std::string substitute_text(std::string text, const SharedUser& shared) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"$id", shared.id},
                                 {"$password", shared.user.password}}) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
      text.replace(at, from.size(), to);
      at += to.size();
    }
  }
  return text;
}
Json substitute(const Json& value, const SharedUser& shared) {
  if (value.is_string()) return substitute_text(value.get<std::string>(), shared);
  if (!value.is_structured()) return value;
  Json out = value;
  for (auto& item : out.items()) item.value() = substitute(item.value(), shared);
  return out;
}

// ----------------------------------------------------------------- one request, one answer

enum class Who { kNobody, kShared };
struct RequestRow {
  const char* id;
  const char* method;
  const char* path;  // below the base path, query included; "$id": the shared user's id
  Json body;         // POST only; "$id" and "$password" are the shared user's
  Who who;
  int status;
  std::optional<Json> answer;  // the exact JSON body; nullopt: no body at all
};

const RequestRow kRequestRows[] = {
    // verify-password: sensitiveSessionMiddleware, then validatePassword.
    {"auth.verify-password.right-password",
     "POST",
     "/verify-password",
     {{"password", "$password"}},
     Who::kShared,
     200,
     Json{{"status", true}}},
    // A target that accepts any password (or checks none) fails here.
    {"auth.verify-password.wrong-password",
     "POST",
     "/verify-password",
     {{"password", "not the password 1"}},
     Who::kShared,
     400,
     error_body("INVALID_PASSWORD", "Invalid password")},
    {"auth.verify-password.missing-password", "POST", "/verify-password", Json::object(),
     Who::kShared, 400,
     validation_error("[body.password] Invalid input: expected string, received undefined")},
    {"auth.verify-password.password-not-a-string",
     "POST",
     "/verify-password",
     {{"password", 5}},
     Who::kShared,
     400,
     validation_error("[body.password] Invalid input: expected string, received number")},
    {"auth.verify-password.without-session",
     "POST",
     "/verify-password",
     {{"password", "not the password 1"}},
     Who::kNobody,
     401,
     unauthorized()},
    // zod runs before the session middleware: a target checking the session first answers 401.
    {"auth.verify-password.validation-before-session", "POST", "/verify-password", Json::object(),
     Who::kNobody, 400,
     validation_error("[body.password] Invalid input: expected string, received undefined")},

    // update-session: the body must be a record; the session comes next.
    {"auth.update-session.without-session", "POST", "/update-session", Json::object(), Who::kNobody,
     401, unauthorized()},
    {"auth.update-session.array-body", "POST", "/update-session", Json::array({1}), Who::kShared,
     400, validation_error("[body] Invalid input: expected record, received array")},

    {"auth.list-accounts.without-session", "GET", "/list-accounts", nullptr, Who::kNobody, 401,
     unauthorized()},

    // account-info: ctx.error("UNAUTHORIZED") is a 401 with no body; a `userId` in the query is
    // for server-side callers only (a target that honours it over HTTP leaks a user's accounts).
    {"auth.account-info.without-session", "GET", "/account-info", nullptr, Who::kNobody, 401,
     std::nullopt},
    {"auth.account-info.user-id-needs-session", "GET", "/account-info?accountId=$id&userId=$id",
     nullptr, Who::kNobody, 401, std::nullopt},
    // Without an accountId only the account cookie (storeAccountCookie, off) could name one.
    {"auth.account-info.no-account-id", "GET", "/account-info", nullptr, Who::kShared, 400,
     error_body("ACCOUNT_NOT_FOUND", "Account not found")},
    {"auth.account-info.unknown-account-id", "GET", "/account-info?accountId=authconf-no-account",
     nullptr, Who::kShared, 400, error_body("ACCOUNT_NOT_FOUND", "Account not found")},
    // The credential account (accountId = the user's id) is found, but is no social provider's.
    {"auth.account-info.credential-account", "GET", "/account-info?accountId=$id", nullptr,
     Who::kShared, 400,
     error_body("PROVIDER_NOT_CONFIGURED",
                "Account is not associated with a configured social provider.")},
    {"auth.account-info.credential-account-by-provider", "GET",
     "/account-info?accountId=$id&providerId=credential", nullptr, Who::kShared, 400,
     error_body("PROVIDER_NOT_CONFIGURED",
                "Account is not associated with a configured social provider.")},
    // A target that ignores providerId finds the credential account.
    {"auth.account-info.provider-id-filters", "GET",
     "/account-info?accountId=$id&providerId=authconf-provider", nullptr, Who::kShared, 400,
     error_body("ACCOUNT_NOT_FOUND", "Account not found")},
    {"auth.account-info.repeated-account-id", "GET", "/account-info?accountId=a&accountId=b",
     nullptr, Who::kShared, 400,
     validation_error("[query.accountId] Invalid input: expected string, received array")},

    // unlink-account: the last account never goes (allowUnlinkingAll is off).
    {"auth.unlink-account.last-account-refused",
     "POST",
     "/unlink-account",
     {{"providerId", "credential"}},
     Who::kShared,
     400,
     error_body("FAILED_TO_UNLINK_LAST_ACCOUNT", "You can't unlink your last account")},
    {"auth.unlink-account.without-session",
     "POST",
     "/unlink-account",
     {{"providerId", "credential"}},
     Who::kNobody,
     401,
     unauthorized()},
    {"auth.unlink-account.missing-provider-id", "POST", "/unlink-account", Json::object(),
     Who::kNobody, 400,
     validation_error("[body.providerId] Invalid input: expected string, received undefined")},

    // get-access-token and refresh-token: resolveUserId (401, no body), then the provider.
    {"auth.get-access-token.without-session",
     "POST",
     "/get-access-token",
     {{"providerId", kNoProvider}},
     Who::kNobody,
     401,
     std::nullopt},
    {"auth.get-access-token.user-id-needs-session",
     "POST",
     "/get-access-token",
     {{"providerId", "credential"}, {"userId", "$id"}},
     Who::kNobody,
     401,
     std::nullopt},
    {"auth.get-access-token.credential-not-a-provider",
     "POST",
     "/get-access-token",
     {{"providerId", "credential"}},
     Who::kShared,
     400,
     error_body("PROVIDER_NOT_SUPPORTED", "Provider credential is not supported.")},
    {"auth.get-access-token.missing-provider-id", "POST", "/get-access-token", Json::object(),
     Who::kNobody, 400,
     validation_error("[body.providerId] Invalid input: expected string, received undefined")},
    {"auth.refresh-token.without-session",
     "POST",
     "/refresh-token",
     {{"providerId", kNoProvider}},
     Who::kNobody,
     401,
     std::nullopt},
    {"auth.refresh-token.user-id-needs-session",
     "POST",
     "/refresh-token",
     {{"providerId", "credential"}, {"userId", "$id"}},
     Who::kNobody,
     401,
     std::nullopt},
    {"auth.refresh-token.credential-not-a-provider",
     "POST",
     "/refresh-token",
     {{"providerId", "credential"}},
     Who::kShared,
     400,
     error_body("PROVIDER_NOT_SUPPORTED", "Provider credential is not supported.")},

    // sign-in/social: zod (nested objects and arrays included), then the provider.
    {"auth.sign-in-social.unknown-provider",
     "POST",
     "/sign-in/social",
     {{"provider", kNoProvider}},
     Who::kNobody,
     404,
     error_body("PROVIDER_NOT_FOUND", "Provider not found")},
    {"auth.sign-in-social.missing-provider", "POST", "/sign-in/social", Json::object(),
     Who::kNobody, 400, validation_error("[body.provider] Invalid input")},
    {"auth.sign-in-social.provider-not-a-string",
     "POST",
     "/sign-in/social",
     {{"provider", 5}},
     Who::kNobody,
     400,
     validation_error("[body.provider] Invalid input")},
    {"auth.sign-in-social.id-token-without-token",
     "POST",
     "/sign-in/social",
     {{"provider", kNoProvider}, {"idToken", Json::object()}},
     Who::kNobody,
     400,
     validation_error("[body.idToken.token] Invalid input: expected string, received undefined")},
    {"auth.sign-in-social.scopes-elements-checked",
     "POST",
     "/sign-in/social",
     {{"provider", kNoProvider}, {"scopes", Json::array({1, "b", nullptr})}},
     Who::kNobody,
     400,
     validation_error("[body.scopes.0] Invalid input: expected string, received number; "
                      "[body.scopes.2] Invalid input: expected string, received null")},
    {"auth.sign-in-social.additional-data-not-a-record",
     "POST",
     "/sign-in/social",
     {{"provider", kNoProvider}, {"additionalData", Json::array()}},
     Who::kNobody,
     400,
     validation_error("[body.additionalData] Invalid input: expected record, received array")},
    // originCheckMiddleware checks every redirect target of the body, cookies or not.
    {"auth.sign-in-social.untrusted-callback-url",
     "POST",
     "/sign-in/social",
     {{"provider", kNoProvider}, {"callbackURL", "https://evil.example/"}},
     Who::kNobody,
     403,
     error_body("INVALID_CALLBACK_URL", "Invalid callbackURL")},
    {"auth.sign-in-social.untrusted-error-callback-url",
     "POST",
     "/sign-in/social",
     {{"provider", kNoProvider}, {"errorCallbackURL", "https://evil.example/"}},
     Who::kNobody,
     403,
     error_body("INVALID_ERROR_CALLBACK_URL", "Invalid errorCallbackURL")},
    {"auth.sign-in-social.untrusted-new-user-callback-url",
     "POST",
     "/sign-in/social",
     {{"provider", kNoProvider}, {"newUserCallbackURL", "https://evil.example/"}},
     Who::kNobody,
     403,
     error_body("INVALID_NEW_USER_CALLBACK_URL", "Invalid newUserCallbackURL")},

    // link-social: zod, then the session, then the provider.
    {"auth.link-social.validation-before-session", "POST", "/link-social", Json::object(),
     Who::kNobody, 400, validation_error("[body.provider] Invalid input")},
    {"auth.link-social.without-session",
     "POST",
     "/link-social",
     {{"provider", kNoProvider}},
     Who::kNobody,
     401,
     unauthorized()},
    {"auth.link-social.unknown-provider",
     "POST",
     "/link-social",
     {{"provider", kNoProvider}},
     Who::kShared,
     404,
     error_body("PROVIDER_NOT_FOUND", "Provider not found")},
};

class RouteRequest : public TestWithParam<RequestRow> {};

TEST_P(RouteRequest, AnswersExactly) {
  const RequestRow& row = GetParam();
  AUTHCONF_CASE(row.id, kRoutesSpec);
  // The shared user is read only here: no row changes anything it has.
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  const std::string path = substitute_text(row.path, *shared);
  const Json body = substitute(row.body, *shared);
  Browser nobody(target());
  Browser& browser = row.who == Who::kShared ? *shared->browser : nobody;
  const CallOptions options = row.who == Who::kShared ? CallOptions{} : cookieless();
  auto answer = AUTHCONF_OK(std::string_view(row.method) == "GET"
                                ? browser.get(target().auth_path(path), options)
                                : browser.post_json(target().auth_path(path), body, options));
  EXPECT_THAT(answer, HasStatus(row.status));
  if (row.answer) {
    EXPECT_THAT(answer, HasJsonBody(*row.answer));
  } else {
    // better-call sets the JSON content type even on an error without a body.
    EXPECT_EQ(answer.response_body, "");
    EXPECT_THAT(answer, HasHeader("content-type", "application/json"));
  }
  EXPECT_FALSE(set_cookie_line(answer, "session_token")) << "the session cookie was re-set";
}
INSTANTIATE_TEST_SUITE_P(Rows, RouteRequest, ValuesIn(kRequestRows),
                         [](const TestParamInfo<RequestRow>& row) {
                           return test_name(row.param.id);
                         });

// ------------------------------------------------------------------------- update-session

// 400 {"message":"No fields to update"} without a code: parseSessionInput keeps only additional
// session fields, and neither Better Auth's defaults nor the convex plugin declare one. The
// session middleware ran, so the convex plugin's after hook (it matches /update-session) still
// re-sets convex_jwt; the session cookie is not touched.
TEST(UpdateSession, HasNoFieldToUpdate) {
  AUTHCONF_CASE("auth.update-session.no-fields", kRoutesSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer = AUTHCONF_OK(post(*shared->browser, "/update-session", Json::object()));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(Json{{"message", "No fields to update"}}));
  EXPECT_FALSE(set_cookie_line(answer, "session_token"));
  if (target().capabilities().plugin("convex")) {
    const Json jwt = target().capabilities().raw().value("jwt", Json::object());
    const std::int64_t expires_in = jwt.value("expiresIn", std::int64_t{900});
    const auto line = set_cookie_line(answer, "convex_jwt");
    ASSERT_TRUE(line) << "no convex_jwt cookie on /update-session";
    const std::string prefix = cookie_name("convex_jwt") + "=";
    EXPECT_TRUE(line->starts_with(prefix)) << *line;
    EXPECT_TRUE(line->ends_with(cookie_tail(expires_in))) << *line;
    EXPECT_GT(line->size(), prefix.size() + cookie_tail(expires_in).size()) << "an empty JWT";
  }
}

// The session's own fields are no input: a target that lets a client rewrite its session's
// token, expiry, owner or address through update-session fails.
TEST(UpdateSession, CoreFieldsAreNoInput) {
  AUTHCONF_CASE("auth.update-session.core-fields-not-input", kRoutesSpec);
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto before = AUTHCONF_OK(get_session(browser));
  const Json session = member(body_of(before), "session");
  ASSERT_TRUE(session.is_object()) << before.response_body;
  auto answer = AUTHCONF_OK(post(browser, "/update-session",
                                 {{"token", "authconf-token"},
                                  {"expiresAt", 4102444800000},
                                  {"userId", "authconf-user"},
                                  {"ipAddress", "203.0.113.7"},
                                  {"userAgent", "authconf"}}));
  EXPECT_THAT(answer, HasStatus(400));
  EXPECT_THAT(answer, HasJsonBody(Json{{"message", "No fields to update"}}));
  auto after = AUTHCONF_OK(get_session(browser));
  const Json now = member(body_of(after), "session");
  for (const char* field : {"id", "token", "expiresAt", "userId", "ipAddress", "userAgent"}) {
    EXPECT_EQ(member(now, field), member(session, field)) << field;
  }
}

// -------------------------------------------------------------------------- list-accounts

// The keys Better Auth answers for an account, in its order: the adapter's record (schema order,
// then id) without the tokens and the password, `scope` replaced by `scopes` at the end.
const std::vector<std::string> kAccountKeys = {"accountId", "providerId", "userId", "createdAt",
                                               "updatedAt", "id",         "scopes"};

std::vector<std::string> key_order(const Json& object) {
  std::vector<std::string> keys;
  if (object.is_object()) {
    for (const auto& item : object.items()) keys.push_back(item.key());
  }
  return keys;
}

// A user signed up with email and password has exactly its credential account: accountId and
// userId are the user's id. A target that leaks the password hash, keeps `scope`, or orders the
// keys otherwise fails.
TEST(ListAccounts, CredentialAccountExact) {
  AUTHCONF_CASE("auth.list-accounts.credential-account-exact", kRoutesSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  auto answer = AUTHCONF_OK(shared->browser->get(target().auth_path("/list-accounts")));
  EXPECT_THAT(answer, HasStatus(200));
  const Json accounts = body_of(answer);
  ASSERT_TRUE(accounts.is_array() && accounts.size() == 1) << answer.response_body;
  const Json& account = accounts[0];
  EXPECT_EQ(key_order(account), kAccountKeys) << account.dump();
  EXPECT_EQ(member(account, "accountId"), shared->id);
  EXPECT_EQ(member(account, "providerId"), "credential");
  EXPECT_EQ(member(account, "userId"), shared->id);
  EXPECT_THAT(member(account, "createdAt"), IsDate());
  EXPECT_THAT(member(account, "updatedAt"), IsDate());
  EXPECT_TRUE(member(account, "id").is_string() && !member(account, "id").empty());
  EXPECT_NE(member(account, "id"), shared->id) << "the account's id is the user's";
  EXPECT_EQ(member(account, "scopes"), Json::array());
}

// A second account (as a social sign-in would store it), made through the component: listed
// after the credential one, `scope` split at commas, the tokens never shown.
TEST(ListAccounts, LinkedAccountShape) {
  AUTHCONF_CASE("auth.list-accounts.linked-account-shape", kRoutesSpec);
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto created = AUTHCONF_OK(
      bridge().adapter("create", linked_account(user->id, "authconf-linked",
                                                {{"accessToken", "authconf-secret-access-token"},
                                                 {"refreshToken", "authconf-secret-refresh-token"},
                                                 {"scope", "openid,email"}})));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  auto answer = AUTHCONF_OK(browser.get(target().auth_path("/list-accounts")));
  EXPECT_THAT(answer, HasStatus(200));
  const Json accounts = body_of(answer);
  ASSERT_TRUE(accounts.is_array() && accounts.size() == 2) << answer.response_body;
  EXPECT_EQ(member(accounts[0], "providerId"), "credential");
  const Json& linked = accounts[1];
  EXPECT_EQ(key_order(linked), kAccountKeys) << linked.dump();
  EXPECT_EQ(member(linked, "accountId"), "authconf-linked");
  EXPECT_EQ(member(linked, "providerId"), "authconf-provider");
  EXPECT_EQ(member(linked, "userId"), user->id);
  EXPECT_EQ(member(linked, "scopes"), Json::array({"openid", "email"}));
  EXPECT_EQ(answer.response_body.find("authconf-secret"), std::string::npos) << "a token leaked";
}

// -------------------------------------------------------------------------- account-info

// Another user's account is not found through my session, whatever I name: a target that looks
// accounts up by accountId alone fails. The owner's own session finds it (the control).
TEST(AccountInfo, OtherUsersAccountNotFound) {
  AUTHCONF_CASE("auth.account-info.other-users-account", kRoutesSpec);
  const SharedUser* shared = shared_user();
  ASSERT_TRUE(shared);
  Browser other(target());
  auto user = fresh_sign_up(other);
  ASSERT_TRUE(user);
  const std::string query = "/account-info?accountId=" + user->id + "&userId=" + user->id;
  auto mine = AUTHCONF_OK(shared->browser->get(target().auth_path(query)));
  EXPECT_THAT(mine, HasStatus(400));
  EXPECT_THAT(mine, HasJsonBody(error_body("ACCOUNT_NOT_FOUND", "Account not found")));
  auto own = AUTHCONF_OK(other.get(target().auth_path(query)));
  EXPECT_THAT(own, HasStatus(400));
  EXPECT_THAT(own, HasJsonBody(error_body("PROVIDER_NOT_CONFIGURED",
                                          "Account is not associated with a configured social "
                                          "provider.")));
}

// Two accounts of the user with the same accountId: a providerId must pick one.
TEST(AccountInfo, AmbiguousAccountId) {
  AUTHCONF_CASE("auth.account-info.ambiguous-account-id", kRoutesSpec);
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto created = AUTHCONF_OK(bridge().adapter("create", linked_account(user->id, user->id)));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  auto both = AUTHCONF_OK(browser.get(target().auth_path("/account-info?accountId=" + user->id)));
  EXPECT_THAT(both, HasStatus(400));
  EXPECT_THAT(
      both, HasJsonBody(error_body("AMBIGUOUS_ACCOUNT",
                                   "Multiple accounts share this account ID. Pass a providerId to "
                                   "disambiguate.")));
  auto picked = AUTHCONF_OK(browser.get(
      target().auth_path("/account-info?accountId=" + user->id + "&providerId=authconf-provider")));
  EXPECT_THAT(picked, HasStatus(400));
  EXPECT_THAT(picked, HasJsonBody(error_body("PROVIDER_NOT_CONFIGURED",
                                             "Account is not associated with a configured social "
                                             "provider.")));
}

// ------------------------------------------------------------------------- unlink-account

// With a second account the named one goes (200 {"status":true}); an unknown providerId or a
// wrong accountId is ACCOUNT_NOT_FOUND; the credential account, last again, stays.
TEST(UnlinkAccount, RemovesTheNamedAccount) {
  AUTHCONF_CASE("auth.unlink-account.removes-linked-account", kRoutesSpec);
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Browser browser(target());
  auto user = fresh_sign_up(browser);
  ASSERT_TRUE(user);
  auto created =
      AUTHCONF_OK(bridge().adapter("create", linked_account(user->id, "authconf-linked")));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  const Json not_found = error_body("ACCOUNT_NOT_FOUND", "Account not found");
  auto unknown = AUTHCONF_OK(post(browser, "/unlink-account", {{"providerId", kNoProvider}}));
  EXPECT_THAT(unknown, HasStatus(400));
  EXPECT_THAT(unknown, HasJsonBody(not_found));
  auto wrong_id = AUTHCONF_OK(post(browser, "/unlink-account",
                                   {{"providerId", "authconf-provider"}, {"accountId", "nope"}}));
  EXPECT_THAT(wrong_id, HasJsonBody(not_found));
  auto unlinked =
      AUTHCONF_OK(post(browser, "/unlink-account",
                       {{"providerId", "authconf-provider"}, {"accountId", "authconf-linked"}}));
  EXPECT_THAT(unlinked, HasStatus(200));
  EXPECT_THAT(unlinked, HasJsonBody(Json{{"status", true}}));
  auto listed = AUTHCONF_OK(browser.get(target().auth_path("/list-accounts")));
  const Json accounts = body_of(listed);
  ASSERT_TRUE(accounts.is_array() && accounts.size() == 1) << listed.response_body;
  EXPECT_EQ(member(accounts[0], "providerId"), "credential");
  auto last = AUTHCONF_OK(post(browser, "/unlink-account", {{"providerId", "credential"}}));
  EXPECT_THAT(last, HasJsonBody(error_body("FAILED_TO_UNLINK_LAST_ACCOUNT",
                                           "You can't unlink your last account")));
}

// -------------------------------------------------------------------------- OAuth callback

// GET|POST /callback/:id with no OAuth flow under way: every failure is a 302 to
// `${baseURL}/error?error=<code>` (no JSON error), state first. A POST (form_post providers)
// becomes a GET of the same callback carrying the body's fields and the query's over them, in
// the order of the callback's schema. The baseURL of a target is the origin the harness talks to.
struct CallbackRow {
  const char* id;
  const char* method;
  const char* path;  // below the base path
  const char* content_type;
  const char* body;
  int status;
  const char* location;  // below the base path; "" for none
  std::optional<Json> answer = std::nullopt;
};
const CallbackRow kCallbackRows[] = {
    {"auth.oauth-callback.no-state", "GET", "/callback/authconf-provider", "", "", 302,
     "/error?error=state_not_found"},
    // A provider's own error only counts once the state is known.
    {"auth.oauth-callback.provider-error-without-state", "GET",
     "/callback/authconf-provider?error=access_denied&error_description=no", "", "", 302,
     "/error?error=state_not_found"},
    {"auth.oauth-callback.unknown-state", "GET",
     "/callback/authconf-provider?state=authconf-no-such-state&code=c", "", "", 302,
     "/error?error=state_mismatch"},
    {"auth.oauth-callback.repeated-state", "GET", "/callback/authconf-provider?state=a&state=b", "",
     "", 400, "", validation_error("[query.state] Invalid input: expected string, received array")},
    {"auth.oauth-callback.form-post-redirects-to-get", "POST", "/callback/authconf-provider",
     "application/x-www-form-urlencoded",
     "state=s&code=c&user=u&device_id=d&error_description=e%20f&error=x&other=1", 302,
     "/callback/authconf-provider?code=c&error=x&device_id=d&error_description=e+f&state=s&user=u"},
    {"auth.oauth-callback.query-overrides-body", "POST", "/callback/authconf-provider?code=q",
     "application/x-www-form-urlencoded", "state=s&code=b", 302,
     "/callback/authconf-provider?code=q&state=s"},
    {"auth.oauth-callback.json-post", "POST", "/callback/authconf-provider", "application/json",
     R"({"code":"c","state":"\u00fc x"})", 302,
     "/callback/authconf-provider?code=c&state=%C3%BC+x"},
    {"auth.oauth-callback.code-not-a-string", "POST", "/callback/authconf-provider",
     "application/json", R"({"code":5})", 400, "",
     validation_error("[body.code] Invalid input: expected string, received number")},
    {"auth.oauth-callback.text-body-refused", "POST", "/callback/authconf-provider",
     "text/plain;charset=UTF-8", "code=c", 415, "",
     error_body("UNSUPPORTED_MEDIA_TYPE",
                "Content-Type \"text/plain;charset=UTF-8\" is not allowed. Allowed types: "
                "application/x-www-form-urlencoded, application/json")},
};
class Callback : public TestWithParam<CallbackRow> {};

TEST_P(Callback, AnswersLikeBetterAuth) {
  const CallbackRow& row = GetParam();
  AUTHCONF_CASE(row.id, kRoutesSpec);
  Browser browser(target());
  auto answer = AUTHCONF_OK(browser.send(row.method, target().auth_path(row.path), row.body,
                                         row.content_type, cookieless()));
  EXPECT_THAT(answer, HasStatus(row.status));
  if (*row.location) {
    EXPECT_THAT(answer, HasHeader("location", target().auth_url(row.location)));
    EXPECT_EQ(answer.response_body, "");
  } else {
    EXPECT_THAT(answer, LacksHeader("location"));
  }
  if (row.answer) {
    EXPECT_THAT(answer, HasJsonBody(*row.answer));
  }
  EXPECT_EQ(set_cookie_lines(answer), std::vector<std::string>{});
}
INSTANTIATE_TEST_SUITE_P(Rows, Callback, ValuesIn(kCallbackRows),
                         [](const TestParamInfo<CallbackRow>& row) {
                           return test_name(row.param.id);
                         });

// ------------------------------------------------------------------------------ error page

// Better Auth's page (outside production) shows the sanitised code, and the
// description (escaped, entities kept) or, without one, a generic sentence.
// The styling and markup around them are not checked: they change between
// releases and a deployment may customise them (onAPIError); what a client
// relies on is the status, the type and what the page says.
constexpr std::string_view kGeneric =
    "We encountered an unexpected error. Please try again or return to the home page.";

struct ErrorPageRow {
  const char* id;
  const char* query;
  std::vector<std::string> contains;
  std::vector<std::string> lacks = {};
};
const ErrorPageRow kErrorPageRows[] = {
    {"auth.error-page.code-and-generic-text",
     "?error=INVALID_TOKEN",
     {"INVALID_TOKEN", std::string(kGeneric)}},
    {"auth.error-page.no-code-is-unknown", "", {"UNKNOWN", std::string(kGeneric)}},
    // '+' is a space in a query, and a space is no code character.
    {"auth.error-page.plus-code-is-unknown", "?error=a+b", {"UNKNOWN"}, {"a b", "a+b"}},
    // `'` is a code character: escaped where shown.
    {"auth.error-page.apostrophe-code", "?error=it's-a_Code09", {"it&#39;s-a_Code09"}},
    // `<` is not: the code is UNKNOWN and the raw text is nowhere.
    {"auth.error-page.unsafe-code-is-unknown",
     "?error=bad%3Ccode",
     {"UNKNOWN"},
     {"bad<code", "bad&lt;code"}},
    // searchParams.get: the first value.
    {"auth.error-page.first-code-wins", "?error=FIRST&error=SECOND", {"FIRST"}, {"SECOND"}},
    {"auth.error-page.description-replaces-generic-text",
     "?error=X&error_description=%3Cb%3E%26amp%3B%20%26x%20it's%20%22q%22",
     {"&lt;b&gt;&amp; &amp;x it&#39;s &quot;q&quot;"},
     {std::string(kGeneric), "<b>"}},
    // An entity already written is not escaped twice; "&#x;" is no entity.
    {"auth.error-page.description-entities-kept",
     "?error_description=%26%23x41%3B%26%2365%3B%26%23x%3B%26quot%3B",
     {"&#x41;&#65;&amp;#x;&quot;"}},
    // An empty description is none.
    {"auth.error-page.empty-description-generic",
     "?error=X&error_description=",
     {std::string(kGeneric)}},
};
class ErrorPageLines : public TestWithParam<ErrorPageRow> {};

TEST_P(ErrorPageLines, SayWhatBetterAuthSays) {
  const ErrorPageRow& row = GetParam();
  AUTHCONF_CASE(row.id, kErrorPageSpec);
  Browser browser(target());
  auto page = AUTHCONF_OK(
      browser.get(target().auth_path(std::string("/error") + row.query), cookieless(std::nullopt)));
  EXPECT_THAT(page, HasStatus(200));
  EXPECT_THAT(page, HasHeader("content-type", "text/html"));
  EXPECT_TRUE(page.response_body.starts_with("<!DOCTYPE html>")) << page.response_body;
  for (const std::string& text : row.contains) {
    EXPECT_NE(page.response_body.find(text), std::string::npos) << "missing: " << text;
  }
  for (const std::string& text : row.lacks) {
    EXPECT_EQ(page.response_body.find(text), std::string::npos) << "present: " << text;
  }
}
INSTANTIATE_TEST_SUITE_P(Rows, ErrorPageLines, ValuesIn(kErrorPageRows),
                         [](const TestParamInfo<ErrorPageRow>& row) {
                           return test_name(row.param.id);
                         });

}  // namespace
}  // namespace authconf

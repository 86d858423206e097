// The core routes that are not email and password but that every Better
// Auth answers (spec/better-auth-wire.md §2.19): POST /verify-password, POST
// /update-session, GET /list-accounts, GET /account-info, POST
// /unlink-account, POST /get-access-token, POST /refresh-token, POST
// /sign-in/social, POST /link-social and GET|POST /callback/:id
// (better-auth 1.6.34 dist/api/routes/password.mjs, update-session.mjs,
// account.mjs, sign-in.mjs, callback.mjs, dist/oauth2/state.mjs,
// dist/state.mjs).
//
// The reference configures no social provider, so every route that needs
// one ends in its "not found" answer, after the same validation, session
// and account checks as the real package makes first. Where 1.6.34's
// metadata says `scope: "server"` (verify-password) the route is still
// reachable over HTTP, as in the real package.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/api_error.h"
#include "auth/cookies.h"
#include "auth/models.h"
#include "auth/password_hasher.h"
#include "auth/routes.h"
#include "auth/sessions.h"
#include "authconf/encoding.h"

namespace authref {
namespace {

// --------------------------------------------------------------- helpers

// internalAdapter.findAccounts(userId): findMany on userId, the factory's
// default limit of 100.
std::vector<Json> find_accounts(EndpointContext& ctx, const Json& user_id) {
  return ctx.services.adapter.find_many("account", {{"userId", user_id}});
}

// `value` when it is a non-empty string (JavaScript truthiness of a
// validated optional string), else nullptr.
const std::string* truthy_string(const Json* value) {
  if (!value || !value->is_string() || value->get_ref<const std::string&>().empty()) return nullptr;
  return &value->get_ref<const std::string&>();
}

bool string_field_is(const Json& record, const char* field, const std::string& expected) {
  auto it = record.find(field);
  return it != record.end() && it->is_string() && it->get_ref<const std::string&>() == expected;
}

// resolveUserId for an HTTP caller: the session (getSessionFromCtx, the
// cookie cache bypassed, which the reference does not have) or
// `ctx.error("UNAUTHORIZED")`, a 401 with no body. A `userId` in the request
// only counts for a server-side caller without headers, never over HTTP.
Json resolve_user_id(EndpointContext& ctx) {
  auto session = ctx.services.sessions.current(ctx);
  if (!session) throw ApiError::bodiless(401);
  return session->user.at("id");
}

// getAwaitableValue(socialProviders, {value: id}): no provider is
// configured, so every id misses.
bool social_provider_configured(std::string_view /*provider_id*/) { return false; }

// ------------------------------------------------------- verify-password

// sensitiveSessionMiddleware, then validatePassword: the credential
// account's hash against the password (no dummy hash when there is none,
// unlike checkPassword), 400 INVALID_PASSWORD when it does not match.
void verify_password(EndpointContext& ctx) {
  const std::string& password = ctx.body.at("password").get_ref<const std::string&>();
  const std::string* stored = nullptr;
  const std::vector<Json> accounts = find_accounts(ctx, ctx.session->user.at("id"));
  for (const Json& account : accounts) {
    if (!string_field_is(account, "providerId", "credential")) continue;
    stored = truthy_string(account.contains("password") ? &account.at("password") : nullptr);
    break;
  }
  if (!stored || !ctx.services.hasher.verify(password, *stored)) {
    throw ApiError::coded(400, "INVALID_PASSWORD", "Invalid password");
  }
  ctx.json_body = Json{{"status", true}};
}

// -------------------------------------------------------- update-session

// parseSessionInput keeps only the session's additional fields
// (session.additionalFields and plugin fields); the reference declares none
// and the convex plugin adds none to the session, so every body, core
// fields such as `token` or `expiresAt` included, has nothing to update:
// 400 {"message":"No fields to update"}, without a code. The session
// middleware ran first, so the convex plugin's after hook (which matches
// /update-session) still re-sets convex_jwt on that 400.
void update_session(EndpointContext& /*ctx*/) {
  throw ApiError::message_only(400, "No fields to update");
}

// --------------------------------------------------------- list-accounts

// parseAccountOutput (token fields and the password hash dropped), then
// `{scope, ...rest}` becomes `{...rest, scopes: scope?.split(",") || []}`.
Json account_output(const AuthServices& services, const Json& account) {
  Json out = to_wire("account", account, services.options.dates);
  Json scopes = Json::array();
  if (auto it = out.find("scope"); it != out.end()) {
    if (it->is_string()) {
      // "".split(",") is [""], which is truthy.
      const std::string& scope = it->get_ref<const std::string&>();
      std::size_t start = 0;
      while (true) {
        const std::size_t comma = scope.find(',', start);
        scopes.push_back(scope.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    out.erase(it);
  }
  out["scopes"] = std::move(scopes);
  return out;
}

void list_accounts(EndpointContext& ctx) {
  Json out = Json::array();
  for (const Json& account : find_accounts(ctx, ctx.session->user.at("id"))) {
    out.push_back(account_output(ctx.services, account));
  }
  ctx.json_body = std::move(out);
}

// ---------------------------------------------------------- account-info

// Without `accountId` the account could only come from the account cookie
// (account.storeAccountCookie, off): 400 ACCOUNT_NOT_FOUND. With one, the
// session user's accounts of that accountId (and providerId when given):
// two are AMBIGUOUS_ACCOUNT, none ACCOUNT_NOT_FOUND, and one whose provider
// is not a configured social provider (the credential account)
// PROVIDER_NOT_CONFIGURED.
void account_info(EndpointContext& ctx) {
  const std::string* account_id = truthy_string(ctx.query_field("accountId"));
  const std::string* provider_id = truthy_string(ctx.query_field("providerId"));
  const Json user_id = resolve_user_id(ctx);
  std::vector<Json> matching;
  if (account_id) {
    for (Json& account : find_accounts(ctx, user_id)) {
      if (!string_field_is(account, "accountId", *account_id)) continue;
      if (provider_id && !string_field_is(account, "providerId", *provider_id)) continue;
      matching.push_back(std::move(account));
    }
    if (matching.size() > 1) {
      throw ApiError::coded(400, "AMBIGUOUS_ACCOUNT",
                            "Multiple accounts share this account ID. Pass a providerId to "
                            "disambiguate.");
    }
  }
  if (matching.empty()) throw ApiError::coded(400, "ACCOUNT_NOT_FOUND", "Account not found");
  const Json& provider = matching.front().at("providerId");
  if (!provider.is_string() ||
      !social_provider_configured(provider.get_ref<const std::string&>())) {
    throw ApiError::coded(400, "PROVIDER_NOT_CONFIGURED",
                          "Account is not associated with a configured social provider.");
  }
}

// -------------------------------------------------------- unlink-account

// freshSessionMiddleware; the last account can never go
// (account.accountLinking.allowUnlinkingAll is off); else the account of
// that providerId (and accountId when given) is deleted.
void unlink_account(EndpointContext& ctx) {
  const std::string& provider_id = ctx.body.at("providerId").get_ref<const std::string&>();
  const std::string* account_id = truthy_string(ctx.body_field("accountId"));
  const std::vector<Json> accounts = find_accounts(ctx, ctx.session->user.at("id"));
  if (accounts.size() == 1) {
    throw ApiError::coded(400, "FAILED_TO_UNLINK_LAST_ACCOUNT",
                          "You can't unlink your last account");
  }
  const Json* found = nullptr;
  for (const Json& account : accounts) {
    if (account_id && !string_field_is(account, "accountId", *account_id)) continue;
    if (!string_field_is(account, "providerId", provider_id)) continue;
    found = &account;
    break;
  }
  if (!found) throw ApiError::coded(400, "ACCOUNT_NOT_FOUND", "Account not found");
  // internalAdapter.deleteAccount: deleteWithHooks on the id.
  ctx.services.adapter.remove_with_hooks("account", {{"id", found->at("id")}});
  ctx.json_body = Json{{"status", true}};
}

// ------------------------------------- get-access-token and refresh-token

// Both resolve the user first (401 without a body), then look the provider
// up: none is configured, so "Provider <id> is not supported."
void provider_token(EndpointContext& ctx) {
  const std::string& provider_id = ctx.body.at("providerId").get_ref<const std::string&>();
  (void)resolve_user_id(ctx);
  if (!social_provider_configured(provider_id)) {
    throw ApiError::coded(400, "PROVIDER_NOT_SUPPORTED",
                          "Provider " + provider_id + " is not supported.");
  }
}

// ----------------------------------------- sign-in/social and link-social

// Any string names a provider (SocialProviderListEnum is an enum `.or(
// z.string())`); none is configured, so after validation (and, for
// link-social, the session middleware) the answer is 404 PROVIDER_NOT_FOUND,
// before the idToken branch or any state is written.
void provider_not_found(EndpointContext& /*ctx*/) {
  throw ApiError::coded(404, "PROVIDER_NOT_FOUND", "Provider not found");
}

// ---------------------------------------------------------- callback/:id

// The callback's fields in the order of its zod schema, which is the order
// `schema.parse` writes them back.
constexpr const char* kCallbackFields[] = {"code",  "error", "device_id", "error_description",
                                           "state", "user"};

std::string error_url(const AuthOptions& options) {
  // onAPIError.errorURL is unset: `${baseURL}/error`.
  return options.base_url + options.base_path + "/error";
}

// redirectOnError: `errorURL` + (`&` when it has a "?", else `?`) +
// URLSearchParams({error, error_description?}).
void redirect_on_error(EndpointContext& ctx, const std::string& url, const std::string& error,
                       const std::string& description = "") {
  std::vector<std::pair<std::string, std::string>> pairs = {{"error", error}};
  if (!description.empty()) pairs.emplace_back("error_description", description);
  ctx.redirect(url + (url.find('?') != std::string::npos ? "&" : "?") + search_params(pairs));
}

// POST /callback/:id (form_post providers): the body's fields, then the
// query's over them, sent back as a GET to the same callback.
void callback_post(EndpointContext& ctx) {
  const AuthOptions& options = ctx.services.options;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const char* field : kCallbackFields) {
    const Json* value = ctx.query_field(field);
    if (!value || value->is_null()) value = ctx.body_field(field);
    if (value && value->is_string()) pairs.emplace_back(field, value->get<std::string>());
  }
  // `c.params.id` as routed: still percent-encoded.
  ctx.redirect(options.base_url + options.base_path + "/callback/" + ctx.params.at("id") + "?" +
               search_params(pairs));
}

// stateDataSchema (dist/state.mjs), a loose object: callbackURL,
// codeVerifier and expiresAt required; errorURL, newUserURL and oauthState
// optional strings; link an optional {email: string, userId: anything};
// requestSignUp an optional boolean.
bool valid_state_data(const Json& data) {
  if (!data.is_object()) return false;
  const auto is = [&](const char* field, bool (Json::*type)() const noexcept, bool optional) {
    auto it = data.find(field);
    if (it == data.end()) return optional;
    return ((*it).*type)();
  };
  if (!is("callbackURL", &Json::is_string, false) || !is("codeVerifier", &Json::is_string, false) ||
      !is("errorURL", &Json::is_string, true) || !is("newUserURL", &Json::is_string, true) ||
      !is("expiresAt", &Json::is_number, false) || !is("oauthState", &Json::is_string, true) ||
      !is("requestSignUp", &Json::is_boolean, true)) {
    return false;
  }
  if (auto link = data.find("link"); link != data.end()) {
    if (!link->is_object()) return false;
    auto email = link->find("email");
    if (email == link->end() || !email->is_string()) return false;
  }
  return true;
}

// The state cookie's name: createAuthCookie("state"), the session token's
// prefix ("better-auth." or "__Secure-better-auth.") with another suffix.
std::string state_cookie_name(const AuthCookies& cookies) {
  const std::string& session = cookies.session_token();
  return session.substr(0, session.size() - std::string_view("session_token").size()) + "state";
}

// GET /callback/:id: parseState first (database strategy, the default),
// then the provider's error, the code, and the provider itself. Every
// failure is a 302 to the error page (or the flow's errorCallbackURL once
// the state is read), never a JSON error.
void callback_get(EndpointContext& ctx) {
  const AuthOptions& options = ctx.services.options;
  const std::string default_error_url = error_url(options);
  const std::string* state = truthy_string(ctx.query_field("state"));
  if (!state) return redirect_on_error(ctx, default_error_url, "state_not_found");

  // parseGenericState; a StateError names its code and, once the state
  // was parsed, the flow's errorURL; any other throw (a failed database
  // call, JSON.parse, the schema) is internal_server_error.
  std::optional<std::string> flow_error_url;
  try {
    AuthAdapter& adapter = ctx.services.adapter;
    const std::int64_t now = ctx.services.sessions.now_ms();
    // internalAdapter.findVerificationValue: the newest row, then the
    // cleanup of every expired row.
    auto rows = adapter.find_many("verification", {{"identifier", *state}}, 1,
                                  AuthSortBy{.field = "createdAt", .direction = "desc"});
    adapter.remove_many_with_hooks("verification",
                                   {{.field = "expiresAt", .value = now, .op = "lt"}});
    if (rows.empty()) return redirect_on_error(ctx, default_error_url, "state_mismatch");
    const Json& value = rows.front().at("value");
    const Json data = value.is_string()
                          ? Json::parse(value.get_ref<const std::string&>(), nullptr, false)
                          : Json(nullptr);
    if (data.is_discarded() || !valid_state_data(data)) {
      return redirect_on_error(ctx, default_error_url, "internal_server_error");
    }
    if (auto it = data.find("errorURL"); it != data.end()) flow_error_url = it->get<std::string>();
    const std::string mismatch_url = flow_error_url.value_or(default_error_url);
    if (auto it = data.find("oauthState"); it != data.end() && *it != *state) {
      return redirect_on_error(ctx, mismatch_url, "state_mismatch");
    }
    const std::string cookie_name = state_cookie_name(ctx.services.cookies);
    const auto cookie = ctx.services.sessions.signed_cookie(ctx, cookie_name);
    if (!cookie || *cookie != *state) return redirect_on_error(ctx, mismatch_url, "state_mismatch");
    ctx.set_cookie(ctx.services.cookies.expire(cookie_name));
    // deleteVerificationByIdentifier.
    adapter.remove_with_hooks("verification", {{"identifier", *state}});
    if (data.at("expiresAt").get<double>() < static_cast<double>(now)) {
      return redirect_on_error(ctx, mismatch_url, "state_mismatch");
    }
  } catch (const AdapterError&) {
    return redirect_on_error(ctx, default_error_url, "internal_server_error");
  }
  const std::string resolved_error_url = flow_error_url.value_or(default_error_url);
  if (const std::string* error = truthy_string(ctx.query_field("error"))) {
    const std::string* description = truthy_string(ctx.query_field("error_description"));
    return redirect_on_error(ctx, resolved_error_url, *error, description ? *description : "");
  }
  if (!truthy_string(ctx.query_field("code"))) {
    return redirect_on_error(ctx, resolved_error_url, "no_code");
  }
  if (!social_provider_configured(ctx.params.at("id"))) {
    return redirect_on_error(ctx, resolved_error_url, "oauth_provider_not_found");
  }
}

// ---------------------------------------------------------------- schemas

ObjectSchema callback_schema() {
  ObjectSchema schema;
  for (const char* field : kCallbackFields)
    schema.fields.push_back({field, ZodType::kString, true});
  return schema;
}

// idToken of sign-in/social.
std::shared_ptr<const ObjectSchema> sign_in_id_token_schema() {
  auto name = std::make_shared<const ObjectSchema>(ObjectSchema{
      .fields = {{"firstName", ZodType::kString, true}, {"lastName", ZodType::kString, true}}});
  auto user = std::make_shared<const ObjectSchema>(
      ObjectSchema{.fields = {{"name", ZodType::kObject, true, false, name},
                              {"email", ZodType::kString, true}}});
  return std::make_shared<const ObjectSchema>(
      ObjectSchema{.fields = {{"token", ZodType::kString},
                              {"nonce", ZodType::kString, true},
                              {"accessToken", ZodType::kString, true},
                              {"refreshToken", ZodType::kString, true},
                              {"expiresAt", ZodType::kNumber, true},
                              {"user", ZodType::kObject, true, false, user}}});
}

ObjectSchema sign_in_social_schema() {
  return ObjectSchema{
      .fields = {{"callbackURL", ZodType::kString, true},
                 {"newUserCallbackURL", ZodType::kString, true},
                 {"errorCallbackURL", ZodType::kString, true},
                 {"provider", ZodType::kStringUnion},
                 {"disableRedirect", ZodType::kBoolean, true},
                 {"idToken", ZodType::kObject, true, false, sign_in_id_token_schema()},
                 {"scopes", ZodType::kStringArray, true},
                 {"requestSignUp", ZodType::kBoolean, true},
                 {"loginHint", ZodType::kString, true},
                 {"additionalData", ZodType::kRecord, true}}};
}

ObjectSchema link_social_schema() {
  auto id_token = std::make_shared<const ObjectSchema>(
      ObjectSchema{.fields = {{"token", ZodType::kString},
                              {"nonce", ZodType::kString, true},
                              {"accessToken", ZodType::kString, true},
                              {"refreshToken", ZodType::kString, true},
                              {"scopes", ZodType::kStringArray, true}}});
  return ObjectSchema{.fields = {{"callbackURL", ZodType::kString, true},
                                 {"provider", ZodType::kStringUnion},
                                 {"idToken", ZodType::kObject, true, false, id_token},
                                 {"requestSignUp", ZodType::kBoolean, true},
                                 {"scopes", ZodType::kStringArray, true},
                                 {"errorCallbackURL", ZodType::kString, true},
                                 {"disableRedirect", ZodType::kBoolean, true},
                                 {"additionalData", ZodType::kRecord, true}}};
}

ObjectSchema provider_token_schema() {
  return ObjectSchema{.fields = {{"providerId", ZodType::kString},
                                 {"accountId", ZodType::kString, true},
                                 {"userId", ZodType::kString, true}}};
}

}  // namespace

std::vector<Route> account_routes() {
  std::vector<Route> routes;
  routes.push_back({.method = "POST",
                    .path = "/sign-in/social",
                    .handler = provider_not_found,
                    .body_schema = sign_in_social_schema()});
  // GET reads the query; POST (form_post) also takes a form or JSON body.
  routes.push_back({.method = "GET",
                    .path = "/callback/:id",
                    .handler = callback_get,
                    .query_schema = callback_schema()});
  routes.push_back({.method = "POST",
                    .path = "/callback/:id",
                    .handler = callback_post,
                    .body_schema = callback_schema(),
                    .query_schema = callback_schema(),
                    .accepts_form = true});
  routes.push_back({.method = "POST",
                    .path = "/verify-password",
                    .handler = verify_password,
                    .body_schema = ObjectSchema{.fields = {{"password", ZodType::kString}}},
                    .session = SessionRequirement::kSensitive});
  routes.push_back({.method = "POST",
                    .path = "/update-session",
                    .handler = update_session,
                    .body_schema = ObjectSchema{.fields = {}, .record_only = true},
                    .session = SessionRequirement::kSession});
  routes.push_back({.method = "POST",
                    .path = "/link-social",
                    .handler = provider_not_found,
                    .body_schema = link_social_schema(),
                    .session = SessionRequirement::kSession});
  routes.push_back({.method = "GET",
                    .path = "/list-accounts",
                    .handler = list_accounts,
                    .session = SessionRequirement::kSession});
  routes.push_back({.method = "POST",
                    .path = "/unlink-account",
                    .handler = unlink_account,
                    .body_schema = ObjectSchema{.fields = {{"providerId", ZodType::kString},
                                                           {"accountId", ZodType::kString, true}}},
                    .session = SessionRequirement::kFresh});
  routes.push_back({.method = "POST",
                    .path = "/refresh-token",
                    .handler = provider_token,
                    .body_schema = provider_token_schema()});
  routes.push_back({.method = "POST",
                    .path = "/get-access-token",
                    .handler = provider_token,
                    .body_schema = provider_token_schema()});
  routes.push_back({.method = "GET",
                    .path = "/account-info",
                    .handler = account_info,
                    .query_schema = ObjectSchema{.fields = {{"accountId", ZodType::kString, true},
                                                            {"providerId", ZodType::kString, true},
                                                            {"userId", ZodType::kString, true}}}});
  return routes;
}

}  // namespace authref

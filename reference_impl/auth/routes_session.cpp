// POST /sign-in/email, POST /sign-out, GET /list-sessions, POST
// /revoke-session, /revoke-sessions and /revoke-other-sessions
// (better-auth 1.6.34 dist/api/routes/sign-in.mjs, sign-out.mjs, session.mjs;
// spec/better-auth-wire.md §2.2-§2.8).
//
// Where 1.6.34 differs from the 1.7 spec text, the 1.6.34 code and the
// transcripts win: sign-in checks no password length (a 200-character
// password is a plain 401), and revoke-session / revoke-sessions leave the
// caller's cookies alone even when they revoke its own session.
#include <exception>

#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/api_error.h"
#include "auth/cookies.h"
#include "auth/email_verification_token.h"
#include "auth/password_hasher.h"
#include "auth/routes.h"
#include "auth/sessions.h"
#include "authconf/encoding.h"

namespace authref {
namespace {

ApiError invalid_email_or_password() {
  return ApiError::coded(401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password");
}

// internalAdapter.deleteSession: deleteWithHooks on the token.
void delete_session(AuthAdapter& adapter, const std::string& token) {
  adapter.remove_with_hooks("session", {{"token", token}});
}

// The mail of emailVerification.sendOnSignIn, sent before the 403.
void send_sign_in_verification(EndpointContext& ctx, const Json& user) {
  const AuthOptions& options = ctx.services.options;
  const std::string& email = user.at("email").get_ref<const std::string&>();
  const std::string token =
      create_email_verification_token(options.secret, email, ctx.services.sessions.now_ms() / 1000,
                                      options.verification_expires_in_s);
  // `ctx.body.callbackURL ? encodeURIComponent(callbackURL) : encodeURIComponent("/")`
  const Json* callback = ctx.body_field("callbackURL");
  const std::string callback_url =
      callback && callback->is_string() && !callback->get_ref<const std::string&>().empty()
          ? callback->get_ref<const std::string&>()
          : std::string("/");
  const std::string url = options.base_url + options.base_path + "/verify-email?token=" + token +
                          "&callbackURL=" + authconf::encode_uri_component(callback_url);
  ctx.services.app.outbox().append(OutboxKind::kVerifyEmail, email, url, token);
}

void sign_in_email(EndpointContext& ctx) {
  const AuthOptions& options = ctx.services.options;
  AuthAdapter& adapter = ctx.services.adapter;
  PasswordHasher& hasher = ctx.services.hasher;
  const std::string& email = ctx.body.at("email").get_ref<const std::string&>();
  const std::string& password = ctx.body.at("password").get_ref<const std::string&>();
  // `z.email().safeParse(email)` inside the handler: INVALID_EMAIL, not a
  // VALIDATION_ERROR as on sign-up.
  if (!is_zod_email(email)) throw ApiError::coded(400, "INVALID_EMAIL", "Invalid email");

  // findUserByEmail(email, {includeAccounts: true}): the Convex adapter has
  // no joins, so the factory's fallback reads the user, then its accounts
  // (findMany, limit 100): two component calls.
  auto user = adapter.find_one("user", {{"email", http::to_lower_ascii(email)}});
  if (!user) {
    // A hash nobody needs, so that an unknown email costs what a known one does.
    hasher.hash(password);
    throw invalid_email_or_password();
  }
  const std::vector<Json> accounts = adapter.find_many("account", {{"userId", user->at("id")}});
  const Json* credential = nullptr;
  for (const Json& account : accounts) {
    if (account.value("providerId", "") == "credential") {
      credential = &account;
      break;
    }
  }
  const auto stored = [&]() -> const std::string* {
    if (!credential) return nullptr;
    auto it = credential->find("password");
    if (it == credential->end() || !it->is_string() || it->get_ref<const std::string&>().empty())
      return nullptr;
    return &it->get_ref<const std::string&>();
  }();
  if (!stored) {
    hasher.hash(password);
    throw invalid_email_or_password();
  }
  if (!hasher.verify(password, *stored)) throw invalid_email_or_password();

  const auto verified = user->find("emailVerified");
  const bool email_verified = verified != user->end() && *verified == true;
  if (options.require_email_verification && !email_verified) {
    if (options.send_verification_on_sign_in) send_sign_in_verification(ctx, *user);
    throw ApiError::coded(403, "EMAIL_NOT_VERIFIED", "Email not verified");
  }
  const Json* remember = ctx.body_field("rememberMe");
  const bool dont_remember = remember && remember->is_boolean() && !remember->get<bool>();
  Json session = ctx.services.sessions.create(ctx, user->at("id"), dont_remember);
  ctx.services.sessions.set_session_cookie(ctx, {session, *user}, dont_remember);

  // `redirect: !!callbackURL`, `url: callbackURL` (left out when absent, ""
  // kept), and a Location header only for a non-empty one; still a 200.
  const Json* callback = ctx.body_field("callbackURL");
  const bool redirect =
      callback && callback->is_string() && !callback->get_ref<const std::string&>().empty();
  if (redirect) ctx.response_headers.set("location", callback->get_ref<const std::string&>());
  Json body = Json::object();
  body["redirect"] = redirect;
  body["token"] = session.at("token");
  if (callback) body["url"] = *callback;
  body["user"] = user_output(ctx.services, *user);
  ctx.json_body = std::move(body);
}

void sign_out(EndpointContext& ctx) {
  Sessions& sessions = ctx.services.sessions;
  if (auto token = sessions.signed_cookie(ctx, ctx.services.cookies.session_token())) {
    try {
      delete_session(ctx.services.adapter, *token);
    } catch (const AdapterError&) {
      // "Failed to delete session from database" is logged; the answer is
      // still a success and the cookies are still cleared.
    }
  }
  sessions.delete_session_cookie(ctx);
  ctx.json_body = Json{{"success", true}};
}

bool session_active(const Json& session, std::int64_t now) {
  // `session.expiresAt > new Date()`
  return session.at("expiresAt").get<double>() > static_cast<double>(now);
}

void list_sessions(EndpointContext& ctx) {
  const std::int64_t now = ctx.services.sessions.now_ms();
  std::vector<Json> rows;
  try {
    // listSessions(userId, {onlyActiveSessions: true}).
    rows = ctx.services.adapter.find_many(
        "session", {{"userId", ctx.session->user.at("id")}, {"expiresAt", now, "gt"}});
  } catch (const AdapterError&) {
    // `throw ctx.error("INTERNAL_SERVER_ERROR")`: 500, no body.
    throw ApiError::bodiless(500);
  }
  Json out = Json::array();
  for (const Json& row : rows) {
    if (session_active(row, now)) out.push_back(session_output(ctx.services, row));
  }
  ctx.json_body = std::move(out);
}

ApiError internal_server_error() {
  return ApiError::coded(500, "INTERNAL_SERVER_ERROR", "Internal Server Error");
}

void revoke_session(EndpointContext& ctx) {
  const std::string& token = ctx.body.at("token").get_ref<const std::string&>();
  // findSession: another user's token (or none) is silently ignored.
  auto found = ctx.services.sessions.find(token);
  if (found && found->session.at("userId") == ctx.session->user.at("id")) {
    try {
      delete_session(ctx.services.adapter, token);
    } catch (const AdapterError&) {
      throw internal_server_error();
    }
  }
  ctx.json_body = Json{{"status", true}};
}

void revoke_sessions(EndpointContext& ctx) {
  try {
    // deleteUserSessions: deleteManyWithHooks on userId.
    ctx.services.adapter.remove_many_with_hooks("session",
                                                {{"userId", ctx.session->user.at("id")}});
  } catch (const AdapterError&) {
    throw internal_server_error();
  }
  ctx.json_body = Json{{"status", true}};
}

void revoke_other_sessions(EndpointContext& ctx) {
  AuthAdapter& adapter = ctx.services.adapter;
  const std::int64_t now = ctx.services.sessions.now_ms();
  const Json& current_token = ctx.session->session.at("token");
  // listSessions(userId) without the expiry filter; errors are a plain 500.
  std::vector<std::string> others;
  for (const Json& row : adapter.find_many("session", {{"userId", ctx.session->user.at("id")}})) {
    if (session_active(row, now) && row.at("token") != current_token) {
      others.push_back(row.at("token").get<std::string>());
    }
  }
  // `Promise.all(others.map(deleteSession))`: every deletion starts (each
  // reads before it deletes) even if one of them fails; the first failure
  // is the 500.
  std::vector<std::string> found;
  for (const std::string& token : others) {
    try {
      if (!adapter.find_many("session", {{"token", token}}, 1).empty()) found.push_back(token);
    } catch (const AdapterError&) {
    }
  }
  std::exception_ptr failure;
  for (const std::string& token : found) {
    try {
      adapter.remove("session", {{"token", token}});
    } catch (const AdapterError&) {
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  ctx.json_body = Json{{"status", true}};
}

const ObjectSchema& sign_in_schema() {
  static const ObjectSchema schema{.fields = {{"email", ZodType::kString},
                                              {"password", ZodType::kString},
                                              {"callbackURL", ZodType::kString, true},
                                              {"rememberMe", ZodType::kBoolean, true}}};
  return schema;
}

}  // namespace

std::vector<Route> session_routes() {
  std::vector<Route> routes;
  routes.push_back({.method = "POST",
                    .path = "/sign-in/email",
                    .handler = sign_in_email,
                    .body_schema = sign_in_schema(),
                    .accepts_form = true,
                    .form_csrf = true});
  routes.push_back({.method = "POST", .path = "/sign-out", .handler = sign_out});
  routes.push_back({.method = "GET",
                    .path = "/list-sessions",
                    .handler = list_sessions,
                    .session = SessionRequirement::kFresh});
  routes.push_back({.method = "POST",
                    .path = "/revoke-session",
                    .handler = revoke_session,
                    .body_schema = ObjectSchema{.fields = {{"token", ZodType::kString}}},
                    .session = SessionRequirement::kSensitive});
  routes.push_back({.method = "POST",
                    .path = "/revoke-sessions",
                    .handler = revoke_sessions,
                    .session = SessionRequirement::kSensitive});
  routes.push_back({.method = "POST",
                    .path = "/revoke-other-sessions",
                    .handler = revoke_other_sessions,
                    .session = SessionRequirement::kSensitive});
  return routes;
}

}  // namespace authref

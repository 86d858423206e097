// GET /ok, POST /sign-up/email and GET /get-session
// (better-auth dist/api/routes/ok.mjs, sign-up.mjs, session.mjs).
#include <cmath>

#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/api_error.h"
#include "auth/email_verification_token.h"
#include "auth/models.h"
#include "auth/password_hasher.h"
#include "auth/random_id.h"
#include "auth/routes.h"
#include "auth/sessions.h"
#include "authconf/encoding.h"

namespace authref {

Json user_output(const AuthServices& services, const Json& user) {
  return to_wire("user", user, services.options.dates);
}

Json session_output(const AuthServices& services, const Json& session) {
  return to_wire("session", session, services.options.dates);
}

namespace {

void ok(EndpointContext& ctx) { ctx.json_body = Json{{"ok", true}}; }

// Sends the verification mail of sign-up (emailVerification.sendOnSignUp):
// the reference's sendVerificationEmail writes to the outbox.
void send_sign_up_verification(EndpointContext& ctx, const Json& user) {
  const AuthOptions& options = ctx.services.options;
  const std::string& email = user.at("email").get_ref<const std::string&>();
  const std::int64_t now_s = ctx.services.sessions.now_ms() / 1000;
  const std::string token = create_email_verification_token(options.secret, email, now_s,
                                                            options.verification_expires_in_s);
  const Json* callback = ctx.body_field("callbackURL");
  const std::string callback_url =
      callback && callback->is_string() && !callback->get_ref<const std::string&>().empty()
          ? authconf::encode_uri_component(callback->get_ref<const std::string&>())
          : authconf::encode_uri_component("/");
  const std::string url = options.base_url + options.base_path + "/verify-email?token=" + token +
                          "&callbackURL=" + callback_url;
  ctx.services.app.outbox().append(OutboxKind::kVerifyEmail, email, url, token);
}

void sign_up_email(EndpointContext& ctx) {
  const AuthOptions& options = ctx.services.options;
  const Json& body = ctx.body;
  const std::string& email = body.at("email").get_ref<const std::string&>();
  const std::string& password = body.at("password").get_ref<const std::string&>();
  auto length = authconf::utf16_length(password);
  const std::size_t units = length ? *length : password.size();
  if (units < options.min_password_length) {
    throw ApiError::coded(400, "PASSWORD_TOO_SHORT", "Password too short");
  }
  if (units > options.max_password_length) {
    throw ApiError::coded(400, "PASSWORD_TOO_LONG", "Password too long");
  }
  const bool generic_duplicate = options.require_email_verification;
  const std::string normalized = http::to_lower_ascii(email);
  AuthAdapter& adapter = ctx.services.adapter;
  if (adapter.find_one("user", {{"email", normalized}})) {
    if (!generic_duplicate) {
      throw ApiError::coded(422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
                            "User already exists. Use another email.");
    }
    // Same work and the same shape as a real sign-up, so that a duplicate
    // does not reveal itself (spec/better-auth-wire.md §2.1).
    ctx.services.hasher.hash(password);
    const std::int64_t now = ctx.services.sessions.now_ms();
    Json synthetic = Json::object();
    synthetic["name"] = body.at("name");
    synthetic["email"] = normalized;
    synthetic["emailVerified"] = false;
    const Json* image = ctx.body_field("image");
    synthetic["image"] = image ? *image : Json(nullptr);
    synthetic["createdAt"] = now;
    synthetic["updatedAt"] = now;
    // buildSyntheticUserOutput (db/schema.mjs:39-51) writes every optional
    // user field of the schema as null: the convex plugin declares
    // `user.userId`, so it appears (a real new user has no such key).
    if (ctx.services.convex != nullptr) synthetic["userId"] = nullptr;
    synthetic["id"] = random_id(32);
    // The synthetic user never passes the adapter: its dates are JavaScript
    // Dates, which JSON writes as ISO strings even where the adapter's users
    // carry epoch-ms numbers (Convex) (sign-up.mjs:176-205, `new Date()`).
    ctx.json_body = Json{{"token", nullptr}, {"user", to_wire("user", synthetic, DatesMode::kIso)}};
    return;
  }
  const std::string hash = ctx.services.hasher.hash(password);
  const std::int64_t now = ctx.services.sessions.now_ms();
  Json data = Json::object();
  data["name"] = body.at("name");
  data["email"] = normalized;
  data["emailVerified"] = false;
  if (const Json* image = ctx.body_field("image")) data["image"] = *image;
  data["createdAt"] = now;
  data["updatedAt"] = now;
  Json user;
  try {
    // One commit: the user row and whatever its triggers wrote.
    user = adapter.create("user", data);
  } catch (const AdapterError&) {
    throw ApiError::coded(422, "FAILED_TO_CREATE_USER", "Failed to create user");
  }
  // A second commit: a throw here (an account trigger) is a 500 with the
  // user already stored, as on a real deployment (spec/convex-component.md §5.3).
  Json account = Json::object();
  account["accountId"] = user.at("id");
  account["providerId"] = "credential";
  account["userId"] = user.at("id");
  account["password"] = hash;
  account["createdAt"] = ctx.services.sessions.now_ms();
  account["updatedAt"] = account["createdAt"];
  adapter.create("account", account);
  if (options.send_verification_on_sign_up || options.require_email_verification) {
    send_sign_up_verification(ctx, user);
  }
  if (options.require_email_verification) {
    ctx.json_body = Json{{"token", nullptr}, {"user", user_output(ctx.services, user)}};
    return;
  }
  const Json* remember = ctx.body_field("rememberMe");
  const bool dont_remember = remember && remember->is_boolean() && !remember->get<bool>();
  // The third commit.
  Json session = ctx.services.sessions.create(ctx, user.at("id"), dont_remember);
  ctx.services.sessions.set_session_cookie(ctx, {session, user}, dont_remember);
  ctx.json_body = Json{{"token", session.at("token")}, {"user", user_output(ctx.services, user)}};
}

void get_session(EndpointContext& ctx) {
  ctx.response_headers.set("cache-control", "no-store");
  ctx.response_headers.set("pragma", "no-cache");
  if (ctx.method == "POST") {
    throw ApiError::coded(
        405, "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
        "POST method requires deferSessionRefresh to be enabled in session config");
  }
  auto found = ctx.services.sessions.resolve(ctx, ctx.query_truthy("disableRefresh"));
  ctx.session_resolved = true;
  if (!found) {
    ctx.json_body = Json(nullptr);
    return;
  }
  ctx.json_body = Json{{"session", session_output(ctx.services, found->session)},
                       {"user", user_output(ctx.services, found->user)}};
}

const ObjectSchema& sign_up_schema() {
  static const ObjectSchema schema{.fields = {{"name", ZodType::kString},
                                              {"email", ZodType::kEmail},
                                              {"password", ZodType::kString, false, true},
                                              {"image", ZodType::kString, true},
                                              {"callbackURL", ZodType::kString, true},
                                              {"rememberMe", ZodType::kBoolean, true}},
                                   .and_record = true};
  return schema;
}

}  // namespace

std::vector<Route> core_routes() {
  std::vector<Route> routes;
  routes.push_back({.method = "GET", .path = "/ok", .handler = ok});
  routes.push_back({.method = "POST",
                    .path = "/sign-up/email",
                    .handler = sign_up_email,
                    .body_schema = sign_up_schema(),
                    .accepts_form = true,
                    .form_csrf = true});
  const ObjectSchema get_session_query{
      .fields = {{"disableCookieCache", ZodType::kCoerceBoolean, true},
                 {"disableRefresh", ZodType::kCoerceBoolean, true}}};
  for (const char* method : {"GET", "POST"}) {
    routes.push_back({.method = method,
                      .path = "/get-session",
                      .handler = get_session,
                      .query_schema = get_session_query});
  }
  return routes;
}

}  // namespace authref

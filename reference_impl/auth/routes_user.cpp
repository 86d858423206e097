// POST /update-user, /change-password, /change-email, /delete-user and GET
// /delete-user/callback (better-auth 1.6.34 dist/api/routes/update-user.mjs;
// spec/better-auth-wire.md §2.9-§2.12).
//
// Every Better Auth database operation is its own component call, so a
// delete-user is a string of commits (sessions, accounts, the user, then the
// sessions again) and a fault between two of them leaves the rest in place,
// as on a real deployment.
#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/api_error.h"
#include "auth/email_verification_token.h"
#include "auth/password_hasher.h"
#include "auth/routes.h"
#include "auth/sessions.h"
#include "authconf/encoding.h"

namespace authref {
namespace {

// JavaScript truthiness of a body value (nullptr: undefined).
bool truthy(const Json* value) {
  if (!value || value->is_null()) return false;
  if (value->is_boolean()) return value->get<bool>();
  if (value->is_number()) {
    const double number = value->get<double>();
    return number == number && number != 0;
  }
  if (value->is_string()) return !value->get_ref<const std::string&>().empty();
  return true;
}

const Json& user_id(const EndpointContext& ctx) { return ctx.session->user.at("id"); }

// The user's credential account with a password, from findAccounts
// (findMany on userId, limit 100), or nullopt.
std::optional<Json> credential_account(EndpointContext& ctx) {
  for (Json& account : ctx.services.adapter.find_many("account", {{"userId", user_id(ctx)}})) {
    if (account.value("providerId", "") != "credential") continue;
    if (truthy(account.contains("password") ? &account.at("password") : nullptr)) {
      return std::move(account);
    }
  }
  return std::nullopt;
}

const std::string& stored_password(const Json& account) {
  return account.at("password").get_ref<const std::string&>();
}

std::string verify_email_url(const AuthOptions& options, const std::string& token,
                             const Json* callback) {
  // `encodeURIComponent(ctx.body.callbackURL || "/")`
  const std::string target = truthy(callback) ? callback->get<std::string>() : std::string("/");
  return options.base_url + options.base_path + "/verify-email?token=" + token +
         "&callbackURL=" + authconf::encode_uri_component(target);
}

void update_user(EndpointContext& ctx) {
  // The body passed z.record(z.string(), z.any()): it is an object.
  if (truthy(ctx.body_field("email"))) {
    throw ApiError::coded(400, "EMAIL_CAN_NOT_BE_UPDATED", "Email can not be updated");
  }
  // Only name and image are inputs (no additional fields are declared);
  // `null` counts as a value, other keys (emailVerified, id, ...) are dropped.
  const Json* name = ctx.body_field("name");
  const Json* image = ctx.body_field("image");
  if (!name && !image) throw ApiError::message_only(400, "No fields to update");
  Json update = Json::object();
  if (name) update["name"] = *name;
  if (image) update["image"] = *image;
  update["updatedAt"] = ctx.services.sessions.now_ms();  // the field's onUpdate
  auto updated = ctx.services.adapter.update("user", {{"id", user_id(ctx)}}, update);
  Json user = ctx.session->user;
  if (updated) {
    user = std::move(*updated);
  } else {
    if (name) user["name"] = *name;
    if (image) user["image"] = *image;
  }
  // The session cookie is written again (same token, a fresh Max-Age).
  ctx.services.sessions.set_session_cookie(ctx, {ctx.session->session, user});
  ctx.json_body = Json{{"status", true}};
}

void change_password(EndpointContext& ctx) {
  const AuthOptions& options = ctx.services.options;
  PasswordHasher& hasher = ctx.services.hasher;
  const std::string& new_password = ctx.body.at("newPassword").get_ref<const std::string&>();
  const std::string& current_password =
      ctx.body.at("currentPassword").get_ref<const std::string&>();
  // `.length`: UTF-16 code units of the raw password.
  auto length = authconf::utf16_length(new_password);
  const std::size_t units = length ? *length : new_password.size();
  if (units < options.min_password_length) {
    throw ApiError::coded(400, "PASSWORD_TOO_SHORT", "Password too short");
  }
  if (units > options.max_password_length) {
    throw ApiError::coded(400, "PASSWORD_TOO_LONG", "Password too long");
  }
  auto account = credential_account(ctx);
  if (!account) {
    throw ApiError::coded(400, "CREDENTIAL_ACCOUNT_NOT_FOUND", "Credential account not found");
  }
  // The new hash is computed before the current password is checked.
  const std::string hash = hasher.hash(new_password);
  if (!hasher.verify(current_password, stored_password(*account))) {
    throw ApiError::coded(400, "INVALID_PASSWORD", "Invalid password");
  }
  Json update = Json::object();
  update["password"] = hash;
  update["updatedAt"] = ctx.services.sessions.now_ms();
  ctx.services.adapter.update("account", {{"id", account->at("id")}}, update);
  Json token = nullptr;
  const Json* revoke = ctx.body_field("revokeOtherSessions");
  if (truthy(revoke)) {
    // Despite the name, every session goes, the current one included; a
    // new one takes its place (spec/transcripts §8).
    ctx.services.adapter.remove_many_with_hooks("session", {{"userId", user_id(ctx)}});
    Json session = ctx.services.sessions.create(ctx, user_id(ctx), false);
    // No dontRememberMe argument: the request's dont_remember cookie decides.
    ctx.services.sessions.set_session_cookie(ctx, {session, ctx.session->user});
    token = session.at("token");
  }
  ctx.json_body = Json{{"token", token}, {"user", user_output(ctx.services, ctx.session->user)}};
}

void change_email(EndpointContext& ctx) {
  const AuthOptions& options = ctx.services.options;
  if (!options.change_email) {
    throw ApiError::coded(400, "CHANGE_EMAIL_DISABLED", "Change email is disabled");
  }
  const Json& user = ctx.session->user;
  const std::string& current_email = user.at("email").get_ref<const std::string&>();
  // z.email() admits ASCII only, so toLowerCase() is ASCII lower-casing.
  const std::string new_email =
      http::to_lower_ascii(ctx.body.at("newEmail").get_ref<const std::string&>());
  if (new_email == current_email) throw ApiError::message_only(400, "Email is the same");
  const bool verified = user.contains("emailVerified") && user.at("emailVerified") == true;
  // The reference always has sendVerificationEmail (the outbox), so the
  // "Verification email isn't enabled" refusal cannot happen here.
  const bool update_without_verification = !verified && options.update_email_without_verification;
  const bool send_confirmation = verified && options.change_email_confirmation;
  AuthAdapter& adapter = ctx.services.adapter;
  const std::int64_t now_s = ctx.services.sessions.now_ms() / 1000;
  const Json* callback = ctx.body_field("callbackURL");
  Outbox& outbox = ctx.services.app.outbox();

  // A taken address gets the same 200 and nothing happens (anti-enumeration).
  if (adapter.find_one("user", {{"email", new_email}})) {
    ctx.json_body = Json{{"status", true}};
    return;
  }
  if (update_without_verification) {
    Json update = Json::object();
    update["email"] = new_email;
    update["updatedAt"] = ctx.services.sessions.now_ms();
    // updateUserByEmail: the row is found by its current address.
    adapter.update("user", {{"email", current_email}}, update);
    Json changed = user;
    changed["email"] = new_email;
    ctx.services.sessions.set_session_cookie(ctx, {ctx.session->session, changed});
    const std::string token = create_email_verification_token(options.secret, new_email, now_s,
                                                              options.verification_expires_in_s);
    outbox.append(OutboxKind::kVerifyEmail, new_email, verify_email_url(options, token, callback),
                  token);
    ctx.json_body = Json{{"status", true}};
    return;
  }
  if (send_confirmation) {
    // sendChangeEmailConfirmation: to the current address, which must
    // approve before the new one is even asked.
    const std::string token = create_email_verification_token(
        options.secret, current_email, now_s, options.verification_expires_in_s, new_email,
        std::string("change-email-confirmation"));
    outbox.append(OutboxKind::kChangeEmail, current_email,
                  verify_email_url(options, token, callback), token);
    ctx.json_body = Json{{"status", true}};
    return;
  }
  // sendVerificationEmail to the new address.
  const std::string token = create_email_verification_token(
      options.secret, current_email, now_s, options.verification_expires_in_s, new_email,
      std::string("change-email-verification"));
  outbox.append(OutboxKind::kVerifyEmail, new_email, verify_email_url(options, token, callback),
                token);
  ctx.json_body = Json{{"status", true}};
}

// internalAdapter.deleteUser: the sessions, the accounts, then the user,
// each through its with-hooks wrapper: separate commits.
void delete_user_rows(AuthAdapter& adapter, const Json& id) {
  adapter.remove_many_with_hooks("session", {{"userId", id}});
  adapter.remove_many_with_hooks("account", {{"userId", id}});
  adapter.remove_with_hooks("user", {{"id", id}});
}

// The body of deleteUserCallback once the session is known: the token must
// name this user's pending deletion; then everything goes.
void delete_with_token(EndpointContext& ctx, const std::string& token) {
  AuthAdapter& adapter = ctx.services.adapter;
  auto row =
      adapter.consume_verification_value("delete-account-" + token, ctx.services.sessions.now_ms());
  if (!row || row->value("value", Json()) != user_id(ctx)) {
    throw ApiError::coded(404, "INVALID_TOKEN", "Invalid token");
  }
  const Json id = user_id(ctx);
  delete_user_rows(adapter, id);
  adapter.remove_many_with_hooks("session", {{"userId", id}});  // deleteUserSessions
  adapter.remove_many_with_hooks("account", {{"userId", id}});  // deleteAccounts
}

const char* const kUserDeleted = "User deleted";

void delete_user(EndpointContext& ctx) {
  const AuthOptions& options = ctx.services.options;
  // APIError.fromStatus("NOT_FOUND"): 404, no body, after the session check.
  if (!options.delete_user) throw ApiError::bodiless(404);
  const Json* password = ctx.body_field("password");
  if (truthy(password)) {
    auto account = credential_account(ctx);
    if (!account) {
      throw ApiError::coded(400, "CREDENTIAL_ACCOUNT_NOT_FOUND", "Credential account not found");
    }
    if (!ctx.services.hasher.verify(password->get_ref<const std::string&>(),
                                    stored_password(*account))) {
      throw ApiError::coded(400, "INVALID_PASSWORD", "Invalid password");
    }
  }
  const Json* token = ctx.body_field("token");
  if (truthy(token)) {
    // The endpoint calls deleteUserCallback as a function: its cookie
    // deletions stay in that inner call, so this answer clears no cookie.
    delete_with_token(ctx, token->get<std::string>());
    ctx.json_body = Json{{"success", true}, {"message", kUserDeleted}};
    return;
  }
  // Without a password the session must be fresh (freshAge 0 disables it).
  if (!truthy(password) && options.session_fresh_age_s != 0) {
    const double created = ctx.session->session.at("createdAt").get<double>();
    if (static_cast<double>(ctx.services.sessions.now_ms()) - created >=
        static_cast<double>(options.session_fresh_age_s) * 1000) {
      throw ApiError::coded(400, "SESSION_EXPIRED",
                            "Session expired. Re-authenticate to perform this action.");
    }
  }
  const Json id = user_id(ctx);
  delete_user_rows(ctx.services.adapter, id);
  ctx.services.adapter.remove_many_with_hooks("session", {{"userId", id}});  // deleteUserSessions
  ctx.services.sessions.delete_session_cookie(ctx);
  ctx.json_body = Json{{"success", true}, {"message", kUserDeleted}};
}

void delete_user_callback(EndpointContext& ctx) {
  if (!ctx.services.options.delete_user) {
    throw ApiError::coded(404, "NOT_FOUND", "Not found");
  }
  // getSessionFromCtx, not a middleware: no session is a 404 here.
  if (!ctx.services.sessions.current(ctx)) {
    throw ApiError::coded(404, "FAILED_TO_GET_USER_INFO", "Failed to get user info");
  }
  delete_with_token(ctx, ctx.query.at("token").get<std::string>());
  ctx.services.sessions.delete_session_cookie(ctx);
  const Json* callback = ctx.query_field("callbackURL");
  if (truthy(callback)) {
    ctx.redirect(callback->get<std::string>());
    return;
  }
  ctx.json_body = Json{{"success", true}, {"message", kUserDeleted}};
}

}  // namespace

std::vector<Route> user_routes() {
  std::vector<Route> routes;
  routes.push_back({.method = "POST",
                    .path = "/update-user",
                    .handler = update_user,
                    .body_schema = ObjectSchema{.fields = {}, .record_only = true},
                    .session = SessionRequirement::kSession});
  routes.push_back(
      {.method = "POST",
       .path = "/change-password",
       .handler = change_password,
       .body_schema = ObjectSchema{.fields = {{"newPassword", ZodType::kString},
                                              {"currentPassword", ZodType::kString},
                                              {"revokeOtherSessions", ZodType::kBoolean, true}}},
       .session = SessionRequirement::kSensitive});
  routes.push_back(
      {.method = "POST",
       .path = "/change-email",
       .handler = change_email,
       .body_schema = ObjectSchema{.fields = {{"newEmail", ZodType::kEmail},
                                              {"callbackURL", ZodType::kString, true}}},
       .session = SessionRequirement::kSensitive});
  routes.push_back({.method = "POST",
                    .path = "/delete-user",
                    .handler = delete_user,
                    .body_schema = ObjectSchema{.fields = {{"callbackURL", ZodType::kString, true},
                                                           {"password", ZodType::kString, true},
                                                           {"token", ZodType::kString, true}}},
                    .session = SessionRequirement::kSensitive});
  routes.push_back(
      {.method = "GET",
       .path = "/delete-user/callback",
       .handler = delete_user_callback,
       .query_schema = ObjectSchema{.fields = {{"token", ZodType::kString},
                                               {"callbackURL", ZodType::kString, true}}},
       .checked_query_urls = {"callbackURL"}});
  return routes;
}

}  // namespace authref

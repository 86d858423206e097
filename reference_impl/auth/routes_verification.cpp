// POST /send-verification-email, GET /verify-email and GET /error, as
// better-auth 1.6.34 ships them (dist/api/routes/email-verification.mjs,
// dist/api/routes/error.mjs; spec/better-auth-wire.md §2.16-2.18).
//
// Verification tokens are not stored: the mail carries an HS256 JWT over
// {email, [updateTo], [requestType], iat, exp} (auth/email_verification_token.h),
// which GET /verify-email checks the way jose's jwtVerify does.
#include <cctype>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/api_error.h"
#include "auth/email_verification_token.h"
#include "auth/routes.h"
#include "auth/sessions.h"
#include "authconf/encoding.h"

namespace authref {
namespace {

// sendVerificationEmail without a session never answers in less than this:
// "Enforce a constant-time floor so an attacker cannot distinguish 'email
// not found / already verified' from 'email found and unverified'".
constexpr std::chrono::milliseconds kAnonymousFloor{500};

std::int64_t now_ms(const EndpointContext& ctx) { return ctx.services.sessions.now_ms(); }

std::string base_url(const AuthOptions& options) { return options.base_url + options.base_path; }

const std::string& string_at(const Json& record, const char* field) {
  return record.at(field).get_ref<const std::string&>();
}

// A query value that is a non-empty string (`if (ctx.query.callbackURL)`).
std::optional<std::string> query_string(const EndpointContext& ctx, std::string_view name) {
  const Json* value = ctx.query_field(name);
  if (!value || !value->is_string() || value->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return value->get<std::string>();
}

// createEmailVerificationToken(secret, email, updateTo, expiresIn, extra):
// the addresses lower-cased, iat now, exp iat + expiresIn.
std::string verification_token(const EndpointContext& ctx, std::string_view email,
                               std::int64_t expires_in_s,
                               const std::optional<std::string>& update_to = std::nullopt,
                               const std::optional<std::string>& request_type = std::nullopt) {
  std::optional<std::string> update;
  if (update_to) update = http::to_lower_ascii(*update_to);
  return create_email_verification_token(ctx.services.options.secret, http::to_lower_ascii(email),
                                         now_ms(ctx) / 1000, expires_in_s, update, request_type);
}

// The verify-email link: `${baseURL}/verify-email?token=...&callbackURL=...`
// with the callback URL (or "/") encodeURIComponent'd.
std::string verify_url(const EndpointContext& ctx, const std::string& token,
                       const std::optional<std::string>& callback) {
  return base_url(ctx.services.options) + "/verify-email?token=" + token +
         "&callbackURL=" + authconf::encode_uri_component(callback ? *callback : "/");
}

// sendVerificationEmailFn(ctx, user): the reference's sendVerificationEmail
// writes to the outbox.
void send_verification_email_fn(EndpointContext& ctx, const Json& user) {
  const std::string& email = string_at(user, "email");
  const std::string token =
      verification_token(ctx, email, ctx.services.options.verification_expires_in_s);
  std::optional<std::string> callback;
  if (const Json* value = ctx.body_field("callbackURL");
      value && value->is_string() && !value->get_ref<const std::string&>().empty()) {
    callback = value->get<std::string>();
  }
  ctx.services.app.outbox().append(OutboxKind::kVerifyEmail, email,
                                   verify_url(ctx, token, callback), token);
}

void send_verification_email(EndpointContext& ctx) {
  const std::string& email = string_at(ctx.body, "email");
  auto session = ctx.services.sessions.current(ctx);
  if (!session) {
    const auto start = std::chrono::steady_clock::now();
    auto user = ctx.services.adapter.find_one("user", {{"email", http::to_lower_ascii(email)}});
    std::exception_ptr error;
    if (!user || user->value("emailVerified", false)) {
      // Signs a token it throws away, as the real code does, so both
      // branches do comparable work.
      (void)verification_token(ctx, email, ctx.services.options.verification_expires_in_s);
    } else {
      try {
        send_verification_email_fn(ctx, *user);
      } catch (...) {
        error = std::current_exception();
      }
    }
    // Only this request waits; the server's other threads go on.
    std::this_thread::sleep_until(start + kAnonymousFloor);
    if (error) std::rethrow_exception(error);
    ctx.json_body = Json{{"status", true}};
    return;
  }
  if (http::to_lower_ascii(string_at(session->user, "email")) != http::to_lower_ascii(email)) {
    throw ApiError::coded(400, "EMAIL_MISMATCH", "Email mismatch");
  }
  if (session->user.value("emailVerified", false)) {
    throw ApiError::coded(400, "EMAIL_ALREADY_VERIFIED", "Email is already verified");
  }
  send_verification_email_fn(ctx, session->user);
  ctx.json_body = Json{{"status", true}};
}

// redirectOnError: to `callbackURL?error=CODE` (or `&error=` when it already
// has a query) when there is one, else 401 with the code.
void redirect_on_error(EndpointContext& ctx, const char* code, const char* message) {
  if (auto callback = query_string(ctx, "callbackURL")) {
    const char* separator = callback->find('?') != std::string::npos ? "&error=" : "?error=";
    ctx.redirect(*callback + separator + code);
    return;
  }
  throw ApiError::coded(401, code, message);
}

enum class TokenCheck { kValid, kInvalid, kExpired };

// jose's validateClaimsSet for jwtVerify(token, secret, {algorithms:
// ["HS256"]}): iat, nbf and exp must be numbers when present, nbf not in the
// future, exp strictly in the future (`exp <= now` is JWTExpired); only
// JWTExpired becomes TOKEN_EXPIRED.
TokenCheck check_claims(const Json& claims, std::int64_t now_s) {
  const auto bad = [&](const char* claim) {
    auto it = claims.find(claim);
    return it != claims.end() && !it->is_number();
  };
  const auto number = [&](const char* claim) -> std::optional<double> {
    auto it = claims.find(claim);
    if (it == claims.end()) return std::nullopt;
    return it->get<double>();
  };
  if (bad("iat") || bad("nbf")) return TokenCheck::kInvalid;
  if (auto nbf = number("nbf"); nbf && *nbf > static_cast<double>(now_s)) {
    return TokenCheck::kInvalid;
  }
  if (bad("exp")) return TokenCheck::kInvalid;
  if (auto exp = number("exp"); exp && *exp <= static_cast<double>(now_s)) {
    return TokenCheck::kExpired;
  }
  return TokenCheck::kValid;
}

struct VerificationClaims {
  std::string email;
  std::optional<std::string> update_to;
  std::optional<std::string> request_type;
};

// z.object({email: z.email(), updateTo: z.string().optional(), requestType:
// z.string().optional()}).parse(payload): a ZodError is no APIError, so the
// router answers 500 (only a token signed with the secret gets this far).
VerificationClaims parse_claims(const Json& claims) {
  const auto optional_string = [&](const char* name) -> std::optional<std::string> {
    auto it = claims.find(name);
    if (it == claims.end()) return std::nullopt;
    if (!it->is_string()) throw std::runtime_error(std::string("ZodError: ") + name);
    return it->get<std::string>();
  };
  auto email = claims.find("email");
  if (email == claims.end() || !email->is_string() ||
      !is_zod_email(email->get_ref<const std::string&>())) {
    throw std::runtime_error("ZodError: email");
  }
  return {email->get<std::string>(), optional_string("updateTo"), optional_string("requestType")};
}

// internalAdapter.updateUserByEmail: one updateOne on the lower-cased email,
// updatedAt filled by the schema's onUpdate; nullopt when nothing matched.
std::optional<Json> update_user_by_email(EndpointContext& ctx, const std::string& email,
                                         Json data) {
  if (auto it = data.find("email"); it != data.end()) {
    *it = http::to_lower_ascii(it->get_ref<const std::string&>());
  }
  data["updatedAt"] = now_ms(ctx);
  return ctx.services.adapter.update("user", {{"email", http::to_lower_ascii(email)}}, data);
}

Json user_or_null(EndpointContext& ctx, const std::optional<Json>& user) {
  return user ? user_output(ctx.services, *user) : Json(nullptr);
}

// The change-email flows of a token that carries updateTo.
void verify_email_change(EndpointContext& ctx, const VerificationClaims& claims, const Json& user) {
  const AuthOptions& options = ctx.services.options;
  auto session = ctx.services.sessions.current(ctx);
  if (session && string_at(session->user, "email") != claims.email) {
    return redirect_on_error(ctx, "INVALID_USER", "Invalid user");
  }
  const auto callback = query_string(ctx, "callbackURL");
  const std::string& update_to = *claims.update_to;
  if (claims.request_type == "change-email-confirmation") {
    // The old address confirmed: mail a verification link to the new one.
    const std::string token =
        verification_token(ctx, claims.email, options.verification_expires_in_s, update_to,
                           "change-email-verification");
    ctx.services.app.outbox().append(OutboxKind::kVerifyEmail, update_to,
                                     verify_url(ctx, token, callback), token);
    if (callback) return ctx.redirect(*callback);
    ctx.json_body = Json{{"status", true}};
    return;
  }
  // change-email-verification, and the legacy flow for any other type.
  const bool verified = claims.request_type == "change-email-verification";
  SessionAndUser active;
  if (session) {
    active = *session;
  } else {
    active = {ctx.services.sessions.create(ctx, user.at("id"), false), user};
  }
  auto updated = update_user_by_email(ctx, claims.email,
                                      Json{{"email", update_to}, {"emailVerified", verified}});
  if (!verified) {
    // The legacy flow mails the new address a plain verification link
    // (signed for the default hour, not emailVerification.expiresIn).
    const std::string token = verification_token(ctx, update_to, 3600);
    const Json& target = updated ? *updated : user;
    ctx.services.app.outbox().append(OutboxKind::kVerifyEmail, string_at(target, "email"),
                                     verify_url(ctx, token, callback), token);
  }
  Json cookie_user = active.user;
  cookie_user["email"] = update_to;
  cookie_user["emailVerified"] = verified;
  ctx.services.sessions.set_session_cookie(ctx, {active.session, cookie_user});
  if (callback) return ctx.redirect(*callback);
  ctx.json_body = Json{{"status", true}, {"user", user_or_null(ctx, updated)}};
}

void verify_email(EndpointContext& ctx) {
  const std::string& token = ctx.query.at("token").get_ref<const std::string&>();
  auto payload = verify_hs256_jwt(token, ctx.services.options.secret);
  if (!payload) return redirect_on_error(ctx, "INVALID_TOKEN", "Invalid token");
  switch (check_claims(*payload, now_ms(ctx) / 1000)) {
    case TokenCheck::kExpired:
      return redirect_on_error(ctx, "TOKEN_EXPIRED", "Token expired");
    case TokenCheck::kInvalid:
      return redirect_on_error(ctx, "INVALID_TOKEN", "Invalid token");
    case TokenCheck::kValid:
      break;
  }
  const VerificationClaims claims = parse_claims(*payload);
  // findUserByEmail: one findOne on the lower-cased address.
  auto user =
      ctx.services.adapter.find_one("user", {{"email", http::to_lower_ascii(claims.email)}});
  if (!user) return redirect_on_error(ctx, "USER_NOT_FOUND", "User not found");
  if (claims.update_to && !claims.update_to->empty()) {
    return verify_email_change(ctx, claims, *user);
  }
  const auto callback = query_string(ctx, "callbackURL");
  if (!user->value("emailVerified", false)) {
    // One updateOne; autoSignInAfterVerification is off in the reference.
    update_user_by_email(ctx, claims.email, Json{{"emailVerified", true}});
  }
  if (callback) return ctx.redirect(*callback);
  ctx.json_body = Json{{"status", true}, {"user", nullptr}};
}

// --- GET /error. Better Auth answers with its own styled HTML page; that
// markup is Better Auth's, so the reference serves a plain page of its own
// with what a client can rely on: 200, text/html, the sanitised code and the
// escaped description (or a generic sentence).
// sanitize(): < > " ' escaped, then every & that does not already start an
// entity (amp; lt; gt; quot; #39; #xHEX; #DEC;).
std::string sanitize(std::string_view input) {
  std::string escaped;
  for (char c : input) {
    switch (c) {
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  const auto starts_entity = [](std::string_view rest) {
    for (std::string_view named : {"amp;", "lt;", "gt;", "quot;", "#39;"}) {
      if (rest.starts_with(named)) return true;
    }
    const bool hex = rest.starts_with("#x");
    if (!hex && !rest.starts_with("#")) return false;
    std::size_t i = hex ? 2 : 1;
    const std::size_t digits_from = i;
    while (i < rest.size() && (hex ? std::isxdigit(static_cast<unsigned char>(rest[i]))
                                   : std::isdigit(static_cast<unsigned char>(rest[i])))) {
      ++i;
    }
    return i > digits_from && i < rest.size() && rest[i] == ';';
  };
  std::string out;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (escaped[i] == '&' && !starts_entity(std::string_view(escaped).substr(i + 1))) {
      out += "&amp;";
    } else {
      out += escaped[i];
    }
  }
  return out;
}

// url.searchParams.get(name): the first value, "" when absent.
std::string first_query_value(const EndpointContext& ctx, std::string_view name) {
  const Json* value = ctx.query_field(name);
  if (value && value->is_array() && !value->empty()) value = &value->front();
  return value && value->is_string() ? value->get<std::string>() : std::string();
}

// /^['A-Za-z0-9_-]+$/
bool is_safe_code(std::string_view code) {
  if (code.empty()) return false;
  for (char c : code) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '\'' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::string error_page(const std::string& code, const std::optional<std::string>& description) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Error</title>"
      "</head>\n<body>\n<h1>Error</h1>\n<p>Error code: <code>";
  page += sanitize(code);
  page += "</code></p>\n<p>";
  page += description ? *description
                      : std::string(
                            "We encountered an unexpected error. Please try again or "
                            "return to the home page.");
  page += "</p>\n</body>\n</html>\n";
  return page;
}

// GET /error?error=CODE&error_description=TEXT: the HTML page (NODE_ENV is
// not production and no onAPIError.errorURL is set in the reference).
void error(EndpointContext& ctx) {
  std::string code = first_query_value(ctx, "error");
  if (code.empty()) code = "UNKNOWN";
  if (!is_safe_code(code)) code = "UNKNOWN";
  const std::string raw_description = first_query_value(ctx, "error_description");
  std::optional<std::string> description;
  if (!raw_description.empty()) description = sanitize(raw_description);
  ctx.response_headers.set("content-type", "text/html");
  ctx.text_body = error_page(code, description);
}

}  // namespace

std::vector<Route> verification_routes() {
  std::vector<Route> routes;
  routes.push_back(
      {.method = "POST",
       .path = "/send-verification-email",
       .handler = send_verification_email,
       .body_schema = ObjectSchema{
           .fields = {{"email", ZodType::kEmail}, {"callbackURL", ZodType::kString, true}}}});
  // originCheck((ctx) => ctx.query.callbackURL) runs after validation.
  routes.push_back(
      {.method = "GET",
       .path = "/verify-email",
       .handler = verify_email,
       .query_schema = ObjectSchema{.fields = {{"token", ZodType::kString},
                                               {"callbackURL", ZodType::kString, true}}},
       .checked_query_urls = {"callbackURL"}});
  routes.push_back({.method = "GET", .path = "/error", .handler = error});
  return routes;
}

}  // namespace authref

#include "convex/convex_plugin.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "app/reference_app.h"
#include "auth/adapter.h"
#include "auth/api_error.h"
#include "auth/cookies.h"
#include "auth/models.h"
#include "auth/sessions.h"
#include "authconf/encoding.h"
#include "authconf/signed_cookie.h"
#include "convex/jwt_keys.h"

namespace authref {
namespace {

// --- the bearer plugin's before hook (better-auth dist/plugins/bearer) ---

std::string trim_whitespace(std::string_view text) {
  const auto blank = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::string try_decode(const std::string& text) {
  auto decoded = authconf::decode_uri_component(text);
  return decoded ? std::move(*decoded) : text;
}

// @better-auth/utils base64.decode: the URL-safe alphabet when the text has
// '-' or '_', else the standard one; '=' ends the input, any other
// character outside the alphabet throws; leftover bits are dropped.
std::optional<authconf::Bytes> lenient_base64_decode(std::string_view text) {
  const bool url_safe = text.find_first_of("-_") != std::string_view::npos;
  authconf::Bytes out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    if (c >= '0' && c <= '9') value = c - '0' + 52;
    if (c == (url_safe ? '-' : '+')) value = 62;
    if (c == (url_safe ? '_' : '/')) value = 63;
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

// createHMAC("SHA-256", "base64urlnopad").verify(secret, first, second) over
// the first two '.'-separated parts, as the bearer hook checks a token.
bool bearer_signature_valid(std::string_view signed_token, std::string_view secret) {
  const std::size_t dot = signed_token.find('.');
  const std::string_view data = signed_token.substr(0, dot);
  std::string_view signature = signed_token.substr(dot + 1);
  signature = signature.substr(0, signature.find('.'));
  auto given = lenient_base64_decode(signature);
  if (!given) return false;
  auto expected = authconf::base64_decode(authconf::cookie_signature(data, secret));
  if (!expected || given->size() != expected->size()) return false;
  return authconf::constant_time_equal(authconf::to_string(*given), authconf::to_string(*expected));
}

bool cookie_name_char(unsigned char c) {
  // RFC 7230 tchar, as better-auth's cookieNameRegex.
  return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D ||
         c == 0x2E || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || c == 0x5E ||
         c == 0x5F || c == 0x60 || (c >= 0x61 && c <= 0x7A) || c == 0x7C || c == 0x7E;
}
bool cookie_value_char(unsigned char c) {
  // RFC 6265 cookie-octet plus space and comma, as cookieValueRegex.
  return c == 0x20 || c == 0x21 || (c >= 0x23 && c <= 0x3A) || (c >= 0x3C && c <= 0x5B) ||
         (c >= 0x5D && c <= 0x7E);
}

std::string trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

// setRequestCookie (better-auth dist/cookies/cookie-utils.mjs): the Cookie
// header parsed (valid pairs only, a later duplicate replacing the value in
// the first one's place), `name` set, and every pair re-serialised as
// name=encodeURIComponent(value).
std::string set_request_cookie(std::string_view cookie_header, const std::string& name,
                               const std::string& value) {
  std::vector<std::pair<std::string, std::string>> cookies;
  const auto put = [&](std::string key, std::string val) {
    for (auto& [k, v] : cookies) {
      if (k == key) {
        v = std::move(val);
        return;
      }
    }
    cookies.emplace_back(std::move(key), std::move(val));
  };
  if (cookie_header.size() >= 2) {
    std::size_t start = 0;
    while (start <= cookie_header.size()) {
      std::size_t end = cookie_header.find(';', start);
      if (end == std::string_view::npos) end = cookie_header.size();
      const std::string_view chunk = cookie_header.substr(start, end - start);
      start = end + 1;
      const std::size_t eq = chunk.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key = trim_ows(chunk.substr(0, eq));
      std::string val = trim_ows(chunk.substr(eq + 1));
      if (val.size() >= 2 && val.front() == '"' && val.back() == '"') {
        val = val.substr(1, val.size() - 2);
      }
      const bool valid = !key.empty() &&
                         std::ranges::all_of(key, [](char c) { return cookie_name_char(c); }) &&
                         std::ranges::all_of(val, [](char c) { return cookie_value_char(c); });
      if (!valid) continue;
      if (val.find('%') != std::string::npos) val = try_decode(val);
      put(std::move(key), std::move(val));
    }
  }
  put(name, value);
  std::string out;
  for (const auto& [k, v] : cookies) {
    if (!out.empty()) out += "; ";
    out += k;
    out += '=';
    out += authconf::encode_uri_component(v);
  }
  return out;
}

// --- identity: what Convex derives from a customJwt token ---

// OpenID Connect standard claims and their UserIdentity names
// (convex/server authentication.d.ts), in UserIdentity's order.
constexpr std::pair<const char*, const char*> kStandardClaims[] = {
    {"name", "name"},
    {"given_name", "givenName"},
    {"family_name", "familyName"},
    {"nickname", "nickname"},
    {"preferred_username", "preferredUsername"},
    {"profile", "profileUrl"},
    {"picture", "pictureUrl"},
    {"email", "email"},
    {"email_verified", "emailVerified"},
    {"gender", "gender"},
    {"birthdate", "birthday"},
    {"zoneinfo", "timezone"},
    {"locale", "language"},
    {"phone_number", "phoneNumber"},
    {"phone_number_verified", "phoneNumberVerified"},
    {"address", "address"},
    {"updated_at", "updatedAt"},
};
// Registered claims Convex consumes and leaves out of the identity.
constexpr const char* kConsumedClaims[] = {"iss", "sub", "aud", "exp", "iat", "nbf", "jti"};

bool is_standard_or_consumed(const std::string& name) {
  for (const auto& [claim, field] : kStandardClaims) {
    if (name == claim) return true;
  }
  for (const char* claim : kConsumedClaims) {
    if (name == claim) return true;
  }
  return false;
}

}  // namespace

struct ConvexPlugin::State {
  State(AuthServices& auth_services)
      : services(auth_services),
        keys(auth_services.options, auth_services.app, auth_services.adapter) {}

  AuthServices& services;
  JwtKeys keys;
};

ConvexPlugin::ConvexPlugin(AuthServices& services) : state_(std::make_unique<State>(services)) {
  // The bridge's GET /identity and /jwks find the plugin here.
  services.convex = this;
}

ConvexPlugin::~ConvexPlugin() {
  if (state_->services.convex == this) state_->services.convex = nullptr;
}

std::string ConvexPlugin::token_for(const SessionAndUser& session) {
  const AuthOptions& options = state_->services.options;
  // Math.floor(Date.now() / 1000), once: definePayload's iat is the one kept.
  const std::int64_t iat = state_->services.sessions.now_ms() / 1000;
  // getJwtToken: {iat, ...definePayload(session), sub}, where definePayload
  // is {...omit(user, ["id", "image"]), sessionId, iat}; then SignJWT adds
  // exp, iss and aud (and sets iat and sub again, in place).
  Json claims = Json::object();
  claims["iat"] = iat;
  const Json user = to_wire("user", session.user, options.dates);
  for (auto it = user.begin(); it != user.end(); ++it) {
    if (it.key() == "id" || it.key() == "image") continue;
    claims[it.key()] = it.value();
  }
  claims["sessionId"] = session.session.at("id");
  claims["iat"] = iat;
  claims["sub"] = session.user.at("id");
  claims["exp"] = iat + options.jwt_expiration_s;
  claims["iss"] = options.base_url;
  claims["aud"] = "convex";
  return state_->keys.sign(claims);
}

Json ConvexPlugin::public_jwks() { return state_->keys.public_jwks(); }

std::vector<Route> ConvexPlugin::routes() {
  std::vector<Route> routes;
  // The jwt plugin's own /jwks and /token are not mounted, and the
  // SERVER_ONLY /convex/latest-jwks and /convex/rotate-keys answer 404 over
  // HTTP (spec/transcripts: both are 404), so they are not routes here.
  routes.push_back({.method = "GET",
                    .path = "/convex/token",
                    .handler =
                        [this](EndpointContext& ctx) {
                          // sessionMiddleware has put the session in ctx.session.
                          const std::string token = token_for(*ctx.session);
                          const AuthCookies& cookies = ctx.services.cookies;
                          ctx.set_cookie(cookies.set_cookie(cookies.convex_jwt(), token,
                                                            ctx.services.options.jwt_expiration_s));
                          ctx.json_body = Json{{"token", token}};
                        },
                    .session = SessionRequirement::kSession});
  routes.push_back({.method = "GET",
                    .path = "/convex/jwks",
                    .handler = [this](EndpointContext& ctx) { ctx.json_body = public_jwks(); }});
  routes.push_back(
      {.method = "GET",
       .path = "/convex/.well-known/openid-configuration",
       .handler = [](EndpointContext& ctx) {
         // oidcProvider's getMetadata with the convex plugin's metadata
         // override (issuer, jwks_uri); the endpoints hang off
         // ctx.context.baseURL, the base URL plus the base path.
         const AuthOptions& options = ctx.services.options;
         const std::string base = options.base_url + options.base_path;
         Json doc = Json::object();
         doc["issuer"] = options.base_url;
         doc["authorization_endpoint"] = base + "/oauth2/authorize";
         doc["token_endpoint"] = base + "/oauth2/token";
         doc["userinfo_endpoint"] = base + "/oauth2/userinfo";
         doc["jwks_uri"] = base + "/convex/jwks";
         doc["registration_endpoint"] = base + "/oauth2/register";
         doc["end_session_endpoint"] = base + "/oauth2/endsession";
         doc["scopes_supported"] = Json::array({"openid", "profile", "email", "offline_access"});
         doc["response_types_supported"] = Json::array({"code"});
         doc["response_modes_supported"] = Json::array({"query"});
         doc["grant_types_supported"] = Json::array({"authorization_code", "refresh_token"});
         doc["acr_values_supported"] =
             Json::array({"urn:mace:incommon:iap:silver", "urn:mace:incommon:iap:bronze"});
         doc["subject_types_supported"] = Json::array({"public"});
         doc["id_token_signing_alg_values_supported"] = Json::array({"HS256"});
         doc["token_endpoint_auth_methods_supported"] =
             Json::array({"client_secret_basic", "client_secret_post", "none"});
         doc["code_challenge_methods_supported"] = Json::array({"S256"});
         doc["claims_supported"] = Json::array(
             {"sub", "iss", "aud", "exp", "nbf", "iat", "jti", "email", "email_verified", "name"});
         ctx.json_body = std::move(doc);
       }});
  return routes;
}

void ConvexPlugin::before(EndpointContext& ctx) {
  // bearer's before hook. It reads the request as received (ctx.request),
  // and its new headers are the received ones with the session cookie set.
  // The plugin's second before hook (no-op writes in a query ctx) does not
  // match in an HTTP action, whose ctx can run mutations.
  const auto authorization = ctx.raw.headers.fetch_get("authorization");
  if (!authorization || authorization->empty()) return;
  if (authorization->size() < 7 || http::to_lower_ascii(authorization->substr(0, 7)) != "bearer ") {
    return;
  }
  const std::string token = trim_whitespace(std::string_view(*authorization).substr(7));
  if (token.empty()) return;
  const std::string& secret = ctx.services.options.secret;
  std::string signed_token;
  if (token.find('.') != std::string::npos) {
    signed_token = token.find('%') != std::string::npos ? try_decode(token) : token;
  } else {
    // serializeSignedCookie("", token, secret) without its "=", decoded.
    signed_token = token + "." + authconf::cookie_signature(token, secret);
  }
  if (!bearer_signature_valid(signed_token, secret)) return;
  const std::string cookie_header = ctx.raw.headers.fetch_get("cookie").value_or("");
  ctx.headers.set("cookie", set_request_cookie(cookie_header, ctx.services.cookies.session_token(),
                                               signed_token));
  ctx.reparse_cookies();
}

void ConvexPlugin::after(EndpointContext& ctx) {
  // oidcProvider's after hook acts only when the request carries a signed
  // oidc_login_prompt cookie, which only its /oauth2/authorize sets; the
  // convex plugin mounts no such route, so it never fires here.
  const std::string_view path = ctx.path;
  const AuthCookies& cookies = ctx.services.cookies;
  const bool get_session = path.starts_with("/get-session");
  constexpr std::string_view kSetPrefixes[] = {"/sign-in",
                                               "/sign-up",
                                               "/callback",
                                               "/oauth2/callback",
                                               "/magic-link/verify",
                                               "/email-otp/verify-email",
                                               "/phone-number/verify",
                                               "/siwe/verify",
                                               "/update-session"};
  bool set = get_session && ctx.session.has_value();
  for (std::string_view prefix : kSetPrefixes) set = set || path.starts_with(prefix);
  if (set) {
    // ctx.context.session ?? ctx.context.newSession; getToken with no
    // headers otherwise answers 401, which the hook swallows (a failed
    // sign-in gets no cookie), as it swallows every other error.
    const std::optional<SessionAndUser>& session = ctx.session ? ctx.session : ctx.new_session;
    if (session) {
      try {
        const std::string token = token_for(*session);
        ctx.set_cookie(
            cookies.set_cookie(cookies.convex_jwt(), token, ctx.services.options.jwt_expiration_s));
      } catch (...) {
        // The real hook's `catch (_err) {}`: no cookie, the response stands.
      }
    }
  }
  if (path.starts_with("/sign-out") || path.starts_with("/delete-user") ||
      (get_session && !ctx.session)) {
    ctx.set_cookie(cookies.expire(cookies.convex_jwt()));
  }
}

Json ConvexPlugin::identity(std::string_view jwt) {
  const Json none{{"identity", nullptr}, {"authUser", nullptr}};
  AuthServices& services = state_->services;
  const AuthOptions& options = services.options;
  // Convex fetches the provider's JWKS, which creates the first key; a
  // JWKS that fails to serve verifies nothing.
  try {
    state_->keys.public_jwks();
  } catch (const std::exception&) {
    return none;
  }
  const authconf::Jwks keys = state_->keys.verification_keys();
  auto verified = authconf::verify_jws(jwt, keys);
  if (!verified) return none;
  nlohmann::json claims = nlohmann::json::parse(verified->payload, nullptr, false);
  if (!claims.is_object()) return none;
  const std::int64_t now_ms = services.sessions.now_ms();
  // The checks bridge-v1 names: iss, aud, exp (and nbf when present). iat
  // is not a validity condition here: a moved clock must not void tokens.
  nlohmann::json checked = claims;
  checked.erase("iat");
  const authconf::ClaimChecks checks{.now = now_ms / 1000,
                                     .leeway = 0,
                                     .issuer = options.base_url,
                                     .audience = "convex",
                                     .require_exp = true,
                                     .require_iat = false};
  if (!authconf::check_claims(checked, checks)) return none;
  const Json ordered = Json::parse(verified->payload, nullptr, false);
  auto sub = ordered.find("sub");
  if (sub == ordered.end() || !sub->is_string()) return none;

  Json identity = Json::object();
  identity["tokenIdentifier"] =
      ordered.at("iss").get<std::string>() + "|" + sub->get<std::string>();
  identity["subject"] = *sub;
  identity["issuer"] = ordered.at("iss");
  for (const auto& [claim, field] : kStandardClaims) {
    if (auto it = ordered.find(claim); it != ordered.end()) identity[field] = *it;
  }
  for (auto it = ordered.begin(); it != ordered.end(); ++it) {
    if (is_standard_or_consumed(it.key()) || identity.contains(it.key())) continue;
    identity[it.key()] = it.value();
  }

  // safeGetAuthUser (create-client.ts): the session by _id, unexpired, then
  // the user by _id, each one findOne of the component, the raw document.
  Json session_where = Json::array();
  Json by_id = Json::object();
  by_id["field"] = "_id";
  // `value: identity.sessionId`: undefined (absent) without the claim.
  if (auto session_id = identity.find("sessionId"); session_id != identity.end()) {
    by_id["value"] = *session_id;
  }
  session_where.push_back(std::move(by_id));
  Json unexpired = Json::object();
  unexpired["field"] = "expiresAt";
  unexpired["operator"] = "gt";
  unexpired["value"] = now_ms;
  session_where.push_back(std::move(unexpired));
  Json session_args = Json::object();
  session_args["model"] = "session";
  session_args["where"] = std::move(session_where);
  Component& component = services.app.component();
  auto session = component.find_one_document(session_args);
  if (!session) return Json{{"thrown", session.error().detail}};
  Json result = Json::object();
  result["identity"] = identity;
  result["authUser"] = nullptr;
  if (!*session) return result;
  Json user_where = Json::array();
  user_where.push_back(Json{{"field", "_id"}, {"value", identity.at("subject")}});
  Json user_args = Json::object();
  user_args["model"] = "user";
  user_args["where"] = std::move(user_where);
  auto user = component.find_one_document(user_args);
  if (!user) return Json{{"thrown", user.error().detail}};
  if (*user) result["authUser"] = **user;
  return result;
}

}  // namespace authref

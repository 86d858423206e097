// Better Auth's origin and CSRF checks, as better-auth 1.6.34 ships them
// (dist/api/middlewares/origin-check.mjs, dist/auth/trusted-origins.mjs,
// dist/context/helpers.mjs getTrustedOrigins).
//
// 1.6.34 has no `Sec-Fetch-Site: same-origin` exception for `Origin: null`
// (spec/better-auth-wire.md §7 describes 1.7.x): a Node probe of 1.6.34
// answers POST /sign-out with a Cookie, `Origin: null` and
// `Sec-Fetch-Site: same-origin` with 403 MISSING_OR_NULL_ORIGIN, so the
// reference does too.
#include "auth/origin_check.h"

#include <cmath>

#include "auth/api_error.h"
#include "authconf/origin.h"

namespace authref {
namespace {

// JavaScript truthiness of a parsed JSON value: `callbackURL && ...`.
bool js_truthy(const Json& value) {
  if (value.is_null() || value.is_discarded()) return false;
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) {
    const double number = value.get<double>();
    return number != 0 && !std::isnan(number);
  }
  if (value.is_string()) return !value.get_ref<const std::string&>().empty();
  return true;  // objects and arrays, even empty ones
}

// The 403 of each label (BASE_ERROR_CODES).
ApiError untrusted(std::string_view label) {
  if (label == "callbackURL") {
    return ApiError::coded(403, "INVALID_CALLBACK_URL", "Invalid callbackURL");
  }
  if (label == "redirectURL") {
    return ApiError::coded(403, "INVALID_REDIRECT_URL", "Invalid redirectURL");
  }
  if (label == "errorCallbackURL") {
    return ApiError::coded(403, "INVALID_ERROR_CALLBACK_URL", "Invalid errorCallbackURL");
  }
  return ApiError::coded(403, "INVALID_NEW_USER_CALLBACK_URL", "Invalid newUserCallbackURL");
}

}  // namespace

OriginCheck::OriginCheck(const AuthOptions& options) : base_url_(options.base_url) {
  // getTrustedOrigins: new URL(baseURL).origin, then options.trustedOrigins
  // (the real targets list the site URL there), empty entries dropped.
  if (auto origin = authconf::origin_of(options.base_url); origin && !origin->empty()) {
    trusted_.push_back(*origin);
  }
  if (!options.site_url.empty()) trusted_.push_back(options.site_url);
  for (const auto& origin : options.trusted_origins) {
    if (!origin.empty()) trusted_.push_back(origin);
  }
}

bool OriginCheck::is_trusted(std::string_view url, bool allow_relative_paths) const {
  auto trusted =
      authconf::is_trusted_origin(url, trusted_, {.allow_relative_paths = allow_relative_paths});
  // An error (a host ICU cannot process, bytes that are not UTF-8) is no
  // verdict on the URL; refusing it is the safe answer.
  return trusted && *trusted;
}

void OriginCheck::validate_origin(const http::Headers& headers, bool force) const {
  std::string origin = headers.fetch_get("origin").value_or("");
  if (origin.empty()) origin = headers.fetch_get("referer").value_or("");
  if (!force && !headers.has("cookie")) return;
  if (origin.empty() || origin == "null") {
    throw ApiError::coded(403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin");
  }
  // matchesOriginPattern without allowRelativePaths: "/x" never matches.
  if (!is_trusted(origin, false)) {
    throw ApiError::coded(403, "INVALID_ORIGIN", "Invalid origin");
  }
}

void OriginCheck::check_request(const EndpointContext& ctx) const {
  const std::string& method = ctx.raw.method;
  if (method == "GET" || method == "OPTIONS" || method == "HEAD") return;
  // ctx.request.headers: the request as it arrived, before the bearer hook
  // could add a cookie, so a bearer-only request is not origin-checked.
  validate_origin(ctx.raw.headers, false);

  const auto validate_url = [&](const Json* value, std::string_view label) {
    if (!value || !js_truthy(*value)) return;
    if (!value->is_string()) {
      // APIError.fromStatus("BAD_REQUEST", {message}): no code, and before
      // the endpoint's zod validation could say the same.
      throw ApiError::message_only(400, "Invalid " + std::string(label) + ": expected a string");
    }
    if (!is_trusted(value->get_ref<const std::string&>(), true)) throw untrusted(label);
  };
  // `body?.callbackURL || query?.callbackURL`: a falsy body value falls back
  // to the query, where a repeated key is an array (and so not a string).
  const Json* callback = ctx.body_field("callbackURL");
  if (!callback || !js_truthy(*callback)) callback = ctx.query_field("callbackURL");
  validate_url(callback, "callbackURL");
  validate_url(ctx.body_field("redirectTo"), "redirectURL");
  validate_url(ctx.body_field("errorCallbackURL"), "errorCallbackURL");
  validate_url(ctx.body_field("newUserCallbackURL"), "newUserCallbackURL");
}

void OriginCheck::check_form_csrf(const EndpointContext& ctx) const {
  const http::Headers& headers = ctx.raw.headers;
  if (headers.has("cookie")) return validate_origin(headers, false);
  const std::string site = headers.fetch_get("sec-fetch-site").value_or("");
  const std::string mode = headers.fetch_get("sec-fetch-mode").value_or("");
  const std::string dest = headers.fetch_get("sec-fetch-dest").value_or("");
  if (!site.empty() || !mode.empty() || !dest.empty()) {
    // A top-level cross-site form post: the login CSRF the check exists for.
    if (site == "cross-site" && mode == "navigate") {
      throw ApiError::coded(
          403, "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
          "Cross-site navigation login blocked. This request appears to be a CSRF attack.");
    }
    return validate_origin(headers, true);
  }
  // No Fetch Metadata: a browser that sent Origin or Referer is checked; a
  // server-to-server caller that sent neither passes.
  if (!headers.fetch_get("origin").value_or("").empty() ||
      !headers.fetch_get("referer").value_or("").empty()) {
    validate_origin(headers, true);
  }
}

void OriginCheck::check_query_urls(const EndpointContext& ctx,
                                   const std::vector<std::string>& keys) const {
  for (const std::string& key : keys) {
    const Json* value = ctx.query_field(key);
    if (!value) continue;
    // `Array.isArray(callbackURL) ? callbackURL : [callbackURL]`, and the
    // label is always callbackURL.
    const auto check = [&](const Json& url) {
      if (!js_truthy(url) || !url.is_string()) return;
      if (!is_trusted(url.get_ref<const std::string&>(), true)) throw untrusted("callbackURL");
    };
    if (value->is_array()) {
      for (const Json& url : *value) check(url);
    } else {
      check(*value);
    }
  }
}

}  // namespace authref

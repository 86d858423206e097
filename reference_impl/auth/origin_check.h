// authref/auth/origin_check.h: Better Auth's origin and CSRF checks
// (spec/better-auth-wire.md §7; better-auth dist/api/middlewares/origin-check.mjs).
//
// Three checks, all answered with 403 (or 400 for a non-string URL):
//  A. originCheckMiddleware on every routed request: for a non-GET request
//     with a Cookie header, Origin (else Referer) must be trusted; then
//     callbackURL, redirectTo, errorCallbackURL and newUserCallbackURL must
//     be trusted URLs or safe relative paths.
//  B. formCsrfMiddleware on sign-up and sign-in: without a Cookie, the
//     Sec-Fetch headers and any Origin/Referer force the same check.
//  C. originCheck(getter) on GET routes that take a callbackURL.
//
//   OriginCheck check(options);
//   check.check_request(ctx);   // throws ApiError::coded(403, "INVALID_ORIGIN", ...)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/endpoint.h"

namespace authref {

class OriginCheck {
 public:
  explicit OriginCheck(const AuthOptions& options);

  // A for a routed request, on the headers as received (before any plugin
  // hook rewrote them). Throws ApiError.
  void check_request(const EndpointContext& ctx) const;
  // B, for routes with Route::form_csrf; runs after zod validation.
  void check_form_csrf(const EndpointContext& ctx) const;
  // C: each named query value must be a trusted URL. Throws ApiError.
  void check_query_urls(const EndpointContext& ctx, const std::vector<std::string>& keys) const;

  // isTrustedOrigin(url, {allowRelativePaths}).
  bool is_trusted(std::string_view url, bool allow_relative_paths) const;
  // The base URL's origin, the site URL and the configured extra origins.
  const std::vector<std::string>& trusted_origins() const { return trusted_; }

 private:
  // validateOrigin(ctx, forceValidate): Origin, else Referer, must match a
  // trusted origin, but only when the request carries a Cookie or `force`.
  void validate_origin(const http::Headers& headers, bool force) const;

  std::vector<std::string> trusted_;
  std::string base_url_;
};

}  // namespace authref

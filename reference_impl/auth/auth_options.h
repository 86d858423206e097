// authref/auth/auth_options.h: how the reference Better Auth is configured.
//
// The defaults are the configuration of the real targets the transcripts
// came from (spec/transcripts/): better-auth 1.6.34 with email and password,
// email verification sent on sign-up, and the `convex` plugin, behind the
// seed's Hono CORS. Command-line flags of authref-server change them.
//
//   AuthOptions options;
//   options.base_url = "http://127.0.0.1:8787";
//   options.secret = "test-secret-0123456789abcdef0123456789abcdef";
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace authref {

// How dates appear in /api/auth JSON and in JWT claims: epoch-ms numbers
// (the Convex adapter, supportsDates:false) or ISO strings (stock adapters).
enum class DatesMode { kEpochMs, kIso };

// The convex plugin's signing algorithm: RS256 (customJwt, the default) or
// EdDSA (the legacy OIDC provider).
enum class JwtAlgorithm { kRs256, kEdDsa };

// CORS in front of the auth routes: the seed's Hono middleware,
// registerRoutes({cors: true}) from the component, or none.
enum class CorsFlavour { kHono, kConvex, kNone };

struct AuthOptions {
  // Better Auth's baseURL origin, which is also CONVEX_SITE_URL: the JWT
  // issuer and the origin trusted implicitly.
  std::string base_url = "http://127.0.0.1:8787";
  std::string base_path = "/api/auth";
  std::string secret = "test-secret-0123456789abcdef0123456789abcdef";
  // The browser origin of the app: trusted origin, CORS origin, crossDomain siteUrl.
  std::string site_url = "http://localhost:5173";
  // Extra trusted origins (patterns as Better Auth accepts them).
  std::vector<std::string> trusted_origins;

  DatesMode dates = DatesMode::kEpochMs;
  JwtAlgorithm jwt_algorithm = JwtAlgorithm::kRs256;
  CorsFlavour cors = CorsFlavour::kHono;

  bool rate_limit = false;
  std::int64_t rate_limit_window_s = 10;
  std::int64_t rate_limit_max = 100;

  bool delete_user = false;   // user.deleteUser.enabled
  bool change_email = false;  // user.changeEmail.enabled
  bool cross_domain = false;  // the crossDomain({siteUrl}) plugin
  bool require_email_verification = false;
  bool send_verification_on_sign_up = true;
  bool send_verification_on_sign_in = false;  // emailVerification.sendOnSignIn
  // user.changeEmail.updateEmailWithoutVerification: an unverified user's
  // email changes at once (a verification mail then goes to the new address).
  bool update_email_without_verification = false;
  // user.changeEmail.sendChangeEmailConfirmation is set: a verified user's
  // change-email first mails the old address (outbox kind "change-email").
  bool change_email_confirmation = true;
  bool revoke_sessions_on_password_reset = false;

  std::int64_t session_expires_in_s = 604800;  // 7 days
  std::int64_t session_update_age_s = 86400;   // refresh after a day
  std::int64_t session_fresh_age_s = 86400;    // fresh for a day
  std::int64_t reset_token_expires_in_s = 3600;
  std::int64_t verification_expires_in_s = 3600;
  std::int64_t jwt_expiration_s = 900;

  std::size_t min_password_length = 8;
  std::size_t max_password_length = 128;

  // advanced.useSecureCookies: __Secure- names and Secure even on an http
  // base URL (the transcripts' §16 instance, PEER_SECURE_COOKIES=1).
  bool use_secure_cookies = false;

  // True when the base URL is https (or forced): cookie names get __Secure- and Secure.
  bool secure_cookies() const { return use_secure_cookies || base_url.starts_with("https://"); }
};

}  // namespace authref

// authref/auth/cookies.h: Better Auth's cookies (spec/better-auth-wire.md §4).
//
// Names carry the `better-auth.` prefix, and `__Secure-` plus the Secure
// attribute when the base URL is https. Attributes are written in
// better-call's order: `name=value; Max-Age=N; Path=/; HttpOnly; Secure;
// SameSite=Lax`.
//
//   AuthCookies cookies(options);
//   cookies.set_cookie(cookies.session_token(), signed_value, 604800);
//   // "better-auth.session_token=<token>.<sig>; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "auth/auth_options.h"

namespace authref {

class AuthCookies {
 public:
  explicit AuthCookies(const AuthOptions& options);

  const std::string& session_token() const { return session_token_; }
  const std::string& session_data() const { return session_data_; }
  const std::string& dont_remember() const { return dont_remember_; }
  const std::string& convex_jwt() const { return convex_jwt_; }

  // One Set-Cookie value with the default attributes; no Max-Age when unset.
  std::string set_cookie(std::string_view name, std::string_view value,
                         std::optional<std::int64_t> max_age) const;
  // The same cookie emptied with Max-Age=0.
  std::string expire(std::string_view name) const { return set_cookie(name, "", 0); }

 private:
  bool secure_;
  std::string session_token_, session_data_, dont_remember_, convex_jwt_;
};

// better-call's parseCookies: the first value of each name wins, surrounding
// quotes are stripped and the value is percent-decoded when it can be.
std::map<std::string, std::string, std::less<>> parse_cookie_header(std::string_view header);

}  // namespace authref

// authref/auth/sessions.h: sessions and their cookies (spec/better-auth-wire.md §4).
//
// The session half of Better Auth's internalAdapter plus the cookie helpers
// (setSessionCookie, deleteSessionCookie) and getSession's core, which both
// GET /get-session and the session middleware of protected endpoints run.
//
//   Sessions sessions(services);
//   auto current = sessions.current(ctx);   // from the signed session cookie
//   if (!current) throw ApiError::unauthorized();
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "auth/endpoint.h"

namespace authref {

class Sessions {
 public:
  Sessions(const AuthOptions& options, AuthAdapter& adapter, const AuthCookies& cookies,
           const Clock& clock)
      : options_(options), adapter_(adapter), cookies_(cookies), clock_(clock) {}

  // Date.now(): whole milliseconds of the (movable) clock.
  std::int64_t now_ms() const;

  // internalAdapter.createSession: a new row for `user_id` with a fresh
  // 32-character token; expires in expiresIn, or in one day when
  // `dont_remember`. ipAddress and userAgent come from the request.
  Json create(const EndpointContext& ctx, const Json& user_id, bool dont_remember);
  // internalAdapter.findSession: the row with that token and its user.
  std::optional<SessionAndUser> find(std::string_view token);

  // getSession's core (GET /get-session without the JSON): the signed
  // session cookie, the row, expiry (cookies expired and the row deleted),
  // and the refresh after updateAge (the cookie re-set). Sets ctx.session.
  std::optional<SessionAndUser> resolve(EndpointContext& ctx, bool disable_refresh);
  // getSessionFromCtx: resolve() once per request.
  std::optional<SessionAndUser> current(EndpointContext& ctx);

  // setSessionCookie: the signed session_token (no Max-Age and a signed
  // dont_remember cookie when `dont_remember`); records ctx.new_session.
  void set_session_cookie(EndpointContext& ctx, const SessionAndUser& session,
                          std::optional<bool> dont_remember = std::nullopt);
  // deleteSessionCookie: session_token, session_data and dont_remember
  // expired, in that order.
  void delete_session_cookie(EndpointContext& ctx);

  // The session's token from the signed cookie, or nullopt (absent or forged).
  std::optional<std::string> signed_cookie(const EndpointContext& ctx,
                                           const std::string& name) const;

 private:
  const AuthOptions& options_;
  AuthAdapter& adapter_;
  const AuthCookies& cookies_;
  const Clock& clock_;
};

}  // namespace authref

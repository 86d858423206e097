// authref/auth/routes.h: the core Better Auth routes of the reference, one
// group per source file (spec/better-auth-wire.md §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/endpoint.h"

namespace authref {

// routes_core.cpp: GET /ok, POST /sign-up/email, GET /get-session.
std::vector<Route> core_routes();
// routes_session.cpp: sign-in/email, sign-out, list-sessions, revoke-session,
// revoke-sessions, revoke-other-sessions.
std::vector<Route> session_routes();
// routes_user.cpp: update-user, change-password, change-email, delete-user.
std::vector<Route> user_routes();
// routes_password_reset.cpp: request-password-reset, GET
// reset-password/:token, POST reset-password.
std::vector<Route> password_reset_routes();
// routes_verification.cpp: send-verification-email, verify-email, and GET /error.
std::vector<Route> verification_routes();
// routes_accounts.cpp: verify-password, update-session, list-accounts,
// account-info, unlink-account, get-access-token, refresh-token,
// sign-in/social, link-social and callback/:id (§2.19).
std::vector<Route> account_routes();

// routes_password_reset.cpp: the href of `new URL(input, base)` after
// `url.searchParams.set(name, value)` (redirectCallback, redirectError), or
// nullopt where that constructor throws.
//   url_with_search_param("/reset?a=1", "http://127.0.0.1:8787/api/auth", "token", "T")
//   // "http://127.0.0.1:8787/reset?a=1&token=T"
std::optional<std::string> url_with_search_param(std::string_view input, std::string_view base,
                                                 std::string_view name, std::string_view value);

// routes_password_reset.cpp: `new URLSearchParams(pairs).toString()`, the
// application/x-www-form-urlencoded serializer (space as '+').
std::string search_params(const std::vector<std::pair<std::string, std::string>>& pairs);

// The user object of a response: parseUserOutput, dates as the options say.
Json user_output(const AuthServices& services, const Json& user);
// The session object of a response: parseSessionOutput.
Json session_output(const AuthServices& services, const Json& session);

}  // namespace authref

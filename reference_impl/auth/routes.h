// authref/auth/routes.h: the core Better Auth routes of the reference, one
// group per source file (spec/better-auth-wire.md §2).
#pragma once

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

// The user object of a response: parseUserOutput, dates as the options say.
Json user_output(const AuthServices& services, const Json& user);
// The session object of a response: parseSessionOutput.
Json session_output(const AuthServices& services, const Json& session);

}  // namespace authref

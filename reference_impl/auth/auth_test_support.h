// authref/auth/auth_test_support.h: a reference app and AuthService on a
// manual clock, for the auth unit tests (no socket).
//
//   AuthTestBed bed;                       // default AuthOptions
//   auto response = bed.sign_up("alice@example.com");
//   std::string cookie = bed.cookie_pair(response, "better-auth.session_token");
//   bed.send("GET", "/api/auth/get-session", "", {{"cookie", cookie}});
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/reference_app.h"
#include "auth/auth_service.h"
#include "auth/password_hasher.h"
#include "authconf/signed_cookie.h"
#include "store/clock.h"
#include "store/js_value.h"

namespace authref::testing {

// 2026-11-22T10:56:00.857Z, the first sign-up of the transcripts.
inline constexpr double kTestStartMs = 1795344960857.0;
inline constexpr const char* kTestSiteOrigin = "http://localhost:5173";
inline constexpr const char* kTestPassword = "correct horse battery";

// The three cookies deleteSessionCookie expires, in its order
// (spec/transcripts §9).
inline const std::vector<std::string> kExpiredSessionCookies = {
    "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
    "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
    "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
};

// Every Set-Cookie of a response, in order.
inline std::vector<std::string> set_cookies(const http::HttpResponse& response) {
  std::vector<std::string> out;
  for (auto value : response.headers.get_all("set-cookie")) out.emplace_back(value);
  return out;
}

// The Set-Cookie that setSessionCookie writes for `token` under the default secret.
inline std::string session_set_cookie(const std::string& token, bool remember = true) {
  return "better-auth.session_token=" + authconf::sign_cookie_value(token, AuthOptions{}.secret) +
         (remember ? "; Max-Age=604800" : "") + "; Path=/; HttpOnly; SameSite=Lax";
}

// The Cookie header a browser sends for a session token.
inline std::string cookie_for(const std::string& token) {
  return "better-auth.session_token=" + authconf::sign_cookie_value(token, AuthOptions{}.secret);
}

inline Json body_of(const http::HttpResponse& response) { return Json::parse(response.body); }

// An APIError body: {"message", "code"}.
inline std::string json_error(const std::string& message, const std::string& code) {
  return js_stringify(Json{{"message", message}, {"code", code}});
}

class AuthTestBed {
 public:
  explicit AuthTestBed(AuthOptions options = {})
      : app_(clock_,
             {.id_seed = 7, .warn = [](const std::string&) {}, .component_schema = std::nullopt}),
        hasher_(1),
        auth_(std::move(options), app_, hasher_) {}

  ManualClock& clock() { return clock_; }
  ReferenceApp& app() { return app_; }
  AuthService& auth() { return auth_; }

  http::HttpResponse send(std::string method, std::string target, std::string body = "",
                          http::Headers headers = {}) {
    http::HttpRequest request{.method = std::move(method),
                              .target = std::move(target),
                              .headers = std::move(headers),
                              .body = std::move(body)};
    return auth_.handle(request);
  }
  // A JSON POST from the trusted site origin, with an optional cookie.
  http::HttpResponse post(const std::string& path, const std::string& json,
                          const std::string& cookie = "") {
    http::Headers headers{{"content-type", "application/json"}, {"origin", kTestSiteOrigin}};
    if (!cookie.empty()) headers.add("cookie", cookie);
    return send("POST", "/api/auth" + path, json, std::move(headers));
  }
  http::HttpResponse get(const std::string& path, const std::string& cookie = "") {
    http::Headers headers;
    if (!cookie.empty()) headers.add("cookie", cookie);
    return send("GET", "/api/auth" + path, "", std::move(headers));
  }
  http::HttpResponse sign_up(const std::string& email, const std::string& password = kTestPassword,
                             const std::string& name = "Alice") {
    Json body{{"email", email}, {"password", password}, {"name", name}};
    return post("/sign-up/email", body.dump());
  }
  http::HttpResponse sign_in(const std::string& email,
                             const std::string& password = kTestPassword) {
    Json body{{"email", email}, {"password", password}};
    return post("/sign-in/email", body.dump());
  }

  // "name=value" of the first Set-Cookie for `name`, ready for a Cookie header.
  static std::string cookie_pair(const http::HttpResponse& response, const std::string& name) {
    for (auto header : response.headers.get_all("set-cookie")) {
      if (header.starts_with(name + "=")) return std::string(header.substr(0, header.find(';')));
    }
    return "";
  }
  // Everything the component and the app hold.
  Json store() {
    return Json{{"component", app_.database().dump("component")},
                {"app", app_.database().dump("app")}};
  }
  // The tokens of the session rows, in creation order.
  std::vector<std::string> session_tokens() {
    std::vector<std::string> tokens;
    for (const Json& row : app_.database().documents("component", "session")) {
      tokens.push_back(row.at("token").get<std::string>());
    }
    return tokens;
  }

  // The session cookie of a sign-up or sign-in answer.
  std::string session_cookie(const http::HttpResponse& response) const {
    return cookie_pair(response, AuthCookies(auth_.options()).session_token());
  }

 private:
  ManualClock clock_{kTestStartMs};
  ReferenceApp app_;
  PasswordHasher hasher_;
  AuthService auth_;
};

}  // namespace authref::testing

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
#include "store/clock.h"

namespace authref::testing {

// 2026-11-22T10:56:00.857Z, the first sign-up of the transcripts.
inline constexpr double kTestStartMs = 1795344960857.0;
inline constexpr const char* kTestSiteOrigin = "http://localhost:5173";
inline constexpr const char* kTestPassword = "correct horse battery";

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

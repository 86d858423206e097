// authref/auth/api_error.h: Better Auth's APIError, as the endpoints throw it.
//
// An endpoint throws ApiError; the router turns it into the response
// better-call writes: `{"message": ..., "code": ...}` with
// `content-type: application/json`, the code left out for ad-hoc errors, and
// no body at all for a bodiless error. It never leaves the auth layer.
//
//   throw ApiError::coded(401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password");
#pragma once

#include <exception>
#include <string>
#include <utility>

#include "http/http_message.h"

namespace authref {

class ApiError : public std::exception {
 public:
  // {"message", "code"}: the usual shape (spec/better-auth-wire.md §1).
  static ApiError coded(int status, std::string code, std::string message) {
    return ApiError(status, std::move(code), std::move(message), true);
  }
  // {"message"} without a code: "No fields to update", the 429 body.
  static ApiError message_only(int status, std::string message) {
    return ApiError(status, "", std::move(message), true);
  }
  // No body: APIError("NOT_FOUND").
  static ApiError bodiless(int status) { return ApiError(status, "", "", false); }
  // The shared 401 of every session-protected endpoint.
  static ApiError unauthorized() { return coded(401, "UNAUTHORIZED", "Unauthorized"); }

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  const char* what() const noexcept override { return message_.c_str(); }

  http::HttpResponse to_response() const;

 private:
  ApiError(int status, std::string code, std::string message, bool has_body)
      : status_(status),
        code_(std::move(code)),
        message_(std::move(message)),
        has_body_(has_body) {}
  int status_;
  std::string code_;
  std::string message_;
  bool has_body_;
};

}  // namespace authref

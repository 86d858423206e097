#include "auth/api_error.h"

#include "store/js_value.h"

namespace authref {

http::HttpResponse ApiError::to_response() const {
  if (!has_body_) {
    // better-call's toResponse still sets the JSON content type.
    http::HttpResponse response = http::HttpResponse::empty(status_);
    response.headers.add("content-type", "application/json");
    return response;
  }
  Json body = Json::object();
  body["message"] = message_;
  if (!code_.empty()) body["code"] = code_;
  return http::HttpResponse::json(status_, js_stringify(body));
}

}  // namespace authref

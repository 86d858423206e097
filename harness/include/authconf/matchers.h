// authconf/matchers.h: gmock matchers over exchanges and JSON.
//
//   EXPECT_THAT(exchange, HasStatus(401));
//   EXPECT_THAT(exchange, HasErrorCode("INVALID_ORIGIN"));
//   EXPECT_THAT(exchange, HasHeader("access-control-allow-origin", "http://localhost:5173"));
//   EXPECT_THAT(exchange, LacksHeader("access-control-allow-origin"));
//   EXPECT_THAT(body["user"]["createdAt"], IsDate());   // as the target declares its dates
//
// A mismatch prints the status, the headers and the start of the body, so
// the failure says what the target did answer.
#pragma once

#include <gmock/gmock.h>

#include <string>

#include "authconf/http_client.h"
#include "authconf/target.h"

namespace authconf {

MATCHER_P(HasStatus, status, "has HTTP status " + std::to_string(status)) {
  *result_listener << "the answer was " << ::authconf::describe(arg);
  return arg.status == status;
}

// A Better Auth error body {"message","code"} with this code.
MATCHER_P(HasErrorCode, code, "has a Better Auth error body with code " + std::string(code)) {
  *result_listener << "the answer was " << ::authconf::describe(arg);
  const Json body = Json::parse(arg.response_body, nullptr, false);
  return body.is_object() && body.contains("code") && body["code"] == std::string(code) &&
         body.contains("message") && body["message"].is_string();
}

MATCHER_P2(HasHeader, name, value, "has header " + std::string(name) + ": " + std::string(value)) {
  const auto found = arg.header(name);
  *result_listener << (found ? "it was " + *found : std::string("it was absent"));
  return found && *found == std::string(value);
}

MATCHER_P(LacksHeader, name, "has no header " + std::string(name)) {
  const auto found = arg.header(name);
  if (found) *result_listener << "it was " << *found;
  return !found;
}

// A JSON body equal to `expected` (whole-document equality).
MATCHER_P(HasJsonBody, expected, "has the JSON body " + Json(expected).dump()) {
  const Json body = Json::parse(arg.response_body, nullptr, false);
  *result_listener << "the body was " << arg.response_body.substr(0, 300);
  return !body.is_discarded() && body == Json(expected);
}

// The dates of the running suite's target ("epoch-ms" or "iso").
const std::string& target_dates();
MATCHER(IsDate, "is a date as the target writes them") {
  *result_listener << "it was " << arg.dump();
  return ::authconf::is_date(arg, ::authconf::target_dates());
}

}  // namespace authconf

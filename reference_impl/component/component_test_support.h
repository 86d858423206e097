// Shared set-up for the component's tests: a reference app on a manual clock
// with captured warnings, and short ways to call the seven functions.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/reference_app.h"
#include "store/js_value.h"

namespace authref::testing {

inline constexpr double kStartMs = 1795344700166.0;

class ComponentTest : public ::testing::Test {
 protected:
  ComponentTest() : app_(clock_, options()) {}

  ReferenceApp::Options options() {
    ReferenceApp::Options out;
    out.id_seed = 42;
    out.warn = [this](const std::string& line) { warnings_.push_back(line); };
    return out;
  }

  ComponentResult call(ComponentFunction function, const Json& args) {
    clock_.advance_ms(1);
    return app_.component().call(function, args);
  }

  // The value of a call that must succeed.
  Json ok(ComponentFunction function, const Json& args) {
    auto result = call(function, args);
    EXPECT_TRUE(result.has_value())
        << to_string(function) << " " << js_stringify(args) << " threw " << result.error();
    return result ? *result : Json();
  }

  static Json user_fields(const std::string& email, const std::string& name = "Dana") {
    Json data = Json::object();
    data["name"] = name;
    data["email"] = email;
    data["emailVerified"] = false;
    data["createdAt"] = kStartMs;
    data["updatedAt"] = kStartMs;
    return data;
  }

  static Json create_args(const std::string& model, Json data) {
    Json args = Json::object();
    args["input"] = Json::object();
    args["input"]["model"] = model;
    args["input"]["data"] = std::move(data);
    return args;
  }

  std::string create_user(const std::string& email, const std::string& name = "Dana") {
    return ok(ComponentFunction::kCreate, create_args("user", user_fields(email, name)))["_id"]
        .get<std::string>();
  }

  std::string create_session(const std::string& user_id, const std::string& token,
                             double expires_at) {
    Json data = Json::object();
    data["expiresAt"] = expires_at;
    data["token"] = token;
    data["createdAt"] = kStartMs;
    data["updatedAt"] = kStartMs;
    data["userId"] = user_id;
    return ok(ComponentFunction::kCreate, create_args("session", data))["_id"].get<std::string>();
  }

  Json documents(const char* space, const char* table) {
    return app_.database().documents(space, table);
  }

  ManualClock clock_{kStartMs};
  std::vector<std::string> warnings_;
  ReferenceApp app_;
};

}  // namespace authref::testing

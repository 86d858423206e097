// The router's pipeline and the core routes, without a socket.
#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include "auth/auth_test_support.h"

namespace authref {
namespace {

class AuthServiceTest : public ::testing::Test {
 protected:
  http::HttpResponse send(std::string method, std::string target, std::string body = "",
                          http::Headers headers = {}) {
    return bed_.send(std::move(method), std::move(target), std::move(body), std::move(headers));
  }
  http::HttpResponse sign_up(const std::string& email) { return bed_.sign_up(email); }

  testing::AuthTestBed bed_;
  ReferenceApp& app_ = bed_.app();
};

TEST_F(AuthServiceTest, OkAnswersOkTrue) {
  auto response = send("GET", "/api/auth/ok");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"ok":true})");
  EXPECT_EQ(response.headers.get("content-type"), "application/json");
}

TEST_F(AuthServiceTest, UnknownPathsAndMethodsAre404WithoutBody) {
  for (auto [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/auth/does-not-exist"},
                                                        {"GET", "/api/auth/sign-in/email"},
                                                        {"GET", "/api/auth/ok/"},
                                                        {"GET", "/api/auth//ok"},
                                                        {"GET", "/api/auth"},
                                                        {"GET", "/api/authx/ok"},
                                                        {"HEAD", "/api/auth/ok"},
                                                        {"OPTIONS", "/api/auth/ok"}}) {
    auto response = send(method, target);
    EXPECT_EQ(response.status, 404) << method << " " << target;
    EXPECT_EQ(response.body, "") << target;
    EXPECT_FALSE(response.headers.has("content-type")) << target;
  }
}

TEST_F(AuthServiceTest, SignUpIsThreeCommitsAndSetsTheSessionCookie) {
  auto response = sign_up("Alice@Example.com");
  ASSERT_EQ(response.status, 200) << response.body;
  Json body = Json::parse(response.body);
  EXPECT_EQ(body["user"]["email"], "alice@example.com");
  EXPECT_EQ(body["user"]["createdAt"], 1795344960857);
  std::vector<std::string> keys;
  for (auto it = body["user"].begin(); it != body["user"].end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"name", "email", "emailVerified", "createdAt",
                                            "updatedAt", "id"}));
  auto cookies = response.headers.get_all("set-cookie");
  ASSERT_EQ(cookies.size(), 1u);
  EXPECT_TRUE(cookies[0].starts_with(
      "better-auth.session_token=" + body["token"].get<std::string>() + "."));
  EXPECT_TRUE(cookies[0].ends_with("; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"));
  EXPECT_EQ(app_.database().documents("component", "user").size(), 1u);
  EXPECT_EQ(app_.database().documents("component", "account").size(), 1u);
  EXPECT_EQ(app_.database().documents("component", "session").size(), 1u);
  EXPECT_EQ(app_.database().documents("app", "users").size(), 1u);

  auto duplicate = sign_up("ALICE@example.com");
  EXPECT_EQ(duplicate.status, 422);
  EXPECT_EQ(
      duplicate.body,
      R"({"message":"User already exists. Use another email.","code":"USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"})");
}

TEST_F(AuthServiceTest, GetSessionReadsTheSignedCookie) {
  auto signed_up = sign_up("alice@example.com");
  std::string cookie(signed_up.headers.get("set-cookie").value());
  cookie = cookie.substr(0, cookie.find(';'));
  auto response = send("GET", "/api/auth/get-session", "", {{"cookie", cookie}});
  ASSERT_EQ(response.status, 200);
  Json body = Json::parse(response.body);
  EXPECT_EQ(body["user"]["email"], "alice@example.com");
  EXPECT_EQ(response.headers.get("cache-control"), "no-store");

  auto tampered = send("GET", "/api/auth/get-session", "",
                       {{"cookie", cookie.substr(0, cookie.find('.')) + ".AAAA"}});
  EXPECT_EQ(tampered.body, "null");
  auto none = send("GET", "/api/auth/get-session");
  EXPECT_EQ(none.body, "null");
}

TEST_F(AuthServiceTest, BodyErrorsComeBeforeValidation) {
  auto bad_json = send("POST", "/api/auth/sign-up/email", R"({"email":)",
                       {{"content-type", "application/json"}});
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_EQ(bad_json.body, R"({"message":"Invalid JSON in request body","code":"BAD_REQUEST"})");
  auto no_type = send("POST", "/api/auth/sign-up/email", R"({})");
  EXPECT_EQ(no_type.status, 415);
  EXPECT_EQ(
      no_type.body,
      R"({"message":"Content-Type is required. Allowed types: application/x-www-form-urlencoded, application/json","code":"UNSUPPORTED_MEDIA_TYPE"})");
  auto missing = send("POST", "/api/auth/sign-up/email",
                      R"({"email":"bob@example.com","password":"password123"})",
                      {{"content-type", "application/json"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(
      missing.body,
      R"({"message":"[body.name] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"})");
  auto array =
      send("POST", "/api/auth/sign-up/email", "[]", {{"content-type", "application/json"}});
  EXPECT_EQ(
      array.body,
      R"({"message":"[body] Invalid input: expected object, received array; [body] Invalid input: expected record, received array","code":"VALIDATION_ERROR"})");
}

// A header value fetch's Headers would refuse (CR, LF or NUL: here a
// callbackURL the URL parser accepts, copied into Location by sign-in) is a
// non-API error in the real server: 500 with no body, never a split response.
TEST_F(AuthServiceTest, HeaderValueWithNewlineIsAServerErrorNotASplitResponse) {
  ASSERT_EQ(bed_.sign_up("alice@example.com").status, 200);
  auto response = bed_.post("/sign-in/email",
                            R"({"email":"alice@example.com","password":"correct horse battery",)"
                            R"("callbackURL":"http://localhost:5173/x\nSet-Cookie: evil=1"})");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, "");
  EXPECT_FALSE(response.headers.has("set-cookie"));
  EXPECT_FALSE(response.headers.has("location"));
}

TEST(ParseRequestJsonTest, RefusesNestingPastTheLimit) {
  const auto nested = [](int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
  };
  EXPECT_TRUE(parse_request_json(nested(kMaxRequestJsonDepth)).has_value());
  EXPECT_FALSE(parse_request_json(nested(kMaxRequestJsonDepth + 1)).has_value());
  EXPECT_FALSE(parse_request_json(nested(400000)).has_value());
}

}  // namespace
}  // namespace authref

// The router's pipeline and the core routes, without a socket.
#include "auth/auth_service.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <string_view>

#include "auth/auth_test_support.h"
#include "auth/zod.h"
#include "store/js_value.h"

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

// JSON.parse reads a number literal beyond the double range as Infinity
// (better-auth 1.6.34 answers {"email":1e999} with "received Infinity");
// nlohmann alone refuses it as a "number overflow".
TEST(ParseRequestJsonTest, ReadsOverflowingNumbersAsInfinities) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const auto number = [](std::string_view text) {
    auto parsed = parse_request_json(text);
    EXPECT_TRUE(parsed && parsed->is_number()) << text;
    return parsed && parsed->is_number() ? parsed->get<double>() : 0.0;
  };
  // head, then `zeros` zeros, then tail (appended: "1" + std::string(...)
  // trips a GCC 12 -Wrestrict false positive).
  const auto digits = [](std::string head, std::size_t zeros, std::string_view tail = "") {
    head.append(zeros, '0');
    head.append(tail);
    return head;
  };
  EXPECT_EQ(number("1e999"), kInf);
  EXPECT_EQ(number("-1e999"), -kInf);
  EXPECT_EQ(number(" 123e400 "), kInf);
  EXPECT_EQ(number("1E+400"), kInf);
  EXPECT_EQ(number(digits("1", 400)), kInf);
  EXPECT_EQ(number(digits("-1", 309, ".5")), -kInf);
  EXPECT_EQ(number("1.7976931348623159e308"), kInf);  // rounds up past the largest double
  // Finite values are untouched: the largest double, underflow to 0.
  EXPECT_EQ(number("1e308"), 1e308);
  EXPECT_EQ(number("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_EQ(number("1e-999"), 0.0);
  EXPECT_EQ(number(digits("1", 300)), 1e300);

  // Each literal keeps its place; strings (with escapes) are left alone.
  auto mixed = parse_request_json(
      R"({"a":"1e999\" 1e999","b":[1e999,-2E+308,1.5,"x\\",1e400,0,7],"c":{"d":-1e999}})");
  ASSERT_TRUE(mixed.has_value());
  EXPECT_EQ((*mixed)["a"], "1e999\" 1e999");
  const Json& b = (*mixed)["b"];
  ASSERT_EQ(b.size(), 7u);
  EXPECT_EQ(b[0].get<double>(), kInf);
  EXPECT_EQ(b[1].get<double>(), -kInf);
  EXPECT_EQ(b[2].get<double>(), 1.5);
  EXPECT_EQ(b[3], "x\\");
  EXPECT_EQ(b[4].get<double>(), kInf);
  EXPECT_EQ(b[5], 0);
  EXPECT_EQ(b[6], 7);
  EXPECT_EQ((*mixed)["c"]["d"].get<double>(), -kInf);
  // JSON.stringify writes an infinity as null.
  EXPECT_EQ(js_stringify(*mixed),
            R"({"a":"1e999\" 1e999","b":[null,null,1.5,"x\\",null,0,7],"c":{"d":null}})");
}

TEST(ParseRequestJsonTest, OverflowingNumbersDoNotHideSyntaxErrors) {
  // JSON.parse refuses every one of these.
  for (std::string_view text :
       {"1e999e5", "01e999", "1e999-", "[1e999 1]", "-", "1.e999", ".1e999", "1e+", "[1e999,]",
        "{1e999:1}", R"({"a":1e999)", "-Infinity", "Infinity"}) {
    EXPECT_FALSE(parse_request_json(text).has_value()) << text;
  }
  // The depth limit holds as it does for any other number inside.
  for (int depth : {kMaxRequestJsonDepth - 1, kMaxRequestJsonDepth}) {
    const auto nested = [depth](std::string_view inner) {
      std::string text(static_cast<std::size_t>(depth), '[');
      text.append(inner);
      text.append(static_cast<std::size_t>(depth), ']');
      return text;
    };
    auto infinite = parse_request_json(nested("1e999"));
    EXPECT_EQ(infinite.has_value(), parse_request_json(nested("1")).has_value()) << depth;
    if (depth < kMaxRequestJsonDepth) {
      ASSERT_TRUE(infinite.has_value());
      const Json* inner = &*infinite;
      while (inner->is_array()) inner = &inner->at(0);
      EXPECT_EQ(inner->get<double>(), std::numeric_limits<double>::infinity());
    }
  }
}

TEST(ZodTypeNameTest, NamesNonFiniteNumbersByTheirValue) {
  const Json inf = std::numeric_limits<double>::infinity();
  const Json minus_inf = -std::numeric_limits<double>::infinity();
  const Json nan = std::numeric_limits<double>::quiet_NaN();
  const Json finite = 1e308;
  EXPECT_EQ(zod_type_name(&inf), "Infinity");
  EXPECT_EQ(zod_type_name(&minus_inf), "-Infinity");
  EXPECT_EQ(zod_type_name(&nan), "NaN");
  EXPECT_EQ(zod_type_name(&finite), "number");
  // z.number() refuses the non-finite ones.
  const ObjectSchema schema{.fields = {{"n", ZodType::kNumber}}};
  const Json body = Json{{"n", inf}};
  EXPECT_EQ(validate_object(schema, &body, "body"),
            "[body.n] Invalid input: expected number, received Infinity");
  const Json ok = Json{{"n", 1e308}};
  EXPECT_EQ(validate_object(schema, &ok, "body"), std::nullopt);
}

TEST_F(AuthServiceTest, OverflowingNumbersReachZodAsInfinities) {
  const http::Headers json{{"content-type", "application/json"}};
  auto plus =
      send("POST", "/api/auth/sign-up/email", R"({"email":1e999,"password":"x","name":"a"})", json);
  EXPECT_EQ(plus.status, 400);
  EXPECT_EQ(
      plus.body,
      R"({"message":"[body.email] Invalid input: expected string, received Infinity","code":"VALIDATION_ERROR"})");
  auto minus = send("POST", "/api/auth/sign-up/email",
                    R"({"email":-1e999,"password":"x","name":"a"})", json);
  EXPECT_EQ(minus.status, 400);
  EXPECT_EQ(
      minus.body,
      R"({"message":"[body.email] Invalid input: expected string, received -Infinity","code":"VALIDATION_ERROR"})");
  auto body = send("POST", "/api/auth/sign-up/email", "-1e999", json);
  EXPECT_EQ(
      body.body,
      R"({"message":"[body] Invalid input: expected object, received -Infinity; [body] Invalid input: expected record, received -Infinity","code":"VALIDATION_ERROR"})");
  // An extra field may hold an infinity: sign-up ignores undeclared fields.
  auto extra = send(
      "POST", "/api/auth/sign-up/email",
      R"({"email":"inf@example.com","password":"password123","name":"a","extra":1e999,"nested":{"x":[-1e999]}})",
      json);
  EXPECT_EQ(extra.status, 200) << extra.body;
}

}  // namespace
}  // namespace authref

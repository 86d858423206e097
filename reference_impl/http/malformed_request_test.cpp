// Hostile and malformed requests over a real socket (issue 4, "Bad input").
//
// Each row is one request a broken or hostile client could send. Every one
// must get exactly the 4xx that Better Auth (or the Node HTTP layer in front
// of it) gives, never a 5xx, and must leave every component and app table
// byte-identical. Rows go through the listener, so the transport-level ones
// (a garbage request line, a header without a colon) reach the listener's
// parser (http1_codec) as they would reach Node's.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "app/reference_app.h"
#include "http/reference_server.h"
#include "store/js_value.h"

namespace authref {
namespace {

struct RawResponse {
  int status = 0;
  std::string head;
  std::string body;
};

// Sends `bytes` on a fresh connection and reads until the server closes it
// (every row asks for Connection: close, and a broken request is closed by
// the server anyway). Bounded by a 10 s receive timeout.
std::optional<RawResponse> round_trip(int port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  timeval timeout{.tv_sec = 10, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return std::nullopt;
  }
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early on a rejected request
    sent += static_cast<std::size_t>(n);
  }
  std::string received;
  char buffer[65536];
  while (true) {
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  RawResponse response;
  std::size_t end = received.find("\r\n\r\n");
  if (received.size() < 12 || end == std::string::npos) return std::nullopt;
  response.status = std::stoi(received.substr(9, 3));
  response.head = received.substr(0, end);
  response.body = received.substr(end + 4);
  // The listener never chunks a response: the body is what follows the head.
  return response;
}

struct Row {
  std::string name;
  std::string method;
  std::string target;
  std::vector<std::string> headers;  // "{cookie}" is replaced by the session cookie
  std::string body;
  int status;
  std::string expected_body;  // exact, unless it starts with "~" (substring)
  std::string raw = "";       // when set, sent verbatim instead of the parts above
};

// A body in HTTP/1.1 chunked coding, 64 KiB per chunk.
std::string chunked(const std::string& body) {
  std::string out;
  for (std::size_t at = 0; at < body.size(); at += 65536) {
    const std::string part = body.substr(at, 65536);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", part.size());
    out += std::string(size) + "\r\n" + part + "\r\n";
  }
  return out + "0\r\n\r\n";
}

// `{}` compressed with gzip (RFC 1952): a header, a stored deflate block of
// the two bytes, the CRC-32 and the length.
std::string gzip_bytes() {
  return std::string(
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x01\x02\x00\xfd\xff{}"
      "\x43\xbf\xa6\xa3\x02\x00\x00\x00",
      25);
}

std::string code_body(const std::string& message, const std::string& code) {
  return js_stringify(Json{{"message", message}, {"code", code}});
}
std::string validation(const std::string& message) {
  return code_body(message, "VALIDATION_ERROR");
}

const std::string kJson = "content-type: application/json";
const std::string kSite = "origin: http://localhost:5173";
const std::string kInvalidJson = code_body("Invalid JSON in request body", "BAD_REQUEST");
const std::string kHono404 = "404 Not Found";

std::vector<Row> rows() {
  const std::string sign_up = "/api/auth/sign-up/email";
  const std::string sign_in = "/api/auth/sign-in/email";
  const std::string expect_record =
      "[body] Invalid input: expected object, received %; [body] Invalid input: expected record, "
      "received %";
  const auto both = [&](const std::string& type) {
    std::string text = expect_record;
    for (std::size_t at; (at = text.find('%')) != std::string::npos;) text.replace(at, 1, type);
    return validation(text);
  };
  std::string deep(20000, '[');
  deep += std::string(20000, ']');
  return {
      // --- bodies that are not JSON, or not the right JSON
      {"truncated_json",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"email":"a@example.com","password":)",
       400,
       kInvalidJson},
      {"empty_json_body", "POST", sign_up, {kJson, kSite}, "", 400, kInvalidJson},
      {"json_trailing_garbage",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":"x"} x)",
       400,
       kInvalidJson},
      {"json_single_quotes", "POST", sign_up, {kJson, kSite}, R"({'name':'x'})", 400, kInvalidJson},
      {"json_comment",
       "POST",
       sign_in,
       {kJson, kSite},
       R"({/* */"email":"a@example.com"})",
       400,
       kInvalidJson},
      {"invalid_utf8_outside_strings",
       "POST",
       sign_up,
       {kJson, kSite},
       "{\xff}",
       400,
       kInvalidJson},
      {"nul_byte_outside_strings",
       "POST",
       sign_up,
       {kJson, kSite},
       std::string("{\0}", 3),
       400,
       kInvalidJson},
      {"body_null", "POST", sign_up, {kJson, kSite}, "null", 400, both("null")},
      {"body_array", "POST", sign_up, {kJson, kSite}, "[]", 400, both("array")},
      {"body_string", "POST", sign_up, {kJson, kSite}, R"("x")", 400, both("string")},
      {"body_number", "POST", sign_up, {kJson, kSite}, "42", 400, both("number")},
      // JSON.parse reads a literal beyond the double range as Infinity, and
      // zod names a non-finite number by its value (en.js getTypeName).
      {"body_overflowing_number", "POST", sign_up, {kJson, kSite}, "1e999", 400, both("Infinity")},
      {"body_negative_overflowing_number",
       "POST",
       sign_up,
       {kJson, kSite},
       "-1e999",
       400,
       both("-Infinity")},
      {"email_is_overflowing_number",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"email":1e999,"password":"password123","name":"A"})",
       400,
       validation("[body.email] Invalid input: expected string, received Infinity")},
      {"email_is_negative_overflowing_number",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"email":-1e999,"password":"password123","name":"A"})",
       400,
       validation("[body.email] Invalid input: expected string, received -Infinity")},
      {"fields_are_overflowing_numbers",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"email":1E+400,"password":123e400,"name":-1)" + std::string(400, '0') + "}",
       400,
       validation("[body.name] Invalid input: expected string, received -Infinity; [body.email] "
                  "Invalid input: expected string, received Infinity; [body.password] Invalid "
                  "input: expected string, received Infinity")},
      {"email_is_largest_finite_number",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"email":1e308,"password":"password123","name":"A"})",
       400,
       validation("[body.email] Invalid input: expected string, received number")},
      {"overflowing_number_then_garbage",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"email":1e999e5,"password":"password123","name":"A"})",
       400,
       kInvalidJson},
      // JSON.parse would read it (and zod refuse the array); the reference
      // stops at kMaxRequestJsonDepth, a documented deviation.
      {"deeply_nested_array", "POST", sign_up, {kJson, kSite}, deep, 400, kInvalidJson},
      {"email_is_number",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":"A","email":42,"password":"password123"})",
       400,
       validation("[body.email] Invalid input: expected string, received number")},
      {"password_is_boolean",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":"A","email":"a@example.com","password":true})",
       400,
       validation("[body.password] Invalid input: expected string, received boolean")},
      {"name_is_null",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":null,"email":"a@example.com","password":"password123"})",
       400,
       validation("[body.name] Invalid input: expected string, received null")},
      {"image_is_null",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":"A","email":"a@example.com","password":"password123","image":null})",
       400,
       validation("[body.image] Invalid input: expected string, received null")},
      {"remember_me_is_string",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":"A","email":"a@example.com","password":"password123","rememberMe":"false"})",
       400,
       validation("[body.rememberMe] Invalid input: expected boolean, received string")},
      {"password_empty",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":"A","email":"a@example.com","password":""})",
       400,
       validation("[body.password] Too small: expected string to have >=1 characters")},
      {"every_field_missing",
       "POST",
       sign_up,
       {kJson, kSite},
       "{}",
       400,
       validation("[body.name] Invalid input: expected string, received undefined; [body.email] "
                  "Invalid input: "
                  "expected string, received undefined; [body.password] Invalid input: expected "
                  "string, received "
                  "undefined")},
      {"email_with_nul",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":"A","email":"a\u0000@example.com","password":"password123"})",
       400,
       validation("[body.email] Invalid email address")},
      {"email_with_invalid_utf8",
       "POST",
       sign_up,
       {kJson, kSite},
       "{\"name\":\"A\",\"email\":\"\xc3\x28@example.com\",\"password\":\"password123\"}",
       400,
       validation("[body.email] Invalid email address")},
      {"email_lone_surrogate",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":"A","email":"\ud800@example.com","password":"password123"})",
       400,
       validation("[body.email] Invalid email address")},
      {"password_too_long",
       "POST",
       sign_up,
       {kJson, kSite},
       R"({"name":"A","email":"a@example.com","password":")" + std::string(129, 'a') + R"("})",
       400,
       code_body("Password too long", "PASSWORD_TOO_LONG")},
      {"password_too_short_in_utf16",
       "POST",
       sign_up,
       {kJson, kSite},
       "{\"name\":\"A\",\"email\":\"a@example.com\",\"password\":"
       "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}",
       400,
       code_body("Password too short", "PASSWORD_TOO_SHORT")},
      {"sign_in_email_not_an_email",
       "POST",
       sign_in,
       {kJson, kSite},
       R"({"email":"nope","password":"password123"})",
       400,
       code_body("Invalid email", "INVALID_EMAIL")},
      {"reset_request_email_not_an_email",
       "POST",
       "/api/auth/request-password-reset",
       {kJson, kSite},
       R"({"email":"nope"})",
       400,
       validation("[body.email] Invalid email address")},
      // --- media types
      {"no_content_type",
       "POST",
       sign_up,
       {kSite},
       R"({"name":"A"})",
       415,
       code_body("Content-Type is required. Allowed types: application/x-www-form-urlencoded, "
                 "application/json",
                 "UNSUPPORTED_MEDIA_TYPE")},
      {"text_plain",
       "POST",
       sign_up,
       {"content-type: text/plain", kSite},
       R"({"name":"A"})",
       415,
       code_body("Content-Type \"text/plain\" is not allowed. Allowed types: "
                 "application/x-www-form-urlencoded, "
                 "application/json",
                 "UNSUPPORTED_MEDIA_TYPE")},
      {"multipart",
       "POST",
       sign_in,
       {"content-type: multipart/form-data; boundary=x", kSite},
       "--x--",
       415,
       code_body("Content-Type \"multipart/form-data; boundary=x\" is not allowed. Allowed types: "
                 "application/x-www-form-urlencoded, application/json",
                 "UNSUPPORTED_MEDIA_TYPE")},
      {"form_on_a_json_only_route",
       "POST",
       "/api/auth/sign-out",
       {"content-type: application/x-www-form-urlencoded", kSite},
       "a=b",
       415,
       code_body("Content-Type \"application/x-www-form-urlencoded\" is not allowed. Allowed "
                 "types: application/json",
                 "UNSUPPORTED_MEDIA_TYPE")},
      // --- routing
      {"unknown_path", "GET", "/api/auth/does-not-exist", {}, "", 404, ""},
      {"wrong_method_get_sign_in", "GET", sign_in, {}, "", 404, ""},
      {"post_to_a_get_route", "POST", "/api/auth/ok", {kJson}, "{}", 404, ""},
      {"trailing_slash", "GET", "/api/auth/ok/", {}, "", 404, ""},
      {"double_slash", "GET", "/api/auth//ok", {}, "", 404, ""},
      {"head_request", "HEAD", "/api/auth/ok", {}, "", 404, ""},
      {"put_method", "PUT", sign_in, {kJson, kSite}, "{}", 404, kHono404},
      {"delete_method", "DELETE", "/api/auth/sign-out", {}, "", 404, kHono404},
      {"outside_the_base_path", "GET", "/api/authx/ok", {}, "", 404, kHono404},
      {"post_get_session",
       "POST",
       "/api/auth/get-session",
       {kJson},
       "{}",
       405,
       code_body("POST method requires deferSessionRefresh to be enabled in session config",
                 "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED")},
      {"server_only_route", "POST", "/api/auth/convex/rotate-keys", {kJson, kSite}, "{}", 404, ""},
      {"post_convex_token", "POST", "/api/auth/convex/token", {kJson, kSite}, "{}", 404, ""},
      // --- missing or forged credentials and origins
      {"protected_without_cookie",
       "POST",
       "/api/auth/change-password",
       {kJson, kSite},
       R"({"currentPassword":"password123","newPassword":"password456"})",
       401,
       code_body("Unauthorized", "UNAUTHORIZED")},
      {"protected_with_garbage_cookie",
       "POST",
       "/api/auth/change-password",
       {kJson, kSite, "cookie: better-auth.session_token=garbage"},
       R"({"currentPassword":"password123","newPassword":"password456"})",
       401,
       code_body("Unauthorized", "UNAUTHORIZED")},
      {"protected_with_forged_bearer",
       "GET",
       "/api/auth/convex/token",
       {"authorization: Bearer AAAA.AAAA"},
       "",
       401,
       code_body("Unauthorized", "UNAUTHORIZED")},
      {"cookie_without_origin",
       "POST",
       "/api/auth/update-user",
       {kJson, "{cookie}"},
       R"({"name":"X"})",
       403,
       code_body("Missing or null Origin", "MISSING_OR_NULL_ORIGIN")},
      {"cookie_with_null_origin",
       "POST",
       "/api/auth/update-user",
       {kJson, "{cookie}", "origin: null"},
       R"({"name":"X"})",
       403,
       code_body("Missing or null Origin", "MISSING_OR_NULL_ORIGIN")},
      {"cookie_with_hostile_origin",
       "POST",
       "/api/auth/update-user",
       {kJson, "{cookie}", "origin: http://localhost:5173.evil.com"},
       R"({"name":"X"})",
       403,
       code_body("Invalid origin", "INVALID_ORIGIN")},
      {"cross_site_navigation_login",
       "POST",
       sign_in,
       {kJson, "sec-fetch-site: cross-site", "sec-fetch-mode: navigate",
        "sec-fetch-dest: document"},
       R"({"email":"a@example.com","password":"password123"})",
       403,
       code_body("Cross-site navigation login blocked. This request appears to be a CSRF attack.",
                 "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED")},
      {"protocol_relative_callback",
       "POST",
       sign_in,
       {kJson, kSite},
       R"({"email":"a@example.com","password":"password123","callbackURL":"//evil.com/x"})",
       403,
       code_body("Invalid callbackURL", "INVALID_CALLBACK_URL")},
      {"javascript_redirect",
       "POST",
       "/api/auth/request-password-reset",
       {kJson, kSite},
       R"js({"email":"a@example.com","redirectTo":"javascript:alert(1)"})js",
       403,
       code_body("Invalid redirectURL", "INVALID_REDIRECT_URL")},
      {"callback_not_a_string",
       "POST",
       sign_in,
       {kJson, kSite},
       R"({"email":"a@example.com","password":"password123","callbackURL":42})",
       400,
       js_stringify(Json{{"message", "Invalid callbackURL: expected a string"}})},
      {"reset_link_without_callback",
       "GET",
       "/api/auth/reset-password/abc",
       {},
       "",
       400,
       validation("[query.callbackURL] Invalid input: expected string, received undefined")},
      {"verify_email_without_token",
       "GET",
       "/api/auth/verify-email",
       {},
       "",
       400,
       validation("[query.token] Invalid input: expected string, received undefined")},
      {"verify_email_garbage_token",
       "GET",
       "/api/auth/verify-email?token=bad.token.here",
       {},
       "",
       401,
       code_body("Invalid token", "INVALID_TOKEN")},
      // --- transport: what the HTTP parser refuses before any handler runs
      {"garbage_request_line", "", "", {}, "", 400, "", "HELLO\r\nConnection: close\r\n\r\n"},
      {"nul_in_a_header_value",
       "",
       "",
       {},
       "",
       400,
       "",
       std::string("GET /api/auth/ok HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\nConnection: close\r\n\r\n",
                   67)},
      {"space_in_a_header_name",
       "",
       "",
       {},
       "",
       400,
       "",
       "GET /api/auth/ok HTTP/1.1\r\nHost: x\r\nX A: b\r\nConnection: close\r\n\r\n"},
      {"content_length_not_a_number",
       "",
       "",
       {},
       "",
       400,
       "",
       "POST /api/auth/sign-out HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: "
       "close\r\n\r\n"},
      {"bare_lf_line_endings",
       "",
       "",
       {},
       "",
       400,
       "",
       "GET /api/auth/ok HTTP/1.1\nHost: x\nConnection: close\n\n"},
      {"uri_too_long", "GET", "/api/auth/ok?" + std::string(9000, 'a'), {}, "", 414, ""},
      {"header_too_long", "GET", "/api/auth/ok", {"x-a: " + std::string(9000, 'a')}, "", 400, ""},
      {"unknown_http_version",
       "",
       "",
       {},
       "",
       400,
       "",
       "GET /api/auth/ok HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n"},
      // clang-format off
      {"body_over_one_mebibyte", "POST", sign_up, {kJson, kSite}, std::string(1024 * 1024 + 1, ' '), 413,
       "Payload Too Large"},
      {"chunked_body_over_one_mebibyte", "", "", {}, "", 413, "Payload Too Large",
       "POST /api/auth/sign-up/email HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunked(std::string(2 * 1024 * 1024, ' '))},
      // Node does not inflate request bodies: gzip bytes are not JSON.
      {"gzip_encoded_body", "POST", sign_up, {kJson, kSite, "content-encoding: gzip"}, gzip_bytes(), 400,
       kInvalidJson},
      // Deeper than kMaxRequestJsonDepth, inside a field update-user would copy.
      {"deeply_nested_field_with_a_session", "POST", "/api/auth/update-user", {kJson, kSite, "{cookie}"},
       R"({"image":)" + std::string(600, '[') + std::string(600, ']') + "}", 400, kInvalidJson},
      // clang-format on
  };
}

class MalformedRequestTest : public ::testing::TestWithParam<Row> {
 protected:
  static void SetUpTestSuite() {
    server_ = new ReferenceServer({.conformance_key = std::nullopt, .allow_reset = false});
    auto port = server_->start();
    ASSERT_TRUE(port.has_value()) << port.error();
    port_ = *port;
    // One user with a live session, so rows can send a real cookie.
    std::string body = R"({"name":"Alice","email":"alice@example.com","password":"password123"})";
    auto response = round_trip(port_,
                               "POST /api/auth/sign-up/email HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Content-Type: application/json\r\nConnection: close\r\n"
                               "Content-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body);
    ASSERT_TRUE(response && response->status == 200);
    std::string head = response->head;
    auto at = head.find("better-auth.session_token=");
    ASSERT_NE(at, std::string::npos);
    cookie_ = "cookie: " + head.substr(at, head.find(';', at) - at);
  }
  static void TearDownTestSuite() {
    server_->stop();
    delete server_;
    server_ = nullptr;
  }
  static std::string state() {
    return server_->app().database().dump("component").dump() +
           server_->app().database().dump("app").dump();
  }

  static ReferenceServer* server_;
  static int port_;
  static std::string cookie_;
};
ReferenceServer* MalformedRequestTest::server_ = nullptr;
int MalformedRequestTest::port_ = 0;
std::string MalformedRequestTest::cookie_;

TEST_P(MalformedRequestTest, GetsTheExact4xxAndChangesNothing) {
  const Row& row = GetParam();
  std::string bytes = row.raw;
  if (bytes.empty()) {
    bytes = row.method + " " + row.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const std::string& header : row.headers)
      bytes += (header == "{cookie}" ? cookie_ : header) + "\r\n";
    if (!row.body.empty() || row.method == "POST") {
      bytes += "Content-Length: " + std::to_string(row.body.size()) + "\r\n";
    }
    bytes += "\r\n" + row.body;
  }
  const std::string before = state();
  auto response = round_trip(port_, bytes);
  ASSERT_TRUE(response.has_value()) << "no HTTP response";
  EXPECT_EQ(response->status, row.status) << response->head << "\n\n" << response->body;
  EXPECT_LT(response->status, 500);
  if (row.expected_body.starts_with("~")) {
    EXPECT_NE(response->body.find(row.expected_body.substr(1)), std::string::npos)
        << response->body;
  } else {
    EXPECT_EQ(response->body, row.expected_body);
  }
  EXPECT_EQ(state(), before) << "the request changed the store";
}

INSTANTIATE_TEST_SUITE_P(Rows, MalformedRequestTest, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& row) { return row.param.name; });

TEST(MalformedRequestTable, HasAtLeastFortyRows) { EXPECT_GE(rows().size(), 40u); }

}  // namespace
}  // namespace authref

// The harness's target settings, capabilities, redaction and date checks,
// without a network: tables of inputs and the exact outcome of each.
#include "authconf/target.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "authconf/http_client.h"

namespace authconf {

namespace {

std::map<std::string, std::string> environment;
const char* fake_getenv(const char* name) {
  auto found = environment.find(name);
  return found == environment.end() ? nullptr : found->second.c_str();
}

struct SettingsRow {
  std::string name;
  std::map<std::string, std::string> variables;
  bool ok;
  std::string error_contains = "";
};

class SettingsTest : public ::testing::TestWithParam<SettingsRow> {};

TEST_P(SettingsTest, ReadsOrRefuses) {
  const SettingsRow& row = GetParam();
  environment = row.variables;
  auto settings = settings_from_environment(fake_getenv);
  ASSERT_EQ(settings.has_value(), row.ok) << (settings ? "" : settings.error().detail);
  if (!row.ok) {
    EXPECT_EQ(settings.error().code, TargetError::kBadSetting);
    EXPECT_NE(settings.error().detail.find(row.error_contains), std::string::npos)
        << settings.error().detail;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, SettingsTest,
    ::testing::ValuesIn(std::vector<SettingsRow>{
        {"nothing_set_is_the_embedded_reference", {}, true},
        {"https_origin", {{"AUTH_TARGET_URL", "https://happy-otter-123.convex.site"}}, true},
        {"trailing_slash_dropped", {{"AUTH_TARGET_URL", "http://127.0.0.1:3210/"}}, true},
        {"a_path_is_refused",
         {{"AUTH_TARGET_URL", "https://x.convex.site/api"}},
         false,
         "AUTH_TARGET_URL"},
        {"another_scheme_is_refused", {{"AUTH_TARGET_URL", "ftp://x"}}, false, "AUTH_TARGET_URL"},
        {"no_host_is_refused", {{"AUTH_TARGET_URL", "http://"}}, false, "AUTH_TARGET_URL"},
        {"origin_with_a_path_is_refused",
         {{"AUTH_TARGET_ORIGIN", "http://localhost:5173/app"}},
         false,
         "AUTH_TARGET_ORIGIN"},
        {"base_path_without_slash",
         {{"AUTH_TARGET_BASE_PATH", "api/auth"}},
         false,
         "AUTH_TARGET_BASE_PATH"},
        {"base_path_with_trailing_slash",
         {{"AUTH_TARGET_BASE_PATH", "/api/auth/"}},
         false,
         "AUTH_TARGET_BASE_PATH"},
        {"dates_unknown", {{"AUTH_TARGET_DATES", "unix"}}, false, "AUTH_TARGET_DATES"},
        {"dates_iso", {{"AUTH_TARGET_DATES", "iso"}}, true},
        {"cors_unknown", {{"AUTH_TARGET_CORS", "express"}}, false, "AUTH_TARGET_CORS"},
        {"cors_convex", {{"AUTH_TARGET_CORS", "convex"}}, true},
        {"ca_file_missing",
         {{"AUTH_TARGET_CA_FILE", "/nonexistent/ca.pem"}},
         false,
         "AUTH_TARGET_CA_FILE"},
        {"ca_file_readable", {{"AUTH_TARGET_CA_FILE", "/dev/null"}}, true},
        {"run_id_with_capitals", {{"AUTH_RUN_ID", "Run1"}}, false, "AUTH_RUN_ID"},
        {"run_id_ok", {{"AUTH_RUN_ID", "ci-42"}}, true},
    }),
    [](const auto& row) { return row.param.name; });

TEST(Settings, KeepsWhatWasGiven) {
  environment = {{"AUTH_TARGET_URL", "http://127.0.0.1:3210/"},
                 {"AUTH_TARGET_KEY", "k"},
                 {"AUTH_TARGET_ORIGIN", "http://localhost:5173"},
                 {"AUTH_TARGET_BASE_PATH", "/auth"},
                 {"AUTH_RUN_ID", "r1"}};
  auto settings = settings_from_environment(fake_getenv);
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->url, "http://127.0.0.1:3210");
  EXPECT_EQ(settings->key, "k");
  EXPECT_EQ(settings->origin, "http://localhost:5173");
  EXPECT_EQ(settings->base_path, "/auth");
  const Target target(*settings, Capabilities::black_box(*settings));
  EXPECT_EQ(target.auth_url("/ok"), "http://127.0.0.1:3210/auth/ok");
  EXPECT_EQ(target.new_email(), "ac-r1-1@conformance.example");
  EXPECT_EQ(target.new_email(), "ac-r1-2@conformance.example");
  EXPECT_EQ(target.site_origin(), "http://localhost:5173");
}

// A black-box target's CORS flavour comes from the settings: the cors suite
// expects registerRoutes({cors: true}) headers instead of Hono's.
TEST(Settings, CorsFlavourReachesBlackBoxCapabilities) {
  environment = {{"AUTH_TARGET_URL", "http://127.0.0.1:3210"}, {"AUTH_TARGET_CORS", "convex"}};
  auto settings = settings_from_environment(fake_getenv);
  ASSERT_TRUE(settings);
  EXPECT_EQ(Capabilities::black_box(*settings).cors(), "convex");
  environment = {{"AUTH_TARGET_URL", "http://127.0.0.1:3210"}};
  settings = settings_from_environment(fake_getenv);
  ASSERT_TRUE(settings);
  EXPECT_EQ(Capabilities::black_box(*settings).cors(), "hono");
}

TEST(Settings, ARandomRunIdByDefault) {
  environment = {};
  auto first = settings_from_environment(fake_getenv);
  auto second = settings_from_environment(fake_getenv);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->run_id.size(), 8u);
  EXPECT_NE(first->run_id, second->run_id);
}

TEST(Capabilities, ParsesProtocolOne) {
  const Json body = Json::parse(R"({
    "protocol": 1, "implementation": {"name": "authref", "version": "0.1.0"},
    "basePath": "/api/auth", "siteUrl": "http://localhost:5173", "dates": "iso",
    "jwt": {"alg": "EdDSA"}, "plugins": ["convex", "bearer"],
    "config": {"deleteUser": true, "cors": "convex"},
    "features": {"adapter": true, "faults": false},
    "appUsers": {"table": "users"}})");
  auto capabilities = Capabilities::parse(body);
  ASSERT_TRUE(capabilities) << capabilities.error();
  EXPECT_EQ(capabilities->implementation(), "authref 0.1.0");
  EXPECT_EQ(capabilities->dates(), "iso");
  EXPECT_EQ(capabilities->jwt_alg(), "EdDSA");
  EXPECT_TRUE(capabilities->plugin("bearer"));
  EXPECT_FALSE(capabilities->plugin("username"));
  EXPECT_TRUE(capabilities->feature("adapter"));
  EXPECT_FALSE(capabilities->feature("faults"));
  EXPECT_FALSE(capabilities->feature("clock"));  // missing means false
  EXPECT_TRUE(capabilities->config_flag("deleteUser", false));
  EXPECT_TRUE(capabilities->config_flag("emailAndPassword", true));  // missing: the default
  EXPECT_EQ(capabilities->cors(), "convex");
  EXPECT_EQ(capabilities->app_users()["table"], "users");
}

TEST(Capabilities, RefusesWhatIsNotBridgeV1) {
  for (const char* text :
       {R"([])", R"({"protocol": 2})", R"({"protocol": 1, "dates": "unix"})",
        R"({"protocol": 1, "siteUrl": "localhost"})", R"({"protocol": 1, "features": []})",
        R"({"protocol": 1, "plugins": {}})"}) {
    auto capabilities = Capabilities::parse(Json::parse(text));
    ASSERT_FALSE(capabilities) << text;
    EXPECT_EQ(capabilities.error().code, TargetError::kBadCapabilities) << text;
  }
}

struct RedactRow {
  std::string name, text, expected;
};
class RedactTest : public ::testing::TestWithParam<RedactRow> {};
TEST_P(RedactTest, HidesSecrets) { EXPECT_EQ(redact(GetParam().text), GetParam().expected); }
INSTANTIATE_TEST_SUITE_P(
    Rows, RedactTest,
    ::testing::ValuesIn(std::vector<RedactRow>{
        {"cookie_header", "> Cookie: better-auth.session_token=abc.def; x=1\n",
         "> Cookie: better-auth.session_token=<redacted>; x=<redacted>\n"},
        {"set_cookie_keeps_attributes",
         "< set-cookie: better-auth.session_token=t.s; Max-Age=604800; Path=/; HttpOnly\n",
         "< set-cookie: better-auth.session_token=<redacted>; Max-Age=604800; Path=/; HttpOnly\n"},
        {"set_cookie_expires_and_same_site",
         "< set-cookie: a=b; Expires=Thu, 01 Jan 2026 00:00:00 GMT; SameSite=Lax; Secure\n",
         "< set-cookie: a=<redacted>; Expires=Thu, 01 Jan 2026 00:00:00 GMT; SameSite=Lax; "
         "Secure\n"},
        {"curl_header", "curl -H 'Cookie: a=b'", "curl -H 'Cookie: a=<redacted>'"},
        {"bearer", "> Authorization: Bearer abc.def\n", "> Authorization: Bearer <redacted>\n"},
        {"bridge_key", "> X-Conformance-Key: k3y\n", "> X-Conformance-Key: <redacted>\n"},
        {"jwt_in_a_body", R"({"token":"x","t":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"})",
         R"({"token":"<redacted>","t":"<jwt redacted>"})"},
        {"password_field", R"({"email":"a@b.co","password":"hunter2 \"x\""})",
         R"({"email":"a@b.co","password":"<redacted>"})"},
        {"nothing_secret", "< 200\n< content-type: application/json\n",
         "< 200\n< content-type: application/json\n"},
    }),
    [](const auto& row) { return row.param.name; });

TEST(CurlLine, QuotesForTheShell) {
  Exchange exchange;
  exchange.method = "POST";
  exchange.url = "http://127.0.0.1:1/api/auth/sign-in/email";
  exchange.request_headers = {{"Content-Type", "application/json"}};
  exchange.request_body = R"({"name":"O'Brien"})";
  EXPECT_EQ(exchange.curl_line(),
            "curl -sS -i -X POST 'http://127.0.0.1:1/api/auth/sign-in/email' -H "
            "'Content-Type: application/json' --data-binary '{\"name\":\"O'\\''Brien\"}'");
}

TEST(IsDate, FollowsTheTargetsDates) {
  EXPECT_TRUE(is_date(Json(1795344700166), "epoch-ms"));
  EXPECT_FALSE(is_date(Json(1795344700.5), "epoch-ms"));
  EXPECT_FALSE(is_date(Json(1795344700), "epoch-ms"));  // seconds, not ms
  EXPECT_FALSE(is_date(Json("2026-11-22T10:55:59.000Z"), "epoch-ms"));
  EXPECT_TRUE(is_date(Json("2026-11-22T10:55:59.000Z"), "iso"));
  EXPECT_FALSE(is_date(Json("2026-11-22T10:55:59Z"), "iso"));  // Date.toJSON has milliseconds
  EXPECT_FALSE(is_date(Json(1795344700166), "iso"));
}

}  // namespace
}  // namespace authconf

// The conformance bridge (shared/spec/bridge-v1.md) through the whole
// deployment (ReferenceServer::handle, no socket): the key, every route,
// every feature switch, and issue 4's end-to-end partial commit.
#include "http/bridge.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "app/reference_app.h"
#include "auth/auth_service.h"
#include "http/reference_server.h"
#include "store/clock.h"
#include "store/js_value.h"

namespace authref::http {
namespace {

constexpr const char* kKey = "bridge-test-key-0123456789";
constexpr const char* kSite = "http://localhost:5173";
constexpr double kStartMs = 1795344960857.0;  // the transcripts' first sign-up

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields fields_of(const Headers& headers) {
  Fields out;
  for (const auto& field : headers.fields()) out.emplace_back(field.name, field.value);
  return out;
}

std::string error_body(std::string_view code, std::string_view message) {
  return R"({"error":{"code":")" + std::string(code) + R"(","message":")" + std::string(message) +
         R"("}})";
}

ServerOptions bridge_options(bool allow_reset = true, bool enable_clock = true) {
  ServerOptions options;
  options.conformance_key = kKey;
  options.allow_reset = allow_reset;
  options.enable_clock = enable_clock;
  options.hash_workers = 1;
  options.id_seed = 7;
  return options;
}

class BridgeTest : public ::testing::Test {
 protected:
  void make(ServerOptions options) {
    server_.reset();
    server_ = std::make_unique<ReferenceServer>(std::move(options), &clock_);
  }
  void SetUp() override { make(bridge_options()); }

  HttpResponse send(std::string method, std::string target, std::string body = "",
                    Headers headers = {}) {
    HttpRequest request{.method = std::move(method),
                        .target = std::move(target),
                        .headers = std::move(headers),
                        .body = std::move(body)};
    return server_->handle(request);
  }
  // A bridge call with the right key.
  HttpResponse bridge(std::string method, const std::string& route, std::string body = "",
                      Headers headers = {}) {
    headers.add("X-Conformance-Key", kKey);
    return send(std::move(method), "/conformance/v1" + route, std::move(body), std::move(headers));
  }
  Json bridge_json(std::string method, const std::string& route, std::string body = "") {
    HttpResponse response = bridge(std::move(method), route, std::move(body));
    EXPECT_EQ(response.status, 200) << response.body;
    return Json::parse(response.body);
  }
  HttpResponse sign_up(const std::string& email) {
    Json body{{"email", email}, {"password", "correct horse battery"}, {"name", "Alice"}};
    return send("POST", "/api/auth/sign-up/email", body.dump(),
                {{"content-type", "application/json"}, {"origin", kSite}});
  }
  Json documents(const std::string& route) { return bridge_json("GET", route)["documents"]; }

  ManualClock clock_{kStartMs};
  std::unique_ptr<ReferenceServer> server_;
};

// --- access

TEST_F(BridgeTest, WithoutAKeyEveryBridgePathIsAnUnknownPath) {
  make([] {
    ServerOptions options = bridge_options();
    options.conformance_key = std::nullopt;
    return options;
  }());
  const HttpResponse unknown = send("GET", "/no-such-path");
  for (const std::string route : {"", "/", "/capabilities", "/reset", "/faults"}) {
    for (const std::string method : {"GET", "POST", "PUT"}) {
      HttpResponse response =
          send(method, "/conformance/v1" + route, "", {{"x-conformance-key", kKey}});
      EXPECT_EQ(response.status, 404) << method << route;
      EXPECT_EQ(response.body, unknown.body) << method << route;
      EXPECT_EQ(fields_of(response.headers), fields_of(unknown.headers)) << method << route;
    }
  }
  EXPECT_EQ(unknown.body, "404 Not Found");
}

struct KeyRow {
  std::string name;
  std::vector<std::string> keys;  // X-Conformance-Key fields sent
  int status = 0;
  std::string body;
};
void PrintTo(const KeyRow& row, std::ostream* out) { *out << row.name; }

class BridgeKeyTest : public BridgeTest, public ::testing::WithParamInterface<KeyRow> {};

TEST_P(BridgeKeyTest, OnlyTheExactKeyIsAccepted) {
  const KeyRow& row = GetParam();
  Headers headers;
  for (const std::string& key : row.keys) headers.add("X-Conformance-Key", key);
  for (const std::string route : {"/capabilities", "/no-such-route"}) {
    HttpResponse response = send("GET", "/conformance/v1" + route, "", headers);
    if (route == "/no-such-route" && row.status == 200) {
      EXPECT_EQ(response.status, 404);
      continue;
    }
    EXPECT_EQ(response.status, row.status) << route;
    if (!row.body.empty()) {
      EXPECT_EQ(response.body, row.body) << route;
    }
    EXPECT_EQ(response.headers.get("content-type"), "application/json");
    EXPECT_EQ(response.headers.get("cache-control"), "no-store");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Keys, BridgeKeyTest,
    ::testing::Values(
        KeyRow{"right", {kKey}, 200, ""},
        KeyRow{"missing", {}, 401, error_body("BAD_KEY", "missing X-Conformance-Key")},
        KeyRow{"empty", {""}, 401, error_body("BAD_KEY", "wrong X-Conformance-Key")},
        KeyRow{"wrong", {"nope"}, 401, error_body("BAD_KEY", "wrong X-Conformance-Key")},
        KeyRow{
            "prefix", {"bridge-test-key"}, 401, error_body("BAD_KEY", "wrong X-Conformance-Key")},
        KeyRow{"longer",
               {std::string(kKey) + "x"},
               401,
               error_body("BAD_KEY", "wrong X-Conformance-Key")},
        KeyRow{"upper_case",
               {"BRIDGE-TEST-KEY-0123456789"},
               401,
               error_body("BAD_KEY", "wrong X-Conformance-Key")},
        KeyRow{"space_inside",
               {std::string(kKey).insert(6, " ")},
               401,
               error_body("BAD_KEY", "wrong X-Conformance-Key")},
        KeyRow{"twice", {kKey, kKey}, 401, error_body("BAD_KEY", "wrong X-Conformance-Key")}),
    [](const ::testing::TestParamInfo<KeyRow>& row) { return row.param.name; });

TEST_F(BridgeTest, AnswersAreJsonAndNeverCached) {
  HttpResponse response = bridge("GET", "/capabilities");
  EXPECT_EQ(fields_of(response.headers),
            (Fields{{"content-type", "application/json"}, {"cache-control", "no-store"}}));
}

// --- routing: one error code for everything that is not offered

struct RouteRow {
  std::string method;
  std::string route;
};

TEST_F(BridgeTest, WrongMethodsAndUnknownRoutesAreNotSupported) {
  const std::vector<RouteRow> rows{
      {"POST", "/capabilities"},
      {"GET", "/reset"},
      {"GET", "/adapter/create"},
      {"PUT", "/adapter/create"},
      {"POST", "/component/user"},
      {"DELETE", "/app/users"},
      {"POST", "/faults"},
      {"PATCH", "/faults"},
      {"POST", "/outbox"},
      {"POST", "/identity"},
      {"GET", "/clock"},
      {"POST", "/clock"},
      {"HEAD", "/capabilities"},
      {"OPTIONS", "/capabilities"},
      {"GET", ""},
      {"GET", "/"},
      {"GET", "/capabilities/"},
      {"GET", "/Capabilities"},
      {"GET", "/v2/capabilities"},
      {"POST", "/adapter/insert"},
      {"POST", "/adapter/"},
      {"POST", "/adapter/create/x"},
  };
  for (const RouteRow& row : rows) {
    HttpResponse response = bridge(row.method, row.route, "{}");
    EXPECT_EQ(response.status, 404) << row.method << " " << row.route;
    EXPECT_EQ(response.body, error_body("NOT_SUPPORTED", "no bridge route " + row.method +
                                                             " /conformance/v1" + row.route))
        << row.method << " " << row.route;
    EXPECT_EQ(response.headers.get("cache-control"), "no-store");
  }
}

// --- capabilities

TEST_F(BridgeTest, CapabilitiesTellTheTruthAboutTheDefaults) {
  HttpResponse response = bridge("GET", "/capabilities");
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(
      response.body,
      std::string(R"({"protocol":1,"implementation":{"name":"authref","version":")") +
          std::string(authref_version()) +
          R"("},"basePath":"/api/auth","siteUrl":"http://localhost:5173","dates":"epoch-ms",)"
          R"("jwt":{"alg":"RS256","issuer":"http://127.0.0.1:8787","audience":"convex","expiresIn":900},)"
          R"("plugins":["convex"],)"
          R"("config":{"emailAndPassword":true,"emailVerification":true,"requireEmailVerification":false,)"
          R"("deleteUser":false,"changeEmail":false,"rateLimit":false,"revokeSessionsOnPasswordReset":false,"cors":"hono"},)"
          R"("features":{"adapter":true,"tables":true,"triggers":true,"faults":true,"outbox":true,)"
          R"("identity":true,"reset":true,"clock":true,"triggerEffects":true},)"
          R"("appUsers":{"table":"users","authIdField":"authId","fields":{"email":"email","name":"name"}}})");
  EXPECT_EQ(authref_version(), "0.1.0");
}

TEST_F(BridgeTest, CapabilitiesFollowTheOptions) {
  ServerOptions options = bridge_options(/*allow_reset=*/false, /*enable_clock=*/false);
  options.auth.base_url = "https://auth.example.test";
  options.auth.site_url = "https://app.example.test";
  options.auth.base_path = "/auth";
  options.auth.dates = DatesMode::kIso;
  options.auth.jwt_algorithm = JwtAlgorithm::kEdDsa;
  options.auth.cors = CorsFlavour::kConvex;
  options.auth.rate_limit = true;
  options.auth.delete_user = true;
  options.auth.change_email = true;
  options.auth.cross_domain = true;
  options.auth.require_email_verification = true;
  options.auth.jwt_expiration_s = 600;
  make(options);
  const Json caps = bridge_json("GET", "/capabilities");
  EXPECT_EQ(caps["basePath"], "/auth");
  EXPECT_EQ(caps["siteUrl"], "https://app.example.test");
  EXPECT_EQ(caps["dates"], "iso");
  EXPECT_EQ(
      caps["jwt"].dump(),
      R"({"alg":"EdDSA","issuer":"https://auth.example.test","audience":"convex","expiresIn":600})");
  EXPECT_EQ(caps["plugins"].dump(), R"(["convex","cross-domain"])");
  EXPECT_EQ(
      caps["config"].dump(),
      R"({"emailAndPassword":true,"emailVerification":true,"requireEmailVerification":true,)"
      R"("deleteUser":true,"changeEmail":true,"rateLimit":true,"revokeSessionsOnPasswordReset":false,"cors":"convex"})");
  EXPECT_EQ(caps["features"]["reset"], false);
  EXPECT_EQ(caps["features"]["clock"], false);
}

// --- reset

TEST_F(BridgeTest, ResetIsRefusedUnlessAllowed) {
  make(bridge_options(/*allow_reset=*/false));
  ASSERT_EQ(sign_up("alice@example.com").status, 200);
  HttpResponse response = bridge("POST", "/reset");
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body,
            error_body("RESET_DISABLED",
                       "this target was not started for destructive testing (--allow-reset)"));
  EXPECT_EQ(documents("/component/user").size(), 1u);
}

TEST_F(BridgeTest, ResetEmptiesEverythingButTheKeys) {
  ASSERT_EQ(sign_up("alice@example.com").status, 200);
  ASSERT_EQ(send("GET", "/api/auth/convex/jwks").status, 200);  // creates the signing key
  bridge_json("PUT", "/faults", R"({"faults":[{"table":"user","op":"delete"}]})");
  ASSERT_EQ(documents("/component/jwks").size(), 1u);
  ASSERT_EQ(bridge_json("GET", "/outbox")["messages"].size(), 1u);

  HttpResponse response = bridge("POST", "/reset");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"ok":true})");
  for (const std::string table : {"user", "session", "account", "verification"}) {
    EXPECT_EQ(documents("/component/" + table), Json::array()) << table;
  }
  EXPECT_EQ(documents("/app/users"), Json::array());
  EXPECT_EQ(documents("/component/jwks").size(), 1u);
  EXPECT_EQ(bridge_json("GET", "/faults").dump(), R"({"faults":[]})");
  EXPECT_EQ(bridge_json("GET", "/outbox").dump(), R"({"messages":[]})");
  // The same email signs up again.
  EXPECT_EQ(sign_up("alice@example.com").status, 200);
}

TEST_F(BridgeTest, ResetWithKeepKeysFalseDropsTheKeys) {
  ASSERT_EQ(send("GET", "/api/auth/convex/jwks").status, 200);
  ASSERT_EQ(documents("/component/jwks").size(), 1u);
  EXPECT_EQ(bridge("POST", "/reset", R"({"keepKeys":true})").status, 200);
  EXPECT_EQ(documents("/component/jwks").size(), 1u);
  EXPECT_EQ(bridge("POST", "/reset", R"({"keepKeys":false})").status, 200);
  EXPECT_EQ(documents("/component/jwks"), Json::array());
}

TEST_F(BridgeTest, ResetRejectsABadBody) {
  for (const std::string body : {"{", "[]", "\"x\"", R"({"keepKeys":"no"})", R"({"keepKeys":0})"}) {
    HttpResponse response = bridge("POST", "/reset", body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(Json::parse(response.body)["error"]["code"], "BAD_REQUEST") << body;
  }
}

TEST_F(BridgeTest, ResetForgetsTheRateLimits) {
  ServerOptions options = bridge_options();
  options.auth.rate_limit = true;
  make(options);
  const auto sign_in = [&] {
    return send("POST", "/api/auth/sign-in/email",
                R"({"email":"x@example.com","password":"wrong-password"})",
                {{"content-type", "application/json"}, {"origin", kSite}});
  };
  // sign-in allows 3 per 10 s (spec/better-auth-wire.md §8).
  for (int i = 0; i < 3; ++i) EXPECT_EQ(sign_in().status, 401) << i;
  EXPECT_EQ(sign_in().status, 429);
  ASSERT_EQ(bridge("POST", "/reset").status, 200);
  EXPECT_EQ(sign_in().status, 401);
}

// --- adapter

TEST_F(BridgeTest, AdapterCallsTheComponentWithTheAppsTriggers) {
  const Json created = bridge_json(
      "POST", "/adapter/create",
      R"({"input":{"model":"user","data":{"name":"Bob","email":"bob@example.com","emailVerified":false,)"
      R"("createdAt":1795344960857,"updatedAt":1795344960857}}})");
  ASSERT_TRUE(created.contains("value")) << created.dump();
  const Json user = created["value"];
  EXPECT_EQ(user["email"], "bob@example.com");
  ASSERT_TRUE(user["_id"].is_string());
  // The app's onCreate trigger wrote its users row in the same call.
  const Json app_users = documents("/app/users");
  ASSERT_EQ(app_users.size(), 1u);
  EXPECT_EQ(app_users[0]["authId"], user["_id"]);
  EXPECT_EQ(app_users[0]["email"], "bob@example.com");

  const Json found =
      bridge_json("POST", "/adapter/findOne",
                  R"({"model":"user","where":[{"field":"email","value":"bob@example.com"}]})");
  EXPECT_EQ(found["value"], user);
  const Json missing =
      bridge_json("POST", "/adapter/findOne",
                  R"({"model":"user","where":[{"field":"email","value":"nobody@example.com"}]})");
  EXPECT_EQ(missing.dump(), R"({"value":null})");
}

TEST_F(BridgeTest, AdapterReportsWhatTheComponentThrew) {
  const std::string bob =
      R"({"input":{"model":"user","data":{"name":"Bob","email":"bob@example.com","emailVerified":false,)"
      R"("createdAt":1,"updatedAt":1}}})";
  ASSERT_TRUE(bridge_json("POST", "/adapter/create", bob).contains("value"));
  const Json duplicate = bridge_json("POST", "/adapter/create", bob);
  ASSERT_TRUE(duplicate.contains("thrown")) << duplicate.dump();
  EXPECT_EQ(duplicate["thrown"], "user email already exists");
  // A wrong argument shape is the validator's throw, not a bridge error.
  const Json invalid = bridge_json("POST", "/adapter/findMany", R"({"model":42})");
  ASSERT_TRUE(invalid.contains("thrown")) << invalid.dump();
  EXPECT_NE(invalid["thrown"].get<std::string>().find("Validator error"), std::string::npos)
      << invalid.dump();
}

TEST_F(BridgeTest, AdapterRejectsBodiesThatAreNotJson) {
  for (const std::string body : {"", "{", "not json", "{\"model\":}"}) {
    HttpResponse response = bridge("POST", "/adapter/findOne", body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(response.body, error_body("BAD_REQUEST", "the body is not JSON")) << body;
  }
}

TEST_F(BridgeTest, EveryComponentFunctionIsRouted) {
  for (const std::string fn :
       {"create", "findOne", "findMany", "updateOne", "updateMany", "deleteOne", "deleteMany"}) {
    HttpResponse response = bridge("POST", "/adapter/" + fn, "{}");
    EXPECT_EQ(response.status, 200) << fn << ": " << response.body;
    EXPECT_TRUE(Json::parse(response.body).contains("thrown")) << fn << ": " << response.body;
  }
}

// --- tables

TEST_F(BridgeTest, TablesAreRawDocumentsInCreationOrder) {
  ASSERT_EQ(sign_up("alice@example.com").status, 200);
  clock_.advance_ms(5);
  ASSERT_EQ(sign_up("carol@example.com").status, 200);
  const Json users = documents("/component/user");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0]["email"], "alice@example.com");
  EXPECT_EQ(users[1]["email"], "carol@example.com");
  EXPECT_LT(users[0]["_creationTime"].get<double>(), users[1]["_creationTime"].get<double>());
  EXPECT_FALSE(users[0].contains("id"));  // raw: _id, not Better Auth's id
  EXPECT_EQ(documents("/component/account").size(), 2u);
  EXPECT_EQ(documents("/component/session").size(), 2u);
  EXPECT_EQ(documents("/app/users").size(), 2u);
}

TEST_F(BridgeTest, UnknownTablesAreNamed) {
  const std::vector<std::pair<std::string, std::string>> rows{
      {"/component/users", R"(no table \"users\" in the component)"},
      {"/component/", R"(no table \"\" in the component)"},
      {"/component/User", R"(no table \"User\" in the component)"},
      {"/app/user", R"(no table \"user\" in the app)"},
      {"/app/users/x", R"(no table \"users/x\" in the app)"},
  };
  for (const auto& [route, message] : rows) {
    HttpResponse response = bridge("GET", route);
    EXPECT_EQ(response.status, 404) << route;
    EXPECT_EQ(response.body, error_body("UNKNOWN_TABLE", message)) << route;
  }
}

// --- faults

TEST_F(BridgeTest, FaultsArePutListedAndCleared) {
  const std::string fault =
      R"({"table":"account","op":"create","message":"injected: account.create","match":{"providerId":"credential"},"times":1})";
  HttpResponse put = bridge("PUT", "/faults", R"({"faults":[)" + fault + "]}");
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(put.body, R"({"faults":[)" + fault + "]}");
  EXPECT_EQ(bridge("GET", "/faults").body, put.body);
  HttpResponse cleared = bridge("DELETE", "/faults");
  EXPECT_EQ(cleared.status, 200);
  EXPECT_EQ(cleared.body, R"({"faults":[]})");
  EXPECT_EQ(bridge("GET", "/faults").body, R"({"faults":[]})");
}

TEST_F(BridgeTest, BadFaultsAreRefusedAndChangeNothing) {
  bridge_json("PUT", "/faults", R"({"faults":[{"table":"user","op":"create"}]})");
  const std::vector<std::pair<std::string, std::string>> rows{
      {"{", "the body is not JSON"},
      {R"([])", R"(not-an-object: the body must be {\"faults\": [...]})"},
      {R"({"faults":[{"table":"jwks","op":"create"}]})",
       "bad-fault: faults[0].table must be one of user, session, account, verification"},
      {R"({"faults":[{"table":"user","op":"read"}]})",
       "bad-fault: faults[0].op must be create, update or delete"},
  };
  for (const auto& [body, message] : rows) {
    HttpResponse response = bridge("PUT", "/faults", body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(response.body, error_body("BAD_REQUEST", message)) << body;
  }
  EXPECT_EQ(bridge_json("GET", "/faults")["faults"].size(), 1u);
}

// Issue 4, "Done when": a sign-up with a fault on account.create leaves an
// orphaned user and its app row (each Better Auth write is its own
// transaction), visible through the bridge.
TEST_F(BridgeTest, AFaultOnAccountCreateLeavesAnOrphanedUser) {
  HttpResponse put = bridge(
      "PUT", "/faults",
      R"({"faults":[{"table":"account","op":"create","message":"injected: account.create","times":1}]})");
  ASSERT_EQ(put.status, 200) << put.body;

  HttpResponse sign_up_response = sign_up("alice@example.com");
  EXPECT_EQ(sign_up_response.status, 500);
  EXPECT_EQ(sign_up_response.body, "");
  EXPECT_FALSE(sign_up_response.headers.has("content-type"));
  EXPECT_FALSE(sign_up_response.headers.has("set-cookie"));
  // Still inside CORS, as every /api/auth answer.
  EXPECT_EQ(sign_up_response.headers.get("access-control-allow-origin"), kSite);

  const Json users = documents("/component/user");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0]["email"], "alice@example.com");
  const Json app_users = documents("/app/users");
  ASSERT_EQ(app_users.size(), 1u);
  EXPECT_EQ(app_users[0]["authId"], users[0]["_id"]);
  EXPECT_EQ(documents("/component/account"), Json::array());
  EXPECT_EQ(documents("/component/session"), Json::array());
  // The fault is spent but stays listed.
  EXPECT_EQ(
      bridge("GET", "/faults").body,
      R"({"faults":[{"table":"account","op":"create","message":"injected: account.create","match":{},"times":0}]})");
  // The orphan blocks the email: the next sign-up finds the user.
  EXPECT_EQ(sign_up("alice@example.com").status, 422);
}

// --- outbox

TEST_F(BridgeTest, OutboxListsTheMailAndFilters) {
  ASSERT_EQ(sign_up("alice@example.com").status, 200);
  ASSERT_EQ(send("POST", "/api/auth/request-password-reset",
                 R"({"email":"alice@example.com","redirectTo":"/reset"})",
                 {{"content-type", "application/json"}, {"origin", kSite}})
                .status,
            200);
  ASSERT_EQ(sign_up("carol@example.com").status, 200);

  const Json all = bridge_json("GET", "/outbox")["messages"];
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["seq"], 1);
  EXPECT_EQ(all[0]["kind"], "verify-email");
  EXPECT_EQ(all[0]["to"], "alice@example.com");
  EXPECT_EQ(all[1]["kind"], "reset-password");
  EXPECT_EQ(all[2]["to"], "carol@example.com");
  EXPECT_EQ(all[0]["at"], static_cast<std::int64_t>(kStartMs));

  EXPECT_EQ(bridge_json("GET", "/outbox?to=alice%40example.com")["messages"].size(), 2u);
  EXPECT_EQ(bridge_json("GET", "/outbox?kind=reset-password")["messages"].size(), 1u);
  EXPECT_EQ(bridge_json("GET", "/outbox?to=carol@example.com&kind=reset-password")["messages"],
            Json::array());
  EXPECT_EQ(bridge_json("GET", "/outbox?to=&kind=")["messages"].size(), 3u);
  HttpResponse bad = bridge("GET", "/outbox?kind=pigeon");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, error_body("BAD_REQUEST", R"(unknown outbox kind \"pigeon\")"));
}

// --- clock

TEST_F(BridgeTest, ClockMovesTheServersClock) {
  HttpResponse response = bridge("PUT", "/clock", R"({"offsetMs":86400000})");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"ok":true,"offsetMs":86400000})");
  EXPECT_EQ(clock_.offset_ms(), 86400000);
  EXPECT_EQ(clock_.now_ms(), kStartMs + 86400000);
  // Sessions see it: a sign-up now is dated a day later.
  ASSERT_EQ(sign_up("alice@example.com").status, 200);
  EXPECT_EQ(documents("/component/user")[0]["createdAt"], kStartMs + 86400000);
  EXPECT_EQ(bridge("PUT", "/clock", R"({"offsetMs":-5e3})").status, 200);
  EXPECT_EQ(clock_.offset_ms(), -5000);
  EXPECT_EQ(bridge("PUT", "/clock", R"({"offsetMs":0})").body, R"({"ok":true,"offsetMs":0})");
  EXPECT_EQ(clock_.offset_ms(), 0);
}

TEST_F(BridgeTest, ClockRejectsBadBodies) {
  for (const std::string body :
       {"", "{", "[]", "{}", R"({"offsetMs":"1"})", R"({"offsetMs":1.5})", R"({"offsetMs":null})",
        R"({"offsetMs":1e300})", R"({"offsetMs":18446744073709551615})"}) {
    HttpResponse response = bridge("PUT", "/clock", body);
    EXPECT_EQ(response.status, 400) << body;
    EXPECT_EQ(Json::parse(response.body)["error"]["code"], "BAD_REQUEST") << body;
  }
  EXPECT_EQ(clock_.offset_ms(), 0);
}

TEST_F(BridgeTest, ClockIsNotSupportedWhenDisabled) {
  make(bridge_options(/*allow_reset=*/true, /*enable_clock=*/false));
  HttpResponse response = bridge("PUT", "/clock", R"({"offsetMs":1000})");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body,
            error_body("NOT_SUPPORTED", "no bridge route PUT /conformance/v1/clock"));
  EXPECT_EQ(clock_.offset_ms(), 0);
}

// --- identity (the convex plugin)

TEST_F(BridgeTest, IdentityWithoutATokenIsNull) {
  EXPECT_EQ(bridge("GET", "/identity").body, R"({"identity":null,"authUser":null})");
  EXPECT_EQ(bridge("GET", "/identity", "", {{"authorization", "Basic abc"}}).body,
            R"({"identity":null,"authUser":null})");
  EXPECT_EQ(bridge("GET", "/identity", "", {{"authorization", "Bearer "}}).body,
            R"({"identity":null,"authUser":null})");
}

TEST_F(BridgeTest, IdentityIsWhatConvexDerivesFromTheToken) {
  HttpResponse signed_up = sign_up("alice@example.com");
  ASSERT_EQ(signed_up.status, 200);
  std::string cookie;
  for (auto header : signed_up.headers.get_all("set-cookie")) {
    if (header.starts_with("better-auth.session_token=")) {
      cookie = std::string(header.substr(0, header.find(';')));
    }
  }
  ASSERT_FALSE(cookie.empty());
  HttpResponse token_response = send("GET", "/api/auth/convex/token", "", {{"cookie", cookie}});
  ASSERT_EQ(token_response.status, 200) << token_response.body;
  const std::string jwt = Json::parse(token_response.body)["token"];

  const Json answer =
      Json::parse(bridge("GET", "/identity", "", {{"authorization", "Bearer " + jwt}}).body);
  const Json users = documents("/component/user");
  const Json sessions = documents("/component/session");
  ASSERT_EQ(users.size(), 1u);
  ASSERT_TRUE(answer.contains("identity")) << answer.dump();
  const Json& identity = answer["identity"];
  ASSERT_TRUE(identity.is_object()) << answer.dump();
  EXPECT_EQ(identity["subject"], users[0]["_id"]);
  EXPECT_EQ(identity["issuer"], "http://127.0.0.1:8787");
  EXPECT_EQ(identity["tokenIdentifier"],
            "http://127.0.0.1:8787|" + users[0]["_id"].get<std::string>());
  EXPECT_EQ(identity["sessionId"], sessions[0]["_id"]);
  EXPECT_FALSE(identity.contains("aud"));
  EXPECT_FALSE(identity.contains("exp"));
  EXPECT_EQ(answer["authUser"]["_id"], users[0]["_id"]);
  EXPECT_EQ(answer["authUser"]["email"], "alice@example.com");

  // A token with one character changed fails validation: identity null.
  std::string tampered = jwt;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  const Json rejected =
      Json::parse(bridge("GET", "/identity", "", {{"authorization", "Bearer " + tampered}}).body);
  EXPECT_EQ(rejected["identity"], nullptr) << rejected.dump();
}

}  // namespace
}  // namespace authref::http

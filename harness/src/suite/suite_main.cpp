// The main of every conformance suite binary: the target, its
// capabilities, the expected failures, then GoogleTest.
#include <sodium.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "authconf/matchers.h"
#include "authconf/suite.h"
#include "http/reference_server.h"
#include "suite/internal/run_state.h"

namespace authconf::suite {

RunState& run_state() {
  static RunState instance;
  return instance;
}

namespace {

constexpr std::string_view kHelp =
    R"(A conformance suite of authconf (one area; ctest runs them all).

usage: <suite> [GoogleTest flags: --gtest_filter=…, --gtest_output=xml:FILE, --gtest_list_tests]

The target comes from the environment:
  AUTH_TARGET_URL           origin of the deployment (https://your-app.convex.site);
                            unset: an embedded reference server on 127.0.0.1
  AUTH_TARGET_KEY           conformance bridge key; unset: bridge cases are skipped
  AUTH_TARGET_ORIGIN        the site origin the target trusts; needed without a key
  AUTH_TARGET_BASE_PATH     Better Auth's base path (default /api/auth)
  AUTH_TARGET_DATES         epoch-ms or iso, for a target without a bridge
  AUTH_TARGET_CORS          hono, convex or none, for a target without a bridge
  AUTH_TARGET_EXPECTATIONS  expected-failures file (fixtures/expectations/<target>.json)
  AUTH_TARGET_CA_FILE       PEM CA certificates for an https target that no system CA
                            signed (a staging proxy, a test certificate)
  AUTH_RUN_ID               run id in the emails of created users (default: random)
  AUTH_UNREDACTED=1         keep cookies, tokens and keys in the recorded exchanges
  AUTHCONF_PROPERTY_RUNS    runs per rapidcheck property (default: each property's own)
  RC_PARAMS                 rapidcheck's parameters (seed=… replays a property)

Exit status: 0 when every selected case passed, was skipped or failed as
expected; 1 when a case failed, an expected failure passed, or no case ran;
2 when the target could not be set up.
)";

std::string random_key() {
  unsigned char bytes[24];
  randombytes_buf(bytes, sizeof bytes);
  std::string key;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char byte : bytes) {
    key += kHex[byte >> 4];
    key += kHex[byte & 15];
  }
  return key;
}

// Expected failures: {"target": "...", "expectedFailures": [{"case", "reason", "link"?}]}
bool load_expectations(const std::string& path, RunState& state) {
  std::ifstream file(path);
  if (!file) {
    std::cerr << "authconf: cannot read the expectations file " << path << "\n";
    return false;
  }
  const Json document = Json::parse(file, nullptr, false);
  if (document.is_discarded() || !document.is_object() || !document.contains("expectedFailures") ||
      !document["expectedFailures"].is_array()) {
    std::cerr << "authconf: " << path
              << " is not an expectations file ({\"target\", \"expectedFailures\": [...]})\n";
    return false;
  }
  for (const Json& entry : document["expectedFailures"]) {
    if (!entry.is_object() || !entry.value("case", Json()).is_string() ||
        !entry.value("reason", Json()).is_string() || entry["reason"].get<std::string>().empty()) {
      std::cerr << "authconf: " << path
                << ": every expected failure needs a case and a reason: " << entry.dump() << "\n";
      return false;
    }
    state.expectations.push_back({entry["case"].get<std::string>(),
                                  entry["reason"].get<std::string>(), entry.value("link", "")});
  }
  state.expectations_file = path;
  return true;
}

// The run's facts on <testsuites>, for authconf-report (reports/README.md).
class TargetEnvironment : public ::testing::Environment {
 public:
  explicit TargetEnvironment(bool embedded) : embedded_(embedded) {}
  void SetUp() override {
    const Target& t = target();
    ::testing::Test::RecordProperty("target", t.url());
    ::testing::Test::RecordProperty("embedded", embedded_ ? "yes" : "no");
    ::testing::Test::RecordProperty("implementation", t.capabilities().implementation());
    ::testing::Test::RecordProperty("run-id", t.run_id());
    ::testing::Test::RecordProperty("capabilities", t.capabilities().raw().dump());
    ::testing::Test::RecordProperty("bridge", t.has_bridge() ? "yes" : "no");
    ::testing::Test::RecordProperty("authconf-version", AUTHCONF_VERSION);
  }
  // Here, not after RUN_ALL_TESTS: GoogleTest writes the XML before it
  // returns, and the report must list the users the run left behind.
  void TearDown() override {
    remove_run_users();
    const auto& leftovers = run_state().leftovers;
    if (!leftovers.empty()) {
      ::testing::Test::RecordProperty("leftovers", Json(leftovers).dump());
    }
  }

 private:
  bool embedded_;
};

// Every case must open AUTHCONF_CASE (its id reaches the report).
class CaseIdCheck : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo&) override { run_state().case_opened = false; }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (!run_state().case_opened) {
      missing.push_back(std::string(info.test_suite_name()) + "." + info.name());
    }
  }
  std::vector<std::string> missing;
};

void print_target(const Target& t, bool embedded) {
  const Capabilities& caps = t.capabilities();
  std::cout << "authconf target: " << t.url() << (embedded ? " (embedded reference)" : "") << "\n"
            << "  implementation: " << caps.implementation() << "\n"
            << "  site origin:    " << t.site_origin() << "\n"
            << "  base path:      " << t.base_path() << "\n"
            << "  dates:          " << caps.dates() << "\n"
            << "  bridge:         " << (t.has_bridge() ? "yes" : "no (bridge cases skip)") << "\n"
            << "  run id:         " << t.run_id() << "\n";
  if (t.has_bridge()) {
    std::cout << "  plugins:        " << caps.raw().value("plugins", Json::array()).dump() << "\n"
              << "  config:         " << caps.raw().value("config", Json::object()).dump() << "\n"
              << "  features:       " << caps.raw().value("features", Json::object()).dump()
              << "\n";
  }
  std::cout << std::flush;
}

}  // namespace
}  // namespace authconf::suite

int main(int argc, char** argv) {
  using namespace authconf;
  using namespace authconf::suite;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") std::cout << kHelp << "\n";
  }
  ::testing::InitGoogleTest(&argc, argv);
  if (sodium_init() < 0) {
    std::cerr << "authconf: libsodium failed to initialise\n";
    return 2;
  }
  if (GTEST_FLAG_GET(list_tests)) return RUN_ALL_TESTS();

  auto settings = settings_from_environment();
  if (!settings) {
    std::cerr << "authconf: " << settings.error().detail << "\n";
    return 2;
  }
  if (settings->ca_file) set_ca_file(*settings->ca_file);
  RunState& state = run_state();
  if (const char* unredacted = std::getenv("AUTH_UNREDACTED")) {
    state.unredacted = std::string(unredacted) == "1";
  }

  // No target named: the embedded reference, with everything a suite may
  // exercise switched on, a bridge key and reset allowed.
  std::unique_ptr<authref::ReferenceServer> embedded;
  if (settings->url.empty()) {
    authref::ServerOptions options;
    options.auth.delete_user = true;
    options.auth.change_email = true;
    options.conformance_key = random_key();
    options.allow_reset = true;
    embedded = std::make_unique<authref::ReferenceServer>(std::move(options));
    auto port = embedded->start();
    if (!port) {
      std::cerr << "authconf: cannot start the embedded reference: " << port.error() << "\n";
      return 2;
    }
    settings->url = embedded->url();
    settings->key = embedded->options().conformance_key;
  }

  Capabilities capabilities = Capabilities::black_box(*settings);
  if (settings->key) {
    const Target probe(*settings, capabilities);
    auto answer = Bridge(probe).capabilities();
    if (!answer) {
      std::cerr << "authconf: GET " << settings->url
                << "/conformance/v1/capabilities failed: " << answer.error()
                << "\n  (is AUTH_TARGET_KEY right, and is the bridge installed?)\n";
      return 2;
    }
    auto parsed = Capabilities::parse(*answer);
    if (!parsed) {
      std::cerr << "authconf: the target's capabilities are not bridge-v1: " << parsed.error()
                << "\n";
      return 2;
    }
    capabilities = std::move(*parsed);
  }
  state.target = std::make_unique<Target>(*settings, std::move(capabilities));
  state.bridge = std::make_unique<Bridge>(*state.target);
  if (state.target->site_origin().empty()) {
    std::cerr << "authconf: the site origin is unknown: set AUTH_TARGET_ORIGIN (the origin your "
                 "app's pages are served from), or AUTH_TARGET_KEY so it comes from the bridge\n";
    return 2;
  }
  // A target that does not answer is an error of the run, not a failure of
  // every case.
  {
    HttpRequestSpec ok{
        .method = "GET", .url = state.target->auth_url("/ok"), .headers = {}, .body = {}};
    auto answer = send_http(ok);
    if (!answer) {
      std::cerr << "authconf: the target does not answer GET " << ok.url << ": " << answer.error()
                << "\n";
      return 2;
    }
  }
  if (settings->expectations_file && !load_expectations(*settings->expectations_file, state)) {
    return 2;
  }
  print_target(*state.target, embedded != nullptr);

  ::testing::AddGlobalTestEnvironment(new TargetEnvironment(embedded != nullptr));
  auto* check = new CaseIdCheck;
  ::testing::UnitTest::GetInstance()->listeners().Append(check);
  int status = RUN_ALL_TESTS();

  const auto* unit = ::testing::UnitTest::GetInstance();
  if (unit->test_to_run_count() == 0) {
    std::cerr << "authconf: no case was selected (check --gtest_filter); a run that tests "
                 "nothing fails\n";
    status = 1;
  }
  if (!check->missing.empty()) {
    std::cerr << "authconf: these cases did not open AUTHCONF_CASE (no stable id):\n";
    for (const auto& name : check->missing) std::cerr << "  " << name << "\n";
    status = 1;
  }
  if (!state.leftovers.empty()) {
    std::cout << "authconf: " << state.leftovers.size()
              << " user(s) created by this run could not be removed:\n";
    for (const auto& leftover : state.leftovers) std::cout << "  " << leftover << "\n";
  }
  state.bridge.reset();
  if (embedded) embedded->stop();
  return status;
}

// authconf/suite.h: what a conformance case uses (link `authconf_suite`).
//
//   TEST(CorsPreflight, AllowedOriginEchoed) {
//     AUTHCONF_CASE("cors.preflight.allowed-origin-echoed", "spec/better-auth-wire.md §8");
//     AUTHCONF_REQUIRE_CONFIG_VALUE("cors", "hono");
//     authconf::Browser browser(authconf::suite::target());
//     auto preflight = AUTHCONF_OK(browser.send("OPTIONS", …));
//     EXPECT_THAT(preflight, HasStatus(204));
//   }
//
// The suite's main (authconf_suite) reads the target from the environment
// (authconf/target.h) or starts the embedded reference, prints the target
// and its capabilities, and runs the cases. Every case must open with
// AUTHCONF_CASE: it records the stable `case` id and the `spec` reference as
// test properties, clears the transcript, honours the expected-failures file
// (an expected failure that fails is recorded as such and passes; one that
// passes fails the run), records the exchanges of a failing case with their
// curl lines, and removes the users the case created.
#pragma once

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/bridge.h"
#include "authconf/browser.h"
#include "authconf/target.h"

namespace authconf::suite {

// The target of this run (valid inside a case).
const Target& target();
const Bridge& bridge();

// One expected failure from the expectations file.
struct Expectation {
  std::string case_id;
  std::string reason;
  std::string link;  // upstream issue, may be empty
};
std::optional<Expectation> expectation_for(std::string_view case_id);

// The scope AUTHCONF_CASE opens; see the banner.
class CaseScope {
 public:
  CaseScope(std::string case_id, std::string spec);
  ~CaseScope();
  CaseScope(const CaseScope&) = delete;
  CaseScope& operator=(const CaseScope&) = delete;

 private:
  std::string case_id_;
  std::optional<Expectation> expected_;
  std::unique_ptr<::testing::TestPartResultArray> intercepted_;
  std::unique_ptr<::testing::ScopedFakeTestPartResultReporter> reporter_;
};

// How long a created user lives: until the case ends, or until the run
// ends (a user several read-only cases share, to save scrypt hashes).
enum class Lifetime { kCase, kRun };

// A user a case created, removed when the case (or run) ends: through the
// bridge's adapter when the target has one, else delete-user when it is
// enabled; what cannot be removed is listed at the end of the run.
void created_user(std::string email, std::string password, Lifetime lifetime = Lifetime::kCase);
// Removes the run's users (the main calls it after the last case).
void remove_run_users();

// Signs a new user up with a fresh run email; the browser holds its session.
struct SignedUpUser {
  std::string email;
  std::string password;
  std::string name;
  // The sign-up answer {"token", "user"}; where sign-up gives no session
  // (requireEmailVerification), the session of the sign-in that follows the
  // verification, in the same shape.
  Json body;
};
// A failed sign-up fails the case (and gives nullopt): ASSERT_TRUE(user).
// The browser holds a session afterwards, on a target that requires email
// verification too (see verify_and_sign_in).
std::optional<SignedUpUser> sign_up(Browser& browser, std::string_view name = "Conformance User",
                                    Lifetime lifetime = Lifetime::kCase);

// Whether the target declares emailAndPassword.requireEmailVerification:
// sign-up then answers {"token":null} and sets no cookie (spec/better-auth-
// wire.md §2.1), and sign-in refuses the user until the address is verified.
bool email_verification_required();
// Verifies `email` as its owner would, by opening the link of the newest
// verify-email message in the bridge's outbox, then signs in on `browser`.
// `sign_in_extra` is merged into the sign-in body (rememberMe). Returns the
// sign-in answer's body. nullopt: the case has failed (no outbox, no
// message, a refusal) or recorded an error.
std::optional<Json> verify_and_sign_in(Browser& browser, std::string_view email,
                                       std::string_view password,
                                       const Json& sign_in_extra = Json::object());

// Records an error outcome (the transport or the bridge failed, not the
// target's behaviour) and fails the case with `detail`.
void record_error(const std::string& detail);
// record_error("<what>: <error>"), for a transport or bridge call that failed.
template <class Error>
void record_failed(std::string_view what, const Error& error) {
  std::ostringstream detail;
  detail << what << ": " << error;
  record_error(detail.str());
}

// rapidcheck parameters for a property: RC_PARAMS when set, else `runs`
// (AUTHCONF_PROPERTY_RUNS overrides, for slow remote targets).
rc::detail::TestParams property_params(int runs);
void report_property(const std::string& description, const rc::detail::TestParams& params,
                     const rc::detail::TestResult& result);
const std::string& dates_of_target();

// Runs a rapidcheck property inside a case: records its seed and the
// RC_PARAMS line that replays it, and fails with the shrunk counterexample.
//   check_property("no untrusted origin is echoed", 50, [&](const std::string& origin) {…});
template <class Testable>
void check_property(const std::string& description, int runs, Testable&& testable) {
  const rc::detail::TestParams params = property_params(runs);
  rc::detail::TestMetadata metadata;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = description;
  report_property(description, params,
                  rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params));
}

}  // namespace authconf::suite

#define AUTHCONF_CASE_CONCAT_INNER(a, b) a##b
#define AUTHCONF_CASE_CONCAT(a, b) AUTHCONF_CASE_CONCAT_INNER(a, b)
#define AUTHCONF_CASE(id, spec) \
  ::authconf::suite::CaseScope AUTHCONF_CASE_CONCAT(authconf_case_, __LINE__)(id, spec)

// Skips the case, with the reason, when the target lacks what it needs.
#define AUTHCONF_REQUIRE_BRIDGE()                                           \
  do {                                                                      \
    if (!::authconf::suite::target().has_bridge())                          \
      GTEST_SKIP() << "needs the conformance bridge (set AUTH_TARGET_KEY)"; \
  } while (0)
#define AUTHCONF_REQUIRE_FEATURE(name)                                        \
  do {                                                                        \
    AUTHCONF_REQUIRE_BRIDGE();                                                \
    if (!::authconf::suite::target().capabilities().feature(name))            \
      GTEST_SKIP() << "the target's bridge lacks feature `" << (name) << "`"; \
  } while (0)
#define AUTHCONF_REQUIRE_PLUGIN(id)                                         \
  do {                                                                      \
    if (!::authconf::suite::target().capabilities().plugin(id))             \
      GTEST_SKIP() << "the target does not enable plugin `" << (id) << "`"; \
  } while (0)
#define AUTHCONF_REQUIRE_CONFIG(flag, default_value, wanted)                                     \
  do {                                                                                           \
    if (::authconf::suite::target().capabilities().config_flag(flag, default_value) != (wanted)) \
      GTEST_SKIP() << "needs config `" << (flag) << "` = " << ((wanted) ? "true" : "false");     \
  } while (0)
#define AUTHCONF_REQUIRE_CORS(flavour)                                                       \
  do {                                                                                       \
    if (::authconf::suite::target().capabilities().cors() != (flavour))                      \
      GTEST_SKIP() << "needs the `" << (flavour) << "` CORS configuration, the target has `" \
                   << ::authconf::suite::target().capabilities().cors() << "`";              \
  } while (0)
// A destructive case (faults, reset, clock) runs only where the target
// allows it: the bridge feature must be on.
#define AUTHCONF_REQUIRE_DESTRUCTIVE(feature) AUTHCONF_REQUIRE_FEATURE(feature)

// Unwraps a Result<T, E> or fails the case as an error (not a verdict).
#define AUTHCONF_OK(expression)                                            \
  __extension__({                                                          \
    auto authconf_result_ = (expression);                                  \
    if (!authconf_result_) {                                               \
      std::ostringstream authconf_detail_;                                 \
      authconf_detail_ << #expression << ": " << authconf_result_.error(); \
      ::authconf::suite::record_error(authconf_detail_.str());             \
      return;                                                              \
    }                                                                      \
    std::move(*authconf_result_);                                          \
  })
// The same for a Result<void, E>.
#define AUTHCONF_DONE(expression)                                          \
  do {                                                                     \
    auto authconf_result_ = (expression);                                  \
    if (!authconf_result_) {                                               \
      std::ostringstream authconf_detail_;                                 \
      authconf_detail_ << #expression << ": " << authconf_result_.error(); \
      ::authconf::suite::record_error(authconf_detail_.str());             \
      return;                                                              \
    }                                                                      \
  } while (0)

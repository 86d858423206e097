// The conformance cases' shared state and CaseScope (see authconf/suite.h).
#include "authconf/suite.h"

#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>

#include "authconf/matchers.h"
#include "authconf/transcript.h"
#include "suite/internal/run_state.h"

namespace authconf::suite {
namespace {

struct CreatedUser {
  std::string email;
  std::string password;
};

std::mutex& created_mutex() {
  static std::mutex instance;
  return instance;
}
std::vector<CreatedUser>& created_users() {
  static std::vector<CreatedUser> instance;
  return instance;
}
std::vector<CreatedUser>& run_users() {
  static std::vector<CreatedUser> instance;
  return instance;
}

// Removes one user the run created: through the bridge's adapter (the
// component's own functions, triggers included) when there is one, else
// through delete-user when the target enables it. False: it stays.
bool remove_user(const CreatedUser& user) {
  const Target& current = target();
  if (current.capabilities().feature("adapter")) {
    const Bridge& b = bridge();
    auto found = b.adapter(
        "findOne", Json{{"model", "user"},
                        {"where", Json::array({{{"field", "email"}, {"value", user.email}}})}});
    if (!found || found->thrown) return false;
    if (found->value.is_null()) return true;  // the case deleted it itself
    const Json id = found->value["_id"];
    for (const char* model : {"session", "account"}) {
      auto removed = b.adapter(
          "deleteMany",
          Json{{"input",
                {{"model", model}, {"where", Json::array({{{"field", "userId"}, {"value", id}}})}}},
               {"paginationOpts", {{"numItems", 1000}, {"cursor", nullptr}}}});
      if (!removed || removed->thrown) return false;
    }
    auto removed = b.adapter(
        "deleteOne",
        Json{{"input",
              {{"model", "user"}, {"where", Json::array({{{"field", "_id"}, {"value", id}}})}}}});
    return removed && !removed->thrown;
  }
  if (current.capabilities().config_flag("deleteUser", false)) {
    Browser browser(current);
    auto signed_in = browser.post_json(current.auth_path("/sign-in/email"),
                                       {{"email", user.email}, {"password", user.password}});
    if (!signed_in) return false;
    if (signed_in->status == 401) return true;  // gone already (or the password changed)
    auto deleted =
        browser.post_json(current.auth_path("/delete-user"), {{"password", user.password}});
    return deleted && deleted->status == 200;
  }
  return false;
}

void record_exchanges() {
  const auto exchanges = transcript::exchanges();
  if (exchanges.empty()) return;
  Json recorded = Json::array();
  std::cout << "--- the case's HTTP exchanges (" << exchanges.size() << ") ---\n";
  for (const Exchange& exchange : exchanges) {
    const std::string text = exchange.to_text(!run_state().unredacted);
    const std::string curl = exchange.curl_line(!run_state().unredacted);
    std::cout << text << "# reproduce: " << curl << "\n\n";
    recorded.push_back({{"text", text}, {"curl", curl}});
  }
  ::testing::Test::RecordProperty("exchanges", recorded.dump());
}

}  // namespace

const Target& target() { return *run_state().target; }
const Bridge& bridge() { return *run_state().bridge; }

const std::string& dates_of_target() { return run_state().target->capabilities().dates(); }

std::optional<Expectation> expectation_for(std::string_view case_id) {
  for (const Expectation& expectation : run_state().expectations) {
    if (expectation.case_id == case_id) return expectation;
  }
  return std::nullopt;
}

CaseScope::CaseScope(std::string case_id, std::string spec) : case_id_(std::move(case_id)) {
  RunState& state = run_state();
  ::testing::Test::RecordProperty("case", case_id_);
  ::testing::Test::RecordProperty("spec", spec);
  transcript::clear();
  state.case_opened = true;
  state.error_recorded = false;
  {
    std::lock_guard lock(state.mutex);
    if (!state.case_ids.insert(case_id_).second) {
      ADD_FAILURE() << "case id `" << case_id_ << "` is used by two cases; ids must be unique";
    }
  }
  expected_ = expectation_for(case_id_);
  if (expected_) {
    ::testing::Test::RecordProperty("expected-reason", expected_->reason);
    if (!expected_->link.empty()) ::testing::Test::RecordProperty("expected-link", expected_->link);
    intercepted_ = std::make_unique<::testing::TestPartResultArray>();
    reporter_ = std::make_unique<::testing::ScopedFakeTestPartResultReporter>(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD,
        intercepted_.get());
  }
}

CaseScope::~CaseScope() {
  RunState& state = run_state();
  if (reporter_) {
    reporter_.reset();  // results go to GoogleTest again
    int failures = 0;
    std::string first_failure;
    bool skipped = false;
    for (int i = 0; i < intercepted_->size(); ++i) {
      const ::testing::TestPartResult& part = intercepted_->GetTestPartResult(i);
      if (part.skipped()) {
        skipped = true;
        ::testing::internal::AssertHelper(::testing::TestPartResult::kSkip, part.file_name(),
                                          part.line_number(), part.message()) =
            ::testing::Message();
      } else if (part.failed()) {
        if (failures++ == 0) first_failure = part.summary();
      }
    }
    if (state.error_recorded) {
      // An error is never a verdict: it is not hidden by the expectation.
      for (int i = 0; i < intercepted_->size(); ++i) {
        const ::testing::TestPartResult& part = intercepted_->GetTestPartResult(i);
        if (part.failed()) {
          ::testing::internal::AssertHelper(part.type(), part.file_name(), part.line_number(),
                                            part.message()) = ::testing::Message();
        }
      }
    } else if (failures > 0) {
      ::testing::Test::RecordProperty("outcome", "expected-failure");
      ::testing::Test::RecordProperty("expected-failure-detail", first_failure);
      std::cout << "[ EXPECTED FAILURE ] " << case_id_ << ": " << expected_->reason << "\n"
                << first_failure << "\n";
    } else if (!skipped) {
      ADD_FAILURE() << "case `" << case_id_ << "` is listed as an expected failure ("
                    << expected_->reason << ") but passed: remove it from "
                    << state.expectations_file;
    }
  }
  if (::testing::Test::HasFailure()) record_exchanges();

  // Leave the target as the case found it: no faults, the real clock, no users.
  const Target& current = target();
  if (current.has_bridge()) {
    if (transcript::touched("PUT", "/conformance/v1/faults")) (void)bridge().clear_faults();
    if (transcript::touched("PUT", "/conformance/v1/clock")) (void)bridge().set_clock_offset(0);
  }
  std::vector<CreatedUser> users;
  {
    std::lock_guard lock(created_mutex());
    users.swap(created_users());
  }
  for (const CreatedUser& user : users) {
    if (!remove_user(user)) {
      std::lock_guard lock(state.mutex);
      state.leftovers.push_back(user.email + " (case " + case_id_ + ")");
    }
  }
}

void created_user(std::string email, std::string password, Lifetime lifetime) {
  std::lock_guard lock(created_mutex());
  (lifetime == Lifetime::kRun ? run_users() : created_users())
      .push_back({std::move(email), std::move(password)});
}

void remove_run_users() {
  std::vector<CreatedUser> users;
  {
    std::lock_guard lock(created_mutex());
    users.swap(run_users());
  }
  for (const CreatedUser& user : users) {
    if (!remove_user(user)) {
      std::lock_guard lock(run_state().mutex);
      run_state().leftovers.push_back(user.email + " (shared by the run)");
    }
  }
}

std::optional<SignedUpUser> sign_up(Browser& browser, std::string_view name, Lifetime lifetime) {
  SignedUpUser user;
  user.email = target().new_email();
  user.password = "Conformance-" + target().run_id() + "-pw";
  user.name = std::string(name);
  auto answer =
      browser.post_json(target().auth_path("/sign-up/email"),
                        {{"name", user.name}, {"email", user.email}, {"password", user.password}});
  if (!answer) {
    record_failed("sign-up", answer.error());
    return std::nullopt;
  }
  created_user(user.email, user.password, lifetime);
  if (answer->status != 200) {
    ADD_FAILURE() << "signing up a fresh user failed: " << describe(*answer);
    return std::nullopt;
  }
  user.body = json_body(*answer).json;
  if (email_verification_required()) {
    auto signed_in = verify_and_sign_in(browser, user.email, user.password);
    if (!signed_in) return std::nullopt;
    user.body = Json{{"token", signed_in->value("token", Json())},
                     {"user", signed_in->value("user", Json())}};
  }
  return user;
}

bool email_verification_required() {
  return target().capabilities().config_flag("requireEmailVerification", false);
}

std::optional<Json> verify_and_sign_in(Browser& browser, std::string_view email,
                                       std::string_view password, const Json& sign_in_extra) {
  if (!target().has_bridge() || !target().capabilities().feature("outbox")) {
    ADD_FAILURE() << "the target requires email verification, and without the bridge's outbox "
                     "the suites cannot read the verification mail to sign in";
    return std::nullopt;
  }
  auto mails = bridge().outbox(std::string(email), "verify-email");
  if (!mails) {
    record_failed("bridge GET /outbox", mails.error());
    return std::nullopt;
  }
  const Json token = mails->empty() ? Json() : mails->back().value("token", Json());
  if (!token.is_string()) {
    ADD_FAILURE() << "the target requires email verification but sent " << email
                  << " no verify-email message with a token (outbox: " << Json(*mails).dump()
                  << ")";
    return std::nullopt;
  }
  auto verified =
      browser.get(target().auth_path("/verify-email?token=" + token.get<std::string>()), {});
  if (!verified) {
    record_failed("verify-email", verified.error());
    return std::nullopt;
  }
  if (verified->status != 200) {
    ADD_FAILURE() << "opening the verification link failed: " << describe(*verified);
    return std::nullopt;
  }
  Json sign_in_body{{"email", std::string(email)}, {"password", std::string(password)}};
  for (const auto& [key, value] : sign_in_extra.items()) sign_in_body[key] = value;
  auto signed_in = browser.post_json(target().auth_path("/sign-in/email"), sign_in_body);
  if (!signed_in) {
    record_failed("sign-in", signed_in.error());
    return std::nullopt;
  }
  if (signed_in->status != 200) {
    ADD_FAILURE() << "signing in after verifying the email failed: " << describe(*signed_in);
    return std::nullopt;
  }
  return json_body(*signed_in).json;
}

void record_error(const std::string& detail) {
  run_state().error_recorded = true;
  ::testing::Test::RecordProperty("outcome", "error");
  ::testing::Test::RecordProperty("error", detail);
  ADD_FAILURE() << "[authconf error, not a verdict on the target] " << detail;
}

rc::detail::TestParams property_params(int runs) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  const char* rc_params = std::getenv("RC_PARAMS");
  const bool max_success_set =
      rc_params != nullptr && std::string(rc_params).find("max_success") != std::string::npos;
  if (!max_success_set) {
    params.maxSuccess = runs;
    if (const char* override_runs = std::getenv("AUTHCONF_PROPERTY_RUNS")) {
      params.maxSuccess = std::max(1, std::atoi(override_runs));
    }
  }
  return params;
}

void report_property(const std::string& description, const rc::detail::TestParams& params,
                     const rc::detail::TestResult& result) {
  const std::string replay = "RC_PARAMS=\"seed=" + std::to_string(params.seed) +
                             " max_success=" + std::to_string(params.maxSuccess) + "\"";
  ::testing::Test::RecordProperty("rapidcheck-seed", std::to_string(params.seed));
  ::testing::Test::RecordProperty("rapidcheck-replay", replay);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream message;
    rc::detail::printResultMessage(result, message);
    ADD_FAILURE() << "property `" << description << "` failed:\n"
                  << message.str() << "\nreplay with: " << replay;
  }
}

}  // namespace authconf::suite

namespace authconf {
const std::string& target_dates() { return suite::dates_of_target(); }
}  // namespace authconf

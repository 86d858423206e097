// The differential check: each scenario of fixtures/differential/
// scenarios.json (a scripted sequence of requests) runs against the target
// and against the reference, configured as the target declares itself, and
// every answer must be the same after scrubbing what differs by nature (ids,
// tokens, dates, signatures, each server's own origin; authconf/scrub.h).
// A difference is a reference bug (fix it) or real upstream behaviour the
// reference deliberately does not copy (listed in the target's expectations
// file). Against the reference itself there is nothing to compare: skipped.
//
// A step: {"do": "POST /sign-in/email", "browser": "a", "json": {…} |
// "body": "…", "contentType": "…", "origin": null | "<origin>", "root":
// true (a path outside the base path), "headers": {…}, "bearer": "${jwt}",
// "capture": {"jwt": "/token"}, "outbox": "verify-email", "compare": false}.
// Strings may use ${email}, ${email2}, ${password}, ${site} and captures.
#include <authconf/browser.h>
#include <authconf/scrub.h>
#include <authconf/suite.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "http/reference_server.h"

namespace authconf {
namespace {

constexpr const char* kPassword = "differential-Passw0rd";

Json load_scenarios() {
  std::ifstream file(AUTHCONF_DIFFERENTIAL_SCRIPT);
  Json document = Json::parse(file, nullptr, false);
  if (document.is_discarded() || !document.contains("scenarios")) {
    ADD_FAILURE() << "cannot read " << AUTHCONF_DIFFERENTIAL_SCRIPT;
    return Json::array();
  }
  return document["scenarios"];
}

const Json& scenarios() {
  static const Json instance = load_scenarios();
  return instance;
}

// The reference, configured from what the target says of itself. One per
// run: each scenario uses its own users.
struct ReferenceSide {
  std::unique_ptr<authref::ReferenceServer> server;
  std::unique_ptr<Target> target;
  std::string error;
};

ReferenceSide start_reference(const Capabilities& of) {
  ReferenceSide side;
  authref::ServerOptions options;
  options.auth.site_url = of.site_url();
  options.auth.base_path = of.base_path();
  options.auth.dates =
      of.dates() == "iso" ? authref::DatesMode::kIso : authref::DatesMode::kEpochMs;
  options.auth.jwt_algorithm =
      of.jwt_alg() == "EdDSA" ? authref::JwtAlgorithm::kEdDsa : authref::JwtAlgorithm::kRs256;
  const std::string cors = of.cors();
  options.auth.cors = cors == "convex" ? authref::CorsFlavour::kConvex
                      : cors == "none" ? authref::CorsFlavour::kNone
                                       : authref::CorsFlavour::kHono;
  options.auth.rate_limit = of.config_flag("rateLimit", false);
  options.auth.delete_user = of.config_flag("deleteUser", false);
  options.auth.change_email = of.config_flag("changeEmail", false);
  options.auth.require_email_verification = of.config_flag("requireEmailVerification", false);
  options.auth.cross_domain = of.plugin("cross-domain");
  // An https target sets `__Secure-` cookies; so must the reference (its
  // own base URL is plain http).
  options.auth.use_secure_cookies = suite::target().url().starts_with("https://");
  options.conformance_key = "differential-reference-key";
  options.enable_clock = false;
  side.server = std::make_unique<authref::ReferenceServer>(std::move(options));
  if (auto port = side.server->start(); !port) {
    std::ostringstream detail;
    detail << "cannot start the reference: " << port.error();
    side.error = detail.str();
    return side;
  }
  TargetSettings settings;
  settings.url = side.server->url();
  settings.key = side.server->options().conformance_key;
  settings.run_id = suite::target().run_id();
  const Target probe(settings, Capabilities::black_box(settings));
  auto answer = Bridge(probe).capabilities();
  if (!answer) {
    side.error = "GET /capabilities of the reference failed";
    return side;
  }
  auto parsed = Capabilities::parse(*answer);
  if (!parsed) {
    side.error = "the reference's capabilities are unreadable";
    return side;
  }
  side.target = std::make_unique<Target>(settings, std::move(*parsed));
  return side;
}

ReferenceSide& reference() {
  static ReferenceSide instance = start_reference(suite::target().capabilities());
  return instance;
}

// One side of a comparison: a target, its browsers, its captures.
class Side {
 public:
  Side(const Target& target, std::map<std::string, std::string> variables)
      : target_(target), variables_(std::move(variables)), scrubber_({target.url()}) {}

  std::string expand(std::string text) const {
    for (const auto& [name, value] : variables_) {
      const std::string token = "${" + name + "}";
      for (std::size_t at = text.find(token); at != std::string::npos; at = text.find(token, at)) {
        text.replace(at, token.size(), value);
        at += value.size();
      }
    }
    return text;
  }
  Json expand(const Json& value) const {
    if (value.is_string()) return expand(value.get<std::string>());
    Json out = value;
    if (value.is_structured()) {
      for (auto& item : out) item = expand(item);
    }
    return out;
  }

  // Runs one step; nullopt with `error` set when the transport failed.
  std::optional<Json> run(const Json& step, std::string& error) {
    if (step.contains("outbox")) return read_outbox(step, error);
    const std::string what = step.at("do").get<std::string>();
    const std::size_t space = what.find(' ');
    const std::string method = what.substr(0, space);
    const std::string path = expand(what.substr(space + 1));
    CallOptions options;
    if (step.contains("origin")) {
      options.origin = step["origin"].is_null()
                           ? std::nullopt
                           : std::optional<std::string>(expand(step["origin"].get<std::string>()));
    }
    const Json headers = step.value("headers", Json::object());
    for (const auto& [name, value] : headers.items()) {
      options.headers.emplace_back(name, expand(value.get<std::string>()));
    }
    if (step.contains("bearer")) options.bearer = expand(step["bearer"].get<std::string>());
    Browser& browser = browser_named(step.value("browser", "a"));
    const std::string full = step.value("root", false) ? path : target_.auth_path(path);
    auto exchange = step.contains("json") ? browser.send(method, full, expand(step["json"]).dump(),
                                                         "application/json", options)
                    : step.contains("body")
                        ? browser.send(method, full, expand(step["body"].get<std::string>()),
                                       step.value("contentType", "text/plain"), options)
                        : browser.send(method, full, "", "", options);
    if (!exchange) {
      std::ostringstream detail;
      detail << what << ": " << exchange.error();
      error = detail.str();
      return std::nullopt;
    }
    capture(step, json_body(*exchange).json);
    last_ = exchange->to_text();
    return scrubber_.exchange(*exchange);
  }

  const std::string& last_exchange() const { return last_; }

 private:
  Browser& browser_named(const std::string& name) {
    auto it = browsers_.find(name);
    if (it == browsers_.end()) {
      it = browsers_.emplace(name, std::make_unique<Browser>(target_)).first;
    }
    return *it->second;
  }

  // The newest message of a kind to ${email}: its token and url become
  // ${outboxToken} and ${outboxUrl}. Compared as {kind, to, url} scrubbed.
  std::optional<Json> read_outbox(const Json& step, std::string& error) {
    const std::string kind = step["outbox"].get<std::string>();
    const std::string to = expand(step.value("to", "${email}"));
    auto messages = Bridge(target_).outbox(to, kind);
    if (!messages) {
      std::ostringstream detail;
      detail << "GET /outbox: " << messages.error();
      error = detail.str();
      return std::nullopt;
    }
    if (messages->empty()) return Json{{"outbox", kind}, {"to", to}, {"message", nullptr}};
    const Json& newest = messages->back();
    variables_["outboxToken"] = newest.value("token", "");
    variables_["outboxUrl"] = newest.value("url", "");
    // The path of the link, to follow it with "do": "GET ${outboxPath}".
    std::string url = newest.value("url", "");
    if (url.starts_with(target_.url())) url.erase(0, target_.url().size());
    variables_["outboxPath"] = url;
    last_ = newest.dump();
    return Json{{"outbox", kind}, {"to", to}, {"url", scrubber_.text(newest.value("url", ""))}};
  }

  void capture(const Json& step, const Json& body) {
    const Json captures = step.value("capture", Json::object());
    for (const auto& [name, pointer] : captures.items()) {
      const Json::json_pointer at(pointer.get<std::string>());
      variables_[name] =
          body.contains(at) && body[at].is_string() ? body[at].get<std::string>() : "";
    }
  }

  const Target& target_;
  std::map<std::string, std::string> variables_;
  Scrubber scrubber_;
  std::map<std::string, std::unique_ptr<Browser>> browsers_;
  std::string last_;
};

// Whether the target can run the scenario; the reason when not.
std::optional<std::string> unmet(const Json& requires_) {
  const Capabilities& capabilities = suite::target().capabilities();
  if (requires_.value("bridge", false) && !suite::target().has_bridge()) {
    return "needs the conformance bridge (set AUTH_TARGET_KEY)";
  }
  if (requires_.contains("features")) {
    for (const Json& feature : requires_["features"]) {
      if (!capabilities.feature(feature.get<std::string>())) {
        return "the target lacks the bridge feature `" + feature.get<std::string>() + "`";
      }
    }
  }
  const Json config = requires_.value("config", Json::object());
  for (const auto& [flag, wanted] : config.items()) {
    if (capabilities.config_flag(flag, false) != wanted.get<bool>()) {
      return "needs config." + flag + " = " + wanted.dump();
    }
  }
  if (requires_.contains("cors") && capabilities.cors() != requires_["cors"].get<std::string>()) {
    return "needs CORS `" + requires_["cors"].get<std::string>() + "`";
  }
  return std::nullopt;
}

// The first place two scrubbed answers differ, as a JSON pointer.
std::string first_difference(const Json& ours, const Json& theirs) {
  const Json patch = Json::diff(ours, theirs);
  if (patch.empty()) return "(the same members in another order)";
  return patch[0].value("path", "") + " (" + patch[0].value("op", "") + ")";
}

class Differential : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Differential, Scenario) {
  const Json& scenario = scenarios()[GetParam()];
  AUTHCONF_CASE(scenario.at("id").get<std::string>(), scenario.at("spec").get<std::string>());
  const Target& target = suite::target();
  if (target.capabilities().raw().value("implementation", Json::object()).value("name", "") ==
      "authref") {
    GTEST_SKIP() << "the target is the reference itself: nothing to compare";
  }
  if (auto reason = unmet(scenario.value("requires", Json::object()))) GTEST_SKIP() << *reason;
  ReferenceSide& ours = reference();
  if (!ours.error.empty()) {
    suite::record_error(ours.error);
    return;
  }

  // The same users on both sides: the emails carry the run id.
  std::map<std::string, std::string> variables = {{"email", target.new_email()},
                                                  {"email2", target.new_email()},
                                                  {"password", kPassword},
                                                  {"site", target.site_origin()}};
  for (const char* name : {"email", "email2"}) suite::created_user(variables[name], kPassword);
  const Json cleanup = scenario.value("cleanupPasswords", Json::object());
  for (const auto& [name, value] : cleanup.items()) {
    suite::created_user(variables[name], value.get<std::string>());
  }
  Side theirs_side(target, variables);
  Side ours_side(*ours.target, variables);

  int step_number = 0;
  for (const Json& step : scenario.at("steps")) {
    ++step_number;
    std::string error;
    auto theirs = theirs_side.run(step, error);
    if (!theirs) {
      suite::record_error("step " + std::to_string(step_number) + " against the target: " + error);
      return;
    }
    auto reference_answer = ours_side.run(step, error);
    if (!reference_answer) {
      suite::record_error("step " + std::to_string(step_number) +
                          " against the reference: " + error);
      return;
    }
    if (!step.value("compare", true)) continue;
    EXPECT_EQ(*theirs, *reference_answer)
        << "step " << step_number << " (" << step.dump() << ") differs at "
        << first_difference(*reference_answer, *theirs) << "\n--- target (scrubbed) ---\n"
        << theirs->dump(2) << "\n--- reference (scrubbed) ---\n"
        << reference_answer->dump(2) << "\n--- target (raw) ---\n"
        << theirs_side.last_exchange() << "\n--- reference (raw) ---\n"
        << ours_side.last_exchange();
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, Differential,
                         ::testing::Range<std::size_t>(0, scenarios().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& row) {
                           std::string name = scenarios()[row.param].at("id").get<std::string>();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace authconf

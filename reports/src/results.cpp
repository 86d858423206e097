// Reading the suites' GoogleTest XML (see results.h).
#include "results.h"

#include <algorithm>
#include <fstream>
#include <pugixml.hpp>
#include <set>
#include <sstream>

#include "authconf/http_client.h"

namespace authconf::report {
namespace {

namespace fs = std::filesystem;

std::string property(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node p : node.child("properties").children("property")) {
    if (name == p.attribute("name").value()) return p.attribute("value").value();
  }
  return "";
}

// GoogleTest starts each failure and skip message with "file:line\n".
std::string without_location(std::string message) {
  const std::size_t newline = message.find('\n');
  if (newline == std::string::npos) return message;
  const std::string first = message.substr(0, newline);
  const std::size_t colon = first.rfind(':');
  if (colon != std::string::npos && colon + 1 < first.size() &&
      std::all_of(first.begin() + static_cast<std::ptrdiff_t>(colon) + 1, first.end(),
                  [](char c) { return c >= '0' && c <= '9'; })) {
    return message.substr(newline + 1);
  }
  return message;
}

std::string first_segment(std::string_view id) {
  return std::string(id.substr(0, std::min(id.find('.'), id.size())));
}

std::vector<ExchangeRecord> parse_exchanges(const std::string& recorded) {
  std::vector<ExchangeRecord> exchanges;
  if (recorded.empty()) return exchanges;
  const Json parsed = Json::parse(recorded, nullptr, false);
  if (!parsed.is_array()) {
    // Not what CaseScope writes: keep it, as text, rather than lose it.
    exchanges.push_back({recorded, ""});
    return exchanges;
  }
  for (const Json& entry : parsed) {
    if (!entry.is_object()) continue;
    exchanges.push_back({entry.value("text", ""), entry.value("curl", "")});
  }
  return exchanges;
}

CaseResult read_case(const pugi::xml_node& testcase, const std::string& file,
                     const std::string& file_area) {
  CaseResult result;
  result.input = file;
  const std::string name = testcase.attribute("name").value();
  const std::string suite = testcase.attribute("classname").value();
  result.test_name = suite.empty() && name.empty() ? "" : suite + "." + name;
  result.id = property(testcase, "case");
  result.spec = property(testcase, "spec");
  result.area = result.id.empty() ? file_area : first_segment(result.id);
  const std::string source = testcase.attribute("file").value();
  if (!source.empty()) {
    result.source = relative_source(source) + ":" + testcase.attribute("line").value();
  }
  result.seconds = testcase.attribute("time").as_double();
  result.expected_reason = property(testcase, "expected-reason");
  result.expected_link = property(testcase, "expected-link");
  result.exchanges = parse_exchanges(property(testcase, "exchanges"));
  result.rapidcheck_seed = property(testcase, "rapidcheck-seed");
  result.rapidcheck_replay = property(testcase, "rapidcheck-replay");

  std::vector<std::string> failures;
  for (pugi::xml_node failure : testcase.children("failure")) {
    std::string text = failure.text().get();
    if (text.empty()) text = failure.attribute("message").value();
    failures.push_back(without_location(text));
  }
  const pugi::xml_node skipped = testcase.child("skipped");
  const std::string recorded_outcome = property(testcase, "outcome");
  const std::string status = testcase.attribute("status").value();
  const std::string gtest_result = testcase.attribute("result").value();

  if (recorded_outcome == "error" || result.test_name.empty()) {
    // An error of the harness or the transport, or a failure GoogleTest
    // recorded outside any case: never a verdict on the target.
    result.outcome = Outcome::kError;
    const std::string error = property(testcase, "error");
    if (!error.empty()) result.assertions.push_back(error);
    for (auto& failure : failures) {
      if (failure.find(error) == std::string::npos || error.empty()) {
        result.assertions.push_back(std::move(failure));
      }
    }
    if (result.test_name.empty()) {
      result.assertions.insert(result.assertions.begin(),
                               "a failure outside any case (set-up or tear-down of the suite)");
    }
  } else if (!failures.empty()) {
    result.outcome = Outcome::kFail;
    result.assertions = std::move(failures);
  } else if (recorded_outcome == "expected-failure") {
    result.outcome = Outcome::kExpectedFailure;
    result.assertions.push_back(without_location(property(testcase, "expected-failure-detail")));
  } else if (skipped || gtest_result == "skipped") {
    result.outcome = Outcome::kSkip;
    result.skip_reason = without_location(skipped.attribute("message").value());
    if (result.skip_reason.empty()) result.skip_reason = "(no reason given)";
  } else if (status == "notrun") {
    result.outcome = Outcome::kSkip;
    result.skip_reason = "disabled in the suite's source (DISABLED_)";
  } else {
    result.outcome = Outcome::kPass;
  }
  if (result.id.empty()) {
    result.id = result.test_name.empty() ? file_area + ".(outside any case)" : result.test_name;
    if (!result.test_name.empty()) {
      result.assertions.push_back("the case opened no AUTHCONF_CASE, so it has no stable id");
      if (result.outcome == Outcome::kPass) result.outcome = Outcome::kError;
    }
  }
  return result;
}

void add_error(Results& into, const std::string& file, InputProblem problem, std::string detail) {
  into.input_errors.push_back({file, problem, std::move(detail)});
}

}  // namespace

std::string_view outcome_id(Outcome outcome) {
  switch (outcome) {
    case Outcome::kError:
      return "error";
    case Outcome::kFail:
      return "fail";
    case Outcome::kExpectedFailure:
      return "expected-failure";
    case Outcome::kSkip:
      return "skip";
    case Outcome::kPass:
      return "pass";
  }
  return "error";
}

std::string_view outcome_label(Outcome outcome) {
  return outcome == Outcome::kExpectedFailure ? "expected failure" : outcome_id(outcome);
}

std::string_view to_string(InputProblem problem) {
  switch (problem) {
    case InputProblem::kMissing:
      return "missing";
    case InputProblem::kUnreadable:
      return "unreadable";
    case InputProblem::kEmpty:
      return "empty";
    case InputProblem::kMalformed:
      return "malformed";
    case InputProblem::kForeign:
      return "foreign";
    case InputProblem::kNotAuthconf:
      return "not-authconf";
    case InputProblem::kIncomplete:
      return "incomplete";
    case InputProblem::kNoCases:
      return "no-cases";
  }
  return "malformed";
}

std::string_view verdict_id(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kError:
      return "error";
  }
  return "error";
}

std::string relative_source(std::string_view path) {
  for (std::string_view folder : {"/suites/", "/harness/", "/reference_impl/"}) {
    const std::size_t at = path.rfind(folder);
    if (at != std::string_view::npos) return std::string(path.substr(at + 1));
  }
  return std::string(path);
}

void read_suite_xml(std::string_view text, const std::string& file, Results& into) {
  into.inputs.push_back(file);
  if (text.empty()) {
    add_error(into, file, InputProblem::kEmpty,
              "the file is empty: the suite was stopped before it wrote its results");
    return;
  }
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = document.load_buffer(text.data(), text.size());
  if (!parsed) {
    add_error(into, file, InputProblem::kMalformed,
              std::string("not well-formed XML (") + parsed.description() + " at byte " +
                  std::to_string(parsed.offset) + " of " + std::to_string(text.size()) +
                  "): cut short, or not written by a suite");
    return;
  }
  const pugi::xml_node root = document.document_element();
  if (std::string_view(root.name()) != "testsuites") {
    add_error(into, file, InputProblem::kForeign,
              std::string("not GoogleTest XML: the root element is <") + root.name() +
                  ">, not <testsuites>");
    return;
  }
  RunRecord run;
  run.input = file;
  run.run_id = root.attribute("run-id").value();
  run.target = root.attribute("target").value();
  if (run.run_id.empty() || run.target.empty()) {
    add_error(into, file, InputProblem::kNotAuthconf,
              "GoogleTest XML, but not an authconf suite's: <testsuites> has no target or "
              "run-id (is it a unit test's output?)");
    return;
  }
  run.embedded = std::string_view(root.attribute("embedded").value()) == "yes";
  run.implementation = root.attribute("implementation").value();
  run.authconf_version = root.attribute("authconf-version").value();
  run.timestamp = root.attribute("timestamp").value();
  run.bridge = std::string_view(root.attribute("bridge").value()) == "yes";
  run.capabilities = Json::parse(root.attribute("capabilities").value(), nullptr, false);
  if (run.capabilities.is_discarded()) run.capabilities = Json::object();
  const Json leftovers = Json::parse(root.attribute("leftovers").value(), nullptr, false);
  if (leftovers.is_array()) {
    for (const Json& entry : leftovers) {
      if (entry.is_string()) run.leftovers.push_back(entry.get<std::string>());
    }
  }

  const std::string stem = fs::path(file).stem().string();
  int declared = 0;
  int found = 0;
  std::set<std::string> areas;
  for (pugi::xml_node suite : root.children("testsuite")) {
    declared += suite.attribute("tests").as_int();
    for (pugi::xml_node testcase : suite.children("testcase")) {
      ++found;
      CaseResult result = read_case(testcase, file, stem);
      result.suite_binary = "suite_" + stem;
      areas.insert(result.area);
      into.cases.push_back(std::move(result));
    }
  }
  if (found < declared) {
    add_error(into, file, InputProblem::kIncomplete,
              "it declares " + std::to_string(declared) + " cases but holds " +
                  std::to_string(found) + ": it was edited or cut short");
  } else if (found == 0) {
    add_error(into, file, InputProblem::kNoCases,
              "an authconf suite's XML with no case in it: the run selected nothing");
  }
  run.area = areas.size() == 1 ? *areas.begin() : stem;
  into.runs.push_back(std::move(run));
}

Results load_results(const std::vector<fs::path>& inputs) {
  Results results;
  std::vector<fs::path> files;
  for (const fs::path& input : inputs) {
    std::error_code error;
    if (fs::is_directory(input, error)) {
      std::vector<fs::path> found;
      for (const auto& entry : fs::directory_iterator(input, error)) {
        if (entry.path().extension() == ".xml") found.push_back(entry.path());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) {
        results.inputs.push_back(input.string());
        add_error(results, input.string(), InputProblem::kMissing,
                  "the folder holds no .xml file: no suite wrote its results there");
      }
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(input);
    }
  }
  for (const fs::path& file : files) {
    const std::string name = file.string();
    std::error_code error;
    if (!fs::exists(file, error)) {
      results.inputs.push_back(name);
      add_error(results, name, InputProblem::kMissing,
                "no such file: the suite did not run, or stopped before writing its results "
                "(see ctest's output)");
      continue;
    }
    std::ifstream stream(file, std::ios::binary);
    std::ostringstream text;
    if (stream) text << stream.rdbuf();
    if (!stream || stream.bad()) {
      results.inputs.push_back(name);
      add_error(results, name, InputProblem::kUnreadable,
                "cannot be read (a directory, or no permission)");
      continue;
    }
    read_suite_xml(text.str(), name, results);
  }
  return results;
}

void redact(Results& results) {
  for (CaseResult& result : results.cases) {
    for (std::string& assertion : result.assertions) assertion = authconf::redact(assertion);
    for (ExchangeRecord& exchange : result.exchanges) {
      exchange.text = authconf::redact(exchange.text);
      exchange.curl = authconf::redact(exchange.curl);
    }
  }
}

Summary summarize(const Results& results) {
  Summary summary;
  std::set<std::string> areas;
  for (const CaseResult& result : results.cases) {
    areas.insert(result.area);
    ++summary.counts[result.area][result.outcome];
    ++summary.totals[result.outcome];
    ++summary.cases;
  }
  summary.areas.assign(areas.begin(), areas.end());
  auto count = [&](Outcome outcome) {
    auto found = summary.totals.find(outcome);
    return found == summary.totals.end() ? 0 : found->second;
  };
  auto cases = [](int n) { return std::to_string(n) + (n == 1 ? " case" : " cases"); };
  const int failed = count(Outcome::kFail);
  const int errors = count(Outcome::kError);
  const int ran = count(Outcome::kPass) + count(Outcome::kExpectedFailure);
  const std::size_t bad_inputs = results.input_errors.size();
  std::string incomplete;
  if (errors > 0)
    incomplete += cases(errors) + " could not be judged (harness or transport errors)";
  if (bad_inputs > 0) {
    if (!incomplete.empty()) incomplete += ", and ";
    incomplete += std::to_string(bad_inputs) + " input file" + (bad_inputs == 1 ? "" : "s") +
                  " could not be read";
  }
  if (failed > 0) {
    summary.verdict = Verdict::kFail;
    summary.headline = "The target does not conform: " + cases(failed) + " failed.";
    if (!incomplete.empty()) summary.headline += " The run is also incomplete: " + incomplete + ".";
  } else if (!incomplete.empty()) {
    summary.verdict = Verdict::kError;
    summary.headline = "No verdict: " + incomplete + ". No case failed among the rest.";
  } else if (ran == 0) {
    summary.verdict = Verdict::kError;
    summary.headline = summary.cases == 0
                           ? "No verdict: the inputs hold no case."
                           : "No verdict: every case was skipped, so nothing was tested.";
  } else {
    summary.verdict = Verdict::kPass;
    summary.headline = "The target conforms: every case that applies to it passed (" +
                       cases(count(Outcome::kPass)) + ")";
    if (count(Outcome::kExpectedFailure) > 0) {
      summary.headline += ", " + std::to_string(count(Outcome::kExpectedFailure)) +
                          " failed as expected (known upstream behaviour)";
    }
    if (count(Outcome::kSkip) > 0) {
      summary.headline += ", " + std::to_string(count(Outcome::kSkip)) + " skipped";
    }
    summary.headline += ".";
  }
  return summary;
}

}  // namespace authconf::report

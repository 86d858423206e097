// junit.xml: one merged file for CI systems (see render.h). A <testsuite>
// per area, a <testcase> per case id. Expected failures are <skipped
// type="expected-failure">, as pytest writes its xfails, so CI stays green
// on known upstream behaviour while the reason still shows. Inputs that
// could not be read become errors of a suite named `inputs`.
#include <cstdio>
#include <pugixml.hpp>
#include <sstream>

#include "render.h"

namespace authconf::report {
namespace {

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

std::string case_text(const CaseResult& result) {
  std::string text;
  for (const std::string& assertion : result.assertions) text += assertion + "\n";
  for (const ExchangeRecord& exchange : result.exchanges) {
    text += "\n" + exchange.text;
    if (!exchange.curl.empty()) text += "# reproduce: " + exchange.curl + "\n";
  }
  return text;
}

void add_property(pugi::xml_node properties, const char* name, const std::string& value) {
  pugi::xml_node property = properties.append_child("property");
  property.append_attribute("name") = name;
  property.append_attribute("value") = value.c_str();
}

struct Totals {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  double time = 0;
  void set_on(pugi::xml_node node) const {
    node.append_attribute("tests") = tests;
    node.append_attribute("failures") = failures;
    node.append_attribute("errors") = errors;
    node.append_attribute("skipped") = skipped;
    node.append_attribute("time") = seconds(time).c_str();
  }
};

}  // namespace

std::string render_junit(const Results& results, const Summary& summary) {
  pugi::xml_document document;
  pugi::xml_node root = document.append_child("testsuites");
  root.append_attribute("name") = "authconf";
  Totals all;

  for (const std::string& area : summary.areas) {
    pugi::xml_node suite = root.append_child("testsuite");
    suite.append_attribute("name") = area.c_str();
    Totals totals;
    pugi::xml_node properties = suite.append_child("properties");
    for (const RunRecord& run : results.runs) {
      if (run.area != area) continue;
      add_property(properties, "target", run.target);
      add_property(properties, "implementation", run.implementation);
      add_property(properties, "run-id", run.run_id);
      if (suite.attribute("timestamp").empty()) {
        suite.append_attribute("timestamp") = run.timestamp.c_str();
      }
    }
    for (const CaseResult* result : facts::ordered_cases(results)) {
      if (result->area != area) continue;
      pugi::xml_node testcase = suite.append_child("testcase");
      testcase.append_attribute("classname") = ("authconf." + area).c_str();
      testcase.append_attribute("name") = result->id.c_str();
      testcase.append_attribute("time") = seconds(result->seconds).c_str();
      if (!result->source.empty()) testcase.append_attribute("file") = result->source.c_str();
      pugi::xml_node case_properties = testcase.append_child("properties");
      add_property(case_properties, "spec", result->spec);
      add_property(case_properties, "gtest", result->test_name);
      if (!result->rapidcheck_replay.empty()) {
        add_property(case_properties, "rapidcheck-replay", result->rapidcheck_replay);
      }
      ++totals.tests;
      totals.time += result->seconds;
      const std::string first =
          result->assertions.empty() ? "" : facts::assertion_summary(result->assertions.front());
      switch (result->outcome) {
        case Outcome::kFail: {
          ++totals.failures;
          pugi::xml_node failure = testcase.append_child("failure");
          failure.append_attribute("message") = first.c_str();
          failure.append_attribute("type") = "assertion";
          failure.append_child(pugi::node_pcdata).set_value(case_text(*result).c_str());
          break;
        }
        case Outcome::kError: {
          ++totals.errors;
          pugi::xml_node error = testcase.append_child("error");
          error.append_attribute("message") = first.c_str();
          error.append_attribute("type") = "authconf-error";
          error.append_child(pugi::node_pcdata).set_value(case_text(*result).c_str());
          break;
        }
        case Outcome::kExpectedFailure: {
          ++totals.skipped;
          pugi::xml_node skipped = testcase.append_child("skipped");
          skipped.append_attribute("type") = "expected-failure";
          std::string message = "expected failure: " + result->expected_reason;
          if (!result->expected_link.empty()) message += " (" + result->expected_link + ")";
          skipped.append_attribute("message") = message.c_str();
          break;
        }
        case Outcome::kSkip: {
          ++totals.skipped;
          testcase.append_child("skipped").append_attribute("message") =
              result->skip_reason.c_str();
          break;
        }
        case Outcome::kPass:
          break;
      }
    }
    totals.set_on(suite);
    all.tests += totals.tests;
    all.failures += totals.failures;
    all.errors += totals.errors;
    all.skipped += totals.skipped;
    all.time += totals.time;
  }

  if (!results.input_errors.empty()) {
    pugi::xml_node suite = root.append_child("testsuite");
    suite.append_attribute("name") = "inputs";
    Totals totals;
    for (const InputError& input_error : results.input_errors) {
      pugi::xml_node testcase = suite.append_child("testcase");
      testcase.append_attribute("classname") = "authconf.inputs";
      testcase.append_attribute("name") = input_error.file.c_str();
      testcase.append_attribute("time") = "0.000";
      pugi::xml_node error = testcase.append_child("error");
      error.append_attribute("message") = (input_error.file + ": " + input_error.detail).c_str();
      error.append_attribute("type") = std::string(to_string(input_error.problem)).c_str();
      ++totals.tests;
      ++totals.errors;
    }
    totals.set_on(suite);
    all.tests += totals.tests;
    all.errors += totals.errors;
  }
  all.set_on(root);

  std::ostringstream out;
  document.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + out.str();
}

}  // namespace authconf::report

// Reading the suites' XML: outcomes, verdicts, redaction, and bad input,
// which must be named with its file and never read as a pass.
#include "results.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "read_file.h"
#include "render.h"

namespace authconf::report {
namespace {

namespace fs = std::filesystem;

using test_files::read_file;

// An authconf suite's XML around the given <testcase> elements.
std::string suite_xml(const std::string& cases, int declared = -1) {
  int count = 0;
  for (std::size_t at = cases.find("<testcase"); at != std::string::npos;
       at = cases.find("<testcase", at + 1)) {
    ++count;
  }
  if (declared < 0) declared = count;
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests=")" +
         std::to_string(declared) +
         R"(" target="http://127.0.0.1:40000" embedded="yes" implementation="authref 0.1.0" run-id="r1" capabilities="{}" bridge="yes" authconf-version="0.1.0" name="AllTests">
  <testsuite name="S" tests=")" +
         std::to_string(declared) + R"(">)" + cases + R"(</testsuite>
</testsuites>
)";
}

std::string testcase(const std::string& body, const std::string& props,
                     const std::string& attributes = R"(status="run" result="completed")") {
  return R"(<testcase name="T" classname="S" file="/x/suites/cors/cors_test.cpp" line="7" time="0.5" )" +
         attributes + "><properties>" + props + "</properties>" + body + "</testcase>";
}

std::string prop(const std::string& name, const std::string& value) {
  return R"(<property name=")" + name + R"(" value=")" + value + R"("/>)";
}

const std::string kCase = prop("case", "cors.one.case") + prop("spec", "spec/x.md §1");

struct OutcomeRow {
  std::string name;
  std::string testcase;
  Outcome outcome;
  std::string detail;  // the assertion, skip reason or error it must carry
};

class ReportCaseOutcome : public ::testing::TestWithParam<OutcomeRow> {};

TEST_P(ReportCaseOutcome, IsReadFromTheTestcase) {
  Results results;
  read_suite_xml(suite_xml(GetParam().testcase), "cors.xml", results);
  ASSERT_TRUE(results.input_errors.empty()) << results.input_errors.front().detail;
  ASSERT_EQ(results.cases.size(), 1u);
  const CaseResult& result = results.cases.front();
  EXPECT_EQ(result.outcome, GetParam().outcome);
  EXPECT_EQ(result.area, "cors");
  EXPECT_EQ(result.source, "suites/cors/cors_test.cpp:7");
  std::string carried = result.skip_reason;
  for (const std::string& assertion : result.assertions) carried += assertion + "|";
  EXPECT_EQ(carried, GetParam().detail);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ReportCaseOutcome,
    ::testing::Values(
        OutcomeRow{"pass", testcase("", kCase), Outcome::kPass, ""},
        OutcomeRow{"fail",
                   testcase(R"(<failure message="m" type=""><![CDATA[/x/a.cpp:3
Value of: answer
Expected: 200]]></failure>)",
                            kCase),
                   Outcome::kFail, "Value of: answer\nExpected: 200|"},
        OutcomeRow{"skip",
                   testcase(R"(<skipped message="/x/a.cpp:9&#x0A;needs the bridge"/>)", kCase,
                            R"(status="run" result="skipped")"),
                   Outcome::kSkip, "needs the bridge"},
        OutcomeRow{"expected_failure",
                   testcase("", kCase + prop("expected-reason", "upstream bug") +
                                    prop("outcome", "expected-failure") +
                                    prop("expected-failure-detail", "/x/a.cpp:4&#x0A;it differs")),
                   Outcome::kExpectedFailure, "it differs|"},
        OutcomeRow{"error_is_not_a_failure",
                   testcase(R"(<failure message="m" type=""><![CDATA[/x/a.cpp:3
[authconf error, not a verdict on the target] reset]]></failure>)",
                            kCase + prop("outcome", "error") + prop("error", "reset")),
                   Outcome::kError, "reset|"},
        OutcomeRow{"disabled", testcase("", kCase, R"(status="notrun" result="suppressed")"),
                   Outcome::kSkip, "disabled in the suite's source (DISABLED_)"},
        // A case that never opened AUTHCONF_CASE has no stable id: that is
        // the harness's fault, so an error, even when it passed.
        OutcomeRow{"no_case_id", testcase("", prop("spec", "x")), Outcome::kError,
                   "the case opened no AUTHCONF_CASE, so it has no stable id|"}),
    [](const ::testing::TestParamInfo<OutcomeRow>& row) { return row.param.name; });

// Bad input: each file is named with the exact problem, and the verdict is
// never PASS however good the other inputs are.
struct BadInputRow {
  std::string name;
  std::string content;  // written to <name>.xml; "<missing>" writes nothing
  InputProblem problem;
};

class ReportBadInput : public ::testing::TestWithParam<BadInputRow> {};

TEST_P(ReportBadInput, IsNamedAndNeverGreen) {
  const fs::path dir = fs::temp_directory_path() / ("authconf-report-bad-" + GetParam().name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path good = dir / "good.xml";
  std::ofstream(good) << suite_xml(testcase("", kCase));
  const fs::path bad = dir / (GetParam().name + ".xml");
  if (GetParam().content != "<missing>") std::ofstream(bad, std::ios::binary) << GetParam().content;

  const Results results = load_results({good, bad});
  ASSERT_EQ(results.input_errors.size(), 1u);
  EXPECT_EQ(results.input_errors.front().file, bad.string());
  EXPECT_EQ(results.input_errors.front().problem, GetParam().problem)
      << results.input_errors.front().detail;
  const Summary summary = summarize(results);
  EXPECT_EQ(summary.verdict, Verdict::kError) << summary.headline;
  // Every form says so.
  EXPECT_NE(render_html(results, summary, {}).find(bad.string()), std::string::npos);
  EXPECT_NE(render_markdown(results, summary, {}).find(bad.string()), std::string::npos);
  EXPECT_NE(render_junit(results, summary).find("<error message=\"" + bad.string()),
            std::string::npos);
  fs::remove_all(dir);
}

std::string truncated_fixture() {
  const std::string whole = read_file(fs::path(REPORT_TESTS_DIR) / "inputs" / "cors.xml");
  return whole.substr(0, whole.size() / 2);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ReportBadInput,
    ::testing::Values(
        BadInputRow{"missing", "<missing>", InputProblem::kMissing},
        BadInputRow{"empty", "", InputProblem::kEmpty},
        BadInputRow{"truncated", truncated_fixture(), InputProblem::kMalformed},
        BadInputRow{"not_xml", "Segmentation fault (core dumped)\n", InputProblem::kMalformed},
        BadInputRow{"binary", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11), InputProblem::kMalformed},
        BadInputRow{"foreign", "<?xml version=\"1.0\"?><project><build/></project>",
                    InputProblem::kForeign},
        BadInputRow{
            "unit_test_xml",
            R"(<testsuites tests="1" name="AllTests"><testsuite name="A" tests="1"><testcase name="B" classname="A" status="run" result="completed"/></testsuite></testsuites>)",
            InputProblem::kNotAuthconf},
        BadInputRow{"cut_cases", suite_xml(testcase("", kCase), 5), InputProblem::kIncomplete},
        BadInputRow{"no_cases", suite_xml(""), InputProblem::kNoCases}),
    [](const ::testing::TestParamInfo<BadInputRow>& row) { return row.param.name; });

TEST(ReportLoadResults, AFolderWithoutXmlIsMissingInput) {
  const fs::path dir = fs::temp_directory_path() / "authconf-report-empty-folder";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const Results results = load_results({dir});
  ASSERT_EQ(results.input_errors.size(), 1u);
  EXPECT_EQ(results.input_errors.front().problem, InputProblem::kMissing);
  EXPECT_EQ(summarize(results).verdict, Verdict::kError);
  fs::remove_all(dir);
}

struct VerdictRow {
  std::string name;
  std::vector<std::string> testcases;
  Verdict verdict;
};

class ReportRunVerdict : public ::testing::TestWithParam<VerdictRow> {};

TEST_P(ReportRunVerdict, FollowsTheWorstOutcome) {
  std::string cases;
  int n = 0;
  for (const std::string& body : GetParam().testcases) {
    cases += testcase(body, prop("case", "area.case-" + std::to_string(++n)));
  }
  Results results;
  read_suite_xml(suite_xml(cases), "area.xml", results);
  EXPECT_EQ(summarize(results).verdict, GetParam().verdict);
}

const std::string kFailure = R"(<failure message="m" type="">x</failure>)";
const std::string kSkipped = R"(<skipped message="why"/>)";

INSTANTIATE_TEST_SUITE_P(
    Rows, ReportRunVerdict,
    ::testing::Values(VerdictRow{"all_pass", {"", ""}, Verdict::kPass},
                      VerdictRow{"pass_and_skip", {"", kSkipped}, Verdict::kPass},
                      VerdictRow{"one_failure", {"", kFailure}, Verdict::kFail},
                      // Nothing was tested: not a pass.
                      VerdictRow{"all_skipped", {kSkipped, kSkipped}, Verdict::kError}),
    [](const ::testing::TestParamInfo<VerdictRow>& row) { return row.param.name; });

TEST(ReportRunVerdict, AnErrorWithoutFailuresIsNoVerdict) {
  Results results;
  read_suite_xml(suite_xml(testcase("", kCase) +
                           testcase(kFailure, prop("case", "cors.two") + prop("outcome", "error"))),
                 "cors.xml", results);
  EXPECT_EQ(summarize(results).verdict, Verdict::kError);
}

// The fixture's dual-store case recorded its exchanges unredacted
// (AUTH_UNREDACTED=1): the bridge key, the password and the session cookie.
TEST(ReportRedact, RemovesTheSecretsTheSuitesRecordedUnredacted) {
  Results results = load_results({fs::path(REPORT_TESTS_DIR) / "inputs" / "dual-store.xml"});
  ASSERT_TRUE(results.input_errors.empty());
  auto all_text = [](const Results& r) {
    std::string text;
    for (const CaseResult& result : r.cases) {
      for (const auto& exchange : result.exchanges) text += exchange.text + exchange.curl;
      for (const auto& assertion : result.assertions) text += assertion;
    }
    return text;
  };
  const std::string before = all_text(results);
  for (const char* secret : {"fixture-bridge-key-0123456789abcdef", "Conformance-run00001-pw",
                             "better-auth.session_token=6"}) {
    EXPECT_NE(before.find(secret), std::string::npos) << secret << " is not in the fixture";
  }
  redact(results);
  const std::string after = all_text(results);
  for (const char* secret : {"fixture-bridge-key-0123456789abcdef", "Conformance-run00001-pw",
                             "better-auth.session_token=6"}) {
    EXPECT_EQ(after.find(secret), std::string::npos) << secret << " survived redaction";
  }
  EXPECT_NE(after.find("X-Conformance-Key: <redacted>"), std::string::npos);
  EXPECT_NE(after.find("better-auth.session_token=<redacted>"), std::string::npos);
}

TEST(ReportAssertionSummary, SaysWhatWasFound) {
  EXPECT_EQ(facts::assertion_summary("Expected equality of these values:\n  answer->status\n"
                                     "    Which is: 204\n  404"),
            "answer->status (204) != 404");
  EXPECT_EQ(facts::assertion_summary("Value of: answer\nExpected: has header a: b\n  Actual: "
                                     "OPTIONS /x -> 204, it was c"),
            "Expected: has header a: b; Actual: OPTIONS /x -> 204, it was c");
  EXPECT_EQ(facts::assertion_summary("Failed\ncase `x` passed"), "case `x` passed");
  EXPECT_EQ(facts::assertion_summary(std::string(300, 'a')), std::string(200, 'a') + "…");
}

// The command line: exit status, stderr naming the file, the files written.
struct CliRow {
  std::string name;
  std::string arguments;  // after the binary; {out} is a fresh folder
  int status;
  std::string stderr_has;
  bool writes;  // the three files appear in {out}
};

class ReportCli : public ::testing::TestWithParam<CliRow> {};

TEST_P(ReportCli, ExitsAndSays) {
  const fs::path out = fs::temp_directory_path() / ("authconf-report-cli-" + GetParam().name);
  fs::remove_all(out);
  std::string arguments = GetParam().arguments;
  for (std::size_t at = arguments.find("{out}"); at != std::string::npos;
       at = arguments.find("{out}")) {
    arguments.replace(at, 5, out.string());
  }
  const fs::path err = out.string() + ".stderr";
  const std::string command =
      std::string(AUTHCONF_REPORT_BINARY) + " " + arguments + " > /dev/null 2> " + err.string();
  const int raw = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(raw)) << command;
  EXPECT_EQ(WEXITSTATUS(raw), GetParam().status) << read_file(err);
  EXPECT_NE(read_file(err).find(GetParam().stderr_has), std::string::npos) << read_file(err);
  for (const char* file : {"report.html", "report.md", "junit.xml"}) {
    EXPECT_EQ(fs::exists(out / file), GetParam().writes) << file;
  }
  fs::remove_all(out);
  fs::remove(err);
}

const std::string kInputs = std::string(REPORT_TESTS_DIR) + "/inputs";

INSTANTIATE_TEST_SUITE_P(
    Rows, ReportCli,
    ::testing::Values(CliRow{"fixture_fails", kInputs + " --out {out}", 1, "", true},
                      // A missing suite result still gives a report, one that says ERROR.
                      CliRow{"missing_file",
                             kInputs + "/jwt.xml /nonexistent/robustness.xml --out {out}", 2,
                             "/nonexistent/robustness.xml: missing: no such file", true},
                      CliRow{"no_arguments", "--out {out}", 2, "inputs is required", false},
                      CliRow{"unknown_flag", "--frobnicate x --out {out}", 2,
                             "The following argument was not expected: --frobnicate", false},
                      CliRow{"unwritable_out", kInputs + " --out /proc/authconf-report", 3,
                             "cannot create /proc/authconf-report", false}),
    [](const ::testing::TestParamInfo<CliRow>& row) { return row.param.name; });

TEST(ReportCli, UnredactedKeepsTheSecretsAndSaysSo) {
  const fs::path out = fs::temp_directory_path() / "authconf-report-cli-unredacted";
  fs::remove_all(out);
  const std::string command = std::string(AUTHCONF_REPORT_BINARY) + " " + kInputs +
                              " --unredacted --out " + out.string() + " > /dev/null 2>&1";
  (void)std::system(command.c_str());
  const std::string html = read_file(out / "report.html");
  EXPECT_NE(html.find("fixture-bridge-key-0123456789abcdef"), std::string::npos);
  EXPECT_NE(html.find("Do not share it."), std::string::npos);
  fs::remove_all(out);
}

}  // namespace
}  // namespace authconf::report

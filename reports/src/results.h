// The results of a conformance run, read from the suites' GoogleTest XML.
//
//   auto results = authconf::report::load_results({"reports/out/suites/cors.xml"});
//   for (const auto& problem : results.input_errors) std::cerr << problem.file << ": " ...
//   const auto summary = authconf::report::summarize(results);
//
// Each suite binary writes one XML file: <testsuites> carries the run
// (target, capabilities, run id, versions, users it could not remove) and
// each <testcase> one case, with the properties CaseScope records (case id,
// spec reference, outcome, expected-failure reason and link, exchanges,
// rapidcheck seed). A file that is missing, truncated or not an authconf
// suite's is an input error: it is reported, never read as a pass.
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace authconf::report {

using Json = nlohmann::ordered_json;

// The five outcomes of a case (DESIGN.md "Outcomes"), most severe first.
enum class Outcome { kError, kFail, kExpectedFailure, kSkip, kPass };
inline constexpr std::array<Outcome, 5> kOutcomes = {
    Outcome::kError, Outcome::kFail, Outcome::kExpectedFailure, Outcome::kSkip, Outcome::kPass};
// "error", "fail", "expected-failure", "skip", "pass": ids in the HTML and JUnit.
std::string_view outcome_id(Outcome outcome);
// "error", "fail", "expected failure", "skip", "pass": for people.
std::string_view outcome_label(Outcome outcome);

// One HTTP exchange a failing case recorded, with the curl line that replays it.
struct ExchangeRecord {
  std::string text;
  std::string curl;
};

struct CaseResult {
  std::string id;            // cors.preflight.allowed-origin-echoed
  std::string area;          // the id's first segment (cors)
  std::string spec;          // spec/convex-component.md §8
  std::string test_name;     // GoogleTest's name: Rows/CorsExchanges.Headers/preflight_x
  std::string source;        // suites/cors/cors_test.cpp:512
  std::string input;         // the XML file it came from
  std::string suite_binary;  // suite_cors: what the replay line runs
  Outcome outcome = Outcome::kPass;
  // The failed assertions (fail, expected failure) or the harness's error.
  std::vector<std::string> assertions;
  std::string skip_reason;
  std::string expected_reason;
  std::string expected_link;
  std::vector<ExchangeRecord> exchanges;
  std::string rapidcheck_seed;
  std::string rapidcheck_replay;  // RC_PARAMS="seed=… max_success=…"
  double seconds = 0;
};

// What one suite binary said about the run it made.
struct RunRecord {
  std::string input;  // the XML file
  std::string area;   // of its cases (else the file's stem)
  std::string target;
  bool embedded = false;
  std::string implementation;
  std::string run_id;
  std::string authconf_version;
  std::string timestamp;
  bool bridge = false;
  Json capabilities;  // bridge-v1 capabilities (assumed ones without a bridge)
  std::vector<std::string> leftovers;
};

enum class InputProblem {
  kMissing,      // no such file: the suite did not run, or crashed before writing
  kUnreadable,   // a directory, or no permission
  kEmpty,        // zero bytes
  kMalformed,    // not well-formed XML: usually cut short
  kForeign,      // well-formed, but not GoogleTest XML
  kNotAuthconf,  // GoogleTest XML from something other than an authconf suite
  kIncomplete,   // fewer cases than its own counts say
  kNoCases,      // an authconf suite's XML that holds no case
};
std::string_view to_string(InputProblem problem);

struct InputError {
  std::string file;
  InputProblem problem;
  std::string detail;
};

struct Results {
  std::vector<std::string> inputs;
  std::vector<RunRecord> runs;
  std::vector<CaseResult> cases;
  std::vector<InputError> input_errors;
};

// Reads every file; a directory stands for the *.xml files in it (sorted).
// Never throws on bad input: each problem becomes an InputError.
Results load_results(const std::vector<std::filesystem::path>& inputs);
// One file's text, named `file` in errors and records (tests use this).
void read_suite_xml(std::string_view text, const std::string& file, Results& into);

// Drops cookies, tokens, passwords and the bridge key from everything the
// report prints (exchanges, curl lines, assertions, errors).
void redact(Results& results);

enum class Verdict { kPass, kFail, kError };
std::string_view verdict_id(Verdict verdict);  // "pass", "fail", "error"

struct Summary {
  Verdict verdict = Verdict::kError;
  std::string headline;            // one sentence: what the verdict means for this run
  std::vector<std::string> areas;  // sorted
  std::map<std::string, std::map<Outcome, int>> counts;  // area -> outcome -> cases
  std::map<Outcome, int> totals;
  int cases = 0;
};
Summary summarize(const Results& results);

// The source path from the suites' folder on (suites/cors/cors_test.cpp),
// so a report does not depend on where the tree was checked out.
std::string relative_source(std::string_view path);

}  // namespace authconf::report

// Golden (approval) tests: the three forms of the report, written from the
// fixed inputs in inputs/, must equal golden/ byte for byte. The inputs are
// real suite output with times, ports and run ids scrubbed (capture-inputs),
// and the report takes nothing from the clock or the machine, so any
// difference is a change of the report. After a deliberate change:
//   AUTHCONF_UPDATE_GOLDEN=1 build/…/report_golden_test
// rewrites golden/; review that diff like code.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "read_file.h"
#include "render.h"
#include "results.h"

namespace authconf::report {
namespace {

namespace fs = std::filesystem;

using test_files::read_file;

// The first line that differs, with its number, so a failure says where.
std::string first_difference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string left, right;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, left));
    const bool more_b = static_cast<bool>(std::getline(b, right));
    if (!more_a && !more_b) return "(same lines; line endings differ)";
    if (!more_a || !more_b || left != right) {
      return "line " + std::to_string(line) + ":\n  golden: " + (more_a ? left : "(end)") +
             "\n  now:    " + (more_b ? right : "(end)");
    }
  }
}

struct Form {
  std::string file;
  std::string (*render)(const Results&, const Summary&);
};

class ReportGoldenForms : public ::testing::TestWithParam<Form> {};

TEST_P(ReportGoldenForms, MatchesTheApprovedFile) {
  // Relative input names, as scripts/conformance passes them, so the
  // output does not depend on where the tree is checked out.
  fs::current_path(PROJECT_SOURCE_DIR);
  Results results = load_results({"reports/tests/inputs"});
  ASSERT_EQ(results.inputs.size(), 3u);
  ASSERT_TRUE(results.input_errors.empty()) << results.input_errors.front().detail;
  redact(results);
  const std::string now = GetParam().render(results, summarize(results));
  const fs::path golden = fs::path(REPORT_TESTS_DIR) / "golden" / GetParam().file;
  const char* update = std::getenv("AUTHCONF_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary | std::ios::trunc) << now;
    GTEST_SKIP() << "rewrote " << golden.string();
  }
  ASSERT_TRUE(fs::exists(golden)) << golden.string()
                                  << " is missing: run with AUTHCONF_UPDATE_GOLDEN=1";
  const std::string want = read_file(golden);
  if (want != now) {
    const fs::path written = fs::temp_directory_path() / ("authconf-golden-" + GetParam().file);
    std::ofstream(written, std::ios::binary | std::ios::trunc) << now;
    FAIL() << GetParam().file << " differs from its golden file, first at "
           << first_difference(want, now) << "\nthe new output is in " << written.string()
           << "; diff it, and if the change is meant, AUTHCONF_UPDATE_GOLDEN=1 approves it";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ReportGoldenForms,
    ::testing::Values(Form{"report.html", [](const Results& r,
                                             const Summary& s) { return render_html(r, s, {}); }},
                      Form{"report.md", [](const Results& r,
                                           const Summary& s) { return render_markdown(r, s, {}); }},
                      Form{"junit.xml",
                           [](const Results& r, const Summary& s) { return render_junit(r, s); }}),
    [](const ::testing::TestParamInfo<Form>& row) {
      std::string name = row.param.file;
      for (char& c : name) {
        if (c == '.') c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace authconf::report

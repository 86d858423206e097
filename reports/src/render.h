// The three forms of the report, each a pure function of the results, so
// the same inputs always give the same bytes (the golden tests rely on it).
//
//   auto results = load_results(files);
//   redact(results);
//   const Summary summary = summarize(results);
//   write(out / "report.html", render_html(results, summary, {}));
#pragma once

#include <string>
#include <vector>

#include "results.h"

namespace authconf::report {

struct RenderOptions {
  bool unredacted = false;  // say so on the page: it holds secrets
};

// One self-contained page (inline CSS and script, nothing fetched): the
// verdict, the area × outcome matrix, every case with a filter, failing
// cases with their assertion, exchanges and curl lines, skips by reason,
// expected failures, rapidcheck seeds, the target and its capabilities.
std::string render_html(const Results& results, const Summary& summary,
                        const RenderOptions& options);
// The verdict, the matrix and the failing cases, short enough for a
// pull-request comment.
std::string render_markdown(const Results& results, const Summary& summary,
                            const RenderOptions& options);
// One JUnit file: a <testsuite> per area, a <testcase> per case id.
std::string render_junit(const Results& results, const Summary& summary);

// What the three forms share.
namespace facts {

// "the embedded reference implementation" or the target URL(s).
std::string target(const Results& results);
// "authref 0.1.0" (or several, comma-separated).
std::string implementations(const Results& results);
std::string authconf_version(const Results& results);
// The earliest timestamp of the inputs (when the run started).
std::string started(const Results& results);
// Cases in report order: most severe outcome first, then area, then id.
std::vector<const CaseResult*> ordered_cases(const Results& results);
// The command that replays a property with its seed.
std::string replay_command(const CaseResult& result, const Results& results);
// One line that says what a GoogleTest assertion found, for a table cell:
// "answer->status (204) != 404", "Expected: has header …; Actual: …".
std::string assertion_summary(const std::string& assertion);

}  // namespace facts

}  // namespace authconf::report

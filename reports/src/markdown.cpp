// report.md: the verdict, the matrix and what failed, short enough for a
// pull-request comment (see render.h). The full story is in report.html.
#include "render.h"

namespace authconf::report {
namespace {

constexpr int kListed = 20;  // failing cases named before "and N more"

// A table cell: one line, no pipes.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

int count_of(const std::map<Outcome, int>& counts, Outcome outcome) {
  auto found = counts.find(outcome);
  return found == counts.end() ? 0 : found->second;
}

}  // namespace

std::string render_markdown(const Results& results, const Summary& summary,
                            const RenderOptions& options) {
  static const std::map<Verdict, std::string> kBadge = {
      {Verdict::kPass, "✅ PASS"}, {Verdict::kFail, "❌ FAIL"}, {Verdict::kError, "⚠️ ERROR"}};
  std::string out = "## authconf: " + kBadge.at(summary.verdict) + "\n\n";
  out += summary.headline + "\n\n";
  out += "Target: " + facts::target(results) +
         " · implementation: " + facts::implementations(results) +
         " · started: " + facts::started(results) + " · authconf " +
         facts::authconf_version(results) + "\n\n";
  if (options.unredacted) out += "**Unredacted: may hold secrets. Do not share.**\n\n";

  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on chained
  // operator+ with short literals here.
  out += "| area |";
  for (Outcome outcome : kOutcomes) out.append(" ").append(outcome_label(outcome)).append(" |");
  out += " total |\n|---|";
  for (std::size_t i = 0; i <= kOutcomes.size(); ++i) out += "--:|";
  out += "\n";
  auto row = [&](const std::string& name, const std::map<Outcome, int>& counts, int total) {
    out.append("| ").append(name).append(" |");
    for (Outcome outcome : kOutcomes) {
      out.append(" ").append(std::to_string(count_of(counts, outcome))).append(" |");
    }
    out.append(" ").append(std::to_string(total)).append(" |\n");
  };
  for (const std::string& area : summary.areas) {
    int total = 0;
    for (const auto& [outcome, count] : summary.counts.at(area)) total += count;
    row(area, summary.counts.at(area), total);
  }
  row("**all**", summary.totals, summary.cases);

  if (!results.input_errors.empty()) {
    out += "\n**Inputs that could not be read** (their cases are not counted):\n\n";
    for (const InputError& error : results.input_errors) {
      out += "- `" + error.file + "`: " + std::string(to_string(error.problem)) + ": " +
             error.detail + "\n";
    }
  }

  std::vector<const CaseResult*> problems;
  for (const CaseResult* result : facts::ordered_cases(results)) {
    if (result->outcome == Outcome::kFail || result->outcome == Outcome::kError) {
      problems.push_back(result);
    }
  }
  if (!problems.empty()) {
    out += "\n| outcome | case | spec | assertion |\n|---|---|---|---|\n";
    int listed = 0;
    for (const CaseResult* result : problems) {
      if (listed++ == kListed) break;
      const std::string assertion =
          result->assertions.empty() ? "" : facts::assertion_summary(result->assertions.front());
      out += "| " + std::string(outcome_label(result->outcome)) + " | `" + cell(result->id) +
             "` | " + cell(result->spec) + " | " + cell(assertion) + " |\n";
    }
    if (problems.size() > kListed) {
      out += "\n…and " + std::to_string(problems.size() - kListed) +
             " more; report.html lists every one.\n";
    }
  }
  out += "\nThe exchanges, `curl` lines, skip reasons and capabilities are in report.html.\n";
  return out;
}

}  // namespace authconf::report

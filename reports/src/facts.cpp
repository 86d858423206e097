// What the HTML, Markdown and JUnit forms share (see render.h).
#include <algorithm>
#include <set>

#include "render.h"

namespace authconf::report::facts {
namespace {

std::string joined(const std::set<std::string>& values) {
  std::string out;
  for (const std::string& value : values) {
    if (value.empty()) continue;
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out.empty() ? "unknown" : out;
}

int severity(Outcome outcome) {
  return static_cast<int>(std::find(kOutcomes.begin(), kOutcomes.end(), outcome) -
                          kOutcomes.begin());
}

}  // namespace

std::string target(const Results& results) {
  if (results.runs.empty()) return "unknown (no input could be read)";
  std::set<std::string> targets;
  bool all_embedded = true;
  for (const RunRecord& run : results.runs) {
    all_embedded = all_embedded && run.embedded;
    if (!run.embedded) targets.insert(run.target);
  }
  if (all_embedded) return "the embedded reference implementation";
  return joined(targets);
}

std::string implementations(const Results& results) {
  std::set<std::string> values;
  for (const RunRecord& run : results.runs) values.insert(run.implementation);
  return joined(values);
}

std::string authconf_version(const Results& results) {
  std::set<std::string> values;
  for (const RunRecord& run : results.runs) values.insert(run.authconf_version);
  return joined(values);
}

std::string started(const Results& results) {
  std::string earliest;
  for (const RunRecord& run : results.runs) {
    if (!run.timestamp.empty() && (earliest.empty() || run.timestamp < earliest)) {
      earliest = run.timestamp;
    }
  }
  return earliest.empty() ? "unknown" : earliest;
}

std::vector<const CaseResult*> ordered_cases(const Results& results) {
  std::vector<const CaseResult*> cases;
  for (const CaseResult& result : results.cases) cases.push_back(&result);
  std::stable_sort(cases.begin(), cases.end(), [](const CaseResult* a, const CaseResult* b) {
    if (a->outcome != b->outcome) return severity(a->outcome) < severity(b->outcome);
    if (a->area != b->area) return a->area < b->area;
    return a->id < b->id;
  });
  return cases;
}

std::string replay_command(const CaseResult& result, const Results& results) {
  std::string command = result.rapidcheck_replay;
  for (const RunRecord& run : results.runs) {
    if (run.input == result.input && !run.embedded) {
      command += " AUTH_TARGET_URL=" + run.target;
      if (run.bridge) command += " AUTH_TARGET_KEY=…";
    }
  }
  const std::string area = result.suite_binary.substr(std::string("suite_").size());
  command += " build/conformance/suites/" + area + "/" + result.suite_binary + " --gtest_filter='" +
             result.test_name + "'";
  return command;
}

std::string assertion_summary(const std::string& assertion) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= assertion.size()) {
    const std::size_t end = std::min(assertion.find('\n', start), assertion.size());
    lines.push_back(assertion.substr(start, end - start));
    start = end + 1;
  }
  auto trimmed = [](std::string line) {
    const std::size_t first = line.find_first_not_of(' ');
    return first == std::string::npos ? std::string() : line.substr(first);
  };
  std::string summary;
  if (!lines.empty() && lines[0] == "Expected equality of these values:") {
    // "  lhs\n    Which is: 1\n  rhs\n    Which is: 2" -> "lhs (1) != rhs (2)"
    std::vector<std::string> sides;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::string line = trimmed(lines[i]);
      if (line.rfind("Which is: ", 0) == 0 && !sides.empty()) {
        sides.back() += " (" + line.substr(10) + ")";
      } else if (lines[i].rfind("  ", 0) == 0 && lines[i].rfind("    ", 0) != 0) {
        sides.push_back(line);
      } else {
        break;
      }
    }
    if (sides.size() == 2) summary = sides[0] + " != " + sides[1];
  }
  if (summary.empty()) {
    for (const std::string& raw : lines) {
      const std::string line = trimmed(raw);
      if (line.empty() || line == "Failed" || line.rfind("Value of: ", 0) == 0 ||
          line == "Expected equality of these values:") {
        continue;
      }
      if (!summary.empty()) {
        if (line.rfind("Actual: ", 0) != 0) break;
        summary += "; ";
      }
      summary += line;
      if (line.rfind("Expected: ", 0) != 0) break;
    }
  }
  if (summary.empty() && !lines.empty()) summary = trimmed(lines[0]);
  constexpr std::size_t kLongest = 200;
  if (summary.size() > kLongest) {
    std::size_t cut = kLongest;
    while (cut > 0 && (static_cast<unsigned char>(summary[cut]) & 0xC0) == 0x80) --cut;
    summary = summary.substr(0, cut) + "…";
  }
  return summary;
}

}  // namespace authconf::report::facts

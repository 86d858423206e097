// report.html: one self-contained page (see render.h). Nothing is fetched:
// the style and the filter script are inline, so the file opens offline and
// can be attached to a pull request or mailed as it is. The element ids and
// data attributes are the page's contract with its browser test
// (fixtures/report-browser/) and are listed in reports/README.md.
#include <algorithm>
#include <map>

#include "render.h"

namespace authconf::report {
namespace {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

int count_of(const std::map<Outcome, int>& counts, Outcome outcome) {
  auto found = counts.find(outcome);
  return found == counts.end() ? 0 : found->second;
}

std::string verdict_word(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kError:
      return "ERROR";
  }
  return "ERROR";
}

constexpr std::string_view kStyle = R"css(
:root { --pass:#1a7f37; --fail:#cf222e; --xfail:#8250df; --skip:#6e7781; --error:#bc4c00;
  --line:#d0d7de; --soft:#f6f8fa; --text:#1f2328; --muted:#59636e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--text); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 36px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); margin: 0; }
.meta b { color: var(--text); font-weight: 600; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 6px 0; }
.verdict { margin: 18px 0; padding: 16px 20px; border-radius: 8px; color: #fff; display: flex; gap: 16px; align-items: center; }
.verdict strong { font-size: 28px; letter-spacing: 1px; }
.verdict-pass { background: var(--pass); } .verdict-fail { background: var(--fail); } .verdict-error { background: var(--error); }
.notice { border-left: 4px solid var(--skip); background: var(--soft); padding: 8px 12px; margin: 10px 0; }
.notice.warn { border-color: var(--error); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
#matrix td[data-outcome], #matrix th.num, #matrix td.total { text-align: right; font-variant-numeric: tabular-nums; width: 11%; }
#matrix td.zero { color: #afb8c1; }
#matrix tfoot td { font-weight: 600; }
#matrix button { font: inherit; font-weight: 600; border: 0; background: none; cursor: pointer; padding: 0; text-decoration: underline; }
td[data-outcome="pass"] button { color: var(--pass); } td[data-outcome="fail"] button { color: var(--fail); }
td[data-outcome="expected-failure"] button { color: var(--xfail); } td[data-outcome="skip"] button { color: var(--skip); }
td[data-outcome="error"] button { color: var(--error); }
.badge { display: inline-block; min-width: 118px; text-align: center; border-radius: 12px; padding: 0 8px; font-size: 12px; font-weight: 600; color: #fff; margin-right: 8px; }
.badge-pass { background: var(--pass); } .badge-fail { background: var(--fail); } .badge-expected-failure { background: var(--xfail); }
.badge-skip { background: var(--skip); } .badge-error { background: var(--error); }
.filters { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; margin: 8px 0 12px; }
.filters select { font: inherit; padding: 3px 6px; }
#cases-shown { color: var(--muted); }
details.case { border: 1px solid var(--line); border-radius: 6px; margin: 6px 0; }
details.case > summary { padding: 6px 10px; cursor: pointer; }
details.case[open] > summary { border-bottom: 1px solid var(--line); background: var(--soft); }
details.case .body { padding: 6px 14px 12px; }
.case-id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13.5px; }
.spec { color: var(--muted); font-size: 13px; margin-left: 8px; }
.why { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; color: var(--fail); margin: 2px 0 0 134px; word-break: break-word; }
details.case[data-outcome="error"] .why { color: var(--error); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 6px 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
h4 { margin: 12px 0 2px; font-size: 14px; }
.curl { display: block; background: #fff8c5; border: 1px solid #d4a72c66; border-radius: 6px; padding: 6px 10px; white-space: pre-wrap; word-break: break-all; }
details.skip-reason { margin: 4px 0; } details.skip-reason > summary { cursor: pointer; }
.count { font-weight: 600; font-variant-numeric: tabular-nums; display: inline-block; min-width: 3ch; text-align: right; margin-right: 8px; }
ul.ids { columns: 2; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
.yes { color: var(--pass); font-weight: 600; } .no { color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
[hidden] { display: none !important; }
)css";

// The filter: hides every case whose area or outcome is not selected. The
// matrix's counts are buttons that set both selects.
constexpr std::string_view kScript = R"js(
(function () {
  var area = document.getElementById('filter-area');
  var outcome = document.getElementById('filter-outcome');
  var shown = document.getElementById('cases-shown');
  var cases = Array.prototype.slice.call(document.querySelectorAll('#cases details.case'));
  function apply() {
    var n = 0;
    cases.forEach(function (c) {
      var ok = (area.value === 'all' || c.dataset.area === area.value) &&
               (outcome.value === 'all' || c.dataset.outcome === outcome.value);
      c.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + cases.length + ' cases shown';
  }
  area.addEventListener('change', apply);
  outcome.addEventListener('change', apply);
  document.querySelectorAll('#matrix button[data-filter-area]').forEach(function (b) {
    b.addEventListener('click', function () {
      area.value = b.dataset.filterArea;
      outcome.value = b.dataset.filterOutcome;
      apply();
      document.getElementById('cases').scrollIntoView();
    });
  });
  document.getElementById('filters').hidden = false;
  apply();
})();
)js";

void matrix_cell(std::string& out, const std::string& area, Outcome outcome, int count) {
  out += "<td data-outcome=\"" + std::string(outcome_id(outcome)) + "\"";
  if (count == 0) {
    out += " class=\"zero\">0</td>";
    return;
  }
  out += "><button type=\"button\" data-filter-area=\"" + escape(area) +
         "\" data-filter-outcome=\"" + std::string(outcome_id(outcome)) + "\" title=\"show the " +
         std::string(outcome_label(outcome)) + " cases" +
         (area == "all" ? std::string() : " of " + escape(area)) + "\">" + std::to_string(count) +
         "</button></td>";
}

void matrix(std::string& out, const Summary& summary) {
  out += "<section id=\"summary\"><h2>Results by area</h2>\n<table id=\"matrix\"><thead><tr>";
  out += "<th>area</th>";
  for (Outcome outcome : kOutcomes) {
    out += "<th class=\"num\">" + std::string(outcome_label(outcome)) + "</th>";
  }
  out += "<th class=\"num\">total</th></tr></thead>\n<tbody>\n";
  for (const std::string& area : summary.areas) {
    const auto& counts = summary.counts.at(area);
    int total = 0;
    out += "<tr data-area=\"" + escape(area) + "\"><th scope=\"row\">" + escape(area) + "</th>";
    for (Outcome outcome : kOutcomes) {
      const int count = count_of(counts, outcome);
      total += count;
      matrix_cell(out, area, outcome, count);
    }
    out += "<td class=\"total\">" + std::to_string(total) + "</td></tr>\n";
  }
  out += "</tbody>\n<tfoot><tr data-area=\"all\"><th scope=\"row\">all areas</th>";
  for (Outcome outcome : kOutcomes) {
    matrix_cell(out, "all", outcome, count_of(summary.totals, outcome));
  }
  out += "<td class=\"total\">" + std::to_string(summary.cases) + "</td></tr></tfoot></table>\n";
  out += "</section>\n";
}

void input_errors(std::string& out, const Results& results) {
  if (results.input_errors.empty()) return;
  out += "<section id=\"input-errors\"><h2>Inputs that could not be read</h2>\n";
  out +=
      "<p>The results below are incomplete: these files are missing or broken, so the cases "
      "they hold are not counted.</p>\n<table><thead><tr><th>file</th><th>problem</th>"
      "<th>detail</th></tr></thead><tbody>\n";
  for (const InputError& error : results.input_errors) {
    out += "<tr data-problem=\"" + std::string(to_string(error.problem)) +
           "\"><td class=\"mono\">" + escape(error.file) + "</td><td>" +
           std::string(to_string(error.problem)) + "</td><td>" + escape(error.detail) +
           "</td></tr>\n";
  }
  out += "</tbody></table></section>\n";
}

void case_details(std::string& out, const CaseResult& result, const Results& results) {
  const std::string outcome(outcome_id(result.outcome));
  out += "<details class=\"case\" data-area=\"" + escape(result.area) + "\" data-outcome=\"" +
         outcome + "\" data-case-id=\"" + escape(result.id) +
         "\"><summary><span class=\"badge badge-" + outcome + "\">" +
         std::string(outcome_label(result.outcome)) + "</span><span class=\"case-id\">" +
         escape(result.id) + "</span>";
  if (!result.spec.empty()) out += "<span class=\"spec\">" + escape(result.spec) + "</span>";
  if (!result.assertions.empty() && result.outcome != Outcome::kExpectedFailure) {
    out += "<div class=\"why\">" + escape(facts::assertion_summary(result.assertions.front())) +
           "</div>";
  }
  out += "</summary>\n<div class=\"body\"><dl class=\"facts\">";
  auto fact = [&](std::string_view name, const std::string& value) {
    if (value.empty()) return;
    out += "<dt>" + std::string(name) + "</dt><dd>" + value + "</dd>";
  };
  fact("spec", escape(result.spec));
  fact("GoogleTest", "<code>" + escape(result.test_name) + "</code>");
  fact("source", "<code>" + escape(result.source) + "</code>");
  if (result.outcome == Outcome::kSkip) fact("skipped", escape(result.skip_reason));
  if (!result.expected_reason.empty()) fact("expected because", escape(result.expected_reason));
  if (!result.expected_link.empty()) {
    fact("upstream", "<a href=\"" + escape(result.expected_link) + "\">" +
                         escape(result.expected_link) + "</a>");
  }
  if (!result.rapidcheck_seed.empty()) {
    fact("replay", "<code>" + escape(facts::replay_command(result, results)) + "</code>");
  }
  out += "</dl>\n";
  if (!result.assertions.empty()) {
    out += result.outcome == Outcome::kError ? "<h4>Error (not a verdict on the target)</h4>\n"
                                             : "<h4>Assertion</h4>\n";
    for (const std::string& assertion : result.assertions) {
      out += "<pre class=\"assertion\">" + escape(assertion) + "</pre>\n";
    }
  }
  int n = 0;
  for (const ExchangeRecord& exchange : result.exchanges) {
    out += "<h4>Exchange " + std::to_string(++n) + " of " +
           std::to_string(result.exchanges.size()) + "</h4>\n<pre class=\"exchange\">" +
           escape(exchange.text) + "</pre>\n";
    if (!exchange.curl.empty()) {
      out += "<code class=\"curl\">" + escape(exchange.curl) + "</code>\n";
    }
  }
  out += "</div></details>\n";
}

void cases(std::string& out, const Results& results, const Summary& summary) {
  out += "<section id=\"cases\"><h2>Cases</h2>\n";
  out +=
      "<p>Every case, the ones that need attention first. Open a case for its spec reference, "
      "the failed assertion, the HTTP exchanges and a <code>curl</code> line that repeats "
      "each.</p>\n";
  out +=
      "<div class=\"filters\" id=\"filters\" hidden><label>Area <select id=\"filter-area\">"
      "<option value=\"all\">all areas</option>";
  for (const std::string& area : summary.areas) {
    out += "<option value=\"" + escape(area) + "\">" + escape(area) + "</option>";
  }
  out +=
      "</select></label><label>Outcome <select id=\"filter-outcome\">"
      "<option value=\"all\">all outcomes</option>";
  for (Outcome outcome : kOutcomes) {
    out += "<option value=\"" + std::string(outcome_id(outcome)) + "\">" +
           std::string(outcome_label(outcome)) + "</option>";
  }
  out += "</select></label><span id=\"cases-shown\"></span></div>\n";
  for (const CaseResult* result : facts::ordered_cases(results)) {
    case_details(out, *result, results);
  }
  out += "</section>\n";
}

void skips(std::string& out, const Results& results) {
  std::map<std::string, std::vector<const CaseResult*>> by_reason;
  for (const CaseResult* result : facts::ordered_cases(results)) {
    if (result->outcome == Outcome::kSkip) by_reason[result->skip_reason].push_back(result);
  }
  if (by_reason.empty()) return;
  std::vector<std::pair<std::string, std::vector<const CaseResult*>>> groups(by_reason.begin(),
                                                                             by_reason.end());
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  out += "<section id=\"skips\"><h2>Skipped cases, by reason</h2>\n";
  out +=
      "<p>A skip is not a pass: the target lacks what the case needs, or does not allow it. "
      "The capability table below says what the target declared.</p>\n";
  for (const auto& [reason, group] : groups) {
    out += "<details class=\"skip-reason\" data-count=\"" + std::to_string(group.size()) +
           "\"><summary><span class=\"count\">" + std::to_string(group.size()) + "</span>" +
           escape(reason) + "</summary><ul class=\"ids\">";
    for (const CaseResult* result : group) out += "<li>" + escape(result->id) + "</li>";
    out += "</ul></details>\n";
  }
  out += "</section>\n";
}

void expected_failures(std::string& out, const Results& results) {
  std::vector<const CaseResult*> listed;
  for (const CaseResult* result : facts::ordered_cases(results)) {
    if (result->outcome == Outcome::kExpectedFailure) listed.push_back(result);
  }
  if (listed.empty()) return;
  out += "<section id=\"expected\"><h2>Expected failures</h2>\n";
  out +=
      "<p>Known upstream behaviour, listed in the target's expectations file. An expected "
      "failure that starts to pass fails the run, so the list cannot go stale.</p>\n";
  out += "<table><thead><tr><th>case</th><th>reason</th><th>upstream</th></tr></thead><tbody>\n";
  for (const CaseResult* result : listed) {
    out += "<tr><td class=\"mono\">" + escape(result->id) + "</td><td>" +
           escape(result->expected_reason) + "</td><td>";
    if (!result->expected_link.empty()) {
      out += "<a href=\"" + escape(result->expected_link) + "\">" + escape(result->expected_link) +
             "</a>";
    }
    out += "</td></tr>\n";
  }
  out += "</tbody></table></section>\n";
}

void seeds(std::string& out, const Results& results) {
  std::vector<const CaseResult*> properties;
  for (const CaseResult* result : facts::ordered_cases(results)) {
    if (!result->rapidcheck_seed.empty()) properties.push_back(result);
  }
  if (properties.empty()) return;
  out += "<section><h2>Property seeds</h2>\n";
  out +=
      "<p>Each rapidcheck property ran with the seed below; the command replays exactly the "
      "same inputs.</p>\n<table id=\"seeds\"><thead><tr><th>case</th><th>outcome</th>"
      "<th>seed</th><th>replay</th></tr></thead><tbody>\n";
  for (const CaseResult* result : properties) {
    out += "<tr data-case-id=\"" + escape(result->id) + "\"><td class=\"mono\">" +
           escape(result->id) + "</td><td>" + std::string(outcome_label(result->outcome)) +
           "</td><td class=\"mono\">" + escape(result->rapidcheck_seed) + "</td><td><code>" +
           escape(facts::replay_command(*result, results)) + "</code></td></tr>\n";
  }
  out += "</tbody></table></section>\n";
}

std::string flag(const Json& value) {
  if (value.is_boolean()) {
    return value.get<bool>() ? "<span class=\"yes\">yes</span>" : "<span class=\"no\">no</span>";
  }
  if (value.is_string()) return escape(value.get<std::string>());
  return "<code>" + escape(value.dump()) + "</code>";
}

void flatten(const Json& value, const std::string& prefix,
             std::vector<std::pair<std::string, Json>>& rows) {
  if (value.is_object() && !value.empty()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), rows);
    }
    return;
  }
  rows.emplace_back(prefix, value);
}

// A run's capabilities with its own URL taken out: embedded suites each
// serve on their own port, and that difference is not one.
std::string capabilities_key(const RunRecord& run) {
  std::string text = run.capabilities.dump();
  for (std::size_t at = text.find(run.target); !run.target.empty() && at != std::string::npos;
       at = text.find(run.target, at)) {
    text.replace(at, run.target.size(), "(target)");
  }
  return text;
}

void target_section(std::string& out, const Results& results) {
  out += "<section id=\"target\"><h2>Target</h2>\n";
  out +=
      "<table id=\"runs\"><thead><tr><th>area</th><th>target</th><th>implementation</th>"
      "<th>bridge</th><th>run id</th><th>started</th></tr></thead><tbody>\n";
  for (const RunRecord& run : results.runs) {
    out += "<tr><td>" + escape(run.area) + "</td><td class=\"mono\">" + escape(run.target) +
           (run.embedded ? " (embedded)" : "") + "</td><td>" + escape(run.implementation) +
           "</td><td>" + (run.bridge ? "yes" : "no") + "</td><td class=\"mono\">" +
           escape(run.run_id) + "</td><td class=\"mono\">" + escape(run.timestamp) + "</td></tr>\n";
  }
  out += "</tbody></table>\n";

  // One capability table per distinct set (normally one for the whole run).
  std::vector<std::pair<std::string, std::vector<const RunRecord*>>> groups;
  for (const RunRecord& run : results.runs) {
    const std::string key = capabilities_key(run);
    auto found = std::find_if(groups.begin(), groups.end(),
                              [&](const auto& group) { return group.first == key; });
    if (found == groups.end()) {
      groups.push_back({key, {&run}});
    } else {
      found->second.push_back(&run);
    }
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const RunRecord& first = *groups[g].second.front();
    out += "<h3>Capabilities";
    if (groups.size() > 1) {
      out += " of ";
      for (std::size_t i = 0; i < groups[g].second.size(); ++i) {
        out += (i ? ", " : "") + escape(groups[g].second[i]->area);
      }
    }
    out += "</h3>\n<p>";
    out += first.bridge ? "Declared by the target's conformance bridge "
                          "(<code>GET /conformance/v1/capabilities</code>)."
                        : "No bridge: assumed from the <code>AUTH_TARGET_*</code> settings, "
                          "and every case that needs the bridge skipped.";
    out += "</p>\n<table" + std::string(g == 0 ? " id=\"capabilities\"" : "") +
           "><thead><tr><th>capability</th><th>value</th></tr></thead><tbody>\n";
    std::vector<std::pair<std::string, Json>> rows;
    flatten(first.capabilities, "", rows);
    for (const auto& [name, value] : rows) {
      out += "<tr><td class=\"mono\">" + escape(name) + "</td><td>" + flag(value) + "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  out += "</section>\n";
}

void leftovers(std::string& out, const Results& results) {
  std::vector<std::string> users;
  for (const RunRecord& run : results.runs) {
    users.insert(users.end(), run.leftovers.begin(), run.leftovers.end());
  }
  if (users.empty()) return;
  out +=
      "<section id=\"leftovers\"><h2>Users the run could not remove</h2>\n<p>The suites "
      "delete every user they create; these remain on the target. Delete them by hand.</p>"
      "<ul class=\"mono\">";
  for (const std::string& user : users) out += "<li>" + escape(user) + "</li>";
  out += "</ul></section>\n";
}

}  // namespace

std::string render_html(const Results& results, const Summary& summary,
                        const RenderOptions& options) {
  std::string out;
  const std::string verdict(verdict_id(summary.verdict));
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>authconf: " + verdict_word(summary.verdict) + " · " +
         escape(facts::implementations(results)) + "</title>\n<style>";
  out += kStyle;
  out += "</style></head>\n<body>\n<main id=\"report\" data-verdict=\"" + verdict + "\">\n";
  out += "<h1>authconf conformance report</h1>\n<p class=\"meta\">Target <b>" +
         escape(facts::target(results)) + "</b> · implementation <b>" +
         escape(facts::implementations(results)) + "</b> · started <b>" +
         escape(facts::started(results)) + "</b> · authconf <b>" +
         escape(facts::authconf_version(results)) + "</b></p>\n";
  out += "<section id=\"verdict\" class=\"verdict verdict-" + verdict + "\" data-verdict=\"" +
         verdict + "\"><strong>" + verdict_word(summary.verdict) + "</strong><span>" +
         escape(summary.headline) + "</span></section>\n";
  if (options.unredacted) {
    out +=
        "<p class=\"notice warn\" id=\"redaction\">Unredacted: this report may hold session "
        "cookies, tokens, passwords and the bridge key. Do not share it.</p>\n";
  } else {
    out +=
        "<p class=\"notice\" id=\"redaction\">Cookies, tokens, passwords and the bridge key "
        "are redacted (<code>authconf-report --unredacted</code> keeps them).</p>\n";
  }
  input_errors(out, results);
  matrix(out, summary);
  cases(out, results, summary);
  skips(out, results);
  expected_failures(out, results);
  seeds(out, results);
  target_section(out, results);
  leftovers(out, results);
  out += "<footer>Written by <code>authconf-report</code> from " +
         std::to_string(results.inputs.size()) + " GoogleTest XML file" +
         (results.inputs.size() == 1 ? "" : "s") + ": ";
  for (std::size_t i = 0; i < results.inputs.size(); ++i) {
    out += (i ? ", " : "") + std::string("<code>") + escape(results.inputs[i]) + "</code>";
  }
  out += ".</footer>\n</main>\n<script>";
  out += kScript;
  out += "</script>\n</body></html>\n";
  return out;
}

}  // namespace authconf::report

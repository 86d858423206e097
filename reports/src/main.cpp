// authconf-report: the suites' GoogleTest XML to report.html, report.md and
// junit.xml (see reports/README.md).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "render.h"
#include "results.h"

namespace {

namespace fs = std::filesystem;
using namespace authconf::report;

constexpr const char* kDescription =
    R"(Writes the conformance report from the suites' GoogleTest XML.

Inputs are the XML files the suite binaries write (--gtest_output=xml:FILE),
or folders of them (scripts/conformance puts them in reports/out/suites/).
Outputs, in --out (default reports/out): report.html (one self-contained
page), report.md (for a pull-request comment) and junit.xml (for CI).

A missing, truncated or foreign input is named on stderr and in the report,
whose verdict is then ERROR, never PASS.

Exit status: 0 the target conforms (PASS); 1 a case failed (FAIL); 2 no
verdict (an input could not be read, a harness error, or nothing ran) or
bad arguments; 3 the report could not be written.)";

// Written next to the target and renamed over it: a reader never sees half
// a report, and a failed write leaves the previous one whole.
bool write_file(const fs::path& path, const std::string& text) {
  const fs::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      std::cerr << "authconf-report: cannot write " << partial.string() << "\n";
      return false;
    }
  }
  std::error_code error;
  fs::rename(partial, path, error);
  if (error) {
    std::cerr << "authconf-report: cannot write " << path.string() << ": " << error.message()
              << "\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{kDescription, "authconf-report"};
  std::vector<std::string> inputs;
  std::string out_dir = "reports/out";
  bool unredacted = false;
  app.add_option("inputs", inputs, "GoogleTest XML files of the suites, or folders of them")
      ->required();
  app.add_option("-o,--out", out_dir, "where report.html, report.md and junit.xml go");
  app.add_flag("--unredacted", unredacted,
               "keep cookies, tokens, passwords and the bridge key (do not share the result)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return 2;
  }

  std::vector<fs::path> paths(inputs.begin(), inputs.end());
  Results results = load_results(paths);
  if (!unredacted) redact(results);
  const Summary summary = summarize(results);
  for (const InputError& error : results.input_errors) {
    std::cerr << "authconf-report: " << error.file << ": " << to_string(error.problem) << ": "
              << error.detail << "\n";
  }

  std::error_code error;
  fs::create_directories(out_dir, error);
  if (error) {
    std::cerr << "authconf-report: cannot create " << out_dir << ": " << error.message() << "\n";
    return 3;
  }
  const fs::path out(out_dir);
  const RenderOptions options{.unredacted = unredacted};
  if (!write_file(out / "report.html", render_html(results, summary, options)) ||
      !write_file(out / "report.md", render_markdown(results, summary, options)) ||
      !write_file(out / "junit.xml", render_junit(results, summary))) {
    return 3;
  }
  std::cout << "verdict: " << verdict_id(summary.verdict) << ": " << summary.headline << "\n";
  std::cout << "junit: " << fs::absolute(out / "junit.xml").lexically_normal().string() << "\n";
  std::cout << "markdown: " << fs::absolute(out / "report.md").lexically_normal().string() << "\n";
  std::cout << "report: " << fs::absolute(out / "report.html").lexically_normal().string() << "\n";
  switch (summary.verdict) {
    case Verdict::kPass:
      return 0;
    case Verdict::kFail:
      return 1;
    case Verdict::kError:
      return 2;
  }
  return 2;
}

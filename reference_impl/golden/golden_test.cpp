// Golden tests: every request of the real transcripts (fixtures/transcripts/),
// replayed in order against a fresh ReferenceServer configured like the server
// that recorded it, and each answer compared with the recorded one: status
// exactly, the headers that matter exactly, the body by shape with random
// values scrubbed (golden/compare.h). One case per exchange, named from its
// section and title, so a failure names the exchange and prints both answers.
//
// The replay is stateful (sign-up before sign-in, the reset token read from
// the outbox before it is used): the exchanges before a case are replayed
// once per process, so ctest runs this binary as one entry, and a case run
// alone (--gtest_filter) replays its prefix first.
//
//   AUTHCONF_GOLDEN_TRANSCRIPTS=/tmp/edited ./authref_golden_test   # another capture
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "golden/compare.h"
#include "golden/transcript.h"
#include "http/reference_server.h"
#include "store/clock.h"

namespace authref::golden {
namespace {

constexpr std::string_view kConformanceKey = "golden-conformance-key";

struct TranscriptSpec {
  std::string file;
  std::string short_name;
  DatesMode dates;
};

// The memory adapter writes ISO dates; the Convex adapter epoch-ms numbers
// (spec/transcripts/convex-component-0.12.5-convex-test.md, first lines).
const std::vector<TranscriptSpec>& transcript_specs() {
  static const std::vector<TranscriptSpec> specs = {
      {"better-auth-1.6.34-memory.md", "memory", DatesMode::kIso},
      {"convex-component-0.12.5-convex-test.md", "convex", DatesMode::kEpochMs},
  };
  return specs;
}

// ---------------------------------------------------------------- deviations

// Differences that are deliberate, with the reason. Matched by case name and
// the start of the difference's place. Keep this short: anything else that
// differs is a bug of the reference server.
struct Deviation {
  std::string_view case_name;
  std::string_view where_prefix;
  std::string_view reason;
};

// None at present: every replayed exchange matches. An entry looks like
//   {"memory_s16_02_post_sign_in_email_with_an_empty_better_auth_cookie_header_cookies_mov",
//    "set-better-auth-cookie", "why this difference is deliberate"},
constexpr std::array<Deviation, 0> kDeviations{};

const Deviation* deviation_for(std::string_view case_name, std::string_view where) {
  for (const auto& deviation : kDeviations) {
    if (deviation.case_name == case_name && where.starts_with(deviation.where_prefix)) {
      return &deviation;
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------- plans

// The recording server's `/__peer/*` routes were its own inspection routes
// (an earlier form of the bridge); ours has the bridge instead. Each is mapped
// to the bridge route that answers the same question, and compared on what
// both protocols share, or skipped when none does.
enum class Mode {
  kDirect,      // an /api/auth or /.well-known request: compared in full
  kPeerOutbox,  // /__peer/outbox -> GET /conformance/v1/outbox
  kPeerTable,   // /__peer/db?table=x -> GET /conformance/v1/component/x
  kPeerNoKey,   // /__peer/db without its secret -> the bridge without its key: 401
  kSkip,
};

struct Plan {
  Mode mode = Mode::kDirect;
  std::string target;  // the bridge target, for the peer modes
  std::string skip_reason;
};

std::string query_param(std::string_view target, std::string_view name) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return "";
  for (const auto& [key, value] : http::parse_form_urlencoded(target.substr(q + 1))) {
    if (key == name) return value;
  }
  return "";
}

Plan plan_for(const Exchange& exchange) {
  if (!exchange.request) {
    return {.mode = Mode::kSkip,
            .target = "",
            .skip_reason =
                "triggers.sh recorded only the responses (its requests and the app's "
                "fail-trigger trigger are not in the transcript); trigger rollback is covered by "
                "the component and partial-commit tests"};
  }
  std::string_view target = exchange.request->target;
  std::string_view path = target.substr(0, target.find('?'));
  if (!path.starts_with("/__peer/")) return {};
  if (path == "/__peer/outbox")
    return {.mode = Mode::kPeerOutbox, .target = "/conformance/v1/outbox", .skip_reason = ""};
  if (path == "/__peer/db") {
    if (!exchange.request->headers.has("x-peer-secret")) {
      return {
          .mode = Mode::kPeerNoKey, .target = "/conformance/v1/component/user", .skip_reason = ""};
    }
    return {.mode = Mode::kPeerTable,
            .target = "/conformance/v1/component/" + query_param(target, "table"),
            .skip_reason = ""};
  }
  return {.mode = Mode::kSkip,
          .target = "",
          .skip_reason =
              "/__peer/config describes the recording server's own options and has "
              "no bridge equivalent (GET /capabilities has another shape); the "
              "convex-test probe answers it 404"};
}

// ---------------------------------------------------------------- replay

struct Outcome {
  bool skipped = false;
  std::string skip_reason;
  std::vector<Difference> differences;
  std::string sent;      // our request, after substitution
  std::string recorded;  // the recorded response
  std::string actual;    // ours
};

std::string show_response(int status, const http::Headers& headers, const std::string& body) {
  std::string out = std::to_string(status) + "\n";
  for (const auto& field : headers.fields()) out += field.name + ": " + field.value + "\n";
  out += "\n" + (body.size() > 1500 ? body.substr(0, 1500) + "…" : body);
  return out;
}

std::string show_request(const http::HttpRequest& request) {
  std::string out = request.method + " " + request.target + "\n";
  for (const auto& field : request.headers.fields()) out += field.name + ": " + field.value + "\n";
  return out + "\n" + request.body;
}

// How the section's server was started (the transcript's section headings
// say it: "PEER_RATE_LIMIT=on", "PEER_CROSS_DOMAIN=1 PEER_SECURE_COOKIES=1").
ServerOptions server_options(const TranscriptSpec& spec, const Exchange& exchange) {
  ServerOptions options;
  const std::string host(exchange.request->headers.get("host").value_or("127.0.0.1:8787"));
  options.auth.base_url = "http://" + host;
  options.auth.dates = spec.dates;
  options.auth.rate_limit = exchange.section.find("PEER_RATE_LIMIT=on") != std::string::npos;
  options.auth.cross_domain = exchange.section.find("PEER_CROSS_DOMAIN=1") != std::string::npos;
  options.auth.use_secure_cookies =
      exchange.section.find("PEER_SECURE_COOKIES=1") != std::string::npos;
  options.conformance_key = std::string(kConformanceKey);
  options.id_seed = 1;
  return options;
}

class TranscriptReplay {
 public:
  explicit TranscriptReplay(const TranscriptSpec& spec) : spec_(spec) {
    // AUTHCONF_GOLDEN_TRANSCRIPTS names another directory of transcripts
    // (a new capture, or an edited copy that checks this test's teeth).
    const char* dir = std::getenv("AUTHCONF_GOLDEN_TRANSCRIPTS");
    const std::string path =
        (dir != nullptr ? std::string(dir) : std::string(AUTHCONF_FIXTURES_DIR) + "/transcripts") +
        "/" + spec.file;
    auto loaded = load_transcript(path);
    if (loaded) {
      transcript_ = std::move(*loaded);
    } else {
      load_error_ =
          path + ": " + std::string(to_string(loaded.error().code)) + " " + loaded.error().detail;
    }
  }

  const Transcript& transcript() const { return transcript_; }
  const std::string& load_error() const { return load_error_; }

  const Outcome& outcome(std::size_t index) {
    while (outcomes_.size() <= index)
      outcomes_.push_back(run(transcript_.exchanges[outcomes_.size()]));
    return outcomes_[index];
  }

 private:
  struct Instance {
    std::unique_ptr<ManualClock> clock;
    std::unique_ptr<ReferenceServer> server;
  };

  // One server per recorded host: each was its own process with its own state.
  Instance& instance_for(const Exchange& exchange, double start_ms) {
    const std::string host(exchange.request->headers.get("host").value_or(""));
    auto it = instances_.find(host);
    if (it != instances_.end()) return it->second;
    Instance instance;
    instance.clock = std::make_unique<ManualClock>(start_ms);
    instance.server =
        std::make_unique<ReferenceServer>(server_options(spec_, exchange), instance.clock.get());
    return instances_.emplace(host, std::move(instance)).first->second;
  }

  Outcome run(const Exchange& exchange) {
    Outcome outcome;
    const RecordedResponse& recorded = exchange.response;
    outcome.recorded =
        show_response(recorded.status, recorded.headers,
                      recorded.body_trimmed ? recorded.body + "…[trimmed]" : recorded.body);
    const Plan plan = plan_for(exchange);
    if (plan.mode == Mode::kSkip) {
      outcome.skipped = true;
      outcome.skip_reason = plan.skip_reason;
      return outcome;
    }

    // The clock follows the recorded Date headers (second resolution; the
    // recorded values fall within that second), so dates can be compared
    // within a tolerance and rate-limit windows pass as they did.
    const double recorded_ms =
        parse_http_date(recorded.headers.get("date").value_or("")).value_or(0) + 500;
    Instance& instance = instance_for(exchange, recorded_ms);
    if (const double delta = recorded_ms - instance.clock->now_ms(); delta > 0) {
      instance.clock->advance_ms(delta);
    }

    http::HttpRequest request;
    const RecordedRequest& recorded_request = *exchange.request;
    if (plan.mode == Mode::kDirect) {
      request.method = recorded_request.method;
      request.target = values_.substitute(recorded_request.target);
      request.body = values_.substitute(recorded_request.body);
      for (const auto& field : recorded_request.headers.fields()) {
        if (http::iequals(field.name, "content-length")) {
          request.headers.add(field.name, std::to_string(request.body.size()));
        } else {
          request.headers.add(field.name, values_.substitute(field.value));
        }
      }
    } else {
      request.method = "GET";
      request.target = plan.target;
      request.headers.add("Host", std::string(recorded_request.headers.get("host").value_or("")));
      if (plan.mode != Mode::kPeerNoKey) {
        request.headers.add("X-Conformance-Key", std::string(kConformanceKey));
      }
    }
    outcome.sent = show_request(request);
    const http::HttpResponse response = instance.server->handle(request);
    outcome.actual = show_response(response.status, response.headers, response.body);

    CompareOptions options;
    options.secret = instance.server->options().auth.secret;
    Comparer compare(values_, outcome.differences, options);
    compare.status(recorded.status, response.status);
    switch (plan.mode) {
      case Mode::kDirect:
        compare.headers(recorded.headers, response.headers);
        if (!recorded.body_trimmed) compare.body(recorded.body, response.body);
        break;
      case Mode::kPeerOutbox:
        compare_outbox(compare, recorded.body, response.body);
        break;
      case Mode::kPeerTable:
        if (!recorded.body_trimmed) compare_table(recorded.body, response.body, outcome);
        break;
      case Mode::kPeerNoKey: {
        // The peer said {"error":"missing or wrong X-Peer-Secret"}; the bridge
        // protocol says {"error":{"code":"BAD_KEY",...}} (spec/bridge-v1.md).
        auto body = OrderedJson::parse(response.body, nullptr, false);
        const bool bad_key = !body.is_discarded() && body.contains("error") &&
                             body["error"].is_object() &&
                             body["error"].value("code", "") == "BAD_KEY";
        if (!bad_key) compare.differ("body.error.code", "BAD_KEY", response.body);
        break;
      }
      case Mode::kSkip:
        break;
    }
    return outcome;
  }

  // The peer's {"outbox":[{seq,kind,to,userId,url,token,at}]} against the
  // bridge's {"messages":[{seq,kind,to,url,token,at}]}: the same mails in the
  // same order (only a known address gets a reset mail), each token of the
  // right kind, each URL the recorded one with our token in it.
  void compare_outbox(Comparer& compare, const std::string& recorded_body,
                      const std::string& actual_body) {
    auto recorded = OrderedJson::parse(recorded_body, nullptr, false);
    auto actual = OrderedJson::parse(actual_body, nullptr, false);
    if (recorded.is_discarded() || !recorded.contains("outbox")) {
      compare.differ("recorded outbox", recorded_body, "");
      return;
    }
    if (actual.is_discarded() || !actual.contains("messages") || !actual["messages"].is_array()) {
      compare.differ("body.messages", "(an array)", actual_body);
      return;
    }
    const auto& r = recorded["outbox"];
    const auto& a = actual["messages"];
    auto summary = [](const OrderedJson& list) {
      std::string out;
      for (const auto& m : list) {
        out += (out.empty() ? "" : ", ") + m.value("kind", std::string()) + " to " +
               m.value("to", std::string());
      }
      return out;
    };
    if (summary(r) != summary(a)) compare.differ("body.messages (kind to)", summary(r), summary(a));
    for (std::size_t i = 0; i < std::min(r.size(), a.size()); ++i) {
      const std::string where = "body.messages[" + std::to_string(i) + "]";
      if (!a[i].contains("token") || !a[i].contains("url")) {
        compare.differ(where, r[i].dump(), a[i].dump());
        continue;
      }
      compare.json(r[i]["token"], a[i]["token"], where + ".token", "token");
      compare.json(r[i]["url"], a[i]["url"], where + ".url", "url");
      if (a[i].contains("userId"))
        compare.json(r[i]["userId"], a[i]["userId"], where + ".userId", "userId");
    }
  }

  // The peer's {"<table>":[rows]} against the bridge's {"documents":[...]}.
  // The convex-test probe's rows are raw documents, like ours: compared in
  // full, key order included. The memory peer's are Better Auth records
  // (`id`, ISO dates): compared field by field (compare.h, loose_rows).
  void compare_table(const std::string& recorded_body, const std::string& actual_body,
                     Outcome& outcome) {
    auto recorded = OrderedJson::parse(recorded_body, nullptr, false);
    auto actual = OrderedJson::parse(actual_body, nullptr, false);
    CompareOptions options;
    Comparer compare(values_, outcome.differences, options);
    if (recorded.is_discarded() || !recorded.is_object() || recorded.size() != 1) {
      compare.differ("recorded table", recorded_body, "");
      return;
    }
    const auto& rows = recorded.begin().value();
    if (actual.is_discarded() || !actual.contains("documents")) {
      compare.differ("body.documents", "(an array)", actual_body);
      return;
    }
    options.loose_rows = !rows.empty() && rows[0].is_object() && !rows[0].contains("_id");
    Comparer rows_compare(values_, outcome.differences, options);
    rows_compare.json(rows, actual["documents"], "body.documents", "");
  }

  const TranscriptSpec& spec_;
  Transcript transcript_;
  std::string load_error_;
  std::vector<Outcome> outcomes_;
  std::map<std::string, Instance> instances_;
  ValueMap values_;
};

TranscriptReplay& replay_of(std::size_t transcript) {
  static std::vector<std::unique_ptr<TranscriptReplay>> replays = [] {
    std::vector<std::unique_ptr<TranscriptReplay>> out;
    for (const auto& spec : transcript_specs())
      out.push_back(std::make_unique<TranscriptReplay>(spec));
    return out;
  }();
  return *replays.at(transcript);
}

// ---------------------------------------------------------------- cases

struct GoldenCase {
  std::size_t transcript = 0;
  std::size_t index = 0;
  std::string name;
};

std::string slug(std::string_view text, std::size_t limit) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
    if (out.size() >= limit) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases;
  for (std::size_t t = 0; t < transcript_specs().size(); ++t) {
    const Transcript& transcript = replay_of(t).transcript();
    std::map<std::string, int> seen_in_section;
    for (std::size_t i = 0; i < transcript.exchanges.size(); ++i) {
      const Exchange& exchange = transcript.exchanges[i];
      const int number = exchange.section_number();
      const int nth = ++seen_in_section[exchange.part + "|" + exchange.section];
      char prefix[32];
      std::snprintf(prefix, sizeof prefix, "s%02d_%02d_", number, nth);
      cases.push_back(
          {t, i, transcript_specs()[t].short_name + "_" + prefix + slug(exchange.title, 70)});
    }
  }
  return cases;
}

// gtest prints a failing case's parameter: its name, not its bytes.
void PrintTo(const GoldenCase& golden, std::ostream* out) { *out << golden.name; }

class GoldenTest : public testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, MatchesTranscript) {
  const GoldenCase& golden = GetParam();
  TranscriptReplay& replay = replay_of(golden.transcript);
  const Exchange& exchange = replay.transcript().exchanges[golden.index];
  const Outcome& outcome = replay.outcome(golden.index);
  if (outcome.skipped) GTEST_SKIP() << outcome.skip_reason;

  std::string report;
  std::string tolerated;
  for (const auto& difference : outcome.differences) {
    if (const Deviation* deviation = deviation_for(golden.name, difference.where)) {
      tolerated += "  " + difference.where + " (" + std::string(deviation->reason) + ")\n";
      continue;
    }
    report += "  " + difference.where + "\n    recorded: " + difference.recorded +
              "\n    ours:     " + difference.actual + "\n";
  }
  if (!tolerated.empty()) RecordProperty("tolerated", tolerated);
  EXPECT_TRUE(report.empty()) << transcript_specs()[golden.transcript].file << ":" << exchange.line
                              << " " << exchange.section << " / " << exchange.title << "\n"
                              << report << "--- sent:\n"
                              << outcome.sent << "\n--- recorded response:\n"
                              << outcome.recorded << "\n--- our response:\n"
                              << outcome.actual << "\n";
}

// A transcript that does not load would give no cases, not failures.
TEST(GoldenTranscriptsTest, BothTranscriptsLoad) {
  for (std::size_t t = 0; t < transcript_specs().size(); ++t) {
    EXPECT_EQ(replay_of(t).load_error(), "");
    EXPECT_GE(replay_of(t).transcript().exchanges.size(), 86u) << transcript_specs()[t].file;
  }
}

INSTANTIATE_TEST_SUITE_P(Transcripts, GoldenTest, testing::ValuesIn(golden_cases()),
                         [](const testing::TestParamInfo<GoldenCase>& row) {
                           return row.param.name;
                         });

}  // namespace
}  // namespace authref::golden

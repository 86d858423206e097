// The transcript parser against the two real transcripts and small texts.
#include "golden/transcript.h"

#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <string>

namespace authref::golden {
namespace {

const std::string kDir = std::string(AUTHCONF_FIXTURES_DIR) + "/transcripts/";

Transcript load(const std::string& name) {
  auto transcript = load_transcript(kDir + name);
  EXPECT_TRUE(transcript) << (transcript ? ""
                                         : std::string(to_string(transcript.error().code)) + ": " +
                                               transcript.error().detail);
  return transcript ? *transcript : Transcript{};
}

std::map<int, int> counts_by_section(const Transcript& transcript) {
  std::map<int, int> counts;
  for (const auto& exchange : transcript.exchanges) ++counts[exchange.section_number()];
  return counts;
}

TEST(TranscriptTest, MemoryTranscriptHasEveryExchangeBySection) {
  Transcript transcript = load("better-auth-1.6.34-memory.md");
  // Counted from the `####` headings of each `###` section; §14 has none.
  const std::map<int, int> expected = {{1, 6},  {2, 12}, {3, 6},  {4, 5},  {5, 4},
                                       {6, 5},  {7, 12}, {8, 6},  {9, 3},  {10, 12},
                                       {11, 3}, {12, 5}, {13, 4}, {15, 6}, {16, 5}};
  EXPECT_EQ(counts_by_section(transcript), expected);
  EXPECT_EQ(transcript.exchanges.size(), 94u);
  for (const auto& exchange : transcript.exchanges) {
    EXPECT_TRUE(exchange.request.has_value()) << exchange.title;
  }
}

TEST(TranscriptTest, ConvexTranscriptKeepsResponseOnlyTriggerExchanges) {
  Transcript transcript = load("convex-component-0.12.5-convex-test.md");
  // Part 1 (triggers.sh) recorded responses only, and its ```json state dumps
  // are not exchanges; part 2 is the exercise without §15 and §16.
  const std::map<int, int> expected = {{0, 3},   {1, 6},  {2, 12}, {3, 6}, {4, 5},
                                       {5, 4},   {6, 5},  {7, 12}, {8, 6}, {9, 3},
                                       {10, 12}, {11, 3}, {12, 5}, {13, 4}};
  EXPECT_EQ(counts_by_section(transcript), expected);
  ASSERT_EQ(transcript.exchanges.size(), 86u);
  const Exchange& trigger = transcript.exchanges[1];
  EXPECT_EQ(trigger.part, "1. Triggers and transactions (`triggers.sh`)");
  EXPECT_EQ(trigger.title,
            "sign-up whose onCreate trigger throws (after writing a profiles row and a triggerLog "
            "row)");
  EXPECT_FALSE(trigger.request.has_value());
  EXPECT_EQ(trigger.response.status, 422);
  EXPECT_EQ(trigger.response.body,
            R"({"message":"Failed to create user","code":"FAILED_TO_CREATE_USER"})");
  EXPECT_EQ(transcript.exchanges[3].part, "2. The common exercise (`../exercise.sh`)");
  EXPECT_EQ(transcript.exchanges[3].section, "1. Liveness and discovery");
}

TEST(TranscriptTest, ParsesRequestAndResponseFieldsExactly) {
  Transcript transcript = load("better-auth-1.6.34-memory.md");
  ASSERT_GT(transcript.exchanges.size(), 6u);
  const Exchange& sign_up = transcript.exchanges[6];
  EXPECT_EQ(sign_up.section, "2. Sign-up");
  EXPECT_EQ(sign_up.title, "POST /api/auth/sign-up/email (new user)");
  EXPECT_EQ(sign_up.line, 225u);
  ASSERT_TRUE(sign_up.request.has_value());
  EXPECT_EQ(sign_up.request->method, "POST");
  EXPECT_EQ(sign_up.request->target, "/api/auth/sign-up/email");
  EXPECT_EQ(sign_up.request->headers.get("origin"), "http://localhost:5173");
  EXPECT_EQ(sign_up.request->body,
            R"({"email":"alice@example.com","password":"correct horse battery","name":"Alice"})");
  EXPECT_EQ(sign_up.response.status, 200);
  EXPECT_EQ(sign_up.response.reason, "OK");
  EXPECT_EQ(sign_up.response.headers.get_all("set-cookie").size(), 2u);
  EXPECT_EQ(sign_up.response.headers.get("vary"), "Origin");
  EXPECT_TRUE(sign_up.response.body.starts_with(R"({"token":"O77xNdQg8eyo5hRzKcoWieRlFscYptSd",)"));

  const Exchange& root_redirect = transcript.exchanges[1];
  EXPECT_EQ(root_redirect.response.status, 302);
  EXPECT_EQ(root_redirect.response.headers.get("location"),
            "http://127.0.0.1:8787/api/auth/convex/.well-known/openid-configuration");
  EXPECT_EQ(root_redirect.response.body, "");  // chunked, empty
}

TEST(TranscriptTest, EveryBodyMatchesItsContentLength) {
  // curl's Content-Length (requests) and Node's (responses) witness that the
  // parser keeps exactly the bytes: no fence newline added or lost.
  for (const char* name :
       {"better-auth-1.6.34-memory.md", "convex-component-0.12.5-convex-test.md"}) {
    Transcript transcript = load(name);
    int checked = 0;
    for (const auto& exchange : transcript.exchanges) {
      if (exchange.request) {
        if (auto length = exchange.request->headers.get("content-length")) {
          EXPECT_EQ(std::to_string(exchange.request->body.size()), *length) << exchange.title;
          ++checked;
        }
      }
      if (auto length = exchange.response.headers.get("content-length")) {
        const std::size_t size = exchange.response.body_trimmed ? exchange.response.full_length
                                                                : exchange.response.body.size();
        EXPECT_EQ(std::to_string(size), *length) << name << ": " << exchange.title;
        ++checked;
      }
    }
    EXPECT_GT(checked, 100) << name;
  }
}

TEST(TranscriptTest, TrimmedBodiesAreMarked) {
  Transcript transcript = load("better-auth-1.6.34-memory.md");
  int trimmed = 0;
  for (const auto& exchange : transcript.exchanges) {
    if (!exchange.response.body_trimmed) continue;
    ++trimmed;
    EXPECT_EQ(exchange.title, "GET /__peer/db?table=jwks");
    EXPECT_EQ(exchange.response.full_length, 3817u);
    EXPECT_TRUE(exchange.response.body.starts_with(R"({"jwks":[{"publicKey":)"));
    EXPECT_FALSE(exchange.response.body.ends_with("\n"));
  }
  EXPECT_EQ(trimmed, 1);
}

TEST(TranscriptTest, EmptyHeaderValueAndHeaderCase) {
  Transcript transcript = load("better-auth-1.6.34-memory.md");
  const Exchange* sign_in = nullptr;
  for (const auto& exchange : transcript.exchanges) {
    if (exchange.title.starts_with("POST sign-in/email with an empty Better-Auth-Cookie")) {
      sign_in = &exchange;
    }
  }
  ASSERT_NE(sign_in, nullptr);
  EXPECT_EQ(sign_in->request->headers.get("better-auth-cookie"), "");
  EXPECT_EQ(sign_in->request->headers.get("host"), "127.0.0.1:8789");
  EXPECT_EQ(sign_in->section_number(), 16);
}

struct BadCase {
  std::string name;
  std::string markdown;
  TranscriptError error;
};

void PrintTo(const BadCase& row, std::ostream* out) { *out << row.name; }

class TranscriptErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(TranscriptErrorTest, RejectsMalformedText) {
  auto transcript = parse_transcript(GetParam().markdown);
  ASSERT_FALSE(transcript);
  EXPECT_EQ(transcript.error().code, GetParam().error) << transcript.error().detail;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TranscriptErrorTest,
    testing::Values(
        BadCase{"unclosed", "#### x\n```http\nGET / HTTP/1.1\n", TranscriptError::kUnclosedFence},
        BadCase{"orphan", "```http\nGET / HTTP/1.1\n```\n", TranscriptError::kOrphanBlock},
        BadCase{"request_line", "#### x\n```http\nGET\n```\n", TranscriptError::kBadRequestLine},
        BadCase{"status_line", "#### x\n```http\nHTTP/1.1 abc\n```\n",
                TranscriptError::kBadStatusLine},
        BadCase{"header", "#### x\n```http\nGET / HTTP/1.1\nNoColon\n```\n",
                TranscriptError::kBadHeader},
        BadCase{"no_response", "#### x\n```http\nGET / HTTP/1.1\n\n```\n#### y\n",
                TranscriptError::kMissingResponse},
        BadCase{"two_requests",
                "#### x\n```http\nGET / HTTP/1.1\n```\n```http\nGET / HTTP/1.1\n```\n",
                TranscriptError::kDuplicateRequest}),
    [](const testing::TestParamInfo<BadCase>& row) { return row.param.name; });

}  // namespace
}  // namespace authref::golden

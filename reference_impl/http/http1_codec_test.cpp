// HTTP/1.1 framing without a socket: a table of byte strings and what
// parse_request() makes of them, every prefix of a valid request being
// incomplete, and the exact bytes of serialized responses.
#include "http/http1_codec.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace authref::http {
namespace {

struct ParseRow {
  std::string name;
  std::string bytes;
  ParseOutcome outcome;
  int status = 0;           // kRefused
  std::string method = "";  // kComplete
  std::string target = "";
  std::string body = "";
  std::size_t consumed = 0;  // kComplete; 0: all of `bytes`
  bool keep_alive = true;
};

std::string chunked_request(const std::string& chunks) {
  return "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks;
}

const ParseLimits kSmall{.request_line_max_bytes = 64,
                         .header_line_max_bytes = 64,
                         .head_max_bytes = 256,
                         .payload_max_bytes = 16};

std::vector<ParseRow> parse_rows() {
  using enum ParseOutcome;
  const std::string get = "GET /api/auth/ok?x=%20 HTTP/1.1\r\nHost: x\r\n\r\n";
  return {
      {"simple_get", get, kComplete, 0, "GET", "/api/auth/ok?x=%20"},
      {"pipelined_second_request_left_over", get + get, kComplete, 0, "GET", "/api/auth/ok?x=%20",
       "", get.size()},
      {"leading_empty_lines_ignored", "\r\n\r\n" + get, kComplete, 0, "GET", "/api/auth/ok?x=%20"},
      {"content_length_body", "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
       kComplete, 0, "POST", "/p", "hello"},
      {"body_not_all_there", "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhel",
       kIncomplete},
      {"body_at_the_limit",
       "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n" + std::string(16, 'a'),
       kComplete, 0, "POST", "/p", std::string(16, 'a')},
      {"body_over_the_limit", "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n", kRefused,
       413},
      {"content_length_with_twenty_digits",
       "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n", kRefused,
       413},
      {"chunked", chunked_request("3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nTrailer: t\r\n\r\n"),
       kComplete, 0, "POST", "/b", "abcde"},
      {"chunked_incomplete", chunked_request("3\r\nab"), kIncomplete},
      {"chunked_over_the_limit", chunked_request("11\r\n"), kRefused, 413},
      {"chunked_bad_size", chunked_request("zz\r\nab\r\n0\r\n\r\n"), kRefused, 400},
      {"chunked_missing_crlf_after_data", chunked_request("2\r\nabXY0\r\n\r\n"), kRefused, 400},
      {"chunked_and_content_length",
       "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
       kRefused, 400},
      {"transfer_encoding_not_chunked",
       "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", kRefused, 400},
      {"two_different_content_lengths",
       "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", kRefused,
       400},
      {"two_equal_content_lengths",
       "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nab", kComplete,
       0, "POST", "/p", "ab"},
      {"content_length_not_digits", "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n",
       kRefused, 400},
      {"connection_close", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", kComplete, 0,
       "GET", "/", "", 0, false},
      {"http10_closes_by_default", "GET / HTTP/1.0\r\n\r\n", kComplete, 0, "GET", "/", "", 0,
       false},
      {"http10_keep_alive_asked", "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", kComplete, 0,
       "GET", "/", "", 0, true},
      {"bare_lf", "GET / HTTP/1.1\nHost: x\n\n", kRefused, 400},
      {"bare_lf_in_a_header", "GET / HTTP/1.1\r\nHost: x\n\r\n", kRefused, 400},
      {"obs_fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", kRefused, 400},
      {"no_colon", "GET / HTTP/1.1\r\nHost: x\r\nX-A\r\n\r\n", kRefused, 400},
      {"space_in_a_name", "GET / HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n", kRefused, 400},
      {"space_before_the_colon", "GET / HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n", kRefused, 400},
      {"nul_in_a_value", std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 37),
       kRefused, 400},
      {"unknown_method", "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", kRefused, 400},
      {"lower_case_method", "get / HTTP/1.1\r\nHost: x\r\n\r\n", kRefused, 400},
      {"unknown_version", "GET / HTTP/9.9\r\n\r\n", kRefused, 400},
      {"two_spaces", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", kRefused, 400},
      {"garbage_line", "HELLO\r\n\r\n", kRefused, 400},
      {"request_line_too_long", "GET /" + std::string(80, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n",
       kRefused, 414},
      {"request_line_too_long_before_its_end", "GET /" + std::string(80, 'a'), kRefused, 414},
      {"header_line_too_long",
       "GET / HTTP/1.1\r\nHost: x\r\nX-A: " + std::string(80, 'a') + "\r\n\r\n", kRefused, 400},
      {"head_too_large",
       "GET / HTTP/1.1\r\nHost: x\r\n" +
           [] {
             std::string fields;
             for (int i = 0; i < 10; ++i)
               fields += "X-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
             return fields;
           }() +
           "\r\n",
       kRefused, 431},
      {"head_incomplete", "GET / HTTP/1.1\r\nHost: x\r\n", kIncomplete},
      {"nothing_yet", "", kIncomplete},
      {"http11_without_host", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", kRefused, 400},
      {"two_hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", kRefused, 400},
  };
}

class ParseRequestTest : public ::testing::TestWithParam<ParseRow> {};

TEST_P(ParseRequestTest, Outcome) {
  const ParseRow& row = GetParam();
  const ParseResult result = parse_request(row.bytes, kSmall);
  ASSERT_EQ(static_cast<int>(result.outcome), static_cast<int>(row.outcome));
  if (row.outcome == ParseOutcome::kRefused) {
    EXPECT_EQ(result.status, row.status);
    EXPECT_FALSE(result.keep_alive);
  }
  if (row.outcome == ParseOutcome::kComplete) {
    EXPECT_EQ(result.request.method, row.method);
    EXPECT_EQ(result.request.target, row.target);
    EXPECT_EQ(result.request.body, row.body);
    EXPECT_EQ(result.consumed, row.consumed == 0 ? row.bytes.size() : row.consumed);
    EXPECT_EQ(result.keep_alive, row.keep_alive);
  }
}

INSTANTIATE_TEST_SUITE_P(Rows, ParseRequestTest, ::testing::ValuesIn(parse_rows()),
                         [](const auto& row) { return row.param.name; });

// The listener parses again as bytes arrive: every strict prefix of a valid
// request must wait for more, never refuse or complete early.
TEST(ParseRequest, EveryPrefixOfAValidRequestIsIncomplete) {
  const std::vector<std::string> requests{
      "POST /api/auth/sign-in/email HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\n\r\n{}",
      chunked_request("3\r\nabc\r\n0\r\n\r\n"),
  };
  for (const std::string& request : requests) {
    ASSERT_EQ(parse_request(request, {}).outcome, ParseOutcome::kComplete) << request;
    for (std::size_t length = 0; length < request.size(); ++length) {
      const ParseResult prefix = parse_request(request.substr(0, length), {});
      EXPECT_EQ(prefix.outcome, ParseOutcome::kIncomplete) << request.substr(0, length);
    }
  }
}

TEST(ParseRequest, HeadersKeepTheirOrderCaseAndTrimmedValues) {
  const ParseResult result = parse_request(
      "GET / HTTP/1.0\r\nX-One:  a b \t\r\nset-COOKIE: c=1\r\nX-One: second\r\n\r\n", {});
  ASSERT_EQ(result.outcome, ParseOutcome::kComplete);
  const auto& fields = result.request.headers.fields();
  ASSERT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields[0].name, "X-One");
  EXPECT_EQ(fields[0].value, "a b");
  EXPECT_EQ(fields[1].name, "set-COOKIE");
  EXPECT_EQ(fields[2].value, "second");
}

TEST(ParseRequest, ExpectContinueIsReportedWhileTheBodyIsMissing) {
  const std::string head =
      "POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n";
  EXPECT_TRUE(parse_request(head, {}).expects_continue);
  const ParseResult complete = parse_request(head + "{}", {});
  EXPECT_EQ(complete.outcome, ParseOutcome::kComplete);
  EXPECT_FALSE(complete.expects_continue);
}

TEST(SerializeResponse, NodeFramingAfterSortedFields) {
  HttpResponse response = HttpResponse::json(200, R"({"ok":true})");
  response.headers.add("vary", "Origin");
  response.headers.add("set-cookie", "b=2");
  response.headers.add("Access-Control-Allow-Origin", "http://localhost:5173");
  response.headers.add("set-cookie", "a=1");
  response.headers.add("content-length", "999");  // the handler's is replaced
  response.headers.add("connection", "upgrade");  // transport fields are the listener's
  EXPECT_EQ(serialize_response(response, {.keep_alive = true,
                                          .keep_alive_timeout_s = 5,
                                          .head_only = false,
                                          .date = "Sun, 22 Nov 2026 10:55:59 GMT"}),
            "HTTP/1.1 200 OK\r\n"
            "Access-Control-Allow-Origin: http://localhost:5173\r\n"
            "content-type: application/json\r\n"
            "set-cookie: b=2\r\n"
            "set-cookie: a=1\r\n"
            "vary: Origin\r\n"
            "content-length: 11\r\n"
            "Date: Sun, 22 Nov 2026 10:55:59 GMT\r\n"
            "Connection: keep-alive\r\n"
            "Keep-Alive: timeout=5\r\n"
            "\r\n"
            R"({"ok":true})");
}

TEST(SerializeResponse, CloseHeadAndNoContent) {
  HttpResponse response = HttpResponse::json(401, R"({"message":"x"})");
  EXPECT_EQ(serialize_response(
                response,
                {.keep_alive = false, .keep_alive_timeout_s = 5, .head_only = true, .date = ""}),
            "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n"
            "content-length: 15\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(serialize_response(
                HttpResponse::empty(204),
                {.keep_alive = true, .keep_alive_timeout_s = 5, .head_only = false, .date = ""}),
            "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n");
}

TEST(SerializeResponse, UnsafeFieldsAreDetected) {
  EXPECT_TRUE(is_safe_response_header("set-cookie", "a=1; Path=/"));
  EXPECT_FALSE(is_safe_response_header("x", "a\r\nInjected: 1"));
  EXPECT_FALSE(is_safe_response_header("x", std::string("a\0b", 3)));
  EXPECT_FALSE(is_safe_response_header("x:y", "1"));
  EXPECT_FALSE(is_safe_response_header("", "1"));
}

TEST(HttpDate, IsAnImfFixdate) {
  EXPECT_TRUE(std::regex_match(
      std::string(http_date_now()),
      std::regex(
          R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT)")));
}

}  // namespace
}  // namespace authref::http

// authref/golden/transcript.h: the real transcripts (fixtures/transcripts/*.md) as data.
//
// A transcript is markdown: `## part` and `### N. Section` headings, then one
// `#### title` per exchange with a ```http request block (what curl sent) and a
// ```http response block (what came back). Other fenced blocks (```json state
// dumps, decoded JWTs) are commentary and are skipped. Some exchanges (the
// convex-test trigger run) recorded only the response.
//
//   auto transcript = authref::golden::load_transcript(
//       std::string(AUTHCONF_FIXTURES_DIR) + "/transcripts/better-auth-1.6.34-memory.md");
//   const auto& first = transcript->exchanges.front();
//   first.title;                    // "GET /api/auth/ok"
//   first.request->target;          // "/api/auth/ok"
//   first.response.status;          // 200
//   first.response.body;            // "{\"ok\":true}"
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/result.h"
#include "http/http_message.h"

namespace authref::golden {

enum class TranscriptError {
  kUnreadable,        // the file could not be read
  kBadRequestLine,    // a request block whose first line is not "METHOD target HTTP/x"
  kBadStatusLine,     // a response block whose first line is not "HTTP/x NNN reason"
  kBadHeader,         // a header line without ':'
  kUnclosedFence,     // a ``` block that never ends
  kOrphanBlock,       // an ```http block before any #### heading
  kDuplicateRequest,  // two request blocks under one heading
  kMissingResponse,   // a heading with a request and no response
};
std::string_view to_string(TranscriptError code);

struct RecordedRequest {
  std::string method;
  std::string target;  // as sent: "/api/auth/reset-password/x?callbackURL=http%3A%2F%2F..."
  http::Headers headers;
  std::string body;  // the --data-raw bytes; "" when none
};

struct RecordedResponse {
  int status = 0;
  std::string reason;  // "OK", "Not Found", ...
  http::Headers headers;
  std::string body;  // trailing newlines of the block removed
  // The capture cut bodies over 3000 characters: `body` is then only the
  // first part and `full_length` the length of the whole.
  bool body_trimmed = false;
  std::size_t full_length = 0;
};

struct Exchange {
  std::string part;      // the `##` heading ("2. The common exercise (`../exercise.sh`)"), or ""
  std::string section;   // the `###` heading ("2. Sign-up"), or "" under a part without sections
  std::string title;     // the `####` heading ("POST /api/auth/sign-up/email (new user)")
  std::size_t line = 0;  // 1-based line of the `####` heading
  std::optional<RecordedRequest> request;
  RecordedResponse response;

  // The leading number of `section` ("2. Sign-up" -> 2), or 0.
  int section_number() const;
};

struct Transcript {
  std::vector<Exchange> exchanges;
};

authconf::Result<Transcript, TranscriptError> parse_transcript(std::string_view markdown);
authconf::Result<Transcript, TranscriptError> load_transcript(const std::string& path);

}  // namespace authref::golden

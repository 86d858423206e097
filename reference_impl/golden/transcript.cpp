#include "golden/transcript.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace authref::golden {

std::string_view to_string(TranscriptError code) {
  switch (code) {
    case TranscriptError::kUnreadable:
      return "unreadable";
    case TranscriptError::kBadRequestLine:
      return "bad request line";
    case TranscriptError::kBadStatusLine:
      return "bad status line";
    case TranscriptError::kBadHeader:
      return "bad header";
    case TranscriptError::kUnclosedFence:
      return "unclosed fence";
    case TranscriptError::kOrphanBlock:
      return "orphan block";
    case TranscriptError::kDuplicateRequest:
      return "duplicate request";
    case TranscriptError::kMissingResponse:
      return "missing response";
  }
  return "unknown";
}

int Exchange::section_number() const {
  int number = 0;
  std::from_chars(section.data(), section.data() + section.size(), number);
  return number;
}

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      if (start < text.size()) lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string_view>& lines, std::size_t from,
                       std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += '\n';
    out += lines[i];
  }
  return out;
}

std::string_view trim_left(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  return text;
}

// Header lines up to the first empty line; returns the index after it.
authconf::Result<std::size_t, TranscriptError> parse_headers(
    const std::vector<std::string_view>& block, std::size_t from, http::Headers& headers) {
  std::size_t i = from;
  for (; i < block.size() && !block[i].empty(); ++i) {
    auto colon = block[i].find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return authconf::fail(TranscriptError::kBadHeader, std::string(block[i]));
    }
    // curl sends an empty header as "Name:" (no space): the value is "".
    headers.add(std::string(block[i].substr(0, colon)),
                std::string(trim_left(block[i].substr(colon + 1))));
  }
  return i < block.size() ? i + 1 : i;
}

// The body lines of a block, trailing empty lines dropped (the fences add one,
// the empty chunked bodies two).
std::string body_of(const std::vector<std::string_view>& block, std::size_t from) {
  std::size_t to = block.size();
  while (to > from && block[to - 1].empty()) --to;
  return from < to ? join_lines(block, from, to) : std::string();
}

authconf::Result<RecordedRequest, TranscriptError> parse_request(
    const std::vector<std::string_view>& block) {
  RecordedRequest request;
  std::string_view line = block.empty() ? std::string_view() : block.front();
  auto space1 = line.find(' ');
  auto space2 = line.rfind(' ');
  if (space1 == std::string_view::npos || space2 == space1 ||
      !line.substr(space2 + 1).starts_with("HTTP/")) {
    return authconf::fail(TranscriptError::kBadRequestLine, std::string(line));
  }
  request.method = std::string(line.substr(0, space1));
  request.target = std::string(line.substr(space1 + 1, space2 - space1 - 1));
  auto body_start = parse_headers(block, 1, request.headers);
  if (!body_start) return std::unexpected(body_start.error());
  // curl's --data-raw bytes never end in a newline here; the fence adds one.
  request.body = body_of(block, *body_start);
  return request;
}

authconf::Result<RecordedResponse, TranscriptError> parse_response(
    const std::vector<std::string_view>& block) {
  RecordedResponse response;
  std::string_view line = block.front();
  auto space1 = line.find(' ');
  if (space1 == std::string_view::npos) {
    return authconf::fail(TranscriptError::kBadStatusLine, std::string(line));
  }
  std::string_view rest = line.substr(space1 + 1);
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), response.status);
  if (ec != std::errc() || response.status < 100 || response.status > 599) {
    return authconf::fail(TranscriptError::kBadStatusLine, std::string(line));
  }
  response.reason = std::string(trim_left(std::string_view(end, rest.data() + rest.size())));
  auto body_start = parse_headers(block, 1, response.headers);
  if (!body_start) return std::unexpected(body_start.error());
  response.body = body_of(block, *body_start);
  // "…[trimmed: 3817 chars in all]" on a line of its own ends a cut body.
  constexpr std::string_view kMarker = "\xE2\x80\xA6[trimmed: ";
  auto marker = response.body.rfind(kMarker);
  if (marker != std::string::npos && (marker == 0 || response.body[marker - 1] == '\n')) {
    std::string_view count = std::string_view(response.body).substr(marker + kMarker.size());
    std::from_chars(count.data(), count.data() + count.size(), response.full_length);
    response.body.erase(marker == 0 ? 0 : marker - 1);
    response.body_trimmed = true;
  }
  return response;
}

}  // namespace

authconf::Result<Transcript, TranscriptError> parse_transcript(std::string_view markdown) {
  Transcript transcript;
  const auto lines = split_lines(markdown);
  std::string part;
  std::string section;
  Exchange* current = nullptr;
  bool has_response = false;

  auto finish = [&]() -> authconf::Result<void, TranscriptError> {
    if (current != nullptr && current->request && !has_response) {
      return authconf::fail(TranscriptError::kMissingResponse, current->title);
    }
    // A heading with neither block (a ```json state dump) is not an exchange.
    if (current != nullptr && !has_response) transcript.exchanges.pop_back();
    current = nullptr;
    has_response = false;
    return {};
  };

  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.starts_with("```")) {
      const bool is_http = line == "```http";
      std::size_t close = i + 1;
      while (close < lines.size() && lines[close] != "```") ++close;
      if (close == lines.size()) {
        return authconf::fail(TranscriptError::kUnclosedFence, "line " + std::to_string(i + 1));
      }
      if (is_http) {
        if (current == nullptr) {
          return authconf::fail(TranscriptError::kOrphanBlock, "line " + std::to_string(i + 1));
        }
        std::vector<std::string_view> block(lines.begin() + static_cast<std::ptrdiff_t>(i + 1),
                                            lines.begin() + static_cast<std::ptrdiff_t>(close));
        if (!block.empty() && block.front().starts_with("HTTP/")) {
          auto response = parse_response(block);
          if (!response) return std::unexpected(response.error());
          current->response = std::move(*response);
          has_response = true;
        } else {
          if (current->request) {
            return authconf::fail(TranscriptError::kDuplicateRequest, current->title);
          }
          auto request = parse_request(block);
          if (!request) return std::unexpected(request.error());
          current->request = std::move(*request);
        }
      }
      i = close;
      continue;
    }
    if (line.starts_with("#### ")) {
      if (auto done = finish(); !done) return std::unexpected(done.error());
      transcript.exchanges.push_back(Exchange{.part = part,
                                              .section = section,
                                              .title = std::string(line.substr(5)),
                                              .line = i + 1,
                                              .request = std::nullopt,
                                              .response = {}});
      current = &transcript.exchanges.back();
    } else if (line.starts_with("### ")) {
      if (auto done = finish(); !done) return std::unexpected(done.error());
      section = std::string(line.substr(4));
    } else if (line.starts_with("## ")) {
      if (auto done = finish(); !done) return std::unexpected(done.error());
      part = std::string(line.substr(3));
      section.clear();
    }
  }
  if (auto done = finish(); !done) return std::unexpected(done.error());
  return transcript;
}

authconf::Result<Transcript, TranscriptError> load_transcript(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return authconf::fail(TranscriptError::kUnreadable, path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_transcript(text.str());
}

}  // namespace authref::golden

// authconf/scrub.h: answers of two targets made comparable.
//
//   authconf::Scrubber left({target.url()}), right({reference.url()});
//   EXPECT_EQ(left.exchange(real), right.exchange(ours));
//
// The differential check sends the same requests to a real target and to
// the reference and compares what comes back. Some of it differs by nature:
// ids, session tokens, signatures, dates, each server's own origin. A
// Scrubber replaces those by placeholders and keeps everything else (status,
// the headers that carry behaviour, key order, the date form, which value
// recurs where):
//   - an opaque token (16 or more of [A-Za-z0-9_-], or such runs inside a
//     longer string, as in a reset URL) becomes <opaque-N>, N counted in
//     order of first appearance, so the same id twice is the same
//     placeholder on both sides;
//   - an ISO 8601 date becomes <iso-date>, an epoch-ms number <epoch-ms>;
//   - a JWT becomes {"jwt": {"header": …, "payload": …}} with both scrubbed
//     and the signature dropped;
//   - each of the server's own origins becomes <origin>;
//   - a Set-Cookie keeps its name and attributes, its value becomes <value>
//     (or stays empty when a cookie is deleted) and Expires <date>.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/http_client.h"
#include "nlohmann/json.hpp"

namespace authconf {

using Json = nlohmann::ordered_json;

class Scrubber {
 public:
  explicit Scrubber(std::vector<std::string> own_origins);

  Json json(const Json& value);
  std::string text(std::string_view value);
  std::string set_cookie(std::string_view header);
  // {"status", "headers": {<name>: [values]}, "body": <JSON or text>} with
  // the response headers that carry behaviour (content type, location,
  // cookies, CORS, caching), names lower-cased.
  Json exchange(const Exchange& exchange);

 private:
  Json string_value(const std::string& value);
  std::string placeholder(const std::string& token);

  std::vector<std::string> own_origins_;
  std::map<std::string, std::string> placeholders_;
};

// The response headers Scrubber::exchange keeps.
const std::vector<std::string>& compared_headers();

}  // namespace authconf

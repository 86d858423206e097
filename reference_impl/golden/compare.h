// authref/golden/compare.h: a recorded response against ours, random values scrubbed.
//
// Ids, tokens, cookie signatures, JWTs, dates and RSA moduli are random per
// run, so the golden test cannot compare bytes. It compares shapes, and it
// learns as it goes: the first time a recorded random value meets ours at the
// same place (a JSON path, a Set-Cookie of some name), the pair is bound in a
// ValueMap; every later occurrence of the recorded value must then be that same
// value of ours, and later requests are sent with ours substituted.
//
//   ValueMap values;
//   std::vector<Difference> differences;
//   Comparer compare(values, differences);
//   compare.json_body(R"({"token":"O77xNdQg8eyo5hRzKcoWieRlFscYptSd"})",
//                     R"({"token":"Xr0gK1ZzM2m3V6qWb5pTt9yLc4DnE8Ha"})");
//   values.substitute("Bearer O77xNdQg8eyo5hRzKcoWieRlFscYptSd");  // "Bearer Xr0gK1..."
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_message.h"

namespace authref::golden {

using OrderedJson = nlohmann::ordered_json;

// One field where ours differs from the recording.
struct Difference {
  std::string where;  // "status", "header vary", "set-cookie[1] attributes", "body.user.id"
  std::string recorded;
  std::string actual;
};

// Recorded random value -> ours, learned during the replay. One-to-one: two
// distinct recorded values (two users' ids) may not become the same value of ours.
class ValueMap {
 public:
  // Binds recorded to actual, or checks an existing binding. On a conflict
  // returns false and says why.
  bool bind(const std::string& recorded, const std::string& actual, std::string& why);
  std::optional<std::string> find(const std::string& recorded) const;
  // Every bound recorded value in `text` replaced by ours (longest first).
  std::string substitute(std::string_view text) const;
  std::size_t size() const { return forward_.size(); }

 private:
  std::map<std::string, std::string> forward_;
  std::map<std::string, std::string> backward_;
};

// How the random values of the recording line up with ours in time: dates
// must lie within `date_tolerance_ms` of the recorded ones once the replay
// clock follows the recorded Date headers.
struct CompareOptions {
  double date_tolerance_ms = 2500;
  // Stored rows of a memory-adapter peer (BA-shaped, `id`, ISO dates)
  // against the component's raw documents (`_id`, `_creationTime`, epoch-ms):
  // keys compared as a set, `id` read as `_id`, dates of either form.
  bool loose_rows = false;
  // Our server's secret: when set, our signed cookies must verify with it
  // (the recording's secret is not known, so its signatures only have a shape).
  std::string secret = "";
};

class Comparer {
 public:
  Comparer(ValueMap& values, std::vector<Difference>& differences, CompareOptions options = {})
      : values_(values), differences_(differences), options_(options) {}

  void status(int recorded, int actual);
  // content-type, cache-control, pragma, location, vary, x-retry-after and
  // every access-control-*; then Set-Cookie and Set-Better-Auth-Cookie.
  void headers(const http::Headers& recorded, const http::Headers& actual);
  // JSON bodies by shape; anything else byte for byte (after substitution).
  void body(std::string_view recorded, std::string_view actual);
  void json_body(std::string_view recorded, std::string_view actual);
  void json(const OrderedJson& recorded, const OrderedJson& actual, const std::string& where,
            const std::string& key);
  // Both are JWTs: header and claims by shape, exp - iat exactly, the
  // signature's length.
  void jwt(const std::string& recorded, const std::string& actual, const std::string& where);
  // Set-Cookie lists (Set-Better-Auth-Cookie already split).
  void set_cookies(const std::vector<std::string>& recorded, const std::vector<std::string>& actual,
                   const std::string& where);
  // A random string of some kind (see the .cpp): checked or learned.
  void random_string(const std::string& recorded, const std::string& actual,
                     const std::string& where, std::string_view kind);

  void differ(std::string where, std::string recorded, std::string actual);

 private:
  void date(const OrderedJson& recorded, const OrderedJson& actual, const std::string& where,
            bool seconds, bool fractional_ok);
  void exact_string(const std::string& recorded, const std::string& actual,
                    const std::string& where);

  ValueMap& values_;
  std::vector<Difference>& differences_;
  CompareOptions options_;
};

// "a=1; Path=/, b=2; Path=/" (crossDomain's Set-Better-Auth-Cookie, one header
// joined with ", ") back into one Set-Cookie string each.
std::vector<std::string> split_joined_set_cookies(std::string_view joined);

// "2026-11-22T10:56:00.857Z" -> epoch ms; nullopt unless exactly that form.
std::optional<double> parse_iso_date(std::string_view text);
// "Sun, 22 Nov 2026 10:55:59 GMT" (an HTTP Date header) -> epoch ms.
std::optional<double> parse_http_date(std::string_view text);

bool looks_like_jwt(std::string_view text);

}  // namespace authref::golden

#include "golden/compare.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "authconf/encoding.h"
#include "authconf/set_cookie.h"
#include "authconf/signed_cookie.h"

namespace authref::golden {

// ---------------------------------------------------------------- ValueMap

bool ValueMap::bind(const std::string& recorded, const std::string& actual, std::string& why) {
  if (auto it = forward_.find(recorded); it != forward_.end()) {
    if (it->second == actual) return true;
    why = "recorded value was bound earlier to " + it->second;
    return false;
  }
  if (auto it = backward_.find(actual); it != backward_.end()) {
    why = "ours is already the value of a different recorded value " + it->second;
    return false;
  }
  forward_.emplace(recorded, actual);
  backward_.emplace(actual, recorded);
  return true;
}

std::optional<std::string> ValueMap::find(const std::string& recorded) const {
  auto it = forward_.find(recorded);
  if (it == forward_.end()) return std::nullopt;
  return it->second;
}

std::string ValueMap::substitute(std::string_view text) const {
  // Longest first, so a whole cookie value wins over the token inside it.
  std::vector<const std::pair<const std::string, std::string>*> entries;
  for (const auto& entry : forward_) entries.push_back(&entry);
  std::ranges::sort(entries, [](auto* a, auto* b) { return a->first.size() > b->first.size(); });
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    bool replaced = false;
    for (const auto* entry : entries) {
      if (!entry->first.empty() && text.substr(i).starts_with(entry->first)) {
        out += entry->second;
        i += entry->first.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

// ---------------------------------------------------------------- helpers

namespace {

// What kind of random value a JSON key holds (Better Auth's and Convex's field names).
std::string_view kind_of_key(std::string_view key) {
  static constexpr std::array<std::string_view, 5> kDates = {"createdAt", "updatedAt", "expiresAt",
                                                             "at", "_creationTime"};
  static constexpr std::array<std::string_view, 7> kIds = {"id",  "_id", "userId",   "sessionId",
                                                           "sub", "kid", "accountId"};
  if (std::ranges::find(kDates, key) != kDates.end()) return "date";
  if (key == "iat" || key == "exp") return "date-seconds";
  if (std::ranges::find(kIds, key) != kIds.end()) return "id";
  if (key == "token") return "token";
  if (key == "password") return "hash";
  if (key == "n") return "modulus";
  return "";
}

bool is_alnum(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

bool is_hex(std::string_view text) {
  return std::ranges::all_of(
      text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string keys_of(const OrderedJson& object) {
  std::string out = "[";
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (out.size() > 1) out += ",";
    out += it.key();
  }
  return out + "]";
}

std::string type_name(const OrderedJson& value) { return value.type_name(); }

std::optional<OrderedJson> decode_json_segment(std::string_view segment) {
  auto bytes = authconf::base64url_decode(segment);
  if (!bytes) return std::nullopt;
  auto parsed = OrderedJson::parse(authconf::to_string(*bytes), nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

std::vector<std::string_view> split3(std::string_view jwt) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    auto dot = jwt.find('.', start);
    parts.push_back(
        jwt.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CookieParts {
  std::string name;
  std::string value;
  std::string attributes;  // everything after the first ';', verbatim
};

CookieParts split_cookie(std::string_view header) {
  CookieParts parts;
  auto semi = header.find(';');
  std::string_view pair = header.substr(0, semi);
  if (semi != std::string_view::npos) parts.attributes = std::string(header.substr(semi));
  auto eq = pair.find('=');
  parts.name = std::string(pair.substr(0, eq));
  if (eq != std::string_view::npos) parts.value = std::string(pair.substr(eq + 1));
  return parts;
}

}  // namespace

bool looks_like_jwt(std::string_view text) {
  auto parts = split3(text);
  return parts.size() == 3 && parts[0].starts_with("eyJ") && parts[1].starts_with("eyJ");
}

std::optional<double> parse_iso_date(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS.mmmZ, as Date.prototype.toISOString writes it.
  if (text.size() != 24 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != '.' || text[23] != 'Z') {
    return std::nullopt;
  }
  auto num = [&](std::size_t at, std::size_t len) -> std::optional<int> {
    int value = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
       s = num(17, 2), ms = num(20, 3);
  if (!y || !mo || !d || !h || !mi || !s || !ms) return std::nullopt;
  const auto days = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  return static_cast<double>(((days * 24 + *h) * 60 + *mi) * 60 + *s) * 1000.0 + *ms;
}

std::optional<double> parse_http_date(std::string_view text) {
  auto ms = authconf::parse_cookie_date(text);
  if (!ms) return std::nullopt;
  return static_cast<double>(*ms);
}

std::vector<std::string> split_joined_set_cookies(std::string_view joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  std::size_t search = 0;
  for (;;) {
    auto comma = joined.find(", ", search);
    if (comma == std::string_view::npos) break;
    // A new cookie starts when a token and '=' follow (an Expires date does not).
    std::string_view rest = joined.substr(comma + 2);
    auto eq = rest.find('=');
    auto bad = rest.find_first_of(" ;,");
    if (eq != std::string_view::npos && eq > 0 && (bad == std::string_view::npos || bad > eq)) {
      out.emplace_back(joined.substr(start, comma - start));
      start = comma + 2;
    }
    search = comma + 2;
  }
  if (start < joined.size()) out.emplace_back(joined.substr(start));
  return out;
}

// ---------------------------------------------------------------- Comparer

void Comparer::differ(std::string where, std::string recorded, std::string actual) {
  differences_.push_back({std::move(where), std::move(recorded), std::move(actual)});
}

void Comparer::status(int recorded, int actual) {
  if (recorded != actual) differ("status", std::to_string(recorded), std::to_string(actual));
}

void Comparer::headers(const http::Headers& recorded, const http::Headers& actual) {
  std::vector<std::string> names = {"content-type", "cache-control", "pragma",
                                    "location",     "vary",          "x-retry-after"};
  for (const auto* headers : {&recorded, &actual}) {
    for (const auto& field : headers->fields()) {
      std::string name = http::to_lower_ascii(field.name);
      if (name.starts_with("access-control-") && std::ranges::find(names, name) == names.end()) {
        names.push_back(name);
      }
    }
  }
  for (const auto& name : names) {
    auto join = [](const std::vector<std::string_view>& values) {
      std::string out;
      for (auto value : values) out += (out.empty() ? "" : " | ") + std::string(value);
      return out;
    };
    auto recorded_values = recorded.get_all(name);
    auto actual_values = actual.get_all(name);
    std::string expected = join(recorded_values);
    if (name == "location") expected = values_.substitute(expected);
    std::string got = join(actual_values);
    if (recorded_values.size() != actual_values.size() || expected != got) {
      differ("header " + name, recorded_values.empty() ? "(absent)" : expected,
             actual_values.empty() ? "(absent)" : got);
    }
  }
  auto cookies = [](const http::Headers& headers, std::string_view name, bool joined) {
    std::vector<std::string> out;
    for (auto value : headers.get_all(name)) {
      if (joined) {
        for (auto& cookie : split_joined_set_cookies(value)) out.push_back(std::move(cookie));
      } else {
        out.emplace_back(value);
      }
    }
    return out;
  };
  set_cookies(cookies(recorded, "set-cookie", false), cookies(actual, "set-cookie", false),
              "set-cookie");
  set_cookies(cookies(recorded, "set-better-auth-cookie", true),
              cookies(actual, "set-better-auth-cookie", true), "set-better-auth-cookie");
}

void Comparer::set_cookies(const std::vector<std::string>& recorded,
                           const std::vector<std::string>& actual, const std::string& where) {
  auto names = [](const std::vector<std::string>& cookies) {
    std::string out;
    for (const auto& cookie : cookies) out += (out.empty() ? "" : ", ") + split_cookie(cookie).name;
    return out.empty() ? std::string("(none)") : out;
  };
  if (recorded.size() != actual.size()) {
    differ(where + " (names)", names(recorded), names(actual));
  }
  for (std::size_t i = 0; i < std::min(recorded.size(), actual.size()); ++i) {
    CookieParts r = split_cookie(recorded[i]);
    CookieParts a = split_cookie(actual[i]);
    std::string at = where + "[" + std::to_string(i) + "] " + r.name;
    if (r.name != a.name) {
      differ(where + "[" + std::to_string(i) + "] name", r.name, a.name);
      continue;
    }
    if (r.attributes != a.attributes) differ(at + " attributes", r.attributes, a.attributes);
    if (r.value.empty() || a.value.empty()) {
      if (r.value != a.value) differ(at + " value", r.value, a.value);
      continue;
    }
    if (auto bound = values_.find(r.value)) {
      if (*bound != a.value) differ(at + " value", r.value + " (bound to " + *bound + ")", a.value);
      continue;
    }
    std::string base = r.name;
    for (std::string_view prefix : {"__Secure-", "__Host-"}) {
      if (base.starts_with(prefix)) base.erase(0, prefix.size());
    }
    if (base.ends_with(".convex_jwt")) {
      jwt(r.value, a.value, at + " value");
      continue;
    }
    // A signed cookie: encodeURIComponent(value + "." + base64(HMAC-SHA256)).
    auto r_decoded = authconf::decode_uri_component(r.value);
    auto a_decoded = authconf::decode_uri_component(a.value);
    if (!r_decoded || !a_decoded) {
      differ(at + " value (percent-encoding)", r.value, a.value);
      continue;
    }
    auto r_dot = r_decoded->rfind('.');
    auto a_dot = a_decoded->rfind('.');
    if (r_dot == std::string::npos || a_dot == std::string::npos) {
      differ(at + " value (<value>.<signature>)", r.value, a.value);
      continue;
    }
    std::string r_inner = r_decoded->substr(0, r_dot);
    std::string a_inner = a_decoded->substr(0, a_dot);
    std::string a_signature = a_decoded->substr(a_dot + 1);
    if (a_signature.size() != 44 || !a_signature.ends_with("=")) {
      differ(at + " signature (44 base64 chars)", r_decoded->substr(r_dot + 1), a_signature);
    } else if (!options_.secret.empty() &&
               !authconf::verify_signed_cookie_value(a.value, options_.secret)) {
      differ(at + " signature (HMAC-SHA256 with our secret)", r_decoded->substr(r_dot + 1),
             a_signature);
    }
    if (base.ends_with(".session_token")) {
      random_string(r_inner, a_inner, at + " token", "token");
    } else if (r_inner != a_inner) {
      differ(at + " signed value", r_inner, a_inner);
    }
    std::string why;
    if (!values_.bind(r.value, a.value, why)) differ(at + " value", r.value + ": " + why, a.value);
  }
}

void Comparer::body(std::string_view recorded, std::string_view actual) {
  auto parsed = OrderedJson::parse(recorded, nullptr, false);
  if (!recorded.empty() && !parsed.is_discarded()) {
    json_body(recorded, actual);
    return;
  }
  std::string expected = values_.substitute(recorded);
  if (expected != actual) differ("body", expected, std::string(actual));
}

void Comparer::json_body(std::string_view recorded, std::string_view actual) {
  auto r = OrderedJson::parse(recorded, nullptr, false);
  auto a = OrderedJson::parse(actual, nullptr, false);
  if (r.is_discarded()) {
    differ("body (recorded is not JSON)", std::string(recorded), std::string(actual));
    return;
  }
  if (a.is_discarded()) {
    differ("body (not JSON)", std::string(recorded), std::string(actual));
    return;
  }
  json(r, a, "body", "");
}

void Comparer::json(const OrderedJson& recorded, const OrderedJson& actual,
                    const std::string& where, const std::string& key) {
  const std::string_view kind = kind_of_key(key);
  if (kind == "date" || kind == "date-seconds") {
    if (recorded.is_string() || recorded.is_number()) {
      date(recorded, actual, where, kind == "date-seconds", key == "_creationTime");
      return;
    }
  }
  if (recorded.type() != actual.type() && !(recorded.is_number() && actual.is_number())) {
    differ(where + " (type)", type_name(recorded) + " " + recorded.dump(),
           type_name(actual) + " " + actual.dump());
    return;
  }
  if (recorded.is_object()) {
    if (options_.loose_rows) {
      // The recorded row's fields, by name; ours may add _creationTime.
      for (auto it = recorded.begin(); it != recorded.end(); ++it) {
        std::string name = it.key() == "id" ? "_id" : it.key();
        if (!actual.contains(name)) {
          differ(where + "." + name + " (missing)", it.value().dump(), "(absent)");
          continue;
        }
        json(it.value(), actual.at(name), where + "." + name, name);
      }
      for (auto it = actual.begin(); it != actual.end(); ++it) {
        const bool known = it.key() == "_creationTime" || recorded.contains(it.key()) ||
                           (it.key() == "_id" && recorded.contains("id"));
        if (!known) differ(where + "." + it.key() + " (extra)", "(absent)", it.value().dump());
      }
      return;
    }
    if (keys_of(recorded) != keys_of(actual)) {
      differ(where + " (keys)", keys_of(recorded), keys_of(actual));
    }
    for (auto it = recorded.begin(); it != recorded.end(); ++it) {
      if (actual.contains(it.key())) {
        json(it.value(), actual.at(it.key()), where + "." + it.key(), it.key());
      }
    }
    return;
  }
  if (recorded.is_array()) {
    if (recorded.size() != actual.size()) {
      differ(where + " (length)", std::to_string(recorded.size()), std::to_string(actual.size()));
    }
    for (std::size_t i = 0; i < std::min(recorded.size(), actual.size()); ++i) {
      json(recorded[i], actual[i], where + "[" + std::to_string(i) + "]", key);
    }
    return;
  }
  if (recorded.is_string()) {
    const auto& r = recorded.get_ref<const std::string&>();
    const auto& a = actual.get_ref<const std::string&>();
    if (kind == "id" || kind == "token" || kind == "hash" || kind == "modulus") {
      if (kind == "token" && looks_like_jwt(r)) {
        jwt(r, a, where);
      } else {
        random_string(r, a, where, kind);
      }
    } else if (looks_like_jwt(r)) {
      jwt(r, a, where);
    } else {
      exact_string(r, a, where);
    }
    return;
  }
  if (recorded != actual) differ(where, recorded.dump(), actual.dump());
}

void Comparer::date(const OrderedJson& recorded, const OrderedJson& actual,
                    const std::string& where, bool seconds, bool fractional_ok) {
  // The date's form is part of the wire (ISO with stock adapters, epoch-ms
  // numbers with the Convex one); its value only within the clock's tolerance.
  auto ms_of = [&](const OrderedJson& value) -> std::optional<double> {
    if (value.is_number()) return value.get<double>() * (seconds ? 1000.0 : 1.0);
    if (value.is_string()) return parse_iso_date(value.get_ref<const std::string&>());
    return std::nullopt;
  };
  const bool same_form = recorded.is_string() ? actual.is_string() : actual.is_number();
  if (!same_form && !options_.loose_rows) {
    differ(where + " (date form)", recorded.dump(), actual.dump());
    return;
  }
  // Better Auth's dates are whole milliseconds; Convex's _creationTime is a
  // float (sub-millisecond in real deployments), so it may have a fraction.
  if (!fractional_ok && actual.is_number() && !actual.is_number_integer() &&
      std::floor(actual.get<double>()) != actual.get<double>()) {
    differ(where + " (integer date)", recorded.dump(), actual.dump());
    return;
  }
  auto r = ms_of(recorded);
  auto a = ms_of(actual);
  if (!a) {
    differ(where + " (date)", recorded.dump(), actual.dump());
    return;
  }
  if (r && options_.date_tolerance_ms >= 0 && std::abs(*r - *a) > options_.date_tolerance_ms) {
    differ(where + " (date value, tolerance " + std::to_string(options_.date_tolerance_ms) + " ms)",
           recorded.dump(), actual.dump());
  }
}

void Comparer::exact_string(const std::string& recorded, const std::string& actual,
                            const std::string& where) {
  std::string expected = values_.substitute(recorded);
  if (expected != actual) differ(where, expected, actual);
}

void Comparer::random_string(const std::string& recorded, const std::string& actual,
                             const std::string& where, std::string_view kind) {
  if (auto bound = values_.find(recorded)) {
    if (*bound != actual) differ(where, recorded + " (bound to " + *bound + ")", actual);
    return;
  }
  bool shape_ok = !actual.empty();
  if (kind == "token") {
    // generateId(n): n characters of [A-Za-z0-9].
    shape_ok = is_alnum(actual) && actual.size() == recorded.size();
  } else if (kind == "hash") {
    // "<salt: 32 hex>:<key: 128 hex>".
    shape_ok = actual.size() == 161 && actual[32] == ':' && is_hex(actual.substr(0, 32)) &&
               is_hex(actual.substr(33));
  } else if (kind == "modulus") {
    shape_ok = actual.size() == recorded.size();
  }
  if (!shape_ok) {
    differ(where + " (" + std::string(kind) + " shape)", recorded, actual);
    return;
  }
  std::string why;
  if (!values_.bind(recorded, actual, why)) differ(where, recorded + ": " + why, actual);
}

void Comparer::jwt(const std::string& recorded, const std::string& actual,
                   const std::string& where) {
  if (auto bound = values_.find(recorded)) {
    if (*bound != actual) differ(where + " (jwt)", recorded + " (bound to " + *bound + ")", actual);
    return;
  }
  if (!looks_like_jwt(actual)) {
    differ(where + " (jwt)", recorded, actual);
    return;
  }
  auto r = split3(recorded);
  auto a = split3(actual);
  auto r_header = decode_json_segment(r[0]);
  auto a_header = decode_json_segment(a[0]);
  auto r_payload = decode_json_segment(r[1]);
  auto a_payload = decode_json_segment(a[1]);
  if (!r_header || !r_payload || !a_header || !a_payload) {
    differ(where + " (jwt json)", recorded, actual);
    return;
  }
  json(*r_header, *a_header, where + "(jwt).header", "");
  json(*r_payload, *a_payload, where + "(jwt).payload", "");
  auto lifetime = [](const OrderedJson& payload) -> std::optional<double> {
    if (!payload.contains("iat") || !payload.contains("exp")) return std::nullopt;
    if (!payload["iat"].is_number() || !payload["exp"].is_number()) return std::nullopt;
    return payload["exp"].get<double>() - payload["iat"].get<double>();
  };
  auto r_life = lifetime(*r_payload);
  auto a_life = lifetime(*a_payload);
  if (r_life && (!a_life || *r_life != *a_life)) {
    differ(where + "(jwt) exp - iat", std::to_string(*r_life),
           a_life ? std::to_string(*a_life) : "(none)");
  }
  if (r[2].size() != a[2].size()) {
    differ(where + "(jwt) signature length", std::to_string(r[2].size()),
           std::to_string(a[2].size()));
  }
  std::string why;
  if (!values_.bind(recorded, actual, why)) differ(where + " (jwt)", recorded + ": " + why, actual);
}

}  // namespace authref::golden

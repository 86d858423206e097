#include "authconf/set_cookie.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace authconf {
namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t";
  std::size_t begin = s.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kSpace) - begin + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// RFC 6265 §4.1.1 cookie-name is an RFC 2616 token.
bool is_token(std::string_view name) {
  constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={} \t";
  return std::ranges::none_of(name, [&](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x21 || u == 0x7F || kSeparators.find(c) != std::string_view::npos;
  });
}

std::optional<std::int64_t> parse_max_age(std::string_view v) {
  // §5.2.2: first char a DIGIT or '-', the rest DIGITs.
  if (v.empty()) return std::nullopt;
  std::size_t digits_from = v[0] == '-' ? 1 : 0;
  if (digits_from == v.size()) return std::nullopt;
  if (!std::all_of(v.begin() + static_cast<std::ptrdiff_t>(digits_from), v.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec == std::errc::result_out_of_range) return v[0] == '-' ? INT64_MIN : INT64_MAX;
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return out;
}

constexpr std::array<std::string_view, 12> kMonths = {"jan", "feb", "mar", "apr", "may", "jun",
                                                      "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// 1..12 when the token starts with a month's three letters, else 0.
int month_number(std::string_view token) {
  if (token.size() < 3) return 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i)
    if (iequals(token.substr(0, 3), kMonths[i])) return static_cast<int>(i) + 1;
  return 0;
}

bool is_delimiter(unsigned char c) {
  return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) ||
         (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

// Reads 1..max_digits leading digits of `token`; true when there are min..max.
bool leading_number(std::string_view token, std::size_t min_digits, std::size_t max_digits,
                    int& out, std::size_t& used) {
  used = 0;
  out = 0;
  while (used < token.size() && std::isdigit(static_cast<unsigned char>(token[used]))) {
    if (used == max_digits) return false;  // more digits than allowed
    out = out * 10 + (token[used] - '0');
    ++used;
  }
  return used >= min_digits;
}

bool parse_time(std::string_view token, int& h, int& m, int& s) {
  // hms-time = time-field ":" time-field ":" time-field, each 1*2DIGIT.
  int* fields[] = {&h, &m, &s};
  std::size_t at = 0;
  for (int i = 0; i < 3; ++i) {
    std::size_t used = 0;
    if (!leading_number(token.substr(at), 1, 2, *fields[i], used)) return false;
    at += used;
    if (i < 2) {
      if (at >= token.size() || token[at] != ':') return false;
      ++at;
    }
  }
  return true;
}

}  // namespace

std::string_view to_string(SetCookieError code) {
  switch (code) {
    case SetCookieError::kNoNameValue:
      return "no-name-value";
    case SetCookieError::kEmptyName:
      return "empty-name";
    case SetCookieError::kInvalidName:
      return "invalid-name";
  }
  return "unknown";
}

Result<SetCookie, SetCookieError> parse_set_cookie(std::string_view header) {
  std::size_t semi = header.find(';');
  std::string_view pair = header.substr(0, semi);
  std::size_t eq = pair.find('=');
  if (eq == std::string_view::npos)
    return fail(SetCookieError::kNoNameValue, "no '=' in the name-value pair");
  SetCookie cookie;
  cookie.name = std::string(trim(pair.substr(0, eq)));
  cookie.value = std::string(trim(pair.substr(eq + 1)));
  if (cookie.name.empty()) return fail(SetCookieError::kEmptyName, "cookie name is empty");
  if (!is_token(cookie.name))
    return fail(SetCookieError::kInvalidName, "cookie name '" + cookie.name + "' is not a token");

  std::string_view rest = semi == std::string_view::npos ? "" : header.substr(semi + 1);
  while (!rest.empty()) {
    std::size_t next = rest.find(';');
    std::string_view attribute = trim(rest.substr(0, next));
    rest = next == std::string_view::npos ? "" : rest.substr(next + 1);
    if (attribute.empty()) continue;
    std::size_t aeq = attribute.find('=');
    std::string_view key = trim(attribute.substr(0, aeq));
    std::string_view val = aeq == std::string_view::npos ? "" : trim(attribute.substr(aeq + 1));
    bool used = true;
    if (iequals(key, "Max-Age")) {
      auto seconds = parse_max_age(val);
      if (seconds) cookie.max_age = seconds;
      used = seconds.has_value();
    } else if (iequals(key, "Domain")) {
      cookie.domain = std::string(val);
    } else if (iequals(key, "Path")) {
      cookie.path = std::string(val);
    } else if (iequals(key, "Expires")) {
      cookie.expires = std::string(val);
    } else if (iequals(key, "HttpOnly")) {
      cookie.http_only = true;
    } else if (iequals(key, "Secure")) {
      cookie.secure = true;
    } else if (iequals(key, "SameSite")) {
      cookie.same_site = std::string(val);
    } else if (iequals(key, "Partitioned")) {
      cookie.partitioned = true;
    } else {
      used = false;
    }
    if (!used) cookie.ignored_attributes.emplace_back(attribute);
  }
  return cookie;
}

std::string serialize_set_cookie(const SetCookie& cookie) {
  std::string out = cookie.name + "=" + cookie.value;
  if (cookie.max_age) out += "; Max-Age=" + std::to_string(*cookie.max_age);
  if (cookie.domain) out += "; Domain=" + *cookie.domain;
  if (cookie.path) out += "; Path=" + *cookie.path;
  if (cookie.expires) out += "; Expires=" + *cookie.expires;
  if (cookie.http_only) out += "; HttpOnly";
  if (cookie.secure) out += "; Secure";
  if (cookie.same_site) out += "; SameSite=" + *cookie.same_site;
  if (cookie.partitioned) out += "; Partitioned";
  return out;
}

std::optional<std::int64_t> parse_cookie_date(std::string_view text) {
  bool found_time = false, found_day = false, found_month = false, found_year = false;
  int hour = 0, minute = 0, second = 0, day = 0, month = 0, year = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_delimiter(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && !is_delimiter(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view token = text.substr(start, i - start);
    if (token.empty()) continue;
    std::size_t used = 0;
    int number = 0;
    if (!found_time && parse_time(token, hour, minute, second)) {
      found_time = true;
    } else if (!found_day && leading_number(token, 1, 2, number, used)) {
      found_day = true;
      day = number;
    } else if (!found_month && month_number(token) > 0) {
      found_month = true;
      month = month_number(token);
    } else if (!found_year && leading_number(token, 2, 4, number, used)) {
      found_year = true;
      year = number;
    }
  }
  if (found_year && year >= 70 && year <= 99) year += 1900;
  if (found_year && year >= 0 && year <= 69) year += 2000;
  if (!found_time || !found_day || !found_month || !found_year) return std::nullopt;
  if (day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59)
    return std::nullopt;
  using namespace std::chrono;
  year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                      std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  auto when = sys_days{date} + hours{hour} + minutes{minute} + seconds{second};
  return duration_cast<milliseconds>(when.time_since_epoch()).count();
}

std::string format_cookie_date(std::int64_t epoch_ms) {
  using namespace std::chrono;
  sys_time<milliseconds> when{milliseconds{epoch_ms}};
  auto day_point = floor<days>(when);
  year_month_day date{day_point};
  hh_mm_ss time{floor<seconds>(when - day_point)};
  weekday wd{day_point};
  static constexpr std::array<std::string_view, 12> kMonthNames = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04d %02ld:%02ld:%02lld GMT",
                std::string(kDays[wd.c_encoding()]).c_str(), static_cast<unsigned>(date.day()),
                std::string(kMonthNames[static_cast<unsigned>(date.month()) - 1]).c_str(),
                static_cast<int>(date.year()), static_cast<long>(time.hours().count()),
                static_cast<long>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  return buffer;
}

}  // namespace authconf

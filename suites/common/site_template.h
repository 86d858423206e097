// suites/common/site_template.h: the target's site origin split into parts,
// and row templates built from it ("{scheme}://evil.{hostname}{port}"), for
// the suites that try hostile variants of the trusted origin (origin, cors).
//
//   auto s = site_template::site();           // nullopt if the origin does not parse
//   site_template::expand("{site}.evil.example", *s);
#pragma once

#include <authconf/origin.h>
#include <authconf/suite.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace authconf::site_template {

// The parts of the site origin the variants are built from.
struct Site {
  std::string origin;    // http://localhost:5173
  std::string scheme;    // http
  std::string hostname;  // localhost
  std::string port;      // ":5173", or "" for the scheme's default
  std::string base;      // the origin of Better Auth's baseURL (the target's own origin)
};

inline std::optional<Site> site() {
  Site parts_of_site;
  parts_of_site.origin = suite::target().site_origin();
  auto parts = parse_url(parts_of_site.origin);
  auto base = origin_of(suite::target().url());
  if (!parts || !base) return std::nullopt;
  parts_of_site.scheme = parts->protocol.substr(0, parts->protocol.size() - 1);
  parts_of_site.hostname = parts->hostname;
  parts_of_site.port = parts->port.empty() ? "" : ":" + parts->port;
  parts_of_site.base = *base;
  return parts_of_site;
}

inline std::string upper(std::string text) {
  std::ranges::transform(text, text.begin(),
                         [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// Replaces {site}, {upper-site}, {base}, {scheme}, {other-scheme}, {hostname},
// {host}, {port} and {other-port} in a row's template.
inline std::string expand(std::string_view text, const Site& s) {
  std::string out(text);
  const auto other_port = [&] {
    if (s.port.empty()) return std::string(":8443");
    const int port = std::stoi(s.port.substr(1));
    return ":" + std::to_string(port == 65535 ? 1 : port + 1);
  };
  const std::pair<std::string, std::string> substitutions[] = {
      {"{site}", s.origin},
      {"{upper-site}", upper(s.origin)},
      {"{base}", s.base},
      {"{scheme}", s.scheme},
      {"{other-scheme}", s.scheme == "https" ? "http" : "https"},
      {"{hostname}", s.hostname},
      {"{host}", s.hostname + s.port},
      {"{other-port}", other_port()},
      {"{port}", s.port},
  };
  for (const auto& [from, to] : substitutions) {
    for (std::size_t at = out.find(from); at != std::string::npos; at = out.find(from, at)) {
      out.replace(at, from.size(), to);
      at += to.size();
    }
  }
  return out;
}

}  // namespace authconf::site_template

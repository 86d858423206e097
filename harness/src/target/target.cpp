#include "authconf/target.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <regex>

namespace authconf {
namespace {

bool is_http_origin(std::string_view url) {
  const std::size_t scheme = url.starts_with("http://") ? 7 : url.starts_with("https://") ? 8 : 0;
  return scheme != 0 && url.size() > scheme && url.find('/', scheme) == std::string_view::npos &&
         url.find_first_of(" \t\r\n?#") == std::string_view::npos;
}

std::string random_run_id() {
  unsigned char bytes[4];
  randombytes_buf(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char byte : bytes) {
    id += kHex[byte >> 4];
    id += kHex[byte & 15];
  }
  return id;
}

}  // namespace

std::string_view to_string(TargetError code) {
  switch (code) {
    case TargetError::kBadSetting:
      return "bad-setting";
    case TargetError::kUnreachable:
      return "unreachable";
    case TargetError::kBadCapabilities:
      return "bad-capabilities";
  }
  return "unknown";
}

Result<TargetSettings, TargetError> settings_from_environment(
    const char* (*getenv_fn)(const char*)) {
  const auto read = [&](const char* name) -> std::optional<std::string> {
    const char* value = getenv_fn ? getenv_fn(name) : std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
  TargetSettings settings;
  if (auto url = read("AUTH_TARGET_URL")) {
    while (url->ends_with('/')) url->pop_back();
    if (!is_http_origin(*url)) {
      return fail(TargetError::kBadSetting,
                  "AUTH_TARGET_URL must be an http(s) origin such as "
                  "https://your-app.convex.site (no path): " +
                      *url);
    }
    settings.url = *url;
  }
  settings.key = read("AUTH_TARGET_KEY");
  if (auto origin = read("AUTH_TARGET_ORIGIN")) {
    while (origin->ends_with('/')) origin->pop_back();
    if (!is_http_origin(*origin)) {
      return fail(
          TargetError::kBadSetting,
          "AUTH_TARGET_ORIGIN must be an http(s) origin such as http://localhost:5173: " + *origin);
    }
    settings.origin = *origin;
  }
  if (auto base_path = read("AUTH_TARGET_BASE_PATH")) {
    if (!base_path->starts_with('/') || base_path->ends_with('/') || base_path->size() < 2) {
      return fail(TargetError::kBadSetting,
                  "AUTH_TARGET_BASE_PATH must start with '/' and not end with one: " + *base_path);
    }
    settings.base_path = *base_path;
  }
  settings.expectations_file = read("AUTH_TARGET_EXPECTATIONS");
  if (auto dates = read("AUTH_TARGET_DATES")) {
    if (*dates != "epoch-ms" && *dates != "iso") {
      return fail(TargetError::kBadSetting, "AUTH_TARGET_DATES must be epoch-ms or iso: " + *dates);
    }
    settings.dates = *dates;
  }
  if (auto cors = read("AUTH_TARGET_CORS")) {
    if (*cors != "hono" && *cors != "convex" && *cors != "none") {
      return fail(TargetError::kBadSetting,
                  "AUTH_TARGET_CORS must be hono, convex or none: " + *cors);
    }
    settings.cors = *cors;
  }
  if (auto ca_file = read("AUTH_TARGET_CA_FILE")) {
    if (std::FILE* file = std::fopen(ca_file->c_str(), "r")) {
      std::fclose(file);
    } else {
      return fail(TargetError::kBadSetting,
                  "AUTH_TARGET_CA_FILE must name a readable PEM file: " + *ca_file);
    }
    settings.ca_file = *ca_file;
  }
  if (auto run_id = read("AUTH_RUN_ID")) {
    const bool valid =
        run_id->size() <= 32 &&
        run_id->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
    if (!valid) {
      return fail(TargetError::kBadSetting,
                  "AUTH_RUN_ID must be at most 32 of [a-z0-9-]: " + *run_id);
    }
    settings.run_id = *run_id;
  } else {
    settings.run_id = random_run_id();
  }
  return settings;
}

Result<Capabilities, TargetError> Capabilities::parse(const Json& body) {
  if (!body.is_object() || body.value("protocol", Json()) != 1) {
    return fail(TargetError::kBadCapabilities, "not bridge protocol 1: " + body.dump());
  }
  Capabilities capabilities;
  capabilities.raw_ = body;
  const auto string_field = [&](const char* name) -> std::optional<std::string> {
    if (!body.contains(name)) return std::nullopt;
    if (!body[name].is_string()) return std::string();
    return body[name].get<std::string>();
  };
  if (auto site = string_field("siteUrl")) {
    if (!is_http_origin(*site)) {
      return fail(TargetError::kBadCapabilities, "siteUrl is not an http(s) origin: " + *site);
    }
    capabilities.site_url_ = *site;
  }
  if (auto base = string_field("basePath")) {
    if (!base->starts_with('/')) {
      return fail(TargetError::kBadCapabilities, "basePath does not start with '/': " + *base);
    }
    capabilities.base_path_ = *base;
  }
  if (auto dates = string_field("dates")) {
    if (*dates != "epoch-ms" && *dates != "iso") {
      return fail(TargetError::kBadCapabilities, "dates is neither epoch-ms nor iso: " + *dates);
    }
    capabilities.dates_ = *dates;
  }
  for (const char* object : {"features", "config", "jwt"}) {
    if (body.contains(object) && !body[object].is_object()) {
      return fail(TargetError::kBadCapabilities, std::string(object) + " is not an object");
    }
  }
  if (body.contains("plugins") && !body["plugins"].is_array()) {
    return fail(TargetError::kBadCapabilities, "plugins is not an array");
  }
  return capabilities;
}

Capabilities Capabilities::black_box(const TargetSettings& settings) {
  Capabilities capabilities;
  capabilities.raw_ = Json{{"protocol", 1},
                           {"implementation", {{"name", "unknown (no bridge)"}, {"version", ""}}},
                           {"basePath", settings.base_path.value_or("/api/auth")},
                           {"dates", settings.dates.value_or("epoch-ms")},
                           {"plugins", Json::array({"convex"})},
                           {"config", Json::object()},
                           {"features", Json::object()}};
  if (settings.cors) capabilities.raw_["config"]["cors"] = *settings.cors;
  if (settings.origin) capabilities.raw_["siteUrl"] = *settings.origin;
  capabilities.site_url_ = settings.origin.value_or("");
  capabilities.base_path_ = settings.base_path.value_or("/api/auth");
  capabilities.dates_ = settings.dates.value_or("epoch-ms");
  return capabilities;
}

std::string Capabilities::implementation() const {
  const Json implementation = raw_.value("implementation", Json::object());
  std::string text = implementation.value("name", "unknown");
  const std::string version = implementation.value("version", "");
  if (!version.empty()) text += " " + version;
  return text;
}

std::string Capabilities::jwt_alg() const {
  return raw_.value("jwt", Json::object()).value("alg", "RS256");
}

bool Capabilities::feature(std::string_view name) const {
  const Json features = raw_.value("features", Json::object());
  auto found = features.find(std::string(name));
  return found != features.end() && found->is_boolean() && found->get<bool>();
}

bool Capabilities::plugin(std::string_view id) const {
  for (const Json& plugin : raw_.value("plugins", Json::array())) {
    if (plugin.is_string() && plugin.get<std::string>() == id) return true;
  }
  return false;
}

bool Capabilities::config_flag(std::string_view name, bool default_value) const {
  const Json config = raw_.value("config", Json::object());
  auto found = config.find(std::string(name));
  if (found == config.end() || !found->is_boolean()) return default_value;
  return found->get<bool>();
}

std::string Capabilities::cors() const {
  const Json config = raw_.value("config", Json::object());
  auto found = config.find("cors");
  return found != config.end() && found->is_string() ? found->get<std::string>() : "hono";
}

const Json& Capabilities::app_users() const {
  static const Json kNone = Json::object();
  auto found = raw_.find("appUsers");
  return found == raw_.end() ? kNone : *found;
}

Target::Target(TargetSettings settings, Capabilities capabilities)
    : settings_(std::move(settings)), capabilities_(std::move(capabilities)) {
  site_origin_ = settings_.origin.value_or(capabilities_.site_url());
  base_path_ = settings_.base_path.value_or(capabilities_.base_path());
}

bool is_date(const Json& value, const std::string& dates) {
  if (dates == "iso") {
    static const std::regex kIso(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    return value.is_string() && std::regex_match(value.get<std::string>(), kIso);
  }
  // Epoch milliseconds: an integer in a plausible range (2001 to 2286).
  if (!value.is_number()) return false;
  const double ms = value.get<double>();
  return ms == static_cast<double>(static_cast<std::int64_t>(ms)) && ms >= 1e12 && ms < 1e13;
}

std::string Target::url_for(std::string_view path) const {
  return settings_.url + std::string(path);
}

std::string Target::auth_path(std::string_view path) const {
  return base_path_ + std::string(path);
}

std::string Target::auth_url(std::string_view path) const { return url_for(auth_path(path)); }

std::string Target::new_email() const {
  return "ac-" + settings_.run_id + "-" + std::to_string(next_user_.fetch_add(1)) +
         "@conformance.example";
}

}  // namespace authconf

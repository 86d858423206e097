// authconf/target.h: the deployment under test, and what it can do.
//
//   auto settings = authconf::settings_from_environment();  // AUTH_TARGET_URL, …
//   authconf::Target target(*settings, capabilities);
//   target.auth_url("/sign-in/email");    // "https://app.convex.site/api/auth/sign-in/email"
//   target.capabilities().feature("faults");
//   target.new_email();                   // "ac-<run>-3@conformance.example"
//
// Settings come from the environment (the CMake cache variables of the same
// names are passed to the suites as their environment):
//   AUTH_TARGET_URL           the origin of the target; unset: the embedded reference
//   AUTH_TARGET_KEY           the bridge key (../shared/spec/bridge-v1.md); unset: no bridge
//   AUTH_TARGET_ORIGIN        the site origin the target trusts; else from /capabilities
//   AUTH_TARGET_BASE_PATH     Better Auth's base path, default /api/auth
//   AUTH_TARGET_EXPECTATIONS  an expected-failures file (fixtures/expectations/*.json)
//   AUTH_TARGET_DATES         epoch-ms or iso, for a target without a bridge
//   AUTH_TARGET_CORS          hono, convex or none, for a target without a bridge
//   AUTH_RUN_ID               the run id in created users' emails; default: random
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/result.h"

namespace authconf {

using Json = nlohmann::ordered_json;

enum class TargetError {
  kBadSetting,  // an environment variable is malformed; the detail names it
  kUnreachable,
  kBadCapabilities,  // /capabilities answered something that is not protocol 1
};
std::string_view to_string(TargetError code);

struct TargetSettings {
  std::string url;  // empty: the embedded reference
  std::optional<std::string> key;
  std::optional<std::string> origin;
  std::optional<std::string> base_path;  // unset: the capabilities', else /api/auth
  std::optional<std::string> expectations_file;
  std::optional<std::string> dates;
  std::optional<std::string> cors;     // "hono", "convex" or "none" (no bridge to say it)
  std::optional<std::string> ca_file;  // PEM CAs for an https target (AUTH_TARGET_CA_FILE)
  std::string run_id;
};

// Reads and checks the variables above (`getenv` is injectable for tests).
Result<TargetSettings, TargetError> settings_from_environment(
    const char* (*getenv_fn)(const char*) = nullptr);

// /capabilities, or what a target without a bridge is assumed to be.
class Capabilities {
 public:
  // Parses a /capabilities body (protocol 1).
  static Result<Capabilities, TargetError> parse(const Json& body);
  // A target without a bridge: Better Auth's defaults, the settings' origin
  // and dates, the `convex` plugin, no features.
  static Capabilities black_box(const TargetSettings& settings);

  const Json& raw() const { return raw_; }
  std::string implementation() const;  // "authref 0.1.0", or "unknown (no bridge)"
  const std::string& site_url() const { return site_url_; }
  const std::string& base_path() const { return base_path_; }
  const std::string& dates() const { return dates_; }  // "epoch-ms" or "iso"
  std::string jwt_alg() const;                         // "RS256" when unknown
  bool feature(std::string_view name) const;
  bool plugin(std::string_view id) const;
  // A `config` flag; missing means Better Auth's default.
  bool config_flag(std::string_view name, bool default_value) const;
  std::string cors() const;  // "hono" (default), "convex" or "none"
  bool has_app_users() const { return raw_.contains("appUsers"); }
  const Json& app_users() const;

 private:
  Json raw_;
  std::string site_url_;
  std::string base_path_ = "/api/auth";
  std::string dates_ = "epoch-ms";
};

// Whether `value` is a date as a target with these `dates` writes them: an
// epoch-ms integer, or an ISO 8601 string with milliseconds and Z
// (Date.toJSON()).
bool is_date(const Json& value, const std::string& dates);

class Target {
 public:
  Target(TargetSettings settings, Capabilities capabilities);

  const TargetSettings& settings() const { return settings_; }
  const Capabilities& capabilities() const { return capabilities_; }
  const std::string& url() const { return settings_.url; }
  // The site origin the target trusts (AUTH_TARGET_ORIGIN, else capabilities).
  const std::string& site_origin() const { return site_origin_; }
  bool has_bridge() const { return settings_.key.has_value(); }

  // url() + path ("/api/auth/ok").
  std::string url_for(std::string_view path) const;
  // url() + base path + path ("/sign-in/email" → ".../api/auth/sign-in/email").
  std::string auth_url(std::string_view path) const;
  std::string auth_path(std::string_view path) const;
  const std::string& base_path() const { return base_path_; }
  // A new email that carries the run id: ac-<run>-<n>@conformance.example.
  std::string new_email() const;
  const std::string& run_id() const { return settings_.run_id; }

 private:
  TargetSettings settings_;
  Capabilities capabilities_;
  std::string site_origin_;
  std::string base_path_;
  mutable std::atomic<std::uint64_t> next_user_{1};
};

}  // namespace authconf

// authconf/bridge.h: the conformance bridge of ../shared/spec/bridge-v1.md.
//
//   authconf::Bridge bridge(target);
//   auto users = bridge.component_table("user");      // Result<std::vector<Json>, BridgeError>
//   auto created = bridge.adapter("create", {{"input", {{"model", "user"}, {"data", …}}}});
//   created->thrown;   // std::optional<std::string>: the component threw
//   bridge.put_faults(Json::array({{{"table", "account"}, {"op", "create"}, …}}));
//
// Every call sends X-Conformance-Key and checks the answer's shape; a
// bridge-level error (`{"error":{"code","message"}}`) comes back as
// BridgeError::kRefused with the code in `code` of the detail, so a test can
// assert it. A target without a key has no bridge: every call fails with
// kNoBridge and the suites skip.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/http_client.h"
#include "authconf/result.h"
#include "authconf/target.h"

namespace authconf {

enum class BridgeError {
  kNoBridge,   // no AUTH_TARGET_KEY
  kTransport,  // the request did not complete (the detail says why)
  kRefused,    // a 4xx bridge error; bridge_error_code() has its code
  kMalformed,  // an answer that is not what bridge-v1 says
};
std::string_view to_string(BridgeError code);

// The `error.code` of a kRefused detail ("RESET_DISABLED").
std::string bridge_error_code(const Error<BridgeError>& error);

// The answer of an adapter call: a value, or the message the component threw.
struct AdapterAnswer {
  Json value;                         // null when it threw
  std::optional<std::string> thrown;  // the message, when it threw
};

struct IdentityAnswer {
  Json identity;   // ctx.auth.getUserIdentity(), or null
  Json auth_user;  // safeGetAuthUser(ctx), or null
  std::optional<std::string> thrown;
};

class Bridge {
 public:
  explicit Bridge(const Target& target);

  Result<Json, BridgeError> capabilities() const;
  Result<void, BridgeError> reset(bool keep_keys = true) const;
  Result<AdapterAnswer, BridgeError> adapter(std::string_view function, const Json& args) const;
  Result<std::vector<Json>, BridgeError> component_table(std::string_view table) const;
  Result<std::vector<Json>, BridgeError> app_table(std::string_view table) const;
  Result<Json, BridgeError> put_faults(const Json& faults) const;  // the set as it now stands
  Result<Json, BridgeError> get_faults() const;
  Result<Json, BridgeError> clear_faults() const;
  // Messages, optionally only those to `to` and of `kind`, oldest first.
  Result<std::vector<Json>, BridgeError> outbox(
      std::optional<std::string> to = std::nullopt,
      std::optional<std::string> kind = std::nullopt) const;
  Result<IdentityAnswer, BridgeError> identity(std::string_view jwt) const;
  Result<void, BridgeError> set_clock_offset(std::int64_t offset_ms) const;

  // A raw call (any method, path under /conformance/v1, optional key
  // override), for the suites that check the bridge's own errors.
  Result<Exchange, BridgeError> raw(std::string_view method, std::string_view path,
                                    std::optional<Json> body = std::nullopt,
                                    std::optional<std::string> key = std::nullopt) const;

 private:
  Result<Json, BridgeError> call(std::string_view method, std::string_view path,
                                 std::optional<Json> body = std::nullopt) const;
  const Target& target_;
};

}  // namespace authconf

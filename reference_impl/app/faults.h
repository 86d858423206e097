// authref/app/faults.h: injected trigger failures (bridge-v1 `PUT /faults`).
//
// A fault names a table, an operation and a message. When that table's
// trigger runs for that operation on a document that matches every `match`
// field (for an update: the new document), the trigger first does its normal
// app writes and then throws Error(message). Because the trigger runs inside
// the component mutation, the auth write and the trigger's app writes roll
// back together. `times` limits how often a fault fires; a spent fault stays
// listed with "times": 0.
//
// A fault may carry `patch` (an authconf extension of bridge-v1, capability
// `features.triggerEffects`): the trigger then patches the document it runs
// for with those fields, as an app trigger that writes back to the auth
// document does, and throws only when the fault also names a `message`.
//
//   Faults faults;
//   faults.replace(Json::parse(R"({"faults": [{"table": "account", "op": "create",
//       "message": "injected: account.create", "match": {"providerId": "credential"},
//       "times": 1}]})"));
//   faults.fire_if_matching("account", "create", account_doc);  // throws Thrown(kTrigger)
#pragma once

#include <authconf/result.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/value_order.h"

namespace authref {

enum class FaultsError {
  kNotAnObject,  // the body is not {"faults": [...]}
  kBadFault,     // a fault with a missing or wrong field
};
std::string_view to_string(FaultsError error);

// The tables the reference app installs fault-capable triggers on.
inline constexpr std::string_view kFaultTables[] = {"user", "session", "account", "verification"};

class Faults {
 public:
  struct Fault {
    std::string table;
    std::string op;  // create, update or delete
    std::string message;
    bool throws = true;    // false: a patch-only fault
    Json patch = nullptr;  // fields the trigger patches into its document
    Json match = Json::object();
    std::optional<std::int64_t> times;  // nullopt: every matching call
  };

  // PUT: replaces the installed set; on error nothing changes.
  authconf::Result<Json, FaultsError> replace(const Json& body);
  // GET: {"faults": [...]} as it now stands.
  Json list() const;
  // DELETE: removes every fault; returns the (empty) set.
  Json clear();

  // Called by a trigger after its app writes: for the first installed
  // fault that matches (spending one of its `times`), calls `apply_patch`
  // with its patch, if any, then throws Thrown(kTrigger, message) unless
  // it is patch-only.
  using PatchFn = std::function<void(const Json& patch)>;
  void fire_if_matching(std::string_view table, std::string_view op, const Json& document,
                        const PatchFn& apply_patch = {});

 private:
  static Json to_json(const Fault& fault);
  mutable std::mutex mutex_;
  std::vector<Fault> faults_;
};

}  // namespace authref

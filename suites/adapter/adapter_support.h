// Shared helpers of the `adapter` suite: run-unique markers, where clauses,
// adapter calls through the bridge, and the rows a case created (removed
// through the adapter when the case ends).
//
//   Rows rows;                                   // deletes what it tracks
//   const std::string m = marker("verif");       // "ac-<run>-verif-7"
//   auto docs = seed(rows, "verification", {verification(m, "alpha", w + 1)});
//   ASSERT_TRUE(docs);
//   auto found = AUTHCONF_OK(call("findOne", {{"model", "verification"},
//                                             {"where", Json::array({eq("identifier", m)})}}));
//
// Safety on a real deployment (shared/DESIGN.md): every row a case writes
// carries a run marker (identifier, token, userId, email) or an `expiresAt`
// in a far-future window of its own, and every query a case sends is restricted to
// such rows by an indexed clause, so other rows are never read into a page,
// changed or deleted.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "authconf/bridge.h"

namespace authconf::adapter_suite {

// "ac-<run>-<tag>-<n>": unique within the run, and across runs.
std::string marker(std::string_view tag);
// The start of a fresh window of 100 epoch-ms values after 2200, where no
// real session or verification row expires; a range over it reads only the
// case's own rows.
std::int64_t window();

// Where clauses (spec/convex-component.md §3.1).
Json eq(std::string_view field, Json value);
Json clause(std::string_view field, std::string_view op, Json value);
Json where(std::initializer_list<Json> clauses);
// paginationOpts {numItems, cursor}.
Json pagination(int num_items, Json cursor = nullptr);

// Documents of the tables the suite writes (every field the validator
// requires; createdAt = updatedAt = `created`).
Json verification(const std::string& identifier, const std::string& value, std::int64_t expires_at,
                  std::int64_t created = 1);
Json session(const std::string& token, const std::string& user_id, std::int64_t expires_at,
             std::int64_t created = 1);
Json user(const std::string& email, const std::string& name, std::int64_t created = 1);

// One adapter call through the bridge (bridge-v1 POST /adapter/{fn}).
Result<AdapterAnswer, BridgeError> call(std::string_view function, const Json& args);

// Whether a thrown message contains `needle` (bridge-v1: backends wrap
// messages, so the component's message is matched as a substring).
bool thrown_contains(const AdapterAnswer& answer, std::string_view needle);

// The document as a plain (key-order-free) JSON value, for comparisons.
nlohmann::json canon(const Json& value);
// The values of `field` of each document of a page, in order.
std::vector<std::string> strings_of(const Json& page, std::string_view field);

// What a case wrote, removed when it goes out of scope: documents by `_id`
// (deleteOne, so a user's onDelete trigger removes its app row too) and
// sweeps (deleteMany over a marker clause, page after page). What cannot be
// removed is printed and recorded as `leftover` on the case.
class Rows {
 public:
  Rows() = default;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  ~Rows();
  void track(std::string model, const Json& document);
  void sweep(std::string model, Json where_clauses);

 private:
  std::vector<std::pair<std::string, std::string>> ids_;
  std::vector<std::pair<std::string, Json>> sweeps_;
};

// Creates each document through the adapter, tracked by `rows`. A bridge
// failure is recorded as an error (not a verdict) and a throw as a failure;
// both give nullopt.
std::optional<std::vector<Json>> seed(Rows& rows, std::string_view model,
                                      const std::vector<Json>& documents);

// Removes every row of `model` matching `where_clauses` (deleteMany until
// isDone); false when the bridge or the component refused.
bool sweep_now(std::string_view model, const Json& where_clauses);

}  // namespace authconf::adapter_suite

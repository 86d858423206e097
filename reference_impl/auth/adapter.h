// authref/auth/adapter.h: Better Auth's database calls through the Convex
// adapter (@convex-dev/better-auth src/client/adapter.ts).
//
// The real adapter declares `transaction: false`, so each Better Auth
// database operation is one component function call and therefore its own
// transaction: a sign-up is three commits (user, account, session), and a
// trigger that throws in the second leaves the first in place
// (spec/convex-component.md §4, §5.3). This class makes exactly those calls.
//
// Records come back as Better Auth's adapter factory shapes them: the
// schema's fields in order, then `id` (the document `_id`); dates as epoch-ms
// numbers (the adapter's customTransformOutput). A component function that
// throws surfaces as AdapterError, which the router answers with a 500 and
// no body unless the endpoint maps it (sign-up: 422 FAILED_TO_CREATE_USER).
//
//   AuthAdapter adapter(app.component());
//   auto user = adapter.find_one("user", {{"email", "alice@example.com"}});
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "component/component.h"
#include "store/js_value.h"
#include "store/thrown.h"

namespace authref {

// One clause of Better Auth's `where` (field, value, operator, connector).
struct AuthCondition {
  std::string field;
  Json value;
  std::string op = "eq";
  std::string connector = "AND";
};
using AuthWhere = std::vector<AuthCondition>;

struct AuthSortBy {
  std::string field;
  std::string direction = "asc";
};

// A component function threw: its kind and its exact message, as the
// component reported them. A type of its own so that the router can tell a
// failed database call (500, no body) from the component's internal throw.
class AdapterError : public Thrown {
 public:
  using Thrown::Thrown;
};

class AuthAdapter {
 public:
  explicit AuthAdapter(Component& component) : component_(component) {}

  // adapter.create: one `create` mutation. `data` holds Better Auth fields
  // (dates as epoch-ms numbers); unknown keys are dropped, as the factory's
  // transformInput drops them.
  Json create(std::string_view model, const Json& data);
  // adapter.findOne: one `findOne` query (one per clause for an all-OR where).
  std::optional<Json> find_one(std::string_view model, const AuthWhere& where);
  // adapter.findMany: `findMany` pages of at most 200 until done or `limit`.
  std::vector<Json> find_many(std::string_view model, const AuthWhere& where,
                              std::optional<std::int64_t> limit = 100,
                              const std::optional<AuthSortBy>& sort_by = std::nullopt);
  std::int64_t count(std::string_view model, const AuthWhere& where);
  // adapter.update: one `updateOne` mutation; nullopt when nothing matched
  // (or `where` is empty, which the adapter answers with null unasked).
  std::optional<Json> update(std::string_view model, const AuthWhere& where, const Json& update);
  // adapter.updateMany: `updateMany` mutations, one per page.
  std::int64_t update_many(std::string_view model, const AuthWhere& where, const Json& update);
  // adapter.delete: one `deleteOne` mutation.
  void remove(std::string_view model, const AuthWhere& where);
  // adapter.deleteMany: `deleteMany` mutations, one per page.
  std::int64_t remove_many(std::string_view model, const AuthWhere& where);
  // Better Auth's internal adapter deletes through deleteWithHooks
  // (better-auth dist/db/with-hooks.mjs): a findMany with limit 1 first,
  // whose failure is ignored, then `deleteOne` only if it found a row.
  // Returns whether it deleted.
  bool remove_with_hooks(std::string_view model, const AuthWhere& where);
  // deleteManyWithHooks: a findMany (failure ignored), then deleteMany.
  std::int64_t remove_many_with_hooks(std::string_view model, const AuthWhere& where);

  // internalAdapter.consumeVerificationValue through the Convex adapter,
  // which has neither transactions nor a native consumeOne: the newest row
  // for `identifier` (findMany, createdAt desc, limit 1), the factory's
  // consumeOne fallback (findMany by id, then deleteMany by id: the deleted
  // count is what makes a token single-use), then every row of that
  // identifier deleted. Five component calls. A row past its expiresAt at
  // `now_ms` is consumed all the same but answers nullopt.
  std::optional<Json> consume_verification_value(const std::string& identifier,
                                                 std::int64_t now_ms);

  // The component document shaped as Better Auth's record.
  static Json to_record(std::string_view model, const Json& document);

 private:
  Json call(ComponentFunction function, const Json& args);
  static Json where_json(const AuthWhere& where);
  static Json input_data(std::string_view model, const Json& data);

  Component& component_;
};

}  // namespace authref

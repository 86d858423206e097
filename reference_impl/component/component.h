// authref/component/component.h: the seven component functions of
// @convex-dev/better-auth 0.12.5 (createApi, src/client/create-api.ts;
// spec/convex-component.md §3 and §5).
//
// Each call is one transaction: a query under the shared lock, a mutation
// under the writer lock with every write undone if anything throws, the
// triggers' app writes included. Arguments are checked by the same
// validators createApi declares, built from the schema, so a table or field
// added to the schema is accepted with no code change.
//
//   Component component(db, "component", warn);
//   component.set_triggers("user", {.on_create = [](WriteTx& tx, const Json& doc) {...}});
//   auto user = component.call(ComponentFunction::kCreate,
//       {{"input", {{"model", "user"}, {"data", fields}}}});
//   if (!user) std::cout << user.error().detail;   // "user email already exists"
#pragma once

#include <authconf/result.h>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "component/query_engine.h"
#include "store/database.h"

namespace authref {

enum class ComponentFunction {
  kCreate,
  kFindOne,
  kFindMany,
  kUpdateOne,
  kUpdateMany,
  kDeleteOne,
  kDeleteMany
};
std::string_view to_string(ComponentFunction function);
// "create", "findOne", ...: the names the bridge's /adapter/{fn} uses.
std::optional<ComponentFunction> component_function_named(std::string_view name);

// A table's triggers (triggersApi). Each receives the raw component document
// and runs inside the component's mutation as a nested mutation: it may write
// through `tx` (the app's tables) and abort everything by throwing.
struct TableTriggers {
  std::function<void(WriteTx& tx, const Json& doc)> on_create;
  std::function<void(WriteTx& tx, const Json& new_doc, const Json& old_doc)> on_update;
  std::function<void(WriteTx& tx, const Json& doc)> on_delete;
};

// The value a function returned (JSON null for findOne/deleteOne with no
// match), or what it threw: the kind, and the exact message as detail.
using ComponentResult = authconf::Result<Json, ThrownKind>;

class Component {
 public:
  // `database` must hold the component schema under `space`.
  Component(Database& database, std::string space, WarningSink warn);

  // Installs (or, with an empty TableTriggers, removes) the triggers of a
  // table. The real adapter passes a handle only when both authFunctions and
  // triggers define it; here installing a callback is both.
  void set_triggers(const std::string& table, TableTriggers triggers);

  // Runs one function. Handles in `args` (onCreateHandle, ...) pass the
  // validator but are not followed: the installed triggers are the handles.
  // The function sees `args` with every object's keys sorted, as a Convex
  // function receives its arguments (js_sorted_keys): messages that quote
  // them, and the documents a create writes, show that order.
  ComponentResult call(ComponentFunction function, const Json& args);

  // findOne and findMany with the documents shared with the store instead
  // of copied into the result: what a server serialises straight to the
  // wire (Page::to_json_text). call() is these plus the copy.
  authconf::Result<DocumentPtr, ThrownKind> find_one_document(const Json& args);
  authconf::Result<Page, ThrownKind> find_many_page(const Json& args);

  const QueryEngine& engine() const { return engine_; }

 private:
  Json create(WriteTx& tx, const Json& args);
  Json update_one(WriteTx& tx, const Json& args);
  Json update_many(WriteTx& tx, const Json& args);
  Json delete_one(WriteTx& tx, const Json& args);
  Json delete_many(WriteTx& tx, const Json& args);
  // findOne / findMany bodies, after validation.
  DocumentPtr read_first(const Json& args);
  Page read_page(const Json& args);
  const TableTriggers* triggers_of(const std::string& table) const;
  Table& table_of(WriteTx& tx, const std::string& model) const;

  Database& database_;
  std::string space_;
  QueryEngine engine_;
  std::map<ComponentFunction, Validator> validators_;
  std::map<std::string, TableTriggers, std::less<>> triggers_;
  mutable std::mutex triggers_mutex_;
};

}  // namespace authref

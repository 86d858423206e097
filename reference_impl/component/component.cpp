#include "component/component.h"

#include <type_traits>
#include <utility>

#include "store/js_value.h"

namespace authref {
namespace {

constexpr std::pair<ComponentFunction, std::string_view> kFunctionNames[] = {
    {ComponentFunction::kCreate, "create"},         {ComponentFunction::kFindOne, "findOne"},
    {ComponentFunction::kFindMany, "findMany"},     {ComponentFunction::kUpdateOne, "updateOne"},
    {ComponentFunction::kUpdateMany, "updateMany"}, {ComponentFunction::kDeleteOne, "deleteOne"},
    {ComponentFunction::kDeleteMany, "deleteMany"},
};

Validator union_of_literals(std::initializer_list<const char*> names) {
  std::vector<Validator> members;
  for (const char* name : names) members.push_back(Validator::literal_of(name));
  return Validator::union_of(std::move(members));
}

Validator string_array() { return Validator::array_of(Validator::string()); }

// The where clause validator: `field` is any string (adapterWhereValidator,
// for findOne/findMany) or one of the table's fields plus "_id"
// (whereValidator, for the writes).
Validator where_validator(Validator field) {
  return Validator::object({
      {"field", std::move(field), false},
      {"operator",
       union_of_literals({"lt", "lte", "gt", "gte", "eq", "in", "not_in", "ne", "contains",
                          "starts_with", "ends_with"}),
       true},
      {"value",
       Validator::union_of({Validator::string(), Validator::number(), Validator::boolean(),
                            string_array(), Validator::array_of(Validator::number()),
                            Validator::null()}),
       false},
      {"connector", union_of_literals({"AND", "OR"}), true},
      {"mode", union_of_literals({"sensitive", "insensitive"}), true},
  });
}

Validator table_where_validator(const TableSchema& table) {
  std::vector<Validator> names;
  for (const ObjectField& field : table.fields) names.push_back(Validator::literal_of(field.name));
  names.push_back(Validator::literal_of("_id"));
  return where_validator(Validator::union_of(std::move(names)));
}

// convex/server's paginationOptsValidator.
Validator pagination_opts_validator() {
  return Validator::object({
      {"numItems", Validator::number(), false},
      {"cursor", Validator::union_of({Validator::string(), Validator::null()}), false},
      {"endCursor", Validator::union_of({Validator::string(), Validator::null()}), true},
      {"id", Validator::number(), true},
      {"maximumRowsRead", Validator::number(), true},
      {"maximumBytesRead", Validator::number(), true},
  });
}

// convex-helpers' partial(): every field optional.
std::vector<ObjectField> partial(const std::vector<ObjectField>& fields) {
  std::vector<ObjectField> out = fields;
  for (ObjectField& field : out) field.optional = true;
  return out;
}

std::map<ComponentFunction, Validator> make_validators(const Schema& schema) {
  std::vector<Validator> models, creates, updates, deletes;
  for (const TableSchema& table : schema.tables) {
    models.push_back(Validator::literal_of(table.name));
    creates.push_back(Validator::object({{"model", Validator::literal_of(table.name), false},
                                         {"data", Validator::object(table.fields), false}}));
    updates.push_back(
        Validator::object({{"model", Validator::literal_of(table.name), false},
                           {"update", Validator::object(partial(table.fields)), false},
                           {"where", Validator::array_of(table_where_validator(table)), true}}));
    deletes.push_back(
        Validator::object({{"model", Validator::literal_of(table.name), false},
                           {"where", Validator::array_of(table_where_validator(table)), true}}));
  }
  const Validator model = Validator::union_of(models);
  const Validator any_where = Validator::array_of(where_validator(Validator::string()));
  std::map<ComponentFunction, Validator> out;
  out[ComponentFunction::kCreate] =
      Validator::object({{"input", Validator::union_of(creates), false},
                         {"select", string_array(), true},
                         {"onCreateHandle", Validator::string(), true}});
  out[ComponentFunction::kFindOne] = Validator::object({{"model", model, false},
                                                        {"where", any_where, true},
                                                        {"select", string_array(), true},
                                                        {"join", Validator::any(), true}});
  out[ComponentFunction::kFindMany] = Validator::object({
      {"model", model, false},
      {"where", any_where, true},
      {"select", string_array(), true},
      {"limit", Validator::number(), true},
      {"sortBy",
       Validator::object({{"direction", union_of_literals({"asc", "desc"}), false},
                          {"field", Validator::string(), false}}),
       true},
      {"offset", Validator::number(), true},
      {"join", Validator::any(), true},
      {"paginationOpts", pagination_opts_validator(), false},
  });
  out[ComponentFunction::kUpdateOne] =
      Validator::object({{"input", Validator::union_of(updates), false},
                         {"onUpdateHandle", Validator::string(), true}});
  out[ComponentFunction::kUpdateMany] =
      Validator::object({{"input", Validator::union_of(updates), false},
                         {"paginationOpts", pagination_opts_validator(), false},
                         {"onUpdateHandle", Validator::string(), true}});
  out[ComponentFunction::kDeleteOne] =
      Validator::object({{"input", Validator::union_of(deletes), false},
                         {"onDeleteHandle", Validator::string(), true}});
  out[ComponentFunction::kDeleteMany] =
      Validator::object({{"input", Validator::union_of(deletes), false},
                         {"paginationOpts", pagination_opts_validator(), false},
                         {"onDeleteHandle", Validator::string(), true}});
  return out;
}

// paginate's arguments for a write: {...args.input, paginationOpts}.
QueryArgs write_query(const Json& args) {
  QueryArgs query = QueryArgs::from_json(args.at("input"));
  if (auto it = args.find("paginationOpts"); it != args.end()) {
    query.pagination = PaginationOptions::from_json(*it);
  }
  return query;
}

// {...result without page, count, ids}
Json many_result(const Page& page) {
  Json ids = Json::array();
  for (const DocumentPtr& document : page.documents) ids.push_back(document->at("_id"));
  Json result = page.to_json();
  result.erase("page");
  result["count"] = ids.size();
  result["ids"] = std::move(ids);
  return result;
}

// Runs a trigger as a nested mutation. Anything it throws that is not
// already a Thrown is the trigger's own Error(message).
template <class Fn>
void run_trigger(WriteTx& tx, Fn&& trigger) {
  tx.nested([&] {
    try {
      trigger();
    } catch (const Thrown&) {
      throw;
    } catch (const std::exception& error) {
      throw Thrown(ThrownKind::kTrigger, error.what());
    }
  });
}

}  // namespace

std::string_view to_string(ComponentFunction function) {
  for (const auto& [value, name] : kFunctionNames) {
    if (value == function) return name;
  }
  return "unknown";
}

std::optional<ComponentFunction> component_function_named(std::string_view name) {
  for (const auto& [value, text] : kFunctionNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

Component::Component(Database& database, std::string space, WarningSink warn)
    : database_(database),
      space_(space),
      engine_(*database.schema(space), space, std::move(warn)),
      validators_(make_validators(*database.schema(space))) {}

void Component::set_triggers(const std::string& table, TableTriggers triggers) {
  std::lock_guard lock(triggers_mutex_);
  triggers_[table] = std::move(triggers);
}

const TableTriggers* Component::triggers_of(const std::string& table) const {
  std::lock_guard lock(triggers_mutex_);
  auto it = triggers_.find(table);
  return it == triggers_.end() ? nullptr : &it->second;
}

Table& Component::table_of(WriteTx& tx, const std::string& model) const {
  Table* table = tx.table(space_, model);
  if (table == nullptr)
    throw Thrown(ThrownKind::kUnsupportedQuery, "Table " + model + " not found");
  return *table;
}

namespace {

// Checks `args` against the function's validator, then runs `body`; a throw
// out of either becomes the error result.
template <class Fn>
auto run_validated(const Validator& validator, const Json& args, Fn&& body)
    -> authconf::Result<std::invoke_result_t<Fn>, ThrownKind> {
  try {
    if (auto error = validate(validator, args)) {
      return authconf::fail(ThrownKind::kArgumentValidation, *error);
    }
    return body();
  } catch (const Thrown& thrown) {
    return authconf::fail(thrown.kind(), thrown.message());
  }
}

}  // namespace

ComponentResult Component::call(ComponentFunction function, const Json& caller_args) {
  // The arguments as the function sees them: they cross the call boundary as
  // Convex JSON (ctx.runQuery/runMutation send convexToJson(args), which
  // sorts every object's keys: convex/dist/esm/server/impl/actions_impl.js:12),
  // so the validator's messages, the where clauses the engine quotes and the
  // fields a create or patch writes all come in sorted order.
  const Json args = js_sorted_keys(caller_args);
  return run_validated(validators_.at(function), args, [&]() -> Json {
    switch (function) {
      case ComponentFunction::kFindOne: {
        const DocumentPtr document = read_first(args);
        return document ? *document : Json(nullptr);
      }
      case ComponentFunction::kFindMany:
        return read_page(args).to_json();
      case ComponentFunction::kCreate:
        return database_.write([&](WriteTx& tx) { return create(tx, args); });
      case ComponentFunction::kUpdateOne:
        return database_.write([&](WriteTx& tx) { return update_one(tx, args); });
      case ComponentFunction::kUpdateMany:
        return database_.write([&](WriteTx& tx) { return update_many(tx, args); });
      case ComponentFunction::kDeleteOne:
        return database_.write([&](WriteTx& tx) { return delete_one(tx, args); });
      case ComponentFunction::kDeleteMany:
        return database_.write([&](WriteTx& tx) { return delete_many(tx, args); });
    }
    throw Thrown(ThrownKind::kArgumentValidation, "unknown function");
  });
}

authconf::Result<DocumentPtr, ThrownKind> Component::find_one_document(const Json& caller_args) {
  const Json args = js_sorted_keys(caller_args);  // as in call()
  return run_validated(validators_.at(ComponentFunction::kFindOne), args,
                       [&] { return read_first(args); });
}

authconf::Result<Page, ThrownKind> Component::find_many_page(const Json& caller_args) {
  const Json args = js_sorted_keys(caller_args);  // as in call()
  return run_validated(validators_.at(ComponentFunction::kFindMany), args,
                       [&] { return read_page(args); });
}

DocumentPtr Component::read_first(const Json& args) {
  return database_.read(
      [&](ReadTx& tx) { return engine_.find_first(tx, QueryArgs::from_json(args)); });
}

Page Component::read_page(const Json& args) {
  return database_.read(
      [&](ReadTx& tx) { return engine_.paginate_page(tx, QueryArgs::from_json(args)); });
}

// create (create-api.ts:66-113).
Json Component::create(WriteTx& tx, const Json& args) {
  const Json& input = args.at("input");
  const std::string model = input.at("model").get<std::string>();
  const Json& data = input.at("data");
  std::optional<std::vector<std::string>> select;
  if (auto it = args.find("select"); it != args.end()) select = it->get<std::vector<std::string>>();

  engine_.check_unique_fields(tx, model, data, nullptr);
  Table& table = table_of(tx, model);
  const std::string id = tx.insert(table, data);
  DocumentPtr document = tx.get(table, std::string_view(id));
  if (!document) throw Thrown(ThrownKind::kNotFound, "Failed to create " + model);
  const TableTriggers* triggers = triggers_of(model);
  if (triggers && triggers->on_create) {
    run_trigger(tx, [&] { triggers->on_create(tx, *document); });
    // Re-read: the trigger may have changed the document.
    DocumentPtr updated = tx.get(table, std::string_view(id));
    if (!updated) {
      throw Thrown(ThrownKind::kNotFound,
                   "Failed to create " + model + " (deleted by onCreate trigger?)");
    }
    return QueryEngine::select_fields(*updated, select);
  }
  return QueryEngine::select_fields(*document, select);
}

// updateOne (create-api.ts:153-211).
Json Component::update_one(WriteTx& tx, const Json& args) {
  const Json& input = args.at("input");
  const std::string model = input.at("model").get<std::string>();
  const Json& update = input.at("update");
  const DocumentPtr old_pointer = engine_.find_first(tx, QueryArgs::from_json(input));
  if (!old_pointer) throw Thrown(ThrownKind::kNotFound, "Failed to update " + model);
  const Json& old_document = *old_pointer;
  engine_.check_unique_fields(tx, model, update, &old_document);
  Table& table = table_of(tx, model);
  const std::string id = old_document.at("_id").get<std::string>();
  tx.patch(table, id, update);
  DocumentPtr updated = tx.get(table, std::string_view(id));
  if (!updated) throw Thrown(ThrownKind::kNotFound, "Failed to update " + model);
  const TableTriggers* triggers = triggers_of(model);
  if (triggers && triggers->on_update) {
    run_trigger(tx, [&] { triggers->on_update(tx, *updated, old_document); });
    DocumentPtr after_trigger = tx.get(table, std::string_view(id));
    if (!after_trigger) {
      throw Thrown(ThrownKind::kNotFound,
                   "Failed to update " + model + " (deleted by onUpdate trigger?)");
    }
    return *after_trigger;
  }
  return *updated;
}

// updateMany (create-api.ts:213-289): one page per call.
Json Component::update_many(WriteTx& tx, const Json& args) {
  const Json& input = args.at("input");
  const std::string model = input.at("model").get<std::string>();
  const Json& update = input.at("update");
  const Page result = engine_.paginate_page(tx, write_query(args));
  if (engine_.has_unique_fields(model, update) && result.documents.size() > 1) {
    std::string keys;
    for (const auto& item : update.items()) keys += (keys.empty() ? "" : ", ") + item.key();
    throw Thrown(ThrownKind::kUniqueViolation,
                 "Attempted to set unique fields in multiple documents in " + model +
                     " with the same value. Fields: " + keys);
  }
  Table& table = table_of(tx, model);
  const TableTriggers* triggers = triggers_of(model);
  for (const DocumentPtr& old_pointer : result.documents) {
    const Json& old_document = *old_pointer;
    engine_.check_unique_fields(tx, model, update, &old_document);
    const std::string id = old_document.at("_id").get<std::string>();
    tx.patch(table, id, update);
    if (triggers && triggers->on_update) {
      DocumentPtr updated = tx.get(table, std::string_view(id));
      const Json new_document = updated ? *updated : Json(nullptr);
      run_trigger(tx, [&] { triggers->on_update(tx, new_document, old_document); });
    }
  }
  return many_result(result);
}

// deleteOne (create-api.ts:291-319): the trigger runs after the delete.
Json Component::delete_one(WriteTx& tx, const Json& args) {
  const Json& input = args.at("input");
  const std::string model = input.at("model").get<std::string>();
  const Json document = engine_.list_one(tx, QueryArgs::from_json(input));
  if (document.is_null()) return nullptr;
  tx.remove(table_of(tx, model), document.at("_id").get<std::string>());
  const TableTriggers* triggers = triggers_of(model);
  if (triggers && triggers->on_delete) run_trigger(tx, [&] { triggers->on_delete(tx, document); });
  return document;
}

// deleteMany (create-api.ts:321-359): the trigger runs before each delete,
// so it still sees the document.
Json Component::delete_many(WriteTx& tx, const Json& args) {
  const Json& input = args.at("input");
  const std::string model = input.at("model").get<std::string>();
  const Page result = engine_.paginate_page(tx, write_query(args));
  Table& table = table_of(tx, model);
  const TableTriggers* triggers = triggers_of(model);
  for (const DocumentPtr& pointer : result.documents) {
    const Json& document = *pointer;
    if (triggers && triggers->on_delete)
      run_trigger(tx, [&] { triggers->on_delete(tx, document); });
    tx.remove(table, document.at("_id").get<std::string>());
  }
  return many_result(result);
}

}  // namespace authref

#include "store/database.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <utility>

#include "store/js_value.h"

namespace authref {
namespace {

// Component `i` of an entry's full key (fields, _creationTime, _id) against
// a probe value.
int compare_component(const IndexEntry& entry, std::size_t i, const Json* probe) {
  const std::size_t n = entry.values.size();
  if (i < n) return compare_values(entry.values[i], probe);
  if (i == n) return compare_number_to(entry.creation_time, probe);
  return compare_string_to(*entry.id, probe);
}

// <0, 0, >0: the entry before, inside or after the probe's prefix.
int compare_to_prefix(const IndexEntry& entry, const KeyProbe& probe) {
  const std::size_t k = std::min(probe.values.size(), entry.values.size() + 2);
  for (std::size_t i = 0; i < k; ++i) {
    if (int c = compare_component(entry, i, probe.values[i]); c != 0) return c;
  }
  return 0;
}

std::vector<const Json*> pointers_to(const IndexKey& key) {
  std::vector<const Json*> out;
  out.reserve(key.size());
  for (const auto& value : key) out.push_back(value ? &*value : nullptr);
  return out;
}

// Documents keep Convex's key order: sorted, system fields included.
DocumentPtr make_document(std::vector<std::pair<std::string, Json>> fields) {
  std::ranges::sort(fields, {}, &std::pair<std::string, Json>::first);
  auto document = std::make_shared<Json>(Json::object());
  document->get_ref<Json::object_t&>().reserve(fields.size());
  for (auto& [key, value] : fields) (*document)[key] = std::move(value);
  return document;
}

std::string typeof_name(const Json& value) {
  if (value.is_number()) return "number";
  if (value.is_boolean()) return "boolean";
  if (value.is_string()) return "string";
  return "object";
}

}  // namespace

bool IndexEntryLess::operator()(const IndexEntry& a, const IndexEntry& b) const {
  const std::size_t n = std::min(a.values.size(), b.values.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (int c = compare_values(a.values[i], b.values[i]); c != 0) return c < 0;
  }
  if (a.creation_time != b.creation_time) return a.creation_time < b.creation_time;
  return *a.id < *b.id;
}

bool IndexEntryLess::operator()(const IndexEntry& a, const KeyProbe& b) const {
  const int c = compare_to_prefix(a, b);
  return c != 0 ? c < 0 : b.after;
}

bool IndexEntryLess::operator()(const KeyProbe& a, const IndexEntry& b) const {
  const int c = compare_to_prefix(b, a);
  return c != 0 ? c > 0 : !a.after;
}

// A string that is equal for two values exactly when Convex's order says
// they are equal; nullopt for arrays and objects, which use the index.
static std::optional<std::string> canonical_key(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "n";
    case Json::value_t::boolean:
      return value.get<bool>() ? "t" : "f";
    case Json::value_t::string:
      return "s" + value.get_ref<const std::string&>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: {
      double number = number_value(value);
      if (std::isnan(number)) number = std::numeric_limits<double>::quiet_NaN();
      std::string key = "d";
      key.append(reinterpret_cast<const char*>(&number), sizeof number);
      return key;
    }
    default:
      return std::nullopt;
  }
}

Table::Table(std::string space, const TableSchema& schema, std::uint32_t number)
    : space_(std::move(space)), schema_(&schema), number_(number) {
  indexes_.emplace_back("by_creation_time", std::vector<std::string>{});
  for (const IndexSpec& spec : schema.indexes) indexes_.emplace_back(spec.name, spec.fields);
  for (const std::string& field : schema.unique_fields) unique_.push_back({field, {}});
}

std::optional<std::array<DocumentPtr, 2>> Table::find_unique(std::string_view field,
                                                             const Json& value) const {
  for (const UniqueHash& hash : unique_) {
    if (hash.field != field) continue;
    const auto key = canonical_key(value);
    if (!key) return std::nullopt;
    std::array<DocumentPtr, 2> out;
    auto [it, end] = hash.documents.equal_range(*key);
    for (std::size_t i = 0; i < 2 && it != end; ++i, ++it) out[i] = it->second;
    // Index order is _creationTime order for equal values.
    if (out[1] &&
        number_value(out[1]->at("_creationTime")) < number_value(out[0]->at("_creationTime"))) {
      std::swap(out[0], out[1]);
    }
    return out;
  }
  return std::nullopt;
}

const Index* Table::index(std::string_view name) const {
  for (const Index& index : indexes_) {
    if (index.name() == name) return &index;
  }
  return nullptr;
}

DocumentPtr Table::find(std::string_view id) const {
  auto it = documents_.find(id);
  return it == documents_.end() ? nullptr : it->second;
}

void Table::put(const std::string& id, DocumentPtr document) {
  auto make_entry = [](const Index& index, const DocumentPtr& doc) {
    IndexEntry entry;
    entry.values.reserve(index.fields().size());
    for (const std::string& field : index.fields()) {
      auto it = doc->find(field);
      entry.values.push_back(it == doc->end() ? nullptr : &*it);
    }
    entry.creation_time = number_value(doc->at("_creationTime"));
    entry.id = &doc->at("_id").get_ref<const std::string&>();
    entry.document = doc;
    return entry;
  };
  auto existing = documents_.find(id);
  if (existing != documents_.end()) {
    for (Index& index : indexes_) index.entries_.erase(make_entry(index, existing->second));
    for (UniqueHash& hash : unique_) {
      auto field = existing->second->find(hash.field);
      if (field == existing->second->end()) continue;
      const auto key = canonical_key(*field);
      if (!key) continue;
      auto [it, end] = hash.documents.equal_range(*key);
      for (; it != end; ++it) {
        if (it->second == existing->second) {
          hash.documents.erase(it);
          break;
        }
      }
    }
    documents_.erase(existing);
  }
  if (!document) return;
  for (Index& index : indexes_) index.entries_.insert(make_entry(index, document));
  for (UniqueHash& hash : unique_) {
    auto field = document->find(hash.field);
    if (field == document->end()) continue;
    if (auto key = canonical_key(*field)) hash.documents.emplace(std::move(*key), document);
  }
  documents_.emplace(id, std::move(document));
}

void Table::clear() {
  for (Index& index : indexes_) index.entries_.clear();
  for (UniqueHash& hash : unique_) hash.documents.clear();
  documents_.clear();
}

const IndexEntry* IndexScan::next() {
  if (first_ == last_) return nullptr;
  if (descending_) return &*--last_;
  return &*first_++;
}

const Table* ReadTx::table(std::string_view space, std::string_view name) const {
  return database_.find_table(space, name);
}

DocumentPtr ReadTx::get(const Table& table, std::string_view id) const {
  const auto number = table_number_of(id);
  const Table* actual = number ? database_.table_by_number(*number) : nullptr;
  if (actual == nullptr) {
    throw Thrown(ThrownKind::kBadId,
                 "Invalid argument `id`, expected ID value but got '" + std::string(id) + "'");
  }
  if (actual != &table) {
    throw Thrown(ThrownKind::kBadId, "Invalid argument `id`, expected ID in table '" +
                                         table.name() + "' but got ID in table '" + actual->name() +
                                         "'");
  }
  return table.find(id);
}

[[noreturn]] static void throw_not_a_string(const Json& id) {
  throw Thrown(ThrownKind::kBadId, "Invalid argument `id`, expected string but got '" +
                                       typeof_name(id) + "': " + js_string_of(&id));
}

DocumentPtr ReadTx::get(const Table& table, const Json& id) const {
  if (!id.is_string()) throw_not_a_string(id);
  return get(table, std::string_view(id.get_ref<const std::string&>()));
}

DocumentPtr ReadTx::get_any(std::string_view space, const Json& id) const {
  if (!id.is_string()) throw_not_a_string(id);
  const std::string& text = id.get_ref<const std::string&>();
  const auto number = table_number_of(text);
  const Table* table = number ? database_.table_by_number(*number) : nullptr;
  if (table == nullptr || table->space() != space) return nullptr;
  return table->find(text);
}

IndexScan ReadTx::scan(const Index& index, const IndexRange& range) const {
  const auto& entries = index.entries();
  const IndexEntryLess less;
  auto later = [&](IndexScan::Iterator a, IndexScan::Iterator b) {
    if (a == entries.end() || b == entries.end()) return entries.end();
    return less(*a, *b) ? b : a;
  };
  auto earlier = [&](IndexScan::Iterator a, IndexScan::Iterator b) {
    if (a == entries.end()) return b;
    if (b == entries.end()) return a;
    return less(*a, *b) ? a : b;
  };

  std::vector<const Json*> prefix;
  for (const Json& value : range.eq) prefix.push_back(&value);
  std::vector<const Json*> low = prefix, high = prefix;
  KeyProbe low_probe{low, false}, high_probe{high, true};
  if (range.lower) {
    low.push_back(&range.lower->value);
    low_probe = {low, !range.lower->inclusive};
  }
  if (range.upper) {
    high.push_back(&range.upper->value);
    high_probe = {high, range.upper->inclusive};
  }
  auto first = entries.lower_bound(low_probe);
  auto last = entries.lower_bound(high_probe);
  if (first == entries.end() || (last != entries.end() && less(*last, *first))) last = first;

  const auto after = range.after ? pointers_to(*range.after) : std::vector<const Json*>{};
  const auto until = range.until ? pointers_to(*range.until) : std::vector<const Json*>{};
  if (!range.descending) {
    if (range.after) first = later(first, entries.lower_bound(KeyProbe{after, true}));
    if (range.until) last = earlier(last, entries.lower_bound(KeyProbe{until, true}));
  } else {
    if (range.after) last = earlier(last, entries.lower_bound(KeyProbe{after, false}));
    if (range.until) first = later(first, entries.lower_bound(KeyProbe{until, false}));
  }
  if (first == entries.end() || (last != entries.end() && less(*last, *first))) last = first;
  return IndexScan(first, last, range.descending);
}

std::array<const IndexEntry*, 2> ReadTx::first_two_equal(const Index& index,
                                                         const Json& value) const {
  const Json* prefix[] = {&value};
  const auto& entries = index.entries();
  std::array<const IndexEntry*, 2> out{nullptr, nullptr};
  auto it = entries.lower_bound(KeyProbe{prefix, false});
  for (std::size_t i = 0; i < 2 && it != entries.end(); ++i, ++it) {
    if (compare_to_prefix(*it, KeyProbe{prefix, false}) != 0) break;
    out[i] = &*it;
  }
  return out;
}

Table* WriteTx::table(std::string_view space, std::string_view name) {
  return database_.find_table(space, name);
}

void WriteTx::record(Table& table, const std::string& id) {
  undo_.push_back({&table, id, table.find(id)});
}

void WriteTx::rollback_to(std::size_t savepoint) {
  while (undo_.size() > savepoint) {
    Undo& undo = undo_.back();
    undo.table->put(undo.id, std::move(undo.before));
    undo_.pop_back();
  }
}

std::string WriteTx::insert(Table& table, const Json& fields) {
  if (auto error = validate(table.schema().document_validator(), fields)) {
    throw Thrown(ThrownKind::kSchemaValidation, *error);
  }
  std::string id = database_.ids_.next(table.number());
  std::vector<std::pair<std::string, Json>> all;
  for (const auto& item : fields.items()) all.emplace_back(item.key(), item.value());
  all.emplace_back("_id", id);
  all.emplace_back("_creationTime", database_.next_creation_time());
  record(table, id);
  table.put(id, make_document(std::move(all)));
  return id;
}

void WriteTx::patch(Table& table, std::string_view id, const Json& fields) {
  const DocumentPtr current = get(table, id);
  if (!current) {
    throw Thrown(ThrownKind::kBadId,
                 "Patch on non-existent document with ID \"" + std::string(id) + "\"");
  }
  if (auto it = fields.find("_id"); it != fields.end() && *it != current->at("_id")) {
    throw Thrown(ThrownKind::kBadId, "Provided `_id` field value \"" + js_string_of(&*it) +
                                         "\" does not match the document ID \"" + std::string(id) +
                                         "\"");
  }
  if (auto it = fields.find("_creationTime");
      it != fields.end() && !js_strict_equals(&*it, &current->at("_creationTime"))) {
    throw Thrown(ThrownKind::kBadId, "Provided `_creationTime` field value " + js_string_of(&*it) +
                                         " does not match the document's creation time " +
                                         js_string_of(&current->at("_creationTime")));
  }
  Json merged = Json::object();
  for (const auto& item : current->items()) {
    if (item.key() != "_id" && item.key() != "_creationTime") merged[item.key()] = item.value();
  }
  for (const auto& item : fields.items()) {
    if (item.key() != "_id" && item.key() != "_creationTime") merged[item.key()] = item.value();
  }
  if (auto error = validate(table.schema().document_validator(), merged)) {
    throw Thrown(ThrownKind::kSchemaValidation, *error);
  }
  std::vector<std::pair<std::string, Json>> all;
  for (auto& item : merged.items()) all.emplace_back(item.key(), std::move(item.value()));
  all.emplace_back("_id", current->at("_id"));
  all.emplace_back("_creationTime", current->at("_creationTime"));
  const std::string key(id);
  record(table, key);
  table.put(key, make_document(std::move(all)));
}

void WriteTx::remove(Table& table, std::string_view id) {
  if (!get(table, id)) throw Thrown(ThrownKind::kBadId, "Delete on non-existent doc");
  const std::string key(id);
  record(table, key);
  table.put(key, nullptr);
}

Database::Database(const Clock& clock, std::optional<std::uint64_t> id_seed)
    : clock_(clock),
      ids_(id_seed ? *id_seed
                   : std::random_device{}() * 0x9e3779b97f4a7c15ull ^ std::random_device{}()) {}

bool Database::add_space(const std::string& space, Schema schema) {
  std::unique_lock lock(mutex_);
  for (const auto& [name, _] : schemas_) {
    if (name == space) return false;
  }
  const Schema& stored = schemas_.emplace_back(space, std::move(schema)).second;
  for (const TableSchema& table : stored.tables) {
    tables_.push_back(
        std::make_unique<Table>(space, table, static_cast<std::uint32_t>(tables_.size() + 1)));
  }
  return true;
}

const Schema* Database::schema(std::string_view space) const {
  for (const auto& [name, schema] : schemas_) {
    if (name == space) return &schema;
  }
  return nullptr;
}

Table* Database::find_table(std::string_view space, std::string_view name) {
  for (auto& table : tables_) {
    if (table->space() == space && table->name() == name) return table.get();
  }
  return nullptr;
}

const Table* Database::table_by_number(std::uint32_t number) const {
  if (number == 0 || number > tables_.size()) return nullptr;
  return tables_[number - 1].get();
}

double Database::next_creation_time() {
  // Strictly increasing, as convex-test does it, even if the clock is moved
  // back.
  const double now = clock_.now_ms();
  last_creation_time_ = now <= last_creation_time_ ? last_creation_time_ + 0.001 : now;
  return last_creation_time_;
}

Json Database::documents(std::string_view space, std::string_view table_name) {
  std::shared_lock lock(mutex_);
  Json out = Json::array();
  const Table* table = find_table(space, table_name);
  if (!table) return out;
  for (const IndexEntry& entry : table->by_creation_time().entries())
    out.push_back(*entry.document);
  return out;
}

Json Database::dump(std::string_view space) {
  std::shared_lock lock(mutex_);
  Json out = Json::object();
  for (auto& table : tables_) {
    if (table->space() != space) continue;
    Json documents = Json::array();
    for (const IndexEntry& entry : table->by_creation_time().entries())
      documents.push_back(*entry.document);
    out[table->name()] = std::move(documents);
  }
  return out;
}

void Database::clear(std::string_view space, const std::vector<std::string>& keep) {
  std::unique_lock lock(mutex_);
  for (auto& table : tables_) {
    if (table->space() == space && std::ranges::find(keep, table->name()) == keep.end())
      table->clear();
  }
}

}  // namespace authref

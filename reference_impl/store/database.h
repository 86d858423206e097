// authref/store/database.h: in-memory Convex tables, indexes and transactions.
//
// A Database holds the tables of several schemas, each under a "space": the
// component's ten tables in "component", the reference app's `users` in "app".
// Every read or write happens inside a transaction:
//
//   Database db(clock);
//   db.add_space("component", better_auth_component_schema());
//   std::string id = db.write([&](WriteTx& tx) {
//     return tx.insert(tx.table("component", "user"), user_fields);
//   });
//   DocumentPtr doc = db.read([&](ReadTx& tx) {
//     return tx.get(tx.table("component", "user"), id);
//   });
//
// Concurrency: one writer lock (a std::shared_mutex). Queries share it;
// a mutation holds it exclusively from its first read to its commit, so
// transactions are serialisable by construction and no reader ever sees a
// half-done one. We chose this over optimistic concurrency because a
// component function runs for microseconds while the HTTP work around it
// (scrypt, RSA) runs for milliseconds outside the lock, so the lock is never
// the bottleneck, and a lock has no retry path that could itself be wrong.
// What the reference does *not* model is Convex's OCC conflicts (#432); they
// are a property of Convex, not of the component's logic.
//
// Rollback: a write transaction keeps an undo log of the documents it
// replaced. A Thrown (or any exception) out of write() restores them in
// reverse, so the database is exactly as before. nested() is a savepoint, as
// a Convex nested mutation (a trigger) is: a throw inside it undoes its own
// writes, then keeps unwinding.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/clock.h"
#include "store/document_id.h"
#include "store/schema.h"
#include "store/thrown.h"
#include "store/value_order.h"

namespace authref {

// A stored document: {_creationTime, _id, fields...} with keys sorted, as
// Convex returns them. Immutable once stored; a write stores a new one.
using DocumentPtr = std::shared_ptr<const Json>;

// One entry of an index: the document's values for the index fields (null
// pointer for an absent field), then _creationTime and _id, which Convex
// appends to every index.
struct IndexEntry {
  std::vector<const Json*> values;
  double creation_time = 0;
  const std::string* id = nullptr;
  DocumentPtr document;
};

// An index key as a cursor carries it: one value per index field, then
// _creationTime, then _id. std::nullopt is `undefined` (an absent field).
using IndexKey = std::vector<std::optional<Json>>;

// Finds where a key prefix sits among the entries: before every entry that
// starts with `values`, or after every one.
struct KeyProbe {
  std::span<const Json* const> values;
  bool after = false;
};

struct IndexEntryLess {
  using is_transparent = void;
  bool operator()(const IndexEntry& a, const IndexEntry& b) const;
  bool operator()(const IndexEntry& a, const KeyProbe& b) const;
  bool operator()(const KeyProbe& a, const IndexEntry& b) const;
};

class Index {
 public:
  Index(std::string name, std::vector<std::string> fields)
      : name_(std::move(name)), fields_(std::move(fields)) {}
  // "by_creation_time" for the built-in index, else the schema's name.
  const std::string& name() const { return name_; }
  // The declared fields, without the implicit _creationTime and _id.
  const std::vector<std::string>& fields() const { return fields_; }
  const std::set<IndexEntry, IndexEntryLess>& entries() const { return entries_; }

 private:
  friend class Table;
  std::string name_;
  std::vector<std::string> fields_;
  std::set<IndexEntry, IndexEntryLess> entries_;
};

class Table {
 public:
  Table(std::string space, const TableSchema& schema, std::uint32_t number);
  const std::string& space() const { return space_; }
  const std::string& name() const { return schema_->name; }
  const TableSchema& schema() const { return *schema_; }
  std::uint32_t number() const { return number_; }
  std::size_t size() const { return documents_.size(); }
  // "by_creation_time" or a schema index; nullptr when there is none.
  const Index* index(std::string_view name) const;
  const Index& by_creation_time() const { return indexes_.front(); }
  // The schema's indexes in declaration order (without by_creation_time).
  std::span<const Index> schema_indexes() const {
    return {indexes_.data() + 1, indexes_.size() - 1};
  }
  DocumentPtr find(std::string_view id) const;
  // The first two documents whose unique `field` equals `value` (Convex
  // equality), from a hash kept beside the indexes, so a unique lookup costs
  // the same at any size. nullopt when the field has no hash (not unique)
  // or the value is an array or object (then walk the index).
  std::optional<std::array<DocumentPtr, 2>> find_unique(std::string_view field,
                                                        const Json& value) const;

 private:
  friend class Database;
  friend class WriteTx;
  // Replaces whatever is stored under `id` with `document` (null: remove).
  void put(const std::string& id, DocumentPtr document);
  void clear();

  std::string space_;
  const TableSchema* schema_;
  std::uint32_t number_;
  // Transparent hashing: lookups by string_view build no std::string.
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
  };
  std::unordered_map<std::string, DocumentPtr, IdHash, std::equal_to<>> documents_;
  std::vector<Index> indexes_;
  // Per unique field: canonical value -> documents holding it.
  struct UniqueHash {
    std::string field;
    std::unordered_multimap<std::string, DocumentPtr> documents;
  };
  std::vector<UniqueHash> unique_;
};

// A bound of an index range on the field after the equality prefix.
struct RangeBound {
  Json value;
  bool inclusive = false;
};

// What to read from an index, in Convex's withIndex terms: eq() on the
// leading fields, then at most a lower and an upper bound on the next one,
// read in ascending or descending order, optionally strictly after a cursor
// key and up to (inclusive) an end cursor key.
struct IndexRange {
  std::vector<Json> eq;
  std::optional<RangeBound> lower;  // gt / gte
  std::optional<RangeBound> upper;  // lt / lte
  bool descending = false;
  std::optional<IndexKey> after;
  std::optional<IndexKey> until;
};

// Pulls entries of one index range in order. Valid while its transaction
// makes no write to that table.
class IndexScan {
 public:
  using Iterator = std::set<IndexEntry, IndexEntryLess>::const_iterator;
  IndexScan(Iterator first, Iterator last, bool descending)
      : first_(first), last_(last), descending_(descending) {}
  // The next entry, or nullptr when the range is exhausted.
  const IndexEntry* next();

 private:
  Iterator first_, last_;
  bool descending_;
};

class ReadTx {
 public:
  // The table `name` of `space`, or nullptr.
  const Table* table(std::string_view space, std::string_view name) const;
  // ctx.db.get(table, id): the document or null. Throws kBadId when `id` is
  // not an id or names another table, as convex-test's _validateId does.
  DocumentPtr get(const Table& table, std::string_view id) const;
  // The same for an id that arrived as JSON: a non-string throws kBadId
  // ("Invalid argument `id`, expected string but got 'number': 5").
  DocumentPtr get(const Table& table, const Json& id) const;
  // ctx.db.get(id) with no table: any table of `space`; null for ids of
  // other spaces or strings that are not ids. Throws kBadId for non-strings.
  DocumentPtr get_any(std::string_view space, const Json& id) const;
  IndexScan scan(const Index& index, const IndexRange& range) const;
  // The first two entries whose first field equals `value`, in one tree walk:
  // what `.withIndex(i, q => q.eq(field, value)).unique()` needs.
  std::array<const IndexEntry*, 2> first_two_equal(const Index& index, const Json& value) const;

 protected:
  friend class Database;
  explicit ReadTx(class Database& database) : database_(database) {}
  class Database& database_;
};

class WriteTx : public ReadTx {
 public:
  Table* table(std::string_view space, std::string_view name);
  using ReadTx::table;
  // ctx.db.insert: validates `fields` against the table's schema, assigns
  // _id and _creationTime, returns the id.
  std::string insert(Table& table, const Json& fields);
  // ctx.db.patch(table, id, fields): shallow merge, then schema validation.
  void patch(Table& table, std::string_view id, const Json& fields);
  // ctx.db.delete(table, id).
  void remove(Table& table, std::string_view id);

  // Runs `fn` as a nested mutation: a throw out of it undoes the writes it
  // made, then propagates.
  template <class Fn>
  decltype(auto) nested(Fn&& fn) {
    const std::size_t savepoint = undo_.size();
    try {
      return fn();
    } catch (...) {
      rollback_to(savepoint);
      throw;
    }
  }

 private:
  friend class Database;
  struct Undo {
    Table* table;
    std::string id;
    DocumentPtr before;
  };
  explicit WriteTx(class Database& database) : ReadTx(database) {}
  void record(Table& table, const std::string& id);
  void rollback_to(std::size_t savepoint);

  std::vector<Undo> undo_;
};

class Database {
 public:
  explicit Database(const Clock& clock, std::optional<std::uint64_t> id_seed = std::nullopt);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Adds the tables of `schema` under `space`. Call before the first
  // transaction; returns false when the space already exists.
  bool add_space(const std::string& space, Schema schema);
  const Schema* schema(std::string_view space) const;

  // Runs `fn(ReadTx&)` under the shared lock.
  template <class Fn>
  decltype(auto) read(Fn&& fn) {
    std::shared_lock lock(mutex_);
    ReadTx tx(*this);
    return fn(tx);
  }

  // Runs `fn(WriteTx&)` as one serialisable transaction. Anything thrown
  // undoes every write it made, then propagates.
  template <class Fn>
  decltype(auto) write(Fn&& fn) {
    std::unique_lock lock(mutex_);
    WriteTx tx(*this);
    try {
      return fn(tx);
    } catch (...) {
      tx.rollback_to(0);
      throw;
    }
  }

  // Every document of a table in _creationTime order, read directly (the
  // bridge's independent witness). Empty array for an unknown table.
  Json documents(std::string_view space, std::string_view table);
  // {"<table>": [documents...]} for every table of `space`.
  Json dump(std::string_view space);
  // Empties every table of `space` except those named in `keep`.
  void clear(std::string_view space, const std::vector<std::string>& keep = {});

 private:
  friend class ReadTx;
  friend class WriteTx;
  Table* find_table(std::string_view space, std::string_view name);
  const Table* table_by_number(std::uint32_t number) const;
  double next_creation_time();

  const Clock& clock_;
  std::shared_mutex mutex_;
  std::deque<std::pair<std::string, Schema>> schemas_;  // stable addresses
  // Stable addresses: tables are referred to by pointer.
  std::vector<std::unique_ptr<Table>> tables_;
  DocumentIdGenerator ids_;
  double last_creation_time_ = 0;
};

}  // namespace authref

// authref/component/query_engine.h: the component's read path, `paginate`
// (src/client/adapter-utils.ts:469-637, spec/convex-component.md §3.3).
//
// Every read of the seven functions goes through paginate(): validation
// (offset, OR, _id operators, insensitive mode), the unique-field fast path,
// the `in` paths, index selection (findIndex) with the "Querying without an
// index" warning, and convex-helpers' stream pagination with its read budget
// and cursors. The oddities are reproduced on purpose: eq fields are sorted
// before matching an index, so `[userId, expiresAt]` misses the
// `expiresAt_userId` index; `sortBy` only sets the order of whatever index
// was chosen; `email in [...]` fails to merge its streams.
//
//   QueryEngine engine(schema, "component", warn);
//   Json page = db.read([&](ReadTx& tx) { return engine.paginate(tx, args); });
//   // {"page": [...], "isDone": false, "continueCursor": "[\"a@x.io\",...]"}
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "component/where.h"
#include "store/database.h"

namespace authref {

struct SortBy {
  std::string field;
  bool descending = false;
};

// Convex's PaginationOptions as the functions receive them.
struct PaginationOptions {
  double num_items = 0;
  std::optional<std::string> cursor;      // null: the first page
  std::optional<std::string> end_cursor;  // absent or null: none
  std::optional<double> maximum_rows_read;
  std::optional<double> maximum_bytes_read;

  static PaginationOptions from_json(const Json& options);
};

// The arguments paginate() reads (adapterArgsValidator plus paginationOpts).
struct QueryArgs {
  std::string model;
  std::vector<WhereClause> where;
  std::optional<std::vector<std::string>> select;
  std::optional<SortBy> sort_by;
  std::optional<Json> offset;
  PaginationOptions pagination;

  // Reads {model, where?, select?, sortBy?, offset?, paginationOpts?} from
  // arguments that passed validation.
  static QueryArgs from_json(const Json& args);
};

// One page as paginate produces it, its documents shared with the store
// (with `select` applied), so producing a page copies no document. to_json()
// is the function's return value; to_json_text() is the same as
// JSON.stringify would print it, written without copying documents.
struct Page {
  std::vector<DocumentPtr> documents;
  bool is_done = true;
  std::string continue_cursor;
  std::optional<std::string> page_status;
  std::optional<std::string> split_cursor;

  Json to_json() const;
  std::string to_json_text() const;
};

// Receives each console.warn the component would print.
using WarningSink = std::function<void(const std::string&)>;

class QueryEngine {
 public:
  QueryEngine(const Schema& schema, std::string space, WarningSink warn);

  // One page: {page, isDone, continueCursor[, pageStatus, splitCursor]}.
  // Throws Thrown with the component's exact messages.
  Json paginate(const ReadTx& tx, const QueryArgs& args) const;
  // The same page with its documents shared rather than copied.
  Page paginate_page(const ReadTx& tx, const QueryArgs& args) const;
  // listOne: the first document of a one-item page, or JSON null.
  Json list_one(const ReadTx& tx, QueryArgs args) const;
  // listOne without the copy: the shared document, or null.
  DocumentPtr find_first(const ReadTx& tx, QueryArgs args) const;

  // checkUniqueFields: throws "<table> <field> already exists" when another
  // document (not `current`) holds a unique value of `input`.
  void check_unique_fields(const ReadTx& tx, const std::string& model, const Json& input,
                           const Json* current) const;
  // hasUniqueFields: whether any key of `input` is a unique field.
  bool has_unique_fields(const std::string& model, const Json& input) const;

  // selectFields: only the requested keys ("id" reads "_id").
  // select_fields as a shared document: the stored one when nothing is
  // selected.
  static DocumentPtr select_document(const DocumentPtr& document,
                                     const std::optional<std::vector<std::string>>& select);
  static Json select_fields(const Json& document,
                            const std::optional<std::vector<std::string>>& select);

  const Schema& schema() const { return schema_; }
  const std::string& space() const { return space_; }

  // Internals of paginate, named here so the streams can share them.
  struct IndexChoice;
  struct StreamSpec;

 private:
  std::optional<IndexChoice> find_index(const std::string& model,
                                        std::span<const WhereClause> where,
                                        const std::optional<SortBy>& sort_by) const;
  StreamSpec generate_query(const ReadTx& tx, const QueryArgs& args) const;
  const Table& table_of(const ReadTx& tx, const std::string& model) const;

  const Schema& schema_;
  std::string space_;
  WarningSink warn_;
};

}  // namespace authref

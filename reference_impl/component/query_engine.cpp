#include "component/query_engine.h"

#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "store/js_value.h"

namespace authref {
namespace {

constexpr double kSoftMaxScanLength = 32000.0 / 2;  // convex-helpers SOFT_MAX_SCAN_LEN

[[noreturn]] void unsupported(std::string message) {
  throw Thrown(ThrownKind::kUnsupportedQuery, std::move(message));
}

// String.prototype.localeCompare under Node's default ICU locale, which
// findIndex uses to sort the eq fields.
int locale_compare(const std::string& a, const std::string& b) {
  static const std::unique_ptr<icu::Collator> collator = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> made(
        icu::Collator::createInstance(icu::Locale::getRoot(), status));
    return U_SUCCESS(status) ? std::move(made) : nullptr;
  }();
  if (!collator) return a.compare(b);
  UErrorCode status = U_ZERO_ERROR;
  return collator->compare(icu::UnicodeString::fromUTF8(a), icu::UnicodeString::fromUTF8(b),
                           status);
}

// getConvexSize (convex/values): what maximumBytesRead counts.
double convex_size(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::boolean:
      return 1;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      return 9;
    case Json::value_t::string:
      return 2 + static_cast<double>(value.get_ref<const std::string&>().size());
    case Json::value_t::array: {
      double size = 2;
      for (const Json& element : value) size += convex_size(element);
      return size;
    }
    case Json::value_t::object: {
      double size = 2;
      for (const auto& item : value.items()) {
        size += static_cast<double>(item.key().size()) + 1 + convex_size(item.value());
      }
      return size;
    }
    default:
      return 0;
  }
}

Json key_to_json(const IndexKey& key) {
  // serializeCursor: undefined becomes "undefined", and a string that ends
  // in "undefined" is escaped with a leading "_".
  Json out = Json::array();
  for (const auto& value : key) {
    if (!value) {
      out.push_back("undefined");
    } else if (value->is_string() && value->get_ref<const std::string&>().ends_with("undefined")) {
      out.push_back("_" + value->get<std::string>());
    } else {
      out.push_back(*value);
    }
  }
  return out;
}

// A key as pointers into a stored document (null: absent). Documents stay
// put for the whole transaction, so a page builds no copies of its keys.
using KeyView = std::vector<const Json*>;

std::string serialize_cursor(const KeyView& key) {
  IndexKey copy;
  copy.reserve(key.size());
  for (const Json* value : key) copy.push_back(value ? std::optional<Json>(*value) : std::nullopt);
  return js_stringify(key_to_json(copy));
}

// V8's JSON.parse messages, for a cursor that is not JSON.
[[noreturn]] void throw_bad_json(const std::string& text, std::size_t position) {
  if (position >= text.size()) throw Thrown(ThrownKind::kBadCursor, "Unexpected end of JSON input");
  const std::string shown = text.size() > 30 ? text.substr(0, 30) + "..." : text;
  throw Thrown(ThrownKind::kBadCursor, "Unexpected token '" + std::string(1, text[position]) +
                                           "', \"" + shown + "\" is not valid JSON");
}

IndexKey deserialize_cursor(const std::string& cursor) {
  Json parsed;
  try {
    parsed = Json::parse(cursor);
  } catch (const Json::parse_error& error) {
    throw_bad_json(cursor, error.byte == 0 ? 0 : error.byte - 1);
  }
  if (!parsed.is_array()) {
    throw Thrown(ThrownKind::kBadCursor, "jsonToConvex(...).map is not a function");
  }
  IndexKey key;
  for (Json& value : parsed) {
    if (value.is_string()) {
      const std::string& text = value.get_ref<const std::string&>();
      if (text == "undefined") {
        key.emplace_back(std::nullopt);
        continue;
      }
      if (text.ends_with("undefined")) {
        key.emplace_back(Json(text.substr(1)));
        continue;
      }
    }
    key.emplace_back(std::move(value));
  }
  return key;
}

int compare_keys(const KeyView& a, const KeyView& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (int c = compare_values(a[i], b[i]); c != 0) return c;
  }
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

bool is_range_operator(WhereOperator op) {
  return op == WhereOperator::kLt || op == WhereOperator::kLte || op == WhereOperator::kGt ||
         op == WhereOperator::kGte;
}

// Clauses the index cannot serve, which generateQuery filters in memory when
// an index is used.
bool applied_after_index(const WhereClause& clause) {
  if (!clause.has_operator) return false;
  switch (clause.op) {
    case WhereOperator::kContains:
    case WhereOperator::kStartsWith:
    case WhereOperator::kEndsWith:
    case WhereOperator::kNe:
    case WhereOperator::kNotIn:
      return true;
    default:
      return false;
  }
}

std::string join_fields(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& field : fields) {
    if (!out.empty()) out += ", ";
    out += field;
  }
  return out;
}

std::string stringify_fields(const std::vector<std::string>& fields) {
  Json array = Json::array();
  for (const std::string& field : fields) array.push_back(field);
  return js_stringify(array);
}

// An object for a pagination result. nlohmann's ordered_map is a vector of
// pairs with const keys, which copy (not move) when it grows: without room
// reserved, adding isDone after page would copy the whole page.
Json result_object() {
  Json result = Json::object();
  result.get_ref<Json::object_t&>().reserve(5);
  return result;
}

// One item a stream yields: the document (null when filterWith dropped it;
// it still counts as read) and its index key.
struct StreamItem {
  DocumentPtr document;
  KeyView key;
  double bytes = 0;
};

class Stream {
 public:
  virtual ~Stream() = default;
  virtual std::optional<StreamItem> next() = 0;
};

}  // namespace

// What findIndex returns: nothing (no where or sort to serve), the fields it
// wanted when no index matched, or the index with its range values.
struct QueryEngine::IndexChoice {
  std::vector<std::string> wanted;
  bool by_creation_time = false;     // the built-in index (treated as no usable index)
  const IndexSpec* index = nullptr;  // null (and not by_creation_time): none matched
  std::string bound_field;           // empty: no bound
  std::vector<Json> eq_values;
  const WhereClause* lower = nullptr;  // lt / lte ("lower bound" in the source)
  const WhereClause* upper = nullptr;  // gt / gte
};

// A query generateQuery built: which index, which range, which clauses to
// filter in memory. Opened for a page with the cursor bounds.
struct QueryEngine::StreamSpec {
  const Table* table = nullptr;
  const Index* index = nullptr;  // the stream's index (by_creation_time without a usable one)
  IndexRange range;
  std::vector<std::string> key_fields;  // index fields + _creationTime + _id
  std::size_t equality_count = 0;
  std::vector<WhereClause> filter;
  bool filter_all = true;    // false: only the clauses the index cannot serve
  bool count_bytes = false;  // a maximumBytesRead budget applies
};

namespace {

class QueryStream final : public Stream {
 public:
  QueryStream(const ReadTx& tx, const QueryEngine::StreamSpec& spec,  // NOLINT
              std::optional<IndexKey> after, std::optional<IndexKey> until, std::size_t strip)
      : spec_(spec),
        strip_(strip),
        scan_(make_scan(tx, spec, std::move(after), std::move(until))) {}

  std::optional<StreamItem> next() override {
    const IndexEntry* entry = scan_.next();
    if (entry == nullptr) return std::nullopt;
    StreamItem item;
    const Json& document = *entry->document;
    item.key.reserve(spec_.key_fields.size() - strip_);
    for (std::size_t i = strip_; i < spec_.key_fields.size(); ++i) {
      auto it = document.find(spec_.key_fields[i]);
      item.key.push_back(it == document.end() ? nullptr : &*it);
    }
    if (spec_.count_bytes) item.bytes = convex_size(document);
    const bool keep = matches_where(&document, spec_.filter, [&](const WhereClause& clause) {
      return spec_.filter_all || applied_after_index(clause);
    });
    if (keep) item.document = entry->document;
    return item;
  }

 private:
  static IndexScan make_scan(const ReadTx& tx, const QueryEngine::StreamSpec& spec,
                             std::optional<IndexKey> after, std::optional<IndexKey> until) {
    IndexRange range = spec.range;
    range.after = std::move(after);
    range.until = std::move(until);
    return tx.scan(*spec.index, range);
  }

  const QueryEngine::StreamSpec& spec_;
  std::size_t strip_;
  IndexScan scan_;
};

// convex-helpers' MergedStream of OrderByStreams: the smallest key first
// (largest when descending); on a tie the earlier stream wins.
class MergedStream final : public Stream {
 public:
  MergedStream(std::vector<std::unique_ptr<Stream>> streams, bool descending)
      : streams_(std::move(streams)), heads_(streams_.size()), descending_(descending) {}

  std::optional<StreamItem> next() override {
    for (std::size_t i = 0; i < streams_.size(); ++i) {
      if (!heads_[i] && !done_[i]) {
        heads_[i] = streams_[i]->next();
        if (!heads_[i]) done_[i] = true;
      }
    }
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < heads_.size(); ++i) {
      if (!heads_[i]) continue;
      if (!best) {
        best = i;
        continue;
      }
      int c = compare_keys(heads_[i]->key, heads_[*best]->key);
      if (descending_) c = -c;
      if (c < 0) best = i;
    }
    if (!best) return std::nullopt;
    std::optional<StreamItem> out = std::move(heads_[*best]);
    heads_[*best].reset();
    return out;
  }

 private:
  std::vector<std::unique_ptr<Stream>> streams_;
  std::vector<std::optional<StreamItem>> heads_;
  std::vector<bool> done_ = std::vector<bool>(streams_.size(), false);
  bool descending_;
};

using StreamOpener = std::function<std::unique_ptr<Stream>(std::optional<IndexKey> after,
                                                           std::optional<IndexKey> until)>;

// QueryStream.paginate of convex-helpers, item for item.
Page paginate_stream(const StreamOpener& open, const PaginationOptions& options,
                     const std::optional<std::vector<std::string>>& select) {
  Page result;
  if (options.num_items == 0) {
    if (!options.cursor) {
      unsupported(
          ".paginate called with cursor of null and 0 for numItems. This is not supported, as "
          "null is not a valid continueCursor. Advice: avoid calling paginate entirely in these "
          "cases.");
    }
    result.is_done = false;
    result.continue_cursor = *options.cursor;
    return result;
  }
  std::optional<IndexKey> after;
  if (options.cursor) after = deserialize_cursor(*options.cursor);
  std::optional<IndexKey> until;
  const bool has_end = options.end_cursor && !options.end_cursor->empty();
  if (has_end) until = deserialize_cursor(*options.end_cursor);
  // An end cursor bounds the page instead of numItems. Infinity rather than
  // an empty optional: GCC 12 warns (falsely) about the optional in Release.
  const double max_rows = has_end ? std::numeric_limits<double>::infinity() : options.num_items;
  auto stream = open(std::move(after), std::move(until));

  std::vector<KeyView> keys;
  bool has_more = has_end && *options.end_cursor != "[]";
  result.continue_cursor = options.end_cursor ? *options.end_cursor : "[]";
  double bytes_read = 0;
  bool hit_limit = false;
  while (auto item = stream->next()) {
    if (item->document) {
      result.documents.push_back(QueryEngine::select_document(item->document, select));
    }
    bytes_read += item->bytes;
    if ((options.maximum_bytes_read && bytes_read >= *options.maximum_bytes_read) ||
        (options.maximum_rows_read &&
         static_cast<double>(keys.size() + 1) >= *options.maximum_rows_read)) {
      hit_limit = true;
    }
    const bool stop = hit_limit || static_cast<double>(result.documents.size()) >= max_rows;
    if (stop) result.continue_cursor = serialize_cursor(item->key);
    keys.push_back(std::move(item->key));
    if (stop) {
      has_more = true;
      break;
    }
  }
  result.is_done = !has_more;
  const std::size_t middle = keys.empty() ? 0 : (keys.size() - 1) / 2;
  if (hit_limit) {
    result.page_status = "SplitRequired";
    result.split_cursor = serialize_cursor(keys[middle]);
  } else if (static_cast<double>(keys.size()) >= kSoftMaxScanLength ||
             static_cast<double>(result.documents.size()) > options.num_items + 1) {
    result.page_status = "SplitRecommended";
    result.split_cursor = serialize_cursor(keys[middle]);
  }
  return result;
}

// {page, isDone: true, continueCursor: ""}: the unique and `_id in` paths.
Page done_page(std::vector<DocumentPtr> documents) {
  Page result;
  result.documents = std::move(documents);
  result.continue_cursor = "";
  return result;
}

// A merge sort driven by a JavaScript comparator, as Array.prototype.sort
// (stable) would order; safe even when the comparator is inconsistent.
void js_stable_sort(std::vector<DocumentPtr>& items,
                    const std::function<int(const Json&, const Json&)>& compare) {
  if (items.size() < 2) return;
  std::vector<DocumentPtr> left(items.begin(), items.begin() + static_cast<long>(items.size() / 2));
  std::vector<DocumentPtr> right(items.begin() + static_cast<long>(items.size() / 2), items.end());
  js_stable_sort(left, compare);
  js_stable_sort(right, compare);
  std::size_t i = 0, j = 0, k = 0;
  while (i < left.size() && j < right.size()) {
    items[k++] = compare(*right[j], *left[i]) < 0 ? right[j++] : left[i++];
  }
  while (i < left.size()) items[k++] = left[i++];
  while (j < right.size()) items[k++] = right[j++];
}

}  // namespace

PaginationOptions PaginationOptions::from_json(const Json& options) {
  PaginationOptions out;
  if (!options.is_object()) return out;
  if (auto it = options.find("numItems"); it != options.end() && it->is_number()) {
    out.num_items = number_value(*it);
  }
  if (auto it = options.find("cursor"); it != options.end() && it->is_string()) {
    out.cursor = it->get<std::string>();
  }
  if (auto it = options.find("endCursor"); it != options.end() && it->is_string()) {
    out.end_cursor = it->get<std::string>();
  }
  if (auto it = options.find("maximumRowsRead"); it != options.end() && it->is_number()) {
    out.maximum_rows_read = number_value(*it);
  }
  if (auto it = options.find("maximumBytesRead"); it != options.end() && it->is_number()) {
    out.maximum_bytes_read = number_value(*it);
  }
  return out;
}

QueryArgs QueryArgs::from_json(const Json& args) {
  QueryArgs out;
  out.model = args.value("model", "");
  if (auto it = args.find("where"); it != args.end()) out.where = parse_where(*it);
  if (auto it = args.find("select"); it != args.end() && it->is_array()) {
    out.select = std::vector<std::string>{};
    for (const Json& field : *it) out.select->push_back(field.get<std::string>());
  }
  if (auto it = args.find("sortBy"); it != args.end() && it->is_object()) {
    out.sort_by = SortBy{it->value("field", ""), it->value("direction", "") == "desc"};
  }
  if (auto it = args.find("offset"); it != args.end()) out.offset = *it;
  if (auto it = args.find("paginationOpts"); it != args.end()) {
    out.pagination = PaginationOptions::from_json(*it);
  }
  return out;
}

QueryEngine::QueryEngine(const Schema& schema, std::string space, WarningSink warn)
    : schema_(schema), space_(std::move(space)), warn_(std::move(warn)) {}

const Table& QueryEngine::table_of(const ReadTx& tx, const std::string& model) const {
  const Table* table = tx.table(space_, model);
  if (table == nullptr) unsupported("Table " + model + " not found");
  return *table;
}

Json QueryEngine::select_fields(const Json& document,
                                const std::optional<std::vector<std::string>>& select) {
  if (!select || select->empty()) return document;
  Json out = Json::object();
  for (const std::string& field : *select) {
    const std::string source = field == "id" && document.contains("_id") ? "_id" : field;
    // An absent field is `undefined`, which does not survive serialisation.
    if (auto it = document.find(source); it != document.end()) out[source] = *it;
  }
  return out;
}

bool QueryEngine::has_unique_fields(const std::string& model, const Json& input) const {
  const TableSchema* table = schema_.table(model);
  if (table == nullptr || !input.is_object()) return false;
  for (const auto& item : input.items()) {
    if (table->is_unique(item.key())) return true;
  }
  return false;
}

// findIndex (adapter-utils.ts:90-237).
std::optional<QueryEngine::IndexChoice> QueryEngine::find_index(
    const std::string& model, std::span<const WhereClause> all,
    const std::optional<SortBy>& sort_by) const {
  if (all.size() > 1 && std::ranges::any_of(all, &WhereClause::connector_or)) {
    unsupported(
        "OR connector not supported with multiple where statements in findIndex, split up the "
        "where statements before calling findIndex: " +
        stringify_where(all));
  }
  // Pointers into `all`: the choice keeps them, so they must outlive this call.
  std::vector<const WhereClause*> where;
  for (const WhereClause& clause : all) {
    const bool usable = !clause.has_operator || is_range_operator(clause.op) ||
                        clause.op == WhereOperator::kEq || clause.op == WhereOperator::kIn ||
                        clause.op == WhereOperator::kNotIn;
    if (usable && clause.field != "_id") where.push_back(&clause);
  }
  if (where.empty() && !sort_by) return std::nullopt;
  auto stringified = [&] {
    std::vector<WhereClause> copies;
    for (const WhereClause* clause : where) copies.push_back(*clause);
    return stringify_where(copies);
  };

  const WhereClause* lower = nullptr;  // lt / lte
  const WhereClause* upper = nullptr;  // gt / gte
  int lowers = 0, uppers = 0;
  for (const WhereClause* clause : where) {
    if (clause->op == WhereOperator::kLt || clause->op == WhereOperator::kLte) {
      if (++lowers == 1) lower = clause;
    }
    if (clause->op == WhereOperator::kGt || clause->op == WhereOperator::kGte) {
      if (++uppers == 1) upper = clause;
    }
  }
  if (lowers > 1)
    unsupported("cannot have more than one lower bound where clause: " + stringified());
  if (uppers > 1)
    unsupported("cannot have more than one upper bound where clause: " + stringified());
  if (lower && upper && lower->field != upper->field) {
    unsupported("lower bound and upper bound must have the same field: " + stringified());
  }
  // `lowerBound?.field || upperBound?.field`: an empty field name is falsy.
  std::string bound_field = lower && !lower->field.empty() ? lower->field
                            : upper                        ? upper->field
                                                           : "";
  if (!bound_field.empty()) {
    for (const WhereClause* clause : where) {
      if (clause->field == bound_field && clause != lower && clause != upper) {
        unsupported("too many where clauses on the bound field: " + stringified());
      }
    }
  }
  std::vector<const WhereClause*> eq;
  for (const WhereClause* clause : where) {
    if (clause->is_eq()) eq.push_back(clause);
  }
  std::stable_sort(eq.begin(), eq.end(), [](const WhereClause* a, const WhereClause* b) {
    return locale_compare(a->field, b->field) < 0;
  });
  const std::string sort_field = sort_by ? sort_by->field : "";
  if (eq.empty() && bound_field.empty() && sort_field.empty() && !sort_by) return std::nullopt;

  IndexChoice choice;
  for (const WhereClause* clause : eq) choice.wanted.push_back(clause->field);
  if (!bound_field.empty() && bound_field != "createdAt") choice.wanted.push_back(bound_field);
  if (!sort_field.empty() && sort_field != "createdAt" && bound_field != sort_field) {
    choice.wanted.push_back(sort_field);
  }
  if (choice.wanted.empty() && bound_field.empty() && sort_field.empty()) return std::nullopt;

  const TableSchema* table = schema_.table(model);
  if (table == nullptr) unsupported("Table " + model + " not found");
  if (choice.wanted.empty()) {
    // Bounding or sorting by createdAt alone: the built-in _creationTime order.
    choice.by_creation_time = true;
  } else {
    const bool exact = bound_field == "createdAt" || sort_field == "createdAt";
    for (const IndexSpec& index : table->indexes) {
      bool fields_match = true;
      for (std::size_t i = 0; i < choice.wanted.size(); ++i) {
        fields_match =
            fields_match && i < index.fields.size() && index.fields[i] == choice.wanted[i];
      }
      // With createdAt standing in for _creationTime, no other field may
      // come between the wanted ones and _creationTime.
      if (fields_match && (!exact || index.fields.size() == choice.wanted.size())) {
        choice.index = &index;
        break;
      }
    }
  }
  choice.bound_field = bound_field;
  choice.lower = lower;
  choice.upper = upper;
  for (const WhereClause* clause : eq) choice.eq_values.push_back(clause->value());
  return choice;
}

// generateQuery: the index (or none), its range as ReflectIndexRange would
// build it, the order, and which clauses are left for the in-memory filter.
QueryEngine::StreamSpec QueryEngine::generate_query(const ReadTx& tx, const QueryArgs& args) const {
  const auto choice = find_index(args.model, args.where, args.sort_by);
  const Table& table = table_of(tx, args.model);
  StreamSpec spec;
  spec.table = &table;
  spec.filter = args.where;
  spec.range.descending = args.sort_by && args.sort_by->descending;
  if (!choice || choice->index == nullptr) {
    spec.index = &table.by_creation_time();
    spec.key_fields = {"_creationTime", "_id"};
    if (choice && !choice->by_creation_time) {
      warn_("Querying without an index on table \"" + args.model +
            "\".\nThis can cause performance issues, and may hit the document read limit.\n"
            "To fix, add an index that begins with the following fields in order:\n[" +
            join_fields(choice->wanted) + "]");
    }
    return spec;
  }
  spec.index = table.index(choice->index->name);
  spec.key_fields = choice->index->fields;
  spec.key_fields.push_back("_creationTime");
  spec.key_fields.push_back("_id");
  spec.filter_all = false;
  spec.equality_count = choice->eq_values.size();
  spec.range.eq = choice->eq_values;

  // ReflectIndexRange: each bound must name the next index field.
  std::size_t lower_length = spec.equality_count, upper_length = spec.equality_count;
  bool has_suffix = false;
  const auto& fields = spec.key_fields;
  auto can_upper = [&](const std::string& field) {
    if (upper_length > lower_length || (upper_length == lower_length && has_suffix)) return false;
    return upper_length < fields.size() && fields[upper_length] == field;
  };
  auto can_lower = [&](const std::string& field) {
    if (lower_length > upper_length || (lower_length == upper_length && has_suffix)) return false;
    return lower_length < fields.size() && fields[lower_length] == field;
  };
  if (const WhereClause* clause = choice->lower) {
    const char* name = clause->op == WhereOperator::kLt ? "lt" : "lte";
    if (!can_upper(choice->bound_field)) {
      unsupported(std::string("Cannot use ") + name + " on field '" + choice->bound_field + "'");
    }
    ++upper_length;
    has_suffix = true;
    spec.range.upper = RangeBound{clause->value(), clause->op == WhereOperator::kLte};
  }
  if (const WhereClause* clause = choice->upper) {
    const char* name = clause->op == WhereOperator::kGt ? "gt" : "gte";
    if (!can_lower(choice->bound_field)) {
      unsupported(std::string("Cannot use ") + name + " on field '" + choice->bound_field + "'");
    }
    ++lower_length;
    has_suffix = true;
    spec.range.lower = RangeBound{clause->value(), clause->op == WhereOperator::kGte};
  }
  return spec;
}

namespace {

// query.withIndex(index, q => q.eq(field, value)).unique()
DocumentPtr unique_lookup(const ReadTx& tx, const Table& table, const IndexSpec& spec,
                          const Json& value) {
  // A unique field's hash answers exactly what the index would; arrays and
  // objects (never unique values in practice) walk the index.
  DocumentPtr first, second;
  if (auto hashed = table.find_unique(spec.fields.front(), value)) {
    first = (*hashed)[0];
    second = (*hashed)[1];
  } else {
    const auto [a, b] = tx.first_two_equal(*table.index(spec.name), value);
    if (a) first = a->document;
    if (b) second = b->document;
  }
  if (first == nullptr) return nullptr;
  if (second != nullptr) {
    throw Thrown(ThrownKind::kUniqueViolation,
                 "unique() query returned more than one result from table " + table.name() +
                     ":\n [" + first->at("_id").get<std::string>() + ", " +
                     second->at("_id").get<std::string>() + ", ...]");
  }
  return first;
}

WhereClause eq_clause(const std::string& field, const Json& value) {
  Json json = Json::object();
  json["field"] = field;
  json["operator"] = "eq";
  json["value"] = value;
  return parse_where(Json::array({json})).front();
}

bool js_truthy_number(const Json& value) {
  if (!value.is_number())
    return !value.is_null() && !(value.is_boolean() && !value.get<bool>()) &&
           !(value.is_string() && value.get_ref<const std::string&>().empty());
  const double number = number_value(value);
  return number != 0 && !std::isnan(number);
}

}  // namespace

Page QueryEngine::paginate_page(const ReadTx& tx, const QueryArgs& args) const {
  if (args.offset && js_truthy_number(*args.offset)) {
    unsupported("offset not supported: " + js_stringify(*args.offset));
  }
  const auto& where = args.where;
  if (std::ranges::any_of(where, &WhereClause::connector_or) && where.size() > 1) {
    unsupported(
        "OR connector not supported with multiple where statements in paginate, split up the "
        "where statements before calling paginate: " +
        stringify_where(where));
  }
  for (const WhereClause& clause : where) {
    if (clause.field == "_id" && clause.has_operator && clause.op != WhereOperator::kEq &&
        clause.op != WhereOperator::kIn && clause.op != WhereOperator::kNotIn) {
      unsupported("_id can only be used with eq, in, or not_in operator: " +
                  stringify_where(where));
    }
  }
  if (std::ranges::any_of(where, &WhereClause::insensitive)) {
    unsupported(
        "Case-insensitive queries (mode: \"insensitive\") are not supported by the Convex adapter. "
        "Store values in a normalized form (e.g. lowercase on write) and query against the "
        "normalized value.");
  }

  // An eq on a unique field or _id: at most one document, read directly;
  // the other clauses filter it.
  const TableSchema* table_schema = schema_.table(args.model);
  const WhereClause* unique_where = nullptr;
  for (const WhereClause& clause : where) {
    if (clause.is_eq() &&
        (clause.field == "_id" || (table_schema && table_schema->is_unique(clause.field)))) {
      unique_where = &clause;
      break;
    }
  }
  if (unique_where) {
    DocumentPtr document;
    if (unique_where->field == "_id") {
      document = tx.get_any(space_, unique_where->value());
    } else {
      const auto choice = find_index(args.model, std::span(unique_where, 1), std::nullopt);
      if (!choice || choice->index == nullptr) {
        throw Thrown(ThrownKind::kMissingIndex,
                     "No index found for " + args.model + "." + unique_where->field);
      }
      document = unique_lookup(tx, table_of(tx, args.model), *choice->index, unique_where->value());
    }
    std::vector<DocumentPtr> page;
    if (matches_where(document.get(), where,
                      [&](const WhereClause& c) { return &c != unique_where; })) {
      page.push_back(select_document(document, args.select));
    }
    return done_page(std::move(page));
  }

  PaginationOptions options = args.pagination;
  // "If maximumRowsRead is not at least 1 higher than numItems, bad cursors
  // and incorrect paging will result" (the component's comment).
  options.maximum_rows_read = std::max(options.num_items + 1, 200.0);

  const WhereClause* in_where = nullptr;
  for (const WhereClause& clause : where) {
    if (clause.has_operator && clause.op == WhereOperator::kIn) {
      in_where = &clause;
      break;
    }
  }
  if (in_where) {
    if (!in_where->value().is_array()) unsupported("in clause value must be an array");
    const Table& table = table_of(tx, args.model);
    if (in_where->field == "_id") {
      std::vector<DocumentPtr> documents;
      for (const Json& id : in_where->value()) {
        DocumentPtr document = tx.get(table, id);
        if (matches_where(document.get(), where,
                          [&](const WhereClause& c) { return &c != in_where; })) {
          documents.push_back(std::move(document));
        }
      }
      if (args.sort_by) {
        const SortBy sort = *args.sort_by;
        js_stable_sort(documents, [&](const Json& a, const Json& b) {
          if (sort.field == "createdAt") {
            const double delta =
                number_value(a.at("_creationTime")) - number_value(b.at("_creationTime"));
            const double signed_delta = sort.descending ? -delta : delta;
            return signed_delta < 0 ? -1 : (signed_delta > 0 ? 1 : 0);
          }
          auto ia = a.find(sort.field);
          auto ib = b.find(sort.field);
          const Json* va = ia == a.end() ? nullptr : &*ia;
          const Json* vb = ib == b.end() ? nullptr : &*ib;
          if (js_strict_equals(va, vb)) return 0;
          const bool greater = js_less_than(vb, va);
          return sort.descending ? (greater ? -1 : 1) : (greater ? 1 : -1);
        });
      }
      for (DocumentPtr& document : documents) document = select_document(document, args.select);
      return done_page(std::move(documents));
    }

    // One stream per value, with the `in` replaced by an eq, merged in
    // [sortField?, _creationTime, _id] order.
    std::vector<StreamSpec> specs;
    for (const Json& value : in_where->value()) {
      // {...w, operator: "eq", value}: same keys, same order.
      QueryArgs one = args;
      WhereClause& replaced = one.where[static_cast<std::size_t>(in_where - where.data())];
      replaced.json["operator"] = "eq";
      replaced.json["value"] = value;
      replaced.op = WhereOperator::kEq;
      specs.push_back(generate_query(tx, one));
      specs.back().count_bytes = options.maximum_bytes_read.has_value();
    }
    if (specs.empty()) unsupported("Cannot union empty array of streams");
    std::vector<std::string> order_fields;
    if (args.sort_by && !args.sort_by->field.empty() && args.sort_by->field != "createdAt") {
      order_fields.push_back(args.sort_by->field);
    }
    order_fields.push_back("_creationTime");
    order_fields.push_back("_id");
    std::vector<std::size_t> static_lengths;
    for (const StreamSpec& spec : specs) {
      bool ordered = false;
      for (std::size_t i = 0; i <= spec.equality_count && !ordered; ++i) {
        ordered = std::equal(spec.key_fields.begin() + static_cast<long>(i), spec.key_fields.end(),
                             order_fields.begin(), order_fields.end());
      }
      if (!ordered) {
        unsupported("indexFields must be some sequence of fields the stream is ordered by: " +
                    stringify_fields(order_fields) + ", " + stringify_fields(spec.key_fields) +
                    " (" + std::to_string(spec.equality_count) + " equality fields)");
      }
      static_lengths.push_back(
          std::min(spec.equality_count, spec.key_fields.size() - order_fields.size()));
    }
    const bool descending = args.sort_by && args.sort_by->descending;
    auto open = [&](std::optional<IndexKey> after,
                    std::optional<IndexKey> until) -> std::unique_ptr<Stream> {
      std::vector<std::unique_ptr<Stream>> streams;
      for (std::size_t s = 0; s < specs.size(); ++s) {
        IndexKey prefix(specs[s].range.eq.begin(),
                        specs[s].range.eq.begin() + static_cast<long>(static_lengths[s]));
        auto with_prefix = [&](const std::optional<IndexKey>& key) -> std::optional<IndexKey> {
          if (!key) return std::nullopt;
          IndexKey full = prefix;
          full.insert(full.end(), key->begin(), key->end());
          return full;
        };
        streams.push_back(std::make_unique<QueryStream>(tx, specs[s], with_prefix(after),
                                                        with_prefix(until), static_lengths[s]));
      }
      return std::make_unique<MergedStream>(std::move(streams), descending);
    };
    return paginate_stream(open, options, args.select);
  }

  StreamSpec spec = generate_query(tx, args);
  spec.count_bytes = options.maximum_bytes_read.has_value();
  auto open = [&](std::optional<IndexKey> after,
                  std::optional<IndexKey> until) -> std::unique_ptr<Stream> {
    return std::make_unique<QueryStream>(tx, spec, std::move(after), std::move(until), 0);
  };
  return paginate_stream(open, options, args.select);
}

DocumentPtr QueryEngine::find_first(const ReadTx& tx, QueryArgs args) const {
  args.pagination = PaginationOptions{};
  args.pagination.num_items = 1;
  Page page = paginate_page(tx, args);
  return page.documents.empty() ? nullptr : std::move(page.documents.front());
}

Json QueryEngine::list_one(const ReadTx& tx, QueryArgs args) const {
  DocumentPtr document = find_first(tx, std::move(args));
  return document ? *document : Json(nullptr);
}

Json QueryEngine::paginate(const ReadTx& tx, const QueryArgs& args) const {
  return paginate_page(tx, args).to_json();
}

DocumentPtr QueryEngine::select_document(const DocumentPtr& document,
                                         const std::optional<std::vector<std::string>>& select) {
  if (!select || select->empty()) return document;
  return std::make_shared<const Json>(select_fields(*document, select));
}

Json Page::to_json() const {
  Json result = result_object();
  Json page = Json::array();
  page.get_ref<Json::array_t&>().reserve(documents.size());
  for (const DocumentPtr& document : documents) page.push_back(*document);
  result["page"] = std::move(page);
  result["isDone"] = is_done;
  result["continueCursor"] = continue_cursor;
  if (page_status) result["pageStatus"] = *page_status;
  if (split_cursor) result["splitCursor"] = *split_cursor;
  return result;
}

std::string Page::to_json_text() const {
  std::string out = "{\"page\":[";
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (i > 0) out += ',';
    out += js_stringify(*documents[i]);
  }
  out += "],\"isDone\":";
  out += is_done ? "true" : "false";
  out += ",\"continueCursor\":" + js_stringify(Json(continue_cursor));
  if (page_status) out += ",\"pageStatus\":" + js_stringify(Json(*page_status));
  if (split_cursor) out += ",\"splitCursor\":" + js_stringify(Json(*split_cursor));
  out += '}';
  return out;
}

void QueryEngine::check_unique_fields(const ReadTx& tx, const std::string& model, const Json& input,
                                      const Json* current) const {
  if (!has_unique_fields(model, input)) return;
  const TableSchema* table_schema = schema_.table(model);
  for (const auto& item : input.items()) {
    if (!table_schema->is_unique(item.key())) continue;
    const WhereClause clause = eq_clause(item.key(), item.value());
    const auto choice = find_index(model, std::span(&clause, 1), std::nullopt);
    if (!choice || choice->index == nullptr) {
      // Sic: the component prints no separator between table and field.
      throw Thrown(ThrownKind::kMissingIndex, "No index found for " + model + item.key());
    }
    DocumentPtr existing = unique_lookup(tx, table_of(tx, model), *choice->index, item.value());
    if (existing && (current == nullptr || existing->at("_id") != current->value("_id", Json()))) {
      throw Thrown(ThrownKind::kUniqueViolation, model + " " + item.key() + " already exists");
    }
  }
}

}  // namespace authref

// Suite `adapter`, stateful models: random sequences of the component's
// functions run against the target and, step by step, against an in-memory
// model of the component written from spec/convex-component.md §3 (the
// query engine's paths: the unique/_id fast path, `_id in`, index streams
// with in-memory filters, merged `in` streams; one page per call; unique
// fields; the exact errors). After every write the whole marker-scoped store
// is read back and compared too. rapidcheck shrinks any disagreement to a
// minimal sequence of calls, printed with each command's show().
//
// Two models: `verification` (no unique field; rows found by identifier) and
// `session` (a unique token; rows found by token or by userId); plus a
// property over authconf::gen::where_clause: a generated clause beside a
// unique lookup filters like filterByWhere. A created row is called row#k
// for the k-th create of the sequence (0-based). Every row carries the run's
// markers (identifier, userId, token), every query names one, and each run
// deletes its rows, so a real deployment's other rows are never read,
// changed or deleted.
#include <authconf/gen.h>
#include <authconf/suite.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

#include "adapter_support.h"

namespace authconf {
namespace {

using namespace adapter_suite;  // NOLINT: the suite's own helpers

// Set when a bridge call failed inside a property: the case then records an
// error outcome (the transport failed; not a verdict on the target).
bool& bridge_failed() {
  static bool flag = false;
  return flag;
}

AdapterAnswer must_call(std::string_view function, const Json& args) {
  auto answer = call(function, args);
  if (!answer) {
    bridge_failed() = true;
    std::ostringstream detail;
    detail << function << ": " << answer.error();
    RC_FAIL("[authconf error, not a verdict] the bridge call failed: " + detail.str());
  }
  return *answer;
}

void expect_thrown(const AdapterAnswer& answer, const std::string& needle,
                   const std::string& what) {
  if (!answer.thrown) {
    RC_FAIL(what + ": expected a throw containing \"" + needle + "\", got the value " +
            answer.value.dump());
  }
  if (answer.thrown->find(needle) == std::string::npos) {
    RC_FAIL(what + ": the thrown message \"" + *answer.thrown + "\" lacks \"" + needle + "\"");
  }
}

void expect_value(const AdapterAnswer& answer, const std::string& what) {
  if (answer.thrown) RC_FAIL(what + " threw: " + *answer.thrown);
}

// A returned document equals the expected one, plus a numeric _creationTime.
void expect_document(const Json& actual, const Json& expected, const std::string& what) {
  if (!actual.is_object() || !actual.contains("_creationTime") ||
      !actual["_creationTime"].is_number()) {
    RC_FAIL(what + ": expected a document with _creationTime, got " + actual.dump());
  }
  Json fields = actual;
  fields.erase("_creationTime");
  if (canon(fields) != canon(expected)) {
    RC_FAIL(what + ": expected " + expected.dump() + ", got " + actual.dump());
  }
}

void expect_documents(const Json& page, const std::vector<Json>& expected,
                      const std::string& what) {
  if (!page.is_array() || page.size() != expected.size()) {
    std::string list;
    for (const Json& document : expected) list += document.dump() + " ";
    RC_FAIL(what + ": expected " + std::to_string(expected.size()) + " documents [" + list +
            "], got " + page.dump());
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expect_document(page[i], expected[i], what + " [" + std::to_string(i) + "]");
  }
}

void expect_equal(const Json& actual, const Json& expected, const std::string& what) {
  if (canon(actual) != canon(expected)) {
    RC_FAIL(what + ": expected " + expected.dump() + ", got " + actual.dump());
  }
}

enum class Sort { kNone, kAsc, kDesc };

const char* sort_name(Sort sort) {
  return sort == Sort::kNone ? "none" : (sort == Sort::kAsc ? "createdAt asc" : "createdAt desc");
}

void add_sort(Json& args, Sort sort) {
  if (sort != Sort::kNone) {
    args["sortBy"] = {{"field", "createdAt"}, {"direction", sort == Sort::kAsc ? "asc" : "desc"}};
  }
}

template <class T>
bool contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string quoted(const std::vector<std::string>& texts) {
  std::string out = "[";
  for (const std::string& text : texts) out += (out.size() > 1 ? ", \"" : "\"") + text + "\"";
  return out + "]";
}

std::string listed(const std::vector<int>& numbers, const char* prefix) {
  std::string out = "[";
  for (int number : numbers)
    out += (out.size() > 1 ? ", " : "") + std::string(prefix) + std::to_string(number);
  return out + "]";
}

constexpr std::int64_t kCreatedBase = 1'700'000'000'000;

// ===========================================================================
// The `verification` model.

namespace verification_model {

// Values are short strings over "ab." so that contains/starts_with/ends_with
// hit and miss, and "." checks that no regex is involved.
const std::vector<std::string> kTexts = {"", "a", "b", ".", "ab", "a.", "ba", "b.a"};

struct Row {
  int key = 0;    // creation sequence: createdAt = kCreatedBase + key
  int ident = 0;  // which of the run's two identifiers
  std::string value;
  int expires = 0;  // expiresAt = window + expires
  int updated = 0;  // updatedAt = kCreatedBase + updated
};

struct Model {
  std::vector<Row> rows;  // live rows, in creation order
  int next_key = 0;
};

struct Sut {
  std::string idents[2];
  std::int64_t window_start;
  std::map<int, std::string> ids;  // key → _id, deleted rows included

  Sut() : idents{marker("model-v"), marker("model-v")}, window_start(window()) {}
  ~Sut() {
    for (const std::string& ident : idents)
      sweep_now("verification", where({eq("identifier", ident)}));
  }
  Sut(const Sut&) = delete;
  Sut& operator=(const Sut&) = delete;

  const std::string& id_of(int key) const {
    auto it = ids.find(key);
    if (it == ids.end()) RC_FAIL("no _id recorded for row #" + std::to_string(key));
    return it->second;
  }
  Json document(const Row& row) const {
    return Json{{"_id", id_of(row.key)},
                {"identifier", idents[row.ident]},
                {"value", row.value},
                {"expiresAt", window_start + row.expires},
                {"createdAt", kCreatedBase + row.key},
                {"updatedAt", kCreatedBase + row.updated}};
  }
  std::vector<Json> documents(const std::vector<Row>& rows) const {
    std::vector<Json> out;
    for (const Row& row : rows) out.push_back(document(row));
    return out;
  }
};

enum class Base { kIdent0, kIdent1, kIdentIn };
enum class Extra {
  kNone,
  kValueNe,
  kValueNotIn,
  kValueContains,
  kValueStartsWith,
  kValueEndsWith,
  kExpiresNe,
  kExpiresNotIn,
  kIdEq,
  kIdIn,
  kIdNotIn,
  kIdBadOperator,
  kInsensitive,
  kOrConnector,
};

// A where clause restricted to the run's identifiers, plus at most one
// more clause.
struct WhereSpec {
  Base base = Base::kIdent0;
  bool explicit_eq = false;
  bool base_or = false;  // a lone clause with connector OR (allowed)
  Extra extra = Extra::kNone;
  bool extra_first = false;
  std::string text;
  std::vector<std::string> texts;
  int number = 0;
  std::vector<int> numbers;
  std::vector<int> keys;
  std::string bad_operator;

  static WhereSpec generate(const Model& model) {
    WhereSpec spec;
    spec.base = *rc::gen::element(Base::kIdent0, Base::kIdent1, Base::kIdentIn);
    spec.explicit_eq = *rc::gen::arbitrary<bool>();
    std::vector<Extra> choices = {Extra::kNone,
                                  Extra::kNone,
                                  Extra::kNone,
                                  Extra::kValueNe,
                                  Extra::kValueNotIn,
                                  Extra::kValueContains,
                                  Extra::kValueStartsWith,
                                  Extra::kValueEndsWith,
                                  Extra::kExpiresNe,
                                  Extra::kExpiresNotIn,
                                  Extra::kIdBadOperator,
                                  Extra::kInsensitive,
                                  Extra::kOrConnector};
    if (model.next_key > 0) {
      choices.insert(choices.end(), {Extra::kIdEq, Extra::kIdEq, Extra::kIdNotIn});
      // Two `in` clauses: paginate follows the first and, with an index,
      // silently drops the other; the model keeps to one.
      if (spec.base != Base::kIdentIn) choices.insert(choices.end(), {Extra::kIdIn, Extra::kIdIn});
    }
    spec.extra = *rc::gen::elementOf(choices);
    spec.extra_first = *rc::gen::arbitrary<bool>();
    spec.base_or = spec.extra == Extra::kNone && *rc::gen::inRange(0, 4) == 0;
    spec.text = *rc::gen::elementOf(kTexts);
    spec.texts = *rc::gen::container<std::vector<std::string>>(
        static_cast<std::size_t>(*rc::gen::inRange(0, 3)), rc::gen::elementOf(kTexts));
    spec.number = *rc::gen::inRange(0, 5);
    spec.numbers = *rc::gen::container<std::vector<int>>(
        static_cast<std::size_t>(*rc::gen::inRange(0, 3)), rc::gen::inRange(0, 5));
    if (model.next_key > 0) {
      if (spec.extra == Extra::kIdEq) {
        spec.keys = {*rc::gen::inRange(0, model.next_key)};
      } else {
        // 1 to 4 distinct rows (deleted ones too), in a random order.
        std::vector<int> pool(static_cast<std::size_t>(model.next_key));
        for (int key = 0; key < model.next_key; ++key) pool[static_cast<std::size_t>(key)] = key;
        const int count = *rc::gen::inRange(1, std::min(4, model.next_key) + 1);
        for (int i = 0; i < count; ++i) {
          const auto at =
              static_cast<std::size_t>(*rc::gen::inRange(0, static_cast<int>(pool.size())));
          spec.keys.push_back(pool[at]);
          pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(at));
        }
      }
    }
    spec.bad_operator = *rc::gen::element<std::string>("lt", "lte", "gt", "gte", "ne", "contains",
                                                       "starts_with", "ends_with");
    return spec;
  }

  Json to_json(const Sut& sut) const {
    Json base_clause;
    if (base == Base::kIdentIn) {
      base_clause = clause("identifier", "in", Json::array({sut.idents[0], sut.idents[1]}));
    } else {
      const std::string& ident = sut.idents[base == Base::kIdent0 ? 0 : 1];
      base_clause = explicit_eq ? clause("identifier", "eq", ident) : eq("identifier", ident);
    }
    if (base_or) base_clause["connector"] = "OR";
    Json ids = Json::array();
    if (extra == Extra::kIdEq || extra == Extra::kIdIn || extra == Extra::kIdNotIn) {
      for (int key : keys) ids.push_back(sut.id_of(key));
    }
    Json expires = Json::array();
    for (int offset : numbers) expires.push_back(sut.window_start + offset);
    Json extra_clause;
    switch (extra) {
      case Extra::kNone:
        return Json::array({base_clause});
      case Extra::kValueNe:
        extra_clause = clause("value", "ne", text);
        break;
      case Extra::kValueNotIn:
        extra_clause = clause("value", "not_in", texts);
        break;
      case Extra::kValueContains:
        extra_clause = clause("value", "contains", text);
        break;
      case Extra::kValueStartsWith:
        extra_clause = clause("value", "starts_with", text);
        break;
      case Extra::kValueEndsWith:
        extra_clause = clause("value", "ends_with", text);
        break;
      case Extra::kExpiresNe:
        extra_clause = clause("expiresAt", "ne", sut.window_start + number);
        break;
      case Extra::kExpiresNotIn:
        extra_clause = clause("expiresAt", "not_in", expires);
        break;
      case Extra::kIdEq:
        extra_clause = explicit_eq ? clause("_id", "eq", ids[0]) : eq("_id", ids[0]);
        break;
      case Extra::kIdIn:
        extra_clause = clause("_id", "in", ids);
        break;
      case Extra::kIdNotIn:
        extra_clause = clause("_id", "not_in", ids);
        break;
      case Extra::kIdBadOperator:
        extra_clause = clause("_id", bad_operator, "x");
        break;
      case Extra::kInsensitive:
        extra_clause = eq("value", text);
        extra_clause["mode"] = "insensitive";
        break;
      case Extra::kOrConnector:
        extra_clause = clause("value", "ne", "zz");
        extra_clause["connector"] = "OR";
        break;
    }
    return extra_first ? Json::array({extra_clause, base_clause})
                       : Json::array({base_clause, extra_clause});
  }

  // paginate's validation, in its order (one extra clause: one error).
  std::optional<std::string> error() const {
    switch (extra) {
      case Extra::kOrConnector:
        return "OR connector not supported with multiple where statements in paginate";
      case Extra::kIdBadOperator:
        return "_id can only be used with eq, in, or not_in operator";
      case Extra::kInsensitive:
        return "Case-insensitive queries (mode: \"insensitive\") are not supported by the Convex "
               "adapter.";
      default:
        return std::nullopt;
    }
  }

  // Shrinking drops commands: a clause naming a row that no longer gets
  // created makes its command invalid (discarded) rather than failing.
  bool valid_for(const Model& model) const {
    return std::all_of(keys.begin(), keys.end(), [&](int key) { return key < model.next_key; });
  }

  bool base_matches(const Row& row) const {
    return base == Base::kIdentIn || row.ident == (base == Base::kIdent0 ? 0 : 1);
  }

  bool extra_matches(const Row& row) const {
    switch (extra) {
      case Extra::kValueNe:
        return row.value != text;
      case Extra::kValueNotIn:
        return !contains(texts, row.value);
      case Extra::kValueContains:
        return row.value.find(text) != std::string::npos;
      case Extra::kValueStartsWith:
        return row.value.starts_with(text);
      case Extra::kValueEndsWith:
        return row.value.ends_with(text);
      case Extra::kExpiresNe:
        return row.expires != number;
      case Extra::kExpiresNotIn:
        return !contains(numbers, row.expires);
      case Extra::kIdEq:
        return row.key == keys[0];
      case Extra::kIdIn:
        return contains(keys, row.key);
      case Extra::kIdNotIn:
        return !contains(keys, row.key);
      default:
        return true;
    }
  }

  std::string show() const {
    std::ostringstream out;
    std::string base_text = base == Base::kIdentIn
                                ? "identifier in [ident0, ident1]"
                                : std::string("identifier ") + (explicit_eq ? "eq " : "= ") +
                                      (base == Base::kIdent0 ? "ident0" : "ident1");
    if (base_or) base_text += " (connector OR)";
    std::string extra_text;
    switch (extra) {
      case Extra::kNone:
        break;
      case Extra::kValueNe:
        extra_text = "value ne \"" + text + "\"";
        break;
      case Extra::kValueNotIn:
        extra_text = "value not_in " + quoted(texts);
        break;
      case Extra::kValueContains:
        extra_text = "value contains \"" + text + "\"";
        break;
      case Extra::kValueStartsWith:
        extra_text = "value starts_with \"" + text + "\"";
        break;
      case Extra::kValueEndsWith:
        extra_text = "value ends_with \"" + text + "\"";
        break;
      case Extra::kExpiresNe:
        extra_text = "expiresAt ne W+" + std::to_string(number);
        break;
      case Extra::kExpiresNotIn:
        extra_text = "expiresAt not_in " + listed(numbers, "W+");
        break;
      case Extra::kIdEq:
        extra_text = "_id = row#" + std::to_string(keys[0]);
        break;
      case Extra::kIdIn:
        extra_text = "_id in " + listed(keys, "row#");
        break;
      case Extra::kIdNotIn:
        extra_text = "_id not_in " + listed(keys, "row#");
        break;
      case Extra::kIdBadOperator:
        extra_text = "_id " + bad_operator + " \"x\"";
        break;
      case Extra::kInsensitive:
        extra_text = "value = \"" + text + "\" (mode insensitive)";
        break;
      case Extra::kOrConnector:
        extra_text = "value ne \"zz\" (connector OR)";
        break;
    }
    if (extra_text.empty()) return "[" + base_text + "]";
    return extra_first ? "[" + extra_text + ", " + base_text + "]"
                       : "[" + base_text + ", " + extra_text + "]";
  }
};

// What paginate answers: an error, or the matching rows in answer order,
// either as one page (the _id fast path and `_id in`: isDone at once,
// numItems ignored) or to be cut into pages of numItems (index streams).
struct Outcome {
  std::optional<std::string> thrown;
  std::vector<Row> rows;
  bool single_page = false;
};

Outcome evaluate(const Model& model, const WhereSpec& spec, Sort sort) {
  Outcome out;
  out.thrown = spec.error();
  if (out.thrown) return out;
  if (spec.extra == Extra::kIdEq || spec.extra == Extra::kIdIn) {
    // db.get per id, in the order given, then the other clauses; a sortBy
    // createdAt sorts by _creationTime.
    out.single_page = true;
    for (int key : spec.keys) {
      for (const Row& row : model.rows) {
        if (row.key == key && spec.base_matches(row)) out.rows.push_back(row);
      }
    }
    if (spec.extra == Extra::kIdIn && sort != Sort::kNone) {
      std::stable_sort(out.rows.begin(), out.rows.end(), [&](const Row& a, const Row& b) {
        return sort == Sort::kAsc ? a.key < b.key : a.key > b.key;
      });
    }
    return out;
  }
  for (const Row& row : model.rows) {
    if (spec.base_matches(row) && spec.extra_matches(row)) out.rows.push_back(row);
  }
  if (sort == Sort::kDesc) std::reverse(out.rows.begin(), out.rows.end());
  return out;
}

// The rows one call of updateMany/deleteMany processes: one page.
std::vector<Row> first_page(const Outcome& outcome, int num_items) {
  if (outcome.single_page) return outcome.rows;
  const std::size_t n = std::min(outcome.rows.size(), static_cast<std::size_t>(num_items));
  return {outcome.rows.begin(), outcome.rows.begin() + static_cast<std::ptrdiff_t>(n)};
}

bool page_done(const Outcome& outcome, int num_items, std::size_t size) {
  return outcome.single_page || size < static_cast<std::size_t>(num_items);
}

struct Update {
  std::optional<int> ident;
  std::optional<std::string> value;
  std::optional<int> expires;
  std::optional<int> updated;

  static Update generate() {
    Update update;
    if (*rc::gen::inRange(0, 4) == 0) update.ident = *rc::gen::inRange(0, 2);
    if (*rc::gen::arbitrary<bool>()) update.value = *rc::gen::elementOf(kTexts);
    if (*rc::gen::arbitrary<bool>()) update.expires = *rc::gen::inRange(0, 5);
    if (*rc::gen::arbitrary<bool>()) update.updated = *rc::gen::inRange(0, 1000);
    if (!update.ident && !update.value && !update.expires && !update.updated) update.value = "u";
    return update;
  }
  Json to_json(const Sut& sut) const {
    Json out = Json::object();
    if (ident) out["identifier"] = sut.idents[*ident];
    if (value) out["value"] = *value;
    if (expires) out["expiresAt"] = sut.window_start + *expires;
    if (updated) out["updatedAt"] = kCreatedBase + *updated;
    return out;
  }
  void apply_to(Row& row) const {
    if (ident) row.ident = *ident;
    if (value) row.value = *value;
    if (expires) row.expires = *expires;
    if (updated) row.updated = *updated;
  }
  std::string show() const {
    std::string out;
    const auto add = [&](const std::string& item) { out += (out.empty() ? "" : ", ") + item; };
    if (ident) add("identifier: ident" + std::to_string(*ident));
    if (value) add("value: \"" + *value + "\"");
    if (expires) add("expiresAt: W+" + std::to_string(*expires));
    if (updated) add("updatedAt: " + std::to_string(*updated));
    return "{" + out + "}";
  }
};

void update_rows(Model& model, const std::vector<Row>& targets, const Update& update) {
  for (Row& row : model.rows) {
    for (const Row& target : targets) {
      if (row.key == target.key) update.apply_to(row);
    }
  }
}

void remove_rows(Model& model, const std::vector<Row>& targets) {
  std::erase_if(model.rows, [&](const Row& row) {
    return std::any_of(targets.begin(), targets.end(),
                       [&](const Row& target) { return target.key == row.key; });
  });
}

// Reads every row of the run (both identifiers, merged by _creationTime)
// and compares it with the model: a write that answered right but stored
// wrong is caught at the step that did it.
void check_store(const Model& model, const Sut& sut, const std::string& after) {
  AdapterAnswer answer = must_call(
      "findMany",
      Json{{"model", "verification"},
           {"where",
            where({clause("identifier", "in", Json::array({sut.idents[0], sut.idents[1]}))})},
           {"paginationOpts", pagination(200)}});
  expect_value(answer, "the store read back after " + after);
  expect_documents(answer.value["page"], sut.documents(model.rows), "the store after " + after);
}

using Command = rc::state::Command<Model, Sut>;

struct Create : Command {
  int ident = *rc::gen::inRange(0, 2);
  std::string value = *rc::gen::elementOf(kTexts);
  int expires = *rc::gen::inRange(0, 5);

  void apply(Model& model) const override {
    model.rows.push_back(Row{model.next_key, ident, value, expires, model.next_key});
    ++model.next_key;
  }
  void run(const Model& model, Sut& sut) const override {
    const int key = model.next_key;
    const Row row{key, ident, value, expires, key};
    const Json data = {{"identifier", sut.idents[ident]},
                       {"value", value},
                       {"expiresAt", sut.window_start + expires},
                       {"createdAt", kCreatedBase + key},
                       {"updatedAt", kCreatedBase + key}};
    AdapterAnswer answer =
        must_call("create", Json{{"input", {{"model", "verification"}, {"data", data}}}});
    expect_value(answer, "create");
    if (!answer.value.is_object() || !answer.value.contains("_id") ||
        !answer.value["_id"].is_string()) {
      RC_FAIL("create returned no _id: " + answer.value.dump());
    }
    sut.ids[key] = answer.value["_id"].get<std::string>();
    expect_document(answer.value, sut.document(row), "create");
    check_store(nextState(model), sut, "create");
  }
  void show(std::ostream& out) const override {
    out << "create {identifier: ident" << ident << ", value: \"" << value << "\", expiresAt: W+"
        << expires << "}";
  }
};

struct FindOne : Command {
  WhereSpec spec;
  explicit FindOne(const Model& model) : spec(WhereSpec::generate(model)) {}
  void checkPreconditions(const Model& model) const override { RC_PRE(spec.valid_for(model)); }

  void run(const Model& model, Sut& sut) const override {
    const Outcome outcome = evaluate(model, spec, Sort::kNone);
    AdapterAnswer answer =
        must_call("findOne", Json{{"model", "verification"}, {"where", spec.to_json(sut)}});
    if (outcome.thrown) return expect_thrown(answer, *outcome.thrown, "findOne");
    expect_value(answer, "findOne");
    if (outcome.rows.empty()) {
      if (!answer.value.is_null()) RC_FAIL("findOne: expected null, got " + answer.value.dump());
      return;
    }
    expect_document(answer.value, sut.document(outcome.rows.front()), "findOne");
  }
  void show(std::ostream& out) const override { out << "findOne where " << spec.show(); }
};

struct FindMany : Command {
  WhereSpec spec;
  int num_items = *rc::gen::inRange(1, 5);
  Sort sort = *rc::gen::element(Sort::kNone, Sort::kAsc, Sort::kDesc);
  explicit FindMany(const Model& model) : spec(WhereSpec::generate(model)) {}
  void checkPreconditions(const Model& model) const override { RC_PRE(spec.valid_for(model)); }

  void run(const Model& model, Sut& sut) const override {
    const Outcome outcome = evaluate(model, spec, sort);
    Json args = {{"model", "verification"}, {"where", spec.to_json(sut)}};
    add_sort(args, sort);
    Json cursor = nullptr;
    std::size_t at = 0;
    const std::size_t max_pages = outcome.rows.size() / static_cast<std::size_t>(num_items) + 2;
    for (std::size_t page = 0; page < max_pages; ++page) {
      args["paginationOpts"] = pagination(num_items, cursor);
      const std::string what = "findMany page " + std::to_string(page + 1);
      AdapterAnswer answer = must_call("findMany", args);
      if (outcome.thrown) return expect_thrown(answer, *outcome.thrown, what);
      expect_value(answer, what);
      std::vector<Row> expected;
      if (outcome.single_page) {
        expected = outcome.rows;
      } else {
        const std::size_t end =
            std::min(outcome.rows.size(), at + static_cast<std::size_t>(num_items));
        expected.assign(outcome.rows.begin() + static_cast<std::ptrdiff_t>(at),
                        outcome.rows.begin() + static_cast<std::ptrdiff_t>(end));
      }
      expect_documents(answer.value["page"], sut.documents(expected), what);
      const bool done = page_done(outcome, num_items, expected.size());
      expect_equal(answer.value["isDone"], done, what + " isDone");
      if (!answer.value["continueCursor"].is_string()) {
        RC_FAIL(what + ": continueCursor is not a string: " + answer.value.dump());
      }
      if (done) return;
      at += expected.size();
      cursor = answer.value["continueCursor"];
    }
    RC_FAIL("findMany: more pages than the model has rows for");
  }
  void show(std::ostream& out) const override {
    out << "findMany where " << spec.show() << " numItems " << num_items << " sortBy "
        << sort_name(sort) << " (every page)";
  }
};

struct UpdateOne : Command {
  WhereSpec spec;
  Update update = Update::generate();
  explicit UpdateOne(const Model& model) : spec(WhereSpec::generate(model)) {}
  void checkPreconditions(const Model& model) const override { RC_PRE(spec.valid_for(model)); }

  void apply(Model& model) const override {
    const Outcome outcome = evaluate(model, spec, Sort::kNone);
    if (!outcome.thrown && !outcome.rows.empty())
      update_rows(model, {outcome.rows.front()}, update);
  }
  void run(const Model& model, Sut& sut) const override {
    const Outcome outcome = evaluate(model, spec, Sort::kNone);
    AdapterAnswer answer = must_call("updateOne", Json{{"input",
                                                        {{"model", "verification"},
                                                         {"update", update.to_json(sut)},
                                                         {"where", spec.to_json(sut)}}}});
    if (outcome.thrown) return expect_thrown(answer, *outcome.thrown, "updateOne");
    if (outcome.rows.empty())
      return expect_thrown(answer, "Failed to update verification", "updateOne");
    expect_value(answer, "updateOne");
    Row row = outcome.rows.front();
    update.apply_to(row);
    expect_document(answer.value, sut.document(row), "updateOne");
    check_store(nextState(model), sut, "updateOne");
  }
  void show(std::ostream& out) const override {
    out << "updateOne " << update.show() << " where " << spec.show();
  }
};

struct UpdateMany : Command {
  WhereSpec spec;
  Update update = Update::generate();
  int num_items = *rc::gen::inRange(1, 5);
  explicit UpdateMany(const Model& model) : spec(WhereSpec::generate(model)) {}
  void checkPreconditions(const Model& model) const override { RC_PRE(spec.valid_for(model)); }

  void apply(Model& model) const override {
    const Outcome outcome = evaluate(model, spec, Sort::kNone);
    if (!outcome.thrown) update_rows(model, first_page(outcome, num_items), update);
  }
  void run(const Model& model, Sut& sut) const override {
    const Outcome outcome = evaluate(model, spec, Sort::kNone);
    AdapterAnswer answer = must_call("updateMany", Json{{"input",
                                                         {{"model", "verification"},
                                                          {"update", update.to_json(sut)},
                                                          {"where", spec.to_json(sut)}}},
                                                        {"paginationOpts", pagination(num_items)}});
    if (outcome.thrown) return expect_thrown(answer, *outcome.thrown, "updateMany");
    expect_value(answer, "updateMany");
    const std::vector<Row> page = first_page(outcome, num_items);
    Json ids = Json::array();
    for (const Row& row : page) ids.push_back(sut.id_of(row.key));
    expect_equal(answer.value["count"], page.size(), "updateMany count");
    expect_equal(answer.value["ids"], ids, "updateMany ids");
    expect_equal(answer.value["isDone"], page_done(outcome, num_items, page.size()),
                 "updateMany isDone");
    check_store(nextState(model), sut, "updateMany");
  }
  void show(std::ostream& out) const override {
    out << "updateMany " << update.show() << " where " << spec.show() << " numItems " << num_items;
  }
};

struct DeleteOne : Command {
  WhereSpec spec;
  explicit DeleteOne(const Model& model) : spec(WhereSpec::generate(model)) {}
  void checkPreconditions(const Model& model) const override { RC_PRE(spec.valid_for(model)); }

  void apply(Model& model) const override {
    const Outcome outcome = evaluate(model, spec, Sort::kNone);
    if (!outcome.thrown && !outcome.rows.empty()) remove_rows(model, {outcome.rows.front()});
  }
  void run(const Model& model, Sut& sut) const override {
    const Outcome outcome = evaluate(model, spec, Sort::kNone);
    AdapterAnswer answer = must_call(
        "deleteOne", Json{{"input", {{"model", "verification"}, {"where", spec.to_json(sut)}}}});
    if (outcome.thrown) return expect_thrown(answer, *outcome.thrown, "deleteOne");
    expect_value(answer, "deleteOne");
    if (outcome.rows.empty()) {
      if (!answer.value.is_null()) RC_FAIL("deleteOne: expected null, got " + answer.value.dump());
    } else {
      expect_document(answer.value, sut.document(outcome.rows.front()), "deleteOne");
    }
    check_store(nextState(model), sut, "deleteOne");
  }
  void show(std::ostream& out) const override { out << "deleteOne where " << spec.show(); }
};

struct DeleteMany : Command {
  WhereSpec spec;
  int num_items = *rc::gen::inRange(1, 5);
  explicit DeleteMany(const Model& model) : spec(WhereSpec::generate(model)) {}
  void checkPreconditions(const Model& model) const override { RC_PRE(spec.valid_for(model)); }

  void apply(Model& model) const override {
    const Outcome outcome = evaluate(model, spec, Sort::kNone);
    if (!outcome.thrown) remove_rows(model, first_page(outcome, num_items));
  }
  void run(const Model& model, Sut& sut) const override {
    const Outcome outcome = evaluate(model, spec, Sort::kNone);
    AdapterAnswer answer = must_call(
        "deleteMany", Json{{"input", {{"model", "verification"}, {"where", spec.to_json(sut)}}},
                           {"paginationOpts", pagination(num_items)}});
    if (outcome.thrown) return expect_thrown(answer, *outcome.thrown, "deleteMany");
    expect_value(answer, "deleteMany");
    const std::vector<Row> page = first_page(outcome, num_items);
    Json ids = Json::array();
    for (const Row& row : page) ids.push_back(sut.id_of(row.key));
    expect_equal(answer.value["count"], page.size(), "deleteMany count");
    expect_equal(answer.value["ids"], ids, "deleteMany ids");
    expect_equal(answer.value["isDone"], page_done(outcome, num_items, page.size()),
                 "deleteMany isDone");
    check_store(nextState(model), sut, "deleteMany");
  }
  void show(std::ostream& out) const override {
    out << "deleteMany where " << spec.show() << " numItems " << num_items;
  }
};

}  // namespace verification_model

// ===========================================================================
// The `session` model: the unique token, the fast path's in-memory filter
// with every operator, and pages by userId.

namespace session_model {

// Optional fields: absent (nullopt), null, or a string.
using Field = std::optional<Json>;

struct Row {
  int key = 0;
  int token = 0;  // which of the run's three tokens
  int expires = 0;
  Field user_agent;
  Field ip_address;
  int updated = 0;
};

struct Model {
  std::vector<Row> rows;
  int next_key = 0;
};

struct Sut {
  std::string user_id;
  std::string tokens[3];
  std::int64_t window_start;
  std::map<int, std::string> ids;

  Sut()
      : user_id(marker("model-s")),
        tokens{user_id + "-t0", user_id + "-t1", user_id + "-t2"},
        window_start(window()) {}
  ~Sut() { sweep_now("session", where({eq("userId", user_id)})); }
  Sut(const Sut&) = delete;
  Sut& operator=(const Sut&) = delete;

  const std::string& id_of(int key) const {
    auto it = ids.find(key);
    if (it == ids.end()) RC_FAIL("no _id recorded for row #" + std::to_string(key));
    return it->second;
  }
  Json document(const Row& row) const {
    Json out = {{"_id", id_of(row.key)},
                {"expiresAt", window_start + row.expires},
                {"token", tokens[row.token]},
                {"createdAt", kCreatedBase + row.key},
                {"updatedAt", kCreatedBase + row.updated},
                {"userId", user_id}};
    if (row.ip_address) out["ipAddress"] = *row.ip_address;
    if (row.user_agent) out["userAgent"] = *row.user_agent;
    return out;
  }
  std::vector<Json> documents(const std::vector<Row>& rows) const {
    std::vector<Json> out;
    for (const Row& row : rows) out.push_back(document(row));
    return out;
  }
};

std::string show_field(const Field& field) { return field ? field->dump() : "absent"; }

Field gen_user_agent() {
  return *rc::gen::element<Field>(std::nullopt, Json(nullptr), Json("Mozilla/5"), Json("curl/8"));
}
Field gen_ip_address() {
  return *rc::gen::element<Field>(std::nullopt, Json(nullptr), Json("10.0.0.1"));
}

// Few values, so that equal, smaller and larger all come up often.
const std::vector<std::string> kStrings = {"Mozilla/5", "curl/8", "M", "/", "", "10.0.0.1"};
constexpr int kExpiries = 3;  // expiresAt offsets 0..2
const std::vector<std::string> kOperators = {"",       "eq",       "ne",          "lt",
                                             "lte",    "gt",       "gte",         "in",
                                             "not_in", "contains", "starts_with", "ends_with"};

// A where-value in the model's terms: numbers are offsets in the window
// (comparisons and equality are unchanged by the shift).
struct Value {
  enum Kind { kNull, kNumber, kString, kNumbers, kStrings } kind = kNull;
  int number = 0;
  std::string text;
  std::vector<int> numbers;
  std::vector<std::string> texts;

  Json to_json(std::int64_t window_start) const {
    switch (kind) {
      case kNull:
        return nullptr;
      case kNumber:
        return window_start + number;
      case kString:
        return text;
      case kNumbers: {
        Json out = Json::array();
        for (int offset : numbers) out.push_back(window_start + offset);
        return out;
      }
      case kStrings:
        return texts;
    }
    return nullptr;
  }
  // The value as the model compares it (offsets for numbers).
  Json model_json() const { return to_json(0); }
  std::string show() const {
    switch (kind) {
      case kNull:
        return "null";
      case kNumber:
        return "W+" + std::to_string(number);
      case kString:
        return "\"" + text + "\"";
      case kNumbers:
        return listed(numbers, "W+");
      case kStrings:
        return quoted(texts);
    }
    return "?";
  }
};

// One more clause beside `token = …`, on any field, with any operator.
struct ExtraClause {
  std::string field;  // expiresAt, userAgent, ipAddress, image (never present)
  std::string op;     // "" = no operator (eq)
  Value value;
  bool first = false;

  static ExtraClause generate() {
    ExtraClause extra;
    extra.field = *rc::gen::element<std::string>("expiresAt", "userAgent", "ipAddress", "image");
    extra.op = *rc::gen::elementOf(kOperators);
    extra.first = *rc::gen::arbitrary<bool>();
    const bool numeric =
        extra.field == "expiresAt" || (extra.field == "image" && *rc::gen::arbitrary<bool>());
    if (extra.op == "in" || extra.op == "not_in") {
      const auto count = static_cast<std::size_t>(*rc::gen::inRange(0, 3));
      if (numeric) {
        extra.value.kind = Value::kNumbers;
        extra.value.numbers =
            *rc::gen::container<std::vector<int>>(count, rc::gen::inRange(0, kExpiries));
      } else {
        extra.value.kind = Value::kStrings;
        extra.value.texts =
            *rc::gen::container<std::vector<std::string>>(count, rc::gen::elementOf(kStrings));
      }
    } else if (extra.op == "contains" || extra.op == "starts_with" || extra.op == "ends_with") {
      extra.value.kind = Value::kString;
      extra.value.text = *rc::gen::elementOf(kStrings);
    } else if (*rc::gen::inRange(0, 5) == 0) {
      extra.value.kind = Value::kNull;
    } else if (numeric) {
      extra.value.kind = Value::kNumber;
      extra.value.number = *rc::gen::inRange(0, kExpiries);
    } else {
      extra.value.kind = Value::kString;
      extra.value.text = *rc::gen::elementOf(kStrings);
    }
    return extra;
  }

  Json to_json(std::int64_t window_start) const {
    return op.empty() ? eq(field, value.to_json(window_start))
                      : clause(field, op, value.to_json(window_start));
  }

  // filterByWhere (adapter-utils.ts) over the document's field, in the
  // model's terms.
  bool matches(const Row& row) const {
    Field field_value;
    if (field == "expiresAt") field_value = Json(row.expires);
    if (field == "userAgent") field_value = row.user_agent;
    if (field == "ipAddress") field_value = row.ip_address;
    const Json wanted = value.model_json();
    const auto nullish = [](const Field& v) { return !v || v->is_null(); };
    const auto strict_equal = [](const Field& v, const Json& w) {
      if (!v) return false;  // undefined is never a where-value
      if (v->is_number() && w.is_number()) return v->get<double>() == w.get<double>();
      return *v == w;
    };
    // Both sides are of one type here (numbers, or strings), or null.
    const auto less = [](const Json& a, const Json& b) {
      if (a.is_number() && b.is_number()) return a.get<double>() < b.get<double>();
      if (a.is_string() && b.is_string()) return a.get<std::string>() < b.get<std::string>();
      return false;
    };
    const auto is_less_than = [&](const Field& v, const Json& w) {
      if (w.is_null()) return false;
      if (nullish(v)) return true;
      return less(*v, w);
    };
    const auto is_greater_than = [&](const Field& v, const Json& w) {
      if (nullish(v)) return false;
      if (w.is_null()) return true;
      return less(w, *v);
    };
    const auto includes = [&](const Json& array, const Field& v) {
      if (!v) return false;
      for (const Json& item : array) {
        if (strict_equal(v, item)) return true;
      }
      return false;
    };
    const auto text_of = [](const Field& v) -> std::optional<std::string> {
      if (v && v->is_string()) return v->get<std::string>();
      return std::nullopt;
    };
    if (op.empty() || op == "eq") return strict_equal(field_value, wanted);
    if (op == "ne") return !strict_equal(field_value, wanted);
    if (op == "lt") return is_less_than(field_value, wanted);
    if (op == "lte") return strict_equal(field_value, wanted) || is_less_than(field_value, wanted);
    if (op == "gt") return is_greater_than(field_value, wanted);
    if (op == "gte")
      return strict_equal(field_value, wanted) || is_greater_than(field_value, wanted);
    if (op == "in") return wanted.is_array() && includes(wanted, field_value);
    if (op == "not_in") return wanted.is_array() && !includes(wanted, field_value);
    const auto text = text_of(field_value);
    if (!text) return false;  // "string-only; a non-string value never matches"
    const std::string needle = wanted.get<std::string>();
    if (op == "contains") return text->find(needle) != std::string::npos;
    if (op == "starts_with") return text->starts_with(needle);
    return text->ends_with(needle);  // ends_with
  }

  std::string show() const {
    return field + " " + (op.empty() ? std::string("=") : op) + " " + value.show();
  }
};

struct Update {
  std::optional<int> token;
  std::optional<int> expires;
  Field user_agent;  // a string or null when set
  std::optional<int> updated;

  static Update generate() {
    Update update;
    if (*rc::gen::arbitrary<bool>()) update.token = *rc::gen::inRange(0, 3);
    if (*rc::gen::arbitrary<bool>()) update.expires = *rc::gen::inRange(0, kExpiries);
    if (*rc::gen::inRange(0, 3) == 0) {
      update.user_agent = *rc::gen::element(Json(nullptr), Json("Mozilla/5"), Json("curl/8"));
    }
    if (*rc::gen::arbitrary<bool>()) update.updated = *rc::gen::inRange(0, 1000);
    if (!update.token && !update.expires && !update.user_agent && !update.updated)
      update.updated = 1;
    return update;
  }
  Json to_json(const Sut& sut) const {
    Json out = Json::object();
    if (token) out["token"] = sut.tokens[*token];
    if (expires) out["expiresAt"] = sut.window_start + *expires;
    if (user_agent) out["userAgent"] = *user_agent;
    if (updated) out["updatedAt"] = kCreatedBase + *updated;
    return out;
  }
  void apply_to(Row& row) const {
    if (token) row.token = *token;
    if (expires) row.expires = *expires;
    if (user_agent) row.user_agent = user_agent;
    if (updated) row.updated = *updated;
  }
  std::string show() const {
    std::string out;
    const auto add = [&](const std::string& item) { out += (out.empty() ? "" : ", ") + item; };
    if (token) add("token: t" + std::to_string(*token));
    if (expires) add("expiresAt: W+" + std::to_string(*expires));
    if (user_agent) add("userAgent: " + user_agent->dump());
    if (updated) add("updatedAt: " + std::to_string(*updated));
    return "{" + out + "}";
  }
};

const Row* live_with_token(const Model& model, int token) {
  for (const Row& row : model.rows) {
    if (row.token == token) return &row;
  }
  return nullptr;
}

// checkUniqueFields for an update of `row` (nullptr: a create).
bool token_taken(const Model& model, int token, const Row* row) {
  const Row* holder = live_with_token(model, token);
  return holder != nullptr && (row == nullptr || holder->key != row->key);
}

void check_store(const Model& model, const Sut& sut, const std::string& after) {
  AdapterAnswer answer = must_call("findMany", Json{{"model", "session"},
                                                    {"where", where({eq("userId", sut.user_id)})},
                                                    {"paginationOpts", pagination(200)}});
  expect_value(answer, "the store read back after " + after);
  expect_documents(answer.value["page"], sut.documents(model.rows), "the store after " + after);
}

using Command = rc::state::Command<Model, Sut>;

struct Create : Command {
  int token = *rc::gen::inRange(0, 3);
  int expires = *rc::gen::inRange(0, kExpiries);
  Field user_agent = gen_user_agent();
  Field ip_address = gen_ip_address();

  void apply(Model& model) const override {
    if (!token_taken(model, token, nullptr)) {
      model.rows.push_back(
          Row{model.next_key, token, expires, user_agent, ip_address, model.next_key});
    }
    ++model.next_key;
  }
  void run(const Model& model, Sut& sut) const override {
    const int key = model.next_key;
    Json data =
        session(sut.tokens[token], sut.user_id, sut.window_start + expires, kCreatedBase + key);
    if (user_agent) data["userAgent"] = *user_agent;
    if (ip_address) data["ipAddress"] = *ip_address;
    AdapterAnswer answer =
        must_call("create", Json{{"input", {{"model", "session"}, {"data", data}}}});
    if (token_taken(model, token, nullptr)) {
      return expect_thrown(answer, "session token already exists", "create");
    }
    expect_value(answer, "create");
    if (!answer.value.is_object() || !answer.value.contains("_id") ||
        !answer.value["_id"].is_string()) {
      RC_FAIL("create returned no _id: " + answer.value.dump());
    }
    sut.ids[key] = answer.value["_id"].get<std::string>();
    expect_document(answer.value,
                    sut.document(Row{key, token, expires, user_agent, ip_address, key}), "create");
    check_store(nextState(model), sut, "create");
  }
  void show(std::ostream& out) const override {
    out << "create session {token: t" << token << ", expiresAt: W+" << expires
        << ", userAgent: " << show_field(user_agent) << ", ipAddress: " << show_field(ip_address)
        << "}";
  }
};

Json token_where(const Sut& sut, int token, const std::optional<ExtraClause>& extra) {
  const Json by_token = eq("token", sut.tokens[token]);
  if (!extra) return Json::array({by_token});
  const Json other = extra->to_json(sut.window_start);
  return extra->first ? Json::array({other, by_token}) : Json::array({by_token, other});
}

// Several findOne calls for one token, each with another extra clause (or
// none): the fast path's in-memory filter meets many operator/value/field
// combinations per sequence.
struct FindOneByToken : Command {
  int token = *rc::gen::inRange(0, 3);
  std::vector<std::optional<ExtraClause>> extras =
      *rc::gen::container<std::vector<std::optional<ExtraClause>>>(
          static_cast<std::size_t>(*rc::gen::inRange(1, 5)), rc::gen::exec([] {
            return *rc::gen::inRange(0, 5) == 0
                       ? std::nullopt
                       : std::optional<ExtraClause>(ExtraClause::generate());
          }));

  void run(const Model& model, Sut& sut) const override {
    const Row* row = live_with_token(model, token);
    for (const std::optional<ExtraClause>& extra : extras) {
      const std::string what = "findOne where token = t" + std::to_string(token) +
                               (extra ? " and " + extra->show() : std::string());
      const bool found = row != nullptr && (!extra || extra->matches(*row));
      AdapterAnswer answer = must_call(
          "findOne", Json{{"model", "session"}, {"where", token_where(sut, token, extra)}});
      expect_value(answer, what);
      if (!found) {
        if (!answer.value.is_null()) RC_FAIL(what + ": expected null, got " + answer.value.dump());
        continue;
      }
      expect_document(answer.value, sut.document(*row), what);
    }
  }
  void show(std::ostream& out) const override {
    out << "findOne session where token = t" << token << ", with each of:";
    for (const std::optional<ExtraClause>& extra : extras) {
      out << (extra ? (extra->first ? " [before] " : " [after] ") + extra->show() : " [nothing]")
          << ";";
    }
  }
};

struct UpdateOneByToken : Command {
  int token = *rc::gen::inRange(0, 3);
  Update update = Update::generate();

  void apply(Model& model) const override {
    const Row* row = live_with_token(model, token);
    if (row == nullptr || (update.token && token_taken(model, *update.token, row))) return;
    for (Row& live : model.rows) {
      if (live.key == row->key) update.apply_to(live);
    }
  }
  void run(const Model& model, Sut& sut) const override {
    const Row* row = live_with_token(model, token);
    AdapterAnswer answer =
        must_call("updateOne", Json{{"input",
                                     {{"model", "session"},
                                      {"update", update.to_json(sut)},
                                      {"where", token_where(sut, token, std::nullopt)}}}});
    if (row == nullptr) return expect_thrown(answer, "Failed to update session", "updateOne");
    if (update.token && token_taken(model, *update.token, row)) {
      return expect_thrown(answer, "session token already exists", "updateOne");
    }
    expect_value(answer, "updateOne");
    Row updated = *row;
    update.apply_to(updated);
    expect_document(answer.value, sut.document(updated), "updateOne");
    check_store(nextState(model), sut, "updateOne");
  }
  void show(std::ostream& out) const override {
    out << "updateOne session " << update.show() << " where token = t" << token;
  }
};

struct DeleteOneByToken : Command {
  int token = *rc::gen::inRange(0, 3);

  void apply(Model& model) const override {
    std::erase_if(model.rows, [&](const Row& row) { return row.token == token; });
  }
  void run(const Model& model, Sut& sut) const override {
    const Row* row = live_with_token(model, token);
    AdapterAnswer answer = must_call(
        "deleteOne",
        Json{{"input", {{"model", "session"}, {"where", token_where(sut, token, std::nullopt)}}}});
    expect_value(answer, "deleteOne");
    if (row == nullptr) {
      if (!answer.value.is_null()) RC_FAIL("deleteOne: expected null, got " + answer.value.dump());
    } else {
      expect_document(answer.value, sut.document(*row), "deleteOne");
    }
    check_store(nextState(model), sut, "deleteOne");
  }
  void show(std::ostream& out) const override {
    out << "deleteOne session where token = t" << token;
  }
};

Json user_where(const Sut& sut) { return where({eq("userId", sut.user_id)}); }

std::vector<Row> user_page(const Model& model, int num_items) {
  const std::size_t n = std::min(model.rows.size(), static_cast<std::size_t>(num_items));
  return {model.rows.begin(), model.rows.begin() + static_cast<std::ptrdiff_t>(n)};
}

struct FindManyByUser : Command {
  int num_items = *rc::gen::inRange(1, 5);
  Sort sort = *rc::gen::element(Sort::kNone, Sort::kAsc, Sort::kDesc);

  void run(const Model& model, Sut& sut) const override {
    std::vector<Row> rows = model.rows;
    if (sort == Sort::kDesc) std::reverse(rows.begin(), rows.end());
    Json args = {{"model", "session"}, {"where", user_where(sut)}};
    add_sort(args, sort);
    Json cursor = nullptr;
    std::size_t at = 0;
    const std::size_t max_pages = rows.size() / static_cast<std::size_t>(num_items) + 2;
    for (std::size_t page = 0; page < max_pages; ++page) {
      args["paginationOpts"] = pagination(num_items, cursor);
      const std::string what = "findMany page " + std::to_string(page + 1);
      AdapterAnswer answer = must_call("findMany", args);
      expect_value(answer, what);
      const std::size_t end = std::min(rows.size(), at + static_cast<std::size_t>(num_items));
      const std::vector<Row> expected(rows.begin() + static_cast<std::ptrdiff_t>(at),
                                      rows.begin() + static_cast<std::ptrdiff_t>(end));
      expect_documents(answer.value["page"], sut.documents(expected), what);
      const bool done = expected.size() < static_cast<std::size_t>(num_items);
      expect_equal(answer.value["isDone"], done, what + " isDone");
      if (done) return;
      at = end;
      cursor = answer.value["continueCursor"];
    }
    RC_FAIL("findMany: more pages than the model has rows for");
  }
  void show(std::ostream& out) const override {
    out << "findMany session where userId = user numItems " << num_items << " sortBy "
        << sort_name(sort) << " (every page)";
  }
};

struct UpdateManyByUser : Command {
  int num_items = *rc::gen::inRange(1, 5);
  Update update = Update::generate();

  // The error updateMany throws for this page, if any (create-api.ts).
  std::optional<std::string> error(const Model& model) const {
    const std::vector<Row> page = user_page(model, num_items);
    if (update.token && page.size() > 1) {
      return "Attempted to set unique fields in multiple documents in session with the same "
             "value. Fields: ";
    }
    if (update.token && page.size() == 1 && token_taken(model, *update.token, &page[0])) {
      return "session token already exists";
    }
    return std::nullopt;
  }
  void apply(Model& model) const override {
    if (error(model)) return;
    const std::vector<Row> page = user_page(model, num_items);
    for (Row& row : model.rows) {
      for (const Row& target : page) {
        if (row.key == target.key) update.apply_to(row);
      }
    }
  }
  void run(const Model& model, Sut& sut) const override {
    AdapterAnswer answer = must_call(
        "updateMany",
        Json{{"input",
              {{"model", "session"}, {"update", update.to_json(sut)}, {"where", user_where(sut)}}},
             {"paginationOpts", pagination(num_items)}});
    if (auto thrown = error(model)) return expect_thrown(answer, *thrown, "updateMany");
    expect_value(answer, "updateMany");
    const std::vector<Row> page = user_page(model, num_items);
    Json ids = Json::array();
    for (const Row& row : page) ids.push_back(sut.id_of(row.key));
    expect_equal(answer.value["count"], page.size(), "updateMany count");
    expect_equal(answer.value["ids"], ids, "updateMany ids");
    expect_equal(answer.value["isDone"], page.size() < static_cast<std::size_t>(num_items),
                 "updateMany isDone");
    check_store(nextState(model), sut, "updateMany");
  }
  void show(std::ostream& out) const override {
    out << "updateMany session " << update.show() << " where userId = user numItems " << num_items;
  }
};

struct DeleteManyByUser : Command {
  int num_items = *rc::gen::inRange(1, 5);

  void apply(Model& model) const override {
    const std::size_t n = std::min(model.rows.size(), static_cast<std::size_t>(num_items));
    model.rows.erase(model.rows.begin(), model.rows.begin() + static_cast<std::ptrdiff_t>(n));
  }
  void run(const Model& model, Sut& sut) const override {
    AdapterAnswer answer =
        must_call("deleteMany", Json{{"input", {{"model", "session"}, {"where", user_where(sut)}}},
                                     {"paginationOpts", pagination(num_items)}});
    expect_value(answer, "deleteMany");
    const std::vector<Row> page = user_page(model, num_items);
    Json ids = Json::array();
    for (const Row& row : page) ids.push_back(sut.id_of(row.key));
    expect_equal(answer.value["count"], page.size(), "deleteMany count");
    expect_equal(answer.value["ids"], ids, "deleteMany ids");
    expect_equal(answer.value["isDone"], page.size() < static_cast<std::size_t>(num_items),
                 "deleteMany isDone");
    check_store(nextState(model), sut, "deleteMany");
  }
  void show(std::ostream& out) const override {
    out << "deleteMany session where userId = user numItems " << num_items;
  }
};

}  // namespace session_model

// ===========================================================================
// filterByWhere over generated clauses (authconf::gen::where_clause): one
// session (fields from the generator's own small pools, so clauses hit and
// miss) and several clauses, each sent beside `token = <its token>`. That
// clause comes first, so it is paginate's unique lookup (the first eq on a
// unique field) and reads exactly this one document; the generated clause is
// then applied in memory, with JavaScript's semantics.

namespace generated_where {

using Field = std::optional<Json>;

// JavaScript `===` between a stored value (absent: undefined) and a
// where-value (never undefined; an array is never === anything here).
bool strict_equal(const Field& stored, const Json& wanted) {
  if (!stored || wanted.is_array()) return false;
  if (stored->is_number() && wanted.is_number())
    return stored->get<double>() == wanted.get<double>();
  return *stored == wanted;
}

// JavaScript `<` for the same-typed values the generator and these
// documents produce; anything else is discarded rather than guessed.
bool less(const Json& a, const Json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() < b.get<double>();
  // Code points of the BMP compare as UTF-16 units do, and as UTF-8 bytes.
  if (a.is_string() && b.is_string()) return a.get<std::string>() < b.get<std::string>();
  if (a.is_boolean() && b.is_boolean()) return !a.get<bool>() && b.get<bool>();
  RC_DISCARD("a comparison across types: " + a.dump() + " < " + b.dump());
}

// filterByWhere (adapter-utils.ts) for one clause.
bool filter_by_where(const Json& document, const Json& where_clause) {
  const std::string field = where_clause.at("field").get<std::string>();
  const std::string op = where_clause.value("operator", "eq");
  const Json& wanted = where_clause.at("value");
  Field stored;
  if (auto it = document.find(field); it != document.end()) stored = *it;
  const auto nullish = [](const Field& v) { return !v || v->is_null(); };
  const auto is_less_than = [&](const Field& v, const Json& w) {
    if (w.is_null()) return false;
    if (nullish(v)) return true;
    return less(*v, w);
  };
  const auto is_greater_than = [&](const Field& v, const Json& w) {
    if (nullish(v)) return false;
    if (w.is_null()) return true;
    return less(w, *v);
  };
  const auto includes = [&](const Field& v) {
    return std::any_of(wanted.begin(), wanted.end(),
                       [&](const Json& item) { return strict_equal(v, item); });
  };
  if (op == "eq") return strict_equal(stored, wanted);
  if (op == "ne") return !strict_equal(stored, wanted);
  if (op == "lt") return is_less_than(stored, wanted);
  if (op == "lte") return strict_equal(stored, wanted) || is_less_than(stored, wanted);
  if (op == "gt") return is_greater_than(stored, wanted);
  if (op == "gte") return strict_equal(stored, wanted) || is_greater_than(stored, wanted);
  if (op == "in") return wanted.is_array() && includes(stored);
  if (op == "not_in") return wanted.is_array() && !includes(stored);
  if (!stored || !stored->is_string()) return false;  // string operators
  if (!wanted.is_string()) RC_DISCARD("a string operator with a non-string value");
  const std::string text = stored->get<std::string>();
  const std::string needle = wanted.get<std::string>();
  if (op == "contains") return text.find(needle) != std::string::npos;
  if (op == "starts_with") return text.starts_with(needle);
  if (op == "ends_with") return text.ends_with(needle);
  RC_FAIL("the generator produced an unknown operator: " + where_clause.dump());
}

// Stored optional strings from the generator's pools
// (harness/src/gen/gen.cpp), as JSON text ("" = absent), so that rapidcheck
// prints them readably in a counterexample.
rc::Gen<std::string> optional_string() {
  return rc::gen::element<std::string>("", "null", R"("a")", R"("b")", R"("ab")", R"("ba")",
                                       R"("A")", R"("")", R"("é")", R"("a b")", R"("abc")");
}
// Dates around 1795344700000, as the generator's.
rc::Gen<std::int64_t> date() {
  return rc::gen::map(rc::gen::inRange(0, 5),
                      [](int k) { return std::int64_t{1795344700000} + 1000 * k; });
}

}  // namespace generated_where

// Sequences scaled to 40% of rapidcheck's size (up to about 40 commands),
// each followed by a read-back: bounded in time on a remote target too.
constexpr double kSequenceScale = 0.4;

// Runs random sequences of `Commands` (a command listed twice is drawn twice
// as often) against the target and the model, 200 times.
template <class Model, class Sut, class... Commands>
void check_model(const std::string& description) {
  bridge_failed() = false;
  suite::check_property(description, 200, [] {
    Sut sut;
    const Model initial;
    const auto commands = *rc::gen::scale(
        kSequenceScale,
        rc::state::gen::commands(initial, rc::state::gen::execOneOfWithArgs<Commands...>()));
    rc::state::runAll(commands, initial, sut);
  });
  if (bridge_failed()) suite::record_error("a bridge call failed during the property");
}

TEST(AdapterModel, VerificationSequencesAgreeWithTheModel) {
  AUTHCONF_CASE("adapter.model.verification-sequences", "spec/convex-component.md §3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  namespace vm = verification_model;
  check_model<vm::Model, vm::Sut, vm::Create, vm::Create, vm::FindOne, vm::FindMany, vm::UpdateOne,
              vm::UpdateMany, vm::DeleteOne, vm::DeleteMany>(
      "random create/findOne/findMany/updateOne/updateMany/deleteOne/deleteMany sequences on "
      "`verification` answer as the model of the component does");
}

TEST(AdapterModel, SessionSequencesAgreeWithTheModel) {
  AUTHCONF_CASE("adapter.model.session-sequences", "spec/convex-component.md §2.3, §3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  namespace sm = session_model;
  check_model<sm::Model, sm::Sut, sm::Create, sm::Create, sm::FindOneByToken, sm::FindOneByToken,
              sm::UpdateOneByToken, sm::DeleteOneByToken, sm::FindManyByUser, sm::UpdateManyByUser,
              sm::DeleteManyByUser>(
      "random session sequences (unique token, every where operator on the fast path, pages by "
      "userId) answer as the model of the component does");
}

TEST(AdapterModel, GeneratedWhereClausesFilterLikeFilterByWhere) {
  AUTHCONF_CASE("adapter.model.generated-where-clauses", "spec/convex-component.md §3.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  namespace gw = generated_where;
  bridge_failed() = false;
  suite::check_property(
      "findOne session where [token = T, <a generated clause>] answers the session exactly when "
      "filterByWhere(session, clause) holds",
      200, [] {
        const std::string m = marker("model-g");
        Json data = session(m + "-token", m + "-user", *gw::date(), *gw::date());
        data["updatedAt"] = *gw::date();
        if (const std::string ip = *gw::optional_string(); !ip.empty()) {
          data["ipAddress"] = Json::parse(ip);
        }
        if (const std::string agent = *gw::optional_string(); !agent.empty()) {
          data["userAgent"] = Json::parse(agent);
        }
        AdapterAnswer created =
            must_call("create", Json{{"input", {{"model", "session"}, {"data", data}}}});
        expect_value(created, "create " + data.dump());
        struct Cleanup {
          std::string user_id;
          ~Cleanup() { sweep_now("session", where({eq("userId", user_id)})); }
        } cleanup{m + "-user"};
        const Json document = created.value;
        // Clauses on _id draw from this session's own id. Even an eq on _id
        // or on token comes second, so the lookup stays ours.
        // Up to about ten clauses (fewer when shrinking), as JSON text.
        const auto clauses = *rc::gen::scale(
            0.1, rc::gen::container<std::vector<std::string>>(rc::gen::map(
                     gen::where_clause("session", {document.at("_id").get<std::string>()}),
                     [](const Json& clause_json) { return clause_json.dump(); })));
        for (const std::string& clause_text : clauses) {
          const Json generated = Json::parse(clause_text);
          const bool expected = gw::filter_by_where(document, generated);
          AdapterAnswer found = must_call(
              "findOne", Json{{"model", "session"},
                              {"where", Json::array({eq("token", m + "-token"), generated})}});
          const std::string what =
              "findOne where [token = T, " + generated.dump() + "] on " + document.dump();
          expect_value(found, what);
          if (expected) {
            expect_equal(found.value, document, what);
          } else if (!found.value.is_null()) {
            RC_FAIL(what + ": expected null, got " + found.value.dump());
          }
        }
      });
  if (bridge_failed()) suite::record_error("a bridge call failed during the property");
}

}  // namespace
}  // namespace authconf

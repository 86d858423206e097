// Suite `adapter`: the seven component functions (create, findOne, findMany,
// updateOne, updateMany, deleteOne, deleteMany) driven through the bridge
// (bridge-v1 POST /adapter/{fn}, feature `adapter`). It checks the argument
// and return shapes, the query engine's exact error strings, pagination
// (one page per call, isDone, cursors, the read budget), the unique fields
// the component enforces, and the where-clause semantics of
// spec/convex-component.md §3, plus the cases of Better Auth's own adapter
// suite (spec/better-auth-wire.md §11) the Convex component keeps.
//
// This is how a user validates a custom adapter or a locally installed
// component. Every row a case writes carries a run marker and is removed
// when the case ends (adapter_support.h); thrown messages are matched as
// substrings, since backends wrap them (bridge-v1).
#include <authconf/matchers.h>
#include <authconf/suite.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "adapter_support.h"

namespace authconf {
namespace {

using namespace adapter_suite;  // NOLINT: the suite's own helpers
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// "adapter.find-one.no-match" → "adapter_find_one_no_match" (a gtest name).
std::string test_name(std::string_view id) {
  std::string out(id);
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return out;
}

// Replaces each placeholder (longest first, so $W100 wins over $W1).
std::string fill(std::string text, std::vector<std::pair<std::string, std::string>> values) {
  std::sort(values.begin(), values.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [from, to] : values) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
      text.replace(at, from.size(), to);
    }
  }
  return text;
}

Json find_many_args(std::string_view model, Json where_clauses, int num_items = 10) {
  return Json{{"model", model},
              {"where", std::move(where_clauses)},
              {"paginationOpts", pagination(num_items)}};
}

// ---------------------------------------------------------------------------
// Every error the query engine and the validators throw (§3.1, §3.3, §3.4).
// Placeholders: $M and $N are fresh run markers, $W a fresh expiry window.

struct ThrowRow {
  const char* id;
  const char* spec;
  const char* function;
  const char* args;     // JSON template
  const char* message;  // substring of the thrown message (template)
  const char* witness;  // findMany args that must find nothing afterwards, or nullptr
};

void PrintTo(const ThrowRow& row, std::ostream* out) { *out << row.id; }

constexpr const char* kVerificationWitness =
    R"({"model":"verification","where":[{"field":"identifier","value":"$M"}],"paginationOpts":{"numItems":10,"cursor":null}})";

const ThrowRow kThrowRows[] = {
    // paginate's validation, in its order (adapter-utils.ts paginate).
    {"adapter.find-many.offset-rejected", "spec/convex-component.md §3.3", "findMany",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"}],"offset":2,
         "paginationOpts":{"numItems":10,"cursor":null}})",
     "offset not supported: 2", nullptr},
    {"adapter.find-many.or-connector-with-several-clauses-rejected",
     "spec/convex-component.md §3.3", "findMany",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M","connector":"OR"},
         {"field":"value","value":"x","connector":"OR"}],"paginationOpts":{"numItems":10,"cursor":null}})",
     "OR connector not supported with multiple where statements in paginate, split up the where "
     "statements before calling paginate: ",
     nullptr},
    {"adapter.find-one.or-connector-with-several-clauses-rejected", "spec/convex-component.md §3.3",
     "findOne",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"value","value":"x","connector":"OR"}]})",
     "OR connector not supported with multiple where statements in paginate", nullptr},
    {"adapter.update-many.or-connector-with-several-clauses-rejected",
     "spec/convex-component.md §3.3", "updateMany",
     R"({"input":{"model":"verification","update":{"value":"y"},"where":[
         {"field":"identifier","value":"$M","connector":"OR"},{"field":"value","value":"x","connector":"OR"}]},
         "paginationOpts":{"numItems":10,"cursor":null}})",
     "OR connector not supported with multiple where statements in paginate", nullptr},
    {"adapter.find-one.id-with-lt-rejected", "spec/convex-component.md §3.3", "findOne",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"_id","operator":"lt","value":"x"}]})",
     "_id can only be used with eq, in, or not_in operator: ", nullptr},
    {"adapter.find-many.id-with-ne-rejected", "spec/convex-component.md §3.3", "findMany",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"_id","operator":"ne","value":"x"}],"paginationOpts":{"numItems":10,"cursor":null}})",
     "_id can only be used with eq, in, or not_in operator: ", nullptr},
    {"adapter.find-one.id-with-contains-rejected", "spec/convex-component.md §3.3", "findOne",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"_id","operator":"contains","value":"x"}]})",
     "_id can only be used with eq, in, or not_in operator: ", nullptr},
    {"adapter.delete-one.id-with-gt-rejected", "spec/convex-component.md §3.3", "deleteOne",
     R"({"input":{"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"_id","operator":"gt","value":"x"}]}})",
     "_id can only be used with eq, in, or not_in operator: ", nullptr},
    {"adapter.find-one.insensitive-mode-rejected", "spec/convex-component.md §3.3", "findOne",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M","mode":"insensitive"}]})",
     "Case-insensitive queries (mode: \"insensitive\") are not supported by the Convex adapter. "
     "Store values in a normalized form (e.g. lowercase on write) and query against the normalized "
     "value.",
     nullptr},
    {"adapter.find-many.insensitive-mode-rejected", "spec/convex-component.md §3.3", "findMany",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M","mode":"insensitive"}],
         "paginationOpts":{"numItems":10,"cursor":null}})",
     "Case-insensitive queries (mode: \"insensitive\") are not supported by the Convex adapter.",
     nullptr},
    {"adapter.update-one.insensitive-mode-rejected", "spec/convex-component.md §3.3", "updateOne",
     R"({"input":{"model":"verification","update":{"value":"x"},
         "where":[{"field":"identifier","value":"$M","mode":"insensitive"}]}})",
     "Case-insensitive queries (mode: \"insensitive\") are not supported by the Convex adapter.",
     nullptr},
    {"adapter.delete-many.insensitive-mode-rejected", "spec/convex-component.md §3.3", "deleteMany",
     R"({"input":{"model":"verification","where":[{"field":"identifier","value":"$M","mode":"insensitive"}]},
         "paginationOpts":{"numItems":10,"cursor":null}})",
     "Case-insensitive queries (mode: \"insensitive\") are not supported by the Convex adapter.",
     nullptr},
    // The `in` paths (§3.3 "in clause handling").
    {"adapter.find-many.in-value-not-an-array-rejected", "spec/convex-component.md §3.3",
     "findMany",
     R"({"model":"verification","where":[{"field":"identifier","operator":"in","value":"$M"}],
         "paginationOpts":{"numItems":10,"cursor":null}})",
     "in clause value must be an array", nullptr},
    // One stream per value: no value, no stream (convex-helpers' mergedStream).
    {"adapter.find-many.in-empty-array-thrown", "spec/convex-component.md §3.3", "findMany",
     R"({"model":"verification","where":[{"field":"identifier","operator":"in","value":[]}],
         "paginationOpts":{"numItems":10,"cursor":null}})",
     "Cannot union empty array of streams", nullptr},
    // The observed bug: email_name has a trailing `name` that breaks the
    // _creationTime merge order. A "fixed" adapter differs from the component.
    {"adapter.find-many.in-on-user-email-fails-to-merge", "spec/convex-component.md §3.3",
     "findMany",
     R"({"model":"user","where":[{"field":"email","operator":"in",
         "value":["$M-a@conformance.example","$M-b@conformance.example"]}],
         "paginationOpts":{"numItems":10,"cursor":null}})",
     "indexFields must be some sequence of fields the stream is ordered by", nullptr},
    // findIndex's bounds (§3.3 index selection, rule 2).
    {"adapter.find-many.two-lower-bounds-rejected", "spec/convex-component.md §3.3", "findMany",
     R"({"model":"verification","where":[{"field":"expiresAt","operator":"lt","value":$W2},
         {"field":"expiresAt","operator":"lte","value":$W3}],"paginationOpts":{"numItems":10,"cursor":null}})",
     "cannot have more than one lower bound where clause: ", nullptr},
    {"adapter.find-many.two-upper-bounds-rejected", "spec/convex-component.md §3.3", "findMany",
     R"({"model":"verification","where":[{"field":"expiresAt","operator":"gt","value":$W2},
         {"field":"expiresAt","operator":"gte","value":$W3}],"paginationOpts":{"numItems":10,"cursor":null}})",
     "cannot have more than one upper bound where clause: ", nullptr},
    {"adapter.find-many.bounds-on-different-fields-rejected", "spec/convex-component.md §3.3",
     "findMany",
     R"({"model":"verification","where":[{"field":"expiresAt","operator":"lt","value":$W3},
         {"field":"updatedAt","operator":"gt","value":$W1}],"paginationOpts":{"numItems":10,"cursor":null}})",
     "lower bound and upper bound must have the same field: ", nullptr},
    {"adapter.find-many.eq-on-bound-field-rejected", "spec/convex-component.md §3.3", "findMany",
     R"({"model":"verification","where":[{"field":"expiresAt","operator":"lt","value":$W3},
         {"field":"expiresAt","value":$W2}],"paginationOpts":{"numItems":10,"cursor":null}})",
     "too many where clauses on the bound field: ", nullptr},
    // _creationTime stands in for createdAt, so the identifier index is
    // chosen and the stream refuses a bound on a field it does not have.
    {"adapter.find-many.created-at-bound-beside-eq-thrown", "spec/convex-component.md §3.3",
     "findMany",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"createdAt","operator":"lt","value":5}],"paginationOpts":{"numItems":10,"cursor":null}})",
     "Cannot use lt on field 'createdAt'", nullptr},
    {"adapter.find-many.zero-items-first-page-rejected", "spec/convex-component.md §3.2",
     "findMany",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"}],
         "paginationOpts":{"numItems":0,"cursor":null}})",
     ".paginate called with cursor of null and 0 for numItems", nullptr},
    // Argument validators (§3.1, §3.2): the exact wording is the backend's,
    // the substring is what every backend prints.
    {"adapter.find-one.where-without-value-rejected", "spec/convex-component.md §3.1", "findOne",
     R"({"model":"verification","where":[{"field":"identifier"}]})", "field `value`", nullptr},
    {"adapter.find-one.unknown-operator-rejected", "spec/convex-component.md §3.1", "findOne",
     R"({"model":"verification","where":[{"field":"identifier","operator":"like","value":"$M"}]})",
     "like", nullptr},
    {"adapter.find-one.unknown-model-rejected", "spec/convex-component.md §3.2", "findOne",
     R"({"model":"verifications","where":[{"field":"identifier","value":"$M"}]})", "verifications",
     nullptr},
    {"adapter.find-many.missing-pagination-opts-rejected", "spec/convex-component.md §3.2",
     "findMany", R"({"model":"verification","where":[{"field":"identifier","value":"$M"}]})",
     "paginationOpts", nullptr},
    {"adapter.create.unknown-field-rejected", "spec/convex-component.md §3.2", "create",
     R"({"input":{"model":"verification","data":{"identifier":"$M","value":"v","expiresAt":$W1,
         "createdAt":1,"updatedAt":1,"notAField":1}}})",
     "notAField", kVerificationWitness},
    {"adapter.create.missing-required-field-rejected", "spec/convex-component.md §3.2", "create",
     R"({"input":{"model":"verification","data":{"identifier":"$M","expiresAt":$W1,
         "createdAt":1,"updatedAt":1}}})",
     "$M", kVerificationWitness},
    // Dates are epoch-ms numbers in the component (§2).
    {"adapter.create.date-as-string-rejected", "spec/convex-component.md §2", "create",
     R"({"input":{"model":"verification","data":{"identifier":"$M","value":"v",
         "expiresAt":"2200-01-01T00:00:00.000Z","createdAt":1,"updatedAt":1}}})",
     "2200-01-01T00:00:00.000Z", kVerificationWitness},
    {"adapter.create.unknown-model-rejected", "spec/convex-component.md §3.2", "create",
     R"({"input":{"model":"verifications","data":{"identifier":"$M","value":"v","expiresAt":$W1,
         "createdAt":1,"updatedAt":1}}})",
     "verifications", kVerificationWitness},
    {"adapter.update-one.unknown-update-field-rejected", "spec/convex-component.md §3.2",
     "updateOne",
     R"({"input":{"model":"verification","update":{"notAField":1},
         "where":[{"field":"identifier","value":"$M"}]}})",
     "notAField", nullptr},
    // Writes restrict `field` to the table's fields plus _id (whereValidator).
    {"adapter.update-one.where-on-unknown-field-rejected", "spec/convex-component.md §3.1",
     "updateOne",
     R"({"input":{"model":"verification","update":{"value":"x"},
         "where":[{"field":"notAField","value":"$M"}]}})",
     "notAField", nullptr},
    {"adapter.delete-many.where-on-unknown-field-rejected", "spec/convex-component.md §3.1",
     "deleteMany",
     R"({"input":{"model":"verification","where":[{"field":"notAField","value":"$M"}]},
         "paginationOpts":{"numItems":10,"cursor":null}})",
     "notAField", nullptr},
    {"adapter.update-one.no-match-thrown", "spec/convex-component.md §3.2", "updateOne",
     R"({"input":{"model":"verification","update":{"value":"x"},
         "where":[{"field":"identifier","value":"$M"}]}})",
     "Failed to update verification", nullptr},
};

class Throws : public ::testing::TestWithParam<ThrowRow> {};

TEST_P(Throws, WithTheComponentsMessage) {
  const ThrowRow& row = GetParam();
  AUTHCONF_CASE(row.id, row.spec);
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::int64_t w = window();
  const std::vector<std::pair<std::string, std::string>> values = {
      {"$M", marker("throw")},        {"$N", marker("throw")},
      {"$W1", std::to_string(w + 1)}, {"$W2", std::to_string(w + 2)},
      {"$W3", std::to_string(w + 3)},
  };
  const Json args = Json::parse(fill(row.args, values));
  Rows rows;
  auto answer = AUTHCONF_OK(call(row.function, args));
  if (std::string_view(row.function) == "create") rows.track(args["input"]["model"], answer.value);
  ASSERT_TRUE(answer.thrown) << row.function << " returned " << answer.value.dump();
  EXPECT_THAT(*answer.thrown, HasSubstr(fill(row.message, values)));
  if (row.witness != nullptr) {
    // A rejected write leaves nothing behind.
    auto found = AUTHCONF_OK(call("findMany", Json::parse(fill(row.witness, values))));
    ASSERT_FALSE(found.thrown) << *found.thrown;
    EXPECT_THAT(found.value["page"], IsEmpty());
  }
}

INSTANTIATE_TEST_SUITE_P(Table, Throws, ::testing::ValuesIn(kThrowRows),
                         [](const auto& row) { return test_name(row.param.id); });

// ---------------------------------------------------------------------------
// Where-clause semantics (filterByWhere, §3.3 "In-memory filter semantics"),
// on the unique fast path: `token eq` fetches the one session, every other
// clause filters it in memory. The session: expiresAt $E, userAgent
// "Mozilla/5.0 (X11)", ipAddress null, and no `image` field at all.

struct WhereRow {
  const char* id;
  const char* clause;  // JSON template; $E is the session's expiresAt
  bool matches;
};

void PrintTo(const WhereRow& row, std::ostream* out) { *out << row.id; }

const WhereRow kWhereRows[] = {
    {"adapter.where.eq-number-matches", R"({"field":"expiresAt","operator":"eq","value":$E})",
     true},
    {"adapter.where.eq-other-number-no-match",
     R"({"field":"expiresAt","operator":"eq","value":$E1})", false},
    {"adapter.where.missing-operator-means-eq", R"({"field":"expiresAt","value":$E1})", false},
    // `===`: a string never equals a number (a loose-equality mutant).
    {"adapter.where.eq-is-strict", R"({"field":"expiresAt","operator":"eq","value":"$E"})", false},
    {"adapter.where.ne-same-no-match", R"({"field":"expiresAt","operator":"ne","value":$E})",
     false},
    {"adapter.where.ne-other-matches", R"({"field":"expiresAt","operator":"ne","value":$E1})",
     true},
    {"adapter.where.lt-above-matches", R"({"field":"expiresAt","operator":"lt","value":$E1})",
     true},
    {"adapter.where.lt-equal-no-match", R"({"field":"expiresAt","operator":"lt","value":$E})",
     false},
    {"adapter.where.lte-equal-matches", R"({"field":"expiresAt","operator":"lte","value":$E})",
     true},
    {"adapter.where.lte-below-no-match", R"({"field":"expiresAt","operator":"lte","value":$E_1})",
     false},
    {"adapter.where.gt-below-matches", R"({"field":"expiresAt","operator":"gt","value":$E_1})",
     true},
    {"adapter.where.gt-equal-no-match", R"({"field":"expiresAt","operator":"gt","value":$E})",
     false},
    {"adapter.where.gte-equal-matches", R"({"field":"expiresAt","operator":"gte","value":$E})",
     true},
    {"adapter.where.gte-above-no-match", R"({"field":"expiresAt","operator":"gte","value":$E1})",
     false},
    {"adapter.where.in-matches", R"({"field":"expiresAt","operator":"in","value":[1,$E]})", true},
    {"adapter.where.in-no-match", R"({"field":"expiresAt","operator":"in","value":[1,2]})", false},
    {"adapter.where.in-is-strict", R"({"field":"expiresAt","operator":"in","value":["$E"]})",
     false},
    {"adapter.where.not-in-matches", R"({"field":"expiresAt","operator":"not_in","value":[1,2]})",
     true},
    {"adapter.where.not-in-no-match", R"({"field":"expiresAt","operator":"not_in","value":[$E]})",
     false},
    {"adapter.where.contains-matches",
     R"({"field":"userAgent","operator":"contains","value":"5.0 ("})", true},
    // Better Auth's "contains/starts_with/ends_with should not interpret
    // regex patterns" (better-auth-wire.md §11, cases 43-45).
    {"adapter.where.contains-is-not-a-regex",
     R"({"field":"userAgent","operator":"contains","value":".*"})", false},
    {"adapter.where.starts-with-matches",
     R"({"field":"userAgent","operator":"starts_with","value":"Mozilla/"})", true},
    {"adapter.where.starts-with-is-not-a-regex",
     R"({"field":"userAgent","operator":"starts_with","value":"Mozill."})", false},
    {"adapter.where.ends-with-matches",
     R"j({"field":"userAgent","operator":"ends_with","value":"(X11)"})j", true},
    {"adapter.where.ends-with-is-not-a-regex",
     R"({"field":"userAgent","operator":"ends_with","value":"X11.$"})", false},
    // "string-only; a non-string value never matches" (no String(value)).
    {"adapter.where.contains-on-a-number-never-matches",
     R"({"field":"expiresAt","operator":"contains","value":"$E"})", false},
    {"adapter.where.eq-null-matches-null", R"({"field":"ipAddress","operator":"eq","value":null})",
     true},
    {"adapter.where.ne-null-on-null-no-match",
     R"({"field":"ipAddress","operator":"ne","value":null})", false},
    // "Absent (undefined) ≠ null."
    {"adapter.where.eq-null-on-absent-no-match",
     R"({"field":"image","operator":"eq","value":null})", false},
    {"adapter.where.ne-null-on-absent-matches", R"({"field":"image","operator":"ne","value":null})",
     true},
    // "a null or missing doc value counts as less than anything".
    {"adapter.where.lt-absent-is-below-anything", R"({"field":"image","operator":"lt","value":0})",
     true},
    {"adapter.where.lt-null-is-below-anything",
     R"({"field":"ipAddress","operator":"lt","value":"0"})", true},
    {"adapter.where.gt-absent-never-matches", R"({"field":"image","operator":"gt","value":0})",
     false},
    // "a null where-value makes lt false and gt true".
    {"adapter.where.lt-null-value-never-matches",
     R"({"field":"expiresAt","operator":"lt","value":null})", false},
    {"adapter.where.gt-null-value-always-matches",
     R"({"field":"expiresAt","operator":"gt","value":null})", true},
    // lte = `===` or `<`: null === null, but undefined !== null.
    {"adapter.where.lte-null-on-null-matches",
     R"({"field":"ipAddress","operator":"lte","value":null})", true},
    {"adapter.where.lte-null-on-absent-no-match",
     R"({"field":"image","operator":"lte","value":null})", false},
    {"adapter.where.lt-strings-compare-by-code-unit",
     R"({"field":"userAgent","operator":"lt","value":"Mozillb"})", true},
    {"adapter.where.in-absent-no-match", R"({"field":"image","operator":"in","value":["x"]})",
     false},
    {"adapter.where.not-in-absent-matches",
     R"({"field":"image","operator":"not_in","value":["x"]})", true},
};

class Where : public ::testing::TestWithParam<WhereRow> {};

TEST_P(Where, FiltersLikeFilterByWhere) {
  const WhereRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/convex-component.md §3.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::int64_t e = window() + 50;
  const std::string m = marker("where");
  Json data = session(m + "-token", m + "-user", e, e - 1000);
  data["userAgent"] = "Mozilla/5.0 (X11)";
  data["ipAddress"] = nullptr;
  Rows rows;
  auto created = seed(rows, "session", {data});
  ASSERT_TRUE(created);
  const Json extra = Json::parse(fill(row.clause, {{"$E1", std::to_string(e + 1)},
                                                   {"$E_1", std::to_string(e - 1)},
                                                   {"$E", std::to_string(e)}}));
  auto found = AUTHCONF_OK(call(
      "findOne", Json{{"model", "session"}, {"where", where({eq("token", m + "-token"), extra})}}));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  if (row.matches) {
    EXPECT_EQ(canon(found.value), canon((*created)[0])) << "where " << extra.dump();
  } else {
    EXPECT_TRUE(found.value.is_null())
        << "where " << extra.dump() << " found " << found.value.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Table, Where, ::testing::ValuesIn(kWhereRows),
                         [](const auto& row) { return test_name(row.param.id); });

// ---------------------------------------------------------------------------
// findMany over an index (§3.3 index selection): four verification rows,
// created in this order: alpha ($M, $W+1), "beta." ($M, $W+2), delta ($N,
// $W+3), gamma ($M, $W+4). Every query names the marker or the window, so a
// real deployment's other rows are never read.

struct IndexRow {
  const char* id;
  const char* args;                 // findMany args template ($M, $N, $W.., $ID0..$ID3)
  std::vector<std::string> values;  // the page's `value`s, in order
};

void PrintTo(const IndexRow& row, std::ostream* out) { *out << row.id; }

const IndexRow kIndexRows[] = {
    {"adapter.find-many.eq-on-index-in-creation-order",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"}]})",
     {"alpha", "beta.", "gamma"}},
    {"adapter.find-many.sort-by-created-at-asc",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"}],
         "sortBy":{"field":"createdAt","direction":"asc"}})",
     {"alpha", "beta.", "gamma"}},
    {"adapter.find-many.sort-by-created-at-desc",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"}],
         "sortBy":{"field":"createdAt","direction":"desc"}})",
     {"gamma", "beta.", "alpha"}},
    // ne, not_in, contains, starts_with, ends_with run after the index.
    {"adapter.find-many.ne-filters-after-the-index",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"value","operator":"ne","value":"beta."}]})",
     {"alpha", "gamma"}},
    {"adapter.find-many.not-in-filters-after-the-index",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"value","operator":"not_in","value":["alpha","gamma"]}]})",
     {"beta."}},
    {"adapter.find-many.contains-filters-after-the-index",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"value","operator":"contains","value":"a."}]})",
     {"beta."}},
    {"adapter.find-many.contains-dot-is-literal",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"value","operator":"contains","value":"."}]})",
     {"beta."}},
    {"adapter.find-many.starts-with-filters-after-the-index",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"value","operator":"starts_with","value":"g"}]})",
     {"gamma"}},
    {"adapter.find-many.starts-with-is-not-a-regex",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"value","operator":"starts_with","value":".*"}]})",
     {}},
    {"adapter.find-many.ends-with-filters-after-the-index",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"value","operator":"ends_with","value":"a"}]})",
     {"alpha", "gamma"}},
    {"adapter.find-many.number-ne-filters-after-the-index",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"expiresAt","operator":"ne","value":$W2}]})",
     {"alpha", "gamma"}},
    {"adapter.find-many.number-not-in-filters-after-the-index",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"expiresAt","operator":"not_in","value":[$W1,$W4]}]})",
     {"beta."}},
    {"adapter.find-many.id-not-in-filters-after-the-index",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"_id","operator":"not_in","value":["$ID0"]}]})",
     {"beta.", "gamma"}},
    {"adapter.find-many.id-eq-takes-the-fast-path",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"},
         {"field":"_id","value":"$ID1"}]})",
     {"beta."}},
    // `_id in` gets each id and keeps the order given (no sortBy).
    {"adapter.find-many.id-in-keeps-the-given-order",
     R"({"model":"verification","where":[{"field":"_id","operator":"in","value":["$ID3","$ID0"]},
         {"field":"identifier","value":"$M"}]})",
     {"gamma", "alpha"}},
    {"adapter.find-many.id-in-applies-the-other-clauses",
     R"({"model":"verification","where":[{"field":"_id","operator":"in","value":["$ID3","$ID2","$ID0"]},
         {"field":"identifier","value":"$M"}]})",
     {"gamma", "alpha"}},
    {"adapter.find-many.id-in-sorts-by-created-at",
     R"({"model":"verification","where":[{"field":"_id","operator":"in","value":["$ID1","$ID3","$ID0"]}],
         "sortBy":{"field":"createdAt","direction":"asc"}})",
     {"alpha", "beta.", "gamma"}},
    // One stream per value, merged by _creationTime (the identifier index
    // is exactly the eq fields, so the merge works here).
    {"adapter.find-many.in-merges-streams-in-creation-order",
     R"({"model":"verification","where":[{"field":"identifier","operator":"in","value":["$N","$M"]}]})",
     {"alpha", "beta.", "delta", "gamma"}},
    {"adapter.find-many.in-merges-streams-descending",
     R"({"model":"verification","where":[{"field":"identifier","operator":"in","value":["$M","$N"]}],
         "sortBy":{"field":"createdAt","direction":"desc"}})",
     {"gamma", "delta", "beta.", "alpha"}},
    // Ranges use the expiresAt index, bounded on both sides by the window.
    {"adapter.find-many.range-gt-lt",
     R"({"model":"verification","where":[{"field":"expiresAt","operator":"gt","value":$W},
         {"field":"expiresAt","operator":"lt","value":$W2}]})",
     {"alpha"}},
    {"adapter.find-many.range-gte-lte",
     R"({"model":"verification","where":[{"field":"expiresAt","operator":"gte","value":$W2},
         {"field":"expiresAt","operator":"lte","value":$W3}]})",
     {"beta.", "delta"}},
    {"adapter.find-many.range-sorted-desc-on-the-bound-field",
     R"({"model":"verification","where":[{"field":"expiresAt","operator":"gt","value":$W},
         {"field":"expiresAt","operator":"lt","value":$W100}],"sortBy":{"field":"expiresAt","direction":"desc"}})",
     {"gamma", "delta", "beta.", "alpha"}},
    {"adapter.find-many.eq-on-a-number-index",
     R"({"model":"verification","where":[{"field":"expiresAt","value":$W3}]})",
     {"delta"}},
    {"adapter.find-many.select-keeps-only-the-fields",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"}],"select":["value"]})",
     {"alpha", "beta.", "gamma"}},
    {"adapter.find-many.no-match-is-an-empty-done-page",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M-none"}]})",
     {}},
    // Better Auth's limit is the client's business: only numItems counts.
    {"adapter.find-many.limit-is-ignored",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"}],"limit":1})",
     {"alpha", "beta.", "gamma"}},
    // `if (args.offset)`: 0 is falsy, so it is accepted.
    {"adapter.find-many.offset-zero-accepted",
     R"({"model":"verification","where":[{"field":"identifier","value":"$M"}],"offset":0})",
     {"alpha", "beta.", "gamma"}},
};

class IndexPath : public ::testing::TestWithParam<IndexRow> {};

TEST_P(IndexPath, AnswersOneDonePage) {
  const IndexRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/convex-component.md §3.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::int64_t w = window();
  const std::string m = marker("index");
  const std::string n = marker("index");
  Rows rows;
  auto docs = seed(rows, "verification",
                   {verification(m, "alpha", w + 1, 1), verification(m, "beta.", w + 2, 2),
                    verification(n, "delta", w + 3, 3), verification(m, "gamma", w + 4, 4)});
  ASSERT_TRUE(docs);
  std::vector<std::pair<std::string, std::string>> values = {
      {"$M", m}, {"$N", n}, {"$W100", std::to_string(w + 100)}, {"$W", std::to_string(w)}};
  for (int i = 0; i < 4; ++i) {
    values.emplace_back("$W" + std::to_string(i + 1), std::to_string(w + i + 1));
    values.emplace_back("$ID" + std::to_string(i),
                        (*docs)[static_cast<std::size_t>(i)]["_id"].get<std::string>());
  }
  Json args = Json::parse(fill(row.args, values));
  args["paginationOpts"] = pagination(10);
  auto found = AUTHCONF_OK(call("findMany", args));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  EXPECT_THAT(strings_of(found.value["page"], "value"), ElementsAreArray(row.values))
      << found.value.dump();
  EXPECT_EQ(found.value["isDone"], true) << "fewer than numItems documents: the last page";
  EXPECT_TRUE(found.value["continueCursor"].is_string());
  if (args.contains("select")) {
    for (const Json& document : found.value["page"]) {
      EXPECT_EQ(canon(document), canon(Json{{"value", document["value"]}}))
          << "select [\"value\"] keeps only `value`";
    }
  } else {
    for (const Json& document : found.value["page"]) {
      EXPECT_TRUE(document.contains("_id") && document.contains("_creationTime"))
          << document.dump();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, IndexPath, ::testing::ValuesIn(kIndexRows),
                         [](const auto& row) { return test_name(row.param.id); });

// ---------------------------------------------------------------------------
// create

TEST(Create, ReturnsTheRawDocument) {
  AUTHCONF_CASE("adapter.create.returns-the-raw-document", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::string m = marker("create");
  const Json data = verification(m, "secret", window() + 1, 1700000000000);
  Rows rows;
  auto created =
      AUTHCONF_OK(call("create", Json{{"input", {{"model", "verification"}, {"data", data}}}}));
  rows.track("verification", created.value);
  ASSERT_FALSE(created.thrown) << *created.thrown;
  // The Convex document: _id and _creationTime beside the fields, no `id`
  // (the client adapter maps _id → id, the component does not).
  ASSERT_TRUE(created.value.is_object());
  ASSERT_TRUE(created.value["_id"].is_string()) << created.value.dump();
  ASSERT_TRUE(created.value["_creationTime"].is_number()) << created.value.dump();
  Json fields = created.value;
  fields.erase("_id");
  fields.erase("_creationTime");
  EXPECT_EQ(canon(fields), canon(data));
  auto found =
      AUTHCONF_OK(call("findOne", Json{{"model", "verification"},
                                       {"where", where({eq("_id", created.value["_id"])})}}));
  EXPECT_EQ(canon(found.value), canon(created.value)) << "what create returned is what is stored";
}

TEST(Create, SelectMapsIdToUnderscoreId) {
  AUTHCONF_CASE("adapter.create.select-maps-id-to-underscore-id", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::string m = marker("create");
  Rows rows;
  rows.sweep("verification", where({eq("identifier", m)}));
  auto created = AUTHCONF_OK(
      call("create",
           Json{{"input", {{"model", "verification"}, {"data", verification(m, "v", window())}}},
                {"select", {"id", "value"}}}));
  ASSERT_FALSE(created.thrown) << *created.thrown;
  ASSERT_TRUE(created.value.is_object());
  ASSERT_TRUE(created.value.contains("_id")) << created.value.dump();
  EXPECT_EQ(canon(created.value), canon(Json{{"_id", created.value["_id"]}, {"value", "v"}}));
}

TEST(Create, OptionalFieldsMayBeNullOrAbsent) {
  AUTHCONF_CASE("adapter.create.optional-fields-null-or-absent", "spec/convex-component.md §2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::string m = marker("create");
  Json data = session(m + "-token", m + "-user", window(), 1);
  data["ipAddress"] = nullptr;  // v.optional(v.union(v.null(), v.string()))
  Rows rows;
  auto created = seed(rows, "session", {data});
  ASSERT_TRUE(created);
  const Json& document = (*created)[0];
  ASSERT_TRUE(document.contains("ipAddress"));
  EXPECT_TRUE(document["ipAddress"].is_null());
  EXPECT_FALSE(document.contains("userAgent")) << "absent stays absent, not null";
}

TEST(Create, ForeignKeysArePlainStrings) {
  // "Foreign keys such as userId are plain v.string(), not v.id()": a
  // session of a user that does not exist is stored (a mutant checks it).
  AUTHCONF_CASE("adapter.create.foreign-keys-are-plain-strings", "spec/convex-component.md §2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::string m = marker("create");
  Rows rows;
  auto created = seed(rows, "session", {session(m + "-token", "not-a-user-" + m, window(), 1)});
  ASSERT_TRUE(created);
  EXPECT_EQ((*created)[0]["userId"], "not-a-user-" + m);
}

// ---------------------------------------------------------------------------
// Unique fields (§2.3): checkUniqueFields, in application code.

struct UniqueRow {
  const char* id;
  const char* model;
  const char* first;    // data template ($M, $W)
  const char* second;   // data template
  const char* message;  // substring when the second is refused; nullptr: accepted
};

void PrintTo(const UniqueRow& row, std::ostream* out) { *out << row.id; }

const UniqueRow kUniqueRows[] = {
    {"adapter.unique.session-token", "session",
     R"({"expiresAt":$W,"token":"$M-token","createdAt":1,"updatedAt":1,"userId":"$M-user-1"})",
     R"({"expiresAt":$W,"token":"$M-token","createdAt":2,"updatedAt":2,"userId":"$M-user-2"})",
     "session token already exists"},
    {"adapter.unique.user-email", "user",
     R"({"name":"A","email":"$M@conformance.example","emailVerified":false,"createdAt":1,"updatedAt":1})",
     R"({"name":"B","email":"$M@conformance.example","emailVerified":false,"createdAt":2,"updatedAt":2})",
     "user email already exists"},
    {"adapter.unique.user-username", "user",
     R"({"name":"A","email":"$M-1@conformance.example","emailVerified":false,"createdAt":1,
         "updatedAt":1,"username":"$M"})",
     R"({"name":"B","email":"$M-2@conformance.example","emailVerified":false,"createdAt":2,
         "updatedAt":2,"username":"$M"})",
     "user username already exists"},
    {"adapter.unique.rate-limit-key", "rateLimit",
     R"({"key":"$M|/sign-in/email","count":1,"lastRequest":$W})",
     R"({"key":"$M|/sign-in/email","count":1,"lastRequest":$W})", "rateLimit key already exists"},
    // Not unique: the component must not over-enforce.
    {"adapter.unique.verification-identifier-is-not-unique", "verification",
     R"({"identifier":"$M","value":"a","expiresAt":$W,"createdAt":1,"updatedAt":1})",
     R"({"identifier":"$M","value":"b","expiresAt":$W,"createdAt":2,"updatedAt":2})", nullptr},
    // The index lookup is exact: uniqueness is case-sensitive (Better Auth
    // lower-cases emails before they reach the component).
    {"adapter.unique.user-email-is-case-sensitive", "user",
     R"({"name":"A","email":"$M@conformance.example","emailVerified":false,"createdAt":1,"updatedAt":1})",
     R"({"name":"A","email":"$M@Conformance.Example","emailVerified":false,"createdAt":2,"updatedAt":2})",
     nullptr},
    {"adapter.unique.user-name-is-not-unique", "user",
     R"({"name":"$M","email":"$M-1@conformance.example","emailVerified":false,"createdAt":1,"updatedAt":1})",
     R"({"name":"$M","email":"$M-2@conformance.example","emailVerified":false,"createdAt":2,"updatedAt":2})",
     nullptr},
};

class Unique : public ::testing::TestWithParam<UniqueRow> {};

TEST_P(Unique, SecondCreate) {
  const UniqueRow& row = GetParam();
  AUTHCONF_CASE(row.id, "spec/convex-component.md §2.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::vector<std::pair<std::string, std::string>> values = {
      {"$M", marker("unique")}, {"$W", std::to_string(window())}};
  Rows rows;
  auto first = seed(rows, row.model, {Json::parse(fill(row.first, values))});
  ASSERT_TRUE(first);
  const Json second_data = Json::parse(fill(row.second, values));
  auto second =
      AUTHCONF_OK(call("create", Json{{"input", {{"model", row.model}, {"data", second_data}}}}));
  rows.track(row.model, second.value);
  if (row.message != nullptr) {
    ASSERT_TRUE(second.thrown) << "the duplicate was stored: " << second.value.dump();
    EXPECT_THAT(*second.thrown, HasSubstr(row.message));
  } else {
    ASSERT_FALSE(second.thrown) << *second.thrown;
    EXPECT_NE(second.value["_id"], (*first)[0]["_id"]);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, Unique, ::testing::ValuesIn(kUniqueRows),
                         [](const auto& row) { return test_name(row.param.id); });

// Two sessions of one marker user, for the update cases.
struct TwoSessions {
  std::string user_id;
  std::vector<Json> documents;
};

std::optional<TwoSessions> two_sessions(Rows& rows) {
  const std::string m = marker("sessions");
  const std::int64_t w = window();
  auto docs =
      seed(rows, "session",
           {session(m + "-a", m + "-user", w + 1, 1), session(m + "-b", m + "-user", w + 2, 2)});
  if (!docs) return std::nullopt;
  return TwoSessions{m + "-user", *docs};
}

Json update_one_args(std::string_view model, Json update, Json where_clauses) {
  return Json{
      {"input",
       {{"model", model}, {"update", std::move(update)}, {"where", std::move(where_clauses)}}}};
}

TEST(Unique, UpdateOneToATakenTokenThrows) {
  AUTHCONF_CASE("adapter.unique.update-one-to-a-taken-token", "spec/convex-component.md §3.4");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto sessions = two_sessions(rows);
  ASSERT_TRUE(sessions);
  const Json& a = sessions->documents[0];
  const Json& b = sessions->documents[1];
  auto updated = AUTHCONF_OK(call("updateOne", update_one_args("session", {{"token", b["token"]}},
                                                               where({eq("_id", a["_id"])}))));
  ASSERT_TRUE(updated.thrown) << "two sessions now share a token: " << updated.value.dump();
  EXPECT_THAT(*updated.thrown, HasSubstr("session token already exists"));
  auto found = AUTHCONF_OK(
      call("findOne", Json{{"model", "session"}, {"where", where({eq("_id", a["_id"])})}}));
  EXPECT_EQ(found.value["token"], a["token"]) << "the refused update changed nothing";
}

TEST(Unique, UpdateOneToItsOwnTokenIsAllowed) {
  // checkUniqueFields excludes the document being updated.
  AUTHCONF_CASE("adapter.unique.update-one-to-its-own-token", "spec/convex-component.md §3.4");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto sessions = two_sessions(rows);
  ASSERT_TRUE(sessions);
  const Json& a = sessions->documents[0];
  auto updated = AUTHCONF_OK(
      call("updateOne", update_one_args("session", {{"token", a["token"]}, {"updatedAt", 9}},
                                        where({eq("token", a["token"])}))));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  EXPECT_EQ(updated.value["updatedAt"], 9);
}

TEST(Unique, UpdateManyOfAUniqueFieldOnSeveralThrows) {
  AUTHCONF_CASE("adapter.unique.update-many-unique-field-on-several",
                "spec/convex-component.md §3.4");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto sessions = two_sessions(rows);
  ASSERT_TRUE(sessions);
  const std::string token = sessions->documents[0]["token"].get<std::string>() + "-same";
  auto updated =
      AUTHCONF_OK(call("updateMany", Json{{"input",
                                           {{"model", "session"},
                                            {"update", {{"token", token}}},
                                            {"where", where({eq("userId", sessions->user_id)})}}},
                                          {"paginationOpts", pagination(10)}}));
  ASSERT_TRUE(updated.thrown) << updated.value.dump();
  EXPECT_THAT(*updated.thrown,
              HasSubstr("Attempted to set unique fields in multiple documents in session with the "
                        "same value. Fields: token"));
}

TEST(Unique, UpdateManyOfAUniqueFieldOnOneIsAllowed) {
  // The page has one document: the per-document unique check runs instead.
  AUTHCONF_CASE("adapter.unique.update-many-unique-field-on-one", "spec/convex-component.md §3.4");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto sessions = two_sessions(rows);
  ASSERT_TRUE(sessions);
  const Json& a = sessions->documents[0];
  const std::string token = a["token"].get<std::string>() + "-new";
  auto updated =
      AUTHCONF_OK(call("updateMany", Json{{"input",
                                           {{"model", "session"},
                                            {"update", {{"token", token}}},
                                            {"where", where({eq("token", a["token"])})}}},
                                          {"paginationOpts", pagination(10)}}));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  EXPECT_EQ(updated.value["count"], 1);
  EXPECT_THAT(updated.value["ids"], ElementsAre(a["_id"]));
}

// ---------------------------------------------------------------------------
// findOne

struct Three {
  std::string identifier;
  std::vector<Json> documents;  // alpha, beta, gamma, in creation order
};

std::optional<Three> three_rows(Rows& rows) {
  const std::string m = marker("three");
  const std::int64_t w = window();
  auto docs = seed(rows, "verification",
                   {verification(m, "alpha", w + 1, 1), verification(m, "beta", w + 2, 2),
                    verification(m, "gamma", w + 3, 3)});
  if (!docs) return std::nullopt;
  return Three{m, *docs};
}

TEST(FindOne, ReturnsTheFirstInCreationOrder) {
  AUTHCONF_CASE("adapter.find-one.first-in-creation-order", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  auto found =
      AUTHCONF_OK(call("findOne", Json{{"model", "verification"},
                                       {"where", where({eq("identifier", three->identifier)})}}));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  EXPECT_EQ(canon(found.value), canon(three->documents[0]));
}

TEST(FindOne, NoMatchIsNull) {
  // Better Auth "findOne - should not throw on record not found".
  AUTHCONF_CASE("adapter.find-one.no-match-is-null", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  auto found =
      AUTHCONF_OK(call("findOne", Json{{"model", "verification"},
                                       {"where", where({eq("identifier", marker("none"))})}}));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  EXPECT_TRUE(found.value.is_null()) << found.value.dump();
}

TEST(FindOne, ById) {
  AUTHCONF_CASE("adapter.find-one.by-id", "spec/convex-component.md §3.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  const Json& beta = three->documents[1];
  auto found = AUTHCONF_OK(
      call("findOne", Json{{"model", "verification"}, {"where", where({eq("_id", beta["_id"])})}}));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  EXPECT_EQ(canon(found.value), canon(beta));
}

TEST(FindOne, ByIdWithAFailingFilterIsNull) {
  // The fast path applies the other clauses to the one document it got.
  AUTHCONF_CASE("adapter.find-one.by-id-with-a-failing-filter-is-null",
                "spec/convex-component.md §3.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  auto found = AUTHCONF_OK(
      call("findOne",
           Json{{"model", "verification"},
                {"where", where({eq("_id", three->documents[1]["_id"]), eq("value", "alpha")})}}));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  EXPECT_TRUE(found.value.is_null()) << found.value.dump();
}

TEST(FindOne, ByADeletedIdIsNull) {
  AUTHCONF_CASE("adapter.find-one.by-a-deleted-id-is-null", "spec/convex-component.md §3.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  const Json id = three->documents[0]["_id"];
  auto removed = AUTHCONF_OK(
      call("deleteOne",
           Json{{"input", {{"model", "verification"}, {"where", where({eq("_id", id)})}}}}));
  ASSERT_FALSE(removed.thrown) << *removed.thrown;
  auto found = AUTHCONF_OK(
      call("findOne", Json{{"model", "verification"}, {"where", where({eq("_id", id)})}}));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  EXPECT_TRUE(found.value.is_null()) << found.value.dump();
}

TEST(FindOne, Select) {
  // Better Auth "findOne - should select fields".
  AUTHCONF_CASE("adapter.find-one.select", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  auto found =
      AUTHCONF_OK(call("findOne", Json{{"model", "verification"},
                                       {"where", where({eq("identifier", three->identifier)})},
                                       {"select", {"value", "expiresAt"}}}));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  EXPECT_EQ(canon(found.value),
            canon(Json{{"value", "alpha"}, {"expiresAt", three->documents[0]["expiresAt"]}}));
}

TEST(FindOne, ASingleOrClauseIsAllowed) {
  // Only OR *with several clauses* is refused; the client adapter sends one
  // clause at a time when every clause is OR (§4).
  AUTHCONF_CASE("adapter.find-one.single-or-clause-allowed", "spec/convex-component.md §3.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  Json only = eq("identifier", three->identifier);
  only["connector"] = "OR";
  auto found =
      AUTHCONF_OK(call("findOne", Json{{"model", "verification"}, {"where", where({only})}}));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  EXPECT_EQ(found.value["value"], "alpha");
}

TEST(FindOne, ByAnIdOfAnotherTableReturnsThatDocument) {
  // The fast path calls ctx.db.get(value), which does not check the table:
  // findOne on `session` by a verification id returns the verification
  // document (a hazard for callers, reproduced because the component does it).
  AUTHCONF_CASE("adapter.find-one.id-of-another-table-returns-that-document",
                "spec/convex-component.md §3.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  auto found =
      AUTHCONF_OK(call("findOne", Json{{"model", "session"},
                                       {"where", where({eq("_id", three->documents[0]["_id"])})}}));
  ASSERT_FALSE(found.thrown) << *found.thrown;
  EXPECT_EQ(canon(found.value), canon(three->documents[0]));
}

// ---------------------------------------------------------------------------
// findMany pagination: one page per call (§3.2, §3.3).

TEST(FindMany, PagesWithCursors) {
  // Convex-helpers' stream: a full page is not done (the stream stops when
  // the page is full), the cursor resumes after the last document.
  AUTHCONF_CASE("adapter.find-many.one-page-per-call-with-cursors",
                "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::string m = marker("pages");
  const std::int64_t w = window();
  Rows rows;
  std::vector<Json> data;
  for (int i = 0; i < 5; ++i) {
    const char* const kValues[] = {"v0", "v1", "v2", "v3", "v4"};
    data.push_back(verification(m, kValues[i], w + i, i));
  }
  ASSERT_TRUE(seed(rows, "verification", data));
  std::vector<std::string> seen;
  std::vector<std::size_t> sizes;
  std::vector<bool> done;
  Json cursor = nullptr;
  for (int page = 0; page < 5; ++page) {
    Json args = find_many_args("verification", where({eq("identifier", m)}), 2);
    args["paginationOpts"]["cursor"] = cursor;
    auto found = AUTHCONF_OK(call("findMany", args));
    ASSERT_FALSE(found.thrown) << *found.thrown;
    for (const std::string& value : strings_of(found.value["page"], "value")) seen.push_back(value);
    sizes.push_back(found.value["page"].size());
    done.push_back(found.value["isDone"] == true);
    ASSERT_TRUE(found.value["continueCursor"].is_string()) << found.value.dump();
    if (found.value["isDone"] == true) break;
    cursor = found.value["continueCursor"];
  }
  EXPECT_THAT(seen, ElementsAre("v0", "v1", "v2", "v3", "v4"));
  EXPECT_THAT(sizes, ElementsAre(2u, 2u, 1u));
  EXPECT_THAT(done, ElementsAre(false, false, true));
}

TEST(FindMany, AFullLastPageIsNotDone) {
  AUTHCONF_CASE("adapter.find-many.full-last-page-is-not-done", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::string m = marker("pages");
  const std::int64_t w = window();
  Rows rows;
  ASSERT_TRUE(seed(rows, "verification", {verification(m, "a", w, 1), verification(m, "b", w, 2)}));
  auto first = AUTHCONF_OK(
      call("findMany", find_many_args("verification", where({eq("identifier", m)}), 2)));
  ASSERT_FALSE(first.thrown) << *first.thrown;
  EXPECT_EQ(first.value["page"].size(), 2u);
  EXPECT_EQ(first.value["isDone"], false) << "the stream stops at numItems without looking further";
  Json args = find_many_args("verification", where({eq("identifier", m)}), 2);
  args["paginationOpts"]["cursor"] = first.value["continueCursor"];
  auto second = AUTHCONF_OK(call("findMany", args));
  ASSERT_FALSE(second.thrown) << *second.thrown;
  EXPECT_THAT(second.value["page"], IsEmpty());
  EXPECT_EQ(second.value["isDone"], true);
}

TEST(FindMany, ReadBudgetEndsAPageShort) {
  // maximumRowsRead = max(numItems + 1, 200): 205 rows of one identifier,
  // only the last matches the in-memory filter, so the first page reads 200
  // rows, finds nothing and is not done (SplitRequired); the cursor then
  // reaches the match. A target that loops (#392) or scans unboundedly
  // answers otherwise.
  AUTHCONF_CASE("adapter.find-many.read-budget-ends-a-page-short", "spec/convex-component.md §3.3");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::string m = marker("budget");
  const std::int64_t w = window();
  Rows rows;
  rows.sweep("verification", where({eq("identifier", m)}));
  for (int i = 0; i < 205; ++i) {
    const std::string value = i == 204 ? "needle" : "hay";
    auto created = AUTHCONF_OK(
        call("create",
             Json{{"input", {{"model", "verification"}, {"data", verification(m, value, w, i)}}}}));
    ASSERT_FALSE(created.thrown) << *created.thrown;
  }
  const Json clauses = where({eq("identifier", m), clause("value", "contains", "needle")});
  auto first = AUTHCONF_OK(call("findMany", find_many_args("verification", clauses, 1)));
  ASSERT_FALSE(first.thrown) << *first.thrown;
  EXPECT_THAT(first.value["page"], IsEmpty());
  EXPECT_EQ(first.value["isDone"], false);
  EXPECT_EQ(first.value.value("pageStatus", ""), "SplitRequired") << first.value.dump();
  Json args = find_many_args("verification", clauses, 1);
  args["paginationOpts"]["cursor"] = first.value["continueCursor"];
  auto second = AUTHCONF_OK(call("findMany", args));
  ASSERT_FALSE(second.thrown) << *second.thrown;
  EXPECT_THAT(strings_of(second.value["page"], "value"), ElementsAre("needle"));
}

// ---------------------------------------------------------------------------
// updateOne, updateMany

TEST(UpdateOne, ReturnsTheUpdatedDocument) {
  // Better Auth "update - should update a model".
  AUTHCONF_CASE("adapter.update-one.returns-the-updated-document", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  const Json& beta = three->documents[1];
  auto updated = AUTHCONF_OK(
      call("updateOne", update_one_args("verification", {{"value", "beta2"}, {"updatedAt", 99}},
                                        where({eq("_id", beta["_id"])}))));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  Json expected = beta;
  expected["value"] = "beta2";
  expected["updatedAt"] = 99;
  EXPECT_EQ(canon(updated.value), canon(expected)) << "_id, _creationTime and other fields kept";
}

TEST(UpdateOne, UpdatesTheFirstMatchOnly) {
  AUTHCONF_CASE("adapter.update-one.updates-the-first-match-only", "spec/convex-component.md §3.4");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  auto updated =
      AUTHCONF_OK(call("updateOne", update_one_args("verification", {{"value", "changed"}},
                                                    where({eq("identifier", three->identifier)}))));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  EXPECT_EQ(updated.value["_id"], three->documents[0]["_id"]);
  auto all = AUTHCONF_OK(call(
      "findMany", find_many_args("verification", where({eq("identifier", three->identifier)}))));
  EXPECT_THAT(strings_of(all.value["page"], "value"), ElementsAre("changed", "beta", "gamma"));
}

TEST(UpdateOne, AFieldUsedInTheWhereClause) {
  // Better Auth "update - should correctly return record when updating a
  // field used in where clause".
  AUTHCONF_CASE("adapter.update-one.field-used-in-the-where-clause",
                "spec/better-auth-wire.md §11");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  auto updated = AUTHCONF_OK(
      call("updateOne",
           update_one_args("verification", {{"value", "gamma2"}},
                           where({eq("identifier", three->identifier), eq("value", "gamma")}))));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  EXPECT_EQ(updated.value["value"], "gamma2");
  EXPECT_EQ(updated.value["_id"], three->documents[2]["_id"]);
}

// The arguments of updateMany (with `update`) or deleteMany.
Json many_args(std::string_view model, Json where_clauses, int num_items, Json cursor = nullptr,
               std::optional<Json> update = std::nullopt) {
  Json input = {{"model", model}};
  if (update) input["update"] = *update;
  input["where"] = std::move(where_clauses);
  return Json{{"input", input}, {"paginationOpts", pagination(num_items, std::move(cursor))}};
}

TEST(UpdateMany, ReturnsCountAndIds) {
  // Better Auth "updateMany - should update many models with a specific where".
  AUTHCONF_CASE("adapter.update-many.count-and-ids", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  auto updated = AUTHCONF_OK(
      call("updateMany", many_args("verification", where({eq("identifier", three->identifier)}), 10,
                                   nullptr, Json{{"value", "all"}})));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  EXPECT_EQ(updated.value["count"], 3);
  EXPECT_THAT(updated.value["ids"],
              ElementsAre(three->documents[0]["_id"], three->documents[1]["_id"],
                          three->documents[2]["_id"]));
  EXPECT_EQ(updated.value["isDone"], true);
  EXPECT_FALSE(updated.value.contains("page")) << "{...result without page, count, ids}";
  auto all = AUTHCONF_OK(call(
      "findMany", find_many_args("verification", where({eq("identifier", three->identifier)}))));
  EXPECT_THAT(strings_of(all.value["page"], "value"), ElementsAre("all", "all", "all"));
}

TEST(UpdateMany, OnePagePerCall) {
  AUTHCONF_CASE("adapter.update-many.one-page-per-call", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  const Json clauses = where({eq("identifier", three->identifier)});
  auto first = AUTHCONF_OK(
      call("updateMany", many_args("verification", clauses, 2, nullptr, Json{{"value", "x"}})));
  ASSERT_FALSE(first.thrown) << *first.thrown;
  EXPECT_EQ(first.value["count"], 2);
  EXPECT_EQ(first.value["isDone"], false);
  auto all = AUTHCONF_OK(call("findMany", find_many_args("verification", clauses)));
  EXPECT_THAT(strings_of(all.value["page"], "value"), ElementsAre("x", "x", "gamma"))
      << "one call, one page: the third row waits for the next call";
  auto second = AUTHCONF_OK(call(
      "updateMany",
      many_args("verification", clauses, 2, first.value["continueCursor"], Json{{"value", "x"}})));
  ASSERT_FALSE(second.thrown) << *second.thrown;
  EXPECT_EQ(second.value["count"], 1);
  EXPECT_THAT(second.value["ids"], ElementsAre(three->documents[2]["_id"]));
  EXPECT_EQ(second.value["isDone"], true);
}

TEST(UpdateMany, NoMatchCountsZero) {
  AUTHCONF_CASE("adapter.update-many.no-match-counts-zero", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  auto updated = AUTHCONF_OK(
      call("updateMany", many_args("verification", where({eq("identifier", marker("none"))}), 10,
                                   nullptr, Json{{"value", "x"}})));
  ASSERT_FALSE(updated.thrown) << *updated.thrown;
  EXPECT_EQ(updated.value["count"], 0);
  EXPECT_THAT(updated.value["ids"], IsEmpty());
  EXPECT_EQ(updated.value["isDone"], true);
}

// ---------------------------------------------------------------------------
// deleteOne, deleteMany

TEST(DeleteOne, ReturnsTheDeletedDocument) {
  // Better Auth "delete - should delete by non-unique field".
  AUTHCONF_CASE("adapter.delete-one.returns-the-deleted-document", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  const Json clauses = where({eq("identifier", three->identifier)});
  auto removed = AUTHCONF_OK(
      call("deleteOne", Json{{"input", {{"model", "verification"}, {"where", clauses}}}}));
  ASSERT_FALSE(removed.thrown) << *removed.thrown;
  EXPECT_EQ(canon(removed.value), canon(three->documents[0])) << "the first match, as it was";
  auto all = AUTHCONF_OK(call("findMany", find_many_args("verification", clauses)));
  EXPECT_THAT(strings_of(all.value["page"], "value"), ElementsAre("beta", "gamma"));
}

TEST(DeleteOne, NoMatchIsNull) {
  // Better Auth "delete - should not throw on record not found".
  AUTHCONF_CASE("adapter.delete-one.no-match-is-null", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  auto removed = AUTHCONF_OK(call(
      "deleteOne",
      Json{{"input",
            {{"model", "verification"}, {"where", where({eq("identifier", marker("none"))})}}}}));
  ASSERT_FALSE(removed.thrown) << *removed.thrown;
  EXPECT_TRUE(removed.value.is_null()) << removed.value.dump();
}

TEST(DeleteMany, ReturnsCountAndIds) {
  AUTHCONF_CASE("adapter.delete-many.count-and-ids", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  const Json clauses = where({eq("identifier", three->identifier)});
  auto removed = AUTHCONF_OK(call("deleteMany", many_args("verification", clauses, 10)));
  ASSERT_FALSE(removed.thrown) << *removed.thrown;
  EXPECT_EQ(removed.value["count"], 3);
  EXPECT_THAT(removed.value["ids"],
              ElementsAre(three->documents[0]["_id"], three->documents[1]["_id"],
                          three->documents[2]["_id"]));
  EXPECT_EQ(removed.value["isDone"], true);
  auto all = AUTHCONF_OK(call("findMany", find_many_args("verification", clauses)));
  EXPECT_THAT(all.value["page"], IsEmpty());
}

TEST(DeleteMany, OnePagePerCall) {
  AUTHCONF_CASE("adapter.delete-many.one-page-per-call", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  Rows rows;
  auto three = three_rows(rows);
  ASSERT_TRUE(three);
  const Json clauses = where({eq("identifier", three->identifier)});
  auto removed = AUTHCONF_OK(call("deleteMany", many_args("verification", clauses, 2)));
  ASSERT_FALSE(removed.thrown) << *removed.thrown;
  EXPECT_EQ(removed.value["count"], 2);
  EXPECT_EQ(removed.value["isDone"], false);
  auto all = AUTHCONF_OK(call("findMany", find_many_args("verification", clauses)));
  EXPECT_THAT(strings_of(all.value["page"], "value"), ElementsAre("gamma"))
      << "one call deletes one page; the caller loops (handlePagination)";
}

TEST(DeleteMany, ByANumberOnItsIndex) {
  // Better Auth "deleteMany - should delete many models with numeric values".
  AUTHCONF_CASE("adapter.delete-many.by-a-number", "spec/better-auth-wire.md §11");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  const std::string m = marker("numeric");
  const std::int64_t w = window();
  Rows rows;
  ASSERT_TRUE(seed(rows, "verification",
                   {verification(m, "a", w + 7, 1), verification(m, "b", w + 8, 2),
                    verification(m, "c", w + 7, 3)}));
  auto removed = AUTHCONF_OK(
      call("deleteMany", many_args("verification", where({eq("expiresAt", w + 7)}), 10)));
  ASSERT_FALSE(removed.thrown) << *removed.thrown;
  EXPECT_EQ(removed.value["count"], 2);
  auto all =
      AUTHCONF_OK(call("findMany", find_many_args("verification", where({eq("identifier", m)}))));
  EXPECT_THAT(strings_of(all.value["page"], "value"), ElementsAre("b"));
}

TEST(DeleteMany, NoMatchCountsZero) {
  AUTHCONF_CASE("adapter.delete-many.no-match-counts-zero", "spec/convex-component.md §3.2");
  AUTHCONF_REQUIRE_FEATURE("adapter");
  auto removed = AUTHCONF_OK(
      call("deleteMany", many_args("verification", where({eq("identifier", marker("none"))}), 10)));
  ASSERT_FALSE(removed.thrown) << *removed.thrown;
  EXPECT_EQ(removed.value["count"], 0);
  EXPECT_THAT(removed.value["ids"], IsEmpty());
  EXPECT_EQ(removed.value["isDone"], true);
}

}  // namespace
}  // namespace authconf

// Every error the component functions throw, with its exact text
// (spec/convex-component.md §3.3, §3.4; create-api.ts and adapter-utils.ts of
// @convex-dev/better-auth 0.12.5; convex-helpers' stream.ts; convex-test's
// validators). Each row runs against a database holding one user
// ("$user", dana@example.com, username "dana") and one session ("$session").
#include <gtest/gtest.h>

#include "component/component_test_support.h"

namespace authref::testing {
namespace {

struct ErrorCase {
  const char* name;
  ComponentFunction function;
  const char* args;  // JSON; "$user" and "$session" become the ids
  ThrownKind kind;
  const char* message;  // exact
};

void PrintTo(const ErrorCase& c, std::ostream* out) { *out << c.name; }

const ErrorCase kCases[] = {
    {"offset", ComponentFunction::kFindMany,
     R"({"model": "user", "offset": 5, "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUnsupportedQuery, "offset not supported: 5"},
    {"or_with_several_clauses", ComponentFunction::kFindMany,
     R"({"model": "user", "where": [{"field": "name", "value": "a", "connector": "OR"},
        {"field": "name", "value": "b", "connector": "OR"}], "paginationOpts": {"numItems": 1, "cursor": null}})",
     ThrownKind::kUnsupportedQuery,
     R"(OR connector not supported with multiple where statements in paginate, split up the where statements before calling paginate: [{"connector":"OR","field":"name","value":"a"},{"connector":"OR","field":"name","value":"b"}])"},
    // The function receives its arguments with every object's keys sorted
    // (convexToJson on the call boundary), so the clauses it quotes are
    // sorted whatever order the caller wrote them in.
    {"quoted_where_keys_sorted", ComponentFunction::kFindMany,
     R"({"model": "user", "where": [{"value": "a", "operator": "eq", "mode": "sensitive", "field": "name", "connector": "OR"},
        {"value": 2, "field": "name", "connector": "OR", "operator": "ne"}], "paginationOpts": {"numItems": 1, "cursor": null}})",
     ThrownKind::kUnsupportedQuery,
     R"(OR connector not supported with multiple where statements in paginate, split up the where statements before calling paginate: [{"connector":"OR","field":"name","mode":"sensitive","operator":"eq","value":"a"},{"connector":"OR","field":"name","operator":"ne","value":2}])"},
    {"id_with_lt", ComponentFunction::kFindOne,
     R"({"model": "user", "where": [{"field": "_id", "operator": "lt", "value": "x"}]})",
     ThrownKind::kUnsupportedQuery,
     R"(_id can only be used with eq, in, or not_in operator: [{"field":"_id","operator":"lt","value":"x"}])"},
    {"insensitive_mode", ComponentFunction::kFindOne,
     R"({"model": "user", "where": [{"field": "name", "value": "x", "mode": "insensitive"}]})",
     ThrownKind::kUnsupportedQuery,
     R"(Case-insensitive queries (mode: "insensitive") are not supported by the Convex adapter. Store values in a normalized form (e.g. lowercase on write) and query against the normalized value.)"},
    {"two_lower_bounds", ComponentFunction::kFindMany,
     R"({"model": "session", "where": [{"field": "expiresAt", "operator": "lt", "value": 5},
        {"field": "expiresAt", "operator": "lte", "value": 6}], "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUnsupportedQuery,
     R"(cannot have more than one lower bound where clause: [{"field":"expiresAt","operator":"lt","value":5},{"field":"expiresAt","operator":"lte","value":6}])"},
    {"two_upper_bounds", ComponentFunction::kFindMany,
     R"({"model": "session", "where": [{"field": "expiresAt", "operator": "gt", "value": 5},
        {"field": "expiresAt", "operator": "gte", "value": 6}], "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUnsupportedQuery,
     R"(cannot have more than one upper bound where clause: [{"field":"expiresAt","operator":"gt","value":5},{"field":"expiresAt","operator":"gte","value":6}])"},
    {"bounds_on_different_fields", ComponentFunction::kFindMany,
     R"({"model": "session", "where": [{"field": "expiresAt", "operator": "lt", "value": 5},
        {"field": "updatedAt", "operator": "gt", "value": 1}], "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUnsupportedQuery,
     R"(lower bound and upper bound must have the same field: [{"field":"expiresAt","operator":"lt","value":5},{"field":"updatedAt","operator":"gt","value":1}])"},
    {"eq_on_the_bound_field", ComponentFunction::kFindMany,
     R"({"model": "session", "where": [{"field": "expiresAt", "operator": "lt", "value": 5},
        {"field": "expiresAt", "value": 4}], "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUnsupportedQuery,
     R"(too many where clauses on the bound field: [{"field":"expiresAt","operator":"lt","value":5},{"field":"expiresAt","value":4}])"},
    {"in_without_array", ComponentFunction::kFindMany,
     R"({"model": "session", "where": [{"field": "userId", "operator": "in", "value": "x"}],
        "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUnsupportedQuery, "in clause value must be an array"},
    {"email_in_cannot_merge", ComponentFunction::kFindMany,
     R"({"model": "user", "where": [{"field": "email", "operator": "in", "value": ["a@x.io", "b@x.io"]}],
        "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUnsupportedQuery,
     R"(indexFields must be some sequence of fields the stream is ordered by: ["_creationTime","_id"], ["email","name","_creationTime","_id"] (1 equality fields))"},
    {"in_empty_array", ComponentFunction::kFindMany,
     R"({"model": "session", "where": [{"field": "userId", "operator": "in", "value": []}],
        "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUnsupportedQuery, "Cannot union empty array of streams"},
    {"id_in_not_an_id", ComponentFunction::kFindMany,
     R"({"model": "user", "where": [{"field": "_id", "operator": "in", "value": ["garbage"]}],
        "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kBadId, "Invalid argument `id`, expected ID value but got 'garbage'"},
    {"id_in_other_table", ComponentFunction::kFindMany,
     R"({"model": "session", "where": [{"field": "_id", "operator": "in", "value": ["$user"]}],
        "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kBadId,
     "Invalid argument `id`, expected ID in table 'session' but got ID in table 'user'"},
    {"created_at_bound_with_eq", ComponentFunction::kFindMany,
     R"({"model": "session", "where": [{"field": "userId", "value": "$user"},
        {"field": "createdAt", "operator": "lt", "value": 5}], "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUnsupportedQuery, "Cannot use lt on field 'createdAt'"},
    {"zero_items_first_page", ComponentFunction::kFindMany,
     R"({"model": "session", "paginationOpts": {"numItems": 0, "cursor": null}})",
     ThrownKind::kUnsupportedQuery,
     ".paginate called with cursor of null and 0 for numItems. This is not supported, as null is "
     "not a valid "
     "continueCursor. Advice: avoid calling paginate entirely in these cases."},
    {"cursor_not_json", ComponentFunction::kFindMany,
     R"({"model": "session", "paginationOpts": {"numItems": 5, "cursor": "abc"}})",
     ThrownKind::kBadCursor, R"(Unexpected token 'a', "abc" is not valid JSON)"},
    {"cursor_empty", ComponentFunction::kFindMany,
     R"({"model": "session", "paginationOpts": {"numItems": 5, "cursor": ""}})",
     ThrownKind::kBadCursor, "Unexpected end of JSON input"},
    {"update_one_no_match", ComponentFunction::kUpdateOne,
     R"({"input": {"model": "user", "update": {"name": "x"}, "where": [{"field": "email", "value": "nobody@x.io"}]}})",
     ThrownKind::kNotFound, "Failed to update user"},
    {"update_one_id_of_other_table", ComponentFunction::kUpdateOne,
     R"({"input": {"model": "session", "update": {"userAgent": "x"}, "where": [{"field": "_id", "value": "$user"}]}})",
     ThrownKind::kBadId,
     "Invalid argument `id`, expected ID in table 'session' but got ID in table 'user'"},
    {"create_duplicate_email", ComponentFunction::kCreate,
     R"({"input": {"model": "user", "data": {"name": "D", "email": "dana@example.com", "emailVerified": false,
        "createdAt": 1, "updatedAt": 1}}})",
     ThrownKind::kUniqueViolation, "user email already exists"},
    {"create_duplicate_session_token", ComponentFunction::kCreate,
     R"({"input": {"model": "session", "data": {"expiresAt": 1, "token": "tok-1", "createdAt": 1,
        "updatedAt": 1, "userId": "$user"}}})",
     ThrownKind::kUniqueViolation, "session token already exists"},
    {"update_one_to_taken_username", ComponentFunction::kUpdateOne,
     R"({"input": {"model": "user", "update": {"username": "dana"}, "where": [{"field": "email", "value": "eve@example.com"}]}})",
     ThrownKind::kUniqueViolation, "user username already exists"},
    {"update_many_unique_on_several", ComponentFunction::kUpdateMany,
     R"({"input": {"model": "user", "update": {"username": "same"}, "where": [{"field": "emailVerified", "value": false}]},
        "paginationOpts": {"numItems": 10, "cursor": null}})",
     ThrownKind::kUniqueViolation,
     "Attempted to set unique fields in multiple documents in user with the same value. Fields: "
     "username"},
    {"create_unknown_field", ComponentFunction::kCreate,
     R"({"input": {"model": "jwks", "data": {"publicKey": "p", "privateKey": "k", "createdAt": 1, "alg": "RS256"}}})",
     ThrownKind::kArgumentValidation,
     "Validator error: Expected one of object, object, object, object, object, object, object, "
     "object, object, object, "
     R"(got `{"data":{"alg":"RS256","createdAt":1,"privateKey":"k","publicKey":"p"},"model":"jwks"}`)"},
    {"create_date_as_string", ComponentFunction::kCreate,
     R"({"input": {"model": "rateLimit", "data": {"key": "k", "count": 1, "lastRequest": "2026-01-01"}}})",
     ThrownKind::kArgumentValidation,
     "Validator error: Expected one of object, object, object, object, object, object, object, "
     "object, object, object, "
     R"(got `{"data":{"count":1,"key":"k","lastRequest":"2026-01-01"},"model":"rateLimit"}`)"},
    {"where_without_value", ComponentFunction::kFindOne,
     R"({"model": "session", "where": [{"field": "_id"}]})", ThrownKind::kArgumentValidation,
     "Validator error: Missing required field `value` in object"},
    {"where_value_object", ComponentFunction::kFindOne,
     R"({"model": "session", "where": [{"field": "token", "value": {"a": 1}}]})",
     ThrownKind::kArgumentValidation,
     R"(Validator error: Expected one of string, number, boolean, array, array, null, got `{"a":1}`)"},
    {"where_null_clause", ComponentFunction::kFindOne, R"({"model": "session", "where": [null]})",
     ThrownKind::kArgumentValidation, "Cannot convert undefined or null to object"},
    {"unknown_model", ComponentFunction::kFindOne, R"({"model": "users"})",
     ThrownKind::kArgumentValidation,
     "Validator error: Expected one of literal, literal, literal, literal, literal, literal, "
     "literal, literal, "
     R"(literal, literal, got `"users"`)"},
    {"unknown_argument", ComponentFunction::kFindOne, R"({"model": "user", "limit": 3})",
     ThrownKind::kArgumentValidation, "Validator error: Unexpected field `limit` in object"},
    // Unknown fields are reported in the sorted order the function sees.
    {"first_unexpected_field_in_key_order", ComponentFunction::kFindOne,
     R"({"model": "user", "zeta": 1, "limit": 3})", ThrownKind::kArgumentValidation,
     "Validator error: Unexpected field `limit` in object"},
    {"missing_pagination", ComponentFunction::kFindMany, R"({"model": "user"})",
     ThrownKind::kArgumentValidation,
     "Validator error: Missing required field `paginationOpts` in object"},
    {"bad_operator", ComponentFunction::kFindOne,
     R"({"model": "user", "where": [{"field": "name", "operator": "like", "value": "x"}]})",
     ThrownKind::kArgumentValidation,
     "Validator error: Expected one of literal, literal, literal, literal, literal, literal, "
     "literal, literal, "
     R"(literal, literal, literal, got `"like"`)"},
};

class ComponentErrors : public ComponentTest, public ::testing::WithParamInterface<ErrorCase> {};

std::string substitute(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST_P(ComponentErrors, ThrowsTheComponentsExactMessage) {
  const ErrorCase& c = GetParam();
  const std::string user = create_user("dana@example.com");
  create_user("eve@example.com", "Eve");
  ok(ComponentFunction::kUpdateOne,
     Json::parse(R"({"input": {"model": "user", "update": {"username": "dana"},
      "where": [{"field": "email", "value": "dana@example.com"}]}})"));
  const std::string session = create_session(user, "tok-1", kStartMs + 1000);
  const Json before = app_.database().dump("component");
  const Json args = Json::parse(substitute(substitute(c.args, "$user", user), "$session", session));

  auto result = call(c.function, args);
  ASSERT_FALSE(result.has_value()) << "returned " << js_stringify(*result);
  EXPECT_EQ(result.error().code, c.kind) << result.error();
  EXPECT_EQ(result.error().detail,
            substitute(substitute(c.message, "$user", user), "$session", session));
  EXPECT_EQ(app_.database().dump("component"), before) << "a failed call must change nothing";
}

INSTANTIATE_TEST_SUITE_P(Table, ComponentErrors, ::testing::ValuesIn(kCases),
                         [](const auto& row) { return std::string(row.param.name); });

}  // namespace
}  // namespace authref::testing

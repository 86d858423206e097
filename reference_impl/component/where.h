// authref/component/where.h: the adapter's where clauses and their in-memory
// filter (`filterByWhere`, adapter-utils.ts:305-389).
//
// A clause is {field, operator?, value, connector?, mode?}. A missing
// operator means eq. The filter follows JavaScript exactly, because that is
// what the component runs: eq is ===, so an absent field (undefined) never
// equals null and an array never equals anything; lt/gt treat a missing or
// null document value as smaller than anything; the string operators match
// strings only and never interpret patterns.
//
//   auto clauses = parse_where(&args["where"]);
//   bool keep = matches_where(*doc, clauses, [](const WhereClause&) { return true; });
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "store/value_order.h"

namespace authref {

enum class WhereOperator {
  kEq,
  kNe,
  kLt,
  kLte,
  kGt,
  kGte,
  kIn,
  kNotIn,
  kContains,
  kStartsWith,
  kEndsWith
};

struct WhereClause {
  Json json;  // the clause as the function received it (keys sorted): messages print it
  std::string field;
  bool has_operator = false;
  WhereOperator op = WhereOperator::kEq;
  bool connector_or = false;
  bool insensitive = false;

  const Json& value() const { return json.at("value"); }
  // No operator or "eq": what the index and unique lookups treat as equality.
  bool is_eq() const { return op == WhereOperator::kEq; }
};

// Parses clauses that already passed the function's argument validator.
std::vector<WhereClause> parse_where(const Json& where_array);

// JSON.stringify of the clauses, as the component's error messages print them.
std::string stringify_where(std::span<const WhereClause> clauses);

// One clause against one document (filterByWhere's inner `filter`).
bool matches_clause(const Json& document, const WhereClause& clause);

// Every clause `include` accepts must match (filterByWhere); a null document
// never matches.
bool matches_where(const Json* document, std::span<const WhereClause> clauses,
                   const std::function<bool(const WhereClause&)>& include);

}  // namespace authref

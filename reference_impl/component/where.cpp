#include "component/where.h"

#include "store/js_value.h"

namespace authref {
namespace {

WhereOperator operator_named(const std::string& name) {
  static const std::pair<const char*, WhereOperator> kNames[] = {
      {"eq", WhereOperator::kEq},
      {"ne", WhereOperator::kNe},
      {"lt", WhereOperator::kLt},
      {"lte", WhereOperator::kLte},
      {"gt", WhereOperator::kGt},
      {"gte", WhereOperator::kGte},
      {"in", WhereOperator::kIn},
      {"not_in", WhereOperator::kNotIn},
      {"contains", WhereOperator::kContains},
      {"starts_with", WhereOperator::kStartsWith},
      {"ends_with", WhereOperator::kEndsWith},
  };
  for (const auto& [text, op] : kNames) {
    if (name == text) return op;
  }
  return WhereOperator::kEq;
}

bool is_nullish(const Json* value) { return value == nullptr || value->is_null(); }

// isLessThan / isGreaterThan of filterByWhere: null-ish document values are
// smaller than anything, a null-ish where-value is larger than everything.
bool is_less_than(const Json* value, const Json& bound) {
  if (bound.is_null()) return false;
  if (is_nullish(value)) return true;
  return js_less_than(value, &bound);
}

bool is_greater_than(const Json* value, const Json& bound) {
  if (is_nullish(value)) return false;
  if (bound.is_null()) return true;
  return js_less_than(&bound, value);
}

}  // namespace

std::vector<WhereClause> parse_where(const Json& where_array) {
  std::vector<WhereClause> clauses;
  if (!where_array.is_array()) return clauses;
  for (const Json& item : where_array) {
    WhereClause clause;
    clause.json = item;
    clause.field = item.value("field", "");
    if (auto it = item.find("operator"); it != item.end() && it->is_string()) {
      clause.has_operator = true;
      clause.op = operator_named(it->get<std::string>());
    }
    clause.connector_or = item.value("connector", "") == "OR";
    clause.insensitive = item.value("mode", "") == "insensitive";
    clauses.push_back(std::move(clause));
  }
  return clauses;
}

std::string stringify_where(std::span<const WhereClause> clauses) {
  Json array = Json::array();
  for (const WhereClause& clause : clauses) array.push_back(clause.json);
  return js_stringify(array);
}

bool matches_clause(const Json& document, const WhereClause& clause) {
  auto found = document.find(clause.field);
  const Json* value = found == document.end() ? nullptr : &*found;
  const Json& wanted = clause.value();
  switch (clause.op) {
    case WhereOperator::kEq:
      return js_strict_equals(value, &wanted);
    case WhereOperator::kIn:
      return wanted.is_array() && js_array_includes(wanted, value);
    case WhereOperator::kNotIn:
      return wanted.is_array() && !js_array_includes(wanted, value);
    case WhereOperator::kLt:
      return is_less_than(value, wanted);
    case WhereOperator::kLte:
      return js_strict_equals(value, &wanted) || is_less_than(value, wanted);
    case WhereOperator::kGt:
      return is_greater_than(value, wanted);
    case WhereOperator::kGte:
      return js_strict_equals(value, &wanted) || is_greater_than(value, wanted);
    case WhereOperator::kNe:
      return !js_strict_equals(value, &wanted);
    case WhereOperator::kContains:
    case WhereOperator::kStartsWith:
    case WhereOperator::kEndsWith: {
      if (value == nullptr || !value->is_string()) return false;
      // `value.includes(w.value as string)`: JavaScript converts a non-string
      // argument with String() first.
      const std::string needle = js_string_of(&wanted);
      const std::string& text = value->get_ref<const std::string&>();
      if (clause.op == WhereOperator::kContains) return text.find(needle) != std::string::npos;
      if (clause.op == WhereOperator::kStartsWith) return text.starts_with(needle);
      return text.ends_with(needle);
    }
  }
  return false;
}

bool matches_where(const Json* document, std::span<const WhereClause> clauses,
                   const std::function<bool(const WhereClause&)>& include) {
  if (document == nullptr) return false;
  for (const WhereClause& clause : clauses) {
    if (include && !include(clause)) continue;
    if (!matches_clause(*document, clause)) return false;
  }
  return true;
}

}  // namespace authref

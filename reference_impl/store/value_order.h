// authref/store/value_order.h: Convex's total order over document values.
//
// Index ranges, index keys and pagination cursors order values the way
// Convex does: undefined < null < number < boolean < string < array < object.
// Numbers compare as float64 (JSON has no int64 here), strings by their UTF-8
// bytes, arrays and objects element by element. An absent field (`undefined`)
// is a null pointer.
//
//   compare_values(nullptr, &null_json) < 0   // a missing field sorts first
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace authref {

using Json = nlohmann::ordered_json;

// <0, 0 or >0 as `a` sorts before, with, or after `b` in Convex's order.
int compare_values(const Json* a, const Json* b);

// compare_values with a number or a string on the left: for the _creationTime
// and _id parts of an index key, which entries hold unboxed.
int compare_number_to(double a, const Json* b);
int compare_string_to(std::string_view a, const Json* b);

// The float64 a JSON number denotes, whichever nlohmann kind holds it.
double number_value(const Json& number);

}  // namespace authref

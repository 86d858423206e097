// authref/store/js_value.h: JavaScript value semantics over JSON values.
//
// The component's query engine is JavaScript: its filters use `===`, `<` and
// `Array.prototype.includes`, and its cursors and error texts come from
// `String()` and `JSON.stringify`. These functions compute what V8 computes
// for the same values, checked row by row against Node in
// fixtures/vectors/js-semantics.json. An absent field (`undefined`) is a null
// pointer; every JSON number, whether nlohmann holds it as an integer, an
// unsigned or a float, is the float64 it denotes.
//
//   const Json five = 5, ten = "10";
//   js_less_than(&five, &ten)                           // true: 5 < 10 as numbers
//   js_stringify(Json::parse(R"({"b":1.0,"1":"\u0001"})"))  // {"1":"\u0001","b":1}
//   js_string_of(nullptr)                               // "undefined"
//
// Nothing here throws. One conversion does throw in JavaScript: an object
// parsed with a `toString` key has no callable toString, so `String()` and
// `<` on it throw "TypeError: Cannot convert object to primitive value";
// js_to_primitive_throws says when, and callers that must reproduce the throw
// ask it first.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace authref {

using Json = nlohmann::ordered_json;

// The message of the TypeError that converting such an object throws.
inline constexpr std::string_view kCannotConvertToPrimitive =
    "Cannot convert object to primitive value";

// Number::toString(10): shortest round-trip digits, plain notation from 1e-6
// up to 1e21, exponent notation ("1e+21", "1.5e-7") outside it; -0 is "0".
std::string js_number_to_string(double value);

// JSON.stringify(value) with no indent. Array-index keys ("0".."4294967294")
// come first in ascending order, as a JavaScript object holds them; other keys
// keep their stored order. Non-finite numbers are written as null.
std::string js_stringify(const Json& value);

// String(value), as `${value}` gives it: arrays join their elements' strings
// with "," (null elements are empty), objects are "[object Object]".
std::string js_string_of(const Json* value);

// Number(value): undefined is NaN, null 0, booleans 0 and 1, strings per
// StringToNumber (trimmed; "" is 0; decimal, "Infinity", 0x/0o/0b; else NaN),
// arrays the number of their String(), objects NaN.
double js_to_number(const Json* value);

// True when converting `value` to a primitive (String(value), value < x)
// throws in JavaScript: an object with its own `toString` key, or an array
// holding one at any depth. The other functions then answer as if the key
// were absent.
bool js_to_primitive_throws(const Json* value);

// <0, 0 or >0 as `a` sorts before, with or after `b` in JavaScript's string
// order: by UTF-16 code units, so U+10000 and above sort before U+E000.
int js_compare_strings(std::string_view a, std::string_view b);

// The value a Convex function receives when `value` is passed to it as an
// argument (or returned across a function boundary): `convexToJson` copies
// every object with its keys sorted by `k1 < k2`, UTF-16 code units
// (convex/dist/esm/values/value.js:272-273), and the object JavaScript
// rebuilds from that JSON lists array-index keys first, ascending, then the
// rest in that sorted order. Arrays keep their order; nothing else changes.
//
//   js_sorted_keys(Json::parse(R"({"b":1,"a":{"d":2,"c":3}})"))  // {"a":{"c":3,"d":2},"b":1}
Json js_sorted_keys(const Json& value);

// a === b. Arrays and objects are compared by identity: each JSON array or
// object is a JavaScript object of its own (two values parsed from different
// places are different objects), so two distinct nodes are never strictly
// equal, even with equal contents; only a node compared with itself is.
bool js_strict_equals(const Json* a, const Json* b);

// array.includes(value) (SameValueZero: === except that NaN finds NaN).
// undefined finds nothing, since a JSON array holds no undefined element; a
// non-array finds nothing.
bool js_array_includes(const Json& array, const Json* value);

// a < b per the abstract relational comparison: both strings after
// ToPrimitive compare by UTF-16 code units, anything else as numbers, where
// NaN makes the answer false.
bool js_less_than(const Json* a, const Json* b);

// a > b, which is b < a.
bool js_greater_than(const Json* a, const Json* b);

}  // namespace authref

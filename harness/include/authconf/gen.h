// authconf/gen.h: rapidcheck generators for hostile and valid input.
//
//   suite::check_property("valid emails sign up", 20, [&] {
//     const std::string email = *gen::valid_email();
//     ...
//   });
//
// Each generator documents the rule it follows and where the rule comes
// from (zod 4's email regex as Better Auth 1.6.34 uses it, Better Auth's
// password length limits, the WHATWG URL Standard for origins).
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authconf/target.h"

namespace authconf::gen {

// An email zod's `z.email()` accepts (spec/better-auth-wire.md §2.1), the
// regex of zod 4.6.7's v4/core/regexes.js:
//   ^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@
//    (?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$
// ASCII local part (dotted atoms, `_ ' + -`, never `'` last) and domain
// (labels may end in `-`), mixed case (Better Auth lower-cases on sign-up, so
// two values may collide after lower-casing). Domains are reserved names only
// (RFC 2606/6761: *.example, *.test, *.invalid, *.localhost, example.com/net/
// org), so a target that sends mail never reaches a real inbox.
rc::Gen<std::string> valid_email();
// The same, with the local part "<local_prefix>.<generated>": pass the local
// part of target().new_email() so the user carries the run id and is unique.
// Throws std::invalid_argument unless `local_prefix` is itself dotted atoms
// of [A-Za-z0-9_'+-] (so every result still matches zod's regex).
rc::Gen<std::string> valid_email(std::string_view local_prefix);
// A near-miss zod refuses: no @, two @, a leading/trailing/double dot, `'` as
// the last local character, an empty local part or label, a label starting
// with `-`, a one-letter or numeric TLD, no TLD, a trailing dot, a space, a
// non-ASCII character, an IP literal, a quoted local part, `_` in the domain,
// angle brackets, a trailing newline (JavaScript's `$` is not multiline), "".
rc::Gen<std::string> invalid_email();
// A password within Better Auth's limits (8..128 by default): ASCII, other
// scripts, characters NFKC would change (ﬁ, Ａ, ①), astral characters that
// are two UTF-16 units, combining marks. `min`/`max` count UTF-16 code units
// as JavaScript's `.length` does (sign-up.mjs: `password.length < min`).
// Always valid UTF-8 without control characters, never empty (zod's
// `nonempty()` rejects "" before the length check, with another error): a
// `min` below 1 counts as 1. Lengths are the edges (min, min+1, max−1, max)
// or within min+64, so generation stays cheap for a large `max`; values
// whose code points are fewer than `min` or whose UTF-8 bytes exceed `max`
// turn up often (they catch a target that counts the wrong unit). Throws
// std::invalid_argument when max < 1 or min > max.
rc::Gen<std::string> password(int min = 8, int max = 128);
// A password that is too short (1..min−1 units, never empty) or too long
// (max+1 up to 2·max+1 units) by JavaScript's `.length`, including strings
// whose UTF-8 byte count is ≥ min while `.length` < min (7×"é") and strings
// whose code points are ≤ max while `.length` > max (65×"😀" for 128). With
// min ≤ 1 only too-long values. Throws std::invalid_argument as password().
rc::Gen<std::string> out_of_range_password(int min = 8, int max = 128);
// A display name: Unicode letters (precomposed and decomposed), marks, other
// scripts, NFKC-sensitive letters, emoji (ZWJ sequences, flags, skin tones),
// single spaces between words; 1..64 code points, starting with a letter,
// never ending in a space. Valid UTF-8, no control characters.
rc::Gen<std::string> name();
// An origin that must NOT be treated as `allowed` (an http(s) origin): other
// hosts, the allowed host as a suffix, prefix or subdomain, another port or
// scheme, userinfo and backslash tricks, `null`, case and trailing-dot
// variants that serialise differently, percent- and IDN-encoded (punycode)
// look-alikes, loopback aliases, malformed URLs. Every value is printable
// ASCII (a valid header value); origin_of() never serialises it to
// `allowed` and is_trusted_origin(value, {allowed}) is never true (checked;
// a candidate failing that would be replaced by "null"). Throws
// std::invalid_argument when `allowed` is not an http(s) URL.
rc::Gen<std::string> hostile_origin(const std::string& allowed);
// One where clause of the component's adapter (spec/convex-component.md §3):
// {field, value, operator?, connector?, mode?} over `model`'s fields in the
// component schema 0.12.5 (§2.1), typed as the field is: strings, numbers
// (epoch-ms dates among them), booleans, null for eq/ne, a non-empty
// string[] or number[] for in/not_in (boolean fields get eq/ne only; the
// string operators only on string fields). It passes the argument validators
// of all seven functions and none of paginate's up-front refusals: no
// `mode: "insensitive"` (only "sensitive", rarely), connector only "AND" (an
// "OR" among several clauses throws), never `_id`. Values come from small
// pools so clauses collide with each other and with stored documents.
// Still the component's own refusal (§3.3, observed bug): `in` on a field
// whose chosen index has more fields (user.email, account.providerId,
// oauthConsent.clientId) throws "indexFields must be some sequence of
// fields the stream is ordered by"; the reference reproduces it.
// Throws std::invalid_argument for a model the schema lacks.
rc::Gen<Json> where_clause(const std::string& model);
// The same, where a clause on `_id` (eq, in or not_in only; an `in` over ids
// of `model`, since `_id in` reads each id) draws from `ids` (documents of
// `model` on the target). With no ids it is where_clause(model).
rc::Gen<Json> where_clause(const std::string& model, std::vector<std::string> ids);
// The models where_clause() knows: the tables of the component schema.
const std::vector<std::string>& models();

// --- adapter calls ----------------------------------------------------------

// One call of the component's adapter API: `function` is one of the seven
// component functions (adapter_functions()) and `args` exactly the body of
// bridge-v1 `POST /adapter/{function}`, the function's argument object of
// spec/convex-component.md §3.2 without trigger handles.
struct AdapterCall {
  std::string function;
  Json args;
};
// How rapidcheck prints a call in a counterexample: `findOne {"model":…}`.
void showValue(const AdapterCall& call, std::ostream& out);

// create, findOne, findMany, updateOne, updateMany, deleteOne, deleteMany.
const std::vector<std::string>& adapter_functions();

// What keeps generated calls to the rows of one run, so that a sequence run
// against a real deployment only reads, changes and deletes rows it made:
// - every document carries one of keys() in the model's scope_field(), and
//   an update only ever moves a row between the keys;
// - every where clause list starts with a clause on that field (eq one
//   key, or `in` the keys) and every other clause is ANDed, so no write can
//   reach another row; a list that also carries an OR or an unsupported
//   clause is refused by paginate before anything is read (§3.3);
// - the values of unique fields (§2.3: user email/username/phoneNumber,
//   session token, …) are "<prefix>-<x>", so a uniqueness check or a unique
//   lookup meets only the run's rows;
// - the other clauses never make the query engine give up the scope
//   field's index (no eq or range on another non-unique field, no `in`
//   besides the scope's and `_id`'s, sortBy only createdAt): a read walks
//   the run's rows only, never a table scan that could meet the read budget
//   on a large table (the component's "Querying without an index" path).
//   `jwks` has no index at all: its reads scan the (small) table;
// - dates are date_origin + {0, 0.5, 1, 2, 3, 4} (ms, so that they collide
//   and stay within a window of 5 ms): a far-future origin keeps a
//   verification row from being swept as expired by real traffic (Better
//   Auth deletes verification rows with expiresAt < now).
struct CallScope {
  std::string prefix;  // run-unique, e.g. "ac-<run id>-seq-3"
  double date_origin = 1795344700000.0;

  // "<prefix>-k0", "<prefix>-k1": the values of the scope field.
  std::vector<std::string> keys() const;
};
// The field of `model` that carries the scope keys: `identifier` for
// verification, `key` for rateLimit (unique), `privateKey` for jwks (no
// index), `userId` for every other table (an indexed field; on `user` the
// legacy convex-plugin field). Throws std::invalid_argument for a model the
// schema lacks.
const std::string& scope_field(const std::string& model);

// One call on `model`, unscoped: documents and updates valid for the
// table's validator (required fields always, optional ones absent, null or
// set) with values from where_clause()'s pools; `where` (often absent) is up
// to three where_clause(model, ids) clauses; findMany/updateMany/deleteMany
// carry paginationOpts {numItems 1..6, cursor null}, findMany sometimes a
// sortBy, a limit (ignored by the component) or a select. Every call passes
// the function's argument validator; the component may still refuse it
// (§3.3: the `in` merge bug, no index for a unique field, …), which is an
// answer to compare, not a malformed call.
rc::Gen<AdapterCall> adapter_call(const std::string& model, std::vector<std::string> ids);
// The same, scoped as CallScope says; `_id` clauses draw from `ids`. About
// one where list in fifteen carries a refusal paginate throws before
// reading (an OR among the clauses, `mode: "insensitive"`, `_id` with lt, gt
// or ne; a findMany in twenty an `offset`), and some carry a createdAt
// bound, which findIndex refuses next to the scope's eq ("Cannot use lt on
// field 'createdAt'"), so error answers are compared too.
rc::Gen<AdapterCall> adapter_call(const std::string& model, std::vector<std::string> ids,
                                  CallScope scope);
// 1..max_length scoped calls on `model`, creates more likely than the rest
// (so that the others meet rows). A document created earlier in the
// sequence is named, in `_id` clauses, by row_ref(k) for the k-th create
// call of the sequence (0-based; a create that throws still counts):
// resolve_rows() puts each side's real ids in before a call is sent.
rc::Gen<std::vector<AdapterCall>> adapter_call_sequence(const std::string& model, CallScope scope,
                                                        int max_length = 20);

// `value` with every string that starts with `from` starting with `to`
// instead. Inside a property, generate with a placeholder prefix (say
// CallScope{"@scope"}) and bind a fresh one in each execution: rapidcheck
// replays a shrunk value as it was generated, not from a new generator, so
// a prefix taken from a counter when the generator was made would be shared
// by every shrink step of that value, and so would its rows.
Json rebind_prefix(const Json& value, std::string_view from, std::string_view to);

// "@row<k>": the `_id` returned by the k-th create of a sequence.
std::string row_ref(std::size_t k);
// k when `value` is row_ref(k).
std::optional<std::size_t> row_index(std::string_view value);
// `args` with every string that is row_ref(k) replaced by created[k]: the
// id the k-th create returned on one side (nullopt: it threw). nullopt when
// some referenced create has no id.
std::optional<Json> resolve_rows(const Json& args,
                                 const std::vector<std::optional<std::string>>& created);

// The number of UTF-16 code units of a UTF-8 string (JavaScript's `.length`).
// For invalid UTF-8 each stray byte counts as one unit (as U+FFFD would).
std::size_t utf16_length(const std::string& utf8);

namespace detail {
// hostile_origin() before its final check: {category, origin}, so tests can
// prove the construction alone never yields a trusted origin and every
// category turns up. Categories: other-host, host-as-suffix, host-as-prefix,
// subdomain, other-port, other-scheme, userinfo, backslash, null, case,
// trailing-dot, percent, idn, loopback-alias, malformed.
rc::Gen<std::pair<std::string, std::string>> hostile_origin_candidate(const std::string& allowed);
// RFC 3492 Punycode of one label (without the "xn--" prefix).
std::string punycode(std::u32string_view label);
}  // namespace detail

}  // namespace authconf::gen

// authref/store/document_id.h: opaque document ids that name their table.
//
// Like Convex's, an id is a base32 string that encodes the table it belongs to
// plus random bytes, so ids are unique, say nothing about insertion order, and
// `db.get(id)` can tell which table to look in. The layout is ours, not
// Convex's: varint(table number) + 16 random bytes + a 2-byte Fletcher-16
// check, in Convex's base32 alphabet (0-9 a-z without i, l, o, u).
//
//   DocumentIdGenerator ids(seed);
//   std::string id = ids.next(3);
//   table_number_of(id) == 3
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace authref {

class DocumentIdGenerator {
 public:
  explicit DocumentIdGenerator(std::uint64_t seed);
  // A fresh id for a document of `table_number`. Not thread-safe: the
  // database calls it under its writer lock.
  std::string next(std::uint32_t table_number);

 private:
  std::mt19937_64 random_;
};

// The table number an id encodes, or nullopt when the string is not an id
// (wrong alphabet, wrong length or a failed check).
std::optional<std::uint32_t> table_number_of(std::string_view id);

}  // namespace authref

#include "auth/random_id.h"

#include <sodium.h>

#include <cstdint>

namespace authref {

std::string random_id(std::size_t length, std::string_view alphabet) {
  // sodium_init is idempotent and thread-safe; the harness calls it too.
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    out.push_back(alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))]);
  }
  return out;
}

}  // namespace authref

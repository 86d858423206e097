// libsodium must be initialised once before use (it picks CPU-specific code
// and seeds its RNG). Every harness function that calls libsodium calls this.
#pragma once

#include <sodium.h>

#include <cstdlib>

namespace authconf::internal {

inline void ensure_sodium() {
  // A function-local static runs exactly once, even with many threads.
  static const bool ready = [] { return sodium_init() >= 0; }();
  if (!ready) std::abort();  // no entropy source: nothing safe can follow
}

}  // namespace authconf::internal

#include "store/clock.h"

#include <chrono>

namespace authref {

double Clock::now_ms() const {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
  return static_cast<double>(micros) / 1000.0 + static_cast<double>(offset_ms());
}

}  // namespace authref

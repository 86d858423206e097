// authref/store/clock.h: the reference's clock, which tests can move.
//
// Sessions, tokens, rate limits and document creation times all read this
// clock. The bridge's `PUT /clock` sets an offset so suites can check expiry
// rules without waiting (spec/bridge-v1.md).
//
//   Clock clock;
//   clock.set_offset_ms(86'400'000);   // one day ahead
//   double now = clock.now_ms();
#pragma once

#include <atomic>
#include <cstdint>

namespace authref {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch, with microsecond resolution, plus the
  // offset.
  virtual double now_ms() const;
  void set_offset_ms(std::int64_t offset) { offset_ms_.store(offset); }
  std::int64_t offset_ms() const { return offset_ms_.load(); }

 private:
  std::atomic<std::int64_t> offset_ms_{0};
};

// A clock that stands still until told to move: for deterministic tests.
class ManualClock : public Clock {
 public:
  explicit ManualClock(double start_ms) : now_ms_(start_ms) {}
  double now_ms() const override { return now_ms_.load() + static_cast<double>(offset_ms()); }
  void advance_ms(double delta) { now_ms_.store(now_ms_.load() + delta); }

 private:
  std::atomic<double> now_ms_;
};

}  // namespace authref

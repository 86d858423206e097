// Placeholder: the rate limiter is being written (issue 4).
#include "auth/rate_limiter.h"

namespace authref {

RateLimiter::RateLimiter(const AuthOptions& options, const Clock& clock)
    : options_(options), clock_(clock) {}
std::optional<http::HttpResponse> RateLimiter::check(const http::HttpRequest&, std::string_view) {
  return std::nullopt;
}
void RateLimiter::reset() {
  std::lock_guard lock(mutex_);
  buckets_.clear();
}

}  // namespace authref

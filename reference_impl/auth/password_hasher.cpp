#include "auth/password_hasher.h"

#include <exception>
#include <future>
#include <stdexcept>

#include "authconf/password.h"

namespace authref {

PasswordHasher::PasswordHasher(std::size_t workers) {
  if (workers == 0) {
    std::size_t cores = std::thread::hardware_concurrency();
    workers = cores > 1 ? cores - 1 : 1;
  }
  for (std::size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

PasswordHasher::~PasswordHasher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void PasswordHasher::work() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop();
    }
    job();
  }
}

void PasswordHasher::run(std::function<void()> job) {
  std::promise<void> done;
  auto finished = done.get_future();
  {
    std::lock_guard lock(mutex_);
    jobs_.push([&] {
      try {
        job();
        done.set_value();
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
  }
  ready_.notify_one();
  finished.get();
}

std::string PasswordHasher::hash(std::string_view password) {
  std::string stored;
  run([&] {
    auto hashed = authconf::hash_password(password);
    if (!hashed) throw std::runtime_error("scrypt failed: " + hashed.error().detail);
    stored = std::move(*hashed);
  });
  return stored;
}

bool PasswordHasher::verify(std::string_view password, std::string_view stored) {
  if (stored.find(':') == std::string_view::npos) {
    throw std::invalid_argument("Invalid password hash");
  }
  bool matches = false;
  run([&] {
    auto verified = authconf::verify_password(password, stored);
    if (!verified) throw std::invalid_argument("Invalid password hash");
    matches = *verified;
  });
  return matches;
}

}  // namespace authref

// authref/auth/password_hasher.h: scrypt off the request threads.
//
// One Better Auth password hash is scrypt N=16384, r=16, p=1: about 0.1 s of
// one core and 32 MiB. Hashing on the connection threads would let a burst of
// sign-ups take every core; here a fixed pool of workers (by default one
// fewer than the cores, at least one) does all hashing, so get-session keeps
// a core to itself while sign-ups wait their turn.
//
//   PasswordHasher hasher(1);
//   std::string stored = hasher.hash("correct horse");   // "<salt>:<key>"
//   hasher.verify("correct horse", stored);               // true
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <queue>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace authref {

class PasswordHasher {
 public:
  // `workers` == 0 picks max(1, hardware threads - 1).
  explicit PasswordHasher(std::size_t workers = 0);
  ~PasswordHasher();
  PasswordHasher(const PasswordHasher&) = delete;
  PasswordHasher& operator=(const PasswordHasher&) = delete;

  // Blocks the caller until a worker has hashed `password` (NFKC, scrypt,
  // "<32 hex salt>:<128 hex key>"). Throws std::runtime_error if scrypt fails.
  std::string hash(std::string_view password);
  // Better Auth's verifyPassword. A stored value without ':' throws
  // std::invalid_argument("Invalid password hash"), as the real one does.
  bool verify(std::string_view password, std::string_view stored);

  std::size_t workers() const { return threads_.size(); }

 private:
  void run(std::function<void()> job);
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::queue<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace authref

#include "authconf/transcript.h"

#include <mutex>
#include <set>
#include <string>

namespace authconf::transcript {
namespace {

// Bounded: a long property run keeps the latest exchanges only.
constexpr std::size_t kMaxExchanges = 200;

std::mutex& mutex() {
  static std::mutex instance;
  return instance;
}
std::vector<Exchange>& store() {
  static std::vector<Exchange> instance;
  return instance;
}
std::set<std::string>& requests_seen() {
  static std::set<std::string> instance;
  return instance;
}
std::string request_key(std::string_view method, std::string_view url) {
  url = url.substr(0, url.find('?'));
  return std::string(method) + " " + std::string(url);
}

}  // namespace

void record(const Exchange& exchange) {
  std::lock_guard lock(mutex());
  auto& exchanges = store();
  if (exchanges.size() == kMaxExchanges) exchanges.erase(exchanges.begin());
  requests_seen().insert(request_key(exchange.method, exchange.url));
  exchanges.push_back(exchange);
}

void clear() {
  std::lock_guard lock(mutex());
  store().clear();
  requests_seen().clear();
}

bool touched(std::string_view method, std::string_view path_suffix) {
  std::lock_guard lock(mutex());
  for (const std::string& seen : requests_seen()) {
    if (seen.starts_with(std::string(method) + " ") && seen.ends_with(path_suffix)) return true;
  }
  return false;
}

std::vector<Exchange> exchanges() {
  std::lock_guard lock(mutex());
  return store();
}

}  // namespace authconf::transcript

// Loads a data file from fixtures/vectors/ for a unit test, once per test
// binary. A missing or unparsable file fails the test loudly rather than
// yielding zero cases.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace authconf::testing {

inline nlohmann::json read_vectors_file(const std::string& file_name) {
  const std::string path = std::string(AUTHCONF_VECTORS_DIR) + "/" + file_name;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open vector file " << path;
    return nlohmann::json::object();
  }
  nlohmann::json data = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (data.is_discarded()) {
    ADD_FAILURE() << "vector file " << path << " is not valid JSON";
    return nlohmann::json::object();
  }
  return data;
}

// The parsed file, cached: every test of a binary shares one copy.
inline const nlohmann::json& load_vectors(const std::string& file_name) {
  static std::map<std::string, nlohmann::json> cache;
  auto it = cache.find(file_name);
  if (it == cache.end()) it = cache.emplace(file_name, read_vectors_file(file_name)).first;
  return it->second;
}

}  // namespace authconf::testing

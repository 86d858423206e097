// Loads a data file from fixtures/vectors/ for a unit test. A missing or
// unparsable file fails the test loudly rather than yielding zero cases.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace authconf::testing {

inline nlohmann::json load_vectors(const std::string& file_name) {
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

}  // namespace authconf::testing

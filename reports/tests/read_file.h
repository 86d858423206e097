// The whole of a file, for the report's tests (golden files, fixtures).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace authconf::report::test_files {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace authconf::report::test_files

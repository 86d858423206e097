// The state of one suite run, shared by the main and CaseScope.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "authconf/bridge.h"
#include "authconf/suite.h"
#include "authconf/target.h"

namespace authconf::suite {

struct RunState {
  std::unique_ptr<Target> target;
  std::unique_ptr<Bridge> bridge;
  std::vector<Expectation> expectations;
  std::string expectations_file;
  bool unredacted = false;
  bool case_opened = false;     // set by CaseScope, checked after each case
  bool error_recorded = false;  // record_error() in the running case
  std::mutex mutex;
  std::set<std::string> case_ids;
  std::vector<std::string> leftovers;
};

RunState& run_state();

}  // namespace authconf::suite

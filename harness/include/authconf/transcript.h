// authconf/transcript.h: the exchanges of the test case that is running.
//
// send_http() appends every exchange here. The GoogleTest glue clears it
// when a case starts and, when the case fails, prints each exchange with
// its curl line and records them as test properties for the report.
//
//   authconf::transcript::clear();
//   ... requests ...
//   for (const auto& exchange : authconf::transcript::exchanges()) ...
#pragma once

#include <string_view>
#include <vector>

#include "authconf/http_client.h"

namespace authconf::transcript {

void record(const Exchange& exchange);
void clear();
// A copy: requests may run on other threads meanwhile.
std::vector<Exchange> exchanges();
// Whether, since clear(), a request with this method went to a URL ending
// in `path_suffix` (kept even when old exchanges were dropped).
bool touched(std::string_view method, std::string_view path_suffix);

}  // namespace authconf::transcript

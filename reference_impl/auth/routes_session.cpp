// Placeholder: the session routes are being written (issue 4).
#include "auth/routes.h"

namespace authref {

std::vector<Route> session_routes() { return {}; }

}  // namespace authref

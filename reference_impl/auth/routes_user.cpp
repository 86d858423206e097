// Placeholder: the user routes are being written (issue 4).
#include "auth/routes.h"

namespace authref {

std::vector<Route> user_routes() { return {}; }

}  // namespace authref

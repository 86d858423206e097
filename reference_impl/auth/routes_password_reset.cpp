// Placeholder: the password_reset routes are being written (issue 4).
#include "auth/routes.h"

namespace authref {

std::vector<Route> password_reset_routes() { return {}; }

}  // namespace authref

// Placeholder: the verification routes are being written (issue 4).
#include "auth/routes.h"

namespace authref {

std::vector<Route> verification_routes() { return {}; }

}  // namespace authref

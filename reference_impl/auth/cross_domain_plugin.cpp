// Placeholder: the crossDomain plugin is being written (issue 4).
#include "auth/cross_domain_plugin.h"

namespace authref {

std::vector<Route> CrossDomainPlugin::routes() { return {}; }
void CrossDomainPlugin::before(EndpointContext&) {}
void CrossDomainPlugin::after(EndpointContext&) {}

}  // namespace authref

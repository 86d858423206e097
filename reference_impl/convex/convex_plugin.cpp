// Placeholder: the convex plugin is being written (issue 4).
#include "convex/convex_plugin.h"

namespace authref {

struct ConvexPlugin::State {};

ConvexPlugin::ConvexPlugin(AuthServices&) : state_(std::make_unique<State>()) {}
ConvexPlugin::~ConvexPlugin() = default;
std::vector<Route> ConvexPlugin::routes() { return {}; }
void ConvexPlugin::before(EndpointContext&) {}
void ConvexPlugin::after(EndpointContext&) {}
Json ConvexPlugin::identity(std::string_view) {
  return Json{{"identity", nullptr}, {"authUser", nullptr}};
}
Json ConvexPlugin::public_jwks() { return Json{{"keys", Json::array()}}; }

}  // namespace authref

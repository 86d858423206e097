// authref/app/reference_app.h: the reference app around the component.
//
// A Convex app that installs @convex-dev/better-auth keeps its own `users`
// table and fills it from triggers (the dual store). The reference app is that
// app: a Database with the component's tables (space "component") and the
// app's (space "app"), the seven component functions, the dual-store
// triggers, and the test-only parts the bridge exposes: faults, the outbox
// and a movable clock.
//
//   Clock clock;
//   ReferenceApp app(clock);
//   app.component().call(ComponentFunction::kCreate, sign_up_user);
//   app.database().documents("app", "users");   // [{"authId": "<user _id>", ...}]
#pragma once

#include <memory>
#include <optional>

#include "app/faults.h"
#include "app/outbox.h"
#include "component/component.h"
#include "store/database.h"

namespace authref {

class ReferenceApp {
 public:
  static constexpr const char* kComponentSpace = "component";
  static constexpr const char* kAppSpace = "app";

  struct Options {
    // Fixes the document-id sequence (tests); random when unset.
    std::optional<std::uint64_t> id_seed;
    // Receives the component's console.warn lines; stderr when unset.
    WarningSink warn;
    // A locally installed component's schema; the 0.12.5 default when unset.
    std::optional<Schema> component_schema;
  };

  explicit ReferenceApp(Clock& clock, Options options = {});

  Database& database() { return *database_; }
  Component& component() { return *component_; }
  Faults& faults() { return faults_; }
  Outbox& outbox() { return outbox_; }
  Clock& clock() { return clock_; }

  // bridge POST /reset: empties every component and app table, the faults
  // and the outbox. Signing keys (the jwks table) survive unless
  // `keep_keys` is false.
  void reset(bool keep_keys);

  // The app's schema: users {authId, email, name} with an authId index.
  static const Schema& app_schema();
  // The capabilities' "appUsers" entry describing that table.
  static Json app_users_description();

 private:
  void install_triggers();

  Clock& clock_;
  std::unique_ptr<Database> database_;
  std::unique_ptr<Component> component_;
  Faults faults_;
  Outbox outbox_;
};

}  // namespace authref

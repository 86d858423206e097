// authref-server: the reference deployment (http/reference_server.h) as a
// program.
//
//   authref-server --port 0 --conformance-key k --allow-reset
//   # authref-server listening on http://127.0.0.1:41234
//
// It prints that one line on stdout (flushed) once the socket is bound, so a
// script can read the port; request log lines ("GET /api/auth/ok 200
// 0.31ms") go to stderr unless --quiet. SIGINT and SIGTERM stop it cleanly
// (requests in flight finish) with exit status 0. Bad options exit with 2,
// a port that cannot be bound with 1.
#include <pthread.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>

#include "http/cors.h"
#include "http/reference_server.h"

namespace {

constexpr int kExitBindFailed = 1;
constexpr int kExitBadOptions = 2;

constexpr const char* kDescription =
    "authref-server: the authconf reference implementation over HTTP. It answers like a Convex\n"
    "deployment running better-auth 1.6.34 with @convex-dev/better-auth 0.12.5 (the convex\n"
    "plugin, email and password, the seed's Hono CORS), from memory. With --conformance-key it\n"
    "also serves the conformance bridge (spec/bridge-v1.md) under /conformance/v1.\n"
    "\n"
    "Example:\n"
    "  authref-server --port 0 --conformance-key secret-key --allow-reset\n"
    "  curl http://127.0.0.1:<port>/api/auth/ok\n";

}  // namespace

int main(int argc, char** argv) {
  // Every thread the server starts inherits this mask, so the signals wait
  // for sigwait() below instead of interrupting a request.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  authref::AuthOptions defaults;
  authref::ServerOptions options;
  options.auth.base_url = "";

  CLI::App app{kDescription, "authref-server"};
  app.get_formatter()->column_width(34);
  std::string jwt_alg = "RS256";
  std::string dates = "epoch-ms";
  std::string cors = "hono";
  std::string rate_limit = "off";
  std::string conformance_key;
  bool quiet = false;

  app.add_option("--host", options.host, "Address to bind")->capture_default_str();
  app.add_option("--port", options.port, "Port to bind; 0 picks a free one")
      ->default_val(8787)
      ->check(CLI::Range(0, 65535));
  app.add_option("--base-url", options.auth.base_url,
                 "Better Auth baseURL = CONVEX_SITE_URL: the JWT issuer and cookie security "
                 "(https: __Secure- cookies) [default: http://<host>:<bound port>]");
  app.add_option("--site-url", options.auth.site_url,
                 "The app's browser origin: CORS origin, trusted origin, crossDomain siteUrl")
      ->default_val(defaults.site_url);
  app.add_option("--trusted-origin", options.auth.trusted_origins,
                 "An extra Better Auth trusted origin (repeatable)");
  app.add_option("--secret", options.auth.secret, "BETTER_AUTH_SECRET (cookies, keys at rest)")
      ->envname("BETTER_AUTH_SECRET")
      ->default_val(defaults.secret);
  app.add_option("--conformance-key", conformance_key,
                 "Serve the conformance bridge, guarded by this X-Conformance-Key")
      ->envname("CONFORMANCE_KEY");
  app.add_flag("--allow-reset", options.allow_reset,
               "Allow the bridge's POST /reset (destructive testing)");
  app.add_option("--jwt-alg", jwt_alg, "Convex JWT signing algorithm")
      ->check(CLI::IsMember({"RS256", "EdDSA"}))
      ->capture_default_str();
  app.add_option("--dates", dates, "Dates in JSON: epoch-ms (Convex adapter) or iso")
      ->check(CLI::IsMember({"epoch-ms", "iso"}))
      ->capture_default_str();
  app.add_option("--cors", cors,
                 "CORS: hono (the seed's Hono app), convex (registerRoutes({cors: true})) or "
                 "none (registerRoutes())")
      ->check(CLI::IsMember({"hono", "convex", "none"}))
      ->capture_default_str();
  app.add_option("--rate-limit", rate_limit, "Better Auth's memory rate limiter")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_flag("--enable-delete-user", options.auth.delete_user, "user.deleteUser.enabled");
  app.add_flag("--enable-change-email", options.auth.change_email, "user.changeEmail.enabled");
  app.add_flag("--revoke-sessions-on-password-reset",
               options.auth.revoke_sessions_on_password_reset,
               "emailAndPassword.revokeSessionsOnPasswordReset");
  app.add_flag("--cross-domain", options.auth.cross_domain, "Add the crossDomain plugin");
  app.add_flag("--require-email-verification", options.auth.require_email_verification,
               "emailAndPassword.requireEmailVerification");
  app.add_option("--threads", options.threads, "Threads for requests that may block (POSTs); 0: 72")
      ->default_val(0)
      ->check(CLI::Range(0, 4096));
  app.add_option("--hash-workers", options.hash_workers,
                 "scrypt worker threads; 0: cores - 1, at least 1")
      ->default_val(0)
      ->check(CLI::Range(0, 256));
  app.add_flag("--quiet,-q", quiet, "No request log on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitBadOptions;
  }

  options.auth.jwt_algorithm =
      jwt_alg == "EdDSA" ? authref::JwtAlgorithm::kEdDsa : authref::JwtAlgorithm::kRs256;
  options.auth.dates = dates == "iso" ? authref::DatesMode::kIso : authref::DatesMode::kEpochMs;
  options.auth.cors = *authref::http::cors_flavour_named(cors);
  options.auth.rate_limit = rate_limit == "on";
  if (app.count("--conformance-key") > 0) options.conformance_key = conformance_key;
  // The default secret is public (it is in this file): anyone who can reach
  // the server could forge session cookies and open the stored signing key.
  const bool loopback =
      options.host == "127.0.0.1" || options.host == "::1" || options.host == "localhost";
  if (!loopback && options.auth.secret == defaults.secret) {
    std::cerr << "authref-server: refusing to listen on " << options.host
              << " with the built-in test secret; pass --secret\n";
    return kExitBadOptions;
  }

  std::mutex log_mutex;
  if (!quiet) {
    options.log = [&log_mutex](const std::string& line) {
      std::lock_guard lock(log_mutex);
      std::fprintf(stderr, "%s\n", line.c_str());
    };
  }

  authref::ReferenceServer server(options);
  auto port = server.start();
  if (!port) {
    std::cerr << "authref-server: " << port.error() << '\n';
    return port.error().code == authref::ServerError::kBadOption ? kExitBadOptions
                                                                 : kExitBindFailed;
  }
  std::cout << "authref-server listening on " << server.url() << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  if (!quiet) {
    std::fprintf(stderr, "authref-server: %s, stopping\n",
                 signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  }
  server.stop();
  return 0;
}

// authref/http/listener.h: an HttpRequest -> HttpResponse function on a
// real socket (cpp-httplib 0.11.4, the Debian package).
//
// Every method cpp-httplib routes (GET, HEAD, POST, PUT, PATCH, DELETE,
// OPTIONS) on every path reaches the handler with the raw request target
// (percent-encoding intact), the headers, the body and the peer address.
// What cpp-httplib does on its own, and what this class does about it:
//   - a body over payload_max_bytes (1 MiB, far above any auth request),
//     by Content-Length or chunked: 413 `Payload Too Large` (text/plain)
//     before the handler runs; bodies are read through a ContentReader that
//     stops at the limit (cpp-httplib's own limit covers Content-Length
//     only), and the connection is closed;
//   - a header field Node's parser would refuse (a control character, a
//     name that is not a token, a non-numeric Content-Length): a bare 400;
//   - Content-Encoding is hidden from cpp-httplib while it reads the body,
//     so a gzip body arrives as sent (Node never inflates request bodies);
//   - keep-alive: up to keep_alive_max_count requests per connection
//     (a large number, so load tools keep their connections), idle
//     connections closed after keep_alive_timeout_s (Node's 5 s);
//   - one connection holds one pool thread while it is open, so `threads`
//     (default kDefaultThreads) bounds the concurrent keep-alive clients
//     (measured: with 16 threads, wrk -c64 left 48 connections unserved);
//   - the listen backlog is raised from cpp-httplib's 5 to SOMAXCONN, and
//     TCP_NODELAY is on (the head and the body are two writes);
//   - the response headers go out in cpp-httplib's order (its header map
//     is sorted by case-insensitive name; fields of one name, set-cookie
//     included, keep their order), plus `Keep-Alive`/`Connection` and
//     `Content-Length`. A non-empty body without a content-type would get
//     `Content-Type: text/plain`; the reference always sets one, and an
//     empty body gets none;
//   - no gzip or brotli, as the Node servers of the transcripts never
//     compress: cpp-httplib's copy of Accept-Encoding is erased once the
//     handler's request is made (the handler still sees the header);
//   - no Range handling: ranges are dropped, so a 200 stays a 200 (a
//     malformed Range header is still answered 416 by cpp-httplib itself);
//   - Content-Type is hidden from cpp-httplib while it reads the body, so
//     multipart and form bodies reach the handler as raw bytes (cpp-httplib
//     would parse multipart itself and refuse form bodies over 8 KiB).
//
//   Listener listener({.port = 0}, [](const HttpRequest& r) { return HttpResponse::empty(404); });
//   auto port = listener.start();       // Result<int, ListenerError>: the bound port
//   listener.stop();
#pragma once

#include <authconf/result.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "http/http_message.h"

namespace authref::http {

enum class ListenerError {
  kBindFailed,      // the address is in use, or not ours
  kAlreadyStarted,  // bind() or start() twice
  kNotBound,        // serve() before bind()
};
std::string_view to_string(ListenerError error);

// Enough pool threads for 64 keep-alive connections (wrk -c64) plus a few
// short-lived ones.
inline constexpr std::size_t kDefaultThreads = 72;
inline constexpr std::size_t kDefaultPayloadMaxBytes = std::size_t{1} << 20;  // 1 MiB

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 0;             // 0: an ephemeral port
  std::size_t threads = 0;  // 0: kDefaultThreads
  std::size_t payload_max_bytes = kDefaultPayloadMaxBytes;
  std::size_t keep_alive_max_count = 1'000'000;
  std::int64_t keep_alive_timeout_s = 5;
  // "METHOD path status ms" per request (the path without its query, which
  // may carry tokens). Null: no log.
  std::function<void(const std::string&)> log = nullptr;
};

class Listener {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  Listener(ListenerOptions options, Handler handler);
  ~Listener();  // stop()
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds the socket (SO_REUSEADDR, not SO_REUSEPORT: a port in use is an
  // error, not a silently shared port). Returns the bound port.
  authconf::Result<int, ListenerError> bind();
  // Starts serving on a background thread (after bind()).
  authconf::Result<int, ListenerError> serve();
  // bind() then serve().
  authconf::Result<int, ListenerError> start();
  // Stops accepting, lets the requests in flight finish and joins every
  // thread. An idle keep-alive connection is closed when its keep-alive
  // timeout runs out, so stop() can take up to keep_alive_timeout_s while
  // clients hold idle connections open. Idempotent.
  void stop();

  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace authref::http

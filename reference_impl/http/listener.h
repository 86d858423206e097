// authref/http/listener.h: an HttpRequest -> HttpResponse function on a
// real socket: HTTP/1.1 over epoll, framed by http/http1_codec.h.
//
// Every request (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS) on every path
// reaches the handler with the raw request target (percent-encoding
// intact), the headers as sent, the body as sent (a gzip body is not
// inflated, as Node never inflates request bodies) and the peer address.
//
// Threads: a few event loops (one per core) wait on one epoll set, each
// connection armed one-shot so that one thread owns it at a time. A request
// for which `runs_inline` says yes is answered on the loop thread (no hand
// off, one write); any other goes to a pool of `threads` threads, because
// it may block (a sign-up waits for scrypt, a verification mail for its
// 500 ms floor). Idle connections hold no thread, so the number of
// keep-alive clients is bounded by descriptors, not threads.
//
// Answers of its own, before any handler runs (see http1_codec.h): 400 for
// bad framing or a field Node's parser would refuse, 413 `Payload Too
// Large` (text/plain) for a body over payload_max_bytes by Content-Length or
// chunked, 414 for a request line over 8 KiB, 431 for a head over 64 KiB;
// each closes the connection. `Expect: 100-continue` is honoured. A handler
// that throws gives a bodiless 500, as does a response field with CR, LF or
// NUL.
//
// Responses: the handler's fields sorted by name (as a Fetch `Headers`
// iterates them), then content-length, Date and Connection/Keep-Alive as
// Node writes them; no compression, no byte ranges. Keep-alive: up to
// keep_alive_max_count requests per connection, idle ones closed after
// keep_alive_timeout_s (Node's 5 s); pipelined requests are answered in
// order.
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

// Requests that may block, answered at once (64 sign-ups in flight, say).
inline constexpr std::size_t kDefaultThreads = 72;
inline constexpr std::size_t kDefaultPayloadMaxBytes = std::size_t{1} << 20;  // 1 MiB

struct ListenerOptions {
  std::string host = "127.0.0.1";
  int port = 0;             // 0: an ephemeral port
  std::size_t threads = 0;  // the pool for requests not run inline; 0: kDefaultThreads
  std::size_t payload_max_bytes = kDefaultPayloadMaxBytes;
  std::size_t keep_alive_max_count = 1'000'000;
  std::int64_t keep_alive_timeout_s = 5;
  // "METHOD path status ms" per request (the path without its query, which
  // may carry tokens). Null: no log.
  std::function<void(const std::string&)> log = nullptr;
  // Whether a request is answered on the event loop (the handler must not
  // block for it). Null: every request goes to the pool.
  std::function<bool(const HttpRequest&)> runs_inline = nullptr;
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
  // Stops accepting, closes idle connections, lets the requests in flight
  // finish (their answers say `Connection: close`) and joins every thread.
  // Idempotent.
  void stop();

  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace authref::http

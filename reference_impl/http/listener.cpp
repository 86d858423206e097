#include "http/listener.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <optional>
#include <vector>

namespace authref::http {
namespace {

// What the pre-routing handler took out of the request before cpp-httplib
// read the body, for the handler on the same thread to put back.
struct Stash {
  // Content-Type (keeps multipart and form bodies raw) and Content-Encoding
  // (cpp-httplib would inflate a gzip body; Node passes it on as is).
  std::vector<std::pair<std::string, std::string>> hidden;
  std::optional<std::chrono::steady_clock::time_point> started;
};
thread_local Stash stash;

// The headers cpp-httplib adds to every request itself, not sent by the client.
constexpr std::string_view kPseudoHeaders[] = {"REMOTE_ADDR", "REMOTE_PORT", "LOCAL_ADDR",
                                               "LOCAL_PORT"};

bool is_pseudo(const std::string& name, const std::string& value, const httplib::Request& req) {
  if (name == "REMOTE_ADDR") return value == req.remote_addr;
  if (name == "REMOTE_PORT") return value == std::to_string(req.remote_port);
  if (name == "LOCAL_ADDR") return value == req.local_addr;
  if (name == "LOCAL_PORT") return value == std::to_string(req.local_port);
  return false;
}

HttpRequest to_request(httplib::Request& req) {
  HttpRequest request;
  request.method = req.method;
  request.target = req.target;
  request.remote_address = req.remote_addr;
  // cpp-httplib appends its pseudo-headers last among equal names; drop
  // the last one of each (a client's own REMOTE_ADDR field survives).
  std::vector<const std::pair<const std::string, std::string>*> fields;
  for (const auto& field : req.headers) fields.push_back(&field);
  for (std::string_view pseudo : kPseudoHeaders) {
    for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
      if ((*it)->first == pseudo && is_pseudo((*it)->first, (*it)->second, req)) {
        fields.erase(std::next(it).base());
        break;
      }
    }
  }
  for (const auto* field : fields) request.headers.add(field->first, field->second);
  for (auto& [name, value] : stash.hidden) request.headers.add(name, value);
  stash.hidden.clear();
  // Nothing reads the body after the handler: take it instead of copying.
  request.body = std::move(req.body);
  return request;
}

double elapsed_ms() {
  if (!stash.started) return 0;
  const auto elapsed = std::chrono::steady_clock::now() - *stash.started;
  stash.started.reset();
  return std::chrono::duration<double, std::milli>(elapsed).count();
}

}  // namespace

std::string_view to_string(ListenerError error) {
  switch (error) {
    case ListenerError::kBindFailed:
      return "bind-failed";
    case ListenerError::kAlreadyStarted:
      return "already-started";
    case ListenerError::kNotBound:
      return "not-bound";
  }
  return "unknown";
}

struct Listener::Impl {
  ListenerOptions options;
  Handler handler;
  httplib::Server server;
  std::mutex mutex;  // bind/serve/stop
  bool bound = false;
  bool serving = false;
  bool stopped = false;
  std::atomic<int> listening_socket{-1};
  std::atomic<bool> listen_returned{false};
  std::thread thread;

  void install();
  void respond(const httplib::Request& req, httplib::Response& res);
};

void Listener::Impl::install() {
  const std::size_t threads = options.threads == 0 ? kDefaultThreads : options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_keep_alive_max_count(options.keep_alive_max_count);
  server.set_keep_alive_timeout(static_cast<time_t>(options.keep_alive_timeout_s));
  server.set_payload_max_length(options.payload_max_bytes);
  // The response goes out in two writes (head, then body); with Nagle on,
  // the body would wait for the client's delayed ACK (~40 ms) on a
  // keep-alive connection.
  server.set_tcp_nodelay(true);
  // cpp-httplib's default also sets SO_REUSEPORT, which would let a second
  // server share a port that is in use instead of failing to bind.
  server.set_socket_options([this](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listening_socket.store(sock);
  });

  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    stash.started = std::chrono::steady_clock::now();
    stash.hidden.clear();
    // The request object is cpp-httplib's own non-const local; hiding these
    // while it reads the body keeps the bytes as the client sent them (see
    // the header).
    auto& mutable_req = const_cast<httplib::Request&>(req);
    for (const char* name : {"Content-Type", "Content-Encoding"}) {
      auto range = mutable_req.headers.equal_range(name);
      for (auto it = range.first; it != range.second; ++it) {
        stash.hidden.emplace_back(it->first, it->second);
      }
      mutable_req.headers.erase(range.first, range.second);
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  const auto forward = [this](const httplib::Request& req, httplib::Response& res) {
    respond(req, res);
  };
  // Bodies are read through a ContentReader so that the size limit holds for
  // chunked bodies too: cpp-httplib checks payload_max_length only against
  // Content-Length.
  const auto forward_with_body = [this](const httplib::Request& req, httplib::Response& res,
                                        const httplib::ContentReader& reader) {
    std::string body;
    bool too_large = false;
    const std::size_t cap = options.payload_max_bytes;
    const bool complete = reader([&](const char* data, std::size_t length) {
      if (body.size() + length > cap) {
        too_large = true;
        return false;
      }
      body.append(data, length);
      return true;
    });
    if (!complete) {
      // The rest of the body is unread: the connection cannot be reused.
      res.set_header("Connection", "close");
      if (too_large || res.status == 413) {
        res.status = 413;
        res.set_header("Content-Type", "text/plain; charset=utf-8");
        res.body = "Payload Too Large";
      } else {
        res.status = 400;
      }
      stash.hidden.clear();
      return;
    }
    const_cast<httplib::Request&>(req).body = std::move(body);
    respond(req, res);
  };
  server.Get(".*", forward);  // HEAD too: cpp-httplib routes it to the GET handlers
  server.Post(".*", forward_with_body);
  server.Put(".*", forward_with_body);
  server.Patch(".*", forward_with_body);
  server.Delete(".*", forward_with_body);
  server.Options(".*", forward);

  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        // Without a handler cpp-httplib would put the exception's text in a
        // response header.
        res.status = 500;
        res.headers.clear();
        res.body.clear();
      });
  server.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        // cpp-httplib's own refusal of a body over the limit has no body; the
        // handler's answers (which may be 4xx) are left alone.
        if (res.status == 413 && res.body.empty() && !res.has_header("Content-Type")) {
          res.set_header("Content-Type", "text/plain; charset=utf-8");
          res.body = "Payload Too Large";
          return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
      }));
  server.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    const double ms = elapsed_ms();
    if (!options.log) return;
    std::string_view target = req.target;
    std::string_view path = target.substr(0, target.find('?'));
    char timing[32];
    std::snprintf(timing, sizeof(timing), "%.2fms", ms);
    // A reset link carries its token in the path: keep it out of the log.
    std::string logged(path);
    if (auto at = logged.find("/reset-password/"); at != std::string::npos) {
      logged.replace(at + 16, std::string::npos, "<redacted>");
    }
    options.log(req.method + " " + logged + " " + std::to_string(res.status) + " " + timing);
  });
}

void Listener::Impl::respond(const httplib::Request& req, httplib::Response& res) {
  // cpp-httplib's own non-const Request, passed on as const.
  auto& mutable_req = const_cast<httplib::Request&>(req);
  HttpRequest request = to_request(mutable_req);
  // Node refuses a field llhttp cannot parse with a bare 400 and closes the
  // connection; cpp-httplib would pass it on.
  for (const auto& field : request.headers.fields()) {
    if (!is_valid_header_field(field.name, field.value)) {
      res.status = 400;
      res.set_header("Connection", "close");
      return;
    }
  }
  // Both are read again when the response is written: no compression and
  // no byte ranges over the handler's answer (see the header).
  mutable_req.headers.erase("Accept-Encoding");
  mutable_req.ranges.clear();

  HttpResponse response = handler(request);
  // emplace skips cpp-httplib's own CR/LF check: never let a value that
  // could split the response onto the wire (the auth layer already refuses).
  for (const auto& field : response.headers.fields()) {
    if (field.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos ||
        field.name.find_first_of(std::string_view("\r\n\0:", 4)) != std::string::npos) {
      res.status = 500;
      return;
    }
  }
  res.status = response.status;
  for (const auto& field : response.headers.fields()) {
    res.headers.emplace(field.name, field.value);
  }
  if (req.method != "HEAD") res.body = std::move(response.body);
}

Listener::Listener(ListenerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->install();
}

Listener::~Listener() { stop(); }

authconf::Result<int, ListenerError> Listener::bind() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->bound || impl_->stopped) return authconf::fail(ListenerError::kAlreadyStarted);
  const std::string& host = impl_->options.host;
  int port = impl_->options.port;
  if (port == 0) {
    port = impl_->server.bind_to_any_port(host);
    if (port < 0) {
      return authconf::fail(ListenerError::kBindFailed, "cannot bind " + host + " (any port)");
    }
  } else if (!impl_->server.bind_to_port(host, port)) {
    return authconf::fail(ListenerError::kBindFailed,
                          "cannot bind " + host + ":" + std::to_string(port));
  }
  // cpp-httplib listens with a backlog of 5: 64 clients connecting at once
  // would see dropped SYNs and one-second retransmits. Linux lets a second
  // listen() raise the backlog of a listening socket.
  if (int sock = impl_->listening_socket.load(); sock >= 0) ::listen(sock, SOMAXCONN);
  impl_->bound = true;
  port_ = port;
  return port;
}

authconf::Result<int, ListenerError> Listener::serve() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->bound) return authconf::fail(ListenerError::kNotBound);
  if (impl_->serving || impl_->stopped) return authconf::fail(ListenerError::kAlreadyStarted);
  impl_->serving = true;
  Impl* impl = impl_.get();
  impl_->thread = std::thread([impl] {
    impl->server.listen_after_bind();
    impl->listen_returned.store(true);
  });
  return port_;
}

authconf::Result<int, ListenerError> Listener::start() {
  auto bound = bind();
  if (!bound) return bound;
  return serve();
}

void Listener::stop() {
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (!impl_->bound) return;
  if (!impl_->serving) {
    // Bound but never served: cpp-httplib only closes the socket of a
    // running server, so run it just long enough to stop it.
    impl_->serving = true;
    Impl* impl = impl_.get();
    impl_->thread = std::thread([impl] {
      impl->server.listen_after_bind();
      impl->listen_returned.store(true);
    });
  }
  // Server::stop() does nothing until listen_after_bind() has marked the
  // server running.
  while (!impl_->server.is_running() && !impl_->listen_returned.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace authref::http

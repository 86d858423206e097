#include "http/listener.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/http1_codec.h"

namespace authref::http {
namespace {

using Clock = std::chrono::steady_clock;

// epoll data of the two descriptors that are not connections.
constexpr std::uint64_t kListenId = 0;
constexpr std::uint64_t kWakeId = 1;
// A connection's events are delivered to one thread at a time.
constexpr std::uint32_t kConnectionEvents = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
// After a response with `Connection: close`, what the client still sends is
// read and dropped for this long, so that closing does not turn into a
// reset that destroys the response before the client has read it.
constexpr auto kDrainTime = std::chrono::seconds(2);
// A client that does not read its response within this is dropped.
constexpr int kSendTimeoutMs = 10'000;
constexpr auto kSweepInterval = std::chrono::milliseconds(200);

struct Connection {
  int fd = -1;
  std::string remote_address;
  std::string in;  // received, not yet parsed
  std::size_t served = 0;
  Clock::time_point last_active = Clock::now();
  bool busy = false;  // a thread owns it (its event was delivered)
  bool peer_closed = false;
  bool draining = false;  // closing: reading and dropping until EOF
  Clock::time_point drain_deadline;
  bool continue_sent = false;
};

enum class After { kRearm, kClose };

std::string address_text(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
  } else if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
  }
  return text;
}

// Writes everything, waiting for the socket to drain when its buffer is full.
bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd waiting{.fd = fd, .events = POLLOUT, .revents = 0};
      if (::poll(&waiting, 1, kSendTimeoutMs) <= 0) return false;
    } else {
      return false;
    }
  }
  return true;
}

std::string log_line(const std::string& method, std::string_view target, int status,
                     Clock::time_point started) {
  std::string path(target.substr(0, target.find('?')));
  // A reset link carries its token in the path: keep it out of the log.
  if (auto at = path.find("/reset-password/"); at != std::string::npos) {
    path.replace(at + 16, std::string::npos, "<redacted>");
  }
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  char timing[32];
  std::snprintf(timing, sizeof timing, "%.2fms", ms);
  return (method.empty() ? "-" : method) + " " + (path.empty() ? "-" : path) + " " +
         std::to_string(status) + " " + timing;
}

// A fixed set of threads for the requests that may block.
class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) {
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { run(); });
  }
  ~BlockingPool() { shutdown(); }
  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }
  // Runs what was posted, then joins.
  void shutdown() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    ready_.notify_all();
    for (auto& worker : workers_) {
      if (worker.joinable()) worker.join();
    }
  }

 private:
  void run() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return closing_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  bool closing_ = false;
  std::vector<std::thread> workers_;
};

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
  ParseLimits limits;

  std::mutex lifecycle;  // bind/serve/stop
  bool bound = false;
  bool serving = false;
  bool stopped = false;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::atomic<bool> stopping{false};

  std::mutex connections_mutex;
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
  std::uint64_t next_id = 2;

  std::vector<std::thread> loops;
  std::unique_ptr<BlockingPool> pool;
  std::thread sweeper;
  std::mutex sweeper_mutex;
  std::condition_variable sweeper_wake;

  ~Impl() {
    for (int fd : {listen_fd, epoll_fd, wake_fd}) {
      if (fd >= 0) ::close(fd);
    }
  }

  void loop();
  void accept_all();
  void on_readable(std::uint64_t id);
  // Parses and answers what `connection` holds; the connection is owned by
  // the calling thread until then.
  void process(std::uint64_t id, Connection& connection);
  void answer(Connection& connection, HttpRequest request, bool keep_alive,
              Clock::time_point started);
  void refuse(Connection& connection, int status, const HttpRequest& partial);
  void release(std::uint64_t id, Connection& connection, After after);
  void close_locked(std::uint64_t id);
  void sweep();
};

void Listener::Impl::loop() {
  while (true) {
    epoll_event event{};
    const int n = ::epoll_wait(epoll_fd, &event, 1, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || event.data.u64 == kWakeId) return;  // the wake fd stays readable: all return
    if (event.data.u64 == kListenId) {
      accept_all();
    } else {
      on_readable(event.data.u64);
    }
  }
}

void Listener::Impl::accept_all() {
  while (!stopping.load()) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&address), &length,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE) {
        // Out of descriptors: back off instead of spinning on a ready socket.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      break;
    }
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    auto connection = std::make_unique<Connection>();
    connection->fd = fd;
    connection->remote_address = address_text(address);
    std::lock_guard lock(connections_mutex);
    const std::uint64_t id = next_id++;
    epoll_event event{.events = kConnectionEvents, .data = {.u64 = id}};
    if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
      ::close(fd);
      continue;
    }
    connections.emplace(id, std::move(connection));
  }
  if (!stopping.load()) {
    epoll_event event{.events = EPOLLIN | EPOLLONESHOT, .data = {.u64 = kListenId}};
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listen_fd, &event);
  }
}

void Listener::Impl::on_readable(std::uint64_t id) {
  Connection* connection = nullptr;
  {
    std::lock_guard lock(connections_mutex);
    auto found = connections.find(id);
    if (found == connections.end()) return;  // closed by the sweeper meanwhile
    connection = found->second.get();
    connection->busy = true;
  }
  // Read what is there, but no more than a refusal needs to be certain.
  const std::size_t read_cap = limits.head_max_bytes + limits.payload_max_bytes + 65536;
  while (connection->in.size() < read_cap) {
    const std::size_t old_size = connection->in.size();
    connection->in.resize(old_size + 65536);
    const ssize_t n = ::recv(connection->fd, connection->in.data() + old_size, 65536, 0);
    connection->in.resize(old_size + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
    if (n > 0) {
      if (static_cast<std::size_t>(n) < 65536) break;  // drained, most likely
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) connection->peer_closed = true;
    break;
  }
  if (connection->draining) {
    connection->in.clear();
    release(id, *connection, connection->peer_closed ? After::kClose : After::kRearm);
    return;
  }
  process(id, *connection);
}

void Listener::Impl::process(std::uint64_t id, Connection& connection) {
  while (true) {
    const auto started = Clock::now();
    ParseResult parsed = parse_request(connection.in, limits);
    if (parsed.outcome == ParseOutcome::kRefused) {
      refuse(connection, parsed.status, parsed.request);
      release(id, connection, After::kRearm);  // draining now
      return;
    }
    if (parsed.outcome == ParseOutcome::kIncomplete) {
      if (connection.peer_closed) {
        release(id, connection, After::kClose);
        return;
      }
      if (parsed.expects_continue && !connection.continue_sent) {
        connection.continue_sent = true;
        send_all(connection.fd, "HTTP/1.1 100 Continue\r\n\r\n");
      }
      release(id, connection, After::kRearm);
      return;
    }
    connection.in.erase(0, parsed.consumed);
    connection.continue_sent = false;
    ++connection.served;
    const bool keep_alive =
        parsed.keep_alive && !stopping.load() && connection.served < options.keep_alive_max_count;
    parsed.request.remote_address = connection.remote_address;
    if (!options.runs_inline || !options.runs_inline(parsed.request)) {
      // The connection stays owned (busy) while a pool thread answers it,
      // then that thread goes on with whatever the client pipelined.
      pool->post([this, id, &connection, request = std::move(parsed.request), keep_alive,
                  started]() mutable {
        answer(connection, std::move(request), keep_alive, started);
        if (connection.draining) {
          release(id, connection, After::kRearm);
        } else {
          process(id, connection);
        }
      });
      return;
    }
    answer(connection, std::move(parsed.request), keep_alive, started);
    if (connection.draining) {
      release(id, connection, After::kRearm);
      return;
    }
  }
}

void Listener::Impl::answer(Connection& connection, HttpRequest request, bool keep_alive,
                            Clock::time_point started) {
  HttpResponse response;
  try {
    response = handler(request);
    for (const auto& field : response.headers.fields()) {
      if (!is_safe_response_header(field.name, field.value)) {
        // Never let a value split the response (the auth layer already refuses).
        response = HttpResponse::empty(500);
        break;
      }
    }
  } catch (...) {
    // A bodiless 500: the exception's text is nobody's business.
    response = HttpResponse::empty(500);
  }
  const std::string bytes =
      serialize_response(response, {.keep_alive = keep_alive,
                                    .keep_alive_timeout_s = options.keep_alive_timeout_s,
                                    .head_only = request.method == "HEAD",
                                    .date = http_date_now()});
  const bool sent = send_all(connection.fd, bytes);
  if (options.log) options.log(log_line(request.method, request.target, response.status, started));
  if (!sent) connection.peer_closed = true;
  if (!keep_alive || !sent) {
    ::shutdown(connection.fd, SHUT_WR);
    connection.draining = true;
    connection.drain_deadline = Clock::now() + kDrainTime;
    connection.in.clear();
  }
}

void Listener::Impl::refuse(Connection& connection, int status, const HttpRequest& partial) {
  const auto started = Clock::now();
  HttpResponse response = HttpResponse::empty(status);
  if (status == 413) {
    response.headers.add("content-type", "text/plain; charset=utf-8");
    response.body = "Payload Too Large";
  }
  send_all(connection.fd, serialize_response(response, {.keep_alive = false,
                                                        .keep_alive_timeout_s = 0,
                                                        .head_only = false,
                                                        .date = http_date_now()}));
  if (options.log) options.log(log_line(partial.method, partial.target, status, started));
  ::shutdown(connection.fd, SHUT_WR);
  connection.draining = true;
  connection.drain_deadline = Clock::now() + kDrainTime;
  connection.in.clear();
}

void Listener::Impl::release(std::uint64_t id, Connection& connection, After after) {
  std::lock_guard lock(connections_mutex);
  connection.busy = false;
  connection.last_active = Clock::now();
  // Once stopping, a connection is closed as soon as its answer is out.
  if (after == After::kClose || connection.peer_closed || stopping.load()) {
    close_locked(id);
    return;
  }
  epoll_event event{.events = kConnectionEvents, .data = {.u64 = id}};
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, connection.fd, &event) != 0) close_locked(id);
}

void Listener::Impl::close_locked(std::uint64_t id) {
  auto found = connections.find(id);
  if (found == connections.end()) return;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, found->second->fd, nullptr);
  ::close(found->second->fd);
  connections.erase(found);
}

void Listener::Impl::sweep() {
  std::unique_lock wait_lock(sweeper_mutex);
  while (!stopping.load()) {
    sweeper_wake.wait_for(wait_lock, kSweepInterval);
    const auto now = Clock::now();
    const auto idle_limit = std::chrono::seconds(options.keep_alive_timeout_s);
    std::lock_guard lock(connections_mutex);
    std::vector<std::uint64_t> expired;
    for (const auto& [id, connection] : connections) {
      if (connection->busy) continue;
      const bool drained = connection->draining && now >= connection->drain_deadline;
      const bool idle = !connection->draining && now - connection->last_active >= idle_limit;
      if (drained || idle) expired.push_back(id);
    }
    for (std::uint64_t id : expired) close_locked(id);
  }
}

Listener::Listener(ListenerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->limits.payload_max_bytes = impl_->options.payload_max_bytes;
}

Listener::~Listener() { stop(); }

authconf::Result<int, ListenerError> Listener::bind() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->bound || impl_->stopped) return authconf::fail(ListenerError::kAlreadyStarted);
  const std::string& host = impl_->options.host;
  const std::string where = host + ":" + std::to_string(impl_->options.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(impl_->options.port).c_str(), &hints, &found) !=
      0) {
    return authconf::fail(ListenerError::kBindFailed, "cannot resolve " + host);
  }
  int fd = -1;
  for (addrinfo* candidate = found; candidate != nullptr; candidate = candidate->ai_next) {
    fd = ::socket(candidate->ai_family, candidate->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  candidate->ai_protocol);
    if (fd < 0) continue;
    // SO_REUSEADDR, not SO_REUSEPORT: a port in use must be an error, not a
    // silently shared port.
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, candidate->ai_addr, candidate->ai_addrlen) == 0 &&
        ::listen(fd, SOMAXCONN) == 0) {
      break;
    }
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) return authconf::fail(ListenerError::kBindFailed, "cannot bind " + where);
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  port_ = bound.ss_family == AF_INET6
              ? ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port)
              : ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
  impl_->listen_fd = fd;
  impl_->bound = true;
  return port_;
}

authconf::Result<int, ListenerError> Listener::serve() {
  std::lock_guard lock(impl_->lifecycle);
  if (!impl_->bound) return authconf::fail(ListenerError::kNotBound);
  if (impl_->serving || impl_->stopped) return authconf::fail(ListenerError::kAlreadyStarted);
  Impl& impl = *impl_;
  impl.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  impl.wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event listen_event{.events = EPOLLIN | EPOLLONESHOT, .data = {.u64 = kListenId}};
  epoll_event wake_event{.events = EPOLLIN, .data = {.u64 = kWakeId}};
  if (impl.epoll_fd < 0 || impl.wake_fd < 0 ||
      ::epoll_ctl(impl.epoll_fd, EPOLL_CTL_ADD, impl.listen_fd, &listen_event) != 0 ||
      ::epoll_ctl(impl.epoll_fd, EPOLL_CTL_ADD, impl.wake_fd, &wake_event) != 0) {
    return authconf::fail(ListenerError::kBindFailed, "cannot set up epoll");
  }
  impl.serving = true;
  impl.pool = std::make_unique<BlockingPool>(impl.options.threads == 0 ? kDefaultThreads
                                                                       : impl.options.threads);
  const std::size_t loops = std::max(2u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < loops; ++i) impl.loops.emplace_back([&impl] { impl.loop(); });
  impl.sweeper = std::thread([&impl] { impl.sweep(); });
  return port_;
}

authconf::Result<int, ListenerError> Listener::start() {
  auto bound = bind();
  if (!bound) return bound;
  return serve();
}

void Listener::stop() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->stopped) return;
  impl_->stopped = true;
  Impl& impl = *impl_;
  impl.stopping.store(true);
  if (impl.serving) {
    // No new connections; idle ones close now; the loops return once they
    // have finished what they hold.
    ::epoll_ctl(impl.epoll_fd, EPOLL_CTL_DEL, impl.listen_fd, nullptr);
    {
      std::lock_guard connections_lock(impl.connections_mutex);
      std::vector<std::uint64_t> idle;
      for (const auto& [id, connection] : impl.connections) {
        if (!connection->busy) idle.push_back(id);
      }
      for (std::uint64_t id : idle) impl.close_locked(id);
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(impl.wake_fd, &one, sizeof one);
    for (auto& thread : impl.loops) thread.join();
    // Requests handed to the pool finish and close their connections.
    impl.pool->shutdown();
    impl.sweeper_wake.notify_all();
    impl.sweeper.join();
    std::lock_guard connections_lock(impl.connections_mutex);
    while (!impl.connections.empty()) impl.close_locked(impl.connections.begin()->first);
  }
  if (impl.listen_fd >= 0) {
    ::close(impl.listen_fd);
    impl.listen_fd = -1;
  }
}

}  // namespace authref::http

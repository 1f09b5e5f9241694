#include "server/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstring>
#include <limits>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "core/log.h"

namespace newsdex::server::http {
namespace {

constexpr size_t kReadChunk = 64 << 10;
// Read at most this much per wake-up before answering, so one fast sender
// cannot keep a thread to itself.
constexpr size_t kMaxReadPerEvent = 1 << 20;
// Stop parsing pipelined requests while this much output waits to be sent.
constexpr size_t kMaxPendingOutput = 1 << 20;
constexpr int kAcceptBatch = 64;
// How long a closing connection keeps reading (and dropping) client input.
constexpr absl::Duration kLingerTime = absl::Seconds(2);
constexpr int64_t kNoDeadline = std::numeric_limits<int64_t>::max();

// epoll data for the two non-connection descriptors.
char listen_marker, wake_marker;

int64_t NowNanos() { return absl::GetCurrentTimeNanos(); }

std::string RemoteHost(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr, host,
                sizeof(host));
  } else if (addr.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr, host,
                sizeof(host));
  }
  return host;
}

// The Date field value, formatted at most once a second per thread.
const std::string& HttpDate() {
  thread_local int64_t second = -1;
  thread_local std::string text;
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  if (now != second) {
    second = now;
    text = absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", absl::FromUnixSeconds(now),
                            absl::UTCTimeZone());
  }
  return text;
}

bool AcceptsGzip(const Request& req) {
  for (const auto& [name, value] : req.headers) {
    if (name != "accept-encoding") continue;
    for (absl::string_view item : absl::StrSplit(value, ',')) {
      item = absl::StripAsciiWhitespace(item);
      const size_t semi = item.find(';');
      const absl::string_view coding = absl::StripAsciiWhitespace(item.substr(0, semi));
      if (!absl::EqualsIgnoreCase(coding, "gzip")) continue;
      if (semi == absl::string_view::npos) return true;
      // "gzip;q=0" refuses it.
      absl::string_view params = absl::StripAsciiWhitespace(item.substr(semi + 1));
      if (absl::StartsWith(params, "q=")) {
        params.remove_prefix(2);
        return !(params == "0" || params == "0.0" || params == "0.00" || params == "0.000");
      }
      return true;
    }
  }
  return false;
}

bool Compressible(absl::string_view content_type) {
  return absl::StartsWith(content_type, "application/json") ||
         absl::StartsWith(content_type, "text/");
}

}  // namespace

struct Server::Connection {
  explicit Connection(Limits limits) : parser(limits) {}
  int fd = -1;
  std::string remote;
  std::string in;       // received, not yet parsed
  std::string out;      // answers not yet sent
  size_t out_sent = 0;  // prefix of `out` already sent
  RequestParser parser;
  int served = 0;
  bool head_checked = false;
  bool close_after_write = false;
  bool peer_closed = false;
  // Answered and half-closed (SHUT_WR); reading and dropping what the peer
  // still sends until it closes or the linger time is up.
  bool lingering = false;
  int64_t request_start = 0;  // when the current request's first byte came; 0: none yet
  // For the sweeper: set by the owning thread before it re-arms the
  // connection, read under Server::mu_.
  std::atomic<int64_t> deadline{kNoDeadline};
  std::atomic<bool> busy{false};
  std::atomic<bool> idle{true};  // nothing half-read, nothing to send
  std::atomic<bool> silent{true};  // no byte received since it was accepted
  std::atomic<int64_t> idle_since{0};  // when it last became idle

  size_t pending() const { return out.size() - out_sent; }
};

absl::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string ResponseHead(int status, const Response& response, size_t content_length,
                         bool keep_alive, bool gzipped, const Headers& default_headers) {
  std::string head;
  head.reserve(256);
  absl::StrAppend(&head, "HTTP/1.1 ", status, " ", ReasonPhrase(status), "\r\nDate: ", HttpDate(),
                  "\r\n");
  if (!response.content_type.empty()) {
    absl::StrAppend(&head, "Content-Type: ", response.content_type, "\r\n");
  }
  if (status != 204 && status != 304 && status >= 200) {
    absl::StrAppend(&head, "Content-Length: ", content_length, "\r\n");
  }
  if (gzipped) head += "Content-Encoding: gzip\r\n";
  if (!keep_alive) head += "Connection: close\r\n";
  for (const auto& [name, value] : default_headers) {
    absl::StrAppend(&head, name, ": ", value, "\r\n");
  }
  for (const auto& [name, value] : response.headers) {
    absl::StrAppend(&head, name, ": ", value, "\r\n");
  }
  head += "\r\n";
  return head;
}

bool Gzip(absl::string_view data, std::string* out) {
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  // 15 window bits + 16: a gzip wrapper. Level 1: JSON compresses well even
  // so, and the daemon's cores are for searching.
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  out->resize(deflateBound(&zs, data.size()));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out->data());
  zs.avail_out = static_cast<uInt>(out->size());
  const int rc = deflate(&zs, Z_FINISH);
  const size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return false;
  out->resize(written);
  return true;
}

Server::Server(Options options, Handler handler, ErrorHandler on_error, HeadCheck check_head,
               ThreadWrapper wrapper)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      on_error_(std::move(on_error)),
      check_head_(std::move(check_head)),
      wrapper_(std::move(wrapper)) {}

Server::~Server() {
  Stop();
  // Serve() may never have run: close what Bind opened.
  for (auto& [fd, c] : connections_) ::close(fd);
  const int lfd = listen_fd_.exchange(-1);
  if (lfd >= 0) ::close(lfd);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

absl::StatusOr<std::unique_ptr<Server>> Server::Bind(Options options, Handler handler,
                                                     ErrorHandler on_error, HeadCheck check_head,
                                                     ThreadWrapper wrapper) {
  if (options.threads < 1) options.threads = 1;
  std::unique_ptr<Server> server(new Server(std::move(options), std::move(handler),
                                            std::move(on_error), std::move(check_head),
                                            std::move(wrapper)));
  const Options& o = server->options_;
  addrinfo hints;
  std::memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(o.port);
  const int gai = ::getaddrinfo(o.host.empty() ? nullptr : o.host.c_str(), port.c_str(), &hints,
                                &found);
  if (gai != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve listen address ", o.host, ": ", gai_strerror(gai)));
  }
  std::string last_error = "no address";
  int fd = -1;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1024) == 0) break;
    last_error = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", o.host, ":", o.port, " (", last_error, ")"));
  }
  sockaddr_storage addr;
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    server->port_ = addr.ss_family == AF_INET6
                        ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                        : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  }
  server->listen_fd_.store(fd);
  server->epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  server->wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (server->epoll_fd_ < 0 || server->wake_fd_ < 0) {
    return absl::InternalError(absl::StrCat("epoll/eventfd: ", std::strerror(errno)));
  }
  epoll_event ev;
  std::memset(&ev, 0, sizeof(ev));
  ev.events = EPOLLIN | EPOLLONESHOT;
  ev.data.ptr = &listen_marker;
  ::epoll_ctl(server->epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  ev.events = EPOLLIN;
  ev.data.ptr = &wake_marker;
  ::epoll_ctl(server->epoll_fd_, EPOLL_CTL_ADD, server->wake_fd_, &ev);
  return server;
}

absl::Status Server::Serve() {
  if (serving_.exchange(true)) return absl::FailedPreconditionError("Serve called twice");
  std::vector<std::thread> threads;
  threads.reserve(options_.threads);
  for (int i = 0; i < options_.threads; ++i) {
    threads.emplace_back([this] {
      if (wrapper_) {
        wrapper_([this] { Loop(); });
      } else {
        Loop();
      }
    });
  }
  // This thread sweeps: timeouts, and idle connections once stopping.
  while (true) {
    Sweep();
    if (Finished()) break;
    std::unique_lock<std::mutex> lock(sweep_mu_);
    // Woken at once by Stop; while stopping, sweep often so connections that
    // just went idle close soon.
    sweep_cv_.wait_for(lock, std::chrono::milliseconds(stopping_.load() ? 10 : 100),
                       [this] { return stopping_.load() && !stop_seen_; });
    stop_seen_ = stopping_.load();
  }
  WakeAll();
  for (std::thread& t : threads) t.join();
  return absl::OkStatus();
}

void Server::Stop() {
  if (stopping_.exchange(true)) return;
  {
    std::lock_guard<std::mutex> lock(sweep_mu_);
  }
  sweep_cv_.notify_all();
}

bool Server::Finished() const {
  return stopping_.load() && open_connections_.load() == 0 && listen_fd_.load() < 0;
}

void Server::WakeAll() {
  // The eventfd stays readable (nobody drains it once finished), so every
  // thread's epoll_wait returns and sees that it is time to go.
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof(one));
}

void Server::Sweep() {
  if (stopping_.load()) {
    const int lfd = listen_fd_.exchange(-1);
    if (lfd >= 0) {
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, lfd, nullptr);
      ::close(lfd);
      if (Finished()) WakeAll();
    }
  } else if (accept_paused_.exchange(false)) {
    Arm(nullptr, false);
  }
  const int64_t now = NowNanos();
  const bool stopping = stopping_.load();
  // Under pressure, silent and idle connections get a shorter timeout.
  const bool pressure = open_connections_.load() * 4 > options_.max_connections * 3;
  const int64_t idle_cutoff = now - absl::ToInt64Nanoseconds(options_.pressure_idle_timeout);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [fd, c] : connections_) {
    if (c->busy.load(std::memory_order_acquire)) continue;
    const bool expired = c->deadline.load(std::memory_order_relaxed) < now ||
                         (pressure && c->idle.load(std::memory_order_relaxed) &&
                          c->idle_since.load(std::memory_order_relaxed) < idle_cutoff);
    if (expired || (stopping && c->idle.load(std::memory_order_relaxed))) {
      // The owner sees the hang-up and closes; the descriptor stays ours
      // until then, so it cannot have been reused.
      ::shutdown(fd, SHUT_RDWR);
      c->deadline.store(kNoDeadline, std::memory_order_relaxed);
      c->idle.store(false, std::memory_order_relaxed);
    }
  }
}

void Server::Loop() {
  epoll_event ev;
  while (!Finished()) {
    // One event at a time: the rest stay for the other threads.
    const int n = ::epoll_wait(epoll_fd_, &ev, 1, 100);
    if (n <= 0) continue;  // timeout or EINTR: re-check
    if (ev.data.ptr == &wake_marker) {
      if (Finished()) break;
      uint64_t value;
      [[maybe_unused]] ssize_t r = ::read(wake_fd_, &value, sizeof(value));
      continue;
    }
    if (ev.data.ptr == &listen_marker) {
      AcceptAll();
      continue;
    }
    Handle(static_cast<Connection*>(ev.data.ptr), ev.events);
  }
}

void Server::AcceptAll() {
  const int lfd = listen_fd_.load();
  if (lfd < 0) return;
  for (int i = 0; i < kAcceptBatch; ++i) {
    sockaddr_storage addr;
    socklen_t len = sizeof(addr);
    const int fd = ::accept4(lfd, reinterpret_cast<sockaddr*>(&addr), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: try again after the next sweep rather than spin.
        NEWSDEX_LOG(WARNING) << "accept: " << std::strerror(errno);
        accept_paused_.store(true);
        return;
      }
      break;  // EAGAIN, or the listener closed by Stop
    }
    Admit(fd, RemoteHost(addr));
  }
  if (!accept_paused_.load()) Arm(nullptr, false);
}

void Server::Admit(int fd, std::string host) {
  auto c = std::make_unique<Connection>(options_.limits);
  c->fd = fd;
  const int64_t now = NowNanos();
  c->idle_since.store(now, std::memory_order_relaxed);
  c->deadline.store(now + absl::ToInt64Nanoseconds(options_.read_timeout));
  Connection* raw = c.get();
  {
    std::lock_guard<std::mutex> lock(mu_);
    int& from_host = per_client_[host];
    const bool full = open_connections_.load() >= options_.max_connections;
    const bool host_full = from_host >= options_.max_connections_per_client;
    if ((full || host_full) && !EvictOneLocked(host_full ? host : std::string())) {
      if (from_host == 0) per_client_.erase(host);
      ::close(fd);
      return;
    }
    ++from_host;
    c->remote = std::move(host);
    connections_.emplace(fd, std::move(c));
    open_connections_.fetch_add(1);
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  epoll_event ev;
  std::memset(&ev, 0, sizeof(ev));
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.ptr = raw;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) Close(raw);
}

bool Server::EvictOneLocked(const std::string& host) {
  const int64_t idle_cutoff = NowNanos() - absl::ToInt64Nanoseconds(options_.pressure_idle_timeout);
  Connection* silent = nullptr;
  Connection* idle = nullptr;
  for (auto& [fd, c] : connections_) {
    if (c->busy.load(std::memory_order_acquire) || !c->idle.load(std::memory_order_relaxed)) {
      continue;
    }
    if (!host.empty() && c->remote != host) continue;
    const int64_t since = c->idle_since.load(std::memory_order_relaxed);
    if (c->silent.load(std::memory_order_relaxed)) {
      if (silent == nullptr || since < silent->idle_since.load()) silent = c.get();
    } else if (since <= idle_cutoff && (idle == nullptr || since < idle->idle_since.load())) {
      idle = c.get();
    }
  }
  Connection* victim = silent != nullptr ? silent : idle;
  if (victim == nullptr) return false;
  // As in Sweep: the owner sees the hang-up and closes.
  ::shutdown(victim->fd, SHUT_RDWR);
  victim->idle.store(false, std::memory_order_relaxed);
  victim->deadline.store(kNoDeadline, std::memory_order_relaxed);
  return true;
}

// Re-arms a connection (or, for c == nullptr, the listener) for one event.
void Server::Arm(Connection* c, bool want_write) {
  epoll_event ev;
  std::memset(&ev, 0, sizeof(ev));
  if (c == nullptr) {
    const int lfd = listen_fd_.load();
    if (lfd < 0 || stopping_.load()) return;
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.ptr = &listen_marker;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, lfd, &ev);
    return;
  }
  ev.events = (want_write ? EPOLLOUT : EPOLLIN | EPOLLRDHUP) | EPOLLONESHOT;
  ev.data.ptr = c;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev);
}

void Server::Close(Connection* c) {
  const int fd = c->fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  std::lock_guard<std::mutex> lock(mu_);
  ::close(fd);
  if (auto it = per_client_.find(c->remote); it != per_client_.end() && --it->second == 0) {
    per_client_.erase(it);
  }
  connections_.erase(fd);  // destroys *c
  if (open_connections_.fetch_sub(1) == 1 && Finished()) WakeAll();
}

void Server::Handle(Connection* c, uint32_t events) {
  c->busy.store(true, std::memory_order_release);
  c->idle.store(false, std::memory_order_relaxed);
  if (c->lingering) {
    char buf[kReadChunk];
    for (;;) {
      const ssize_t n = ::recv(c->fd, buf, sizeof(buf), 0);
      if (n > 0) continue;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      Close(c);  // the peer's end, an error, or the sweeper's shutdown
      return;
    }
    c->busy.store(false, std::memory_order_release);
    Arm(c, false);
    return;
  }
  bool open = true;
  if (c->pending() > 0) open = Flush(c);
  if (open && !c->peer_closed && c->pending() < kMaxPendingOutput &&
      (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
    char buf[kReadChunk];
    size_t total = 0;
    while (total < kMaxReadPerEvent) {
      const ssize_t n = ::recv(c->fd, buf, sizeof(buf), 0);
      if (n > 0) {
        if (c->in.empty() && c->request_start == 0) c->request_start = NowNanos();
        c->silent.store(false, std::memory_order_relaxed);
        c->in.append(buf, static_cast<size_t>(n));
        total += static_cast<size_t>(n);
        // A short read drained the socket: skip the recv that would only say
        // EAGAIN (anything arriving later fires the re-armed event).
        if (static_cast<size_t>(n) < sizeof(buf)) break;
        continue;
      }
      if (n == 0) {
        c->peer_closed = true;
      } else if (errno == EINTR) {
        continue;
      } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        open = false;  // reset by the peer, or shut down by the sweeper
      }
      break;
    }
  }
  while (open) {
    bool stalled = false;
    open = Process(c, &stalled);
    if (open && c->pending() > 0) open = Flush(c);
    // All sent after stopping for backpressure: answer the rest of the input.
    if (!open || !stalled || c->pending() > 0) break;
  }
  if (open && c->pending() == 0 && c->peer_closed) open = false;
  if (!open) {
    Close(c);
    return;
  }
  if (c->pending() == 0 && c->close_after_write) {
    // Closing with unread input would make the kernel send a reset, which can
    // destroy answers still in flight to the client (RFC 9112 9.6): close our
    // side for writing, then drop what arrives until the peer closes.
    ::shutdown(c->fd, SHUT_WR);
    c->lingering = true;
    c->in.clear();
    c->deadline.store(NowNanos() + absl::ToInt64Nanoseconds(kLingerTime),
                      std::memory_order_relaxed);
    c->busy.store(false, std::memory_order_release);
    Arm(c, false);
    return;
  }
  const int64_t now = NowNanos();
  int64_t deadline;
  if (c->pending() > 0) {
    deadline = now + absl::ToInt64Nanoseconds(options_.write_timeout);
  } else if (c->request_start != 0) {
    deadline = c->request_start + absl::ToInt64Nanoseconds(options_.read_timeout);
  } else {
    deadline = now + absl::ToInt64Nanoseconds(options_.keep_alive_timeout);
  }
  c->deadline.store(deadline, std::memory_order_relaxed);
  const bool idle = c->pending() == 0 && c->in.empty() && c->request_start == 0;
  if (idle) c->idle_since.store(now, std::memory_order_relaxed);
  c->idle.store(idle, std::memory_order_relaxed);
  c->busy.store(false, std::memory_order_release);
  Arm(c, c->pending() > 0);
}

bool Server::Process(Connection* c, bool* stalled) {
  size_t offset = 0;
  while (!c->close_after_write) {
    if (c->pending() >= kMaxPendingOutput) {
      *stalled = true;
      break;
    }
    size_t used = 0;
    const RequestParser::State state =
        c->parser.Parse(absl::string_view(c->in).substr(offset), &used);
    offset += used;
    if (state == RequestParser::State::kHead) break;
    Request& req = c->parser.mutable_request();
    if (state == RequestParser::State::kError) {
      req.remote_addr = c->remote;
      Response res;
      on_error_(c->parser.error_status(), c->parser.error_detail(), req, res);
      Respond(c, req, res, /*keep_alive=*/false);
      break;
    }
    const bool has_body = state == RequestParser::State::kBody || !req.body.empty();
    if (!c->head_checked && has_body) {
      c->head_checked = true;
      req.remote_addr = c->remote;
      Response res;
      if (check_head_ && !check_head_(req, res)) {
        Respond(c, req, res, /*keep_alive=*/false);
        break;
      }
      if (state == RequestParser::State::kBody && req.expect_continue) {
        c->out += "HTTP/1.1 100 Continue\r\n\r\n";
      }
    }
    if (state == RequestParser::State::kBody) break;  // wait for the rest of the body
    // A whole request.
    req.remote_addr = c->remote;
    Response res;
    try {
      handler_(req, res);
    } catch (const std::exception& e) {
      NEWSDEX_LOG(ERROR) << "HTTP handler threw: " << e.what();
      res = Response();
      on_error_(500, "internal error", req, res);
    } catch (...) {
      NEWSDEX_LOG(ERROR) << "HTTP handler threw an unknown exception";
      res = Response();
      on_error_(500, "internal error", req, res);
    }
    ++c->served;
    const bool keep_alive =
        req.keep_alive && !stopping_.load() && c->served < options_.keep_alive_max_count;
    Respond(c, req, res, keep_alive);
    c->parser.Reset();
    c->head_checked = false;
    c->request_start = 0;
  }
  c->in.erase(0, offset);
  if (!c->in.empty() && c->request_start == 0) c->request_start = NowNanos();
  return true;
}

void Server::Respond(Connection* c, const Request& req, Response& res, bool keep_alive) {
  if (!keep_alive) c->close_after_write = true;
  if (keep_alive && req.version_minor == 0) res.set_header("Connection", "keep-alive");
  const bool head = req.method == "HEAD";
  bool gzipped = false;
  std::string compressed;
  if (Compressible(res.content_type) && res.body.size() >= options_.gzip_min_bytes) {
    res.set_header("Vary", "Accept-Encoding");
    gzipped = AcceptsGzip(req) && Gzip(res.body, &compressed);
  }
  const std::string& body = gzipped ? compressed : res.body;
  if (c->pending() == 0) {
    c->out.clear();
    c->out_sent = 0;
  }
  c->out += ResponseHead(res.status, res, body.size(), keep_alive, gzipped,
                         options_.default_headers);
  if (!head && res.status != 204 && res.status != 304) c->out += body;
}

bool Server::Flush(Connection* c) {
  while (c->pending() > 0) {
    const ssize_t n = ::send(c->fd, c->out.data() + c->out_sent, c->pending(), MSG_NOSIGNAL);
    if (n > 0) {
      c->out_sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;  // the peer is gone
  }
  c->out.clear();
  c->out_sent = 0;
  return true;
}

}  // namespace newsdex::server::http

// newsdexd's HTTP/1.1 server: a few threads share one epoll set over all
// connections, each taking one ready connection at a time (EPOLLONESHOT), so
// whichever thread is free serves whichever connection has a request, and a
// busy daemon moves from one request to the next without sleeping in between.
// A thread runs the handler itself (no hand-off), so the handler may use
// per-thread state (the daemon's per-thread Searcher, server/worker_pool.h).
//
// Why our own and not cpp-httplib: httplib gives each keep-alive connection a
// thread and makes ~10 system calls per request (polls before every read and
// write, getpeername, getsockname); under load that cost a fifth of the
// daemon's throughput on two cores (docs/benchmarks.md, daemon section).
//
// What it does: keep-alive and pipelining, Content-Length and chunked bodies,
// "Expect: 100-continue" (a body is asked for only after `check_head` accepts
// the head, so a 401 costs no upload), HEAD, gzip for clients that accept it,
// limits (http_parser.h) and timeouts: read (a started request must arrive
// within read_timeout), write, keep-alive idle. Stop() is graceful: no new
// connections, idle ones closed, requests in progress finished and answered.
//
// Thread safety: Serve() on one thread; Stop(), port() and open_connections()
// from any thread.
#ifndef NEWSDEX_SERVER_HTTP_SERVER_H_
#define NEWSDEX_SERVER_HTTP_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/http_parser.h"

namespace newsdex::server::http {

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type
  std::string body;
  Headers headers;  // extra header fields (Allow, Vary, ...)

  void set_content(std::string content, absl::string_view type) {
    body = std::move(content);
    content_type = std::string(type);
  }
  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// The reason phrase of a status code ("Not Found"), "Unknown" if none.
absl::string_view ReasonPhrase(int status);

// Serialises a response head (status line and fields, ending in the empty
// line). `content_length` is the body's length even for HEAD.
std::string ResponseHead(int status, const Response& response, size_t content_length,
                         bool keep_alive, bool gzipped, const Headers& default_headers);

// gzip (RFC 1952) of `data`; false if zlib fails.
bool Gzip(absl::string_view data, std::string* out);

struct Options {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  int threads = 4;  // threads serving connections (and running handlers)
  Limits limits;
  absl::Duration read_timeout = absl::Seconds(5);   // from a request's first byte to its last
  absl::Duration write_timeout = absl::Seconds(5);  // without progress writing an answer
  absl::Duration keep_alive_timeout = absl::Seconds(5);  // idle between requests
  int keep_alive_max_count = 1000;  // requests per connection
  // At max_connections (or max_connections_per_client from one address), a
  // new connection takes the place of the oldest that has sent nothing yet,
  // else of one idle between requests for at least pressure_idle_timeout;
  // with neither it is closed at once. So a crowd of silent connections
  // cannot lock new clients (and /health) out until their timeouts.
  int max_connections = 4096;
  int max_connections_per_client = 1024;
  // Above three quarters of max_connections the sweeper also closes
  // connections silent or idle for this long (instead of the read and
  // keep-alive timeouts).
  absl::Duration pressure_idle_timeout = absl::Seconds(1);
  Headers default_headers;          // added to every answer (CORS)
  size_t gzip_min_bytes = 1024;     // smaller bodies are sent as they are
};

// Called for every whole request, on a serving thread. Fills the response.
// Must not throw (the server answers 500 and logs if it does).
using Handler = std::function<void(const Request&, Response&)>;
// Called when a request is rejected before reaching the handler (the parser's
// errors: 400, 413, 414, 431, 501, 505; `request` holds what was parsed).
// Fills the response; the connection closes after it.
using ErrorHandler =
    std::function<void(int status, absl::string_view detail, const Request&, Response&)>;
// Called once the head of a request with a body is parsed, before the body is
// read. Return false after filling `response` to answer at once (and close).
using HeadCheck = std::function<bool(const Request&, Response&)>;
// Wraps each serving thread's loop: it must call `run` once, on the same
// thread (installs per-thread state around it).
using ThreadWrapper = std::function<void(const std::function<void()>& run)>;

class Server {
 public:
  // Binds and listens (kUnavailable if the address is taken). Serving starts
  // with Serve().
  static absl::StatusOr<std::unique_ptr<Server>> Bind(Options options, Handler handler,
                                                      ErrorHandler on_error,
                                                      HeadCheck check_head = nullptr,
                                                      ThreadWrapper wrapper = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  int port() const { return port_; }
  // Connections accepted and not closed yet.
  int open_connections() const { return open_connections_.load(); }

  // Serves until Stop(); returns when every connection is closed and every
  // thread has finished. Call once.
  absl::Status Serve();
  // Graceful stop; any thread, any time, idempotent. Before Serve(), Serve
  // returns at once.
  void Stop();

  struct Connection;

 private:
  Server(Options options, Handler handler, ErrorHandler on_error, HeadCheck check_head,
         ThreadWrapper wrapper);
  void Loop();
  void Sweep();
  // Stopping, listener closed, no connection left: the threads may go.
  bool Finished() const;
  void WakeAll();
  void AcceptAll();
  // Accepts `fd` from `host` or closes it: see Options::max_connections.
  void Admit(int fd, std::string host);
  // Shuts down the connection (of `host`, unless empty) that has been silent
  // since it was accepted the longest, else one idle for at least
  // pressure_idle_timeout. False if there is none. Caller holds mu_.
  bool EvictOneLocked(const std::string& host);
  // Reads, answers and writes what a connection is ready for, then re-arms
  // or closes it. Runs on one thread at a time per connection (EPOLLONESHOT).
  void Handle(Connection* c, uint32_t events);
  // Parses and answers the requests in c->in. Sets *stalled when it stopped
  // because too much output is waiting. False when the connection must close.
  bool Process(Connection* c, bool* stalled);
  // Sends pending output; false when the peer is gone.
  bool Flush(Connection* c);
  void Arm(Connection* c, bool want_write);
  void Close(Connection* c);
  void Respond(Connection* c, const Request& req, Response& res, bool keep_alive);

  const Options options_;
  const Handler handler_;
  const ErrorHandler on_error_;
  const HeadCheck check_head_;
  const ThreadWrapper wrapper_;
  std::atomic<int> listen_fd_{-1};  // -1 once Stop closed it
  std::atomic<bool> accept_paused_{false};  // out of descriptors; the sweeper resumes
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: wakes the threads on Stop
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> serving_{false};
  std::mutex mu_;  // guards connections_ (membership and closing)
  std::unordered_map<int, std::unique_ptr<Connection>> connections_;
  std::unordered_map<std::string, int> per_client_;  // open connections by address
  std::atomic<int> open_connections_{0};
  std::mutex sweep_mu_;  // with sweep_cv_: Stop wakes the sweeping thread
  std::condition_variable sweep_cv_;
  bool stop_seen_ = false;  // guarded by sweep_mu_
};

}  // namespace newsdex::server::http

#endif  // NEWSDEX_SERVER_HTTP_SERVER_H_

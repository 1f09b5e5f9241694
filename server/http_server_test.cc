// End-to-end tests of newsdexd's own HTTP/1.1 server (server/http_server.h)
// over real loopback sockets, with a small echo handler instead of a
// NewsServer. Raw sockets, so the tests see the exact bytes: framing,
// pipelining, 100-continue, closes. Time bounds here only detect hangs.
#include "server/http_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/server_test_util.h"

namespace newsdex::server::http {
namespace {

constexpr absl::Duration kHang = absl::Seconds(5);  // "no answer": a hang, not slowness

// One parsed response as it came off the wire.
struct Answer {
  int status = -1;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  std::string head;  // status line and fields, as sent
};

// A blocking-free raw client: every read waits with poll() up to a deadline.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      connect_errno_ = errno;
      ::close(fd_);
      fd_ = -1;
      return;
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int connect_errno() const { return connect_errno_; }

  bool Send(absl::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }
  // Closes with a reset (SO_LINGER 0), as a crashed client would.
  void Abort() {
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd_);
    fd_ = -1;
  }

  // Reads one response. `head_only`: the answer to HEAD (Content-Length but
  // no body). False, with error() saying why, on EOF or timeout before a
  // whole response.
  bool Read(Answer* out, bool head_only = false, absl::Duration timeout = kHang) {
    const absl::Time deadline = absl::Now() + timeout;
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return false;
    }
    *out = Answer();
    out->head = buffer_.substr(0, end + 4);
    std::vector<absl::string_view> lines =
        absl::StrSplit(absl::string_view(buffer_).substr(0, end), "\r\n");
    std::vector<absl::string_view> status_line = absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
    if (status_line.size() < 2 || !absl::StartsWith(status_line[0], "HTTP/1.") ||
        !absl::SimpleAtoi(status_line[1], &out->status)) {
      error_ = absl::StrCat("bad status line: ", absl::CHexEscape(lines[0]));
      return false;
    }
    for (size_t i = 1; i < lines.size(); ++i) {
      const size_t colon = lines[i].find(':');
      if (colon == absl::string_view::npos) {
        error_ = absl::StrCat("bad header line: ", absl::CHexEscape(lines[i]));
        return false;
      }
      out->headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
          std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    }
    buffer_.erase(0, end + 4);
    if (head_only || out->status / 100 == 1 || out->status == 204 || out->status == 304) {
      return true;
    }
    auto cl = out->headers.find("content-length");
    size_t length = 0;
    if (cl == out->headers.end() || !absl::SimpleAtoi(cl->second, &length)) {
      error_ = "answer without a usable Content-Length";
      return false;
    }
    while (buffer_.size() < length) {
      if (!Fill(deadline)) return false;
    }
    out->body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return true;
  }

  // Waits for the server to close the connection (EOF or reset). Bytes that
  // arrive meanwhile are appended to `rest`.
  bool WaitClosed(absl::Duration timeout = kHang, std::string* rest = nullptr) {
    const absl::Time deadline = absl::Now() + timeout;
    while (Fill(deadline)) {
    }
    if (rest != nullptr) *rest += buffer_;
    buffer_.clear();
    return closed_;
  }

  // Waits until the server has ended the connection (FIN or reset), without
  // reading: the answers stay queued, as for a client that reads late.
  bool WaitPeerGone(absl::Duration timeout = kHang) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      pollfd p{fd_, POLLRDHUP, 0};
      if (::poll(&p, 1, 10) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR))) return true;
    }
    return false;
  }
  // Bounds blocking sends (a server that stops reading must not hang us).
  void SetSendTimeout(absl::Duration timeout) {
    const timeval tv = absl::ToTimeval(timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  // True if bytes or a close are waiting right now (no waiting).
  bool Readable() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

  const std::string& error() const { return error_; }
  const std::string& buffered() const { return buffer_; }

 private:
  // Appends what arrives before `deadline`; false on EOF, reset or timeout.
  bool Fill(absl::Time deadline) {
    if (closed_) return false;
    for (;;) {
      const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
      if (ms <= 0) {
        error_ = "timed out";
        return false;
      }
      pollfd p{fd_, POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(ms));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) continue;  // the deadline check above ends it
      char chunk[65536];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        closed_ = true;
        error_ = n == 0 ? "closed by the server" : absl::StrCat("recv: ", std::strerror(errno));
        return false;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
  }

  int fd_ = -1;
  int connect_errno_ = 0;
  bool closed_ = false;
  std::string buffer_;
  std::string error_;
};

// State shared by the handler and the test.
struct Hooks {
  std::atomic<int> handled{0};
  std::atomic<int> sleeping{0};  // handlers inside a ?sleep_ms= sleep
  std::atomic<int> at_gate{0};   // handlers waiting in /gate
  std::mutex mu;
  std::condition_variable cv;
  bool gate_open = false;
  std::vector<int> error_statuses;  // what the ErrorHandler was called with
  std::string last_error_request;   // "METHOD path remote" it was handed
  int head_checks = 0;

  void OpenGate() {
    std::lock_guard<std::mutex> lock(mu);
    gate_open = true;
    cv.notify_all();
  }
  std::vector<int> Errors() {
    std::lock_guard<std::mutex> lock(mu);
    return error_statuses;
  }
};

// A body the size of `n`, compressible but not trivially so.
std::string Padding(int n) {
  std::string s;
  for (int i = 0; static_cast<int>(s.size()) < n; ++i)
    absl::StrAppend(&s, "line ", i, " of padding\n");
  s.resize(n);
  return s;
}

// What the echo handler answers for a request (the tests build it too).
std::string EchoBody(absl::string_view method, absl::string_view path, const QueryParams& params,
                     size_t body_size) {
  std::string out = absl::StrCat("method=", method, "\npath=", path, "\nparams=");
  for (const auto& [k, v] : params) absl::StrAppend(&out, k, "=", v, ";");
  absl::StrAppend(&out, "\nbody=", body_size, "\n");
  return out;
}

void Echo(Hooks* hooks, const Request& req, Response& res) {
  if (req.path == "/throw") throw std::runtime_error("handler failure on purpose");
  if (req.path == "/nocontent") {
    res.status = 204;
    res.set_content("a body a 204 must not carry", "text/plain");
    ++hooks->handled;
    return;
  }
  // ?sleep_ms= makes a deliberately slow handler: the slowness is what those
  // tests are about; they wait on `sleeping`, not on time.
  int sleep_ms = 0;
  auto it = req.params.find("sleep_ms");
  if (it != req.params.end() && absl::SimpleAtoi(it->second, &sleep_ms) && sleep_ms > 0) {
    ++hooks->sleeping;
    absl::SleepFor(absl::Milliseconds(sleep_ms));
    --hooks->sleeping;
  }
  if (req.path == "/gate") {
    std::unique_lock<std::mutex> lock(hooks->mu);
    ++hooks->at_gate;
    // Bounded, so a broken test cannot wedge the server for ever.
    hooks->cv.wait_for(lock, std::chrono::seconds(20), [&] { return hooks->gate_open; });
    --hooks->at_gate;
  }
  std::string body = EchoBody(req.method, req.path, req.params, req.body.size());
  absl::StrAppend(&body, "remote=", req.remote_addr, "\n");
  int pad = 0;
  it = req.params.find("pad");
  if (it != req.params.end() && absl::SimpleAtoi(it->second, &pad) && pad > 0) {
    body += Padding(pad);
  }
  res.set_content(std::move(body), "text/plain");
  res.set_header("X-Echo", "1");
  ++hooks->handled;
}

// A Server on 127.0.0.1, a free port, serving on its own thread.
class TestServer {
 public:
  static Options DefaultOptions() {
    Options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 3;
    o.default_headers = {{"Access-Control-Allow-Origin", "*"}};
    return o;
  }

  explicit TestServer(Options options = DefaultOptions(), bool with_head_check = false) {
    HeadCheck check;
    if (with_head_check) {
      check = [this](const Request& req, Response& res) {
        {
          std::lock_guard<std::mutex> lock(hooks_.mu);
          ++hooks_.head_checks;
        }
        if (req.path != "/refuse") return true;
        res.status = 401;
        res.set_content("refused\n", "text/plain");
        return false;
      };
    }
    auto server = Server::Bind(
        std::move(options), [this](const Request& req, Response& res) { Echo(&hooks_, req, res); },
        [this](int status, absl::string_view detail, const Request& req, Response& res) {
          {
            std::lock_guard<std::mutex> lock(hooks_.mu);
            hooks_.error_statuses.push_back(status);
            hooks_.last_error_request =
                absl::StrCat(req.method, " ", req.path, " ", req.remote_addr);
          }
          res.status = status;
          res.set_content(absl::StrCat("custom error ", status, ": ", detail, "\n"), "text/plain");
        },
        std::move(check));
    if (!server.ok()) {
      ADD_FAILURE() << "Bind: " << server.status();
      return;
    }
    server_ = std::move(*server);
    thread_ = std::thread([this] {
      serve_status_ = server_->Serve();
      served_ = true;
    });
  }
  ~TestServer() {
    hooks_.OpenGate();
    Stop();
  }

  bool ok() const { return server_ != nullptr; }
  int port() const { return server_->port(); }
  Hooks& hooks() { return hooks_; }
  Server& server() { return *server_; }

  // Stops and joins; false if Serve() did not return within `bound` (the
  // thread is then still joined, so a hang shows as a test timeout too).
  bool Stop(absl::Duration bound = kHang) {
    if (server_ == nullptr) return true;
    server_->Stop();
    const bool returned = WaitFor([this] { return served_.load(); }, bound);
    if (thread_.joinable()) thread_.join();
    return returned;
  }
  bool served() const { return served_; }
  const absl::Status& serve_status() const { return serve_status_; }

  template <typename F>
  static bool WaitFor(F done, absl::Duration bound = kHang) {
    return testing::WaitUntil(done, bound);
  }

 private:
  Hooks hooks_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::atomic<bool> served_{false};
  absl::Status serve_status_;
};

std::string Get(absl::string_view target, absl::string_view extra = "") {
  return absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: test\r\n", extra, "\r\n");
}

// ---------------------------------------------------------------------------
// Pieces without sockets.

TEST(HttpServerTest, ReasonPhrases) {
  EXPECT_EQ(ReasonPhrase(200), "OK");
  EXPECT_EQ(ReasonPhrase(404), "Not Found");
  EXPECT_EQ(ReasonPhrase(500), "Internal Server Error");
  for (int status : {100, 400, 401, 408, 413, 414, 431, 501, 503, 505}) {
    EXPECT_NE(ReasonPhrase(status), "Unknown") << status;
  }
  EXPECT_EQ(ReasonPhrase(999), "Unknown");
}

TEST(HttpServerTest, ResponseHeadCarriesLengthConnectionAndExtraFields) {
  Response res;
  res.status = 404;
  res.set_content("nothing", "text/plain");
  res.set_header("Vary", "Accept-Encoding");
  const std::string head =
      ResponseHead(404, res, 7, /*keep_alive=*/false, /*gzipped=*/true, {{"X-Default", "d"}});
  EXPECT_TRUE(absl::StartsWith(head, "HTTP/1.1 404 Not Found\r\n")) << head;
  EXPECT_TRUE(absl::EndsWith(head, "\r\n\r\n")) << head;
  const std::string lower = absl::AsciiStrToLower(head);
  EXPECT_TRUE(absl::StrContains(lower, "\r\ncontent-length: 7\r\n")) << head;
  EXPECT_TRUE(absl::StrContains(lower, "\r\ncontent-type: text/plain\r\n")) << head;
  EXPECT_TRUE(absl::StrContains(lower, "\r\nconnection: close\r\n")) << head;
  EXPECT_TRUE(absl::StrContains(lower, "\r\ncontent-encoding: gzip\r\n")) << head;
  EXPECT_TRUE(absl::StrContains(head, "\r\nVary: Accept-Encoding\r\n")) << head;
  EXPECT_TRUE(absl::StrContains(head, "\r\nX-Default: d\r\n")) << head;
  // The head only: the body is not in it.
  EXPECT_FALSE(absl::StrContains(head, "nothing")) << head;

  Response empty;
  const std::string kept = ResponseHead(200, empty, 0, /*keep_alive=*/true, false, {});
  const std::string kept_lower = absl::AsciiStrToLower(kept);
  EXPECT_TRUE(absl::StrContains(kept_lower, "\r\ncontent-length: 0\r\n")) << kept;
  EXPECT_FALSE(absl::StrContains(kept_lower, "content-type")) << kept;
  EXPECT_FALSE(absl::StrContains(kept_lower, "content-encoding")) << kept;
  EXPECT_FALSE(absl::StrContains(kept_lower, "connection: close")) << kept;
}

// Inflates gzip (windowBits 31: gzip header required).
bool Gunzip(absl::string_view in, std::string* out) {
  z_stream z{};
  if (inflateInit2(&z, 31) != Z_OK) return false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  out->clear();
  int r = Z_OK;
  char chunk[16384];
  while (r == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(chunk);
    z.avail_out = sizeof chunk;
    r = inflate(&z, Z_NO_FLUSH);
    out->append(chunk, sizeof chunk - z.avail_out);
    if (r == Z_BUF_ERROR && z.avail_in == 0) break;
  }
  const bool whole = r == Z_STREAM_END && z.avail_in == 0;
  inflateEnd(&z);
  return whole;
}

TEST(HttpServerTest, GzipRoundTrips) {
  for (int size : {0, 1, 5000, 300000}) {
    const std::string data = Padding(size);
    std::string zipped, back;
    ASSERT_TRUE(Gzip(data, &zipped)) << size;
    ASSERT_TRUE(Gunzip(zipped, &back)) << size;
    EXPECT_EQ(back, data) << size;
    if (size >= 5000) {
      EXPECT_LT(zipped.size(), data.size() / 2) << size;
    }
  }
}

// ---------------------------------------------------------------------------
// Over sockets.

TEST(HttpServerTest, KeepAliveServesFiftyRequestsOnOneConnection) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(c.Send(Get(absl::StrCat("/k?i=", i)))) << i;
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << "request " << i << ": " << c.error();
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.body, absl::StrCat(EchoBody("GET", "/k", {{"i", absl::StrCat(i)}}, 0),
                                   "remote=127.0.0.1\n"));
    EXPECT_EQ(a.headers["content-type"], "text/plain");
    EXPECT_EQ(a.headers["x-echo"], "1");
    EXPECT_EQ(a.headers["access-control-allow-origin"], "*");
    EXPECT_NE(absl::AsciiStrToLower(a.headers["connection"]), "close") << i;
  }
  EXPECT_EQ(s.hooks().handled.load(), 50);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  std::string all;
  for (int i = 0; i < 5; ++i) all += Get(absl::StrCat("/p", i, i % 2 ? "?sleep_ms=30" : ""));
  ASSERT_TRUE(c.Send(all));
  for (int i = 0; i < 5; ++i) {
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << "answer " << i << ": " << c.error();
    EXPECT_EQ(a.status, 200);
    EXPECT_TRUE(absl::StrContains(a.body, absl::StrCat("path=/p", i, "\n"))) << i << a.body;
  }
}

TEST(HttpServerTest, HeadHasContentLengthButNoBody) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  // HEAD then GET in one send: if HEAD's answer carried a body, the GET's
  // status line would not come next.
  ASSERT_TRUE(c.Send(absl::StrCat("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n", Get("/h"))));
  Answer head, get;
  ASSERT_TRUE(c.Read(&head, /*head_only=*/true)) << c.error();
  ASSERT_TRUE(c.Read(&get)) << c.error()
                            << " after HEAD; buffered: " << absl::CHexEscape(c.buffered());
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(get.status, 200);
  const std::string want_body = absl::StrCat(EchoBody("GET", "/h", {}, 0), "remote=127.0.0.1\n");
  EXPECT_EQ(get.body, want_body);
  // The handler saw HEAD, so its body names HEAD: same length as GET's.
  EXPECT_EQ(head.headers["content-length"], absl::StrCat(want_body.size() + 1));
}

TEST(HttpServerTest, Http10ClosesAfterTheAnswer) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("GET /old HTTP/1.0\r\n\r\n"));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(absl::StrContains(a.body, "path=/old\n"));
  EXPECT_TRUE(c.WaitClosed()) << "HTTP/1.0 connection still open";

  RawClient k(s.port());
  ASSERT_TRUE(k.Send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ASSERT_TRUE(k.Read(&a)) << k.error();
  ASSERT_TRUE(k.Send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ASSERT_TRUE(k.Read(&a)) << "1.0 keep-alive: " << k.error();
  EXPECT_TRUE(absl::StrContains(a.body, "path=/b\n"));
}

TEST(HttpServerTest, ConnectionCloseIsHonoured) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(Get("/bye", "Connection: close\r\n")));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(absl::AsciiStrToLower(a.headers["connection"]), "close");
  EXPECT_TRUE(c.WaitClosed());
}

TEST(HttpServerTest, PostBodiesWithContentLengthAndChunked) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  const std::string body = Padding(100000);
  ASSERT_TRUE(
      c.Send(absl::StrCat("POST /cl HTTP/1.1\r\nContent-Length: ", body.size(), "\r\n\r\n", body)));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(absl::StrContains(a.body, "method=POST\npath=/cl\n"));
  EXPECT_TRUE(absl::StrContains(a.body, "body=100000\n")) << a.body;

  // Chunked, sent in pieces that split chunk headers and data.
  const std::string chunked =
      absl::StrCat("POST /ch HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "7d0;ext=1\r\n",
                   std::string(2000, 'a'), "\r\n", "1\r\nb\r\n", "10\r\n", std::string(16, 'c'),
                   "\r\n", "0\r\nX-Trailer: 1\r\n\r\n");
  for (size_t at = 0; at < chunked.size(); at += 333) {
    ASSERT_TRUE(c.Send(absl::string_view(chunked).substr(at, 333)));
    absl::SleepFor(absl::Milliseconds(1));  // a slow sender, so pieces arrive apart
  }
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(absl::StrContains(a.body, "path=/ch\n"));
  EXPECT_TRUE(absl::StrContains(a.body, "body=2017\n")) << a.body;
}

TEST(HttpServerTest, ExpectContinueGets100BeforeTheBody) {
  TestServer s(TestServer::DefaultOptions(), /*with_head_check=*/true);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(
      c.Send("POST /upload HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n"));
  Answer interim;
  ASSERT_TRUE(c.Read(&interim)) << "no 100 Continue: " << c.error();
  EXPECT_EQ(interim.status, 100);
  EXPECT_TRUE(absl::StartsWith(interim.head, "HTTP/1.1 100 Continue\r\n")) << interim.head;
  EXPECT_EQ(s.hooks().handled.load(), 0);
  ASSERT_TRUE(c.Send("0123456789"));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(absl::StrContains(a.body, "body=10\n")) << a.body;
  // Without a HeadCheck refusing, the connection stays usable.
  ASSERT_TRUE(c.Send(Get("/after")));
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_TRUE(absl::StrContains(a.body, "path=/after\n"));
}

TEST(HttpServerTest, ExpectContinueRefusedByHeadCheckAnswersAndCloses) {
  TestServer s(TestServer::DefaultOptions(), /*with_head_check=*/true);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(
      c.Send("POST /refuse HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n"));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 401) << a.head;
  EXPECT_EQ(a.body, "refused\n");
  EXPECT_TRUE(c.WaitClosed()) << "still open after the refusal";
  EXPECT_EQ(s.hooks().handled.load(), 0);
}

TEST(HttpServerTest, HeadCheckRefusalWithoutExpectStillAnswers) {
  TestServer s(TestServer::DefaultOptions(), /*with_head_check=*/true);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("POST /refuse HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(s.hooks().handled.load(), 0);
}

TEST(HttpServerTest, GzipForLargeBodiesWhenAccepted) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  const std::string want = absl::StrCat(EchoBody("GET", "/big", {{"pad", "5000"}}, 0),
                                        "remote=127.0.0.1\n", Padding(5000));
  ASSERT_TRUE(c.Send(Get("/big?pad=5000", "Accept-Encoding: gzip, deflate\r\n")));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.headers["content-encoding"], "gzip");
  EXPECT_LT(a.body.size(), want.size());
  std::string inflated;
  ASSERT_TRUE(Gunzip(a.body, &inflated));
  EXPECT_EQ(inflated, want);

  // Same connection, no Accept-Encoding: sent as it is.
  ASSERT_TRUE(c.Send(Get("/big?pad=5000")));
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.headers.count("content-encoding"), 0u);
  EXPECT_EQ(a.body, want);

  // Small body, gzip accepted: sent as it is.
  ASSERT_TRUE(c.Send(Get("/small", "Accept-Encoding: gzip\r\n")));
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.headers.count("content-encoding"), 0u);
  EXPECT_EQ(a.body, absl::StrCat(EchoBody("GET", "/small", {}, 0), "remote=127.0.0.1\n"));
}

TEST(HttpServerTest, GzipNotUsedWhenRefusedWithQZero) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(Get("/big?pad=5000", "Accept-Encoding: gzip;q=0, identity\r\n")));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.headers.count("content-encoding"), 0u) << a.head;
}

Options ShortTimeouts() {
  Options o = TestServer::DefaultOptions();
  o.read_timeout = absl::Milliseconds(300);
  o.keep_alive_timeout = absl::Milliseconds(300);
  return o;
}

// The limits, as a client sending everything at once sees them.
TEST(HttpServerTest, LimitsAnswerTheErrorHandlersResponse) {
  Options o = TestServer::DefaultOptions();
  o.limits.max_body_bytes = 1000;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  struct Case {
    const char* what;
    std::string bytes;
    int status;
  };
  const Case kCases[] = {
      {"huge request line", Get(absl::StrCat("/", std::string(10000, 'a'))), 414},
      {"huge header", Get("/", absl::StrCat("X-Big: ", std::string(20000, 'h'), "\r\n")), 431},
      {"body over max_body_bytes (head only)", "POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n",
       413},
      {"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505},
      {"gzip transfer coding", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
  };
  for (const Case& c : kCases) {
    RawClient client(s.port());
    ASSERT_TRUE(client.Send(c.bytes)) << c.what;
    Answer a;
    ASSERT_TRUE(client.Read(&a)) << c.what << ": " << client.error();
    EXPECT_EQ(a.status, c.status) << c.what;
    EXPECT_TRUE(absl::StartsWith(a.body, absl::StrCat("custom error ", c.status, ": ")))
        << c.what << ": " << a.body;
    EXPECT_EQ(a.headers["access-control-allow-origin"], "*") << c.what << ": default header";
    EXPECT_TRUE(client.WaitClosed()) << c.what << ": still open after an error";
    const std::vector<int> errors = s.hooks().Errors();
    ASSERT_FALSE(errors.empty()) << c.what;
    EXPECT_EQ(errors.back(), c.status) << c.what;
  }
  EXPECT_EQ(s.hooks().handled.load(), 0);
}

TEST(HttpServerTest, BodyOverLimitSentWholeGets413) {
  Options o = TestServer::DefaultOptions();
  o.limits.max_body_bytes = 1000;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  {
    RawClient c(s.port());
    ASSERT_TRUE(c.Send(
        absl::StrCat("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n", std::string(5000, 'b'))));
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << c.error();
    EXPECT_EQ(a.status, 413);
  }
  {
    // Chunked: each chunk is fine, their sum is not.
    RawClient c(s.port());
    std::string req = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) absl::StrAppend(&req, "190\r\n", std::string(400, 'x'), "\r\n");
    req += "0\r\n\r\n";
    ASSERT_TRUE(c.Send(req));
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << c.error();
    EXPECT_EQ(a.status, 413);
  }
  EXPECT_EQ(s.hooks().handled.load(), 0);
}

TEST(HttpServerTest, GarbageGets400OrACloseNeverAHang) {
  // Short timeouts: garbage without a line end may be waited on until the
  // read timeout, which is a close too.
  TestServer s(ShortTimeouts());
  ASSERT_TRUE(s.ok());
  const std::string kGarbage[] = {
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(200, '\x7f'),
      "\r\n\r\n\r\n\r\n",
      "HELLO\r\n\r\n",
      std::string("GET / HTTP/1.1\r\nHost: \0\r\n\r\n", 28),
      "GET / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      std::string(5000, '\xff') + "\r\n\r\n",
  };
  for (const std::string& g : kGarbage) {
    RawClient c(s.port());
    c.Send(g);
    std::string got;
    EXPECT_TRUE(c.WaitClosed(kHang, &got))
        << "not closed within 5 s after " << absl::CHexEscape(g.substr(0, 40));
    if (!got.empty()) {
      EXPECT_TRUE(absl::StartsWith(got, "HTTP/1.1 400 ") || absl::StartsWith(got, "HTTP/1.1 408 "))
          << absl::CHexEscape(got.substr(0, 80));
    }
  }
  // Still serving.
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(Get("/alive")));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
}

TEST(HttpServerTest, HandlerThrowingGets500AndServingGoesOn) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  {
    RawClient c(s.port());
    ASSERT_TRUE(c.Send(Get("/throw")));
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << c.error();
    EXPECT_EQ(a.status, 500);
    EXPECT_FALSE(absl::StrContains(a.body, "path=")) << "a half-filled response leaked";
    EXPECT_EQ(a.headers.count("x-echo"), 0u) << "a half-filled response leaked";
  }
  for (int i = 0; i < 3; ++i) {
    RawClient c(s.port());
    ASSERT_TRUE(c.Send(Get("/fine")));
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << c.error();
    EXPECT_EQ(a.status, 200);
  }
}

TEST(HttpServerTest, StalledHalfRequestIsDisconnected) {
  TestServer s(ShortTimeouts());
  ASSERT_TRUE(s.ok());
  RawClient head(s.port());
  ASSERT_TRUE(head.Send("GET /stall HTTP/1.1\r\nHost: x\r\n"));
  RawClient body(s.port());
  ASSERT_TRUE(body.Send("POST /stall HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly some"));
  std::string got;
  EXPECT_TRUE(head.WaitClosed(kHang, &got)) << "half a head: still open after 5 s";
  if (!got.empty()) {
    EXPECT_TRUE(absl::StartsWith(got, "HTTP/1.1 408 ")) << got;
  }
  got.clear();
  EXPECT_TRUE(body.WaitClosed(kHang, &got)) << "half a body: still open after 5 s";
  if (!got.empty()) {
    EXPECT_TRUE(absl::StartsWith(got, "HTTP/1.1 408 ")) << got;
  }
  EXPECT_EQ(s.hooks().handled.load(), 0);
}

TEST(HttpServerTest, TrickledRequestIsDisconnectedByTheReadTimeout) {
  // A byte every 50 ms never leaves the connection idle for long, but the
  // whole request must arrive within read_timeout (300 ms).
  TestServer s(ShortTimeouts());
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  const std::string req = Get(absl::StrCat("/", std::string(200, 't')));
  const absl::Time deadline = absl::Now() + kHang;
  bool closed = false;
  for (size_t i = 0; i < req.size() && absl::Now() < deadline; ++i) {
    if (!c.Send(req.substr(i, 1))) {
      closed = true;
      break;
    }
    absl::SleepFor(absl::Milliseconds(50));  // the trickle under test
    if (c.Readable()) {
      closed = c.WaitClosed(absl::Seconds(1));
      break;
    }
  }
  EXPECT_TRUE(closed) << "a request trickled over more than 5 s was not cut off";
  EXPECT_EQ(s.hooks().handled.load(), 0);
}

TEST(HttpServerTest, IdleKeepAliveConnectionIsClosed) {
  TestServer s(ShortTimeouts());
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(Get("/once")));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
  std::string got;
  EXPECT_TRUE(c.WaitClosed(kHang, &got)) << "idle connection still open after 5 s";
  EXPECT_TRUE(got.empty()) << "unexpected bytes on an idle connection: " << got;
  // A connection that never sent anything is idle too.
  RawClient silent(s.port());
  EXPECT_TRUE(silent.WaitClosed()) << "silent connection still open after 5 s";
}

TEST(HttpServerTest, SlowHandlersDoNotBlockOtherConnections) {
  // Two of the three threads are held in the handler; the third must serve
  // everyone else meanwhile.
  TestServer s(ShortTimeouts());
  ASSERT_TRUE(s.ok());
  RawClient slow1(s.port()), slow2(s.port());
  ASSERT_TRUE(slow1.Send(Get("/gate?n=1")));
  ASSERT_TRUE(slow2.Send(Get("/gate?n=2")));
  ASSERT_TRUE(TestServer::WaitFor([&] { return s.hooks().at_gate.load() == 2; }))
      << "the two gated requests did not both reach the handler";
  for (int conn = 0; conn < 3; ++conn) {
    RawClient fast(s.port());
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(fast.Send(Get(absl::StrCat("/fast?i=", i))));
      Answer a;
      ASSERT_TRUE(fast.Read(&a)) << "connection " << conn << " request " << i
                                 << " not served while two handlers are busy: " << fast.error();
      EXPECT_EQ(a.status, 200);
    }
  }
  EXPECT_FALSE(slow1.Readable());
  s.hooks().OpenGate();
  Answer a;
  ASSERT_TRUE(slow1.Read(&a)) << slow1.error();
  EXPECT_TRUE(absl::StrContains(a.body, "n=1;"));
  ASSERT_TRUE(slow2.Read(&a)) << slow2.error();
  EXPECT_TRUE(absl::StrContains(a.body, "n=2;"));
}

TEST(HttpServerTest, SlowHandlerAlsoWithSleep) {
  // A handler that sleeps 500 ms, longer than the 300 ms timeouts, must
  // neither be cut off nor hold up another connection.
  TestServer s(ShortTimeouts());
  ASSERT_TRUE(s.ok());
  RawClient slow(s.port());
  ASSERT_TRUE(slow.Send(Get("/slow?sleep_ms=500")));
  ASSERT_TRUE(TestServer::WaitFor([&] { return s.hooks().sleeping.load() == 1; }));
  RawClient fast(s.port());
  ASSERT_TRUE(fast.Send(Get("/fast")));
  Answer a;
  ASSERT_TRUE(fast.Read(&a)) << fast.error();
  EXPECT_EQ(a.status, 200);
  ASSERT_TRUE(slow.Read(&a)) << slow.error();
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(absl::StrContains(a.body, "path=/slow\n"));
}

TEST(HttpServerTest, StopFinishesTheRequestInProgressThenRefuses) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  const int port = s.port();
  RawClient idle(port);
  ASSERT_TRUE(idle.Send(Get("/warm")));
  Answer a;
  ASSERT_TRUE(idle.Read(&a)) << idle.error();

  RawClient busy(port);
  ASSERT_TRUE(busy.Send(Get("/sleepy?sleep_ms=300")));
  ASSERT_TRUE(TestServer::WaitFor([&] { return s.hooks().sleeping.load() == 1; }));
  s.server().Stop();
  s.server().Stop();  // idempotent
  ASSERT_TRUE(busy.Read(&a)) << "request in progress lost on Stop: " << busy.error();
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, absl::StrCat(EchoBody("GET", "/sleepy", {{"sleep_ms", "300"}}, 0),
                                 "remote=127.0.0.1\n"));
  EXPECT_TRUE(idle.WaitClosed()) << "idle connection not closed by Stop";
  EXPECT_TRUE(s.Stop()) << "Serve() did not return within 5 s of Stop()";
  EXPECT_TRUE(s.serve_status().ok()) << s.serve_status();
  RawClient late(port);
  EXPECT_FALSE(late.connected()) << "connect succeeded after Stop";
  EXPECT_EQ(late.connect_errno(), ECONNREFUSED);
}

TEST(HttpServerTest, StopBeforeServeReturnsAtOnce) {
  Options o = TestServer::DefaultOptions();
  auto server = Server::Bind(
      o, [](const Request&, Response&) {},
      [](int, absl::string_view, const Request&, Response&) {});
  ASSERT_TRUE(server.ok()) << server.status();
  (*server)->Stop();
  std::atomic<bool> returned{false};
  std::thread t([&] {
    (*server)->Serve().IgnoreError();
    returned = true;
  });
  EXPECT_TRUE(TestServer::WaitFor([&] { return returned.load(); }));
  t.join();
}

TEST(HttpServerTest, BindToATakenPortIsUnavailable) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  Options o = TestServer::DefaultOptions();
  o.port = s.port();
  auto second = Server::Bind(
      o, [](const Request&, Response&) {},
      [](int, absl::string_view, const Request&, Response&) {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable) << second.status();
}

TEST(HttpServerTest, ManyClientsOnKeepAliveConnectionsAllAnsweredCorrectly) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  constexpr int kClients = 16;
  constexpr int kRequests = 200;
  std::atomic<int> good{0};
  std::vector<std::string> failures(kClients);
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      RawClient c(s.port());
      if (!c.connected()) {
        failures[t] = "connect failed";
        return;
      }
      for (int i = 0; i < kRequests; ++i) {
        const QueryParams params = {{"i", absl::StrCat(i)}, {"t", absl::StrCat(t)}};
        Answer a;
        if (!c.Send(Get(absl::StrCat("/c?t=", t, "&i=", i))) || !c.Read(&a)) {
          failures[t] = absl::StrCat("request ", i, ": ", c.error());
          return;
        }
        if (a.status != 200 ||
            a.body != absl::StrCat(EchoBody("GET", "/c", params, 0), "remote=127.0.0.1\n")) {
          failures[t] = absl::StrCat("request ", i, ": status ", a.status, " body ", a.body);
          return;
        }
        ++good;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kClients; ++t) EXPECT_EQ(failures[t], "") << "client " << t;
  EXPECT_EQ(good.load(), kClients * kRequests);
  EXPECT_EQ(s.hooks().handled.load(), kClients * kRequests);
}

// A crowd of connections that never send a byte cannot lock new clients out
// until their read timeout: at the limit, a new connection takes the place of
// the oldest silent one.
TEST(HttpServerTest, SilentConnectionsMakeRoomForNewClients) {
  Options o = TestServer::DefaultOptions();
  o.max_connections = 32;
  o.read_timeout = absl::Seconds(60);  // the silent ones would otherwise hold on
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  std::vector<std::unique_ptr<RawClient>> silent;
  for (int i = 0; i < 40; ++i) {
    silent.push_back(std::make_unique<RawClient>(s.port()));
    ASSERT_TRUE(silent.back()->connected());
  }
  for (int i = 0; i < 5; ++i) {
    RawClient fresh(s.port());
    ASSERT_TRUE(fresh.Send(Get("/health")));
    Answer a;
    ASSERT_TRUE(fresh.Read(&a)) << "client " << i << ": " << fresh.error();
    EXPECT_EQ(a.status, 200);
  }
  // Evicted connections are closed by their owners soon after.
  const absl::Time deadline = absl::Now() + kHang;
  while (s.server().open_connections() > 32 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_LE(s.server().open_connections(), 32);
}

TEST(HttpServerTest, MaxConnectionsClosesTheExtraOne) {
  Options o = TestServer::DefaultOptions();
  o.max_connections = 4;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<RawClient>(s.port()));
    ASSERT_TRUE(clients.back()->Send(Get("/first")));
    Answer a;
    ASSERT_TRUE(clients.back()->Read(&a)) << "connection " << i << ": " << clients.back()->error();
  }
  RawClient fifth(s.port());
  fifth.Send(Get("/fifth"));
  std::string got;
  EXPECT_TRUE(fifth.WaitClosed(kHang, &got)) << "fifth connection still open";
  EXPECT_FALSE(absl::StrContains(got, "path=/fifth")) << "fifth connection was served";
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i) {
      ASSERT_TRUE(clients[i]->Send(Get(absl::StrCat("/again?c=", i))));
      Answer a;
      ASSERT_TRUE(clients[i]->Read(&a)) << "connection " << i << ": " << clients[i]->error();
      EXPECT_EQ(a.status, 200);
    }
  }
}

TEST(HttpServerTest, KeepAliveMaxCountClosesAfterThatManyRequests) {
  Options o = TestServer::DefaultOptions();
  o.keep_alive_max_count = 3;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.Send(Get("/n")));
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << i << ": " << c.error();
    EXPECT_EQ(a.status, 200);
    if (i == 2) {
      EXPECT_EQ(absl::AsciiStrToLower(a.headers["connection"]), "close") << a.head;
    }
  }
  EXPECT_TRUE(c.WaitClosed()) << "open after keep_alive_max_count requests";
}

TEST(HttpServerTest, NothingAfterConnectionCloseIsAnswered) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(absl::StrCat(Get("/last", "Connection: close\r\n"), Get("/extra"))));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_TRUE(absl::StrContains(a.body, "path=/last\n"));
  std::string rest;
  EXPECT_TRUE(c.WaitClosed(kHang, &rest));
  EXPECT_EQ(rest, "") << "answered a request sent after Connection: close";
}

TEST(HttpServerTest, PipelinedGoodThenGarbageAnswersBothThenCloses) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(
      c.Send(absl::StrCat(Get("/good"), "GET / HTTP/1.1\r\nBad Header\r\n\r\n", Get("/never"))));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 400);
  std::string rest;
  EXPECT_TRUE(c.WaitClosed(kHang, &rest));
  EXPECT_EQ(rest, "");
}

TEST(HttpServerTest, GetWithABodyKeepsTheFraming) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(
      c.Send(absl::StrCat("GET /withbody HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", Get("/next"))));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_TRUE(absl::StrContains(a.body, "path=/withbody\n"));
  EXPECT_TRUE(absl::StrContains(a.body, "body=3\n"));
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_TRUE(absl::StrContains(a.body, "path=/next\n"));
}

TEST(HttpServerTest, RequestArrivingByteByByteIsServed) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  const std::string req =
      absl::StrCat("POST /bytes?x=1 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n",
                   "4\r\nabcd\r\n0\r\n\r\n", Get("/then"));
  for (char ch : req) ASSERT_TRUE(c.Send(std::string(1, ch)));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_TRUE(absl::StrContains(a.body, "path=/bytes\nparams=x=1;\nbody=4\n")) << a.body;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_TRUE(absl::StrContains(a.body, "path=/then\n"));
}

TEST(HttpServerTest, HalfClosedClientStillGetsItsAnswer) {
  // curl -T and many scripts shut down their sending side after the request.
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(Get("/halfclosed")));
  c.ShutdownWrite();
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << "no answer after the client's FIN: " << c.error();
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(c.WaitClosed());
}

TEST(HttpServerTest, Http10ExpectContinueIsIgnored) {
  // RFC 9110 10.1.1: a server MUST ignore 100-continue in an HTTP/1.0 request.
  TestServer s(TestServer::DefaultOptions(), /*with_head_check=*/true);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("POST /old HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  ASSERT_TRUE(c.Send("hello"));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200) << a.head;
}

TEST(HttpServerTest, KeepAliveMaxCountWithPipelining) {
  Options o = TestServer::DefaultOptions();
  o.keep_alive_max_count = 3;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  std::string all;
  for (int i = 0; i < 5; ++i) all += Get(absl::StrCat("/m", i));
  ASSERT_TRUE(c.Send(all));
  for (int i = 0; i < 3; ++i) {
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << i << ": " << c.error();
    EXPECT_TRUE(absl::StrContains(a.body, absl::StrCat("path=/m", i, "\n")));
  }
  std::string rest;
  EXPECT_TRUE(c.WaitClosed(kHang, &rest));
  EXPECT_EQ(rest, "") << "answered beyond keep_alive_max_count";
}

TEST(HttpServerTest, PipelinedBurstLargerThanTheSocketBuffers) {
  // 2000 requests sent without reading, 8 MB of answers: the server must
  // hold back reading while its output waits, without losing or reordering.
  Options o = TestServer::DefaultOptions();
  o.keep_alive_max_count = 1000000;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  constexpr int kRequests = 2000;
  std::atomic<bool> sent_all{false};
  std::thread sender([&] {
    std::string batch;
    for (int i = 0; i < kRequests; ++i) {
      batch += Get(absl::StrCat("/burst?pad=4000&i=", i));
      if (batch.size() > 60000 || i == kRequests - 1) {
        if (!c.Send(batch)) return;
        batch.clear();
      }
    }
    sent_all = true;
  });
  int answered = 0;
  for (int i = 0; i < kRequests; ++i) {
    Answer a;
    if (!c.Read(&a)) {
      ADD_FAILURE() << "answer " << i << ": " << c.error();
      break;
    }
    if (!absl::StrContains(a.body, absl::StrCat("params=i=", i, ";pad=4000;"))) {
      ADD_FAILURE() << "answer " << i << " out of order: " << a.body.substr(0, 80);
      break;
    }
    ++answered;
  }
  c.ShutdownWrite();  // unblocks the sender if the server stopped reading
  sender.join();
  EXPECT_TRUE(sent_all.load());
  EXPECT_EQ(answered, kRequests);
}

TEST(HttpServerTest, WriteTimeoutDropsAClientThatStopsReading) {
  Options o = TestServer::DefaultOptions();
  o.write_timeout = absl::Milliseconds(300);
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  constexpr int kPad = 64 << 20;  // far more than the socket buffers hold
  ASSERT_TRUE(c.Send(Get(absl::StrCat("/huge?pad=", kPad))));
  ASSERT_TRUE(TestServer::WaitFor([&] { return s.hooks().handled.load() == 1; }));
  {
    // Meanwhile the server keeps serving others.
    RawClient other(s.port());
    ASSERT_TRUE(other.Send(Get("/other")));
    Answer a;
    ASSERT_TRUE(other.Read(&a)) << other.error();
    EXPECT_EQ(a.status, 200);
  }
  // Not reading until the server has closed every connection: `other`, which
  // left, and this one, given up on after a write timeout without progress.
  EXPECT_TRUE(TestServer::WaitFor([&] { return s.server().open_connections() == 0; },
                                  absl::Seconds(10)))
      << s.server().open_connections() << " connections still open";
  std::string got;
  EXPECT_TRUE(c.WaitClosed(absl::Seconds(10), &got));
  EXPECT_LT(got.size(), static_cast<size_t>(kPad)) << "the whole answer came through";
}

TEST(HttpServerTest, ClientVanishingMidAnswerDoesNotHurtTheServer) {
  // Writing to a reset connection raises SIGPIPE unless the server avoids it;
  // the default action would end this test binary.
  TestServer s;
  ASSERT_TRUE(s.ok());
  for (int i = 0; i < 5; ++i) {
    RawClient c(s.port());
    ASSERT_TRUE(c.Send(Get("/gone?sleep_ms=50&pad=4000000")));
    ASSERT_TRUE(TestServer::WaitFor([&] { return s.hooks().sleeping.load() == 1; }));
    c.Abort();
    ASSERT_TRUE(TestServer::WaitFor([&] { return s.hooks().handled.load() == i + 1; }));
  }
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(Get("/still")));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 200);
}

int OpenDescriptors() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (::readdir(d) != nullptr) ++n;
    ::closedir(d);
  }
  return n;
}

TEST(HttpServerTest, ClosedConnectionsReleaseTheirDescriptors) {
  Options o = ShortTimeouts();
  o.limits.max_body_bytes = 1000;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  const int baseline = OpenDescriptors();
  for (int i = 0; i < 60; ++i) {
    RawClient c(s.port());
    Answer a;
    switch (i % 6) {
      case 0:  // answered, closed by Connection: close
        c.Send(Get("/x", "Connection: close\r\n"));
        c.Read(&a);
        c.WaitClosed();
        break;
      case 1:  // answered, then the client leaves
        c.Send(Get("/x"));
        c.Read(&a);
        break;
      case 2:  // parse error
        c.Send("BAD\r\n\r\n");
        c.WaitClosed();
        break;
      case 3:  // over the body limit
        c.Send("POST / HTTP/1.1\r\nContent-Length: 5000\r\n\r\n");
        c.WaitClosed();
        break;
      case 4:  // half a request, then a reset
        c.Send("GET /x HTTP/1.1\r\nHo");
        c.Abort();
        break;
      case 5:  // never says anything
        break;
    }
  }
  const bool released =
      TestServer::WaitFor([&] { return OpenDescriptors() <= baseline; }, absl::Seconds(5));
  EXPECT_TRUE(released) << "descriptors: " << OpenDescriptors() << " now, " << baseline
                        << " before";
}

TEST(HttpServerTest, StopWithAHalfReceivedRequestStillReturns) {
  // The half request may be waited on up to read_timeout, no longer.
  Options o = TestServer::DefaultOptions();
  o.read_timeout = absl::Seconds(1);
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("GET /half HTTP/1.1\r\nHost"));
  RawClient idle(s.port());
  ASSERT_TRUE(idle.Send(Get("/warm")));
  Answer a;
  ASSERT_TRUE(idle.Read(&a)) << idle.error();
  EXPECT_TRUE(s.Stop(absl::Seconds(10))) << "Serve() did not return within 10 s of Stop()";
  EXPECT_TRUE(c.WaitClosed());
}

// RFC 9112 9.6: a server closing a connection must half-close and drain
// first; close() with unread input sends a reset, and the client's kernel
// then drops the answers already delivered but not yet read. Both tests wait
// for the server's FIN or reset before reading, as a slow client would.
TEST(HttpServerTest, AnswersBeforeACloseSurviveUnreadPipelinedInput) {
  // keep_alive_max_count reached with 1 MB of answers still to send and
  // more pipelined requests unread; the client reads slowly. Every answer
  // must arrive, then an orderly end (not a reset).
  Options o = TestServer::DefaultOptions();
  o.keep_alive_max_count = 50;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += Get(absl::StrCat("/big?pad=20000&i=", i));
  ASSERT_TRUE(c.Send(fifty));
  ASSERT_TRUE(TestServer::WaitFor([&] { return s.hooks().handled.load() == 50; }));
  // The server now waits to write; these arrive while it is not reading.
  std::string more;
  for (int i = 0; i < 100; ++i) more += Get(absl::StrCat("/more?i=", i));
  ASSERT_TRUE(c.Send(more));
  int answered = 0;
  for (int i = 0; i < 50; ++i) {
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << "answer " << i << " lost: " << c.error();
    EXPECT_TRUE(absl::StrContains(a.body, absl::StrCat("params=i=", i, ";pad=20000;")));
    ++answered;
    absl::SleepFor(absl::Milliseconds(2));  // a slow reader, not a timing check
  }
  EXPECT_EQ(answered, 50);
  std::string rest;
  EXPECT_TRUE(c.WaitClosed(kHang, &rest));
  EXPECT_EQ(rest, "") << "answered beyond keep_alive_max_count";
  EXPECT_EQ(c.error(), "closed by the server") << "ended by a reset, not a FIN";
}

TEST(HttpServerTest, TooLargeUploadSentWholeStillSees413) {
  // What curl does with a large file: head and body without waiting.
  Options o = TestServer::DefaultOptions();
  o.limits.max_body_bytes = 1000;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  c.SetSendTimeout(absl::Seconds(5));
  constexpr size_t kBody = 4 << 20;
  // Fails part way once the server closes; that is fine.
  c.Send(absl::StrCat("POST /upload HTTP/1.1\r\nContent-Length: ", kBody, "\r\n\r\n",
                      std::string(kBody, 'u')));
  ASSERT_TRUE(c.WaitPeerGone());
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << "the 413 was lost: " << c.error();
  EXPECT_EQ(a.status, 413);
}

TEST(HttpServerTest, ErrorHandlerSeesWhatWasParsed) {
  Options o = TestServer::DefaultOptions();
  o.limits.max_body_bytes = 1000;
  TestServer s(o);
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("POST /too/big?x=1 HTTP/1.1\r\nContent-Length: 5000\r\n\r\n"));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 413);
  std::lock_guard<std::mutex> lock(s.hooks().mu);
  EXPECT_EQ(s.hooks().last_error_request, "POST /too/big 127.0.0.1");
}

TEST(HttpServerTest, NoContentAnswerCarriesNoBody) {
  TestServer s;
  ASSERT_TRUE(s.ok());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(absl::StrCat(Get("/nocontent"), Get("/after"))));
  Answer a;
  ASSERT_TRUE(c.Read(&a)) << c.error();
  EXPECT_EQ(a.status, 204);
  EXPECT_EQ(a.headers.count("content-length"), 0u) << a.head;
  ASSERT_TRUE(c.Read(&a)) << c.error() << "; buffered: " << absl::CHexEscape(c.buffered());
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(absl::StrContains(a.body, "path=/after\n"));
}

thread_local bool inside_wrapper = false;

TEST(HttpServerTest, ThreadWrapperSurroundsEveryServingThread) {
  Options o = TestServer::DefaultOptions();
  std::atomic<int> wrapped{0};
  std::atomic<int> handled_inside{0}, handled_outside{0};
  auto server = Server::Bind(
      o,
      [&](const Request&, Response& res) {
        ++(inside_wrapper ? handled_inside : handled_outside);
        res.set_content("ok", "text/plain");
      },
      [](int status, absl::string_view, const Request&, Response& res) { res.status = status; },
      nullptr,
      [&](const std::function<void()>& run) {
        ++wrapped;
        inside_wrapper = true;
        run();
        inside_wrapper = false;
      });
  ASSERT_TRUE(server.ok()) << server.status();
  std::thread serving([&] { (*server)->Serve().IgnoreError(); });
  for (int i = 0; i < 20; ++i) {
    RawClient c((*server)->port());
    ASSERT_TRUE(c.Send(Get("/w")));
    Answer a;
    ASSERT_TRUE(c.Read(&a)) << c.error();
  }
  (*server)->Stop();
  serving.join();
  EXPECT_EQ(wrapped.load(), 3);
  EXPECT_EQ(handled_inside.load(), 20);
  EXPECT_EQ(handled_outside.load(), 0);
}

TEST(HttpServerTest, StopUnderLoadAnswersWholeOrCloses) {
  // Clients hammer keep-alive connections while Stop() is called: each
  // request gets a whole answer or an orderly close, never a hang or a
  // truncated answer, and Serve() returns.
  TestServer s;
  ASSERT_TRUE(s.ok());
  constexpr int kClients = 8;
  std::atomic<int> answered{0};
  std::vector<std::string> problems(kClients);
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      RawClient c(s.port());
      if (!c.connected()) return;  // already stopped
      for (int i = 0;; ++i) {
        if (!c.Send(Get(absl::StrCat("/load?t=", t, "&i=", i)))) return;
        Answer a;
        if (!c.Read(&a)) {
          if (c.error() == "timed out") problems[t] = absl::StrCat("request ", i, " hung");
          return;
        }
        if (a.status != 200 || !absl::StrContains(a.body, absl::StrCat("i=", i, ";t=", t, ";"))) {
          problems[t] = absl::StrCat("request ", i, ": bad answer ", a.status);
          return;
        }
        ++answered;
        if (absl::AsciiStrToLower(a.headers["connection"]) == "close") {
          if (!c.WaitClosed()) problems[t] = "open after Connection: close";
          return;
        }
      }
    });
  }
  ASSERT_TRUE(TestServer::WaitFor([&] { return answered.load() >= 500; }));
  EXPECT_TRUE(s.Stop()) << "Serve() did not return within 5 s of Stop()";
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kClients; ++t) EXPECT_EQ(problems[t], "") << "client " << t;
}

}  // namespace
}  // namespace newsdex::server::http

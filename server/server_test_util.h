// Test fixtures for the daemon's tests: temporary directories, a small
// generated corpus written through the indexer's own code, and a NewsServer
// running in-process on a free loopback port.
//
// Thread safety: RunningServer may be used from several test threads; the
// helpers are free functions without shared state.
#ifndef NEWSDEX_SERVER_SERVER_TEST_UTIL_H_
#define NEWSDEX_SERVER_SERVER_TEST_UTIL_H_

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/article.h"
#include "server/news_server.h"
#include "tests/testutil.h"

namespace newsdex::server::testing {

// A fresh directory under $TEST_TMPDIR or /tmp, removed (recursively) on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// `n` articles with ids "a<first>".."a<first+n-1>", deterministic titles and
// bodies, dates in 2025, sources, and metadata facets: every article mentions
// Iran ("ir"); even ones also the United Kingdom ("gb") and the actor
// "Ali Khamenei"; every third one is in French ("fr" language) and about
// France. Each body holds the word "marker<first+i>" so single articles can be
// found.
std::vector<core::Article> MakeArticles(int first, int n);

// The article as one JSON Lines record (docs/input-formats.md fields).
std::string ArticleJsonLine(const core::Article& article);

// Writes the articles into the glass database at `path` (created if missing)
// with indexer::BuildDocument and indexer::IndexWriter, and commits.
absl::Status WriteArticles(const std::string& path, const std::vector<core::Article>& articles);

// A NewsServer on 127.0.0.1 with a free port, serving on its own thread.
class RunningServer {
 public:
  // Creates the server (port 0, access log off unless set) and starts serving.
  static absl::StatusOr<std::unique_ptr<RunningServer>> Start(ServerOptions options);
  ~RunningServer();  // Stop() + join
  int port() const { return server_->port(); }
  NewsServer& server() { return *server_; }
  // Stops and waits for Serve to return.
  void Stop();

 private:
  std::unique_ptr<NewsServer> server_;
  std::thread thread_;
};

// Sends `bytes` on a new connection to 127.0.0.1:`port` and returns what the
// server answers: up to the end of the first complete response (by
// Content-Length), or until the server closes, or `timeout`. With
// `half_close` the sending side is shut down after the bytes (the server then
// sees the end of its input: it answers the whole requests among the bytes,
// and closes without answering a partial one).
// kUnavailable if the connection cannot be made.
absl::StatusOr<std::string> RawExchange(int port, const std::string& bytes,
                                        absl::Duration timeout, bool half_close = false);

// The status code of a raw HTTP response ("HTTP/1.1 404 Not Found" -> 404),
// or -1 if it does not start with a status line.
int RawStatus(const std::string& response);

// The repository's docs/openapi.yaml.
std::string OpenApiPath();

// tests/testutil.h's WaitUntil (polls every millisecond) with the bound the
// server's tests share.
template <typename Condition>
bool WaitUntil(Condition condition, absl::Duration timeout = absl::Seconds(10)) {
  return newsdex::testing::WaitUntil(std::move(condition), timeout);
}

}  // namespace newsdex::server::testing

#endif  // NEWSDEX_SERVER_SERVER_TEST_UTIL_H_

// newsdexd's HTTP API (docs/api.md, docs/openapi.yaml) as a library, so tests
// can run the real server in-process on a free loopback port.
//
// Serving model: our own HTTP/1.1 server (server/http_server.h) runs a few
// threads over one epoll set; the thread that reads a request answers it, and
// every thread owns its query::Searcher (server/worker_pool.h), so searches
// and JSON rendering run without any lock shared between threads. An
// IndexWatcher (server/index_watcher.h) polls the index revision (every
// reopen_interval) and workers reopen before their next request, so commits
// by newsdex-index are served within about reopen_interval without a restart
// or a failed request. Routing is a static table (NewsServer::kRoutes).
//
// Thread safety: Serve() runs on one thread; Stop() and the accessors may be
// called from any other thread. Nothing a request does ends the process:
// Dispatch catches whatever a handler throws, logs it and answers 500
// (http::Server catches too, as a last resort for any handler).
#ifndef NEWSDEX_SERVER_NEWS_SERVER_H_
#define NEWSDEX_SERVER_NEWS_SERVER_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/cluster.h"
#include "query/cluster_reader.h"
#include "query/search.h"
#include "server/metrics.h"

namespace newsdex::server::http {
class Server;
struct Request;
struct Response;
}  // namespace newsdex::server::http

namespace newsdex::indexer {
class FacetExtractor;
}

namespace newsdex::server {

class AccessLog;
class ArticleWriter;
class ConcurrencyLimit;
class IndexWatcher;
class WorkerSearchers;

struct ServerOptions {
  std::string db_path;          // REQUIRES: an existing newsdex index, or `cluster`
  // A cluster to serve instead of db_path (core/cluster.h): each serving
  // thread reads one replica per shard and fails over within a request
  // (query/cluster_reader.h); /health and /metrics show each shard's state.
  std::shared_ptr<const core::Cluster> cluster;
  // Over a cluster: while a shard has no replica answering, answer 503
  // instead of a partial answer ("partial": true, "missing_shards").
  bool require_all_shards = false;
  std::string host = "127.0.0.1";
  int port = 8080;              // 0 binds any free port (see NewsServer::port)
  // Serving threads, each with its own Searcher; 0 = max(4, 2 x hardware
  // threads). Any free thread serves any connection, so this is sized for
  // cores (plus slack for slow queries), not for connections.
  int threads = 0;
  // Searches running at once; more wait their turn (first come first served).
  // <= 0: no limit (the default: the thread count already bounds them).
  int max_concurrent_searches = 0;
  // Empty: POST/DELETE /articles answer 403. Otherwise they require
  // "Authorization: Bearer <admin_token>" (401 without it).
  std::string admin_token;
  // Empty: no CORS headers. Otherwise Access-Control-Allow-Origin is set to it
  // ("*" or one origin) and OPTIONS preflights are answered.
  std::string cors_origin;
  // One JSON line per request goes here; empty = standard error. "off"
  // disables the access log. Lines are written in batches (server/access_log.h)
  // and all of them by the time the server is destroyed.
  std::string access_log = "";
  absl::Duration search_time_limit = absl::Seconds(2);
  absl::Duration reopen_interval = absl::Milliseconds(200);
  size_t max_body_bytes = 32 << 20;     // larger bodies: 413
  size_t max_article_bytes = 4 << 20;   // one JSON line of POST /articles
  absl::Duration read_timeout = absl::Seconds(5);
  absl::Duration write_timeout = absl::Seconds(5);
  absl::Duration keep_alive_timeout = absl::Seconds(5);
  int keep_alive_max_count = 1000;
  int max_connections = 4096;  // more are accepted and closed at once
  query::SearcherOptions searcher;
  // Facet extraction for POST /articles; null = facets from metadata only.
  // Not owned; must outlive the server.
  const indexer::FacetExtractor* extractor = nullptr;
};

class NewsServer {
 public:
  // Checks the options and that the index opens (kNotFound, kFailedPrecondition
  // or kInvalidArgument otherwise), opens the access log, binds the listening
  // socket (kUnavailable if the address is taken) and starts the index watcher.
  static absl::StatusOr<std::unique_ptr<NewsServer>> Create(ServerOptions options);
  ~NewsServer();
  NewsServer(const NewsServer&) = delete;
  NewsServer& operator=(const NewsServer&) = delete;

  // The bound port (the chosen one when options.port was 0).
  int port() const { return port_; }

  // Serves until Stop(). Returns after every accepted request has been
  // answered. Call once.
  absl::Status Serve();

  // Stops accepting, lets in-flight requests finish, makes Serve() return.
  // Safe from any thread, any time (also before Serve starts); idempotent.
  void Stop();

  const Metrics& metrics() const { return metrics_; }

 private:
  // Answers a request its route allows; `captured` is the part of the path the
  // route's pattern captures ({id} of /articles/{id}, {field} of
  // /facets/{field}), empty for an exact path.
  using Handler = void (NewsServer::*)(const http::Request& req, absl::string_view captured,
                                       http::Response& res);
  // A row of the route table: a method on a path pattern, the route it is
  // counted under, and its handler.
  struct RouteRow;
  // The route table (news_server.cc). Rows for the same pattern are adjacent;
  // the first row of a pattern gives the route a disallowed method is counted
  // under.
  static const RouteRow kRoutes[];

  explicit NewsServer(ServerOptions options);
  // Routes a whole request to its handler (http::Handler).
  void Dispatch(const http::Request& req, http::Response& res);
  // Finds the rows for the request's path, answers OPTIONS, 404, 405 and a
  // path that is not UTF-8 itself, and runs the row's handler otherwise.
  // Sets *route before running a handler, so one that throws still counts
  // under its route.
  void RouteRequest(const http::Request& req, http::Response& res, Route* route);
  // Answers a request the HTTP layer rejected (http::ErrorHandler).
  void AnswerHttpError(int status, absl::string_view detail, const http::Request& req,
                       http::Response& res);
  // Before a body is read (http::HeadCheck): POST /articles needs the token.
  bool CheckHead(const http::Request& req, http::Response& res);
  // Counts the request in metrics_ and writes its access-log line.
  void Finish(const http::Request& req, const http::Response& res, Route route,
              absl::Time start);

  // The handlers (Handler), each filling `res` (status, body, content type).
  void HandleSearch(const http::Request& req, absl::string_view, http::Response& res);
  void HandleArticle(const http::Request& req, absl::string_view id, http::Response& res);
  void HandleRelated(const http::Request& req, absl::string_view id, http::Response& res);
  void HandleFacetValues(const http::Request& req, absl::string_view field,
                         http::Response& res);
  void HandleHealth(const http::Request& req, absl::string_view, http::Response& res);
  void HandleStats(const http::Request& req, absl::string_view, http::Response& res);
  void HandleMetrics(const http::Request& req, absl::string_view, http::Response& res);
  void HandlePostArticles(const http::Request& req, absl::string_view, http::Response& res);
  void HandleDeleteArticle(const http::Request& req, absl::string_view id,
                           http::Response& res);
  // The search site (server/search_page.h): HTML pages and their static files.
  void HandleSearchPage(const http::Request& req, absl::string_view, http::Response& res);
  void HandleArticlePage(const http::Request& req, absl::string_view id, http::Response& res);
  void HandleStatic(const http::Request& req, absl::string_view file, http::Response& res);
  // Opens a serving thread's Searcher (of the index or of the cluster).
  absl::StatusOr<std::unique_ptr<query::Searcher>> OpenSearcher();
  // Runs `call` on the serving thread's Searcher (see WithSearcher in the .cc);
  // under require_all_shards, kUnavailable while a shard is missing.
  template <typename Fn>
  auto WithSearcher(Fn&& call) -> decltype(call(std::declval<query::Searcher&>()));
  // 403 when writes are off, 401 on a missing or wrong token; else OK.
  absl::Status CheckAdmin(const http::Request& req) const;

  const ServerOptions options_;
  const absl::Time started_;
  Metrics metrics_;
  std::unique_ptr<AccessLog> access_log_;  // null: off; outlives http_'s threads
  std::unique_ptr<ConcurrencyLimit> search_limit_;
  // Over a cluster: down marks shared by the serving threads' readers.
  std::shared_ptr<query::ClusterHealth> cluster_health_;
  std::atomic<size_t> next_replica_{0};  // spreads threads over replicas
  std::unique_ptr<IndexWatcher> watcher_;
  std::unique_ptr<WorkerSearchers> searchers_;
  std::unique_ptr<ArticleWriter> writer_;
  std::unique_ptr<http::Server> http_;  // last: its threads use the members above
  int port_ = 0;
};

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_NEWS_SERVER_H_

#include "server/news_server.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/log.h"
#include "query/resolver.h"
#include "server/access_log.h"
#include "server/article_writer.h"
#include "server/request_params.h"
#include "server/worker_pool.h"

namespace newsdex::server {
namespace {

constexpr char kJson[] = "application/json";  // exactly this, or httplib will not gzip

// Per-request state that the access logger needs. Request handling, routing
// and logging of one request all run on the same worker thread.
thread_local absl::Time request_start = absl::InfinitePast();
thread_local Route request_route = Route::kOther;
// Set once the request's metrics are recorded (by a handler, before its answer
// is written, so a client that has the answer also sees it counted).
thread_local bool request_recorded = false;

void SendError(httplib::Response& res, int status, absl::string_view error,
               absl::string_view detail, absl::string_view parameter = "") {
  res.status = status;
  res.set_content(ErrorJson(error, detail, parameter), kJson);
}

// Maps a failed call to its HTTP answer. Bad parameters name themselves.
void SendStatus(httplib::Response& res, const absl::Status& status) {
  const int http = HttpStatusFor(status);
  std::string parameter = ParameterOf(status);
  std::string error = parameter.empty() ? ErrorCodeFor(http) : "invalid_parameter";
  SendError(res, http, error, status.message(), parameter);
}

template <typename JsonT>
std::string Dump(const JsonT& j) {
  return j.dump(-1, ' ', false, JsonT::error_handler_t::replace);
}

// Constant-time comparison, so the token cannot be guessed byte by byte from
// response times.
bool SameToken(absl::string_view a, absl::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? a[i] : 0;
    const unsigned char y = i < b.size() ? b[i] : 0;
    diff |= x ^ y;
  }
  return diff == 0;
}

// Runs a handler with the daemon's only catch-all: nothing a request does can
// end the process.
template <typename Fn>
void Guarded(httplib::Response& res, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    NEWSDEX_LOG(ERROR) << "request handler failed: " << e.what();
    SendError(res, 500, "internal", "internal error");
  } catch (...) {
    NEWSDEX_LOG(ERROR) << "request handler failed with an unknown exception";
    SendError(res, 500, "internal", "internal error");
  }
}

}  // namespace

NewsServer::NewsServer(ServerOptions options)
    : options_(std::move(options)), started_(absl::Now()) {}

NewsServer::~NewsServer() { Stop(); }

absl::StatusOr<std::unique_ptr<NewsServer>> NewsServer::Create(ServerOptions options) {
  if (options.db_path.empty()) return absl::InvalidArgumentError("no index given (--db)");
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", options.port, " is out of range"));
  }
  if (options.threads <= 0) {
    // httplib holds a worker for each open (keep-alive) connection, so the
    // pool is sized for connections, not only for cores. Searchers open lazily.
    // httplib keeps a worker per open keep-alive connection; at 64 wrk
    // connections 32 workers failed requests while 128 served all of them
    // (docs/benchmarks.md, daemon section).
    options.threads = std::max(128, 16 * static_cast<int>(std::thread::hardware_concurrency()));
  }
  if (options.searcher.resolver == nullptr) options.searcher.resolver = query::MakeFacetResolver();
  {
    // Fail at start-up, not on the first request, when the index is unusable.
    absl::StatusOr<std::unique_ptr<query::Searcher>> probe =
        query::Searcher::Open(options.db_path, options.searcher);
    if (!probe.ok()) return probe.status();
  }
  std::unique_ptr<NewsServer> server(new NewsServer(std::move(options)));
  const ServerOptions& o = server->options_;

  if (o.access_log.empty()) {
    server->access_log_ = std::make_unique<AccessLog>(2, /*owns_fd=*/false);
  } else if (o.access_log != "off") {
    int fd = ::open(o.access_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot open access log ", o.access_log));
    }
    server->access_log_ = std::make_unique<AccessLog>(fd, /*owns_fd=*/true);
  }
  server->search_limit_ = std::make_unique<ConcurrencyLimit>(o.max_concurrent_searches);

  server->watcher_ = std::make_unique<IndexWatcher>(o.db_path, o.reopen_interval);
  if (!o.admin_token.empty()) {
    server->writer_ = std::make_unique<ArticleWriter>(o.db_path, o.extractor);
  }
  server->http_ = std::make_unique<httplib::Server>();
  server->SetUpRoutes();
  if (o.port == 0) {
    server->port_ = server->http_->bind_to_any_port(o.host);
    if (server->port_ <= 0) {
      return absl::UnavailableError(absl::StrCat("cannot bind ", o.host, " on any port"));
    }
  } else {
    if (!server->http_->bind_to_port(o.host, o.port)) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", o.host, ":", o.port, " (address in use?)"));
    }
    server->port_ = o.port;
  }
  return server;
}

absl::Status NewsServer::Serve() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (stop_requested_.load()) return absl::OkStatus();
    serving_.store(true);
  }
  const bool ok = http_->listen_after_bind();
  serving_.store(false);
  if (!ok && !stop_requested_.load()) return absl::InternalError("the HTTP server failed");
  return absl::OkStatus();
}

void NewsServer::Stop() {
  stop_requested_.store(true);
  std::lock_guard<std::mutex> lock(stop_mu_);
  // Serve may have started but not yet marked httplib running; stop() before
  // that would be lost.
  while (serving_.load() && !http_->is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (http_ != nullptr && http_->is_running()) http_->stop();
}

void NewsServer::SetUpRoutes() {
  httplib::Server& http = *http_;
  const ServerOptions& o = options_;
  http.new_task_queue = [this] {
    return new WorkerPool(options_.threads, options_.db_path, options_.searcher, watcher_.get(),
                          &metrics_);
  };
  http.set_read_timeout(absl::ToChronoMilliseconds(o.read_timeout));
  http.set_write_timeout(absl::ToChronoMilliseconds(o.write_timeout));
  http.set_keep_alive_timeout(
      std::max<time_t>(1, static_cast<time_t>(absl::ToInt64Seconds(o.keep_alive_timeout))));
  http.set_keep_alive_max_count(o.keep_alive_max_count);
  http.set_payload_max_length(o.max_body_bytes);
  http.set_tcp_nodelay(true);
  httplib::Headers defaults;
  if (!o.cors_origin.empty()) {
    defaults.emplace("Access-Control-Allow-Origin", o.cors_origin);
    if (o.cors_origin != "*") defaults.emplace("Vary", "Origin");
  }
  http.set_default_headers(defaults);

  // GET, HEAD and OPTIONS are routed here by plain string comparison (no
  // std::regex over client-controlled paths). POST and DELETE go through
  // httplib's router, which reads their bodies first.
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    request_start = absl::Now();
    request_route = Route::kOther;
    request_recorded = false;
    if (req.method == "POST" || req.method == "DELETE") {
      request_route = req.method == "POST" ? Route::kArticlesPost : Route::kArticlesDelete;
      return httplib::Server::HandlerResponse::Unhandled;
    }
    Guarded(res, [&] {
      const std::string& path = req.path;
      using Handler = void (NewsServer::*)(const httplib::Request&, httplib::Response&);
      Handler handler = nullptr;
      Route route = Route::kOther;
      if (path == "/search") {
        handler = &NewsServer::HandleSearch, route = Route::kSearch;
      } else if (path == "/health") {
        handler = &NewsServer::HandleHealth, route = Route::kHealth;
      } else if (path == "/stats") {
        handler = &NewsServer::HandleStats, route = Route::kStats;
      } else if (path == "/metrics") {
        handler = &NewsServer::HandleMetrics, route = Route::kMetrics;
      } else if (absl::StartsWith(path, "/articles/") && path.size() > 10) {
        if (absl::EndsWith(path, "/related") && path.size() > 18) {
          handler = &NewsServer::HandleRelated, route = Route::kRelated;
        } else {
          handler = &NewsServer::HandleArticle, route = Route::kArticle;
        }
      } else if (absl::StartsWith(path, "/facets/") && path.size() > 8) {
        handler = &NewsServer::HandleFacetValues, route = Route::kFacets;
      }
      if (handler == nullptr) {
        SendError(res, 404, "not_found",
                  absl::StrCat("no such endpoint: ", path.substr(0, 200)));
        return;
      }
      request_route = route;
      if (req.method == "OPTIONS") {
        request_route = Route::kOptions;
        res.status = 204;
        res.set_header("Allow", "GET, HEAD, OPTIONS");
        if (!options_.cors_origin.empty()) {
          res.set_header("Access-Control-Allow-Methods", "GET, HEAD, POST, DELETE, OPTIONS");
          res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
          res.set_header("Access-Control-Max-Age", "600");
        }
        return;
      }
      if (req.method != "GET" && req.method != "HEAD") {
        res.set_header("Allow", "GET, HEAD, OPTIONS");
        SendError(res, 405, "method_not_allowed",
                  absl::StrCat("method ", req.method.substr(0, 20), " is not allowed on ",
                               path.substr(0, 200)));
        return;
      }
      if (!IsValidUtf8(path)) {
        SendError(res, 400, "invalid_request", "the path is not valid UTF-8");
        return;
      }
      (this->*handler)(req, res);
    });
    RecordMetrics(res.status);
    return httplib::Server::HandlerResponse::Handled;
  });

  // A content-reader handler: the token is checked before the body is kept,
  // and httplib's 8 KiB cap on form-encoded bodies (curl -d sends that
  // content type) does not apply.
  http.Post("/articles", [this](const httplib::Request& req, httplib::Response& res,
                                const httplib::ContentReader& reader) {
    request_route = Route::kArticlesPost;
    Guarded(res, [&] {
      const absl::Status admin = CheckAdmin(req);
      std::string body;
      const bool read = reader([&](const char* data, size_t n) {
        // Drained either way, so a keep-alive connection stays in step.
        if (admin.ok()) body.append(data, n);
        return true;
      });
      if (!admin.ok()) return SendStatus(res, admin);
      if (!read) {
        return SendError(res, res.status == 413 ? 413 : 400,
                         res.status == 413 ? "payload_too_large" : "invalid_request",
                         res.status == 413 ? "request body too large" : "cannot read the body");
      }
      HandlePostArticles(req, body, res);
    });
    RecordMetrics(res.status);
  });
  http.Delete(R"(/articles/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
    request_route = Route::kArticlesDelete;
    Guarded(res, [&] { HandleDeleteArticle(req, res); });
    RecordMetrics(res.status);
  });

  // Answers httplib's own errors (bad request line, 404 for POST elsewhere,
  // 413, 414) in our JSON error shape.
  http.set_error_handler(httplib::Server::HandlerWithResponse(
      [](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string detail;
    switch (res.status) {
      case 404: detail = absl::StrCat("no such endpoint: ", req.method.substr(0, 20), " ",
                                      req.path.substr(0, 200)); break;
      case 413: detail = "request body too large"; break;
      case 414:
        // The issue asks oversize query strings to answer 413 or 400.
        res.status = 413;
        res.set_content(ErrorJson("uri_too_long", "request line (URL and query string) too long"),
                        kJson);
        return httplib::Server::HandlerResponse::Handled;
      case 400: detail = "malformed HTTP request"; break;
      default: detail = absl::StrCat("HTTP error ", res.status); break;
    }
    res.set_content(ErrorJson(ErrorCodeFor(res.status), detail), kJson);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        NEWSDEX_LOG(ERROR) << "request failed with an exception inside the HTTP layer";
        SendError(res, 500, "internal", "internal error");
      });
  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    WriteAccessLog(req, res);
  });
}

void NewsServer::RecordMetrics(int status) {
  const absl::Duration latency = request_start == absl::InfinitePast()
                                     ? absl::ZeroDuration()
                                     : absl::Now() - request_start;
  // A handled request never leaves status unset; httplib would answer 200.
  metrics_.RecordRequest(request_route, status < 0 ? 200 : status, latency);
  request_recorded = true;
}

void NewsServer::WriteAccessLog(const httplib::Request& req, const httplib::Response& res) {
  const absl::Time now = absl::Now();
  const absl::Duration latency =
      request_start == absl::InfinitePast() ? absl::ZeroDuration() : now - request_start;
  const Route route = request_route;
  if (!request_recorded) metrics_.RecordRequest(route, res.status, latency);
  request_start = absl::InfinitePast();
  request_route = Route::kOther;
  request_recorded = false;
  if (access_log_ == nullptr) return;
  AccessLogEntry entry;
  entry.time = now;
  entry.method = req.method;
  entry.target = req.target;
  entry.route = RouteName(route);
  entry.status = res.status;
  entry.bytes = res.body.size();
  entry.latency = latency;
  entry.remote = req.remote_addr;
  access_log_->Append(FormatAccessLogLine(entry));
}

void NewsServer::HandleSearch(const httplib::Request& req, httplib::Response& res) {
  absl::StatusOr<query::SearchRequest> request =
      ParseSearchParams(req.params, options_.search_time_limit);
  if (!request.ok()) return SendStatus(res, request.status());
  // Released before the answer is rendered and sent.
  std::optional<ConcurrencyLimit::Slot> slot(std::in_place, search_limit_.get());
  absl::StatusOr<query::Searcher*> searcher = WorkerPool::CurrentSearcher();
  if (!searcher.ok()) return SendStatus(res, searcher.status());
  absl::StatusOr<query::SearchResponse> response = (*searcher)->Search(*request);
  if (response.status().code() == absl::StatusCode::kAborted) {
    // The index moved under the reader (DatabaseModifiedError): reopen, retry once.
    metrics_.RecordModifiedRetry();
    absl::Status reopened = WorkerPool::ReopenCurrent();
    if (!reopened.ok()) return SendStatus(res, reopened);
    searcher = WorkerPool::CurrentSearcher();
    if (!searcher.ok()) return SendStatus(res, searcher.status());
    response = (*searcher)->Search(*request);
  }
  slot.reset();
  if (!response.ok()) {
    if (response.status().code() == absl::StatusCode::kInvalidArgument) {
      return SendError(res, 400, "invalid_query", response.status().message(), "q");
    }
    return SendStatus(res, response.status());
  }
  if (response->timed_out) metrics_.RecordTimeLimitHit();
  res.set_content(query::SearchResponseJson(*response), kJson);
}

namespace {

// Runs `call` on the worker's searcher, reopening and retrying once if the
// index changed underneath it.
template <typename Fn>
auto WithSearcher(Metrics& metrics, ConcurrencyLimit* limit, Fn&& call)
    -> decltype(call(std::declval<query::Searcher&>())) {
  ConcurrencyLimit::Slot slot(limit);
  absl::StatusOr<query::Searcher*> searcher = WorkerPool::CurrentSearcher();
  if (!searcher.ok()) return searcher.status();
  auto result = call(**searcher);
  if (result.status().code() == absl::StatusCode::kAborted) {
    metrics.RecordModifiedRetry();
    absl::Status reopened = WorkerPool::ReopenCurrent();
    if (!reopened.ok()) return reopened;
    searcher = WorkerPool::CurrentSearcher();
    if (!searcher.ok()) return searcher.status();
    result = call(**searcher);
  }
  return result;
}

}  // namespace

void NewsServer::HandleArticle(const httplib::Request& req, httplib::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  const std::string id = req.path.substr(10);
  absl::StatusOr<core::Article> article =
      WithSearcher(metrics_, search_limit_.get(),
                   [&](query::Searcher& s) { return s.GetArticle(id); });
  if (!article.ok()) return SendStatus(res, article.status());
  res.set_content(query::ArticleJson(*article), kJson);
}

void NewsServer::HandleRelated(const httplib::Request& req, httplib::Response& res) {
  absl::StatusOr<int> limit = ParseRelatedParams(req.params);
  if (!limit.ok()) return SendStatus(res, limit.status());
  const std::string id = req.path.substr(10, req.path.size() - 10 - 8);
  absl::StatusOr<std::vector<query::Hit>> hits =
      WithSearcher(metrics_, search_limit_.get(),
                   [&](query::Searcher& s) { return s.Related(id, *limit); });
  if (!hits.ok()) return SendStatus(res, hits.status());
  res.set_content(query::HitsJson(*hits), kJson);
}

void NewsServer::HandleFacetValues(const httplib::Request& req, httplib::Response& res) {
  const std::string field = req.path.substr(8);
  query::FacetField parsed;
  if (!query::ParseFacetField(field, &parsed) || parsed == query::FacetField::kDate) {
    return SendError(res, 404, "not_found",
                     absl::StrCat("no facet field \"", field.substr(0, 64),
                                  "\"; expected actor, country, about, lang or source"));
  }
  absl::StatusOr<FacetValuesParams> params = ParseFacetValuesParams(req.params);
  if (!params.ok()) return SendStatus(res, params.status());
  absl::StatusOr<std::vector<query::FacetValue>> values =
      WithSearcher(metrics_, search_limit_.get(), [&](query::Searcher& s) {
        return s.FacetValues(field, params->prefix, params->limit);
      });
  if (!values.ok()) return SendStatus(res, values.status());
  res.set_content(query::FacetValuesJson(field, *values), kJson);
}

void NewsServer::HandleHealth(const httplib::Request& req, httplib::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  absl::StatusOr<query::Searcher*> searcher = WorkerPool::CurrentSearcher();
  if (!searcher.ok()) {
    body["status"] = "unavailable";
    body["detail"] = std::string(searcher.status().message());
    res.status = 503;
  } else {
    body["status"] = "ok";
  }
  body["uptime_seconds"] = absl::ToInt64Seconds(absl::Now() - started_);
  res.set_content(Dump(body), kJson);
}

void NewsServer::HandleStats(const httplib::Request& req, httplib::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  absl::StatusOr<query::IndexStats> stats =
      WithSearcher(metrics_, search_limit_.get(), [&](query::Searcher& s) { return s.Stats(); });
  if (!stats.ok()) return SendStatus(res, stats.status());
  // ordered_json keeps the query library's key order.
  nlohmann::ordered_json body =
      nlohmann::ordered_json::parse(query::IndexStatsJson(*stats), nullptr, false);
  if (!body.is_object()) return SendError(res, 500, "internal", "cannot render stats");
  nlohmann::ordered_json server = nlohmann::ordered_json::object();
  server["uptime_seconds"] = absl::ToInt64Seconds(absl::Now() - started_);
  server["threads"] = options_.threads;
  server["writes_enabled"] = writer_ != nullptr;
  server["reopens"] = metrics_.reopens();
  body["server"] = server;
  res.set_content(Dump(body), kJson);
}

void NewsServer::HandleMetrics(const httplib::Request& req, httplib::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  res.set_content(metrics_.RenderPrometheus(), "text/plain; version=0.0.4");
}

absl::Status NewsServer::CheckAdmin(const httplib::Request& req) const {
  if (writer_ == nullptr) {
    return absl::PermissionDeniedError(
        "writes are disabled; start newsdexd with --admin_token or --admin_token_file");
  }
  const std::string auth = req.get_header_value("Authorization");
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWith(auth, kBearer)) {
    return absl::UnauthenticatedError("missing \"Authorization: Bearer <token>\" header");
  }
  if (!SameToken(absl::string_view(auth).substr(kBearer.size()), options_.admin_token)) {
    return absl::UnauthenticatedError("wrong admin token");
  }
  return absl::OkStatus();
}

namespace {

void SendWriteResult(httplib::Response& res, const WriteResult& result) {
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  body["added"] = result.added;
  body["replaced"] = result.replaced;
  body["unchanged"] = result.unchanged;
  body["deleted"] = result.deleted;
  body["ids"] = result.ids;
  res.set_content(Dump(body), kJson);
}

// A write that found the Xapian lock taken says who probably holds it.
absl::Status ExplainLock(absl::Status status) {
  if (status.code() != absl::StatusCode::kUnavailable) return status;
  return absl::UnavailableError(absl::StrCat(
      "the index is locked by another writer (is newsdex-index running?); retry later: ",
      status.message()));
}

}  // namespace

void NewsServer::HandlePostArticles(const httplib::Request& req, const std::string& body,
                                    httplib::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  absl::StatusOr<WriteResult> result = writer_->AddJsonLines(body, options_.max_article_bytes);
  if (!result.ok()) return SendStatus(res, ExplainLock(result.status()));
  watcher_->Bump();  // readers reopen before their next request
  SendWriteResult(res, *result);
}

void NewsServer::HandleDeleteArticle(const httplib::Request& req, httplib::Response& res) {
  absl::Status admin = CheckAdmin(req);
  if (!admin.ok()) return SendStatus(res, admin);
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  const std::string id = req.matches.size() > 1 ? req.matches[1].str() : "";
  if (id.empty() || !IsValidUtf8(id)) {
    return SendError(res, 400, "invalid_request", "bad article id in the path");
  }
  absl::StatusOr<WriteResult> result = writer_->Delete(id);
  if (!result.ok()) return SendStatus(res, ExplainLock(result.status()));
  watcher_->Bump();
  SendWriteResult(res, *result);
}

}  // namespace newsdex::server

#include "server/news_server.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/types/span.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "core/utf8.h"
#include "core/xapian_status.h"
#include "query/json_writer.h"
#include "query/resolver.h"
#include "server/access_log.h"
#include "server/article_writer.h"
#include "server/concurrency_limit.h"
#include "server/html.h"
#include "server/http_server.h"
#include "server/index_watcher.h"
#include "server/request_params.h"
#include "server/routing.h"
#include "server/search_page.h"
#include "server/templates.h"
#include "server/web_assets.h"
#include "server/worker_pool.h"

namespace newsdex::server {
namespace {

constexpr char kJson[] = "application/json";

void SendError(http::Response& res, int status, absl::string_view error,
               absl::string_view detail, absl::string_view parameter = "") {
  res.status = status;
  res.set_content(ErrorJson(error, detail, parameter), kJson);
}

// Maps a failed call to its HTTP answer. Bad parameters name themselves.
void SendStatus(http::Response& res, const absl::Status& status) {
  const int http = HttpStatusFor(status);
  std::string parameter = ParameterOf(status);
  std::string error = parameter.empty() ? ErrorCodeFor(http) : "invalid_parameter";
  SendError(res, http, error, status.message(), parameter);
}

template <typename JsonT>
std::string Dump(const JsonT& j) {
  return j.dump(-1, ' ', false, JsonT::error_handler_t::replace);
}

// Adds `"name":value` as the last member of the rendered JSON object *object
// (`value` rendered JSON too). False if *object is not an object's rendering.
bool AppendMember(absl::string_view name, absl::string_view value, std::string* object) {
  if (object->size() < 2 || object->front() != '{' || object->back() != '}') return false;
  object->pop_back();
  if (object->size() > 1) object->push_back(',');
  query::AppendJsonString(name, object);
  absl::StrAppend(object, ":", value, "}");
  return true;
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

// Runs a handler so that nothing it throws can end the process: logs it and
// answers 500.
template <typename Fn>
void Guarded(http::Response& res, Fn&& fn) {
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
  if (options.db_path.empty() == (options.cluster == nullptr)) {
    return absl::InvalidArgumentError("give an index (--db) or a cluster (--cluster)");
  }
  if (options.port < 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("port ", options.port, " is out of range"));
  }
  if (options.threads <= 0) {
    // Any free thread serves any connection: cores, plus as many again so a
    // slow query does not leave a core idle.
    options.threads = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  }
  if (options.searcher.resolver == nullptr) options.searcher.resolver = query::MakeFacetResolver();
  // A template that does not parse is a broken build: refuse to start.
  NEWSDEX_RETURN_IF_ERROR(CheckTemplates());
  std::unique_ptr<NewsServer> server(new NewsServer(std::move(options)));
  NewsServer* self = server.get();
  const ServerOptions& o = server->options_;
  if (o.cluster != nullptr) {
    server->cluster_health_ = std::make_shared<query::ClusterHealth>(*o.cluster);
  }
  {
    // Fail at start-up, not on the first request, when the index is unusable.
    absl::StatusOr<std::unique_ptr<query::Searcher>> probe = server->OpenSearcher();
    if (!probe.ok()) return probe.status();
  }

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
  server->watcher_ = o.cluster != nullptr
                         ? std::make_unique<IndexWatcher>(o.reopen_interval)
                         : std::make_unique<IndexWatcher>(o.db_path, o.reopen_interval);
  server->searchers_ = std::make_unique<WorkerSearchers>(
      [self] { return self->OpenSearcher(); }, server->watcher_.get(), &server->metrics_);
  if (!o.admin_token.empty()) {
    server->writer_ = o.cluster != nullptr
                          ? std::make_unique<ArticleWriter>(*o.cluster, o.extractor)
                          : std::make_unique<ArticleWriter>(o.db_path, o.extractor);
  }

  http::Options h;
  h.host = o.host;
  h.port = o.port;
  h.threads = o.threads;
  h.limits.max_body_bytes = o.max_body_bytes;
  h.read_timeout = o.read_timeout;
  h.write_timeout = o.write_timeout;
  h.keep_alive_timeout = o.keep_alive_timeout;
  h.keep_alive_max_count = o.keep_alive_max_count;
  h.max_connections = o.max_connections;
  if (!o.cors_origin.empty()) {
    h.default_headers.emplace_back("Access-Control-Allow-Origin", o.cors_origin);
    if (o.cors_origin != "*") h.default_headers.emplace_back("Vary", "Origin");
  }
  absl::StatusOr<std::unique_ptr<http::Server>> http = http::Server::Bind(
      std::move(h), [self](const http::Request& req, http::Response& res) { self->Dispatch(req, res); },
      [self](int status, absl::string_view detail, const http::Request& req, http::Response& res) {
        self->AnswerHttpError(status, detail, req, res);
      },
      [self](const http::Request& req, http::Response& res) { return self->CheckHead(req, res); },
      [self](const std::function<void()>& loop) { self->searchers_->RunWorker(loop); });
  if (!http.ok()) return http.status();
  server->http_ = *std::move(http);
  server->port_ = server->http_->port();
  return server;
}

absl::StatusOr<std::unique_ptr<query::Searcher>> NewsServer::OpenSearcher() {
  if (options_.cluster == nullptr) {
    return query::Searcher::Open(options_.db_path, options_.searcher);
  }
  query::ClusterReadOptions read;
  read.health = cluster_health_;
  read.first_replica = next_replica_.fetch_add(1, std::memory_order_relaxed);
  return query::Searcher::OpenCluster(*options_.cluster, options_.searcher, std::move(read));
}

absl::Status NewsServer::Serve() { return http_->Serve(); }

void NewsServer::Stop() {
  if (http_ != nullptr) http_->Stop();
}

struct NewsServer::RouteRow {
  Method method;
  PathPattern path;
  Route route;  // what metrics and the access log count the request under
  Handler handler;
};

const NewsServer::RouteRow NewsServer::kRoutes[] = {
    {Method::kGet, Exactly("/search"), Route::kSearch, &NewsServer::HandleSearch},
    {Method::kGet, Exactly("/health"), Route::kHealth, &NewsServer::HandleHealth},
    {Method::kGet, Exactly("/stats"), Route::kStats, &NewsServer::HandleStats},
    {Method::kGet, Exactly("/metrics"), Route::kMetrics, &NewsServer::HandleMetrics},
    {Method::kPost, Exactly("/articles"), Route::kArticlesPost, &NewsServer::HandlePostArticles},
    // Before "/articles/{id}", which would also match "/articles/{id}/related".
    {Method::kGet, Capturing("/articles/", "/related"), Route::kRelated,
     &NewsServer::HandleRelated},
    {Method::kGet, Capturing("/articles/"), Route::kArticle, &NewsServer::HandleArticle},
    {Method::kDelete, Capturing("/articles/"), Route::kArticlesDelete,
     &NewsServer::HandleDeleteArticle},
    {Method::kGet, Capturing("/facets/"), Route::kFacets, &NewsServer::HandleFacetValues},
    // The search site (docs/api.md, "Search site").
    {Method::kGet, Exactly("/"), Route::kPage, &NewsServer::HandleSearchPage},
    {Method::kGet, Capturing("/article/"), Route::kArticlePage, &NewsServer::HandleArticlePage},
    {Method::kGet, Capturing("/static/"), Route::kStatic, &NewsServer::HandleStatic},
};

void NewsServer::Dispatch(const http::Request& req, http::Response& res) {
  const absl::Time start = absl::Now();
  Route route = Route::kOther;
  Guarded(res, [&] { RouteRequest(req, res, &route); });
  Finish(req, res, route, start);
}

void NewsServer::RouteRequest(const http::Request& req, http::Response& res, Route* route) {
  // The rows of the first pattern that matches the path.
  absl::string_view captured;
  const RouteRow* first = std::begin(kRoutes);
  while (first != std::end(kRoutes) && !first->path.Match(req.path, &captured)) ++first;
  const RouteRow* last = first;
  while (last != std::end(kRoutes) && last->path == first->path) ++last;
  const absl::Span<const RouteRow> rows(first, last - first);
  if (rows.empty()) {
    return SendError(res, 404, "not_found",
                     absl::StrCat("no such endpoint: ", req.method.substr(0, 20), " ",
                                  req.path.substr(0, 200)));
  }
  std::vector<Method> methods;
  const RouteRow* row = nullptr;
  for (const RouteRow& r : rows) {
    methods.push_back(r.method);
    if (row == nullptr && Answers(r.method, req.method)) row = &r;
  }
  if (req.method == "OPTIONS") {
    *route = Route::kOptions;
    res.status = 204;
    res.set_header("Allow", AllowHeader(methods));
    if (!options_.cors_origin.empty()) {
      res.set_header("Access-Control-Allow-Methods", "GET, HEAD, POST, DELETE, OPTIONS");
      res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
      res.set_header("Access-Control-Max-Age", "600");
    }
    return;
  }
  *route = row != nullptr ? row->route : rows.front().route;
  if (row == nullptr) {
    res.set_header("Allow", AllowHeader(methods));
    return SendError(res, 405, "method_not_allowed",
                     absl::StrCat("method ", req.method.substr(0, 20), " is not allowed on ",
                                  req.path.substr(0, 200)));
  }
  if (!core::utf8::IsValid(req.path)) {
    return SendError(res, 400, "invalid_request", "the path is not valid UTF-8");
  }
  (this->*row->handler)(req, captured, res);
}

void NewsServer::AnswerHttpError(int status, absl::string_view detail, const http::Request& req,
                                 http::Response& res) {
  const absl::Time start = absl::Now();
  res.status = status;
  if (status == 414) {
    // docs/api.md answers every "too large" with 413 (here "uri_too_long"),
    // so clients handle one status whichever part of the request was too big.
    res.status = 413;
    res.set_content(ErrorJson("uri_too_long", detail), kJson);
  } else {
    res.set_content(ErrorJson(ErrorCodeFor(status), detail), kJson);
  }
  Finish(req, res, Route::kOther, start);
}

bool NewsServer::CheckHead(const http::Request& req, http::Response& res) {
  if (req.method != "POST" || req.path != "/articles") return true;
  const absl::Status admin = CheckAdmin(req);
  if (admin.ok()) return true;
  // Refused before the body is read: a wrong token costs no upload.
  const absl::Time start = absl::Now();
  SendStatus(res, admin);
  Finish(req, res, Route::kArticlesPost, start);
  return false;
}

void NewsServer::Finish(const http::Request& req, const http::Response& res, Route route,
                        absl::Time start) {
  const absl::Time now = absl::Now();
  metrics_.RecordRequest(route, res.status, now - start);
  if (access_log_ == nullptr) return;
  AccessLogEntry entry;
  entry.time = now;
  entry.method = req.method;
  entry.target = req.target;
  entry.route = RouteName(route);
  entry.status = res.status;
  entry.bytes = res.body.size();
  entry.latency = now - start;
  entry.remote = req.remote_addr;
  access_log_->Append(FormatAccessLogLine(entry));
}

namespace {

// Runs `call` on the serving thread's searcher inside a slot of `limit`
// (released before the answer is rendered). A read that found the index
// changed under it (kAborted) reopens the searcher and runs once more.
template <typename Fn>
auto WithThreadSearcher(Metrics& metrics, ConcurrencyLimit* limit, Fn&& call)
    -> decltype(call(std::declval<query::Searcher&>())) {
  ConcurrencyLimit::Slot slot(limit);
  absl::StatusOr<query::Searcher*> searcher = WorkerSearchers::CurrentSearcher();
  if (!searcher.ok()) return searcher.status();
  return core::RetryIfModified(
      /*retries=*/1, [&] { return call(**searcher); },
      [&]() -> absl::Status {
        metrics.RecordModifiedRetry();
        NEWSDEX_RETURN_IF_ERROR(WorkerSearchers::ReopenCurrent());
        searcher = WorkerSearchers::CurrentSearcher();
        return searcher.status();
      });
}

// kUnavailable naming the shards `searcher` left out, if any.
absl::Status CheckAllShards(const query::Searcher& searcher) {
  if (searcher.cluster() == nullptr) return absl::OkStatus();
  std::vector<std::string> missing = searcher.cluster()->MissingShards();
  if (missing.empty()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("shards not answering: ",
                                             absl::StrJoin(missing, ", "),
                                             " (--require-all-shards)"));
}

}  // namespace

template <typename Fn>
auto NewsServer::WithSearcher(Fn&& call) -> decltype(call(std::declval<query::Searcher&>())) {
  if (!options_.require_all_shards) {
    return WithThreadSearcher(metrics_, search_limit_.get(), call);
  }
  return WithThreadSearcher(metrics_, search_limit_.get(),
                            [&](query::Searcher& s) -> decltype(call(s)) {
                              auto result = call(s);
                              if (absl::Status all = CheckAllShards(s); !all.ok()) return all;
                              return result;
                            });
}

void NewsServer::HandleSearch(const http::Request& req, absl::string_view, http::Response& res) {
  // A browser that opens a /search address gets the search page for it.
  res.set_header("Vary", "Accept");
  if (html::WantsHtml(req.Header("accept"))) return HandleSearchPage(req, "", res);
  absl::StatusOr<query::SearchRequest> request =
      ParseSearchParams(req.params, options_.search_time_limit);
  if (!request.ok()) return SendStatus(res, request.status());
  absl::StatusOr<query::SearchResponse> response =
      WithSearcher([&](query::Searcher& s) { return s.Search(*request); });
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

// An article id from the path, held to the limit every write obeys
// (core::ValidateId), so an id that cannot be stored is a 400 that says why,
// not a 404.
absl::Status CheckPathId(absl::string_view id) {
  if (!core::utf8::IsValid(id)) return absl::InvalidArgumentError("bad article id in the path");
  absl::Status valid = core::ValidateId(id);
  if (valid.ok()) return valid;
  return absl::InvalidArgumentError(absl::StrCat("article id in the path: ", valid.message()));
}

}  // namespace

void NewsServer::HandleArticle(const http::Request& req, absl::string_view id,
                               http::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  if (absl::Status valid = CheckPathId(id); !valid.ok()) return SendStatus(res, valid);
  absl::StatusOr<core::Article> article =
      WithSearcher([&](query::Searcher& s) { return s.GetArticle(id); });
  if (!article.ok()) return SendStatus(res, article.status());
  res.set_content(query::ArticleJson(*article), kJson);
}

void NewsServer::HandleRelated(const http::Request& req, absl::string_view id,
                               http::Response& res) {
  absl::StatusOr<int> limit = ParseRelatedParams(req.params);
  if (!limit.ok()) return SendStatus(res, limit.status());
  if (absl::Status valid = CheckPathId(id); !valid.ok()) return SendStatus(res, valid);
  absl::StatusOr<std::vector<query::Hit>> hits =
      WithSearcher([&](query::Searcher& s) { return s.Related(id, *limit); });
  if (!hits.ok()) return SendStatus(res, hits.status());
  res.set_content(query::HitsJson(*hits), kJson);
}

void NewsServer::HandleFacetValues(const http::Request& req, absl::string_view field,
                                   http::Response& res) {
  query::FacetField parsed;
  if (!query::ParseFacetField(field, &parsed) || parsed == query::FacetField::kDate) {
    return SendError(res, 404, "not_found",
                     absl::StrCat("no facet field \"", field.substr(0, 64),
                                  "\"; expected actor, country, about, lang or source"));
  }
  absl::StatusOr<FacetValuesParams> params = ParseFacetValuesParams(req.params);
  if (!params.ok()) return SendStatus(res, params.status());
  absl::StatusOr<std::vector<query::FacetValue>> values =
      WithSearcher([&](query::Searcher& s) {
        return s.FacetValues(field, params->prefix, params->limit);
      });
  if (!values.ok()) return SendStatus(res, values.status());
  res.set_content(query::FacetValuesJson(field, *values), kJson);
}

namespace {

// /health over a cluster: each shard as the serving thread's reader sees it
// (the endpoint in use) and as the process does (replicas marked down).
void AppendShardHealth(const query::ClusterReader& reader, nlohmann::ordered_json& body) {
  nlohmann::ordered_json shards = nlohmann::ordered_json::array();
  nlohmann::ordered_json missing = nlohmann::ordered_json::array();
  for (const query::ShardState& s : reader.States()) {
    nlohmann::ordered_json shard = nlohmann::ordered_json::object();
    shard["name"] = s.name;
    shard["up"] = s.up;
    shard["endpoint"] = s.endpoint;
    shard["replicas"] = s.replicas;
    shard["replicas_down"] = s.replicas_down;
    shard["failovers"] = s.failovers;
    shards.push_back(std::move(shard));
    if (!s.up) missing.push_back(s.name);
  }
  body["shards"] = std::move(shards);
  body["missing_shards"] = std::move(missing);
}

}  // namespace

void NewsServer::HandleHealth(const http::Request& req, absl::string_view, http::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  absl::StatusOr<query::Searcher*> searcher = WorkerSearchers::CurrentSearcher();
  if (!searcher.ok()) {
    body["status"] = "unavailable";
    body["detail"] = std::string(searcher.status().message());
    res.status = 503;
  } else {
    body["status"] = "ok";
  }
  body["uptime_seconds"] = absl::ToInt64Seconds(absl::Now() - started_);
  if (searcher.ok() && (*searcher)->cluster() != nullptr) {
    AppendShardHealth(*(*searcher)->cluster(), body);
    if (options_.require_all_shards && body["missing_shards"].size() > 0) {
      body["status"] = "unavailable";
      res.status = 503;
    }
  }
  res.set_content(Dump(body), kJson);
}

void NewsServer::HandleStats(const http::Request& req, absl::string_view, http::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  absl::StatusOr<query::IndexStats> stats =
      WithSearcher([&](query::Searcher& s) { return s.Stats(); });
  if (!stats.ok()) return SendStatus(res, stats.status());
  nlohmann::ordered_json server = nlohmann::ordered_json::object();
  server["uptime_seconds"] = absl::ToInt64Seconds(absl::Now() - started_);
  server["threads"] = options_.threads;
  server["writes_enabled"] = writer_ != nullptr;
  server["reopens"] = metrics_.reopens();
  // The query library's object as it renders it, with the daemon's member last.
  std::string body = query::IndexStatsJson(*stats);
  if (!AppendMember("server", Dump(server), &body)) {
    return SendError(res, 500, "internal", "cannot render stats");
  }
  res.set_content(std::move(body), kJson);
}

void NewsServer::HandleMetrics(const http::Request& req, absl::string_view,
                               http::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  std::string text = metrics_.RenderPrometheus();
  if (cluster_health_ != nullptr) text += RenderShardMetrics(cluster_health_->View());
  res.set_content(std::move(text), "text/plain; version=0.0.4");
}

absl::Status NewsServer::CheckAdmin(const http::Request& req) const {
  if (writer_ == nullptr) {
    return absl::PermissionDeniedError(
        "writes are disabled; start newsdexd with --admin-token or --admin-token-file");
  }
  const absl::string_view auth = req.Header("authorization");
  // RFC 9110 section 11.1: the scheme name is case-insensitive.
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(auth, kBearer)) {
    return absl::UnauthenticatedError("missing \"Authorization: Bearer <token>\" header");
  }
  if (!SameToken(absl::string_view(auth).substr(kBearer.size()), options_.admin_token)) {
    return absl::UnauthenticatedError("wrong admin token");
  }
  return absl::OkStatus();
}

namespace {

void SendWriteResult(http::Response& res, const WriteResult& result) {
  const nlohmann::ordered_json body = {{"added", result.added},
                                       {"replaced", result.replaced},
                                       {"unchanged", result.unchanged},
                                       {"deleted", result.deleted},
                                       {"ids", result.ids}};
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

void NewsServer::HandlePostArticles(const http::Request& req, absl::string_view,
                                    http::Response& res) {
  // Checked again although CheckHead refused a bad token before the body: a
  // request whose body came in the same read as its head skips nothing here.
  absl::Status admin = CheckAdmin(req);
  if (!admin.ok()) return SendStatus(res, admin);
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  absl::StatusOr<WriteResult> result =
      writer_->AddJsonLines(req.body, options_.max_article_bytes);
  if (!result.ok()) return SendStatus(res, ExplainLock(result.status()));
  watcher_->Bump();  // readers reopen before their next request
  SendWriteResult(res, *result);
}

void NewsServer::HandleDeleteArticle(const http::Request& req, absl::string_view id,
                                     http::Response& res) {
  absl::Status admin = CheckAdmin(req);
  if (!admin.ok()) return SendStatus(res, admin);
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  if (absl::Status valid = CheckPathId(id); !valid.ok()) return SendStatus(res, valid);
  absl::StatusOr<WriteResult> result = writer_->Delete(id);
  if (!result.ok()) return SendStatus(res, ExplainLock(result.status()));
  watcher_->Bump();
  SendWriteResult(res, *result);
}

namespace {

// An HTML answer: the page, its status, and the headers that forbid inline
// script (server/search_page.h).
void SendPage(http::Response& res, int status, std::string page) {
  res.status = status;
  for (const auto& [name, value] : PageSecurityHeaders()) res.set_header(name, value);
  res.set_content(std::move(page), kHtmlContentType);
}

void SendErrorPage(http::Response& res, const absl::Status& status) {
  const int http = HttpStatusFor(status);
  // A 500's message may describe internals; the log has it.
  SendPage(res, http, RenderErrorPage(http, http >= 500 && http != 503
                                                ? "The server failed to answer this request."
                                                : status.message()));
}

// A rendered page, or the error page when rendering failed (a broken
// template: logged).
void SendRendered(http::Response& res, absl::StatusOr<std::string> page) {
  if (!page.ok()) {
    NEWSDEX_LOG(ERROR) << "rendering a page: " << page.status();
    return SendErrorPage(res, page.status());
  }
  SendPage(res, 200, *std::move(page));
}

}  // namespace

void NewsServer::HandleSearchPage(const http::Request& req, absl::string_view,
                                  http::Response& res) {
  absl::StatusOr<query::SearchRequest> request =
      ParsePageParams(req.params, options_.search_time_limit);
  if (!request.ok()) return SendErrorPage(res, request.status());
  absl::StatusOr<query::SearchResponse> response =
      WithSearcher([&](query::Searcher& s) { return s.Search(*request); });
  if (!response.ok()) return SendErrorPage(res, response.status());
  if (response->timed_out) metrics_.RecordTimeLimitHit();
  SendRendered(res, RenderSearchPage(*request, *response, *options_.searcher.resolver));
}

void NewsServer::HandleArticlePage(const http::Request& req, absl::string_view id,
                                   http::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendErrorPage(res, params);
  struct Found {
    core::Article article;
    std::vector<query::Hit> related;
  };
  absl::StatusOr<Found> found = WithSearcher([&](query::Searcher& s) -> absl::StatusOr<Found> {
        NEWSDEX_ASSIGN_OR_RETURN(core::Article article, s.GetArticle(id));
        NEWSDEX_ASSIGN_OR_RETURN(std::vector<query::Hit> related,
                                 s.Related(id, kRelatedOnArticlePage));
        return Found{std::move(article), std::move(related)};
      });
  if (!found.ok()) return SendErrorPage(res, found.status());
  SendRendered(res, RenderArticlePage(found->article, found->related));
}

void NewsServer::HandleStatic(const http::Request& req, absl::string_view file,
                              http::Response& res) {
  absl::Status params = RejectParams(req.params);
  if (!params.ok()) return SendStatus(res, params);
  const WebAsset* asset = FindWebAsset(absl::StrCat("static/", file));
  if (asset == nullptr) {
    return SendError(res, 404, "not_found",
                     absl::StrCat("no static file \"", file.substr(0, 64), "\""));
  }
  // Pages link to "?_v=<version>": that address always holds these bytes,
  // so browsers may keep it for good; any other is revalidated each time.
  auto v = req.params.find("_v");
  const bool versioned = v != req.params.end() && v->second == asset->version;
  res.set_header("Cache-Control",
                 versioned ? "public, max-age=31536000, immutable" : "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(std::string(asset->content), ContentTypeFor(asset->name));
}

}  // namespace newsdex::server

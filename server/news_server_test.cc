// End-to-end tests of the HTTP API: the real NewsServer on a free loopback
// port, a glass index written by the indexer's code, requests over real
// sockets with httplib::Client, every JSON answer checked against
// docs/openapi.yaml.
#include "server/news_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/article.h"
#include "indexer/index_writer.h"
#include "server/openapi_validator.h"
#include "server/server_test_util.h"

namespace newsdex::server {
namespace {

using Json = nlohmann::json;
using testing::MakeArticles;
using testing::RunningServer;
using testing::TempDir;

constexpr int kArticles = 60;

class NewsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    db_ = dir_.path() + "/db";
    articles_ = MakeArticles(0, kArticles);
    ASSERT_TRUE(testing::WriteArticles(db_, articles_).ok());
    absl::StatusOr<OpenApiValidator> v = OpenApiValidator::Load(testing::OpenApiPath());
    ASSERT_TRUE(v.ok()) << v.status();
    validator_ = std::make_unique<OpenApiValidator>(*std::move(v));
  }

  void StartServer(ServerOptions options = {}) {
    options.db_path = db_;
    // More serving threads than the busiest test has concurrent requests, so
    // none of them waits for a thread.
    options.threads = 8;
    absl::StatusOr<std::unique_ptr<RunningServer>> s = RunningServer::Start(options);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(std::chrono::seconds(10));
    return c;
  }

  // GETs `target`, checks the answer against the OpenAPI file and returns the
  // parsed body (null for non-JSON).
  Json Get(const std::string& target, int want_status) {
    httplib::Client c = Client();
    httplib::Result r = c.Get(target.c_str());
    EXPECT_TRUE(r) << target << ": " << httplib::to_string(r.error());
    if (!r) return nullptr;
    EXPECT_EQ(r->status, want_status) << target << ": " << r->body;
    Check("GET", target, r->status, r->body);
    Json body = Json::parse(r->body, nullptr, false);
    return body.is_discarded() ? Json(nullptr) : body;
  }

  void Check(const std::string& method, const std::string& target, int status,
             const std::string& body) {
    const std::string path = target.substr(0, target.find('?'));
    absl::Status valid = validator_->ValidateResponse(method, path, status, body);
    if (valid.code() == absl::StatusCode::kNotFound && status >= 400) {
      // Undocumented paths and methods still answer the documented Error shape.
      Json value = Json::parse(body, nullptr, false);
      valid = validator_->ValidateValue(Json{{"$ref", "#/components/schemas/Error"}}, value);
    }
    EXPECT_TRUE(valid.ok()) << method << " " << target << ": " << valid << "\n" << body;
  }

  int CountIf(const std::function<bool(const core::Article&)>& pred) const {
    int n = 0;
    for (const core::Article& a : articles_) n += pred(a) ? 1 : 0;
    return n;
  }

  TempDir dir_;
  std::string db_;
  std::vector<core::Article> articles_;
  std::unique_ptr<OpenApiValidator> validator_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(NewsServerTest, SearchReturnsHitsFacetsAndHistogram) {
  StartServer();
  const int oil = CountIf([](const core::Article& a) { return absl::StrContains(a.title, "oil"); });
  ASSERT_GT(oil, 0);
  Json r = Get("/search?q=oil&facets=actor,country&facets=date&limit=5", 200);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["total"], oil);
  EXPECT_TRUE(r["total_exact"]);
  EXPECT_EQ(r["hits"].size(), 5u);
  for (const Json& hit : r["hits"]) {
    EXPECT_TRUE(absl::StrContains(hit["title"].get<std::string>(), "oil")) << hit;
  }
  EXPECT_TRUE(r["facets"].contains("actor"));
  EXPECT_TRUE(r["facets"].contains("country"));
  EXPECT_TRUE(r["dates"].is_object());
  // Every article mentions Iran.
  bool iran = false;
  for (const Json& v : r["facets"]["country"]["values"]) {
    if (v["value"] == "ir") {
      iran = true;
      EXPECT_EQ(v["count"], oil);
    }
  }
  EXPECT_TRUE(iran) << r["facets"];
}

TEST_F(NewsServerTest, FiltersAndPaging) {
  StartServer();
  const int evens = CountIf([](const core::Article& a) { return !a.actors.empty(); });
  Json r = Get("/search?actor=ali%20khamenei&limit=0&exact_total=true", 200);
  EXPECT_EQ(r["total"], evens);
  EXPECT_TRUE(r["hits"].empty());
  const int french_about = CountIf([](const core::Article& a) { return a.language == "fr"; });
  r = Get("/search?lang=fr&about=fr&exact_total=true&limit=100", 200);
  EXPECT_EQ(r["total"], french_about);
  EXPECT_EQ(r["hits"].size(), static_cast<size_t>(french_about));
  const int march = CountIf([](const core::Article& a) {
    return a.date && a.date->month() == 3;
  });
  r = Get("/search?from=2025-03-01&to=2025-03-31&exact_total=true&sort=newest", 200);
  EXPECT_EQ(r["total"], march);
  // Paging: page 2 continues page 1.
  Json p1 = Get("/search?q=talks&limit=3&offset=0", 200);
  Json p2 = Get("/search?q=talks&limit=3&offset=3", 200);
  ASSERT_EQ(p1["hits"].size(), 3u);
  ASSERT_FALSE(p2["hits"].empty());
  EXPECT_EQ(p2["hits"][0]["rank"], 3);
  EXPECT_NE(p1["hits"][0]["id"], p2["hits"][0]["id"]);
}

TEST_F(NewsServerTest, ArticleRelatedAndFacetValues) {
  StartServer();
  Json a = Get("/articles/a8", 200);
  EXPECT_EQ(a["id"], "a8");
  EXPECT_EQ(a["title"], articles_[8].title);
  EXPECT_EQ(a["actors"].size(), 1u);
  EXPECT_EQ(a["actors"][0]["name"], "Ali Khamenei");
  Json missing = Get("/articles/nope", 404);
  EXPECT_EQ(missing["error"], "not_found");

  Json related = Get("/articles/a5/related?limit=3", 200);
  ASSERT_FALSE(related["hits"].empty());
  EXPECT_LE(related["hits"].size(), 3u);
  for (const Json& h : related["hits"]) EXPECT_NE(h["id"], "a5");
  Get("/articles/nope/related", 404);
  Json bad = Get("/articles/a5/related?limit=1000", 400);
  EXPECT_EQ(bad["parameter"], "limit");

  const int evens = CountIf([](const core::Article& x) { return !x.actors.empty(); });
  Json f = Get("/facets/actor?prefix=Kham", 200);
  ASSERT_EQ(f["values"].size(), 1u) << f;
  EXPECT_EQ(f["values"][0]["name"], "Ali Khamenei");
  EXPECT_EQ(f["values"][0]["count"], evens);
  Json unknown = Get("/facets/planet?prefix=x", 404);
  EXPECT_EQ(unknown["error"], "not_found");
}

TEST_F(NewsServerTest, HealthStatsAndMetrics) {
  StartServer();
  Json h = Get("/health", 200);
  EXPECT_EQ(h["status"], "ok");
  Json s = Get("/stats", 200);
  EXPECT_EQ(s["documents"], kArticles);
  EXPECT_FALSE(s["server"]["writes_enabled"]);
  Get("/search?q=oil", 200);
  Get("/search?limit=1000", 400);
  httplib::Client c = Client();
  httplib::Result m = c.Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_TRUE(absl::StartsWith(m->get_header_value("Content-Type"), "text/plain"));
  EXPECT_TRUE(absl::StrContains(m->body,
                                "newsdex_http_requests_total{route=\"search\",code=\"200\"} 1\n"))
      << m->body;
  EXPECT_TRUE(absl::StrContains(m->body,
                                "newsdex_http_requests_total{route=\"search\",code=\"400\"} 1\n"));
  EXPECT_TRUE(absl::StrContains(m->body, "newsdex_http_request_duration_seconds_bucket"));
  EXPECT_TRUE(absl::StrContains(m->body, "newsdex_index_reopens_total"));
  EXPECT_EQ(server_->server().metrics().requests(Route::kStats, 200), 1u);
}

TEST_F(NewsServerTest, BadRequestsAnswerJsonErrors) {
  StartServer();
  struct Case {
    std::string target;
    int status;
    const char* error;
    const char* parameter;  // "" = none expected
  };
  const Case cases[] = {
      {"/search?limit=101", 400, "invalid_parameter", "limit"},
      {"/search?limit=abc", 400, "invalid_parameter", "limit"},
      {"/search?from=2025-13-01", 400, "invalid_parameter", "from"},
      {"/search?q=%FF%FE", 400, "invalid_parameter", "q"},
      {"/search?sort=sideways", 400, "invalid_parameter", "sort"},
      {"/search?facets=planet", 400, "invalid_parameter", "facets"},
      {"/search?bogus=1", 400, "invalid_parameter", "bogus"},
      {"/search?q=" + std::string(3000, 'x'), 400, "invalid_parameter", "q"},
      {"/search?q=" + std::string(40, '(') + "x" + std::string(40, ')'), 400,
       "invalid_parameter", "q"},
      {"/nowhere", 404, "not_found", ""},
      {"/search/extra", 404, "not_found", ""},
      {"/health?verbose=1", 400, "invalid_parameter", "verbose"},
  };
  for (const Case& c : cases) {
    Json r = Get(c.target, c.status);
    ASSERT_TRUE(r.is_object()) << c.target;
    EXPECT_EQ(r["error"], c.error) << c.target << " " << r;
    if (*c.parameter) {
      EXPECT_EQ(r["parameter"], c.parameter) << c.target;
    }
    EXPECT_TRUE(r["detail"].is_string());
  }
  // A query that does not parse names q.
  Json r = Get("/search?q=%22unterminated%20AND%20(oil", 400);
  if (r.is_object()) {
    EXPECT_EQ(r["parameter"], "q") << r;
  }

  // A URL beyond the request-line limit (8 KiB): 413 with our JSON body.
  httplib::Client c = Client();
  httplib::Result big = c.Get(("/search?q=" + std::string(10000, 'a')).c_str());
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_TRUE(Json::parse(big->body, nullptr, false).is_object()) << big->body;

  // Wrong method on a known path.
  httplib::Result put = c.Put("/search", "x", "text/plain");
  ASSERT_TRUE(put);
  EXPECT_GE(put->status, 400);
  EXPECT_LT(put->status, 500);
}

// The route table: each path answers its methods, OPTIONS lists them, other
// methods get 405 with the same list, and each answer is counted under its
// route.
TEST_F(NewsServerTest, RoutesAnswerTheirMethodsAndListThemInAllow) {
  StartServer();
  struct Case {
    const char* method;
    const char* target;
    int status;
    const char* allow;  // "" = no Allow field
    Route route;
  };
  const Case cases[] = {
      {"OPTIONS", "/search", 204, "GET, HEAD, OPTIONS", Route::kOptions},
      {"OPTIONS", "/articles", 204, "POST, OPTIONS", Route::kOptions},
      {"OPTIONS", "/articles/a1", 204, "GET, HEAD, DELETE, OPTIONS", Route::kOptions},
      {"OPTIONS", "/articles/a1/related", 204, "GET, HEAD, OPTIONS", Route::kOptions},
      {"OPTIONS", "/facets/actor", 204, "GET, HEAD, OPTIONS", Route::kOptions},
      {"OPTIONS", "/nowhere", 404, "", Route::kOther},
      {"PUT", "/search", 405, "GET, HEAD, OPTIONS", Route::kSearch},
      {"get", "/search", 405, "GET, HEAD, OPTIONS", Route::kSearch},
      {"POST", "/stats", 405, "GET, HEAD, OPTIONS", Route::kStats},
      {"GET", "/articles", 405, "POST, OPTIONS", Route::kArticlesPost},
      {"HEAD", "/articles", 405, "POST, OPTIONS", Route::kArticlesPost},
      {"POST", "/articles/a1", 405, "GET, HEAD, DELETE, OPTIONS", Route::kArticle},
      {"DELETE", "/articles/a1/related", 405, "GET, HEAD, OPTIONS", Route::kRelated},
      {"DELETE", "/facets/actor", 405, "GET, HEAD, OPTIONS", Route::kFacets},
      {"HEAD", "/health", 200, "", Route::kHealth},
      {"GET", "/metrics", 200, "", Route::kMetrics},
      {"GET", "/articles/a1/related", 200, "", Route::kRelated},
      {"GET", "/articles/a1", 200, "", Route::kArticle},
      {"DELETE", "/articles/a1", 403, "", Route::kArticlesDelete},
      {"GET", "/articles//related", 404, "", Route::kArticle},  // the id "/related"
      {"GET", "/articles/%FF", 400, "", Route::kArticle},
      {"GET", "/articles/", 404, "", Route::kOther},
      {"GET", "/facets/", 404, "", Route::kOther},
      {"GET", "/search/", 404, "", Route::kOther},
  };
  for (const Case& c : cases) {
    const uint64_t before = server_->server().metrics().requests(c.route, c.status);
    absl::StatusOr<std::string> raw = testing::RawExchange(
        server_->port(),
        absl::StrCat(c.method, " ", c.target, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        absl::Seconds(10));
    ASSERT_TRUE(raw.ok()) << raw.status();
    EXPECT_EQ(testing::RawStatus(*raw), c.status) << c.method << " " << c.target << "\n" << *raw;
    const std::string head = raw->substr(0, raw->find("\r\n\r\n") + 2);
    const size_t allow_at = head.find("\r\nAllow: ");
    const std::string allow =
        allow_at == std::string::npos
            ? ""
            : head.substr(allow_at + 9, head.find("\r\n", allow_at + 2) - allow_at - 9);
    EXPECT_EQ(allow, c.allow) << c.method << " " << c.target;
    EXPECT_EQ(server_->server().metrics().requests(c.route, c.status), before + 1)
        << c.method << " " << c.target << " not counted under route " << RouteName(c.route);
  }
}

// /stats is the query library's object, in its key order, with the daemon's
// "server" member last, rendered compactly.
TEST_F(NewsServerTest, StatsKeepTheLibraryKeyOrderWithServerLast) {
  StartServer();
  httplib::Client c = Client();
  httplib::Result r = c.Get("/stats");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const nlohmann::ordered_json body = nlohmann::ordered_json::parse(r->body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << r->body;
  std::vector<std::string> keys, server_keys;
  for (const auto& [key, value] : body.items()) keys.push_back(key);
  for (const auto& [key, value] : body["server"].items()) server_keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"documents", "last_update", "first_date", "last_date",
                                            "facet_cardinalities", "server"}));
  EXPECT_EQ(server_keys,
            (std::vector<std::string>{"uptime_seconds", "threads", "writes_enabled", "reopens"}));
  EXPECT_EQ(r->body, body.dump());
  EXPECT_EQ(body["server"]["threads"], 8);
}

TEST_F(NewsServerTest, GzipWhenAcceptedAndCorsWhenConfigured) {
  ServerOptions options;
  options.cors_origin = "https://archive.example";
  StartServer(options);
  httplib::Client c = Client();
  c.set_decompress(false);
  httplib::Result r = c.Get("/search?q=oil&limit=20", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Encoding"), "gzip");
  ASSERT_GE(r->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(r->body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(r->body[1]), 0x8b);
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "https://archive.example");

  httplib::Result plain = c.Get("/search?q=oil&limit=20");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));
  EXPECT_TRUE(Json::parse(plain->body, nullptr, false).is_object());

  httplib::Result preflight = c.Options("/search");
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
  EXPECT_TRUE(preflight->has_header("Access-Control-Allow-Methods"));
}

TEST_F(NewsServerTest, TimeLimitReturnsPartialResultsFlagged) {
  ServerOptions options;
  options.search_time_limit = absl::Nanoseconds(1);
  StartServer(options);
  // Without facets nothing forces exact counting: a search that outlasts the
  // limit is flagged (docs/api.md, "timed_out").
  Json r = Get("/search?q=talks", 200);
  EXPECT_TRUE(r["timed_out"]) << r;
  EXPECT_EQ(server_->server().metrics().requests(Route::kSearch, 200), 1u);
}

TEST_F(NewsServerTest, WritesAreOffByDefault) {
  StartServer();
  httplib::Client c = Client();
  c.set_bearer_token_auth("anything");
  httplib::Result post =
      c.Post("/articles", testing::ArticleJsonLine(MakeArticles(500, 1)[0]), "application/x-ndjson");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 403);
  Check("POST", "/articles", post->status, post->body);
  httplib::Result del = c.Delete("/articles/a1");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 403);
  Get("/articles/a1", 200);
}

TEST_F(NewsServerTest, WritesNeedTheTokenAndAreServedAtOnce) {
  ServerOptions options;
  options.admin_token = "s3cret";
  StartServer(options);
  const std::vector<core::Article> fresh = MakeArticles(1000, 3);
  std::string body;
  for (const core::Article& a : fresh) body += testing::ArticleJsonLine(a) + "\n";

  httplib::Client anon = Client();
  httplib::Result r = anon.Post("/articles", body, "application/x-ndjson");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  Check("POST", "/articles", r->status, r->body);
  httplib::Client wrong = Client();
  wrong.set_bearer_token_auth("s3cret!");
  r = wrong.Post("/articles", body, "application/x-ndjson");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  Get("/search?q=marker1000", 200);  // not written
  EXPECT_EQ(Get("/search?q=marker1000", 200)["total"], 0);

  httplib::Client admin = Client();
  admin.set_bearer_token_auth("s3cret");
  r = admin.Post("/articles", body, "application/x-ndjson");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  Check("POST", "/articles", r->status, r->body);
  Json written = Json::parse(r->body);
  EXPECT_EQ(written["added"], 3);
  EXPECT_EQ(written["ids"], Json({"a1000", "a1001", "a1002"}));
  // The write bumps the readers: the next request sees it.
  EXPECT_EQ(Get("/search?q=marker1001", 200)["total"], 1);
  EXPECT_EQ(Get("/articles/a1002", 200)["title"], fresh[2].title);

  // Bodies above 8 KiB sent as form data (curl -d) are accepted too.
  std::string big;
  for (const core::Article& a : MakeArticles(1100, 60)) big += testing::ArticleJsonLine(a) + "\n";
  ASSERT_GT(big.size(), 8192u);
  r = admin.Post("/articles", big, "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Get("/search?q=marker1159", 200)["total"], 1);

  // A bad record fails the whole body and names its line.
  r = admin.Post("/articles", body + "{\"id\": 5, \"title\": [1]}\n", "application/x-ndjson");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  Check("POST", "/articles", r->status, r->body);
  EXPECT_TRUE(absl::StrContains(r->body, "body:4")) << r->body;

  r = admin.Delete("/articles/a1001");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  Check("DELETE", "/articles/a1001", r->status, r->body);
  Get("/articles/a1001", 404);
  r = admin.Delete("/articles/a1001");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
}

// One id limit at every entrance: a write of a longer id is refused naming
// the limit, so every stored id can be read and deleted by its path; a longer
// id in a path is a 400 that names the limit, not a 404 or a 413.
TEST_F(NewsServerTest, IdsOverTheLimitAreRefusedAtEveryEntrance) {
  ServerOptions options;
  options.admin_token = "s3cret";
  StartServer(options);
  httplib::Client admin = Client();
  // The scheme name is case-insensitive (RFC 9110 section 11.1).
  admin.set_default_headers({{"Authorization", "bearer s3cret"}});
  const std::string longest(core::kMaxIdBytes, 'k');
  const std::string too_long(core::kMaxIdBytes + 1, 'k');
  auto line = [](const std::string& id) {
    return absl::StrCat("{\"id\": \"", id, "\", \"title\": \"Long id\", \"body\": \"idmarker\"}\n");
  };
  httplib::Result r = admin.Post("/articles", line(too_long), "application/x-ndjson");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_TRUE(absl::StrContains(r->body, "limit of 1024 bytes")) << r->body;
  EXPECT_TRUE(absl::StrContains(r->body, "body:1")) << r->body;

  r = admin.Post("/articles", line(longest), "application/x-ndjson");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(Get("/articles/" + longest, 200)["id"], longest);
  Get("/articles/" + longest + "/related", 200);

  for (const char* method : {"GET", "DELETE"}) {
    httplib::Request req;
    req.method = method;
    req.path = "/articles/" + too_long;
    httplib::Result got = admin.send(req);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, 400) << method << " " << got->body;
    EXPECT_TRUE(absl::StrContains(got->body, "limit of 1024 bytes")) << got->body;
  }
  r = admin.Delete("/articles/" + longest);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  Get("/articles/" + longest, 404);
}

TEST_F(NewsServerTest, WriteAnswers503WhileAnotherWriterHoldsTheLock) {
  ServerOptions options;
  options.admin_token = "t";
  StartServer(options);
  absl::StatusOr<std::unique_ptr<indexer::IndexWriter>> holder =
      indexer::IndexWriter::Open(db_, indexer::WriterOptions());
  ASSERT_TRUE(holder.ok()) << holder.status();
  httplib::Client admin = Client();
  admin.set_bearer_token_auth("t");
  httplib::Result r = admin.Post("/articles", testing::ArticleJsonLine(MakeArticles(2000, 1)[0]),
                                 "application/x-ndjson");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  Check("POST", "/articles", r->status, r->body);
  EXPECT_TRUE(absl::StrContains(r->body, "newsdex-index")) << r->body;
  // Reads are unaffected.
  Get("/search?q=oil", 200);
  holder->reset();
  r = admin.Post("/articles", testing::ArticleJsonLine(MakeArticles(2000, 1)[0]),
                 "application/x-ndjson");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
}

// Live index: a writer commits batches while four clients query; no request
// fails and each batch is served within a second.
TEST_F(NewsServerTest, LiveReopenUnderConcurrentQueries) {
  StartServer();
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", server_->port());
      c.set_keep_alive(true);
      const char* targets[] = {"/search?q=talks&facets=actor,country,date",
                               "/search?q=oil&sort=newest", "/articles/a3", "/facets/country"};
      int i = 0;
      while (!done.load()) {
        httplib::Result r = c.Get(targets[(t + i++) % 4]);
        if (r && r->status == 200) {
          ok.fetch_add(1);
        } else {
          failed.fetch_add(1);
          ADD_FAILURE() << "request failed: "
                        << (r ? absl::StrCat(r->status, " ", r->body) : httplib::to_string(r.error()));
        }
      }
    });
  }
  absl::Duration worst = absl::ZeroDuration();
  const int kBatches = 8, kPerBatch = 5;
  for (int b = 0; b < kBatches; ++b) {
    const int first = 3000 + b * kPerBatch;
    ASSERT_TRUE(testing::WriteArticles(db_, MakeArticles(first, kPerBatch)).ok());
    const absl::Time committed = absl::Now();
    httplib::Client c("127.0.0.1", server_->port());
    const std::string target = absl::StrCat("/search?q=marker", first + kPerBatch - 1);
    bool seen = false;
    while (!seen && absl::Now() - committed < absl::Seconds(1)) {
      httplib::Result r = c.Get(target.c_str());
      ASSERT_TRUE(r);
      seen = Json::parse(r->body)["total"] == 1;
    }
    worst = std::max(worst, absl::Now() - committed);
    EXPECT_TRUE(seen) << "batch " << b << " not served within 1 s";
  }
  done.store(true);
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(ok.load(), 0);
  EXPECT_GT(server_->server().metrics().reopens(), 0u);
  std::cout << "live reopen: " << ok.load() << " queries ok, " << failed.load()
            << " failed; slowest batch visible after " << worst << "\n";
  Json s = Get("/stats", 200);
  EXPECT_EQ(s["documents"], kArticles + kBatches * kPerBatch);
}

TEST_F(NewsServerTest, SearchLimitQueuesConcurrentRequestsAndAnswersAll) {
  ServerOptions options;
  options.max_concurrent_searches = 1;
  StartServer(options);
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client c = Client();
      c.set_keep_alive(true);
      const char* targets[] = {"/search?q=talks&facets=actor,country,date", "/articles/a3",
                               "/articles/a3/related", "/facets/country"};
      for (int i = 0; i < 40; ++i) {
        httplib::Result r = c.Get(targets[(t + i) % 4]);
        ASSERT_TRUE(r) << httplib::to_string(r.error());
        EXPECT_EQ(r->status, 200) << r->body;
        if (r->status == 200) ok.fetch_add(1);
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(ok.load(), 160);
  const Json body = Get("/search?q=talks&limit=3", 200);
  EXPECT_EQ(body["hits"].size(), 3u);
}

TEST_F(NewsServerTest, CreateFailsOnMissingIndex) {
  ServerOptions options;
  options.db_path = dir_.path() + "/does-not-exist";
  options.port = 0;
  options.access_log = "off";
  absl::StatusOr<std::unique_ptr<NewsServer>> s = NewsServer::Create(options);
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace newsdex::server

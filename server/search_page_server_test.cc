// End-to-end tests of the search site (server/search_page.h) over real
// sockets: routes, content negotiation on /search, security headers, static
// files, error pages, escaping of a hostile stored article, and a crawl that
// follows every link of a page. The browser tests (tests/browser/) drive the
// same pages in Chromium.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "server/news_server.h"
#include "server/server_test_util.h"
#include "server/web_assets.h"

namespace newsdex::server {
namespace {

using Json = nlohmann::json;
using testing::RunningServer;
using testing::TempDir;

constexpr char kBrowserAccept[] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
constexpr char kHostile[] =
    "<script>window.pwned=1</script>\"><img src=x onerror=\"window.pwned=2\">";

class SearchPageServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    std::vector<core::Article> articles = testing::MakeArticles(0, 30);
    core::Article hostile = articles[0];
    hostile.id = "hostile\"<1>";
    hostile.title = kHostile;
    hostile.body = absl::StrCat("hostilemarker ", kHostile, " \xE2\x80\xAE reversed");
    hostile.url = "javascript:window.pwned=3";
    hostile.actors = {{"<img src=x onerror=alert(1)>", 1, "", ""}};
    articles.push_back(hostile);
    ASSERT_TRUE(testing::WriteArticles(dir_.path() + "/db", articles).ok());
    ServerOptions options;
    options.db_path = dir_.path() + "/db";
    options.threads = 4;
    absl::StatusOr<std::unique_ptr<RunningServer>> s = RunningServer::Start(options);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }

  httplib::Result Get(const std::string& target, const char* accept = kBrowserAccept) {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(std::chrono::seconds(10));
    httplib::Headers headers;
    if (accept != nullptr) headers.emplace("Accept", accept);
    return c.Get(target.c_str(), headers);
  }

  TempDir dir_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(SearchPageServerTest, PagesAreHtmlWithAPolicyAgainstInlineScript) {
  for (const char* target : {"/", "/?q=oil", "/search?q=oil", "/article/a1"}) {
    httplib::Result r = Get(target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 200) << target << ": " << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8") << target;
    const std::string csp = r->get_header_value("Content-Security-Policy");
    EXPECT_TRUE(absl::StrContains(csp, "script-src 'self'")) << target << ": " << csp;
    EXPECT_FALSE(absl::StrContains(csp, "unsafe-inline")) << target;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << target;
    EXPECT_TRUE(absl::StartsWith(r->body, "<!DOCTYPE html>")) << target;
  }
}

TEST_F(SearchPageServerTest, SearchAnswersJsonUnlessTheClientPrefersHtml) {
  for (const char* accept : {static_cast<const char*>(nullptr), "*/*", "application/json"}) {
    httplib::Result r = Get("/search?q=oil", accept);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/json")
        << (accept ? accept : "no Accept");
    EXPECT_EQ(r->get_header_value("Vary"), "Accept");
  }
  httplib::Result r = Get("/search?q=oil");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Vary"), "Accept");
  EXPECT_TRUE(absl::StrContains(r->body, "Results for <q>oil</q>"));
}

TEST_F(SearchPageServerTest, PageTotalsMatchTheJsonApi) {
  for (const char* filters : {"q=oil", "country=gb", "country=gb&country=fr", "lang=fr&q=talks"}) {
    httplib::Result json = Get(absl::StrCat("/search?facets=country&", filters), "*/*");
    ASSERT_TRUE(json && json->status == 200) << filters;
    const uint64_t total = Json::parse(json->body)["total"].get<uint64_t>();
    httplib::Result page = Get(absl::StrCat("/?", filters));
    ASSERT_TRUE(page && page->status == 200) << filters;
    EXPECT_TRUE(
        absl::StrContains(page->body, absl::StrCat("<span class=\"count\">", total, " article")))
        << filters;
  }
}

TEST_F(SearchPageServerTest, ErrorsArePagesWithTheRightStatus) {
  struct Row {
    const char* target;
    int status;
    const char* says;
  };
  static const Row kRows[] = {
      {"/?from=1987-13-01", 400, "parameter &quot;from&quot;"},
      {"/?bogus=1", 400, "unknown parameter"},
      {"/article/no-such-article", 404, "Not found"},
      {"/article/a1?bogus=1", 400, "unknown parameter"},
  };
  for (const Row& row : kRows) {
    httplib::Result r = Get(row.target);
    ASSERT_TRUE(r) << row.target;
    EXPECT_EQ(r->status, row.status) << row.target;
    EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8") << row.target;
    EXPECT_TRUE(absl::StrContains(r->body, row.says)) << row.target << ": " << r->body;
  }
}

TEST_F(SearchPageServerTest, StaticFilesAreCachedByVersion) {
  const WebAsset* css = FindWebAsset("static/app.css");
  ASSERT_NE(css, nullptr);
  httplib::Result r = Get(absl::StrCat("/static/app.css?_v=", css->version));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, css->content);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  r = Get("/static/app.css?_v=stale");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  r = Get("/static/app.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  r = Get("/static/../news_server.cc");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  r = Get("/static/app.css?x=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(SearchPageServerTest, HostileArticleRendersAsText) {
  for (const char* target : {"/?q=hostilemarker", "/article/hostile%22%3C1%3E"}) {
    httplib::Result r = Get(target);
    ASSERT_TRUE(r) << target;
    ASSERT_EQ(r->status, 200) << target;
    EXPECT_FALSE(absl::StrContains(r->body, "<script>window")) << target;
    EXPECT_FALSE(absl::StrContains(r->body, "<img")) << target;
    EXPECT_FALSE(absl::StrContains(r->body, "href=\"javascript:")) << target;
    EXPECT_TRUE(absl::StrContains(r->body, "&lt;script&gt;window.pwned=1")) << target;
  }
}

// Every link on a page answers 200: the page's URLs round-trip through the
// parameter checks, and the article links through the router.
TEST_F(SearchPageServerTest, EveryLinkOfAPageAnswers) {
  const std::string start = "/?q=talks&country=ir&sort=newest";
  httplib::Result r = Get(start);
  ASSERT_TRUE(r && r->status == 200);
  std::set<std::string> targets;
  for (size_t at = r->body.find("href=\""); at != std::string::npos;
       at = r->body.find("href=\"", at + 1)) {
    const size_t begin = at + 6;
    std::string href = r->body.substr(begin, r->body.find('"', begin) - begin);
    if (href.empty() || href[0] != '/' || absl::StartsWith(href, "//")) continue;
    targets.insert(absl::StrReplaceAll(href, {{"&amp;", "&"}}));
  }
  ASSERT_GT(targets.size(), 20u) << r->body;
  for (const std::string& target : targets) {
    httplib::Result linked = Get(target);
    ASSERT_TRUE(linked) << target;
    EXPECT_EQ(linked->status, 200) << target << ": " << linked->body.substr(0, 400);
  }
}

TEST_F(SearchPageServerTest, PagesAreCountedUnderTheirRoutes) {
  ASSERT_TRUE(Get("/"));
  ASSERT_TRUE(Get("/article/a1"));
  ASSERT_TRUE(Get("/static/app.js"));
  const Metrics& m = server_->server().metrics();
  EXPECT_TRUE(testing::WaitUntil([&] {
    return m.requests(Route::kPage, 200) == 1 && m.requests(Route::kArticlePage, 200) == 1 &&
           m.requests(Route::kStatic, 200) == 1;
  }));
}

}  // namespace
}  // namespace newsdex::server

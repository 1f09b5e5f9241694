#include "server/search_page.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace newsdex::server {
namespace {

using ::absl::StrContains;

// Text that must never reach a page unescaped.
constexpr char kHostile[] =
    "<script>window.pwned=1</script>\"><img src=x onerror=\"window.pwned=2\">'";

const query::FacetResolver& Resolver() {
  static const query::DefaultFacetResolver resolver;
  return resolver;
}

query::SearchRequest Request(const QueryParams& params) {
  absl::StatusOr<query::SearchRequest> request = ParsePageParams(params, absl::Seconds(2));
  EXPECT_TRUE(request.ok()) << request.status();
  return request.ok() ? *request : query::SearchRequest();
}

query::SearchResponse OneHitResponse() {
  query::SearchResponse response;
  response.total = 25;
  response.total_exact = true;
  response.total_lower = response.total_upper = 25;
  response.limit = 10;
  query::Hit hit;
  hit.id = "id/with?odd&chars";
  hit.title = kHostile;
  hit.date = absl::CivilDay(1987, 3, 2);
  hit.source = kHostile;
  hit.countries = {{"de", "<b>Germany</b>", 2, true}};
  hit.actors = {{"Ali <Khamenei>", 1, "ir", ""}};
  hit.snippet = "&lt;script&gt; and <b>nuclear</b> talks";  // escaped by the query library
  response.hits.push_back(hit);
  query::FacetCounts countries;
  countries.field = "country";
  countries.values = {{"de", "Germany", 12}, {"fr", kHostile, 7}};
  countries.distinct = 40;
  response.facets.push_back(countries);
  response.dates = query::DateHistogram{"month", {{"1987-03", 20}, {"1987-05", 5}}};
  return response;
}

std::string Page(const QueryParams& params, const query::SearchResponse& response) {
  absl::StatusOr<std::string> page = RenderSearchPage(Request(params), response, Resolver());
  EXPECT_TRUE(page.ok()) << page.status();
  return page.ok() ? *page : std::string();
}

TEST(SearchPageTest, UntrustedTextIsEscapedEverywhere) {
  const std::string page = Page({{"q", kHostile}}, OneHitResponse());
  EXPECT_FALSE(StrContains(page, "<script>window")) << page;
  EXPECT_FALSE(StrContains(page, "<img")) << page;
  EXPECT_FALSE(StrContains(page, "<b>Germany")) << page;
  EXPECT_TRUE(StrContains(page, "&lt;script&gt;window.pwned=1&lt;/script&gt;&quot;&gt;&lt;img"));
  // The search box holds the query as an attribute value.
  EXPECT_TRUE(StrContains(page, "value=\"&lt;script&gt;window.pwned=1"));
  // The snippet is already escaped HTML with highlights: written as it is.
  EXPECT_TRUE(StrContains(page, "&lt;script&gt; and <b>nuclear</b> talks"));
  // The only script is the daemon's own file.
  EXPECT_EQ(page.find("<script"), page.find("<script src=\"/static/app.js?_v="));
  EXPECT_EQ(page.find("<script", page.find("<script") + 1), std::string::npos);
}

TEST(SearchPageTest, LinksChangeOneThingAndEncodeValues) {
  const std::string page =
      Page({{"q", "oil & gas"}, {"country", "de"}, {"offset", "10"}}, OneHitResponse());
  // The article link encodes the id as one path segment.
  EXPECT_TRUE(StrContains(page, "href=\"/article/id%2Fwith%3Fodd%26chars\"")) << page;
  // Selected value: its link removes it (and the offset); another adds.
  EXPECT_TRUE(StrContains(page, "class=\"fv on\" href=\"/?q=oil%20%26%20gas\""));
  EXPECT_TRUE(StrContains(page, "href=\"/?q=oil%20%26%20gas&amp;country=de&amp;country=fr\""));
  // A person chip adds the actor as named.
  EXPECT_TRUE(StrContains(
      page, "href=\"/?q=oil%20%26%20gas&amp;country=de&amp;actor=Ali%20%3CKhamenei%3E\""));
  // Sort keeps the filters and goes back to the first page.
  EXPECT_TRUE(StrContains(page, "href=\"/?q=oil%20%26%20gas&amp;country=de&amp;sort=newest\""));
}

TEST(SearchPageTest, TimelineBarsNarrowToTheirBucketWithinTheDates) {
  const std::string page = Page({{"q", "oil"}, {"from", "1987-03-10"}}, OneHitResponse());
  // March is cut to the current range; April is empty (no link); May whole.
  EXPECT_TRUE(StrContains(page, "href=\"/?q=oil&amp;from=1987-03-10&amp;to=1987-03-31\"")) << page;
  EXPECT_TRUE(StrContains(page, "href=\"/?q=oil&amp;from=1987-05-01&amp;to=1987-05-31\""));
  EXPECT_TRUE(StrContains(page, "<title>Mar 1987: 20 articles</title>"));
  EXPECT_FALSE(StrContains(page, "Apr 1987:"));
  EXPECT_TRUE(StrContains(page, "viewBox=\"0 0 30 60\""));  // three slots, one empty
  EXPECT_TRUE(StrContains(page, "Published: 10 Mar 1987 – …"));
}

TEST(SearchPageTest, PagingShowsTheHonestTotal) {
  query::SearchResponse response = OneHitResponse();
  response.offset = 10;
  response.hits.resize(10, response.hits[0]);
  std::string page = Page({{"q", "oil"}, {"offset", "10"}}, response);
  EXPECT_TRUE(StrContains(page, "11–20</span> of <span class=\"count\">25 articles"));
  EXPECT_TRUE(StrContains(page, "rel=\"prev\" class=\"prev\" href=\"/?q=oil\""));
  EXPECT_TRUE(StrContains(page, "rel=\"next\" class=\"next\" href=\"/?q=oil&amp;offset=20\""));
  EXPECT_TRUE(StrContains(page, "Page 2 of 3"));

  response.total_exact = false;
  response.total_upper = 40;
  page = Page({{"q", "oil"}, {"offset", "10"}, {"collapse", "on"}}, response);
  EXPECT_TRUE(StrContains(page, "about 25 articles"));
  EXPECT_TRUE(StrContains(page, "Page 2 of about 3"));
}

TEST(SearchPageTest, SaysWhenNothingMatchesAndWhenTheQueryDidNotParse) {
  query::SearchResponse response;
  response.total_exact = true;
  response.suggestion = "nuclear";
  response.query_warning = "query:1: unbalanced parenthesis";
  const std::string page = Page({{"q", "(nucleer"}}, response);
  EXPECT_TRUE(StrContains(page, "No articles match."));
  EXPECT_TRUE(StrContains(page, "Did you mean <a href=\"/?q=nuclear\""));
  EXPECT_TRUE(StrContains(page, "could not be read as query syntax (query:1: unbalanced"));
}

TEST(SearchPageTest, PageParamsIgnoreBlankFieldsAndCountEveryFacet) {
  absl::StatusOr<query::SearchRequest> request = ParsePageParams(
      {{"q", "oil"}, {"actor", ""}, {"from", ""}, {"country", "de"}}, absl::Seconds(2));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_TRUE(request->actors.empty());
  EXPECT_FALSE(request->from.has_value());
  EXPECT_EQ(request->countries, std::vector<std::string>{"de"});
  EXPECT_EQ(request->facets,
            (std::vector<std::string>{"about", "country", "actor", "lang", "source", "date"}));
  EXPECT_TRUE(request->fallback_to_words);
  // Otherwise the API's rules and messages.
  EXPECT_EQ(ParsePageParams({{"bogus", "1"}}, absl::Seconds(2)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParsePageParams({{"from", "1987-13-01"}}, absl::Seconds(2)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ArticlePageTest, ShowsTheArticleAsTextAndOnlyWebLinksAsLinks) {
  core::Article article;
  article.id = "hostile-1";
  article.title = kHostile;
  article.body = absl::StrCat("First paragraph ", kHostile, "\nSecond one.");
  article.url = "javascript:window.pwned=3";
  article.source = "Reuters Wire";
  article.date = absl::CivilDay(1987, 3, 2);
  article.countries = {{"de", "Germany", 2, true}, {"fr", "France", 1, false}};
  article.actors = {{"Helmut <Kohl>", 1, "de", "Chancellor"}};
  article.mentioned_dates = {"1987-06"};
  query::Hit related;
  related.id = "r1";
  related.title = "Related <one>";
  absl::StatusOr<std::string> page = RenderArticlePage(article, {related});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_FALSE(StrContains(*page, "<script>window")) << *page;
  EXPECT_FALSE(StrContains(*page, "<img"));
  EXPECT_FALSE(StrContains(*page, "href=\"javascript:"));
  EXPECT_TRUE(StrContains(*page, "<span class=\"inert\">javascript:window.pwned=3</span>"));
  EXPECT_TRUE(StrContains(*page, "<p>Second one.</p>"));
  EXPECT_TRUE(StrContains(*page, "href=\"/?about=de\""));
  EXPECT_TRUE(StrContains(*page, "href=\"/?country=fr\""));
  EXPECT_TRUE(StrContains(*page, "href=\"/?actor=Helmut%20%3CKohl%3E\""));
  EXPECT_TRUE(StrContains(*page, "href=\"/?source=Reuters%20Wire\""));
  EXPECT_TRUE(StrContains(*page, "href=\"/?q=mentioned%3A1987-06\""));
  EXPECT_TRUE(StrContains(*page, "href=\"/?from=1987-03-02&amp;to=1987-03-02\""));
  EXPECT_TRUE(StrContains(*page, "<a href=\"/article/r1\">Related &lt;one&gt;</a>"));

  // A web address is a link, escaped for its attribute.
  article.url = "https://example.com/a?b=1&c=\"2\"";
  page = RenderArticlePage(article, {});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(
      StrContains(*page, "href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\" rel=\"noopener"));
}

TEST(ArticlePageTest, JoinsHardWrappedParagraphs) {
  struct Row {
    const char* body;
    const char* paragraphs;
  };
  static const Row kRows[] = {
      // One paragraph per line (plain text and JSON Lines readers).
      {"First one.\nSecond one.", "<p>First one.</p>\n<p>Second one.</p>"},
      // Reuters: wrapped lines, paragraphs marked by an indented first line.
      {"Showers continued in\nthe Bahia zone.\n    The dry period\nmeans a delay.\n    End.",
       "<p>Showers continued in the Bahia zone.</p>\n<p>The dry period means a delay.</p>\n"
       "<p>End.</p>"},
  };
  for (const Row& row : kRows) {
    core::Article article;
    article.id = "p";
    article.title = "t";
    article.body = row.body;
    absl::StatusOr<std::string> page = RenderArticlePage(article, {});
    ASSERT_TRUE(page.ok());
    EXPECT_TRUE(
        StrContains(*page, absl::StrCat("<div class=\"body\">\n", row.paragraphs, "\n</div>")))
        << row.body << "\n"
        << *page;
  }
}

TEST(ErrorPageTest, EscapesTheMessage) {
  const std::string page = RenderErrorPage(400, kHostile);
  EXPECT_TRUE(StrContains(page, "<h1>This request cannot be answered</h1>"));
  EXPECT_FALSE(StrContains(page, "<script>window"));
  EXPECT_TRUE(StrContains(page, "&lt;script&gt;window"));
}

}  // namespace
}  // namespace newsdex::server

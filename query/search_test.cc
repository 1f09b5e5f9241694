#include "query/search.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/document_builder.h"
#include "indexer/index_writer.h"
#include "query/facet_columns.h"
#include "query/resolver.h"
#include "query/test_index.h"

namespace newsdex::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using testing::MakeArticle;

std::vector<core::Article> NewsCorpus() {
  return {
      MakeArticle("n1", "Nuclear talks resume in Vienna",
                  "Iran and the United States resumed nuclear talks in Vienna on Monday. "
                  "Ali Khamenei said little.",
                  "2025-06-10", {"ir*", "us", "at"}, {"Ali Khamenei"}),
      MakeArticle("n2", "Oil prices rise",
                  "Oil prices rose after nuclear talks stalled. Traders in London watched Iran.",
                  "2025-07-02", {"gb", "ir"}, {}),
      MakeArticle("n3", "Israel strikes",
                  "Israel struck targets. Benjamin Netanyahu spoke about the nuclear programme of "
                  "Iran.",
                  "2025-08-20", {"il*", "ir"}, {"Benjamin Netanyahu", "Ali Khamenei"}, "en", "AP"),
      MakeArticle("n4", "Élections en France",
                  "Les électeurs français ont voté dimanche. Emmanuel Macron a parlé.",
                  "2025-06-15", {"fr*"}, {"Emmanuel Macron"}, "fr", "AFP"),
      MakeArticle("n5", "Talks about talks",
                  "Diplomats talked about nuclear issues and more nuclear things.", "", {}, {},
                  "en", "AP"),
      MakeArticle("n6", "Nuclear talks resume in Vienna",
                  "Iran and the United States resumed nuclear talks in Vienna on Monday. "
                  "Ali Khamenei said little.",
                  "2025-06-11", {"ir*", "us", "at"}, {"Ali Khamenei"}, "en", "Reuters Wire"),
      MakeArticle("n7", "Weather report", "Sunny weather in <Madrid> & Barcelona.", "2024-01-05",
                  {"es*"}, {}, "en", "AP"),
      MakeArticle("n8", "Khamenei speech", "Ayatollah Khamenei gave a speech on enrichment.",
                  "2025-08-21", {"ir*"}, {"Ali Khamenei"}),
  };
}

std::string ModeName(const ::testing::TestParamInfo<FacetColumnsMode>& info) {
  return info.param == FacetColumnsMode::kOff ? "StockSpies" : "FacetColumns";
}

// Every test runs twice: counting with the facet columns and with the stock
// spies (the path remote shards use); both must give the same answers.
class SearchTest : public ::testing::TestWithParam<FacetColumnsMode> {
 protected:
  void Open(const std::vector<core::Article>& articles) {
    searcher_.reset();
    index_ = std::make_unique<testing::TempGlassIndex>(articles);
    SearcherOptions options;
    options.resolver = std::make_shared<DefaultFacetResolver>();
    options.facet_columns = GetParam();
    auto s = Searcher::Open(index_->path(), options);
    ASSERT_TRUE(s.ok()) << s.status();
    searcher_ = *std::move(s);
  }
  void SetUp() override { Open(NewsCorpus()); }

  SearchResponse Run(const SearchRequest& r) {
    absl::StatusOr<SearchResponse> resp = searcher_->Search(r);
    EXPECT_TRUE(resp.ok()) << resp.status();
    if (resp.ok() && GetParam() == FacetColumnsMode::kOff) {
      EXPECT_FALSE(resp->counted_with_columns);
    }
    return resp.ok() ? *std::move(resp) : SearchResponse();
  }
  std::vector<std::string> Ids(const SearchRequest& r) {
    std::vector<std::string> ids;
    for (const Hit& h : Run(r).hits) ids.push_back(h.id);
    return ids;
  }
  std::vector<std::string> Ids(absl::string_view q) {
    SearchRequest r;
    r.q = std::string(q);
    r.limit = 100;
    return Ids(r);
  }
  static const FacetCounts* Facet(const SearchResponse& r, absl::string_view field) {
    for (const FacetCounts& f : r.facets) {
      if (f.field == field) return &f;
    }
    return nullptr;
  }
  static std::map<std::string, uint64_t> Counts(const FacetCounts* f) {
    std::map<std::string, uint64_t> out;
    if (f == nullptr) return out;
    for (const FacetValue& v : f->values) out[v.value] = v.count;
    return out;
  }

  std::unique_ptr<testing::TempGlassIndex> index_;
  std::unique_ptr<Searcher> searcher_;
};

INSTANTIATE_TEST_SUITE_P(FacetPaths, SearchTest,
                         ::testing::Values(FacetColumnsMode::kBuildAtOpen, FacetColumnsMode::kOff),
                         ModeName);

TEST_P(SearchTest, FindsTheExpectedHitSets) {
  struct Case {
    const char* q;
    std::vector<std::string> ids;  // in ranking order when `ordered`
  };
  const Case kCases[] = {
      {"nuclear", {"n1", "n2", "n3", "n5", "n6"}},
      {"NUCLEAR TALKS", {"n1", "n2", "n5", "n6"}},
      {"\"nuclear talks\"", {"n1", "n2", "n6"}},
      {"nuclear NEAR/2 iran", {"n3"}},
      {"nuclear NEAR iran", {"n1", "n2", "n3", "n6"}},
      {"nucle*", {"n1", "n2", "n3", "n5", "n6"}},
      {"title:talks", {"n1", "n5", "n6"}},
      {"nuclear -iran", {"n5"}},
      {"nuclear NOT (iran OR israel)", {"n5"}},
      {"MADRÍD", {"n7"}},
      {"macron", {"n4"}},
      {"actor:\"Ali Khamenei\"", {"n1", "n3", "n6", "n8"}},
      {"country:ir -about:ir", {"n2", "n3"}},
      {"source:ap", {"n3", "n5", "n7"}},
      {"source:\"Reuters Wire\"", {"n6"}},
      {"lang:fr", {"n4"}},
      {"date:2025-06", {"n1", "n4", "n6"}},
      {"date:..2025-06-10", {"n1", "n7"}},
      {"date:2025-08-20..", {"n3", "n8"}},
      {"date:2024 OR date:2025-08-21", {"n7", "n8"}},
      {"weather Madrid", {"n7"}},
      {"id:n4", {"n4"}},
  };
  for (const Case& c : kCases) {
    std::vector<std::string> ids = Ids(c.q);
    std::sort(ids.begin(), ids.end());
    std::vector<std::string> expected = c.ids;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(ids, expected) << "q: " << c.q;
  }
}

// The time limit is the whole search's: an answer that comes later than the
// limit says so, even when each matcher pass finished inside it.
TEST_P(SearchTest, AnAnswerLaterThanTheTimeLimitIsFlagged) {
  SearchRequest r;
  r.q = "n* OR s* OR t* OR e*";
  r.exact_total = true;
  r.facets = {"country", "actor", "date"};
  r.time_limit = absl::Nanoseconds(1);
  const SearchResponse late = Run(r);
  EXPECT_GT(late.elapsed, r.time_limit);
  EXPECT_TRUE(late.timed_out);

  r.time_limit = absl::Seconds(60);
  const SearchResponse in_time = Run(r);
  EXPECT_FALSE(in_time.timed_out);
  EXPECT_TRUE(in_time.total_exact);
}

TEST_P(SearchTest, TitleWordsOutweighBodyWordsAndTiesKeepDocidOrder) {
  Open({
      MakeArticle("body", "Budget news", "The vienna summit opened with budget news."),
      MakeArticle("title", "Vienna summit", "The budget news opened with vienna summit."),
      MakeArticle("twin1", "Other", "Lake Geneva and lakes."),
      MakeArticle("twin2", "Other", "Lake Geneva and lakes."),
  });
  EXPECT_THAT(Ids("vienna"), ElementsAre("title", "body"));
  EXPECT_THAT(Ids("geneva"), ElementsAre("twin1", "twin2"));
}

TEST_P(SearchTest, SortsByDateWithUndatedLast) {
  SearchRequest r;
  r.q = "nuclear";
  r.sort = SortOrder::kNewest;
  EXPECT_THAT(Ids(r), ElementsAre("n3", "n2", "n6", "n1", "n5"));
  r.sort = SortOrder::kOldest;
  EXPECT_THAT(Ids(r), ElementsAre("n1", "n6", "n2", "n3", "n5"));
}

TEST_P(SearchTest, RecencyBoostPrefersNewerAmongEqualMatches) {
  Open({
      MakeArticle("old", "Summit", "Leaders meet at the summit.", "2025-01-01"),
      MakeArticle("new", "Summit", "Leaders meet at the summit.", "2025-06-01"),
      MakeArticle("mid", "Summit", "Leaders meet at the summit.", "2025-05-01"),
      MakeArticle("strong", "Summit summit summit", "Summit summit summit summit.", "2024-01-01"),
  });
  SearchRequest r;
  r.q = "summit";
  r.limit = 10;
  std::vector<std::string> relevance = Ids(r);
  ASSERT_EQ(relevance.size(), 4u);
  EXPECT_EQ(relevance[0], "strong");
  r.sort = SortOrder::kRelevanceRecency;
  SearchResponse resp = Run(r);
  std::vector<std::string> ids;
  for (const Hit& h : resp.hits) ids.push_back(h.id);
  // Equal BM25 scores: the newer the higher. Half-life 30 days, weight 2.
  auto pos = [&](absl::string_view id) { return std::find(ids.begin(), ids.end(), id) - ids.begin(); };
  EXPECT_LT(pos("new"), pos("mid"));
  EXPECT_LT(pos("mid"), pos("old"));
  // The boost is additive: new's score = BM25 + 2 (age 0 days).
  SearchRequest plain = r;
  plain.sort = SortOrder::kRelevance;
  double new_plain = 0, new_boosted = 0;
  for (const Hit& h : Run(plain).hits) if (h.id == "new") new_plain = h.score;
  for (const Hit& h : resp.hits) if (h.id == "new") new_boosted = h.score;
  EXPECT_NEAR(new_boosted - new_plain, 2.0, 1e-6);
}

TEST_P(SearchTest, FiltersOrWithinAFacetAndAcrossFacets) {
  SearchRequest r;
  r.limit = 100;
  r.countries = {"IR"};
  EXPECT_THAT(Ids(r), UnorderedElementsAre("n1", "n2", "n3", "n6", "n8"));
  r.countries = {"ir", "fr"};
  EXPECT_THAT(Ids(r), UnorderedElementsAre("n1", "n2", "n3", "n4", "n6", "n8"));
  r.actors = {"benjamin NETANYAHU"};
  EXPECT_THAT(Ids(r), UnorderedElementsAre("n3"));
  r = SearchRequest();
  r.about_countries = {"ir"};
  r.from = absl::CivilDay(2025, 6, 11);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("n6", "n8"));
  r.to = absl::CivilDay(2025, 8, 20);
  EXPECT_THAT(Ids(r), UnorderedElementsAre("n6"));
  r = SearchRequest();
  r.sources = {"Reuters"};
  r.languages = {"en"};
  EXPECT_THAT(Ids(r), UnorderedElementsAre("n1", "n2", "n8"));
  r.sources = {"!!!"};  // folds to nothing: matches nothing, not everything
  EXPECT_THAT(Ids(r), ::testing::IsEmpty());
}

// A filter selects documents and never changes a score, also where it goes
// inside a phrase's position checks (SearchFilters::Apply).
TEST_P(SearchTest, FiltersSelectWithoutChangingScores) {
  int compared = 0;
  for (const char* q : {"\"nuclear talks\"", "nuclear talks", "\"talks resume\" OR iran"}) {
    SearchRequest all;
    all.q = q;
    all.limit = 100;
    std::map<std::string, double> scores;
    size_t kept = 0;  // hits the filters below keep
    for (const Hit& h : Run(all).hits) {
      scores[h.id] = h.score;
      const bool ir = std::any_of(h.countries.begin(), h.countries.end(),
                                  [](const core::CountryFacet& c) { return c.code == "ir"; });
      kept += ir && h.date && *h.date >= absl::CivilDay(2025, 6, 11);
    }
    SearchRequest filtered = all;
    filtered.countries = {"ir"};
    filtered.from = absl::CivilDay(2025, 6, 11);
    const SearchResponse resp = Run(filtered);
    EXPECT_EQ(resp.hits.size(), kept) << q;
    EXPECT_LT(resp.hits.size(), scores.size()) << q;
    for (const Hit& h : resp.hits) {
      ASSERT_EQ(scores.count(h.id), 1u) << q << " " << h.id;
      EXPECT_EQ(h.score, scores[h.id]) << q << " " << h.id;
      ++compared;
    }
  }
  EXPECT_GE(compared, 6);
}

TEST_P(SearchTest, CountsFacetsExactlyAndDisjunctively) {
  SearchRequest r;
  r.q = "nuclear";
  r.facets = {"country", "actor", "about", "lang", "source"};
  SearchResponse resp = Run(r);
  EXPECT_EQ(resp.total, 5u);
  EXPECT_TRUE(resp.total_exact);
  const std::map<std::string, uint64_t> countries = {
      {"ir", 4}, {"us", 2}, {"at", 2}, {"gb", 1}, {"il", 1}};
  EXPECT_EQ(Counts(Facet(resp, "country")), countries);
  EXPECT_EQ(Facet(resp, "country")->distinct, 5u);
  EXPECT_EQ(Facet(resp, "country")->values[0].value, "ir");
  EXPECT_EQ(Facet(resp, "country")->values[0].name, "IR");
  EXPECT_FALSE(Facet(resp, "country")->disjunctive);
  const std::map<std::string, uint64_t> actors = {{"ali khamenei", 3}, {"benjamin netanyahu", 1}};
  EXPECT_EQ(Counts(Facet(resp, "actor")), actors);
  EXPECT_EQ(Facet(resp, "actor")->values[0].name, "Ali Khamenei");
  const std::map<std::string, uint64_t> about = {{"ir", 2}, {"il", 1}};
  EXPECT_EQ(Counts(Facet(resp, "about")), about);
  const std::map<std::string, uint64_t> sources = {{"reuters", 2}, {"ap", 2}, {"reuters-wire", 1}};
  EXPECT_EQ(Counts(Facet(resp, "source")), sources);

  // With a country filter, country counts ignore it; the others do not.
  r.countries = {"gb"};
  resp = Run(r);
  EXPECT_EQ(resp.total, 1u);
  EXPECT_EQ(Counts(Facet(resp, "country")), countries);
  EXPECT_TRUE(Facet(resp, "country")->disjunctive);
  const std::map<std::string, uint64_t> n2_sources = {{"reuters", 1}};
  EXPECT_EQ(Counts(Facet(resp, "source")), n2_sources);

  // Top-N with the number of distinct values.
  r = SearchRequest();
  r.facets = {"country"};
  r.facet_limit = 2;
  resp = Run(r);
  ASSERT_EQ(Facet(resp, "country")->values.size(), 2u);
  EXPECT_EQ(Facet(resp, "country")->distinct, 7u);  // ir us at gb il fr es
}

// An empty query without filters counts from term frequencies; the same match
// set reached through a query (so through the match spies) counts the same.
TEST_P(SearchTest, WholeDatabaseCountsEqualSpyCounts) {
  SearchRequest whole;
  whole.facets = {"actor", "country", "about", "lang", "source", "date"};
  whole.limit = 0;
  SearchRequest via_spy = whole;
  via_spy.q = "-qqqnotaword";
  SearchResponse a = Run(whole), b = Run(via_spy);
  EXPECT_EQ(a.total, 8u);
  EXPECT_TRUE(a.total_exact);
  EXPECT_EQ(b.total, 8u);
  ASSERT_EQ(a.facets.size(), 5u);
  ASSERT_EQ(b.facets.size(), 5u);
  for (size_t i = 0; i < a.facets.size(); ++i) {
    EXPECT_EQ(Counts(&a.facets[i]), Counts(&b.facets[i])) << a.facets[i].field;
    EXPECT_EQ(a.facets[i].distinct, b.facets[i].distinct) << a.facets[i].field;
    EXPECT_FALSE(a.facets[i].values.empty()) << a.facets[i].field;
  }
  ASSERT_TRUE(a.dates && b.dates);
  EXPECT_EQ(a.dates->bucket, b.dates->bucket);
  ASSERT_EQ(a.dates->buckets.size(), b.dates->buckets.size());
  for (size_t i = 0; i < a.dates->buckets.size(); ++i) {
    EXPECT_EQ(a.dates->buckets[i].key, b.dates->buckets[i].key);
    EXPECT_EQ(a.dates->buckets[i].count, b.dates->buckets[i].count);
  }
  // Ranked pages of the whole database have an exact total too.
  whole.limit = 3;
  whole.facets.clear();
  SearchResponse c = Run(whole);
  EXPECT_EQ(c.total, 8u);
  EXPECT_EQ(c.hits.size(), 3u);
}

TEST_P(SearchTest, DateHistogramBucketFollowsTheMatchedRange) {
  SearchRequest r;
  r.q = "nuclear";
  r.facets = {"date"};
  SearchResponse resp = Run(r);
  ASSERT_TRUE(resp.dates.has_value());
  EXPECT_EQ(resp.dates->bucket, "day");
  std::vector<std::pair<std::string, uint64_t>> got;
  for (const DateBucket& b : resp.dates->buckets) got.emplace_back(b.key, b.count);
  EXPECT_THAT(got, ElementsAre(std::pair<std::string, uint64_t>("2025-06-10", 1),
                               std::pair<std::string, uint64_t>("2025-06-11", 1),
                               std::pair<std::string, uint64_t>("2025-07-02", 1),
                               std::pair<std::string, uint64_t>("2025-08-20", 1)));
  r.q = "";
  resp = Run(r);
  EXPECT_EQ(resp.dates->bucket, "month");
  uint64_t sum = 0;
  for (const DateBucket& b : resp.dates->buckets) sum += b.count;
  EXPECT_EQ(sum, 7u);  // n5 has no date
  EXPECT_EQ(resp.dates->buckets.front().key, "2024-01");
  EXPECT_TRUE(resp.facets.empty());
}

TEST_P(SearchTest, PagesAtAnyDepthAndCountsWithLimitZero) {
  std::vector<core::Article> many;
  for (int i = 0; i < 250; ++i) {
    many.push_back(MakeArticle(absl::StrCat("d", i), "Report", absl::StrCat("report number ", i),
                               "2025-01-01", {i % 2 ? "ir" : "il"}));
  }
  Open(many);
  SearchRequest all;
  all.q = "report";
  all.limit = 1000;  // capped
  SearchResponse first = Run(all);
  EXPECT_EQ(first.limit, kMaxLimit);
  EXPECT_EQ(first.hits.size(), 100u);
  std::vector<std::string> paged;
  for (int offset = 0; offset < 260; offset += 7) {
    SearchRequest p = all;
    p.offset = offset;
    p.limit = 7;
    for (const Hit& h : Run(p).hits) paged.push_back(h.id);
  }
  ASSERT_EQ(paged.size(), 250u);
  EXPECT_EQ(std::set<std::string>(paged.begin(), paged.end()).size(), 250u);
  for (size_t i = 0; i < 100; ++i) EXPECT_EQ(paged[i], first.hits[i].id);
  SearchRequest deep = all;
  deep.offset = 5000;
  SearchResponse d = Run(deep);
  EXPECT_TRUE(d.hits.empty());
  SearchRequest counts = all;
  counts.limit = 0;
  counts.facets = {"country"};
  SearchResponse c = Run(counts);
  EXPECT_TRUE(c.hits.empty());
  EXPECT_EQ(c.total, 250u);
  EXPECT_TRUE(c.total_exact);
  const std::map<std::string, uint64_t> expected = {{"ir", 125}, {"il", 125}};
  EXPECT_EQ(Counts(Facet(c, "country")), expected);
}

TEST_P(SearchTest, HitsCarryStoredFieldsAndHighlightedEscapedSnippets) {
  SearchRequest r;
  r.q = "\"nuclear talks\" Vienna";
  SearchResponse resp = Run(r);
  ASSERT_FALSE(resp.hits.empty());
  const Hit& h = resp.hits[0];
  EXPECT_EQ(h.id, "n1");
  EXPECT_EQ(h.title, "Nuclear talks resume in Vienna");
  EXPECT_EQ(h.url, "https://example.com/n1");
  EXPECT_EQ(h.source, "Reuters");
  EXPECT_EQ(h.lang, "en");
  EXPECT_EQ(h.date, absl::CivilDay(2025, 6, 10));
  ASSERT_EQ(h.countries.size(), 3u);
  ASSERT_EQ(h.actors.size(), 1u);
  EXPECT_GT(h.score, 0);
  EXPECT_THAT(h.snippet, HasSubstr("<b>nuclear talks</b> in <b>Vienna</b>"));

  r.q = "madrid";
  resp = Run(r);
  ASSERT_EQ(resp.hits.size(), 1u);
  EXPECT_EQ(resp.hits[0].snippet, "Sunny weather in &lt;<b>Madrid</b>&gt; &amp; Barcelona.");
  r.highlight = false;
  EXPECT_EQ(Run(r).hits[0].snippet, "Sunny weather in &lt;Madrid&gt; &amp; Barcelona.");
}

TEST_P(SearchTest, SuggestsSpellingForWordsWithoutPostings) {
  SearchRequest r;
  r.q = "nucleer talks";
  SearchResponse resp = Run(r);
  EXPECT_EQ(resp.total, 0u);
  EXPECT_EQ(resp.suggestion, "nuclear talks");
  r.q = "nuclear talks";
  EXPECT_EQ(Run(r).suggestion, "");
}

TEST_P(SearchTest, CollapsesNearIdenticalCopies) {
  SearchRequest r;
  r.q = "vienna";
  r.collapse = true;
  SearchResponse resp = Run(r);
  ASSERT_EQ(resp.hits.size(), 1u);
  EXPECT_EQ(resp.hits[0].id, "n1");
  EXPECT_EQ(resp.hits[0].duplicates, 1u);
  r.collapse = false;
  EXPECT_EQ(Run(r).hits.size(), 2u);
}

TEST_P(SearchTest, RelatedFindsSimilarArticlesButNotItself) {
  absl::StatusOr<std::vector<Hit>> related = searcher_->Related("n1", 3);
  ASSERT_TRUE(related.ok()) << related.status();
  ASSERT_FALSE(related->empty());
  EXPECT_EQ((*related)[0].id, "n6");
  for (const Hit& h : *related) EXPECT_NE(h.id, "n1");
  EXPECT_LE(related->size(), 3u);
  EXPECT_EQ(searcher_->Related("missing", 3).status().code(), absl::StatusCode::kNotFound);
}

TEST_P(SearchTest, GetsArticlesFacetValuesAndStats) {
  absl::StatusOr<core::Article> a = searcher_->GetArticle("n4");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->title, "Élections en France");
  EXPECT_EQ(searcher_->GetArticle("nope").status().code(), absl::StatusCode::kNotFound);

  absl::StatusOr<std::vector<FacetValue>> v = searcher_->FacetValues("actor", "Kham", 10);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ((*v)[0].value, "ali khamenei");
  EXPECT_EQ((*v)[0].count, 4u);
  v = searcher_->FacetValues("country", "", 3);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 3u);
  EXPECT_EQ((*v)[0].value, "ir");
  EXPECT_EQ((*v)[0].count, 5u);
  EXPECT_EQ(searcher_->FacetValues("people", "", 3).status().code(),
            absl::StatusCode::kInvalidArgument);

  absl::StatusOr<IndexStats> s = searcher_->Stats();
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->documents, 8u);
  EXPECT_EQ(s->first_date, absl::CivilDay(2024, 1, 5));
  EXPECT_EQ(s->last_date, absl::CivilDay(2025, 8, 21));
  std::map<std::string, uint64_t> card(s->facet_cardinalities.begin(), s->facet_cardinalities.end());
  EXPECT_EQ(card["country"], 7u);
  EXPECT_EQ(card["actor"], 3u);
  EXPECT_EQ(card["lang"], 2u);
}

TEST_P(SearchTest, RejectsBadRequestsWithClearErrors) {
  SearchRequest r;
  r.q = "(nuclear talks";
  absl::StatusOr<SearchResponse> resp = searcher_->Search(r);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(resp.status().message(), "query:1: unbalanced parenthesis");
  r.fallback_to_words = true;
  resp = searcher_->Search(r);
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->query_warning, "query:1: unbalanced parenthesis");
  EXPECT_EQ(resp->total, 4u);

  r = SearchRequest();
  r.facets = {"people"};
  EXPECT_THAT(std::string(searcher_->Search(r).status().message()), HasSubstr("people"));
  r = SearchRequest();
  r.from = absl::CivilDay(2025, 2, 1);
  r.to = absl::CivilDay(2025, 1, 1);
  EXPECT_EQ(searcher_->Search(r).status().code(), absl::StatusCode::kInvalidArgument);
  r = SearchRequest();
  r.offset = -1;
  EXPECT_EQ(searcher_->Search(r).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSortOrder("newest").value(), SortOrder::kNewest);
  EXPECT_EQ(ParseSortOrder("best").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(SearchTest, JsonHasTheDocumentedShape) {
  SearchRequest r;
  r.q = "nuclear";
  r.limit = 2;
  r.facets = {"country", "date"};
  r.countries = {"ir"};
  const nlohmann::json j = nlohmann::json::parse(SearchResponseJson(Run(r)));
  EXPECT_EQ(j["total"], 4);
  EXPECT_EQ(j["total_exact"], true);
  EXPECT_EQ(j["offset"], 0);
  EXPECT_EQ(j["limit"], 2);
  ASSERT_EQ(j["hits"].size(), 2u);
  const auto& h = j["hits"][0];
  for (const char* key : {"id", "title", "url", "date", "source", "lang", "countries", "actors",
                          "score", "rank", "snippet", "duplicates"}) {
    EXPECT_TRUE(h.contains(key)) << key;
  }
  EXPECT_EQ(j["facets"]["country"]["disjunctive"], true);
  EXPECT_EQ(j["facets"]["country"]["values"][0]["value"], "ir");
  EXPECT_EQ(j["facets"]["country"]["values"][0]["count"], 4);  // n1 n2 n3 n6
  EXPECT_EQ(j["dates"]["bucket"], "day");
  EXPECT_TRUE(j.contains("suggestion"));
  EXPECT_EQ(j["timed_out"], false);
  EXPECT_TRUE(j["elapsed_ms"].is_number());
}

TEST(SearcherOpenTest, ReopenSeesNewCommitsAndMissingDbIsNotFound) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      absl::StrCat("newsdex_query_reopen_", ::getpid());
  std::filesystem::remove_all(dir);
  {
    Xapian::WritableDatabase db(dir.string(), Xapian::DB_CREATE_OR_OPEN);
    testing::AddArticles(db, {MakeArticle("a", "First", "alpha words")});
  }
  SearcherOptions options;
  options.resolver = std::make_shared<DefaultFacetResolver>();
  auto searcher = Searcher::Open(dir.string(), options);
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  SearchRequest r;
  r.q = "beta";
  EXPECT_EQ((*searcher)->Search(r)->total, 0u);
  {
    Xapian::WritableDatabase db(dir.string(), Xapian::DB_OPEN);
    testing::AddArticles(db, {MakeArticle("b", "Second", "beta words")});
  }
  absl::StatusOr<bool> changed = (*searcher)->Reopen();
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(*changed);
  EXPECT_EQ((*searcher)->Search(r)->total, 1u);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(Searcher::Open((dir / "missing").string(), options).status().code(),
            absl::StatusCode::kNotFound);
}

// Brute force: random articles and random requests; the engine's hits, totals
// and (disjunctive) facet counts must equal a scan of every document's data.
// The brute-force comparison runs on every counting path: facet columns or
// stock spies, each on the searching thread or on the second thread beside
// the ranked pass (SearcherOptions::parallel_count_min_postings).
struct CountingPath {
  FacetColumnsMode mode;
  bool beside;
};
class SearchBruteForceTest : public ::testing::TestWithParam<CountingPath> {};
INSTANTIATE_TEST_SUITE_P(
    FacetPaths, SearchBruteForceTest,
    ::testing::Values(CountingPath{FacetColumnsMode::kBuildAtOpen, false},
                      CountingPath{FacetColumnsMode::kOff, false},
                      CountingPath{FacetColumnsMode::kBuildAtOpen, true},
                      CountingPath{FacetColumnsMode::kOff, true}),
    [](const ::testing::TestParamInfo<CountingPath>& info) {
      return absl::StrCat(info.param.mode == FacetColumnsMode::kOff ? "StockSpies" : "FacetColumns",
                          info.param.beside ? "Beside" : "");
    });

TEST_P(SearchBruteForceTest, FacetCountsMatchAScanOfDocumentData) {
  std::mt19937 rng(4242);
  const std::vector<std::string> vocab = {"qa1", "qb2", "qc3", "qd4", "qe5", "qf6", "qg7", "qh8"};
  const std::vector<std::string> codes = {"ir", "il", "us", "gb", "fr", "de"};
  const std::vector<std::string> people = {"Ali Khamenei", "Benjamin Netanyahu", "Emmanuel Macron",
                                           "Olaf Scholz", "Rishi Sunak"};
  const std::vector<std::string> langs = {"en", "fr", "de"};
  const std::vector<std::string> sources = {"Reuters", "AP", "Le Monde"};
  auto pick = [&](const std::vector<std::string>& from, int max) {
    std::vector<std::string> out;
    const int n = static_cast<int>(rng() % static_cast<unsigned>(max + 1));
    for (int i = 0; i < n; ++i) {
      const std::string& v = from[rng() % from.size()];
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
    }
    return out;
  };
  auto words = [&](int lo, int hi) {
    std::vector<std::string> w;
    const int n = lo + static_cast<int>(rng() % static_cast<unsigned>(hi - lo + 1));
    for (int i = 0; i < n; ++i) w.push_back(vocab[rng() % vocab.size()]);
    return w;
  };
  std::vector<core::Article> articles;
  std::vector<std::vector<std::string>> title_words, body_words;
  for (int i = 0; i < 300; ++i) {
    title_words.push_back(words(1, 3));
    body_words.push_back(words(3, 12));
    std::vector<std::string> countries = pick(codes, 3);
    for (std::string& c : countries) {
      if (rng() % 3 == 0) c += "*";
    }
    std::string date;
    if (rng() % 10) {
      date = core::FormatIsoDate(absl::CivilDay(2024, 1, 1) + static_cast<int>(rng() % 500));
    }
    articles.push_back(MakeArticle(absl::StrCat("r", i), absl::StrJoin(title_words.back(), " "),
                                   absl::StrJoin(body_words.back(), " "), date, countries,
                                   pick(people, 2), langs[rng() % langs.size()],
                                   sources[rng() % sources.size()]));
  }
  Xapian::WritableDatabase db = testing::BuildIndex(articles);
  SearcherOptions options;
  options.resolver = std::make_shared<DefaultFacetResolver>();
  options.facet_columns = GetParam().mode;
  absl::StatusOr<std::unique_ptr<Searcher>> searcher;
  std::unique_ptr<testing::TempGlassIndex> glass;  // the same articles, same docids
  if (GetParam().beside) {
    // Counting beside the ranking needs a second handle: a directory.
    glass = std::make_unique<testing::TempGlassIndex>(articles);
    options.parallel_count_min_postings = 1;
    searcher = Searcher::Open(glass->path(), options);
  } else {
    searcher = Searcher::FromDatabase(db, options);
  }
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());

  // Facet values of an article, read from its stored data.
  struct DocFacets {
    std::set<std::string> country, about, actor;
    std::string lang, source;
    std::optional<absl::CivilDay> date;
    std::vector<std::string> title, body;
  };
  std::vector<DocFacets> docs;
  for (Xapian::docid did = 1; did <= db.get_lastdocid(); ++did) {
    const Xapian::Document doc = db.get_document(did);
    absl::StatusOr<core::Article> a = core::DecodeStoredArticle(
        doc.get_value(static_cast<Xapian::valueno>(core::ValueSlot::kMetadata)), doc.get_data());
    ASSERT_TRUE(a.ok());
    DocFacets f;
    for (const core::CountryFacet& c : a->countries) {
      f.country.insert(c.code);
      if (c.focus) f.about.insert(c.code);
    }
    for (const core::ActorFacet& p : a->actors) f.actor.insert((*analyzer)->FoldKey(p.name));
    f.lang = a->language;
    f.source = (*analyzer)->SourceKey(a->source);
    f.date = a->date;
    f.title = absl::StrSplit(a->title, ' ', absl::SkipEmpty());
    f.body = absl::StrSplit(a->body, ' ', absl::SkipEmpty());
    docs.push_back(std::move(f));
  }
  auto has_word = [](const DocFacets& d, const std::string& w) {
    return std::count(d.title.begin(), d.title.end(), w) + std::count(d.body.begin(), d.body.end(), w) > 0;
  };
  auto has_phrase = [](const DocFacets& d, const std::string& a, const std::string& b) {
    for (const auto* v : {&d.title, &d.body}) {
      for (size_t i = 0; i + 1 < v->size(); ++i) {
        if ((*v)[i] == a && (*v)[i + 1] == b) return true;
      }
    }
    return false;
  };

  const char* kFacets[] = {"actor", "country", "about", "lang", "source"};
  int rounds_with_hits = 0, disjunctive_facets = 0, rounds_with_columns = 0, rounds_beside = 0;
  for (int round = 0; round < 150; ++round) {
    SearchRequest r;
    const std::string a = vocab[rng() % vocab.size()], b = vocab[rng() % vocab.size()];
    std::function<bool(const DocFacets&)> match_q;
    switch (rng() % 6) {
      case 0: r.q = ""; match_q = [](const DocFacets&) { return true; }; break;
      case 1: r.q = a; match_q = [&, a](const DocFacets& d) { return has_word(d, a); }; break;
      case 2:
        r.q = a + " " + b;
        match_q = [&, a, b](const DocFacets& d) { return has_word(d, a) && has_word(d, b); };
        break;
      case 3:
        r.q = a + " OR " + b;
        match_q = [&, a, b](const DocFacets& d) { return has_word(d, a) || has_word(d, b); };
        break;
      case 4:
        r.q = a + " -" + b;
        match_q = [&, a, b](const DocFacets& d) { return has_word(d, a) && !has_word(d, b); };
        break;
      default:
        r.q = "\"" + a + " " + b + "\"";
        match_q = [&, a, b](const DocFacets& d) { return has_phrase(d, a, b); };
    }
    r.countries = pick(codes, 2);
    r.about_countries = rng() % 3 ? std::vector<std::string>{} : pick(codes, 1);
    r.actors = rng() % 2 ? std::vector<std::string>{} : pick(people, 2);
    r.languages = rng() % 2 ? std::vector<std::string>{} : pick(langs, 2);
    r.sources = rng() % 3 ? std::vector<std::string>{} : pick(sources, 1);
    if (rng() % 3 == 0) r.from = absl::CivilDay(2024, 1, 1) + static_cast<int>(rng() % 300);
    if (rng() % 3 == 0) r.to = absl::CivilDay(2024, 6, 1) + static_cast<int>(rng() % 300);
    if (r.from && r.to && *r.from > *r.to) std::swap(r.from, r.to);
    r.facets = {"actor", "country", "about", "lang", "source", "date"};
    r.facet_limit = kMaxFacetLimit;
    r.limit = 100;

    auto in = [&](const std::vector<std::string>& wanted, auto&& has) {
      if (wanted.empty()) return true;
      for (const std::string& w : wanted) {
        if (has(w)) return true;
      }
      return false;
    };
    // Matches with every filter except `skip` ("" = none skipped).
    auto matches = [&](const DocFacets& d, absl::string_view skip) {
      if (!match_q(d)) return false;
      if (skip != "country" && !in(r.countries, [&](const std::string& v) { return d.country.count(v) > 0; })) return false;
      if (skip != "about" && !in(r.about_countries, [&](const std::string& v) { return d.about.count(v) > 0; })) return false;
      if (skip != "actor" && !in(r.actors, [&](const std::string& v) { return d.actor.count((*analyzer)->FoldKey(v)) > 0; })) return false;
      if (skip != "lang" && !in(r.languages, [&](const std::string& v) { return d.lang == v; })) return false;
      if (skip != "source" && !in(r.sources, [&](const std::string& v) { return d.source == (*analyzer)->SourceKey(v); })) return false;
      if ((r.from || r.to) && !d.date) return false;
      if (r.from && *d.date < *r.from) return false;
      if (r.to && *d.date > *r.to) return false;
      return true;
    };
    absl::StatusOr<SearchResponse> resp = (*searcher)->Search(r);
    ASSERT_TRUE(resp.ok()) << resp.status();
    SCOPED_TRACE(absl::StrCat("round ", round, " q=", r.q));
    rounds_with_columns += resp->counted_with_columns;
    rounds_beside += resp->counted_beside;

    std::set<std::string> expected_ids;
    for (size_t i = 0; i < docs.size(); ++i) {
      if (matches(docs[i], "")) expected_ids.insert(articles[i].id);
    }
    EXPECT_EQ(resp->total, expected_ids.size());
    if (!expected_ids.empty()) ++rounds_with_hits;
    for (const FacetCounts& fc : resp->facets) disjunctive_facets += fc.disjunctive;
    EXPECT_TRUE(resp->total_exact);
    // The exact total of a ranked page without facets is counted apart from
    // the ranking (posting walk or BoolWeight pass): the same number.
    {
      SearchRequest plain = r;
      plain.facets.clear();
      plain.exact_total = true;
      plain.limit = 10;
      absl::StatusOr<SearchResponse> p = (*searcher)->Search(plain);
      ASSERT_TRUE(p.ok()) << p.status();
      EXPECT_EQ(p->total, expected_ids.size());
      EXPECT_TRUE(p->total_exact);
      EXPECT_EQ(p->hits.size(), std::min<size_t>(10, expected_ids.size()));
    }
    std::set<std::string> got_ids;
    for (int offset = 0; offset < static_cast<int>(resp->total); offset += 100) {
      SearchRequest page = r;
      page.offset = offset;
      page.facets.clear();
      absl::StatusOr<SearchResponse> page_resp = (*searcher)->Search(page);
      ASSERT_TRUE(page_resp.ok()) << page_resp.status();
      for (const Hit& h : page_resp->hits) got_ids.insert(h.id);
    }
    EXPECT_EQ(got_ids, expected_ids);

    for (const char* field : kFacets) {
      std::map<std::string, uint64_t> expected;
      for (const DocFacets& d : docs) {
        const bool own = (std::string(field) == "country" && !r.countries.empty()) ||
                         (std::string(field) == "about" && !r.about_countries.empty()) ||
                         (std::string(field) == "actor" && !r.actors.empty()) ||
                         (std::string(field) == "lang" && !r.languages.empty()) ||
                         (std::string(field) == "source" && !r.sources.empty());
        if (!matches(d, own ? field : "")) continue;
        const std::string f = field;
        if (f == "country") for (const auto& v : d.country) ++expected[v];
        if (f == "about") for (const auto& v : d.about) ++expected[v];
        if (f == "actor") for (const auto& v : d.actor) ++expected[v];
        if (f == "lang") ++expected[d.lang];
        if (f == "source") ++expected[d.source];
      }
      const FacetCounts* got = nullptr;
      for (const FacetCounts& fc : resp->facets) {
        if (fc.field == field) got = &fc;
      }
      ASSERT_NE(got, nullptr) << field;
      std::map<std::string, uint64_t> got_counts;
      for (const FacetValue& v : got->values) got_counts[v.value] = v.count;
      EXPECT_EQ(got_counts, expected) << "facet " << field;
      EXPECT_EQ(got->distinct, expected.size()) << "facet " << field;
    }
    // The histogram, summed per bucket key.
    ASSERT_TRUE(resp->dates.has_value());
    std::map<std::string, uint64_t> expected_dates;
    const size_t key_len = resp->dates->bucket == "year" ? 4 : resp->dates->bucket == "month" ? 7 : 10;
    for (const DocFacets& d : docs) {
      if (matches(d, "") && d.date) ++expected_dates[core::FormatIsoDate(*d.date).substr(0, key_len)];
    }
    std::map<std::string, uint64_t> got_dates;
    for (const DateBucket& bucket : resp->dates->buckets) got_dates[bucket.key] = bucket.count;
    EXPECT_EQ(got_dates, expected_dates);
  }
  // The random requests are neither all empty nor all without filters.
  EXPECT_GT(rounds_with_hits, 40);
  EXPECT_GT(disjunctive_facets, 100);
  // The path under test really counted (all rounds but unfiltered match-alls).
  if (GetParam().mode == FacetColumnsMode::kOff) {
    EXPECT_EQ(rounds_with_columns, 0);
  } else {
    EXPECT_GT(rounds_with_columns, 140);
  }
  if (GetParam().beside) {
    EXPECT_GT(rounds_beside, 100);
  } else {
    EXPECT_EQ(rounds_beside, 0);
  }
}


// The facet column snapshot follows commits. Every answer is compared with a
// Searcher that counts with the stock spies.
class FacetColumnsSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            absl::StrCat("newsdex_query_columns_", ::getpid(), "_", counter_++))
               .string();
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::vector<core::Article>& articles) {
    testing::WriteWithIndexer(dir_, articles);
  }
  std::unique_ptr<Searcher> OpenSearcher(FacetColumnsMode mode) {
    SearcherOptions options;
    options.resolver = std::make_shared<DefaultFacetResolver>();
    options.facet_columns = mode;
    auto s = Searcher::Open(dir_, options);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }
  // Facets, histogram and total as one comparable text.
  static std::string Counted(Searcher& searcher, bool* with_columns) {
    SearchRequest r;
    r.q = "words";
    r.countries = {"ir"};  // one disjunctive pass too
    r.facets = {"actor", "country", "about", "lang", "source", "date"};
    r.facet_limit = kMaxFacetLimit;
    absl::StatusOr<SearchResponse> resp = searcher.Search(r);
    EXPECT_TRUE(resp.ok()) << resp.status();
    if (!resp.ok()) return "";
    *with_columns = resp->counted_with_columns;
    std::string out = absl::StrCat("total=", resp->total);
    for (const FacetCounts& f : resp->facets) {
      absl::StrAppend(&out, " ", f.field, "/", f.distinct, ":");
      for (const FacetValue& v : f.values) absl::StrAppend(&out, v.value, "=", v.count, ",");
    }
    for (const DateBucket& b : resp->dates->buckets) absl::StrAppend(&out, " ", b.key, "=", b.count);
    return out;
  }
  std::string Stock() {
    bool with_columns = true;
    std::string s = Counted(*OpenSearcher(FacetColumnsMode::kOff), &with_columns);
    EXPECT_FALSE(with_columns);
    return s;
  }
  static std::vector<core::Article> Articles(int first, int n) {
    const std::vector<std::vector<std::string>> countries = {{"ir*", "us"}, {"ir"}, {"gb*", "ir"}, {}};
    const std::vector<std::vector<std::string>> actors = {{"Ali Khamenei"}, {}, {"Olaf Scholz", "Ali Khamenei"}};
    std::vector<core::Article> out;
    for (int i = first; i < first + n; ++i) {
      out.push_back(MakeArticle(absl::StrCat("c", i), "Some title", "words of the body",
                                i % 5 ? absl::StrCat("2025-0", 1 + i % 9, "-0", 1 + i % 9) : "",
                                countries[i % countries.size()], actors[i % actors.size()],
                                i % 2 ? "en" : "fr", i % 3 ? "Reuters" : "AP"));
    }
    return out;
  }

  static inline std::atomic<int> counter_{0};
  std::string dir_;
};

TEST_F(FacetColumnsSearchTest, ReopenedSearcherCountsNewDocumentsWithTheColumns) {
  Write(Articles(0, 40));
  std::unique_ptr<Searcher> searcher = OpenSearcher(FacetColumnsMode::kBuildAtOpen);
  ASSERT_NE(searcher, nullptr);
  bool with_columns = false;
  EXPECT_EQ(Counted(*searcher, &with_columns), Stock());
  EXPECT_TRUE(with_columns);
  const std::string before = Stock();

  // Appends: the shared snapshot is extended during Reopen.
  Write(Articles(40, 25));
  ASSERT_TRUE(*searcher->Reopen());
  const std::string after = Counted(*searcher, &with_columns);
  EXPECT_TRUE(with_columns);
  EXPECT_EQ(after, Stock());
  EXPECT_NE(after, before);

  // A replace: the rebuild runs in the background; the stock spies answer
  // meanwhile, the columns once it is done, and both correctly.
  Write({MakeArticle("c1", "Some title", "words again", "2024-12-24", {"ir", "jp"}, {"Rishi Sunak"})});
  ASSERT_TRUE(*searcher->Reopen());
  const std::string replaced = Stock();
  EXPECT_NE(replaced, after);
  EXPECT_EQ(Counted(*searcher, &with_columns), replaced);
  FacetColumnsCache::Global().WaitIdle();
  EXPECT_EQ(Counted(*searcher, &with_columns), replaced);
  EXPECT_TRUE(with_columns);
}

TEST_F(FacetColumnsSearchTest, BackgroundModeNeverWaitsAndCatchesUp) {
  Write(Articles(0, 30));
  std::unique_ptr<Searcher> searcher = OpenSearcher(FacetColumnsMode::kBackground);
  ASSERT_NE(searcher, nullptr);
  bool with_columns = true;
  const std::string stock = Stock();
  EXPECT_EQ(Counted(*searcher, &with_columns), stock);  // either path
  FacetColumnsCache::Global().WaitIdle();
  EXPECT_EQ(Counted(*searcher, &with_columns), stock);
  EXPECT_TRUE(with_columns);
  // A second Searcher on the same revision shares the snapshot at once.
  std::unique_ptr<Searcher> second = OpenSearcher(FacetColumnsMode::kBackground);
  EXPECT_EQ(Counted(*second, &with_columns), stock);
  EXPECT_TRUE(with_columns);
}

}  // namespace
}  // namespace newsdex::query

namespace newsdex::query {
namespace {

// A daemon runs one Searcher per worker thread. Nothing Xapian may be shared
// between them: Xapian::Query reference counts are not atomic, and copying
// the static Xapian::Query::MatchAll from every empty or purely negative
// query crashed newsdexd under concurrent load. Racing threads do not fail
// deterministically; this fails often enough to notice (and under TSan always).
TEST(ConcurrentSearchTest, SearchersOnThreadsShareNoXapianObjects) {
  testing::TempGlassIndex index(NewsCorpus());
  SearcherOptions options;
  options.resolver = std::make_shared<DefaultFacetResolver>();
  std::vector<std::unique_ptr<Searcher>> searchers;
  for (int i = 0; i < 4; ++i) {
    auto s = Searcher::Open(index.path(), options);
    ASSERT_TRUE(s.ok()) << s.status();
    searchers.push_back(*std::move(s));
  }
  const std::vector<std::string> queries = {"", "-khamenei", "NOT weather", "nuclear talks",
                                            "\"nuclear talks\"", "iran OR israel"};
  std::atomic<int> failures{0}, answered{0};
  std::vector<std::thread> threads;
  for (auto& searcher : searchers) {
    threads.emplace_back([&, s = searcher.get()] {
      for (int i = 0; i < 1500; ++i) {
        SearchRequest r;
        r.q = queries[i % queries.size()];
        if (i % 2) r.facets = {"country", "actor", "date"};
        absl::StatusOr<SearchResponse> resp = s->Search(r);
        if (!resp.ok()) {
          ++failures;
        } else {
          ++answered;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(answered.load(), 4 * 1500);
}

}  // namespace
}  // namespace newsdex::query

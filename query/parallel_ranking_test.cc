#include "query/parallel_ranking.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/analyzer.h"
#include "indexer/document_builder.h"
#include "indexer/index_writer.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "core/article.h"
#include "core/schema.h"
#include "gtest/gtest.h"
#include "query/search.h"
#include "query/test_index.h"

namespace newsdex::query {
namespace {

using testing::MakeArticle;

// Articles of a few words from a six-word vocabulary: many documents have the
// same words at the same lengths, so equal weights (ties) are the rule, and
// many share a publication day (ties of the date orders).
std::vector<core::Article> TiedArticles(std::mt19937& rng, int n) {
  const std::vector<std::string> vocab = {"pa", "pb", "pc", "pd", "pe", "pf"};
  const std::vector<std::string> codes = {"ir", "us", "gb", "fr"};
  const std::vector<std::string> people = {"Ali Khamenei", "Emmanuel Macron", "Olaf Scholz"};
  auto words = [&](int lo, int hi) {
    std::vector<std::string> w;
    const int count = lo + static_cast<int>(rng() % static_cast<unsigned>(hi - lo + 1));
    for (int i = 0; i < count; ++i) w.push_back(vocab[rng() % vocab.size()]);
    return absl::StrJoin(w, " ");
  };
  std::vector<core::Article> articles;
  for (int i = 0; i < n; ++i) {
    std::string date;
    if (rng() % 8 != 0) {
      date = core::FormatIsoDate(absl::CivilDay(2025, 1, 1) + static_cast<int>(rng() % 40));
    }
    std::vector<std::string> countries;
    if (rng() % 2) countries.push_back(codes[rng() % codes.size()]);
    std::vector<std::string> actors;
    if (rng() % 3 == 0) actors.push_back(people[rng() % people.size()]);
    articles.push_back(MakeArticle(absl::StrCat("t", i), words(1, 2), words(2, 6), date,
                                   countries, actors, rng() % 4 ? "en" : "fr",
                                   rng() % 2 ? "Reuters" : "AP"));
  }
  return articles;
}

// Every document a query matches weighs the same in the whole database and
// in the docid range that holds it: the range filter changes no statistic
// and adds a weight of 0.
TEST(ParallelRankingTest, DocidRangeLeavesEveryWeightUnchanged) {
  std::mt19937 rng(7);
  Xapian::WritableDatabase db = testing::BuildIndex(TiedArticles(rng, 400));
  const Xapian::Database& reader = db;
  auto term = [](const char* word) {
    return Xapian::Query(core::FreeTextTerm(core::FieldId::kText, word));
  };
  const std::vector<Xapian::Query> queries = {
      term("pa"),
      Xapian::Query(Xapian::Query::OP_OR, term("pb"), term("pc")),
      Xapian::Query(Xapian::Query::OP_AND, term("pd"), term("pe")),
      Xapian::Query(Xapian::Query::OP_AND_MAYBE, term("pa"), term("pf")),
      Xapian::Query(Xapian::Query::OP_PHRASE, term("pb"), term("pd")),
      // The parser's default-field phrase: the range goes into both phrases.
      Xapian::Query(Xapian::Query::OP_FILTER,
                    Xapian::Query(Xapian::Query::OP_AND, term("pa"), term("pb")),
                    Xapian::Query(Xapian::Query::OP_OR,
                                  Xapian::Query(Xapian::Query::OP_PHRASE, term("pa"), term("pb")),
                                  Xapian::Query(Xapian::Query::OP_NEAR, term("pb"), term("pa")))),
  };
  int compared = 0;
  for (const Xapian::Query& query : queries) {
    // The stemmed terms must exist, or the comparison proves nothing.
    ASSERT_GT(reader.get_termfreq(*query.get_unique_terms_begin()), 0u)
        << query.get_description();
    Xapian::Enquire whole(reader);
    whole.set_query(query);
    std::map<Xapian::docid, double> weights;
    const Xapian::MSet all = whole.get_mset(0, reader.get_doccount());
    for (auto it = all.begin(); it != all.end(); ++it) weights[*it] = it.get_weight();
    ASSERT_FALSE(weights.empty());
    for (Xapian::docid split : {Xapian::docid{1}, Xapian::docid{137}, Xapian::docid{399}}) {
      size_t seen = 0;
      for (auto [first, last] : {std::pair(Xapian::docid{1}, split),
                                 std::pair(split + 1, reader.get_lastdocid())}) {
        Xapian::Enquire range(reader);
        range.set_query(internal::InDocidRange(query, first, last));
        const Xapian::MSet part = range.get_mset(0, reader.get_doccount(), reader.get_doccount());
        for (auto it = part.begin(); it != part.end(); ++it) {
          ASSERT_GE(*it, first);
          ASSERT_LE(*it, last);
          ASSERT_EQ(weights.count(*it), 1u);
          EXPECT_EQ(it.get_weight(), weights[*it]) << query.get_description() << " doc " << *it;
          ++compared;
        }
        seen += part.size();
        EXPECT_EQ(part.get_matches_lower_bound(), part.size());
      }
      EXPECT_EQ(seen, weights.size()) << query.get_description();
    }
  }
  EXPECT_GT(compared, 1000);
}

TEST(ParallelRankingTest, MergeKeepsTheSinglePassOrder) {
  using internal::RankedHit;
  using internal::RankedPage;
  RankedPage low, high;
  low.hits = {RankedHit{2, 3.0, 0, ""}, RankedHit{5, 1.5, 0, ""}, RankedHit{7, 1.5, 0, ""}};
  high.hits = {RankedHit{11, 3.0, 0, ""}, RankedHit{12, 2.0, 0, ""}, RankedHit{13, 1.5, 0, ""}};
  low.totals = {10, 8, 12};
  high.totals = {5, 5, 5};
  const RankedPage page = internal::MergeRanges(low, high, /*by_key=*/false, 1, 4);
  std::vector<Xapian::docid> got;
  for (const RankedHit& h : page.hits) got.push_back(h.docid);
  EXPECT_EQ(got, (std::vector<Xapian::docid>{11, 12, 5, 7}));
  EXPECT_EQ(page.totals.estimated, 15u);
  EXPECT_EQ(page.totals.lower, 13u);
  EXPECT_EQ(page.totals.upper, 17u);
  // By key first: a lower key ranks first whatever its weight.
  low.hits = {RankedHit{3, 1.0, 0, "a"}, RankedHit{4, 9.0, 0, "b"}};
  high.hits = {RankedHit{20, 2.0, 0, "a"}, RankedHit{21, 1.0, 0, "a"}};
  got.clear();
  for (const RankedHit& h : internal::MergeRanges(low, high, true, 0, 10).hits) {
    got.push_back(h.docid);
  }
  EXPECT_EQ(got, (std::vector<Xapian::docid>{20, 3, 21, 4}));
}

// Brute force: the split ranked pass (forced: every ranked query, whatever
// the load) against the single pass on the same glass index, on random
// requests over tied articles. Same totals, counts and hits in the same order
// with the same scores. With `beside`, the parallel Searcher also counts
// beside big pages: pages split beside a walk, not beside docid chunks.
class ParallelRankingBruteForceTest : public ::testing::TestWithParam<bool> {};
INSTANTIATE_TEST_SUITE_P(CountingBeside, ParallelRankingBruteForceTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return std::string(info.param ? "Beside" : "OnThisThread");
                         });

SearchRequest RandomRequest(std::mt19937& rng) {
  const std::vector<std::string> vocab = {"pa", "pb", "pc", "pd", "pe", "pf"};
  const std::string a = vocab[rng() % vocab.size()], b = vocab[rng() % vocab.size()];
  SearchRequest r;
  switch (rng() % 7) {
    case 0: r.q = ""; break;
    case 1: r.q = a; break;
    case 2: r.q = a + " " + b; break;
    case 3: r.q = a + " OR " + b; break;
    case 4: r.q = a + " -" + b; break;
    case 5: r.q = "\"" + a + " " + b + "\""; break;
    default: r.q = "title:" + a + " OR " + b; break;
  }
  if (rng() % 4 == 0) r.countries = {rng() % 2 ? "ir" : "us"};
  if (rng() % 5 == 0) r.languages = {"en"};
  if (rng() % 5 == 0) r.actors = {"Emmanuel Macron"};
  if (rng() % 4 == 0) r.from = absl::CivilDay(2025, 1, 1) + static_cast<int>(rng() % 20);
  const SortOrder sorts[] = {SortOrder::kRelevance, SortOrder::kNewest, SortOrder::kOldest,
                             SortOrder::kRelevanceRecency};
  r.sort = sorts[rng() % 4];
  const int offsets[] = {0, 0, 1, 7, 10, 33, 150};
  r.offset = offsets[rng() % 7];
  const int limits[] = {1, 10, 10, 25, 100};
  r.limit = limits[rng() % 5];
  r.exact_total = rng() % 2;
  if (rng() % 3 == 0) r.facets = {"country", "lang", "actor", "date"};
  r.snippets = false;
  return r;
}

TEST_P(ParallelRankingBruteForceTest, SplitPassAnswersExactlyAsTheSinglePass) {
  std::mt19937 rng(19);
  testing::TempGlassIndex glass(TiedArticles(rng, 700));
  SearcherOptions single_options;
  single_options.resolver = std::make_shared<DefaultFacetResolver>();
  single_options.parallel_rank_min_postings = -1;
  single_options.parallel_count_min_postings = 0;
  SearcherOptions split_options = single_options;
  split_options.parallel_rank_min_postings = 0;
  split_options.parallel_rank_max_in_flight = 1000;
  split_options.parallel_count_min_postings = GetParam() ? 1 : 0;
  auto single = Searcher::Open(glass.path(), single_options);
  auto split = Searcher::Open(glass.path(), split_options);
  ASSERT_TRUE(single.ok()) << single.status();
  ASSERT_TRUE(split.ok()) << split.status();

  int rounds_split = 0, rounds_with_hits = 0, rounds_exact = 0, tied_neighbours = 0;
  int phrase_splits = 0, phrase_facet_splits = 0;
  for (int round = 0; round < 300; ++round) {
    const SearchRequest r = RandomRequest(rng);
    SCOPED_TRACE(absl::StrCat("round ", round, " q=", r.q, " sort=", SortOrderName(r.sort),
                              " offset=", r.offset, " limit=", r.limit));
    absl::StatusOr<SearchResponse> want = (*single)->Search(r);
    absl::StatusOr<SearchResponse> got = (*split)->Search(r);
    ASSERT_TRUE(want.ok()) << want.status();
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_FALSE(want->ranked_in_parallel);
    rounds_split += got->ranked_in_parallel;
    phrase_splits += got->ranked_in_parallel && absl::StrContains(r.q, "\"");
    phrase_facet_splits +=
        got->ranked_in_parallel && absl::StrContains(r.q, "\"") && !r.facets.empty();
    rounds_with_hits += !want->hits.empty();

    ASSERT_EQ(got->hits.size(), want->hits.size());
    for (size_t i = 0; i < want->hits.size(); ++i) {
      EXPECT_EQ(got->hits[i].id, want->hits[i].id) << "hit " << i;
      EXPECT_EQ(got->hits[i].score, want->hits[i].score) << "hit " << i;
      EXPECT_EQ(got->hits[i].rank, want->hits[i].rank) << "hit " << i;
      if (i > 0 && want->hits[i].score == want->hits[i - 1].score) ++tied_neighbours;
    }
    // Totals are the same too: only a search whose total comes out exact
    // splits, so an estimate is always the single pass's own.
    rounds_exact += want->total_exact;
    EXPECT_EQ(got->total_exact, want->total_exact);
    EXPECT_EQ(got->total, want->total);
    EXPECT_EQ(got->total_lower, want->total_lower);
    EXPECT_EQ(got->total_upper, want->total_upper);
    ASSERT_EQ(got->facets.size(), want->facets.size());
    for (size_t f = 0; f < want->facets.size(); ++f) {
      ASSERT_EQ(got->facets[f].values.size(), want->facets[f].values.size());
      for (size_t v = 0; v < want->facets[f].values.size(); ++v) {
        EXPECT_EQ(got->facets[f].values[v].value, want->facets[f].values[v].value);
        EXPECT_EQ(got->facets[f].values[v].count, want->facets[f].values[v].count);
      }
    }
    ASSERT_EQ(got->dates.has_value(), want->dates.has_value());
    if (want->dates) {
      ASSERT_EQ(got->dates->buckets.size(), want->dates->buckets.size());
      for (size_t d = 0; d < want->dates->buckets.size(); ++d) {
        EXPECT_EQ(got->dates->buckets[d].key, want->dates->buckets[d].key);
        EXPECT_EQ(got->dates->buckets[d].count, want->dates->buckets[d].count);
      }
    }
  }
  // The comparison covered the split path, pages with hits and tied weights.
  EXPECT_GT(rounds_split, GetParam() ? 30 : 120);
  // Phrases split too, with the range inside their position checks.
  EXPECT_GT(phrase_splits, 10);
  // Their facets count in the split page pass, one column counter per range.
  EXPECT_GT(phrase_facet_splits, 3);
  EXPECT_GT(rounds_exact, 150);
  EXPECT_GT(rounds_with_hits, 150);
  EXPECT_GT(tied_neighbours, 1000);
}

// The admission rule: while as many searches as max_in_flight run, a search
// ranks in one pass.
TEST(ParallelRankingTest, BusyProcessRanksInOnePass) {
  std::mt19937 rng(3);
  testing::TempGlassIndex glass(TiedArticles(rng, 100));
  SearcherOptions options;
  options.resolver = std::make_shared<DefaultFacetResolver>();
  options.parallel_rank_min_postings = 0;
  options.parallel_rank_max_in_flight = 2;
  auto searcher = Searcher::Open(glass.path(), options);
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  SearchRequest r;
  r.q = "pa OR pb";  // not one term alone, which never splits
  r.exact_total = true;  // an estimated total never splits
  absl::StatusOr<SearchResponse> alone = (*searcher)->Search(r);
  ASSERT_TRUE(alone.ok()) << alone.status();
  EXPECT_TRUE(alone->ranked_in_parallel);
  {
    const internal::SearchInFlight other;  // another search of the process
    absl::StatusOr<SearchResponse> busy = (*searcher)->Search(r);
    ASSERT_TRUE(busy.ok()) << busy.status();
    EXPECT_FALSE(busy->ranked_in_parallel);
  }
  // Never over a database without a directory (FromDatabase: it may be remote).
  auto in_memory = Searcher::FromDatabase(glass.db(), options);
  ASSERT_TRUE(in_memory.ok()) << in_memory.status();
  absl::StatusOr<SearchResponse> wrapped = (*in_memory)->Search(r);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status();
  EXPECT_FALSE(wrapped->ranked_in_parallel);
}

// A commit between the two ranges' reads cuts one of them short: the search
// retries as any other (core::RetryIfModified) and still answers.
TEST(ParallelRankingTest, SplitSearchesAnswerWhileAWriterCommits) {
  std::mt19937 rng(11);
  std::vector<core::Article> articles = TiedArticles(rng, 300);
  testing::TempGlassIndex glass(articles);
  SearcherOptions options;
  options.resolver = std::make_shared<DefaultFacetResolver>();
  options.parallel_rank_min_postings = 0;
  options.parallel_rank_max_in_flight = 1000;
  auto searcher = Searcher::Open(glass.path(), options);
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  std::atomic<bool> reading{true};
  std::atomic<int> commits{0};
  std::thread writer([&] {
    auto analyzer = core::Analyzer::Create();
    ASSERT_TRUE(analyzer.ok());
    indexer::WriterOptions writer_options;
    writer_options.batch_size = 5;
    writer_options.fsync = false;
    writer_options.lock_timeout = absl::Seconds(10);
    auto w = indexer::IndexWriter::Open(glass.path(), writer_options);
    ASSERT_TRUE(w.ok()) << w.status();
    for (int i = 0; reading.load(); ++i) {
      core::Article a = articles[static_cast<size_t>(i) % articles.size()];
      a.id = absl::StrCat("w", i);
      auto built = indexer::BuildDocument(a, **analyzer, false);
      ASSERT_TRUE(built.ok()) << built.status();
      ASSERT_TRUE((*w)->Write(*built).ok());
      if (i % 5 == 4) ++commits;
    }
  });
  int split = 0;
  // At least 400 searches, and on until the writer has committed 20 times.
  for (int i = 0; i < 400 || (commits.load() < 20 && i < 100000); ++i) {
    SearchRequest r;
    r.q = i % 2 ? "pa OR pb" : "pc pd";
    r.sort = i % 3 ? SortOrder::kRelevance : SortOrder::kNewest;
    r.snippets = false;
    r.exact_total = true;
    absl::StatusOr<SearchResponse> resp = (*searcher)->Search(r);
    ASSERT_TRUE(resp.ok()) << "search " << i << ": " << resp.status();
    split += resp->ranked_in_parallel;
    EXPECT_FALSE(resp->hits.empty());
  }
  reading = false;
  writer.join();
  EXPECT_GE(commits.load(), 20) << "the writer must really compete with the searches";
  EXPECT_GT(split, 100);
}

}  // namespace
}  // namespace newsdex::query

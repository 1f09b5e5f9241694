#include "query/snapshot_bm25.h"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "core/article.h"
#include "core/schema.h"
#include "gtest/gtest.h"
#include "query/facet_columns.h"
#include "query/search.h"
#include "query/test_index.h"

namespace newsdex::query {
namespace {

using testing::MakeArticle;

const std::vector<std::string>& Vocabulary() {
  static const std::vector<std::string> v = {"pa", "pb", "pc", "pd", "pe", "pf", "pg", "ph"};
  return v;
}

// Bodies of 1 to 60 words from a small vocabulary, a word often repeated:
// lengths and wdfs vary (the length part of BM25 matters), and equal
// (wdf, length) pairs make tied weights common.
std::vector<core::Article> VariedArticles(std::mt19937& rng, int n, int first_id = 0) {
  const std::vector<std::string>& vocab = Vocabulary();
  auto words = [&](int lo, int hi) {
    std::vector<std::string> w;
    const int count = lo + static_cast<int>(rng() % static_cast<unsigned>(hi - lo + 1));
    for (int i = 0; i < count; ++i) {
      // Skewed: "pa" in most documents (a term in more than half of them
      // takes BM25's floor on its idf), "ph" in few.
      const size_t k = std::min<size_t>(rng() % 3 == 0 ? 0 : rng() % vocab.size(),
                                        rng() % vocab.size());
      w.push_back(vocab[k]);
    }
    return absl::StrJoin(w, " ");
  };
  std::vector<core::Article> articles;
  for (int i = 0; i < n; ++i) {
    const std::string date =
        core::FormatIsoDate(absl::CivilDay(2025, 1, 1) + static_cast<int>(rng() % 30));
    articles.push_back(MakeArticle(absl::StrCat("v", first_id + i), words(1, 3), words(1, 60),
                                   date, {rng() % 2 ? "ir" : "us"}, {}, "en",
                                   rng() % 2 ? "Reuters" : "AP"));
  }
  return articles;
}

Xapian::Query Term(const std::string& word, Xapian::termcount wqf = 1) {
  return Xapian::Query(core::FreeTextTerm(core::FieldId::kText, word), wqf);
}

// Random queries of the shapes the rewrite changes and of those it leaves.
Xapian::Query RandomQuery(std::mt19937& rng) {
  const std::vector<std::string>& vocab = Vocabulary();
  auto word = [&] { return vocab[rng() % vocab.size()]; };
  const Xapian::Query filter(core::BooleanTerm(core::FieldId::kCountry, "ir"));
  switch (rng() % 9) {
    case 0: return Term(word());
    case 1: return Term(word(), 2);
    case 2: return Xapian::Query(Xapian::Query::OP_AND, Term(word()), Term(word()));
    case 3: {
      const std::vector<Xapian::Query> terms = {Term(word()), Term(word()), Term(word())};
      return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    }
    case 4: return Xapian::Query(Xapian::Query::OP_AND_MAYBE, Term(word()), Term(word()));
    case 5: return Xapian::Query(Xapian::Query::OP_AND_NOT, Term(word()), Term(word()));
    case 6: return Xapian::Query(Xapian::Query::OP_FILTER, Term(word()), filter);
    case 7:
      return Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(Xapian::Query::OP_PHRASE,
                                                               Term(word()), Term(word())),
                           Term(word()));
    default:
      return Xapian::Query(Xapian::Query::OP_OR,
                           Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Term(word()), 2.0),
                           Term(word()));
  }
}

// Every match of `query`, best first, with its weight.
std::vector<std::pair<Xapian::docid, double>> Ranked(const Xapian::Database& db,
                                                     const Xapian::Query& query,
                                                     Xapian::doccount limit) {
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  std::vector<std::pair<Xapian::docid, double>> out;
  const Xapian::MSet mset = enquire.get_mset(0, limit);
  for (auto it = mset.begin(); it != mset.end(); ++it) out.emplace_back(*it, it.get_weight());
  return out;
}

// Brute force: each random query ranks the same documents with the same
// weights, to the last bit, and in the same order, whether Xapian's
// BM25Weight weighs its terms or the rewrite's sources do; for whole result
// lists and for short pages (where the sources' bounds let the matcher prune).
TEST(SnapshotBm25Test, SameHitsWeightsAndOrderAsBm25Weight) {
  std::mt19937 rng(23);
  Xapian::WritableDatabase db = testing::BuildIndex(VariedArticles(rng, 600));
  absl::StatusOr<std::shared_ptr<const FacetColumns>> columns = FacetColumns::Build(db);
  ASSERT_TRUE(columns.ok()) << columns.status();
  const std::shared_ptr<const DocLengths> lengths = DocLengthsOf(*columns);
  int rewritten = 0, compared = 0, ties = 0;
  for (int round = 0; round < 400; ++round) {
    const Xapian::Query query = RandomQuery(rng);
    const Xapian::Query fast = SnapshotBm25(query, db, lengths);
    SCOPED_TRACE(absl::StrCat("round ", round, ": ", query.get_description()));
    rewritten += absl::StrContains(fast.get_description(), "Bm25TermSource");
    for (Xapian::doccount limit : {db.get_doccount(), Xapian::doccount{10}}) {
      const auto want = Ranked(db, query, limit);
      const auto got = Ranked(db, fast, limit);
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(got[i].first, want[i].first) << "hit " << i;
        ASSERT_EQ(got[i].second, want[i].second) << "hit " << i;
        ties += i > 0 && want[i].second == want[i - 1].second;
      }
      compared += static_cast<int>(want.size());
    }
  }
  // The comparison covered rewritten queries, many hits and tied weights.
  EXPECT_GT(rewritten, 300);
  EXPECT_GT(compared, 50000);
  EXPECT_GT(ties, 10000);
}

// What is rewritten: weighted terms under AND, OR, AND_MAYBE and the first
// side of FILTER and AND_NOT; not filters, phrases, scaled subqueries, or a
// term no document holds.
TEST(SnapshotBm25Test, RewritesOnlyWeightedTerms) {
  std::mt19937 rng(5);
  Xapian::WritableDatabase db = testing::BuildIndex(VariedArticles(rng, 50));
  const auto lengths = std::make_shared<DocLengths>(db.get_lastdocid() + 1, 1);
  auto sources = [&](const Xapian::Query& q) {
    const std::string d = SnapshotBm25(q, db, lengths).get_description();
    int n = 0;
    for (size_t at = d.find("Bm25TermSource"); at != std::string::npos;
         at = d.find("Bm25TermSource", at + 1)) {
      ++n;
    }
    return n;
  };
  const Xapian::Query country(core::BooleanTerm(core::FieldId::kCountry, "ir"));
  EXPECT_EQ(sources(Term("pa")), 1);
  EXPECT_EQ(sources(Term("nosuchword")), 0);
  EXPECT_EQ(sources(Xapian::Query(Xapian::Query::OP_FILTER, Term("pa"), country)), 1);
  EXPECT_EQ(sources(Xapian::Query(Xapian::Query::OP_AND_NOT, Term("pa"), Term("pb"))), 1);
  EXPECT_EQ(sources(Xapian::Query(Xapian::Query::OP_AND_MAYBE, Term("pa"), Term("pb"))), 2);
  EXPECT_EQ(sources(Xapian::Query(Xapian::Query::OP_PHRASE, Term("pa"), Term("pb"))), 0);
  EXPECT_EQ(sources(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Term("pa"), 3.0)), 0);
  EXPECT_EQ(sources(Xapian::Query(Xapian::Query::OP_OR,
                                  Xapian::Query(Xapian::Query::OP_SYNONYM, Term("pa"), Term("pb")),
                                  Term("pc"))),
            1);
}

// Documents added after the snapshot have no length in it: they are read
// from the database, and the weights stay Xapian's.
TEST(SnapshotBm25Test, DocumentsNewerThanTheSnapshotKeepTheirWeights) {
  std::mt19937 rng(31);
  Xapian::WritableDatabase db = testing::BuildIndex(VariedArticles(rng, 200));
  absl::StatusOr<std::shared_ptr<const FacetColumns>> columns = FacetColumns::Build(db);
  ASSERT_TRUE(columns.ok()) << columns.status();
  testing::AddArticles(db, VariedArticles(rng, 100, /*first_id=*/200));
  ASSERT_EQ(db.get_lastdocid(), 300u);
  ASSERT_EQ((*columns)->doc_lengths().size(), 201u);
  for (const std::string& w : Vocabulary()) {
    const Xapian::Query q = Term(w);
    const auto want = Ranked(db, q, db.get_doccount());
    const auto got = Ranked(db, SnapshotBm25(q, db, DocLengthsOf(*columns)), db.get_doccount());
    ASSERT_EQ(got, want) << w;
    bool newer = false;
    for (const auto& [did, wt] : want) newer |= did > 200;
    EXPECT_TRUE(newer) << w;
  }
}

// Through the Searcher, parsed queries with filters, phrases, facets and
// each order: the same answer with the snapshot's lengths as without.
TEST(SnapshotBm25Test, SearcherAnswersAsWithXapiansLengths) {
  std::mt19937 rng(41);
  testing::TempGlassIndex glass(VariedArticles(rng, 500));
  SearcherOptions plain;
  plain.resolver = std::make_shared<DefaultFacetResolver>();
  plain.snapshot_bm25 = false;
  SearcherOptions fast = plain;
  fast.snapshot_bm25 = true;
  auto want_searcher = Searcher::Open(glass.path(), plain);
  auto got_searcher = Searcher::Open(glass.path(), fast);
  ASSERT_TRUE(want_searcher.ok()) << want_searcher.status();
  ASSERT_TRUE(got_searcher.ok()) << got_searcher.status();
  const std::vector<std::string>& vocab = Vocabulary();
  int hits = 0;
  for (int round = 0; round < 200; ++round) {
    const std::string a = vocab[rng() % vocab.size()], b = vocab[rng() % vocab.size()];
    const std::string queries[] = {a, a + " " + b, a + " OR " + b, a + " -" + b,
                                   "\"" + a + " " + b + "\" OR " + b, "title:" + a + " " + b};
    SearchRequest r;
    r.q = queries[rng() % 6];
    if (rng() % 3 == 0) r.countries = {"ir"};
    const SortOrder sorts[] = {SortOrder::kRelevance, SortOrder::kRelevanceRecency,
                               SortOrder::kNewest};
    r.sort = sorts[rng() % 3];
    r.limit = rng() % 2 ? 10 : 100;
    r.exact_total = true;
    if (rng() % 3 == 0) r.facets = {"country", "source"};
    r.snippets = false;
    SCOPED_TRACE(absl::StrCat("round ", round, " q=", r.q, " sort=", SortOrderName(r.sort)));
    absl::StatusOr<SearchResponse> want = (*want_searcher)->Search(r);
    absl::StatusOr<SearchResponse> got = (*got_searcher)->Search(r);
    ASSERT_TRUE(want.ok()) << want.status();
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->total, want->total);
    ASSERT_EQ(got->hits.size(), want->hits.size());
    for (size_t i = 0; i < want->hits.size(); ++i) {
      EXPECT_EQ(got->hits[i].id, want->hits[i].id) << "hit " << i;
      EXPECT_EQ(got->hits[i].score, want->hits[i].score) << "hit " << i;
    }
    hits += static_cast<int>(want->hits.size());
    ASSERT_EQ(got->facets.size(), want->facets.size());
    for (size_t f = 0; f < want->facets.size(); ++f) {
      ASSERT_EQ(got->facets[f].values.size(), want->facets[f].values.size());
      for (size_t v = 0; v < want->facets[f].values.size(); ++v) {
        EXPECT_EQ(got->facets[f].values[v].count, want->facets[f].values[v].count);
      }
    }
  }
  EXPECT_GT(hits, 5000);
}

}  // namespace
}  // namespace newsdex::query

#include "query/facet_columns.h"

#include <atomic>
#include <filesystem>
#include <map>
#include <set>

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "core/analyzer.h"
#include "core/schema.h"
#include "gtest/gtest.h"
#include "indexer/document_builder.h"
#include "indexer/index_writer.h"
#include "query/test_index.h"

namespace newsdex::query {
namespace {

using testing::MakeArticle;
using Counts = std::map<std::string, uint64_t>;

constexpr FacetField kFields[] = {FacetField::kActor,    FacetField::kCountry,
                                  FacetField::kAbout,    FacetField::kLanguage,
                                  FacetField::kSource,   FacetField::kDate};

Xapian::valueno SlotOf(FacetField f) { return static_cast<Xapian::valueno>(FacetSlot(f)); }

// Counts of every field over the documents matching `query`, through the
// columns.
std::map<FacetField, Counts> ColumnCounts(std::shared_ptr<const FacetColumns> columns,
                                          const Xapian::Database& db,
                                          const Xapian::Query& query) {
  std::vector<FacetField> fields(std::begin(kFields), std::end(kFields));
  FacetColumnCounter counter(std::move(columns), fields);
  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  enquire.add_matchspy(&counter);
  enquire.get_mset(0, 0, db.get_doccount());
  std::map<FacetField, Counts> out;
  for (FacetField f : kFields) {
    for (const auto& [value, n] : counter.Counts(f)) out[f][std::string(value)] = n;
  }
  return out;
}

// The same through stock ValueCountMatchSpy (the reference path).
std::map<FacetField, Counts> StockCounts(const Xapian::Database& db, const Xapian::Query& query) {
  std::map<FacetField, Counts> out;
  for (FacetField f : kFields) {
    Xapian::ValueCountMatchSpy spy(SlotOf(f));
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.add_matchspy(&spy);
    enquire.get_mset(0, 0, db.get_doccount());
    for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
      for (const std::string& v : core::UnpackValues(*it)) {
        if (!v.empty()) out[f][v] += it.get_termfreq();
      }
    }
  }
  return out;
}

std::vector<core::Article> Batch(int first, int n) {
  const char* kCountries[] = {"ir*", "us", "gb", "fr*", "de"};
  const char* kActors[] = {"Ali Khamenei", "Emmanuel Macron", "Olaf Scholz"};
  std::vector<core::Article> out;
  for (int i = first; i < first + n; ++i) {
    std::vector<std::string> countries, actors;
    for (int c = 0; c < 5; ++c) {
      if ((i >> c) & 1) countries.push_back(kCountries[c]);
    }
    for (int a = 0; a < 3; ++a) {
      if ((i * 7 >> a) % 3 == 0) actors.push_back(kActors[a]);
    }
    const std::string date = i % 4 == 0 ? "" : absl::StrCat("2025-0", 1 + i % 9, "-1", i % 10);
    out.push_back(MakeArticle(absl::StrCat("a", i), absl::StrCat("title ", i % 3 ? "even" : "odd"),
                              "body words", date, countries, actors,
                              i % 5 == 0 ? "" : (i % 2 ? "en" : "fr"),
                              i % 6 == 0 ? "" : (i % 3 ? "Reuters" : "AP")));
  }
  return out;
}

const std::vector<Xapian::Query>& Queries() {
  static const auto* queries = new std::vector<Xapian::Query>{
      Xapian::Query::MatchAll, Xapian::Query("Zodd"), Xapian::Query("Nus"),
      Xapian::Query(Xapian::Query::OP_OR, Xapian::Query("Zeven"), Xapian::Query("XAolaf scholz"))};
  return *queries;
}

// A glass database in a temp dir written through IndexWriter (which keeps
// the newsdex.rewrites counter).
class GlassDb {
 public:
  GlassDb() {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             absl::StrCat("newsdex_facetcols_test_", ::getpid(), "_", counter++))
                .string();
    std::filesystem::remove_all(path_);
  }
  ~GlassDb() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  void Write(const std::vector<core::Article>& articles) {
    testing::WriteWithIndexer(path_, articles);
  }
  void Delete(absl::string_view id) {
    auto writer = indexer::IndexWriter::Open(path_, indexer::WriterOptions());
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->Delete(id).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  Xapian::Database Open() const { return Xapian::Database(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

DatabaseIdentity Identity(const Xapian::Database& db) {
  auto id = IdentityOf(db);
  EXPECT_TRUE(id.ok() && id->has_value());
  return id.ok() && *id ? **id : DatabaseIdentity();
}

TEST(FacetColumnsTest, CountsMultiValuedAndMissingValuesLikeTheStockSpies) {
  Xapian::WritableDatabase db = testing::BuildIndex(Batch(0, 64));
  auto columns = FacetColumns::Build(db);
  ASSERT_TRUE(columns.ok()) << columns.status();
  for (const Xapian::Query& q : Queries()) {
    SCOPED_TRACE(q.get_description());
    std::map<FacetField, Counts> stock = StockCounts(db, q);
    EXPECT_EQ(ColumnCounts(*columns, db, q), stock);
    EXPECT_FALSE(stock[FacetField::kActor].empty());
  }
  // Hand-checked corners: documents without a source or a date are not
  // counted under an empty key (the builder stores "en" for no language).
  std::map<FacetField, Counts> all = ColumnCounts(*columns, db, Xapian::Query::MatchAll);
  EXPECT_EQ(all[FacetField::kSource].count(""), 0u);
  uint64_t with_source = 0, with_date = 0;
  for (const auto& [v, n] : all[FacetField::kSource]) with_source += n;
  for (const auto& [v, n] : all[FacetField::kDate]) with_date += n;
  EXPECT_EQ(with_source, 64u - 11u);  // i % 6 == 0 for 11 of 0..63
  EXPECT_EQ(with_date, 64u - 16u);    // i % 4 == 0 for 16 of 0..63
  // A document with three countries counts once under each.
  EXPECT_EQ(all[FacetField::kCountry]["us"], 32u);
  // An in-memory database has no shareable identity.
  auto id = IdentityOf(db);
  ASSERT_TRUE(id.ok());
  EXPECT_FALSE(id->has_value());
}

TEST(FacetColumnsTest, ExtensionAfterAppendsEqualsAFullBuild) {
  GlassDb glass;
  glass.Write(Batch(0, 40));
  Xapian::Database db = glass.Open();
  auto first = FacetColumns::Build(db);
  ASSERT_TRUE(first.ok()) << first.status();
  glass.Write(Batch(40, 50));
  glass.Write(Batch(90, 7));
  ASSERT_TRUE(db.reopen());
  const DatabaseIdentity id = Identity(db);
  EXPECT_FALSE((*first)->ValidFor(id));
  auto extended = FacetColumns::Extend(**first, db);
  ASSERT_TRUE(extended.ok()) << extended.status();
  auto full = FacetColumns::Build(db);
  ASSERT_TRUE(full.ok());
  EXPECT_TRUE((*extended)->ValidFor(id));
  EXPECT_EQ((*extended)->lastdocid(), 97u);
  for (FacetField f : kFields) {
    std::set<std::string> a((*extended)->values(f).begin(), (*extended)->values(f).end());
    std::set<std::string> b((*full)->values(f).begin(), (*full)->values(f).end());
    EXPECT_EQ(a, b);
  }
  for (const Xapian::Query& q : Queries()) {
    SCOPED_TRACE(q.get_description());
    const auto want = StockCounts(db, q);
    EXPECT_EQ(ColumnCounts(*extended, db, q), want);
    EXPECT_EQ(ColumnCounts(*full, db, q), want);
  }
  // Every document's length, built or extended, is the database's.
  for (const auto& snapshot : {*extended, *full}) {
    ASSERT_EQ(snapshot->doc_lengths().size(), 98u);
    for (Xapian::docid did = 1; did <= 97; ++did) {
      EXPECT_EQ(snapshot->doc_lengths()[did], db.get_doclength(did)) << "doc " << did;
    }
  }
  // The old snapshot still answers for its own (older) revision, and the new
  // one for the old revision too (a superset when only additions happened).
  EXPECT_TRUE((*first)->ValidFor((*first)->identity()));
  EXPECT_TRUE((*extended)->ValidFor((*first)->identity()));
}

// The counter copies a fixed 32 bytes of codes per document and counts the
// rest of a longer run apart, and codes are 1, 2 or 4 bytes wide by the
// number of values: a column that outgrows one byte in an extension, runs
// longer than the copy at both widths, and more matches than one counting
// block (256) must all count like the stock spies.
TEST(FacetColumnsTest, WidenedColumnsLongRunsAndManyBlocksCountLikeTheStockSpies) {
  auto articles = [](int first, int n, int actors_per_doc, const std::string& prefix) {
    std::vector<core::Article> out;
    for (int i = first; i < first + n; ++i) {
      std::vector<std::string> actors;
      const int k = i % 10 == 0 ? actors_per_doc : 1 + i % 2;
      for (int a = 0; a < k; ++a) actors.push_back(absl::StrCat(prefix, " ", (i + a) % 97));
      if (i % 10 == 0) actors.push_back(absl::StrCat("Only ", i));
      out.push_back(MakeArticle(absl::StrCat("w", i), i % 3 ? "title even" : "title odd", "body",
                                absl::StrCat("2025-0", 1 + i % 9, "-1", i % 10), {"us", "fr"},
                                actors));
    }
    return out;
  };
  GlassDb glass;
  // 40 actors in one document: longer than a 1-byte copy (32 codes).
  glass.Write(articles(0, 60, 40, "Actor"));
  Xapian::Database db = glass.Open();
  auto narrow = FacetColumns::Build(db);
  ASSERT_TRUE(narrow.ok()) << narrow.status();
  ASSERT_LT((*narrow)->values(FacetField::kActor).size(), 256u);
  // Then over 255 actors (2-byte codes: a 16-code copy) and 400 documents.
  glass.Write(articles(60, 340, 20, "Player"));
  glass.Write(articles(400, 5, 30, "Person"));
  ASSERT_TRUE(db.reopen());
  auto extended = FacetColumns::Extend(**narrow, db);
  ASSERT_TRUE(extended.ok()) << extended.status();
  ASSERT_GT((*extended)->values(FacetField::kActor).size(), 256u);
  auto full = FacetColumns::Build(db);
  ASSERT_TRUE(full.ok()) << full.status();
  const std::vector<FacetField> fields(std::begin(kFields), std::end(kFields));
  for (const Xapian::Query& q : {Xapian::Query::MatchAll, Xapian::Query("Zodd")}) {
    SCOPED_TRACE(q.get_description());
    const auto want = StockCounts(db, q);
    EXPECT_EQ(ColumnCounts(*extended, db, q), want);
    EXPECT_EQ(ColumnCounts(*full, db, q), want);
    FacetColumnCounter walked(*extended, fields);
    ASSERT_TRUE(CountConjunction(db, *ConjunctionTerms(q), &walked).ok());
    for (FacetField f : kFields) {
      auto got = walked.Counts(f);
      EXPECT_EQ(Counts(got.begin(), got.end()), want.count(f) ? want.at(f) : Counts()) << int(f);
    }
  }
  // Hand-checked: "Actor 39" is in the long runs of documents 0, 10, 20 and
  // 30 (actors i .. i + 39) and in document 39 (actors 39 and 40).
  const auto all = ColumnCounts(*extended, db, Xapian::Query::MatchAll);
  EXPECT_EQ(all.at(FacetField::kActor).at("actor 39"), 5u);  // keys are folded
  EXPECT_EQ(all.at(FacetField::kCountry).at("us"), 405u);
}

TEST(FacetColumnsTest, ReplaceOrDeleteForcesAFullBuild) {
  GlassDb glass;
  glass.Write(Batch(0, 30));
  Xapian::Database db = glass.Open();
  EXPECT_EQ(db.get_metadata(core::kRewritesKey), "");
  FacetColumnsCache cache;
  auto first = cache.GetOrBuild(db, Identity(db));
  ASSERT_TRUE(first.ok()) << first.status();

  // Replace a0 (no countries) with a version mentioning "jp".
  glass.Write({MakeArticle("a0", "title odd", "new body", "2025-01-01", {"jp"}, {}, "en")});
  ASSERT_TRUE(db.reopen());
  EXPECT_EQ(db.get_metadata(core::kRewritesKey), "1");
  DatabaseIdentity id = Identity(db);
  EXPECT_FALSE(cache.CanExtend(id));
  EXPECT_EQ(cache.Find(id), nullptr);
  EXPECT_EQ(FacetColumns::Extend(**first, db).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto second = cache.GetOrBuild(db, id);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *first);
  EXPECT_EQ(ColumnCounts(*second, db, Xapian::Query::MatchAll)[FacetField::kCountry]["jp"], 1u);
  EXPECT_EQ(ColumnCounts(*second, db, Xapian::Query::MatchAll), StockCounts(db, Xapian::Query::MatchAll));

  glass.Delete("a3");
  ASSERT_TRUE(db.reopen());
  EXPECT_EQ(db.get_metadata(core::kRewritesKey), "2");
  id = Identity(db);
  EXPECT_FALSE(cache.CanExtend(id));
  auto third = cache.GetOrBuild(db, id);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(ColumnCounts(*third, db, Xapian::Query::MatchAll), StockCounts(db, Xapian::Query::MatchAll));
  // Appends only: the cache extends (and then hands out the same snapshot).
  glass.Write(Batch(100, 5));
  ASSERT_TRUE(db.reopen());
  id = Identity(db);
  EXPECT_TRUE(cache.CanExtend(id));
  auto fourth = cache.GetOrBuild(db, id);
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(*cache.GetOrBuild(db, id), *fourth);
  EXPECT_EQ(cache.Find(id), *fourth);
  EXPECT_EQ(ColumnCounts(*fourth, db, Xapian::Query::MatchAll), StockCounts(db, Xapian::Query::MatchAll));
}

// A writer that deletes without bumping newsdex.rewrites is caught by the
// document count instead of silently counting a deleted document.
TEST(FacetColumnsTest, DeleteWithoutTheCounterIsDetected) {
  GlassDb glass;
  glass.Write(Batch(0, 20));
  Xapian::Database db = glass.Open();
  auto first = FacetColumns::Build(db);
  ASSERT_TRUE(first.ok());
  {
    Xapian::WritableDatabase w(glass.path(), Xapian::DB_OPEN);
    w.delete_document(3);
    w.commit();
  }
  glass.Write(Batch(50, 2));
  ASSERT_TRUE(db.reopen());
  EXPECT_EQ(FacetColumns::Extend(**first, db).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(FacetColumnsTest, PostingWalkCountsTheSameDocumentsAsTheMatcher) {
  Xapian::WritableDatabase db = testing::BuildIndex(Batch(0, 200));
  auto columns = FacetColumns::Build(db);
  ASSERT_TRUE(columns.ok());
  const std::vector<FacetField> fields(std::begin(kFields), std::end(kFields));
  const Xapian::Query kUs("Nus"), kIr("Nir"), kFr("Nfr"), kOdd("Zodd"), kNone("Znosuchterm");
  const Xapian::Query kCases[] = {
      kUs,
      Xapian::Query(Xapian::Query::OP_AND, kUs, kIr),
      Xapian::Query(Xapian::Query::OP_FILTER, kOdd, Xapian::Query(Xapian::Query::OP_AND, kIr, kFr)),
      Xapian::Query(Xapian::Query::OP_AND, Xapian::Query(Xapian::Query::OP_AND, kOdd, kUs),
                    Xapian::Query(Xapian::Query::OP_AND, kIr, kFr)),
      Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_AND, kOdd, kUs), 2.0),
      Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query::MatchAll, kFr),
      Xapian::Query(Xapian::Query::OP_AND, kUs, kNone),
  };
  for (const Xapian::Query& q : kCases) {
    SCOPED_TRACE(q.get_description());
    std::optional<std::vector<std::string>> terms = ConjunctionTerms(q);
    ASSERT_TRUE(terms.has_value());
    FacetColumnCounter walked(*columns, fields);
    auto n = CountConjunction(db, *terms, &walked);
    ASSERT_TRUE(n.ok()) << n.status();
    FacetColumnCounter matched(*columns, fields);
    Xapian::Enquire enquire(db);
    enquire.set_query(q);
    enquire.add_matchspy(&matched);
    EXPECT_EQ(*n, enquire.get_mset(0, 0, db.get_doccount()).get_matches_estimated());
    for (FacetField f : kFields) {
      auto a = walked.Counts(f), b = matched.Counts(f);
      EXPECT_EQ(Counts(a.begin(), a.end()), Counts(b.begin(), b.end()));
    }
  }
  FacetColumnCounter both(*columns, fields);
  EXPECT_GT(*CountConjunction(db, *ConjunctionTerms(kCases[1]), &both), 10u);  // not vacuous
  // Anything but a conjunction goes to the matcher.
  EXPECT_FALSE(ConjunctionTerms(Xapian::Query(Xapian::Query::OP_OR, kUs, kIr)));
  EXPECT_FALSE(ConjunctionTerms(Xapian::Query(Xapian::Query::OP_AND_NOT, kUs, kIr)));
  EXPECT_FALSE(ConjunctionTerms(Xapian::Query(Xapian::Query::OP_PHRASE, kOdd, kUs)));
  EXPECT_FALSE(ConjunctionTerms(Xapian::Query(Xapian::Query::OP_AND, kUs,
                                              Xapian::Query(Xapian::Query::OP_OR, kIr, kFr))));
}

TEST(FacetColumnsTest, BackgroundBuildIsPublishedOnce) {
  GlassDb glass;
  glass.Write(Batch(0, 25));
  Xapian::Database db = glass.Open();
  const DatabaseIdentity id = Identity(db);
  FacetColumnsCache cache;
  EXPECT_EQ(cache.Find(id), nullptr);
  cache.BuildInBackground(glass.path(), id);
  cache.BuildInBackground(glass.path(), id);  // already queued: no second build
  cache.WaitIdle();
  std::shared_ptr<const FacetColumns> found = cache.Find(id);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(ColumnCounts(found, db, Xapian::Query::MatchAll), StockCounts(db, Xapian::Query::MatchAll));
  // Nothing new: a further request publishes nothing new.
  cache.BuildInBackground(glass.path(), id);
  cache.WaitIdle();
  EXPECT_EQ(cache.Find(id), found);
  EXPECT_GT(found->MemoryBytes(), 25u * 4u);
}

}  // namespace
}  // namespace newsdex::query

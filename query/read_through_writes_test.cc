// Searches answer while a writer commits as fast as it can: a commit may cut a
// read short (Xapian's DatabaseModifiedError), but the Searcher's retries and
// its last attempt under the commit gate (core/commit_gate.h) mean a reader is
// never refused because a writer is busy.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "core/analyzer.h"
#include "gtest/gtest.h"
#include "indexer/document_builder.h"
#include "indexer/index_writer.h"
#include "query/search.h"
#include "query/test_index.h"

namespace newsdex::query {
namespace {

core::Article Story(int i) {
  static const char* const kWords[] = {"market", "trade", "oil", "talks", "bank", "rates",
                                       "export", "wheat", "shares", "budget"};
  std::string body;
  for (int k = 0; k < 60; ++k) absl::StrAppend(&body, kWords[(i * 7 + k * 3) % 10], " ");
  return testing::MakeArticle(absl::StrCat("s", i), absl::StrCat("Market report ", i), body,
                              absl::StrCat("2024-0", 1 + i % 9, "-1", i % 10),
                              {i % 2 ? "us*" : "fr", "de"}, {"Jane Roe"});
}

// Writes articles s4000, s4001, ... committing every 10 until destroyed.
class BusyWriter {
 public:
  explicit BusyWriter(const std::string& path) : thread_([this, path] { Run(path); }) {}
  ~BusyWriter() {
    stop_ = true;
    thread_.join();
  }
  int commits() const { return commits_.load(); }

 private:
  void Run(const std::string& path) {
    auto analyzer = core::Analyzer::Create();
    ASSERT_TRUE(analyzer.ok());
    indexer::WriterOptions options;
    options.batch_size = 10;  // Write commits every 10 documents
    options.fsync = false;    // commits as fast as the disk cache allows
    options.lock_timeout = absl::Seconds(10);
    auto w = indexer::IndexWriter::Open(path, options);
    ASSERT_TRUE(w.ok()) << w.status();
    for (int i = 4000; !stop_.load(); ++i) {
      auto built = indexer::BuildDocument(Story(i), **analyzer, false);
      ASSERT_TRUE(built.ok()) << built.status();
      ASSERT_TRUE((*w)->Write(*built).ok());
      if (i % 10 == 9) ++commits_;
    }
  }
  std::atomic<bool> stop_{false};
  std::atomic<int> commits_{0};
  std::thread thread_;
};

// Runs `read` (returning a status) for five seconds beside a BusyWriter and
// expects no refusal.
template <typename Read>
void ExpectNoRefusals(const testing::TempGlassIndex& index, Read&& read) {
  int reads = 0, refused = 0, commits = 0;
  absl::Status first_refusal;
  {
    BusyWriter writer(index.path());
    const absl::Time end = absl::Now() + absl::Seconds(5);
    while (absl::Now() < end) {
      absl::Status status = read();
      ++reads;
      if (!status.ok() && refused++ == 0) first_refusal = status;
    }
    commits = writer.commits();
  }
  EXPECT_GT(commits, 20) << "the writer must really compete with the reader";
  EXPECT_EQ(refused, 0) << "of " << reads << " reads during " << commits
                        << " commits; first: " << first_refusal;
}

std::vector<core::Article> InitialStories() {
  std::vector<core::Article> initial;
  for (int i = 0; i < 4000; ++i) initial.push_back(Story(i));
  return initial;
}

TEST(ReadThroughWritesTest, SearchesAnswerWhileAWriterCommitsAsFastAsItCan) {
  testing::TempGlassIndex index(InitialStories());
  SearcherOptions options;
  options.parallel_count_min_postings = 0;
  auto searcher = Searcher::Open(index.path(), options);
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  SearchRequest request;
  request.q = "market OR trade OR oil";
  request.limit = 100;
  request.exact_total = true;
  request.facets = {"country", "actor", "date"};
  ExpectNoRefusals(index, [&] { return (*searcher)->Search(request).status(); });
}

// Articles, related articles, facet values and stats read through the same
// library retry as searches (not only through the daemon's).
TEST(ReadThroughWritesTest, OtherReadsAnswerWhileAWriterCommitsAsFastAsItCan) {
  testing::TempGlassIndex index(InitialStories());
  auto searcher = Searcher::Open(index.path(), SearcherOptions());
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  int turn = 0;
  ExpectNoRefusals(index, [&]() -> absl::Status {
    switch (turn++ % 4) {
      case 0: return (*searcher)->GetArticle(absl::StrCat("s", turn % 4000)).status();
      case 1: return (*searcher)->Related(absl::StrCat("s", turn % 4000), 50).status();
      case 2: return (*searcher)->FacetValues("country", "", 100).status();
      default: return (*searcher)->Stats().status();
    }
  });
}

}  // namespace
}  // namespace newsdex::query

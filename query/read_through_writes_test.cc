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

TEST(ReadThroughWritesTest, SearchesAnswerWhileAWriterCommitsAsFastAsItCan) {
  std::vector<core::Article> initial;
  for (int i = 0; i < 4000; ++i) initial.push_back(Story(i));
  testing::TempGlassIndex index(initial);

  std::atomic<bool> stop{false};
  std::atomic<int> commits{0};
  std::thread writer([&] {
    auto analyzer = core::Analyzer::Create();
    ASSERT_TRUE(analyzer.ok());
    indexer::WriterOptions options;
    options.batch_size = 10;  // Write commits every 10 documents
    options.fsync = false;    // commits as fast as the disk cache allows
    options.lock_timeout = absl::Seconds(10);
    auto w = indexer::IndexWriter::Open(index.path(), options);
    ASSERT_TRUE(w.ok()) << w.status();
    for (int i = 4000; !stop.load(); ++i) {
      auto built = indexer::BuildDocument(Story(i), **analyzer, false);
      ASSERT_TRUE(built.ok()) << built.status();
      ASSERT_TRUE((*w)->Write(*built).ok());
      if (i % 10 == 9) ++commits;
    }
  });

  SearcherOptions options;
  options.parallel_count_min_postings = 0;
  auto searcher = Searcher::Open(index.path(), options);
  ASSERT_TRUE(searcher.ok()) << searcher.status();
  SearchRequest request;
  request.q = "market OR trade OR oil";
  request.limit = 100;
  request.exact_total = true;
  request.facets = {"country", "actor", "date"};
  int searches = 0, refused = 0;
  absl::Status first_refusal;
  const absl::Time end = absl::Now() + absl::Seconds(5);
  while (absl::Now() < end) {
    absl::StatusOr<SearchResponse> r = (*searcher)->Search(request);
    ++searches;
    if (!r.ok() && refused++ == 0) first_refusal = r.status();
  }
  stop = true;
  writer.join();
  EXPECT_GT(commits.load(), 20) << "the writer must really compete with the reader";
  EXPECT_EQ(refused, 0) << "of " << searches << " searches during " << commits.load()
                        << " commits; first: " << first_refusal;
}

}  // namespace
}  // namespace newsdex::query

// The indexing pipeline: read articles (one thread), extract facets and build
// documents (a pool of threads, each with its own Analyzer), write them in input
// order (the calling thread, the only one touching Xapian's writer; with
// IndexPathsSharded, one thread per shard database instead).
//
// Thread safety: IndexPaths is called from one thread; callbacks it is given
// may be invoked from any pipeline thread but never concurrently.
#ifndef NEWSDEX_INDEXER_PIPELINE_H_
#define NEWSDEX_INDEXER_PIPELINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/analyzer.h"
#include "core/article.h"
#include "core/cluster.h"
#include "indexer/cluster_writer.h"
#include "indexer/index_writer.h"
#include "indexer/reader.h"

namespace newsdex::indexer {

class FacetExtractor;
struct ArticleTokens;

struct PipelineOptions {
  ReadOptions read;
  int threads = 2;                            // build threads
  const FacetExtractor* extractor = nullptr;  // null: facets from metadata only
  bool spelling = true;
  // Polled between articles; when it becomes true the run stops after writing
  // what was already built, and commits.
  const std::atomic<bool>* stop = nullptr;
  // Called about every 250 ms with the counts so far (from the writer thread).
  std::function<void(uint64_t docs, uint64_t bytes)> progress;
};

struct PipelineCounts {
  uint64_t read = 0;    // articles the readers produced
  uint64_t failed = 0;  // bad files, records and articles that could not be built
  uint64_t bytes = 0;   // input bytes consumed
  bool stopped = false; // the stop flag ended the run early
};

// Runs the pipeline over `paths`, writing into `writer`, and commits at the
// end. Bad input goes to `on_error` and is counted; only a database failure
// returns an error (after which nothing more is written).
absl::StatusOr<PipelineCounts> IndexPaths(const std::vector<std::string>& paths,
                                          IndexWriter& writer,
                                          const PipelineOptions& options,
                                          const ErrorCallback& on_error);

// IndexPaths into a cluster: each article to its shard's writer
// (ClusterWriter::Write), in input order; commits every shard at the end.
absl::StatusOr<PipelineCounts> IndexPaths(const std::vector<std::string>& paths,
                                          ClusterWriter& writer,
                                          const PipelineOptions& options,
                                          const ErrorCallback& on_error);

// Like IndexPaths, but spreads the documents over several writers, each fed by
// its own thread: a document goes to shards[ShardOf(id, shards.size())] (the
// cluster's routing, so a ClusterWriter's shard_writers() may be given), so all
// versions of one id meet in one shard, in input order. Commits every shard at
// the end. The writers' databases must be distinct (Xapian allows one writer
// per database); see indexer/bulk_loader.h for merging them.
// With options.spelling, spelling words are counted over the whole run and
// each word is added once, with its total count, to one shard chosen by a hash
// of the word, before that shard's last commit: a shard is not visible before
// the end anyway, and once per word and run is fewer Xapian calls than once
// per word and batch or per word and shard. Each shard's spelling table alone
// is therefore not that of its documents; the shards' union (what compaction
// makes of them) is.
// With a `spelling` writer (a database of its own that is merged with the
// shards afterwards, as BulkLoad does), every word goes there instead, with
// its count over the whole run, and the shards get none: the words are counted
// as documents leave for the shards and added as soon as the last document is
// built, while the shard writers are still draining their queues; and since
// only one database holds spelling entries, compaction copies them instead of
// merging each fragment's word lists from several shards.
// A writer's error is passed through `name_error` (when given) with its shard
// index, so the caller can say which shard failed (ClusterWriter::NameShard).
// REQUIRES: the shard writers (and `spelling`) were opened with spelling off.
using ShardErrorNamer = std::function<absl::Status(size_t shard, const absl::Status&)>;
absl::StatusOr<PipelineCounts> IndexPathsSharded(const std::vector<std::string>& paths,
                                                 const std::vector<IndexWriter*>& shards,
                                                 const PipelineOptions& options,
                                                 const ErrorCallback& on_error,
                                                 const ShardErrorNamer& name_error = nullptr,
                                                 IndexWriter* spelling = nullptr);

// The one routing function (stable within and across runs): core/cluster.h.
using core::ShardOf;

// Extract-only: reads `paths`, extracts facets (language detected when the
// input gives none) and calls `on_article` in input order. No database.
absl::StatusOr<PipelineCounts> ExtractPaths(
    const std::vector<std::string>& paths, const PipelineOptions& options,
    const ErrorCallback& on_error,
    const std::function<void(const core::Article&)>& on_article);

// Fills the article's language (CLD2 when not given) and its facets; used by
// both modes above and by the daemon's write path. Returns true if it filled
// `tokens` (given, and an extractor ran; see FacetExtractor::Extract), which
// BuildDocument can then reuse.
bool PrepareArticle(core::Article* article, const FacetExtractor* extractor,
                    core::Analyzer& analyzer, ArticleTokens* tokens = nullptr);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_PIPELINE_H_

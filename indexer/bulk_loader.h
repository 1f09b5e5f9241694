// Parallel bulk load into an empty database (newsdex-index --bulk).
//
// Xapian allows one writer per database, and on Reuters the single writer
// thread does ~80% of the indexing CPU. A bulk load writes N shard databases
// in parallel (documents routed by a hash of their id, so repeated ids still
// replace one another), merges them with Xapian's compaction (which renumbers
// docids and merges spelling tables), stamps our metadata on the result and
// swaps it in place of the empty target with one atomic directory exchange.
//
// Crash and interrupt semantics (tested in bulk_loader_test.cc and
// bulk_loader_e2e_test.cc):
//   - The target stays locked (Xapian's writer lock) for the whole load and is
//     never written in place: until the exchange it is the empty database it
//     was, after it the complete one. kill -9 at any moment leaves one of the
//     two, both openable.
//   - Shards and the merged copy live in "<target>.bulk-tmp". Whatever a killed
//     run leaves there is removed by the next newsdex-index run on that target
//     (bulk or not), under the target's lock.
//   - The stop flag (SIGINT/SIGTERM) stops reading; what was read is merged and
//     published, as the normal path commits what was read.
//
// Thread safety: one BulkLoad per target at a time (enforced by the lock).
#ifndef NEWSDEX_INDEXER_BULK_LOADER_H_
#define NEWSDEX_INDEXER_BULK_LOADER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "indexer/index_writer.h"
#include "indexer/pipeline.h"

namespace newsdex::indexer {

struct BulkOptions {
  int shards = 2;  // shard writers (threads and databases)
  // For the shards and the published database; fsync applies to the result
  // only (shards are scratch and never fsynced).
  WriterOptions writer;
};

struct BulkResult {
  PipelineCounts pipeline;
  WriteCounts writes;  // summed over the shards
};

// The scratch directory of a bulk load into `target`.
std::string BulkScratchDir(absl::string_view target);

// Removes what an interrupted bulk load into `target` left behind.
// REQUIRES: the caller holds `target`'s writer lock (an open IndexWriter), so
// no bulk load of that target is running.
absl::Status RemoveBulkLeftovers(absl::string_view target);

// Indexes `paths` into the database at `target` (created if missing) through
// options.shards shard databases merged at the end. Returns kAlreadyExists if
// the target already holds documents (the caller falls back to IndexPaths;
// nothing was written), kFailedPrecondition for another schema version or a
// filesystem error, kUnavailable if another writer holds it, or the
// database error that stopped the load (the target is then left empty).
absl::StatusOr<BulkResult> BulkLoad(const std::vector<std::string>& paths,
                                    const std::string& target, const BulkOptions& options,
                                    const PipelineOptions& pipeline,
                                    const ErrorCallback& on_error);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_BULK_LOADER_H_

// Writes into a cluster (core/cluster.h): one IndexWriter per shard primary,
// each article on shard core::ShardOf(id, shard count). Xapian 1.4 cannot
// write through a stub database of several shards, so newsdex routes.
//
// Semantics are IndexWriter's, shard by shard: replace by id, skip unchanged,
// batched commits (a shard commits when its own batch is full), delete by id,
// the schema version checked and stamped on every primary. A local primary is
// opened as `--db DIR` is (write lock wait, commit gate); a remote one through
// `xapian-tcpsrv --writable` (no commit gate: readers of a remote shard never
// take it). Errors name the shard and its address:
//   shard "s1" (tcp://10.0.0.2:7001): opening ... NetworkError: ...
//
// A commit is atomic per shard, not across shards: if Commit() fails on one
// shard, the shards before it in the file have committed and the failing one
// and those after it have not (the error names the first that failed).
//
// Thread safety: not thread-safe, as IndexWriter. shard_writers() may be
// handed to IndexPathsSharded, which writes each from its own thread.
#ifndef NEWSDEX_INDEXER_CLUSTER_WRITER_H_
#define NEWSDEX_INDEXER_CLUSTER_WRITER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/cluster.h"
#include "indexer/document_builder.h"
#include "indexer/index_writer.h"

namespace newsdex::indexer {

// How many changesets a primary keeps for its replicas (XAPIAN_MAX_CHANGESETS).
// A replica that falls further behind than this many commits gets a full copy
// instead, which is correct but costs the whole database's size in transfer.
inline constexpr int kClusterMaxChangesets = 100;

// Xapian writes changesets (what xapian-replicate fetches) only when the
// process that writes a database has XAPIAN_MAX_CHANGESETS set when it opens
// it. For a remote primary that is its `xapian-tcpsrv --writable`
// (scripts/cluster.sh sets it); for a local primary it is this process, so
// this sets XAPIAN_MAX_CHANGESETS=kClusterMaxChangesets if some shard has a
// local primary and replicas and the variable is not already set (an
// operator's value wins). Returns whether it set it.
// REQUIRES: called before any other thread starts (setenv is not thread-safe
// against getenv).
bool EnableChangesetsForLocalPrimaries(const core::Cluster& cluster);

class ClusterWriter {
 public:
  // Opens every shard's primary (fails on the first that cannot be opened,
  // naming it; nothing is written then). `options` apply to every shard.
  static absl::StatusOr<std::unique_ptr<ClusterWriter>> Open(
      const core::Cluster& cluster, const WriterOptions& options,
      const core::RemoteTimeouts& timeouts = RemoteWriteTimeouts());

  // Remote timeouts for writing: a commit of a 1,000-document batch takes
  // seconds, so messages may take long; a server that does not answer a
  // connection is still reported within a second.
  static core::RemoteTimeouts RemoteWriteTimeouts();

  // Adds or replaces the article with id `id` (which `built` was built from)
  // on its shard.
  absl::Status Write(absl::string_view id, const BuiltDocument& built);
  // Deletes the article with this id from its shard; counted as missing if absent.
  absl::Status Delete(absl::string_view id);
  // Commits every shard, in file order; stops at the first failure.
  absl::Status Commit();

  // Summed over the shards.
  WriteCounts counts() const;
  size_t shard_count() const { return writers_.size(); }
  const core::Shard& shard(size_t i) const { return cluster_.shards[i]; }
  IndexWriter& writer(size_t i) { return *writers_[i]; }
  // In shard order (shard i at index i), for IndexPathsSharded.
  std::vector<IndexWriter*> shard_writers();
  // The shard `id` lives on.
  size_t ShardFor(absl::string_view id) const { return core::ShardOf(id, writers_.size()); }
  // Prefixes `status` with the shard's name and address (same code).
  absl::Status NameShard(size_t i, const absl::Status& status) const;

 private:
  ClusterWriter(core::Cluster cluster, std::vector<std::unique_ptr<IndexWriter>> writers)
      : cluster_(std::move(cluster)), writers_(std::move(writers)) {}
  core::Cluster cluster_;
  std::vector<std::unique_ptr<IndexWriter>> writers_;
};

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_CLUSTER_WRITER_H_

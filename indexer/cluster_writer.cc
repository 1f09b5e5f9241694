#include "indexer/cluster_writer.h"

#include <stdlib.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"

namespace newsdex::indexer {

bool EnableChangesetsForLocalPrimaries(const core::Cluster& cluster) {
  if (getenv("XAPIAN_MAX_CHANGESETS") != nullptr) return false;
  for (const core::Shard& shard : cluster.shards) {
    if (!shard.primary.remote() && !shard.replicas.empty()) {
      setenv("XAPIAN_MAX_CHANGESETS", std::to_string(kClusterMaxChangesets).c_str(), 0);
      return true;
    }
  }
  return false;
}

core::RemoteTimeouts ClusterWriter::RemoteWriteTimeouts() {
  core::RemoteTimeouts timeouts;
  timeouts.connect_ms = 1000;
  timeouts.io_ms = 0;  // wait for a commit however long it takes
  return timeouts;
}

absl::StatusOr<std::unique_ptr<ClusterWriter>> ClusterWriter::Open(
    const core::Cluster& cluster, const WriterOptions& options,
    const core::RemoteTimeouts& timeouts) {
  if (cluster.shards.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(cluster.source, ": no shard"));
  }
  std::vector<std::unique_ptr<IndexWriter>> writers;
  for (const core::Shard& shard : cluster.shards) {
    absl::StatusOr<std::unique_ptr<IndexWriter>> writer =
        IndexWriter::OpenEndpoint(shard.primary, options, timeouts);
    if (!writer.ok()) {
      return absl::Status(writer.status().code(),
                          absl::StrCat("shard \"", shard.name, "\" (primary ",
                                       shard.primary.ToString(),
                                       "): ", writer.status().message()));
    }
    writers.push_back(*std::move(writer));
  }
  return std::unique_ptr<ClusterWriter>(new ClusterWriter(cluster, std::move(writers)));
}

absl::Status ClusterWriter::NameShard(size_t i, const absl::Status& status) const {
  if (status.ok()) return status;
  const core::Shard& s = cluster_.shards[i];
  return absl::Status(status.code(), absl::StrCat("shard \"", s.name, "\" (primary ",
                                                  s.primary.ToString(), "): ", status.message()));
}

absl::Status ClusterWriter::Write(absl::string_view id, const BuiltDocument& built) {
  const size_t i = ShardFor(id);
  return NameShard(i, writers_[i]->Write(built));
}

absl::Status ClusterWriter::Delete(absl::string_view id) {
  const size_t i = ShardFor(id);
  return NameShard(i, writers_[i]->Delete(id));
}

absl::Status ClusterWriter::Commit() {
  for (size_t i = 0; i < writers_.size(); ++i) {
    NEWSDEX_RETURN_IF_ERROR(NameShard(i, writers_[i]->Commit()));
  }
  return absl::OkStatus();
}

WriteCounts ClusterWriter::counts() const {
  WriteCounts sum;
  for (const auto& w : writers_) {
    const WriteCounts& c = w->counts();
    sum.added += c.added;
    sum.replaced += c.replaced;
    sum.unchanged += c.unchanged;
    sum.deleted += c.deleted;
    sum.missing += c.missing;
  }
  return sum;
}

std::vector<IndexWriter*> ClusterWriter::shard_writers() {
  std::vector<IndexWriter*> out;
  for (const auto& w : writers_) out.push_back(w.get());
  return out;
}

}  // namespace newsdex::indexer

// The daemon's write path (POST /articles, DELETE /articles/{id}): the same
// indexer code as newsdex-index (indexer::ReadInputs in JSON Lines mode,
// indexer::PrepareArticle, indexer::BuildDocument, indexer::IndexWriter).
//
// Thread safety: thread-safe. Writes are serialized by one mutex that only
// writers take; readers never wait for it (they use their own Xapian::Database
// handles). The Xapian write lock is held only while a write request runs, so
// newsdex-index can write between requests; while newsdex-index holds it, a
// write returns kUnavailable.
//
// Over a cluster (the constructor from a core::Cluster): each request opens
// every shard's primary through indexer::ClusterWriter (local, or
// `xapian-tcpsrv --writable`), routes each article by core::ShardOf and
// commits every shard it opened, then closes them, so newsdex-index can
// write between requests there too. A primary that does not answer makes
// the request fail with kUnavailable naming the shard and its address; a
// commit is atomic per shard, not across shards (indexer/cluster_writer.h).
// For local primaries with replicas, the daemon's main() should call
// indexer::EnableChangesetsForLocalPrimaries(cluster) before starting
// threads, or the operator sets XAPIAN_MAX_CHANGESETS: without changesets
// the replicas still converge, by full copies.
#ifndef NEWSDEX_SERVER_ARTICLE_WRITER_H_
#define NEWSDEX_SERVER_ARTICLE_WRITER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/analyzer.h"
#include "core/cluster.h"
#include "indexer/document_builder.h"
#include "indexer/index_writer.h"

namespace newsdex::indexer {
class FacetExtractor;
}

namespace newsdex::server {

struct WriteResult {
  uint64_t added = 0;
  uint64_t replaced = 0;
  uint64_t unchanged = 0;
  uint64_t deleted = 0;
  std::vector<std::string> ids;  // ids of the articles written, in input order
};

class ArticleWriter {
 public:
  // `extractor` may be null (facets from the input's metadata only); it is not
  // owned and must outlive the writer.
  ArticleWriter(std::string db_path, const indexer::FacetExtractor* extractor);
  // Writes into `cluster`'s primaries instead (see the file comment).
  ArticleWriter(core::Cluster cluster, const indexer::FacetExtractor* extractor);

  // Indexes the articles of a JSON Lines body (docs/input-formats.md) and
  // commits once. All or nothing: returns kInvalidArgument naming the line of
  // the first bad record (nothing is written), kInvalidArgument for a body
  // without articles, kUnavailable if another process holds the write lock,
  // kResourceExhausted if a record exceeds `max_article_bytes`.
  absl::StatusOr<WriteResult> AddJsonLines(absl::string_view body, size_t max_article_bytes);

  // Deletes the article with `id` and commits. kNotFound if there is none;
  // kUnavailable if the write lock is held elsewhere.
  absl::StatusOr<WriteResult> Delete(absl::string_view id);

 private:
  // The articles `docs` (ids[i] is docs[i]'s id) written and committed once.
  absl::StatusOr<indexer::WriteCounts> WriteAndCommit(
      const std::vector<std::string>& ids, const std::vector<indexer::BuiltDocument>& docs);
  // Deletes `id` and commits; kNotFound if there is none.
  absl::StatusOr<indexer::WriteCounts> DeleteAndCommit(absl::string_view id);

  const std::string db_path_;                 // used when cluster_ is empty
  const std::optional<core::Cluster> cluster_;
  const indexer::FacetExtractor* extractor_;
  std::mutex mu_;                              // serializes writes
  std::unique_ptr<core::Analyzer> analyzer_;   // guarded by mu_, created lazily
};

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_ARTICLE_WRITER_H_

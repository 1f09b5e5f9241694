// Writes built documents into a newsdex Xapian database: replaces by article
// id, skips unchanged articles, commits in batches, deletes by id.
//
// Crash safety: every Commit() is a Xapian transaction boundary. A run that
// is interrupted (SIGINT, SIGTERM, kill -9) leaves a database that opens,
// passes xapian-check and holds every batch committed before.
//
// Thread safety: not thread-safe; one IndexWriter per database, used by one
// thread. Xapian allows one writer per database across processes.
#ifndef NEWSDEX_INDEXER_INDEX_WRITER_H_
#define NEWSDEX_INDEXER_INDEX_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include <xapian.h>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/cluster.h"
#include "indexer/document_builder.h"

namespace newsdex::indexer {

struct WriterOptions {
  // Documents per commit. Measured on Reuters (docs/benchmarks.md): 1,000 beat
  // Xapian's default flush threshold of 10,000.
  int batch_size = 1000;
  // Add unstemmed words to the spelling table (for "did you mean").
  bool spelling = true;
  // A commit that Write() makes for a full batch adds the spelling words only
  // once this many documents' words have gathered; Commit() always adds them.
  // Each add_spelling rewrites the word's compressed fragment lists: adding
  // them per 1,000-document batch was 28% of the instructions of indexing
  // 4,000 Reuters articles, once at the end 13%; all of Reuters 12% less
  // CPU (docs/benchmarks.md, "Where indexing time and bytes go"). A kill -9
  // loses at most these documents' suggestions, never documents.
  int spelling_batch_docs = 20000;
  // fsync at each commit. Off trades power-loss durability (not crash
  // safety: commits stay atomic) for speed.
  bool fsync = true;
  // How long Open waits for another writer (the daemon during a write
  // request, another newsdex-index) to release the database's write lock.
  // Xapian's own DB_RETRY_LOCK waits without end; this polls so the wait is
  // bounded. Zero: fail at once.
  absl::Duration lock_timeout = absl::ZeroDuration();
};

struct WriteCounts {
  uint64_t added = 0;
  uint64_t replaced = 0;
  uint64_t unchanged = 0;  // same id and identical stored data: not rewritten
  uint64_t deleted = 0;
  uint64_t missing = 0;    // --delete of an id that is not there
};

class IndexWriter {
 public:
  // Opens or creates the database at `path`. Returns kFailedPrecondition if it
  // holds another schema version, kUnavailable if another writer still holds
  // its lock after options.lock_timeout, or the mapped Xapian error.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Open(const std::string& path,
                                                           const WriterOptions& options);
  // Takes over `db`, already open for writing (a remote primary, an in-memory
  // database in tests), and checks and stamps the schema version as Open
  // does. `name` names it in errors. Its commits take no commit gate: the gate
  // is a file in a local database directory, which `db` need not have.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Adopt(Xapian::WritableDatabase db,
                                                            absl::string_view name,
                                                            const WriterOptions& options);
  // Opens a cluster shard's primary: Open for a path; for tcp:// (an
  // `xapian-tcpsrv --writable`) core::OpenForWrite, waiting up to
  // options.lock_timeout while another client holds the remote database's
  // write lock (a server that does not answer fails at once), then Adopt.
  static absl::StatusOr<std::unique_ptr<IndexWriter>> OpenEndpoint(
      const core::Endpoint& endpoint, const WriterOptions& options,
      const core::RemoteTimeouts& timeouts);
  ~IndexWriter();

  // Adds or replaces the article. Commits when the batch is full.
  absl::Status Write(const BuiltDocument& built);
  // Deletes the article with this id; counts it as missing if absent.
  absl::Status Delete(absl::string_view id);
  // Commits pending changes and stamps newsdex.last_update; increments
  // newsdex.rewrites if the batch replaced or deleted a document.
  absl::Status Commit();

  const WriteCounts& counts() const { return counts_; }
  // Documents committed so far by this writer.
  uint64_t committed() const { return committed_; }
  Xapian::WritableDatabase& db() { return db_; }

 private:
  IndexWriter(std::string path, Xapian::WritableDatabase db, const WriterOptions& options,
              bool empty_at_open);
  static absl::StatusOr<std::unique_ptr<IndexWriter>> Finish(std::string gate_path,
                                                             absl::string_view name,
                                                             Xapian::WritableDatabase db,
                                                             const WriterOptions& options);
  std::string path_;  // the local directory whose commit gate Commit() takes; "" = none
  Xapian::WritableDatabase db_;
  WriterOptions options_;
  WriteCounts counts_;
  int pending_ = 0;
  uint64_t committed_ = 0;
  // The batch replaced or deleted a document: Commit() bumps core::kRewritesKey.
  bool batch_rewrites_ = false;
  // Commits the batch; adds the gathered spelling words too if `spelling`.
  absl::Status CommitBatch(bool spelling);
  // Spelling words not yet handed to Xapian with their document counts, and
  // how many documents they came from: added once per word at Commit(), or
  // at a batch commit after options_.spelling_batch_docs documents (one
  // add_spelling per word and document cost about a quarter of the indexing
  // time on Reuters).
  absl::flat_hash_map<std::string, Xapian::termcount> pending_spelling_;
  int spelling_docs_ = 0;
  // Set when the database held no document at Open(): an id this writer has
  // not written cannot be there, so Write() adds it without looking it up.
  // ids_written_ holds hashes of the ids written since (a collision only costs
  // the lookup, which is always correct). Saved ~10% of the writer thread's CPU
  // on Reuters (docs/benchmarks.md, "Bulk loads").
  const bool empty_at_open_;
  absl::flat_hash_set<uint64_t> ids_written_;
};

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_INDEX_WRITER_H_

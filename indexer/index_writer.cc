#include "indexer/index_writer.h"

#include <algorithm>
#include <functional>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/commit_gate.h"
#include "core/schema.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"

namespace newsdex::indexer {

IndexWriter::IndexWriter(std::string path, Xapian::WritableDatabase db,
                         const WriterOptions& options, bool empty_at_open)
    : path_(std::move(path)),
      db_(std::move(db)),
      options_(options),
      empty_at_open_(empty_at_open) {}

IndexWriter::~IndexWriter() {
  // A writer dropped without Commit() loses only its uncommitted batch;
  // Xapian's destructor does not commit for us, so do it here (best effort).
  if (pending_ > 0 || !pending_spelling_.empty()) (void)Commit();
}

namespace {

// Calls `open` until it succeeds or fails for another reason than a held
// write lock (`locked`), or `timeout` has passed; the poll interval doubles
// from 10 ms to 500 ms so a short write by the daemon costs little delay.
absl::StatusOr<Xapian::WritableDatabase> OpenWhenUnlocked(
    const std::function<absl::StatusOr<Xapian::WritableDatabase>()>& open,
    const std::function<bool(const absl::Status&)>& locked, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(10);
  while (true) {
    absl::StatusOr<Xapian::WritableDatabase> db = open();
    if (db.ok() || !locked(db.status())) return db;
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      if (timeout == absl::ZeroDuration()) return db;
      return absl::UnavailableError(absl::StrCat(db.status().message(), " (waited ",
                                                 absl::FormatDuration(timeout),
                                                 " for the write lock)"));
    }
    absl::SleepFor(std::min(pause, deadline - now));
    pause = std::min(pause * 2, absl::Milliseconds(500));
  }
}

int WriteFlags(const WriterOptions& options) {
  int flags = Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS;
  if (!options.fsync) flags |= Xapian::DB_NO_SYNC;
  return flags;
}

}  // namespace

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Finish(std::string gate_path,
                                                                 absl::string_view name,
                                                                 Xapian::WritableDatabase db,
                                                                 const WriterOptions& options) {
  const std::string where(name);
  NEWSDEX_RETURN_IF_ERROR(core::CheckSchemaVersion(db, where));
  NEWSDEX_RETURN_IF_ERROR(core::StampSchemaVersion(db));
  NEWSDEX_ASSIGN_OR_RETURN(Xapian::doccount docs,
                           core::CallXapian("counting documents", [&] { return db.get_doccount(); }));
  return std::unique_ptr<IndexWriter>(
      new IndexWriter(std::move(gate_path), std::move(db), options, docs == 0));
}

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path,
                                                               const WriterOptions& options) {
  const int flags = WriteFlags(options);
  NEWSDEX_ASSIGN_OR_RETURN(
      Xapian::WritableDatabase db,
      OpenWhenUnlocked(
          [&] {
            return core::CallXapian(absl::StrCat("opening ", path, " for writing"),
                                    [&] { return Xapian::WritableDatabase(path, flags); });
          },
          // Locally the only kUnavailable is the write lock.
          [](const absl::Status& s) { return absl::IsUnavailable(s); }, options.lock_timeout));
  return Finish(path, path, std::move(db), options);
}

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Adopt(Xapian::WritableDatabase db,
                                                                absl::string_view name,
                                                                const WriterOptions& options) {
  return Finish("", name, std::move(db), options);
}

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::OpenEndpoint(
    const core::Endpoint& endpoint, const WriterOptions& options,
    const core::RemoteTimeouts& timeouts) {
  if (!endpoint.remote()) return Open(endpoint.path, options);
  const int flags = WriteFlags(options);
  NEWSDEX_ASSIGN_OR_RETURN(
      Xapian::WritableDatabase db,
      OpenWhenUnlocked([&] { return core::OpenForWrite(endpoint, flags, timeouts); },
                       // A remote lock error and a server that does not answer are
                       // both kUnavailable; only the first is worth waiting for.
                       [](const absl::Status& s) {
                         return absl::IsUnavailable(s) &&
                                absl::StrContains(s.message(), "DatabaseLockError");
                       },
                       options.lock_timeout));
  return Finish("", endpoint.ToString(), std::move(db), options);
}

absl::Status IndexWriter::Write(const BuiltDocument& built) {
  NEWSDEX_RETURN_IF_ERROR(core::CallXapian("writing document", [&]() -> absl::Status {
    if (empty_at_open_ && ids_written_.insert(absl::HashOf(built.id_term)).second) {
      db_.add_document(built.doc);
      ++counts_.added;
      if (options_.spelling) {
        for (const std::string& w : built.spelling_words) ++pending_spelling_[w];
        ++spelling_docs_;
      }
      return absl::OkStatus();
    }
    Xapian::PostingIterator it = db_.postlist_begin(built.id_term);
    if (it != db_.postlist_end(built.id_term)) {
      // Unchanged article: leave it (and its spelling counts) alone.
      const Xapian::Document stored = db_.get_document(*it);
      constexpr auto kMetadata = static_cast<Xapian::valueno>(core::ValueSlot::kMetadata);
      if (stored.get_value(kMetadata) == built.doc.get_value(kMetadata) &&
          stored.get_data() == built.doc.get_data()) {
        ++counts_.unchanged;
        return absl::OkStatus();
      }
      db_.replace_document(built.id_term, built.doc);
      ++counts_.replaced;
      batch_rewrites_ = true;
    } else {
      db_.replace_document(built.id_term, built.doc);
      ++counts_.added;
    }
    if (options_.spelling) {
      for (const std::string& w : built.spelling_words) ++pending_spelling_[w];
      ++spelling_docs_;
    }
    return absl::OkStatus();
  }));
  if (++pending_ >= options_.batch_size) {
    return CommitBatch(spelling_docs_ >= options_.spelling_batch_docs);
  }
  return absl::OkStatus();
}

absl::Status IndexWriter::Delete(absl::string_view id) {
  NEWSDEX_RETURN_IF_ERROR(core::ValidateId(id));
  const std::string term = IdTerm(id);
  NEWSDEX_RETURN_IF_ERROR(core::CallXapian("deleting document", [&] {
    if (db_.term_exists(term)) {
      db_.delete_document(term);
      ++counts_.deleted;
      batch_rewrites_ = true;
      ++pending_;
    } else {
      ++counts_.missing;  // nothing to commit
    }
  }));
  return absl::OkStatus();
}

absl::Status IndexWriter::Commit() { return CommitBatch(/*spelling=*/true); }

absl::Status IndexWriter::CommitBatch(bool spelling) {
  const int pending = pending_;
  pending_ = 0;
  // No commit lands while a reader holds the gate for its last attempt
  // (core/commit_gate.h).
  std::optional<core::CommitGate> gate;
  if (!path_.empty()) {
    NEWSDEX_ASSIGN_OR_RETURN(gate,
                             core::CommitGate::Acquire(path_, core::CommitGate::Mode::kExclusive));
  }
  NEWSDEX_RETURN_IF_ERROR(core::CallXapian("committing", [&] {
    if (spelling) {
      for (const auto& [word, count] : pending_spelling_) db_.add_spelling(word, count);
      pending_spelling_.clear();
      spelling_docs_ = 0;
    }
    db_.set_metadata(core::kLastUpdateKey,
                     absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()));
    if (batch_rewrites_) {
      // Readers extend their facet columns over new docids only while this
      // counter stands still (core/schema.h); a replace or delete moves it.
      uint64_t rewrites = 0;
      (void)absl::SimpleAtoi(db_.get_metadata(core::kRewritesKey), &rewrites);
      db_.set_metadata(core::kRewritesKey, std::to_string(rewrites + 1));
    }
    db_.commit();
  }));
  batch_rewrites_ = false;
  committed_ += pending;
  return absl::OkStatus();
}

}  // namespace newsdex::indexer

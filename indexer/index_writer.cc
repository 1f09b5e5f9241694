#include "indexer/index_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/schema.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"

namespace newsdex::indexer {

IndexWriter::IndexWriter(Xapian::WritableDatabase db, const WriterOptions& options)
    : db_(std::move(db)), options_(options) {}

IndexWriter::~IndexWriter() {
  // A writer dropped without Commit() loses only its uncommitted batch;
  // Xapian's destructor does not commit for us, so do it here (best effort).
  if (pending_ > 0) (void)Commit();
}

absl::StatusOr<std::unique_ptr<IndexWriter>> IndexWriter::Open(const std::string& path,
                                                               const WriterOptions& options) {
  int flags = Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS;
  if (!options.fsync) flags |= Xapian::DB_NO_SYNC;
  NEWSDEX_ASSIGN_OR_RETURN(
      Xapian::WritableDatabase db,
      core::CallXapian(absl::StrCat("opening ", path, " for writing"),
                       [&] { return Xapian::WritableDatabase(path, flags); }));
  NEWSDEX_RETURN_IF_ERROR(core::CheckSchemaVersion(db, path));
  NEWSDEX_RETURN_IF_ERROR(core::StampSchemaVersion(db));
  return std::unique_ptr<IndexWriter>(new IndexWriter(std::move(db), options));
}

absl::Status IndexWriter::Write(const BuiltDocument& built) {
  NEWSDEX_RETURN_IF_ERROR(core::CallXapian("writing document", [&]() -> absl::Status {
    Xapian::PostingIterator it = db_.postlist_begin(built.id_term);
    if (it != db_.postlist_end(built.id_term)) {
      // Unchanged article: leave it (and its spelling counts) alone.
      if (db_.get_document(*it).get_data() == built.doc.get_data()) {
        ++counts_.unchanged;
        return absl::OkStatus();
      }
      db_.replace_document(built.id_term, built.doc);
      ++counts_.replaced;
    } else {
      db_.replace_document(built.id_term, built.doc);
      ++counts_.added;
    }
    if (options_.spelling) {
      for (const std::string& w : built.spelling_words) ++pending_spelling_[w];
    }
    return absl::OkStatus();
  }));
  if (++pending_ >= options_.batch_size) return Commit();
  return absl::OkStatus();
}

absl::Status IndexWriter::Delete(absl::string_view id) {
  const std::string term = IdTerm(id);
  NEWSDEX_RETURN_IF_ERROR(core::CallXapian("deleting document", [&] {
    if (db_.term_exists(term)) {
      db_.delete_document(term);
      ++counts_.deleted;
      ++pending_;
    } else {
      ++counts_.missing;  // nothing to commit
    }
  }));
  return absl::OkStatus();
}

absl::Status IndexWriter::Commit() {
  const int pending = pending_;
  pending_ = 0;
  NEWSDEX_RETURN_IF_ERROR(core::CallXapian("committing", [&] {
    for (const auto& [word, count] : pending_spelling_) db_.add_spelling(word, count);
    pending_spelling_.clear();
    db_.set_metadata(core::kLastUpdateKey,
                     absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()));
    db_.commit();
  }));
  committed_ += pending;
  return absl::OkStatus();
}

}  // namespace newsdex::indexer

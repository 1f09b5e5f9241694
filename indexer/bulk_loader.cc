#include "indexer/bulk_loader.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <xapian.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/schema.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"

namespace newsdex::indexer {
namespace {

namespace fs = std::filesystem;

fs::path Normalized(absl::string_view target) {
  fs::path p = fs::path(std::string(target)).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();  // "db/" -> "db"
  return p;
}

absl::Status ErrnoStatus(absl::string_view what, int err) {
  return absl::FailedPreconditionError(absl::StrCat(what, ": ", std::strerror(err)));
}

// Compaction writes without fsync; with --fsync (the default) the published
// database must survive a power loss as a normal commit does, so sync its files
// before they become the target.
absl::Status SyncDirectory(const fs::path& dir, bool with_files) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (!with_files) break;
    if (!e.is_regular_file(ec)) continue;
    const int fd = open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(absl::StrCat("opening ", e.path().string()), errno);
    const int rc = fsync(fd);
    const int err = errno;
    close(fd);
    if (rc != 0) return ErrnoStatus(absl::StrCat("syncing ", e.path().string()), err);
  }
  if (ec) return ErrnoStatus(absl::StrCat("listing ", dir.string()), ec.value());
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(absl::StrCat("opening ", dir.string()), errno);
  fsync(fd);
  close(fd);
  return absl::OkStatus();
}

// Puts `merged` where `target` is, in one step when the filesystem can: with
// RENAME_EXCHANGE there is no moment at which `target` is missing or partial.
// Afterwards the old (empty) target is at `merged`.
absl::Status Publish(const fs::path& merged, const fs::path& target) {
  if (renameat2(AT_FDCWD, merged.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    return absl::OkStatus();
  }
  if (errno != EINVAL && errno != ENOSYS) {
    return ErrnoStatus(absl::StrCat("exchanging ", merged.string(), " and ", target.string()),
                       errno);
  }
  // Filesystems without RENAME_EXCHANGE (some network and overlay ones): two
  // renames, between which a kill -9 leaves no database at `target` (the
  // complete one is then in the scratch directory; the next run removes it).
  const fs::path old = merged.parent_path() / "old-target";
  if (rename(target.c_str(), old.c_str()) != 0) {
    return ErrnoStatus(absl::StrCat("moving ", target.string()), errno);
  }
  if (rename(merged.c_str(), target.c_str()) != 0) {
    const int err = errno;
    rename(old.c_str(), target.c_str());
    return ErrnoStatus(absl::StrCat("moving ", merged.string(), " to ", target.string()), err);
  }
  return absl::OkStatus();
}

absl::Status StampMerged(const fs::path& merged, bool fsync) {
  return core::CallXapian(absl::StrCat("stamping ", merged.string()), [&] {
    Xapian::WritableDatabase db(merged.string(), Xapian::DB_OPEN | (fsync ? 0 : Xapian::DB_NO_SYNC));
    // Compaction keeps the first shard's value of each key; set them for the
    // whole database instead.
    db.set_metadata(core::kSchemaVersionKey, std::to_string(core::kSchemaVersion));
    db.set_metadata(core::kLastUpdateKey,
                    absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()));
    db.commit();
    db.close();
  });
}

}  // namespace

std::string BulkScratchDir(absl::string_view target) {
  return Normalized(target).string() + ".bulk-tmp";
}

absl::Status RemoveBulkLeftovers(absl::string_view target) {
  const fs::path scratch = BulkScratchDir(target);
  std::error_code ec;
  if (!fs::exists(scratch, ec)) return absl::OkStatus();
  fs::remove_all(scratch, ec);
  if (ec) return ErrnoStatus(absl::StrCat("removing ", scratch.string()), ec.value());
  return absl::OkStatus();
}

absl::StatusOr<BulkResult> BulkLoad(const std::vector<std::string>& paths,
                                    const std::string& target, const BulkOptions& options,
                                    const PipelineOptions& pipeline,
                                    const ErrorCallback& on_error) {
  // Held until the end: the lock keeps other writers out of the target, and
  // of the scratch directory, which only this lock's holder touches.
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> target_writer,
                           IndexWriter::Open(target, options.writer));
  NEWSDEX_ASSIGN_OR_RETURN(
      Xapian::doccount existing,
      core::CallXapian("counting documents", [&] { return target_writer->db().get_doccount(); }));
  if (existing > 0) {
    return absl::AlreadyExistsError(
        absl::StrCat(target, " holds ", existing, " documents; --bulk needs an empty database"));
  }
  // A new target becomes a stamped, empty, openable database before any
  // shard is written, and stays exactly that until it is exchanged.
  NEWSDEX_RETURN_IF_ERROR(target_writer->Commit());
  NEWSDEX_RETURN_IF_ERROR(RemoveBulkLeftovers(target));

  const fs::path scratch = BulkScratchDir(target);
  std::error_code ec;
  fs::create_directories(scratch, ec);
  if (ec) return ErrnoStatus(absl::StrCat("creating ", scratch.string()), ec.value());
  auto fail = [&](absl::Status s) {
    (void)RemoveBulkLeftovers(target);
    return s;
  };

  BulkResult result;
  std::vector<std::string> shard_paths;
  // In a function of its own so the shard writers are closed before anything
  // (success or failure) touches their directories.
  auto write_shards = [&]() -> absl::Status {
    WriterOptions shard_options = options.writer;
    shard_options.fsync = false;  // scratch: a crash discards the shards anyway
    shard_options.spelling = false;  // IndexPathsSharded adds them once at the end
    std::vector<std::unique_ptr<IndexWriter>> shards;
    std::vector<IndexWriter*> raw;
    for (int i = 0; i < std::max(1, options.shards); ++i) {
      shard_paths.push_back((scratch / absl::StrCat("shard-", i)).string());
      NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<IndexWriter> w,
                               IndexWriter::Open(shard_paths.back(), shard_options));
      raw.push_back(w.get());
      shards.push_back(std::move(w));
    }
    // All spelling words go to one database of their own, merged last (see
    // IndexPathsSharded): on Reuters, merging the shards' spelling tables was
    // most of the serial compaction.
    std::unique_ptr<IndexWriter> spelling;
    if (pipeline.spelling) {
      shard_paths.push_back((scratch / "spelling").string());
      NEWSDEX_ASSIGN_OR_RETURN(spelling, IndexWriter::Open(shard_paths.back(), shard_options));
    }
    NEWSDEX_ASSIGN_OR_RETURN(result.pipeline, IndexPathsSharded(paths, raw, pipeline, on_error,
                                                                nullptr, spelling.get()));
    for (const auto& w : shards) {
      const WriteCounts& c = w->counts();
      result.writes.added += c.added;
      result.writes.replaced += c.replaced;
      result.writes.unchanged += c.unchanged;
    }
    return absl::OkStatus();
  };
  if (absl::Status s = write_shards(); !s.ok()) return fail(s);
  if (result.writes.added == 0) {  // nothing to publish: the empty target is the result
    (void)RemoveBulkLeftovers(target);
    return result;
  }

  const fs::path merged = scratch / "merged";
  absl::Status s = core::CallXapian(absl::StrCat("merging shards into ", merged.string()), [&] {
    Xapian::Database sources;
    for (const std::string& p : shard_paths) sources.add_database(Xapian::Database(p));
    sources.compact(merged.string());
  });
  if (!s.ok()) return fail(s);
  for (const std::string& p : shard_paths) fs::remove_all(p, ec);  // free the disk early
  s = StampMerged(merged, options.writer.fsync);
  if (s.ok() && options.writer.fsync) s = SyncDirectory(merged, /*with_files=*/true);
  if (s.ok()) s = Publish(merged, Normalized(target));
  if (!s.ok()) return fail(s);
  if (options.writer.fsync) {  // make the exchange itself durable
    const fs::path parent = Normalized(target).parent_path();
    (void)SyncDirectory(parent.empty() ? fs::path(".") : parent, /*with_files=*/false);
  }
  // The old empty target (now in the scratch directory) has nothing pending,
  // so closing it writes nothing; only then is it removed.
  target_writer.reset();
  (void)RemoveBulkLeftovers(target);
  return result;
}

}  // namespace newsdex::indexer

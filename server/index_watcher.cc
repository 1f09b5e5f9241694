#include "server/index_watcher.h"

#include <utility>

#include <xapian.h>

#include "absl/status/statusor.h"
#include "core/xapian_status.h"

namespace newsdex::server {

IndexWatcher::IndexWatcher(std::string db_path, absl::Duration interval)
    : db_path_(std::move(db_path)), interval_(interval), thread_([this] { Run(); }) {}

IndexWatcher::IndexWatcher(absl::Duration interval)
    : interval_(interval), thread_([this] { Run(); }) {}

IndexWatcher::~IndexWatcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void IndexWatcher::Run() {
  std::optional<Xapian::Database> db;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_ && db_path_.empty()) {
    generation_.fetch_add(1, std::memory_order_acq_rel);
    cv_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stop_; });
  }
  while (!stop_) {
    lock.unlock();
    // reopen() returns true only when a newer revision was loaded, for a single
    // database and for a stub listing shards alike.
    absl::StatusOr<bool> changed = core::CallXapian("watching index", [&]() -> bool {
      if (!db) {
        db.emplace(db_path_);
        return true;
      }
      return db->reopen();
    });
    if (!changed.ok()) {
      // A failed reopen leaves the old handle in an unknown state: start over.
      db.reset();
    } else if (*changed) {
      // Bump first: a thread loading this revision in between then bumps
      // once more (harmless) instead of finding it reported and not bumping.
      // Stored, not raised: a database rebuilt in place may start again at a
      // lower revision.
      generation_.fetch_add(1, std::memory_order_acq_rel);
      revision_.store(core::RevisionOf(*db).value_or(0), std::memory_order_release);
    }
    lock.lock();
    cv_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stop_; });
  }
}

std::optional<uint64_t> IndexWatcher::Loaded(std::optional<uint64_t> revision) {
  if (db_path_.empty()) return std::nullopt;
  if (!revision) return Bump();  // cannot tell newer from older: the safe side
  uint64_t known = revision_.load(std::memory_order_acquire);
  while (*revision > known) {
    if (revision_.compare_exchange_weak(known, *revision, std::memory_order_acq_rel)) {
      return Bump();
    }
  }
  return std::nullopt;
}

}  // namespace newsdex::server

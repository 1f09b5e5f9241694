// The daemon's index watcher: polls the index revision on its own thread and
// counts changes in a generation number, so the serving threads
// (server/worker_pool.h) reopen their readers before their next request
// instead of serving an old revision.
//
// Thread safety: every method may be called from any thread. Reading the
// generation is one atomic load, so workers check it on every request.
#ifndef NEWSDEX_SERVER_INDEX_WATCHER_H_
#define NEWSDEX_SERVER_INDEX_WATCHER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "absl/time/time.h"

namespace newsdex::server {

class IndexWatcher {
 public:
  // Starts polling `db_path` every `interval`; the first poll runs at once.
  // The watcher's own Xapian::Database is private to its thread.
  IndexWatcher(std::string db_path, absl::Duration interval);
  // Periodic mode, for a cluster (query/cluster_reader.h): its replicas
  // have no revision to compare, and each serving thread may read another
  // replica of a shard, so the generation simply advances every `interval`
  // and every thread reopens (one round trip per shard) before its next
  // request after that.
  explicit IndexWatcher(absl::Duration interval);
  ~IndexWatcher();  // stops and joins the thread
  IndexWatcher(const IndexWatcher&) = delete;
  IndexWatcher& operator=(const IndexWatcher&) = delete;

  // Increases whenever a new revision was seen (or Bump was called).
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Makes every thread reopen before its next request (after the daemon's
  // own writes). Returns the new generation.
  uint64_t Bump() { return generation_.fetch_add(1, std::memory_order_acq_rel) + 1; }
  // Called by a thread whose reader just loaded `revision` (nullopt: a
  // database without one revision number). When that is newer than any
  // revision reported so far, bumps the generation at once, so no other
  // thread serves an older revision after a client saw this one; the poll
  // may not have seen the commit yet. Returns the new generation, or nullopt
  // when nothing was bumped (always in periodic mode, which reopens every
  // thread anyway).
  std::optional<uint64_t> Loaded(std::optional<uint64_t> revision);

 private:
  void Run();
  const std::string db_path_;  // empty: periodic mode
  const absl::Duration interval_;
  std::atomic<uint64_t> generation_{0};
  // The newest revision reported by the poll or Loaded; 0 before any.
  std::atomic<uint64_t> revision_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_INDEX_WATCHER_H_

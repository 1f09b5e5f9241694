// The daemon's request workers: an httplib::TaskQueue whose threads each own a
// query::Searcher (one Xapian reader per worker, as Searcher is not
// thread-safe), plus the IndexWatcher that tells them when the index has a new
// revision so they reopen before their next request.
//
// Thread safety: WorkerPool::enqueue/shutdown may be called from any thread
// (httplib's accept thread calls them). WorkerPool::Current() returns the
// calling worker's own state, which only that thread touches: the read path
// takes no lock shared between workers. IndexWatcher is thread-safe.
#ifndef NEWSDEX_SERVER_WORKER_POOL_H_
#define NEWSDEX_SERVER_WORKER_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "query/search.h"
#include "server/metrics.h"

namespace newsdex::server {

// Polls the index revision on its own thread and counts changes in
// generation(). Reading the generation is one atomic load, so workers check
// it on every request.
class IndexWatcher {
 public:
  // Starts polling `db_path` every `interval`. The watcher's own
  // Xapian::Database is private to its thread.
  IndexWatcher(std::string db_path, absl::Duration interval);
  ~IndexWatcher();  // stops and joins the thread
  IndexWatcher(const IndexWatcher&) = delete;
  IndexWatcher& operator=(const IndexWatcher&) = delete;

  // Increases whenever a new revision was seen (or Bump was called).
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Forces workers to reopen (the daemon's own writes call it after commit).
  void Bump() { generation_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  void Run();
  const std::string db_path_;
  const absl::Duration interval_;
  std::atomic<uint64_t> generation_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

// Admits at most `slots` callers at a time, first come first served. The
// daemon runs searches through it when --max_searches is set, so that many
// busy connections on few cores do not all search at once. Measured on the
// shared 2-core VM (8 connections, limit 2): no CPU saved per request and
// lower throughput, hence off by default.
class ConcurrencyLimit {
 public:
  // slots <= 0: no limit.
  explicit ConcurrencyLimit(int slots) : slots_(slots) {}
  ConcurrencyLimit(const ConcurrencyLimit&) = delete;
  ConcurrencyLimit& operator=(const ConcurrencyLimit&) = delete;

  // Holds a slot from construction to destruction.
  class Slot {
   public:
    explicit Slot(ConcurrencyLimit* limit) : limit_(limit) {
      if (limit_ != nullptr) limit_->Acquire();
    }
    ~Slot() {
      if (limit_ != nullptr) limit_->Release();
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    ConcurrencyLimit* limit_;
  };

  int slots() const { return slots_; }

 private:
  struct Waiter;
  void Acquire();
  void Release();

  const int slots_;
  std::mutex mu_;
  int in_use_ = 0;                // guarded by mu_
  std::deque<Waiter*> waiters_;   // guarded by mu_; oldest first
};

// What a worker thread owns.
struct WorkerState {
  std::unique_ptr<query::Searcher> searcher;  // opened on first use
  uint64_t generation = 0;  // watcher generation the searcher reflects
};

class WorkerPool : public httplib::TaskQueue {
 public:
  // Starts `threads` workers. Searchers are opened lazily from `db_path` with
  // `options`.
  WorkerPool(int threads, std::string db_path, query::SearcherOptions options,
             const IndexWatcher* watcher, Metrics* metrics);
  ~WorkerPool() override;

  // httplib::TaskQueue. shutdown() lets queued and running tasks finish, then
  // joins the workers (graceful shutdown relies on this).
  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // The calling worker's Searcher, opened or reopened as needed so it sees the
  // latest revision the watcher reported. Returns kFailedPrecondition when not
  // called from a worker thread, or the error of Searcher::Open / Reopen.
  static absl::StatusOr<query::Searcher*> CurrentSearcher();
  // Reopens the calling worker's Searcher now (after kAborted).
  static absl::Status ReopenCurrent();

  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  void WorkerLoop();

  const std::string db_path_;
  const query::SearcherOptions options_;
  const IndexWatcher* watcher_;
  Metrics* metrics_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool shutdown_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_WORKER_POOL_H_

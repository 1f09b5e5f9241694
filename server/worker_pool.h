// The daemon's serving threads' state: each owns a query::Searcher (one
// Xapian reader per thread, as Searcher is not thread-safe), plus the
// IndexWatcher that tells them when the index has a new revision so they
// reopen before their next request, and the ConcurrencyLimit for searches.
//
// Thread safety: WorkerSearchers::CurrentSearcher() returns the calling
// thread's own state, which only that thread touches: the read path takes no
// lock shared between threads. IndexWatcher and ConcurrencyLimit are
// thread-safe.
#ifndef NEWSDEX_SERVER_WORKER_POOL_H_
#define NEWSDEX_SERVER_WORKER_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
  // Makes every thread reopen before its next request (after the daemon's
  // own writes). Returns the new generation.
  uint64_t Bump() { return generation_.fetch_add(1, std::memory_order_acq_rel) + 1; }
  // Called by a thread whose reader just loaded `revision` (nullopt: a
  // database without one revision number). When that is newer than any
  // revision reported so far, bumps the generation at once, so no other
  // thread serves an older revision after a client saw this one; the poll
  // may not have seen the commit yet. Returns the new generation, or nullopt
  // when nothing was bumped.
  std::optional<uint64_t> Loaded(std::optional<uint64_t> revision);

 private:
  void Run();
  const std::string db_path_;
  const absl::Duration interval_;
  std::atomic<uint64_t> generation_{0};
  // The newest revision reported by the poll or Loaded; 0 before any.
  std::atomic<uint64_t> revision_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

// Admits at most `slots` callers at a time, first come first served. The
// daemon runs searches through it when --max-searches is set, so that many
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

// What a serving thread owns.
struct WorkerState {
  std::unique_ptr<query::Searcher> searcher;  // opened on first use
  uint64_t generation = 0;  // watcher generation the searcher reflects
};

// Per-thread searchers for the HTTP server's threads (server/http_server.h
// runs handlers on the thread that read the request). RunWorker installs the
// calling thread's state around its serving loop; handlers then reach their
// own Searcher through CurrentSearcher without any lock.
class WorkerSearchers {
 public:
  // Searchers are opened lazily from `db_path` with `options`.
  WorkerSearchers(std::string db_path, query::SearcherOptions options,
                  IndexWatcher* watcher, Metrics* metrics);
  WorkerSearchers(const WorkerSearchers&) = delete;
  WorkerSearchers& operator=(const WorkerSearchers&) = delete;

  // Runs `loop` on the calling thread with its own WorkerState (an
  // http::ThreadWrapper); the state and its Searcher go when `loop` returns.
  void RunWorker(const std::function<void()>& loop);

  // The calling thread's Searcher, opened or reopened as needed so it sees the
  // latest revision the watcher reported. Returns kFailedPrecondition when not
  // called inside RunWorker, or the error of Searcher::Open / Reopen.
  static absl::StatusOr<query::Searcher*> CurrentSearcher();
  // Reopens the calling thread's Searcher now (after kAborted).
  static absl::Status ReopenCurrent();

 private:
  const std::string db_path_;
  const query::SearcherOptions options_;
  IndexWatcher* watcher_;
  Metrics* metrics_;
};

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_WORKER_POOL_H_

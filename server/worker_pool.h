// The daemon's serving threads' searchers: each thread owns a
// query::Searcher (one Xapian reader per thread, as Searcher is not
// thread-safe) and reopens it before its next request when the IndexWatcher
// (server/index_watcher.h) has seen a new revision.
//
// Thread safety: WorkerSearchers::CurrentSearcher() returns the calling
// thread's own state, which only that thread touches: the read path takes no
// lock shared between threads.
#ifndef NEWSDEX_SERVER_WORKER_POOL_H_
#define NEWSDEX_SERVER_WORKER_POOL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "query/search.h"
#include "server/metrics.h"

namespace newsdex::server {

class IndexWatcher;

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
  // Searchers are opened lazily from `db_path` with `options`. `watcher` and
  // `metrics` may be null; they are not owned and must outlive this object.
  WorkerSearchers(std::string db_path, query::SearcherOptions options,
                  IndexWatcher* watcher, Metrics* metrics);
  // Opens a serving thread's Searcher (e.g. Searcher::OpenCluster). Called
  // on the serving threads, any of them at once.
  using Opener = std::function<absl::StatusOr<std::unique_ptr<query::Searcher>>()>;
  // Searchers are opened lazily by `open`.
  WorkerSearchers(Opener open, IndexWatcher* watcher, Metrics* metrics);
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
  const Opener open_;
  IndexWatcher* watcher_;
  Metrics* metrics_;
};

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_WORKER_POOL_H_

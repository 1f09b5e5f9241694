#include "server/worker_pool.h"

#include <optional>
#include <utility>

#include "server/index_watcher.h"

namespace newsdex::server {
namespace {

struct ThreadContext {
  WorkerState state;
  const WorkerSearchers::Opener* open = nullptr;
  IndexWatcher* watcher = nullptr;
  Metrics* metrics = nullptr;
};

// Set by each worker thread for its lifetime; null on other threads.
thread_local ThreadContext* current_context = nullptr;

// After `c`'s reader loaded a new revision: a reader may get ahead of the
// watcher's poll (a commit between two polls), and a client that saw an
// article through this thread must not miss it on its next request, which
// another thread may serve. Tells the watcher, which makes the others reopen
// when this revision is news.
void NoteLoaded(ThreadContext& c) {
  if (c.watcher == nullptr) return;
  std::optional<uint64_t> bumped = c.watcher->Loaded(c.state.searcher->Revision());
  // Skip our own bump, unless another came between reading the generation and
  // ours: that one may be for a still newer revision.
  if (bumped && *bumped == c.state.generation + 1) c.state.generation = *bumped;
}

}  // namespace

WorkerSearchers::WorkerSearchers(std::string db_path, query::SearcherOptions options,
                                 IndexWatcher* watcher, Metrics* metrics)
    : WorkerSearchers(
          [db_path = std::move(db_path), options = std::move(options)] {
            return query::Searcher::Open(db_path, options);
          },
          watcher, metrics) {}

WorkerSearchers::WorkerSearchers(Opener open, IndexWatcher* watcher, Metrics* metrics)
    : open_(std::move(open)), watcher_(watcher), metrics_(metrics) {}

void WorkerSearchers::RunWorker(const std::function<void()>& loop) {
  ThreadContext context;
  context.open = &open_;
  context.watcher = watcher_;
  context.metrics = metrics_;
  current_context = &context;
  loop();
  current_context = nullptr;
}

absl::StatusOr<query::Searcher*> WorkerSearchers::CurrentSearcher() {
  ThreadContext* c = current_context;
  if (c == nullptr) {
    return absl::FailedPreconditionError("CurrentSearcher called outside a serving thread");
  }
  const uint64_t generation = c->watcher != nullptr ? c->watcher->generation() : 0;
  if (c->state.searcher == nullptr) {
    absl::StatusOr<std::unique_ptr<query::Searcher>> searcher = (*c->open)();
    if (!searcher.ok()) return searcher.status();
    c->state.searcher = *std::move(searcher);
    c->state.generation = generation;
    NoteLoaded(*c);
  } else if (generation != c->state.generation) {
    // Read the generation before reopening: a commit landing meanwhile bumps
    // it again and the next request reopens once more.
    absl::StatusOr<bool> reopened = c->state.searcher->Reopen();
    if (!reopened.ok()) {
      // Start from a fresh handle on the next request.
      c->state.searcher.reset();
      return reopened.status();
    }
    c->state.generation = generation;
    if (c->metrics != nullptr) c->metrics->RecordReopen();
    if (*reopened) NoteLoaded(*c);
  }
  return c->state.searcher.get();
}

absl::Status WorkerSearchers::ReopenCurrent() {
  ThreadContext* c = current_context;
  if (c == nullptr || c->state.searcher == nullptr) {
    return absl::FailedPreconditionError("no searcher on this thread");
  }
  absl::StatusOr<bool> reopened = c->state.searcher->Reopen();
  if (!reopened.ok()) {
    c->state.searcher.reset();
    return reopened.status();
  }
  if (c->metrics != nullptr) c->metrics->RecordReopen();
  if (*reopened) NoteLoaded(*c);
  return absl::OkStatus();
}

}  // namespace newsdex::server

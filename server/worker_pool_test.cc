#include "server/worker_pool.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "gtest/gtest.h"
#include "server/index_watcher.h"
#include "server/server_test_util.h"

namespace newsdex::server {
namespace {

using testing::MakeArticles;
using testing::TempDir;
using testing::WaitUntil;
using testing::WriteArticles;

// One serving thread inside WorkerSearchers::RunWorker that runs the tasks it
// is given, one at a time, so a test decides which thread does what, when.
class ServingThread {
 public:
  explicit ServingThread(WorkerSearchers* searchers)
      : thread_([this, searchers] { searchers->RunWorker([this] { Loop(); }); }) {}
  ~ServingThread() {
    Post(nullptr);
    thread_.join();
  }

  // The number of documents this thread's CurrentSearcher reads, or -1.
  int64_t DocumentsSeen() {
    std::promise<int64_t> result;
    Post([&result] {
      absl::StatusOr<query::Searcher*> s = WorkerSearchers::CurrentSearcher();
      if (!s.ok()) {
        result.set_value(-1);
        return;
      }
      absl::StatusOr<query::IndexStats> stats = (*s)->Stats();
      result.set_value(stats.ok() ? static_cast<int64_t>(stats->documents) : -1);
    });
    return result.get_future().get();
  }

 private:
  void Post(std::function<void()> task) {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
    cv_.notify_one();
  }
  void Loop() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      if (!task) return;
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::thread thread_;
};

// Two commits land between two polls of the watcher. Thread B reopens for the
// first; thread A, reopening later, loads the second. A client that saw the
// second commit through A must see it through B on its next request, although
// the watcher has not polled since: otherwise a /stats count read right after
// a write can go back in time when the next request lands on another thread.
TEST(WorkerSearchersTest, ThreadAheadOfTheWatcherMakesTheOthersCatchUp) {
  TempDir dir;
  const std::string db = dir.path() + "/db";
  ASSERT_TRUE(WriteArticles(db, MakeArticles(0, 10)).ok());
  IndexWatcher watcher(db, absl::Hours(1));  // polls once, at start
  // The first poll runs at once; nothing reports it but the generation.
  WaitUntil([&] { return watcher.generation() > 0; });
  ASSERT_GT(watcher.generation(), 0u) << "the watcher's first poll did not happen";

  WorkerSearchers searchers(db, query::SearcherOptions(), &watcher, nullptr);
  ServingThread a(&searchers), b(&searchers);
  EXPECT_EQ(a.DocumentsSeen(), 10);
  EXPECT_EQ(b.DocumentsSeen(), 10);

  ASSERT_TRUE(WriteArticles(db, MakeArticles(100, 5)).ok());
  watcher.Bump();  // as the poll would on seeing the first commit
  EXPECT_EQ(b.DocumentsSeen(), 15);

  ASSERT_TRUE(WriteArticles(db, MakeArticles(200, 5)).ok());  // no poll sees this one
  EXPECT_EQ(a.DocumentsSeen(), 20);
  EXPECT_EQ(b.DocumentsSeen(), 20) << "B still serves the revision before the one A served";
  EXPECT_EQ(a.DocumentsSeen(), 20);
}

}  // namespace
}  // namespace newsdex::server

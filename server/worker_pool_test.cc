#include "server/worker_pool.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/server_test_util.h"

namespace newsdex::server {
namespace {

using testing::MakeArticles;
using testing::TempDir;
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
// the watcher has not polled since (the flaky /stats count of session 5).
TEST(WorkerSearchersTest, ThreadAheadOfTheWatcherMakesTheOthersCatchUp) {
  TempDir dir;
  const std::string db = dir.path() + "/db";
  ASSERT_TRUE(WriteArticles(db, MakeArticles(0, 10)).ok());
  IndexWatcher watcher(db, absl::Hours(1));  // polls once, at start
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (watcher.generation() == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
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

TEST(IndexWatcherTest, LoadedBumpsOnlyForNewerRevisions) {
  TempDir dir;
  const std::string db = dir.path() + "/db";
  ASSERT_TRUE(WriteArticles(db, MakeArticles(0, 3)).ok());
  IndexWatcher watcher(db, absl::Hours(1));
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (watcher.generation() == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(1));
  ASSERT_EQ(watcher.generation(), 1u);
  // The poll saw the database's revision (1: one commit).
  EXPECT_FALSE(watcher.Loaded(1).has_value());
  EXPECT_EQ(watcher.generation(), 1u);
  EXPECT_EQ(watcher.Loaded(3), std::optional<uint64_t>(2));
  EXPECT_FALSE(watcher.Loaded(2).has_value()) << "older than one already reported";
  EXPECT_FALSE(watcher.Loaded(3).has_value()) << "reported already";
  // Without a revision number (shards, remote) every load counts as news.
  EXPECT_EQ(watcher.Loaded(std::nullopt), std::optional<uint64_t>(3));
}

}  // namespace
}  // namespace newsdex::server

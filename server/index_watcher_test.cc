#include "server/index_watcher.h"

#include <optional>

#include "gtest/gtest.h"
#include "server/server_test_util.h"

namespace newsdex::server {
namespace {

TEST(IndexWatcherTest, LoadedBumpsOnlyForNewerRevisions) {
  testing::TempDir dir;
  const std::string db = dir.path() + "/db";
  ASSERT_TRUE(testing::WriteArticles(db, testing::MakeArticles(0, 3)).ok());
  IndexWatcher watcher(db, absl::Hours(1));
  // The first poll runs at once; nothing reports it but the generation.
  testing::WaitUntil([&] { return watcher.generation() > 0; });
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

TEST(IndexWatcherTest, PeriodicModeAdvancesEveryIntervalAndIgnoresLoads) {
  // Periodic mode (a cluster): the interval is the behaviour under test.
  IndexWatcher watcher(absl::Milliseconds(5));
  EXPECT_TRUE(testing::WaitUntil([&] { return watcher.generation() >= 3; }));
  const uint64_t before = watcher.generation();
  EXPECT_FALSE(watcher.Loaded(std::nullopt).has_value()) << "every thread reopens anyway";
  EXPECT_FALSE(watcher.Loaded(7).has_value());
  EXPECT_TRUE(testing::WaitUntil([&] { return watcher.generation() > before; }));
}

}  // namespace
}  // namespace newsdex::server

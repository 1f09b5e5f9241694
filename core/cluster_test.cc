#include "core/cluster.h"

#include <array>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace newsdex::core {
namespace {

TEST(ClusterTest, ParsesShardsPrimariesAndReplicas) {
  absl::StatusOr<Cluster> cluster = ParseCluster(
      "# two shards\n"
      "newsdex-cluster 1\n"
      "shard s0\n"
      "primary tcp://127.0.0.1:7100   # writable tcpsrv\n"
      "replica tcp://replica-a.example:7101\n"
      "replica /srv/s0-replica\n"
      "\n"
      "shard s1\n"
      "  primary data/s1\n",
      "c.conf", "/etc/newsdex");
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  ASSERT_EQ(cluster->shards.size(), 2u);
  const Shard& s0 = cluster->shards[0];
  EXPECT_EQ(s0.name, "s0");
  EXPECT_EQ(s0.primary.ToString(), "tcp://127.0.0.1:7100");
  ASSERT_EQ(s0.replicas.size(), 2u);
  EXPECT_EQ(s0.replicas[0].host, "replica-a.example");
  EXPECT_EQ(s0.replicas[0].port, 7101);
  EXPECT_FALSE(s0.replicas[1].remote());
  EXPECT_EQ(s0.ReadEndpoints().size(), 2u);
  const Shard& s1 = cluster->shards[1];
  EXPECT_EQ(s1.primary.path, "/etc/newsdex/data/s1");
  ASSERT_EQ(s1.ReadEndpoints().size(), 1u);  // no replica: reads use the primary
  EXPECT_EQ(s1.ReadEndpoints()[0].path, "/etc/newsdex/data/s1");
}

TEST(ClusterTest, RejectsBadFilesNamingTheLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"shard a\nprimary /x\n", "c.conf:1: the first directive must be"},
      {"newsdex-cluster 2\n", "c.conf:1: the first directive must be"},
      {"newsdex-cluster 1\nreplica /x\n", "c.conf:2: replica before any shard"},
      {"newsdex-cluster 1\nshard a\nprimary /x\nprimary /y\n", "c.conf:4: shard \"a\" has two"},
      {"newsdex-cluster 1\nshard a\nprimary /x\nshard a\n", "c.conf:4: shard \"a\" named twice"},
      {"newsdex-cluster 1\nshard a b\n", "c.conf:2: shard name \"a b\""},
      {"newsdex-cluster 1\nshard a\nprimary tcp://host\n", "c.conf:3: expected tcp://HOST:PORT"},
      {"newsdex-cluster 1\nshard a\nprimary tcp://h:70000\n", "c.conf:3: expected tcp://"},
      {"newsdex-cluster 1\nshard a\nprimary\n", "c.conf:3: primary needs an address"},
      {"newsdex-cluster 1\nshard a\nmirror /x\n", "c.conf:3: unknown directive \"mirror\""},
      {"newsdex-cluster 1\nshard a\nreplica /x\n", "c.conf: shard \"a\" has no primary"},
      {"newsdex-cluster 1\n", "c.conf: no shard"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Cluster> cluster = ParseCluster(c.text, "c.conf", "/");
    ASSERT_FALSE(cluster.ok()) << c.text;
    EXPECT_EQ(cluster.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(cluster.status().message().find(c.message), absl::string_view::npos)
        << cluster.status() << "\nwanted: " << c.message;
  }
}

TEST(ClusterTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadClusterFile("/nonexistent/cluster.conf").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(IsClusterFile("/nonexistent/cluster.conf"));
}

// The hash decides where stored articles live, so its values are pinned:
// FNV-1a 64 of "" is the offset basis, of "a" is 0xaf63dc4c8601ec8c.
TEST(ClusterTest, ShardOfIsFnv1aModuloShardCount) {
  EXPECT_EQ(ShardOf("", 1000003), 14695981039346656037ULL % 1000003);
  EXPECT_EQ(ShardOf("a", 1000003), 0xaf63dc4c8601ec8cULL % 1000003);
  EXPECT_EQ(ShardOf("anything", 1), 0u);
}

TEST(ClusterTest, ShardOfSpreadsReutersLikeIdsEvenly) {
  std::array<int, 3> counts{};
  for (int i = 1; i <= 30000; ++i) ++counts[ShardOf(absl::StrCat("reuters-", i), 3)];
  for (int count : counts) {
    EXPECT_GT(count, 9500);
    EXPECT_LT(count, 10500);
  }
}

}  // namespace
}  // namespace newsdex::core

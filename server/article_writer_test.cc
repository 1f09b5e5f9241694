#include "server/article_writer.h"

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <xapian.h>

#include "absl/strings/str_cat.h"
#include "core/cluster.h"
#include "indexer/document_builder.h"

namespace newsdex::server {
namespace {

namespace fs = std::filesystem;

// The daemon's write path over a cluster of two local primaries: each article
// lands on core::ShardOf's shard, a delete finds it there, a missing id is
// kNotFound.
TEST(ArticleWriterClusterTest, RoutesWritesAndDeletesByShardOf) {
  const fs::path dir = fs::path(::testing::TempDir()) / "article_writer_cluster";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto cluster = core::ParseCluster("newsdex-cluster 1\nshard a\nprimary pa\nshard b\nprimary pb\n",
                                    "test.conf", dir.string());
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  ArticleWriter writer(*cluster, /*extractor=*/nullptr);
  std::string body;
  for (int i = 0; i < 12; ++i) {
    absl::StrAppend(&body, "{\"id\":\"w", i, "\",\"title\":\"Oil ", i,
                    "\",\"body\":\"Wheat and oil.\",\"language\":\"en\"}\n");
  }
  auto written = writer.AddJsonLines(body, 1 << 20);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->added, 12u);

  auto deleted = writer.Delete("w3");
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->deleted, 1u);
  EXPECT_EQ(writer.Delete("w3").status().code(), absl::StatusCode::kNotFound);

  Xapian::doccount total = 0;
  for (size_t shard = 0; shard < 2; ++shard) {
    Xapian::Database db(cluster->shards[shard].primary.path);
    total += db.get_doccount();
    for (int i = 0; i < 12; ++i) {
      const std::string id = absl::StrCat("w", i);
      EXPECT_EQ(db.term_exists(indexer::IdTerm(id)), i != 3 && core::ShardOf(id, 2) == shard)
          << id << " on shard " << shard;
    }
  }
  EXPECT_EQ(total, 11u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace newsdex::server

#include "indexer/cluster_writer.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "core/schema.h"

namespace newsdex::indexer {
namespace {

namespace fs = std::filesystem;

class ClusterWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           absl::StrCat("cluster_writer_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto a = core::Analyzer::Create();
    ASSERT_TRUE(a.ok());
    analyzer_ = std::move(a).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A cluster of `shards` local primaries p0, p1, ... under dir_.
  core::Cluster LocalCluster(int shards) {
    std::string text = "newsdex-cluster 1\n";
    for (int i = 0; i < shards; ++i) absl::StrAppend(&text, "shard s", i, "\nprimary p", i, "\n");
    auto cluster = core::ParseCluster(text, "test.conf", dir_.string());
    EXPECT_TRUE(cluster.ok()) << cluster.status();
    return *cluster;
  }

  BuiltDocument Build(const std::string& id, const std::string& body) {
    core::Article a;
    a.id = id;
    a.title = "Title " + id;
    a.body = body;
    a.language = "en";
    auto built = BuildDocument(a, *analyzer_, true);
    EXPECT_TRUE(built.ok());
    return std::move(built).value();
  }

  fs::path dir_;
  std::unique_ptr<core::Analyzer> analyzer_;
};

TEST_F(ClusterWriterTest, EachArticleLivesOnItsShardAndIsReplacedThere) {
  const core::Cluster cluster = LocalCluster(3);
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(absl::StrCat("article-", i));
  {
    auto writer = ClusterWriter::Open(cluster, WriterOptions());
    ASSERT_TRUE(writer.ok()) << writer.status();
    for (const std::string& id : ids) ASSERT_TRUE((*writer)->Write(id, Build(id, "oil")).ok());
    // A second version of one id and an unchanged copy of another.
    ASSERT_TRUE((*writer)->Write(ids[0], Build(ids[0], "wheat")).ok());
    ASSERT_TRUE((*writer)->Write(ids[1], Build(ids[1], "oil")).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
    EXPECT_EQ((*writer)->counts().added, 40u);
    EXPECT_EQ((*writer)->counts().replaced, 1u);
    EXPECT_EQ((*writer)->counts().unchanged, 1u);
  }
  Xapian::doccount total = 0;
  for (size_t shard = 0; shard < 3; ++shard) {
    Xapian::Database db(cluster.shards[shard].primary.path);
    EXPECT_EQ(db.get_metadata(core::kSchemaVersionKey), std::to_string(core::kSchemaVersion));
    total += db.get_doccount();
    for (const std::string& id : ids) {
      EXPECT_EQ(db.term_exists(IdTerm(id)), core::ShardOf(id, 3) == shard)
          << id << " on shard " << shard;
    }
  }
  EXPECT_EQ(total, 40u);
}

TEST_F(ClusterWriterTest, DeleteFindsTheArticlesShard) {
  const core::Cluster cluster = LocalCluster(2);
  auto writer = ClusterWriter::Open(cluster, WriterOptions());
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->Write("a", Build("a", "oil")).ok());
  ASSERT_TRUE((*writer)->Write("b", Build("b", "oil")).ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  ASSERT_TRUE((*writer)->Delete("a").ok());
  ASSERT_TRUE((*writer)->Delete("no-such-id").ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ((*writer)->counts().deleted, 1u);
  EXPECT_EQ((*writer)->counts().missing, 1u);
  writer->reset();
  Xapian::Database a_shard(cluster.shards[core::ShardOf("a", 2)].primary.path);
  EXPECT_FALSE(a_shard.term_exists(IdTerm("a")));
  Xapian::Database b_shard(cluster.shards[core::ShardOf("b", 2)].primary.path);
  EXPECT_TRUE(b_shard.term_exists(IdTerm("b")));
}

// Port 1 on loopback refuses connections: the error names the shard and its
// address, and comes at once (no waiting as for a held lock).
TEST_F(ClusterWriterTest, APrimaryThatDoesNotAnswerIsNamed) {
  auto cluster = core::ParseCluster(
      "newsdex-cluster 1\nshard local\nprimary p0\nshard far\nprimary tcp://127.0.0.1:1\n",
      "test.conf", dir_.string());
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  WriterOptions options;
  options.lock_timeout = absl::Seconds(30);
  const absl::Time start = absl::Now();
  auto writer = ClusterWriter::Open(*cluster, options);
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kUnavailable) << writer.status();
  EXPECT_NE(writer.status().message().find("shard \"far\" (primary tcp://127.0.0.1:1)"),
            std::string::npos)
      << writer.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST_F(ClusterWriterTest, APrimaryOfAnotherSchemaVersionIsRefused) {
  const core::Cluster cluster = LocalCluster(2);
  {
    Xapian::WritableDatabase other(cluster.shards[1].primary.path, Xapian::DB_CREATE_OR_OPEN);
    other.set_metadata(core::kSchemaVersionKey, "1");
    other.commit();
  }
  auto writer = ClusterWriter::Open(cluster, WriterOptions());
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kFailedPrecondition) << writer.status();
  EXPECT_NE(writer.status().message().find("shard \"s1\""), std::string::npos) << writer.status();
}

TEST_F(ClusterWriterTest, AdoptStampsAndChecksTheSchemaVersion) {
  Xapian::WritableDatabase memory("", Xapian::DB_BACKEND_INMEMORY);
  WriterOptions options;
  options.spelling = false;  // the in-memory backend has no spelling table
  auto writer = IndexWriter::Adopt(memory, "memory", options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->Write(Build("x", "oil")).ok());
  absl::Status committed = (*writer)->Commit();  // no commit gate: there is no directory
  ASSERT_TRUE(committed.ok()) << committed;
  EXPECT_EQ(memory.get_metadata(core::kSchemaVersionKey), std::to_string(core::kSchemaVersion));
  EXPECT_EQ(memory.get_doccount(), 1u);

  Xapian::WritableDatabase old("", Xapian::DB_BACKEND_INMEMORY);
  old.set_metadata(core::kSchemaVersionKey, "1");
  EXPECT_EQ(IndexWriter::Adopt(old, "old", WriterOptions()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EnableChangesetsTest, OnlyForLocalPrimariesWithReplicasAndNeverOverAValue) {
  auto remote = core::ParseCluster(
      "newsdex-cluster 1\nshard a\nprimary tcp://h:1\nreplica tcp://h:2\n", "t", "/");
  auto local_alone = core::ParseCluster("newsdex-cluster 1\nshard a\nprimary /p\n", "t", "/");
  auto local_replicated = core::ParseCluster(
      "newsdex-cluster 1\nshard a\nprimary /p\nreplica tcp://h:2\n", "t", "/");
  ASSERT_TRUE(remote.ok() && local_alone.ok() && local_replicated.ok());
  unsetenv("XAPIAN_MAX_CHANGESETS");
  EXPECT_FALSE(EnableChangesetsForLocalPrimaries(*remote));
  EXPECT_FALSE(EnableChangesetsForLocalPrimaries(*local_alone));
  EXPECT_EQ(getenv("XAPIAN_MAX_CHANGESETS"), nullptr);
  EXPECT_TRUE(EnableChangesetsForLocalPrimaries(*local_replicated));
  EXPECT_STREQ(getenv("XAPIAN_MAX_CHANGESETS"), std::to_string(kClusterMaxChangesets).c_str());
  setenv("XAPIAN_MAX_CHANGESETS", "7", 1);
  EXPECT_FALSE(EnableChangesetsForLocalPrimaries(*local_replicated));
  EXPECT_STREQ(getenv("XAPIAN_MAX_CHANGESETS"), "7");
  unsetenv("XAPIAN_MAX_CHANGESETS");
}

}  // namespace
}  // namespace newsdex::indexer

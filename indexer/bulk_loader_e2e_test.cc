// End-to-end tests of newsdex-index --bulk as a process: what kill -9 and
// SIGTERM leave, and the fallback for a database that has documents. The input
// is generated here, so the tests need nothing from ../shared.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xapian.h>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "core/schema.h"
#include "indexer/bulk_loader.h"
#include "tests/testutil.h"

namespace newsdex::indexer {
namespace {

namespace fs = std::filesystem;

class BulkProgramTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("bulk_e2e_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `n` English articles with ids g<first>..; about 60 words each.
  std::string WriteInput(int first, int n, const std::string& name) {
    const std::string path = (dir_ / name).string();
    std::ofstream out(path);
    std::mt19937 rng(first);
    const char* words[] = {"market", "oil", "bank", "grain", "shipping", "tariff", "wheat",
                           "coffee", "minister", "talks", "export", "prices", "rose", "fell",
                           "percent", "government", "company", "shares", "profit", "quarter"};
    for (int i = first; i < first + n; ++i) {
      out << "{\"id\":\"g" << i << "\",\"title\":\"Item " << i << "\",\"language\":\"en\","
          << "\"body\":\"";
      for (int w = 0; w < 60; ++w) out << words[rng() % 20] << (rng() % 7) << ' ';
      out << "\"}\n";
    }
    return path;
  }

  pid_t Spawn(const std::vector<std::string>& args) {
    const std::string log = (dir_ / "log").string();
    pid_t pid = fork();
    if (pid == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> argv;
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    return pid;
  }
  std::string Log() {
    std::ifstream in(dir_ / "log");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  int RunToEnd(const std::vector<std::string>& args) {
    int status = 0;
    waitpid(Spawn(args), &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // Waits until a shard has committed `n` documents, i.e. the bulk load is
  // midway; false if the program ended first or two minutes passed.
  bool WaitForShard(pid_t pid, Xapian::doccount n) {
    const std::string shard = (fs::path(BulkScratchDir(db_)) / "shard-0").string();
    bool midway = false;
    testing::WaitUntil(
        [&] {
          try {
            midway = Xapian::Database(shard).get_doccount() >= n;
          } catch (const Xapian::Error&) {
            // Not created yet.
          }
          return midway || waitpid(pid, nullptr, WNOHANG) == pid;
        },
        absl::Minutes(2), absl::Milliseconds(5));
    return midway;
  }

  fs::path dir_;
  std::string db_;
};

constexpr int kDocs = 20000;

TEST_F(BulkProgramTest, KillNineLeavesTheTargetEmptyAndTheNextRunCompletes) {
  const std::string input = WriteInput(0, kDocs, "in.jsonl");
  const std::vector<std::string> args = {NEWSDEX_INDEX_BIN, "--bulk", "--no-facets", "--batch",
                                         "100", "--quiet", "--db", db_, input};
  pid_t pid = Spawn(args);
  ASSERT_TRUE(WaitForShard(pid, 300)) << "ended before the kill: " << Log();
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  {
    Xapian::Database target(db_);
    EXPECT_EQ(target.get_doccount(), 0u) << "a bulk load publishes nothing before it ends";
    EXPECT_EQ(target.get_metadata(core::kSchemaVersionKey), std::to_string(core::kSchemaVersion));
  }
  EXPECT_TRUE(fs::exists(BulkScratchDir(db_)));
  EXPECT_EQ(RunToEnd(args), 0) << Log();
  EXPECT_EQ(Xapian::Database(db_).get_doccount(), static_cast<Xapian::doccount>(kDocs));
  EXPECT_FALSE(fs::exists(BulkScratchDir(db_))) << "the leftover shards were not removed";
}

TEST_F(BulkProgramTest, KillNineDuringTheMergeLeavesTheTargetEmptyOrComplete) {
  const std::string input = WriteInput(0, kDocs, "in.jsonl");
  pid_t pid = Spawn({NEWSDEX_INDEX_BIN, "--bulk", "--no-facets", "--quiet", "--db", db_, input});
  const fs::path merged = fs::path(BulkScratchDir(db_)) / "merged";
  bool ended = false;
  // Polled every millisecond: the merge is a short window to land the kill in.
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        ended = waitpid(pid, nullptr, WNOHANG) == pid;
        return ended || fs::exists(merged);
      },
      absl::Minutes(2)))
      << "neither merged nor ended: " << Log();
  if (!ended) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  const Xapian::doccount docs = Xapian::Database(db_).get_doccount();
  EXPECT_TRUE(docs == 0 || docs == static_cast<Xapian::doccount>(kDocs)) << docs;
  if (ended) {
    EXPECT_EQ(docs, static_cast<Xapian::doccount>(kDocs));
  }
}

TEST_F(BulkProgramTest, NormalRunAfterAKilledBulkLoadRemovesItsLeftovers) {
  const std::string input = WriteInput(0, kDocs, "in.jsonl");
  pid_t pid = Spawn({NEWSDEX_INDEX_BIN, "--bulk", "--no-facets", "--batch", "100", "--quiet",
                     "--db", db_, input});
  ASSERT_TRUE(WaitForShard(pid, 300)) << "ended before the kill: " << Log();
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  const std::string small = WriteInput(0, 50, "small.jsonl");
  EXPECT_EQ(RunToEnd({NEWSDEX_INDEX_BIN, "--no-facets", "--quiet", "--db", db_, small}), 0)
      << Log();
  EXPECT_EQ(Xapian::Database(db_).get_doccount(), 50u);
  EXPECT_FALSE(fs::exists(BulkScratchDir(db_)));
}

TEST_F(BulkProgramTest, SigtermPublishesWhatWasReadAndExitsCleanly) {
  const std::string input = WriteInput(0, kDocs, "in.jsonl");
  pid_t pid = Spawn({NEWSDEX_INDEX_BIN, "--bulk", "--no-facets", "--batch", "100", "--db", db_,
                     input});
  ASSERT_TRUE(WaitForShard(pid, 300)) << "ended before the signal: " << Log();
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << Log();
  EXPECT_TRUE(absl::StrContains(Log(), "interrupted")) << Log();
  Xapian::Database target(db_);
  EXPECT_GE(target.get_doccount(), 300u);
  EXPECT_LT(target.get_doccount(), static_cast<Xapian::doccount>(kDocs));
  EXPECT_FALSE(target.get_metadata(core::kLastUpdateKey).empty());
  EXPECT_FALSE(fs::exists(BulkScratchDir(db_)));
}

TEST_F(BulkProgramTest, DatabaseWithDocumentsIsIndexedTheNormalWay) {
  ASSERT_EQ(RunToEnd({NEWSDEX_INDEX_BIN, "--no-facets", "--quiet", "--db", db_,
                      WriteInput(0, 100, "first.jsonl")}),
            0)
      << Log();
  // Ids g50..g249: 50 replace, 150 are new.
  EXPECT_EQ(RunToEnd({NEWSDEX_INDEX_BIN, "--bulk", "--no-facets", "--db", db_,
                      WriteInput(50, 200, "second.jsonl")}),
            0)
      << Log();
  EXPECT_TRUE(absl::StrContains(Log(), "indexing the normal way")) << Log();
  EXPECT_TRUE(absl::StrContains(Log(), "150 added, 50 replaced")) << Log();
  EXPECT_EQ(Xapian::Database(db_).get_doccount(), 250u);
}

}  // namespace
}  // namespace newsdex::indexer

#include "indexer/index_writer.h"

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "core/schema.h"

namespace newsdex::indexer {
namespace {

class IndexWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("index_writer_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    auto a = core::Analyzer::Create();
    ASSERT_TRUE(a.ok());
    analyzer_ = std::move(a).value();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

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

  std::filesystem::path dir_;
  std::unique_ptr<core::Analyzer> analyzer_;
};

// A second writer waits for the lock up to its timeout instead of failing at
// once; without a timeout it fails at once, naming the lock.
TEST_F(IndexWriterTest, WaitsForTheWriteLockUpToItsTimeout) {
  auto holder = IndexWriter::Open(dir_.string(), WriterOptions());
  ASSERT_TRUE(holder.ok()) << holder.status();

  auto at_once = IndexWriter::Open(dir_.string(), WriterOptions());
  EXPECT_EQ(at_once.status().code(), absl::StatusCode::kUnavailable);

  WriterOptions short_wait;
  short_wait.lock_timeout = absl::Milliseconds(150);
  const absl::Time start = absl::Now();
  auto timed_out = IndexWriter::Open(dir_.string(), short_wait);
  EXPECT_EQ(timed_out.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(timed_out.status().message().find("for the write lock"), std::string::npos)
      << timed_out.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(150));

  // The holder is a writer busy for a while, then done.
  std::thread release([&] {
    absl::SleepFor(absl::Milliseconds(300));
    holder->reset();
  });
  WriterOptions patient;
  patient.lock_timeout = absl::Seconds(60);
  auto waited = IndexWriter::Open(dir_.string(), patient);
  release.join();
  EXPECT_TRUE(waited.ok()) << waited.status();
}

TEST_F(IndexWriterTest, DeleteRefusesAnIdOverTheLimit) {
  auto w = IndexWriter::Open(dir_.string(), WriterOptions());
  ASSERT_TRUE(w.ok()) << w.status();
  const absl::Status status = (*w)->Delete(std::string(core::kMaxIdBytes + 1, 'x'));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("limit of 1024 bytes"), std::string::npos) << status;
}

TEST_F(IndexWriterTest, ReplacesByIdAndSkipsUnchanged) {
  WriterOptions options;
  options.batch_size = 2;
  {
    auto w = IndexWriter::Open(dir_.string(), options);
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_TRUE((*w)->Write(Build("a", "first text")).ok());
    ASSERT_TRUE((*w)->Write(Build("b", "second text")).ok());
    ASSERT_TRUE((*w)->Write(Build("a", "first text")).ok());    // unchanged
    ASSERT_TRUE((*w)->Write(Build("b", "changed text")).ok());  // replaced
    ASSERT_TRUE((*w)->Commit().ok());
    EXPECT_EQ((*w)->counts().added, 2u);
    EXPECT_EQ((*w)->counts().unchanged, 1u);
    EXPECT_EQ((*w)->counts().replaced, 1u);
  }
  Xapian::Database db(dir_.string());
  EXPECT_EQ(db.get_doccount(), 2u);
  EXPECT_EQ(db.get_metadata(core::kSchemaVersionKey), std::to_string(core::kSchemaVersion));
  EXPECT_FALSE(db.get_metadata(core::kLastUpdateKey).empty());
  EXPECT_TRUE(db.term_exists("Zchang"));
  EXPECT_FALSE(db.term_exists("Zsecond"));
}

TEST_F(IndexWriterTest, ReopenedDatabaseStillReplacesAndSkipsById) {
  // The first writer starts empty (ids it has not written are added without
  // a lookup); the second must look every id up.
  {
    auto w = IndexWriter::Open(dir_.string(), WriterOptions());
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_TRUE((*w)->Write(Build("a", "first text")).ok());
    ASSERT_TRUE((*w)->Write(Build("b", "second text")).ok());
    ASSERT_TRUE((*w)->Delete("b").ok());
    ASSERT_TRUE((*w)->Write(Build("b", "second text")).ok());  // deleted, then new again
    EXPECT_EQ((*w)->counts().added, 3u);
  }
  auto w = IndexWriter::Open(dir_.string(), WriterOptions());
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE((*w)->Write(Build("a", "first text")).ok());
  ASSERT_TRUE((*w)->Write(Build("b", "other text")).ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ((*w)->counts().unchanged, 1u);
  EXPECT_EQ((*w)->counts().replaced, 1u);
  EXPECT_EQ((*w)->counts().added, 0u);
  EXPECT_EQ((*w)->db().get_doccount(), 2u);
}

TEST_F(IndexWriterTest, DeletesById) {
  auto w = IndexWriter::Open(dir_.string(), WriterOptions());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(Build("a", "text")).ok());
  ASSERT_TRUE((*w)->Delete("a").ok());
  ASSERT_TRUE((*w)->Delete("nope").ok());
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ((*w)->counts().deleted, 1u);
  EXPECT_EQ((*w)->counts().missing, 1u);
  EXPECT_EQ((*w)->db().get_doccount(), 0u);
}

TEST_F(IndexWriterTest, RefusesAnotherSchemaVersion) {
  {
    Xapian::WritableDatabase db(dir_.string(), Xapian::DB_CREATE_OR_OPEN);
    db.set_metadata(core::kSchemaVersionKey, "999");
    db.commit();
  }
  auto w = IndexWriter::Open(dir_.string(), WriterOptions());
  EXPECT_EQ(w.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(IndexWriterTest, RefusesAnIndexOfTheOldSchemaNamingBothVersions) {
  {
    Xapian::WritableDatabase db(dir_.string(), Xapian::DB_CREATE_OR_OPEN);
    Xapian::Document doc;
    doc.add_boolean_term("Qold");
    db.add_document(doc);
    db.set_metadata(core::kSchemaVersionKey, std::to_string(core::kSchemaVersion - 1));
    db.commit();
  }
  auto w = IndexWriter::Open(dir_.string(), WriterOptions());
  ASSERT_EQ(w.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(w.status().message());
  EXPECT_NE(message.find(dir_.string()), std::string::npos) << message;
  EXPECT_NE(message.find("schema version " + std::to_string(core::kSchemaVersion - 1)),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("re-index"), std::string::npos) << message;
}

std::set<std::string> SpellingWords(const std::string& path) {
  Xapian::Database db(path);
  return std::set<std::string>(db.spellings_begin(), db.spellings_end());
}

// Batch commits leave the spelling words to gather until
// spelling_batch_docs documents have them; Commit() always adds them.
TEST_F(IndexWriterTest, SpellingWaitsForItsOwnBatchOrAnExplicitCommit) {
  WriterOptions options;
  options.batch_size = 2;
  options.spelling_batch_docs = 5;
  options.fsync = false;
  auto w = IndexWriter::Open(dir_.string(), options);
  ASSERT_TRUE(w.ok()) << w.status();
  const std::vector<std::string> words = {"alpaca", "bison", "camel", "dingo", "eland",
                                          "ferret", "gecko"};
  for (size_t i = 0; i < 4; ++i) {
    ASSERT_TRUE((*w)->Write(Build(words[i], words[i])).ok());
  }
  EXPECT_EQ((*w)->committed(), 4u);
  EXPECT_FALSE(SpellingWords(dir_.string()).count("alpaca")) << "4 of 5 documents";
  for (size_t i = 4; i < 6; ++i) {
    ASSERT_TRUE((*w)->Write(Build(words[i], words[i])).ok());
  }
  std::set<std::string> spelling = SpellingWords(dir_.string());
  for (size_t i = 0; i < 6; ++i) EXPECT_TRUE(spelling.count(words[i])) << words[i];
  ASSERT_TRUE((*w)->Write(Build(words[6], words[6])).ok());
  EXPECT_FALSE(SpellingWords(dir_.string()).count("gecko"));
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_TRUE(SpellingWords(dir_.string()).count("gecko"));
  // Counted once per document, as when each batch added its words.
  Xapian::Database db(dir_.string());
  Xapian::TermIterator it = db.spellings_begin();
  it.skip_to("title");
  ASSERT_EQ(*it, "title");
  EXPECT_EQ(it.get_termfreq(), 7u);
}

TEST_F(IndexWriterTest, SecondWriterIsUnavailable) {
  auto w = IndexWriter::Open(dir_.string(), WriterOptions());
  ASSERT_TRUE(w.ok());
  auto w2 = IndexWriter::Open(dir_.string(), WriterOptions());
  EXPECT_EQ(w2.status().code(), absl::StatusCode::kUnavailable) << w2.status();
}

}  // namespace
}  // namespace newsdex::indexer

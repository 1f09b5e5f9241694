#include "indexer/bulk_loader.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <xapian.h>

#include "absl/strings/str_cat.h"
#include "core/schema.h"

namespace newsdex::indexer {
namespace {

namespace fs = std::filesystem;

class BulkLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("bulk_loader_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `n` articles; ids repeat every `distinct`, and a repeated id carries a
  // different body, so only the last version must survive.
  std::string WriteInput(int n, int distinct, const std::string& name = "in.jsonl") {
    const std::string path = (dir_ / name).string();
    std::ofstream out(path);
    const char* words[] = {"market", "oil", "bank", "grain", "shipping", "tariff", "wheat", "coffee"};
    for (int i = 0; i < n; ++i) {
      out << "{\"id\":\"a" << i % distinct << "\",\"title\":\"Report " << i % distinct
          << "\",\"body\":\"The " << words[i % 8] << " and " << words[(i / 8) % 8]
          << " version " << i << " story\",\"language\":\"en\"}\n";
    }
    return path;
  }

  // Everything a query can see, by article id: data, terms, values.
  static std::map<std::string, std::string> Dump(const std::string& path) {
    Xapian::Database db(path);
    std::map<std::string, std::string> out;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
      Xapian::Document doc = db.get_document(*it);
      std::string id, text = doc.get_data() + "\n";
      for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        if ((*t)[0] == 'Q') id = *t;
        absl::StrAppend(&text, *t, ":", t.get_wdf(), " ");
      }
      for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
        absl::StrAppend(&text, "\n", v.get_valueno(), "=", *v);
      }
      EXPECT_EQ(out.count(id), 0u) << "two documents with " << id;
      out[id] = text;
    }
    return out;
  }
  static std::map<std::string, Xapian::doccount> Spellings(const std::string& path) {
    Xapian::Database db(path);
    std::map<std::string, Xapian::doccount> out;
    for (auto it = db.spellings_begin(); it != db.spellings_end(); ++it) {
      out[*it] = it.get_termfreq();
    }
    return out;
  }

  fs::path dir_;
};

TEST_F(BulkLoaderTest, GivesTheSameDatabaseAsTheNormalPath) {
  const std::string input = WriteInput(500, 180);
  const std::string normal = (dir_ / "normal").string();
  const std::string bulk = (dir_ / "bulk").string();
  PipelineOptions pipeline;
  std::vector<std::string> errors;
  auto on_error = [&](const absl::Status& s) { errors.push_back(std::string(s.message())); };
  {
    WriterOptions options;
    options.batch_size = 50;
    auto w = IndexWriter::Open(normal, options);
    ASSERT_TRUE(w.ok()) << w.status();
    ASSERT_TRUE(IndexPaths({input}, **w, pipeline, on_error).ok());
  }
  BulkOptions options;
  options.shards = 3;
  options.writer.batch_size = 50;
  absl::StatusOr<BulkResult> r = BulkLoad({input}, bulk, options, pipeline, on_error);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(errors.empty()) << errors[0];
  EXPECT_EQ(r->pipeline.read, 500u);
  EXPECT_EQ(r->writes.added, 180u);
  EXPECT_EQ(r->writes.replaced, 320u);

  const auto normal_docs = Dump(normal);
  const auto bulk_docs = Dump(bulk);
  ASSERT_EQ(normal_docs.size(), 180u);
  EXPECT_EQ(bulk_docs, normal_docs);
  // The last version of a repeated id wins, as in the normal path.
  EXPECT_NE(bulk_docs.at("Qa7").find("version 367 story"), std::string::npos);
  EXPECT_EQ(Spellings(bulk), Spellings(normal));
  EXPECT_FALSE(Spellings(bulk).empty());
  // Each word went to one shard only (pipeline.h): the merged fragment
  // tables must still find it from a misspelling.
  for (const char* typo : {"markett", "shiping", "tarif", "cofee", "grian", "versoin"}) {
    const std::string want = Xapian::Database(normal).get_spelling_suggestion(typo);
    EXPECT_FALSE(want.empty()) << typo;
    EXPECT_EQ(Xapian::Database(bulk).get_spelling_suggestion(typo), want) << typo;
  }

  Xapian::Database db(bulk);
  EXPECT_EQ(db.get_metadata(core::kSchemaVersionKey), std::to_string(core::kSchemaVersion));
  EXPECT_EQ(db.get_metadata(core::kLastUpdateKey).size(), 20u);  // 2025-01-02T03:04:05Z
  EXPECT_EQ(db.get_lastdocid(), 180u) << "compaction renumbers docids densely";
  EXPECT_FALSE(fs::exists(BulkScratchDir(bulk)));
  // The result is an ordinary database: the normal path can update it.
  auto w = IndexWriter::Open(bulk, WriterOptions());
  ASSERT_TRUE(w.ok()) << w.status();
  ASSERT_TRUE(IndexPaths({input}, **w, pipeline, on_error).ok());
  EXPECT_EQ((*w)->counts().replaced, 500u);
  EXPECT_EQ((*w)->db().get_doccount(), 180u);
}

TEST_F(BulkLoaderTest, RefusesADatabaseWithDocumentsAndLeavesItAlone) {
  const std::string input = WriteInput(20, 20);
  const std::string db = (dir_ / "db").string();
  {
    auto w = IndexWriter::Open(db, WriterOptions());
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(IndexPaths({input}, **w, PipelineOptions(), [](const absl::Status&) {}).ok());
  }
  const std::string before = Xapian::Database(db).get_metadata(core::kLastUpdateKey);
  absl::StatusOr<BulkResult> r =
      BulkLoad({WriteInput(10, 10, "more.jsonl")}, db, BulkOptions(), PipelineOptions(),
               [](const absl::Status&) {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kAlreadyExists) << r.status();
  Xapian::Database reopened(db);
  EXPECT_EQ(reopened.get_doccount(), 20u);
  EXPECT_EQ(reopened.get_metadata(core::kLastUpdateKey), before);
  EXPECT_FALSE(fs::exists(BulkScratchDir(db)));
}

TEST_F(BulkLoaderTest, RemovesWhatAKilledRunLeftBehind) {
  const std::string db = (dir_ / "db").string();
  // What kill -9 after the exchange leaves: the old empty target and a shard.
  const fs::path scratch = BulkScratchDir(db + "/");
  EXPECT_EQ(scratch, fs::path(db + ".bulk-tmp"));
  fs::create_directories(scratch);
  { Xapian::WritableDatabase(((scratch / "merged").string()), Xapian::DB_CREATE); }
  { Xapian::WritableDatabase(((scratch / "shard-0").string()), Xapian::DB_CREATE); }
  absl::StatusOr<BulkResult> r = BulkLoad({WriteInput(30, 30)}, db, BulkOptions(),
                                          PipelineOptions(), [](const absl::Status&) {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Xapian::Database(db).get_doccount(), 30u);
  EXPECT_FALSE(fs::exists(scratch));
}

TEST_F(BulkLoaderTest, StopPublishesWhatWasRead) {
  // A bad line in the middle raises the stop flag, as SIGTERM would.
  std::string input = WriteInput(3000, 3000);
  {
    std::ofstream out(input, std::ios::app);
    out << "not json\n";
  }
  {
    std::ifstream more(WriteInput(3000, 3000, "more.jsonl"));
    std::ofstream out(input, std::ios::app);
    out << more.rdbuf();
  }
  std::atomic<bool> stop{false};
  PipelineOptions pipeline;
  pipeline.stop = &stop;
  const std::string db = (dir_ / "db").string();
  absl::StatusOr<BulkResult> r =
      BulkLoad({input}, db, BulkOptions(), pipeline, [&](const absl::Status&) { stop = true; });
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->pipeline.stopped);
  // The reader checks the flag before each article: nothing after the bad
  // line is read, everything before it is published.
  EXPECT_EQ(r->pipeline.read, 3000u);
  EXPECT_EQ(r->writes.added, 3000u);
  EXPECT_EQ(r->writes.replaced, 0u);
  EXPECT_EQ(Xapian::Database(db).get_doccount(), r->writes.added);
  EXPECT_FALSE(fs::exists(BulkScratchDir(db)));
}

TEST_F(BulkLoaderTest, EmptyInputLeavesAnEmptyStampedDatabase) {
  const std::string input = (dir_ / "empty.jsonl").string();
  std::ofstream(input).close();
  const std::string db = (dir_ / "db").string();
  absl::StatusOr<BulkResult> r =
      BulkLoad({input}, db, BulkOptions(), PipelineOptions(), [](const absl::Status&) {});
  ASSERT_TRUE(r.ok()) << r.status();
  Xapian::Database reopened(db);
  EXPECT_EQ(reopened.get_doccount(), 0u);
  EXPECT_EQ(reopened.get_metadata(core::kSchemaVersionKey), std::to_string(core::kSchemaVersion));
  EXPECT_FALSE(fs::exists(BulkScratchDir(db)));
}

TEST(ShardOfTest, IsStableAndUsesEveryShard) {
  // Fixed values: a shard must not depend on the process (absl::Hash would).
  EXPECT_EQ(ShardOf("Qa0", 1), 0u);
  std::set<size_t> used;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = absl::StrCat("Qa", i);
    const size_t s = ShardOf(id, 4);
    ASSERT_LT(s, 4u);
    EXPECT_EQ(ShardOf(id, 4), s);
    used.insert(s);
  }
  EXPECT_EQ(used.size(), 4u);
}

}  // namespace
}  // namespace newsdex::indexer

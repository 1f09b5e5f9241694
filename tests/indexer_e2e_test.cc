// End-to-end tests of newsdex-index over the real corpora in ../shared and of
// the program itself: counts, identity, phrase search, crash safety, bad input.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <xapian.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/analyzer.h"
#include "core/schema.h"
#include "indexer/document_builder.h"
#include "indexer/index_writer.h"
#include "indexer/pipeline.h"
#include "tests/testutil.h"
#include "indexer/facet_extractor.h"

namespace newsdex {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

struct IndexedCorpus {
  std::unique_ptr<TempDir> dir;
  std::string db_path;
  indexer::PipelineCounts counts;
  indexer::WriteCounts writes;
  std::vector<std::string> errors;
};

const indexer::FacetExtractor* Extractor() {
  static const indexer::FacetExtractor* e = [] {
    auto loaded = indexer::FacetExtractor::Load(std::string(NEWSDEX_SOURCE_DIR) + "/data");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? loaded->release() : nullptr;
  }();
  return e;
}

void IndexInto(const std::string& db_path, const std::vector<std::string>& paths,
               IndexedCorpus* out) {
  auto writer = indexer::IndexWriter::Open(db_path, indexer::WriterOptions());
  ASSERT_TRUE(writer.ok()) << writer.status();
  indexer::PipelineOptions options;
  options.threads = 2;
  options.extractor = Extractor();
  auto counts = indexer::IndexPaths(paths, **writer, options, [&](const absl::Status& s) {
    out->errors.push_back(std::string(s.message()));
  });
  ASSERT_TRUE(counts.ok()) << counts.status();
  out->counts = *counts;
  out->writes = (*writer)->counts();
}

// Picks up to `want` documents spread over the database and checks that a
// phrase of up to six consecutive words of each finds exactly that document.
void ExpectPhraseSearchFindsDocuments(const std::string& db_path, size_t want) {
  Xapian::Database db(db_path);
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  const Xapian::docid last = db.get_lastdocid();
  const Xapian::docid step = std::max<Xapian::docid>(1, last / want);
  size_t checked = 0, skipped = 0;
  Xapian::Enquire enquire(db);
  for (Xapian::docid id = 1; id <= last && checked < want; id += step) {
    Xapian::Document doc;
    try {
      doc = db.get_document(id);
    } catch (const Xapian::DocNotFoundError&) {
      continue;
    }
    auto article = core::DecodeStoredArticle(
        doc.get_value(static_cast<Xapian::valueno>(core::ValueSlot::kMetadata)), doc.get_data());
    ASSERT_TRUE(article.ok()) << "docid " << id;
    // A sentence from the middle of the body, or the title if there is no body.
    std::vector<core::Token> tokens;
    (*analyzer)->Tokenize(article->body, &tokens);
    core::FieldId field = core::FieldId::kText;
    if (tokens.size() < 6) {
      tokens.clear();
      (*analyzer)->Tokenize(article->title, &tokens);
      field = core::FieldId::kTitle;  // the title's positions are on its own terms
    }
    if (tokens.size() < 2) {
      ++skipped;
      continue;
    }
    const size_t start = tokens.size() > 12 ? tokens.size() / 2 : 0;
    const size_t len = std::min<size_t>(6, tokens.size() - start);
    std::vector<Xapian::Query> words;
    std::string phrase;
    for (size_t i = start; i < start + len; ++i) {
      words.emplace_back(core::FreeTextTerm(field, (*analyzer)->Stem(tokens[i].term, article->language)));
      absl::StrAppend(&phrase, tokens[i].term, " ");
    }
    Xapian::Query q(Xapian::Query::OP_FILTER,
                    Xapian::Query(Xapian::Query::OP_PHRASE, words.begin(), words.end(), len),
                    Xapian::Query(indexer::IdTerm(article->id)));
    enquire.set_query(q);
    Xapian::MSet mset = enquire.get_mset(0, 10);
    EXPECT_EQ(mset.size(), 1u) << "phrase \"" << phrase << "\" does not find " << article->id;
    ++checked;
  }
  EXPECT_GE(checked, std::min<size_t>(want, last) * 9 / 10) << "skipped " << skipped;
}

class ReutersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::ReutersFiles().empty()) return;
    corpus_ = new IndexedCorpus();
    corpus_->dir = std::make_unique<TempDir>("reuters");
    corpus_->db_path = corpus_->dir->path() + "/db";
    IndexInto(corpus_->db_path, testing::ReutersFiles(), corpus_);
  }
  static void TearDownTestSuite() {
    delete corpus_;
    corpus_ = nullptr;
  }
  void SetUp() override {
    if (corpus_ == nullptr) GTEST_SKIP() << "../shared/corpora/reuters21578 is not here";
  }
  static IndexedCorpus* corpus_;
};
IndexedCorpus* ReutersTest::corpus_ = nullptr;

TEST_F(ReutersTest, IndexesAll21578DocumentsByNewid) {
  Xapian::Database db(corpus_->db_path);
  EXPECT_EQ(db.get_doccount(), 21578u);
  EXPECT_EQ(corpus_->counts.read, 21578u);
  EXPECT_EQ(corpus_->writes.added, 21578u);
  int missing = 0;
  for (int newid = 1; newid <= 21578; ++newid) {
    if (!db.term_exists(indexer::IdTerm(std::to_string(newid)))) ++missing;
  }
  EXPECT_EQ(missing, 0);
  // Every Reuters story has a publication date.
  EXPECT_EQ(db.get_value_freq(static_cast<Xapian::valueno>(core::ValueSlot::kDate)), 21578u);
  EXPECT_EQ(db.get_value_lower_bound(static_cast<Xapian::valueno>(core::ValueSlot::kDate)),
            "19870226");
  EXPECT_EQ(db.get_value_upper_bound(static_cast<Xapian::valueno>(core::ValueSlot::kDate)),
            "19871020");
}

TEST_F(ReutersTest, PhraseFromEachSampledDocumentFindsIt) {
  ExpectPhraseSearchFindsDocuments(corpus_->db_path, 500);
}

TEST_F(ReutersTest, ReindexingUnchangedCorpusChangesNothing) {
  IndexedCorpus again;
  IndexInto(corpus_->db_path, testing::ReutersFiles(), &again);
  Xapian::Database db(corpus_->db_path);
  EXPECT_EQ(db.get_doccount(), 21578u);
  EXPECT_EQ(again.writes.added, 0u);
  EXPECT_EQ(again.writes.replaced, 0u);
  EXPECT_EQ(again.writes.unchanged, 21578u);
}

TEST(BbcTest, IndexesAll2225ArticlesAndFindsThemByPhrase) {
  TempDir dir("bbc");
  if (!testing::UnpackBbc(dir.path() + "/bbc")) GTEST_SKIP() << "../shared/corpora/bbc is not here";
  IndexedCorpus corpus;
  IndexInto(dir.path() + "/db", {dir.path() + "/bbc"}, &corpus);
  Xapian::Database db(dir.path() + "/db");
  // Byte-identical copies (98 pairs) stay separate articles: they have
  // different paths, so different ids. Query-time collapse groups them.
  EXPECT_EQ(db.get_doccount(), 2225u);
  EXPECT_TRUE(db.term_exists(indexer::IdTerm("business/001.txt")));
  ExpectPhraseSearchFindsDocuments(dir.path() + "/db", 500);
}

// --- The program as a user runs it -----------------------------------------

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// Waits until the database at `path` holds at least `n` documents and returns
// how many it holds; 0 if the indexer `pid` exited first or a minute passed.
Xapian::doccount WaitForDocuments(const std::string& path, Xapian::doccount n, pid_t pid) {
  Xapian::doccount seen = 0;
  bool exited = false;
  testing::WaitUntil(
      [&] {
        try {
          seen = Xapian::Database(path).get_doccount();
        } catch (const Xapian::Error&) {
          // Not created yet.
        }
        exited = seen < n && waitpid(pid, nullptr, WNOHANG) == pid;
        return seen >= n || exited;
      },
      absl::Minutes(1), absl::Milliseconds(10));
  return seen >= n ? seen : 0;
}

bool HaveXapianCheck() { return testing::Run({"sh", "-c", "command -v xapian-check"}).exit_code == 0; }

TEST(IndexProgramTest, KillNineLeavesEveryCommittedBatch) {
  auto files = testing::ReutersFiles();
  if (files.empty()) GTEST_SKIP() << "../shared/corpora/reuters21578 is not here";
  TempDir dir("kill9");
  const std::string db = dir.path() + "/db";
  std::vector<std::string> argv = {NEWSDEX_INDEX_BIN, "--db", db, "--batch", "200", "--quiet"};
  argv.insert(argv.end(), files.begin(), files.end());
  pid_t pid = Spawn(argv, dir.path() + "/log");
  const Xapian::doccount seen = WaitForDocuments(db, 1000, pid);
  ASSERT_GT(seen, 0u) << "indexer ended before committing 1000 documents";
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  if (HaveXapianCheck()) {
    testing::RunResult check = testing::Run({"xapian-check", db});
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  }
  Xapian::Database reopened(db);
  EXPECT_GE(reopened.get_doccount(), seen);
  EXPECT_EQ(reopened.get_doccount() % 200, 0u) << "only whole batches are committed";
  // The next run picks up where it stopped and completes the corpus.
  testing::RunResult again = testing::Run(
      [&] {
        std::vector<std::string> a = {NEWSDEX_INDEX_BIN, "--db", db, "--quiet"};
        a.insert(a.end(), files.begin(), files.end());
        return a;
      }());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Xapian::Database(db).get_doccount(), 21578u);
}

TEST(IndexProgramTest, SigtermCommitsWhatWasReadAndExitsCleanly) {
  auto files = testing::ReutersFiles();
  if (files.empty()) GTEST_SKIP() << "../shared/corpora/reuters21578 is not here";
  TempDir dir("sigterm");
  const std::string db = dir.path() + "/db";
  std::vector<std::string> argv = {NEWSDEX_INDEX_BIN, "--db", db, "--batch", "500"};
  argv.insert(argv.end(), files.begin(), files.end());
  pid_t pid = Spawn(argv, dir.path() + "/log");
  const Xapian::doccount seen = WaitForDocuments(db, 500, pid);
  ASSERT_GT(seen, 0u);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::ifstream log(dir.path() + "/log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(absl::StrContains(text, "interrupted")) << text;
  Xapian::Database reopened(db);
  EXPECT_GE(reopened.get_doccount(), seen);
  EXPECT_LT(reopened.get_doccount(), 21578u);
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

TEST(IndexProgramTest, ReportsBadInputAndIndexesTheRest) {
  TempDir dir("badinput");
  const std::string in = dir.path() + "/in";
  fs::create_directories(in);
  WriteFile(in + "/good.txt", "A good title\n\nA good body about Iran and talks.\n");
  WriteFile(in + "/latin1.txt", "Price in pounds\n\nIt cost \xA3" "15m today.\n");
  WriteFile(in + "/empty.txt", "");
  WriteFile(in + "/binary.txt", std::string("\x7f" "ELF\0\0\0\x01\x02\0\0", 12) + std::string(4000, '\0'));
  WriteFile(in + "/articles.jsonl",
            "{\"id\":\"j1\",\"title\":\"First\",\"body\":\"one\"}\n"
            "{\"id\":\"j2\",\"title\":\"Second\",\"body\":\n"
            "{\"id\":\"j3\",\"title\":\"Third\",\"body\":\"three\",\"date\":\"24/13/2025\"}\n");
  const std::string db = dir.path() + "/db";
  testing::RunResult r =
      testing::Run({NEWSDEX_INDEX_BIN, "--db", db, in, dir.path() + "/does-not-exist"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected : {"empty.txt", "binary.txt", "articles.jsonl:2", "does-not-exist"}) {
    EXPECT_TRUE(absl::StrContains(r.err, expected)) << "no report naming " << expected << ":\n"
                                                    << r.err;
  }
  Xapian::Database reopened(db);
  // good.txt, latin1.txt, j1, j3 (kept without its bad date).
  EXPECT_EQ(reopened.get_doccount(), 4u) << r.err;
  EXPECT_TRUE(reopened.term_exists(indexer::IdTerm("j3")));

  // Nothing readable at all: exit status 1, database untouched.
  testing::RunResult none = testing::Run({NEWSDEX_INDEX_BIN, "--db", db, in + "/empty.txt"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(Xapian::Database(db).get_doccount(), 4u);
}

TEST(IndexProgramTest, DeletesByIdAndPrintsStats) {
  TempDir dir("delete");
  const std::string db = dir.path() + "/db";
  testing::RunResult r = testing::Run(
      {NEWSDEX_INDEX_BIN, "--db", db, "--format", "jsonl", "-"},
      "{\"id\":\"a\",\"title\":\"Alpha\",\"body\":\"text\",\"date\":\"2025-08-24\"}\n"
      "{\"id\":\"b\",\"title\":\"Beta\",\"body\":\"text\",\"date\":\"1987-03-01\"}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  testing::RunResult del = testing::Run({NEWSDEX_INDEX_BIN, "--db", db, "--delete", "a", "zz"});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_TRUE(absl::StrContains(del.err, "1 deleted, 1 not found")) << del.err;
  testing::RunResult stats = testing::Run({NEWSDEX_INDEX_BIN, "--db", db, "--stats"});
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_TRUE(absl::StrContains(stats.out, "documents:       1")) << stats.out;
  EXPECT_TRUE(absl::StrContains(stats.out, "1987-03-01 .. 1987-03-01")) << stats.out;
  testing::RunResult bad = testing::Run({NEWSDEX_INDEX_BIN, "--db", db, "--batch", "zero", "x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(bad.err, "--batch")) << bad.err;
}

// newsdex-index waits for another writer (newsdexd during a write request)
// up to --lock-timeout instead of failing at once.
TEST(IndexProgramTest, WaitsForTheWriteLockUpToLockTimeout) {
  TempDir dir("lock");
  const std::string db = dir.path() + "/db";
  const std::string line = "{\"id\":\"a\",\"title\":\"Alpha\",\"body\":\"text\"}\n";
  auto holder = indexer::IndexWriter::Open(db, indexer::WriterOptions());
  ASSERT_TRUE(holder.ok()) << holder.status();

  testing::RunResult refused = testing::Run(
      {NEWSDEX_INDEX_BIN, "--db", db, "--format", "jsonl", "--lock-timeout", "200ms", "-"}, line);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(refused.err, "for the write lock")) << refused.err;

  // The holder is a writer busy for a while, then done.
  std::thread release([&] {
    absl::SleepFor(absl::Milliseconds(500));
    holder->reset();
  });
  testing::RunResult waited = testing::Run(
      {NEWSDEX_INDEX_BIN, "--db", db, "--format", "jsonl", "--lock-timeout", "60s", "-"}, line);
  release.join();
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  EXPECT_EQ(Xapian::Database(db).get_doccount(), 1u);

  testing::RunResult bad = testing::Run({NEWSDEX_INDEX_BIN, "--db", db, "--lock-timeout", "soon", "x"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(bad.err, "--lock-timeout")) << bad.err;
}

}  // namespace
}  // namespace newsdex

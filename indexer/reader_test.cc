#include "indexer/reader.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/internal/reader_testutil.h"

namespace newsdex::indexer {
namespace {

using ::testing::HasSubstr;
using testing::ReadAll;
using testing::ReadResult;
using testing::TempDir;
using testing::WriteFile;
using testing::WriteGzipFile;

constexpr char kJsonl[] = "{\"id\": \"j1\", \"title\": \"Json one\", \"body\": \"Body.\"}\n";
constexpr char kText[] = "Text title\n\nText body.\n";
constexpr char kSgml[] =
    "<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n<REUTERS NEWID=\"5\">\n"
    "<DATE>1-MAR-1987 00:00:00.00</DATE>\n<TEXT>&#2;\n<TITLE>WIRE TITLE</TITLE>\n"
    "<BODY>Wire body.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n";

TEST(ReaderTest, ParsesInputFormatNames) {
  struct Case {
    const char* name;
    InputFormat format;
  };
  const Case kCases[] = {{"auto", InputFormat::kAuto},
                         {"text", InputFormat::kText},
                         {"jsonl", InputFormat::kJsonl},
                         {"reuters", InputFormat::kReuters}};
  for (const Case& c : kCases) {
    absl::StatusOr<InputFormat> f = ParseInputFormat(c.name);
    ASSERT_TRUE(f.ok()) << c.name;
    EXPECT_EQ(*f, c.format) << c.name;
    EXPECT_EQ(InputFormatName(*f), c.name);
  }
  for (const char* bad : {"", "xml", "JSONL", "json"}) {
    absl::StatusOr<InputFormat> f = ParseInputFormat(bad);
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(f.status().message(), HasSubstr(absl::StrCat("\"", bad, "\"")));
  }
}

// Which reader ran is visible in the result: Reuters sets source "Reuters",
// JSONL takes the id from the record, text takes the file id.
std::string ReaderThatRan(const ReadResult& r) {
  if (r.articles.size() != 1) return absl::StrCat(r.articles.size(), " articles");
  const core::Article& a = r.articles[0];
  if (a.source == "Reuters") return "reuters";
  if (a.id == "j1") return "jsonl";
  return "text";
}

TEST(ReaderTest, DetectsFormatByNameThenContent) {
  struct Case {
    const char* name;
    const char* content;
    bool gzip;
    const char* reader;
  };
  const Case kCases[] = {
      {"a.jsonl", kJsonl, false, "jsonl"},
      {"a.ndjson", kJsonl, false, "jsonl"},
      {"a.json", kJsonl, false, "jsonl"},
      {"a.JSONL.gz", kJsonl, true, "jsonl"},
      {"a.sgm", kSgml, false, "reuters"},
      {"a.sgml.gz", kSgml, true, "reuters"},
      {"a.txt", kText, false, "text"},
      // The name wins over the content.
      {"b.txt", "{\"looks\": \"like json\"}\n", false, "text"},
      // No known extension: content decides.
      {"c", kJsonl, false, "jsonl"},
      {"c.dat.gz", "\n  \t" "{\"id\": \"j1\", \"title\": \"T\"}\n", true, "jsonl"},
      {"d", kSgml, false, "reuters"},
      {"e.md", kText, false, "text"},
  };
  for (const Case& c : kCases) {
    TempDir dir;
    std::string path = dir.File(c.name);
    if (c.gzip) {
      WriteGzipFile(path, c.content);
    } else {
      WriteFile(path, c.content);
    }
    ReadResult r = ReadAll({path});
    EXPECT_EQ(ReaderThatRan(r), c.reader) << c.name << "\n" << r.ErrorText();
  }
}

TEST(ReaderTest, ExplicitFormatOverridesDetection) {
  TempDir dir;
  std::string path = dir.File("notes.jsonl");
  WriteFile(path, "{\"id\": \"x\"} is not parsed\nsecond line\n");
  ReadOptions options;
  options.format = InputFormat::kText;
  ReadResult r = ReadAll({path}, options);
  ASSERT_EQ(r.articles.size(), 1u) << r.ErrorText();
  EXPECT_EQ(r.articles[0].id, "notes.jsonl");
  EXPECT_EQ(r.articles[0].title, "{\"id\": \"x\"} is not parsed");
}

TEST(ReaderTest, WalksDirectoriesSortedSkippingHiddenFiles) {
  TempDir dir;
  WriteFile(dir.File("in/b/2.txt"), "B two\n");
  WriteFile(dir.File("in/a/9.txt"), "A nine\n");
  WriteFile(dir.File("in/a/10.txt"), "A ten\n");
  WriteFile(dir.File("in/top.txt"), "Top\n");
  WriteFile(dir.File("in/.hidden.txt"), "Hidden file\n");
  WriteFile(dir.File("in/.git/config.txt"), "Hidden dir\n");
  WriteFile(dir.File("in/c/.DS_Store"), std::string("\0\0\0\1Bud1", 8));
  ReadResult r = ReadAll({dir.File("in")});
  EXPECT_TRUE(r.errors.empty()) << r.ErrorText();
  std::vector<std::string> ids;
  for (const core::Article& a : r.articles) ids.push_back(a.id);
  EXPECT_THAT(ids, ::testing::ElementsAre("a/10.txt", "a/9.txt", "b/2.txt", "top.txt"));
}

TEST(ReaderTest, BadFilesAreReportedAndReadingContinues) {
  TempDir dir;
  WriteFile(dir.File("empty.txt"), "");
  WriteGzipFile(dir.File("empty2.txt.gz"), "");
  WriteFile(dir.File("binary.txt"), std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10));
  std::string controls(1000, 'x');
  for (int i = 0; i < 200; ++i) controls[i * 5] = '\x02';
  WriteFile(dir.File("controls.txt"), controls);
  WriteFile(dir.File("good.txt"), kText);
  std::vector<std::string> paths = {dir.File("missing.txt"), dir.File("empty.txt"),
                                    dir.File("empty2.txt.gz"), dir.File("binary.txt"),
                                    dir.File("controls.txt"), dir.File("good.txt")};
  ReadResult r = ReadAll(paths);
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.articles.size(), 1u);
  EXPECT_EQ(r.articles[0].id, "good.txt");
  ASSERT_EQ(r.errors.size(), 5u) << r.ErrorText();
  EXPECT_EQ(r.errors[0].code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(r.errors[0].message(), HasSubstr("missing.txt"));
  EXPECT_THAT(r.errors[1].message(), HasSubstr("empty.txt: empty file"));
  EXPECT_THAT(r.errors[2].message(), HasSubstr("empty2.txt.gz: empty file"));
  EXPECT_THAT(r.errors[3].message(), HasSubstr("binary.txt: looks binary"));
  EXPECT_THAT(r.errors[4].message(), HasSubstr("controls.txt: looks binary"));

  // Without an error callback the same run only logs.
  absl::Status status = ReadInputs(
      paths, {}, [](core::Article) { return absl::OkStatus(); }, nullptr);
  EXPECT_TRUE(status.ok());
}

TEST(ReaderTest, TruncatedGzipKeepsArticlesBeforeTheDamage) {
  TempDir dir;
  std::string jsonl;
  for (int i = 0; i < 5000; ++i) {
    absl::StrAppend(&jsonl, "{\"id\": \"r", i, "\", \"title\": \"Record ", i,
                    "\", \"body\": \"Body number ", i * 7919 % 104729, " of many.\"}\n");
  }
  std::string whole = dir.File("whole.jsonl.gz");
  WriteGzipFile(whole, jsonl);
  std::string bytes = testing::ReadFileBytes(whole);
  std::string cut = dir.File("cut.jsonl.gz");
  WriteFile(cut, absl::string_view(bytes).substr(0, bytes.size() / 2));
  ReadResult r = ReadAll({cut});
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.errors.size(), 1u) << r.ErrorText();
  EXPECT_EQ(r.errors[0].code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(r.errors[0].message(), HasSubstr("cut.jsonl.gz: truncated gzip data"));
  ASSERT_GT(r.articles.size(), 100u);
  ASSERT_LT(r.articles.size(), 5000u);
  for (size_t i = 0; i < r.articles.size(); ++i) {
    ASSERT_EQ(r.articles[i].id, absl::StrCat("r", i));  // complete records, in order
  }

  // A truncated text file is one incomplete article: reported, skipped.
  std::string text(200000, 'w');
  text[0] = 'T';
  text[1] = '\n';
  std::string text_whole = dir.File("t.txt.gz");
  WriteGzipFile(text_whole, text);
  bytes = testing::ReadFileBytes(text_whole);
  WriteFile(dir.File("t2.txt.gz"), absl::string_view(bytes).substr(0, bytes.size() - 10));
  r = ReadAll({dir.File("t2.txt.gz")});
  EXPECT_TRUE(r.articles.empty());
  ASSERT_EQ(r.errors.size(), 1u) << r.ErrorText();
  EXPECT_EQ(r.errors[0].code(), absl::StatusCode::kDataLoss);

  // Damage inside the stream rather than at its end.
  bytes = testing::ReadFileBytes(whole);
  for (size_t i = bytes.size() / 3; i < bytes.size() / 3 + 64; ++i) bytes[i] ^= 0x5a;
  WriteFile(dir.File("corrupt.jsonl.gz"), bytes);
  r = ReadAll({dir.File("corrupt.jsonl.gz")});
  ASSERT_GE(r.errors.size(), 1u);
  EXPECT_EQ(r.errors.back().code(), absl::StatusCode::kDataLoss) << r.ErrorText();
  EXPECT_LT(r.articles.size(), 5000u);
}

TEST(ReaderTest, HundredMegabyteArticleIsSkippedWithBoundedMemory) {
  TempDir dir;
  const size_t kHuge = size_t{100} << 20;
  std::string path = dir.File("big.jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"id\": \"small1\", \"title\": \"Before\"}\n";
    out << "{\"id\": \"huge\", \"title\": \"Huge\", \"body\": \"";
    std::string block(1 << 20, 'z');
    for (size_t i = 0; i < kHuge / block.size(); ++i) out << block;
    out << "\"}\n";
    out << "{\"id\": \"small2\", \"title\": \"After\"}\n";
  }
  std::string text_path = dir.File("big.txt");
  std::filesystem::copy_file(path, text_path);
  ReadResult r = ReadAll({path, text_path});
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.articles.size(), 2u) << r.ErrorText();
  EXPECT_EQ(r.articles[0].id, "small1");
  EXPECT_EQ(r.articles[1].id, "small2");
  ASSERT_EQ(r.errors.size(), 2u) << r.ErrorText();
  EXPECT_EQ(r.errors[0].code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(r.errors[0].message(), HasSubstr("big.jsonl:2: article of"));
  EXPECT_EQ(r.errors[1].code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(r.errors[1].message(), HasSubstr("big.txt: article larger than"));
  // The process's peak memory stays well below the article's size (a reader
  // holding the whole article would pass 100 MiB). Measured: 52 MiB, of
  // which ~33 MiB is two 16 MiB buffers while the line buffer is reallocated.
  // Not under AddressSanitizer: its quarantine keeps freed buffers (180 MiB).
  // gcc says so with __SANITIZE_ADDRESS__, clang with __has_feature.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NEWSDEX_UNDER_ASAN 1
#endif
#endif
#if !defined(__SANITIZE_ADDRESS__) && !defined(NEWSDEX_UNDER_ASAN)
  struct rusage usage;
  ASSERT_EQ(getrusage(RUSAGE_SELF, &usage), 0);
  EXPECT_LT(usage.ru_maxrss, 100 * 1024) << "peak RSS in KiB";
#endif
}

TEST(ReaderTest, MaxArticleBytesAppliesToEveryFormat) {
  TempDir dir;
  std::string long_body(5000, 'q');
  WriteFile(dir.File("a.txt"), absl::StrCat("Title\n", long_body, "\n"));
  WriteFile(dir.File("b.jsonl"), absl::StrCat("{\"title\": \"", long_body, "\"}\n", kJsonl));
  std::string sgml = kSgml;
  sgml.insert(sgml.find("Wire body."), long_body + "\n");
  WriteFile(dir.File("c.sgm"), absl::StrCat(sgml, kSgml));
  ReadOptions options;
  options.max_article_bytes = 4096;
  ReadResult r = ReadAll({dir.path()}, options);
  ASSERT_EQ(r.articles.size(), 2u) << r.ErrorText();
  EXPECT_EQ(r.articles[0].id, "j1");
  EXPECT_EQ(r.articles[1].id, "5");
  ASSERT_EQ(r.errors.size(), 3u) << r.ErrorText();
  for (const absl::Status& e : r.errors) {
    EXPECT_EQ(e.code(), absl::StatusCode::kResourceExhausted) << e;
  }
  EXPECT_THAT(r.errors[2].message(), HasSubstr("c.sgm:2: NEWID 5: document larger"));
}

TEST(ReaderTest, ArticleCallbackCanStopReading) {
  TempDir dir;
  WriteFile(dir.File("1.txt"), kText);
  WriteFile(dir.File("2.txt"), kText);
  WriteFile(dir.File("3.txt"), kText);
  int calls = 0;
  absl::Status status = ReadInputs(
      {dir.path()}, {},
      [&](core::Article) {
        ++calls;
        return calls == 2 ? absl::CancelledError("enough") : absl::OkStatus();
      },
      nullptr);
  EXPECT_EQ(status, absl::CancelledError("enough"));
  EXPECT_EQ(calls, 2);
}

TEST(ReaderTest, ProgressCountsOnDiskBytes) {
  TempDir dir;
  WriteFile(dir.File("in/a.txt"), kText);
  WriteGzipFile(dir.File("in/b.jsonl.gz"), std::string(kJsonl) + kJsonl + kJsonl);
  WriteFile(dir.File("in/c.sgm"), kSgml);
  WriteFile(dir.File("in/bad.bin"), std::string("\0\0\0\0", 4));
  WriteFile(dir.File("in/.hidden"), "not counted");
  std::string big(300000, 'y');
  WriteFile(dir.File("in/big.txt"), "Big\n" + big);
  uint64_t expected = 0;
  for (const char* f : {"a.txt", "b.jsonl.gz", "c.sgm", "bad.bin", "big.txt"}) {
    expected += std::filesystem::file_size(dir.path() + "/in/" + f);
  }
  EXPECT_EQ(TotalInputBytes({dir.File("in"), "-", dir.File("missing")}), expected);
  std::atomic<uint64_t> bytes_read{0};
  ReadOptions options;
  options.max_article_bytes = 1000;  // big.txt is skipped part-way: still counted
  ReadResult r = ReadAll({dir.File("in")}, options, &bytes_read);
  EXPECT_EQ(r.articles.size(), 5u) << r.ErrorText();
  EXPECT_EQ(bytes_read.load(), expected);
}

TEST(ReaderTest, ReadsStandardInput) {
  TempDir dir;
  std::string path = dir.File("stdin.jsonl.gz");
  WriteGzipFile(path, std::string(kJsonl) + "{\"title\": \"No id\"}\n");
  int saved = dup(STDIN_FILENO);
  int fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_GE(dup2(fd, STDIN_FILENO), 0);
  close(fd);
  ReadResult r = ReadAll({"-"});
  dup2(saved, STDIN_FILENO);
  close(saved);
  ASSERT_EQ(r.articles.size(), 2u) << r.ErrorText();
  EXPECT_EQ(r.articles[0].id, "j1");
  EXPECT_EQ(r.articles[1].id, "stdin:2");
  EXPECT_EQ(r.articles[1].origin, "stdin:2");
}

TEST(ReaderTest, ReadsBbcCorpus) {
  const std::string tarball = std::string(NEWSDEX_SHARED_DIR) + "/corpora/bbc/bbc.tar.gz";
  if (!std::filesystem::exists(tarball)) GTEST_SKIP() << tarball << " is absent";
  TempDir dir;
  std::string command = absl::StrCat("tar xzf '", tarball, "' -C '", dir.path(), "'");
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "cannot run: " << command;
  ReadResult r = ReadAll({dir.path()});
  EXPECT_TRUE(r.errors.empty()) << r.ErrorText();
  int articles = 0;
  std::string mutu_body;
  for (const core::Article& a : r.articles) {
    if (a.id == "README.TXT") continue;  // the dataset's own readme
    ++articles;
    EXPECT_FALSE(a.title.empty()) << a.id;
    EXPECT_FALSE(a.body.empty()) << a.id;
    if (a.id == "sport/199.txt") mutu_body = a.body;
  }
  EXPECT_EQ(articles, 2225);
  EXPECT_THAT(mutu_body, HasSubstr("\xc2\xa3" "15.8m"));  // bare 0xA3 in the file
}

}  // namespace
}  // namespace newsdex::indexer

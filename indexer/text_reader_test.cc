#include "indexer/text_reader.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/internal/reader_testutil.h"
#include "indexer/internal/text_cleaning.h"
#include "indexer/reader.h"

namespace newsdex::indexer {
namespace {

using ::testing::HasSubstr;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteFile;
using testing::WriteGzipFile;

TEST(TextReaderTest, SplitsTitleAndParagraphs) {
  struct Case {
    const char* text;
    const char* title;
    const char* body;
  };
  const Case kCases[] = {
      {"Harbour reopens\n\nThe harbour opened again today.\n\nBoats returned.\n",
       "Harbour reopens", "The harbour opened again today.\nBoats returned."},
      {"Harbour reopens\nFirst paragraph.\nSecond paragraph.", "Harbour reopens",
       "First paragraph.\nSecond paragraph."},
      {"\n\n   Spaced   title  \n\n\n  Indented line.  \n", "Spaced title",
       "Indented line."},
      {"Only a title\n", "Only a title", ""},
      {"Tabs\tin\ttitle\n\tbody\n", "Tabs in title", "body"},
  };
  for (const Case& c : kCases) {
    core::Article a;
    ASSERT_TRUE(SplitTitleAndBody(c.text, &a)) << c.text;
    EXPECT_EQ(a.title, c.title) << c.text;
    EXPECT_EQ(a.body, c.body) << c.text;
  }
  core::Article a;
  EXPECT_FALSE(SplitTitleAndBody(" \n\t\n  ", &a));
  EXPECT_FALSE(SplitTitleAndBody("", &a));
}

TEST(TextReaderTest, IdIsRelativeToDirectoryArgumentOrBasename) {
  TempDir dir;
  WriteFile(dir.File("corpus/business/001.txt"), "Markets calm\n\nShares were flat.\n");
  WriteGzipFile(dir.File("corpus/tech/002.txt.gz"), "Chip news\n\nA new chip.\n");
  WriteFile(dir.File("single.txt"), "Single file\n\nBody.\n");

  testing::ReadResult r =
      ReadAll({dir.path() + "/corpus", dir.File("single.txt")});
  ASSERT_TRUE(r.status.ok()) << r.status;
  EXPECT_TRUE(r.errors.empty()) << r.ErrorText();
  ASSERT_EQ(r.articles.size(), 3u);
  EXPECT_EQ(r.articles[0].id, "business/001.txt");
  EXPECT_EQ(r.articles[0].title, "Markets calm");
  EXPECT_EQ(r.articles[0].body, "Shares were flat.");
  EXPECT_EQ(r.articles[0].origin, dir.path() + "/corpus/business/001.txt");
  EXPECT_EQ(r.articles[1].id, "tech/002.txt");  // ".gz" dropped
  EXPECT_EQ(r.articles[1].title, "Chip news");
  EXPECT_EQ(r.articles[2].id, "single.txt");
  for (const core::Article& a : r.articles) {
    EXPECT_FALSE(a.date.has_value()) << a.id;
    EXPECT_TRUE(a.source.empty()) << a.id;
  }
}

TEST(TextReaderTest, InvalidUtf8IsReadAsWindows1252) {
  TempDir dir;
  // A bare 0xA3 (pound sign in Latin-1), 0x93/0x94 (Windows-1252 quotes) and
  // valid UTF-8 in one file.
  WriteFile(dir.File("mixed.txt"),
            "Club pays \xa3" "5m\n\nHe said \x93yes\x94 to the caf\xc3\xa9.\r\n");
  testing::ReadResult r = ReadAll({dir.File("mixed.txt")});
  ASSERT_EQ(r.articles.size(), 1u) << r.ErrorText();
  EXPECT_EQ(r.articles[0].title, "Club pays \xc2\xa3" "5m");
  EXPECT_EQ(r.articles[0].body,
            "He said \xe2\x80\x9cyes\xe2\x80\x9d to the caf\xc3\xa9.");
}

TEST(TextReaderTest, CleanTextRepairsAndDropsControls) {
  struct Case {
    std::string in;
    std::string out;
  };
  const Case kCases[] = {
      {"plain", "plain"},
      {"a\r\nb\rc", "a\nb\nc"},
      {std::string("nul\0byte", 8), "nulbyte"},
      {"bell\x07 and DEL\x7f", "bell and DEL"},
      {"\xfc", "\xc3\xbc"},                          // Latin-1 u-umlaut
      {"\x80", "\xe2\x82\xac"},                      // Windows-1252 euro
      {"\x81", "\xef\xbf\xbd"},                      // undefined -> U+FFFD
      {"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
      {"\xc0\xaf", "\xc3\x80\xc2\xaf"},              // overlong: byte by byte
      {"\xed\xa0\x80", "\xc3\xad\xc2\xa0\xe2\x82\xac"},  // surrogate: byte by byte
      {"\xe2\x82", "\xc3\xa2\xe2\x80\x9a"},          // truncated sequence
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(internal::CleanText(c.in), c.out) << c.in;
  }
}

TEST(TextReaderTest, LooksBinary) {
  EXPECT_FALSE(internal::LooksBinary("Plain text\nwith lines\tand tabs\r\n"));
  EXPECT_TRUE(internal::LooksBinary(std::string("PK\x03\x04\0\0", 6)));
  std::string mostly_controls(100, 'a');
  for (int i = 0; i < 11; ++i) mostly_controls[i * 9] = '\x01';
  EXPECT_TRUE(internal::LooksBinary(mostly_controls));
  std::string few_controls(100, 'a');
  for (int i = 0; i < 5; ++i) few_controls[i * 9] = '\x1b';
  EXPECT_FALSE(internal::LooksBinary(few_controls));
}

TEST(TextReaderTest, WhitespaceOnlyFileIsReportedEmpty) {
  TempDir dir;
  WriteFile(dir.File("blank.txt"), "\n   \n\t\n");
  testing::ReadResult r = ReadAll({dir.File("blank.txt")});
  EXPECT_TRUE(r.articles.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_THAT(r.errors[0].message(), HasSubstr("blank.txt: empty file"));
}

}  // namespace
}  // namespace newsdex::indexer

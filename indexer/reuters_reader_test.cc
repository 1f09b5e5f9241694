#include "indexer/reuters_reader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/internal/reader_testutil.h"
#include "indexer/reader.h"

namespace newsdex::indexer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::WriteFile;
using testing::WriteGzipFile;

std::string Day(const std::optional<absl::CivilDay>& day) {
  return day ? core::FormatIsoDate(*day) : "none";
}

TEST(ReutersReaderTest, ParsesDatesWithWireQuirks) {
  struct Case {
    const char* text;
    const char* day;
  };
  const Case kCases[] = {
      {"26-FEB-1987 15:01:01.79", "1987-02-26"},
      {" 5-MAR-1987 09:00:00.00", "1987-03-05"},
      {"  2-JUN-1987 13:10:10.20", "1987-06-02"},
      {"1-MAR-1987 01:30:29.50", "1987-03-01"},
      {"27-MAR-1987 00:02:59.13&#5;&#5;&#5;RM", "1987-03-27"},
      {"31-MAR-1987 605:12:19.12", "1987-03-31"},
      {"9-APR-1987 00:00:00.00    # date added by S Finch as guesswork", "1987-04-09"},
      {" 7-APR-1987 16:22:00.0", "1987-04-07"},
      {"19-oct-1987", "1987-10-19"},
      {"30-FEB-1987 10:00:00.00", "none"},
      {"5-XYZ-1987", "none"},
      {"123-MAR-1987", "none"},
      {"5-MAR-87", "none"},
      {"", "none"},
      {"guesswork", "none"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(Day(ParseReutersDate(c.text)), c.day) << "\"" << c.text << "\"";
  }
}

TEST(ReutersReaderTest, DecodesCharacterReferences) {
  struct Case {
    const char* raw;
    const char* text;
  };
  const Case kCases[] = {
      {"To&#127;&#127;day's", "Today's"},
      {"&#2;&#3;&#5;&#22;&#1;&#31;&#27;&#30;", ""},
      {"&lt;ABC.N&gt; rose", "<ABC.N> rose"},
      {"A &amp; B said &quot;no&quot; &apos;twice&apos;", "A & B said \"no\" 'twice'"},
      {"AT&T and R&D; &unknown; &", "AT&T and R&D; &unknown; &"},
      {"caf&#233; &#x41;", "caf\xc3\xa9 A"},
      {"growth.\xfc&#5;&#30;side", "growth.\xc3\xbcside"},
      {"line\r\nend", "line\nend"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(DecodeSgmlText(c.raw), c.text) << c.raw;
  }
}

// Documents written for this test in the layout of the Reuters-21578 files.
constexpr char kStory[] =
    "<REUTERS TOPICS=\"YES\" LEWISSPLIT=\"TRAIN\" CGISPLIT=\"TRAINING-SET\" OLDID=\"9\" NEWID=\"7\">\n"
    "<DATE> 5-MAR-1987 09:00:00.00</DATE>\n"
    "<TOPICS><D>grain</D><D>wheat</D></TOPICS>\n"
    "<PLACES><D>usa</D><D>west-germany</D></PLACES>\n"
    "<PEOPLE><D>doe</D></PEOPLE>\n"
    "<ORGS><D>ec</D></ORGS>\n"
    "<EXCHANGES></EXCHANGES>\n"
    "<COMPANIES></COMPANIES>\n"
    "<UNKNOWN> \n&#5;&#5;&#5;C T\n&#22;&#22;&#1;f0001&#31;reute\n</UNKNOWN>\n"
    "<TEXT>&#2;\n"
    "<TITLE>GRAIN SHIPMENTS &lt;XYZ&gt; RISE</TITLE>\n"
    "<DATELINE>    CHICAGO, March 5 - </DATELINE><BODY>Grain shipments rose this week,\n"
    "a trade group said.\n"
    "    Farmers were pleased.\n"
    " Reuter\n"
    "&#3;</BODY></TEXT>\n"
    "</REUTERS>\n";

TEST(ReutersReaderTest, ParsesStoryWithLabels) {
  std::string date_error;
  absl::StatusOr<ReutersDocument> doc =
      ParseReutersDocument(kStory, "file.sgm:2", &date_error);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(date_error, "");
  const core::Article& a = doc->article;
  EXPECT_EQ(a.id, "7");
  EXPECT_EQ(a.source, "Reuters");
  EXPECT_EQ(a.language, "en");
  EXPECT_EQ(a.origin, "file.sgm:2");
  EXPECT_EQ(Day(a.date), "1987-03-05");
  EXPECT_EQ(a.title, "GRAIN SHIPMENTS <XYZ> RISE");
  EXPECT_EQ(a.dateline, "CHICAGO, March 5 -");
  EXPECT_EQ(a.body,
            "Grain shipments rose this week,\na trade group said.\n    Farmers were pleased.");
  EXPECT_THAT(doc->topics, ElementsAre("grain", "wheat"));
  EXPECT_THAT(doc->places, ElementsAre("usa", "west-germany"));
  EXPECT_THAT(doc->people, ElementsAre("doe"));
  EXPECT_THAT(doc->orgs, ElementsAre("ec"));
}

TEST(ReutersReaderTest, DropsSignOffVariants) {
  struct Case {
    const char* body;
    const char* expected;
  };
  const Case kCases[] = {
      {"Text one.\n Reuter\n&#3;", "Text one."},
      {"Text one.\n REUTER\r\n&#3;", "Text one."},
      {"Text one.\n REUTER...\n&#3;", "Text one."},
      {"Text one.\n reuters\n", "Text one."},
      {"Text ended here. REUTER\n&#3;", "Text ended here."},
      {"Period ended May 1. REUTER\n Reuter\n&#3;", "Period ended May 1."},
      {"Said to Reuter agency.\n MORE\n", "Said to Reuter agency.\n MORE"},
      {"Reuters said the deal closed.", "Reuters said the deal closed."},
  };
  for (const Case& c : kCases) {
    std::string sgml = absl::StrCat(
        "<REUTERS NEWID=\"1\">\n<DATE>1-MAR-1987 00:00:00.00</DATE>\n<TEXT>\n"
        "<TITLE>T</TITLE><BODY>",
        c.body, "</BODY></TEXT>\n</REUTERS>\n");
    std::string date_error;
    absl::StatusOr<ReutersDocument> doc = ParseReutersDocument(sgml, "x", &date_error);
    ASSERT_TRUE(doc.ok()) << doc.status();
    EXPECT_EQ(doc->article.body, c.expected) << c.body;
  }
}

TEST(ReutersReaderTest, BriefAndUnprocDocuments) {
  std::string date_error;
  absl::StatusOr<ReutersDocument> brief = ParseReutersDocument(
      "<REUTERS NEWID=\"2\">\n<DATE>2-MAR-1987 10:00:00.00</DATE>\n"
      "<TEXT TYPE=\"BRIEF\">&#2;\n******<TITLE>COMPANY RAISES DIVIDEND\n</TITLE>Blah blah blah.\n"
      "&#3;\n\n</TEXT>\n</REUTERS>",
      "x", &date_error);
  ASSERT_TRUE(brief.ok()) << brief.status();
  EXPECT_EQ(brief->article.title, "COMPANY RAISES DIVIDEND");
  EXPECT_EQ(brief->article.body, "");

  absl::StatusOr<ReutersDocument> unproc = ParseReutersDocument(
      "<REUTERS NEWID=\"3\">\n<DATE>2-MAR-1987 10:00:00.00</DATE>\n"
      "<TEXT TYPE=\"UNPROC\">&#2;\n  WEEKLY TABLE 1 - MAR 2\n"
      " Item one........12 vs.....10\n Item two.........3 vs......4\n Reuter\n&#3;\n\n</TEXT>\n"
      "</REUTERS>",
      "x", &date_error);
  ASSERT_TRUE(unproc.ok()) << unproc.status();
  EXPECT_EQ(unproc->article.title, "WEEKLY TABLE 1 - MAR 2");
  EXPECT_EQ(unproc->article.body,
            "WEEKLY TABLE 1 - MAR 2\n Item one........12 vs.....10\n Item two.........3 vs......4");
  EXPECT_EQ(unproc->article.dateline, "");
}

// Without an end tag, a part's text runs to the next part that cannot be
// inside it; the article is kept and the problem reported, never an article
// with its title or body silently empty.
TEST(ReutersReaderTest, UnclosedTextPartsAreRecoveredAndReported) {
  struct Case {
    const char* erase;  // the end tag taken out of kStory
    const char* title;
    const char* body;
  };
  const Case kCases[] = {
      {"</TITLE>", "GRAIN SHIPMENTS <XYZ> RISE", "Grain shipments rose this week"},
      {"</DATELINE>", "GRAIN SHIPMENTS <XYZ> RISE", "Grain shipments rose this week"},
      {"</BODY>", "GRAIN SHIPMENTS <XYZ> RISE", "Grain shipments rose this week"},
      {"</TEXT>", "GRAIN SHIPMENTS <XYZ> RISE", "Grain shipments rose this week"},
  };
  for (const Case& c : kCases) {
    std::string sgml(kStory);
    sgml.erase(sgml.find(c.erase), std::string(c.erase).size());
    std::string problems;
    absl::StatusOr<ReutersDocument> doc = ParseReutersDocument(sgml, "x", &problems);
    ASSERT_TRUE(doc.ok()) << doc.status();
    EXPECT_EQ(doc->article.title, c.title) << c.erase;
    EXPECT_THAT(doc->article.body, ::testing::StartsWith(c.body)) << c.erase;
    EXPECT_THAT(problems, HasSubstr(absl::StrCat("no ", c.erase))) << c.erase;
  }

  TempDir dir;
  std::string unclosed(kStory);
  unclosed.erase(unclosed.find("</TITLE>"), 8);
  const std::string path = dir.File("reut2-901.sgm");
  WriteFile(path, unclosed);
  std::vector<ReutersDocument> docs;
  std::vector<absl::Status> errors;
  ASSERT_TRUE(ReadReutersFile(
                  path,
                  [&](ReutersDocument d) {
                    docs.push_back(std::move(d));
                    return absl::OkStatus();
                  },
                  [&](const absl::Status& s) { errors.push_back(s); })
                  .ok());
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0].article.title, "GRAIN SHIPMENTS <XYZ> RISE");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].message(), HasSubstr("reut2-901.sgm:1: NEWID 7: no </TITLE>"));
}

TEST(ReutersReaderTest, BadDocumentsAreReportedAndSkipped) {
  TempDir dir;
  std::string bad_date = std::string(kStory);
  bad_date.replace(bad_date.find("NEWID=\"7\""), 9, "NEWID=\"8\"");
  bad_date.replace(bad_date.find(" 5-MAR-1987"), 11, "sometime");
  std::string no_newid = std::string(kStory);
  no_newid.replace(no_newid.find("NEWID=\"7\""), 9, "OTHER=\"1\"");
  std::string unterminated = std::string(kStory);
  unterminated.replace(unterminated.find("NEWID=\"7\""), 9, "NEWID=\"9\"");
  unterminated.erase(unterminated.find("</REUTERS>"));
  std::string last = std::string(kStory);
  last.replace(last.find("NEWID=\"7\""), 9, "NEWID=\"10\"");
  std::string path = dir.File("reut2-900.sgm");
  WriteFile(path, absl::StrCat("<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n", kStory, bad_date,
                               no_newid, unterminated, last, unterminated));

  std::vector<ReutersDocument> docs;
  std::vector<absl::Status> errors;
  absl::Status status = ReadReutersFile(
      path,
      [&](ReutersDocument d) {
        docs.push_back(std::move(d));
        return absl::OkStatus();
      },
      [&](const absl::Status& s) { errors.push_back(s); });
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[0].article.id, "7");
  EXPECT_EQ(docs[0].article.origin, path + ":2");
  EXPECT_EQ(docs[1].article.id, "8");
  EXPECT_FALSE(docs[1].article.date.has_value());
  EXPECT_EQ(docs[2].article.id, "10");
  std::string all;
  for (const absl::Status& e : errors) all += e.ToString() + "\n";
  ASSERT_EQ(errors.size(), 4u) << all;
  EXPECT_THAT(errors[0].message(), HasSubstr("NEWID 8: cannot parse DATE \"sometime"));
  EXPECT_THAT(errors[1].message(), HasSubstr("without a numeric NEWID"));
  EXPECT_THAT(errors[2].message(), HasSubstr("NEWID 9: no </REUTERS> before the next <REUTERS>"));
  EXPECT_THAT(errors[3].message(), HasSubstr("NEWID 9: no </REUTERS> before the end of the file"));
  EXPECT_THAT(errors[3].message(), HasSubstr("reut2-900.sgm:"));

  EXPECT_EQ(ReadReutersFile(dir.File("missing.sgm"), nullptr, nullptr).code(),
            absl::StatusCode::kNotFound);
}

TEST(ReutersReaderTest, GenericPathNeverCarriesLabels) {
  TempDir dir;
  WriteGzipFile(dir.File("stories.sgm.gz"), kStory);
  testing::ReadResult r = testing::ReadAll({dir.path()});
  ASSERT_EQ(r.articles.size(), 1u) << r.ErrorText();
  EXPECT_EQ(r.articles[0].id, "7");
  EXPECT_TRUE(r.articles[0].countries.empty());
  EXPECT_TRUE(r.articles[0].actors.empty());
  EXPECT_FALSE(r.articles[0].countries_from_metadata);
}

// The whole corpus: every document comes out, NEWIDs 1..21578 without gaps.
TEST(ReutersReaderTest, ReadsWholeReuters21578Corpus) {
  const std::string root = std::string(NEWSDEX_SHARED_DIR) + "/corpora/reuters21578";
  if (!std::filesystem::exists(root + "/dev")) {
    GTEST_SKIP() << root << " is absent";
  }
  std::map<std::string, int> counts;
  std::set<int> newids;
  int duplicates = 0, dated = 0, with_title = 0;
  std::string umlaut_body;
  for (const char* part : {"dev", "holdout"}) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(root + "/" + part)) {
      files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) {
      absl::Status status = ReadReutersFile(
          file,
          [&](ReutersDocument d) {
            ++counts[part];
            if (!newids.insert(std::stoi(d.article.id)).second) ++duplicates;
            if (d.article.date && d.article.date->year() == 1987) ++dated;
            if (!d.article.title.empty()) ++with_title;
            if (d.article.id == "17980") umlaut_body = d.article.body;
            if (d.article.id == "1") {
              EXPECT_THAT(d.places, ElementsAre("el-salvador", "usa", "uruguay"));
            }
            return absl::OkStatus();
          },
          [&](const absl::Status& s) { ADD_FAILURE() << s; });
      ASSERT_TRUE(status.ok()) << status;
    }
  }
  EXPECT_EQ(counts["dev"], 14000);
  EXPECT_EQ(counts["holdout"], 7578);
  EXPECT_EQ(duplicates, 0);
  ASSERT_EQ(newids.size(), 21578u);
  EXPECT_EQ(*newids.begin(), 1);
  EXPECT_EQ(*newids.rbegin(), 21578);
  EXPECT_EQ(dated, 21578);  // every DATE, quirks included, gives a 1987 day
  EXPECT_EQ(with_title, 21577);  // NEWID 12793 is an empty UNPROC document
  EXPECT_THAT(umlaut_body, HasSubstr("\xc3\xbc"));  // the lone 0xFC byte
}

}  // namespace
}  // namespace newsdex::indexer

#include "indexer/jsonl_reader.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "indexer/internal/reader_testutil.h"

namespace newsdex::indexer {
namespace {

using ::testing::HasSubstr;
using testing::ReadAll;
using testing::TempDir;
using testing::WriteFile;

std::string Day(const std::optional<absl::CivilDay>& day) {
  return day ? core::FormatIsoDate(*day) : "none";
}

TEST(JsonlReaderTest, ParsesDateFormats) {
  struct Case {
    const char* text;
    const char* day;  // "none" = not parseable
  };
  const Case kCases[] = {
      {"2025-08-24", "2025-08-24"},
      {" 2025-08-24 ", "2025-08-24"},
      {"20250824", "2025-08-24"},
      {"2025-08-24T10:00:00Z", "2025-08-24"},
      {"2025-08-24T10:00:00.123456Z", "2025-08-24"},
      {"2025-08-24T23:30:00-05:00", "2025-08-25"},  // 04:30 UTC next day
      {"2025-08-24T01:30:00+02:00", "2025-08-23"},
      {"2025-08-24T01:30:00+0200", "2025-08-23"},
      {"2025-08-24T01:30+02", "2025-08-23"},
      {"2025-08-24 10:00:00", "2025-08-24"},  // no offset: UTC
      {"2025-08-24T10:00", "2025-08-24"},
      {"Sun, 24 Aug 2025 10:00:00 +0000", "2025-08-24"},
      {"Sun, 24 Aug 2025 22:00:00 -0300", "2025-08-25"},
      {"Sun, 24 Aug 2025 21:00:00 EST", "2025-08-25"},
      {"Sun, 24 Aug 2025 10:00:00 GMT", "2025-08-24"},
      {"24 Aug 2025 10:00 +0100", "2025-08-24"},
      {"Sun, 24 Aug 25 10:00:00 +0000", "2025-08-24"},  // RFC 822 year
      {"2025/08/24", "2025-08-24"},
      {"2025/8/4", "2025-08-04"},
      {"24 August 2025", "2025-08-24"},
      {"24 august 2025", "2025-08-24"},
      {"Sunday, 24 August 2025", "2025-08-24"},
      {"August 24, 2025", "2025-08-24"},
      {"August 24 2025", "2025-08-24"},
      {"Aug. 24, 2025", "2025-08-24"},
      {"Sept 3, 2025", "2025-09-03"},
      {"August 24, 2025 10:30 PM", "2025-08-24"},
      {"2024-02-29", "2024-02-29"},
      // Not dates.
      {"", "none"},
      {"yesterday", "none"},
      {"24/13/2025", "none"},
      {"2025-02-30", "none"},
      {"2025-13-01", "none"},
      {"2023-02-29", "none"},
      {"2025-08-24T25:00:00Z", "none"},
      {"2025-08-24T10:00:00+25:00", "none"},
      {"2025-08-24 and more", "none"},
      {"32 August 2025", "none"},
      {"Smarch 3, 2025", "none"},
      {"August 2025", "none"},
      {"1724493600", "none"},  // Unix time only as a JSON number
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(Day(ParseDateText(c.text)), c.day) << "\"" << c.text << "\"";
  }
}

TEST(JsonlReaderTest, UnixSecondsToUtcDay) {
  EXPECT_EQ(Day(DayFromUnixSeconds(0)), "1970-01-01");
  EXPECT_EQ(Day(DayFromUnixSeconds(1756029600)), "2025-08-24");  // 10:00 UTC
  EXPECT_EQ(Day(DayFromUnixSeconds(1756079999.9)), "2025-08-24");
  EXPECT_EQ(Day(DayFromUnixSeconds(1756080000)), "2025-08-25");
  EXPECT_EQ(Day(DayFromUnixSeconds(-1)), "1969-12-31");
  EXPECT_EQ(Day(DayFromUnixSeconds(1e15)), "none");
}

TEST(JsonlReaderTest, ReadsAllFields) {
  std::string error;
  absl::StatusOr<core::Article> a = ParseJsonlRecord(
      R"({"id": "n-1", "url": "https://example.org/a", "title": " Port  strike ends ",
          "body": "Dock workers returned.\nCranes moved again.", "date": "2025-08-24",
          "source": "Example Wire", "language": "EN-gb", "extra": {"ignored": true},
          "actors": ["Jane Roe", {"name": "John Doe", "country": "GB", "role": "minister"}],
          "countries": ["FR", "Atlantis", {"code": "DE", "name": "Germany"}, {"name": "Wakanda"}]})",
      &error);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(error, "");
  EXPECT_EQ(a->id, "n-1");
  EXPECT_EQ(a->url, "https://example.org/a");
  EXPECT_EQ(a->title, "Port strike ends");
  EXPECT_EQ(a->body, "Dock workers returned.\nCranes moved again.");
  EXPECT_EQ(Day(a->date), "2025-08-24");
  EXPECT_EQ(a->source, "Example Wire");
  EXPECT_EQ(a->language, "en");
  ASSERT_EQ(a->actors.size(), 2u);
  EXPECT_EQ(a->actors[0].name, "Jane Roe");
  EXPECT_EQ(a->actors[0].mentions, 1);
  EXPECT_EQ(a->actors[1].name, "John Doe");
  EXPECT_EQ(a->actors[1].country, "gb");
  EXPECT_EQ(a->actors[1].role, "minister");
  EXPECT_TRUE(a->actors_from_metadata);
  ASSERT_EQ(a->countries.size(), 4u);
  EXPECT_EQ(a->countries[0].code, "fr");
  EXPECT_EQ(a->countries[0].name, "");
  EXPECT_EQ(a->countries[1].code, "");
  EXPECT_EQ(a->countries[1].name, "Atlantis");
  EXPECT_EQ(a->countries[2].code, "de");
  EXPECT_EQ(a->countries[2].name, "Germany");
  EXPECT_EQ(a->countries[3].name, "Wakanda");
  for (const core::CountryFacet& c : a->countries) {
    EXPECT_EQ(c.mentions, 1);
    EXPECT_TRUE(c.focus);
  }
  EXPECT_TRUE(a->countries_from_metadata);
}

TEST(JsonlReaderTest, FieldAlternatives) {
  std::string error;
  absl::StatusOr<core::Article> a = ParseJsonlRecord(
      R"({"url": "https://example.org/b", "title": "T", "text": "From text.",
          "published": 1756029600, "lang": "de"})",
      &error);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->id, "https://example.org/b");  // no id: the url
  EXPECT_EQ(a->body, "From text.");
  EXPECT_EQ(Day(a->date), "2025-08-24");
  EXPECT_EQ(a->language, "de");
  EXPECT_FALSE(a->actors_from_metadata);
  EXPECT_FALSE(a->countries_from_metadata);

  a = ParseJsonlRecord(R"({"id": 42, "title": "T", "body": "B", "text": "ignored", "date": null})",
                       &error);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->id, "42");
  EXPECT_EQ(a->body, "B");
  EXPECT_FALSE(a->date.has_value());
}

TEST(JsonlReaderTest, RejectsBadRecords) {
  struct Case {
    const char* line;
    const char* reason;
  };
  const Case kCases[] = {
      {R"({"title": "T", "body": )", "malformed JSON"},
      {R"(not json)", "malformed JSON"},
      {R"(["title", "body"])", "expected a JSON object, got array"},
      {R"({"title": 5, "body": "B"})", "field \"title\": expected a string, got number"},
      {R"({"title": "T", "body": ["B"]})", "field \"body\": expected a string, got array"},
      {R"({"id": {"x": 1}, "title": "T"})", "field \"id\": expected a string or integer"},
      {R"({"title": "T", "date": true})", "field \"date\": expected a string or a number"},
      {R"({"title": "T", "actors": "Jane Roe"})", "field \"actors\": expected an array"},
      {R"({"title": "T", "countries": [1]})", "field \"countries\": expected strings or objects"},
      {R"({"title": "", "body": "  "})", "neither title nor body"},
      {R"({"url": "u"})", "neither title nor body"},
  };
  for (const Case& c : kCases) {
    std::string error;
    absl::StatusOr<core::Article> a = ParseJsonlRecord(c.line, &error);
    ASSERT_FALSE(a.ok()) << c.line;
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument) << c.line;
    EXPECT_THAT(a.status().message(), HasSubstr(c.reason)) << c.line;
  }
}

TEST(JsonlReaderTest, BadDateKeepsArticleWithoutDate) {
  std::string error;
  absl::StatusOr<core::Article> a =
      ParseJsonlRecord(R"({"title": "T", "date": "24/13/2025"})", &error);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_FALSE(a->date.has_value());
  EXPECT_EQ(error, "field \"date\": cannot parse \"24/13/2025\"");
}

TEST(JsonlReaderTest, ReportsLineNumberOfBadRecord) {
  TempDir dir;
  std::string path = dir.File("articles.jsonl");
  WriteFile(path,
            "{\"id\": \"a\", \"title\": \"First\", \"body\": \"One.\"}\n"
            "{\"id\": \"b\", \"title\": \"Broken\", \n"
            "\n"
            "{\"id\": \"c\", \"title\": \"Third\", \"date\": \"24/13/2025\"}\n"
            "{\"title\": \"No id\", \"body\": \"Four.\"}\r\n"
            "{\"id\": \"e\", \"title\": \"Last line without newline\"}");
  testing::ReadResult r = ReadAll({path});
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.articles.size(), 4u) << r.ErrorText();
  EXPECT_EQ(r.articles[0].id, "a");
  EXPECT_EQ(r.articles[0].origin, path + ":1");
  EXPECT_EQ(r.articles[1].id, "c");
  EXPECT_FALSE(r.articles[1].date.has_value());
  EXPECT_EQ(r.articles[2].id, "articles.jsonl:5");  // no id, no url
  EXPECT_EQ(r.articles[2].body, "Four.");
  EXPECT_EQ(r.articles[3].id, "e");
  ASSERT_EQ(r.errors.size(), 2u) << r.ErrorText();
  EXPECT_EQ(r.errors[0].code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.errors[0].message(), HasSubstr("articles.jsonl:2: malformed JSON"));
  EXPECT_THAT(r.errors[1].message(),
              HasSubstr("articles.jsonl:4: field \"date\": cannot parse \"24/13/2025\""));
}

TEST(JsonlReaderTest, InvalidUtf8InsideStringsIsRepaired) {
  TempDir dir;
  std::string path = dir.File("latin1.ndjson");
  WriteFile(path, "{\"title\": \"M\xfcnchen \xa3" "3\", \"body\": \"ctl\\u0001x\"}\n");
  testing::ReadResult r = ReadAll({path});
  ASSERT_EQ(r.articles.size(), 1u) << r.ErrorText();
  EXPECT_EQ(r.articles[0].title, "M\xc3\xbcnchen \xc2\xa3" "3");
  EXPECT_EQ(r.articles[0].body, "ctlx");
  EXPECT_EQ(r.articles[0].id, "latin1.ndjson:1");
}

}  // namespace
}  // namespace newsdex::indexer

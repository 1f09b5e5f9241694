#include "core/article.h"

#include <gtest/gtest.h>

namespace newsdex::core {
namespace {

TEST(ArticleTest, DocDataRoundTrips) {
  Article a;
  a.id = "seed-1";
  a.url = "https://example.org/a";
  a.title = "Title \"quoted\"";
  a.body = "Body text\nwith lines";
  a.source = "Example Wire";
  a.language = "en";
  a.date = absl::CivilDay(2025, 8, 24);
  a.countries.push_back({"ir", "Iran", 12, true});
  a.actors.push_back({"Ali Khamenei", 7, "ir", "Supreme Leader"});
  a.mentioned_dates = {"2025-06", "2015"};
  const StoredArticle stored = EncodeStoredArticle(a);
  EXPECT_EQ(stored.data, a.body);
  auto decoded = DecodeStoredArticle(stored.metadata, stored.data);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->id, a.id);
  EXPECT_EQ(decoded->url, a.url);
  EXPECT_EQ(decoded->title, a.title);
  EXPECT_EQ(decoded->body, a.body);
  EXPECT_EQ(decoded->source, a.source);
  EXPECT_EQ(decoded->language, "en");
  ASSERT_TRUE(decoded->date.has_value());
  EXPECT_EQ(*decoded->date, absl::CivilDay(2025, 8, 24));
  ASSERT_EQ(decoded->countries.size(), 1u);
  EXPECT_EQ(decoded->countries[0].code, "ir");
  EXPECT_EQ(decoded->countries[0].mentions, 12);
  EXPECT_TRUE(decoded->countries[0].focus);
  ASSERT_EQ(decoded->actors.size(), 1u);
  EXPECT_EQ(decoded->actors[0].name, "Ali Khamenei");
  EXPECT_EQ(decoded->actors[0].role, "Supreme Leader");
  EXPECT_EQ(decoded->mentioned_dates, a.mentioned_dates);
}

TEST(ArticleTest, MetadataAloneLeavesTheBodyEmpty) {
  Article a;
  a.id = "x";
  a.title = "T";
  a.body = "long body";
  auto decoded = DecodeStoredArticle(EncodeMetadata(a), "");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->title, "T");
  EXPECT_TRUE(decoded->body.empty());
  EXPECT_FALSE(decoded->date.has_value());
}

TEST(ArticleTest, EveryTruncationOfTheMetadataIsDataLoss) {
  Article a;
  a.id = "seed-1";
  a.title = "Title";
  a.date = absl::CivilDay(2025, 8, 24);
  a.countries.push_back({"ir", "Iran", 300, true});
  a.actors.push_back({"Ali Khamenei", 7, "ir", ""});
  a.mentioned_dates = {"2025"};
  const std::string record = EncodeMetadata(a);
  for (size_t n = 0; n + 1 < record.size(); ++n) {
    // n == 0 is the empty record, which means "legacy layout": data "" is not that either.
    EXPECT_EQ(DecodeStoredArticle(record.substr(0, n + 1), "").status().code(),
              absl::StatusCode::kDataLoss)
        << "prefix of " << n + 1 << " bytes";
  }
  EXPECT_EQ(DecodeStoredArticle(record + "x", "").status().code(), absl::StatusCode::kDataLoss);
  std::string other_version = record;
  other_version[0] = 9;
  EXPECT_EQ(DecodeStoredArticle(other_version, "").status().code(), absl::StatusCode::kDataLoss);
}

TEST(ArticleTest, ReadsTheVersion2Layout) {
  // Indexes written before the metadata slot keep everything in the data.
  const std::string v2 =
      "{\"v\":2,\"id\":\"a1\",\"title\":\"Old\",\"date\":\"1987-03-02\","
      "\"countries\":[{\"code\":\"us\",\"name\":\"United States\",\"mentions\":2,"
      "\"focus\":true}],\"actors\":[]}\nBody line one\nline two";
  auto decoded = DecodeStoredArticle("", v2);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->id, "a1");
  EXPECT_EQ(decoded->title, "Old");
  EXPECT_EQ(decoded->date, absl::CivilDay(1987, 3, 2));
  ASSERT_EQ(decoded->countries.size(), 1u);
  EXPECT_EQ(decoded->countries[0].name, "United States");
  EXPECT_EQ(decoded->body, "Body line one\nline two");
}

// Found by tests/fuzz/stored_article_fuzzer: a field of the wrong type threw
// nlohmann's type_error, and a huge count was undefined behaviour.
TEST(ArticleTest, Version2FieldsOfTheWrongTypeReadAsAbsent) {
  const std::string data =
      "{\"v\":2,\"id\":\"a2\",\"title\":7,\"countries\":[{\"code\":1,\"name\":\"Iran\","
      "\"mentions\":1e300,\"focus\":\"yes\"}],\"actors\":[{\"name\":\"X\","
      "\"mentions\":-4,\"role\":[1]}]}\nBody";
  absl::StatusOr<Article> a = DecodeStoredArticle("", data);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->id, "a2");
  EXPECT_EQ(a->title, "");
  ASSERT_EQ(a->countries.size(), 1u);
  EXPECT_EQ(a->countries[0].code, "");
  EXPECT_EQ(a->countries[0].name, "Iran");
  EXPECT_EQ(a->countries[0].mentions, 0);
  EXPECT_FALSE(a->countries[0].focus);
  ASSERT_EQ(a->actors.size(), 1u);
  EXPECT_EQ(a->actors[0].mentions, 0);
  EXPECT_EQ(a->actors[0].role, "");
  EXPECT_EQ(a->body, "Body");
}

TEST(ArticleTest, RejectsForeignDocData) {
  EXPECT_EQ(DecodeStoredArticle("", "not json").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeStoredArticle("", "{\"v\":99}\nbody").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(ArticleTest, ParsesIsoDatesStrictly) {
  EXPECT_EQ(ParseIsoDate("2025-08-24"), absl::CivilDay(2025, 8, 24));
  EXPECT_EQ(ParseIsoDate("20250824"), absl::CivilDay(2025, 8, 24));
  EXPECT_FALSE(ParseIsoDate("2025-02-30").has_value());
  EXPECT_FALSE(ParseIsoDate("2025-13-01").has_value());
  EXPECT_FALSE(ParseIsoDate("24/08/2025").has_value());
  EXPECT_EQ(FormatIsoDate(absl::CivilDay(987, 3, 1)), "0987-03-01");
  EXPECT_EQ(FormatCompactDate(absl::CivilDay(2025, 8, 24)), "20250824");
}

}  // namespace
}  // namespace newsdex::core

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
  auto decoded = DecodeDocData(EncodeDocData(a));
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

TEST(ArticleTest, RejectsForeignDocData) {
  EXPECT_EQ(DecodeDocData("not json").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeDocData("{\"v\":99}").status().code(), absl::StatusCode::kDataLoss);
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

#include "indexer/document_builder.h"

#include <set>
#include <vector>
#include <string>

#include <gtest/gtest.h>

#include "core/schema.h"

namespace newsdex::indexer {
namespace {

std::set<std::string> TermsOf(const Xapian::Document& doc) {
  std::set<std::string> terms;
  for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) terms.insert(*it);
  return terms;
}

core::Article SeedLikeArticle() {
  core::Article a;
  a.id = "seed";
  a.url = "https://example.org/seed";
  a.title = "Khamenei Rules Out Talks";
  a.body = "Iran's leader spoke. Talks with the U.S. are off.";
  a.source = "Example Wire";
  a.language = "en";
  a.date = absl::CivilDay(2025, 8, 24);
  a.countries = {{"ir", "Iran", 2, true}, {"us", "United States", 1, false}};
  a.actors = {{"Ali Khāmeneī", 2, "ir", ""}};
  a.mentioned_dates = {"2025-06", "2015"};
  return a;
}

TEST(DocumentBuilderTest, StoresTermsValuesAndData) {
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  auto built = BuildDocument(SeedLikeArticle(), **analyzer, /*want_spelling=*/true);
  ASSERT_TRUE(built.ok()) << built.status();
  const std::set<std::string> terms = TermsOf(built->doc);
  for (const char* expected :
       {"Qseed", "Uhttps://example.org/seed", "Len", "XSexample-wire", "D20250824", "M202508",
        "Y2025", "Nir", "Nus", "XNir", "XAali khamenei", "XM2015", "XM202506",
        "ZSkhamenei", "ZStalk", "Ztalk", "Ziran", "Zus", "Zleader"}) {
    EXPECT_TRUE(terms.count(expected)) << "missing term " << expected;
  }
  EXPECT_FALSE(terms.count("XNus")) << "us is not a focus country";
  EXPECT_FALSE(terms.count("XM2025")) << "a mention is stored at its own precision only";
  EXPECT_EQ(built->id_term, "Qseed");
  using core::ValueSlot;
  auto value = [&](ValueSlot s) { return built->doc.get_value(static_cast<Xapian::valueno>(s)); };
  EXPECT_EQ(value(ValueSlot::kDate), "20250824");
  EXPECT_EQ(value(ValueSlot::kCountries), "ir|us");
  EXPECT_EQ(value(ValueSlot::kFocusCountries), "ir");
  EXPECT_EQ(value(ValueSlot::kActors), "ali khamenei");
  EXPECT_EQ(value(ValueSlot::kLanguage), "en");
  EXPECT_EQ(value(ValueSlot::kCollapseKey).size(), 16u);
  auto data = core::DecodeStoredArticle(value(ValueSlot::kMetadata), built->doc.get_data());
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->body, built->doc.get_data()) << "the document data is the body alone";
  EXPECT_EQ(data->title, "Khamenei Rules Out Talks");
  EXPECT_EQ(data->actors.at(0).name, "Ali Khāmeneī");
  EXPECT_TRUE(std::count(built->spelling_words.begin(), built->spelling_words.end(), "iran"));
}

std::vector<Xapian::termpos> PositionsOf(const Xapian::Document& doc, const std::string& term,
                                         Xapian::termcount* wdf) {
  auto it = doc.termlist_begin();
  it.skip_to(term);
  if (it == doc.termlist_end() || *it != term) return {};
  *wdf = it.get_wdf();
  return {it.positionlist_begin(), it.positionlist_end()};
}

TEST(DocumentBuilderTest, TitleWordsWeighMoreAndKeepTheirPositionsInTheTitleField) {
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  core::Article a;
  a.id = "x";
  a.title = "nuclear deal";
  a.body = "talks nuclear";
  a.language = "en";
  auto built = BuildDocument(a, **analyzer, false);
  ASSERT_TRUE(built.ok());
  Xapian::termcount wdf = 0;
  // Default field: the title's weight, the body's positions only.
  std::vector<Xapian::termpos> positions = PositionsOf(built->doc, "Znuclear", &wdf);
  EXPECT_EQ(wdf, static_cast<Xapian::termcount>(core::kTitleWdfInText + 1));
  ASSERT_EQ(positions.size(), 1u);
  EXPECT_GT(positions[0], 2u + kBodyPositionGap) << "body positions start after the title's";
  EXPECT_TRUE(PositionsOf(built->doc, "Zdeal", &wdf).empty());
  EXPECT_EQ(wdf, static_cast<Xapian::termcount>(core::kTitleWdfInText));
  // Title field: positions 1..n.
  EXPECT_EQ(PositionsOf(built->doc, "ZSnuclear", &wdf), std::vector<Xapian::termpos>{1});
  EXPECT_EQ(PositionsOf(built->doc, "ZSdeal", &wdf), std::vector<Xapian::termpos>{2});
}

TEST(DocumentBuilderTest, MentionedDatesAreOneTermAtTheirOwnPrecision) {
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  core::Article a;
  a.id = "x";
  a.title = "t";
  a.mentioned_dates = {"2025-08-24", "2025-08", "2024", "2025-8", "x2025"};
  auto built = BuildDocument(a, **analyzer, false);
  ASSERT_TRUE(built.ok());
  std::set<std::string> mentioned;
  const std::string prefix = core::BooleanTerm(core::FieldId::kMentionedDate, "");
  for (const std::string& t : TermsOf(built->doc)) {
    if (t.rfind(prefix, 0) == 0) mentioned.insert(t);
  }
  EXPECT_EQ(mentioned, (std::set<std::string>{"XM20250824", "XM202508", "XM2024"}))
      << "malformed values make no term";
}

TEST(DocumentBuilderTest, RejectsArticleWithoutId) {
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  core::Article a;
  a.origin = "in.jsonl:3";
  auto built = BuildDocument(a, **analyzer, false);
  EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(built.status().message().find("in.jsonl:3"), std::string::npos);
}

TEST(DocumentBuilderTest, RejectsIdOverTheLimitNamingIt) {
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  core::Article a;
  a.origin = "in.jsonl:4";
  a.title = "A title";
  a.id = std::string(core::kMaxIdBytes, 'x');
  EXPECT_TRUE(BuildDocument(a, **analyzer, false).ok());
  a.id.push_back('x');
  auto built = BuildDocument(a, **analyzer, false);
  EXPECT_EQ(built.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(built.status().message().find("in.jsonl:4"), std::string::npos);
  EXPECT_NE(built.status().message().find("limit of 1024 bytes"), std::string::npos)
      << built.status();
}

TEST(DocumentBuilderTest, CollapseKeyIgnoresCaseAndPunctuation) {
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  auto key = [&](const std::string& title, const std::string& body) {
    std::vector<core::Token> t, b;
    (*analyzer)->Tokenize(title, &t);
    (*analyzer)->Tokenize(body, &b);
    return CollapseKey(t, b);
  };
  EXPECT_EQ(key("Oil prices rise", "Prices rose, sharply."), key("OIL PRICES RISE", "prices rose sharply"));
  EXPECT_NE(key("Oil prices rise", "Prices rose."), key("Oil prices fall", "Prices rose."));
}

}  // namespace
}  // namespace newsdex::indexer

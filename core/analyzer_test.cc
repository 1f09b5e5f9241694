#include "core/analyzer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace newsdex::core {
namespace {

std::unique_ptr<Analyzer> NewAnalyzer() {
  auto a = Analyzer::Create();
  EXPECT_TRUE(a.ok()) << a.status();
  return std::move(a).value();
}

std::vector<std::string> Terms(Analyzer& a, const std::string& text) {
  std::vector<Token> tokens;
  a.Tokenize(text, &tokens);
  std::vector<std::string> terms;
  for (const Token& t : tokens) terms.push_back(t.term);
  return terms;
}

TEST(AnalyzerTest, NormalizesWordsAsTable) {
  struct Case {
    const char* input;
    std::vector<std::string> expected;
  };
  const Case cases[] = {
      {"Iran's nuclear program", {"iran", "nuclear", "program"}},
      {"Iran\xE2\x80\x99s leader", {"iran", "leader"}},  // typographic apostrophe
      {"U.S. demands", {"us", "demands"}},
      {"US demands", {"us", "demands"}},
      {"the U.S.A.", {"the", "usa"}},
      {"Kh\xC4\x81mene\xC4\xAB", {"khamenei"}},  // Khāmeneī
      {"KHAMENEI", {"khamenei"}},
      {"Stra\xC3\x9F" "e", {"strasse"}},          // Straße: full case folding
      {"caf\xC3\xA9 Cafe\xCC\x81", {"cafe", "cafe"}},  // precomposed and combining
      {"over 1,000 civilians", {"over", "1000", "civilians"}},
      {"3.5 percent", {"3.5", "percent"}},
      {"12-day conflict", {"12", "day", "conflict"}},
      {"European powers\xE2\x80\x94" "France, Britain", {"european", "powers", "france", "britain"}},
      {"the powers' talks", {"the", "powers", "talks"}},
      {"O'Neill said", {"oneill", "said"}},
      {"\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", {"abc"}},  // fullwidth ABC (NFKC)
      {"\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0", {"\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0"}},  // Москва
      {"\"unsolvable\" -- !!", {"unsolvable"}},
      {"", {}},
  };
  auto a = NewAnalyzer();
  for (const Case& c : cases) {
    EXPECT_EQ(Terms(*a, c.input), c.expected) << "input: " << c.input;
  }
}

TEST(AnalyzerTest, ReportsByteOffsetsOfWords) {
  auto a = NewAnalyzer();
  std::vector<Token> tokens;
  const std::string text = "Ali Kh\xC4\x81mene\xC4\xAB spoke";
  a->Tokenize(text, &tokens);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin),
            "Kh\xC4\x81mene\xC4\xAB");
  EXPECT_EQ(tokens[2].begin, text.size() - 5);
}

TEST(AnalyzerTest, SurvivesInvalidUtf8) {
  auto a = NewAnalyzer();
  EXPECT_EQ(Terms(*a, "a \xA3" "15m signing \xFF\xFE"),
            (std::vector<std::string>{"a", "15m", "signing"}));
}

TEST(AnalyzerTest, DropsOverlongWords) {
  auto a = NewAnalyzer();
  EXPECT_EQ(Terms(*a, std::string(100, 'x') + " ok"), std::vector<std::string>{"ok"});
}

TEST(AnalyzerTest, SegmentsCjkIntoWords) {
  auto a = NewAnalyzer();
  // 東京都 (Tokyo metropolis) is segmented by ICU's dictionary, not dropped.
  EXPECT_FALSE(Terms(*a, "\xE6\x9D\xB1\xE4\xBA\xAC\xE9\x83\xBD").empty());
}

TEST(AnalyzerTest, FoldsKeys) {
  auto a = NewAnalyzer();
  EXPECT_EQ(a->FoldKey("Ali KH\xC4\x80MENE\xC4\xAA"), "ali khamenei");
  EXPECT_EQ(a->FoldKey("  Donald   Trump "), "donald trump");
}

TEST(AnalyzerTest, StemsByLanguage) {
  struct Case {
    const char* term;
    const char* language;
    const char* expected;
  };
  const Case cases[] = {
      {"talks", "en", "talk"},
      {"negotiations", "en", "negoti"},
      {"iranian", "en", "iranian"},
      {"iran", "en", "iran"},
      {"nuclear", "en", "nuclear"},
      {"verhandlungen", "de", "verhandl"},
      {"talks", "none", "talks"},
      {"talks", "xx", "talks"},  // unknown language: unchanged
  };
  auto a = NewAnalyzer();
  for (const Case& c : cases) {
    EXPECT_EQ(a->Stem(c.term, c.language), c.expected)
        << c.term << " (" << c.language << ")";
  }
  EXPECT_TRUE(Analyzer::HasStemmer("en"));
  EXPECT_FALSE(Analyzer::HasStemmer("xx"));
}

}  // namespace
}  // namespace newsdex::core

#include "indexer/facet_extractor.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "indexer/internal/extractor_testutil.h"

namespace newsdex::indexer {
namespace {

using testing::Extractor;
using testing::TestAnalyzer;

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// Plain-text article layout (docs/input-formats.md): the first non-blank line
// is the title, the other non-blank lines the body. The text reader does the
// same; this test links only the facet sources.
bool SplitTitleAndBody(absl::string_view text, core::Article* a) {
  std::vector<std::string> lines;
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    l = absl::StripAsciiWhitespace(l);
    if (!l.empty()) lines.emplace_back(l);
  }
  if (lines.empty()) return false;
  a->title = lines[0];
  lines.erase(lines.begin());
  a->body = absl::StrJoin(lines, "\n");
  return true;
}

std::vector<std::string> SortedCodes(const core::Article& a, bool focus_only) {
  std::vector<std::string> codes;
  for (const core::CountryFacet& c : a.countries) {
    if (!focus_only || c.focus) codes.push_back(c.code);
  }
  std::sort(codes.begin(), codes.end());
  return codes;
}

TEST(FacetExtractorTest, SeedArticle) {
  const std::string path =
      std::string(NEWSDEX_SHARED_DIR) + "/seeds/000_dd03e79a823c37cd.txt";
  std::string text;
  if (!ReadFile(path, &text)) GTEST_SKIP() << "seed article not found: " << path;
  core::Article a;
  a.id = "seed";
  ASSERT_TRUE(SplitTitleAndBody(text, &a));
  Extractor().Extract(&a, TestAnalyzer());
  EXPECT_EQ(absl::StrJoin(SortedCodes(a, false), ","), "de,fr,gb,il,ir,us");
  ASSERT_TRUE(a.date.has_value());
  EXPECT_EQ(core::FormatIsoDate(*a.date), "2025-08-24");
  for (const char* d : {"2015", "2025-03", "2025-06", "2025-08-24"}) {
    EXPECT_NE(std::find(a.mentioned_dates.begin(), a.mentioned_dates.end(), d),
              a.mentioned_dates.end())
        << d << " missing from " << absl::StrJoin(a.mentioned_dates, ",");
  }
  EXPECT_TRUE(std::is_sorted(a.mentioned_dates.begin(), a.mentioned_dates.end()));
  // Iran is the focus (title, lead, many mentions); so is the U.S.
  std::vector<std::string> focus = SortedCodes(a, true);
  EXPECT_NE(std::find(focus.begin(), focus.end(), "ir"), focus.end());
  EXPECT_NE(std::find(focus.begin(), focus.end(), "us"), focus.end());
}

// data/sample/: articles we wrote, labelled by hand in
// tests/golden/sample_facets.jsonl (label rules: data/README.md, "sample/").
// Checks countries, focus, dates (`actors` false) or actors (`actors` true).
void CheckSamples(bool actors_only) {
  const std::string dir = std::string(NEWSDEX_SOURCE_DIR) + "/data/sample";
  const std::string labels =
      std::string(NEWSDEX_SOURCE_DIR) + "/tests/golden/sample_facets.jsonl";
  std::ifstream expected(labels);
  ASSERT_TRUE(expected) << "cannot read " << labels;
  std::string line;
  int files = 0;
  while (std::getline(expected, line)) {
    if (line.empty()) continue;
    nlohmann::json want = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(want.is_discarded()) << line;
    const std::string file = want.value("file", "");
    std::string text;
    ASSERT_TRUE(ReadFile(dir + "/" + file, &text)) << file;
    core::Article a;
    a.id = file;
    ASSERT_TRUE(SplitTitleAndBody(text, &a)) << file;
    Extractor().Extract(&a, TestAnalyzer());
    ++files;
    if (actors_only) {
      std::vector<std::string> actors =
          want.value("actors", std::vector<std::string>{});
      std::vector<std::string> got;
      for (const core::ActorFacet& f : a.actors) got.push_back(f.name);
      std::sort(actors.begin(), actors.end());
      std::sort(got.begin(), got.end());
      EXPECT_EQ(absl::StrJoin(got, ","), absl::StrJoin(actors, ",")) << file << ": actors";
      continue;
    }
    std::vector<std::string> countries = want.value("countries", std::vector<std::string>{});
    // "known": what the extractor gives where it differs from the label, and why.
    const nlohmann::json known = want.value("known", nlohmann::json::object());
    std::vector<std::string> focus = known.contains("focus")
                                         ? known["focus"].get<std::vector<std::string>>()
                                         : want.value("focus", std::vector<std::string>{});
    std::sort(countries.begin(), countries.end());
    std::sort(focus.begin(), focus.end());
    EXPECT_EQ(absl::StrJoin(SortedCodes(a, false), ","), absl::StrJoin(countries, ","))
        << file << ": countries; matches: "
        << absl::StrJoin(Extractor().ExplainCountries(a, TestAnalyzer()), " | ");
    EXPECT_EQ(absl::StrJoin(SortedCodes(a, true), ","), absl::StrJoin(focus, ","))
        << file << ": focus; matches: "
        << absl::StrJoin(Extractor().ExplainCountries(a, TestAnalyzer()), " | ");
    const std::string date = want["date"].is_string() ? want["date"].get<std::string>() : "";
    EXPECT_EQ(a.date ? core::FormatIsoDate(*a.date) : "", date) << file << ": date";
    std::vector<std::string> dates = want.value("dates", std::vector<std::string>{});
    EXPECT_EQ(absl::StrJoin(a.mentioned_dates, ","), absl::StrJoin(dates, ","))
        << file << ": dates";
  }
  EXPECT_GT(files, 0);
}

TEST(FacetExtractorTest, HandLabelledSamplesCountriesAndDates) { CheckSamples(false); }

// Actor extraction (indexer/actor_extractor.*) through the composer.
TEST(FacetExtractorTest, HandLabelledSamplesActors) { CheckSamples(true); }

TEST(FacetExtractorTest, FindsDatelineAtStartOfBody) {
  struct Case {
    const char* body;
    const char* dateline;
  } cases[] = {
      {"PORTLAND, Ore. (AP) - The mill closed.", "PORTLAND, Ore. (AP) - "},
      {"TEHRAN, Aug 24 (Reuters) - Iran said.", "TEHRAN, Aug 24 (Reuters) - "},
      {"NEW YORK, March 3 \xE2\x80\x94 Stocks rose.", "NEW YORK, March 3 \xE2\x80\x94 "},
      {"FEDERAL RESERVE REPORT - figures follow", ""},
      {"The mill closed - for good.", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    absl::string_view body = c.body;
    EXPECT_EQ(body.substr(0, BodyDatelineLength(body)), c.dateline) << c.body;
  }
}

// BuildDocument indexes the tokens Extract keeps, so they must be exactly
// what tokenizing the title and the whole body gives, offsets included, also
// when a dateline was cut from the body.
TEST(FacetExtractorTest, KeptTokensAreThoseOfTheWholeText) {
  struct Case {
    const char* title;
    const char* body;
    const char* dateline;  // given by the source
  } cases[] = {
      {"Mill closes", "PORTLAND, Ore. (AP) - The mill's owner, U.S. Steel, said 1,000 jobs go.", ""},
      {"Iran", "TEHRAN, Aug 24 (Reuters) - Iran said.", ""},
      {"", "NEW YORK, March 3 \xE2\x80\x94 Stocks rose.", ""},
      {"Dash", "NEW YORK, March 3 \xE2\x80\x94Stocks rose.", ""},
      {"Two blanks", "PARIS (AP) -  'Quoted' words_with_underscores 3.5 _x", ""},
      // Non-ASCII right after the dateline: a combining acute accent (which
      // UAX #29 attaches to the blank before it), an accented word, CJK.
      {"Marks", "PARIS (AP) - \xCC\x81" "cole de Paris.", ""},
      {"Accents", "PARIS (AP) - \xC3\x89" "cole fermée.", ""},
      {"CJK", "TOKYO (AP) - \xE6\x9D\xB1\xE4\xBA\xAC\xE9\x83\xBD\xE3\x81\xAF", ""},
      {"Only a dateline", "PARIS (AP) - ", ""},
      {"Source dateline", "The mill closed.", "PORTLAND, Ore."},
      {"No body", "", ""},
      {"", "", ""},
  };
  for (const Case& c : cases) {
    core::Article a;
    a.id = "x";
    a.title = c.title;
    a.body = c.body;
    a.dateline = c.dateline;
    ArticleTokens kept;
    kept.body.push_back(core::Token{"stale", 0, 5});  // Extract must replace, not append
    Extractor().Extract(&a, TestAnalyzer(), &kept);
    std::vector<core::Token> title, body;
    TestAnalyzer().Tokenize(a.title, &title);
    TestAnalyzer().Tokenize(a.body, &body);
    auto render = [](const std::vector<core::Token>& tokens) {
      std::string s;
      for (const core::Token& t : tokens) absl::StrAppend(&s, t.term, "@", t.begin, "-", t.end, " ");
      return s;
    };
    EXPECT_EQ(render(kept.title), render(title)) << c.body;
    EXPECT_EQ(render(kept.body), render(body)) << c.body;
  }
}

TEST(FacetExtractorTest, ExtractionJsonHasTheDocumentedShape) {
  core::Article a;
  a.id = "x1";
  a.title = "T\xFC";  // invalid UTF-8 must not throw
  a.language = "en";
  a.date = absl::CivilDay(2025, 8, 24);
  a.countries.push_back(core::CountryFacet{"ir", "Iran", 3, true});
  a.actors.push_back(core::ActorFacet{"Ali Khamenei", 2, "ir", "leader"});
  a.mentioned_dates = {"2015", "2025-06"};
  const std::string line = ExtractionJson(a);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["id"], "x1");
  EXPECT_EQ(j["date"], "2025-08-24");
  EXPECT_EQ(j["language"], "en");
  EXPECT_EQ(j["countries"][0]["code"], "ir");
  EXPECT_EQ(j["countries"][0]["name"], "Iran");
  EXPECT_EQ(j["countries"][0]["mentions"], 3);
  EXPECT_EQ(j["countries"][0]["focus"], true);
  EXPECT_EQ(j["actors"][0]["name"], "Ali Khamenei");
  EXPECT_EQ(j["actors"][0]["country"], "ir");
  EXPECT_EQ(j["dates"][1], "2025-06");
  core::Article empty;
  nlohmann::json e = nlohmann::json::parse(ExtractionJson(empty));
  EXPECT_TRUE(e["date"].is_null());
  EXPECT_TRUE(e["countries"].is_array());
}

TEST(FacetExtractorTest, MissingDataDirNamesTheFile) {
  auto ex = FacetExtractor::Load("/nonexistent-newsdex-data");
  ASSERT_FALSE(ex.ok());
  EXPECT_EQ(ex.status().code(), absl::StatusCode::kNotFound);
  // The first file read is the language words: any file, but named with its
  // directory.
  EXPECT_NE(ex.status().message().find("/nonexistent-newsdex-data/"), std::string::npos)
      << ex.status();
  EXPECT_NE(ex.status().message().find(".tsv"), std::string::npos) << ex.status();
}

// Articles not in English: a place in capitals with accents, or (as German and
// Spanish agencies write it) only capitalised, and the Spanish ".-".
TEST(FacetExtractorTest, FindsDatelinesOfOtherLanguages) {
  struct Case {
    const char* body;
    bool other_language;
    const char* dateline;
  } cases[] = {
      {"PARÍS, 5 de mayo de 2019 (EFE) - El gobierno.", true, "PARÍS, 5 de mayo de 2019 (EFE) - "},
      {"NEU-DELHI, 8. November 2022 - Indien.", true, "NEU-DELHI, 8. November 2022 - "},
      {"Wien (dpa) - Österreich kontrolliert.", true, "Wien (dpa) - "},
      {"Lima, 15 ene (EFE).- El Gobierno.", true, "Lima, 15 ene (EFE).- "},
      {"Wien (dpa) - Österreich kontrolliert.", false, ""},
      {"Lima, 15 ene (EFE).- El Gobierno.", false, ""},
      {"Die Regierung - so heißt es - will sparen.", true, ""},
  };
  for (const Case& c : cases) {
    absl::string_view body = c.body;
    EXPECT_EQ(body.substr(0, BodyDatelineLength(body, c.other_language)), c.dateline) << c.body;
  }
}

// Elided articles are split off the tokens countries are matched on
// ("l'Espagne"), never off those the index stores.
TEST(FacetExtractorTest, KeptTokensIgnoreElisions) {
  core::Article a;
  a.id = "fr";
  a.language = "fr";
  a.title = "L'Espagne et l'Italie";
  a.body = "MADRID, 14 février 2024 - L'Espagne a signé l'accord d'hier.";
  ArticleTokens kept;
  Extractor().Extract(&a, TestAnalyzer(), &kept);
  std::vector<core::Token> title, body;
  TestAnalyzer().Tokenize(a.title, &title);
  TestAnalyzer().Tokenize(a.body, &body);
  ASSERT_EQ(kept.title.size(), title.size());
  ASSERT_EQ(kept.body.size(), body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    EXPECT_EQ(kept.body[i].term, body[i].term);
    EXPECT_EQ(kept.body[i].begin, body[i].begin);
  }
  EXPECT_EQ(kept.title[0].term, "lespagne");
  EXPECT_EQ(absl::StrJoin(SortedCodes(a, false), ","), "es,it");
  ASSERT_TRUE(a.date.has_value());
  EXPECT_EQ(core::FormatIsoDate(*a.date), "2024-02-14");
}

}  // namespace
}  // namespace newsdex::indexer

// Persons and countries in modern English news: 30 BBC-style articles we wrote
// (tests/english/, labels in tests/english/labels.jsonl; label rules as for
// data/sample/ in data/README.md), read and extracted exactly as
// newsdex-index does, and scored as tools/eval_extract --labelled scores
// them. The labels were written before the rules for titled names,
// organisations named after people and held-back names were; the floors
// below are what the rules reach (first run and now: data/README.md,
// "Labelled modern English articles").
//
// Then one row per kind of case those rules handle, on sentences written for
// this test, so that a regression names its case.
#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "indexer/facet_extractor.h"
#include "indexer/internal/extractor_testutil.h"
#include "indexer/pipeline.h"
#include "indexer/reader.h"

namespace newsdex::indexer {
namespace {

using testing::Extractor;
using testing::ReadAndExtract;
using testing::TestAnalyzer;

// Micro-averaged precision and recall over sets.
struct SetScore {
  int tp = 0, fp = 0, fn = 0;
  void Add(const std::set<std::string>& want, const std::set<std::string>& got) {
    for (const std::string& g : got) (want.count(g) ? tp : fp) += 1;
    for (const std::string& w : want) fn += got.count(w) ? 0 : 1;
  }
  double P() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp); }
  double R() const { return tp + fn == 0 ? 1.0 : static_cast<double>(tp) / (tp + fn); }
  double F1() const { return P() + R() == 0 ? 0.0 : 2 * P() * R() / (P() + R()); }
};

std::set<std::string> FoldedNames(const std::vector<std::string>& names) {
  std::set<std::string> out;
  for (const std::string& n : names) out.insert(TestAnalyzer().FoldKey(n));
  return out;
}

// The label rows of tests/<set>/labels.jsonl.
std::vector<nlohmann::json> Labels(const std::string& set) {
  const std::string path = std::string(NEWSDEX_SOURCE_DIR) + "/tests/" + set + "/labels.jsonl";
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::vector<nlohmann::json> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    out.push_back(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false));
    EXPECT_FALSE(out.back().is_discarded()) << line;
  }
  return out;
}

// Adds article `a`'s persons (folded names) and countries, against its label,
// to the scores; returns the persons it missed ("-name") and added ("+name").
std::vector<std::string> AddScores(const nlohmann::json& label, const core::Article& a,
                                   SetScore* persons, SetScore* countries) {
  std::vector<std::string> names;
  for (const core::ActorFacet& p : a.actors) names.push_back(p.name);
  const std::set<std::string> got_persons = FoldedNames(names);
  const std::set<std::string> want_persons =
      FoldedNames(label.value("actors", std::vector<std::string>{}));
  persons->Add(want_persons, got_persons);
  std::set<std::string> got_countries;
  for (const core::CountryFacet& c : a.countries) got_countries.insert(c.code);
  const std::vector<std::string> want = label.value("countries", std::vector<std::string>{});
  countries->Add(std::set<std::string>(want.begin(), want.end()), got_countries);
  std::vector<std::string> diff;
  for (const std::string& w : want_persons) {
    if (!got_persons.count(w)) diff.push_back("-" + w);
  }
  for (const std::string& g : got_persons) {
    if (!want_persons.count(g)) diff.push_back("+" + g);
  }
  return diff;
}

TEST(EnglishExtractionTest, LabelledArticlesScoreAboveFloors) {
  SetScore persons, countries;
  int articles = 0;
  for (const nlohmann::json& label : Labels("english")) {
    const std::string file = label.value("file", "");
    const core::Article a =
        ReadAndExtract(std::string(NEWSDEX_SOURCE_DIR) + "/tests/english/" + file);
    ++articles;
    EXPECT_EQ(a.language, "en") << file;
    // Every difference, to read when a floor fails.
    const std::vector<std::string> diff = AddScores(label, a, &persons, &countries);
    if (!diff.empty()) std::printf("%s persons: %s\n", file.c_str(), absl::StrJoin(diff, " ").c_str());
  }
  EXPECT_EQ(articles, 33);
  std::printf("persons P %.3f R %.3f F1 %.3f; countries P %.3f R %.3f F1 %.3f\n", persons.P(),
              persons.R(), persons.F1(), countries.P(), countries.R(), countries.F1());
  // Measured (33 articles): persons P 0.990 R 0.990; countries P 0.966 R 0.988.
  EXPECT_GE(persons.P(), 0.97);
  EXPECT_GE(persons.R(), 0.97);
  EXPECT_GE(persons.F1(), 0.97);
  EXPECT_GE(countries.P(), 0.93);
  EXPECT_GE(countries.R(), 0.95);
}

// tests/unseen: articles in seven languages written after the rules and never
// tuned on (its README). Language and publication date must be exact; the
// countries and persons scores must not fall below the first run of the set
// as it is (countries F1 0.972, persons F1 0.893 over 73 articles: session 12
// moved ten out and added batches f, g and h, tests/unseen/README.md): a drop
// is a regression, and a rise must not come from a rule written for these
// articles.
TEST(EnglishExtractionTest, UnseenArticlesKeepTheirFirstScores) {
  SetScore persons, countries;
  int articles = 0;
  for (const nlohmann::json& label : Labels("unseen")) {
    const std::string file = label.value("file", "");
    const core::Article a =
        ReadAndExtract(std::string(NEWSDEX_SOURCE_DIR) + "/tests/unseen/" + file);
    ++articles;
    EXPECT_EQ(a.language, label.value("language", "")) << file;
    const std::string date = label["date"].is_string() ? label["date"].get<std::string>() : "";
    EXPECT_EQ(a.date ? core::FormatIsoDate(*a.date) : "", date) << file;
    AddScores(label, a, &persons, &countries);
  }
  EXPECT_EQ(articles, 73);
  std::printf("unseen: persons F1 %.3f; countries F1 %.3f\n", persons.F1(), countries.F1());
  EXPECT_GE(countries.F1(), 0.96);
  EXPECT_GE(persons.F1(), 0.885);
}

// Persons of one body, as FacetExtractor gives them (canonical names).
std::vector<std::string> PersonsOf(const std::string& body) {
  core::Article a;
  a.body = body;
  a.language = "en";
  Extractor().Extract(&a, TestAnalyzer());
  std::vector<std::string> out;
  for (const core::ActorFacet& f : a.actors) out.push_back(f.name);
  return out;
}

// Texts written for this test; the persons are invented.
TEST(EnglishExtractionTest, PersonsInContext) {
  const struct {
    const char* body;
    std::vector<std::string> want;
  } kCases[] = {
      // A peer or royal keeps the title by which they are known.
      {"Lord Pellingham said the courts were slow. Lord Pellingham added more.",
       {"Lord Pellingham"}},
      {"Baroness Trewin and the minister spoke.", {"Baroness Trewin"}},
      {"Queen Elizabeth's horses were shown.", {"Queen Elizabeth"}},
      // A peer's surname resolves to the full name the article gave.
      {"Alan Brackley founded the firm. Lord Brackley said he would stay.", {"Alan Brackley"}},
      // "Prince Faisal" after "Crown Prince Faisal bin Tariq" is the same man.
      {"Crown Prince Faisal bin Tariq met envoys. Prince Faisal called for calm.",
       {"Faisal bin Tariq"}},
      // Organisations named like persons, by cue or by list.
      {"The accounting firm Hartley Bromwich was fined. Hartley Bromwich said it would appeal.",
       {}},
      {"The Institute for Fiscal Studies said taxes would rise.", {}},
      {"Goldman Sachs and Lazard advised the board.", {}},
      {"Dunmore Keats and Pollard Vane, which compete for clients, will merge.", {}},
      {"The Lib Dems said the plan was unfair. Probation Officers said caseloads grew.", {}},
      // A founder stays a person beside the firm named after him.
      {"Ivan Treloar said he would pay. Ivan Treloar and Co will repay its notes.",
       {"Ivan Treloar"}},
      // A given name and a surname that is also a place: a person when the
      // surname also stands alone.
      {"Lewis Hamilton won in the rain. Hamilton said the car was fast.", {"Lewis Hamilton"}},
      // A particle joined to the surname is part of it.
      {"Egypt's President Abdel Fattah al-Sisi attended.", {"Abdel Fattah el-Sisi"}},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(absl::StrJoin(PersonsOf(c.body), "|"), absl::StrJoin(c.want, "|")) << c.body;
  }
}

}  // namespace
}  // namespace newsdex::indexer

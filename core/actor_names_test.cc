#include "core/actor_names.h"

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

namespace newsdex::core {
namespace {

constexpr char kActors[] =
    "# name\tcountry\trole\taliases\tperiods\n"
    "Ali Khamenei\tir\tSupreme Leader of Iran\tAyatollah Ali Khamenei|Ayatollah Khamenei|"
    "Khamenei\t19811013-19890803|19890604-\n"
    "Donald Trump\tus\tPresident of the United States\tDonald J. Trump|Trump\t20170120-20210120|"
    "20250120-\n"
    "James Baker\tus\tgovernment\tJames A. Baker\t19810120-19850204\n"
    "Howard Baker\tus\tgovernment\t\t19870227-19880701\n";
constexpr char kCues[] = "title\tpresident\ntitle\tayatollah\ntitle\tsupreme\n";

std::unique_ptr<ActorNames> MustLoad() {
  auto names = ActorNames::FromContents(kActors, kCues, "actors.tsv");
  EXPECT_TRUE(names.ok()) << names.status();
  return std::move(*names);
}

std::string ResolveFirst(const ActorNames& names, Analyzer& analyzer, absl::string_view q) {
  std::vector<ActorId> ids = names.Resolve(q, analyzer);
  return ids.empty() ? std::string("<none>") : names.actor(ids[0]).name;
}

TEST(ActorNamesTest, ResolvesAliasesCaseAndAccentInsensitively) {
  auto names = MustLoad();
  auto analyzer = Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  const struct {
    const char* query;
    const char* want;
  } kCases[] = {
      {"khamenei", "Ali Khamenei"},
      {"Ayatollah Khamenei", "Ali Khamenei"},
      {"Khāmeneī", "Ali Khamenei"},
      {"ali khamenei", "Ali Khamenei"},
      {"ALI KHAMENEI", "Ali Khamenei"},
      {"Supreme Ayatollah Ali Khamenei", "Ali Khamenei"},
      {"President Trump", "Donald Trump"},
      {"donald j. trump", "Donald Trump"},
      {"James A. Baker", "James Baker"},
      {"Netanyahu", "<none>"},
      {"", "<none>"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(ResolveFirst(*names, **analyzer, c.query), c.want) << c.query;
  }
}

TEST(ActorNamesTest, BareSurnameListsEveryBearerMostRecentFirst) {
  auto names = MustLoad();
  auto analyzer = Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  std::vector<ActorId> ids = names->Resolve("baker", **analyzer);
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(names->actor(ids[0]).name, "Howard Baker");
  EXPECT_EQ(names->actor(ids[1]).name, "James Baker");
}

TEST(ActorNamesTest, CompletesPrefixesOfAnyNameWord) {
  auto names = MustLoad();
  auto analyzer = Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  const struct {
    const char* prefix;
    std::vector<std::string> want;
  } kCases[] = {
      {"Kham", {"Ali Khamenei"}},
      {"ali kh", {"Ali Khamenei"}},
      {"bak", {"James Baker", "Howard Baker"}},
      {"tru", {"Donald Trump"}},
      {"zzz", {}},
  };
  for (const auto& c : kCases) {
    std::vector<std::string> got;
    for (ActorId id : names->Complete(c.prefix, **analyzer, 10)) got.push_back(names->actor(id).name);
    EXPECT_EQ(got, c.want) << c.prefix;
  }
  EXPECT_EQ(names->Complete("bak", **analyzer, 1).size(), 1u);
}

TEST(ActorNamesTest, PeriodsAreParsed) {
  auto names = MustLoad();
  const ActorRecord& k = names->actor(0);
  EXPECT_TRUE(k.ActiveOn(20250824));
  EXPECT_TRUE(k.ActiveOn(19850101));
  EXPECT_FALSE(k.ActiveOn(19800101));
  EXPECT_EQ(k.country, "ir");
  EXPECT_EQ(k.role, "Supreme Leader of Iran");
}

TEST(ActorNamesTest, PeriodsAreComparedWithCivilDays) {
  auto names = MustLoad();
  const ActorRecord& howard = names->actor(3);  // 1987-02-27 .. 1988-07-01
  EXPECT_TRUE(howard.ActiveOn(absl::CivilDay(1987, 2, 27)));
  EXPECT_FALSE(howard.ActiveOn(absl::CivilDay(1987, 2, 26)));
  EXPECT_TRUE(howard.ActiveBetween(absl::CivilDay(1985, 1, 1), absl::CivilDay(1987, 2, 27)));
  EXPECT_TRUE(howard.ActiveBetween(absl::CivilDay(1988, 7, 1), absl::CivilDay(1990, 1, 1)));
  EXPECT_FALSE(howard.ActiveBetween(absl::CivilDay(1985, 1, 1), absl::CivilDay(1987, 2, 26)));
  EXPECT_FALSE(howard.ActiveBetween(absl::CivilDay(1988, 7, 2), absl::CivilDay(1990, 1, 1)));
}

TEST(ActorNamesTest, RecordKeyIsTheFoldedNameAlsoWhenNotAscii) {
  auto names = ActorNames::FromContents("Ali Khamenei\tir\t\t\t\nJörg Mühlbauer\tde\t\t\t\n", "",
                                        "actors.tsv");
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ((*names)->actor(0).key, "ali khamenei");
  EXPECT_EQ((*names)->actor(1).key, "jorg muhlbauer");
}

TEST(ActorNamesTest, ReportsFileAndLineOfBadRow) {
  auto bad = ActorNames::FromContents("# c\nA\tb\tc\td\n\nOnly two\tcols\n", "", "actors.tsv");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("actors.tsv:4:"), std::string::npos) << bad.status();
  auto bad_period = ActorNames::FromContents("A\tb\tc\td\t1999-\n", "", "x.tsv");
  ASSERT_FALSE(bad_period.ok());
  EXPECT_NE(bad_period.status().message().find("x.tsv:1: bad period"), std::string::npos);
}

TEST(ActorNamesTest, FoldAsciiKeyMatchesAnalyzer) {
  auto analyzer = Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  std::vector<std::string> inputs = {
      "Ali Khamenei", "J.D. Vance", "James A. Baker III", "O'Neill's", "powers'", "U.S.-Iran",
      "Leigh-Pemberton", "1,000 dlrs", "E3's", "x_y z", "Mr. Smith, Jr.", "  ", "a.b.c. d.",
      "Rock'n'roll 3.5 1'000",
      // One plain word (FoldAsciiKey's fast path), and one too long for it.
      "Reagan", "REAGAN", "said", "McDonald", "G7", "1987", "3rd", "x",
      std::string(kMaxWordBytes, 'B'), std::string(kMaxWordBytes + 1, 'B')};
  // Every name and alias of the real dictionary too.
  std::ifstream in(std::string(NEWSDEX_SOURCE_DIR) + "/data/actors.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream cols(line);
    std::string name, country, role, aliases;
    std::getline(cols, name, '\t');
    std::getline(cols, country, '\t');
    std::getline(cols, role, '\t');
    std::getline(cols, aliases, '\t');
    inputs.push_back(name);
    std::istringstream as(aliases);
    for (std::string a; std::getline(as, a, '|');) inputs.push_back(a);
  }
  int checked = 0;
  for (const std::string& s : inputs) {
    std::string fast;
    if (!FoldAsciiKey(s, &fast)) continue;
    ++checked;
    ASSERT_EQ(fast, (*analyzer)->FoldKey(s)) << s;
  }
  EXPECT_GT(checked, 10);
}

TEST(ActorNamesTest, LoadsShippedDictionary) {
  auto names = ActorNames::Load(std::string(NEWSDEX_SOURCE_DIR) + "/data");
  ASSERT_TRUE(names.ok()) << names.status();
  auto analyzer = Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  EXPECT_EQ(ResolveFirst(**names, **analyzer, "Khāmeneī"), "Ali Khamenei");
  EXPECT_EQ(ResolveFirst(**names, **analyzer, "Ayatollah Khamenei"), "Ali Khamenei");
  EXPECT_EQ(ResolveFirst(**names, **analyzer, "President Donald Trump"), "Donald Trump");
  EXPECT_EQ(ActorNames::Load("/nonexistent").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace newsdex::core

#include "core/country_names.h"

#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace newsdex::core {
namespace {

const CountryNames& Names() {
  static const CountryNames* names = [] {
    auto loaded = CountryNames::Load(std::string(NEWSDEX_SOURCE_DIR) + "/data");
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? loaded->release() : nullptr;
  }();
  return *names;
}

TEST(CountryNamesTest, ResolvesWhatUsersType) {
  struct Case {
    const char* text;
    const char* key;  // nullptr: not a country
  } cases[] = {
      {"Britain", "gb"},        {"GB", "gb"},           {"gb", "gb"},
      {"United Kingdom", "gb"}, {"U.K.", "gb"},         {"UK", "gb"},
      {"british", "gb"},        {"GBR", "gb"},          {"Iran", "ir"},
      {"Iranian", "ir"},        {"U.S.", "us"},         {"USA", "us"},
      {"America", "us"},        {"Holland", "nl"},      {"Türkiye", "tr"},
      {"Turkey", "tr"},         {"Soviet Union", "su"}, {"USSR", "su"},
      {"West Germany", "wg"},   {"East Germany", "dd"}, {"Yugoslavia", "yu"},
      {"Czechoslovakia", "cs"}, {"Zaire", "zr"},        {"Burma", "bu"},
      {"Myanmar", "mm"},        {"Korea", "kr"},        {"North Korea", "kp"},
      {"Ivory Coast", "ci"},    {"Côte d'Ivoire", "ci"}, {"Papua New Guinea", "pg"},
      {"United Nations", nullptr}, {"UN", nullptr},     {"European Union", nullptr},
      {"Atlantis", nullptr},    {"", nullptr},          {"Republican", nullptr},
  };
  for (const Case& c : cases) {
    std::optional<std::string> got = Names().Resolve(c.text);
    if (c.key == nullptr) {
      EXPECT_FALSE(got.has_value()) << c.text << " -> " << got.value_or("");
    } else {
      EXPECT_EQ(got.value_or("(none)"), c.key) << c.text;
    }
  }
}

// Names in other languages resolve too, after every English one: from our
// word lists, mledoze's translations and ICU's display names.
TEST(CountryNamesTest, ResolvesNamesOfOtherLanguages) {
  struct Case {
    const char* text;
    const char* key;
  } cases[] = {
      {"Allemagne", "de"},   {"espagnole", "es"}, {"Duitsland", "de"}, {"Turchia", "tr"},
      {"brasilianischen", "br"}, {"greci", "gr"}, {"Estados Unidos", "us"},
      {"Japon", "jp"},       {"Nations unies", nullptr},
  };
  for (const Case& c : cases) {
    std::optional<std::string> got = Names().Resolve(c.text);
    if (c.key == nullptr) {
      EXPECT_FALSE(got.has_value()) << c.text << " -> " << got.value_or("");
    } else {
      EXPECT_EQ(got.value_or("(none)"), c.key) << c.text;
    }
  }
  // Each alias of another language says which one.
  bool espagne = false;
  for (const CountryAlias& a : Names().aliases()) {
    if (a.text == "Espagne") espagne = a.language == "fr" && a.candidates[0].key == "es";
  }
  EXPECT_TRUE(espagne);
}

TEST(CountryNamesTest, DisplayNamesAndHistoricalFlag) {
  EXPECT_EQ(Names().DisplayName("ir"), "Iran");
  EXPECT_EQ(Names().DisplayName("gb"), "United Kingdom");
  EXPECT_EQ(Names().DisplayName("wg"), "West Germany");
  EXPECT_EQ(Names().DisplayName("xx"), "");
  ASSERT_NE(Names().Find("su"), nullptr);
  EXPECT_TRUE(Names().Find("su")->historical);
  EXPECT_FALSE(Names().Find("ru")->historical);
}

TEST(CountryNamesTest, SuccessionDependsOnPublicationDate) {
  EXPECT_EQ(Names().ApplySuccession("ru", absl::CivilDay(1987, 3, 1)), "su");
  EXPECT_EQ(Names().ApplySuccession("ru", absl::CivilDay(2020, 3, 1)), "ru");
  EXPECT_EQ(Names().ApplySuccession("de", absl::CivilDay(1987, 3, 1)), "wg");
  EXPECT_EQ(Names().ApplySuccession("de", absl::CivilDay(1991, 1, 1)), "de");
  EXPECT_EQ(Names().ApplySuccession("ru", std::nullopt), "ru");
  EXPECT_EQ(Names().ApplySuccession("fr", absl::CivilDay(1987, 3, 1)), "fr");
}

TEST(CountryNamesTest, ReportsFileAndLineOfBadRow) {
  const std::string dir = ::testing::TempDir() + "/country_names_bad";
  std::string mkdir = "mkdir -p " + dir;
  ASSERT_EQ(std::system(mkdir.c_str()), 0);
  std::ofstream(dir + "/country_extra.tsv") << "# comment\nalias\tXX1\tFoo\t\n";
  std::ofstream(dir + "/countries.tsv") << "fr\tFrance\tFRA\t0\tFrance\n";
  auto loaded = CountryNames::Load(dir);
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(loaded.status().message().find("country_extra.tsv:2"), std::string::npos)
      << loaded.status();
}

TEST(CountryNamesTest, MissingFileIsNotFound) {
  auto loaded = CountryNames::Load("/nonexistent-newsdex-dir");
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace newsdex::core

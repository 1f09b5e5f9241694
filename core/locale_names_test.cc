#include "core/locale_names.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace newsdex::core {
namespace {

TEST(LocaleNamesTest, CountryNamesInEachLanguage) {
  struct Case {
    const char* key;
    const char* language;
    const char* want;
  } cases[] = {
      {"es", "fr", "Espagne"},       {"jp", "fr", "Japon"},
      {"tr", "it", "Turchia"},       {"de", "nl", "Duitsland"},
      {"US", "de", "Vereinigte Staaten"}, {"br", "pt", "Brasil"},
      {"zz", "fr", "région indéterminée"},  // ICU's own name for "unknown"
      {"qq", "fr", ""},                     // no name: ICU echoes the code
  };
  for (const Case& c : cases) {
    EXPECT_EQ(LocaleCountryName(c.key, c.language), c.want) << c.key << " " << c.language;
  }
}

TEST(LocaleNamesTest, DateNamesOfALanguage) {
  absl::StatusOr<LocaleDateNames> fr = DateNamesFor("fr");
  ASSERT_TRUE(fr.ok()) << fr.status();
  const std::vector<std::string>& february = fr->months[1];
  EXPECT_NE(std::find(february.begin(), february.end(), "février"), february.end());
  const std::vector<std::string>& feb = fr->abbreviations[1];
  EXPECT_NE(std::find(feb.begin(), feb.end(), "févr"), feb.end());  // no final dot
  EXPECT_EQ(fr->weekdays[0], "lundi");
  EXPECT_EQ(fr->weekdays[6], "dimanche");
  bool yesterday = false;
  for (const auto& [offset, word] : fr->relative_days) yesterday |= offset == -1 && word == "hier";
  EXPECT_TRUE(yesterday);

  absl::StatusOr<LocaleDateNames> pt = DateNamesFor("pt");
  ASSERT_TRUE(pt.ok()) << pt.status();
  EXPECT_EQ(pt->weekdays[0], "segunda-feira");
}

// Regional variants' own month names belong to the language.
TEST(LocaleNamesTest, MonthNamesOfRegionalVariants) {
  struct Case {
    const char* language;
    int month;  // 0 = January
    const char* name;
  } cases[] = {{"de", 0, "Jänner"}, {"de", 0, "Januar"}, {"es", 8, "setiembre"},
               {"es", 8, "septiembre"}};
  for (const Case& c : cases) {
    absl::StatusOr<LocaleDateNames> names = DateNamesFor(c.language);
    ASSERT_TRUE(names.ok()) << names.status();
    const std::vector<std::string>& month = names->months[c.month];
    EXPECT_NE(std::find(month.begin(), month.end(), c.name), month.end()) << c.name;
  }
}

TEST(LocaleNamesTest, LanguageWithoutDataIsAnError) {
  absl::StatusOr<LocaleDateNames> names = DateNamesFor("xx");
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(names.status().message().find("\"xx\""), std::string::npos) << names.status();
}

}  // namespace
}  // namespace newsdex::core

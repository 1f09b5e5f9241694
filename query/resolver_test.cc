#include "query/resolver.h"

#include <cstdlib>
#include <filesystem>

#include "gtest/gtest.h"

namespace newsdex::query {
namespace {

TEST(DefaultFacetResolverTest, FoldsLikeTheIndexer) {
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  DefaultFacetResolver r;
  struct Case {
    FacetField field;
    const char* text;
    const char* key;
  };
  const Case kCases[] = {
      {FacetField::kCountry, " GB ", "gb"},
      {FacetField::kAbout, "IR", "ir"},
      {FacetField::kActor, "Ali KHĀMENEĪ", "ali khamenei"},
      {FacetField::kSource, "Reuters Wire", "reuters-wire"},
      {FacetField::kLanguage, "EN", "en"},
      {FacetField::kLanguage, "en-GB", "en"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(r.Resolve(c.field, c.text, **analyzer), c.key) << c.text;
  }
  EXPECT_EQ(r.DisplayName(FacetField::kCountry, "gb"), "GB");
  EXPECT_EQ(r.DisplayName(FacetField::kActor, "ali khamenei"), "Ali Khamenei");
  EXPECT_EQ(r.DisplayName(FacetField::kSource, "reuters"), "reuters");
}

TEST(FacetFieldTest, NamesRoundTrip) {
  for (FacetField f : {FacetField::kActor, FacetField::kCountry, FacetField::kAbout,
                       FacetField::kLanguage, FacetField::kSource, FacetField::kDate}) {
    FacetField back;
    ASSERT_TRUE(ParseFacetField(FacetFieldName(f), &back));
    EXPECT_EQ(back, f);
  }
  FacetField unused;
  EXPECT_FALSE(ParseFacetField("people", &unused));
}

// The gazetteer-backed resolver reads data/ from the source tree.
TEST(MakeFacetResolverTest, ResolvesNamesWhenTheGazetteersAreBuilt) {
  const std::filesystem::path data = std::filesystem::path(NEWSDEX_SOURCE_DIR) / "data";
  if (!std::filesystem::exists(data / "countries.tsv") ||
      !std::filesystem::exists(data / "actors.tsv")) {
    GTEST_SKIP() << "data/countries.tsv or data/actors.tsv not built yet";
  }
  auto analyzer = core::Analyzer::Create();
  ASSERT_TRUE(analyzer.ok());
  std::shared_ptr<const FacetResolver> r = MakeFacetResolver();
  EXPECT_EQ(r->Resolve(FacetField::kCountry, "Britain", **analyzer), "gb");
  EXPECT_EQ(r->Resolve(FacetField::kCountry, "GB", **analyzer), "gb");
  EXPECT_EQ(r->DisplayName(FacetField::kCountry, "ir"), "Iran");
  EXPECT_EQ(r->Resolve(FacetField::kActor, "Khamenei", **analyzer), "ali khamenei");
  EXPECT_EQ(r->DisplayName(FacetField::kActor, "ali khamenei"), "Ali Khamenei");
  // Unknown names still fold.
  EXPECT_EQ(r->Resolve(FacetField::kActor, "Zzyzx Qwerty", **analyzer), "zzyzx qwerty");
}

}  // namespace
}  // namespace newsdex::query

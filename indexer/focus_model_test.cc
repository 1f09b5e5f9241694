#include "indexer/focus_model.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace newsdex::indexer {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / name).string();
}

// A model file: threshold and bias rows, then one row per feature name with
// weight 0.5, except that `skip` is left out; `extra` is appended.
std::string ModelText(const std::string& skip = "", const std::string& extra = "") {
  std::string text = "# test model\nthreshold\t0.4\nbias\t-1\n";
  for (absl::string_view name : FocusFeatureNames()) {
    if (name != skip) absl::StrAppend(&text, name, "\t0.5\n");
  }
  return text + extra;
}

absl::StatusOr<FocusModel> LoadText(const std::string& name, const std::string& text) {
  const std::string path = TempPath(name);
  std::ofstream(path) << text;
  return FocusModel::Load(path);
}

TEST(FocusFeaturesTest, NamesAreUniqueAndValuesBounded) {
  absl::flat_hash_set<absl::string_view> names(FocusFeatureNames().begin(),
                                               FocusFeatureNames().end());
  EXPECT_EQ(names.size(), kFocusFeatureCount);
  CountryEvidence country;
  country.mentions = 3;
  country.by_kind[static_cast<size_t>(MentionKind::kName)] = 2;
  country.by_kind[static_cast<size_t>(MentionKind::kCapital)] = 1;
  country.in_lead = true;
  country.first_body_position = 0.1f;
  ArticleEvidence article;
  article.countries = 2;
  article.mentions = 4;
  article.max_mentions = 3;
  article.body_bytes = 2000;
  const FocusFeatureVector f = FocusFeatures(country, article);
  for (size_t i = 0; i < kFocusFeatureCount; ++i) {
    EXPECT_GE(f[i], 0.0f) << FocusFeatureNames()[i];
    EXPECT_LE(f[i], 2.0f) << FocusFeatureNames()[i];
  }
  const auto feature = [&](absl::string_view name) {
    for (size_t i = 0; i < kFocusFeatureCount; ++i) {
      if (FocusFeatureNames()[i] == name) return f[i];
    }
    ADD_FAILURE() << "no feature " << name;
    return -1.0f;
  };
  EXPECT_FLOAT_EQ(feature("mention_share"), 0.75f);
  EXPECT_EQ(feature("most_mentioned"), 1.0f);
  EXPECT_EQ(feature("name_and_place"), 1.0f);
  EXPECT_EQ(feature("in_title"), 0.0f);
  EXPECT_EQ(feature("not_in_body"), 0.0f);
}

TEST(FocusModelTest, SaveAndLoadKeepTheDecision) {
  FocusFeatureVector weights;
  for (size_t i = 0; i < kFocusFeatureCount; ++i) weights[i] = 0.1f * static_cast<float>(i) - 1;
  const FocusModel model(weights, 0.25, 0.3);
  const std::string path = TempPath("focus_roundtrip.txt");
  ASSERT_TRUE(model.Save(path, "line one\nline two").ok());
  absl::StatusOr<FocusModel> loaded = FocusModel::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  FocusFeatureVector x;
  for (size_t i = 0; i < kFocusFeatureCount; ++i) x[i] = (i % 3) * 0.5f;
  EXPECT_NEAR(loaded->Probability(x), model.Probability(x), 1e-7);
  EXPECT_DOUBLE_EQ(loaded->threshold(), 0.3);
  // IsFocus compares margins: the same as the probability against the threshold.
  for (double bias : {-3.0, -0.5, 0.0, 0.8, 2.0}) {
    const FocusModel m(weights, bias, 0.3);
    EXPECT_EQ(m.IsFocus(x), m.Probability(x) >= 0.3) << bias;
  }
}

TEST(FocusModelTest, LoadRejectsBadFilesNamingFileAndLine) {
  const std::string first(FocusFeatureNames()[0]);
  // ModelText's lines: a comment, threshold, bias, the features, then `extra`.
  const std::string extra_line = absl::StrCat(":", kFocusFeatureCount + 4, ": ");
  struct Case {
    const char* name;
    std::string text;
    std::string message;  // part of the error
  } cases[] = {
      {"missing_feature", ModelText(first), "no weight for feature"},
      {"unknown_feature", ModelText("", "colour\t1\n"), extra_line + "unknown feature \"colour\""},
      {"repeated_feature", ModelText("", first + "\t1\n"), "given twice"},
      {"bad_number", ModelText("", "bias\tlots\n"), "finite number"},
      {"bad_threshold", "threshold\t1.5\n", ":1: threshold must be between 0 and 1"},
      {"no_tab", ModelText("", "bias 1\n"), extra_line + "expected a name, a tab"},
      {"no_bias", "threshold\t0.5\n" + ModelText().substr(ModelText().find("bias\t-1\n") + 8),
       "needs a bias and a threshold"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<FocusModel> m = LoadText(absl::StrCat("focus_", c.name, ".txt"), c.text);
    ASSERT_FALSE(m.ok()) << c.name;
    EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(m.status().message().find(c.message), std::string::npos)
        << c.name << ": " << m.status();
    EXPECT_NE(m.status().message().find("focus_"), std::string::npos) << m.status();
  }
  absl::StatusOr<FocusModel> missing = FocusModel::Load(TempPath("no_such_focus_model.txt"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
}

// The committed model loads: it was trained for the current feature list.
TEST(FocusModelTest, CommittedModelLoads) {
  const std::string path = std::string(NEWSDEX_SOURCE_DIR) + "/data/focus_model.txt";
  absl::StatusOr<FocusModel> m = FocusModel::Load(path);
  ASSERT_TRUE(m.ok()) << m.status() << " (retrain: see data/README.md)";
  EXPECT_GT(m->threshold(), 0.0);
  EXPECT_LT(m->threshold(), 1.0);
}

}  // namespace
}  // namespace newsdex::indexer

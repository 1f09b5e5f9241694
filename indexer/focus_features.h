// Focus features: what the country extractor knows about one country an
// article refers to, as the numbers the focus model (focus_model.h) weighs.
//
// One code path: CountryExtractor::Extract gathers a CountryEvidence per
// country and calls FocusFeatures at index time, and tools/train_focus gets
// the very same vectors from Extract (its `candidates` output) to train on, so
// training and indexing cannot drift apart. The model file names each weight
// by FocusFeatureNames(), so adding, removing or reordering a feature makes
// the committed model fail to load instead of silently misweighing; retrain
// with tools/train_focus (command in data/README.md) after such a change.
#ifndef NEWSDEX_INDEXER_FOCUS_FEATURES_H_
#define NEWSDEX_INDEXER_FOCUS_FEATURES_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace newsdex::indexer {

// How a mention names its country.
enum class MentionKind : uint8_t {
  kName,     // "Lebanon", "U.S.", "Britain"
  kDemonym,  // "Lebanese", "French" (an alias shaped like one: see country_extractor.cc)
  kCapital,  // a capital or a city given as an alias of the country ("Beirut", "Kremlin")
  kPlace,    // another city, a state or a region ("Houston", "Texas", "Paris, Texas")
};
inline constexpr size_t kMentionKinds = 4;

// One country's mentions in one article (mentions the extractor counts: not
// evidence-only words, not unsupported weak matches).
struct CountryEvidence {
  int mentions = 0;                             // in all zones
  std::array<int, kMentionKinds> by_kind = {};  // outside the dateline
  // Mentions right beside another country's ("U.S.-Japan", "Britain and
  // France", "France, Italy").
  int beside_other = 0;
  bool in_title = false;
  bool in_dateline = false;  // the dateline's place is in this country
  bool in_lead = false;      // the first sentence of the body
  bool in_second_sentence = false;
  // Byte offset of the first body mention over the body's size; 1 if none.
  float first_body_position = 1;
};

// What the article as a whole has.
struct ArticleEvidence {
  int countries = 0;      // countries with a CountryEvidence
  int mentions = 0;       // their mentions, summed
  int max_mentions = 0;   // the most any one has
  bool dateline_country = false;  // the dateline names a place in some country
  bool dateline = false;          // the article has a dateline at all
  size_t body_bytes = 0;
  // Body tokens that start with a digit, over all body tokens: tables of
  // prices and volumes name exchanges and cities but are about no country.
  float numeric_share = 0;
};

inline constexpr size_t kFocusFeatureCount = 27;
using FocusFeatureVector = std::array<float, kFocusFeatureCount>;

// The features' names, in FocusFeatures' order: the keys of the model file.
const std::array<absl::string_view, kFocusFeatureCount>& FocusFeatureNames();

// The features of one country of an article. Values are in [0, 1] or small
// logarithms, so that one L2 penalty suits them all.
FocusFeatureVector FocusFeatures(const CountryEvidence& country, const ArticleEvidence& article);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_FOCUS_FEATURES_H_

#include "indexer/focus_features.h"

#include <algorithm>
#include <cmath>

namespace newsdex::indexer {

const std::array<absl::string_view, kFocusFeatureCount>& FocusFeatureNames() {
  static constexpr std::array<absl::string_view, kFocusFeatureCount> kNames = {
      "log_mentions",     "mention_share",    "most_mentioned", "mentions_over_most",
      "mentions_2plus",   "mentions_3plus",   "in_title",       "in_dateline",
      "other_dateline",   "in_lead",          "in_second_sentence",
      "first_body_position", "not_in_body",   "has_name",       "has_demonym",
      "has_capital",      "has_place",        "name_and_place", "place_only",
      "beside_share",     "all_beside",       "only_country",   "log_countries",
      "title_only",       "log_body_kb",      "no_dateline",    "numeric_share",
  };
  return kNames;
}

FocusFeatureVector FocusFeatures(const CountryEvidence& country, const ArticleEvidence& article) {
  const auto flag = [](bool b) { return b ? 1.0f : 0.0f; };
  const float mentions = static_cast<float>(country.mentions);
  const auto& kinds = country.by_kind;
  const bool named = kinds[static_cast<size_t>(MentionKind::kName)] > 0 ||
                     kinds[static_cast<size_t>(MentionKind::kDemonym)] > 0;
  const bool placed = kinds[static_cast<size_t>(MentionKind::kCapital)] > 0 ||
                      kinds[static_cast<size_t>(MentionKind::kPlace)] > 0;
  const auto has = [&](MentionKind k) { return flag(kinds[static_cast<size_t>(k)] > 0); };
  const float beside = country.mentions > 0 ? country.beside_other / mentions : 0.0f;
  FocusFeatureVector f = {
      std::log1p(mentions),
      article.mentions > 0 ? mentions / static_cast<float>(article.mentions) : 0.0f,
      flag(country.mentions == article.max_mentions),
      article.max_mentions > 0 ? mentions / static_cast<float>(article.max_mentions) : 0.0f,
      flag(country.mentions >= 2),
      flag(country.mentions >= 3),
      flag(country.in_title),
      flag(country.in_dateline),
      flag(article.dateline_country && !country.in_dateline),
      flag(country.in_lead),
      flag(country.in_second_sentence),
      std::clamp(country.first_body_position, 0.0f, 1.0f),
      flag(country.first_body_position >= 1.0f),
      has(MentionKind::kName),
      has(MentionKind::kDemonym),
      has(MentionKind::kCapital),
      has(MentionKind::kPlace),
      flag(named && placed),
      flag(placed && !named),
      beside,
      flag(country.mentions > 0 && country.beside_other == country.mentions),
      flag(article.countries == 1),
      std::log1p(static_cast<float>(std::max(article.countries - 1, 0))),
      flag(country.in_title && country.mentions == 1),
      std::log1p(static_cast<float>(article.body_bytes) / 1000.0f),
      flag(!article.dateline),
      std::clamp(article.numeric_share, 0.0f, 1.0f),
  };
  return f;
}

}  // namespace newsdex::indexer

// Country facet extraction: finds every country an article refers to (names,
// short forms, demonyms, capitals and large cities, US/Canadian states, the
// dateline), resolves ambiguous names from context and the publication date,
// and marks the countries the article is about (focus) by the learned focus
// model (focus_model.h) over each country's features (focus_features.h).
//
// Matching runs over the analyzer's tokens (the same folding as the index),
// looking up token n-grams in one hash table built at load time from
// core::CountryNames and data/places.tsv; longest match first. Case is checked
// on the original text ("us" is not "US", "turkey" is not "Turkey").
//
// Thread safety: a loaded CountryExtractor is immutable; Extract is const and
// may run in many threads at once, each with its own Analyzer.
#ifndef NEWSDEX_INDEXER_COUNTRY_EXTRACTOR_H_
#define NEWSDEX_INDEXER_COUNTRY_EXTRACTOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "core/analyzer.h"
#include "core/article.h"
#include "core/country_names.h"
#include "indexer/focus_features.h"
#include "indexer/language_words.h"

namespace newsdex::indexer {

// One piece of an article's text with its tokens.
struct TextZone {
  enum Kind { kTitle, kDateline, kBody };
  Kind kind = kBody;
  absl::string_view text;
  std::vector<core::Token> tokens;
  // Most letters are capitals (Reuters titles, datelines): case says nothing.
  bool all_caps = false;
  // Byte offsets in `text` where the lead (first sentence) and the second
  // sentence end; body only.
  size_t lead_end = 0;
  size_t second_sentence_end = 0;
  // The words of the article's language; nullptr for English (and languages
  // without an entry in data/language_words.tsv), which use English rules only.
  const LanguageWords* language = nullptr;
};

// Fills zone->all_caps and zone->lead_end from zone->text.
void AnalyzeZoneText(TextZone* zone);

// A country an article refers to and its focus features (training data for
// the focus model: tools/train_focus).
struct FocusCandidate {
  std::string key;
  FocusFeatureVector features;
};

class FocusModel;

class CountryExtractor {
 public:
  // Loads the country names (core::CountryNames::Load), places.tsv,
  // country_cues.tsv, the focus model (focus_model.h) and, unless `languages` is given (FacetExtractor shares
  // them with the other extractors), language_words.tsv from `data_dir`.
  // Errors name the file and line.
  static absl::StatusOr<std::unique_ptr<CountryExtractor>> Load(
      const std::string& data_dir, std::shared_ptr<const LanguageWordTable> languages = nullptr);
  ~CountryExtractor();

  // Countries referred to by the zones (title, dateline, body; tokens filled),
  // with mentions and focus, for an article published on `date` (nullopt:
  // unknown; historical keys are then not chosen). Sorted by key. The focus
  // is the model's decision over FocusFeatures; `candidates`, if given,
  // receives each country's features in the same order.
  std::vector<core::CountryFacet> Extract(const std::vector<TextZone>& zones,
                                          std::optional<absl::CivilDay> date,
                                          std::vector<FocusCandidate>* candidates = nullptr) const;

  // For debugging and tests: each accepted match as "surface=key" in text
  // order ("U.S.=us", "PORTLAND, Ore.=us"); evidence words end in "?".
  std::vector<std::string> Explain(const std::vector<TextZone>& zones,
                                   std::optional<absl::CivilDay> date) const;

  const core::CountryNames& names() const { return *names_; }
  const LanguageWordTable& languages() const { return *languages_; }

 private:
  CountryExtractor() = default;
  struct Phrase;
  struct Match;
  struct Span;
  enum class Outcome : uint8_t;
  // The phrases of one language other than English.
  struct LanguagePhrases {
    absl::flat_hash_map<std::string, uint32_t> index;
    absl::flat_hash_map<std::string, uint8_t> first_tokens;
  };
  absl::Status LoadPlaces(const std::string& path, core::Analyzer& analyzer);
  void AddAlias(const core::CountryAlias& alias, core::Analyzer& analyzer);
  // The phrases of the zone's language; nullptr for English.
  const LanguagePhrases* PhrasesFor(const TextZone& zone) const;
  // The phrase `folded` names: in `lang` first, then in the neutral table.
  const Phrase* Lookup(const LanguagePhrases* lang, absl::string_view folded) const;
  // Lookup, and failing that with a name suffix of the zone's language taken
  // off ("deutschlands"); *used is the length of the text found.
  const Phrase* LookupInflected(const TextZone& zone, const LanguagePhrases* lang,
                                absl::string_view folded, size_t* used) const;
  // The most tokens a phrase starting with `term` may have (0: none starts
  // with it).
  size_t MaxPhraseTokens(const TextZone& zone, const LanguagePhrases* lang,
                         absl::string_view term) const;
  // MaxPhraseTokens for English: the phrases that fit the case of the word.
  size_t MaxEnglishPhraseTokens(const TextZone& zone, size_t first) const;
  bool IsCueWord(absl::string_view term, uint16_t cue) const;

  // Matching one zone, left to right: at each token the longest phrase of the
  // table that fits its case and context becomes a Match.
  void MatchZone(const TextZone& zone, std::vector<Match>* out) const;
  // Matches at token `first`; appends to *out when a place is named. Returns
  // the tokens taken (0: none). `folded` is scratch space.
  size_t MatchAt(const TextZone& zone, size_t first, std::string* folded,
                 std::vector<Match>* out) const;
  // MatchAt for a zone in English (false) or in another language (true).
  template <bool kOtherLanguage>
  size_t MatchAtIn(const TextZone& zone, size_t first, std::string* folded,
                   std::vector<Match>* out) const;
  Outcome MatchAlias(const TextZone& zone, const Span& span, const Phrase& phrase,
                     absl::string_view phrase_text, Match* match, size_t* consumed) const;
  Outcome MatchPlace(const TextZone& zone, const Span& span, const Phrase& phrase,
                     absl::string_view phrase_text, Match* match, size_t* consumed) const;
  static bool IsAcronym(const TextZone& zone, const Span& span, const Phrase& phrase);
  static bool AliasFits(const TextZone& zone, const Span& span, uint8_t flags);
  bool NameWordBefore(const TextZone& zone, const Span& span) const;
  bool NameWordAfter(const TextZone& zone, const Span& span) const;
  bool InOrganisationName(const TextZone& zone, const Span& span) const;
  bool NamesALanguage(const TextZone& zone, const Span& span, const Phrase& phrase) const;
  bool InPersonsName(const TextZone& zone, const Span& span) const;
  bool ClubAfterArticle(const TextZone& zone, const Span& span) const;
  bool PlaceInOtherName(const TextZone& zone, const Span& span) const;
  // A qualifier after a place ("Paris, Texas") sets match->key and extends
  // *consumed over it.
  void Qualify(const TextZone& zone, const Span& place, bool allow_country, Match* match,
               size_t* consumed) const;
  // Resolves every match to its final key (ambiguity, succession).
  std::vector<std::string> ResolveKeys(const std::vector<Match>& matches,
                                       std::optional<absl::CivilDay> date) const;
  // The key of a match that names a place: the meaning a qualified mention of
  // the same phrase gave it, or a homonym in a country the article names.
  // Empty for an alias without a qualifier.
  static std::string PlaceKey(const Match& m,
                              const absl::flat_hash_map<std::string, std::string>& qualified,
                              const absl::flat_hash_set<std::string>& named);
  // The candidate of an ambiguous alias: the first valid on `date` with
  // evidence in the article, else the first valid, else the first.
  const std::string& CandidateKey(int32_t alias_set,
                                  const absl::flat_hash_set<std::string>& evidence,
                                  std::optional<absl::CivilDay> date) const;

  // Each country's evidence for FocusFeatures, from the matches and their keys.
  absl::flat_hash_map<std::string, CountryEvidence> GatherEvidence(
      const std::vector<Match>& matches, const std::vector<std::string>& keys,
      const std::vector<TextZone>& zones, ArticleEvidence* article) const;

  std::unique_ptr<core::CountryNames> names_;
  std::unique_ptr<const FocusModel> focus_model_;
  std::vector<std::vector<core::CountryCandidate>> candidate_sets_;
  std::vector<Phrase> phrases_;
  absl::flat_hash_map<std::string, uint32_t> phrase_index_;
  // First token of any phrase -> the most tokens a phrase starting with it has.
  absl::flat_hash_map<std::string, uint8_t> first_tokens_;
  // The same for the aliases that need no capital letter (flag X).
  absl::flat_hash_map<std::string, uint8_t> any_case_first_tokens_;
  // data/country_cues.tsv: folded word -> CueWord bits.
  absl::flat_hash_map<std::string, uint16_t> cue_words_;
  std::shared_ptr<const LanguageWordTable> languages_;
  absl::flat_hash_map<const LanguageWords*, LanguagePhrases> by_language_;
};

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_COUNTRY_EXTRACTOR_H_

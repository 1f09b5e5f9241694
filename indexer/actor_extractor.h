// Person (actor) extraction from raw article text. Finds capitalised name
// sequences, strips titles and honorifics ("Iran's Supreme Leader Ayatollah
// Ali Khamenei" -> Ali Khamenei), rejects months, weekdays, places, demonyms,
// organisations and companies, merges aliases through the actor dictionary
// (core/actor_names.h, data/actors.tsv) and resolves later surname-only
// mentions ("Khamenei") within the article. Upper-case (Reuters) and
// title-case headlines only match names that are known from the body or the
// dictionary. Persons not in the dictionary are found by given-name lists,
// title cues ("Finance Minister ...") and reporting verbs ("..., said").
// A peer or royal known by title keeps it ("Lord Woolf", "Prince Harry")
// unless the article or the dictionary gives the full name ("Prince
// Mohammed" after "Crown Prince Mohammed bin Salman"; "King Charles" is
// Charles III). Organisations named like persons are no persons: listed
// names (org_names.txt, org_name rows), names in an organisation's context
// ("the accounting firm Grant Thornton", "Institute for Fiscal Studies",
// "Clifford Chance and Slaughter and May, which") and group words
// ("Probation Officers", "Lib Dems"). Scores on our labelled English
// articles: docs/benchmarks.md, "Persons in context".
//
// Data files (data/): actors.tsv, person_cues.tsv, org_names.txt, given_names.txt,
// given_names_intl.txt, actor_places.txt, name_tokenizer_words.tsv,
// person_cues_intl.tsv, language_words.tsv; see data/README.md.
//
// An article in French, German, Spanish, Italian, Portuguese or Dutch
// (article.language) adds that language's person cues ("président",
// "Bundeskanzler", "primo ministro"), month and weekday names (German nouns:
// "Montag" is no name) and elided articles ("d'Emmanuel Macron") to the
// English rules.
//
// Thread safety: an ActorExtractor is immutable after Load; Extract is const
// and may run on many threads at once, each with its own Analyzer.
#ifndef NEWSDEX_INDEXER_ACTOR_EXTRACTOR_H_
#define NEWSDEX_INDEXER_ACTOR_EXTRACTOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/actor_names.h"
#include "core/analyzer.h"
#include "core/article.h"
#include "core/country_names.h"
#include "indexer/language_words.h"

namespace newsdex::indexer {

class ActorExtractor {
 public:
  // Loads the data files listed above from `data_dir`. Returns kNotFound
  // naming the file when one is missing, kInvalidArgument naming file and
  // line for a malformed row.
  // `languages`: the language words when already loaded (FacetExtractor
  // shares them), else read from `data_dir`.
  static absl::StatusOr<std::unique_ptr<ActorExtractor>> Load(
      const std::string& data_dir, std::shared_ptr<const LanguageWordTable> languages = nullptr);

  // Persons in title, dateline and body, each once with its mention count,
  // canonical name, and the dictionary's country (ISO alpha-2 lowercase) and
  // role when known; ordered by first mention. Uses article.date (when set) to
  // pick among dictionary persons sharing a name. `analyzer` is the caller's
  // per-thread Analyzer (used to fold non-ASCII words).
  std::vector<core::ActorFacet> Extract(const core::Article& article,
                                        core::Analyzer& analyzer) const;

  const core::ActorNames& names() const { return *names_; }

  // The classes of a folded word or phrase: bits of internal::NameWordClass
  // (indexer/internal/name_tokens.h), from the word lists of data/. For the
  // implementation's helpers; not an API.
  uint16_t Classes(absl::string_view folded) const {
    auto it = classes_.find(folded);
    return it == classes_.end() ? 0 : it->second;
  }
  const absl::flat_hash_map<std::string, uint16_t>& word_classes() const { return classes_; }
  // What `language` adds to word_classes() (nullptr: nothing).
  const absl::flat_hash_map<std::string, uint16_t>* language_classes(
      absl::string_view language) const {
    auto it = language_classes_.find(language);
    return it == language_classes_.end() ? nullptr : &it->second;
  }
  const LanguageWordTable& languages() const { return *languages_; }

  // The nouns German and Dutch write as the end of a word that names a thing
  // after a person ("Boudewijnstadion", "Koch-Institut"; person_cues_intl.tsv
  // compound_org_noun), with their lengths in bytes, for hash lookups of a
  // word's endings.
  struct CompoundHeads {
    absl::flat_hash_set<std::string> nouns;
    std::vector<size_t> lengths;  // distinct, ascending
  };
  // nullptr when `language` has none.
  const CompoundHeads* compound_heads(absl::string_view language) const {
    auto it = compound_heads_.find(language);
    return it == compound_heads_.end() ? nullptr : &it->second;
  }

  // Part of loading, before any Extract: the country names, adjectives and
  // cities of each language (the aliases of `countries` with a language) are
  // places in that language, never persons ("Regno Unito", "Stati Uniti").
  void AddLanguagePlaces(const core::CountryNames& countries, core::Analyzer& analyzer);

 private:
  ActorExtractor() = default;
  // person_cues_intl.tsv, and the month and weekday names of each language.
  absl::Status LoadLanguageClasses(const std::string& path);

  std::unique_ptr<core::ActorNames> names_;
  absl::flat_hash_map<std::string, uint16_t> classes_;
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, uint16_t>> language_classes_;
  // Per language, the title_suffix rows of person_cues_intl.tsv, sorted.
  absl::flat_hash_map<std::string, std::vector<std::string>> language_title_suffixes_;
  absl::flat_hash_map<std::string, CompoundHeads> compound_heads_;
  std::shared_ptr<const LanguageWordTable> languages_;
};

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_ACTOR_EXTRACTOR_H_

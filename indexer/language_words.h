// The words of a language other than English that the extractors need besides
// names: month and weekday names and the words for days around today (from ICU,
// core/locale_names.h), and from data/language_words.tsv the elided articles
// ("l'Espagne"), date prepositions, modifiers ("dernier", "próximo"), quantity
// words and the genitive ending of place names ("Deutschlands").
//
// English has no entry: its extractors keep their own rules, so English output
// does not depend on this file. A language gets an entry when the file lists
// it and ICU has date names for it.
//
// Thread safety: a loaded LanguageWordTable is immutable; its const methods may
// run on many threads at once. SplitElisions uses the caller's Analyzer.
#ifndef NEWSDEX_INDEXER_LANGUAGE_WORDS_H_
#define NEWSDEX_INDEXER_LANGUAGE_WORDS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/analyzer.h"

namespace newsdex::indexer {

// Kinds of data/language_words.tsv rows that classify date words (bits).
enum DateWordKind : uint16_t {
  kDatePreposition = 1 << 0,  // "en juin", "seit 2015"
  kDateLink = 1 << 1,         // "6 de setembro de 2023"
  kDaySuffix = 1 << 2,        // "1er", "1º"
  kLastBefore = 1 << 3,       // "im vergangenen Juni", "el pasado lunes"
  kLastAfter = 1 << 4,        // "mardi dernier"
  kNextBefore = 1 << 5,       // "el próximo lunes"
  kNextAfter = 1 << 6,        // "lundi prochain"
  kNounMarker = 1 << 7,       // "esta mañana": not tomorrow
  kQuantity = 1 << 8,         // "2000 personnes"
};

struct LanguageWords {
  std::string language;  // ISO 639-1
  // Month and weekday names and the words for days relative to today in the
  // article's language, as SplitElisions and the analyzer fold them, words of a
  // phrase joined by one space ("segunda feira", "pasado manana").
  absl::flat_hash_map<std::string, int> months;         // -> 1..12
  absl::flat_hash_map<std::string, int> abbreviations;  // "fevr" -> 2
  absl::flat_hash_map<std::string, int> weekdays;       // -> 0 Monday .. 6 Sunday
  absl::flat_hash_map<std::string, int> relative_days;  // "hier" -> -1
  // The most words of a weekday or relative-day phrase.
  size_t max_phrase_words = 1;
  // Month and weekday names are capitalised nouns (German): a capital letter
  // says nothing about them, and a capitalised "Morgen" is the morning.
  bool capitalized_names = false;
  absl::flat_hash_map<std::string, uint16_t> date_words;  // DateWordKind bits
  absl::flat_hash_set<std::string> elisions;              // "l", "dell"
  // Definite articles, alone or joined to a preposition ("el", "del", "no"):
  // right before a full name they make it a place named after the person.
  absl::flat_hash_set<std::string> articles;
  // Adjectives that stand between a noun and the person a thing is named
  // after ("aeropuerto internacional Jorge Chávez", "ospedale civile").
  absl::flat_hash_set<std::string> name_adjectives;
  std::vector<std::string> name_suffixes;                 // "s"

  uint16_t DateKinds(absl::string_view term) const {
    auto it = date_words.find(term);
    return it == date_words.end() ? 0 : it->second;
  }
  bool Is(absl::string_view term, uint16_t kinds) const { return (DateKinds(term) & kinds) != 0; }
};

class LanguageWordTable {
 public:
  // Reads `path` (data/language_words.tsv) and ICU's date names for each
  // language it lists. Returns kNotFound naming the file when it cannot be
  // opened, kInvalidArgument naming file and line for a bad row or a language
  // ICU has no date names for.
  static absl::StatusOr<std::unique_ptr<LanguageWordTable>> Load(const std::string& path);
  // Load(data_dir + "/language_words.tsv"), shared.
  static absl::StatusOr<std::shared_ptr<const LanguageWordTable>> LoadFromDataDir(
      const std::string& data_dir);

  // The words of `language`; nullptr for English and languages not listed.
  const LanguageWords* Find(absl::string_view language) const;
  // Every language listed, in the file's order.
  const std::vector<std::unique_ptr<LanguageWords>>& languages() const { return languages_; }

 private:
  LanguageWordTable() = default;
  std::vector<std::unique_ptr<LanguageWords>> languages_;
};

// Splits elided articles and prepositions off the tokens of `text` in place,
// for a language that has them: "l'Espagne" is tokenized "lespagne" (the
// analyzer drops the apostrophe); it becomes "espagne" with `begin` moved past
// the apostrophe. Returns true if any token changed. Tokens so changed are no
// longer those the index stores: callers keep the analyzer's own for that.
bool SplitElisions(const LanguageWords& words, absl::string_view text, core::Analyzer& analyzer,
                   std::vector<core::Token>* tokens);

// Folds a phrase as text in `words`' language is matched: the analyzer's
// terms after SplitElisions, joined by one space. `words` may be nullptr
// (then it is Analyzer::FoldKey).
std::string FoldPhrase(absl::string_view phrase, const LanguageWords* words,
                       core::Analyzer& analyzer);

// Where an elided article ends in `word` (the text of one token): the offset
// of the first byte after its apostrophe, or 0 if the word starts with none of
// `elisions` ("l'", "dell’") followed by a letter.
size_t ElisionEnd(absl::string_view word, const absl::flat_hash_set<std::string>& elisions);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_LANGUAGE_WORDS_H_

// The actor extractor's own tokenizer. Name scanning needs what the index
// analyzer (core/analyzer.h) drops: the case shape of each word, the
// punctuation between words (a comma, a sentence end) and sentence starts; and
// it keeps words whole that the analyzer would split ("Leigh-Pemberton",
// "Min-jun"). Keys are folded as Analyzer::FoldKey folds them, so they match
// the actor dictionary. Private to indexer/.
//
// Thread safety: stateless functions; the caller's Analyzer is used for
// non-ASCII words (one Analyzer per thread).
#ifndef NEWSDEX_INDEXER_INTERNAL_NAME_TOKENS_H_
#define NEWSDEX_INDEXER_INTERNAL_NAME_TOKENS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "core/analyzer.h"
#include "indexer/internal/word_lists.h"

namespace newsdex::indexer::internal {

// Classes of words for name scanning (bits): which list of data/ holds the
// word. A word may be in several.
enum NameWordClass : uint16_t {
  kGiven = 1 << 0,           // given_names.txt, given_names_intl.txt
  kPlace = 1 << 1,           // actor_places.txt
  kTitle = 1 << 2,           // person_cues.tsv, kind title (and strong_title)
  kStrongTitle = 1 << 3,     // strong_title: a lone surname after it is a person
  kVerb = 1 << 4,            // verb: reporting verbs
  kNonName = 1 << 5,         // nonname: function words, months, weekdays...
  kOrg = 1 << 6,             // org: organisation and place-type words
  kCompanySuffix = 1 << 7,   // company_suffix: "Inc", "Corp"
  kParticle = 1 << 8,        // particle: "de", "van", "al"
  kSuffix = 1 << 9,          // suffix: "Jr", "III"
  kFirstNameTitle = 1 << 10, // first_name_title: "King Fahd", "Pope John"
  kAbbreviation = 1 << 11,   // name_tokenizer_words.tsv: a dot after it ends no sentence
  kAdjectiveSuffix = 1 << 12,  // name_tokenizer_words.tsv: "Paris-based", "Soviet-era"
  kTitleSuffix = 1 << 13,  // person_cues_intl.tsv title_suffix: "Umweltministerin"
  // org_names.txt, person_cues.tsv org_name: "goldman sachs"; a one-word key
  // is an org_noun ("firm", "bank"), since no organisation name in the lists
  // is one word.
  kOrgName = 1 << 14,
  kPeerTitle = 1 << 15,    // person_cues.tsv peer_title: "Lord Woolf" is known so
};

// The case shape of a word, from its first letter and its ASCII letters.
enum class Shape : uint8_t {
  kLower,    // "said", "de"
  kCap,      // "Khamenei", "McDonald", "al-Sisi" (a particle joined to a capital)
  kUpper,    // "REAGAN", "IBM" (two letters or more, none lower case)
  kInitial,  // "J." (one capital followed by a dot)
  kOther,    // starts with a digit
};

// What separates a token from the next one.
enum class Gap : uint8_t {
  kSpace,  // blanks only (or a line break inside a paragraph)
  kComma,
  kStop,   // anything else: sentence end, quote, bracket, paragraph break
};

struct NameToken {
  uint32_t begin = 0;  // byte offsets of the raw word, possessive included
  uint32_t end = 0;
  std::string key;     // folded: "leigh pemberton" for "Leigh-Pemberton's"
  Shape shape = Shape::kOther;
  bool possessive = false;
  bool sentence_start = false;
  // An elided article was split off before it ("dell'Interno"): the word
  // before belongs to that article, not to this word.
  bool after_elision = false;
  // A Roman numeral (II to XXXIX, or V or X; never the pronoun "I") right
  // after a capitalised word: "Felipe VI", "Carl XVI Gustaf", "Davis Love
  // III". Shaped kCap, as part of the run and no acronym, and classed kSuffix:
  // the scanner keeps it when it is regnal, after a given name.
  bool numeral = false;
  Gap gap = Gap::kStop;
  uint16_t classes = 0;  // NameWordClass bits of `key`

  absl::string_view RawIn(absl::string_view text) const {
    return text.substr(begin, end - begin);
  }
  bool Is(uint16_t word_classes) const { return (classes & word_classes) != 0; }
};

// A range of tokens [begin, end).
struct TokenSpan {
  size_t begin = 0;
  size_t end = 0;
  size_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
};

// What an article's language adds to the English word lists: its own word
// classes (data/person_cues_intl.tsv; month and weekday names) and its elided
// articles, split off a capitalised word ("la visite d'Emmanuel Macron") unless
// the word before is a name too ("Giscard d'Estaing"). Empty for English.
struct NameLanguage {
  const WordClasses* classes = nullptr;
  const absl::flat_hash_set<std::string>* elisions = nullptr;
  // Endings that make a word a strong title: German compounds
  // ("Umweltministerin", "SPD-Chef") are too many to list.
  const std::vector<std::string>* title_suffixes = nullptr;
  // Definite articles that make a full name right after them a place named
  // after the person ("al Felipe Ángeles"; LanguageWords::articles).
  const absl::flat_hash_set<std::string>* articles = nullptr;
};

// True for "II" to "XXXIX", "V" and "X" (upper case): the regnal numbers of
// names; "I" alone is the pronoun far more often.
bool IsRomanNumeral(absl::string_view word);

// Splits `text` into word tokens with shapes, gaps, sentence starts and the
// classes `words` (and `language`) give their keys. ASCII words are folded
// here (as Analyzer::FoldKey folds them); other words go through `analyzer`.
// Words whose key is empty are left out. Replaces the contents of *out.
void TokenizeNames(absl::string_view text, core::Analyzer& analyzer, const WordClasses& words,
                   std::vector<NameToken>* out, const NameLanguage& language = {});

}  // namespace newsdex::indexer::internal

#endif  // NEWSDEX_INDEXER_INTERNAL_NAME_TOKENS_H_

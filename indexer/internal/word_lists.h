// Reading the extractors' word lists from data/: files of one word per line
// (given_names.txt, actor_places.txt) and "kind<TAB>word" tables
// (person_cues.tsv, name_tokenizer_words.tsv, country_cues.tsv), also per
// language ("lang<TAB>kind<TAB>word": person_cues_intl.tsv). Each word
// gets a set of bits (its classes) in one map, so a token is classified with
// one lookup. Private to indexer/.
//
// Thread safety: stateless functions, safe to call from any thread.
#ifndef NEWSDEX_INDEXER_INTERNAL_WORD_LISTS_H_
#define NEWSDEX_INDEXER_INTERNAL_WORD_LISTS_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace newsdex::indexer::internal {

// Word (as the file spells it: folded, lower case) -> bits of its classes.
using WordClasses = absl::flat_hash_map<std::string, uint16_t>;

// One kind of row of a "kind<TAB>word" table and the bits it sets.
struct WordKind {
  absl::string_view name;
  uint16_t bits;
};

// Reads `path`, one word per line (blanks around it trimmed; empty lines and
// lines starting with '#' skipped), and ORs `bits` into (*words)[word].
// Returns kNotFound naming the file when it cannot be opened.
absl::Status AddWordList(const std::string& path, uint16_t bits, WordClasses* words);

// Reads `path`, rows "kind<TAB>word" (empty lines and lines starting with '#'
// skipped), and ORs the bits of the row's kind into (*words)[word]. Returns
// kNotFound naming the file when it cannot be opened, and kInvalidArgument
// naming file and line for a row that is not two columns, has an empty word
// or a kind not in `kinds`.
absl::Status AddWordKinds(const std::string& path, absl::Span<const WordKind> kinds,
                          WordClasses* words);

// Reads `path`, rows "lang<TAB>kind<TAB>word" (data/person_cues_intl.tsv), and
// ORs the bits of the row's kind into (*by_language)[lang][fold(word)]; then
// calls row(lang, bits of the row's kind, fold(word)) if given, for a reader
// that keeps some kinds' rows apart as well. Errors as AddWordKinds.
absl::Status AddLanguageWordKinds(
    const std::string& path, absl::Span<const WordKind> kinds,
    const std::function<std::string(absl::string_view)>& fold,
    absl::flat_hash_map<std::string, WordClasses>* by_language,
    const std::function<void(absl::string_view, uint16_t, const std::string&)>& row = nullptr);

// The classes of `word`, 0 when it is in no list.
inline uint16_t ClassesOf(const WordClasses& words, absl::string_view word) {
  auto it = words.find(word);
  return it == words.end() ? 0 : it->second;
}

}  // namespace newsdex::indexer::internal

#endif  // NEWSDEX_INDEXER_INTERNAL_WORD_LISTS_H_

// The one text-analysis path of newsdex. Index time (indexer/) and query time
// (query/) both turn text into terms here, so a word typed in a query becomes
// exactly the term the indexer stored.
//
// Pipeline per token: ICU word segmentation (UAX #29 plus ICU's dictionaries
// for CJK/Thai) -> NFKC case folding -> accent folding (nonspacing marks after
// Latin, Greek or Cyrillic letters are removed) -> apostrophes: a possessive
// "'s" or trailing "'" is dropped, other apostrophes removed ("o'neill" ->
// "oneill") -> dotted single-letter acronyms lose their dots ("U.S." -> "us")
// -> digit-group commas removed ("1,000" -> "1000"). Stemming (Snowball via
// Xapian::Stem) is a separate step so callers can keep the unstemmed form.
//
// Thread safety: an Analyzer is not thread-safe (it owns an ICU BreakIterator
// and a stem cache). Use one per thread; creating one costs about a millisecond.
#ifndef NEWSDEX_CORE_ANALYZER_H_
#define NEWSDEX_CORE_ANALYZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace newsdex::core {

struct Token {
  std::string term;  // normalized, folded, unstemmed
  uint32_t begin;    // byte offsets of the word in the analysed UTF-8 text
  uint32_t end;
};

// Words longer than this (in bytes, after normalization) are not indexed.
inline constexpr size_t kMaxWordBytes = 64;

// The word rules of the pipeline that follow case and accent folding
// (possessives, apostrophes, dotted acronyms, digit-group commas, trailing
// dots, the length limit), applied in place to one folded word. Exposed so
// fast ASCII paths elsewhere (core/actor_names.cc) run the very same rules.
void ApplyWordRules(std::string* word);

class Analyzer {
 public:
  // Returns kInternal if ICU cannot create its word break iterator.
  static absl::StatusOr<std::unique_ptr<Analyzer>> Create();
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Appends the words of `text` (UTF-8; invalid bytes are treated as U+FFFD
  // and never produce terms) to `out` in order.
  void Tokenize(absl::string_view text, std::vector<Token>* out);

  // Normalizes one word as Tokenize would; empty if it is not a word.
  std::string NormalizeWord(absl::string_view word);

  // Folds a name into a canonical key: its words normalized, joined by one
  // space. "Khāmeneī" -> "khamenei", "Ali KHAMENEI" -> "ali khamenei".
  std::string FoldKey(absl::string_view text);

  // Canonical key of a source name, shared by index and query time: the
  // FoldKey with words joined by '-' ("Reuters Wire" -> "reuters-wire").
  std::string SourceKey(absl::string_view source);

  // Snowball stem of a normalized term for `language` (ISO 639-1). Languages
  // without a Snowball stemmer return the term unchanged.
  std::string Stem(absl::string_view term, absl::string_view language);

  // True if `language` has a stemmer.
  static bool HasStemmer(absl::string_view language);

 private:
  Analyzer();
  struct StemmerEntry {
    Xapian::Stem stem;
    absl::flat_hash_map<std::string, std::string> cache;
  };
  StemmerEntry* GetStemmer(absl::string_view language);

  std::unique_ptr<icu::BreakIterator> words_;
  absl::flat_hash_map<std::string, std::unique_ptr<StemmerEntry>> stemmers_;
};

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_ANALYZER_H_

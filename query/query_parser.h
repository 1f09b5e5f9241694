// The newsdex query language (docs/query-syntax.md) parsed by recursive
// descent into a Xapian::Query. Every word and phrase goes through
// core::Analyzer (Tokenize, then Stem in the query language), the same path
// the indexer used, so a typed word becomes exactly the stored term; Xapian's
// own QueryParser is not used because its word splitting disagrees with ICU.
// Field names and prefixes come from the table in core/schema.h.
//
// Thread safety: a QueryParser borrows an Analyzer (not thread-safe); use one
// per thread. The FacetResolver must outlive it.
#ifndef NEWSDEX_QUERY_QUERY_PARSER_H_
#define NEWSDEX_QUERY_QUERY_PARSER_H_

#include <cstddef>
#include <string>
#include <vector>

#include <xapian.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/analyzer.h"
#include "query/resolver.h"

namespace newsdex::query {

// Longest query accepted, in bytes; longer is kInvalidArgument.
inline constexpr size_t kMaxQueryBytes = 8192;
// Deepest nesting of parentheses accepted.
inline constexpr int kMaxQueryDepth = 64;
// A wildcard expands to at most this many terms (the most frequent ones).
inline constexpr Xapian::termcount kMaxWildcardExpansion = 500;
// NEAR and ADJ without /n allow this many words between their operands.
inline constexpr int kDefaultNearDistance = 10;

struct ParsedQuery {
  // The query; match-all (the term "") when the text has no terms at all.
  // Never Xapian::Query::MatchAll itself: that is one static object whose
  // reference count is not atomic, and every copy of it from concurrent
  // searches raced on it (newsdexd crashed under wrk -c8).
  Xapian::Query query{std::string()};
  // True if the query has no scoring part (only filters, or empty).
  bool boolean_only = true;
  // What to highlight in snippets, from positive (not negated) parts only:
  // each entry a sequence of stems that must appear consecutively (one stem
  // for a single word, several for a phrase).
  std::vector<std::vector<std::string>> highlight_phrases;
  // Normalized (unstemmed) prefixes of wildcards, for highlighting.
  std::vector<std::string> highlight_prefixes;
  // Plain words of the default field, for "did you mean": where they are in
  // the query text and the term they searched.
  struct Word {
    size_t begin = 0, end = 0;  // byte range in the query text
    std::string normalized;     // analyzer-normalized, unstemmed
    std::string term;           // stored term searched ("Z" + stem)
  };
  std::vector<Word> words;
};

class QueryParser {
 public:
  // `language` picks the stemmer for query words ("en"; "none" = no stemming).
  QueryParser(core::Analyzer& analyzer, const FacetResolver& resolver,
              std::string language);

  // Parses `text`. Returns kInvalidArgument naming the 1-based byte column for
  // syntax errors, e.g. "query:12: unbalanced parenthesis", a bad date, a field
  // without a value, an operator without operands, too deep nesting or too
  // long a query. Never crashes on any input bytes.
  absl::StatusOr<ParsedQuery> Parse(absl::string_view text);

  // Treats `text` as plain words (all operators and punctuation ignored). Never
  // fails. Used as the fallback for a query that does not parse.
  ParsedQuery ParseAsWords(absl::string_view text);

 private:
  core::Analyzer& analyzer_;
  const FacetResolver& resolver_;
  std::string language_;
};

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_QUERY_PARSER_H_

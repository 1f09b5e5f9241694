// Snippets: a window of an article body around the words a query matched,
// HTML-escaped, with the matches wrapped in <b>...</b>. The body is analysed
// with core::Analyzer (the indexer's path), so a token's stem is compared with
// the query's stems and its byte offsets map straight back to the text;
// phrases are highlighted as one span.
//
// Thread safety: the functions borrow the caller's Analyzer (one per thread).
#ifndef NEWSDEX_QUERY_SNIPPET_H_
#define NEWSDEX_QUERY_SNIPPET_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/analyzer.h"

namespace newsdex::query {

struct HighlightSpec {
  // Sequences of stems to find consecutively (one stem = a single word).
  std::vector<std::vector<std::string>> phrases;
  // Normalized prefixes (wildcards): a word whose normalized form or stem
  // starts with one matches.
  std::vector<std::string> prefixes;
  std::string language = "en";  // stemmer for the body words
};

// Escapes & < > " ' for HTML text and attributes.
std::string HtmlEscape(absl::string_view text);

namespace internal {
std::string EscapeSnippetText(absl::string_view text, bool collapse_space);
}  // namespace internal

// A window of at most `max_words` words of `body` holding the most distinct
// matches (the first words if nothing matches), "…" marking cut ends.
// `highlight` false gives the same window without <b> tags.
std::string MakeSnippet(core::Analyzer& analyzer, absl::string_view body,
                        const HighlightSpec& spec, bool highlight, size_t max_words = 36);

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_SNIPPET_H_

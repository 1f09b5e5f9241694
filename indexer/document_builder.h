// Turns an Article (with its facets already filled) into the Xapian document
// newsdex stores: terms, positions, values and document data, all as
// core/schema.h defines them.
//
// Thread safety: BuildDocument may run in several threads at once, each with its
// own Analyzer.
#ifndef NEWSDEX_INDEXER_DOCUMENT_BUILDER_H_
#define NEWSDEX_INDEXER_DOCUMENT_BUILDER_H_

#include <string>
#include <vector>

#include <xapian.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/analyzer.h"
#include "core/article.h"

namespace newsdex::indexer {

// Positions of body words start this far after the last title word, so no
// phrase or NEAR query matches across the title/body boundary.
inline constexpr Xapian::termpos kBodyPositionGap = 100;

struct BuiltDocument {
  Xapian::Document doc;
  std::string id_term;  // the unique "Q" term, for replace_document
  // Unstemmed words for the spelling table (each once per document).
  std::vector<std::string> spelling_words;
};

// Builds the document for `article`. Uses article.language to pick the stemmer
// (no stemming if it has none). Returns kInvalidArgument if the article has no
// id. `want_spelling` fills spelling_words. `title_tokens` and `body_tokens`,
// when given, must be what analyzer.Tokenize gives for article.title and
// article.body (the facet extractor keeps them; see FacetExtractor::Extract);
// when null, the text is tokenized here.
absl::StatusOr<BuiltDocument> BuildDocument(
    const core::Article& article, core::Analyzer& analyzer, bool want_spelling,
    const std::vector<core::Token>* title_tokens = nullptr,
    const std::vector<core::Token>* body_tokens = nullptr);

// The unique id term of an article id.
std::string IdTerm(absl::string_view id);

// Collapse key for near-identical copies: hash of the folded title and the
// first 50 folded body words, as 16 hex digits.
std::string CollapseKey(const std::vector<core::Token>& title,
                        const std::vector<core::Token>& body);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_DOCUMENT_BUILDER_H_

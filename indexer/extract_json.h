// The --extract-only output of newsdex-index: one JSON object per article with
// its extracted facets, on one line (docs/input-formats.md, "Extraction output").
//
// Thread safety: a pure function.
#ifndef NEWSDEX_INDEXER_EXTRACT_JSON_H_
#define NEWSDEX_INDEXER_EXTRACT_JSON_H_

#include <string>

#include "core/article.h"

namespace newsdex::indexer {

// {"id","title","date","language","countries":[{"code","name","mentions","focus"}],
//  "actors":[{"name","mentions","country"}],"dates":[...]} without a trailing
// newline. "date" is "YYYY-MM-DD" or null; countries in the article's order.
// Invalid UTF-8 in the article is replaced, never fails.
std::string ExtractionJson(const core::Article& article);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_EXTRACT_JSON_H_

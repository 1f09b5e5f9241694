// Plain-text articles: one file = one article; the first non-empty line is the
// title, the other non-empty lines the body. Private to indexer/; use
// indexer/reader.h.
//
// Thread safety: stateless; see reader.h.
#ifndef NEWSDEX_INDEXER_TEXT_READER_H_
#define NEWSDEX_INDEXER_TEXT_READER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/article.h"
#include "indexer/input_source.h"
#include "indexer/internal/read_context.h"

namespace newsdex::indexer {

// Splits clean UTF-8 `text` into `article->title` (first non-blank line,
// whitespace collapsed) and `article->body` (the other non-blank lines,
// trimmed, joined by "\n"). Returns false if `text` is blank.
bool SplitTitleAndBody(absl::string_view text, core::Article* article);

// Reads the whole of `source` as one article with id ctx.file_id and origin
// ctx.path. Bad input is reported through ctx and skipped. Returns the status
// of ctx.on_article (OK if it was not called).
absl::Status ReadTextArticle(InputSource& source, const internal::FileContext& ctx);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_TEXT_READER_H_

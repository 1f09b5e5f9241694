// Reuters-21578 SGML: <REUTERS> elements, one article each (see
// docs/input-formats.md and shared/corpora/README.md section 1 for the quirks
// handled here). Private to indexer/ except for the tests; use
// indexer/reader.h.
//
// Thread safety: stateless; see reader.h.
#ifndef NEWSDEX_INDEXER_REUTERS_READER_H_
#define NEWSDEX_INDEXER_REUTERS_READER_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "indexer/input_source.h"
#include "indexer/reader.h"

namespace newsdex::indexer {

// The calendar day of a Reuters <DATE> text: "D-MON-YYYY" after optional
// spaces; whatever follows (time, "605:12:19.12", glued wire codes, comments)
// is ignored. nullopt if no real day can be read.
std::optional<absl::CivilDay> ParseReutersDate(absl::string_view text);

// SGML character data to clean UTF-8: numeric references to control
// characters (&#2; &#3; &#127; ...) are dropped, other numeric references and
// &lt; &gt; &amp; &quot; &apos; are decoded, unknown "&name;" is kept as is,
// and the bytes go through internal::CleanText (0xFC -> "ü").
std::string DecodeSgmlText(absl::string_view raw);

// Parses one "<REUTERS ...>...</REUTERS>" element. `origin` becomes
// article.origin. Returns kInvalidArgument if it has no NEWID. What is wrong
// but recoverable is not an error; `*problems` says what it was and what was
// kept ("; " between several), and is cleared otherwise: an unreadable or
// missing DATE (the article has no date), a <TEXT>, <TITLE>, <DATELINE> or
// <BODY> without its end tag (its text is read up to the next element that
// cannot be inside it, or to the end of the document).
absl::StatusOr<ReutersDocument> ParseReutersDocument(absl::string_view sgml,
                                                     absl::string_view origin,
                                                     std::string* problems);

// Reads every document of `source` in order. Bad documents are reported as
// "<path>:<line>: NEWID <n>: <reason>" and skipped (or, for the problems
// ParseReutersDocument recovers from, reported and kept); elements larger than `max_document_bytes` are skipped.
// Returns the first non-OK status of `on_document`, else OK.
absl::Status ReadReutersDocuments(
    InputSource& source, const std::string& path, size_t max_document_bytes,
    const std::function<absl::Status(ReutersDocument)>& on_document,
    const ErrorCallback* on_error);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_REUTERS_READER_H_

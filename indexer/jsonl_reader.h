// JSON Lines articles: one JSON object per line (fields in
// docs/input-formats.md), and the date formats those records may use.
// Private to indexer/ except for the tests; use indexer/reader.h.
//
// Thread safety: stateless; see reader.h.
#ifndef NEWSDEX_INDEXER_JSONL_READER_H_
#define NEWSDEX_INDEXER_JSONL_READER_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "core/article.h"
#include "indexer/input_source.h"
#include "indexer/internal/read_context.h"

namespace newsdex::indexer {

// The UTC calendar day of a date written as: ISO 8601 date ("2025-08-24") or
// date-time with an optional offset ("2025-08-24T23:30:00-05:00" -> 08-25; no
// offset = UTC); "20250824"; "2025/08/24" (time optional); RFC 2822
// ("Sun, 24 Aug 2025 10:00:00 +0000", zone names UT/GMT/Z/EST/EDT/CST/CDT/
// MST/MDT/PST/PDT, other letter zones taken as UTC); "24 August 2025";
// "August 24, 2025" (month names full or 3-letter, any case; an optional
// weekday first and time and zone after). nullopt for anything else, and for
// impossible days or times ("2025-02-30", "24:00").
std::optional<absl::CivilDay> ParseDateText(absl::string_view text);

// The UTC day of a Unix time in seconds; nullopt outside years 1..9999.
std::optional<absl::CivilDay> DayFromUnixSeconds(double seconds);

// Parses one JSON Lines record into an article (id, url, title, body, date,
// source, language, actors, countries; origin and a missing id are left to the
// caller). Returns kInvalidArgument with the reason (`field "title": expected a
// string, got number`) for malformed JSON, a non-object, a field of the wrong
// type, or a record with neither title nor body. An unparseable date alone is
// not an error: the article comes back without a date and `*date_error` says
// why (`field "date": cannot parse "24/13/2025"`); otherwise it is cleared.
absl::StatusOr<core::Article> ParseJsonlRecord(absl::string_view line,
                                               std::string* date_error);

// Reads `source` as JSON Lines. Each record becomes an article with origin
// "<path>:<line>"; bad lines are reported ("<path>:<line>: <reason>") and
// skipped, blank lines ignored. Returns the first non-OK status of
// ctx.on_article, else OK.
absl::Status ReadJsonlArticles(InputSource& source, const internal::FileContext& ctx);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_JSONL_READER_H_

// JSON text written straight into a string, for the hot paths (a /search
// answer is rendered per request; an nlohmann tree's allocations cost about
// as much as the rest of the daemon's HTTP layer).
//
// Thread safety: free functions without shared state.
#ifndef NEWSDEX_QUERY_JSON_WRITER_H_
#define NEWSDEX_QUERY_JSON_WRITER_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newsdex::query {

// Appends `text` as a JSON string literal (quotes included). Escapes '"', '\\'
// and control characters; other bytes are copied, except that ill-formed
// UTF-8 is replaced by U+FFFD, one per maximal ill-formed subsequence (as
// nlohmann's error_handler_t::replace does), so the output is always valid JSON.
void AppendJsonString(absl::string_view text, std::string* out);

// Appends a JSON number: the shortest text that reads back as `value`
// ("1.0" for integral values, so it stays a float); null if not finite.
void AppendJsonDouble(double value, std::string* out);

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_JSON_WRITER_H_

// HTTP-level validation of the daemon's request parameters: turns the query
// string of GET /search (and the other endpoints) into a query::SearchRequest,
// rejecting anything malformed with kInvalidArgument whose message names the
// parameter (docs/api.md, "Errors"). Also maps absl::Status codes to HTTP
// statuses and renders the error body.
//
// Thread safety: free functions without shared state; call from any thread.
#ifndef NEWSDEX_SERVER_REQUEST_PARAMS_H_
#define NEWSDEX_SERVER_REQUEST_PARAMS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "query/search.h"
#include "server/query_params.h"

namespace newsdex::server {

// Limits enforced before any search runs.
inline constexpr size_t kMaxQueryBytes = 2048;       // q
inline constexpr size_t kMaxFilterValueBytes = 256;  // one filter value
inline constexpr int kMaxFilterValues = 64;          // values of all filters together
inline constexpr int kMaxParenDepth = 32;            // nesting of ( in q
inline constexpr int kMaxOffset = 100000;
inline constexpr int kMaxRelatedLimit = query::kMaxLimit;
inline constexpr size_t kMaxFacetPrefixBytes = 256;

// Status payload key under which a bad request records the parameter it is
// about (ParameterOf reads it back).
inline constexpr char kParameterPayloadKey[] = "newsdex.parameter";

// A kInvalidArgument status for parameter `name`: the message reads
// `parameter "name": <detail>` and the payload records `name`.
absl::Status ParameterError(absl::string_view name, absl::string_view detail);
// The parameter a status from ParameterError names, or "".
std::string ParameterOf(const absl::Status& status);

// Parses the parameters of GET /search into a request. Accepted: q, actor,
// country, about, lang, source (repeatable filters), from, to (YYYY-MM-DD),
// facets (comma-separated and/or repeated), facet_limit, sort, offset, limit,
// highlight, collapse, exact_total. Names starting with '_' are ignored (cache
// busters); any other name is an error. `time_limit` is copied into the
// request. Returns kInvalidArgument (see ParameterError) for an unknown or
// repeated single-valued parameter, invalid UTF-8, a value out of range (a
// limit above query::kMaxLimit is an error, not capped), an unparsable date,
// from after to, an unknown facet or sort name, a q longer than
// kMaxQueryBytes or nested deeper than kMaxParenDepth.
absl::StatusOr<query::SearchRequest> ParseSearchParams(const QueryParams& params,
                                                       absl::Duration time_limit);

// Parameters of GET /articles/{id}/related: limit (1..kMaxRelatedLimit,
// default 10). Same error contract as ParseSearchParams.
absl::StatusOr<int> ParseRelatedParams(const QueryParams& params);

struct FacetValuesParams {
  std::string prefix;
  int limit = 10;
};
// Parameters of GET /facets/{field}: prefix, limit (1..query::kMaxFacetLimit).
absl::StatusOr<FacetValuesParams> ParseFacetValuesParams(const QueryParams& params);

// Rejects every parameter except names starting with '_' (for endpoints that
// take none).
absl::Status RejectParams(const QueryParams& params);

// The HTTP status for a failed call: kInvalidArgument/kOutOfRange 400,
// kUnauthenticated 401, kPermissionDenied 403, kNotFound 404,
// kResourceExhausted 413, kUnavailable/kAborted 503, kDeadlineExceeded 504,
// anything else 500.
int HttpStatusFor(const absl::Status& status);

// The short error code for an HTTP status ("invalid_parameter", "not_found",
// "unauthorized", ...), used as the "error" field.
std::string ErrorCodeFor(int http_status);

// The error body: {"error": code, "detail": message, "parameter": name?}.
// `parameter` is omitted when empty.
std::string ErrorJson(absl::string_view error, absl::string_view detail,
                      absl::string_view parameter = "");

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_REQUEST_PARAMS_H_

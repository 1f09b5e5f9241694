#include "server/request_params.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/article.h"
#include "core/utf8.h"
#include "query/resolver.h"

namespace newsdex::server {
namespace {

// Shortens a bad value for an error message (it may be huge or binary).
std::string Quote(absl::string_view value) {
  std::string shown(value.substr(0, 64));
  if (!core::utf8::IsValid(shown)) shown = "<invalid UTF-8>";
  return absl::StrCat("\"", shown, value.size() > 64 ? "...\"" : "\"");
}

absl::StatusOr<int> ParseIntParam(absl::string_view name, absl::string_view value, int min,
                                  int max) {
  int n = 0;
  if (value.empty() || value.size() > 12 || !absl::SimpleAtoi(value, &n)) {
    return ParameterError(name, absl::StrCat("not an integer: ", Quote(value)));
  }
  if (n < min || n > max) {
    return ParameterError(name, absl::StrCat(n, " is out of range [", min, ", ", max, "]"));
  }
  return n;
}

absl::StatusOr<bool> ParseBoolParam(absl::string_view name, absl::string_view value) {
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  return ParameterError(name, absl::StrCat("expected true or false, got ", Quote(value)));
}

absl::StatusOr<absl::CivilDay> ParseDateParam(absl::string_view name, absl::string_view value) {
  std::optional<absl::CivilDay> day = core::ParseIsoDate(value);
  if (!day) {
    return ParameterError(name, absl::StrCat("expected a date YYYY-MM-DD, got ", Quote(value)));
  }
  return *day;
}

// Checks what every parameter value must satisfy and that single-valued
// parameters appear once.
absl::Status CheckCommon(const QueryParams& params,
                         std::initializer_list<absl::string_view> repeatable,
                         std::initializer_list<absl::string_view> single) {
  for (auto it = params.begin(); it != params.end(); ++it) {
    const std::string& name = it->first;
    if (!core::utf8::IsValid(name)) {
      return ParameterError("<name>", "parameter name is not valid UTF-8");
    }
    if (!name.empty() && name[0] == '_') continue;
    bool is_repeatable = false, is_single = false;
    for (absl::string_view r : repeatable) is_repeatable |= (r == name);
    for (absl::string_view s : single) is_single |= (s == name);
    if (!is_repeatable && !is_single) {
      return ParameterError(name, "unknown parameter");
    }
    if (is_single && params.count(name) > 1) {
      return ParameterError(name, "given more than once");
    }
    if (!core::utf8::IsValid(it->second)) {
      return ParameterError(name, "value is not valid UTF-8");
    }
  }
  return absl::OkStatus();
}

// Depth of parenthesis nesting in q, ignoring parentheses inside quotes.
int ParenDepth(absl::string_view q) {
  int depth = 0, max_depth = 0;
  bool quoted = false;
  for (char c : q) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '(') max_depth = std::max(max_depth, ++depth);
    if (c == ')' && depth > 0) --depth;
  }
  return max_depth;
}

}  // namespace

absl::Status ParameterError(absl::string_view name, absl::string_view detail) {
  absl::Status status =
      absl::InvalidArgumentError(absl::StrCat("parameter \"", name, "\": ", detail));
  status.SetPayload(kParameterPayloadKey, absl::Cord(name));
  return status;
}

std::string ParameterOf(const absl::Status& status) {
  auto payload = status.GetPayload(kParameterPayloadKey);
  return payload ? std::string(*payload) : std::string();
}

absl::StatusOr<query::SearchRequest> ParseSearchParams(const QueryParams& params,
                                                       absl::Duration time_limit) {
  absl::Status common = CheckCommon(
      params, {"actor", "country", "about", "lang", "source", "facets"},
      {"q", "from", "to", "facet_limit", "sort", "offset", "limit", "highlight", "collapse",
       "exact_total"});
  if (!common.ok()) return common;

  query::SearchRequest request;
  request.time_limit = time_limit;
  int filter_values = 0;
  for (const auto& [name, value] : params) {
    if (!name.empty() && name[0] == '_') continue;
    std::vector<std::string>* filter = nullptr;
    if (name == "actor") filter = &request.actors;
    if (name == "country") filter = &request.countries;
    if (name == "about") filter = &request.about_countries;
    if (name == "lang") filter = &request.languages;
    if (name == "source") filter = &request.sources;
    if (filter != nullptr) {
      if (value.empty()) return ParameterError(name, "empty filter value");
      if (value.size() > kMaxFilterValueBytes) {
        return ParameterError(name, absl::StrCat("value longer than ", kMaxFilterValueBytes,
                                                 " bytes"));
      }
      if (++filter_values > kMaxFilterValues) {
        return ParameterError(name, absl::StrCat("more than ", kMaxFilterValues,
                                                 " filter values in one request"));
      }
      filter->push_back(value);
    } else if (name == "q") {
      if (value.size() > kMaxQueryBytes) {
        return ParameterError("q", absl::StrCat("query is ", value.size(),
                                                " bytes, longer than the maximum ",
                                                kMaxQueryBytes));
      }
      if (ParenDepth(value) > kMaxParenDepth) {
        return ParameterError("q", absl::StrCat("parentheses nested deeper than ",
                                                kMaxParenDepth));
      }
      request.q = value;
    } else if (name == "from" || name == "to") {
      absl::StatusOr<absl::CivilDay> day = ParseDateParam(name, value);
      if (!day.ok()) return day.status();
      (name == "from" ? request.from : request.to) = *day;
    } else if (name == "facets") {
      for (absl::string_view f : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
        f = absl::StripAsciiWhitespace(f);
        query::FacetField field;
        if (!query::ParseFacetField(f, &field)) {
          return ParameterError("facets", absl::StrCat("unknown facet ", Quote(f),
                                                       "; expected actor, country, about, "
                                                       "lang, source or date"));
        }
        bool seen = false;
        for (const std::string& have : request.facets) seen |= (have == f);
        if (!seen) request.facets.emplace_back(f);
      }
    } else if (name == "facet_limit") {
      absl::StatusOr<int> n = ParseIntParam(name, value, 1, query::kMaxFacetLimit);
      if (!n.ok()) return n.status();
      request.facet_limit = *n;
    } else if (name == "sort") {
      absl::StatusOr<query::SortOrder> sort = query::ParseSortOrder(value);
      if (!sort.ok()) {
        return ParameterError("sort", absl::StrCat("unknown sort order ", Quote(value),
                                                   "; expected relevance, newest, oldest or "
                                                   "recency"));
      }
      request.sort = *sort;
    } else if (name == "offset") {
      absl::StatusOr<int> n = ParseIntParam(name, value, 0, kMaxOffset);
      if (!n.ok()) return n.status();
      request.offset = *n;
    } else if (name == "limit") {
      absl::StatusOr<int> n = ParseIntParam(name, value, 0, query::kMaxLimit);
      if (!n.ok()) return n.status();
      request.limit = *n;
    } else if (name == "highlight" || name == "collapse" || name == "exact_total") {
      absl::StatusOr<bool> b = ParseBoolParam(name, value);
      if (!b.ok()) return b.status();
      if (name == "highlight") request.highlight = *b;
      if (name == "collapse") request.collapse = *b;
      if (name == "exact_total") request.exact_total = *b;
    }
  }
  if (request.from && request.to && *request.from > *request.to) {
    return ParameterError("from", absl::StrCat("from ", core::FormatIsoDate(*request.from),
                                               " is after to ",
                                               core::FormatIsoDate(*request.to)));
  }
  return request;
}

absl::StatusOr<int> ParseRelatedParams(const QueryParams& params) {
  absl::Status common = CheckCommon(params, {}, {"limit"});
  if (!common.ok()) return common;
  auto it = params.find("limit");
  if (it == params.end()) return 10;
  return ParseIntParam("limit", it->second, 1, kMaxRelatedLimit);
}

absl::StatusOr<FacetValuesParams> ParseFacetValuesParams(const QueryParams& params) {
  absl::Status common = CheckCommon(params, {}, {"prefix", "limit"});
  if (!common.ok()) return common;
  FacetValuesParams out;
  if (auto it = params.find("prefix"); it != params.end()) {
    if (it->second.size() > kMaxFacetPrefixBytes) {
      return ParameterError("prefix", absl::StrCat("longer than ", kMaxFacetPrefixBytes,
                                                   " bytes"));
    }
    out.prefix = it->second;
  }
  if (auto it = params.find("limit"); it != params.end()) {
    absl::StatusOr<int> n = ParseIntParam("limit", it->second, 1, query::kMaxFacetLimit);
    if (!n.ok()) return n.status();
    out.limit = *n;
  }
  return out;
}

absl::Status RejectParams(const QueryParams& params) { return CheckCommon(params, {}, {}); }

int HttpStatusFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kResourceExhausted: return 413;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

std::string ErrorCodeFor(int http_status) {
  switch (http_status) {
    case 400: return "invalid_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 431: return "headers_too_large";
    case 501: return "not_implemented";
    case 503: return "unavailable";
    case 504: return "timeout";
    case 505: return "http_version_not_supported";
    default: return http_status >= 500 ? "internal" : "invalid_request";
  }
}

std::string ErrorJson(absl::string_view error, absl::string_view detail,
                      absl::string_view parameter) {
  nlohmann::json body = nlohmann::json::object();
  body["error"] = std::string(error);
  body["detail"] = std::string(detail);
  if (!parameter.empty()) body["parameter"] = std::string(parameter);
  // replace: a message quoting client bytes must never make dump() throw.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace newsdex::server

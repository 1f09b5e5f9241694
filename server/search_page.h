// newsdexd's search site (docs/search-page.md): the search page at "/" (and
// at /search for a client that asks for HTML), the article page at
// /article/{id}, rendered on the server from the same query::Searcher answers
// the JSON API returns, with the templates of server/templates/.
//
// Every state of the page is its URL: the page takes the parameters of
// GET /search, and every link on it (facet values, chips, timeline bars,
// sort, paging, "did you mean") is the current URL with one change. Pages
// work without JavaScript; /static/app.js only adds facet suggestions as you
// type and keyboard shortcuts. Untrusted text (titles, bodies, names,
// parameters) reaches the page only through the templates' escaping and
// server/html.h; kPageSecurityHeaders forbid inline script.
//
// Thread safety: free functions; the resolver is shared and immutable, and
// each thread uses its own core::Analyzer for resolving filter values.
#ifndef NEWSDEX_SERVER_SEARCH_PAGE_H_
#define NEWSDEX_SERVER_SEARCH_PAGE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/article.h"
#include "query/resolver.h"
#include "query/search.h"
#include "server/query_params.h"

namespace newsdex::server {

// Header fields of every HTML answer: the Content-Security-Policy allows
// scripts, styles, images and fetches from the daemon itself only (no inline
// script or style, no other host), no framing, no plugins; plus nosniff and a
// referrer policy that keeps search terms from other sites.
const std::vector<std::pair<std::string, std::string>>& PageSecurityHeaders();
inline constexpr char kHtmlContentType[] = "text/html; charset=utf-8";

// The parameters of the search page: those of GET /search
// (ParseSearchParams, same errors), except that empty values are ignored (a
// form's blank field), every facet and the date histogram are counted, and a
// query that does not parse is searched as plain words (the page says so).
absl::StatusOr<query::SearchRequest> ParsePageParams(const QueryParams& params,
                                                     absl::Duration time_limit);

// The search page for `request` (from ParsePageParams) and its answer.
// `resolver` names facet keys and resolves the request's filter values, to
// show which facet values are selected. kInternal if a template fails.
absl::StatusOr<std::string> RenderSearchPage(const query::SearchRequest& request,
                                             const query::SearchResponse& response,
                                             const query::FacetResolver& resolver);

// Related articles the article page lists.
inline constexpr int kRelatedOnArticlePage = 8;

// The article page: the stored article with its facets as search links, its
// mentioned dates, and `related` (query::Searcher::Related) as links.
absl::StatusOr<std::string> RenderArticlePage(const core::Article& article,
                                              const std::vector<query::Hit>& related);

// A page saying why a request failed (`status` 400, 404, 500, 503, ...),
// with the search box. Never fails: without its templates it is plain HTML.
std::string RenderErrorPage(int status, absl::string_view message);

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_SEARCH_PAGE_H_

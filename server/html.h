// Escaping for the search site's HTML (server/search_page.h), one function
// per context untrusted text can land in. Templates escape every {{value}}
// for HTML text and quoted attributes themselves (server/templates.h); what
// is left to the code is what a template cannot know: URLs built from
// untrusted values, and which external addresses may become links at all.
//
// Thread safety: free functions without shared state.
#ifndef NEWSDEX_SERVER_HTML_H_
#define NEWSDEX_SERVER_HTML_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newsdex::server::html {

// Appends `text` made safe for HTML text and for an attribute value in double
// or single quotes: & < > " ' become character references. Bytes are kept
// otherwise (UTF-8 passes through).
void AppendEscaped(absl::string_view text, std::string* out);
std::string Escape(absl::string_view text);

// Appends `text` percent-encoded for one URL query value or path segment:
// every byte but the unreserved ones (A-Z a-z 0-9 - . _ ~) becomes %XX, so
// '&', '=', '#', '/', '?', spaces and quotes cannot end the component.
void AppendUrlEncoded(absl::string_view text, std::string* out);
std::string UrlEncode(absl::string_view text);

// `url` when it may be the href of a link out of the site: an absolute
// http:// or https:// URL (scheme in any case) with a host and no control
// characters, spaces or backslashes (which browsers may read as '/'); ""
// otherwise (javascript:, data:, vbscript:, relative and
// scheme-relative addresses).
std::string SafeExternalUrl(absl::string_view url);

// True when an Accept header value asks for HTML before JSON: text/html is
// listed with a non-zero quality and application/json is absent or of lower
// quality. Browsers navigating send "text/html,...,*/*;q=0.8"; curl, fetch()
// and most HTTP libraries send "*/*" or nothing, which keeps the JSON API.
bool WantsHtml(absl::string_view accept);

}  // namespace newsdex::server::html

#endif  // NEWSDEX_SERVER_HTML_H_

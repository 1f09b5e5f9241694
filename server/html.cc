#include "server/html.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace newsdex::server::html {

void AppendEscaped(absl::string_view text, std::string* out) {
  out->reserve(out->size() + text.size());
  for (char c : text) {
    switch (c) {
      case '&': out->append("&amp;"); break;
      case '<': out->append("&lt;"); break;
      case '>': out->append("&gt;"); break;
      case '"': out->append("&quot;"); break;
      case '\'': out->append("&#39;"); break;
      default: out->push_back(c);
    }
  }
}

std::string Escape(absl::string_view text) {
  std::string out;
  AppendEscaped(text, &out);
  return out;
}

void AppendUrlEncoded(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->reserve(out->size() + text.size());
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out->push_back(c);
    } else {
      out->push_back('%');
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    }
  }
}

std::string UrlEncode(absl::string_view text) {
  std::string out;
  AppendUrlEncoded(text, &out);
  return out;
}

std::string SafeExternalUrl(absl::string_view url) {
  size_t scheme = 0;
  if (absl::StartsWithIgnoreCase(url, "http://")) scheme = 7;
  if (absl::StartsWithIgnoreCase(url, "https://")) scheme = 8;
  if (scheme == 0) return "";
  if (url.size() == scheme || url[scheme] == '/') return "";  // no host
  for (char c : url) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '\\') return "";
  }
  return std::string(url);
}

namespace {

// The quality of one media range ("text/html;level=1;q=0.5" -> 0.5; 1 when
// there is no q parameter, 0 when it does not parse).
double Quality(absl::string_view range) {
  double q = 1;
  std::vector<absl::string_view> parts = absl::StrSplit(range, ';');
  for (size_t i = 1; i < parts.size(); ++i) {
    absl::string_view p = absl::StripAsciiWhitespace(parts[i]);
    if (absl::ConsumePrefix(&p, "q=") && !absl::SimpleAtod(p, &q)) return 0;
  }
  return q;
}

}  // namespace

bool WantsHtml(absl::string_view accept) {
  double html = 0, json = -1;
  for (absl::string_view range : absl::StrSplit(accept, ',')) {
    range = absl::StripAsciiWhitespace(range);
    absl::string_view type = absl::StripAsciiWhitespace(range.substr(0, range.find(';')));
    if (absl::EqualsIgnoreCase(type, "text/html")) html = std::max(html, Quality(range));
    if (absl::EqualsIgnoreCase(type, "application/json")) json = std::max(json, Quality(range));
  }
  return html > 0 && html > json;
}

}  // namespace newsdex::server::html

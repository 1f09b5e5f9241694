// The vocabulary of the daemon's route table (NewsServer::kRoutes in
// news_server.cc): which methods a row answers and which paths it matches.
// Paths are matched by plain string comparison, never by regular expressions
// over client-controlled input.
//
// Thread safety: values without shared state.
#ifndef NEWSDEX_SERVER_ROUTING_H_
#define NEWSDEX_SERVER_ROUTING_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace newsdex::server {

// The methods a route answers. kGet answers HEAD as well (the HTTP server
// sends the head of the GET answer). OPTIONS is answered for every path by the
// dispatcher itself.
enum class Method { kGet, kPost, kDelete };

// True if the request method `method` (as sent: "GET", "HEAD", ...; methods
// are case-sensitive) is one that `answered` covers.
bool Answers(Method answered, absl::string_view method);

// The Allow field value for a path answering `methods`, in the order GET,
// HEAD, POST, DELETE, then OPTIONS: e.g. "GET, HEAD, DELETE, OPTIONS".
std::string AllowHeader(absl::Span<const Method> methods);

// A path pattern: exactly `prefix` (Exactly("/search")), or `prefix`, a
// non-empty middle and `suffix` (Capturing("/articles/", "/related") matches
// "/articles/{id}/related"). The middle may itself hold '/'.
struct PathPattern {
  absl::string_view prefix;
  absl::string_view suffix;
  bool captures = false;

  // True if `path` matches. Then *captured is the middle ("" when the pattern
  // does not capture).
  bool Match(absl::string_view path, absl::string_view* captured) const;

  bool operator==(const PathPattern& other) const {
    return prefix == other.prefix && suffix == other.suffix && captures == other.captures;
  }
};

constexpr PathPattern Exactly(absl::string_view path) { return PathPattern{path, "", false}; }
constexpr PathPattern Capturing(absl::string_view prefix, absl::string_view suffix = "") {
  return PathPattern{prefix, suffix, true};
}

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_ROUTING_H_

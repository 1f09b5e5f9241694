#include "server/routing.h"

#include <algorithm>

#include "absl/strings/match.h"

namespace newsdex::server {

bool Answers(Method answered, absl::string_view method) {
  switch (answered) {
    case Method::kGet:
      return method == "GET" || method == "HEAD";
    case Method::kPost:
      return method == "POST";
    case Method::kDelete:
      return method == "DELETE";
  }
  return false;
}

std::string AllowHeader(absl::Span<const Method> methods) {
  auto has = [&methods](Method m) {
    return std::find(methods.begin(), methods.end(), m) != methods.end();
  };
  std::string allow;
  if (has(Method::kGet)) allow += "GET, HEAD, ";
  if (has(Method::kPost)) allow += "POST, ";
  if (has(Method::kDelete)) allow += "DELETE, ";
  allow += "OPTIONS";
  return allow;
}

bool PathPattern::Match(absl::string_view path, absl::string_view* captured) const {
  *captured = absl::string_view();
  if (!captures) return path == prefix;
  // The middle must not be empty: "/articles/" is no article.
  if (path.size() <= prefix.size() + suffix.size() || !absl::StartsWith(path, prefix) ||
      !absl::EndsWith(path, suffix)) {
    return false;
  }
  *captured = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
  return true;
}

}  // namespace newsdex::server

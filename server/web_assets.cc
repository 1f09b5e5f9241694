#include "server/web_assets.h"

#include "absl/strings/match.h"

namespace newsdex::server {

const WebAsset* FindWebAsset(absl::string_view name) {
  // A handful of rows: a linear scan is as fast as any index.
  for (size_t i = 0; i < internal::kWebAssetRowCount; ++i) {
    if (internal::kWebAssetRows[i].name == name) return &internal::kWebAssetRows[i];
  }
  return nullptr;
}

absl::string_view ContentTypeFor(absl::string_view name) {
  struct Row {
    absl::string_view extension;
    absl::string_view type;
  };
  static constexpr Row kTypes[] = {
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".html", "text/html; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const Row& row : kTypes) {
    if (absl::EndsWith(name, row.extension)) return row.type;
  }
  return "application/octet-stream";
}

}  // namespace newsdex::server

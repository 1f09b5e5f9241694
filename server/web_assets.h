// The files of newsdexd's search site (server/templates/*.mustache and
// server/static/*), embedded into the binary at build time by
// server/embed_files.cmake, so an installed daemon serves its pages without
// any directory beside it. Editing a file rebuilds the table.
//
// Thread safety: the table is immutable; any thread may read it.
#ifndef NEWSDEX_SERVER_WEB_ASSETS_H_
#define NEWSDEX_SERVER_WEB_ASSETS_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace newsdex::server {

struct WebAsset {
  absl::string_view name;     // path under server/: "static/app.css", "templates/search.mustache"
  absl::string_view content;  // the file's bytes
  // The first 12 hex digits of the content's SHA-256: pages link to
  // "/static/app.css?_v=<version>", so a browser may cache the file for good
  // and still fetches a changed one.
  absl::string_view version;
};

// The embedded file called `name`, or null.
const WebAsset* FindWebAsset(absl::string_view name);

// The Content-Type a static file is served with, by its extension
// ("text/css; charset=utf-8", ...); "application/octet-stream" if unknown.
absl::string_view ContentTypeFor(absl::string_view name);

namespace internal {
// The generated table (web_assets_data.cc in the build directory).
extern const WebAsset kWebAssetRows[];
extern const size_t kWebAssetRowCount;
}  // namespace internal

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_WEB_ASSETS_H_

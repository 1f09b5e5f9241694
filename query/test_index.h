// Test support for query/ tests: builds in-memory indexes exactly as the
// indexer stores documents (indexer::BuildDocument). Only test executables
// link this (and newsdex_indexer); the query library never does.
#ifndef NEWSDEX_QUERY_TEST_INDEX_H_
#define NEWSDEX_QUERY_TEST_INDEX_H_

#include <string>
#include <vector>

#include <xapian.h>

#include "absl/strings/string_view.h"
#include "core/article.h"

namespace newsdex::query::testing {

// A compact way to write an article in a test. `date` "YYYY-MM-DD" or empty;
// countries as codes, a trailing '*' marks a focus country ("ir*").
core::Article MakeArticle(absl::string_view id, absl::string_view title, absl::string_view body,
                          absl::string_view date = "", std::vector<std::string> countries = {},
                          std::vector<std::string> actors = {}, absl::string_view lang = "en",
                          absl::string_view source = "Reuters");

// Adds `articles` (in order: docids 1..n) to `db` and stamps the schema
// version; `spelling` also fills the spelling table (the in-memory backend has
// none). Aborts the test binary on failure.
void AddArticles(Xapian::WritableDatabase& db, const std::vector<core::Article>& articles,
                 bool spelling = false);

// Writes `articles` into the glass database at `path` (created if missing)
// through indexer::IndexWriter, as newsdex-index does (replace by id, one
// commit, newsdex.rewrites). Aborts the test binary on failure.
void WriteWithIndexer(const std::string& path, const std::vector<core::Article>& articles);

// A new in-memory database holding `articles` (no spelling table).
Xapian::WritableDatabase BuildIndex(const std::vector<core::Article>& articles);

// A glass database in a fresh directory under the system temp dir, with the
// spelling table; the directory is removed when the object goes away.
class TempGlassIndex {
 public:
  explicit TempGlassIndex(const std::vector<core::Article>& articles);
  ~TempGlassIndex();
  TempGlassIndex(const TempGlassIndex&) = delete;
  TempGlassIndex& operator=(const TempGlassIndex&) = delete;
  const std::string& path() const { return path_; }
  Xapian::Database db() const { return Xapian::Database(path_); }

 private:
  std::string path_;
};

}  // namespace newsdex::query::testing

#endif  // NEWSDEX_QUERY_TEST_INDEX_H_

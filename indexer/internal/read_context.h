// What every format reader needs to know about the file it reads: names for
// messages and ids, options and callbacks. Private to indexer/.
#ifndef NEWSDEX_INDEXER_INTERNAL_READ_CONTEXT_H_
#define NEWSDEX_INDEXER_INTERNAL_READ_CONTEXT_H_

#include <string>

#include "absl/status/status.h"
#include "indexer/reader.h"

namespace newsdex::indexer::internal {

struct FileContext {
  std::string path;     // as given (for messages and Article::origin); "-" is "stdin"
  std::string file_id;  // id base: path relative to the directory argument, or
                        // the basename; ".gz" dropped; "stdin" for "-"
  ReadOptions options;
  const ArticleCallback* on_article = nullptr;
  const ErrorCallback* on_error = nullptr;

  // Hands `status` to on_error, or logs it if there is none.
  void Report(const absl::Status& status) const;
};

// Same as FileContext::Report for a bare callback.
void ReportError(const ErrorCallback* on_error, const absl::Status& status);

}  // namespace newsdex::indexer::internal

#endif  // NEWSDEX_INDEXER_INTERNAL_READ_CONTEXT_H_

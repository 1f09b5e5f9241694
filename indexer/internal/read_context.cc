#include "indexer/internal/read_context.h"

#include "core/log.h"

namespace newsdex::indexer::internal {

void ReportError(const ErrorCallback* on_error, const absl::Status& status) {
  if (on_error != nullptr && *on_error) {
    (*on_error)(status);
  } else {
    NEWSDEX_LOG(WARNING) << status.message();
  }
}

void FileContext::Report(const absl::Status& status) const {
  ReportError(on_error, status);
}

}  // namespace newsdex::indexer::internal

#include "core/xapian_status.h"

#include "absl/strings/str_cat.h"

namespace newsdex::core {

absl::Status FromXapianError(const Xapian::Error& e, absl::string_view context) {
  std::string msg = absl::StrCat(context, context.empty() ? "" : ": ",
                                 e.get_description());
  const std::string type = e.get_type();
  if (type == "DatabaseModifiedError") return absl::AbortedError(msg);
  if (type == "DatabaseLockError" || type == "NetworkError" ||
      type == "NetworkTimeoutError")
    return absl::UnavailableError(msg);
  if (type == "DatabaseCorruptError") return absl::DataLossError(msg);
  if (type == "DatabaseNotFoundError") return absl::NotFoundError(msg);
  if (type == "DatabaseVersionError" || type == "DatabaseOpeningError" ||
      type == "DatabaseCreateError")
    return absl::FailedPreconditionError(msg);
  if (type == "QueryParserError" || type == "InvalidArgumentError" ||
      type == "RangeError" || type == "WildcardError")
    return absl::InvalidArgumentError(msg);
  return absl::InternalError(msg);
}

std::optional<Xapian::rev> RevisionOf(const Xapian::Database& db) {
  // Several shards would throw: answer that without an exception.
  if (db.size() != 1) return std::nullopt;
  absl::StatusOr<Xapian::rev> rev =
      CallXapian("reading the database revision", [&] { return db.get_revision(); });
  if (!rev.ok()) return std::nullopt;
  return *rev;
}

}  // namespace newsdex::core

// The one place where Xapian exceptions become absl::Status.
// Nothing else in newsdex catches Xapian::Error: call Xapian through
// CallXapian() and get a Status back.
#ifndef NEWSDEX_CORE_XAPIAN_STATUS_H_
#define NEWSDEX_CORE_XAPIAN_STATUS_H_

#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <xapian.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::core {

// Maps a Xapian error to a status code chosen by what the caller should do next:
// DatabaseModifiedError -> kAborted (reopen, retry); DatabaseLockError and
// NetworkError -> kUnavailable; DatabaseCorruptError -> kDataLoss;
// DatabaseNotFoundError -> kNotFound; DatabaseVersionError and other opening
// errors -> kFailedPrecondition; QueryParserError, InvalidArgumentError ->
// kInvalidArgument; the rest -> kInternal. `context` prefixes the message.
absl::Status FromXapianError(const Xapian::Error& e, absl::string_view context);

// Runs `fn` and turns a thrown Xapian::Error (or std::exception) into a status.
// `fn` returns void, absl::Status, T or absl::StatusOr<T>.
template <typename Fn>
auto CallXapian(absl::string_view context, Fn&& fn) {
  using R = std::invoke_result_t<Fn>;
  if constexpr (std::is_void_v<R>) {
    try {
      fn();
      return absl::OkStatus();
    } catch (const Xapian::Error& e) {
      return FromXapianError(e, context);
    } catch (const std::bad_alloc&) {
      return absl::ResourceExhaustedError(std::string(context) + ": out of memory");
    }
  } else if constexpr (std::is_same_v<R, absl::Status>) {
    try {
      return fn();
    } catch (const Xapian::Error& e) {
      return FromXapianError(e, context);
    } catch (const std::bad_alloc&) {
      return absl::ResourceExhaustedError(std::string(context) + ": out of memory");
    }
  } else {
    using T = typename std::conditional_t<
        std::is_constructible_v<absl::Status, R>, R, absl::StatusOr<R>>;
    try {
      return T(fn());
    } catch (const Xapian::Error& e) {
      return T(FromXapianError(e, context));
    } catch (const std::bad_alloc&) {
      return T(absl::ResourceExhaustedError(std::string(context) + ": out of memory"));
    }
  }
}

// The revision `db` is open at, for a single glass (or chert) database;
// nullopt for several shards, a remote or an in-memory database, which Xapian
// gives no revision number, and on any error reading it.
std::optional<Xapian::rev> RevisionOf(const Xapian::Database& db);

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_XAPIAN_STATUS_H_

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
#include "core/commit_gate.h"

namespace newsdex::core {

// Maps a Xapian error to a status code chosen by what the caller should do next:
// DatabaseModifiedError -> kAborted (reopen, retry); DatabaseLockError and
// NetworkError -> kUnavailable; DatabaseCorruptError -> kDataLoss;
// DatabaseNotFoundError -> kNotFound; DatabaseVersionError and other opening
// errors -> kFailedPrecondition; QueryParserError, InvalidArgumentError ->
// kInvalidArgument; the rest -> kInternal. `context` prefixes the message.
absl::Status FromXapianError(const Xapian::Error& e, absl::string_view context);

template <typename T>
struct IsStatusOr : std::false_type {};
template <typename T>
struct IsStatusOr<absl::StatusOr<T>> : std::true_type {};

// Runs `fn` and turns a thrown Xapian::Error (or std::bad_alloc) into a status.
// `fn` returns void or absl::Status (-> absl::Status), or T or absl::StatusOr<T>
// (-> absl::StatusOr<T>).
template <typename Fn>
auto CallXapian(absl::string_view context, Fn&& fn) {
  using R = std::invoke_result_t<Fn>;
  using Result = std::conditional_t<
      std::is_void_v<R> || std::is_same_v<R, absl::Status>, absl::Status,
      std::conditional_t<IsStatusOr<R>::value, R, absl::StatusOr<R>>>;
  try {
    if constexpr (std::is_void_v<R>) {
      fn();
      return Result(absl::OkStatus());
    } else {
      return Result(fn());
    }
  } catch (const Xapian::Error& e) {
    return Result(FromXapianError(e, context));
  } catch (const std::bad_alloc&) {
    return Result(absl::ResourceExhaustedError(std::string(context) + ": out of memory"));
  }
}

// The status of a Status or a StatusOr, for code written for both.
inline const absl::Status& StatusOf(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

// Runs `call` and, while it fails with kAborted (Xapian's DatabaseModifiedError:
// a writer committed past the revision being read), runs `reopen` and calls
// again, at most `retries` times (a reopen that is itself aborted counts as
// one, as does a reopen that fails with kDataLoss). If it is still aborted and `gate_db_path`
// names a local database, the last attempt reopens and calls while holding
// that database's commit gate shared (core/commit_gate.h), so no gated commit
// can cut it short. `call` returns absl::Status or StatusOr; `reopen` returns
// absl::Status. Every aborted read newsdex retries goes through here, so the
// rule is the same for the library and the daemon.
template <typename Call, typename Reopen>
auto RetryIfModified(int retries, Call&& call, Reopen&& reopen,
                     absl::string_view gate_db_path = {}) -> std::invoke_result_t<Call> {
  auto result = call();
  for (int i = 0; i < retries && StatusOf(result).code() == absl::StatusCode::kAborted; ++i) {
    absl::Status reopened = reopen();
    if (reopened.ok()) {
      result = call();
    } else if (reopened.code() == absl::StatusCode::kAborted ||
               reopened.code() == absl::StatusCode::kDataLoss) {
      // The reopen's own reads were cut short: try again. A reopen racing a
      // commit can also read a block the commit has just reused and see it as
      // corrupt (glass: "Expected block 37 to be level 1, not 0", with a
      // writer committing every few ms); the gated attempt below tells that
      // from real corruption, since no commit can run beside it.
      result = absl::AbortedError(reopened.message());
    } else {
      return reopened;
    }
  }
  if (StatusOf(result).code() != absl::StatusCode::kAborted || gate_db_path.empty()) {
    return result;
  }
  absl::StatusOr<CommitGate> gate = CommitGate::Acquire(gate_db_path, CommitGate::Mode::kShared);
  if (!gate.ok()) return result;  // not a local database: nothing to hold back
  absl::Status reopened = reopen();
  if (!reopened.ok()) return reopened;
  return call();
}

// The revision `db` is open at, for a single glass (or chert) database;
// nullopt for several shards, a remote or an in-memory database, which Xapian
// gives no revision number, and on any error reading it.
std::optional<Xapian::rev> RevisionOf(const Xapian::Database& db);

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_XAPIAN_STATUS_H_

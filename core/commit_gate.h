// A lock that lets a reader finish a search that commits keep cutting short.
//
// Xapian 1.4 keeps a reader's revision readable only until the writer has
// committed twice more; after that the reader gets DatabaseModifiedError
// (kAborted). Reopening and retrying usually succeeds, but a writer that
// commits faster than a long search runs (the daemon's small batch writes,
// `newsdex-index` with small batches) can cut every retry short. The gate
// makes the last attempt certain instead of lucky: writers hold it exclusively
// while they commit, a reader holds it shared while it reopens and searches
// once more, so no commit lands during that attempt. Commits are short and
// readers take the gate only after retries failed, so writers wait rarely.
//
// The gate is an flock(2) on a file in the database directory, so it works
// between the daemon's threads (one open file description each) and between
// processes (newsdex-index and newsdexd). It is advisory: a writer that does
// not take it (another Xapian program) is not held back.
#ifndef NEWSDEX_CORE_COMMIT_GATE_H_
#define NEWSDEX_CORE_COMMIT_GATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::core {

// The gate's file name inside a database directory.
inline constexpr absl::string_view kCommitGateFile = "newsdex.commit-gate";

class CommitGate {
 public:
  enum class Mode { kShared, kExclusive };

  // Blocks until the gate of the database at `db_path` is held in `mode`.
  // Creates the gate file if needed. kNotFound if `db_path` is not a
  // directory (a remote or stub database has no gate); other errors name the
  // file.
  static absl::StatusOr<CommitGate> Acquire(absl::string_view db_path, Mode mode);
  // As Acquire, but kUnavailable at once when the gate is held in a mode that
  // conflicts with `mode`.
  static absl::StatusOr<CommitGate> TryAcquire(absl::string_view db_path, Mode mode);

  CommitGate(CommitGate&& other) noexcept;
  CommitGate& operator=(CommitGate&& other) noexcept;
  CommitGate(const CommitGate&) = delete;
  CommitGate& operator=(const CommitGate&) = delete;
  ~CommitGate();  // releases the gate

 private:
  explicit CommitGate(int fd) : fd_(fd) {}
  static absl::StatusOr<CommitGate> Lock(absl::string_view db_path, int operation);
  int fd_ = -1;
};

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_COMMIT_GATE_H_

#include "core/commit_gate.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace newsdex::core {

absl::StatusOr<CommitGate> CommitGate::Acquire(absl::string_view db_path, Mode mode) {
  return Lock(db_path, mode == Mode::kShared ? LOCK_SH : LOCK_EX);
}

absl::StatusOr<CommitGate> CommitGate::TryAcquire(absl::string_view db_path, Mode mode) {
  return Lock(db_path, (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB);
}

absl::StatusOr<CommitGate> CommitGate::Lock(absl::string_view db_path, int operation) {
  struct stat st;
  const std::string dir(db_path);
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::NotFoundError(absl::StrCat(db_path, ": not a database directory"));
  }
  const std::string path = absl::StrCat(db_path, "/", kCommitGateFile);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  int rc;
  do {
    rc = ::flock(fd, operation);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return absl::UnavailableError(absl::StrCat(path, ": held"));
    return absl::UnavailableError(absl::StrCat(path, ": flock: ", std::strerror(err)));
  }
  return CommitGate(fd);
}

CommitGate::CommitGate(CommitGate&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

CommitGate& CommitGate::operator=(CommitGate&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

CommitGate::~CommitGate() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace newsdex::core

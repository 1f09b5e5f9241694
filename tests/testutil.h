// Helpers shared by the end-to-end tests: temp directories, the shared corpora,
// running our programs as subprocesses, waiting on what they do.
#ifndef NEWSDEX_TESTS_TESTUTIL_H_
#define NEWSDEX_TESTS_TESTUTIL_H_

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace newsdex::testing {

// A fresh directory under the test temp dir, removed by the destructor.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// <repo>/../shared, or empty if it is not there (tests then GTEST_SKIP).
std::string SharedDir();

// Reuters-21578 .sgm.gz files (dev then holdout), empty if absent.
std::vector<std::string> ReutersFiles();

// Unpacks the BBC tarball's 2,225 articles into `dir` (its README.TXT is
// removed); false if shared/ is absent.
bool UnpackBbc(const std::string& dir);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs argv[0] with arguments, capturing stdout and stderr.
RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_data = "");

// Checks `condition` every `poll` until it holds (true) or `timeout` has
// passed (false). For state another process changes (a database filling up,
// a directory appearing), which offers nothing to block on. Header-only, so
// tests that do not link testutil.cc may use it.
template <typename Condition>
bool WaitUntil(Condition condition, absl::Duration timeout,
               absl::Duration poll = absl::Milliseconds(1)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(poll);
  }
  return true;
}

}  // namespace newsdex::testing

#endif  // NEWSDEX_TESTS_TESTUTIL_H_

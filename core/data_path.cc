#include "core/data_path.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace newsdex::core {
namespace {
absl::Mutex mu;
std::string& Override() {
  static std::string* dir = new std::string();
  return *dir;
}
}  // namespace

void SetDataDir(absl::string_view dir) {
  absl::MutexLock lock(&mu);
  Override() = std::string(dir);
}

std::string DataDir() {
  {
    absl::MutexLock lock(&mu);
    if (!Override().empty()) return Override();
  }
  if (const char* env = std::getenv("NEWSDEX_DATA_DIR"); env != nullptr && *env != '\0')
    return env;
  return NEWSDEX_DATA_DIR;
}

std::string DataFile(absl::string_view name) { return absl::StrCat(DataDir(), "/", name); }

}  // namespace newsdex::core

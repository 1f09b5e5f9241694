// Where newsdex finds its data files (gazetteers). Order: the value passed to
// SetDataDir() (programs pass their --data_dir flag), the NEWSDEX_DATA_DIR
// environment variable, then the source tree's data/ compiled in.
#ifndef NEWSDEX_CORE_DATA_PATH_H_
#define NEWSDEX_CORE_DATA_PATH_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newsdex::core {

void SetDataDir(absl::string_view dir);
std::string DataDir();
// DataDir() + "/" + name.
std::string DataFile(absl::string_view name);

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_DATA_PATH_H_

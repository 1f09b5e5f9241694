// Where a bench tool writes its output (--out FILE, or OUT): a file it
// creates, or standard output for "-". Every error names the path.
// Thread-compatible: one writer at a time.
#ifndef NEWSDEX_TOOLS_BENCH_OUTPUT_FILE_H_
#define NEWSDEX_TOOLS_BENCH_OUTPUT_FILE_H_

#include <cstdio>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::tools {

class OutputFile {
 public:
  // Creates (or truncates) `path`; "-" is standard output. kNotFound
  // ("PATH: cannot open for writing") when the file cannot be created.
  static absl::StatusOr<OutputFile> Open(const std::string& path);

  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  // Closes a file that Close was not called on, ignoring errors.
  ~OutputFile();

  // Writes all of `data`. kDataLoss ("PATH: write failed") otherwise.
  absl::Status Write(absl::string_view data);

  // Flushes, and closes unless it is standard output. kDataLoss
  // ("PATH: write failed") when buffered data could not be written.
  absl::Status Close();

 private:
  OutputFile(std::string path, FILE* file) : path_(std::move(path)), file_(file) {}

  std::string path_;
  FILE* file_;  // null once closed
};

}  // namespace newsdex::tools

#endif  // NEWSDEX_TOOLS_BENCH_OUTPUT_FILE_H_

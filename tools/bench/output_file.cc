#include "tools/bench/output_file.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace newsdex::tools {

absl::StatusOr<OutputFile> OutputFile::Open(const std::string& path) {
  FILE* file = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
  if (file == nullptr) return absl::NotFoundError(absl::StrCat(path, ": cannot open for writing"));
  return OutputFile(path, file);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)), file_(std::exchange(other.file_, nullptr)) {}

OutputFile::~OutputFile() {
  if (file_ != nullptr && file_ != stdout) std::fclose(file_);
}

absl::Status OutputFile::Write(absl::string_view data) {
  if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
    return absl::DataLossError(absl::StrCat(path_, ": write failed"));
  }
  return absl::OkStatus();
}

absl::Status OutputFile::Close() {
  FILE* file = std::exchange(file_, nullptr);
  const bool flushed = std::fflush(file) == 0;
  const bool closed = file == stdout || std::fclose(file) == 0;
  if (!flushed || !closed) {
    return absl::DataLossError(absl::StrCat(path_, ": write failed"));
  }
  return absl::OkStatus();
}

}  // namespace newsdex::tools

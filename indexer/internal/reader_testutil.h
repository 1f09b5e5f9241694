// Test helpers for the reader tests: a temporary directory, file writers
// (plain and gzip) and a ReadInputs wrapper that collects what came out.
// Test-only; not part of newsdex_indexer.
#ifndef NEWSDEX_INDEXER_INTERNAL_READER_TESTUTIL_H_
#define NEWSDEX_INDEXER_INTERNAL_READER_TESTUTIL_H_

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "core/article.h"
#include "gtest/gtest.h"
#include "indexer/reader.h"

namespace newsdex::indexer::testing {

// A fresh directory under $TMPDIR, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "newsdex_readers_XXXXXX").string();
    char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + relative, creating parent directories.
  std::string File(absl::string_view relative) const {
    std::filesystem::path p = std::filesystem::path(path_) / std::string(relative);
    std::filesystem::create_directories(p.parent_path());
    return p.string();
  }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, absl::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline void WriteGzipFile(const std::string& path, absl::string_view bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  if (!bytes.empty()) {
    ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
              static_cast<int>(bytes.size()));
  }
  ASSERT_EQ(gzclose(f), Z_OK);
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct ReadResult {
  absl::Status status;
  std::vector<core::Article> articles;
  std::vector<absl::Status> errors;

  // All error messages, one per line, for failure output.
  std::string ErrorText() const {
    std::string text;
    for (const absl::Status& e : errors) text += e.ToString() + "\n";
    return text;
  }
};

inline ReadResult ReadAll(const std::vector<std::string>& paths,
                          const ReadOptions& options = {},
                          std::atomic<uint64_t>* bytes_read = nullptr) {
  ReadResult result;
  result.status = ReadInputs(
      paths, options,
      [&](core::Article a) {
        result.articles.push_back(std::move(a));
        return absl::OkStatus();
      },
      [&](const absl::Status& s) { result.errors.push_back(s); }, bytes_read);
  return result;
}

}  // namespace newsdex::indexer::testing

#endif  // NEWSDEX_INDEXER_INTERNAL_READER_TESTUTIL_H_

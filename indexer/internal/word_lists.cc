#include "indexer/internal/word_lists.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/status_macros.h"

namespace newsdex::indexer::internal {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace

absl::Status AddWordList(const std::string& path, uint16_t bits, WordClasses* words) {
  NEWSDEX_ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    (*words)[line] |= bits;
  }
  return absl::OkStatus();
}

absl::Status AddWordKinds(const std::string& path, absl::Span<const WordKind> kinds,
                          WordClasses* words) {
  NEWSDEX_ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const std::vector<absl::string_view> cols = absl::StrSplit(line, '\t');
    uint16_t bits = 0;
    for (const WordKind& kind : kinds) {
      if (cols[0] == kind.name) bits = kind.bits;
    }
    if (cols.size() != 2 || bits == 0 || cols[1].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line_number, ": expected \"<kind>\\t<word>\" with a known kind"));
    }
    (*words)[cols[1]] |= bits;
  }
  return absl::OkStatus();
}

}  // namespace newsdex::indexer::internal

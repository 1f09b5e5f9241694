#include "indexer/internal/word_lists.h"

#include <fstream>
#include <functional>
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

namespace {

// Calls row(lang, bits, word) for each row "[lang<TAB>]kind<TAB>word" of
// `path`; the language column is there when `with_language`.
absl::Status ForEachKindRow(
    const std::string& path, absl::Span<const WordKind> kinds, bool with_language,
    const std::function<void(absl::string_view, uint16_t, absl::string_view)>& row) {
  NEWSDEX_ASSIGN_OR_RETURN(std::string contents, ReadFile(path));
  const size_t columns = with_language ? 3 : 2;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const std::vector<absl::string_view> cols = absl::StrSplit(line, '\t');
    uint16_t bits = 0;
    for (const WordKind& kind : kinds) {
      if (cols.size() == columns && cols[columns - 2] == kind.name) bits = kind.bits;
    }
    if (cols.size() != columns || bits == 0 || cols.back().empty() || cols[0].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_number, ": expected \"", with_language ? "<lang>\\t" : "",
                       "<kind>\\t<word>\" with a known kind"));
    }
    row(with_language ? cols[0] : absl::string_view(), bits, cols.back());
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status AddWordKinds(const std::string& path, absl::Span<const WordKind> kinds,
                          WordClasses* words) {
  return ForEachKindRow(path, kinds, /*with_language=*/false,
                        [&](absl::string_view, uint16_t bits, absl::string_view word) {
                          (*words)[word] |= bits;
                        });
}

absl::Status AddLanguageWordKinds(
    const std::string& path, absl::Span<const WordKind> kinds,
    const std::function<std::string(absl::string_view)>& fold,
    absl::flat_hash_map<std::string, WordClasses>* by_language,
    const std::function<void(absl::string_view, uint16_t, const std::string&)>& row) {
  return ForEachKindRow(path, kinds, /*with_language=*/true,
                        [&](absl::string_view lang, uint16_t bits, absl::string_view word) {
                          const std::string folded = fold(word);
                          (*by_language)[lang][folded] |= bits;
                          if (row) row(lang, bits, folded);
                        });
}

}  // namespace newsdex::indexer::internal

// Fuzzes the plain-text reader (indexer/text_reader.h) through
// indexer::ReadInputs (indexer/reader.h) with the format forced to text: one
// file, one article. The input is the file's content, served from memory
// (fuzz_util.h MemoryFile); gzip data is decompressed as for a file.
//
// Checks: reading returns OK; the file gives exactly one article or exactly
// one report, never both or neither; the article's title is one trimmed line
// with single spaces, its body trimmed non-empty lines; all text is valid
// UTF-8 (invalid bytes are read as Windows-1252); and the article survives the
// stored-form round trip.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "core/article.h"
#include "indexer/reader.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsdex;
  using namespace newsdex::fuzz;
  static MemoryFile* file = new MemoryFile();
  file->Set(absl::string_view(reinterpret_cast<const char*>(data), size));

  indexer::ReadOptions options;
  options.format = indexer::InputFormat::kText;
  options.max_article_bytes = 4096;  // small, so inputs reach the size check
  int articles = 0, errors = 0;
  indexer::ArticleCallback on_article = [&](core::Article a) {
    ++articles;
    NEWSDEX_FUZZ_CHECK(!a.id.empty(), "article without id");
    NEWSDEX_FUZZ_CHECK(a.origin == file->path(), "origin " + Quote(a.origin));
    NEWSDEX_FUZZ_CHECK(!a.title.empty(), "article without a title");
    NEWSDEX_FUZZ_CHECK(a.title.find('\n') == std::string::npos, "title of several lines");
    NEWSDEX_FUZZ_CHECK(absl::StripAsciiWhitespace(a.title) == a.title,
                       "title not trimmed: " + Quote(a.title));
    NEWSDEX_FUZZ_CHECK(!absl::StrContains(a.title, "  "), "double space in the title");
    if (!a.body.empty()) {
      for (absl::string_view line : absl::StrSplit(a.body, '\n')) {
        NEWSDEX_FUZZ_CHECK(!line.empty() && absl::StripAsciiWhitespace(line) == line,
                           "body line empty or not trimmed: " + Quote(line));
      }
    }
    CheckArticleUtf8(a, "text article");
    CheckStoredRoundTrip(a, "text article");
    return absl::OkStatus();
  };
  indexer::ErrorCallback on_error = [&](const absl::Status& status) {
    ++errors;
    NEWSDEX_FUZZ_CHECK(!status.ok(), "OK status reported as an error");
    NEWSDEX_FUZZ_CHECK(absl::StrContains(status.message(), file->path()),
                       "report does not name the file: " + status.ToString());
  };
  const absl::Status status = indexer::ReadInputs({file->path()}, options, on_article, on_error);
  NEWSDEX_FUZZ_CHECK(status.ok(), "ReadInputs failed: " + status.ToString());
  NEWSDEX_FUZZ_CHECK(articles + errors == 1, "a text file gave " + std::to_string(articles) +
                                                 " articles and " + std::to_string(errors) +
                                                 " reports");
  return 0;
}

// Fuzzes the JSON Lines reader (indexer/jsonl_reader.h) through the public
// entrance newsdex-index uses, indexer::ReadInputs (indexer/reader.h), with the
// format forced to JSON Lines. The input is the file's content, served from
// memory (fuzz_util.h MemoryFile); gzip data is decompressed as for a file.
//
// Checks: reading returns OK (bad records are reported, never fatal); every
// report is an error status with a message naming the file; every article has
// an id, a title or a body, text fields in valid UTF-8, an origin "<path>:<line>"
// with line numbers rising through the file; and each article survives the
// stored-form round trip (core::EncodeStoredArticle / DecodeStoredArticle).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
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
  options.format = indexer::InputFormat::kJsonl;
  options.max_article_bytes = 2048;  // small, so inputs reach the size check
  uint64_t last_line = 0;
  indexer::ArticleCallback on_article = [&](core::Article a) {
    NEWSDEX_FUZZ_CHECK(!a.id.empty(), "article without id");
    NEWSDEX_FUZZ_CHECK(!a.title.empty() || !a.body.empty(), "article without title and body");
    const std::string prefix = file->path() + ":";
    NEWSDEX_FUZZ_CHECK(absl::StartsWith(a.origin, prefix), "origin " + Quote(a.origin));
    uint64_t line = 0;
    NEWSDEX_FUZZ_CHECK(absl::SimpleAtoi(absl::string_view(a.origin).substr(prefix.size()), &line),
                       "origin " + Quote(a.origin));
    NEWSDEX_FUZZ_CHECK(line > last_line, "origin lines not rising: " + Quote(a.origin));
    last_line = line;
    CheckArticleUtf8(a, "jsonl article");
    CheckStoredRoundTrip(a, "jsonl article");
    return absl::OkStatus();
  };
  indexer::ErrorCallback on_error = [&](const absl::Status& status) {
    NEWSDEX_FUZZ_CHECK(!status.ok(), "OK status reported as an error");
    NEWSDEX_FUZZ_CHECK(absl::StrContains(status.message(), file->path()),
                       "report does not name the file: " + status.ToString());
  };
  const absl::Status status = indexer::ReadInputs({file->path()}, options, on_article, on_error);
  NEWSDEX_FUZZ_CHECK(status.ok(), "ReadInputs failed: " + status.ToString());
  return 0;
}

// Reads the shared news corpora (Reuters-21578 SGML .sgm.gz files and the BBC
// tar.gz) straight from their compressed files for the benchmark tools: the
// corpus generator learns its statistics from them and corpus-to-jsonl turns
// them into JSON Lines for the peer engines. Self-contained (zlib only) so the
// benchmark tools do not depend on the indexer's readers.
//
// Thread-safety: free functions without shared state; safe to call from any
// thread.
#ifndef NEWSDEX_TOOLS_BENCH_CORPUS_READER_H_
#define NEWSDEX_TOOLS_BENCH_CORPUS_READER_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::tools {

// One article of a shared corpus, all fields valid UTF-8.
struct SourceArticle {
  std::string id;        // "reuters/123" or "bbc/business/001.txt"
  std::string title;     // Reuters titles are upper case, as in the source
  std::string dateline;  // Reuters "TOKYO, March 3 -" (trimmed), else empty
  std::string body;      // paragraphs separated by "\n\n"; wire sign-off dropped
  std::string date;      // "YYYY-MM-DD", or empty when the source has none
  std::string source;    // "Reuters" or "BBC"
};

using SourceArticleCallback = std::function<void(SourceArticle)>;

// The whole decompressed content of a gzip file. kNotFound when it cannot be
// opened, kDataLoss when it is truncated or corrupt (message names `path`).
absl::StatusOr<std::string> ReadGzipFile(const std::string& path);

// Returns `text` with every byte that is not part of valid UTF-8 (as
// core/utf8.h defines it) replaced by its Latin-1 reading (0xFC -> "ü").
std::string ToValidUtf8(absl::string_view text);

// Calls `on_article` for every <REUTERS> element of one Reuters-21578 SGML
// file's content. Character references for control characters are dropped,
// &lt; &gt; &amp; &quot; decoded. Never fails on odd documents: fields it cannot
// read stay empty.
void ParseReutersSgml(absl::string_view sgml, const SourceArticleCallback& on_article);

// Calls `on_file` for every regular file of an uncompressed ustar (or GNU) tar
// archive, in archive order. kDataLoss for a truncated archive or a bad header
// checksum.
absl::Status ParseTar(
    absl::string_view tar,
    const std::function<void(absl::string_view name, absl::string_view content)>& on_file);

// Appends `text` (valid UTF-8) to `out` as a JSON string literal with quotes.
void AppendJsonString(absl::string_view text, std::string* out);

// Reads <shared>/corpora: every reuters21578/{dev,holdout}/*.sgm.gz file in
// sorted order, then bbc/bbc.tar.gz (title = first line, body = the rest).
// `include_reuters` / `include_bbc` select the corpora. kNotFound with a clear
// message when the directory or a corpus is missing.
absl::Status ReadSharedCorpora(const std::string& shared_dir, bool include_reuters,
                               bool include_bbc, const SourceArticleCallback& on_article);

}  // namespace newsdex::tools

#endif  // NEWSDEX_TOOLS_BENCH_CORPUS_READER_H_

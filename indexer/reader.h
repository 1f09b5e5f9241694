// The article readers: turn input files (plain text, JSON Lines, Reuters-21578
// SGML; any of them gzip-compressed; directories; standard input) into
// core::Article values for newsdex-index. docs/input-formats.md describes every
// format, the id rules and what happens to bad input.
//
// Bad input never stops reading: each bad file or record is handed to the
// ErrorCallback and skipped. Memory stays bounded by about two articles of
// ReadOptions::max_article_bytes, whatever the input size.
//
// Thread safety: the functions keep no global state and may run concurrently on
// different inputs. Callbacks are invoked on the calling thread, in input order.
#ifndef NEWSDEX_INDEXER_READER_H_
#define NEWSDEX_INDEXER_READER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "core/article.h"

namespace newsdex::indexer {

enum class InputFormat { kAuto, kText, kJsonl, kReuters };

// "auto", "text", "jsonl", "reuters" (exactly, lower case) -> format.
// Returns kInvalidArgument naming the value otherwise.
absl::StatusOr<InputFormat> ParseInputFormat(absl::string_view name);

// The name ParseInputFormat accepts for `format`.
absl::string_view InputFormatName(InputFormat format);

struct ReadOptions {
  // Applies to every file; kAuto detects per file (by name, then content).
  InputFormat format = InputFormat::kAuto;
  // Larger articles are reported and skipped: a text file's decompressed
  // size, a JSON line's length, a Reuters <REUTERS> element's length.
  size_t max_article_bytes = 16 << 20;
};

// Called for each article read; a non-OK return stops reading and ReadInputs
// returns that status.
using ArticleCallback = std::function<absl::Status(core::Article)>;

// Called for each bad file or record; the status message names file, line (or
// NEWID) and reason, e.g.
// `articles.jsonl:118: field "date": cannot parse "24/13/2025"`. Reading
// continues. Codes: kNotFound (missing path), kInvalidArgument (bad record,
// empty or binary file, unreadable field), kResourceExhausted (article larger
// than max_article_bytes), kDataLoss (truncated or corrupt gzip),
// kUnavailable (I/O error). May be empty: errors are then logged as warnings.
using ErrorCallback = std::function<void(const absl::Status&)>;

// Reads every path in order: files, directories (walked recursively, files in
// sorted order of their relative path, hidden files and directories skipped),
// or "-" for standard input. gzip-compressed files (by magic bytes) are read
// transparently. `bytes_read`, if given, is advanced as input bytes (on-disk
// bytes) are consumed, for progress; after a file it has grown by the file's
// size. Returns OK unless the article callback stopped it (then its status).
absl::Status ReadInputs(const std::vector<std::string>& paths,
                        const ReadOptions& options,
                        const ArticleCallback& on_article,
                        const ErrorCallback& on_error,
                        std::atomic<uint64_t>* bytes_read = nullptr);

// Total on-disk size of the files the paths name, walking directories as
// ReadInputs does (for an ETA); "-" and missing paths count 0.
uint64_t TotalInputBytes(const std::vector<std::string>& paths);

// Lower level, for the extraction evaluator: every Reuters document of one
// .sgm or .sgm.gz file with its human labels (which the generic path never
// puts into articles). Articles are exactly those ReadInputs would produce.
struct ReutersDocument {
  core::Article article;
  std::vector<std::string> places, people, topics, orgs;  // <D> labels, in file order
};

// Calls `on_document` for each document of `path` in file order; bad
// documents go to `on_error` and are skipped. Returns the first non-OK status
// of `on_document`, or the open error (kNotFound, kUnavailable) if the file
// cannot be opened; otherwise OK (damage inside the file goes to on_error).
absl::Status ReadReutersFile(
    const std::string& path,
    const std::function<absl::Status(ReutersDocument)>& on_document,
    const ErrorCallback& on_error);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_READER_H_

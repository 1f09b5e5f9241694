// Byte input for the article readers: a file (plain or gzip, detected by its
// magic bytes) or standard input, read in chunks through zlib, with a peek at
// the first bytes (format and binary detection) and a line splitter that never
// holds more than a bounded line in memory.
//
// Thread safety: an InputSource or LineReader is used by one thread at a time.
// The progress counter it advances may be shared and read by other threads.
#ifndef NEWSDEX_INDEXER_INPUT_SOURCE_H_
#define NEWSDEX_INDEXER_INPUT_SOURCE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct gzFile_s;  // zlib's gzFile

namespace newsdex::indexer {

class InputSource {
 public:
  // Opens `path`, or standard input if `path` is "-". `bytes_read`, if not
  // null, is advanced by the on-disk (compressed) bytes consumed; on
  // destruction it is topped up to the file's size, so a file that was skipped
  // part-way still counts whole. Returns kNotFound if the file does not exist,
  // kFailedPrecondition if it is a directory, kUnavailable for other open errors.
  static absl::StatusOr<std::unique_ptr<InputSource>> Open(
      const std::string& path, std::atomic<uint64_t>* bytes_read);

  ~InputSource();
  InputSource(const InputSource&) = delete;
  InputSource& operator=(const InputSource&) = delete;

  // The first up to `n` bytes of the (decompressed) content, without consuming
  // them. Fewer only at the end of the input. Same errors as Read().
  absl::StatusOr<absl::string_view> Peek(size_t n);

  // Reads up to `n` bytes into `buf`; returns the count, 0 at the end.
  // Returns kDataLoss for corrupt or truncated gzip data (the bytes before the
  // damage have been returned by earlier calls), kUnavailable for I/O errors.
  absl::StatusOr<size_t> Read(char* buf, size_t n);

  // Whether the content is gzip-compressed. Valid after the first Peek/Read.
  bool compressed() const { return compressed_; }

 private:
  InputSource() = default;
  void UpdateProgress();
  absl::StatusOr<size_t> ReadRaw(char* buf, size_t n);

  struct GzDeleter {
    void operator()(gzFile_s* file) const;
  };
  std::unique_ptr<gzFile_s, GzDeleter> file_;
  std::string path_;
  std::string peeked_;       // bytes peeked and not yet consumed
  size_t peeked_pos_ = 0;
  bool compressed_ = false;
  bool at_end_ = false;
  uint64_t file_size_ = 0;   // 0 for standard input
  uint64_t reported_ = 0;    // progress already added to *bytes_read_
  std::atomic<uint64_t>* bytes_read_ = nullptr;
};

// Splits an InputSource into lines ('\n'; a trailing '\r' is removed).
// A line longer than `max_line_bytes` is not kept: it is returned with
// `too_long` set, an empty `text` and its full `length`.
class LineReader {
 public:
  struct Line {
    absl::string_view text;  // valid until the next call to Next()
    uint64_t number = 0;     // 1-based
    size_t length = 0;       // bytes, without the line end
    bool too_long = false;
  };

  LineReader(InputSource* source, size_t max_line_bytes);

  // Fills `line` with the next line and returns true; false at the end of the
  // input or on a read error (see status()). A last line without '\n' is
  // returned like any other.
  bool Next(Line* line);

  // OK, or the read error that ended the input early (kDataLoss: truncated
  // gzip). A partial last line before such an error is not returned.
  const absl::Status& status() const { return status_; }

 private:
  // Reads more input after buf_[end_]; false at the end or on error.
  bool Fill();
  // Fills *line with `text` (a trailing '\r' dropped) as the next line, of
  // which `discarded` bytes were dropped before. Returns true.
  bool TakeLine(absl::string_view text, size_t discarded, Line* line);

  InputSource* source_;
  size_t max_line_bytes_;
  // A vector, not a string: vector::reserve allocates exactly what is asked
  // (string doubles), which keeps a long line's buffer near max_line_bytes_.
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;  // unconsumed bytes are buf_[begin_, end_)
  uint64_t line_number_ = 0;
  bool eof_ = false;
  absl::Status status_;
};

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_INPUT_SOURCE_H_

// HTTP/1.1 request parsing for newsdexd's own server (server/http_server.h):
// the request line and headers, then the body framed by Content-Length or
// chunked transfer coding, all bounded by Limits. Input arrives in pieces
// from a non-blocking socket, so the parser is incremental: feed it what has
// arrived; it says whether it needs more, has a whole request, or rejects the
// input with the HTTP status to answer.
//
// What is rejected (RFC 9112, plus the limits): a request line over
// max_request_line (414), header section over max_header_bytes or more than
// max_headers fields (431), a body over max_body_bytes (413), malformed
// request lines, header fields or chunk framing, both Content-Length and
// Transfer-Encoding, conflicting or non-numeric Content-Length, a bare CR or
// NUL where a line ends (400), a transfer coding other than chunked (501), an
// HTTP major version other than 1 (505).
//
// Thread safety: a RequestParser is used by one thread at a time.
#ifndef NEWSDEX_SERVER_HTTP_PARSER_H_
#define NEWSDEX_SERVER_HTTP_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/query_params.h"

namespace newsdex::server::http {

struct Limits {
  size_t max_request_line = 8192;   // method, target and version
  size_t max_header_bytes = 16384;  // all header lines together
  int max_headers = 100;
  size_t max_body_bytes = 32 << 20;
};

// Header fields in arrival order; names lower-cased, values without the
// surrounding blanks.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // as sent (methods are case-sensitive)
  std::string target;  // the request-target as sent
  std::string path;    // target before '?', percent-decoded
  QueryParams params;  // the query string, percent-decoded, '+' as space
  Headers headers;
  std::string body;         // decoded (chunked framing removed)
  int version_minor = 1;    // HTTP/1.<minor>
  bool keep_alive = true;   // HTTP/1.1 unless "Connection: close"; 1.0 only with keep-alive
  bool expect_continue = false;  // "Expect: 100-continue"
  std::string remote_addr;  // filled in by the server

  // The first value of header `lower_name` (lower-case), or "" when absent.
  absl::string_view Header(absl::string_view lower_name) const;
  bool HasHeader(absl::string_view lower_name) const;
};

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). Returns false
// on a malformed escape ("%G1", a lone '%'); `out` is then unspecified.
bool PercentDecode(absl::string_view in, bool plus_is_space, std::string* out);

// Splits "a=1&b=&c&a=2" into decoded pairs (a name without '=' has an empty
// value; empty pieces are skipped). False on a malformed escape.
bool ParseQueryString(absl::string_view query, QueryParams* out);

class RequestParser {
 public:
  enum class State {
    kHead,      // waiting for the end of the header section
    kBody,      // head parsed (request() holds method, target, headers); body pending
    kComplete,  // request() is whole
    kError,     // error_status() / error_detail() say why; the connection must close
  };

  explicit RequestParser(Limits limits) : limits_(limits) {}

  // Parses from `input`, which holds the bytes not consumed by earlier calls
  // (the caller drops the consumed prefix). Sets *consumed to the number of
  // bytes of `input` used and returns the new state. In kHead nothing is
  // consumed until the whole header section is there. kComplete leaves
  // whatever follows (a pipelined request) unconsumed. Call Reset() before
  // parsing the next request.
  State Parse(absl::string_view input, size_t* consumed);

  State state() const { return state_; }
  const Request& request() const { return request_; }
  Request& mutable_request() { return request_; }
  int error_status() const { return error_status_; }
  const std::string& error_detail() const { return error_detail_; }
  // Bytes of the current request seen so far (head and body framing included).
  uint64_t bytes_seen() const { return bytes_seen_; }

  void Reset();

 private:
  // Where the head lies in the input, once the empty line ending it is there.
  struct HeadSpan {
    absl::string_view request_line;  // without its '\n'
    absl::string_view fields;        // the header lines and the empty line
    size_t end = 0;                  // bytes of input up to the end of the head
  };
  // What the header fields say about body framing and the connection.
  struct Framing {
    bool saw_length = false;
    uint64_t content_length = 0;
    bool saw_transfer_encoding = false;
    bool connection_close = false;
    bool connection_keep_alive = false;
  };

  State Fail(int status, std::string detail);
  // Fail, for the steps below: returns false.
  bool Reject(int status, std::string detail);

  // The head: each step returns false once the request is rejected (Fail
  // called) or, for FindHead, while the head is not all there yet.
  State ParseHead(absl::string_view input, size_t* consumed);
  bool FindHead(absl::string_view input, HeadSpan* head);
  bool ParseRequestLine(absl::string_view line);
  bool ParseHeaderFields(absl::string_view fields, Framing* framing);
  bool ParseHeaderField(absl::string_view line, Framing* framing);
  bool ParseContentLength(absl::string_view value, Framing* framing);
  bool ParseTransferEncoding(absl::string_view value);
  bool ParseTarget(absl::string_view target);
  State StartBody(const Framing& framing);

  // The chunked body: each step parses what it can of `rest`, sets *used to
  // the bytes it took, and returns false when it needs more input or the
  // request is rejected.
  State ParseChunked(absl::string_view input, size_t* consumed);
  bool ParseChunkSize(absl::string_view rest, size_t* used);
  bool ParseChunkData(absl::string_view rest, size_t* used);
  bool ParseChunkDataEnd(absl::string_view rest, size_t* used);
  bool ParseTrailerLine(absl::string_view rest, size_t* used);

  Limits limits_;
  State state_ = State::kHead;
  Request request_;
  int error_status_ = 0;
  std::string error_detail_;
  uint64_t bytes_seen_ = 0;
  // Body framing.
  bool chunked_ = false;
  uint64_t body_remaining_ = 0;  // Content-Length bytes, or of the current chunk
  enum class ChunkState { kSize, kData, kDataEnd, kTrailer } chunk_state_ = ChunkState::kSize;
  size_t trailer_bytes_ = 0;
  size_t head_scanned_ = 0;  // input already searched for the end of the head
};

}  // namespace newsdex::server::http

#endif  // NEWSDEX_SERVER_HTTP_PARSER_H_

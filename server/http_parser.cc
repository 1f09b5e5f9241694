#include "server/http_parser.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace newsdex::server::http {
namespace {

constexpr size_t kMaxChunkLine = 1024;  // a chunk's size and extensions

// RFC 9110 token characters (methods, header names).
bool IsTokenChar(unsigned char c) {
  if (absl::ascii_isalnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Control characters other than horizontal tab.
bool HasControl(absl::string_view s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

int HexValue(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strips one trailing '\r' (a line may end in CRLF or, leniently, LF).
absl::string_view Chomp(absl::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// True if any comma-separated element of `value` equals `token`, ignoring case.
bool ListHas(absl::string_view value, absl::string_view token) {
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(item), token)) return true;
  }
  return false;
}

// Where the header section ends (just past its empty line) in `input`,
// searching from `from`, or npos.
size_t FindHeadEnd(absl::string_view input, size_t from) {
  for (size_t nl = input.find('\n', from); nl != absl::string_view::npos;
       nl = input.find('\n', nl + 1)) {
    if (nl + 1 < input.size() && input[nl + 1] == '\n') return nl + 2;
    if (nl + 2 < input.size() && input[nl + 1] == '\r' && input[nl + 2] == '\n') return nl + 3;
  }
  return absl::string_view::npos;
}

}  // namespace

absl::string_view Request::Header(absl::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

bool Request::HasHeader(absl::string_view lower_name) const {
  for (const auto& field : headers) {
    if (field.first == lower_name) return true;
  }
  return false;
}

bool PercentDecode(absl::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

bool ParseQueryString(absl::string_view query, QueryParams* out) {
  std::string name, value;
  for (absl::string_view piece : absl::StrSplit(query, '&')) {
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    const absl::string_view raw_name = piece.substr(0, eq);
    const absl::string_view raw_value =
        eq == absl::string_view::npos ? absl::string_view() : piece.substr(eq + 1);
    if (!PercentDecode(raw_name, true, &name) || !PercentDecode(raw_value, true, &value)) {
      return false;
    }
    out->emplace(std::move(name), std::move(value));
  }
  return true;
}

void RequestParser::Reset() {
  state_ = State::kHead;
  request_ = Request();
  error_status_ = 0;
  error_detail_.clear();
  bytes_seen_ = 0;
  chunked_ = false;
  body_remaining_ = 0;
  chunk_state_ = ChunkState::kSize;
  trailer_bytes_ = 0;
  head_scanned_ = 0;
}

RequestParser::State RequestParser::Fail(int status, std::string detail) {
  state_ = State::kError;
  error_status_ = status;
  error_detail_ = std::move(detail);
  return state_;
}

RequestParser::State RequestParser::Parse(absl::string_view input, size_t* consumed) {
  *consumed = 0;
  if (state_ == State::kHead) {
    size_t used = 0;
    ParseHead(input, &used);
    *consumed += used;
    bytes_seen_ += used;
    input.remove_prefix(used);
    if (state_ != State::kBody) return state_;
  }
  if (state_ == State::kBody) {
    if (chunked_) {
      size_t used = 0;
      ParseChunked(input, &used);
      *consumed += used;
      bytes_seen_ += used;
    } else {
      const size_t take = static_cast<size_t>(std::min<uint64_t>(body_remaining_, input.size()));
      request_.body.append(input.data(), take);
      body_remaining_ -= take;
      *consumed += take;
      bytes_seen_ += take;
      if (body_remaining_ == 0) state_ = State::kComplete;
    }
  }
  return state_;
}

bool RequestParser::Reject(int status, std::string detail) {
  Fail(status, std::move(detail));
  return false;
}

RequestParser::State RequestParser::ParseHead(absl::string_view input, size_t* consumed) {
  HeadSpan head;
  if (!FindHead(input, &head)) return state_;
  *consumed = head.end;
  head_scanned_ = 0;
  Framing framing;
  if (!ParseRequestLine(Chomp(head.request_line)) || !ParseHeaderFields(head.fields, &framing) ||
      !ParseTarget(request_.target)) {
    return state_;
  }
  return StartBody(framing);
}

bool RequestParser::FindHead(absl::string_view input, HeadSpan* head) {
  // Empty lines before a request line are ignored (RFC 9112 2.2): some
  // clients send a CRLF after a POST body.
  size_t start = 0;
  while (start < input.size() && (input[start] == '\r' || input[start] == '\n') && start < 8) {
    ++start;
  }
  const absl::string_view rest = input.substr(start);
  const size_t first_nl = rest.find('\n');
  const bool have_line = first_nl != absl::string_view::npos;
  if ((have_line ? first_nl : rest.size()) > limits_.max_request_line + 1) {
    return Reject(414, absl::StrCat("request line longer than ", limits_.max_request_line,
                                    " bytes"));
  }
  auto too_large = [this] {
    return Reject(431, absl::StrCat("header section larger than ", limits_.max_header_bytes,
                                    " bytes"));
  };
  // Resume the search for the empty line where the last call left off.
  const size_t from = head_scanned_ > start + 2 ? head_scanned_ - 2 : start;
  const size_t end =
      have_line ? FindHeadEnd(input, std::max(from, start + first_nl)) : absl::string_view::npos;
  if (end == absl::string_view::npos) {
    head_scanned_ = input.size();
    if (have_line && rest.size() - first_nl > limits_.max_header_bytes + 2) {
      return too_large();
    }
    return false;  // not all there yet
  }
  if (end - start - first_nl > limits_.max_header_bytes + 3) return too_large();
  head->request_line = rest.substr(0, first_nl);
  head->fields = input.substr(start + first_nl + 1, end - start - first_nl - 1);
  head->end = end;
  return true;
}

bool RequestParser::ParseRequestLine(absl::string_view line) {
  // Request line: method SP request-target SP HTTP-version.
  if (line.find('\r') != absl::string_view::npos || line.find('\0') != absl::string_view::npos) {
    return Reject(400, "control character in the request line");
  }
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == absl::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == absl::string_view::npos || line.find(' ', sp2 + 1) != absl::string_view::npos) {
    return Reject(400, "malformed request line (expected: METHOD TARGET HTTP/1.1)");
  }
  const absl::string_view method = line.substr(0, sp1);
  const absl::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const absl::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) return Reject(400, "malformed method in the request line");
  if (target.empty() || HasControl(target)) return Reject(400, "malformed request target");
  if (version.size() != 8 || !absl::StartsWith(version, "HTTP/") ||
      !absl::ascii_isdigit(version[5]) || version[6] != '.' || !absl::ascii_isdigit(version[7])) {
    return Reject(400, "malformed HTTP version in the request line");
  }
  request_.method = std::string(method);
  request_.target = std::string(target);
  if (version[5] != '1') return Reject(505, "only HTTP/1.x is served");
  request_.version_minor = version[7] - '0';
  return true;
}

bool RequestParser::ParseHeaderFields(absl::string_view fields, Framing* framing) {
  while (!fields.empty()) {
    const size_t nl = fields.find('\n');
    const absl::string_view line = Chomp(fields.substr(0, nl));
    fields.remove_prefix(nl == absl::string_view::npos ? fields.size() : nl + 1);
    if (line.empty()) break;  // the empty line ending the section
    if (!ParseHeaderField(line, framing)) return false;
  }
  if (framing->saw_transfer_encoding && !chunked_) return Reject(400, "empty Transfer-Encoding");
  if (framing->saw_transfer_encoding && framing->saw_length) {
    return Reject(400, "both Content-Length and Transfer-Encoding (request smuggling guard)");
  }
  request_.keep_alive = request_.version_minor >= 1
                            ? !framing->connection_close
                            : framing->connection_keep_alive && !framing->connection_close;
  return true;
}

bool RequestParser::ParseHeaderField(absl::string_view line, Framing* framing) {
  if (static_cast<int>(request_.headers.size()) >= limits_.max_headers) {
    return Reject(431, absl::StrCat("more than ", limits_.max_headers, " header fields"));
  }
  if (line[0] == ' ' || line[0] == '\t') return Reject(400, "folded header lines are not accepted");
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return Reject(400, "header line without ':'");
  const absl::string_view name = line.substr(0, colon);
  if (!IsToken(name)) return Reject(400, "malformed header name");
  const absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  if (HasControl(value)) {
    return Reject(400, absl::StrCat("control character in header ", name.substr(0, 64)));
  }
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "content-length") {
    if (!ParseContentLength(value, framing)) return false;
  } else if (lower == "transfer-encoding") {
    framing->saw_transfer_encoding = true;
    if (!ParseTransferEncoding(value)) return false;
  } else if (lower == "connection") {
    if (ListHas(value, "close")) framing->connection_close = true;
    if (ListHas(value, "keep-alive")) framing->connection_keep_alive = true;
  } else if (lower == "expect") {
    if (absl::EqualsIgnoreCase(value, "100-continue")) request_.expect_continue = true;
  }
  request_.headers.emplace_back(std::move(lower), std::string(value));
  return true;
}

bool RequestParser::ParseContentLength(absl::string_view value, Framing* framing) {
  // A list of equal lengths ("5, 5") is one length (RFC 9112 6.3).
  for (absl::string_view item : absl::StrSplit(value, ',')) {
    item = absl::StripAsciiWhitespace(item);
    uint64_t n = 0;
    if (item.empty() || item.size() > 19 ||
        !std::all_of(item.begin(), item.end(), [](char c) { return absl::ascii_isdigit(c); }) ||
        !absl::SimpleAtoi(item, &n)) {
      return Reject(400, "malformed Content-Length");
    }
    if (framing->saw_length && n != framing->content_length) {
      return Reject(400, "conflicting Content-Length");
    }
    framing->saw_length = true;
    framing->content_length = n;
  }
  return true;
}

bool RequestParser::ParseTransferEncoding(absl::string_view value) {
  for (absl::string_view coding : absl::StrSplit(value, ',')) {
    coding = absl::StripAsciiWhitespace(coding);
    if (!absl::EqualsIgnoreCase(coding, "chunked")) {
      return Reject(501, absl::StrCat("transfer coding \"", coding.substr(0, 32),
                                      "\" is not supported (only chunked)"));
    }
    if (chunked_) return Reject(400, "chunked applied twice");
    chunked_ = true;
  }
  return true;
}

bool RequestParser::ParseTarget(absl::string_view target) {
  // Path and query string.
  absl::string_view resource = target;
  if (absl::StartsWithIgnoreCase(resource, "http://") ||
      absl::StartsWithIgnoreCase(resource, "https://")) {
    // Absolute form: drop scheme and authority.
    const size_t end = resource.find_first_of("/?", resource.find("//") + 2);
    resource = end == absl::string_view::npos ? absl::string_view("/") : resource.substr(end);
  }
  const size_t q = resource.find('?');
  if (!PercentDecode(resource.substr(0, q), false, &request_.path)) {
    return Reject(400, "malformed percent-escape in the path");
  }
  if (request_.path.empty()) request_.path.push_back('/');  // "http://host?x=1"
  if (q == absl::string_view::npos) return true;
  const size_t hash = resource.find('#', q);
  const absl::string_view query =
      resource.substr(q + 1, hash == absl::string_view::npos ? absl::string_view::npos
                                                             : hash - q - 1);
  if (!ParseQueryString(query, &request_.params)) {
    return Reject(400, "malformed percent-escape in the query string");
  }
  return true;
}

RequestParser::State RequestParser::StartBody(const Framing& framing) {
  if (chunked_) {
    state_ = State::kBody;
    chunk_state_ = ChunkState::kSize;
  } else if (framing.content_length > 0) {
    if (framing.content_length > limits_.max_body_bytes) {
      return Fail(413, absl::StrCat("request body of ", framing.content_length,
                                    " bytes is over the limit of ", limits_.max_body_bytes));
    }
    request_.body.reserve(static_cast<size_t>(framing.content_length));
    body_remaining_ = framing.content_length;
    state_ = State::kBody;
  } else {
    state_ = State::kComplete;
  }
  return state_;
}

RequestParser::State RequestParser::ParseChunked(absl::string_view input, size_t* consumed) {
  size_t pos = 0;
  while (state_ == State::kBody) {
    const absl::string_view rest = input.substr(pos);
    size_t used = 0;
    bool go_on = false;
    switch (chunk_state_) {
      case ChunkState::kSize: go_on = ParseChunkSize(rest, &used); break;
      case ChunkState::kData: go_on = ParseChunkData(rest, &used); break;
      case ChunkState::kDataEnd: go_on = ParseChunkDataEnd(rest, &used); break;
      case ChunkState::kTrailer: go_on = ParseTrailerLine(rest, &used); break;
    }
    pos += used;
    if (!go_on) break;
  }
  // A rejected body reports nothing consumed; the connection closes anyway.
  *consumed = state_ == State::kError ? 0 : pos;
  return state_;
}

bool RequestParser::ParseChunkSize(absl::string_view rest, size_t* used) {
  const size_t nl = rest.find('\n');
  if (nl == absl::string_view::npos) {
    if (rest.size() > kMaxChunkLine) return Reject(400, "chunk size line too long");
    return false;  // not all there yet
  }
  if (nl > kMaxChunkLine) return Reject(400, "chunk size line too long");
  const absl::string_view line = Chomp(rest.substr(0, nl));
  const size_t semi = line.find(';');
  const absl::string_view size_text = absl::StripTrailingAsciiWhitespace(line.substr(0, semi));
  if (size_text.empty() || size_text.size() > 15) return Reject(400, "malformed chunk size");
  uint64_t size = 0;
  for (unsigned char c : size_text) {
    const int v = HexValue(c);
    if (v < 0) return Reject(400, "malformed chunk size");
    size = size * 16 + v;
  }
  if (semi != absl::string_view::npos && HasControl(line.substr(semi))) {
    return Reject(400, "control character in a chunk extension");
  }
  *used = nl + 1;
  if (size == 0) {
    chunk_state_ = ChunkState::kTrailer;
    return true;
  }
  if (size > limits_.max_body_bytes - request_.body.size()) {
    return Reject(413, absl::StrCat("request body over the limit of ", limits_.max_body_bytes,
                                    " bytes"));
  }
  body_remaining_ = size;
  chunk_state_ = ChunkState::kData;
  return true;
}

bool RequestParser::ParseChunkData(absl::string_view rest, size_t* used) {
  const size_t take = static_cast<size_t>(std::min<uint64_t>(body_remaining_, rest.size()));
  request_.body.append(rest.data(), take);
  body_remaining_ -= take;
  *used = take;
  if (body_remaining_ > 0) return false;  // not all there yet
  chunk_state_ = ChunkState::kDataEnd;
  return true;
}

bool RequestParser::ParseChunkDataEnd(absl::string_view rest, size_t* used) {
  if (rest.empty() || (rest[0] == '\r' && rest.size() < 2)) return false;  // not all there yet
  if (rest[0] == '\n') {
    *used = 1;
  } else if (rest[0] == '\r' && rest[1] == '\n') {
    *used = 2;
  } else {
    return Reject(400, "chunk data not followed by CRLF");
  }
  chunk_state_ = ChunkState::kSize;
  return true;
}

bool RequestParser::ParseTrailerLine(absl::string_view rest, size_t* used) {
  const size_t nl = rest.find('\n');
  if (nl == absl::string_view::npos) {
    if (trailer_bytes_ + rest.size() > limits_.max_header_bytes) {
      return Reject(431, "chunked trailer too large");
    }
    return false;  // not all there yet
  }
  trailer_bytes_ += nl + 1;
  if (trailer_bytes_ > limits_.max_header_bytes) return Reject(431, "chunked trailer too large");
  *used = nl + 1;
  // Trailer fields are ignored; the empty line ends the request.
  if (Chomp(rest.substr(0, nl)).empty()) state_ = State::kComplete;
  return true;
}

}  // namespace newsdex::server::http

// Fuzzes server::http::RequestParser (server/http_parser.h) the way
// newsdexd's connections drive it: a stream of pipelined requests, parsed once
// with all bytes at hand and once arriving in pieces of pseudo-random sizes.
//
// Checks: each call consumes no more than it was given and nothing while the
// head is incomplete; every buffer handed to Parse is an exact-size heap copy,
// so ASan reports any read past the input; a whole request respects the limits
// (header count, body size) with lower-case header names; an error is a 4xx or
// 5xx with a detail; and both ways of feeding give the same sequence of
// requests (method, target, path, parameters, headers, body, keep-alive) and
// the same final state.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "server/http_parser.h"
#include "tests/fuzz/fuzz_util.h"

namespace newsdex::fuzz {
namespace {

using server::http::Limits;
using server::http::Request;
using server::http::RequestParser;
using State = RequestParser::State;

// Small limits, so that inputs of a few KiB reach every limit check.
Limits FuzzLimits() {
  Limits limits;
  limits.max_request_line = 256;
  limits.max_header_bytes = 1024;
  limits.max_headers = 16;
  limits.max_body_bytes = 4096;
  return limits;
}

// What one parse of a stream produced: the whole requests in order, then the
// state it ended in (kHead or kBody: waiting for more; kError: rejected).
struct Outcome {
  std::vector<std::string> requests;  // Describe() of each whole request
  State final_state = State::kHead;
  int error_status = 0;
};

std::string Describe(const Request& r) {
  std::string s = r.method + "\n" + r.target + "\n" + r.path + "\n";
  for (const auto& [name, value] : r.params) s += name + "=" + value + "&";
  s += "\n";
  for (const auto& [name, value] : r.headers) s += name + ": " + value + "\n";
  s += "minor=" + std::to_string(r.version_minor) +
       " keep_alive=" + std::to_string(r.keep_alive) +
       " expect=" + std::to_string(r.expect_continue) + "\n" + r.body;
  return s;
}

void CheckComplete(const Request& r, const Limits& limits) {
  NEWSDEX_FUZZ_CHECK(!r.method.empty() && !r.target.empty() && !r.path.empty(),
                     "complete request without method, target or path");
  NEWSDEX_FUZZ_CHECK(static_cast<int>(r.headers.size()) <= limits.max_headers,
                     "more header fields than max_headers");
  NEWSDEX_FUZZ_CHECK(r.body.size() <= limits.max_body_bytes, "body over max_body_bytes");
  NEWSDEX_FUZZ_CHECK(r.version_minor >= 0 && r.version_minor <= 9, "bad minor version");
  for (const auto& [name, value] : r.headers) {
    NEWSDEX_FUZZ_CHECK(!name.empty() && name == absl::AsciiStrToLower(name),
                       "header name not lower-case: " + Quote(name));
    NEWSDEX_FUZZ_CHECK(value == absl::StripAsciiWhitespace(value),
                       "header value not stripped: " + Quote(value));
  }
}

// One Parse call on an exact-size heap copy of `input` (ASan then catches any
// read past its end). Returns the bytes consumed.
size_t ParseCopy(RequestParser& parser, absl::string_view input, const Limits& limits) {
  std::unique_ptr<char[]> copy(new char[input.size() == 0 ? 1 : input.size()]);
  if (!input.empty()) std::memcpy(copy.get(), input.data(), input.size());
  const State before = parser.state();
  const uint64_t seen_before = parser.bytes_seen();
  size_t consumed = ~size_t{0};
  const State after = parser.Parse(absl::string_view(copy.get(), input.size()), &consumed);
  NEWSDEX_FUZZ_CHECK(after == parser.state(), "Parse returned a state other than state()");
  NEWSDEX_FUZZ_CHECK(consumed <= input.size(), "consumed more than the input");
  NEWSDEX_FUZZ_CHECK(parser.bytes_seen() == seen_before + consumed,
                     "bytes_seen did not advance by consumed");
  if (before == State::kHead && after == State::kHead) {
    NEWSDEX_FUZZ_CHECK(consumed == 0, "consumed part of an incomplete head");
  }
  if (after == State::kError) {
    NEWSDEX_FUZZ_CHECK(parser.error_status() >= 400 && parser.error_status() <= 599,
                       "error status " + std::to_string(parser.error_status()));
    NEWSDEX_FUZZ_CHECK(!parser.error_detail().empty(), "error without detail");
  }
  if (after == State::kComplete) CheckComplete(parser.request(), limits);
  return consumed;
}

// Feeds `stream` as pieces whose sizes come from `sizes` (cycled; empty: all
// at once), keeping unconsumed bytes in front of the next piece as the server
// does, and resetting the parser after each whole request.
Outcome Run(absl::string_view stream, absl::string_view sizes) {
  const Limits limits = FuzzLimits();
  RequestParser parser(limits);
  Outcome out;
  std::string pending;  // received, not consumed
  size_t next = 0;      // first byte of `stream` not yet received
  size_t size_index = 0;
  while (true) {
    // Parse what is pending; after a whole request, go on with the rest.
    while (true) {
      const size_t used = ParseCopy(parser, pending, limits);
      pending.erase(0, used);
      if (parser.state() != State::kComplete) break;
      out.requests.push_back(Describe(parser.request()));
      parser.Reset();
    }
    if (parser.state() == State::kError || next == stream.size()) break;
    size_t piece = stream.size() - next;
    if (!sizes.empty()) {
      piece = std::min<size_t>(piece, 1 + static_cast<unsigned char>(
                                              sizes[size_index++ % sizes.size()]) % 64);
    }
    pending.append(stream.data() + next, piece);
    next += piece;
  }
  out.final_state = parser.state();
  out.error_status = parser.error_status();
  return out;
}

}  // namespace
}  // namespace newsdex::fuzz

// The input: up to 8 bytes of piece sizes, a NUL, then the request stream. An
// input without a NUL in its first 9 bytes is all stream, cut into pieces of
// 1..7 bytes by its length.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace newsdex::fuzz;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  absl::string_view sizes, stream = input;
  const size_t nul = input.substr(0, 9).find('\0');
  std::string default_sizes;
  if (nul != absl::string_view::npos) {
    sizes = input.substr(0, nul);
    stream = input.substr(nul + 1);
  }
  if (sizes.empty()) {
    default_sizes = std::string(1, static_cast<char>(size % 7));
    sizes = default_sizes;
  }

  const Outcome whole = Run(stream, absl::string_view());
  const Outcome pieces = Run(stream, sizes);
  NEWSDEX_FUZZ_CHECK(whole.requests.size() == pieces.requests.size(),
                     "whole input gave " + std::to_string(whole.requests.size()) +
                         " requests, pieces gave " + std::to_string(pieces.requests.size()));
  for (size_t i = 0; i < whole.requests.size(); ++i) {
    NEWSDEX_FUZZ_CHECK(whole.requests[i] == pieces.requests[i],
                       "request " + std::to_string(i) + " differs: whole " +
                           Quote(whole.requests[i]) + " pieces " + Quote(pieces.requests[i]));
  }
  NEWSDEX_FUZZ_CHECK(whole.final_state == pieces.final_state,
                     "final state differs between whole input and pieces");
  NEWSDEX_FUZZ_CHECK(whole.error_status == pieces.error_status,
                     "error status " + std::to_string(whole.error_status) + " (whole) vs " +
                         std::to_string(pieces.error_status) + " (pieces)");
  return 0;
}

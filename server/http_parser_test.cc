// Unit tests of the incremental HTTP/1.1 request parser (server/http_parser.h):
// every request is fed whole, one byte at a time and split at every boundary,
// the way a non-blocking socket may deliver it, and all must agree.
#include "server/http_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace newsdex::server::http {
namespace {

using State = RequestParser::State;

const char* StateName(State s) {
  switch (s) {
    case State::kHead:
      return "kHead";
    case State::kBody:
      return "kBody";
    case State::kComplete:
      return "kComplete";
    case State::kError:
      return "kError";
  }
  return "?";
}

struct Outcome {
  State state = State::kHead;
  Request request;
  int error_status = 0;
  std::string error_detail;
  std::string rest;  // input not consumed (a pipelined request)
  uint64_t bytes_seen = 0;
};

// Feeds `input` as a socket might deliver it: a piece ends at each offset in
// `cuts` (ascending). As the server does, unconsumed bytes are kept and handed
// again with the next piece, and Parse is called again while it makes
// progress. Stops at kComplete or kError.
Outcome FeedPieces(absl::string_view input, const std::vector<size_t>& cuts, Limits limits) {
  RequestParser parser(limits);
  Outcome out;
  std::string buffer;
  size_t pos = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t end : ends) {
    end = std::min(end, input.size());
    if (end < pos) continue;
    buffer.append(input.data() + pos, end - pos);
    pos = end;
    for (;;) {
      const State before = parser.state();
      size_t consumed = 12345;
      out.state = parser.Parse(buffer, &consumed);
      EXPECT_LE(consumed, buffer.size()) << "consumed more than it was given";
      if (consumed > buffer.size()) consumed = buffer.size();
      if (out.state == State::kHead) {
        EXPECT_EQ(consumed, 0u) << "consumed part of an unfinished head";
      }
      EXPECT_EQ(out.state, parser.state());
      buffer.erase(0, consumed);
      if (out.state == State::kComplete || out.state == State::kError) break;
      if (consumed == 0 && out.state == before) break;
    }
    if (out.state == State::kComplete || out.state == State::kError) break;
  }
  out.request = parser.request();
  out.error_status = parser.error_status();
  out.error_detail = parser.error_detail();
  out.rest = buffer + std::string(input.substr(pos));
  out.bytes_seen = parser.bytes_seen();
  return out;
}

Outcome FeedAll(absl::string_view input, Limits limits = Limits()) {
  return FeedPieces(input, {}, limits);
}

Outcome FeedBytewise(absl::string_view input, Limits limits = Limits()) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
  return FeedPieces(input, cuts, limits);
}

std::string Printable(absl::string_view s) { return absl::CHexEscape(s); }

// Field by field, so a failure names the field that differs.
void ExpectSameRequest(const Request& want, const Request& got, const std::string& how) {
  EXPECT_EQ(want.method, got.method) << how;
  EXPECT_EQ(want.target, got.target) << how;
  EXPECT_EQ(want.path, got.path) << how;
  EXPECT_EQ(want.params, got.params) << how;
  EXPECT_EQ(want.headers, got.headers) << how;
  EXPECT_EQ(want.body, got.body) << how;
  EXPECT_EQ(want.version_minor, got.version_minor) << how;
  EXPECT_EQ(want.keep_alive, got.keep_alive) << how;
  EXPECT_EQ(want.expect_continue, got.expect_continue) << how;
}

// Parses `input` whole, byte by byte and split in two at every offset; all
// must complete with the same request and leave the same rest.
Outcome ExpectCompleteEveryWay(absl::string_view input, Limits limits = Limits()) {
  const Outcome whole = FeedAll(input, limits);
  EXPECT_EQ(whole.state, State::kComplete)
      << StateName(whole.state) << " " << whole.error_status << " " << whole.error_detail << " for "
      << Printable(input);
  const Outcome bytewise = FeedBytewise(input, limits);
  EXPECT_EQ(bytewise.state, State::kComplete)
      << StateName(bytewise.state) << " " << bytewise.error_status << " " << bytewise.error_detail
      << " bytewise for " << Printable(input);
  ExpectSameRequest(whole.request, bytewise.request, "bytewise");
  EXPECT_EQ(whole.rest, bytewise.rest);
  for (size_t cut = 1; cut < input.size(); ++cut) {
    const Outcome split = FeedPieces(input, {cut}, limits);
    const std::string how = absl::StrCat("split at ", cut, " of ", Printable(input));
    EXPECT_EQ(split.state, State::kComplete) << how;
    ExpectSameRequest(whole.request, split.request, how);
    EXPECT_EQ(whole.rest, split.rest) << how;
    if (::testing::Test::HasFailure()) break;  // one split is enough to see it
  }
  return whole;
}

// The parser's error for `input` whole and byte by byte; both must agree.
int ErrorStatusEveryWay(absl::string_view input, Limits limits) {
  const Outcome whole = FeedAll(input, limits);
  const Outcome bytewise = FeedBytewise(input, limits);
  EXPECT_EQ(whole.state, bytewise.state) << "whole vs bytewise for " << Printable(input);
  EXPECT_EQ(whole.error_status, bytewise.error_status)
      << "whole vs bytewise for " << Printable(input);
  if (whole.state != State::kError) return -static_cast<int>(whole.state) - 1;
  EXPECT_FALSE(whole.error_detail.empty()) << Printable(input);
  return whole.error_status;
}

Limits SmallLimits() {
  Limits l;
  l.max_request_line = 64;
  l.max_header_bytes = 256;
  l.max_headers = 5;
  l.max_body_bytes = 100;
  return l;
}

TEST(HttpParserTest, RequestLineAndHeadersAnySplitGiveTheSameRequest) {
  const std::string input =
      "GET /news/a%20b?q=oil+price&lang=en&lang=fr HTTP/1.1\r\n"
      "Host: example.org\r\n"
      "X-Mixed-Case:   spaced value \t\r\n"
      "Accept:*/*\r\n"
      "X-Empty:\r\n"
      "\r\n";
  const Outcome out = ExpectCompleteEveryWay(input);
  const Request& r = out.request;
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/news/a%20b?q=oil+price&lang=en&lang=fr");
  EXPECT_EQ(r.path, "/news/a b");
  EXPECT_EQ(r.params, (QueryParams{{"lang", "en"}, {"lang", "fr"}, {"q", "oil price"}}));
  const Headers want = {{"host", "example.org"},
                        {"x-mixed-case", "spaced value"},
                        {"accept", "*/*"},
                        {"x-empty", ""}};
  EXPECT_EQ(r.headers, want);
  EXPECT_EQ(r.version_minor, 1);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_FALSE(r.expect_continue);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(out.rest.empty());
  EXPECT_EQ(out.bytes_seen, input.size());
}

TEST(HttpParserTest, MethodIsKeptAsSent) {
  for (const char* method : {"GET", "HEAD", "DELETE", "OPTIONS", "BREW", "get"}) {
    const Outcome out = FeedAll(absl::StrCat(method, " / HTTP/1.1\r\n\r\n"));
    ASSERT_EQ(out.state, State::kComplete) << method;
    EXPECT_EQ(out.request.method, method);
    EXPECT_EQ(out.request.path, "/");
  }
}

TEST(HttpParserTest, HeaderLooksUpFirstValueByLowerCaseName) {
  const Outcome out = FeedAll("GET / HTTP/1.1\r\nX-Dup: one\r\nHOST: h\r\nx-dup: two\r\n\r\n");
  ASSERT_EQ(out.state, State::kComplete);
  EXPECT_EQ(out.request.Header("x-dup"), "one");
  EXPECT_EQ(out.request.Header("host"), "h");
  EXPECT_TRUE(out.request.HasHeader("host"));
  EXPECT_FALSE(out.request.HasHeader("absent"));
  EXPECT_EQ(out.request.Header("absent"), "");
  EXPECT_EQ(out.request.headers.size(), 3u);
}

TEST(HttpParserTest, KeepAliveAndExpectRules) {
  struct Case {
    const char* head;
    int version_minor;
    bool keep_alive;
    bool expect_continue;
  };
  const Case kCases[] = {
      {"GET / HTTP/1.1\r\n\r\n", 1, true, false},
      {"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 1, false, false},
      {"GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", 1, false, false},
      {"GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", 1, true, false},
      {"GET / HTTP/1.1\r\nConnection: TE, close\r\n\r\n", 1, false, false},
      {"GET / HTTP/1.0\r\n\r\n", 0, false, false},
      {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0, true, false},
      {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 0, true, false},
      {"GET / HTTP/1.0\r\nConnection: close\r\n\r\n", 0, false, false},
      {"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n", 1, true, true},
      {"POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 0\r\n\r\n", 1, true, true},
  };
  for (const Case& c : kCases) {
    const Outcome out = FeedAll(c.head);
    ASSERT_EQ(out.state, State::kComplete) << c.head << out.error_detail;
    EXPECT_EQ(out.request.version_minor, c.version_minor) << c.head;
    EXPECT_EQ(out.request.keep_alive, c.keep_alive) << c.head;
    EXPECT_EQ(out.request.expect_continue, c.expect_continue) << c.head;
  }
}

TEST(HttpParserTest, ExpectContinueIsKnownWhenTheHeadIsParsed) {
  // The server sends "100 Continue" between head and body, so the flag (and
  // the head) must be there in kBody, before any body byte arrived.
  RequestParser parser{Limits()};
  const std::string head = "PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse(head, &consumed), State::kBody);
  EXPECT_EQ(consumed, head.size());
  EXPECT_TRUE(parser.request().expect_continue);
  EXPECT_EQ(parser.request().method, "PUT");
  EXPECT_EQ(parser.request().path, "/up");
  ASSERT_EQ(parser.Parse("hello", &consumed), State::kComplete);
  EXPECT_EQ(consumed, 5u);
  EXPECT_EQ(parser.request().body, "hello");
}

TEST(HttpParserTest, PercentDecodesPathAndQuery) {
  struct Case {
    const char* target;
    const char* path;
    QueryParams params;
  };
  const Case kCases[] = {
      {"/a+b", "/a+b", {}},
      {"/a%2Bb%2fc", "/a+b/c", {}},
      {"/%E2%82%AC", "/\xE2\x82\xAC", {}},
      {"/?q=a+b%2Bc", "/", {{"q", "a b+c"}}},
      {"/s?a=1&b=&c&a=2", "/s", {{"a", "1"}, {"a", "2"}, {"b", ""}, {"c", ""}}},
      {"/s?&&x=1&", "/s", {{"x", "1"}}},
      {"/s?x=a=b", "/s", {{"x", "a=b"}}},
      {"/s?na%20me=v%26w", "/s", {{"na me", "v&w"}}},
      {"/s?", "/s", {}},
  };
  for (const Case& c : kCases) {
    const Outcome out = FeedAll(absl::StrCat("GET ", c.target, " HTTP/1.1\r\n\r\n"));
    ASSERT_EQ(out.state, State::kComplete) << c.target << " " << out.error_detail;
    EXPECT_EQ(out.request.target, c.target);
    EXPECT_EQ(out.request.path, c.path) << c.target;
    EXPECT_EQ(out.request.params, c.params) << c.target;
  }
}

TEST(HttpParserTest, MalformedEscapeInTargetIs400) {
  for (const char* target : {"/a%zz", "/a%4", "/a%", "/s?q=%G1", "/s?q=%4", "/s?%=1", "/s?q=ab%"}) {
    const Outcome out = FeedAll(absl::StrCat("GET ", target, " HTTP/1.1\r\n\r\n"));
    EXPECT_EQ(out.state, State::kError) << target;
    EXPECT_EQ(out.error_status, 400) << target;
  }
}

TEST(HttpParserTest, PercentDecodeDirectly) {
  struct Case {
    const char* in;
    bool plus_is_space;
    bool ok;
    const char* out;
  };
  const Case kCases[] = {
      {"", false, true, ""},
      {"plain", false, true, "plain"},
      {"a%20b", false, true, "a b"},
      {"a+b", false, true, "a+b"},
      {"a+b", true, true, "a b"},
      {"%2B", true, true, "+"},
      {"%41%62%7e%7E", false, true, "Ab~~"},
      {"%", false, false, ""},
      {"abc%", true, false, ""},
      {"%1", false, false, ""},
      {"%G1", false, false, ""},
      {"%1G", false, false, ""},
      {"a%%20", false, false, ""},
  };
  for (const Case& c : kCases) {
    std::string out;
    EXPECT_EQ(PercentDecode(c.in, c.plus_is_space, &out), c.ok)
        << c.in << " plus_is_space=" << c.plus_is_space;
    if (c.ok) {
      EXPECT_EQ(out, c.out) << c.in;
    }
  }
}

TEST(HttpParserTest, ParseQueryStringDirectly) {
  QueryParams p;
  ASSERT_TRUE(ParseQueryString("a=1&b=&c&a=2", &p));
  EXPECT_EQ(p, (QueryParams{{"a", "1"}, {"a", "2"}, {"b", ""}, {"c", ""}}));
  // Repeated names keep their order.
  auto range = p.equal_range("a");
  ASSERT_EQ(std::distance(range.first, range.second), 2);
  EXPECT_EQ(range.first->second, "1");
  EXPECT_EQ(std::next(range.first)->second, "2");

  QueryParams empty;
  EXPECT_TRUE(ParseQueryString("", &empty));
  EXPECT_TRUE(empty.empty());
  QueryParams skipped;
  EXPECT_TRUE(ParseQueryString("&&&", &skipped));
  EXPECT_TRUE(skipped.empty());

  QueryParams decoded;
  ASSERT_TRUE(ParseQueryString("q=new+york%21&k%2By=%2B", &decoded));
  EXPECT_EQ(decoded, (QueryParams{{"k+y", "+"}, {"q", "new york!"}}));

  for (const char* bad : {"q=%", "q=%zz", "%4=1", "a=1&b=%g0"}) {
    QueryParams out;
    EXPECT_FALSE(ParseQueryString(bad, &out)) << bad;
  }
}

TEST(HttpParserTest, ContentLengthBodyAnySplit) {
  const std::string input =
      "POST /submit?x=1 HTTP/1.1\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\n"
      "hello\r\nworl";
  const Outcome out = ExpectCompleteEveryWay(input);
  EXPECT_EQ(out.request.body, "hello\r\nworl");
  EXPECT_EQ(out.request.method, "POST");
  EXPECT_EQ(out.request.params, (QueryParams{{"x", "1"}}));
  EXPECT_TRUE(out.rest.empty());
}

TEST(HttpParserTest, ZeroContentLengthCompletesWithTheHead) {
  const Outcome out = FeedAll("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(out.state, State::kComplete);
  EXPECT_TRUE(out.request.body.empty());
}

TEST(HttpParserTest, ChunkedBodyWithExtensionsAndTrailersAnySplit) {
  const std::string input =
      "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nfirst\r\n"
      "A\r\n, then ten\r\n"
      "1a;x;y=\"q\"\r\nabcdefghijklmnopqrstuvwxyz\r\n"
      "000\r\n"
      "X-Trailer: t\r\nX-Other: u\r\n\r\n";
  const Outcome out = ExpectCompleteEveryWay(input);
  EXPECT_EQ(out.request.body, "first, then tenabcdefghijklmnopqrstuvwxyz");
  EXPECT_TRUE(out.rest.empty());
}

TEST(HttpParserTest, ChunkedBodyWithoutTrailersAndLastChunkExtension) {
  const std::string input =
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0;end=1\r\n\r\n";
  const Outcome out = ExpectCompleteEveryWay(input);
  EXPECT_EQ(out.request.body, "abc");
}

TEST(HttpParserTest, TransferEncodingChunkedIsCaseInsensitive) {
  const Outcome out =
      FeedAll("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n");
  ASSERT_EQ(out.state, State::kComplete) << out.error_status << " " << out.error_detail;
  EXPECT_EQ(out.request.body, "ok");
}

TEST(HttpParserTest, PipelinedRequestIsLeftUnconsumed) {
  const std::string first = "GET /one?a=1 HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string second = "GET /two HTTP/1.1\r\nConnection: close\r\n\r\n";
  const Outcome out = ExpectCompleteEveryWay(first + second);
  EXPECT_EQ(out.request.path, "/one");
  EXPECT_EQ(out.rest, second);
  EXPECT_EQ(out.bytes_seen, first.size());
}

TEST(HttpParserTest, PipelinedAfterBodiesAndResetParsesTheRest) {
  const std::string r1 = "POST /1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
  const std::string r2 =
      "POST /2 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n";
  const std::string r3 = "GET /3?z=%7A HTTP/1.0\r\n\r\n";
  std::string input = r1 + r2 + r3;

  RequestParser parser{Limits()};
  std::vector<Request> got;
  while (!input.empty()) {
    size_t consumed = 0;
    const State s = parser.Parse(input, &consumed);
    ASSERT_EQ(s, State::kComplete)
        << StateName(s) << " " << parser.error_detail() << " at " << Printable(input);
    input.erase(0, consumed);
    got.push_back(parser.request());
    parser.Reset();
    EXPECT_EQ(parser.state(), State::kHead);
    EXPECT_TRUE(parser.request().method.empty());
    EXPECT_TRUE(parser.request().headers.empty());
    EXPECT_TRUE(parser.request().body.empty());
    EXPECT_TRUE(parser.request().params.empty());
    EXPECT_EQ(parser.error_status(), 0);
    EXPECT_EQ(parser.bytes_seen(), 0u);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].path, "/1");
  EXPECT_EQ(got[0].body, "abc");
  EXPECT_EQ(got[1].path, "/2");
  EXPECT_EQ(got[1].body, "de");
  EXPECT_EQ(got[2].path, "/3");
  EXPECT_EQ(got[2].params, (QueryParams{{"z", "z"}}));
  EXPECT_EQ(got[2].version_minor, 0);
  EXPECT_FALSE(got[2].keep_alive);
  EXPECT_TRUE(got[2].body.empty());
  EXPECT_TRUE(got[2].headers.empty());
}

TEST(HttpParserTest, ResetAfterAnErrorParsesAFreshRequest) {
  RequestParser parser{Limits()};
  size_t consumed = 0;
  ASSERT_EQ(parser.Parse("GET / HTTP/2.0\r\n\r\n", &consumed), State::kError);
  parser.Reset();
  EXPECT_EQ(parser.error_status(), 0);
  EXPECT_TRUE(parser.error_detail().empty());
  ASSERT_EQ(parser.Parse("GET /ok HTTP/1.1\r\n\r\n", &consumed), State::kComplete);
  EXPECT_EQ(parser.request().path, "/ok");
}

TEST(HttpParserTest, LimitsAcceptWhatFits) {
  const Limits limits = SmallLimits();
  // Request line of 62 bytes without its CRLF: fits however CRLF is counted.
  const std::string line = absl::StrCat("GET /", std::string(62 - 14, 'a'), " HTTP/1.1");
  ASSERT_EQ(line.size(), 62u);
  std::string headers;
  for (int i = 0; i < 5; ++i)
    absl::StrAppend(&headers, "X-H", i, ": ", std::string(20, 'v'), "\r\n");
  const std::string input = absl::StrCat(line, "\r\n", headers, "Content-Length: 100\r\n\r\n");
  // Six fields would be one too many; so five with Content-Length as a sixth
  // must fail, and four plus Content-Length must pass.
  EXPECT_EQ(ErrorStatusEveryWay(input, limits), 431);
  std::string four;
  for (int i = 0; i < 4; ++i) absl::StrAppend(&four, "X-H", i, ": ", std::string(20, 'v'), "\r\n");
  const std::string ok =
      absl::StrCat(line, "\r\n", four, "Content-Length: 100\r\n\r\n", std::string(100, 'b'));
  const Outcome out = ExpectCompleteEveryWay(ok, limits);
  EXPECT_EQ(out.request.body.size(), 100u);

  const std::string chunked_ok =
      absl::StrCat("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n",
                   std::string(60, 'x'), "\r\n28\r\n", std::string(40, 'y'), "\r\n0\r\n\r\n");
  EXPECT_EQ(ExpectCompleteEveryWay(chunked_ok, limits).request.body.size(), 100u);
}

TEST(HttpParserTest, ErrorsCarryTheirStatus) {
  const Limits limits = SmallLimits();
  struct Case {
    const char* what;
    std::string input;
    int status;
  };
  std::string many_headers = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 6; ++i) absl::StrAppend(&many_headers, "X-H", i, ": v\r\n");
  many_headers += "\r\n";
  const Case kCases[] = {
      {"long request line", absl::StrCat("GET /", std::string(100, 'a'), " HTTP/1.1\r\n\r\n"), 414},
      {"header section too big",
       absl::StrCat("GET / HTTP/1.1\r\nX-Big: ", std::string(300, 'h'), "\r\n\r\n"), 431},
      {"header section too big in small fields",
       absl::StrCat("GET / HTTP/1.1\r\nA: ", std::string(90, 'h'), "\r\nB: ", std::string(90, 'h'),
                    "\r\nC: ", std::string(90, 'h'), "\r\n\r\n"),
       431},
      {"too many headers", many_headers, 431},
      {"Content-Length above max_body_bytes", "POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n",
       413},
      {"chunked body growing above max_body_bytes",
       absl::StrCat("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n",
                    std::string(60, 'x'), "\r\n29\r\n", std::string(41, 'y'), "\r\n0\r\n\r\n"),
       413},
      {"Content-Length with Transfer-Encoding",
       "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"Transfer-Encoding before Content-Length",
       "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400},
      {"two different Content-Lengths",
       "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400},
      {"non-numeric Content-Length", "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400},
      {"negative Content-Length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
      {"signed Content-Length", "POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello", 400},
      {"Content-Length with trailing junk", "POST / HTTP/1.1\r\nContent-Length: 5x\r\n\r\n", 400},
      {"Content-Length with two numbers", "POST / HTTP/1.1\r\nContent-Length: 5 5\r\n\r\n", 400},
      {"empty Content-Length", "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400},
      {"overflowing Content-Length",
       "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400},
      {"Content-Length wrapping to 3 in 64 bits",
       "POST / HTTP/1.1\r\nContent-Length: 18446744073709551619\r\n\r\nabc", 400},
      {"bad chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"empty chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400},
      {"negative chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n",
       400},
      {"missing CRLF after chunk data",
       "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n", 400},
      {"header line without colon", "GET / HTTP/1.1\r\nNoColonHere\r\n\r\n", 400},
      {"space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
      {"space inside field name", "GET / HTTP/1.1\r\nX Y: z\r\n\r\n", 400},
      {"empty field name", "GET / HTTP/1.1\r\n: z\r\n\r\n", 400},
      {"NUL in request line", std::string("GET /a\0b HTTP/1.1\r\n\r\n", 21), 400},
      {"bare CR ending the request line", "GET / HTTP/1.1\rHost: x\r\n\r\n", 400},
      {"Transfer-Encoding gzip", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"Transfer-Encoding gzip then chunked",
       "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
      {"HTTP/2.0", "GET / HTTP/2.0\r\n\r\n", 505},
      {"HTTP/0.9 style request line without version", "GET /\r\n\r\n", 400},
      {"unknown protocol", "GET / FTP/1.1\r\n\r\n", 400},
      {"empty method", " / HTTP/1.1\r\n\r\n", 400},
      {"malformed escape in the path", "GET /%zz HTTP/1.1\r\n\r\n", 400},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(ErrorStatusEveryWay(c.input, limits), c.status)
        << c.what << ": " << Printable(c.input);
  }
}

TEST(HttpParserTest, OverlongLinesFailBeforeTheyEnd) {
  // A peer that never sends CRLF must not make the parser wait (and the
  // server buffer) forever: the limit applies to what has arrived.
  const Limits limits = SmallLimits();
  const Outcome line = FeedAll(absl::StrCat("GET /", std::string(500, 'a')), limits);
  EXPECT_EQ(line.state, State::kError);
  EXPECT_EQ(line.error_status, 414);
  const Outcome header =
      FeedAll(absl::StrCat("GET / HTTP/1.1\r\nX-Big: ", std::string(1000, 'h')), limits);
  EXPECT_EQ(header.state, State::kError);
  EXPECT_EQ(header.error_status, 431);
}

TEST(HttpParserTest, ChunkSizeOverflowIsRejected) {
  // 2^64 + 3 would wrap to 3 with unchecked arithmetic.
  const std::string input =
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000003\r\nabc\r\n0\r\n\r\n";
  const Outcome out = FeedAll(input, SmallLimits());
  EXPECT_EQ(out.state, State::kError);
  EXPECT_TRUE(out.error_status == 400 || out.error_status == 413) << out.error_status;
}

TEST(HttpParserTest, HeadIsNotConsumedUntilComplete) {
  RequestParser parser{Limits()};
  size_t consumed = 99;
  EXPECT_EQ(parser.Parse("GET / HTTP/1.1\r\nHost: x\r\n", &consumed), State::kHead);
  EXPECT_EQ(consumed, 0u);
  EXPECT_EQ(parser.Parse("GET / HTTP/1.1\r\nHost: x\r\n\r", &consumed), State::kHead);
  EXPECT_EQ(consumed, 0u);
  const std::string whole = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(parser.Parse(whole, &consumed), State::kComplete);
  EXPECT_EQ(consumed, whole.size());
}

}  // namespace
}  // namespace newsdex::server::http

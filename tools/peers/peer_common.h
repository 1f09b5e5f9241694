// Shared pieces of the benchmark peers (fts5-peer, lucene-peer, xapian-query,
// newsdex-query-bench) and make-queries: the common query-file format
// (docs/benchmarks.md, "Query files"), the JSONL input they index, their
// command line, the timed passes over a query file, latency percentiles,
// resource figures and the machine-readable output lines. Thread-safety: free
// functions without shared state.
#ifndef NEWSDEX_TOOLS_PEERS_PEER_COMMON_H_
#define NEWSDEX_TOOLS_PEERS_PEER_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::tools {

// One line of a query file. Every word and every phrase must match (AND);
// filters restrict the matches without changing their scores.
struct BenchQuery {
  std::string text;                              // the line as written
  std::vector<std::string> words;                // lowercase
  std::vector<std::vector<std::string>> phrases; // each >= 2 words, lowercase
  std::vector<std::string> countries;            // "country:xx" (lowercase codes)
  std::optional<int> year;                       // "year:YYYY"
};

// Parses one query line: space-separated words, "double-quoted phrases",
// country:xx and year:YYYY filters. kInvalidArgument (message names the
// problem) for an unterminated quote, an unknown field, a bad year, or a query
// with no word or phrase.
absl::StatusOr<BenchQuery> ParseQueryLine(absl::string_view line);

// Reads a query file: one query per line; blank lines and lines starting with
// '#' are skipped. The first bad line fails the read with "path:line: reason".
absl::StatusOr<std::vector<BenchQuery>> ReadQueryFile(const std::string& path);

// Renders a query back into the query-file syntax (round-trips ParseQueryLine).
std::string FormatQuery(const BenchQuery& query);

// An input record of the JSONL the peers index.
struct PeerDoc {
  std::string id;
  std::string title;
  std::string body;
  std::string date;  // "YYYYMMDD", or empty
  std::vector<std::string> countries;  // lowercase codes
  std::vector<std::string> actors;     // names as given
};

// Reads JSON Lines (fields as docs/benchmarks.md lists: id, title, body or
// text, date or published starting "YYYY-MM-DD", optional countries/actors as
// strings or objects with code/name). Calls `on_doc` for each record; a
// callback error stops the read and is returned. Bad lines are counted in
// `*bad_lines` and skipped. `*bytes_read` gets the input size.
absl::Status ReadPeerJsonl(const std::string& path, const std::function<absl::Status(PeerDoc)>& on_doc,
                           uint64_t* bytes_read, uint64_t* bad_lines);

struct LatencySummary {
  uint64_t count = 0;
  double mean_us = 0;
  uint64_t p50_us = 0, p95_us = 0, p99_us = 0, max_us = 0;
};

// Nearest-rank percentiles of `micros` (may be empty: all zero).
LatencySummary SummarizeLatencies(std::vector<uint64_t> micros);

// Prints the one-line JSON summary every query program ends with: `peer`,
// mode "query", the latency percentiles, wall seconds since `wall_start_us`
// and peak RSS, plus the program's own `extra` fields.
void PrintQuerySummary(absl::string_view peer, const std::vector<uint64_t>& latencies,
                       uint64_t wall_start_us, nlohmann::json extra);

// Peak resident set size of this process so far, in KiB (getrusage).
uint64_t PeakRssKb();

// Bytes used by the files under `path` (a file or a directory tree).
uint64_t DiskUsageBytes(const std::string& path);

// Monotonic microseconds.
uint64_t NowMicros();

// Appends the per-query output line
//   Q <tab> qid <tab> latency_us <tab> total <tab> id1,id2,...
// (total is -1 when not computed) to stdout.
void PrintQueryLine(size_t qid, uint64_t latency_us, int64_t total, const std::vector<std::string>& ids);

// Prints the one-line JSON summary every peer's index run ends with: `peer`,
// mode "index", documents, bad input lines, input bytes, wall seconds since
// `start_us` and the rates they give, the index size and peak RSS.
void PrintIndexSummary(absl::string_view peer, uint64_t docs, uint64_t bad_lines,
                       uint64_t input_bytes, uint64_t start_us, uint64_t index_bytes);

// The query options of the peers' command lines; each peer accepts those it
// can honour.
struct PeerQueryOptions {
  bool exact_total = true;  // --no-total clears it: the top hits only
  bool facets = false;      // --facets: also count facets
  bool warmup = false;      // --warmup: one untimed pass over the file first
};

// Splits a peer's command line into its positional arguments and the query
// options named in `accepted` (any of "--no-total", "--facets", "--warmup").
// kInvalidArgument ("unknown option --x") for any other argument that starts
// with "--".
absl::Status ParsePeerArgs(int argc, const char* const* argv,
                           const std::vector<std::string>& accepted,
                           std::vector<std::string>* positional, PeerQueryOptions* options);

// A peer that builds its own index (fts5-peer, lucene-peer):
//   NAME index DB JSONL
//   NAME query DB QUERIES [query_options]
struct PeerProgram {
  std::string name;   // "fts5-peer", for messages
  std::string usage;  // printed after "usage: " on a usage error
  std::vector<std::string> query_options;
  std::function<absl::Status(const std::string& db, const std::string& jsonl)> index;
  std::function<absl::Status(const std::string& db, const std::string& queries,
                             const PeerQueryOptions& options)>
      query;
};

// The main() of a PeerProgram. Returns the exit status: 0, 1 when the index
// or query run fails, 2 on a usage error. Messages go to the log.
int PeerMain(int argc, const char* const* argv, const PeerProgram& program);

// One answered query.
struct PeerAnswer {
  std::vector<std::string> ids;  // the top hits, best first
  int64_t total = -1;            // matches in all; -1 when not counted
  std::string after;             // printed after the query's "Q" line (fts5's "F" lines)
  std::string error;             // not empty: the query failed; counted, logged, the run goes on
};

// What the timed pass over a query file measured.
struct QueryTimings {
  std::vector<uint64_t> latencies;  // microseconds, one per query
  uint64_t zero_hits = 0;           // answered queries without a hit
  uint64_t errors = 0;              // queries whose answer has an error
  uint64_t wall_start_us = 0;       // NowMicros() when the first pass began
};

// Calls `answer(qid)` for each qid in [0, count), timing each call; with
// `warmup`, one untimed pass first. The timed pass prints each query's "Q"
// line (PrintQueryLine, numbered from 1) and its `after`, and logs each
// failed query. An error returned by `answer` ends the run with that error.
absl::StatusOr<QueryTimings> TimeQueries(
    size_t count, bool warmup, const std::function<absl::StatusOr<PeerAnswer>(size_t qid)>& answer);

}  // namespace newsdex::tools

#endif  // NEWSDEX_TOOLS_PEERS_PEER_COMMON_H_

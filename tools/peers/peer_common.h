// Shared pieces of the benchmark peers (fts5-peer, lucene-peer, xapian-query)
// and make-queries: the common query-file format (docs/benchmarks.md, "Query
// files"), the JSONL input they index, latency percentiles, resource figures
// and the machine-readable output lines. Thread-safety: free functions without
// shared state.
#ifndef NEWSDEX_TOOLS_PEERS_PEER_COMMON_H_
#define NEWSDEX_TOOLS_PEERS_PEER_COMMON_H_

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

}  // namespace newsdex::tools

#endif  // NEWSDEX_TOOLS_PEERS_PEER_COMMON_H_

// newsdex-query-bench: answers a benchmark query file (docs/benchmarks.md,
// "Query files") with newsdex's query library, single-threaded, and prints the
// same per-query lines and JSON summary as the peers.
//
//   newsdex-query-bench DB QUERIES [--no-total] [--facets] [--warmup]
//
// Default: top 10 by relevance with the exact total (as xapian-query and
// fts5-peer). --facets also computes exact counts of every facet (actor,
// country, about, lang, source, date histogram). --warmup runs the file once
// before the timed pass.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/log.h"
#include "query/search.h"
#include "tools/peers/peer_common.h"

namespace newsdex::tools {
namespace {

std::string ToQueryLanguage(const BenchQuery& q) {
  std::vector<std::string> parts;
  for (const std::string& w : q.words) parts.push_back(w);
  for (const auto& phrase : q.phrases) parts.push_back(absl::StrCat("\"", absl::StrJoin(phrase, " "), "\""));
  return absl::StrJoin(parts, " AND ");
}

int Main(int argc, char** argv) {
  std::vector<std::string> positional;
  bool exact_total = true, facets = false, warmup = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--no-total") {
      exact_total = false;
    } else if (a == "--facets") {
      facets = true;
    } else if (a == "--warmup") {
      warmup = true;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 2) {
    NEWSDEX_LOG(ERROR) << "usage: newsdex-query-bench DB QUERIES [--no-total] [--facets] [--warmup]";
    return 2;
  }
  auto queries = ReadQueryFile(positional[1]);
  if (!queries.ok()) {
    NEWSDEX_LOG(ERROR) << queries.status().message();
    return 1;
  }
  auto searcher = query::Searcher::Open(positional[0], query::SearcherOptions());
  if (!searcher.ok()) {
    NEWSDEX_LOG(ERROR) << searcher.status().message();
    return 1;
  }
  std::vector<query::SearchRequest> requests;
  for (const BenchQuery& q : *queries) {
    query::SearchRequest r;
    r.q = ToQueryLanguage(q);
    r.countries = q.countries;
    if (q.year) {
      r.from = absl::CivilDay(*q.year, 1, 1);
      r.to = absl::CivilDay(*q.year, 12, 31);
    }
    r.limit = 10;
    r.highlight = false;
    // The peers return ids only; so does this side (snippets are measured by
    // the daemon benchmark).
    r.snippets = false;
    r.exact_total = exact_total;
    if (facets) r.facets = {"actor", "country", "about", "lang", "source", "date"};
    requests.push_back(std::move(r));
  }
  std::vector<uint64_t> latencies;
  uint64_t zero_hits = 0, errors = 0;
  const uint64_t wall_start = NowMicros();
  for (int pass = warmup ? 0 : 1; pass < 2; ++pass) {
    latencies.clear();
    zero_hits = 0;
    errors = 0;
    for (size_t qid = 0; qid < requests.size(); ++qid) {
      const uint64_t start = NowMicros();
      auto response = (*searcher)->Search(requests[qid]);
      const uint64_t latency = NowMicros() - start;
      latencies.push_back(latency);
      std::vector<std::string> ids;
      int64_t total = -1;
      if (!response.ok()) {
        ++errors;
        if (pass == 1) NEWSDEX_LOG(WARNING) << "query " << qid + 1 << ": " << response.status().message();
      } else {
        for (const query::Hit& h : response->hits) ids.push_back(h.id);
        if (exact_total || facets) total = static_cast<int64_t>(response->total);
        if (response->hits.empty()) ++zero_hits;
      }
      if (pass == 1) PrintQueryLine(qid + 1, latency, total, ids);
    }
  }
  const double wall_s = static_cast<double>(NowMicros() - wall_start) / 1e6;
  const LatencySummary s = SummarizeLatencies(latencies);
  nlohmann::json summary = {{"peer", "newsdex"},       {"mode", facets ? "query+facets" : "query"},
                            {"queries", s.count},      {"exact_total", exact_total},
                            {"errors", errors},        {"zero_hit_queries", zero_hits},
                            {"p50_us", s.p50_us},      {"p95_us", s.p95_us},
                            {"p99_us", s.p99_us},      {"mean_us", std::round(s.mean_us)},
                            {"max_us", s.max_us},      {"wall_s", std::round(wall_s * 1000) / 1000},
                            {"peak_rss_kb", PeakRssKb()}};
  std::printf("%s\n", summary.dump().c_str());
  return errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) { return newsdex::tools::Main(argc, argv); }

// newsdex-query-bench: answers a benchmark query file (docs/benchmarks.md,
// "Query files") with newsdex's query library, single-threaded, and prints the
// same per-query lines and JSON summary as the peers.
//
//   newsdex-query-bench DB QUERIES [--no-total] [--facets] [--warmup]
//                       [--daemon-request] [--threads N --seconds S] [--cluster]
//                       [--no-snapshot-bm25]
//
// Default: top 10 by relevance with the exact total (as xapian-query and
// fts5-peer). --facets also computes exact counts of every facet (actor,
// country, about, lang, source, date histogram). --warmup runs the file once
// before the timed pass. --daemon-request asks exactly what newsdexd's
// GET /search?q=...&limit=10 asks by default (highlighted snippets, estimated
// total, the 2 s time limit), so its throughput is the in-process baseline for the daemon.
// --threads N runs N threads, each with its own Searcher (as newsdexd's
// workers), cycling through the file from different offsets for S seconds,
// and prints the total throughput instead of per-query lines. --cluster reads
// DB as a cluster file (docs/deployment.md), as newsdexd --cluster does.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "core/cluster.h"
#include "core/log.h"
#include "core/status_macros.h"
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

absl::StatusOr<std::unique_ptr<query::Searcher>> OpenSearcher(
    const std::string& db, bool cluster, const query::SearcherOptions& options) {
  if (!cluster) return query::Searcher::Open(db, options);
  NEWSDEX_ASSIGN_OR_RETURN(core::Cluster c, core::ReadClusterFile(db));
  return query::Searcher::OpenCluster(c, options);
}

// Every thread answers the requests round-robin from its own starting offset
// with its own Searcher until the time is up; one untimed pass warms the
// cache first.
int Throughput(const std::string& db, bool cluster, const query::SearcherOptions& options,
               const std::vector<query::SearchRequest>& requests, int threads, double seconds) {
  std::vector<std::unique_ptr<query::Searcher>> searchers;
  for (int t = 0; t < threads; ++t) {
    auto searcher = OpenSearcher(db, cluster, options);
    if (!searcher.ok()) {
      NEWSDEX_LOG(ERROR) << searcher.status().message();
      return 1;
    }
    searchers.push_back(*std::move(searcher));
  }
  for (const query::SearchRequest& r : requests) (void)searchers[0]->Search(r);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0}, errors{0};
  std::vector<std::thread> pool;
  const uint64_t start = NowMicros();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      size_t i = requests.size() * static_cast<size_t>(t) / static_cast<size_t>(threads);
      uint64_t n = 0, bad = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!searchers[static_cast<size_t>(t)]->Search(requests[i]).ok()) ++bad;
        ++n;
        if (++i == requests.size()) i = 0;
      }
      done += n;
      errors += bad;
    });
  }
  std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)));
  stop = true;
  for (std::thread& t : pool) t.join();
  const double wall_s = static_cast<double>(NowMicros() - start) / 1e6;
  nlohmann::json summary = {{"peer", "newsdex"},
                            {"mode", "throughput"},
                            {"threads", threads},
                            {"requests", done.load()},
                            {"errors", errors.load()},
                            {"wall_s", std::round(wall_s * 1000) / 1000},
                            {"qps", std::round(static_cast<double>(done.load()) / wall_s)}};
  std::printf("%s\n", summary.dump().c_str());
  return errors == 0 ? 0 : 1;
}

int Main(int argc, char** argv) {
  std::vector<std::string> positional;
  bool exact_total = true, facets = false, warmup = false, daemon_request = false;
  query::SearcherOptions options;
  bool cluster = false;
  int threads = 0;
  double seconds = 10;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "--threads" || a == "--seconds") && i + 1 < argc) {
      const std::string v = argv[++i];
      char* end = nullptr;
      const double x = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || x <= 0 || (a == "--threads" && x > 256)) {
        NEWSDEX_LOG(ERROR) << a << ": expected a positive number, got \"" << v << "\"";
        return 2;
      }
      if (a == "--threads") threads = static_cast<int>(x);
      else seconds = x;
    } else if (a == "--daemon-request") {
      daemon_request = true;
    } else if (a == "--no-total") {
      exact_total = false;
    } else if (a == "--facets") {
      facets = true;
    } else if (a == "--warmup") {
      warmup = true;
    } else if (a == "--cluster") {
      cluster = true;
    } else if (a == "--no-snapshot-bm25") {
      // Xapian's BM25Weight reads the document lengths, for side-by-side figures.
      options.snapshot_bm25 = false;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 2) {
    NEWSDEX_LOG(ERROR) << "usage: newsdex-query-bench DB QUERIES [--no-total] [--facets] [--warmup]"
                          " [--daemon-request] [--threads N --seconds S] [--cluster] [--no-snapshot-bm25]";
    return 2;
  }
  auto queries = ReadQueryFile(positional[1]);
  if (!queries.ok()) {
    NEWSDEX_LOG(ERROR) << queries.status().message();
    return 1;
  }
  auto searcher = OpenSearcher(positional[0], cluster, options);
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
    // The peers return ids only; so does this side unless it stands in for
    // the daemon.
    r.highlight = daemon_request;
    r.snippets = daemon_request;
    r.exact_total = daemon_request ? false : exact_total;
    // newsdexd's default --time-limit-ms: the matcher arms a timer per search.
    if (daemon_request) r.time_limit = absl::Seconds(2);
    if (facets) r.facets = {"actor", "country", "about", "lang", "source", "date"};
    requests.push_back(std::move(r));
  }
  if (threads > 0) return Throughput(positional[0], cluster, options, requests, threads, seconds);
  auto answer = [&](size_t qid) -> absl::StatusOr<PeerAnswer> {
    PeerAnswer a;
    absl::StatusOr<query::SearchResponse> response = (*searcher)->Search(requests[qid]);
    if (!response.ok()) {
      a.error = std::string(response.status().message());
      return a;
    }
    for (const query::Hit& h : response->hits) a.ids.push_back(h.id);
    if (exact_total || facets) a.total = static_cast<int64_t>(response->total);
    return a;
  };
  absl::StatusOr<QueryTimings> t = TimeQueries(requests.size(), warmup, answer);
  if (!t.ok()) {
    NEWSDEX_LOG(ERROR) << t.status().message();
    return 1;
  }
  PrintQuerySummary("newsdex", t->latencies, t->wall_start_us,
                    {{"mode", facets ? "query+facets" : "query"},
                     {"exact_total", exact_total},
                     {"errors", t->errors},
                     {"zero_hit_queries", t->zero_hits}});
  return t->errors == 0 ? 0 : 1;
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) { return newsdex::tools::Main(argc, argv); }

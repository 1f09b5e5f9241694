// newsdex-parallel-bench: the ranked pass in one piece against split in two
// docid ranges (SearcherOptions::parallel_rank_min_postings), side by side in
// one process, so a busy machine moves both alike.
//
//   newsdex-parallel-bench DB QUERIES [--facets] [--no-total] [--reps N]
//                          [--min-postings N] [--threads N --seconds S]
//
// QUERIES is a benchmark query file (docs/benchmarks.md, "Query files"):
// words and "phrases" ANDed, country:xx and year:YYYY filters. Every request
// asks for the top 10 by relevance with the exact total (as the peers do;
// --no-total: an estimate) and, with --facets, every facet and the date
// histogram. Latency mode: each query runs --reps times on each path, the
// paths alternating; a query's figure is its median; the summary gives p50
// and p99 over the queries of wall and process CPU time (both threads), for
// all queries and for the broad ones (largest posting list >= 10% of the
// documents), and the mean by posting-list size, from which the threshold is
// read. --threads: N threads with a Searcher each answer the file round-robin
// for S seconds, split enabled then disabled, twice, and print throughput.
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/schema.h"
#include "query/search.h"

namespace newsdex::query {
namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One line of a benchmark query file as a request; false for a blank or
// comment line.
bool ParseLine(const std::string& line, SearchRequest* r) {
  if (line.empty() || line[0] == '#') return false;
  std::vector<std::string> parts;
  for (size_t i = 0; i < line.size();) {
    if (line[i] == ' ') {
      ++i;
    } else if (line[i] == '"') {
      const size_t end = line.find('"', i + 1);
      parts.push_back(line.substr(i, end == std::string::npos ? end : end - i + 1));
      i = end == std::string::npos ? line.size() : end + 1;
    } else {
      const size_t end = std::min(line.find(' ', i), line.size());
      std::string token = line.substr(i, end - i);
      int year = 0;
      if (absl::StartsWith(token, "country:")) {
        r->countries.push_back(token.substr(8));
      } else if (absl::StartsWith(token, "year:") && absl::SimpleAtoi(token.substr(5), &year)) {
        r->from = absl::CivilDay(year, 1, 1);
        r->to = absl::CivilDay(year, 12, 31);
      } else {
        parts.push_back(token);
      }
      i = end;
    }
  }
  r->q = absl::StrJoin(parts, " AND ");
  return true;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

double Median(std::vector<double> v) { return Percentile(std::move(v), 0.5); }

// The split path's threshold (--min-postings; default: SearcherOptions's).
int64_t g_min_postings = SearcherOptions().parallel_rank_min_postings;

SearcherOptions Options(bool split) {
  SearcherOptions options;
  options.parallel_rank_min_postings = split ? g_min_postings : -1;
  return options;
}

struct Timing {
  double wall_ms = 0, cpu_ms = 0;
  bool split = false;
};

Timing TimeOne(Searcher& searcher, const SearchRequest& r) {
  const double w0 = WallSeconds(), c0 = CpuSeconds();
  absl::StatusOr<SearchResponse> resp = searcher.Search(r);
  Timing t;
  t.wall_ms = (WallSeconds() - w0) * 1e3;
  t.cpu_ms = (CpuSeconds() - c0) * 1e3;
  t.split = resp.ok() && resp->ranked_in_parallel;
  return t;
}

// The largest posting list among the words of `q` (Snowball english, close
// enough to core/analyzer.h for bucketing).
Xapian::doccount LargestWordPostings(const Xapian::Database& db, const std::string& q) {
  Xapian::doccount big = 0;
  const Xapian::Stem stem("english");
  for (absl::string_view word : absl::StrSplit(q, ' ')) {
    if (word == "AND") continue;
    const std::string folded =
        absl::AsciiStrToLower(absl::StripSuffix(absl::StripPrefix(word, "\""), "\""));
    big = std::max(big, db.get_termfreq(core::FreeTextTerm(core::FieldId::kText, stem(folded))));
  }
  return big;
}

int Latency(const std::string& db_path, const std::vector<SearchRequest>& requests, int reps) {
  auto single = Searcher::Open(db_path, Options(false));
  auto split = Searcher::Open(db_path, Options(true));
  if (!single.ok() || !split.ok()) {
    std::fprintf(stderr, "%s\n", std::string((single.ok() ? split : single).status().message()).c_str());
    return 1;
  }
  Xapian::Database db(db_path);
  const double doccount = db.get_doccount();
  for (const SearchRequest& r : requests) (void)(*single)->Search(r);  // warm the cache
  std::vector<double> wall[2], cpu[2], broad_wall[2], broad_cpu[2];
  std::vector<double> largest;
  int split_queries = 0;
  // Buckets by the largest posting list: < 1k, < 10k, < 30k, < 100k, >= 100k.
  const double kBounds[] = {1e3, 1e4, 3e4, 1e5, 1e18};
  double bucket_wall[5][2] = {}, bucket_cpu[5][2] = {};
  int bucket_n[5] = {};
  for (const SearchRequest& r : requests) {
    std::vector<double> w[2], c[2];
    bool did_split = false;
    for (int rep = 0; rep < reps; ++rep) {
      for (int path = 0; path < 2; ++path) {
        const Timing t = TimeOne(path == 0 ? **single : **split, r);
        w[path].push_back(t.wall_ms);
        c[path].push_back(t.cpu_ms);
        did_split |= t.split;
      }
    }
    split_queries += did_split;
    const Xapian::doccount big = LargestWordPostings(db, r.q);
    const bool broad = big >= doccount / 10;
    int b = 0;
    while (big >= kBounds[b]) ++b;
    ++bucket_n[b];
    for (int path = 0; path < 2; ++path) {
      const double mw = Median(w[path]), mc = Median(c[path]);
      wall[path].push_back(mw);
      cpu[path].push_back(mc);
      if (broad) {
        broad_wall[path].push_back(mw);
        broad_cpu[path].push_back(mc);
      }
      bucket_wall[b][path] += mw;
      bucket_cpu[b][path] += mc;
    }
  }
  auto line = [](const char* name, std::vector<double>* w, std::vector<double>* c) {
    std::printf("%-8s n=%zu  single: wall p50 %.2f p99 %.2f cpu p50 %.2f p99 %.2f ms | "
                "split: wall p50 %.2f p99 %.2f cpu p50 %.2f p99 %.2f ms\n",
                name, w[0].size(), Percentile(w[0], 0.5), Percentile(w[0], 0.99),
                Percentile(c[0], 0.5), Percentile(c[0], 0.99), Percentile(w[1], 0.5),
                Percentile(w[1], 0.99), Percentile(c[1], 0.5), Percentile(c[1], 0.99));
  };
  line("all", wall, cpu);
  line("broad", broad_wall, broad_cpu);
  std::printf("queries that split: %d of %zu\n", split_queries, requests.size());
  const char* kNames[] = {"<1k", "1k-10k", "10k-30k", "30k-100k", ">=100k"};
  for (int b = 0; b < 5; ++b) {
    if (bucket_n[b] == 0) continue;
    std::printf("largest %-9s n=%4d mean wall single %.2f split %.2f ms, cpu single %.2f split %.2f ms\n",
                kNames[b], bucket_n[b], bucket_wall[b][0] / bucket_n[b],
                bucket_wall[b][1] / bucket_n[b], bucket_cpu[b][0] / bucket_n[b],
                bucket_cpu[b][1] / bucket_n[b]);
  }
  return 0;
}

// Searches per second of `threads` threads, each with its own Searcher;
// `split_share`: the share of searches that ranked in two ranges.
double Throughput(const std::string& db_path, const std::vector<SearchRequest>& requests,
                  int threads, double seconds, bool split, double* split_share) {
  std::vector<std::unique_ptr<Searcher>> searchers;
  for (int t = 0; t < threads; ++t) searchers.push_back(*Searcher::Open(db_path, Options(split)));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> done{0}, splits{0};
  std::vector<std::thread> pool;
  const double start = WallSeconds();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      size_t i = requests.size() * static_cast<size_t>(t) / static_cast<size_t>(threads);
      uint64_t n = 0, n_split = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        absl::StatusOr<SearchResponse> resp = searchers[static_cast<size_t>(t)]->Search(requests[i]);
        n_split += resp.ok() && resp->ranked_in_parallel;
        ++n;
        if (++i == requests.size()) i = 0;
      }
      done += n;
      splits += n_split;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (std::thread& t : pool) t.join();
  *split_share = static_cast<double>(splits.load()) / static_cast<double>(std::max<uint64_t>(1, done.load()));
  return static_cast<double>(done.load()) / (WallSeconds() - start);
}

int Main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: newsdex-parallel-bench DB QUERIES [--facets] [--no-total] "
                         "[--reps N] [--min-postings N] [--threads N --seconds S]\n");
    return 2;
  }
  bool facets = false, exact_total = true;
  int reps = 3, threads = 0;
  double seconds = 10;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--facets") facets = true;
    if (a == "--no-total") exact_total = false;
    if (a == "--reps" && i + 1 < argc) reps = std::atoi(argv[++i]);
    if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
    if (a == "--min-postings" && i + 1 < argc) g_min_postings = std::atoll(argv[++i]);
  }
  std::ifstream in(argv[2]);
  std::vector<SearchRequest> requests;
  for (std::string line; std::getline(in, line);) {
    SearchRequest r;
    if (!ParseLine(line, &r)) continue;
    r.limit = 10;
    r.exact_total = exact_total;
    r.snippets = false;
    if (facets) r.facets = {"actor", "country", "about", "lang", "source", "date"};
    requests.push_back(std::move(r));
  }
  if (threads == 0) return Latency(argv[1], requests, reps);
  for (int round = 0; round < 2; ++round) {
    for (bool split : {true, false}) {
      const double c0 = CpuSeconds();
      double share = 0;
      const double qps = Throughput(argv[1], requests, threads, seconds, split, &share);
      std::printf("threads %d split %s: %.1f searches/s (process CPU %.1f s, %.1f%% split)\n",
                  threads, split ? "enabled " : "disabled", qps, CpuSeconds() - c0, 100 * share);
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace newsdex::query

int main(int argc, char** argv) { return newsdex::query::Main(argc, argv); }

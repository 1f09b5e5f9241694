// xapian-query: the query side of the "plain Xapian" peer. Answers a query
// file (docs/benchmarks.md, "Query files") over a database built by
// scriptindex with tools/peers/scriptindex.idx, with stock Xapian: QueryParser
// (english stemmer, STEM_SOME, default operator AND, phrases), BM25 with
// default parameters, top 10, and the exact total unless --no-total.
//
//   xapian-query DB QUERIES [--no-total] [--warmup]
//
// Output (stdout): one "Q<TAB>qid<TAB>latency_us<TAB>total<TAB>ids" line per
// query, then one JSON summary line. Exit status 0, 1 on error, 2 on usage.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <xapian.h>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"
#include "tools/peers/peer_common.h"

namespace newsdex::tools {
namespace {

struct Options {
  std::string db_path, queries_path;
  bool exact_total = true;
  bool warmup = false;
};

// The id stored by scriptindex's "field=id": document data is "id=<value>".
std::string IdFromData(const std::string& data) {
  for (size_t pos = 0; pos < data.size();) {
    size_t end = data.find('\n', pos);
    if (end == std::string::npos) end = data.size();
    if (data.compare(pos, 3, "id=") == 0) return data.substr(pos + 3, end - pos - 3);
    pos = end + 1;
  }
  return "";
}

absl::Status Run(const Options& options) {
  NEWSDEX_ASSIGN_OR_RETURN(const std::vector<BenchQuery> queries, ReadQueryFile(options.queries_path));
  return core::CallXapian(options.db_path, [&]() -> absl::Status {
    Xapian::Database db(options.db_path);
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(Xapian::Stem("english"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_AND);
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    const Xapian::doccount check_at_least = options.exact_total ? db.get_doccount() : 0;

    std::vector<uint64_t> latencies;
    uint64_t zero_hits = 0;
    const uint64_t wall_start = NowMicros();
    for (int pass = options.warmup ? 0 : 1; pass < 2; ++pass) {
      latencies.clear();
      zero_hits = 0;
      for (size_t qid = 0; qid < queries.size(); ++qid) {
        const BenchQuery& q = queries[qid];
        const uint64_t start = NowMicros();
        std::vector<std::string> parts = q.words;
        for (const auto& phrase : q.phrases) parts.push_back(absl::StrCat("\"", absl::StrJoin(phrase, " "), "\""));
        Xapian::Query query = qp.parse_query(absl::StrJoin(parts, " "), Xapian::QueryParser::FLAG_PHRASE);
        std::vector<Xapian::Query> filters;
        for (const auto& c : q.countries) filters.emplace_back(absl::StrCat("XC", c));
        if (q.year) filters.emplace_back(absl::StrCat("Y", *q.year));
        if (!filters.empty()) {
          query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                                Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
        }
        enquire.set_query(query);
        const Xapian::MSet mset = enquire.get_mset(0, 10, check_at_least);
        std::vector<std::string> ids;
        for (auto it = mset.begin(); it != mset.end(); ++it) ids.push_back(IdFromData(it.get_document().get_data()));
        const uint64_t latency = NowMicros() - start;
        const int64_t total = options.exact_total ? static_cast<int64_t>(mset.get_matches_estimated()) : -1;
        if (mset.empty()) ++zero_hits;
        latencies.push_back(latency);
        if (pass == 1) PrintQueryLine(qid + 1, latency, total, ids);
      }
    }
    PrintQuerySummary("xapian", latencies, wall_start, {{"docs", db.get_doccount()}, {"exact_total", options.exact_total}, {"zero_hit_queries", zero_hits}});
    return absl::OkStatus();
  });
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) {
  newsdex::tools::Options options;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--no-total") {
      options.exact_total = false;
    } else if (arg == "--warmup") {
      options.warmup = true;
    } else if (absl::StartsWith(arg, "--")) {
      NEWSDEX_LOG(ERROR) << "xapian-query: unknown option " << arg;
      return 2;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) {
    NEWSDEX_LOG(ERROR) << "usage: xapian-query DB QUERIES [--no-total] [--warmup]";
    return 2;
  }
  options.db_path = positional[0];
  options.queries_path = positional[1];
  const absl::Status status = newsdex::tools::Run(options);
  if (!status.ok()) {
    NEWSDEX_LOG(ERROR) << "xapian-query: " << status.message();
    return 1;
  }
  return 0;
}

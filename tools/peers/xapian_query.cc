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
  PeerQueryOptions query;
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

// Words and phrases through the QueryParser; country: and year: as boolean
// filters (scriptindex.idx's XC and Y prefixes).
Xapian::Query ParseQuery(Xapian::QueryParser& qp, const BenchQuery& q) {
  std::vector<std::string> parts = q.words;
  for (const auto& phrase : q.phrases) parts.push_back(absl::StrCat("\"", absl::StrJoin(phrase, " "), "\""));
  Xapian::Query query = qp.parse_query(absl::StrJoin(parts, " "), Xapian::QueryParser::FLAG_PHRASE);
  std::vector<Xapian::Query> filters;
  for (const auto& c : q.countries) filters.emplace_back(absl::StrCat("XC", c));
  if (q.year) filters.emplace_back(absl::StrCat("Y", *q.year));
  if (filters.empty()) return query;
  return Xapian::Query(Xapian::Query::OP_FILTER, query,
                       Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));
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
    const bool exact_total = options.query.exact_total;
    const Xapian::doccount check_at_least = exact_total ? db.get_doccount() : 0;
    auto answer = [&](size_t qid) -> absl::StatusOr<PeerAnswer> {
      enquire.set_query(ParseQuery(qp, queries[qid]));
      const Xapian::MSet mset = enquire.get_mset(0, 10, check_at_least);
      PeerAnswer a;
      for (auto it = mset.begin(); it != mset.end(); ++it) a.ids.push_back(IdFromData(it.get_document().get_data()));
      if (exact_total) a.total = static_cast<int64_t>(mset.get_matches_estimated());
      return a;
    };
    NEWSDEX_ASSIGN_OR_RETURN(QueryTimings t, TimeQueries(queries.size(), options.query.warmup, answer));
    PrintQuerySummary("xapian", t.latencies, t.wall_start_us,
                      {{"docs", db.get_doccount()}, {"exact_total", exact_total}, {"zero_hit_queries", t.zero_hits}});
    return absl::OkStatus();
  });
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) {
  newsdex::tools::Options options;
  std::vector<std::string> positional;
  const absl::Status args =
      newsdex::tools::ParsePeerArgs(argc, argv, {"--no-total", "--warmup"}, &positional, &options.query);
  if (!args.ok()) {
    NEWSDEX_LOG(ERROR) << "xapian-query: " << args.message();
    return 2;
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

// lucene-peer: Lucene++ 3.0.8 (a C++ port of Apache Lucene 3.0) as a benchmark
// peer of newsdex.
//
//   lucene-peer index DIR JSONL
//   lucene-peer query DIR QUERIES [--no-total] [--warmup]   (--no-total: no effect)
//
// index: fields id (stored, not analysed), title and body (analysed, not
// stored), year, country and actor (not analysed, for filters), with the
// contrib SnowballAnalyzer("english") and no stop words (the same Snowball
// English stemmer Xapian uses); then optimize(). Prints one JSON summary line.
// query: each word must match title^3 or body; each phrase is a PhraseQuery on
// title^3 or body; country:/year: filters are a QueryWrapperFilter (no effect
// on scores). Ranking is Lucene 3's classic TF-IDF (Lucene 3 has no BM25). Top
// 10 + total hits (always exact in Lucene 3). Output as the other peers:
// "Q<TAB>qid<TAB>latency_us<TAB>total<TAB>ids" per query, then a JSON line.
// Exit status 0, 1 on error, 2 on usage.
#include <lucene++/LuceneHeaders.h>
#include <lucene++/SnowballAnalyzer.h>
#include <lucene++/TermAttribute.h>
#include <lucene++/QueryWrapperFilter.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "tools/peers/peer_common.h"

namespace newsdex::tools {
namespace {

constexpr char kUsage[] =
    "lucene-peer index DIR JSONL | lucene-peer query DIR QUERIES [--warmup]";

using Lucene::newLucene;
using Lucene::String;

String Wide(const std::string& utf8) { return Lucene::StringUtils::toUnicode(utf8); }
std::string Narrow(const String& wide) { return Lucene::StringUtils::toUTF8(wide); }

Lucene::AnalyzerPtr MakeAnalyzer() {
  return newLucene<Lucene::SnowballAnalyzer>(Lucene::LuceneVersion::LUCENE_30, L"english",
                                             Lucene::HashSet<String>::newInstance());
}

// Lucene++ reports errors by throwing LuceneException; this is the boundary
// where they become a Status.
template <typename Fn>
absl::Status CallLucene(absl::string_view context, Fn&& fn) {
  try {
    return fn();
  } catch (const Lucene::LuceneException& e) {
    return absl::InternalError(absl::StrCat(context, ": ", Narrow(e.getError())));
  }
}

absl::Status Index(const std::string& dir, const std::string& jsonl) {
  return CallLucene(dir, [&]() -> absl::Status {
    const uint64_t start = NowMicros();
    Lucene::IndexWriterPtr writer = newLucene<Lucene::IndexWriter>(
        Lucene::FSDirectory::open(Wide(dir)), MakeAnalyzer(), true, Lucene::IndexWriter::MaxFieldLengthUNLIMITED);
    writer->setRAMBufferSizeMB(64);
    uint64_t bytes = 0, bad = 0, docs = 0;
    NEWSDEX_RETURN_IF_ERROR(ReadPeerJsonl(
        jsonl,
        [&](PeerDoc d) -> absl::Status {
          Lucene::DocumentPtr doc = newLucene<Lucene::Document>();
          doc->add(newLucene<Lucene::Field>(L"id", Wide(d.id), Lucene::AbstractField::STORE_YES,
                                            Lucene::AbstractField::INDEX_NOT_ANALYZED_NO_NORMS));
          doc->add(newLucene<Lucene::Field>(L"title", Wide(d.title), Lucene::AbstractField::STORE_NO,
                                            Lucene::AbstractField::INDEX_ANALYZED));
          doc->add(newLucene<Lucene::Field>(L"body", Wide(d.body), Lucene::AbstractField::STORE_NO,
                                            Lucene::AbstractField::INDEX_ANALYZED));
          if (d.date.size() == 8) {
            doc->add(newLucene<Lucene::Field>(L"year", Wide(d.date.substr(0, 4)), Lucene::AbstractField::STORE_NO,
                                              Lucene::AbstractField::INDEX_NOT_ANALYZED_NO_NORMS));
          }
          for (const auto& c : d.countries) {
            doc->add(newLucene<Lucene::Field>(L"country", Wide(c), Lucene::AbstractField::STORE_NO,
                                              Lucene::AbstractField::INDEX_NOT_ANALYZED_NO_NORMS));
          }
          for (const auto& a : d.actors) {
            doc->add(newLucene<Lucene::Field>(L"actor", Wide(a), Lucene::AbstractField::STORE_NO,
                                              Lucene::AbstractField::INDEX_NOT_ANALYZED_NO_NORMS));
          }
          writer->addDocument(doc);
          ++docs;
          return absl::OkStatus();
        },
        &bytes, &bad));
    writer->optimize();
    writer->close();
    PrintIndexSummary("lucene", docs, bad, bytes, start, DiskUsageBytes(dir));
    return absl::OkStatus();
  });
}

// The analysed terms of `text`, as the index stores them.
std::vector<String> Analyze(const Lucene::AnalyzerPtr& analyzer, const std::string& text) {
  std::vector<String> terms;
  Lucene::TokenStreamPtr stream = analyzer->tokenStream(L"body", newLucene<Lucene::StringReader>(Wide(text)));
  Lucene::TermAttributePtr term = stream->addAttribute<Lucene::TermAttribute>();
  while (stream->incrementToken()) terms.push_back(term->term());
  stream->close();
  return terms;
}

// Matches `terms` (one term, or a phrase of several) in title (boost 3) or body.
Lucene::QueryPtr TitleOrBody(const std::vector<String>& terms) {
  Lucene::BooleanQueryPtr either = newLucene<Lucene::BooleanQuery>();
  for (const wchar_t* field : {L"title", L"body"}) {
    Lucene::QueryPtr q;
    if (terms.size() == 1) {
      q = newLucene<Lucene::TermQuery>(newLucene<Lucene::Term>(field, terms[0]));
    } else {
      Lucene::PhraseQueryPtr phrase = newLucene<Lucene::PhraseQuery>();
      for (const String& t : terms) phrase->add(newLucene<Lucene::Term>(field, t));
      q = phrase;
    }
    if (String(field) == L"title") q->setBoost(3.0);
    either->add(q, Lucene::BooleanClause::SHOULD);
  }
  return either;
}

// Every word and phrase of `q` must match (in title or body); null when none
// of them leaves a term after analysis.
Lucene::QueryPtr MatchQuery(const Lucene::AnalyzerPtr& analyzer, const BenchQuery& q) {
  Lucene::BooleanQueryPtr query = newLucene<Lucene::BooleanQuery>();
  bool empty = true;
  std::vector<std::string> texts = q.words;
  for (const auto& p : q.phrases) texts.push_back(absl::StrJoin(p, " "));
  for (const std::string& text : texts) {
    const std::vector<String> terms = Analyze(analyzer, text);
    if (terms.empty()) continue;
    query->add(TitleOrBody(terms), Lucene::BooleanClause::MUST);
    empty = false;
  }
  return empty ? Lucene::QueryPtr() : query;
}

// The country: and year: filters of `q`, or null.
Lucene::FilterPtr Filter(const BenchQuery& q) {
  if (q.countries.empty() && !q.year) return Lucene::FilterPtr();
  Lucene::BooleanQueryPtr f = newLucene<Lucene::BooleanQuery>();
  for (const auto& c : q.countries) {
    f->add(newLucene<Lucene::TermQuery>(newLucene<Lucene::Term>(L"country", Wide(c))),
           Lucene::BooleanClause::MUST);
  }
  if (q.year) {
    f->add(newLucene<Lucene::TermQuery>(newLucene<Lucene::Term>(L"year", Wide(absl::StrCat(*q.year)))),
           Lucene::BooleanClause::MUST);
  }
  return newLucene<Lucene::QueryWrapperFilter>(f);
}

// Totals are always exact in Lucene 3: --no-total is accepted and has no effect.
absl::Status Query(const std::string& dir, const std::string& queries_path, const PeerQueryOptions& options) {
  NEWSDEX_ASSIGN_OR_RETURN(const std::vector<BenchQuery> queries, ReadQueryFile(queries_path));
  return CallLucene(dir, [&]() -> absl::Status {
    Lucene::IndexReaderPtr reader = Lucene::IndexReader::open(Lucene::FSDirectory::open(Wide(dir)), true);
    Lucene::IndexSearcherPtr searcher = newLucene<Lucene::IndexSearcher>(reader);
    Lucene::AnalyzerPtr analyzer = MakeAnalyzer();
    auto answer = [&](size_t qid) -> absl::StatusOr<PeerAnswer> {
      PeerAnswer a;
      a.total = 0;
      Lucene::QueryPtr query = MatchQuery(analyzer, queries[qid]);
      if (!query) return a;
      Lucene::TopScoreDocCollectorPtr collector = Lucene::TopScoreDocCollector::create(10, true);
      searcher->search(query, Filter(queries[qid]), collector);
      Lucene::TopDocsPtr top = collector->topDocs();
      a.total = collector->getTotalHits();
      for (const auto& sd : top->scoreDocs) a.ids.push_back(Narrow(searcher->doc(sd->doc)->get(L"id")));
      return a;
    };
    NEWSDEX_ASSIGN_OR_RETURN(QueryTimings t, TimeQueries(queries.size(), options.warmup, answer));
    PrintQuerySummary("lucene", t.latencies, t.wall_start_us,
                      {{"docs", reader->numDocs()}, {"exact_total", true}, {"zero_hit_queries", t.zero_hits}});
    return absl::OkStatus();
  });
}

PeerProgram Program() {
  return {"lucene-peer", kUsage, {"--no-total", "--warmup"}, Index, Query};
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) {
  return newsdex::tools::PeerMain(argc, argv, newsdex::tools::Program());
}

// BM25 with document lengths read from memory instead of the database.
//
// Xapian 1.4's BM25Weight reads the length of every document it weighs from
// the postlist table: for a term whose postings are spread over the index
// that is a B-tree lookup per posting. At 1M generated articles it is about
// 90% of ranking one word ("cyprus", 4,668 postings: 5.4 ms with the lookups,
// 0.09 ms without). The facet-column snapshot (query/facet_columns.h) holds
// every document's length in an array, so a posting source can weigh a
// term's postings by the same formula with no lookup.
//
// SnapshotBm25 rewrites a query for that: each weighted term leaf it reaches
// through OP_AND, OP_OR, OP_AND_MAYBE, OP_XOR and the first subquery of
// OP_FILTER and OP_AND_NOT becomes a Bm25TermSource; everything else stays as
// it was (the unweighted sides of filters, phrases and NEAR with their
// position checks, wildcards, synonyms, scaled subqueries, value ranges,
// other posting sources), and keeps Xapian's own BM25 where it is weighted.
//
// The weights are BM25Weight's with its default parameters, computed in the
// same order, so they are equal to the last bit, and with them the page, its
// order and its ties (snapshot_bm25_test.cc compares them on random queries).
// Estimates of the total may differ: the matcher prunes with the sources'
// bounds. Local databases only: xapian-tcpsrv cannot run a posting source of
// ours, and the snapshot exists only for one local database.
#ifndef NEWSDEX_QUERY_SNAPSHOT_BM25_H_
#define NEWSDEX_QUERY_SNAPSHOT_BM25_H_

#include <memory>
#include <string>
#include <vector>

#include <xapian.h>

namespace newsdex::query {

// Document lengths by docid; index 0 unused. Shared, never modified.
using DocLengths = std::vector<Xapian::termcount>;

// The statistics one term is weighed with: those of the whole database the
// query runs on, as Xapian's BM25Weight takes them.
struct Bm25TermStats {
  Xapian::doccount doccount = 0;
  Xapian::doccount termfreq = 0;
  double average_length = 0;
  Xapian::termcount wdf_upper_bound = 0;
  Xapian::termcount doclength_lower_bound = 0;
  Xapian::termcount wqf = 1;  // the term's weight in the query (Query::get_length of the leaf)
};

// One term's postings weighted by BM25Weight() (k1 = 1, k2 = 0, k3 = 1,
// b = 0.5, min_normlen = 0.5). A document beyond the lengths array (added
// after the snapshot) has its length read from the database.
class Bm25TermSource : public Xapian::PostingSource {
 public:
  Bm25TermSource(std::string term, const Bm25TermStats& stats,
                 std::shared_ptr<const DocLengths> lengths);

  Xapian::doccount get_termfreq_min() const override { return termfreq_; }
  Xapian::doccount get_termfreq_est() const override { return termfreq_; }
  Xapian::doccount get_termfreq_max() const override { return termfreq_; }
  void init(const Xapian::Database& db) override;
  void next(double min_wt) override;
  void skip_to(Xapian::docid did, double min_wt) override;
  bool at_end() const override { return it_ == end_; }
  Xapian::docid get_docid() const override { return *it_; }
  double get_weight() const override;
  // Each Enquire gets its own copy: a split ranked pass runs one query on two
  // threads.
  Bm25TermSource* clone() const override;
  std::string get_description() const override;
  // Serialised for one process only: the split ranked pass deep-copies its
  // query through serialise() (query/parallel_ranking.h), and the copy takes
  // the lengths of the registered prototype (RegisterBm25TermSource).
  std::string name() const override;
  std::string serialise() const override;
  Bm25TermSource* unserialise_with_registry(const std::string& serialised,
                                            const Xapian::Registry& registry) const override;

 private:
  Bm25TermSource(const Bm25TermSource& other);

  std::string term_;
  Xapian::doccount termfreq_;
  std::shared_ptr<const DocLengths> lengths_;
  double termweight_ = 0;  // log(idf) * (k1 + 1), with the wqf factor
  double len_factor_ = 0;  // 1 / average length
  double max_weight_ = 0;
  Xapian::Database db_;
  Xapian::PostingIterator it_, end_;
  bool started_ = false;
};

// Lets `registry` unserialise Bm25TermSources, giving them `lengths`.
void RegisterBm25TermSource(Xapian::Registry& registry, std::shared_ptr<const DocLengths> lengths);

// `query` with its weighted term leaves (as described above) weighed by
// Bm25TermSource over `lengths`, statistics from `db`. `db` must be the
// database the query will run on. Returns `query` itself when nothing is
// rewritten. Throws Xapian errors.
Xapian::Query SnapshotBm25(const Xapian::Query& query, const Xapian::Database& db,
                           const std::shared_ptr<const DocLengths>& lengths);

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_SNAPSHOT_BM25_H_

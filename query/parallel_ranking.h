// The ranked pass of one search split into two docid ranges run on two
// threads, and its exact merge. Private to query/ (search.cc).
//
// Contract: the merged page equals the page of one pass over the whole
// database, hit for hit, weight for weight, in the same order:
// - A range is the page query under OP_FILTER with a weight-0 posting source
//   over the docids (InDocidRange). BM25 takes its statistics (term and
//   collection frequencies, document lengths) from the database, not from the
//   matched set, and a filter adds 0.0 to each weight, so every document
//   weighs exactly what it weighs in the single pass
//   (parallel_ranking_test.cc checks every weight of random queries).
// - Each range returns its first offset+limit hits; the page is the merge's
//   [offset, offset+limit). The order is the single pass's: by sort key
//   ascending when sorting by key (MultiValueKeyMaker encodes descending
//   slots so that ascending keys give their order), then weight descending,
//   then docid ascending (Enquire::ASCENDING, which the searcher sets).
// - Totals are the two ranges' sums: exact when both are (check_at_least of
//   the whole database on each side), else a sum of estimates, which may
//   differ from the single pass's estimate but stays within the bounds.
// Not for collapsing (copies in both ranges would each survive). Match spies
// on an Enquire see only that range's matches: the caller gives each range
// a counter of its own and merges them.
//
// Threads: RankInTwoRanges starts one thread, which touches only the second
// Enquire (on a second database handle at the same revision) and a deep copy
// of the query, and joins it before it returns.
#ifndef NEWSDEX_QUERY_PARALLEL_RANKING_H_
#define NEWSDEX_QUERY_PARALLEL_RANKING_H_

#include <atomic>
#include <string>
#include <vector>

#include <xapian.h>

#include "absl/status/statusor.h"
#include "query/search_exec_internal.h"

namespace newsdex::query::internal {

// Counts the Searcher::Search calls running in the process while it lives:
// the admission rule splits a ranked pass only while a core is free
// (PlanSplitRanking in query/search_plan.h).
class SearchInFlight {
 public:
  SearchInFlight();
  ~SearchInFlight();
  SearchInFlight(const SearchInFlight&) = delete;
  SearchInFlight& operator=(const SearchInFlight&) = delete;
  // Searches running when this one began, this one included.
  int at_start() const { return at_start_; }

 private:
  static std::atomic<int> running_;
  int at_start_;
};

// `query` restricted to the docids in [first, last] without a change of
// weights: OP_FILTER with a weight-0 posting source. The source has no name,
// so the query does not serialise (local databases only). Each phrase and
// NEAR is also ANDed with the source where WrapPositional
// (query/query_rewrite.h) reaches it, so a range checks no positions past its
// end (1M documents, "investment that profits", the lower half: 60 ms
// without, 14 ms with; the whole database: 68 ms).
Xapian::Query InDocidRange(const Xapian::Query& query, Xapian::docid first, Xapian::docid last);

struct RankedHit {
  Xapian::docid docid = 0;
  double weight = 0;
  Xapian::doccount collapse_count = 0;
  std::string sort_key;  // only when sorting by key and merging
};

// A ranked page: its hits in rank order (the first at the request's offset)
// and the total of the pass.
struct RankedPage {
  std::vector<RankedHit> hits;
  MatchTotals totals;
};

// The page of `mset`; `sort_keys` copies each hit's sort key.
RankedPage PageOf(const Xapian::MSet& mset, bool sort_keys);

// The hits [offset, offset+limit) of the merge of `low` and `high`, the
// first offset+limit hits of two docid ranges, every docid of `low` below
// every docid of `high`; totals summed. `by_key`: sorted by key then
// relevance (the hits carry sort keys), else by relevance.
RankedPage MergeRanges(const RankedPage& low, const RankedPage& high, bool by_key,
                       Xapian::doccount offset, Xapian::doccount limit);

struct SplitPass {
  Xapian::doccount offset = 0, limit = 0;  // the page asked for
  Xapian::doccount check_at_least = 0;     // per range
  Xapian::docid lastdocid = 0;
  bool by_key = false;  // the Enquires sort by key then relevance
  // Unserialises the query's own posting sources in the copy the other
  // thread ranks (query/snapshot_bm25.h); null: Xapian's own only.
  const Xapian::Registry* registry = nullptr;
};

// Ranks `query` as two docid ranges: the lower half on `here` (this thread),
// the upper on `other` on a thread of its own, then merges them. `here` and
// `other` are set up alike (weighting, order, docid order, time limit, no
// collapse; match spies only of their own) on two handles of one database at
// one revision. Xapian errors of either thread come back as Status.
absl::StatusOr<RankedPage> RankInTwoRanges(Xapian::Enquire& here, Xapian::Enquire& other,
                                           const Xapian::Query& query, const SplitPass& pass);

}  // namespace newsdex::query::internal

#endif  // NEWSDEX_QUERY_PARALLEL_RANKING_H_

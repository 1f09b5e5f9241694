// Runs the counting passes of one search as its CountingPlan says
// (query/search_plan.h): the main count and the disjunctive counts, by
// posting-list walks or BoolWeight matcher passes, on the searching thread
// after the page or on a second thread beside the ranked pass, whole or in
// docid chunks both threads take in turn. Private to query/ (search.cc).
//
// Thread safety: a CountingRun belongs to the searching thread. With
// plan.beside it starts one thread of its own, which touches only the second
// database handle, deep copies of the queries and counters no other thread
// uses until Finish() (or the destructor) has joined it. Nothing Xapian is
// shared between the two threads: Query, Database and Enquire reference
// counts are not atomic.
#ifndef NEWSDEX_QUERY_SEARCH_EXEC_INTERNAL_H_
#define NEWSDEX_QUERY_SEARCH_EXEC_INTERNAL_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <xapian.h>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "query/facet_columns.h"
#include "query/resolver.h"
#include "query/search_plan.h"

namespace newsdex::query::internal {

// The facet counters of one count: a column counter over the snapshot, or
// one stock ValueCountMatchSpy per field. kDate among the fields counts the
// date histogram.
class FacetCounters {
 public:
  FacetCounters() = default;  // counts nothing
  // A column counter over `columns` when it is not null, else stock spies.
  FacetCounters(std::shared_ptr<const FacetColumns> columns, std::vector<FacetField> fields);

  bool empty() const { return fields_.empty(); }
  // Adds the counters to `enquire` as match spies. REQUIRES: !empty().
  void AttachTo(Xapian::Enquire& enquire) const;
  // The column counter, or null (stock spies, or nothing counted).
  FacetColumnCounter* column_counter() const { return column_counter_.get(); }
  // A new column counter over the same snapshot and fields, for the other
  // thread's share of a chunked pass. REQUIRES: column_counter() != null.
  std::unique_ptr<FacetColumnCounter> NewColumnCounter() const;
  // The stock spy counting `field`, or null.
  const Xapian::ValueCountMatchSpy* spy(FacetField field) const;

 private:
  std::vector<FacetField> fields_;
  std::shared_ptr<const FacetColumns> columns_;
  std::unique_ptr<FacetColumnCounter> column_counter_;
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies_;  // one per field
};

// A database handle and its BoolWeight Enquire, both used by one thread.
struct CountingHandle {
  const Xapian::Database* db = nullptr;
  Xapian::Enquire* enquire = nullptr;
};

struct CountingLimits {
  double time_limit = 0;  // seconds for the whole search; 0 = none
  absl::Time deadline = absl::InfiniteFuture();  // the search's start + time_limit
  bool collapse = false;  // collapse on ValueSlot::kCollapseKey
  Xapian::doccount doccount = 0;
  Xapian::docid lastdocid = 0;
};

// The time limit of the next matcher pass: what is left of the search's, so
// the passes together keep to it (a pass started late gets a token limit and
// reports its count as inexact). 0 = none.
double PassTimeLimit(double time_limit, absl::Time deadline);

// The total of a search, as Xapian reports one.
struct MatchTotals {
  Xapian::doccount estimated = 0, lower = 0, upper = 0;
};

class CountingRun {
 public:
  // `here`: this thread's counting handle; `beside`: the second handle, used
  // only when plan.beside.
  CountingRun(const CountingPlan& plan, const CountingLimits& limits, CountingHandle here,
              CountingHandle beside);
  ~CountingRun();  // joins the counting thread if Finish() did not
  CountingRun(const CountingRun&) = delete;
  CountingRun& operator=(const CountingRun&) = delete;

  // The main count: `query` is the fully filtered query; `terms` its
  // conjunction terms (used when plan.main is kWalk); `counters` what it
  // counts besides the total (empty unless plan.counters).
  void SetMain(const Xapian::Query& query, std::optional<std::vector<std::string>> terms,
               FacetCounters counters);
  // The disjunctive count of `field`, made as `how` over `query` (the query
  // with every filter but the field's own); `terms` are its conjunction terms
  // (used when `how` is kWalk). A kTermFrequencies count runs nothing here: it
  // is only listed in disjunctive() for the renderer.
  void AddDisjunctive(FacetField field, CountPass how, const Xapian::Query& query,
                      std::optional<std::vector<std::string>> terms, FacetCounters counters);

  // Adds the main counters to the page pass's Enquire when the page pass
  // makes the main count.
  void AttachToPagePass(Xapian::Enquire& page) const;
  // Starts the counting thread when plan.beside; else does nothing.
  void Start();
  // Counts what is left on this thread (everything when not beside, else its
  // share of the chunks) and waits for the counting thread. Returns the first
  // error either thread met (Xapian errors as Status).
  absl::Status Finish();

  // After Finish(): the main count's total (`page`: the page pass's total,
  // used when that pass made the main count).
  MatchTotals Totals(const MatchTotals& page) const;
  // After Finish(): some counting pass stopped at the time limit.
  bool timed_out() const { return timed_out_ || chunks_timed_out_; }
  const FacetCounters& main_counters() const { return main_.counters; }
  struct Disjunctive {
    FacetField field;
    CountPass how;
    Xapian::Query query;  // a deep copy when counted beside
    std::optional<std::vector<std::string>> terms;
    FacetCounters counters;
  };
  const std::vector<Disjunctive>& disjunctive() const { return disjunctive_; }

 private:
  struct Main {
    Xapian::Query query;  // a deep copy when counted beside
    std::optional<std::vector<std::string>> terms;
    FacetCounters counters;
  };
  // A matcher pass in docid chunks. Index 0 is the counting thread's side,
  // 1 this thread's: each has its own query copy, counter and match count,
  // merged after the join.
  struct ChunkedPass {
    Xapian::Query query[2];
    FacetColumnCounter* counter[2] = {nullptr, nullptr};  // null: count matches only
    std::unique_ptr<FacetColumnCounter> second;           // owns counter[1]
    Xapian::doccount matches[2] = {0, 0};
    bool main = false;  // the main count (else a disjunctive one)
  };

  // A query for the counting passes: a deep copy when they run beside.
  Xapian::Query ForPasses(const Xapian::Query& query) const;
  void AddChunked(const Xapian::Query& query, const FacetCounters& counters, bool main);
  // The walks and unchunked matcher passes, on `handle`.
  absl::Status CountPasses(CountingHandle handle);
  void CountMainWithMatcher(Xapian::Enquire& enquire);
  void CountDisjunctiveWithMatcher(Xapian::Enquire& enquire, const Disjunctive& pass);
  // Takes chunks until none is left; `side` as in ChunkedPass.
  absl::Status CountChunks(CountingHandle handle, int side);
  // One chunk of `pass` on `side`: the docids in [first, last].
  void CountChunk(Xapian::Enquire& enquire, ChunkedPass& pass, int side, Xapian::docid first,
                  Xapian::docid last);
  void MergeChunks();

  const CountingPlan plan_;
  const CountingLimits limits_;
  const CountingHandle here_, beside_;
  Main main_;
  std::vector<Disjunctive> disjunctive_;
  std::vector<ChunkedPass> chunked_;

  std::optional<Xapian::doccount> walked_;  // the main count, when walked or chunked
  std::optional<Xapian::MSet> counted_;     // the main count, when a matcher pass of its own
  bool timed_out_ = false;
  std::atomic<size_t> next_chunk_{0};
  std::atomic<bool> chunks_timed_out_{false};
  absl::Status beside_status_;
  std::thread thread_;
};

}  // namespace newsdex::query::internal

#endif  // NEWSDEX_QUERY_SEARCH_EXEC_INTERNAL_H_

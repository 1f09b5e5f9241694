// The counting plan of a search: how the total and the facet counts of one
// request are counted, and on which thread.
//
// A search has up to three kinds of work: the ranked page (BM25; the matcher
// may skip documents that cannot enter it), the main count (the total, and the
// facets and date histogram over every match of the fully filtered query), and
// one disjunctive count per facet that has a filter of its own (that facet's
// counts without its own filter). PlanCounting decides from what the request
// asks and what its query looks like which pass makes the main count, whether
// the counting runs beside the ranked pass on a second thread and whether
// matcher passes are cut into docid chunks; PlanDisjunctiveCount does the same
// for each disjunctive facet. query/search_exec.h runs the plan.
//
// PlanSplitRanking decides whether the ranked pass itself runs as two docid
// ranges on two threads (query/parallel_ranking.h).
//
// Pure functions of their arguments: no Xapian, no I/O, no state.
#ifndef NEWSDEX_QUERY_SEARCH_PLAN_H_
#define NEWSDEX_QUERY_SEARCH_PLAN_H_

#include <cstdint>
#include <string>

namespace newsdex::query {

// What the plan depends on. The caller fills `columns` and `beside` only when
// they can matter (see each), so each costs nothing on other searches.
struct CountingInputs {
  // A page of hits is asked for (limit > 0); without one only counts are.
  bool ranked = false;
  // Near-identical copies are collapsed: only the matcher knows which copies
  // collapse, so no shortcut around it applies.
  bool collapse = false;
  // The total must be exact even if nothing else is counted.
  bool exact_total = false;
  // Facets without a filter of their own, or the date histogram, are counted
  // over the matches of the fully filtered query.
  bool filtered_counts = false;
  // Some facet asked for has a filter of its own (a disjunctive count).
  bool disjunctive_counts = false;
  // The fully filtered query matches every document (no words, no filter).
  // Implies `conjunction`, and neither `positional` nor `disjunctive_counts`.
  bool matches_all = false;
  // The fully filtered query matches exactly the documents that hold all of
  // some terms (ConjunctionTerms in query/facet_columns.h), so its count can
  // walk their posting lists instead of running the matcher.
  bool conjunction = false;
  // The query checks term positions (a phrase or NEAR). Implies !conjunction.
  bool positional = false;
  // A docid range filter reaches every phrase and NEAR of the query
  // (ReachesPositional in query/query_rewrite.h), so a pass over a
  // docid range or chunk checks no positions beyond its end. Read only when
  // `positional`.
  bool range_reaches_positions = false;
  // A facet column snapshot is ready. Asked for only when UsesFacetCounters().
  bool columns = false;
  // The query is big enough to count on a second thread and the second
  // database handle is at the first one's revision. Asked for only when ranked.
  bool beside = false;
};

// Whether the counting feeds facet counters (facets or dates that are no
// term frequencies, or disjunctive facets): only then is a column snapshot
// worth asking for.
bool UsesFacetCounters(const CountingInputs& in);

// How one count is made.
enum class CountPass {
  // In the matcher pass of the page (ranked by BM25; without a page, the one
  // BoolWeight pass over the matches). The main count only.
  kPagePass,
  // From the facet terms' frequencies: no document is visited. A disjunctive
  // count only (the main count's facets use CountingPlan::term_frequencies).
  kTermFrequencies,
  // By walking the posting lists of the query's terms (CountConjunction).
  kWalk,
  // By a BoolWeight matcher pass of its own over every match.
  kMatcher,
  // By that pass cut into docid chunks that both threads take in turn.
  kChunkedMatcher,
};

struct CountingPlan {
  // The total must come out exact: some pass checks every match.
  bool exact = false;
  // The whole database matches: the main count's facets and date histogram
  // are term frequencies, and the page pass's total is exact without checking.
  bool term_frequencies = false;
  // The main count feeds facet counters (filtered facets or dates that are no
  // term frequencies).
  bool counters = false;
  // Counters count through the column snapshot, else with the stock
  // ValueCountMatchSpy (remote or sharded databases, snapshot not ready).
  bool columns = false;
  // The pass that makes the main count: kPagePass, kWalk, kMatcher or
  // kChunkedMatcher.
  CountPass main = CountPass::kPagePass;
  // The page pass runs (not when there is no page and a walk counts).
  bool page_pass = true;
  // The page pass checks every match (check_at_least = every document).
  bool page_pass_exact = false;
  // The counting passes run on a second thread with a second database handle
  // while this thread ranks the page and reads its hits.
  bool beside = false;
  // Matcher passes run in docid chunks, which both threads take in turn once
  // they are done with their own work. Only beside the page.
  bool chunked = false;
};

// The plan for `in`. REQUIRES: `in` keeps the implications its fields state.
CountingPlan PlanCounting(const CountingInputs& in);

// How the disjunctive count of one facet is made under `plan`: `matches_all`
// and `conjunction` describe the query with every filter but that facet's.
// Returns kTermFrequencies, kWalk, kMatcher or kChunkedMatcher.
CountPass PlanDisjunctiveCount(const CountingInputs& in, const CountingPlan& plan,
                               bool matches_all, bool conjunction);

// What the split of the ranked pass depends on besides the counting plan.
struct SplitInputs {
  // A second handle can be opened: one local glass database (never a remote
  // shard, where the docid-range source cannot run).
  bool local = false;
  // Postings of the page query's largest term; the document count for a
  // query that matches every document.
  int64_t largest_postings = 0;
  // SearcherOptions::parallel_rank_min_postings: < 0 never, else the least
  // largest_postings that splits.
  int64_t min_postings = -1;
  // The page query is one term: its pass costs about as much per posting as
  // the range filter adds, so two ranges take about twice its CPU and two
  // cores gain nothing (150k generated articles, "said", 125k postings, top
  // 10: 4.0 ms whole, 8.2 ms for the two ranges together).
  bool single_term = false;
  // Searches running in the process when this one began, this one included,
  // and the most that still lets a search split (the number of cores).
  int searches_in_flight = 1;
  int max_in_flight = 1;
};

// Whether the ranked pass of a search planned as `plan` from `in` runs as two
// docid ranges, the upper one on a thread and a database handle of its own.
// Only for a page (in.ranked) that is big enough and whose total comes out
// exact, while fewer searches than max_in_flight run (a busy process keeps its cores for other searches), not
// when counting passes in docid chunks keep both cores busy, not with
// collapsing, and not when the page pass feeds the main count's stock spies
// (each range would see half the matches; column counters, one per range,
// merge).
bool PlanSplitRanking(const CountingInputs& in, const CountingPlan& plan,
                      const SplitInputs& split);

// The plan in words, e.g. "exact counters columns main=walk beside chunked":
// the flags that are set, the main pass, and "no_page_pass" when the page
// pass does not run. For tests and logs.
std::string DescribePlan(const CountingPlan& plan);
// "page", "term_frequencies", "walk", "matcher" or "chunked".
const char* CountPassName(CountPass pass);

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_SEARCH_PLAN_H_

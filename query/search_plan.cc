#include "query/search_plan.h"

namespace newsdex::query {
namespace {

// Whole database: facet counts are term frequencies and Xapian's total of a
// MatchAll is exact without visiting a document. Collapsing needs the matcher.
bool WholeDatabase(const CountingInputs& in) { return !in.collapse && in.matches_all; }

// Whether the main count feeds facet counters.
bool MainCounters(const CountingInputs& in) { return in.filtered_counts && !WholeDatabase(in); }

}  // namespace

bool UsesFacetCounters(const CountingInputs& in) {
  return MainCounters(in) || in.disjunctive_counts;
}

CountingPlan PlanCounting(const CountingInputs& in) {
  CountingPlan plan;
  plan.exact = in.filtered_counts || in.disjunctive_counts || in.exact_total;
  plan.term_frequencies = WholeDatabase(in);
  plan.counters = MainCounters(in);
  plan.columns = in.columns && UsesFacetCounters(in);
  // An exact total without facets is counted apart from the page too: BM25
  // with check_at_least = every document weighs every match (1M documents:
  // p99 170 ms for top 10 + exact total in one pass).
  // Except for a phrase or NEAR with nothing else to count: one exact page
  // pass checks each candidate's positions once, where a count beside the
  // page checks them again on the other thread; PlanSplitRanking can then
  // give each core half of that pass (1M documents, "investment that
  // profits": 68 ms whole, 14 and 25 ms for the two halves).
  const bool positional_in_page = in.positional && !in.collapse && !in.disjunctive_counts;
  const bool total_apart =
      !plan.counters && in.exact_total && !plan.term_frequencies && !positional_in_page;
  const bool beside_possible = in.ranked && in.beside;
  // A ranked page with counters runs as two passes: the page with BM25 and no
  // check_at_least (the matcher can skip), then the counts with BoolWeight
  // over every match. Measured on 95k Reuters copies: p50 of top-10 + all
  // facets 12.8 ms in one pass vs 7.7 ms for the counting pass alone.
  // Except with phrases, unless the counting runs beside the ranking: the
  // ranked pass checks positions only for candidates that could enter the
  // page, a counting pass for every candidate, so one pass that ranks and
  // counts checks each candidate once.
  // With the snapshot's counters, a phrase's facets count in the exact page
  // pass even when a second core is free: PlanSplitRanking can cut that pass
  // into two docid ranges, each feeding a counter of its own that merge, so
  // each candidate's positions are checked once, half on each core (1M
  // documents, "pct owned" with all facets: 79 ms ranked and counted beside,
  // 52 ms split).
  const bool counters_in_page = in.positional && in.range_reaches_positions && plan.columns &&
                                !in.collapse && !in.disjunctive_counts;
  const bool split = in.ranked && (plan.counters || total_apart) &&
                     (beside_possible || !in.positional) && !counters_in_page;
  // Beside only when there is counting apart from the page to move there.
  plan.beside = beside_possible && (split || in.disjunctive_counts);
  // The main count as a posting-list walk when the counted query is a
  // conjunction of terms (most queries): ~4x cheaper than the matcher
  // (CountConjunction). Facets need the snapshot's counter to be fed by it.
  const bool walk = ((plan.columns && plan.counters) || total_apart) && !in.collapse &&
                    (split || !in.ranked) && in.conjunction;
  // With the facet snapshot, counting beside the ranking also splits the
  // matcher's counting passes into docid ranges that both threads take in
  // turn, this one once its page is read: a phrase's exact count checks the
  // positions of every candidate (1M documents, "pct owned": ~65 ms of
  // counting against ~28 ms of ranking), so one thread counting alone would
  // leave the other idle for most of it. Chunks need the snapshot's counters
  // to count facets (two counters merge; two stock spies do not); an exact
  // total alone needs none.
  // A phrase or NEAR only when the range reaches it: a phrase under an OR
  // (a default-field phrase, query_parser.cc) looks ahead for its next match
  // past a chunk's end, so each of the 16 chunks checked the positions of
  // most of the database (1M documents, "investment that profits": 430 ms
  // counted in chunks, 30 ms in one pass). Phrases that reach this point
  // have a disjunctive count, which checks the positions of every candidate
  // of the phrase without that facet's filter.
  plan.chunked = plan.beside && !in.collapse &&
                 (!in.positional || in.range_reaches_positions) &&
                 (plan.columns || (!plan.counters && !in.disjunctive_counts));
  if (walk) {
    plan.main = CountPass::kWalk;
  } else if (split) {
    plan.main = plan.chunked ? CountPass::kChunkedMatcher : CountPass::kMatcher;
  } else {
    plan.main = CountPass::kPagePass;
  }
  plan.page_pass = in.ranked || plan.main != CountPass::kWalk;
  plan.page_pass_exact =
      plan.exact && !plan.term_frequencies && plan.main == CountPass::kPagePass;
  return plan;
}

CountPass PlanDisjunctiveCount(const CountingInputs& in, const CountingPlan& plan,
                               bool matches_all, bool conjunction) {
  if (!in.collapse && matches_all) return CountPass::kTermFrequencies;
  if (plan.columns && !in.collapse && conjunction) return CountPass::kWalk;
  return plan.chunked ? CountPass::kChunkedMatcher : CountPass::kMatcher;
}

bool PlanSplitRanking(const CountingInputs& in, const CountingPlan& plan,
                      const SplitInputs& split) {
  if (!in.ranked || !plan.page_pass || in.collapse) return false;
  // Two ranges' estimates do not add up to the single pass's estimate, and
  // the answer must not depend on whether the page split: only a search
  // whose total comes out exact may split.
  if (!plan.exact) return false;
  // The low range of a phrase the range filter cannot reach would look ahead
  // through the high one (see plan.chunked in PlanCounting).
  if (in.positional && !in.range_reaches_positions) return false;
  if (plan.main == CountPass::kPagePass && plan.counters && !plan.columns) return false;
  // Docid chunks already keep both cores busy until the counting ends, this
  // thread's share after its page: splitting the page too would only add a
  // third thread. A walk (~4x cheaper than a matcher pass, see above) or an
  // unchunked pass beside the page can leave the second core idle for part
  // of the ranking, so the page splits and three threads share the two cores.
  const bool chunks = plan.main == CountPass::kChunkedMatcher ||
                      (in.disjunctive_counts && plan.chunked);
  if (chunks) return false;
  if (!split.local || split.single_term || split.min_postings < 0 ||
      split.largest_postings < split.min_postings) {
    return false;
  }
  return split.searches_in_flight < split.max_in_flight;
}

const char* CountPassName(CountPass pass) {
  switch (pass) {
    case CountPass::kPagePass: return "page";
    case CountPass::kTermFrequencies: return "term_frequencies";
    case CountPass::kWalk: return "walk";
    case CountPass::kMatcher: return "matcher";
    case CountPass::kChunkedMatcher: return "chunked";
  }
  return "?";
}

std::string DescribePlan(const CountingPlan& plan) {
  std::string out;
  auto add = [&out](bool set, const char* word) {
    if (!set) return;
    if (!out.empty()) out += ' ';
    out += word;
  };
  add(plan.exact, "exact");
  add(plan.term_frequencies, "term_frequencies");
  add(plan.counters, "counters");
  add(plan.columns, "columns");
  add(true, "main=");
  out += CountPassName(plan.main);
  add(!plan.page_pass, "no_page_pass");
  add(plan.page_pass_exact, "page_pass_exact");
  add(plan.beside, "beside");
  add(plan.chunked, "chunked");
  return out;
}

}  // namespace newsdex::query

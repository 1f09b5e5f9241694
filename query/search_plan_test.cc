#include "query/search_plan.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace newsdex::query {
namespace {

// The inputs in the order the table's patterns list them, each '1', '0' or
// '-' (either):
//   R ranked        C collapse     E exact_total   F filtered_counts
//   D disjunctive   A matches_all  J conjunction   P positional
//   K columns       B beside
constexpr int kInputs = 10;

CountingInputs FromBits(unsigned bits) {
  auto bit = [bits](int i) { return ((bits >> (kInputs - 1 - i)) & 1) != 0; };
  CountingInputs in;
  in.ranked = bit(0);
  in.collapse = bit(1);
  in.exact_total = bit(2);
  in.filtered_counts = bit(3);
  in.disjunctive_counts = bit(4);
  in.matches_all = bit(5);
  in.conjunction = bit(6);
  in.positional = bit(7);
  in.columns = bit(8);
  in.beside = bit(9);
  return in;
}

std::string Bits(unsigned bits) {
  std::string out;
  for (int i = 0; i < kInputs; ++i) {
    if (i > 0) out += ' ';
    out += ((bits >> (kInputs - 1 - i)) & 1) ? '1' : '0';
  }
  return out;
}

// The combinations a search can produce: what a query's shape implies
// (CountingInputs), and the two inputs the searcher only asks for when they
// can matter (a snapshot only for counters, the second thread only for a page).
bool Possible(const CountingInputs& in) {
  if (in.matches_all && (!in.conjunction || in.positional || in.disjunctive_counts)) return false;
  if (in.positional && in.conjunction) return false;
  if (in.beside && !in.ranked) return false;
  if (in.columns && !UsesFacetCounters(in)) return false;
  return true;
}

// `pattern` as in the table: inputs separated by spaces.
bool Matches(const std::string& pattern, unsigned bits) {
  const std::string b = Bits(bits);
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '-' && pattern[i] != b[i]) return false;
  }
  return true;
}

struct PlanRow {
  const char* inputs;  // R C E F D A J P K B
  const char* plan;    // DescribePlan()
};

// Every possible combination of inputs matches exactly one row.
const std::vector<PlanRow>& PlanTable() {
  static const std::vector<PlanRow> kRows = {
      //R C E F D A J P K B
      // Whole database.
      {"- 0 0 0 - 1 - - - -", "term_frequencies main=page"},
      {"- 0 0 1 - 1 - - - -", "exact term_frequencies main=page"},
      {"- 0 1 - - 1 - - - -", "exact term_frequencies main=page"},
      // Nothing to count exactly.
      {"- - 0 0 0 0 - - - -", "main=page"},
      {"- 1 0 0 0 1 - - - -", "main=page"},
      // No page: counting only.
      {"0 - - 0 - - 0 - 1 -", "exact columns main=page page_pass_exact"},
      {"0 - - 1 - - 0 - 1 -", "exact counters columns main=page page_pass_exact"},
      {"0 - - 1 - 0 - - 0 -", "exact counters main=page page_pass_exact"},
      {"0 - 0 0 1 - - - 0 -", "exact main=page page_pass_exact"},
      {"0 - 1 0 - - 0 - 0 -", "exact main=page page_pass_exact"},
      {"0 0 - 1 - - 1 - 1 -", "exact counters columns main=walk no_page_pass"},
      {"0 0 0 0 - - 1 - 1 -", "exact columns main=page page_pass_exact"},
      {"0 0 1 0 - - 1 - 1 -", "exact columns main=walk no_page_pass"},
      {"0 0 1 0 - 0 1 - 0 -", "exact main=walk no_page_pass"},
      {"0 1 - 0 - - 1 - 1 -", "exact columns main=page page_pass_exact"},
      {"0 1 - 1 - - 1 - 1 -", "exact counters columns main=page page_pass_exact"},
      {"0 1 - 1 - 1 - - 0 -", "exact counters main=page page_pass_exact"},
      {"0 1 1 0 - - 1 - 0 -", "exact main=page page_pass_exact"},
      // A page, counted on this thread.
      // A phrase with only an exact total: one exact pass checks positions
      // once (and may split into docid ranges), beside or not.
      {"1 0 1 0 0 - 0 1 - 1", "exact main=page page_pass_exact"},
      {"1 - - 1 - - - 1 0 0", "exact counters main=page page_pass_exact"},
      {"1 - - 1 - - - 1 1 0", "exact counters columns main=page page_pass_exact"},
      {"1 - - 1 - 0 - 0 0 0", "exact counters main=matcher"},
      {"1 - 0 0 - - - - 1 0", "exact columns main=page page_pass_exact"},
      {"1 - 0 0 1 - - - 0 0", "exact main=page page_pass_exact"},
      {"1 - 1 0 - - - 1 0 0", "exact main=page page_pass_exact"},
      {"1 - 1 0 - - - 1 1 0", "exact columns main=page page_pass_exact"},
      {"1 0 - 1 - - 0 0 1 0", "exact counters columns main=matcher"},
      {"1 0 - 1 - - 1 - 1 0", "exact counters columns main=walk"},
      {"1 0 1 0 - - 0 0 0 0", "exact main=matcher"},
      {"1 0 1 0 - - 0 0 1 0", "exact columns main=matcher"},
      {"1 0 1 0 - - 1 - 1 0", "exact columns main=walk"},
      {"1 0 1 0 - 0 1 - 0 0", "exact main=walk"},
      {"1 1 - 1 - - - 0 1 0", "exact counters columns main=matcher"},
      {"1 1 - 1 - 1 - - 0 0", "exact counters main=matcher"},
      {"1 1 1 0 - - - 0 0 0", "exact main=matcher"},
      {"1 1 1 0 - - - 0 1 0", "exact columns main=matcher"},
      // A page, counted beside it.
      {"1 - - 1 - 0 - - 0 1", "exact counters main=matcher beside"},
      {"1 - 0 0 1 - - - 0 1", "exact main=page page_pass_exact beside"},
      {"1 0 - 1 - - 0 0 1 1", "exact counters columns main=chunked beside chunked"},
      {"1 0 - 1 - - 0 1 1 1", "exact counters columns main=matcher beside"},
      {"1 0 - 1 - - 1 - 1 1", "exact counters columns main=walk beside chunked"},
      {"1 0 0 0 - - - 0 1 1", "exact columns main=page page_pass_exact beside chunked"},
      {"1 0 0 0 - - - 1 1 1", "exact columns main=page page_pass_exact beside"},
      {"1 0 1 0 - - 0 0 1 1", "exact columns main=chunked beside chunked"},
      {"1 0 1 0 - - 0 1 1 1", "exact columns main=matcher beside"},
      {"1 0 1 0 - - 1 - 1 1", "exact columns main=walk beside chunked"},
      {"1 0 1 0 0 - 0 0 - 1", "exact main=chunked beside chunked"},
      {"1 0 1 0 0 0 1 - - 1", "exact main=walk beside chunked"},
      {"1 0 1 0 1 - 0 - 0 1", "exact main=matcher beside"},
      {"1 0 1 0 1 - 1 - 0 1", "exact main=walk beside"},
      {"1 1 - 1 - - - - 1 1", "exact counters columns main=matcher beside"},
      {"1 1 - 1 - 1 - - 0 1", "exact counters main=matcher beside"},
      {"1 1 0 0 - - - - 1 1", "exact columns main=page page_pass_exact beside"},
      {"1 1 1 0 - - - - 0 1", "exact main=matcher beside"},
      {"1 1 1 0 - - - - 1 1", "exact columns main=matcher beside"},
  };
  return kRows;
}

TEST(SearchPlanTest, EveryPossibleInputMatchesOneRowAndGetsItsPlan) {
  int possible = 0;
  for (unsigned bits = 0; bits < (1u << kInputs); ++bits) {
    const CountingInputs in = FromBits(bits);
    if (!Possible(in)) continue;
    ++possible;
    const PlanRow* row = nullptr;
    for (const PlanRow& r : PlanTable()) {
      if (!Matches(r.inputs, bits)) continue;
      EXPECT_EQ(row, nullptr) << "inputs " << Bits(bits) << " match rows \""
                              << (row ? row->inputs : "") << "\" and \"" << r.inputs << "\"";
      row = &r;
    }
    ASSERT_NE(row, nullptr) << "no row for inputs " << Bits(bits);
    EXPECT_EQ(DescribePlan(PlanCounting(in)), row->plan)
        << "inputs " << Bits(bits) << " (row \"" << row->inputs << "\")";
  }
  EXPECT_EQ(possible, 282);
}

TEST(SearchPlanTest, EveryRowDescribesSomePossibleInput) {
  for (const PlanRow& r : PlanTable()) {
    bool used = false;
    for (unsigned bits = 0; bits < (1u << kInputs) && !used; ++bits) {
      used = Possible(FromBits(bits)) && Matches(r.inputs, bits);
    }
    EXPECT_TRUE(used) << "row \"" << r.inputs << "\" matches no possible input";
  }
}

TEST(SearchPlanTest, DisjunctiveCountFollowsThePlan) {
  // collapse, plan.columns, plan.chunked, the pass query matches all, it is
  // a conjunction -> how that facet is counted.
  struct Row {
    const char* inputs;
    CountPass want;
  };
  const Row kRows[] = {
      {"1 - - - -", CountPass::kMatcher},
      {"0 - - 1 -", CountPass::kTermFrequencies},
      {"0 1 - 0 1", CountPass::kWalk},
      {"0 0 - 0 1", CountPass::kMatcher},
      {"0 - 1 0 0", CountPass::kChunkedMatcher},
      {"0 - 0 0 0", CountPass::kMatcher},
  };
  // Every possible main plan with a disjunctive count, under every query shape.
  for (unsigned bits = 0; bits < (1u << kInputs); ++bits) {
    CountingInputs in = FromBits(bits);
    if (!in.disjunctive_counts || !Possible(in)) continue;
    const CountingPlan plan = PlanCounting(in);
    for (int shape = 0; shape < 3; ++shape) {
      const bool matches_all = shape == 2, conjunction = shape >= 1;
      const std::string key = absl::StrCat(in.collapse ? "1 " : "0 ", plan.columns ? "1 " : "0 ",
                                           plan.chunked ? "1 " : "0 ", matches_all ? "1 " : "0 ",
                                           conjunction ? "1" : "0");
      int matched = 0;
      for (const Row& r : kRows) {
        bool match = true;
        for (size_t i = 0; i < key.size(); ++i) {
          if (r.inputs[i] != '-' && r.inputs[i] != key[i]) match = false;
        }
        if (!match) continue;
        ++matched;
        EXPECT_EQ(CountPassName(PlanDisjunctiveCount(in, plan, matches_all, conjunction)),
                  std::string(CountPassName(r.want)))
            << "main inputs " << Bits(bits) << ", pass " << key;
      }
      EXPECT_EQ(matched, 1) << "pass " << key;
    }
  }
}

// Which counting plans leave the ranked pass free to split, on every possible
// input, with the size and the load allowing it.
TEST(SearchPlanTest, RankedPassSplitsOnlyWhenNothingElseNeedsItsCoreOrItsMatches) {
  struct Row {
    const char* inputs;  // R C E F D A J P K B
    bool split;
  };
  const Row kRows[] = {
      //R C E F D A J P K B
      {"0 - - - - - - - - -", false},  // no page
      {"1 1 - - - - - - - -", false},  // collapsing: copies in both ranges
      {"1 0 - - - - - 1 - -", false},  // a phrase out of the range's reach (see below)
      // Counting in docid chunks beside the page keeps both cores busy.
      {"1 0 - - 1 - - 0 1 1", false},
      {"1 0 - 1 0 0 0 0 1 1", false},
      {"1 0 1 0 0 0 0 0 - 1", false},
      // A walk or an unchunked pass beside the page leaves a core idle.
      {"1 0 - - 1 - - 0 0 1", true},
      {"1 0 - 1 0 0 1 0 1 1", true},
      {"1 0 - 1 0 0 - 0 0 1", true},
      {"1 0 1 0 0 0 1 0 - 1", true},
      // Nothing counted beside the page.
      {"1 0 - - 0 1 - 0 - 1", true},
      {"1 0 0 0 0 0 - 0 - 1", true},
      {"1 0 - 1 - 0 - 0 - 0", true},
      {"1 0 - 1 - 1 - 0 - 0", true},
      {"1 0 - 0 - - - 0 - 0", true},
  };
  SplitInputs allowed;
  allowed.local = true;
  allowed.largest_postings = 100;
  allowed.min_postings = 100;
  allowed.searches_in_flight = 1;
  allowed.max_in_flight = 2;
  for (unsigned bits = 0; bits < (1u << kInputs); ++bits) {
    const CountingInputs in = FromBits(bits);
    if (!Possible(in)) continue;
    int matched = 0;
    for (const Row& r : kRows) {
      if (!Matches(r.inputs, bits)) continue;
      ++matched;
      // Only an exact total may split: two ranges' estimates differ from one.
      const CountingPlan plan = PlanCounting(in);
      EXPECT_EQ(PlanSplitRanking(in, plan, allowed), r.split && plan.exact)
          << "inputs " << Bits(bits) << " (row \"" << r.inputs << "\")";
    }
    EXPECT_EQ(matched, 1) << "inputs " << Bits(bits);
  }
}

// A phrase splits once the range filter reaches its position checks, and
// then only where a plain query would: its exact total counted in the page
// pass, facets only by column counters (one per range, merged), no
// collapsing.
TEST(SearchPlanTest, PhraseSplitsWhenTheRangeReachesItsPositions) {
  struct Row {
    bool exact_total, filtered_counts, columns, collapse, beside;
    bool split;
  };
  const Row kRows[] = {
      {true, false, false, false, false, true},    // exact total only: one exact pass, halved
      {true, false, false, false, true, true},     // the same with a second handle at hand
      {false, false, false, false, false, false},  // an estimated total never splits
      {true, true, false, false, false, false},    // the page pass feeds stock spies
      {true, true, true, false, false, true},      // column counters, one per range
      {false, true, true, false, true, true},      // the same, a second handle at hand
      {true, false, false, true, false, false},    // collapsing
  };
  for (const Row& r : kRows) {
    CountingInputs in;
    in.ranked = true;
    in.positional = true;
    in.exact_total = r.exact_total;
    in.filtered_counts = r.filtered_counts;
    in.columns = r.columns;
    in.collapse = r.collapse;
    in.beside = r.beside;
    const CountingPlan plan = PlanCounting(in);  // out of the range's reach
    SplitInputs split;
    split.local = true;
    split.largest_postings = 100;
    split.min_postings = 100;
    split.max_in_flight = 2;
    in.range_reaches_positions = true;
    EXPECT_EQ(PlanSplitRanking(in, PlanCounting(in), split), r.split)
        << "exact " << r.exact_total << " facets " << r.filtered_counts << " columns "
        << r.columns << " collapse " << r.collapse << " beside " << r.beside << ": "
        << DescribePlan(PlanCounting(in));
    in.range_reaches_positions = false;
    EXPECT_FALSE(PlanSplitRanking(in, plan, split)) << DescribePlan(plan);
  }
}

// Within the range filter's reach, a phrase's facets count in the page pass
// (which may split), and its disjunctive counts in docid chunks that both
// threads take; out of reach, as the table above says.
TEST(SearchPlanTest, PhraseCountsWhereTheRangeReachesItsPositions) {
  CountingInputs in;
  in.ranked = true;
  in.positional = true;
  in.filtered_counts = true;
  in.columns = true;
  in.beside = true;
  in.range_reaches_positions = true;
  EXPECT_EQ(DescribePlan(PlanCounting(in)), "exact counters columns main=page page_pass_exact");
  in.disjunctive_counts = true;
  EXPECT_EQ(DescribePlan(PlanCounting(in)),
            "exact counters columns main=chunked beside chunked");
  EXPECT_EQ(PlanDisjunctiveCount(in, PlanCounting(in), false, false), CountPass::kChunkedMatcher);
  in.range_reaches_positions = false;
  EXPECT_EQ(DescribePlan(PlanCounting(in)), "exact counters columns main=matcher beside");
  in.disjunctive_counts = false;
  EXPECT_EQ(DescribePlan(PlanCounting(in)), "exact counters columns main=matcher beside");
}

// The size threshold, the admission rule and locality, on a plain ranked
// page (nothing counted).
TEST(SearchPlanTest, RankedPassSplitsWhenBigLocalAndACoreIsFree) {
  CountingInputs in;
  in.ranked = true;
  in.conjunction = true;
  in.exact_total = true;
  const CountingPlan plan = PlanCounting(in);
  struct Row {
    bool local, single_term;
    int64_t largest, min;
    int in_flight, max_in_flight;
    bool split;
  };
  const Row kRows[] = {
      {true, false, 50000, 20000, 1, 2, true},
      {true, false, 20000, 20000, 1, 2, true},   // the threshold is inclusive
      {true, false, 19999, 20000, 1, 2, false},  // too small to pay for a thread
      {true, false, 0, 0, 1, 2, true},           // 0: every ranked query (tests)
      {true, false, 50000, -1, 1, 2, false},     // < 0: never
      {false, false, 50000, 20000, 1, 2, false},  // no second local handle (remote)
      {true, true, 50000, 20000, 1, 2, false},    // one term: no gain on two cores
      {true, false, 50000, 20000, 2, 2, false},   // as many searches as cores: busy
      {true, false, 50000, 20000, 3, 2, false},
      {true, false, 50000, 20000, 3, 4, true},
      {true, false, 50000, 20000, 1, 1, false},  // one core
  };
  for (const Row& r : kRows) {
    SplitInputs split;
    split.local = r.local;
    split.single_term = r.single_term;
    split.largest_postings = r.largest;
    split.min_postings = r.min;
    split.searches_in_flight = r.in_flight;
    split.max_in_flight = r.max_in_flight;
    EXPECT_EQ(PlanSplitRanking(in, plan, split), r.split)
        << "local " << r.local << " single term " << r.single_term << " largest " << r.largest
        << " min " << r.min << " in flight " << r.in_flight << " of " << r.max_in_flight;
  }
}

}  // namespace
}  // namespace newsdex::query

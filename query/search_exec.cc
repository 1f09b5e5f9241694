#include "query/search_exec_internal.h"

#include <algorithm>
#include <utility>

#include "core/schema.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"
#include "query/parallel_ranking.h"

namespace newsdex::query::internal {
namespace {

Xapian::valueno Slot(core::ValueSlot slot) { return static_cast<Xapian::valueno>(slot); }

// Docid chunks per chunked pass: enough that the two threads finish within a
// chunk of each other, few enough that setting up a pass per chunk stays cheap.
constexpr Xapian::docid kChunks = 16;

}  // namespace

FacetCounters::FacetCounters(std::shared_ptr<const FacetColumns> columns,
                             std::vector<FacetField> fields)
    : fields_(std::move(fields)), columns_(std::move(columns)) {
  if (columns_ != nullptr) {
    column_counter_ = std::make_unique<FacetColumnCounter>(columns_, fields_);
    return;
  }
  for (FacetField f : fields_) {
    spies_.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(Slot(FacetSlot(f))));
  }
}

void FacetCounters::AttachTo(Xapian::Enquire& enquire) const {
  if (column_counter_ != nullptr) enquire.add_matchspy(column_counter_.get());
  for (const auto& spy : spies_) enquire.add_matchspy(spy.get());
}

std::unique_ptr<FacetColumnCounter> FacetCounters::NewColumnCounter() const {
  return std::make_unique<FacetColumnCounter>(columns_, fields_);
}

const Xapian::ValueCountMatchSpy* FacetCounters::spy(FacetField field) const {
  for (size_t i = 0; i < spies_.size(); ++i) {
    if (fields_[i] == field) return spies_[i].get();
  }
  return nullptr;
}

CountingRun::CountingRun(const CountingPlan& plan, const CountingLimits& limits,
                         CountingHandle here, CountingHandle beside)
    : plan_(plan), limits_(limits), here_(here), beside_(beside) {}

CountingRun::~CountingRun() {
  // Joined on every way out of a search, errors and exceptions included.
  if (thread_.joinable()) thread_.join();
}

// A query handed to the counting thread is a deep copy: Xapian::Query shares
// subqueries with non-atomic reference counts.
Xapian::Query CountingRun::ForPasses(const Xapian::Query& query) const {
  return plan_.beside ? Xapian::Query::unserialise(query.serialise()) : query;
}

void CountingRun::SetMain(const Xapian::Query& query,
                          std::optional<std::vector<std::string>> terms,
                          FacetCounters counters) {
  main_.counters = std::move(counters);
  main_.terms = std::move(terms);
  if (plan_.main == CountPass::kMatcher) main_.query = ForPasses(query);
  if (plan_.main == CountPass::kChunkedMatcher) AddChunked(query, main_.counters, /*main=*/true);
}

void CountingRun::AddDisjunctive(FacetField field, CountPass how, const Xapian::Query& query,
                                 std::optional<std::vector<std::string>> terms,
                                 FacetCounters counters) {
  Disjunctive pass{field, how, Xapian::Query(), std::move(terms), std::move(counters)};
  if (how == CountPass::kMatcher) pass.query = ForPasses(query);
  if (how == CountPass::kChunkedMatcher) AddChunked(query, pass.counters, /*main=*/false);
  disjunctive_.push_back(std::move(pass));
}

// Side 0 (the counting thread) gets a deep copy of `query` and the count's
// own counter; side 1 (this thread) the original and a counter of its own.
void CountingRun::AddChunked(const Xapian::Query& query, const FacetCounters& counters,
                             bool main) {
  ChunkedPass pass;
  pass.query[0] = ForPasses(query);
  pass.query[1] = query;
  pass.counter[0] = counters.column_counter();
  if (pass.counter[0] != nullptr) {
    pass.second = counters.NewColumnCounter();
    pass.counter[1] = pass.second.get();
  }
  pass.main = main;
  chunked_.push_back(std::move(pass));
}

void CountingRun::AttachToPagePass(Xapian::Enquire& page) const {
  if (plan_.main == CountPass::kPagePass && !main_.counters.empty()) {
    main_.counters.AttachTo(page);
  }
}

void CountingRun::Start() {
  if (!plan_.beside) return;
  thread_ = std::thread([this] {
    beside_status_ = CountPasses(beside_);
    if (beside_status_.ok() && plan_.chunked) beside_status_ = CountChunks(beside_, 0);
  });
}

absl::Status CountingRun::Finish() {
  if (!plan_.beside) return CountPasses(here_);
  const absl::Status own_share = plan_.chunked ? CountChunks(here_, 1) : absl::OkStatus();
  thread_.join();
  NEWSDEX_RETURN_IF_ERROR(beside_status_);
  NEWSDEX_RETURN_IF_ERROR(own_share);
  MergeChunks();
  return absl::OkStatus();
}

absl::Status CountingRun::CountPasses(CountingHandle handle) {
  return core::CallXapian("counting matches", [&]() -> absl::Status {
    if (plan_.main == CountPass::kWalk) {
      NEWSDEX_ASSIGN_OR_RETURN(walked_, CountConjunction(*handle.db, *main_.terms,
                                                         main_.counters.column_counter()));
    } else if (plan_.main == CountPass::kMatcher) {
      CountMainWithMatcher(*handle.enquire);
    }
    handle.enquire->clear_matchspies();
    for (const Disjunctive& pass : disjunctive_) {
      if (pass.how == CountPass::kWalk) {
        NEWSDEX_RETURN_IF_ERROR(
            CountConjunction(*handle.db, *pass.terms, pass.counters.column_counter()).status());
      } else if (pass.how == CountPass::kMatcher) {
        CountDisjunctiveWithMatcher(*handle.enquire, pass);
      }
    }
    return absl::OkStatus();
  });
}

double PassTimeLimit(double time_limit, absl::Time deadline) {
  if (time_limit <= 0) return 0;
  // Xapian reads 0 as "no limit": a pass after the deadline gets a token one.
  return std::max(absl::ToDoubleSeconds(deadline - absl::Now()), 1e-6);
}

// Throws Xapian errors: called inside CountPasses's CallXapian.
void CountingRun::CountMainWithMatcher(Xapian::Enquire& enquire) {
  enquire.clear_matchspies();
  if (!main_.counters.empty()) main_.counters.AttachTo(enquire);
  enquire.set_query(main_.query);
  enquire.set_collapse_key(limits_.collapse ? Slot(core::ValueSlot::kCollapseKey)
                                            : Xapian::BAD_VALUENO);
  enquire.set_time_limit(PassTimeLimit(limits_.time_limit, limits_.deadline));
  counted_ = enquire.get_mset(0, 0, limits_.doccount);
}

// Throws Xapian errors: called inside CountPasses's CallXapian.
void CountingRun::CountDisjunctiveWithMatcher(Xapian::Enquire& enquire,
                                                      const Disjunctive& pass) {
  enquire.set_query(pass.query);
  enquire.set_collapse_key(limits_.collapse ? Slot(core::ValueSlot::kCollapseKey)
                                            : Xapian::BAD_VALUENO);
  enquire.set_time_limit(PassTimeLimit(limits_.time_limit, limits_.deadline));
  pass.counters.AttachTo(enquire);
  const Xapian::MSet counted = enquire.get_mset(0, 0, limits_.doccount);
  enquire.clear_matchspies();
  // Collapsing makes the bounds differ even when every match was checked.
  if (limits_.time_limit > 0 && !limits_.collapse &&
      counted.get_matches_lower_bound() != counted.get_matches_upper_bound()) {
    timed_out_ = true;
  }
}

absl::Status CountingRun::CountChunks(CountingHandle handle, int side) {
  return core::CallXapian("counting matches", [&]() -> absl::Status {
    const size_t items = chunked_.size() * kChunks;
    for (size_t i = next_chunk_++; i < items; i = next_chunk_++) {
      const Xapian::docid chunk = static_cast<Xapian::docid>(i % kChunks);
      const uint64_t last = limits_.lastdocid;
      const auto first_docid = static_cast<Xapian::docid>(last * chunk / kChunks) + 1;
      const auto last_docid = static_cast<Xapian::docid>(last * (chunk + 1) / kChunks);
      if (first_docid > last_docid) continue;
      CountChunk(*handle.enquire, chunked_[i / kChunks], side, first_docid, last_docid);
    }
    return absl::OkStatus();
  });
}

// Throws Xapian errors: called inside CountChunks's CallXapian.
void CountingRun::CountChunk(Xapian::Enquire& enquire, ChunkedPass& pass, int side,
                             Xapian::docid first, Xapian::docid last) {
  enquire.set_query(InDocidRange(pass.query[side], first, last));
  enquire.set_collapse_key(Xapian::BAD_VALUENO);
  enquire.set_time_limit(PassTimeLimit(limits_.time_limit, limits_.deadline));
  enquire.clear_matchspies();
  if (pass.counter[side] != nullptr) enquire.add_matchspy(pass.counter[side]);
  const Xapian::MSet counted = enquire.get_mset(0, 0, limits_.doccount);
  enquire.clear_matchspies();
  pass.matches[side] += counted.get_matches_lower_bound();
  if (counted.get_matches_lower_bound() != counted.get_matches_upper_bound()) {
    chunks_timed_out_ = true;
  }
}

void CountingRun::MergeChunks() {
  for (ChunkedPass& pass : chunked_) {
    if (pass.counter[0] != nullptr) pass.counter[0]->MergeFrom(*pass.counter[1]);
    if (pass.main) walked_ = pass.matches[0] + pass.matches[1];
  }
}

MatchTotals CountingRun::Totals(const MatchTotals& page) const {
  MatchTotals totals = page;
  if (walked_) {
    totals.estimated = totals.lower = totals.upper = *walked_;
  } else if (counted_) {
    totals.estimated = counted_->get_matches_estimated();
    totals.lower = counted_->get_matches_lower_bound();
    totals.upper = counted_->get_matches_upper_bound();
  }
  if (chunks_timed_out_ && plan_.main == CountPass::kChunkedMatcher) {
    // A chunk stopped at the time limit: the summed count is a lower bound.
    totals.upper = std::max(totals.upper, limits_.doccount);
  }
  return totals;
}

}  // namespace newsdex::query::internal

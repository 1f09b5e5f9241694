#include "query/parallel_ranking.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "core/xapian_status.h"
#include "query/query_rewrite.h"

namespace newsdex::query::internal {
namespace {

// Matches every docid in [first, last] with weight 0. Local only (no name(),
// so it does not serialise to a remote shard).
class DocidRange : public Xapian::PostingSource {
 public:
  DocidRange(Xapian::docid first, Xapian::docid last) : first_(first), last_(last) {}
  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return size(); }
  Xapian::doccount get_termfreq_max() const override { return size(); }
  void init(const Xapian::Database& db) override {
    end_ = std::min(last_, db.get_lastdocid());
    current_ = 0;
  }
  void next(double) override { current_ = current_ == 0 ? first_ : current_ + 1; }
  void skip_to(Xapian::docid did, double) override {
    if (current_ == 0) current_ = first_;
    current_ = std::max(current_, did);
  }
  bool at_end() const override { return current_ > end_; }
  Xapian::docid get_docid() const override { return current_; }
  Xapian::PostingSource* clone() const override { return new DocidRange(first_, last_); }

 private:
  Xapian::doccount size() const { return first_ > last_ ? 0 : last_ - first_ + 1; }
  Xapian::docid first_, last_;
  Xapian::docid end_ = 0;
  Xapian::docid current_ = 0;  // 0: before the first
};

// The single pass's order (see the header).
bool RanksBefore(const RankedHit& a, const RankedHit& b, bool by_key) {
  if (by_key && a.sort_key != b.sort_key) return a.sort_key < b.sort_key;
  if (a.weight != b.weight) return a.weight > b.weight;
  return a.docid < b.docid;
}

// Joins a thread on every way out of a scope.
class Joiner {
 public:
  explicit Joiner(std::thread& thread) : thread_(thread) {}
  ~Joiner() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread& thread_;
};

}  // namespace

std::atomic<int> SearchInFlight::running_{0};

SearchInFlight::SearchInFlight() : at_start_(running_.fetch_add(1) + 1) {}
SearchInFlight::~SearchInFlight() { running_.fetch_sub(1); }

Xapian::Query InDocidRange(const Xapian::Query& query, Xapian::docid first, Xapian::docid last) {
  const Xapian::Query range((new DocidRange(first, last))->release());
  const std::optional<Xapian::Query> inner = WrapPositional(query, [&](const Xapian::Query& p) {
    return Xapian::Query(Xapian::Query::OP_AND, p, range);
  });
  return Xapian::Query(Xapian::Query::OP_FILTER, inner ? *inner : query, range);
}

RankedPage PageOf(const Xapian::MSet& mset, bool sort_keys) {
  RankedPage page;
  page.totals.estimated = mset.get_matches_estimated();
  page.totals.lower = mset.get_matches_lower_bound();
  page.totals.upper = mset.get_matches_upper_bound();
  page.hits.reserve(mset.size());
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    RankedHit hit;
    hit.docid = *it;
    hit.weight = it.get_weight();
    hit.collapse_count = it.get_collapse_count();
    if (sort_keys) hit.sort_key = it.get_sort_key();
    page.hits.push_back(std::move(hit));
  }
  return page;
}

RankedPage MergeRanges(const RankedPage& low, const RankedPage& high, bool by_key,
                       Xapian::doccount offset, Xapian::doccount limit) {
  RankedPage page;
  page.totals.estimated = low.totals.estimated + high.totals.estimated;
  page.totals.lower = low.totals.lower + high.totals.lower;
  page.totals.upper = low.totals.upper + high.totals.upper;
  std::vector<RankedHit> merged;
  merged.reserve(low.hits.size() + high.hits.size());
  std::merge(low.hits.begin(), low.hits.end(), high.hits.begin(), high.hits.end(),
             std::back_inserter(merged),
             [by_key](const RankedHit& a, const RankedHit& b) { return RanksBefore(a, b, by_key); });
  for (size_t i = offset; i < merged.size() && i - offset < limit; ++i) {
    page.hits.push_back(std::move(merged[i]));
  }
  return page;
}

absl::StatusOr<RankedPage> RankInTwoRanges(Xapian::Enquire& here, Xapian::Enquire& other,
                                           const Xapian::Query& query, const SplitPass& pass) {
  // Halves of the docid space: articles are appended as they come, so a
  // broad term's postings spread over all docids (not measured per range).
  const Xapian::docid split = pass.lastdocid / 2;
  const Xapian::doccount wanted = pass.offset + pass.limit;
  // The other thread's query is a deep copy: Query reference counts are not
  // atomic. Made here; from then on only the other thread touches it.
  absl::StatusOr<Xapian::Query> copy = core::CallXapian(
      "copying the query", [&] {
        return pass.registry != nullptr
                   ? Xapian::Query::unserialise(query.serialise(), *pass.registry)
                   : Xapian::Query::unserialise(query.serialise());
      });
  if (!copy.ok()) return copy.status();
  RankedPage high;
  absl::Status high_status;
  std::thread thread([&other, &high, &high_status, &pass, split, wanted,
                      upper = *std::move(copy)] {
    high_status = core::CallXapian("ranking the upper docid range", [&] {
      other.set_query(InDocidRange(upper, split + 1, pass.lastdocid));
      high = PageOf(other.get_mset(0, wanted, pass.check_at_least), pass.by_key);
      other.set_query(Xapian::Query());  // the Enquire keeps no share of the copy
    });
  });
  Joiner joiner(thread);
  RankedPage low;
  const absl::Status low_status = core::CallXapian("ranking the lower docid range", [&] {
    here.set_query(InDocidRange(query, 1, split));
    low = PageOf(here.get_mset(0, wanted, pass.check_at_least), pass.by_key);
  });
  thread.join();
  if (!low_status.ok()) return low_status;
  if (!high_status.ok()) return high_status;
  return MergeRanges(low, high, pass.by_key, pass.offset, pass.limit);
}

}  // namespace newsdex::query::internal

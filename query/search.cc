#include "query/search.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/schema.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"
#include "query/date_query.h"
#include "query/facet_columns.h"
#include "query/parallel_ranking.h"
#include "query/query_parser.h"
#include "query/query_rewrite.h"
#include "query/search_exec_internal.h"
#include "query/search_plan.h"
#include "query/snapshot_bm25.h"
#include "query/snippet.h"

namespace newsdex::query {
namespace {

using core::FieldId;
using core::ValueSlot;
using internal::CountingRun;
using internal::FacetCounters;

Xapian::valueno Slot(ValueSlot slot) { return static_cast<Xapian::valueno>(slot); }

// The facets with a filter of their own (date is handled apart).
constexpr FacetField kFilterFacets[] = {FacetField::kActor, FacetField::kCountry,
                                        FacetField::kAbout, FacetField::kLanguage,
                                        FacetField::kSource};

FieldId FieldOf(FacetField f) {
  switch (f) {
    case FacetField::kActor: return FieldId::kActor;
    case FacetField::kCountry: return FieldId::kCountry;
    case FacetField::kAbout: return FieldId::kFocusCountry;
    case FacetField::kLanguage: return FieldId::kLanguage;
    case FacetField::kSource: return FieldId::kSource;
    case FacetField::kDate: return FieldId::kDay;
  }
  return FieldId::kText;
}

size_t FacetIndex(FacetField f) { return static_cast<size_t>(f); }

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }

// Accepts only the default field's stemmed terms for "more like this": the
// stemmed-term prefix followed by a stem, not by another field's prefix (a
// capital, as in title terms).
class DefaultFieldTerms : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    return term.size() > stemmed_.size() && absl::StartsWith(term, stemmed_) &&
           !IsAsciiUpper(term[stemmed_.size()]);
  }

 private:
  const std::string stemmed_ = core::FreeTextTerm(FieldId::kText, "");
};

std::optional<absl::CivilDay> DayFromCompact(absl::string_view compact) {
  return core::ParseIsoDate(compact);
}

// A document's stored article. The body (compressed document data) is read
// only when `with_body` or when the document predates the metadata slot.
// Throws Xapian errors: call inside CallXapian.
absl::StatusOr<core::Article> ReadArticle(const Xapian::Document& doc, bool with_body) {
  std::string metadata = doc.get_value(Slot(ValueSlot::kMetadata));
  return core::DecodeStoredArticle(metadata,
                                   with_body || metadata.empty() ? doc.get_data() : std::string());
}

// Whether matching `query` checks term positions (phrases, NEAR). Such a
// query verifies positions for every candidate in the ranked pass as well as
// in a counting pass, so it is cheaper counted in the ranked pass itself.
bool ChecksPositions(const Xapian::Query& query) {
  std::vector<Xapian::Query> stack = {query};
  while (!stack.empty()) {
    const Xapian::Query q = std::move(stack.back());
    stack.pop_back();
    const Xapian::Query::op type = q.get_type();
    if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR) return true;
    for (size_t i = 0; i < q.get_num_subqueries(); ++i) stack.push_back(q.get_subquery(i));
  }
  return false;
}

// Whether a word of `text` (words split at ' ' and '-') starts with `prefix`.
bool AWordStartsWith(const std::string& text, const std::string& prefix) {
  for (size_t p = 0; p < text.size();) {
    if (text.compare(p, prefix.size(), prefix) == 0) return true;
    p = text.find_first_of(" -", p);
    if (p == std::string::npos) break;
    ++p;
  }
  return false;
}

bool MatchesAll(const Xapian::Query& query) {
  return query.get_type() == Xapian::Query::LEAF_MATCH_ALL;
}

Hit HitFromArticle(core::Article&& a) {
  Hit h;
  h.id = std::move(a.id);
  h.title = std::move(a.title);
  h.url = std::move(a.url);
  h.date = a.date;
  h.source = std::move(a.source);
  h.lang = std::move(a.language);
  h.countries = std::move(a.countries);
  h.actors = std::move(a.actors);
  return h;
}

// The request's filters: the values of one facet ORed; the facets and the
// date range ANDed.
class SearchFilters {
 public:
  void Set(FacetField field, Xapian::Query filter) {
    by_facet_[FacetIndex(field)] = std::move(filter);
  }
  void SetDates(Xapian::Query filter) { dates_ = std::move(filter); }
  bool Has(FacetField field) const { return by_facet_[FacetIndex(field)].has_value(); }

  // `query` filtered by every filter except `skip`'s (disjunctive counts).
  Xapian::Query Apply(const Xapian::Query& query,
                      std::optional<FacetField> skip = std::nullopt) const {
    std::vector<Xapian::Query> filters;
    for (FacetField f : kFilterFacets) {
      if (skip && *skip == f) continue;
      if (by_facet_[FacetIndex(f)]) filters.push_back(*by_facet_[FacetIndex(f)]);
    }
    if (dates_) filters.push_back(*dates_);
    if (filters.empty()) return query;
    Xapian::Query filter =
        filters.size() == 1
            ? filters[0]
            : Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end());
    if (MatchesAll(query)) return filter;
    // The filter also goes inside each phrase and NEAR it reaches, which then
    // checks positions only for documents the filter keeps (1M documents,
    // `"new year" country:de`, top 10 with an exact total: 71 ms without, 14
    // ms with, medians of 3). It selects and adds no weight there either.
    const std::optional<Xapian::Query> inner =
        internal::WrapPositional(query, [&](const Xapian::Query& p) {
          return Xapian::Query(Xapian::Query::OP_FILTER, p, filter);
        });
    return Xapian::Query(Xapian::Query::OP_FILTER, inner ? *inner : query, filter);
  }

 private:
  std::array<std::optional<Xapian::Query>, core::kFacetFieldCount> by_facet_;
  std::optional<Xapian::Query> dates_;
};

// A request checked, its query parsed and its filters resolved.
struct ParsedSearch {
  const SearchRequest* request = nullptr;
  std::vector<FacetField> facets;  // distinct, in request order, without kDate
  bool want_dates = false;
  int limit = 0;        // capped at kMaxLimit
  int facet_limit = 0;  // clamped to [0, kMaxFacetLimit]
  double time_limit = 0;  // seconds, for Enquire::set_time_limit; 0 = none
  absl::Time deadline = absl::InfiniteFuture();  // every pass ends by then
  ParsedQuery parsed;
  std::string query_warning;
  SearchFilters filters;
  int searches_in_flight = 1;  // in the process when this one began, itself included
};

// How a parsed search will be run and counted.
struct SearchPlan {
  Xapian::doccount doccount = 0;
  Xapian::Query query;       // every filter applied: what the main count counts
  Xapian::Query page_query;  // `query`, with the recency boost when asked for
  std::optional<std::vector<std::string>> terms;  // ConjunctionTerms(query)
  CountingInputs inputs;
  CountingPlan counting;
  std::shared_ptr<const FacetColumns> columns;  // the snapshot, when counting.columns
  // The ranked pass runs as two docid ranges (PlanSplitRanking).
  bool split_ranking = false;
  // The lengths page_query's terms are weighed with (query/snapshot_bm25.h),
  // or null when Xapian reads them.
  std::shared_ptr<const DocLengths> lengths;
};

// What running a search left to render (its hits are read while it runs).
struct SearchRun {
  internal::RankedPage page;  // empty when the page pass did not run
  std::unique_ptr<CountingRun> counting;
};

// The key makers of the date orders. Each Enquire that sorts by date has its
// own: nothing Xapian is shared between threads.
struct DateOrders {
  DateOrders() {
    newest_first.add_value(Slot(ValueSlot::kDate), /*reverse=*/true, /*defvalue=*/"");
    // Undated documents sort after dated ones in both directions.
    oldest_first.add_value(Slot(ValueSlot::kDate), /*reverse=*/false, /*defvalue=*/"~");
  }
  // Sets `enquire`'s order for a ranked page sorted by `sort`.
  void Apply(SortOrder sort, Xapian::Enquire& enquire) {
    switch (sort) {
      case SortOrder::kRelevance:
      case SortOrder::kRelevanceRecency:
        enquire.set_sort_by_relevance();
        break;
      case SortOrder::kNewest:
        if (by_value) {
          return enquire.set_sort_by_value_then_relevance(Slot(ValueSlot::kDate), true);
        }
        enquire.set_sort_by_key_then_relevance(&newest_first, false);
        break;
      case SortOrder::kOldest:
        if (by_value) {
          return enquire.set_sort_by_value_then_relevance(Slot(ValueSlot::kDate), false);
        }
        enquire.set_sort_by_key_then_relevance(&oldest_first, false);
        break;
    }
  }
  Xapian::MultiValueKeyMaker newest_first, oldest_first;
  // Remote shards: xapian-tcpsrv runs no KeyMaker (UnimplementedError), so
  // the date slot sorts by itself; undated articles then come first in
  // oldest-first order.
  bool by_value = false;
};

bool SortsByKey(SortOrder sort) { return sort == SortOrder::kNewest || sort == SortOrder::kOldest; }

// A second handle on the local database a Searcher reads, with its Enquire,
// for work on another thread. Opened at the first query that needs it (a
// daemon's workers on a small index never hold the extra file descriptors).
class SecondHandle {
 public:
  enum Use { kCounting, kRanking };
  explicit SecondHandle(Use use) : use_(use) {}
  // Opens the database at `path` unless open. Throws Xapian errors.
  void Open(const std::string& path) {
    if (db_) return;
    db_.emplace(path);
    ResetEnquire();
  }
  // Whether the handle reads `revision`, reopening it once if not (a commit
  // came between the two handles' opens or reopens). Throws Xapian errors.
  bool AtRevision(Xapian::rev revision) {
    if (db_->get_revision() == revision) return true;
    db_->reopen();
    ResetEnquire();
    return db_->get_revision() == revision;
  }
  void Reopen() {
    if (db_) db_->reopen();
  }
  void ResetEnquire() {
    enquire_.reset();
    if (!db_) return;
    enquire_ = std::make_unique<Xapian::Enquire>(*db_);
    if (use_ == kCounting) {
      enquire_->set_weighting_scheme(Xapian::BoolWeight());
      enquire_->set_docid_order(Xapian::Enquire::DONT_CARE);
    } else {
      enquire_->set_docid_order(Xapian::Enquire::ASCENDING);
    }
  }
  void Close() {
    enquire_.reset();
    db_.reset();
  }
  Xapian::Database* db() { return db_ ? &*db_ : nullptr; }
  Xapian::Enquire* enquire() { return enquire_.get(); }

 private:
  const Use use_;
  std::optional<Xapian::Database> db_;
  std::unique_ptr<Xapian::Enquire> enquire_;
};

absl::Status CheckPaging(const SearchRequest& request) {
  if (request.offset < 0) {
    return absl::InvalidArgumentError(absl::StrCat("offset: must be >= 0, got ", request.offset));
  }
  if (request.limit < 0) {
    return absl::InvalidArgumentError(absl::StrCat("limit: must be >= 0, got ", request.limit));
  }
  if (request.from && request.to && *request.from > *request.to) {
    return absl::InvalidArgumentError(absl::StrCat("from: ", core::FormatIsoDate(*request.from),
                                                   " is after to: ",
                                                   core::FormatIsoDate(*request.to)));
  }
  return absl::OkStatus();
}

// The facets named in the request, each once, with "date" apart.
absl::Status ParseFacetNames(const std::vector<std::string>& names, ParsedSearch* search) {
  for (const std::string& name : names) {
    FacetField f;
    if (!ParseFacetField(name, &f)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "facets: unknown facet \"", name,
          "\" (expected actor, country, about, lang, source or date)"));
    }
    if (f == FacetField::kDate) {
      search->want_dates = true;
    } else if (std::find(search->facets.begin(), search->facets.end(), f) ==
               search->facets.end()) {
      search->facets.push_back(f);
    }
  }
  return absl::OkStatus();
}

double TimeLimitSeconds(absl::Duration limit) {
  return limit == absl::InfiniteDuration() ? 0.0 : std::max(1e-3, absl::ToDoubleSeconds(limit));
}

}  // namespace

absl::string_view SortOrderName(SortOrder sort) {
  switch (sort) {
    case SortOrder::kRelevance: return "relevance";
    case SortOrder::kNewest: return "newest";
    case SortOrder::kOldest: return "oldest";
    case SortOrder::kRelevanceRecency: return "recency";
  }
  return "relevance";
}

absl::StatusOr<SortOrder> ParseSortOrder(absl::string_view name) {
  for (SortOrder s : {SortOrder::kRelevance, SortOrder::kNewest, SortOrder::kOldest,
                      SortOrder::kRelevanceRecency}) {
    if (SortOrderName(s) == name) return s;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "sort: unknown order \"", name, "\" (expected relevance, newest, oldest or recency)"));
}

class Searcher::Impl {
 public:
  Impl(Xapian::Database db, const SearcherOptions& options,
       std::unique_ptr<core::Analyzer> analyzer)
      : db_(std::move(db)), options_(options), analyzer_(std::move(analyzer)) {
    if (options_.resolver == nullptr) options_.resolver = MakeFacetResolver();
    if (options_.language.empty()) options_.language = "en";
    ResetEnquires();
  }

  void ResetEnquires() {
    enquire_ = std::make_unique<Xapian::Enquire>(db_);
    enquire_->set_docid_order(Xapian::Enquire::ASCENDING);
    count_enquire_ = std::make_unique<Xapian::Enquire>(db_);
    count_enquire_->set_weighting_scheme(Xapian::BoolWeight());
    count_enquire_->set_docid_order(Xapian::Enquire::DONT_CARE);
    recency_query_.reset();
    count_handle_.ResetEnquire();
    split_handle_.ResetEnquire();
  }

  // Enables the second handle for the database at `path` (counting beside
  // the ranked pass, the upper range of a split ranked pass); it opens at the
  // first query big enough to use it (a daemon's workers on a small index
  // never hold twice the file descriptors).
  void InitBeside(const std::string& path) {
    if (options_.parallel_count_min_postings > 0 || options_.parallel_rank_min_postings >= 0) {
      beside_path_ = path;
    }
  }

  // Postings of `query`'s largest term; the document count for a match-all.
  // Throws Xapian errors.
  Xapian::doccount LargestPostings(const Xapian::Query& query) const {
    if (query.get_type() == Xapian::Query::LEAF_MATCH_ALL) return db_.get_doccount();
    Xapian::doccount biggest = 0;
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
      biggest = std::max(biggest, db_.get_termfreq(*t));
    }
    return biggest;
  }

  // Whether the counting passes of a query whose largest term has `largest`
  // postings should run beside its ranked pass: at least
  // options_.parallel_count_min_postings (below that a thread costs more than
  // it saves) and the counting handle is open at db_'s revision.
  bool CountBesideRanking(Xapian::doccount largest) {
    if (options_.parallel_count_min_postings <= 0 ||
        largest < static_cast<Xapian::doccount>(options_.parallel_count_min_postings)) {
      return false;
    }
    return HandleReady(count_handle_);
  }

  // Opens `handle` if need be; whether it is open at db_'s revision. A failed
  // open only logs, and no handle is tried again. Throws Xapian errors.
  bool HandleReady(SecondHandle& handle) {
    if (beside_path_.empty()) return false;
    absl::Status s = core::CallXapian("opening a second handle", [&] { handle.Open(beside_path_); });
    if (!s.ok()) {
      NEWSDEX_LOG(WARNING) << s.message() << " (one thread per search from now on)";
      count_handle_.Close();
      split_handle_.Close();
      beside_path_.clear();
      return false;
    }
    return handle.AtRevision(db_.get_revision());
  }

  // Runs a read; when a writer committed past the revision being read, reopens
  // and retries, the last attempt holding a local database's commit gate, so a
  // writer committing as fast as it can never refuses a reader
  // (core/commit_gate.h). Every public read goes through here.
  template <typename Call>
  auto Retrying(Call&& call) {
    return core::RetryIfModified(
        2, std::forward<Call>(call), [&] { return Reopen().status(); }, columns_path_);
  }

  absl::StatusOr<SearchResponse> Search(const SearchRequest& request);
  absl::StatusOr<Xapian::docid> FindId(absl::string_view id);
  absl::StatusOr<core::Article> GetArticle(absl::string_view id);
  absl::StatusOr<std::vector<Hit>> Related(absl::string_view id, int limit);
  absl::StatusOr<std::vector<FacetValue>> FacetValues(absl::string_view field,
                                                      absl::string_view prefix, int limit);
  absl::StatusOr<bool> Reopen();
  absl::StatusOr<IndexStats> Stats();
  std::optional<uint64_t> Revision() const { return core::RevisionOf(db_); }
  // Reads `db` from now on (a cluster reader changed its shards).
  void SortDatesByValue() { date_orders_.by_value = split_date_orders_.by_value = true; }
  void UseDatabase(const Xapian::Database& db) {
    db_ = db;
    ResetEnquires();
    RefreshColumns(/*at_open=*/false);
  }

  // Enables the facet columns for a single local database; `path` (empty for
  // FromDatabase) lets builds run in the background.
  void SetLocal(bool local) { local_ = local; }

  void InitColumns(std::string path, bool local) {
    columns_path_ = std::move(path);
    columns_eligible_ = local && options_.facet_columns != FacetColumnsMode::kOff;
    RefreshColumns(/*at_open=*/true);
  }

 private:
  using CountList = std::vector<std::pair<absl::string_view, uint64_t>>;
  // Finds, builds or schedules the snapshot for db_'s revision, as
  // options_.facet_columns says. Failures only log: the stock spies count.
  void RefreshColumns(bool at_open);
  // The snapshot valid for db_ now, or null (picks up a background build).
  std::shared_ptr<const FacetColumns> ColumnsForSearch();
  Xapian::Query RecencyQuery();

  // One search: parse, plan, run, render. `start` is when Search() began.
  absl::StatusOr<SearchResponse> SearchOnce(const SearchRequest& request, absl::Time start,
                                            int searches_in_flight);
  // Checks `request`, parses its query and resolves its filters.
  // kInvalidArgument for a bad request or a query that does not parse.
  absl::StatusOr<ParsedSearch> Parse(const SearchRequest& request);
  SearchFilters ResolveFilters(const SearchRequest& request);
  // The plan of `search`: its queries and how its counting runs (asks for the
  // column snapshot and the second handle only when they can be used).
  // Throws Xapian errors, as do the steps below.
  SearchPlan Plan(const ParsedSearch& search);
  // Runs the page pass (whole or split) and the counting passes; reads the
  // hits into `hits` while the counting thread (if any) counts.
  absl::StatusOr<SearchRun> Run(const ParsedSearch& search, const SearchPlan& plan,
                                std::vector<Hit>* hits);
  // Hands `run` the main count and the count of each facet with a filter
  // of its own.
  void PrepareCounts(const ParsedSearch& search, const SearchPlan& plan, CountingRun& run);
  // The Enquire of the page pass, set up for `search`: BM25 in the requested
  // order for a page, else the BoolWeight one.
  Xapian::Enquire& PreparePagePass(const ParsedSearch& search, const Xapian::Query& query);
  // The page pass as planned: one pass on `page`, or two docid ranges.
  // `counters`: the main count's, when the page pass makes the main count.
  absl::StatusOr<internal::RankedPage> RankPage(const ParsedSearch& search,
                                                const SearchPlan& plan, Xapian::Enquire& page,
                                                const FacetCounters& counters);
  absl::Status ReadHits(const ParsedSearch& search, const internal::RankedPage& page,
                        std::vector<Hit>* hits);
  // Fills in everything but the hits.
  void Render(const ParsedSearch& search, const SearchPlan& plan, const SearchRun& run,
              absl::Time start, SearchResponse* resp);
  void RenderTotal(const ParsedSearch& search, const SearchPlan& plan, const SearchRun& run,
                   SearchResponse* resp) const;
  FacetCounts RenderFacet(FacetField field, const ParsedSearch& search, const SearchPlan& plan,
                          const CountingRun& run) const;

  FacetCounts CountsFromCounters(FacetField field, const FacetCounters& counters,
                                 int limit) const;
  FacetCounts CountsFromSpy(FacetField field, const Xapian::ValueCountMatchSpy& spy,
                            int limit) const;
  FacetCounts CountsFromTerms(FacetField field, int limit) const;
  FacetCounts TopValues(FacetField field, CountList counts, int limit) const;
  // REQUIRES: `counters` count kDate.
  DateHistogram HistogramFromCounters(const FacetCounters& counters,
                                      const SearchRequest& request) const;
  DateHistogram HistogramFromSpy(const Xapian::ValueCountMatchSpy& spy,
                                 const SearchRequest& request) const;
  DateHistogram HistogramFromTerms(const SearchRequest& request) const;
  // REQUIRES: `days` ascending, each day once.
  DateHistogram HistogramFromDays(const std::vector<std::pair<absl::CivilDay, uint64_t>>& days,
                                  const SearchRequest& request) const;
  std::string Suggest(const SearchRequest& request, const ParsedQuery& parsed);

  Xapian::Database db_;
  SearcherOptions options_;
  std::unique_ptr<core::Analyzer> analyzer_;
  std::unique_ptr<Xapian::Enquire> enquire_;        // BM25, for ranked pages
  std::unique_ptr<Xapian::Enquire> count_enquire_;  // BoolWeight, counts only
  // Further handles on the same local database for work on other threads
  // (InitBeside), each opened at the first query that needs it.
  std::string beside_path_;  // the database directory; empty: no further handle
  // Counting beside the ranked pass: BoolWeight, any docid order.
  SecondHandle count_handle_{SecondHandle::kCounting};
  // The upper docid range of a split ranked pass: BM25, docids ascending. A
  // handle of its own, as it may rank while count_handle_ counts.
  SecondHandle split_handle_{SecondHandle::kRanking};
  DateOrders date_orders_, split_date_orders_;  // for enquire_ and split_handle_
  std::optional<Xapian::Query> recency_query_;     // cached per database revision
  bool columns_eligible_ = false;
  // One local database. Elsewhere a count never walks posting lists: a remote
  // shard sends a whole posting list to the client to walk (1M documents over
  // xapian-tcpsrv: seconds a query), where a matcher pass runs on the server.
  bool local_ = false;
  std::string columns_path_;  // the database directory when it is one local database
  // db_'s identity at the open revision; nullopt for a database without one
  // (in-memory), whose snapshot is private to this Searcher.
  std::optional<DatabaseIdentity> identity_;
  std::shared_ptr<const FacetColumns> columns_;  // valid for db_, or null
  absl::Time last_background_request_ = absl::InfinitePast();
};

void Searcher::Impl::RefreshColumns(bool at_open) {
  columns_.reset();
  identity_.reset();
  if (!columns_eligible_) return;
  absl::StatusOr<std::optional<DatabaseIdentity>> id = IdentityOf(db_);
  if (!id.ok()) {
    NEWSDEX_LOG(WARNING) << "facet columns: " << id.status().message();
    return;
  }
  identity_ = *std::move(id);
  absl::StatusOr<std::shared_ptr<const FacetColumns>> built;
  if (!identity_) {
    built = FacetColumns::Build(db_);
  } else {
    FacetColumnsCache& cache = FacetColumnsCache::Global();
    columns_ = cache.Find(*identity_);
    if (columns_ != nullptr) return;
    // Appending a commit's documents to the shared snapshot takes
    // milliseconds (a copy of the arrays plus the new documents); a full
    // build at 1M documents about a second, which only a plain Open waits for.
    const bool wait = columns_path_.empty() ||
                      (options_.facet_columns == FacetColumnsMode::kBuildAtOpen &&
                       (at_open || cache.CanExtend(*identity_)));
    if (!wait) {
      cache.BuildInBackground(columns_path_, *identity_);
      last_background_request_ = absl::Now();
      return;
    }
    built = cache.GetOrBuild(db_, *identity_);
  }
  if (built.ok()) {
    columns_ = *std::move(built);
  } else {
    NEWSDEX_LOG(WARNING) << "facet columns: " << built.status().message()
                         << " (counting with the stock spies)";
  }
}

std::shared_ptr<const FacetColumns> Searcher::Impl::ColumnsForSearch() {
  if (!columns_eligible_) return nullptr;
  if (!identity_) {
    // A private snapshot of a database shared with a writer in this process
    // (in-memory) goes stale without a reopen: rebuild when it grew or shrank.
    if (columns_ != nullptr && (db_.get_lastdocid() != columns_->lastdocid() ||
                                db_.get_doccount() != columns_->identity().doccount)) {
      RefreshColumns(/*at_open=*/false);
    }
    return columns_;
  }
  if (columns_ == nullptr) {
    FacetColumnsCache& cache = FacetColumnsCache::Global();
    columns_ = cache.Find(*identity_);
    // Ask again now and then (a build that failed, or one made for another
    // revision), never on every request.
    if (columns_ == nullptr && !columns_path_.empty() &&
        absl::Now() - last_background_request_ > absl::Seconds(1)) {
      cache.BuildInBackground(columns_path_, *identity_);
      last_background_request_ = absl::Now();
    }
  }
  return columns_;
}

// score = BM25 + weight * 0.5^(age_days / half_life), as a stock
// ValueMapPostingSource over the date slot (it runs on remote shards too): one
// mapping per distinct publication day, age counted back from the newest day
// in the index so results do not drift with the wall clock.
Xapian::Query Searcher::Impl::RecencyQuery() {
  if (recency_query_) return *recency_query_;
  const std::string day_prefix = core::BooleanTerm(FieldId::kDay, "");
  std::vector<std::string> days;
  for (auto it = db_.allterms_begin(day_prefix); it != db_.allterms_end(day_prefix); ++it) {
    days.push_back((*it).substr(day_prefix.size()));
  }
  auto* source = new Xapian::ValueMapPostingSource(Slot(ValueSlot::kDate));
  source->set_default_weight(0.0);
  std::optional<absl::CivilDay> newest;
  for (auto it = days.rbegin(); it != days.rend() && !newest; ++it) newest = DayFromCompact(*it);
  if (newest) {
    for (const std::string& d : days) {
      std::optional<absl::CivilDay> day = DayFromCompact(d);
      if (!day) continue;
      const double age = static_cast<double>(*newest - *day);
      const double w = options_.recency_weight *
                       std::pow(0.5, std::max(0.0, age) / std::max(1e-9, options_.recency_half_life_days));
      if (w > 1e-6) source->add_mapping(d, w);
    }
  }
  recency_query_ = Xapian::Query(source->release());
  return *recency_query_;
}

FacetCounts Searcher::Impl::CountsFromCounters(FacetField field, const FacetCounters& counters,
                                               int limit) const {
  if (counters.column_counter() != nullptr) {
    return TopValues(field, counters.column_counter()->Counts(field), limit);
  }
  return CountsFromSpy(field, *counters.spy(field), limit);
}

FacetCounts Searcher::Impl::CountsFromSpy(FacetField field, const Xapian::ValueCountMatchSpy& spy,
                                          int limit) const {
  absl::flat_hash_map<std::string, uint64_t> counts;
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    const std::string value = *it;
    const uint64_t n = it.get_termfreq();
    if (IsMultiValuedFacet(field)) {
      // Combined keys "gb|ir|us": each value counts once per document, and a
      // document holds each value at most once in its packed list, so the sum
      // over combined keys is the exact document count per value.
      for (const std::string& v : core::UnpackValues(value)) {
        if (!v.empty()) counts[v] += n;
      }
    } else if (!value.empty()) {
      counts[value] += n;
    }
  }
  return TopValues(field, CountList(counts.begin(), counts.end()), limit);
}

// Over the whole database a value's document count is its boolean term's
// frequency: no document is visited (used for an empty query without filters).
FacetCounts Searcher::Impl::CountsFromTerms(FacetField field, int limit) const {
  absl::flat_hash_map<std::string, uint64_t> counts;
  const std::string prefix = core::BooleanTerm(FieldOf(field), "");
  for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it) {
    counts[(*it).substr(prefix.size())] = it.get_termfreq();
  }
  return TopValues(field, CountList(counts.begin(), counts.end()), limit);
}

// `counts` holds each value once, with a non-zero count.
FacetCounts Searcher::Impl::TopValues(FacetField field, CountList counts, int limit) const {
  FacetCounts out;
  out.field = std::string(FacetFieldName(field));
  out.distinct = counts.size();
  CountList& sorted = counts;
  auto better = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  const size_t n = std::min(sorted.size(), static_cast<size_t>(std::max(0, limit)));
  std::partial_sort(sorted.begin(), sorted.begin() + static_cast<ptrdiff_t>(n), sorted.end(),
                    better);
  for (size_t i = 0; i < n; ++i) {
    out.values.push_back(FacetValue{std::string(sorted[i].first),
                                    options_.resolver->DisplayName(field, sorted[i].first),
                                    sorted[i].second});
  }
  return out;
}

// Buckets follow the span of the matched dates: up to 92 days by day, up to 6
// years by month, else by year.
DateHistogram Searcher::Impl::HistogramFromSpy(const Xapian::ValueCountMatchSpy& spy,
                                               const SearchRequest& request) const {
  std::map<absl::CivilDay, uint64_t> days;
  for (auto it = spy.values_begin(); it != spy.values_end(); ++it) {
    std::optional<absl::CivilDay> d = DayFromCompact(*it);
    if (d) days[*d] += it.get_termfreq();
  }
  return HistogramFromDays({days.begin(), days.end()}, request);
}

DateHistogram Searcher::Impl::HistogramFromCounters(const FacetCounters& counters,
                                                    const SearchRequest& request) const {
  if (counters.column_counter() != nullptr) {
    return HistogramFromDays(counters.column_counter()->DayCounts(), request);
  }
  return HistogramFromSpy(*counters.spy(FacetField::kDate), request);
}

DateHistogram Searcher::Impl::HistogramFromTerms(const SearchRequest& request) const {
  std::map<absl::CivilDay, uint64_t> days;
  const std::string prefix = core::BooleanTerm(FieldId::kDay, "");
  for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it) {
    std::optional<absl::CivilDay> d = DayFromCompact((*it).substr(prefix.size()));
    if (d) days[*d] += it.get_termfreq();
  }
  return HistogramFromDays({days.begin(), days.end()}, request);
}

DateHistogram Searcher::Impl::HistogramFromDays(
    const std::vector<std::pair<absl::CivilDay, uint64_t>>& days,
    const SearchRequest& request) const {
  DateHistogram h;
  h.bucket = "day";
  if (days.empty()) return h;
  absl::CivilDay lo = days.front().first, hi = days.back().first;
  if (request.from && request.to) {
    lo = std::min(lo, *request.from);
    hi = std::max(hi, *request.to);
  }
  const int64_t span = hi - lo;
  if (span > 6 * 366) {
    h.bucket = "year";
  } else if (span > 92) {
    h.bucket = "month";
  }
  // Days come in order, so a bucket's days are adjacent: format each bucket's
  // key once (formatting every day cost more than counting at 15k days).
  const size_t key_len = h.bucket == "year" ? 4 : h.bucket == "month" ? 7 : 10;
  auto bucket_of = [&](absl::CivilDay d) -> absl::CivilDay {
    if (key_len == 4) return absl::CivilDay(absl::CivilYear(d));
    if (key_len == 7) return absl::CivilDay(absl::CivilMonth(d));
    return d;
  };
  std::optional<absl::CivilDay> current;
  for (const auto& [day, n] : days) {
    const absl::CivilDay b = bucket_of(day);
    if (!current || b != *current) {
      h.buckets.push_back(DateBucket{core::FormatIsoDate(b).substr(0, key_len), 0});
      current = b;
    }
    h.buckets.back().count += n;
  }
  return h;
}

std::string Searcher::Impl::Suggest(const SearchRequest& request, const ParsedQuery& parsed) {
  std::string out;
  size_t pos = 0;
  bool changed = false;
  for (const ParsedQuery::Word& w : parsed.words) {
    if (w.begin < pos || w.end > request.q.size()) continue;
    if (db_.get_termfreq(w.term) > 0) continue;
    std::string s = db_.get_spelling_suggestion(w.normalized, 2);
    if (s.empty() || s == w.normalized) continue;
    out.append(request.q, pos, w.begin - pos);
    out += s;
    pos = w.end;
    changed = true;
  }
  if (!changed) return std::string();
  out.append(request.q, pos, std::string::npos);
  return out;
}

absl::StatusOr<SearchResponse> Searcher::Impl::Search(const SearchRequest& request) {
  const absl::Time start = absl::Now();
  const internal::SearchInFlight in_flight;
  return Retrying([&] { return SearchOnce(request, start, in_flight.at_start()); });
}

absl::StatusOr<SearchResponse> Searcher::Impl::SearchOnce(const SearchRequest& request,
                                                          absl::Time start,
                                                          int searches_in_flight) {
  NEWSDEX_ASSIGN_OR_RETURN(ParsedSearch search, Parse(request));
  search.deadline = start + request.time_limit;
  search.searches_in_flight = searches_in_flight;
  return core::CallXapian("search", [&]() -> absl::StatusOr<SearchResponse> {
    const SearchPlan plan = Plan(search);
    SearchResponse resp;
    NEWSDEX_ASSIGN_OR_RETURN(SearchRun run, Run(search, plan, &resp.hits));
    Render(search, plan, run, start, &resp);
    return resp;
  });
}

absl::StatusOr<ParsedSearch> Searcher::Impl::Parse(const SearchRequest& request) {
  NEWSDEX_RETURN_IF_ERROR(CheckPaging(request));
  ParsedSearch search;
  search.request = &request;
  NEWSDEX_RETURN_IF_ERROR(ParseFacetNames(request.facets, &search));
  search.limit = std::min(request.limit, kMaxLimit);
  search.facet_limit = std::clamp(request.facet_limit, 0, kMaxFacetLimit);
  search.time_limit = TimeLimitSeconds(request.time_limit);
  QueryParser parser(*analyzer_, *options_.resolver, options_.language);
  if (absl::StatusOr<ParsedQuery> p = parser.Parse(request.q); p.ok()) {
    search.parsed = *std::move(p);
  } else if (request.fallback_to_words && p.status().code() == absl::StatusCode::kInvalidArgument) {
    search.query_warning = std::string(p.status().message());
    search.parsed = parser.ParseAsWords(request.q);
  } else {
    return p.status();
  }
  search.filters = ResolveFilters(request);
  return search;
}

SearchFilters Searcher::Impl::ResolveFilters(const SearchRequest& request) {
  SearchFilters filters;
  auto add = [&](FacetField f, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::vector<Xapian::Query> terms;
    for (const std::string& v : values) {
      std::string key = options_.resolver->Resolve(f, v, *analyzer_);
      if (!key.empty()) terms.emplace_back(core::BooleanTerm(FieldOf(f), key));
    }
    // Values that all fold to nothing match nothing rather than everything.
    filters.Set(f, terms.empty()
                       ? Xapian::Query()
                       : Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
  };
  add(FacetField::kActor, request.actors);
  add(FacetField::kCountry, request.countries);
  add(FacetField::kAbout, request.about_countries);
  add(FacetField::kLanguage, request.languages);
  add(FacetField::kSource, request.sources);
  if (request.from || request.to) filters.SetDates(DateRangeQuery(request.from, request.to));
  return filters;
}

SearchPlan Searcher::Impl::Plan(const ParsedSearch& search) {
  const SearchRequest& request = *search.request;
  SearchPlan plan;
  plan.doccount = db_.get_doccount();
  plan.query = search.filters.Apply(search.parsed.query);
  plan.page_query = plan.query;
  if (search.limit > 0 && request.sort == SortOrder::kRelevanceRecency) {
    plan.page_query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, plan.query, RecencyQuery());
  }
  plan.terms = ConjunctionTerms(plan.query);
  CountingInputs& in = plan.inputs;
  in.ranked = search.limit > 0;
  in.collapse = request.collapse;
  in.exact_total = request.exact_total;
  in.filtered_counts = search.want_dates;
  for (FacetField f : search.facets) {
    (search.filters.Has(f) ? in.disjunctive_counts : in.filtered_counts) = true;
  }
  in.matches_all = MatchesAll(plan.query);
  in.conjunction = plan.terms.has_value() && local_;
  // Over remote shards a pass sorted by value that checks positions counts
  // facets wrong (xapian-tcpsrv 1.4.22: "trade talks" newest first counted 27
  // for a country 25 matches hold; relevance order and local shards: 25), so
  // there such a query counts in a pass of its own, as non-phrase queries do.
  in.positional = ChecksPositions(search.parsed.query) &&
                  !(date_orders_.by_value && SortsByKey(request.sort));
  // The page query adds only the recency boost, and the counted queries only
  // filters, on the parsed query's side.
  in.range_reaches_positions =
      in.positional && internal::ReachesPositional(search.parsed.query);
  // One column counter replaces all the stock spies of a pass when the
  // snapshot is ready (query/facet_columns.h); the stock spies stay the path
  // for remote and sharded databases and while a snapshot builds.
  if (UsesFacetCounters(in)) plan.columns = ColumnsForSearch();
  in.columns = plan.columns != nullptr;
  // Big queries count on a second thread with a second database handle
  // while this thread ranks the page and reads the hits (2 cores, 1M
  // documents: a broad word ranks in ~30 ms and counts six facets in ~50).
  const Xapian::doccount largest =
      in.ranked && !beside_path_.empty() ? LargestPostings(plan.page_query) : 0;
  in.beside = in.ranked && CountBesideRanking(largest);
  plan.counting = PlanCounting(in);
  // Else a big page may rank in two docid ranges, the second core taking one.
  SplitInputs split;
  split.local = !beside_path_.empty();
  split.largest_postings = largest;
  split.single_term = plan.page_query.get_type() == Xapian::Query::LEAF_TERM;
  split.min_postings = options_.parallel_rank_min_postings;
  split.searches_in_flight = search.searches_in_flight;
  split.max_in_flight = options_.parallel_rank_max_in_flight > 0
                            ? options_.parallel_rank_max_in_flight
                            : static_cast<int>(std::thread::hardware_concurrency());
  plan.split_ranking = PlanSplitRanking(in, plan.counting, split) && HandleReady(split_handle_);
  // Last, as the page query's terms become posting sources (LargestPostings
  // and single_term above read its terms).
  if (in.ranked && options_.snapshot_bm25) {
    const std::shared_ptr<const FacetColumns> columns =
        plan.columns != nullptr ? plan.columns : ColumnsForSearch();
    if (columns != nullptr) {
      plan.lengths = DocLengthsOf(columns);
      plan.page_query = SnapshotBm25(plan.page_query, db_, plan.lengths);
    }
  }
  return plan;
}

absl::StatusOr<SearchRun> Searcher::Impl::Run(const ParsedSearch& search, const SearchPlan& plan,
                                              std::vector<Hit>* hits) {
  // Chunks divide the docid range: only they need its end.
  const internal::CountingLimits limits{search.time_limit, search.deadline,
                                        search.request->collapse, plan.doccount,
                                        plan.counting.chunked ? db_.get_lastdocid() : 0};
  SearchRun run;
  run.counting = std::make_unique<CountingRun>(
      plan.counting, limits, internal::CountingHandle{&db_, count_enquire_.get()},
      internal::CountingHandle{count_handle_.db(), count_handle_.enquire()});
  PrepareCounts(search, plan, *run.counting);
  Xapian::Enquire& page = PreparePagePass(search, plan.page_query);
  run.counting->AttachToPagePass(page);
  run.counting->Start();
  if (plan.counting.page_pass) {
    NEWSDEX_ASSIGN_OR_RETURN(run.page,
                             RankPage(search, plan, page, run.counting->main_counters()));
  }
  page.clear_matchspies();
  NEWSDEX_RETURN_IF_ERROR(ReadHits(search, run.page, hits));
  NEWSDEX_RETURN_IF_ERROR(run.counting->Finish());
  return run;
}

void Searcher::Impl::PrepareCounts(const ParsedSearch& search, const SearchPlan& plan,
                                   CountingRun& run) {
  const CountingPlan& counting = plan.counting;
  const std::shared_ptr<const FacetColumns> columns = counting.columns ? plan.columns : nullptr;
  FacetCounters main_counters;
  if (counting.counters) {
    std::vector<FacetField> fields;
    for (FacetField f : search.facets) {
      if (!search.filters.Has(f)) fields.push_back(f);
    }
    if (search.want_dates) fields.push_back(FacetField::kDate);
    main_counters = FacetCounters(columns, std::move(fields));
  }
  run.SetMain(plan.query, plan.terms, std::move(main_counters));
  for (FacetField f : search.facets) {
    if (!search.filters.Has(f)) continue;
    const Xapian::Query query = search.filters.Apply(search.parsed.query, f);
    std::optional<std::vector<std::string>> terms = ConjunctionTerms(query);
    const CountPass how =
        PlanDisjunctiveCount(plan.inputs, counting, MatchesAll(query),
                             terms.has_value() && local_);
    FacetCounters counters;
    if (how != CountPass::kTermFrequencies) counters = FacetCounters(columns, {f});
    run.AddDisjunctive(f, how, query, std::move(terms), std::move(counters));
  }
}

Xapian::Enquire& Searcher::Impl::PreparePagePass(const ParsedSearch& search,
                                                 const Xapian::Query& query) {
  const bool ranked = search.limit > 0;
  Xapian::Enquire& enquire = ranked ? *enquire_ : *count_enquire_;
  enquire.set_query(query);
  if (ranked) date_orders_.Apply(search.request->sort, enquire);
  enquire.set_collapse_key(search.request->collapse ? Slot(ValueSlot::kCollapseKey)
                                                    : Xapian::BAD_VALUENO);
  enquire.set_time_limit(internal::PassTimeLimit(search.time_limit, search.deadline));
  enquire.clear_matchspies();
  return enquire;
}

// `page` is set up by PreparePagePass; the upper range of a split pass runs
// on split_handle_, set up alike. Throws Xapian errors.
absl::StatusOr<internal::RankedPage> Searcher::Impl::RankPage(const ParsedSearch& search,
                                                              const SearchPlan& plan,
                                                              Xapian::Enquire& page,
                                                              const FacetCounters& counters) {
  const auto offset = static_cast<Xapian::doccount>(search.request->offset);
  const auto limit = static_cast<Xapian::doccount>(search.limit);
  const Xapian::doccount check_at_least = plan.counting.page_pass_exact ? plan.doccount : 0;
  const auto single_pass = [&] {
    return internal::PageOf(page.get_mset(offset, limit, check_at_least), /*sort_keys=*/false);
  };
  if (!plan.split_ranking) return single_pass();
  Xapian::Enquire& upper = *split_handle_.enquire();
  split_date_orders_.Apply(search.request->sort, upper);
  upper.set_collapse_key(Xapian::BAD_VALUENO);
  upper.set_time_limit(internal::PassTimeLimit(search.time_limit, search.deadline));
  upper.clear_matchspies();
  internal::SplitPass pass;
  pass.offset = offset;
  pass.limit = limit;
  pass.check_at_least = check_at_least;
  pass.lastdocid = db_.get_lastdocid();
  pass.by_key = SortsByKey(search.request->sort);
  Xapian::Registry registry;
  if (plan.lengths != nullptr) {
    RegisterBm25TermSource(registry, plan.lengths);
    pass.registry = &registry;
  }
  // A date order visits every match whatever check_at_least says (no weight
  // bound can exclude a document), so each range may as well count exactly.
  if (pass.by_key) pass.check_at_least = plan.doccount;
  // A split page pass that makes the main count feeds one counter per range
  // (only column counters merge: PlanSplitRanking), merged into the main
  // counter only once both ranges succeeded, so the fallback below counts
  // from nothing.
  FacetColumnCounter* main = plan.counting.main == CountPass::kPagePass
                                 ? counters.column_counter() : nullptr;
  std::unique_ptr<FacetColumnCounter> range_counters[2];
  if (main != nullptr) {
    for (auto& c : range_counters) c = counters.NewColumnCounter();
    page.clear_matchspies();
    page.add_matchspy(range_counters[0].get());
    upper.add_matchspy(range_counters[1].get());
  }
  absl::StatusOr<internal::RankedPage> split =
      internal::RankInTwoRanges(page, upper, plan.page_query, pass);
  if (main != nullptr) {
    page.clear_matchspies();
    upper.clear_matchspies();
    if (split.ok()) {
      for (const auto& c : range_counters) main->MergeFrom(*c);
    } else {
      counters.AttachTo(page);
    }
  }
  if (!split.ok() && split.status().code() != absl::StatusCode::kAborted) {
    // The upper range reads split_handle_, a second handle that a writer's
    // commit can leave at another revision than db_ (seen under ASan:
    // "DocNotFoundError: Document 918 not found"). The single pass gives the
    // same page from db_ alone; a real error shows there again. kAborted is
    // left to the caller's reopen-and-retry.
    NEWSDEX_LOG(WARNING) << "split ranking failed, ranking in one pass: "
                         << split.status().message();
    page.set_query(plan.page_query);
    return single_pass();
  }
  NEWSDEX_ASSIGN_OR_RETURN(internal::RankedPage ranked, std::move(split));
  // The single pass knows the total of the whole database or of one term
  // without visiting a match (the document count, the term frequency); two
  // ranges, each a filter, would only estimate it.
  std::optional<Xapian::doccount> known;
  if (plan.counting.term_frequencies) known = plan.doccount;
  if (plan.query.get_type() == Xapian::Query::LEAF_TERM) {
    known = db_.get_termfreq(*plan.query.get_unique_terms_begin());
  }
  if (known) ranked.totals.estimated = ranked.totals.lower = ranked.totals.upper = *known;
  return ranked;
}

// Only the displayed documents' metadata is read, and their bodies only for
// snippets.
absl::Status Searcher::Impl::ReadHits(const ParsedSearch& search,
                                      const internal::RankedPage& page,
                                      std::vector<Hit>* hits) {
  const SearchRequest& request = *search.request;
  HighlightSpec spec;
  spec.phrases = search.parsed.highlight_phrases;
  spec.prefixes = search.parsed.highlight_prefixes;
  spec.language = options_.language;
  uint64_t rank = static_cast<uint64_t>(request.offset);
  for (const internal::RankedHit& ranked : page.hits) {
    absl::StatusOr<core::Article> a =
        ReadArticle(db_.get_document(ranked.docid), request.snippets);
    if (!a.ok()) {
      return absl::DataLossError(
          absl::StrCat("document ", ranked.docid, ": ", a.status().message()));
    }
    std::string body = std::move(a->body);
    Hit h = HitFromArticle(*std::move(a));
    h.score = ranked.weight;
    h.rank = rank++;
    if (request.snippets) h.snippet = MakeSnippet(*analyzer_, body, spec, request.highlight);
    if (request.collapse) h.duplicates = ranked.collapse_count;
    hits->push_back(std::move(h));
  }
  return absl::OkStatus();
}

void Searcher::Impl::Render(const ParsedSearch& search, const SearchPlan& plan,
                            const SearchRun& run, absl::Time start, SearchResponse* resp) {
  const SearchRequest& request = *search.request;
  resp->offset = request.offset;
  resp->limit = search.limit;
  resp->query_warning = search.query_warning;
  resp->counted_with_columns = plan.counting.columns;
  resp->counted_beside = plan.counting.beside;
  resp->ranked_in_parallel = plan.split_ranking;
  RenderTotal(search, plan, run, resp);
  for (FacetField f : search.facets) {
    resp->facets.push_back(RenderFacet(f, search, plan, *run.counting));
  }
  if (search.want_dates) {
    resp->dates = plan.counting.term_frequencies
                      ? HistogramFromTerms(request)
                      : HistogramFromCounters(run.counting->main_counters(), request);
  }
  if (!search.parsed.words.empty()) resp->suggestion = Suggest(request, search.parsed);
  resp->elapsed = absl::Now() - start;
  // Work outside the matcher's checks (expanding wildcards, opening posting
  // lists, the snippets) can still carry a search past its limit: an answer
  // later than the limit says so, whatever its passes reported.
  if (search.time_limit > 0 && resp->elapsed > request.time_limit) {
    resp->timed_out = true;
  }
}

void Searcher::Impl::RenderTotal(const ParsedSearch& search, const SearchPlan& plan,
                                 const SearchRun& run, SearchResponse* resp) const {
  const internal::MatchTotals totals = run.counting->Totals(run.page.totals);
  resp->total = totals.estimated;
  resp->total_lower = totals.lower;
  resp->total_upper = totals.upper;
  resp->total_exact = resp->total_lower == resp->total_upper;
  // Collapsing makes Xapian's count an estimate even when every match was
  // checked; only a lost exactness without collapsing means the limit hit.
  if (plan.counting.exact && !resp->total_exact && search.time_limit > 0 &&
      !search.request->collapse) {
    resp->timed_out = true;
  }
  if (run.counting->timed_out()) resp->timed_out = true;
}

// A facet without a filter of its own is counted with the main count; one
// with a filter, without that filter (disjunctively).
FacetCounts Searcher::Impl::RenderFacet(FacetField field, const ParsedSearch& search,
                                        const SearchPlan& plan, const CountingRun& run) const {
  if (!search.filters.Has(field)) {
    return plan.counting.term_frequencies
               ? CountsFromTerms(field, search.facet_limit)
               : CountsFromCounters(field, run.main_counters(), search.facet_limit);
  }
  FacetCounts counts;
  for (const CountingRun::Disjunctive& pass : run.disjunctive()) {
    if (pass.field != field) continue;
    counts = pass.how == CountPass::kTermFrequencies
                 ? CountsFromTerms(field, search.facet_limit)
                 : CountsFromCounters(field, pass.counters, search.facet_limit);
  }
  counts.disjunctive = true;
  return counts;
}

absl::StatusOr<Xapian::docid> Searcher::Impl::FindId(absl::string_view id) {
  const std::string term = core::BooleanTerm(FieldId::kId, id);
  NEWSDEX_ASSIGN_OR_RETURN(Xapian::docid did, core::CallXapian("looking up id", [&] {
                             Xapian::PostingIterator it = db_.postlist_begin(term);
                             return it == db_.postlist_end(term) ? Xapian::docid{0} : *it;
                           }));
  if (did == 0) return absl::NotFoundError(absl::StrCat("no article with id \"", id, "\""));
  return did;
}

absl::StatusOr<core::Article> Searcher::Impl::GetArticle(absl::string_view id) {
  NEWSDEX_ASSIGN_OR_RETURN(Xapian::docid did, FindId(id));
  return core::CallXapian("reading article", [&]() -> absl::StatusOr<core::Article> {
    return ReadArticle(db_.get_document(did), /*with_body=*/true);
  });
}

absl::StatusOr<std::vector<Hit>> Searcher::Impl::Related(absl::string_view id, int limit) {
  limit = std::clamp(limit, 0, kMaxLimit);
  NEWSDEX_ASSIGN_OR_RETURN(Xapian::docid did, FindId(id));
  return core::CallXapian("related articles", [&]() -> absl::StatusOr<std::vector<Hit>> {
    std::vector<Hit> hits;
    if (limit == 0) return hits;
    Xapian::RSet rset;
    rset.add_document(did);
    DefaultFieldTerms decider;
    enquire_->set_query(Xapian::Query(core::BooleanTerm(FieldId::kId, id)));
    Xapian::ESet eset = enquire_->get_eset(25, rset, &decider);
    if (eset.empty()) return hits;
    std::vector<Xapian::Query> terms;
    for (auto it = eset.begin(); it != eset.end(); ++it) terms.emplace_back(*it);
    Xapian::Query q(Xapian::Query::OP_AND_NOT,
                    Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                    Xapian::Query(core::BooleanTerm(FieldId::kId, id)));
    enquire_->set_query(q);
    enquire_->set_sort_by_relevance();
    enquire_->set_collapse_key(Xapian::BAD_VALUENO);
    enquire_->set_time_limit(0.0);
    enquire_->clear_matchspies();
    Xapian::MSet mset = enquire_->get_mset(0, static_cast<Xapian::doccount>(limit));
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      absl::StatusOr<core::Article> a = ReadArticle(it.get_document(), /*with_body=*/false);
      if (!a.ok()) continue;
      Hit h = HitFromArticle(*std::move(a));
      h.score = it.get_weight();
      h.rank = it.get_rank();
      hits.push_back(std::move(h));
    }
    return hits;
  });
}

absl::StatusOr<std::vector<FacetValue>> Searcher::Impl::FacetValues(absl::string_view field,
                                                                    absl::string_view prefix,
                                                                    int limit) {
  FacetField f;
  if (!ParseFacetField(field, &f) || f == FacetField::kDate) {
    return absl::InvalidArgumentError(absl::StrCat(
        "field: unknown facet \"", field, "\" (expected actor, country, about, lang or source)"));
  }
  limit = std::clamp(limit, 0, kMaxFacetLimit);
  const std::string folded = prefix.empty() ? std::string() : analyzer_->FoldKey(prefix);
  const std::string resolved =
      prefix.empty() ? std::string() : options_.resolver->Resolve(f, prefix, *analyzer_);
  const std::string term_prefix = core::BooleanTerm(FieldOf(f), "");
  return core::CallXapian("facet values", [&]() -> absl::StatusOr<std::vector<FacetValue>> {
    std::vector<FacetValue> out;
    for (auto it = db_.allterms_begin(term_prefix); it != db_.allterms_end(term_prefix); ++it) {
      std::string key = (*it).substr(term_prefix.size());
      // A word of the key (or, for countries, of the display name) starts
      // with the prefix. Actor and source keys already are folded names, so
      // only the few hundred country names are folded here.
      bool match = folded.empty() || key == resolved || AWordStartsWith(key, folded);
      std::string name;
      if (!match && (f == FacetField::kCountry || f == FacetField::kAbout)) {
        name = options_.resolver->DisplayName(f, key);
        match = AWordStartsWith(analyzer_->FoldKey(name), folded);
      }
      if (!match) continue;
      if (name.empty()) name = options_.resolver->DisplayName(f, key);
      out.push_back(FacetValue{key, std::move(name), it.get_termfreq()});
    }
    std::sort(out.begin(), out.end(), [](const FacetValue& a, const FacetValue& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    if (out.size() > static_cast<size_t>(limit)) out.resize(static_cast<size_t>(limit));
    return out;
  });
}

absl::StatusOr<bool> Searcher::Impl::Reopen() {
  NEWSDEX_ASSIGN_OR_RETURN(bool changed, core::CallXapian("reopening database", [&] {
                             count_handle_.Reopen();
                             split_handle_.Reopen();
                             return db_.reopen();
                           }));
  NEWSDEX_RETURN_IF_ERROR(core::CallXapian("reopening database", [&] { ResetEnquires(); }));
  if (changed) RefreshColumns(/*at_open=*/false);
  return changed;
}

absl::StatusOr<IndexStats> Searcher::Impl::Stats() {
  return core::CallXapian("index stats", [&]() -> absl::StatusOr<IndexStats> {
    IndexStats s;
    s.documents = db_.get_doccount();
    s.last_update = db_.get_metadata(core::kLastUpdateKey);
    const std::string day_prefix = core::BooleanTerm(FieldId::kDay, "");
    for (auto it = db_.allterms_begin(day_prefix); it != db_.allterms_end(day_prefix); ++it) {
      std::optional<absl::CivilDay> d = DayFromCompact((*it).substr(day_prefix.size()));
      if (!d) continue;
      if (!s.first_date) s.first_date = d;
      s.last_date = d;
    }
    for (FacetField f : kFilterFacets) {
      const std::string prefix = core::BooleanTerm(FieldOf(f), "");
      uint64_t n = 0;
      for (auto it = db_.allterms_begin(prefix); it != db_.allterms_end(prefix); ++it) ++n;
      s.facet_cardinalities.emplace_back(std::string(FacetFieldName(f)), n);
    }
    return s;
  });
}

// Searcher forwards to Impl.

Searcher::Searcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Open(const std::string& db_path,
                                                         const SearcherOptions& options) {
  NEWSDEX_ASSIGN_OR_RETURN(Xapian::Database db,
                           core::CallXapian(absl::StrCat("opening ", db_path),
                                            [&] { return Xapian::Database(db_path); }));
  NEWSDEX_RETURN_IF_ERROR(core::CheckSchemaVersion(db, db_path));
  std::error_code ignored;
  // Only a glass directory is surely local: a stub file may list remote
  // shards, where the column counter cannot run.
  const bool local = db.size() == 1 && std::filesystem::is_directory(db_path, ignored);
  return Make(std::move(db), options, local ? db_path : std::string(), local);
}

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::FromDatabase(Xapian::Database db,
                                                                 const SearcherOptions& options) {
  const bool single = db.size() == 1;
  return Make(std::move(db), options, std::string(), single);
}

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Make(Xapian::Database db,
                                                         const SearcherOptions& options,
                                                         std::string columns_path,
                                                         bool local) {
  NEWSDEX_RETURN_IF_ERROR(core::CheckSchemaVersion(db, "database"));
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<core::Analyzer> analyzer, core::Analyzer::Create());
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl,
                           core::CallXapian("preparing searcher", [&] {
                             return std::make_unique<Impl>(std::move(db), options,
                                                           std::move(analyzer));
                           }));
  impl->SetLocal(local);
  if (local) impl->InitBeside(columns_path);
  if (!local) impl->SortDatesByValue();  // a stub or cluster may hold remote shards
  impl->InitColumns(std::move(columns_path), local);
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

template <typename Call>
auto Searcher::Run(Call&& call) -> std::invoke_result_t<Call> {
  if (cluster_ == nullptr) return call();
  return cluster_->Run(call, [this](const Xapian::Database& db) {
    // Throws only Xapian errors from preparing Enquires on `db`; the call
    // that follows meets the same error and reports it.
    (void)core::CallXapian("switching shards", [&] { impl_->UseDatabase(db); });
  });
}

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::OpenCluster(const core::Cluster& cluster,
                                                                const SearcherOptions& options,
                                                                ClusterReadOptions read_options) {
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<ClusterReader> reader,
                           ClusterReader::Open(cluster, std::move(read_options)));
  // Remote shards: the stock spies count (exact, and what xapian-tcpsrv runs).
  SearcherOptions remote = options;
  remote.facet_columns = FacetColumnsMode::kOff;
  remote.parallel_count_min_postings = 0;
  remote.parallel_rank_min_postings = -1;
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<Searcher> searcher,
                           Make(reader->database(), remote, std::string(), /*local=*/false));
  searcher->cluster_ = std::move(reader);
  return searcher;
}

absl::Status Searcher::NotFoundOnCluster(absl::string_view id, absl::Status status) const {
  if (cluster_ == nullptr || status.code() != absl::StatusCode::kNotFound) return status;
  const std::string& shard = cluster_->ShardNameOf(id);
  if (!cluster_->IsMissing(shard)) return status;
  return absl::UnavailableError(
      absl::StrCat("article \"", id, "\" lives on shard ", shard, ", which does not answer"));
}

absl::StatusOr<SearchResponse> Searcher::Search(const SearchRequest& request) {
  absl::StatusOr<SearchResponse> response = Run([&] { return impl_->Search(request); });
  if (response.ok() && cluster_ != nullptr) {
    response->missing_shards = cluster_->MissingShards();
    response->partial = !response->missing_shards.empty();
  }
  return response;
}
absl::StatusOr<core::Article> Searcher::GetArticle(absl::string_view id) {
  absl::StatusOr<core::Article> article = Run([&] { return impl_->Retrying([&] { return impl_->GetArticle(id); }); });
  if (!article.ok()) return NotFoundOnCluster(id, article.status());
  return article;
}
absl::StatusOr<std::vector<Hit>> Searcher::Related(absl::string_view id, int limit) {
  absl::StatusOr<std::vector<Hit>> hits = Run([&] { return impl_->Retrying([&] { return impl_->Related(id, limit); }); });
  if (!hits.ok()) return NotFoundOnCluster(id, hits.status());
  return hits;
}
absl::StatusOr<std::vector<FacetValue>> Searcher::FacetValues(absl::string_view field,
                                                              absl::string_view prefix,
                                                              int limit) {
  return Run([&] {
    return impl_->Retrying([&] { return impl_->FacetValues(field, prefix, limit); });
  });
}
absl::StatusOr<bool> Searcher::Reopen() { return Run([&] { return impl_->Reopen(); }); }
absl::StatusOr<IndexStats> Searcher::Stats() {
  return Run([&] { return impl_->Retrying([&] { return impl_->Stats(); }); });
}
std::optional<uint64_t> Searcher::Revision() const { return impl_->Revision(); }

}  // namespace newsdex::query

#include "query/search.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/log.h"
#include "core/schema.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"
#include "query/date_query.h"
#include "query/facet_columns.h"
#include "query/query_parser.h"
#include "query/snippet.h"

namespace newsdex::query {
namespace {

using core::FieldId;
using core::ValueSlot;

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

int FacetIndex(FacetField f) { return static_cast<int>(f); }

// Accepts only default-field stemmed terms ("Z" + stem; not "ZS" title terms
// nor boolean terms) for "more like this".
class DefaultFieldTerms : public Xapian::ExpandDecider {
 public:
  bool operator()(const std::string& term) const override {
    return term.size() > 1 && term[0] == 'Z' && !(term[1] >= 'A' && term[1] <= 'Z');
  }
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

// Matches every docid in [first, last] with weight 0: a chunk of a counting
// pass is that pass's query filtered by it. Local only (no name(), so it does
// not serialise to a remote shard, which never counts in chunks).
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
    newest_first_.add_value(Slot(ValueSlot::kDate), /*reverse=*/true, /*defvalue=*/"");
    // Undated documents sort after dated ones in both directions.
    oldest_first_.add_value(Slot(ValueSlot::kDate), /*reverse=*/false, /*defvalue=*/"~");
  }

  void ResetEnquires() {
    enquire_ = std::make_unique<Xapian::Enquire>(db_);
    enquire_->set_docid_order(Xapian::Enquire::ASCENDING);
    count_enquire_ = std::make_unique<Xapian::Enquire>(db_);
    count_enquire_->set_weighting_scheme(Xapian::BoolWeight());
    count_enquire_->set_docid_order(Xapian::Enquire::DONT_CARE);
    recency_query_.reset();
    ResetBesideEnquire();
  }
  // Only the counting handle's Enquire: a search in progress holds the others.
  void ResetBesideEnquire() {
    beside_enquire_.reset();
    if (!beside_db_) return;
    beside_enquire_ = std::make_unique<Xapian::Enquire>(*beside_db_);
    beside_enquire_->set_weighting_scheme(Xapian::BoolWeight());
    beside_enquire_->set_docid_order(Xapian::Enquire::DONT_CARE);
  }

  // Enables counting beside the ranked pass for the database at `path`; the
  // second handle opens at the first query big enough to use it (a daemon's
  // workers on a small index never hold twice the file descriptors).
  void InitBeside(const std::string& path) {
    if (options_.parallel_count_min_postings > 0) beside_path_ = path;
  }

  // Whether the counting passes of `query` should run beside its ranked pass:
  // a term of the query has at least options_.parallel_count_min_postings
  // postings (below that a thread costs more than it saves) and the second
  // handle is open at db_'s revision. Throws Xapian errors.
  bool CountBesideRanking(const Xapian::Query& query) {
    if (beside_path_.empty()) return false;
    Xapian::doccount biggest = 0;
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
      biggest = std::max(biggest, db_.get_termfreq(*t));
    }
    if (query.get_type() == Xapian::Query::LEAF_MATCH_ALL) biggest = db_.get_doccount();
    if (biggest < static_cast<Xapian::doccount>(options_.parallel_count_min_postings)) return false;
    if (!beside_db_) {
      absl::Status s = core::CallXapian("opening a counting handle", [&] {
        beside_db_.emplace(beside_path_);
        ResetBesideEnquire();
      });
      if (!s.ok()) {
        NEWSDEX_LOG(WARNING) << s.message() << " (counting on the ranking thread from now on)";
        beside_db_.reset();
        beside_enquire_.reset();
        beside_path_.clear();
        return false;
      }
    }
    if (beside_db_->get_revision() != db_.get_revision()) {
      // A commit came between the two handles' opens or reopens.
      beside_db_->reopen();
      ResetBesideEnquire();
      return beside_db_->get_revision() == db_.get_revision();
    }
    return true;
  }

  absl::StatusOr<SearchResponse> Search(const SearchRequest& request);
  absl::StatusOr<SearchResponse> SearchOnce(const SearchRequest& request,
                                            absl::Time start);
  absl::StatusOr<Xapian::docid> FindId(absl::string_view id);
  absl::StatusOr<core::Article> GetArticle(absl::string_view id);
  absl::StatusOr<std::vector<Hit>> Related(absl::string_view id, int limit);
  absl::StatusOr<std::vector<FacetValue>> FacetValues(absl::string_view field,
                                                      absl::string_view prefix, int limit);
  absl::StatusOr<bool> Reopen();
  absl::StatusOr<IndexStats> Stats();
  std::optional<uint64_t> Revision() const { return core::RevisionOf(db_); }

  // Enables the facet columns for a single local database; `path` (empty for
  // FromDatabase) lets builds run in the background.
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
  FacetCounts CountsFromSpy(FacetField field, const Xapian::ValueCountMatchSpy& spy,
                            int limit) const;
  FacetCounts CountsFromTerms(FacetField field, int limit) const;
  FacetCounts TopValues(FacetField field, CountList counts, int limit) const;
  DateHistogram HistogramFromColumns(const FacetColumnCounter& counter,
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
  // A second handle on the same local database, for counting passes run on
  // another thread beside the ranked pass (CountBesideRanking), with its own
  // BoolWeight Enquire. Opened lazily (InitBeside).
  std::string beside_path_;  // empty: never count beside
  std::optional<Xapian::Database> beside_db_;
  std::unique_ptr<Xapian::Enquire> beside_enquire_;
  Xapian::MultiValueKeyMaker newest_first_, oldest_first_;
  std::optional<Xapian::Query> recency_query_;     // cached per database revision
  bool columns_eligible_ = false;
  std::string columns_path_;
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

DateHistogram Searcher::Impl::HistogramFromColumns(const FacetColumnCounter& counter,
                                                   const SearchRequest& request) const {
  return HistogramFromDays(counter.DayCounts(), request);
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
  absl::StatusOr<SearchResponse> r = SearchOnce(request, start);
  if (r.status().code() == absl::StatusCode::kAborted) {
    // The database was modified under us: reopen and retry once.
    absl::StatusOr<bool> reopened = Reopen();
    if (!reopened.ok()) return reopened.status();
    r = SearchOnce(request, start);
  }
  return r;
}

absl::StatusOr<SearchResponse> Searcher::Impl::SearchOnce(const SearchRequest& request,
                                                          absl::Time start) {
  // Validate the request.
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
  std::vector<FacetField> facets;
  bool want_dates = false;
  for (const std::string& name : request.facets) {
    FacetField f;
    if (!ParseFacetField(name, &f)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "facets: unknown facet \"", name,
          "\" (expected actor, country, about, lang, source or date)"));
    }
    if (f == FacetField::kDate) {
      want_dates = true;
    } else if (std::find(facets.begin(), facets.end(), f) == facets.end()) {
      facets.push_back(f);
    }
  }
  const int limit = std::min(request.limit, kMaxLimit);
  const int facet_limit = std::clamp(request.facet_limit, 0, kMaxFacetLimit);

  SearchResponse resp;
  resp.offset = request.offset;
  resp.limit = limit;

  // Parse.
  QueryParser parser(*analyzer_, *options_.resolver, options_.language);
  ParsedQuery parsed;
  if (absl::StatusOr<ParsedQuery> p = parser.Parse(request.q); p.ok()) {
    parsed = *std::move(p);
  } else if (request.fallback_to_words && p.status().code() == absl::StatusCode::kInvalidArgument) {
    resp.query_warning = std::string(p.status().message());
    parsed = parser.ParseAsWords(request.q);
  } else {
    return p.status();
  }

  // Facet filters: values of one facet ORed.
  std::optional<Xapian::Query> filters[6];
  auto add_filter = [&](FacetField f, const std::vector<std::string>& values) {
    std::vector<Xapian::Query> terms;
    for (const std::string& v : values) {
      std::string key = options_.resolver->Resolve(f, v, *analyzer_);
      if (key.empty()) continue;
      terms.emplace_back(core::BooleanTerm(FieldOf(f), key));
    }
    if (!values.empty()) {
      // Values that all fold to nothing match nothing rather than everything.
      filters[FacetIndex(f)] =
          terms.empty() ? Xapian::Query()
                        : Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    }
  };
  add_filter(FacetField::kActor, request.actors);
  add_filter(FacetField::kCountry, request.countries);
  add_filter(FacetField::kAbout, request.about_countries);
  add_filter(FacetField::kLanguage, request.languages);
  add_filter(FacetField::kSource, request.sources);
  std::optional<Xapian::Query> date_filter;
  if (request.from || request.to) date_filter = DateRangeQuery(request.from, request.to);
  // The query with every filter except `skip`'s (disjunctive counts).
  auto build = [&](std::optional<FacetField> skip) {
    std::vector<Xapian::Query> fs;
    for (FacetField f : kFilterFacets) {
      if (skip && *skip == f) continue;
      if (filters[FacetIndex(f)]) fs.push_back(*filters[FacetIndex(f)]);
    }
    if (date_filter) fs.push_back(*date_filter);
    if (fs.empty()) return parsed.query;
    Xapian::Query filter = fs.size() == 1 ? fs[0]
                                          : Xapian::Query(Xapian::Query::OP_AND, fs.begin(), fs.end());
    if (parsed.query.get_type() == Xapian::Query::LEAF_MATCH_ALL) return filter;
    return Xapian::Query(Xapian::Query::OP_FILTER, parsed.query, filter);
  };

  return core::CallXapian("search", [&]() -> absl::StatusOr<SearchResponse> {
    const Xapian::doccount doccount = db_.get_doccount();
    const bool exact = !facets.empty() || want_dates || request.exact_total;
    const double time_limit =
        request.time_limit == absl::InfiniteDuration()
            ? 0.0
            : std::max(1e-3, absl::ToDoubleSeconds(request.time_limit));

    // Which facets are counted in the main pass and which need their own
    // pass without their filter.
    std::vector<FacetField> main_facets, own_pass;
    for (FacetField f : facets) {
      (filters[FacetIndex(f)] ? own_pass : main_facets).push_back(f);
    }

    // Main pass: the page of hits, the total, the non-disjunctive facets and
    // the date histogram.
    Xapian::Query main_query = build(std::nullopt);
    const bool ranked = limit > 0;
    Xapian::Enquire& enquire = ranked ? *enquire_ : *count_enquire_;
    if (ranked && request.sort == SortOrder::kRelevanceRecency) {
      main_query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, main_query, RecencyQuery());
    }
    enquire.set_query(main_query);
    if (ranked) {
      switch (request.sort) {
        case SortOrder::kRelevance:
        case SortOrder::kRelevanceRecency:
          enquire.set_sort_by_relevance();
          break;
        case SortOrder::kNewest:
          enquire.set_sort_by_key_then_relevance(&newest_first_, false);
          break;
        case SortOrder::kOldest:
          enquire.set_sort_by_key_then_relevance(&oldest_first_, false);
          break;
      }
    }
    enquire.set_collapse_key(request.collapse ? Slot(ValueSlot::kCollapseKey) : Xapian::BAD_VALUENO);
    enquire.set_time_limit(time_limit);
    enquire.clear_matchspies();
    // The whole database matches: facet counts are term frequencies, no spy.
    const bool whole_db = !request.collapse && build(std::nullopt).get_type() ==
                                                   Xapian::Query::LEAF_MATCH_ALL;
    std::vector<FacetCounts> counted(6);
    if (whole_db) {
      for (FacetField f : main_facets) counted[FacetIndex(f)] = CountsFromTerms(f, facet_limit);
      main_facets.clear();
    }
    // A ranked page with spies runs as two passes: the page with BM25 and no
    // check_at_least (the matcher can skip), then the counts with BoolWeight
    // over every match. Measured on 95k Reuters copies: p50 of top-10 + all
    // facets 12.8 ms in one pass vs 7.7 ms for the counting pass alone.
    const bool needs_spies = !main_facets.empty() || (want_dates && !whole_db);
    // One column counter replaces all the stock spies of a pass when the
    // snapshot is ready (query/facet_columns.h); the stock spies stay the
    // path for remote and sharded databases and while a snapshot builds.
    const std::shared_ptr<const FacetColumns> columns =
        needs_spies || !own_pass.empty() ? ColumnsForSearch() : nullptr;
    // An exact total without facets is counted apart too: BM25 with
    // check_at_least = every document weighs every match (1M documents: p99
    // 170 ms for top 10 + exact total in one pass).
    const bool count_apart = !needs_spies && request.exact_total && !whole_db;
    // Except with phrases, unless the counting runs beside the ranking (below):
    // the ranked pass checks positions only for candidates that could enter the
    // page, a counting pass for every candidate, so one pass that ranks and
    // counts checks each candidate once.
    const bool positional = ChecksPositions(parsed.query);
    // Big queries count on a second thread with a second database handle
    // while this thread ranks the page and reads the hits (2 cores, 1M
    // documents: a broad word ranks in ~30 ms and counts six facets in ~50).
    const bool beside = ranked && CountBesideRanking(main_query);
    const bool split = ranked && (needs_spies || count_apart) && (beside || !positional);
    const bool parallel = beside && (split || !own_pass.empty());
    Xapian::Enquire& pass_enquire = parallel ? *beside_enquire_ : *count_enquire_;
    Xapian::Enquire& spy_enquire = split ? pass_enquire : enquire;
    enquire.clear_matchspies();
    pass_enquire.clear_matchspies();
    resp.counted_with_columns = columns != nullptr;
    resp.counted_beside = parallel;
    // A query handed to the counting thread is a deep copy: Xapian::Query
    // shares subqueries with non-atomic reference counts.
    auto for_pass = [parallel](const Xapian::Query& q) {
      return parallel ? Xapian::Query::unserialise(q.serialise()) : q;
    };
    // The main count as a posting-list walk when the counted query is a
    // conjunction of terms (most queries): ~4x cheaper than the matcher
    // (FacetColumnCounter; CountConjunction).
    std::optional<std::vector<std::string>> walk_terms;
    if (((columns != nullptr && needs_spies) || count_apart) && !request.collapse &&
        (split || !ranked)) {
      walk_terms = ConjunctionTerms(build(std::nullopt));
    }
    // With the facet snapshot, counting beside the ranking also splits the
    // matcher's counting passes into docid ranges that both threads take in
    // turn, this one once its page is read: a phrase's exact count checks the
    // positions of every candidate (1M documents, "pct owned": ~65 ms of
    // counting against ~28 ms of ranking), so one thread counting alone would
    // leave the other idle for most of it.
    // Chunks need the snapshot's counters to count facets; an exact total
    // alone needs none.
    const bool chunked = parallel && !request.collapse &&
                         (columns != nullptr || (!needs_spies && own_pass.empty()));
    std::unique_ptr<FacetColumnCounter> column_counter;
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    std::unique_ptr<Xapian::ValueCountMatchSpy> date_spy;
    if (want_dates && whole_db) resp.dates = HistogramFromTerms(request);
    if (columns != nullptr && needs_spies) {
      std::vector<FacetField> fields = main_facets;
      if (want_dates && !whole_db) fields.push_back(FacetField::kDate);
      column_counter = std::make_unique<FacetColumnCounter>(columns, fields);
      if (!walk_terms && !chunked) spy_enquire.add_matchspy(column_counter.get());
    } else if (needs_spies) {
      for (FacetField f : main_facets) {
        spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(Slot(FacetSlot(f))));
        spy_enquire.add_matchspy(spies.back().get());
      }
      if (want_dates && !whole_db) {
        date_spy = std::make_unique<Xapian::ValueCountMatchSpy>(Slot(ValueSlot::kDate));
        spy_enquire.add_matchspy(date_spy.get());
      }
    }

    // The counting passes apart from the ranked page: the main total and
    // facets when split (or walked without a page), then one disjunctive pass
    // per facet with a filter of its own. `count_passes` touches only the
    // handles it is given and the objects prepared here.
    const Xapian::Query main_count_query =
        split && !walk_terms ? for_pass(build(std::nullopt)) : Xapian::Query();
    struct OwnPass {
      FacetField field;
      Xapian::Query query;
      std::optional<std::vector<std::string>> terms;  // walked when set
      std::unique_ptr<FacetColumnCounter> counter;    // or else `spy`
      std::unique_ptr<Xapian::ValueCountMatchSpy> spy;
    };
    std::vector<OwnPass> passes;
    for (FacetField f : own_pass) {
      const Xapian::Query q = build(f);
      if (!request.collapse && q.get_type() == Xapian::Query::LEAF_MATCH_ALL) {
        counted[FacetIndex(f)] = CountsFromTerms(f, facet_limit);
        counted[FacetIndex(f)].disjunctive = true;
        continue;
      }
      OwnPass p{f, for_pass(q), std::nullopt, nullptr, nullptr};
      if (columns != nullptr) {
        p.counter = std::make_unique<FacetColumnCounter>(columns, std::vector<FacetField>{f});
        if (!request.collapse) p.terms = ConjunctionTerms(q);
      } else {
        p.spy = std::make_unique<Xapian::ValueCountMatchSpy>(Slot(FacetSlot(f)));
      }
      passes.push_back(std::move(p));
    }
    std::optional<Xapian::doccount> walked;
    Xapian::MSet counts;
    bool counted_apart = false;
    bool passes_timed_out = false;
    const Xapian::valueno collapse_slot =
        request.collapse ? Slot(ValueSlot::kCollapseKey) : Xapian::BAD_VALUENO;
    auto count_passes = [&](const Xapian::Database& cdb, Xapian::Enquire& cenq) {
      return core::CallXapian("counting matches", [&]() -> absl::Status {
        if (walk_terms) {
          NEWSDEX_ASSIGN_OR_RETURN(walked, CountConjunction(cdb, *walk_terms, column_counter.get()));
        } else if (split && !chunked) {
          cenq.set_query(main_count_query);
          cenq.set_collapse_key(collapse_slot);
          cenq.set_time_limit(time_limit);
          counts = cenq.get_mset(0, 0, doccount);
          counted_apart = true;
        }
        cenq.clear_matchspies();
        for (OwnPass& p : passes) {
          if (p.terms) {
            NEWSDEX_RETURN_IF_ERROR(CountConjunction(cdb, *p.terms, p.counter.get()).status());
            continue;
          }
          if (chunked) continue;  // in matcher_passes
          cenq.set_query(p.query);
          cenq.set_collapse_key(collapse_slot);
          cenq.set_time_limit(time_limit);
          if (p.counter != nullptr) {
            cenq.add_matchspy(p.counter.get());
          } else {
            cenq.add_matchspy(p.spy.get());
          }
          const Xapian::MSet pass = cenq.get_mset(0, 0, doccount);
          cenq.clear_matchspies();
          if (time_limit > 0 && !request.collapse &&
              pass.get_matches_lower_bound() != pass.get_matches_upper_bound())
            passes_timed_out = true;
        }
        return absl::OkStatus();
      });
    };
    // Chunked matcher passes: index 0 is the counting thread's side, 1 this
    // thread's (its own query copies and counters, merged after the join).
    struct MatcherPass {
      Xapian::Query query[2];
      FacetColumnCounter* counter[2] = {nullptr, nullptr};  // null: count matches only
      std::unique_ptr<FacetColumnCounter> second;           // counter[1]'s owner
      Xapian::doccount matches[2] = {0, 0};
      OwnPass* own = nullptr;  // null: the main count
    };
    std::vector<MatcherPass> matcher_passes;
    const bool main_chunked = chunked && split && !walk_terms;
    constexpr Xapian::docid kChunks = 16;
    Xapian::docid last_docid = 0;
    std::atomic<size_t> next_chunk{0};
    std::atomic<bool> chunks_timed_out{false};
    if (chunked) {
      last_docid = db_.get_lastdocid();
      // `copy`: the counting thread's deep copy made above; `original`: this thread's.
      auto add = [&](const Xapian::Query& copy, const Xapian::Query& original,
                     FacetColumnCounter* counter, OwnPass* own) {
        MatcherPass m;
        m.query[0] = copy;
        m.query[1] = original;
        m.counter[0] = counter;
        if (counter != nullptr) {
          std::vector<FacetField> fields = own != nullptr ? std::vector<FacetField>{own->field}
                                                          : main_facets;
          if (own == nullptr && want_dates && !whole_db) fields.push_back(FacetField::kDate);
          m.second = std::make_unique<FacetColumnCounter>(columns, fields);
          m.counter[1] = m.second.get();
        }
        m.own = own;
        matcher_passes.push_back(std::move(m));
      };
      if (main_chunked) add(main_count_query, build(std::nullopt), column_counter.get(), nullptr);
      for (OwnPass& p : passes) {
        if (!p.terms) add(p.query, build(p.field), p.counter.get(), &p);
      }
    }
    // Takes chunks until none is left; `side` as in MatcherPass.
    auto count_chunks = [&](const Xapian::Database& cdb, Xapian::Enquire& cenq, int side) {
      return core::CallXapian("counting matches", [&]() -> absl::Status {
        const size_t items = matcher_passes.size() * kChunks;
        for (size_t i = next_chunk++; i < items; i = next_chunk++) {
          MatcherPass& m = matcher_passes[i / kChunks];
          const Xapian::docid c = static_cast<Xapian::docid>(i % kChunks);
          const Xapian::docid lo = static_cast<Xapian::docid>(uint64_t{last_docid} * c / kChunks) + 1;
          const Xapian::docid hi = static_cast<Xapian::docid>(uint64_t{last_docid} * (c + 1) / kChunks);
          if (lo > hi) continue;
          cenq.set_query(Xapian::Query(Xapian::Query::OP_FILTER, m.query[side],
                                       Xapian::Query((new DocidRange(lo, hi))->release())));
          cenq.set_collapse_key(Xapian::BAD_VALUENO);
          cenq.set_time_limit(time_limit);
          cenq.clear_matchspies();
          if (m.counter[side] != nullptr) cenq.add_matchspy(m.counter[side]);
          const Xapian::MSet pass = cenq.get_mset(0, 0, doccount);
          cenq.clear_matchspies();
          m.matches[side] += pass.get_matches_lower_bound();
          if (pass.get_matches_lower_bound() != pass.get_matches_upper_bound())
            chunks_timed_out = true;
        }
        return absl::OkStatus();
      });
    };
    absl::Status beside_status;
    std::thread beside_thread;
    // Joined on every way out of this scope (errors and exceptions included).
    absl::Cleanup join_beside = [&beside_thread] {
      if (beside_thread.joinable()) beside_thread.join();
    };
    if (parallel) {
      beside_thread = std::thread([&] {
        beside_status = count_passes(*beside_db_, pass_enquire);
        if (beside_status.ok() && chunked) beside_status = count_chunks(*beside_db_, pass_enquire, 0);
      });
    }

    Xapian::MSet mset;
    if (ranked || !walk_terms) {
      mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                              static_cast<Xapian::doccount>(limit),
                              exact && !whole_db && !split ? doccount : 0);
    }
    // (A split pass's spies belong to the counting passes, maybe on the other thread.)
    if (!split) enquire.clear_matchspies();

    // Hits: only the displayed documents' metadata is read, and their bodies
    // only for snippets.
    HighlightSpec spec;
    spec.phrases = parsed.highlight_phrases;
    spec.prefixes = parsed.highlight_prefixes;
    spec.language = options_.language;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      Xapian::Document doc = it.get_document();
      absl::StatusOr<core::Article> a = ReadArticle(doc, request.snippets);
      if (!a.ok()) {
        return absl::DataLossError(absl::StrCat("document ", *it, ": ", a.status().message()));
      }
      std::string body = std::move(a->body);
      Hit h = HitFromArticle(*std::move(a));
      h.score = it.get_weight();
      h.rank = it.get_rank();
      if (request.snippets) h.snippet = MakeSnippet(*analyzer_, body, spec, request.highlight);
      if (request.collapse) h.duplicates = it.get_collapse_count();
      resp.hits.push_back(std::move(h));
    }

    if (parallel) {
      absl::Status own_share = chunked ? count_chunks(db_, *count_enquire_, 1) : absl::OkStatus();
      beside_thread.join();
      NEWSDEX_RETURN_IF_ERROR(beside_status);
      NEWSDEX_RETURN_IF_ERROR(own_share);
      for (MatcherPass& m : matcher_passes) {
        if (m.counter[0] != nullptr) m.counter[0]->MergeFrom(*m.counter[1]);
        if (m.own == nullptr) {
          walked = m.matches[0] + m.matches[1];
        }
      }
      if (chunks_timed_out) passes_timed_out = true;
    } else {
      NEWSDEX_RETURN_IF_ERROR(count_passes(db_, pass_enquire));
    }
    if (walked) {
      resp.total = resp.total_lower = resp.total_upper = *walked;
    } else {
      const Xapian::MSet& totals = counted_apart ? counts : mset;
      resp.total = totals.get_matches_estimated();
      resp.total_lower = totals.get_matches_lower_bound();
      resp.total_upper = totals.get_matches_upper_bound();
    }
    if (chunks_timed_out && main_chunked) {
      // A chunk stopped at the time limit: the summed count is a lower bound.
      resp.total_upper = std::max<Xapian::doccount>(resp.total_upper, doccount);
    }
    resp.total_exact = resp.total_lower == resp.total_upper;
    // Collapsing makes Xapian's count an estimate even when every match was
    // checked; only a lost exactness without collapsing means the limit hit.
    if (exact && !resp.total_exact && time_limit > 0 && !request.collapse) resp.timed_out = true;
    if (passes_timed_out) resp.timed_out = true;

    if (column_counter != nullptr) {
      for (FacetField f : main_facets) {
        counted[FacetIndex(f)] = TopValues(f, column_counter->Counts(f), facet_limit);
      }
      if (want_dates && !whole_db) resp.dates = HistogramFromColumns(*column_counter, request);
    } else {
      for (size_t i = 0; i < spies.size(); ++i) {
        counted[FacetIndex(main_facets[i])] = CountsFromSpy(main_facets[i], *spies[i], facet_limit);
      }
      if (date_spy) resp.dates = HistogramFromSpy(*date_spy, request);
    }
    for (OwnPass& p : passes) {
      counted[FacetIndex(p.field)] = p.counter != nullptr
                                         ? TopValues(p.field, p.counter->Counts(p.field), facet_limit)
                                         : CountsFromSpy(p.field, *p.spy, facet_limit);
      counted[FacetIndex(p.field)].disjunctive = true;
    }
    for (FacetField f : facets) resp.facets.push_back(std::move(counted[FacetIndex(f)]));

    if (!parsed.words.empty()) resp.suggestion = Suggest(request, parsed);
    resp.elapsed = absl::Now() - start;
    // Without exact counting there is nothing the limit could cut short but
    // the time itself.
    if (time_limit > 0 && !exact && resp.elapsed > request.time_limit) resp.timed_out = true;
    return resp;
  });
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
      auto word_starts = [&](const std::string& text) {
        for (size_t p = 0; p < text.size();) {
          if (text.compare(p, folded.size(), folded) == 0) return true;
          p = text.find_first_of(" -", p);
          if (p == std::string::npos) break;
          ++p;
        }
        return false;
      };
      bool match = folded.empty() || key == resolved || word_starts(key);
      std::string name;
      if (!match && (f == FacetField::kCountry || f == FacetField::kAbout)) {
        name = options_.resolver->DisplayName(f, key);
        match = word_starts(analyzer_->FoldKey(name));
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
                             if (beside_db_) beside_db_->reopen();
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
  if (local) impl->InitBeside(columns_path);
  impl->InitColumns(std::move(columns_path), local);
  return std::unique_ptr<Searcher>(new Searcher(std::move(impl)));
}

absl::StatusOr<SearchResponse> Searcher::Search(const SearchRequest& request) {
  return impl_->Search(request);
}
absl::StatusOr<core::Article> Searcher::GetArticle(absl::string_view id) {
  return impl_->GetArticle(id);
}
absl::StatusOr<std::vector<Hit>> Searcher::Related(absl::string_view id, int limit) {
  return impl_->Related(id, limit);
}
absl::StatusOr<std::vector<FacetValue>> Searcher::FacetValues(absl::string_view field,
                                                              absl::string_view prefix,
                                                              int limit) {
  return impl_->FacetValues(field, prefix, limit);
}
absl::StatusOr<bool> Searcher::Reopen() { return impl_->Reopen(); }
absl::StatusOr<IndexStats> Searcher::Stats() { return impl_->Stats(); }
std::optional<uint64_t> Searcher::Revision() const { return impl_->Revision(); }

}  // namespace newsdex::query

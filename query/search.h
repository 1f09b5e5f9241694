// The newsdex query API: one call answers a search request (query language,
// facet filters, date range, sort, paging) with hits, snippets, exact facet
// counts, a date histogram and a spelling suggestion. The daemon (server/) and
// newsdex-search both call it; SearchResponseJson is the JSON body the daemon
// returns (docs/api.md, "Search response").
//
// Thread safety: a Searcher is NOT thread-safe (it owns a Xapian::Database, an
// Enquire and an Analyzer). Use one per thread; Open() costs a few ms. The
// FacetResolver in SearcherOptions is shared and must be immutable.
#ifndef NEWSDEX_QUERY_SEARCH_H_
#define NEWSDEX_QUERY_SEARCH_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <xapian.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "core/analyzer.h"
#include "core/article.h"
#include "core/cluster.h"
#include "query/cluster_reader.h"
#include "query/resolver.h"

namespace newsdex::query {

// Largest page size; SearchRequest::limit above it is capped (not an error).
// The depth (offset) is not capped.
inline constexpr int kMaxLimit = 100;
// Largest facet_limit; above it is capped.
inline constexpr int kMaxFacetLimit = 1000;

enum class SortOrder {
  kRelevance,         // BM25, ties by docid
  kNewest,            // publication date descending, then relevance, docid
  kOldest,            // publication date ascending, then relevance, docid
  kRelevanceRecency,  // BM25 + recency boost (docs/query-syntax.md, "Sorting")
};

// "relevance", "newest", "oldest", "recency".
absl::string_view SortOrderName(SortOrder sort);
// Accepts the names above; kInvalidArgument names the bad value otherwise.
absl::StatusOr<SortOrder> ParseSortOrder(absl::string_view name);

struct SearchRequest {
  // Query language (docs/query-syntax.md). Empty matches every document.
  std::string q;
  // Facet filters. Values are codes, names or aliases, resolved by the
  // Searcher's FacetResolver. Several values of one facet are ORed; different
  // facets (and the date range and q) are ANDed.
  std::vector<std::string> actors, countries, about_countries, languages, sources;
  // Publication date range, inclusive at both ends; either may be absent.
  std::optional<absl::CivilDay> from, to;
  // Facets to count: "actor", "country", "about", "lang", "source", "date"
  // ("date" is the histogram). Unknown names are kInvalidArgument.
  std::vector<std::string> facets;
  int facet_limit = 10;  // top-N values per facet, capped at kMaxFacetLimit
  SortOrder sort = SortOrder::kRelevance;
  int offset = 0;
  int limit = 10;  // capped at kMaxLimit; 0 = counts and facets only
  bool highlight = true;  // snippets with <b> (else plain escaped snippets)
  bool snippets = true;   // false: hits carry no snippet (ids and metadata only)
  bool collapse = false;  // collapse near-identical copies (Hit::duplicates)
  // Compute the total exactly even when no facet is asked for (facets always
  // make it exact).
  bool exact_total = false;
  // If q does not parse, search its words instead of failing (the response
  // then carries the parse error in `query_warning`).
  bool fallback_to_words = false;
  // Per-search time limit of the matcher (Enquire::set_time_limit): once
  // reached, exact counting stops, the counts become estimates and timed_out
  // is set.
  absl::Duration time_limit = absl::InfiniteDuration();
};

struct Hit {
  std::string id;
  std::string title;
  std::string url;
  std::optional<absl::CivilDay> date;
  std::string source;
  std::string lang;
  std::vector<core::CountryFacet> countries;
  std::vector<core::ActorFacet> actors;
  double score = 0;   // the ranking score (BM25, plus the boost for kRelevanceRecency)
  uint64_t rank = 0;  // 0-based position in the whole result list
  // A window of the body, HTML-escaped, matched words (and phrases as a
  // whole) wrapped in <b>...</b>. Plain escaped text when highlight is off.
  std::string snippet;
  // Other near-identical copies collapsed into this hit (collapse only; a
  // lower bound, see Xapian::MSetIterator::get_collapse_count). Facet counts
  // still count every copy; the total becomes an estimate with bounds.
  uint64_t duplicates = 0;
};

struct FacetValue {
  std::string value;  // stored key: "gb", "ali khamenei", "en", "reuters"
  std::string name;   // display name: "United Kingdom", "Ali Khamenei"
  uint64_t count = 0;
};

struct FacetCounts {
  std::string field;               // "actor", "country", ...
  std::vector<FacetValue> values;  // top facet_limit, count desc then value asc
  uint64_t distinct = 0;           // distinct values in the counted set ("of 143")
  // Counted without this facet's own filter (disjunctive counts).
  bool disjunctive = false;
};

struct DateBucket {
  std::string key;  // "2025", "2025-06" or "2025-06-14"
  uint64_t count = 0;
};

struct DateHistogram {
  std::string bucket;  // "year", "month" or "day"
  std::vector<DateBucket> buckets;  // ascending, empty buckets omitted
};

struct SearchResponse {
  // Matching documents (after collapsing, when collapse is on).
  uint64_t total = 0;
  bool total_exact = false;
  uint64_t total_lower = 0, total_upper = 0;
  int offset = 0, limit = 0;  // as applied (limit after capping)
  std::vector<Hit> hits;
  std::vector<FacetCounts> facets;  // in request order, without "date"
  std::optional<DateHistogram> dates;  // when "date" was asked for
  std::string suggestion;  // "did you mean" query text; empty if none
  std::string query_warning;  // parse error when fallback_to_words was used
  bool timed_out = false;
  // Over a cluster (Searcher::OpenCluster): shards none of whose replicas
  // answered were left out, so hits, totals and counts cover the others.
  bool partial = false;
  std::vector<std::string> missing_shards;  // their names, in cluster order
  absl::Duration elapsed;
  // Diagnostics, not in the JSON: the facet counts came from the facet column
  // snapshot (query/facet_columns.h) rather than the stock value-count spies.
  bool counted_with_columns = false;
  // Diagnostics: the counting passes ran on a second thread beside the
  // ranked pass (SearcherOptions::parallel_count_min_postings).
  bool counted_beside = false;
  // Diagnostics: the ranked pass ran as two docid ranges on two threads
  // (SearcherOptions::parallel_rank_min_postings).
  bool ranked_in_parallel = false;
};

struct IndexStats {
  uint64_t documents = 0;
  std::string last_update;  // metadata newsdex.last_update, may be empty
  std::optional<absl::CivilDay> first_date, last_date;
  // Distinct values per facet field ("actor", "country", "about", "lang",
  // "source"), in that order.
  std::vector<std::pair<std::string, uint64_t>> facet_cardinalities;
};

// How facet counts use the facet column snapshot (query/facet_columns.h): a
// per-docid copy of the facet slots, shared by all Searchers of the process,
// that counts ~10x faster than the stock spies. Only a single local database
// (a glass directory, or an in-memory one via FromDatabase) can use it;
// otherwise and until a snapshot is ready, the stock spies count.
enum class FacetColumnsMode {
  kOff,         // always the stock ValueCountMatchSpy
  kBackground,  // never wait: snapshots are built on a background thread
  // Open()/FromDatabase() wait for the snapshot (building it if no other
  // Searcher has); after Reopen() an extension over appended documents is
  // done at once, a full rebuild (after a replace or delete) in the background.
  kBuildAtOpen,
};

struct SearcherOptions {
  // Resolves facet filter values and names facet keys. Null = MakeFacetResolver().
  std::shared_ptr<const FacetResolver> resolver;
  // Stemming language for query words.
  std::string language = "en";
  // kRelevanceRecency: score = BM25 + recency_weight * 0.5^(age / half_life),
  // age counted in days back from the newest publication date in the index.
  double recency_weight = 2.0;
  double recency_half_life_days = 30.0;
  // Facet column snapshot use. A daemon that must not stall on a full build
  // at 1M documents (about a second) uses kBackground.
  FacetColumnsMode facet_columns = FacetColumnsMode::kBuildAtOpen;
  // Ranked pages weigh their terms with the document lengths of the facet
  // column snapshot when it is ready (query/snapshot_bm25.h): the same page,
  // without a length lookup in the database per posting (1M documents: a
  // rare word ranks ~6x faster). false: Xapian's BM25Weight reads them.
  bool snapshot_bm25 = true;
  // A query one of whose terms has at least this many postings runs its
  // counting passes (exact total, facets, disjunctive facets) on a second
  // thread with a second database handle while the calling thread ranks the
  // page: the answer is the same, its latency about the longer of the two
  // instead of their sum. Only for Open() of a local glass directory; 0 turns
  // it off. Costs a thread start (~30 us) per such query, no extra CPU else.
  int64_t parallel_count_min_postings = 50000;
  // A ranked query one of whose terms has at least this many postings (a
  // query matching every document: the document count) ranks its page as two
  // docid ranges, the upper one on a thread and a database handle of its
  // own, merged exactly: the same hits, weights, order and counts
  // (query/parallel_ranking.h). Not when counting passes in docid chunks
  // already keep both cores busy, not with collapse, and only while fewer than
  // `parallel_rank_max_in_flight` searches run in the process (this one
  // included), so a saturated daemon keeps one thread per search. Only for
  // Open() of a local glass directory, and never for a query of one term
  // alone (two ranges cost it about twice the CPU: SplitInputs::single_term).
  // < 0 never; 0 every other ranked query.
  // The split costs CPU: a thread, a second Enquire and the range filter on
  // every posting. Measured with every page split (150k generated articles,
  // 1,000 benchmark queries, top 10 with exact total, mean of per-query
  // process CPU medians of 3): largest list 10k-30k postings 1.56 -> 2.07 ms
  // (+33%), 30k-100k 6.21 -> 7.03 ms (+13%), >= 100k 20.2 -> 20.0 ms; so from
  // 30k on, where half of the ranked pass is worth more than the split
  // (docs/benchmarks.md, "Parallel ranked pass").
  int64_t parallel_rank_min_postings = 30000;
  // 0 = the number of cores (std::thread::hardware_concurrency()).
  int parallel_rank_max_in_flight = 0;
};

class Searcher {
 public:
  // Opens the index at `db_path` (a glass directory or a stub file listing
  // shards, local or remote). Returns kNotFound if it does not exist,
  // kFailedPrecondition for a schema version mismatch, kUnavailable for a
  // network/lock problem, kInternal for ICU failures.
  static absl::StatusOr<std::unique_ptr<Searcher>> Open(const std::string& db_path,
                                                        const SearcherOptions& options);
  // Wraps an open database (tests: in-memory). Checks the schema version.
  // REQUIRES unless options.facet_columns is kOff: `db` is local (in-memory or
  // glass); a remote database cannot run the column counter and this cannot
  // tell one apart. Snapshots are built on the calling thread (no path to
  // build from in the background).
  static absl::StatusOr<std::unique_ptr<Searcher>> FromDatabase(
      Xapian::Database db, const SearcherOptions& options);
  // Opens a cluster (core/cluster.h) through a ClusterReader
  // (query/cluster_reader.h): one endpoint per shard, and every call below
  // fails over to another replica within the call. A search that had to
  // leave shards out says so (SearchResponse::partial); GetArticle and
  // Related answer kUnavailable, not kNotFound, when the id's own shard is
  // missing. kUnavailable when no shard answers.
  static absl::StatusOr<std::unique_ptr<Searcher>> OpenCluster(
      const core::Cluster& cluster, const SearcherOptions& options,
      ClusterReadOptions read_options = {});
  ~Searcher();
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  // Runs `request`. kInvalidArgument for a query that does not parse
  // ("query:12: unbalanced parenthesis"), an unknown facet name or from > to;
  // kAborted if the database changed underneath (call Reopen and retry);
  // kUnavailable / kDataLoss / kInternal from Xapian otherwise.
  absl::StatusOr<SearchResponse> Search(const SearchRequest& request);

  // The stored article with `id`, or kNotFound.
  absl::StatusOr<core::Article> GetArticle(absl::string_view id);

  // Up to `limit` (capped at kMaxLimit) articles most like `id`, excluding
  // it ("more like this" over its stemmed words). kNotFound for an unknown id.
  // Hits carry no snippet.
  absl::StatusOr<std::vector<Hit>> Related(absl::string_view id, int limit);

  // Values of facet `field` ("actor", "country", "about", "lang", "source")
  // whose key or display name starts with `prefix` (folded; empty = all), by
  // document count desc, at most `limit` (capped at kMaxFacetLimit).
  // kInvalidArgument for an unknown field.
  absl::StatusOr<std::vector<FacetValue>> FacetValues(absl::string_view field,
                                                      absl::string_view prefix, int limit);

  // Picks up commits made since Open or the last Reopen. Returns true if the
  // database changed.
  absl::StatusOr<bool> Reopen();

  // The revision this Searcher reads, for a single local glass database;
  // nullopt for several shards, a remote or an in-memory database (Xapian
  // numbers revisions only per database).
  std::optional<uint64_t> Revision() const;

  absl::StatusOr<IndexStats> Stats();

  // The cluster reader of an OpenCluster Searcher (shard states, missing
  // shards); null otherwise.
  const ClusterReader* cluster() const { return cluster_.get(); }

 private:
  class Impl;
  explicit Searcher(std::unique_ptr<Impl> impl);
  // Runs `call` on impl_, through the cluster reader's failover if any.
  template <typename Call>
  auto Run(Call&& call) -> std::invoke_result_t<Call>;
  // kNotFound for `id` becomes kUnavailable when its shard is missing.
  absl::Status NotFoundOnCluster(absl::string_view id, absl::Status status) const;
  static absl::StatusOr<std::unique_ptr<Searcher>> Make(Xapian::Database db,
                                                        const SearcherOptions& options,
                                                        std::string columns_path, bool local);
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<ClusterReader> cluster_;  // null unless OpenCluster
};

// The JSON of docs/api.md, "Search response" (and the pieces it is made of).
std::string SearchResponseJson(const SearchResponse& response);
std::string HitsJson(const std::vector<Hit>& hits);  // {"hits":[...]}
std::string FacetValuesJson(absl::string_view field, const std::vector<FacetValue>& values);
std::string IndexStatsJson(const IndexStats& stats);
std::string ArticleJson(const core::Article& article);  // the full stored article

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_SEARCH_H_

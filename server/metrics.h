// Request metrics of the query daemon, rendered in the Prometheus text
// exposition format (version 0.0.4) for GET /metrics.
//
// Thread safety: every method may be called from any thread at once. Counters
// and histogram buckets are relaxed atomics in fixed arrays, so recording a
// request takes no lock (the read path of the daemon stays lock-free).
#ifndef NEWSDEX_SERVER_METRICS_H_
#define NEWSDEX_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "query/cluster_reader.h"

namespace newsdex::server {

// The routes requests are counted under. Fixed, so label cardinality is
// bounded whatever paths clients send.
enum class Route : int {
  kSearch,
  kArticle,
  kRelated,
  kFacets,
  kHealth,
  kStats,
  kMetrics,
  kArticlesPost,
  kArticlesDelete,
  kOptions,
  kPage,         // the HTML search page, GET /
  kArticlePage,  // the HTML article page, GET /article/{id}
  kStatic,       // the search site's CSS, script and icon, GET /static/{file}
  kOther,  // unknown paths, unparsable requests
  kCount,  // not a route: the number of routes
};

// The label value of a route ("search", "article", ...).
absl::string_view RouteName(Route route);

class Metrics {
 public:
  // Upper bounds of the latency histogram buckets, in seconds (+Inf implied).
  static constexpr std::array<double, 12> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
  // HTTP status codes counted individually; any other code counts as "other".
  static constexpr std::array<int, 14> kStatusCodes = {
      200, 204, 400, 401, 403, 404, 405, 408, 413, 414, 431, 500, 503, 504};

  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Records one finished request: its route, HTTP status and latency.
  // Statuses >= 500 also count as errors.
  void RecordRequest(Route route, int status, absl::Duration latency);
  // Records that a worker reopened its index reader to see a newer revision.
  void RecordReopen() { reopens_.fetch_add(1, std::memory_order_relaxed); }
  // Records a search that hit the time limit and returned partial results.
  void RecordTimeLimitHit() { time_limit_hits_.fetch_add(1, std::memory_order_relaxed); }
  // Records a query retried after Xapian::DatabaseModifiedError.
  void RecordModifiedRetry() { modified_retries_.fetch_add(1, std::memory_order_relaxed); }

  uint64_t requests(Route route, int status) const;
  uint64_t reopens() const { return reopens_.load(std::memory_order_relaxed); }
  uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }

  // The whole exposition, one metric family after another: requests total by
  // route and code, errors total, latency histogram by route, reopens total,
  // time-limit hits, modified retries.
  std::string RenderPrometheus() const;

 private:
  static constexpr int kRoutes = static_cast<int>(Route::kCount);
  static constexpr int kCodes = kStatusCodes.size() + 1;  // + "other"
  static constexpr int kBuckets = kLatencyBuckets.size() + 1;  // + +Inf
  static int CodeIndex(int status);

  std::array<std::array<std::atomic<uint64_t>, kCodes>, kRoutes> requests_{};
  std::array<std::array<std::atomic<uint64_t>, kBuckets>, kRoutes> latency_buckets_{};
  std::array<std::atomic<uint64_t>, kRoutes> latency_sum_micros_{};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> reopens_{0};
  std::atomic<uint64_t> time_limit_hits_{0};
  std::atomic<uint64_t> modified_retries_{0};
};

// The shard families of /metrics over a cluster (query/cluster_reader.h):
// newsdex_shard_up (1 while some replica is not marked down),
// newsdex_shard_replicas, newsdex_shard_replicas_down,
// newsdex_shard_failovers_total (reads moved off a replica) by shard, and
// newsdex_shard_endpoint_up by shard and endpoint.
std::string RenderShardMetrics(const std::vector<query::ClusterHealth::ShardView>& shards);

}  // namespace newsdex::server

#endif  // NEWSDEX_SERVER_METRICS_H_

#include "server/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_format.h"

namespace newsdex::server {

absl::string_view RouteName(Route route) {
  switch (route) {
    case Route::kSearch: return "search";
    case Route::kArticle: return "article";
    case Route::kRelated: return "related";
    case Route::kFacets: return "facets";
    case Route::kHealth: return "health";
    case Route::kStats: return "stats";
    case Route::kMetrics: return "metrics";
    case Route::kArticlesPost: return "articles_post";
    case Route::kArticlesDelete: return "articles_delete";
    case Route::kOptions: return "options";
    case Route::kPage: return "page";
    case Route::kArticlePage: return "article_page";
    case Route::kStatic: return "static";
    case Route::kOther: return "other";
    case Route::kCount: break;
  }
  return "other";
}

int Metrics::CodeIndex(int status) {
  for (size_t i = 0; i < kStatusCodes.size(); ++i) {
    if (kStatusCodes[i] == status) return static_cast<int>(i);
  }
  return kCodes - 1;
}

void Metrics::RecordRequest(Route route, int status, absl::Duration latency) {
  const int r = static_cast<int>(route);
  if (r < 0 || r >= kRoutes) return;
  requests_[r][CodeIndex(status)].fetch_add(1, std::memory_order_relaxed);
  if (status >= 500) errors_.fetch_add(1, std::memory_order_relaxed);
  const double seconds = absl::ToDoubleSeconds(latency);
  int bucket = kBuckets - 1;
  for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      bucket = static_cast<int>(i);
      break;
    }
  }
  // Buckets are stored non-cumulative and summed when rendered.
  latency_buckets_[r][bucket].fetch_add(1, std::memory_order_relaxed);
  const int64_t micros = absl::ToInt64Microseconds(latency);
  latency_sum_micros_[r].fetch_add(micros > 0 ? static_cast<uint64_t>(micros) : 0,
                                   std::memory_order_relaxed);
}

uint64_t Metrics::requests(Route route, int status) const {
  const int r = static_cast<int>(route);
  if (r < 0 || r >= kRoutes) return 0;
  return requests_[r][CodeIndex(status)].load(std::memory_order_relaxed);
}

std::string Metrics::RenderPrometheus() const {
  std::string out;
  out += "# HELP newsdex_http_requests_total HTTP requests answered, by route and status code.\n";
  out += "# TYPE newsdex_http_requests_total counter\n";
  for (int r = 0; r < kRoutes; ++r) {
    const absl::string_view route = RouteName(static_cast<Route>(r));
    for (int c = 0; c < kCodes; ++c) {
      const uint64_t n = requests_[r][c].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string code =
          c < static_cast<int>(kStatusCodes.size()) ? absl::StrCat(kStatusCodes[c]) : "other";
      absl::StrAppend(&out, "newsdex_http_requests_total{route=\"", route, "\",code=\"", code,
                      "\"} ", n, "\n");
    }
  }
  out += "# HELP newsdex_http_errors_total Requests answered with a 5xx status.\n";
  out += "# TYPE newsdex_http_errors_total counter\n";
  absl::StrAppend(&out, "newsdex_http_errors_total ", errors(), "\n");

  out += "# HELP newsdex_http_request_duration_seconds Time from routing to response, by route.\n";
  out += "# TYPE newsdex_http_request_duration_seconds histogram\n";
  for (int r = 0; r < kRoutes; ++r) {
    const absl::string_view route = RouteName(static_cast<Route>(r));
    uint64_t cumulative = 0;
    std::string lines;
    for (int b = 0; b < kBuckets; ++b) {
      cumulative += latency_buckets_[r][b].load(std::memory_order_relaxed);
      const std::string le = b < static_cast<int>(kLatencyBuckets.size())
                                 ? absl::StrFormat("%g", kLatencyBuckets[b])
                                 : "+Inf";
      absl::StrAppend(&lines, "newsdex_http_request_duration_seconds_bucket{route=\"", route,
                      "\",le=\"", le, "\"} ", cumulative, "\n");
    }
    if (cumulative == 0) continue;
    out += lines;
    absl::StrAppend(&out, "newsdex_http_request_duration_seconds_sum{route=\"", route, "\"} ",
                    absl::StrFormat("%.6f", latency_sum_micros_[r].load(std::memory_order_relaxed) / 1e6),
                    "\n");
    absl::StrAppend(&out, "newsdex_http_request_duration_seconds_count{route=\"", route, "\"} ",
                    cumulative, "\n");
  }
  out += "# HELP newsdex_index_reopens_total Times a worker reopened its index reader on a new revision.\n";
  out += "# TYPE newsdex_index_reopens_total counter\n";
  absl::StrAppend(&out, "newsdex_index_reopens_total ", reopens(), "\n");
  out += "# HELP newsdex_search_time_limit_hits_total Searches cut short by the time limit.\n";
  out += "# TYPE newsdex_search_time_limit_hits_total counter\n";
  absl::StrAppend(&out, "newsdex_search_time_limit_hits_total ",
                  time_limit_hits_.load(std::memory_order_relaxed), "\n");
  out += "# HELP newsdex_search_modified_retries_total Requests retried after the index changed under them.\n";
  out += "# TYPE newsdex_search_modified_retries_total counter\n";
  absl::StrAppend(&out, "newsdex_search_modified_retries_total ",
                  modified_retries_.load(std::memory_order_relaxed), "\n");
  return out;
}

namespace {

// A label value as the exposition format quotes it.
std::string LabelValue(absl::string_view v) {
  return absl::StrReplaceAll(v, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

}  // namespace

std::string RenderShardMetrics(const std::vector<query::ClusterHealth::ShardView>& shards) {
  std::string up, replicas, down, failovers, endpoints;
  for (const query::ClusterHealth::ShardView& s : shards) {
    const std::string shard = absl::StrCat("shard=\"", LabelValue(s.name), "\"");
    const bool any_up = s.replicas_down < s.endpoints.size();
    absl::StrAppend(&up, "newsdex_shard_up{", shard, "} ", any_up ? 1 : 0, "\n");
    absl::StrAppend(&replicas, "newsdex_shard_replicas{", shard, "} ", s.endpoints.size(), "\n");
    absl::StrAppend(&down, "newsdex_shard_replicas_down{", shard, "} ", s.replicas_down, "\n");
    absl::StrAppend(&failovers, "newsdex_shard_failovers_total{", shard, "} ", s.failovers, "\n");
    for (size_t e = 0; e < s.endpoints.size(); ++e) {
      absl::StrAppend(&endpoints, "newsdex_shard_endpoint_up{", shard, ",endpoint=\"",
                      LabelValue(s.endpoints[e]), "\"} ", s.down[e] ? 0 : 1, "\n");
    }
  }
  std::string out;
  out += "# HELP newsdex_shard_up 1 while some replica of the shard is not marked down.\n";
  out += "# TYPE newsdex_shard_up gauge\n" + up;
  out += "# HELP newsdex_shard_replicas Read endpoints of the shard.\n";
  out += "# TYPE newsdex_shard_replicas gauge\n" + replicas;
  out += "# HELP newsdex_shard_replicas_down Read endpoints of the shard marked down.\n";
  out += "# TYPE newsdex_shard_replicas_down gauge\n" + down;
  out += "# HELP newsdex_shard_failovers_total Reads moved to another replica of the shard.\n";
  out += "# TYPE newsdex_shard_failovers_total counter\n" + failovers;
  out += "# HELP newsdex_shard_endpoint_up 0 while the endpoint is marked down.\n";
  out += "# TYPE newsdex_shard_endpoint_up gauge\n" + endpoints;
  return out;
}

}  // namespace newsdex::server

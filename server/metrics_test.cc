#include "server/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "core/cluster.h"

namespace newsdex::server {
namespace {

TEST(MetricsTest, CountsRequestsByRouteAndCode) {
  Metrics m;
  m.RecordRequest(Route::kSearch, 200, absl::Milliseconds(3));
  m.RecordRequest(Route::kSearch, 200, absl::Milliseconds(30));
  m.RecordRequest(Route::kSearch, 400, absl::Microseconds(100));
  m.RecordRequest(Route::kHealth, 503, absl::Milliseconds(1));
  m.RecordRequest(Route::kOther, 418, absl::Milliseconds(1));
  EXPECT_EQ(m.requests(Route::kSearch, 200), 2u);
  EXPECT_EQ(m.requests(Route::kSearch, 400), 1u);
  EXPECT_EQ(m.requests(Route::kHealth, 503), 1u);
  EXPECT_EQ(m.errors(), 1u);
  const std::string text = m.RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(text,
                                "newsdex_http_requests_total{route=\"search\",code=\"200\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(text,
                                "newsdex_http_requests_total{route=\"other\",code=\"other\"} 1\n"));
  EXPECT_TRUE(absl::StrContains(text, "newsdex_http_errors_total 1\n"));
  // Cumulative buckets: 0.1 ms and 3 ms are <= 5 ms, 30 ms is not.
  EXPECT_TRUE(absl::StrContains(
      text, "newsdex_http_request_duration_seconds_bucket{route=\"search\",le=\"0.005\"} 2\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "newsdex_http_request_duration_seconds_bucket{route=\"search\",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "newsdex_http_request_duration_seconds_count{route=\"search\"} 3\n"));
  EXPECT_TRUE(absl::StrContains(
      text, "newsdex_http_request_duration_seconds_sum{route=\"search\"} 0.033100\n"));
}

TEST(MetricsTest, EveryLineIsCommentOrSample) {
  Metrics m;
  m.RecordRequest(Route::kFacets, 200, absl::Milliseconds(2));
  m.RecordReopen();
  m.RecordTimeLimitHit();
  const std::string text = m.RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(text, "newsdex_index_reopens_total 1\n"));
  EXPECT_TRUE(absl::StrContains(text, "newsdex_search_time_limit_hits_total 1\n"));
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "last line lacks a newline";
    const std::string line = text.substr(start, end - start);
    const bool comment = absl::StartsWith(line, "# HELP ") || absl::StartsWith(line, "# TYPE ");
    const bool sample = absl::StartsWith(line, "newsdex_") && line.find(' ') != std::string::npos;
    EXPECT_TRUE(comment || sample) << line;
    start = end + 1;
  }
}

TEST(MetricsTest, ShardFamiliesShowWhatIsDown) {
  absl::StatusOr<core::Cluster> cluster = core::ParseCluster(
      "newsdex-cluster 1\nshard s0\nprimary /p0\nreplica tcp://h:1\nreplica tcp://h:2\n"
      "shard s1\nprimary /p1\n",
      "test.conf", "/");
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  query::ClusterHealth health(*cluster);
  health.MarkDown(0, 1, absl::Hours(1));
  health.RecordFailover(0);
  const std::string text = RenderShardMetrics(health.View());
  for (const char* line : {"newsdex_shard_up{shard=\"s0\"} 1\n",
                           "newsdex_shard_replicas{shard=\"s0\"} 2\n",
                           "newsdex_shard_replicas_down{shard=\"s0\"} 1\n",
                           "newsdex_shard_failovers_total{shard=\"s0\"} 1\n",
                           "newsdex_shard_endpoint_up{shard=\"s0\",endpoint=\"tcp://h:2\"} 0\n",
                           "newsdex_shard_endpoint_up{shard=\"s1\",endpoint=\"/p1\"} 1\n"}) {
    EXPECT_TRUE(absl::StrContains(text, line)) << line << "\nin\n" << text;
  }
  health.MarkDown(0, 0, absl::Hours(1));
  EXPECT_TRUE(absl::StrContains(RenderShardMetrics(health.View()),
                                "newsdex_shard_up{shard=\"s0\"} 0\n"));
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 10000; ++i) m.RecordRequest(Route::kSearch, 200, absl::Microseconds(i));
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(m.requests(Route::kSearch, 200), 40000u);
}

}  // namespace
}  // namespace newsdex::server

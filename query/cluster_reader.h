// Reading a newsdex cluster (core/cluster.h) as one database: one read
// endpoint per shard (a replica, else the primary), combined with
// Xapian::Database::add_database, so a Searcher ranks, filters and counts
// facets over every shard exactly as over one index (facets over remote
// shards use stock ValueCountMatchSpy, which xapian-tcpsrv runs).
//
// The failover contract (what Searcher::OpenCluster relies on):
// - A call that fails with kUnavailable (Xapian NetworkError) is retried once
//   within the same call, after every shard has been connected afresh: each
//   shard keeps its endpoint if that still answers, else moves to the next
//   replica that does. An endpoint that did not answer is marked down for
//   `down_for` (shared by every reader of a ClusterHealth, so the other
//   threads of a daemon move away from it before their next call), then
//   tried again. A marked endpoint is still tried, last, when every endpoint
//   of its shard is marked: a replica that came back within `down_for` then
//   answers at once instead of leaving the shard out.
// - A shard none of whose endpoints answers is left out: the database holds
//   the shards that answer and MissingShards() names the others (answers are
//   partial). Once a down mark expires the shard is tried again before the
//   next call, and comes back when it answers.
// - With no shard answering, opening and failover fail with kUnavailable
//   naming each endpoint and its error.
// Docids of the combined database interleave the shards' docids, so they
// differ from a single index of the same articles: nothing built on this
// exposes a docid.
//
// Thread safety: a ClusterReader is used by one thread at a time (as its
// Searcher); a ClusterHealth is thread-safe and shared.
#ifndef NEWSDEX_QUERY_CLUSTER_READER_H_
#define NEWSDEX_QUERY_CLUSTER_READER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <xapian.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "core/cluster.h"
#include "core/xapian_status.h"

namespace newsdex::query {

// Which endpoints of a cluster are down, shared by the readers of a process
// (the daemon's serving threads) and shown by /health and /metrics.
class ClusterHealth {
 public:
  explicit ClusterHealth(core::Cluster cluster) : cluster_(std::move(cluster)) {
    for (const core::Shard& s : cluster_.shards) {
      shards_.emplace_back(s.ReadEndpoints().size());
    }
  }
  const core::Cluster& cluster() const { return cluster_; }

  // Marks read endpoint `endpoint` of shard `shard` down until now + `for_`.
  void MarkDown(size_t shard, size_t endpoint, absl::Duration for_);
  // Clears its down mark (it answered).
  void MarkUp(size_t shard, size_t endpoint);
  bool IsDown(size_t shard, size_t endpoint, absl::Time now) const;
  // The earliest time a down endpoint of `shard` may be tried again.
  absl::Time NextRetry(size_t shard) const;
  void RecordFailover(size_t shard);
  // Bumped by every MarkDown/MarkUp that changed a mark: a reader that saw
  // the same version has nothing new to act on.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }

  struct ShardView {
    std::string name;
    std::vector<std::string> endpoints;  // read endpoints, file order
    std::vector<bool> down;              // per endpoint, now
    size_t replicas_down = 0;
    uint64_t failovers = 0;  // calls that moved this shard off an endpoint
  };
  std::vector<ShardView> View() const;

 private:
  struct ShardMarks {
    explicit ShardMarks(size_t n) : down_until(n, absl::InfinitePast()) {}
    std::vector<absl::Time> down_until;
    uint64_t failovers = 0;
  };
  const core::Cluster cluster_;
  mutable std::mutex mu_;
  std::vector<ShardMarks> shards_;  // guarded by mu_
  std::atomic<uint64_t> version_{0};
};

struct ClusterReadOptions {
  // Timeouts of the handles that serve calls. The io timeout bounds how long
  // a server that accepts but does not answer (stopped, overloaded) holds a
  // call before failover starts.
  core::RemoteTimeouts timeouts{/*connect_ms=*/1000, /*io_ms=*/5000};
  // Connect timeout when a shard is (re)connected during failover or
  // recovery: a dead loopback or LAN server refuses at once; this bounds a
  // host that drops packets.
  int probe_connect_ms = 300;
  absl::Duration down_for = absl::Seconds(10);
  // The replica each shard starts on (modulo its count): a daemon gives each
  // serving thread its own, spreading reads over the replicas.
  size_t first_replica = 0;
  // Shared down marks; null = a private ClusterHealth.
  std::shared_ptr<ClusterHealth> health;
};

// One shard's state as one reader sees it.
struct ShardState {
  std::string name;
  std::string endpoint;  // the endpoint in use; empty when the shard is missing
  bool up = false;       // false: every endpoint is down, answers leave it out
  size_t replicas = 0;
  size_t replicas_down = 0;
  uint64_t failovers = 0;
};

class ClusterReader {
 public:
  // Connects every shard (see the contract above). kUnavailable if no shard
  // answers; kFailedPrecondition for a shard of another schema version.
  static absl::StatusOr<std::unique_ptr<ClusterReader>> Open(const core::Cluster& cluster,
                                                             ClusterReadOptions options);

  // The shards that answer, combined. Changes only inside Call().
  const Xapian::Database& database() const { return db_; }
  // Names of the shards left out (empty: answers are complete).
  std::vector<std::string> MissingShards() const;
  std::vector<ShardState> States() const;
  const core::Cluster& cluster() const { return health_->cluster(); }
  // The shard an article id lives on (core::ShardOf over this cluster).
  const std::string& ShardNameOf(absl::string_view id) const;
  bool IsMissing(const std::string& shard) const;

  // Runs `call` (returning Status or StatusOr) with failover: first brings
  // back shards whose down marks expired and leaves endpoints others marked
  // down; if `call` fails with kUnavailable, reconnects every shard and runs
  // it once more. `use` is called with the new database whenever it changed,
  // before `call` runs on it.
  template <typename Call, typename Use>
  auto Run(Call&& call, Use&& use) -> std::invoke_result_t<Call> {
    if (Refresh()) use(db_);
    auto result = call();
    if (core::StatusOf(result).code() != absl::StatusCode::kUnavailable) return result;
    absl::Status reconnected = Failover();
    if (!reconnected.ok()) return reconnected;
    use(db_);
    return call();
  }

 private:
  ClusterReader(std::shared_ptr<ClusterHealth> health, ClusterReadOptions options);
  // Connects shard `i`, trying its endpoints from its current one on, those
  // marked down last, each once; on success sets handles_[i]/current_[i].
  // `errors` collects each failed endpoint's message. Returns false when no
  // endpoint answers; an error only for a shard of another schema version.
  absl::StatusOr<bool> ConnectShard(size_t i, int connect_ms, std::vector<std::string>* errors);
  // Rebuilds db_ from the connected shards.
  void Combine();
  // Reconnects every shard after a failed call. kUnavailable if none answers.
  absl::Status Failover();
  // Before a call: acts on marks made by other readers and on expired marks.
  // Returns true if db_ changed.
  bool Refresh();

  std::shared_ptr<ClusterHealth> health_;
  ClusterReadOptions options_;
  std::vector<std::optional<Xapian::Database>> handles_;  // per shard; empty = missing
  std::vector<size_t> current_;  // per shard: index into its ReadEndpoints()
  std::vector<std::vector<core::Endpoint>> endpoints_;
  uint64_t seen_version_ = 0;
  Xapian::Database db_;
};

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_CLUSTER_READER_H_

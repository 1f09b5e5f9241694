#include "query/cluster_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/log.h"
#include "core/schema.h"

namespace newsdex::query {

void ClusterHealth::MarkDown(size_t shard, size_t endpoint, absl::Duration for_) {
  std::lock_guard<std::mutex> lock(mu_);
  shards_[shard].down_until[endpoint] = absl::Now() + for_;
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void ClusterHealth::MarkUp(size_t shard, size_t endpoint) {
  std::lock_guard<std::mutex> lock(mu_);
  absl::Time& until = shards_[shard].down_until[endpoint];
  if (until == absl::InfinitePast()) return;
  until = absl::InfinitePast();
  version_.fetch_add(1, std::memory_order_acq_rel);
}

bool ClusterHealth::IsDown(size_t shard, size_t endpoint, absl::Time now) const {
  std::lock_guard<std::mutex> lock(mu_);
  return shards_[shard].down_until[endpoint] > now;
}

absl::Time ClusterHealth::NextRetry(size_t shard) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::vector<absl::Time>& until = shards_[shard].down_until;
  return *std::min_element(until.begin(), until.end());
}

void ClusterHealth::RecordFailover(size_t shard) {
  std::lock_guard<std::mutex> lock(mu_);
  ++shards_[shard].failovers;
}

std::vector<ClusterHealth::ShardView> ClusterHealth::View() const {
  const absl::Time now = absl::Now();
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ShardView> out;
  for (size_t i = 0; i < shards_.size(); ++i) {
    ShardView v;
    v.name = cluster_.shards[i].name;
    for (const core::Endpoint& e : cluster_.shards[i].ReadEndpoints()) {
      v.endpoints.push_back(e.ToString());
    }
    for (absl::Time until : shards_[i].down_until) {
      v.down.push_back(until > now);
      if (until > now) ++v.replicas_down;
    }
    v.failovers = shards_[i].failovers;
    out.push_back(std::move(v));
  }
  return out;
}

ClusterReader::ClusterReader(std::shared_ptr<ClusterHealth> health, ClusterReadOptions options)
    : health_(std::move(health)), options_(std::move(options)) {
  const core::Cluster& cluster = health_->cluster();
  for (const core::Shard& s : cluster.shards) {
    endpoints_.push_back(s.ReadEndpoints());
    current_.push_back(options_.first_replica % endpoints_.back().size());
  }
  handles_.resize(cluster.shards.size());
}

absl::StatusOr<std::unique_ptr<ClusterReader>> ClusterReader::Open(const core::Cluster& cluster,
                                                                   ClusterReadOptions options) {
  if (cluster.shards.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(cluster.source, ": no shards"));
  }
  std::shared_ptr<ClusterHealth> health = options.health;
  if (health == nullptr) health = std::make_shared<ClusterHealth>(cluster);
  std::unique_ptr<ClusterReader> reader(new ClusterReader(std::move(health), std::move(options)));
  reader->seen_version_ = reader->health_->version();
  std::vector<std::string> errors;
  bool any = false;
  for (size_t i = 0; i < reader->handles_.size(); ++i) {
    absl::StatusOr<bool> connected =
        reader->ConnectShard(i, reader->options_.timeouts.connect_ms, &errors);
    if (!connected.ok()) return connected.status();
    any = any || *connected;
  }
  if (!any) {
    return absl::UnavailableError(absl::StrCat("no shard of ", cluster.source,
                                               " answers: ", absl::StrJoin(errors, "; ")));
  }
  for (const std::string& e : errors) NEWSDEX_LOG(WARNING) << "cluster: " << e;
  reader->Combine();
  return reader;
}

absl::StatusOr<bool> ClusterReader::ConnectShard(size_t i, int connect_ms,
                                                 std::vector<std::string>* errors) {
  const std::vector<core::Endpoint>& endpoints = endpoints_[i];
  const absl::Time now = absl::Now();
  const size_t start = current_[i];
  handles_[i].reset();
  // Endpoints marked down are tried last rather than never: a mark only says
  // an endpoint failed within down_for, and when every replica of the shard
  // carries one, one that came back is still better than a partial answer.
  // Each endpoint is tried once per call: `was_down` is read before any try.
  std::vector<bool> was_down(endpoints.size());
  for (size_t e = 0; e < endpoints.size(); ++e) was_down[e] = health_->IsDown(i, e, now);
  for (size_t k = 0; k < 2 * endpoints.size(); ++k) {
    const size_t e = (start + k) % endpoints.size();
    const bool last_resort = k >= endpoints.size();
    if (was_down[e] != last_resort) continue;
    core::RemoteTimeouts timeouts = options_.timeouts;
    timeouts.connect_ms = connect_ms;
    absl::StatusOr<Xapian::Database> db = core::OpenForRead(endpoints[e], timeouts);
    absl::Status status = db.status();
    if (db.ok()) status = core::CheckSchemaVersion(*db, endpoints[e].ToString());
    if (!status.ok()) {
      errors->push_back(absl::StrCat("shard ", health_->cluster().shards[i].name, ": ",
                                     status.message()));
      health_->MarkDown(i, e, options_.down_for);
      if (status.code() == absl::StatusCode::kFailedPrecondition) return status;
      continue;
    }
    if (e != start) health_->RecordFailover(i);
    health_->MarkUp(i, e);
    handles_[i] = *std::move(db);
    current_[i] = e;
    return true;
  }
  return false;
}

void ClusterReader::Combine() {
  db_ = Xapian::Database();
  for (const std::optional<Xapian::Database>& h : handles_) {
    if (h) db_.add_database(*h);
  }
}

absl::Status ClusterReader::Failover() {
  std::vector<std::string> errors;
  bool any = false;
  // Every shard, not only the failed one: a call cut short mid-protocol may
  // leave the other shards' connections with unread replies.
  for (size_t i = 0; i < handles_.size(); ++i) {
    // A shard of another schema version (an error here) is left out like
    // one that does not answer; `errors` names it.
    absl::StatusOr<bool> connected = ConnectShard(i, options_.probe_connect_ms, &errors);
    if (connected.ok() && *connected) any = true;
  }
  for (const std::string& e : errors) NEWSDEX_LOG(WARNING) << "cluster failover: " << e;
  seen_version_ = health_->version();
  Combine();
  if (!any) {
    return absl::UnavailableError(absl::StrCat("no shard of ", health_->cluster().source,
                                               " answers: ", absl::StrJoin(errors, "; ")));
  }
  return absl::OkStatus();
}

bool ClusterReader::Refresh() {
  const absl::Time now = absl::Now();
  bool changed = false;
  std::vector<std::string> errors;
  const uint64_t version = health_->version();
  for (size_t i = 0; i < handles_.size(); ++i) {
    bool reconnect = false;
    if (handles_[i]) {
      // Another reader found this shard's endpoint down: leave it now.
      reconnect = version != seen_version_ && health_->IsDown(i, current_[i], now);
    } else {
      reconnect = health_->NextRetry(i) <= now;  // a missing shard's mark expired
    }
    if (!reconnect) continue;
    absl::StatusOr<bool> connected = ConnectShard(i, options_.probe_connect_ms, &errors);
    changed = true;
    if (connected.ok() && *connected) {
      NEWSDEX_LOG(INFO) << "cluster: shard " << health_->cluster().shards[i].name << " now on "
                        << endpoints_[i][current_[i]].ToString();
    }
  }
  seen_version_ = version;
  if (changed) Combine();
  return changed;
}

std::vector<std::string> ClusterReader::MissingShards() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < handles_.size(); ++i) {
    if (!handles_[i]) out.push_back(health_->cluster().shards[i].name);
  }
  return out;
}

bool ClusterReader::IsMissing(const std::string& shard) const {
  const std::vector<core::Shard>& shards = health_->cluster().shards;
  for (size_t i = 0; i < shards.size(); ++i) {
    if (shards[i].name == shard) return !handles_[i];
  }
  return false;
}

const std::string& ClusterReader::ShardNameOf(absl::string_view id) const {
  const std::vector<core::Shard>& shards = health_->cluster().shards;
  return shards[core::ShardOf(id, shards.size())].name;
}

std::vector<ShardState> ClusterReader::States() const {
  std::vector<ShardState> out;
  const std::vector<ClusterHealth::ShardView> view = health_->View();
  for (size_t i = 0; i < handles_.size(); ++i) {
    ShardState s;
    s.name = view[i].name;
    // Up only while this reader holds a handle and the process has not
    // marked every replica down: another thread's reader may have seen the
    // shard die before this one tried it.
    s.up = handles_[i].has_value() && view[i].replicas_down < view[i].endpoints.size();
    if (s.up) s.endpoint = view[i].endpoints[current_[i]];
    s.replicas = view[i].endpoints.size();
    s.replicas_down = view[i].replicas_down;
    s.failovers = view[i].failovers;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace newsdex::query

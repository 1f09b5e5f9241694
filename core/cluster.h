// A newsdex cluster: the shards of one archive, and for each shard the
// database writes go to (its primary) and the databases reads may use (its
// replicas). Reads and writes both run on Xapian's own machinery: a remote
// shard is an `xapian-tcpsrv` (read-only for replicas, `--writable` for a
// primary), replicas are kept current by `xapian-replicate`. This file is the
// one adapter between a cluster file and Xapian databases; docs/deployment.md
// shows a worked example.
//
// The cluster file (UTF-8 text, one directive per line, `#` starts a comment):
//
//   newsdex-cluster 1            first directive: format and version
//   shard NAME                   starts a shard; NAME is [A-Za-z0-9_.-]{1,64}
//   primary ADDRESS              exactly one per shard
//   replica ADDRESS              zero or more per shard; with none, reads go
//                                to the primary
//
// ADDRESS is `tcp://HOST:PORT` (an xapian-tcpsrv) or a filesystem path (a
// glass directory); a relative path is taken from the cluster file's
// directory. Shard order is part of the archive: an article lives on shard
// ShardOf(id, shard count), so adding, removing or reordering shards means
// re-indexing (there is no rebalancing).
#ifndef NEWSDEX_CORE_CLUSTER_H_
#define NEWSDEX_CORE_CLUSTER_H_

#include <cstddef>
#include <string>
#include <vector>

#include <xapian.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::core {

struct Endpoint {
  // Remote when `port` != 0 (host and port of an xapian-tcpsrv); local
  // otherwise (`path`, absolute after parsing).
  std::string host;
  int port = 0;
  std::string path;

  bool remote() const { return port != 0; }
  // "tcp://host:port" or the path: how logs, /health and errors name it.
  std::string ToString() const;
};

struct Shard {
  std::string name;
  Endpoint primary;
  std::vector<Endpoint> replicas;  // in file order; empty = read the primary

  // The endpoints reads may use: the replicas, or the primary if none.
  std::vector<Endpoint> ReadEndpoints() const;
};

struct Cluster {
  std::string source;  // the file it was read from (for messages)
  std::vector<Shard> shards;
};

// Parses a cluster file. Errors are kInvalidArgument naming `source` and the
// line ("cluster.conf:7: replica before any shard"); kNotFound when the file
// does not exist. Every shard needs a primary; names are unique; at least one
// shard.
absl::StatusOr<Cluster> ReadClusterFile(const std::string& path);
absl::StatusOr<Cluster> ParseCluster(absl::string_view text, absl::string_view source,
                                     absl::string_view base_dir);

// True if `path` is a regular file whose first directive is `newsdex-cluster`.
bool IsClusterFile(const std::string& path);

// The shard an article with `id` lives on: FNV-1a (64-bit) of the id's bytes
// modulo `shard_count`. Stable across versions, platforms and processes —
// replace and delete find an article's shard by it — so it must never change.
// REQUIRES: shard_count > 0.
size_t ShardOf(absl::string_view id, size_t shard_count);

// How long a remote call may take before Xapian gives up with NetworkError.
struct RemoteTimeouts {
  int connect_ms = 1000;
  int io_ms = 10000;  // per message; 0 waits forever (writes: bulk commits are slow)
};

// Opens `endpoint` for reading: Xapian::Remote::open for tcp, Xapian::Database
// for a path. Errors as core::CallXapian maps them (kUnavailable for a server
// that does not answer, kNotFound for a missing directory).
absl::StatusOr<Xapian::Database> OpenForRead(const Endpoint& endpoint,
                                             const RemoteTimeouts& timeouts);
// Opens `endpoint` for writing (`flags` as for Xapian::WritableDatabase, e.g.
// DB_CREATE_OR_OPEN). A remote primary must run `xapian-tcpsrv --writable`.
absl::StatusOr<Xapian::WritableDatabase> OpenForWrite(const Endpoint& endpoint, int flags,
                                                      const RemoteTimeouts& timeouts);

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_CLUSTER_H_

#include "core/cluster.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/xapian_status.h"

namespace newsdex::core {
namespace {

constexpr absl::string_view kTcpScheme = "tcp://";

bool ValidShardName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<Endpoint> ParseEndpoint(absl::string_view text, absl::string_view base_dir) {
  Endpoint endpoint;
  if (absl::ConsumePrefix(&text, kTcpScheme)) {
    size_t colon = text.rfind(':');
    int port = 0;
    if (colon == absl::string_view::npos || colon == 0 ||
        !absl::SimpleAtoi(text.substr(colon + 1), &port) || port <= 0 || port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected tcp://HOST:PORT with a port in 1..65535, got \"tcp://", text,
                       "\""));
    }
    endpoint.host = std::string(text.substr(0, colon));
    endpoint.port = port;
    return endpoint;
  }
  std::filesystem::path path{std::string(text)};
  if (path.is_relative()) path = std::filesystem::path(std::string(base_dir)) / path;
  endpoint.path = path.lexically_normal().string();
  return endpoint;
}

// One directive line without its comment: {keyword, argument}.
std::pair<absl::string_view, absl::string_view> SplitDirective(absl::string_view line) {
  line = absl::StripAsciiWhitespace(line.substr(0, line.find('#')));
  size_t space = line.find_first_of(" \t");
  if (space == absl::string_view::npos) return {line, {}};
  return {line.substr(0, space), absl::StripAsciiWhitespace(line.substr(space))};
}

struct ParseState {
  Cluster cluster;
  bool saw_header = false;
  absl::flat_hash_set<std::string> names;
};

absl::Status ApplyDirective(absl::string_view keyword, absl::string_view arg,
                            absl::string_view base_dir, ParseState& state) {
  if (!state.saw_header) {
    if (keyword != "newsdex-cluster" || arg != "1") {
      return absl::InvalidArgumentError("the first directive must be \"newsdex-cluster 1\"");
    }
    state.saw_header = true;
    return absl::OkStatus();
  }
  std::vector<Shard>& shards = state.cluster.shards;
  if (keyword == "shard") {
    if (!ValidShardName(arg)) {
      return absl::InvalidArgumentError(
          absl::StrCat("shard name \"", arg, "\" is not 1-64 of [A-Za-z0-9_.-]"));
    }
    if (!state.names.insert(std::string(arg)).second) {
      return absl::InvalidArgumentError(absl::StrCat("shard \"", arg, "\" named twice"));
    }
    shards.emplace_back().name = std::string(arg);
    return absl::OkStatus();
  }
  if (keyword != "primary" && keyword != "replica") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown directive \"", keyword, "\" (expected shard, primary or replica)"));
  }
  if (shards.empty()) return absl::InvalidArgumentError(absl::StrCat(keyword, " before any shard"));
  if (arg.empty()) return absl::InvalidArgumentError(absl::StrCat(keyword, " needs an address"));
  absl::StatusOr<Endpoint> endpoint = ParseEndpoint(arg, base_dir);
  if (!endpoint.ok()) return endpoint.status();
  Shard& shard = shards.back();
  if (keyword == "replica") {
    shard.replicas.push_back(*std::move(endpoint));
    return absl::OkStatus();
  }
  if (!shard.primary.path.empty() || shard.primary.remote()) {
    return absl::InvalidArgumentError(absl::StrCat("shard \"", shard.name, "\" has two primaries"));
  }
  shard.primary = *std::move(endpoint);
  return absl::OkStatus();
}

}  // namespace

std::string Endpoint::ToString() const {
  return remote() ? absl::StrCat(kTcpScheme, host, ":", port) : path;
}

std::vector<Endpoint> Shard::ReadEndpoints() const {
  return replicas.empty() ? std::vector<Endpoint>{primary} : replicas;
}

absl::StatusOr<Cluster> ParseCluster(absl::string_view text, absl::string_view source,
                                     absl::string_view base_dir) {
  ParseState state;
  state.cluster.source = std::string(source);
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    auto [keyword, arg] = SplitDirective(line);
    if (keyword.empty()) continue;
    absl::Status status = ApplyDirective(keyword, arg, base_dir, state);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", line_number, ": ", status.message()));
    }
  }
  if (state.cluster.shards.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": no shard"));
  }
  for (const Shard& shard : state.cluster.shards) {
    if (shard.primary.path.empty() && !shard.primary.remote()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ": shard \"", shard.name, "\" has no primary"));
    }
  }
  return std::move(state.cluster);
}

absl::StatusOr<Cluster> ReadClusterFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read the cluster file"));
  std::ostringstream text;
  text << in.rdbuf();
  std::string base_dir = std::filesystem::absolute(path).parent_path().string();
  return ParseCluster(text.str(), path, base_dir);
}

bool IsClusterFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    auto [keyword, arg] = SplitDirective(line);
    if (!keyword.empty()) return keyword == "newsdex-cluster";
  }
  return false;
}

size_t ShardOf(absl::string_view id, size_t shard_count) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char byte : id) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  }
  return static_cast<size_t>(hash % shard_count);
}

absl::StatusOr<Xapian::Database> OpenForRead(const Endpoint& endpoint,
                                             const RemoteTimeouts& timeouts) {
  return CallXapian(absl::StrCat("opening ", endpoint.ToString()), [&] {
    if (!endpoint.remote()) return Xapian::Database(endpoint.path);
    return Xapian::Remote::open(endpoint.host, static_cast<unsigned>(endpoint.port),
                                timeouts.io_ms, timeouts.connect_ms);
  });
}

absl::StatusOr<Xapian::WritableDatabase> OpenForWrite(const Endpoint& endpoint, int flags,
                                                      const RemoteTimeouts& timeouts) {
  return CallXapian(absl::StrCat("opening ", endpoint.ToString(), " for writing"), [&] {
    if (!endpoint.remote()) return Xapian::WritableDatabase(endpoint.path, flags);
    return Xapian::Remote::open_writable(endpoint.host, static_cast<unsigned>(endpoint.port),
                                         timeouts.io_ms, timeouts.connect_ms, flags);
  });
}

}  // namespace newsdex::core

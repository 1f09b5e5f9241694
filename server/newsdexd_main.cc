// newsdexd: the newsdex query daemon. Serves the HTTP/JSON API of docs/api.md
// over an index that newsdex-index may keep updating. See --help.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/cluster.h"
#include "core/data_path.h"
#include "core/flags.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "server/news_server.h"
#include "indexer/cluster_writer.h"
#include "indexer/facet_extractor.h"

namespace newsdex::server {
namespace {

constexpr char kUsage[] = R"(newsdexd: the newsdex query daemon (HTTP/JSON API, docs/api.md).

Usage:
  newsdexd --db DIR [options]
  newsdexd --cluster FILE [options]

Serves GET /search, /articles/{id}, /articles/{id}/related, /facets/{field},
/health, /stats and /metrics. Commits made by newsdex-index to DIR are served
within about --reopen-interval-ms, without a restart. SIGTERM or SIGINT stop
accepting connections and let in-flight requests finish.

Options:
  --db DIR                 the index to serve (must exist)
  --cluster FILE           serve a cluster instead (docs/deployment.md): each
                           thread reads one replica per shard and moves to
                           another within the request when one stops
                           answering; /health and /metrics show the shards
  --require-all-shards     with --cluster: answer 503 while a shard has no
                           replica answering (default: answer from the other
                           shards, marked "partial": true)
  --listen HOST:PORT       address to listen on (default 127.0.0.1:8080; port 0 = any free port)
  --threads N              serving threads, each with its own index reader;
                           any free thread serves any connection, so size for
                           cores, not connections (default: max(4, 2 x cores))
  --admin-token TOKEN      enable POST /articles and DELETE /articles/{id}, which
                           then require "Authorization: Bearer TOKEN"
                           (without it they answer 403)
  --admin-token-file FILE  the same, token read from FILE (first line; keeps it
                           out of the process list)
  --cors-origin ORIGIN     send Access-Control-Allow-Origin: ORIGIN ("*" or one
                           origin) and answer CORS preflights (default: off)
  --access-log FILE        one JSON line per request to FILE (default: stderr;
                           "off" disables it)
  --max-searches N         searches running at once; more wait their turn
                           (default 0: no limit)
  --count-beside N         a search with a term of at least N postings counts
                           on a second thread beside its ranking: lower
                           latency, a little less throughput when saturated
                           (default 50000; 0 turns it off)
  --time-limit-ms N        a search stops after N ms and returns what it has,
                           flagged "timed_out" (default 2000)
  --reopen-interval-ms N   how often to check for a new index revision (default 200)
  --max-body-bytes N       larger request bodies answer 413 (default 33554432)
  --data-dir DIR           where the gazetteer files are (default: the build's data/)
  --help                   this text
Flags take their value as the next argument or after "=" (--threads=8), and
may be spelled with underscores (--admin_token is --admin-token).

The chosen address is printed on stdout once listening:
  newsdexd: listening on http://127.0.0.1:8080
Exit status: 0 after a clean shutdown; 2 on a usage error or if the index
cannot be opened or the address cannot be bound.
)";

struct Flags {
  bool help = false;  // --help: the usage is printed, there is nothing to run
  ServerOptions options;
  std::string admin_token_file;
  std::string data_dir;
  std::string cluster_file;
};

// --listen HOST:PORT; an IPv6 host may be bracketed ([::1]:8080).
absl::Status SetListenAddress(absl::string_view listen, ServerOptions* options) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("--listen: expected HOST:PORT, got \"", listen, "\""));
  }
  absl::string_view host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  options->host = std::string(host);
  options->port = port;
  return absl::OkStatus();
}

// The first line of `path`, without surrounding white space.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  std::string token;
  if (!in || !std::getline(in, token)) {
    return absl::InvalidArgumentError(absl::StrCat("--admin-token-file: cannot read ", path));
  }
  token = std::string(absl::StripAsciiWhitespace(token));
  if (token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--admin-token-file: ", path, " holds no token"));
  }
  return token;
}

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags f;
  ServerOptions& o = f.options;
  const std::vector<core::Flag> table = {
      core::TextFlag("--db", &o.db_path),
      core::TextFlag("--cluster", &f.cluster_file),
      core::SwitchFlag("--require-all-shards", &o.require_all_shards),
      core::CustomFlag("--listen",
                       [&](absl::string_view v) { return SetListenAddress(v, &o); }),
      core::NumberFlag("--threads", 1, &o.threads, 1024),
      core::CustomFlag("--admin-token",
                       [&](absl::string_view token) {
                         if (token.empty()) {
                           return absl::InvalidArgumentError("--admin-token: empty token");
                         }
                         o.admin_token = std::string(token);
                         return absl::OkStatus();
                       }),
      core::TextFlag("--admin-token-file", &f.admin_token_file),
      core::TextFlag("--cors-origin", &o.cors_origin),
      core::TextFlag("--access-log", &o.access_log),
      core::NumberFlag("--max-searches", 0, &o.max_concurrent_searches, 1024),
      core::NumberFlag("--count-beside", 0, 2000000000,
                       [&](int n) { o.searcher.parallel_count_min_postings = n; }),
      core::NumberFlag("--time-limit-ms", 1, 600000,
                       [&](int ms) { o.search_time_limit = absl::Milliseconds(ms); }),
      core::NumberFlag("--reopen-interval-ms", 10, 600000,
                       [&](int ms) { o.reopen_interval = absl::Milliseconds(ms); }),
      core::NumberFlag("--max-body-bytes", 1024, 1 << 30,
                       [&](int n) { o.max_body_bytes = static_cast<size_t>(n); }),
      core::TextFlag("--data-dir", &f.data_dir),
  };
  auto no_positional = [](absl::string_view arg) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", arg, "\" (see --help)"));
  };
  NEWSDEX_ASSIGN_OR_RETURN(const core::FlagsParsed parsed,
                           core::ParseFlags(argc, argv, table, no_positional, {kUsage}));
  f.help = parsed == core::FlagsParsed::kHelp;
  if (f.help) return f;
  if (o.db_path.empty() == f.cluster_file.empty()) {
    return absl::InvalidArgumentError("give --db DIR or --cluster FILE (see --help)");
  }
  if (!f.cluster_file.empty()) {
    NEWSDEX_ASSIGN_OR_RETURN(core::Cluster cluster, core::ReadClusterFile(f.cluster_file));
    o.cluster = std::make_shared<const core::Cluster>(std::move(cluster));
  } else if (o.require_all_shards) {
    return absl::InvalidArgumentError("--require-all-shards needs --cluster FILE");
  }
  if (!f.admin_token_file.empty()) {
    if (!o.admin_token.empty()) {
      return absl::InvalidArgumentError("give --admin-token or --admin-token-file, not both");
    }
    NEWSDEX_ASSIGN_OR_RETURN(o.admin_token, ReadTokenFile(f.admin_token_file));
  }
  return f;
}

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags = ParseFlags(argc, argv);
  if (!flags.ok()) return core::ReportUsageError("newsdexd", flags.status());
  if (flags->help) return 0;
  if (!flags->data_dir.empty()) core::SetDataDir(flags->data_dir);

  // Block the stop signals in every thread; one thread waits for them with
  // sigwait, so no work happens in a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGUSR1);  // our own wake-up after Serve returns
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Each open connection is a descriptor; the usual soft limit of 1,024
  // would cap connections well below the server's own limit of 4,096.
  rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  // Writes to local primaries must leave changesets for their replicas;
  // setenv before any thread starts.
  if (flags->options.cluster != nullptr && !flags->options.admin_token.empty()) {
    indexer::EnableChangesetsForLocalPrimaries(*flags->options.cluster);
  }
  std::unique_ptr<indexer::FacetExtractor> extractor;
  if (!flags->options.admin_token.empty()) {
    absl::StatusOr<std::unique_ptr<indexer::FacetExtractor>> e =
        indexer::FacetExtractor::Load(core::DataDir());
    if (e.ok()) {
      extractor = *std::move(e);
      flags->options.extractor = extractor.get();
    } else {
      NEWSDEX_LOG(WARNING) << "facet extraction off for POST /articles: " << e.status().message();
    }
  }

  absl::StatusOr<std::unique_ptr<NewsServer>> server = NewsServer::Create(flags->options);
  if (!server.ok()) {
    std::cerr << "newsdexd: " << server.status().message() << "\n";
    return 2;
  }
  std::thread signal_thread([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (sig == SIGUSR1) return;  // woken by our own shutdown below
    NEWSDEX_LOG(INFO) << "newsdexd: signal " << sig << ", finishing in-flight requests";
    (*server)->Stop();
  });
  std::cout << "newsdexd: listening on http://" << flags->options.host << ":" << (*server)->port()
            << std::endl;
  absl::Status served = (*server)->Serve();
  // Wake the signal thread if Serve ended for another reason.
  pthread_kill(signal_thread.native_handle(), SIGUSR1);
  signal_thread.join();
  server->reset();
  if (!served.ok()) {
    std::cerr << "newsdexd: " << served.message() << "\n";
    return 1;
  }
  NEWSDEX_LOG(INFO) << "newsdexd: stopped";
  return 0;
}

}  // namespace
}  // namespace newsdex::server

int main(int argc, char** argv) { return newsdex::server::Main(argc, argv); }

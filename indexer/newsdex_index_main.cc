// newsdex-index: reads news articles, extracts facets and writes them into a
// newsdex Xapian database. See --help.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/data_path.h"
#include "core/flags.h"
#include "core/schema.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"
#include "core/cluster.h"
#include "indexer/bulk_loader.h"
#include "indexer/cluster_writer.h"
#include "indexer/index_writer.h"
#include "indexer/pipeline.h"
#include "indexer/reader.h"
#include "indexer/facet_extractor.h"

namespace newsdex::indexer {
namespace {

constexpr char kUsage[] = R"(newsdex-index: index news articles into a newsdex (Xapian) database.

Usage:
  newsdex-index --db DIR [options] PATH...     index files, directories, or - (stdin)
  newsdex-index --db DIR --delete ID...         remove articles by id (repeatable)
  newsdex-index --db DIR --stats                print what the database holds
  newsdex-index --db DIR --init                 create the empty database and stop
  newsdex-index --cluster FILE ...              any of the above on a cluster instead
                                                (docs/deployment.md)
  newsdex-index --extract-only PATH...          print extracted facets as JSON lines

Inputs: plain text (first non-empty line is the title), JSON Lines, Reuters-21578
SGML; any of them gzip-compressed; directories are walked recursively. The
format is detected per file from its name and content (see docs/input-formats.md).

Options:
  --db DIR            the database (created if missing)
  --cluster FILE      a cluster file instead of --db: each article is written to its
                      shard's primary (local or xapian-tcpsrv --writable), --delete
                      finds it there, --stats shows each shard and the sum
  --init              create the database (or every primary), empty and stamped with
                      the schema version, and stop
  --format F          auto (default), text, jsonl or reuters: force the input format
  --batch N           commit every N documents (default 1000)
  --threads N         analysis threads (default: number of cores)
  --no-facets         do not extract facets from text (metadata facets are kept)
  --no-spelling       do not feed the spelling table ("did you mean")
  --no-fsync          do not fsync at commits (faster; still crash-safe, not power-loss-safe)
  --lock-timeout D    wait up to D (60s, 500ms, 0) for another writer, such as newsdexd
                      during a write request, to release the database (default 60s)
  --bulk              into an empty database: write N shards in parallel and merge them
                      at the end (faster; nothing is visible until the end, and kill -9
                      leaves the database empty). A database that has documents is
                      indexed the normal way. Scratch space: DIR.bulk-tmp
  --shards N          shards (writer threads) for --bulk (default: number of cores)
                      With --cluster, --bulk writes every shard's primary from its own
                      thread (in place, no merge; any primary may already hold
                      documents) and --shards is ignored.
  --data_dir DIR      where the gazetteer files are (default: the build's data/)
  --quiet             no progress line and no summary
  --help              this text

Bad input (invalid UTF-8 is repaired; binary or empty files, malformed JSON lines,
truncated gzip, oversized articles, missing paths) is reported on stderr with file,
line and reason, skipped, and never stops the run or damages the database.
Interrupting (Ctrl-C, SIGTERM) commits what was built and stops; even kill -9
leaves every batch committed before intact.

Exit status: 0 on success (even if some input was skipped); 1 if inputs were given
but no article could be read; 2 on a usage error or a database failure.
)";

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

struct Flags {
  bool help = false;  // --help: the usage is printed, there is nothing to run
  std::string db;
  std::string cluster;
  bool init = false;
  std::string format = "auto";
  int batch = 1000;
  int threads = 0;
  bool facets = true;
  bool spelling = true;
  bool fsync = true;
  absl::Duration lock_timeout = absl::Seconds(60);
  bool bulk = false;
  int shards = 0;
  bool quiet = false;
  bool stats = false;
  bool extract_only = false;
  std::string data_dir;
  // After --delete, positional arguments are article ids, not paths.
  bool delete_mode = false;
  std::vector<std::string> deletes;
  std::vector<std::string> paths;
};

absl::Status CheckFlags(const Flags& f) {
  if (f.db.empty() && f.cluster.empty() && !f.extract_only) {
    return absl::InvalidArgumentError("--db DIR is required (see --help)");
  }
  if (!f.db.empty() && !f.cluster.empty()) {
    return absl::InvalidArgumentError("give --db DIR or --cluster FILE, not both");
  }
  if (f.delete_mode && f.deletes.empty()) {
    return absl::InvalidArgumentError("--delete needs at least one article id");
  }
  if (!f.stats && !f.delete_mode && !f.init && f.paths.empty()) {
    return absl::InvalidArgumentError("no input PATH given (see --help)");
  }
  if (f.bulk && f.delete_mode) {
    return absl::InvalidArgumentError("--bulk loads into an empty database; it cannot --delete");
  }
  return absl::OkStatus();
}

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags f;
  core::Flag delete_flag;
  delete_flag.name = "--delete";
  delete_flag.arg = core::FlagArg::kOptional;
  delete_flag.set = [&f](absl::string_view id) {
    f.delete_mode = true;
    if (!id.empty()) f.deletes.emplace_back(id);
    return absl::OkStatus();
  };
  const std::vector<core::Flag> table = {
      core::TextFlag("--db", &f.db),
      core::TextFlag("--cluster", &f.cluster),
      core::SwitchFlag("--init", &f.init),
      core::TextFlag("--format", &f.format),
      core::NumberFlag("--batch", 1, &f.batch),
      core::NumberFlag("--threads", 1, &f.threads),
      core::TextFlag("--data-dir", &f.data_dir),
      core::SwitchFlag("--no-facets", &f.facets, false),
      core::SwitchFlag("--no-spelling", &f.spelling, false),
      core::SwitchFlag("--no-fsync", &f.fsync, false),
      core::CustomFlag("--lock-timeout",
                       [&f](absl::string_view value) {
                         if (!absl::ParseDuration(value, &f.lock_timeout) ||
                             f.lock_timeout < absl::ZeroDuration()) {
                           return absl::InvalidArgumentError(absl::StrCat(
                               "--lock-timeout: expected a duration such as 60s or 500ms, got \"",
                               value, "\""));
                         }
                         return absl::OkStatus();
                       }),
      core::SwitchFlag("--bulk", &f.bulk),
      core::NumberFlag("--shards", 1, &f.shards),
      core::WithAlias(core::SwitchFlag("--quiet", &f.quiet), "-q"),
      core::WithAlias(core::SwitchFlag("--stats", &f.stats), "stats"),
      core::SwitchFlag("--extract-only", &f.extract_only),
      delete_flag,
  };
  auto path_or_id = [&f](absl::string_view arg) {
    (f.delete_mode ? f.deletes : f.paths).emplace_back(arg);
    return absl::OkStatus();
  };
  NEWSDEX_ASSIGN_OR_RETURN(const core::FlagsParsed parsed,
                           core::ParseFlags(argc, argv, table, path_or_id, {kUsage}));
  f.help = parsed == core::FlagsParsed::kHelp;
  if (f.help) return f;
  NEWSDEX_RETURN_IF_ERROR(CheckFlags(f));
  if (f.threads == 0) f.threads = std::max(1u, std::thread::hardware_concurrency());
  if (f.shards == 0) f.shards = std::max(1u, std::thread::hardware_concurrency());
  return f;
}

std::string FormatCount(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

uint64_t DirectorySize(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

// What the database at `endpoint` holds (its size on disk when it is local).
// Adds its document count to *documents.
absl::Status PrintStats(const core::Endpoint& endpoint, uint64_t* documents) {
  const std::string name = endpoint.ToString();
  NEWSDEX_ASSIGN_OR_RETURN(Xapian::Database db, core::OpenForRead(endpoint, {}));
  NEWSDEX_RETURN_IF_ERROR(core::CheckSchemaVersion(db, name));
  return core::CallXapian("reading stats", [&] {
    std::cout << "database:        " << name << "\n";
    std::cout << "documents:       " << FormatCount(db.get_doccount()) << "\n";
    *documents += db.get_doccount();
    uint64_t terms = 0;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) ++terms;
    std::cout << "distinct terms:  " << FormatCount(terms) << "\n";
    if (!endpoint.remote()) {
      std::cout << "size on disk:    "
                << absl::StrFormat("%.1f MB", DirectorySize(endpoint.path) / 1e6) << "\n";
    }
    // Value bounds are not tightened by deletions, so scan the slot: about
    // 10 ms per 100,000 documents.
    const auto slot = static_cast<Xapian::valueno>(core::ValueSlot::kDate);
    std::string lo, hi;
    uint64_t dated = 0;
    for (auto v = db.valuestream_begin(slot); v != db.valuestream_end(slot); ++v) {
      const std::string day = *v;
      if (day.size() != 8) continue;
      if (lo.empty() || day < lo) lo = day;
      if (hi.empty() || day > hi) hi = day;
      ++dated;
    }
    auto iso = [](const std::string& d) {
      return absl::StrCat(d.substr(0, 4), "-", d.substr(4, 2), "-", d.substr(6, 2));
    };
    std::cout << "date range:      "
              << (lo.empty() ? std::string("(no dates)") : absl::StrCat(iso(lo), " .. ", iso(hi)))
              << " (" << FormatCount(dated) << " dated)\n";
    std::cout << "last update:     " << db.get_metadata(core::kLastUpdateKey) << "\n";
    for (const core::Field& f : core::Fields()) {
      if (f.kind != core::FieldKind::kBoolean || !f.slot) continue;
      const std::string prefix(f.prefix);
      uint64_t distinct = 0;
      for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
        // Prefixes are distinct but may share a first letter ("X"): only count
        // terms whose next byte is not an upper-case prefix continuation.
        const std::string term = *t;
        if (term.size() > prefix.size() && term[prefix.size()] >= 'A' &&
            term[prefix.size()] <= 'Z')
          continue;
        ++distinct;
      }
      std::cout << absl::StrFormat("distinct %-8s %s\n", std::string(f.query_name) + ":",
                                   FormatCount(distinct));
    }
  });
}

// What the run says on stderr: a progress line (on a terminal, unless
// --quiet), one line per skipped input and the summary. A message written
// while a progress line is up first clears it.
class Console {
 public:
  explicit Console(const Flags& flags)
      : show_progress_(!flags.quiet && isatty(2)),
        total_bytes_(show_progress_ ? TotalInputBytes(flags.paths) : 0),
        start_(absl::Now()) {}

  // Has the pipeline report its progress here, if it is to be shown.
  void Attach(PipelineOptions* options) {
    if (show_progress_) {
      options->progress = [this](uint64_t docs, uint64_t bytes) { ShowProgress(docs, bytes); };
    }
  }

  // The pipeline's ErrorCallback: the input is skipped, the run goes on.
  ErrorCallback SkipReporter() {
    return [this](const absl::Status& s) {
      if (progress_shown_) std::cerr << "\r\033[K";
      std::cerr << "newsdex-index: skipped: " << s.message() << "\n";
    };
  }

  // Ends the run with a failure of the database; returns the exit status.
  int DatabaseFailure(const absl::Status& s) const {
    std::cerr << (progress_shown_ ? "\n" : "") << "newsdex-index: database failure: "
              << s.message() << "\n";
    return 2;
  }

  void PrintSummary(const PipelineCounts& counts, const WriteCounts& w, bool deleted) const {
    const double secs = absl::ToDoubleSeconds(absl::Now() - start_);
    if (progress_shown_) std::cerr << "\r\033[K";
    std::cerr << absl::StrFormat(
        "newsdex-index: %s read, %s added, %s replaced, %s unchanged, %s failed",
        FormatCount(counts.read), FormatCount(w.added), FormatCount(w.replaced),
        FormatCount(w.unchanged), FormatCount(counts.failed));
    if (deleted) {
      std::cerr << absl::StrFormat(", %s deleted, %s not found", FormatCount(w.deleted),
                                   FormatCount(w.missing));
    }
    std::cerr << absl::StrFormat(" in %.2f s (%.0f docs/s, %.1f MB/s)%s\n", secs,
                                 counts.read / std::max(secs, 1e-9),
                                 counts.bytes / std::max(secs, 1e-9) / 1e6,
                                 counts.stopped ? "; interrupted, committed what was read" : "");
  }

 private:
  void ShowProgress(uint64_t docs, uint64_t bytes) {
    const double secs = absl::ToDoubleSeconds(absl::Now() - start_);
    std::string line = absl::StrFormat("\r%s docs  %.0f docs/s  %.1f MB/s", FormatCount(docs),
                                       docs / secs, bytes / secs / 1e6);
    if (total_bytes_ > 0 && bytes > 0 && bytes <= total_bytes_) {
      const double eta = secs * (total_bytes_ - bytes) / bytes;
      absl::StrAppend(&line, absl::StrFormat("  %.0f%%  ETA %d:%02d", 100.0 * bytes / total_bytes_,
                                             static_cast<int>(eta) / 60,
                                             static_cast<int>(eta) % 60));
    }
    std::cerr << line << "   " << std::flush;
    progress_shown_ = true;
  }

  const bool show_progress_;
  const uint64_t total_bytes_;
  const absl::Time start_;
  bool progress_shown_ = false;
};

int Fail(const absl::Status& s) {
  std::cerr << "newsdex-index: " << s.message() << "\n";
  return 2;
}

// --stats: what the database holds; over a cluster, what each shard's primary
// holds, then the sum.
int RunStats(const Flags& flags, const std::optional<core::Cluster>& cluster) {
  uint64_t documents = 0;
  if (!cluster) {
    core::Endpoint local;
    local.path = flags.db;
    absl::Status s = PrintStats(local, &documents);
    return s.ok() ? 0 : Fail(s);
  }
  for (const core::Shard& shard : cluster->shards) {
    std::cout << "shard:           " << shard.name << "\n";
    absl::Status s = PrintStats(shard.primary, &documents);
    if (!s.ok()) {
      return Fail(absl::Status(s.code(), absl::StrCat("shard \"", shard.name, "\": ", s.message())));
    }
    std::cout << "\n";
  }
  std::cout << "cluster:         " << cluster->source << " (" << cluster->shards.size()
            << " shards)\n";
  std::cout << "total documents: " << FormatCount(documents) << "\n";
  return 0;
}

// --extract-only: each article's facets as a JSON line on stdout.
int RunExtractOnly(const Flags& flags, const PipelineOptions& options, Console& console) {
  auto counts = ExtractPaths(flags.paths, options, console.SkipReporter(),
                             [](const core::Article& a) {
                               std::string line = ExtractionJson(a);
                               line.push_back('\n');
                               fwrite(line.data(), 1, line.size(), stdout);
                             });
  fflush(stdout);
  if (!counts.ok()) return Fail(counts.status());
  return counts->read == 0 ? 1 : 0;
}

// --bulk: the exit status, or nothing when the database already holds
// documents and is to be indexed the normal way.
std::optional<int> RunBulk(const Flags& flags, const PipelineOptions& options,
                           const WriterOptions& writer_options, Console& console) {
  BulkOptions bulk;
  bulk.shards = flags.shards;
  bulk.writer = writer_options;
  absl::StatusOr<BulkResult> r =
      BulkLoad(flags.paths, flags.db, bulk, options, console.SkipReporter());
  if (r.ok()) {
    if (!flags.quiet) console.PrintSummary(r->pipeline, r->writes, !flags.deletes.empty());
    return r->pipeline.read == 0 ? 1 : 0;
  }
  if (!absl::IsAlreadyExists(r.status())) return console.DatabaseFailure(r.status());
  std::cerr << "newsdex-index: " << r.status().message() << "; indexing the normal way\n";
  return std::nullopt;
}

// --bulk over a cluster: every shard's primary written from its own thread.
// Measured on Reuters dev over 2 loopback xapian-tcpsrv primaries: see
// docs/deployment.md ("Routed writes").
int RunClusterBulk(const Flags& flags, const core::Cluster& cluster,
                   const PipelineOptions& options, WriterOptions writer_options,
                   Console& console) {
  const bool spelling = writer_options.spelling;
  writer_options.spelling = false;  // IndexPathsSharded adds them once at the end
  absl::StatusOr<std::unique_ptr<ClusterWriter>> writer =
      ClusterWriter::Open(cluster, writer_options);
  if (!writer.ok()) return Fail(writer.status());
  PipelineOptions sharded = options;
  sharded.spelling = spelling;
  ClusterWriter& w = **writer;
  absl::StatusOr<PipelineCounts> counts = IndexPathsSharded(
      flags.paths, w.shard_writers(), sharded, console.SkipReporter(),
      [&w](size_t shard, const absl::Status& s) { return w.NameShard(shard, s); });
  if (!counts.ok()) return console.DatabaseFailure(counts.status());
  if (!flags.quiet) console.PrintSummary(*counts, w.counts(), false);
  return counts->read == 0 ? 1 : 0;
}

// The normal run over an open writer (an IndexWriter or a ClusterWriter):
// deletes, then the paths in input order (or only a commit when there are
// none).
template <typename Writer>
int WriteAll(const Flags& flags, Writer& writer, const PipelineOptions& options,
             Console& console) {
  for (const std::string& id : flags.deletes) {
    if (absl::Status s = writer.Delete(id); !s.ok()) return Fail(s);
  }
  PipelineCounts counts;
  if (!flags.paths.empty()) {
    absl::StatusOr<PipelineCounts> c =
        IndexPaths(flags.paths, writer, options, console.SkipReporter());
    if (!c.ok()) return console.DatabaseFailure(c.status());
    counts = *c;
  } else if (absl::Status s = writer.Commit(); !s.ok()) {
    return Fail(s);
  }
  if (!flags.quiet && !flags.init) {
    console.PrintSummary(counts, writer.counts(), !flags.deletes.empty());
  }
  if (!flags.paths.empty() && counts.read == 0) return 1;
  return 0;
}

int RunIndex(const Flags& flags, const std::optional<core::Cluster>& cluster,
             const PipelineOptions& options, const WriterOptions& writer_options,
             Console& console) {
  if (cluster) {
    absl::StatusOr<std::unique_ptr<ClusterWriter>> writer =
        ClusterWriter::Open(*cluster, writer_options);
    if (!writer.ok()) return Fail(writer.status());
    return WriteAll(flags, **writer, options, console);
  }
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(flags.db, writer_options);
  if (!writer.ok()) return Fail(writer.status());
  // Holding the lock now: nothing can be bulk-loading this database.
  if (absl::Status s = RemoveBulkLeftovers(flags.db); !s.ok()) return Fail(s);
  return WriteAll(flags, **writer, options, console);
}

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> parsed = ParseFlags(argc, argv);
  if (!parsed.ok()) return core::ReportUsageError("newsdex-index", parsed.status());
  const Flags& flags = *parsed;
  if (flags.help) return 0;
  if (!flags.data_dir.empty()) core::SetDataDir(flags.data_dir);
  std::optional<core::Cluster> cluster;
  if (!flags.cluster.empty()) {
    absl::StatusOr<core::Cluster> c = core::ReadClusterFile(flags.cluster);
    if (!c.ok()) return Fail(c.status());
    cluster = *std::move(c);
    // Before any thread starts (setenv); see the function's comment.
    EnableChangesetsForLocalPrimaries(*cluster);
  }
  if (flags.stats && flags.paths.empty() && flags.deletes.empty() && !flags.init) {
    return RunStats(flags, cluster);
  }

  absl::StatusOr<InputFormat> format = ParseInputFormat(flags.format);
  if (!format.ok()) {
    std::cerr << "newsdex-index: --format: " << format.status().message() << "\n";
    return core::kUsageErrorExit;
  }

  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  PipelineOptions options;
  options.read.format = *format;
  options.threads = flags.threads;
  options.spelling = flags.spelling;
  options.stop = &g_stop;
  std::unique_ptr<FacetExtractor> extractor;
  if (flags.facets && !flags.paths.empty()) {  // --init and --delete read no article
    absl::StatusOr<std::unique_ptr<FacetExtractor>> e = FacetExtractor::Load(core::DataDir());
    if (!e.ok()) {
      std::cerr << "newsdex-index: loading gazetteers: " << e.status().message() << "\n";
      return 2;
    }
    extractor = *std::move(e);
    options.extractor = extractor.get();
  }
  Console console(flags);
  console.Attach(&options);
  if (flags.extract_only) return RunExtractOnly(flags, options, console);

  WriterOptions writer_options;
  writer_options.batch_size = flags.batch;
  writer_options.spelling = flags.spelling;
  writer_options.fsync = flags.fsync;
  writer_options.lock_timeout = flags.lock_timeout;
  if (flags.bulk && cluster && !flags.paths.empty()) {
    return RunClusterBulk(flags, *cluster, options, writer_options, console);
  }
  if (flags.bulk && !cluster) {
    if (std::optional<int> exit = RunBulk(flags, options, writer_options, console)) return *exit;
  }
  return RunIndex(flags, cluster, options, writer_options, console);
}

}  // namespace
}  // namespace newsdex::indexer

int main(int argc, char** argv) { return newsdex::indexer::Main(argc, argv); }

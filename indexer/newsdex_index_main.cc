// newsdex-index: reads news articles, extracts facets and writes them into a
// newsdex Xapian database. See --help.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/data_path.h"
#include "core/schema.h"
#include "core/status_macros.h"
#include "core/xapian_status.h"
#include "indexer/bulk_loader.h"
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
  newsdex-index --extract-only PATH...          print extracted facets as JSON lines

Inputs: plain text (first non-empty line is the title), JSON Lines, Reuters-21578
SGML; any of them gzip-compressed; directories are walked recursively. The
format is detected per file from its name and content (see docs/input-formats.md).

Options:
  --db DIR            the database (created if missing)
  --format F          auto (default), text, jsonl or reuters: force the input format
  --batch N           commit every N documents (default 1000)
  --threads N         analysis threads (default: number of cores)
  --no-facets         do not extract facets from text (metadata facets are kept)
  --no-spelling       do not feed the spelling table ("did you mean")
  --no-fsync          do not fsync at commits (faster; still crash-safe, not power-loss-safe)
  --bulk              into an empty database: write N shards in parallel and merge them
                      at the end (faster; nothing is visible until the end, and kill -9
                      leaves the database empty). A database that has documents is
                      indexed the normal way. Scratch space: DIR.bulk-tmp
  --shards N          shards (writer threads) for --bulk (default: number of cores)
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
  std::string db;
  std::string format = "auto";
  int batch = 1000;
  int threads = 0;
  bool facets = true;
  bool spelling = true;
  bool fsync = true;
  bool bulk = false;
  int shards = 0;
  bool quiet = false;
  bool stats = false;
  bool extract_only = false;
  std::string data_dir;
  std::vector<std::string> deletes;
  std::vector<std::string> paths;
};

absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags f;
  bool delete_mode = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> absl::StatusOr<std::string> {
      std::string prefix = absl::StrCat(name, "=");
      if (arg.rfind(prefix, 0) == 0) return arg.substr(prefix.size());
      if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat(name, " needs a value"));
      return std::string(argv[++i]);
    };
    auto is = [&](const char* name) {
      return arg == name || arg.rfind(absl::StrCat(name, "="), 0) == 0;
    };
    auto int_value = [&](const char* name, int min, int* out) -> absl::Status {
      NEWSDEX_ASSIGN_OR_RETURN(std::string v, value(name));
      if (!absl::SimpleAtoi(v, out) || *out < min)
        return absl::InvalidArgumentError(
            absl::StrCat(name, ": expected a whole number >= ", min, ", got \"", v, "\""));
      return absl::OkStatus();
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (is("--db")) {
      NEWSDEX_ASSIGN_OR_RETURN(f.db, value("--db"));
    } else if (is("--format")) {
      NEWSDEX_ASSIGN_OR_RETURN(f.format, value("--format"));
    } else if (is("--batch")) {
      NEWSDEX_RETURN_IF_ERROR(int_value("--batch", 1, &f.batch));
    } else if (is("--threads")) {
      NEWSDEX_RETURN_IF_ERROR(int_value("--threads", 1, &f.threads));
    } else if (is("--data_dir") || is("--data-dir")) {
      NEWSDEX_ASSIGN_OR_RETURN(f.data_dir, value(is("--data_dir") ? "--data_dir" : "--data-dir"));
    } else if (arg == "--no-facets") {
      f.facets = false;
    } else if (arg == "--no-spelling") {
      f.spelling = false;
    } else if (arg == "--no-fsync") {
      f.fsync = false;
    } else if (arg == "--bulk") {
      f.bulk = true;
    } else if (is("--shards")) {
      NEWSDEX_RETURN_IF_ERROR(int_value("--shards", 1, &f.shards));
    } else if (arg == "--quiet" || arg == "-q") {
      f.quiet = true;
    } else if (arg == "--stats" || arg == "stats") {
      f.stats = true;
    } else if (arg == "--extract-only") {
      f.extract_only = true;
    } else if (arg == "--delete") {
      delete_mode = true;
      if (i + 1 < argc && argv[i + 1][0] != '-') f.deletes.push_back(argv[++i]);
    } else if (arg.rfind("--delete=", 0) == 0) {
      delete_mode = true;
      f.deletes.push_back(arg.substr(9));
    } else if (arg == "-" || arg.empty() || arg[0] != '-') {
      if (delete_mode) {
        f.deletes.push_back(arg);
      } else {
        f.paths.push_back(arg);
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg, " (see --help)"));
    }
  }
  if (f.db.empty() && !f.extract_only)
    return absl::InvalidArgumentError("--db DIR is required (see --help)");
  if (delete_mode && f.deletes.empty())
    return absl::InvalidArgumentError("--delete needs at least one article id");
  if (!f.stats && !delete_mode && f.paths.empty())
    return absl::InvalidArgumentError("no input PATH given (see --help)");
  if (f.threads == 0) f.threads = std::max(1u, std::thread::hardware_concurrency());
  if (f.shards == 0) f.shards = std::max(1u, std::thread::hardware_concurrency());
  if (f.bulk && delete_mode)
    return absl::InvalidArgumentError("--bulk loads into an empty database; it cannot --delete");
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

absl::Status PrintStats(const std::string& path) {
  NEWSDEX_ASSIGN_OR_RETURN(Xapian::Database db,
                           core::CallXapian(absl::StrCat("opening ", path),
                                            [&] { return Xapian::Database(path); }));
  NEWSDEX_RETURN_IF_ERROR(core::CheckSchemaVersion(db, path));
  return core::CallXapian("reading stats", [&] {
    std::cout << "database:        " << path << "\n";
    std::cout << "documents:       " << FormatCount(db.get_doccount()) << "\n";
    uint64_t terms = 0;
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) ++terms;
    std::cout << "distinct terms:  " << FormatCount(terms) << "\n";
    std::cout << "size on disk:    " << absl::StrFormat("%.1f MB", DirectorySize(path) / 1e6)
              << "\n";
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

int Main(int argc, char** argv) {
  absl::StatusOr<Flags> flags_or = ParseFlags(argc, argv);
  if (!flags_or.ok()) {
    std::cerr << "newsdex-index: " << flags_or.status().message() << "\n";
    return 2;
  }
  Flags& flags = *flags_or;
  if (!flags.data_dir.empty()) core::SetDataDir(flags.data_dir);

  if (flags.stats && flags.paths.empty() && flags.deletes.empty()) {
    absl::Status s = PrintStats(flags.db);
    if (!s.ok()) {
      std::cerr << "newsdex-index: " << s.message() << "\n";
      return 2;
    }
    return 0;
  }

  absl::StatusOr<InputFormat> format = ParseInputFormat(flags.format);
  if (!format.ok()) {
    std::cerr << "newsdex-index: --format: " << format.status().message() << "\n";
    return 2;
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
  if (flags.facets) {
    absl::StatusOr<std::unique_ptr<FacetExtractor>> e = FacetExtractor::Load(core::DataDir());
    if (!e.ok()) {
      std::cerr << "newsdex-index: loading gazetteers: " << e.status().message() << "\n";
      return 2;
    }
    extractor = std::move(e).value();
    options.extractor = extractor.get();
  }

  const bool show_progress = !flags.quiet && isatty(2);
  const uint64_t total_bytes = show_progress ? TotalInputBytes(flags.paths) : 0;
  const absl::Time start = absl::Now();
  bool progress_shown = false;
  if (show_progress) {
    options.progress = [&](uint64_t docs, uint64_t bytes) {
      const double secs = absl::ToDoubleSeconds(absl::Now() - start);
      std::string line = absl::StrFormat("\r%s docs  %.0f docs/s  %.1f MB/s", FormatCount(docs),
                                         docs / secs, bytes / secs / 1e6);
      if (total_bytes > 0 && bytes > 0 && bytes <= total_bytes) {
        const double eta = secs * (total_bytes - bytes) / bytes;
        absl::StrAppend(&line, absl::StrFormat("  %.0f%%  ETA %d:%02d", 100.0 * bytes / total_bytes,
                                               static_cast<int>(eta) / 60,
                                               static_cast<int>(eta) % 60));
      }
      std::cerr << line << "   " << std::flush;
      progress_shown = true;
    };
  }
  auto on_error = [&](const absl::Status& s) {
    if (progress_shown) {
      std::cerr << "\r\033[K";
    }
    std::cerr << "newsdex-index: skipped: " << s.message() << "\n";
  };

  if (flags.extract_only) {
    auto counts = ExtractPaths(flags.paths, options, on_error, [](const core::Article& a) {
      std::string line = ExtractionJson(a);
      line.push_back('\n');
      fwrite(line.data(), 1, line.size(), stdout);
    });
    fflush(stdout);
    if (!counts.ok()) {
      std::cerr << "newsdex-index: " << counts.status().message() << "\n";
      return 2;
    }
    return counts->read == 0 ? 1 : 0;
  }

  WriterOptions writer_options;
  writer_options.batch_size = flags.batch;
  writer_options.spelling = flags.spelling;
  writer_options.fsync = flags.fsync;
  auto print_summary = [&](const PipelineCounts& counts, const WriteCounts& w) {
    const double secs = absl::ToDoubleSeconds(absl::Now() - start);
    if (progress_shown) std::cerr << "\r\033[K";
    std::cerr << absl::StrFormat(
        "newsdex-index: %s read, %s added, %s replaced, %s unchanged, %s failed",
        FormatCount(counts.read), FormatCount(w.added), FormatCount(w.replaced),
        FormatCount(w.unchanged), FormatCount(counts.failed));
    if (!flags.deletes.empty())
      std::cerr << absl::StrFormat(", %s deleted, %s not found", FormatCount(w.deleted),
                                   FormatCount(w.missing));
    std::cerr << absl::StrFormat(" in %.2f s (%.0f docs/s, %.1f MB/s)%s\n", secs,
                                 counts.read / std::max(secs, 1e-9),
                                 counts.bytes / std::max(secs, 1e-9) / 1e6,
                                 counts.stopped ? "; interrupted, committed what was read" : "");
  };
  if (flags.bulk) {
    BulkOptions bulk;
    bulk.shards = flags.shards;
    bulk.writer = writer_options;
    absl::StatusOr<BulkResult> r = BulkLoad(flags.paths, flags.db, bulk, options, on_error);
    if (r.ok()) {
      if (!flags.quiet) print_summary(r->pipeline, r->writes);
      return r->pipeline.read == 0 ? 1 : 0;
    }
    if (!absl::IsAlreadyExists(r.status())) {
      std::cerr << (progress_shown ? "\n" : "") << "newsdex-index: database failure: "
                << r.status().message() << "\n";
      return 2;
    }
    std::cerr << "newsdex-index: " << r.status().message() << "; indexing the normal way\n";
  }
  absl::StatusOr<std::unique_ptr<IndexWriter>> writer = IndexWriter::Open(flags.db, writer_options);
  if (!writer.ok()) {
    std::cerr << "newsdex-index: " << writer.status().message() << "\n";
    return 2;
  }
  // Holding the lock now: nothing can be bulk-loading this database.
  if (absl::Status s = RemoveBulkLeftovers(flags.db); !s.ok()) {
    std::cerr << "newsdex-index: " << s.message() << "\n";
    return 2;
  }

  for (const std::string& id : flags.deletes) {
    absl::Status s = (*writer)->Delete(id);
    if (!s.ok()) {
      std::cerr << "newsdex-index: " << s.message() << "\n";
      return 2;
    }
  }
  PipelineCounts counts;
  if (!flags.paths.empty()) {
    absl::StatusOr<PipelineCounts> c = IndexPaths(flags.paths, **writer, options, on_error);
    if (!c.ok()) {
      std::cerr << (progress_shown ? "\n" : "") << "newsdex-index: database failure: "
                << c.status().message() << "\n";
      return 2;
    }
    counts = *c;
  } else {
    absl::Status s = (*writer)->Commit();
    if (!s.ok()) {
      std::cerr << "newsdex-index: " << s.message() << "\n";
      return 2;
    }
  }
  if (!flags.quiet) print_summary(counts, (*writer)->counts());
  if (!flags.paths.empty() && counts.read == 0) return 1;
  return 0;
}

}  // namespace
}  // namespace newsdex::indexer

int main(int argc, char** argv) { return newsdex::indexer::Main(argc, argv); }

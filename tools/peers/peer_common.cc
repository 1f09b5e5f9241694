#include "tools/peers/peer_common.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/log.h"

namespace newsdex::tools {
namespace {

std::vector<std::string> SplitWords(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view w : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    out.push_back(absl::AsciiStrToLower(w));
  }
  return out;
}

// "2025-08-24...", "20250824" -> "20250824"; else "".
std::string CompactDate(absl::string_view s) {
  if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {
    const std::string d = absl::StrCat(s.substr(0, 4), s.substr(5, 2), s.substr(8, 2));
    return std::all_of(d.begin(), d.end(), absl::ascii_isdigit) ? d : "";
  }
  if (s.size() == 8 && std::all_of(s.begin(), s.end(), absl::ascii_isdigit)) return std::string(s);
  return "";
}

}  // namespace

absl::StatusOr<BenchQuery> ParseQueryLine(absl::string_view line) {
  BenchQuery q;
  q.text = std::string(absl::StripAsciiWhitespace(line));
  absl::string_view rest = q.text;
  while (!rest.empty()) {
    rest = absl::StripLeadingAsciiWhitespace(rest);
    if (rest.empty()) break;
    if (rest[0] == '"') {
      const size_t close = rest.find('"', 1);
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("unterminated phrase in \"", q.text, "\""));
      }
      std::vector<std::string> words = SplitWords(rest.substr(1, close - 1));
      if (words.size() == 1) {
        q.words.push_back(words[0]);
      } else if (!words.empty()) {
        q.phrases.push_back(std::move(words));
      }
      rest.remove_prefix(close + 1);
      continue;
    }
    const size_t end = std::min(rest.find(' '), rest.size());
    const absl::string_view token = rest.substr(0, end);
    rest.remove_prefix(end);
    const size_t colon = token.find(':');
    if (colon != absl::string_view::npos && colon > 0) {
      const absl::string_view field = token.substr(0, colon);
      const absl::string_view value = token.substr(colon + 1);
      if (field == "country") {
        if (value.empty()) return absl::InvalidArgumentError("country: needs a code, e.g. country:fr");
        q.countries.push_back(absl::AsciiStrToLower(value));
      } else if (field == "year") {
        int year = 0;
        if (!absl::SimpleAtoi(value, &year) || year < 1000 || year > 9999) {
          return absl::InvalidArgumentError(absl::StrCat("year: expected YYYY, got \"", value, "\""));
        }
        q.year = year;
      } else {
        return absl::InvalidArgumentError(absl::StrCat("unknown filter field \"", field, "\" in \"", q.text,
                                                       "\" (known: country, year)"));
      }
      continue;
    }
    q.words.push_back(absl::AsciiStrToLower(token));
  }
  if (q.words.empty() && q.phrases.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("query \"", q.text, "\" has no word or phrase"));
  }
  return q;
}

absl::StatusOr<std::vector<BenchQuery>> ReadQueryFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::vector<BenchQuery> queries;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (stripped.empty() || stripped[0] == '#') continue;
    absl::StatusOr<BenchQuery> q = ParseQueryLine(stripped);
    if (!q.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": ", q.status().message()));
    }
    queries.push_back(*std::move(q));
  }
  return queries;
}

std::string FormatQuery(const BenchQuery& query) {
  std::vector<std::string> parts = query.words;
  for (const auto& phrase : query.phrases) parts.push_back(absl::StrCat("\"", absl::StrJoin(phrase, " "), "\""));
  for (const auto& c : query.countries) parts.push_back(absl::StrCat("country:", c));
  if (query.year) parts.push_back(absl::StrCat("year:", *query.year));
  return absl::StrJoin(parts, " ");
}

absl::Status ReadPeerJsonl(const std::string& path, const std::function<absl::Status(PeerDoc)>& on_doc,
                           uint64_t* bytes_read, uint64_t* bad_lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  *bytes_read = 0;
  *bad_lines = 0;
  std::string line;
  uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    *bytes_read += line.size() + 1;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      ++*bad_lines;
      continue;
    }
    PeerDoc doc;
    auto get = [&](const char* key) -> std::string {
      auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    doc.id = get("id");
    if (doc.id.empty()) doc.id = absl::StrCat(path, ":", number);
    doc.title = get("title");
    doc.body = get("body");
    if (doc.body.empty()) doc.body = get("text");
    std::string date = get("date");
    if (date.empty()) date = get("published");
    doc.date = CompactDate(date);
    for (const char* field : {"countries", "actors"}) {
      auto it = j.find(field);
      if (it == j.end() || !it->is_array()) continue;
      for (const auto& v : *it) {
        std::string value;
        if (v.is_string()) {
          value = v.get<std::string>();
        } else if (v.is_object()) {
          const char* key = field[0] == 'c' && v.contains("code") ? "code" : "name";
          if (v.contains(key) && v[key].is_string()) value = v[key].get<std::string>();
        }
        if (value.empty()) continue;
        if (field[0] == 'c') {
          doc.countries.push_back(absl::AsciiStrToLower(value));
        } else {
          doc.actors.push_back(value);
        }
      }
    }
    absl::Status status = on_doc(std::move(doc));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

LatencySummary SummarizeLatencies(std::vector<uint64_t> micros) {
  LatencySummary s;
  s.count = micros.size();
  if (micros.empty()) return s;
  std::sort(micros.begin(), micros.end());
  auto rank = [&](double p) {
    size_t r = static_cast<size_t>(p * static_cast<double>(micros.size()) + 0.999999);
    r = std::clamp<size_t>(r, 1, micros.size());
    return micros[r - 1];
  };
  double sum = 0;
  for (uint64_t m : micros) sum += static_cast<double>(m);
  s.mean_us = sum / static_cast<double>(micros.size());
  s.p50_us = rank(0.50);
  s.p95_us = rank(0.95);
  s.p99_us = rank(0.99);
  s.max_us = micros.back();
  return s;
}

void PrintQuerySummary(absl::string_view peer, const std::vector<uint64_t>& latencies,
                       uint64_t wall_start_us, nlohmann::json extra) {
  const double wall_s = static_cast<double>(NowMicros() - wall_start_us) / 1e6;
  const LatencySummary s = SummarizeLatencies(latencies);
  nlohmann::json summary = {{"peer", std::string(peer)},
                            {"mode", "query"},
                            {"queries", s.count},
                            {"p50_us", s.p50_us},
                            {"p95_us", s.p95_us},
                            {"p99_us", s.p99_us},
                            {"mean_us", std::round(s.mean_us)},
                            {"max_us", s.max_us},
                            {"wall_s", std::round(wall_s * 1000) / 1000},
                            {"peak_rss_kb", PeakRssKb()}};
  summary.update(extra);
  std::printf("%s\n", summary.dump().c_str());
}

uint64_t PeakRssKb() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss);
}

uint64_t DiskUsageBytes(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) return fs::file_size(path, ec);
  uint64_t total = 0;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

uint64_t NowMicros() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

void PrintQueryLine(size_t qid, uint64_t latency_us, int64_t total, const std::vector<std::string>& ids) {
  std::string line = absl::StrCat("Q\t", qid, "\t", latency_us, "\t", total, "\t", absl::StrJoin(ids, ","), "\n");
  std::fwrite(line.data(), 1, line.size(), stdout);
}

void PrintIndexSummary(absl::string_view peer, uint64_t docs, uint64_t bad_lines,
                       uint64_t input_bytes, uint64_t start_us, uint64_t index_bytes) {
  const double wall_s = static_cast<double>(NowMicros() - start_us) / 1e6;
  nlohmann::json summary = {
      {"peer", std::string(peer)},
      {"mode", "index"},
      {"docs", docs},
      {"bad_lines", bad_lines},
      {"input_bytes", input_bytes},
      {"wall_s", std::round(wall_s * 1000) / 1000},
      {"docs_per_s", std::round(static_cast<double>(docs) / wall_s)},
      {"mb_per_s", std::round(static_cast<double>(input_bytes) / 1e6 / wall_s * 100) / 100},
      {"index_bytes", index_bytes},
      {"peak_rss_kb", PeakRssKb()}};
  std::printf("%s\n", summary.dump().c_str());
}

absl::Status ParsePeerArgs(int argc, const char* const* argv,
                           const std::vector<std::string>& accepted,
                           std::vector<std::string>* positional, PeerQueryOptions* options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!absl::StartsWith(arg, "--")) {
      positional->push_back(arg);
      continue;
    }
    if (std::find(accepted.begin(), accepted.end(), arg) == accepted.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", arg));
    }
    if (arg == "--no-total") options->exact_total = false;
    if (arg == "--facets") options->facets = true;
    if (arg == "--warmup") options->warmup = true;
  }
  return absl::OkStatus();
}

int PeerMain(int argc, const char* const* argv, const PeerProgram& program) {
  std::vector<std::string> positional;
  PeerQueryOptions options;
  if (absl::Status s = ParsePeerArgs(argc, argv, program.query_options, &positional, &options);
      !s.ok()) {
    NEWSDEX_LOG(ERROR) << program.name << ": " << s.message();
    return 2;
  }
  absl::Status status;
  if (positional.size() == 3 && positional[0] == "index") {
    status = program.index(positional[1], positional[2]);
  } else if (positional.size() == 3 && positional[0] == "query") {
    status = program.query(positional[1], positional[2], options);
  } else {
    NEWSDEX_LOG(ERROR) << "usage: " << program.usage;
    return 2;
  }
  if (!status.ok()) {
    NEWSDEX_LOG(ERROR) << program.name << ": " << status.message();
    return 1;
  }
  return 0;
}

absl::StatusOr<QueryTimings> TimeQueries(
    size_t count, bool warmup, const std::function<absl::StatusOr<PeerAnswer>(size_t qid)>& answer) {
  QueryTimings t;
  t.wall_start_us = NowMicros();
  for (int pass = warmup ? 0 : 1; pass < 2; ++pass) {
    const bool timed = pass == 1;
    t.latencies.clear();
    t.zero_hits = 0;
    t.errors = 0;
    for (size_t qid = 0; qid < count; ++qid) {
      const uint64_t start = NowMicros();
      absl::StatusOr<PeerAnswer> a = answer(qid);
      const uint64_t latency = NowMicros() - start;
      if (!a.ok()) return a.status();
      t.latencies.push_back(latency);
      if (!a->error.empty()) {
        ++t.errors;
        if (timed) NEWSDEX_LOG(WARNING) << "query " << qid + 1 << ": " << a->error;
      } else if (a->ids.empty()) {
        ++t.zero_hits;
      }
      if (!timed) continue;
      PrintQueryLine(qid + 1, latency, a->total, a->ids);
      std::fputs(a->after.c_str(), stdout);
    }
  }
  return t;
}

}  // namespace newsdex::tools

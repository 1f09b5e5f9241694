// make-queries: draws a benchmark query file (docs/benchmarks.md, "Query
// files") from a JSONL corpus, deterministically for a seed.
//
//   make-queries JSONL [--count 1000] [--seed 1] [--out FILE|-]
//                [--country_filter_percent 15] [--year_filter_percent 10]
//
// It keeps a seeded reservoir of 5,000 documents, then draws each query from
// one of them: 40% one word, 25% two words, 10% three words (words of the same
// document, so most queries have hits), 25% a phrase of 2-3 consecutive words
// of one sentence. Words are lowercase runs of letters/digits of 3+ bytes,
// not pure numbers and not function words. Some queries get a country:xx
// filter (from the document's countries when the JSONL has them, else from a
// fixed list of frequent codes) or a year:YYYY filter (the document's year).
// Prints a JSON summary line to stderr.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "tools/bench/output_file.h"
#include "tools/bench/rng.h"
#include "tools/peers/peer_common.h"

ABSL_FLAG(int, count, 1000, "number of queries");
ABSL_FLAG(uint64_t, seed, 1, "PRNG seed");
ABSL_FLAG(std::string, out, "-", "output file, or - for standard output");
ABSL_FLAG(int, country_filter_percent, 15, "share of queries with a country: filter");
ABSL_FLAG(int, year_filter_percent, 10, "share of queries with a year: filter");

namespace newsdex::tools {
namespace {

constexpr size_t kReservoir = 5000;

struct SampledDoc {
  std::vector<std::vector<std::string>> sentences;  // lowercase words
  std::vector<std::string> countries;
  std::string year;
};

bool IsWordByte(char c) { return absl::ascii_isalnum(c) || static_cast<unsigned char>(c) >= 0x80; }

// Lowercase words per sentence ('.', '!', '?' and newlines end sentences).
std::vector<std::vector<std::string>> Sentences(const std::string& text) {
  std::vector<std::vector<std::string>> out(1);
  std::string word;
  auto flush_word = [&] {
    if (!word.empty()) out.back().push_back(absl::AsciiStrToLower(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsWordByte(c)) {
      word += c;
    } else if ((c == '.' || c == ',') && !word.empty() && i + 1 < text.size() && absl::ascii_isdigit(text[i + 1]) &&
               absl::ascii_isdigit(word.back())) {
      word += c;  // 1.5, 1,000 stay one token, as the engines see them
    } else {
      flush_word();
      if ((c == '.' || c == '!' || c == '?' || c == '\n') && !out.back().empty()) out.emplace_back();
    }
  }
  flush_word();
  if (out.back().empty()) out.pop_back();
  return out;
}

bool GoodWord(const std::string& w) {
  static const absl::flat_hash_set<std::string>* const kFunctionWords = new absl::flat_hash_set<std::string>{
      "the", "and", "for", "that", "with", "was", "are", "has", "have", "had", "not", "but", "from", "this",
      "his", "her", "its", "they", "their", "them", "were", "been", "will", "would", "could", "should", "which",
      "who", "whom", "what", "when", "where", "than", "then", "there", "these", "those", "also", "into", "over",
      "said", "says", "can", "may", "all", "any", "our", "out", "she", "him", "you", "one", "about", "after",
      "more", "most", "some", "such", "only", "other", "per", "via", "being", "did", "does", "how", "why"};
  if (w.size() < 3) return false;
  bool alpha = false;
  for (char c : w) alpha |= !absl::ascii_isdigit(c) && c != '.' && c != ',';
  return alpha && w.find_first_of(".,") == std::string::npos && !kFunctionWords->contains(w);
}

absl::Status Run(const std::string& jsonl) {
  Rng rng(absl::GetFlag(FLAGS_seed));
  std::vector<SampledDoc> reservoir;
  uint64_t seen = 0, bytes = 0, bad = 0;
  NEWSDEX_RETURN_IF_ERROR(ReadPeerJsonl(
      jsonl,
      [&](PeerDoc doc) -> absl::Status {
        ++seen;
        size_t slot = reservoir.size();
        if (reservoir.size() >= kReservoir) {
          const uint64_t r = rng.Below(seen);
          if (r >= kReservoir) return absl::OkStatus();
          slot = r;
        } else {
          reservoir.emplace_back();
        }
        SampledDoc& s = reservoir[slot];
        s.sentences = Sentences(doc.title + ".\n" + doc.body);
        s.countries = doc.countries;
        s.year = doc.date.size() == 8 ? doc.date.substr(0, 4) : "";
        return absl::OkStatus();
      },
      &bytes, &bad));
  if (reservoir.empty()) return absl::InvalidArgumentError(absl::StrCat(jsonl, ": no documents"));

  const std::string out_path = absl::GetFlag(FLAGS_out);
  NEWSDEX_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Open(out_path));
  static constexpr const char* kFrequentCountries[] = {"us", "gb", "fr", "de", "jp", "cn", "ru", "ir", "il",
                                                      "in", "br", "ca", "au", "it", "es", "ua", "tr", "mx"};
  const int count = absl::GetFlag(FLAGS_count);
  int written = 0, phrases = 0, filtered = 0;
  absl::flat_hash_set<std::string> distinct;
  for (int attempt = 0; written < count && attempt < count * 50; ++attempt) {
    const SampledDoc& doc = reservoir[rng.Below(reservoir.size())];
    if (doc.sentences.empty()) continue;
    const uint64_t kind = rng.Below(100);
    std::vector<std::string> parts;
    if (kind < 75) {
      const size_t n = kind < 40 ? 1 : (kind < 65 ? 2 : 3);
      std::vector<std::string> pool;
      for (const auto& s : doc.sentences) {
        for (const auto& w : s) {
          if (GoodWord(w)) pool.push_back(w);
        }
      }
      if (pool.size() < n) continue;
      for (size_t i = 0; i < n; ++i) {
        const std::string& w = pool[rng.Below(pool.size())];
        if (std::find(parts.begin(), parts.end(), w) == parts.end()) parts.push_back(w);
      }
    } else {
      // A phrase should start and end with a content word ("interest rates",
      // not "of the"): try a few places in the document.
      std::vector<std::string> phrase;
      for (int tries = 0; tries < 20 && phrase.empty(); ++tries) {
        const auto& s = doc.sentences[rng.Below(doc.sentences.size())];
        const size_t len = 2 + rng.Below(2);
        if (s.size() < len) continue;
        const size_t start = rng.Below(s.size() - len + 1);
        if (GoodWord(s[start]) && GoodWord(s[start + len - 1])) {
          phrase.assign(s.begin() + static_cast<long>(start), s.begin() + static_cast<long>(start + len));
        }
      }
      if (phrase.empty()) continue;
      parts.push_back(absl::StrCat("\"", absl::StrJoin(phrase, " "), "\""));
      ++phrases;
    }
    if (rng.Percent(static_cast<uint64_t>(absl::GetFlag(FLAGS_country_filter_percent)))) {
      const std::string code = doc.countries.empty() ? kFrequentCountries[rng.Below(std::size(kFrequentCountries))]
                                                     : doc.countries[rng.Below(doc.countries.size())];
      parts.push_back(absl::StrCat("country:", code));
      ++filtered;
    } else if (!doc.year.empty() && rng.Percent(static_cast<uint64_t>(absl::GetFlag(FLAGS_year_filter_percent)))) {
      parts.push_back(absl::StrCat("year:", doc.year));
      ++filtered;
    }
    const std::string line = absl::StrJoin(parts, " ");
    if (!ParseQueryLine(line).ok()) continue;
    distinct.insert(line);
    NEWSDEX_RETURN_IF_ERROR(out.Write(absl::StrCat(line, "\n")));
    ++written;
  }
  NEWSDEX_RETURN_IF_ERROR(out.Close());
  if (written < count) {
    return absl::FailedPreconditionError(absl::StrCat("only ", written, " of ", count,
                                                      " queries could be drawn: corpus too small"));
  }
  std::fprintf(stderr,
               "{\"tool\":\"make-queries\",\"queries\":%d,\"distinct\":%zu,\"phrases\":%d,\"filtered\":%d,"
               "\"docs_seen\":%llu}\n",
               written, distinct.size(), phrases, filtered, static_cast<unsigned long long>(seen));
  return absl::OkStatus();
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("make-queries JSONL [--count N] [--seed S] [--out FILE]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    NEWSDEX_LOG(ERROR) << "usage: make-queries JSONL [--count N] [--seed S] [--out FILE]";
    return 2;
  }
  const absl::Status status = newsdex::tools::Run(args[1]);
  if (!status.ok()) {
    NEWSDEX_LOG(ERROR) << "make-queries: " << status.message();
    return 1;
  }
  return 0;
}

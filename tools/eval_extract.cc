// eval_extract: scores newsdex facet extraction against the human labels of
// Reuters-21578 (dev part): PLACES against our FOCUS countries, PEOPLE against
// our actors. Prints micro precision, recall and F1 per field, the 20 worst
// misses (false negatives and false positives, with counts), and extraction
// speed.
//
// Usage: eval_extract [--data_dir=DIR] [--no_actors] [--dump=N] [--explain=NEWID]
//                     [FILE.sgm[.gz]...]
//        eval_extract --labelled=LABELS.jsonl [--data_dir=DIR] [--dump=1]
// --dump=N prints N documents with wrong places (--dump=-N: wrong people);
// --explain=NEWID prints that document's country matches.
// Default files: ../shared/corpora/reuters21578/dev/*.sgm.gz next to the repo.
// --labelled scores our own hand-labelled articles instead
// (tests/multilingual/labels.jsonl: file, language, batch, date, countries,
// focus, actors; files relative to the labels file), read, language-detected
// and extracted exactly as newsdex-index does, per language and batch: the
// publication date, every country mentioned, the focus countries and the
// persons (names compared folded), and the extraction speed (CPU, MB of title
// and body text per second); --dump=1 prints each article's differences.
//
// Scoring rules (also in docs/input-formats.md):
//  - A field's recall AND precision count only documents with at least one
//    label in that field: Reuters' indexers labelled focus places only and
//    left many stories unlabelled, so predictions on unlabelled documents
//    cannot be judged. Their number is printed separately, and for places a
//    second line scores every document as the holdout is scored (a focus
//    country in a document without PLACES counts against precision;
//    tools/train_focus reports its cross-validation with the same scorer).
//  - Reuters place labels are mapped to our keys by name (core::CountryNames)
//    plus a fixed table for the Reuters spellings (usa, uk, ussr,
//    west-germany...); labels that are no country in our scheme stay
//    unmatched and count as misses (their number is printed).
//  - An actor matches a PEOPLE label if its folded last name, its hyphenated
//    surname, or "first-last" equals the label.
// Never run this on the holdout part: it has no labels by design.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "core/analyzer.h"
#include "core/data_path.h"
#include "core/flags.h"
#include "indexer/facet_extractor.h"
#include "indexer/pipeline.h"
#include "indexer/reader.h"
#include "tools/reuters_dev.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace newsdex::tools {
namespace {

struct FieldScore {
  long tp = 0, fp = 0, fn = 0;
  long docs = 0;
  long unlabelled_predictions = 0;
  std::map<std::string, long> misses;  // "FN usa" / "FP gb" -> count
  void Print(const char* field) const {
    const double p = tp + fp > 0 ? double(tp) / (tp + fp) : 0;
    const double r = tp + fn > 0 ? double(tp) / (tp + fn) : 0;
    const double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    std::printf("%-8s docs %ld  tp %ld fp %ld fn %ld  P %.3f  R %.3f  F1 %.3f"
                "  (predictions in unlabelled docs, not scored: %ld)\n",
                field, docs, tp, fp, fn, p, r, f, unlabelled_predictions);
  }
  void PrintWorst(const char* field, int n) const {
    std::vector<std::pair<long, std::string>> v;
    for (const auto& [k, c] : misses) v.emplace_back(c, k);
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::printf("%s: %d worst misses (FN = label we missed, FP = focus we gave wrongly)\n",
                field, n);
    for (int i = 0; i < n && i < static_cast<int>(v.size()); ++i) {
      std::printf("  %5ld  %s\n", v[i].first, v[i].second.c_str());
    }
  }
};

// The forms of an actor's name a Reuters PEOPLE label may take.
std::vector<std::string> ActorLabelForms(core::Analyzer& analyzer, const std::string& name) {
  std::vector<std::string> words = absl::StrSplit(analyzer.FoldKey(name), ' ',
                                                  absl::SkipEmpty());
  // "James A. Baker III" -> james baker: suffixes and initials are not in labels.
  while (!words.empty() && (words.back() == "jr" || words.back() == "sr" ||
                            words.back() == "ii" || words.back() == "iii" ||
                            words.back() == "iv")) {
    words.pop_back();
  }
  words.erase(std::remove_if(words.begin(), words.end(),
                             [](const std::string& w) { return w.size() == 1; }),
              words.end());
  std::vector<std::string> forms;
  if (words.empty()) return forms;
  forms.push_back(words.back());
  if (words.size() >= 2) {
    forms.push_back(words[words.size() - 2] + "-" + words.back());
    forms.push_back(words.front() + "-" + words.back());
  }
  forms.push_back(absl::StrJoin(words, "-"));
  return forms;
}

struct Options {
  std::string data_dir;
  bool no_actors = false;
  int dump = 0;
  std::string explain_id;
  std::string labelled;
  std::vector<std::string> files;
};

constexpr absl::string_view kUsage =
    "Usage: eval_extract [--data_dir=DIR] [--no_actors] [--dump=N] [--explain=ID]\n"
    "                    [--labelled=LABELS.jsonl] [FILE.sgm...]\n";

absl::StatusOr<core::FlagsParsed> ParseOptions(int argc, char** argv, Options* options) {
  const std::vector<core::Flag> table = {
      core::TextFlag("--data-dir", &options->data_dir),
      core::TextFlag("--explain", &options->explain_id),
      core::TextFlag("--labelled", &options->labelled),
      core::SwitchFlag("--no-actors", &options->no_actors),
      core::NumberFlag("--dump", std::numeric_limits<int>::min(), &options->dump),
  };
  core::FlagOptions flag_options;
  flag_options.usage = kUsage;
  return core::ParseFlags(
      argc, argv, table,
      [&](absl::string_view file) {
        options->files.emplace_back(file);
        return absl::OkStatus();
      },
      flag_options);
}

// Extracts facets from each document and scores them against its labels.
class Evaluation {
 public:
  Evaluation(const Options& options, const indexer::FacetExtractor& extractor,
             core::Analyzer& analyzer)
      : options_(options), extractor_(extractor), analyzer_(analyzer) {}

  void Add(indexer::ReutersDocument doc) {
    ++docs_;
    core::Article& a = doc.article;
    if (options_.no_actors) a.actors_from_metadata = true;
    if (!options_.explain_id.empty() && a.id == options_.explain_id) {
      std::printf("EXPLAIN %s: %s\n", a.id.c_str(),
                  absl::StrJoin(extractor_.ExplainCountries(a, analyzer_), " | ").c_str());
    }
    // Thread CPU time: the machine is shared, wall time would measure
    // other people's load.
    timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    extractor_.Extract(&a, analyzer_);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    extract_seconds_ += (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    ScorePlaces(doc);
    if (!options_.no_actors) ScorePeople(doc);
  }

  void Print(size_t files) const {
    std::printf("Reuters-21578, Distribution 1.0: %ld documents from %zu files\n", docs_, files);
    std::printf("Scoring: precision and recall over documents with >= 1 label in the field; "
                "places = FOCUS countries vs PLACES; people = actors vs PEOPLE.\n");
    places_.Print("places");
    const FocusScore every{places_.tp, places_.fp, places_.fn, places_.unlabelled_predictions};
    std::printf("places, every doc scored (as on the holdout): %s\n", every.Format().c_str());
    long unmapped_total = 0;
    for (const auto& [label, n] : unmapped_) unmapped_total += n;
    std::printf("  place labels that are no country in our scheme (counted as misses): %ld (%zu "
                "distinct)\n",
                unmapped_total, unmapped_.size());
    if (!options_.no_actors) people_.Print("people");
    places_.PrintWorst("places", 20);
    if (!options_.no_actors) people_.PrintWorst("people", 20);
    std::printf("extraction speed: %.0f docs/s per core, CPU time (%.2f s for %ld docs; %s)\n",
                extract_seconds_ > 0 ? docs_ / extract_seconds_ : 0.0, extract_seconds_, docs_,
                options_.no_actors ? "countries + dates" : "countries + dates + actors");
  }

 private:
  void ScorePlaces(const indexer::ReutersDocument& doc) {
    const core::Article& a = doc.article;
    std::vector<std::string> predicted;
    for (const core::CountryFacet& c : a.countries) {
      if (c.focus) predicted.push_back(c.code);
    }
    if (doc.places.empty()) {
      places_.unlabelled_predictions += static_cast<long>(predicted.size());
      return;
    }
    ++places_.docs;
    std::vector<std::string> gold =
        PlaceKeys(doc.places, extractor_.countries().names(), &unmapped_);
    bool wrong = false;
    for (const std::string& g : gold) {
      if (std::find(predicted.begin(), predicted.end(), g) != predicted.end()) {
        ++places_.tp;
        continue;
      }
      ++places_.fn;
      ++places_.misses["FN " + g];
      wrong = true;
    }
    for (const std::string& p : predicted) {
      if (std::find(gold.begin(), gold.end(), p) != gold.end()) continue;
      ++places_.fp;
      ++places_.misses["FP " + p];
      wrong = true;
    }
    if (!wrong || options_.dump <= 0 || dumped_ >= options_.dump) return;
    ++dumped_;
    std::string got;
    for (const core::CountryFacet& c : a.countries) {
      absl::StrAppend(&got, c.code, c.focus ? "*" : "", c.mentions, " ");
    }
    std::printf("DUMP %s | gold %s | got %s | %s | %s\n", a.id.c_str(),
                absl::StrJoin(gold, ",").c_str(), got.c_str(), a.dateline.c_str(),
                a.title.c_str());
  }

  void ScorePeople(const indexer::ReutersDocument& doc) {
    const core::Article& a = doc.article;
    if (doc.people.empty()) {
      people_.unlabelled_predictions += static_cast<long>(a.actors.size());
      return;
    }
    ++people_.docs;
    std::vector<bool> used(doc.people.size(), false);
    for (const core::ActorFacet& actor : a.actors) {
      bool matched = false;
      for (const std::string& form : ActorLabelForms(analyzer_, actor.name)) {
        for (size_t i = 0; i < doc.people.size() && !matched; ++i) {
          if (!used[i] && doc.people[i] == form) used[i] = matched = true;
        }
      }
      if (matched) {
        ++people_.tp;
      } else {
        ++people_.fp;
        ++people_.misses["FP " + actor.name];
      }
    }
    if (options_.dump < 0 && dumped_ < -options_.dump &&
        std::find(used.begin(), used.end(), false) != used.end()) {
      ++dumped_;
      std::string got;
      for (const core::ActorFacet& actor : a.actors) absl::StrAppend(&got, actor.name, "; ");
      std::printf("DUMP-PEOPLE %s | gold %s | got %s\n", a.id.c_str(),
                  absl::StrJoin(doc.people, ",").c_str(), got.c_str());
    }
    for (size_t i = 0; i < doc.people.size(); ++i) {
      if (used[i]) continue;
      ++people_.fn;
      ++people_.misses["FN " + doc.people[i]];
    }
  }

  const Options& options_;
  const indexer::FacetExtractor& extractor_;
  core::Analyzer& analyzer_;
  FieldScore places_, people_;
  absl::flat_hash_map<std::string, long> unmapped_;
  long docs_ = 0;
  long dumped_ = 0;
  double extract_seconds_ = 0;
};

// Precision and recall of sets of strings.
struct SetScore {
  long tp = 0, fp = 0, fn = 0;
  void Add(const std::vector<std::string>& gold, const std::vector<std::string>& got) {
    for (const std::string& g : gold) {
      (std::find(got.begin(), got.end(), g) != got.end() ? tp : fn) += 1;
    }
    for (const std::string& p : got) {
      if (std::find(gold.begin(), gold.end(), p) == gold.end()) ++fp;
    }
  }
  std::string Format() const {
    const double p = tp + fp > 0 ? double(tp) / (tp + fp) : 1;
    const double r = tp + fn > 0 ? double(tp) / (tp + fn) : 1;
    const double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
    return absl::StrFormat("%.2f %.2f %.2f", p, r, f);
  }
};

// The scores of one language and batch of our labelled articles.
struct LabelledScore {
  int articles = 0, dates = 0, languages = 0;
  SetScore countries, focus, persons;
  double seconds = 0;  // CPU time of kTimingRounds extractions of each article
  size_t bytes = 0;    // title and body bytes extracted in that time
};

// Each labelled article is extracted this many times more, for a CPU time
// that the clock resolves (the articles are short).
constexpr int kTimingRounds = 200;

// Thread CPU seconds of kTimingRounds extractions of `article` as read (its
// language already detected).
double ExtractionSeconds(const core::Article& article, const indexer::FacetExtractor& extractor,
                         core::Analyzer& analyzer) {
  timespec t0, t1;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
  for (int i = 0; i < kTimingRounds; ++i) {
    core::Article copy = article;
    copy.date.reset();
    extractor.Extract(&copy, analyzer);
  }
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
  return (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
}

// Sorted folded names, for comparing persons however they are accented.
std::vector<std::string> FoldedNames(const std::vector<std::string>& names,
                                     core::Analyzer& analyzer) {
  std::vector<std::string> out;
  for (const std::string& n : names) out.push_back(analyzer.FoldKey(n));
  std::sort(out.begin(), out.end());
  return out;
}

// Reads, detects the language of and extracts one labelled article as
// newsdex-index would; false (after a message) if it cannot be read.
bool ExtractLabelled(const std::string& path, const indexer::FacetExtractor& extractor,
                     core::Analyzer& analyzer, core::Article* out) {
  bool found = false;
  absl::Status s = indexer::ReadInputs(
      {path}, indexer::ReadOptions(),
      [&](core::Article a) {
        *out = std::move(a);
        found = true;
        return absl::OkStatus();
      },
      [](const absl::Status& e) {
        std::fprintf(stderr, "eval_extract: %s\n", std::string(e.message()).c_str());
      });
  if (!s.ok() || !found) return false;
  indexer::PrepareArticle(out, &extractor, analyzer, nullptr);
  return true;
}

// Scores `a` against the label row `want` into *score; prints the
// differences with --dump.
void ScoreLabelled(const nlohmann::json& want, const core::Article& a, bool dump,
                   core::Analyzer& analyzer, LabelledScore* score) {
  std::vector<std::string> countries, focus, actors;
  for (const core::CountryFacet& c : a.countries) {
    countries.push_back(c.code);
    if (c.focus) focus.push_back(c.code);
  }
  for (const core::ActorFacet& f : a.actors) actors.push_back(f.name);
  const std::string date = a.date ? core::FormatIsoDate(*a.date) : "";
  const std::string want_date = want["date"].is_string() ? want["date"].get<std::string>() : "";
  const auto list = [&](const char* field) {
    std::vector<std::string> v = want.value(field, std::vector<std::string>{});
    std::sort(v.begin(), v.end());
    return v;
  };
  ++score->articles;
  score->dates += date == want_date;
  score->languages += a.language == want.value("language", "");
  score->countries.Add(list("countries"), countries);
  score->focus.Add(list("focus"), focus);
  const std::vector<std::string> gold_persons = FoldedNames(list("actors"), analyzer);
  const std::vector<std::string> got_persons = FoldedNames(actors, analyzer);
  score->persons.Add(gold_persons, got_persons);
  if (!dump) return;
  std::sort(focus.begin(), focus.end());
  const auto show = [](const char* what, const std::vector<std::string>& gold,
                       const std::vector<std::string>& got) {
    if (gold != got) {
      std::printf("  %s: want %s, got %s\n", what, absl::StrJoin(gold, ",").c_str(),
                  absl::StrJoin(got, ",").c_str());
    }
  };
  std::printf("%s (%s)\n", want.value("file", "").c_str(), a.language.c_str());
  show("date", {want_date}, {date});
  show("countries", list("countries"), countries);
  show("focus", list("focus"), focus);
  show("persons", gold_persons, got_persons);
}

// --labelled: scores per language and batch.
int RunLabelled(const Options& options, const indexer::FacetExtractor& extractor,
                core::Analyzer& analyzer) {
  std::ifstream labels(options.labelled);
  if (!labels) {
    std::fprintf(stderr, "eval_extract: cannot read %s\n", options.labelled.c_str());
    return 2;
  }
  const std::filesystem::path dir = std::filesystem::path(options.labelled).parent_path();
  std::map<std::pair<std::string, std::string>, LabelledScore> scores;
  std::string line;
  while (std::getline(labels, line)) {
    if (line.empty()) continue;
    const nlohmann::json want = nlohmann::json::parse(line, nullptr, false);
    if (want.is_discarded()) {
      std::fprintf(stderr, "eval_extract: bad label line: %s\n", line.c_str());
      return 2;
    }
    core::Article a;
    if (!ExtractLabelled((dir / want.value("file", "")).string(), extractor, analyzer, &a)) {
      return 1;
    }
    // A batch is a number (the sets tuned on) or a name ("unseen-2026-12-07").
    const nlohmann::json batch = want.value("batch", nlohmann::json(0));
    LabelledScore& score = scores[{want.value("language", ""),
                                   batch.is_string() ? batch.get<std::string>() : batch.dump()}];
    ScoreLabelled(want, a, options.dump > 0, analyzer, &score);
    score.seconds += ExtractionSeconds(a, extractor, analyzer);
    score.bytes += (a.title.size() + a.body.size()) * kTimingRounds;
  }
  std::printf("lang batch  n  language  date   countries P R F1  focus P R F1     persons P R F1"
              "   extraction\n");
  for (const auto& [key, s] : scores) {
    std::printf("%-4s %5s %2d  %2d/%-2d    %2d/%-2d  %s    %s    %s   %.1f MB/s\n",
                key.first.c_str(), key.second.c_str(), s.articles, s.languages, s.articles, s.dates,
                s.articles, s.countries.Format().c_str(), s.focus.Format().c_str(),
                s.persons.Format().c_str(), s.seconds > 0 ? s.bytes / s.seconds / 1e6 : 0.0);
  }
  return 0;
}

int Main(int argc, char** argv) {
  Options options;
  absl::StatusOr<core::FlagsParsed> parsed = ParseOptions(argc, argv, &options);
  if (!parsed.ok()) return core::ReportUsageError("eval_extract", parsed.status());
  if (*parsed == core::FlagsParsed::kHelp) return 0;
  if (!options.data_dir.empty()) core::SetDataDir(options.data_dir);
  if (!options.labelled.empty()) {
    auto extractor = indexer::FacetExtractor::Load(core::DataDir());
    auto analyzer = core::Analyzer::Create();
    if (!extractor.ok() || !analyzer.ok()) {
      std::fprintf(stderr, "eval_extract: %s\n",
                   std::string(extractor.status().message()).c_str());
      return 2;
    }
    return RunLabelled(options, **extractor, **analyzer);
  }
  if (options.files.empty()) {
    std::filesystem::path dev;
    options.files = ReutersDevFiles(&dev);
    if (options.files.empty()) {
      std::fprintf(stderr, "eval_extract: no Reuters files given and none in %s\n",
                   dev.c_str());
      return 2;
    }
  }
  auto extractor = indexer::FacetExtractor::Load(core::DataDir());
  if (!extractor.ok()) {
    std::fprintf(stderr, "eval_extract: %s\n", std::string(extractor.status().message()).c_str());
    return 2;
  }
  auto analyzer = core::Analyzer::Create();
  if (!analyzer.ok()) return 2;
  Evaluation evaluation(options, **extractor, **analyzer);
  for (const std::string& file : options.files) {
    absl::Status s = indexer::ReadReutersFile(
        file,
        [&](indexer::ReutersDocument doc) -> absl::Status {
          evaluation.Add(std::move(doc));
          return absl::OkStatus();
        },
        [](const absl::Status& e) {
          std::fprintf(stderr, "eval_extract: skipped: %s\n", std::string(e.message()).c_str());
        });
    if (!s.ok()) {
      std::fprintf(stderr, "eval_extract: %s\n", std::string(s.message()).c_str());
      return 1;
    }
  }
  evaluation.Print(options.files.size());
  return 0;
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) { return newsdex::tools::Main(argc, argv); }

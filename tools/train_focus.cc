// train_focus: trains the focus-country model (indexer/focus_model.h) on the
// Reuters-21578 dev PLACES labels with liblinear (L2-regularised logistic
// regression), reports its cross-validation by file, and writes the model
// trained on all of dev.
//
// Usage: train_focus [--data_dir=DIR] [--out=FILE] [--no_cv] [--train_unlabelled]
//                    [FILE.sgm[.gz]...]
//        train_focus --explain FILE...
// Default files: Reuters dev next to the repository; default --out:
// DATA_DIR/focus_model.txt. --explain prints each country of each article (any
// input format newsdex-index reads) with its probability under the model in
// the data directory ("*": a focus).
//
// Examples: one per (article, country the extractor finds in it), with the
// features CountryExtractor computes at index time (FacetExtractor::Extract's
// focus_candidates: one code path); the label is whether PLACES lists the
// country. Scoring (tools/reuters_dev.h, as eval_extract's "every doc" line):
// every article counts, a focus country in an article without PLACES counts
// against precision, and a label the extractor never finds counts as a miss.
//
// Cross-validation by file: for each dev file, C and the decision threshold
// are chosen by an inner leave-one-file-out cross-validation over the other
// files only, a model trained on those files with that C scores the held-out
// file; the counts are summed over all files. The model written is trained
// on every file, with C and threshold chosen the same way over all of them.
// Never run this on the holdout part: it has no labels by design.
#include <linear.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "core/analyzer.h"
#include "core/data_path.h"
#include "core/flags.h"
#include "indexer/facet_extractor.h"
#include "indexer/focus_model.h"
#include "indexer/pipeline.h"
#include "indexer/reader.h"
#include "indexer/reuters_reader.h"
#include "tools/reuters_dev.h"

namespace newsdex::tools {
namespace {

using indexer::FocusFeatureVector;
using indexer::kFocusFeatureCount;

// The C values tried (liblinear's cost of errors; 1/C weighs the L2 penalty).
constexpr double kCosts[] = {0.01, 0.1, 1, 10, 100};

struct Example {
  FocusFeatureVector features;
  bool focus = false;  // PLACES lists the country
  bool labelled = false;  // the article has PLACES
};

// The examples of one .sgm file, and the labels no example carries.
struct FileExamples {
  std::string name;
  std::vector<Example> examples;
  long unreachable = 0;  // PLACES labels the extractor did not find
};

// Reads `path` and builds its examples with the index-time extractor.
absl::Status ReadExamples(const std::string& path, const indexer::FacetExtractor& extractor,
                          core::Analyzer& analyzer, FileExamples* out) {
  out->name = std::filesystem::path(path).filename().string();
  absl::flat_hash_map<std::string, long> unmapped;
  std::vector<indexer::FocusCandidate> candidates;
  return indexer::ReadReutersFile(
      path,
      [&](indexer::ReutersDocument doc) -> absl::Status {
        doc.article.actors_from_metadata = true;  // not needed here
        extractor.Extract(&doc.article, analyzer, nullptr, &candidates);
        const std::vector<std::string> gold =
            PlaceKeys(doc.places, extractor.countries().names(), &unmapped);
        long found = 0;
        for (const indexer::FocusCandidate& c : candidates) {
          const bool focus = std::find(gold.begin(), gold.end(), c.key) != gold.end();
          found += focus;
          out->examples.push_back({c.features, focus, !gold.empty()});
        }
        out->unreachable += static_cast<long>(gold.size()) - found;
        return absl::OkStatus();
      },
      [&](const absl::Status& e) {
        std::fprintf(stderr, "train_focus: %s: skipped: %s\n", path.c_str(),
                     std::string(e.message()).c_str());
      });
}

// liblinear rows: the features (1-based), the bias feature, the terminator.
std::vector<feature_node> Row(const FocusFeatureVector& features) {
  std::vector<feature_node> row;
  for (size_t i = 0; i < kFocusFeatureCount; ++i) {
    if (features[i] != 0) row.push_back({static_cast<int>(i + 1), features[i]});
  }
  row.push_back({static_cast<int>(kFocusFeatureCount + 1), 1.0});
  row.push_back({-1, 0});
  return row;
}

void Quiet(const char*) {}

// --train_unlabelled: also train on the articles without PLACES (set once in
// Main, before any training). Off by default: 1,524 of the 14,000 dev
// articles have no PLACES, most of them unprocessed tables and briefs
// without a dateline ("BYPASS"), and training on them taught the model that
// an article without a dateline has no focus (weight -1.8): cross-validation
// rose from 0.906 to 0.914 on Reuters, but "Iran rejects talks" with Iran in
// title and lead lost its focus, as would most news without a wire dateline.
bool g_train_unlabelled = false;

// A logistic regression trained with liblinear on `files`, as a FocusModel
// with `threshold`. Checks that our probabilities are liblinear's.
indexer::FocusModel Train(const std::vector<const FileExamples*>& files, double cost,
                          double threshold) {
  std::vector<std::vector<feature_node>> rows;
  std::vector<double> labels;
  std::vector<const Example*> examples;
  for (const FileExamples* f : files) {
    for (const Example& e : f->examples) {
      if (!e.labelled && !g_train_unlabelled) continue;
      rows.push_back(Row(e.features));
      labels.push_back(e.focus ? 1 : -1);
      examples.push_back(&e);
    }
  }
  std::vector<feature_node*> x;
  for (auto& r : rows) x.push_back(r.data());
  problem prob{};
  prob.l = static_cast<int>(rows.size());
  prob.n = static_cast<int>(kFocusFeatureCount + 1);
  prob.y = labels.data();
  prob.x = x.data();
  prob.bias = -1;  // the bias is our last feature (Row), a weight like the others
  parameter param{};
  param.solver_type = L2R_LR;
  param.eps = 0.001;
  param.C = cost;
  set_print_string_function(&Quiet);
  model* m = train(&prob, &param);
  int label[2];
  get_labels(m, label);
  // liblinear's decision values are for its first label.
  const double sign = label[0] == 1 ? 1 : -1;
  FocusFeatureVector weights;
  for (size_t i = 0; i < kFocusFeatureCount; ++i) {
    weights[i] = static_cast<float>(sign * get_decfun_coef(m, static_cast<int>(i + 1), 0));
  }
  const double bias = sign * get_decfun_coef(m, static_cast<int>(kFocusFeatureCount + 1), 0);
  const indexer::FocusModel out(weights, bias, threshold);
  for (size_t i = 0; i < rows.size(); i += 101) {
    double probs[2];
    predict_probability(m, x[i], probs);
    const double theirs = label[0] == 1 ? probs[0] : probs[1];
    if (std::abs(theirs - out.Probability(examples[i]->features)) > 1e-4) {
      std::fprintf(stderr, "train_focus: our probability %.6f != liblinear's %.6f\n",
                   out.Probability(examples[i]->features), theirs);
      std::exit(1);
    }
  }
  free_and_destroy_model(&m);
  return out;
}

// A held-out prediction.
struct Scored {
  double probability;
  bool focus;
  bool labelled;
};

FocusScore ScoreAt(const std::vector<Scored>& scored, long unreachable, double threshold) {
  FocusScore out;
  out.fn = unreachable;
  for (const Scored& s : scored) {
    const bool given = s.probability >= threshold;
    if (given && s.focus) {
      ++out.tp;
    } else if (given) {
      ++(s.labelled ? out.fp : out.fp_unlabelled);
    } else if (s.focus) {
      ++out.fn;
    }
  }
  return out;
}

// The threshold with the best F1 over `scored` (midway between two
// predictions); *f1 receives that F1.
double BestThreshold(std::vector<Scored> scored, long unreachable, double* f1) {
  std::sort(scored.begin(), scored.end(),
            [](const Scored& a, const Scored& b) { return a.probability > b.probability; });
  long positives = unreachable;
  for (const Scored& s : scored) positives += s.focus;
  long tp = 0, given = 0;
  double best = 0.5;
  *f1 = 0;
  for (size_t i = 0; i < scored.size(); ++i) {
    tp += scored[i].focus;
    ++given;
    if (i + 1 < scored.size() && scored[i + 1].probability == scored[i].probability) continue;
    const double f = 2.0 * tp / (given + positives);
    if (f > *f1) {
      *f1 = f;
      best = i + 1 < scored.size() ? (scored[i].probability + scored[i + 1].probability) / 2
                                   : scored[i].probability;
    }
  }
  return best;
}

std::vector<const FileExamples*> AllBut(const std::vector<const FileExamples*>& files,
                                        const FileExamples* held_out) {
  std::vector<const FileExamples*> out;
  for (const FileExamples* f : files) {
    if (f != held_out) out.push_back(f);
  }
  return out;
}

struct Choice {
  double cost = 1;
  double threshold = 0.5;
  double f1 = 0;  // of the leave-one-file-out predictions over the files chosen on
};

// C and threshold by leave-one-file-out cross-validation over `files` only.
Choice Choose(const std::vector<const FileExamples*>& files) {
  Choice best;
  for (double cost : kCosts) {
    std::vector<Scored> scored;
    long unreachable = 0;
    for (const FileExamples* held_out : files) {
      const indexer::FocusModel m = Train(AllBut(files, held_out), cost, 0.5);
      for (const Example& e : held_out->examples) {
        scored.push_back({m.Probability(e.features), e.focus, e.labelled});
      }
      unreachable += held_out->unreachable;
    }
    Choice c;
    c.cost = cost;
    c.threshold = BestThreshold(std::move(scored), unreachable, &c.f1);
    if (c.f1 > best.f1) best = c;
  }
  return best;
}

FocusScore& operator+=(FocusScore& a, const FocusScore& b) {
  a.tp += b.tp;
  a.fp += b.fp;
  a.fn += b.fn;
  a.fp_unlabelled += b.fp_unlabelled;
  return a;
}

// Cross-validation by file: each file scored by a model that never saw it,
// with C and threshold chosen without it.
FocusScore CrossValidate(const std::vector<const FileExamples*>& files) {
  FocusScore total;
  for (const FileExamples* held_out : files) {
    const std::vector<const FileExamples*> train_files = AllBut(files, held_out);
    const Choice c = Choose(train_files);
    const indexer::FocusModel m = Train(train_files, c.cost, c.threshold);
    std::vector<Scored> scored;
    for (const Example& e : held_out->examples) {
      scored.push_back({m.Probability(e.features), e.focus, e.labelled});
    }
    const FocusScore s = ScoreAt(scored, held_out->unreachable, c.threshold);
    std::printf("  held out %s: C %g threshold %.3f (inner F1 %.3f)  %s\n",
                held_out->name.c_str(), c.cost, c.threshold, c.f1, s.Format().c_str());
    std::fflush(stdout);
    total += s;
  }
  return total;
}

// A directory of symbolic links to the files of `data_dir`, except that its
// focus model is a neutral one: features do not depend on the model, and so
// training never depends on the model it replaces and still runs after the
// feature list changed (when the committed model no longer loads).
absl::StatusOr<std::filesystem::path> NeutralDataDir(const std::string& data_dir) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / absl::StrCat("train_focus_", getpid());
  const std::string model_name(indexer::FocusModel::kFileName);
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return absl::InternalError(absl::StrCat(dir.string(), ": ", ec.message()));
  for (const fs::directory_entry& e : fs::directory_iterator(data_dir, ec)) {
    if (e.path().filename() == model_name) continue;
    fs::create_symlink(fs::absolute(e.path()), dir / e.path().filename(), ec);
    if (ec) return absl::InternalError(absl::StrCat(e.path().string(), ": ", ec.message()));
  }
  if (ec) return absl::NotFoundError(absl::StrCat(data_dir, ": ", ec.message()));
  const indexer::FocusModel neutral(FocusFeatureVector{}, 0, 0.5);
  absl::Status s = neutral.Save((dir / model_name).string(),
                                "neutral model: train_focus extracts features only");
  if (!s.ok()) return s;
  return dir;
}

// --explain: each country of each article in `paths` (read and prepared as
// newsdex-index does) with its probability under the model in the data
// directory.
int Explain(const std::vector<std::string>& paths, const indexer::FacetExtractor& extractor,
            core::Analyzer& analyzer) {
  const absl::StatusOr<indexer::FocusModel> model =
      indexer::FocusModel::Load(core::DataFile(indexer::FocusModel::kFileName));
  if (!model.ok()) {
    std::fprintf(stderr, "train_focus: %s\n", std::string(model.status().message()).c_str());
    return 2;
  }
  std::vector<indexer::FocusCandidate> candidates;
  absl::Status s = indexer::ReadInputs(
      paths, indexer::ReadOptions(),
      [&](core::Article a) {
        indexer::PrepareArticle(&a, &extractor, analyzer, nullptr);
        extractor.Extract(&a, analyzer, nullptr, &candidates);
        std::string line = absl::StrCat(a.id, ":");
        for (const indexer::FocusCandidate& c : candidates) {
          const double p = model->Probability(c.features);
          absl::StrAppend(&line, " ", c.key, absl::StrFormat(" %.3f", p),
                          p >= model->threshold() ? "*" : "");
        }
        std::printf("%s\n", line.c_str());
        return absl::OkStatus();
      },
      [](const absl::Status& e) {
        std::fprintf(stderr, "train_focus: %s\n", std::string(e.message()).c_str());
      });
  return s.ok() ? 0 : 1;
}

struct Options {
  std::string data_dir;
  std::string out;
  bool explain = false;
  bool cv = true;
  std::vector<std::string> files;
};

constexpr absl::string_view kUsage =
    "Usage: train_focus [--data_dir=DIR] [--out=FILE] [--no_cv] [--train_unlabelled]\n"
    "                   [FILE.sgm[.gz]...]\n"
    "       train_focus --explain FILE...\n";

absl::StatusOr<core::FlagsParsed> ParseOptions(int argc, char** argv, Options* options) {
  bool no_cv = false;
  const std::vector<core::Flag> table = {
      core::TextFlag("--data-dir", &options->data_dir),
      core::TextFlag("--out", &options->out),
      core::SwitchFlag("--train-unlabelled", &g_train_unlabelled),
      core::SwitchFlag("--explain", &options->explain),
      core::SwitchFlag("--no-cv", &no_cv),
  };
  core::FlagOptions flag_options;
  flag_options.usage = kUsage;
  absl::StatusOr<core::FlagsParsed> parsed = core::ParseFlags(
      argc, argv, table,
      [&](absl::string_view file) {
        options->files.emplace_back(file);
        return absl::OkStatus();
      },
      flag_options);
  options->cv = !no_cv;
  return parsed;
}

int Main(int argc, char** argv) {
  Options options;
  absl::StatusOr<core::FlagsParsed> parsed = ParseOptions(argc, argv, &options);
  if (!parsed.ok()) return core::ReportUsageError("train_focus", parsed.status());
  if (*parsed == core::FlagsParsed::kHelp) return 0;
  if (!options.data_dir.empty()) core::SetDataDir(options.data_dir);
  if (options.out.empty()) options.out = core::DataFile(indexer::FocusModel::kFileName);
  std::filesystem::path dev;
  if (options.files.empty()) options.files = ReutersDevFiles(&dev);
  if (options.files.size() < 3 && !options.explain) {
    std::fprintf(stderr, "train_focus: need at least 3 Reuters files (looked in %s)\n",
                 dev.c_str());
    return 2;
  }
  const absl::StatusOr<std::filesystem::path> neutral_dir = NeutralDataDir(core::DataDir());
  if (!neutral_dir.ok()) {
    std::fprintf(stderr, "train_focus: %s\n", std::string(neutral_dir.status().message()).c_str());
    return 2;
  }
  auto extractor = indexer::FacetExtractor::Load(neutral_dir->string());
  std::error_code ec;
  std::filesystem::remove_all(*neutral_dir, ec);
  auto analyzer = core::Analyzer::Create();
  if (!extractor.ok() || !analyzer.ok()) {
    std::fprintf(stderr, "train_focus: %s\n", std::string(extractor.status().message()).c_str());
    return 2;
  }
  if (options.explain) return Explain(options.files, **extractor, **analyzer);
  std::vector<FileExamples> data(options.files.size());
  std::vector<const FileExamples*> files;
  size_t examples = 0;
  for (size_t i = 0; i < options.files.size(); ++i) {
    absl::Status s = ReadExamples(options.files[i], **extractor, **analyzer, &data[i]);
    if (!s.ok()) {
      std::fprintf(stderr, "train_focus: %s\n", std::string(s.message()).c_str());
      return 1;
    }
    files.push_back(&data[i]);
    examples += data[i].examples.size();
  }
  std::printf("%zu examples (article, country) from %zu files\n", examples, files.size());
  std::string cv_line = "not run (--no_cv)";
  if (options.cv) {
    std::printf("cross-validation by file (C and threshold chosen inside the training files):\n");
    cv_line = CrossValidate(files).Format();
    std::printf("cross-validation by file, every doc scored: %s\n", cv_line.c_str());
  }
  const Choice c = Choose(files);
  const indexer::FocusModel model = Train(files, c.cost, c.threshold);
  std::vector<Scored> scored;
  long unreachable = 0;
  for (const FileExamples* f : files) {
    for (const Example& e : f->examples) {
      scored.push_back({model.Probability(e.features), e.focus, e.labelled});
    }
    unreachable += f->unreachable;
  }
  std::printf("final model: C %g threshold %.3f; on its own training docs (optimistic): %s\n",
              c.cost, c.threshold, ScoreAt(scored, unreachable, c.threshold).Format().c_str());
  const std::string comment = absl::StrCat(
      "Focus-country model (indexer/focus_model.h): logistic regression, liblinear L2R_LR,\n",
      "trained by tools/train_focus on Reuters-21578 dev (", files.size(), " files, ", examples,
      " examples); C ", c.cost, ", threshold chosen by leave-one-file-out F1.\n",
      "Cross-validation by file, every doc scored: ", cv_line, "\n",
      "Rebuild: see data/README.md. Do not edit by hand.");
  absl::Status s = model.Save(options.out, comment);
  if (!s.ok()) {
    std::fprintf(stderr, "train_focus: %s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("wrote %s\n", options.out.c_str());
  return 0;
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) { return newsdex::tools::Main(argc, argv); }

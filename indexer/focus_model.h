// The focus model: the one place where the learned focus decision is loaded
// and applied. Whether a country is a focus of an article (what the article is
// about or reports from) is decided by L2-regularised logistic regression over
// the features of focus_features.h, trained on the Reuters-21578 dev PLACES
// labels by tools/train_focus (with liblinear; the command is in
// data/README.md). Cross-validated by file on dev it scores above the hand
// rules it replaced (numbers in docs/benchmarks.md, "Learned focus").
//
// File (data/focus_model.txt, our own text format, written by train_focus):
//   lines starting with '#' are comments;
//   "threshold<TAB>P": a country is a focus when its probability >= P, 0 < P < 1;
//   "bias<TAB>W": the intercept;
//   "<feature name><TAB>W": one row for each name of FocusFeatureNames(), in
//   any order.
// Load rejects, naming the file and line: a missing, unknown or repeated
// feature, a missing threshold or bias, a value that is not a finite number,
// a threshold outside (0, 1). A model trained for another feature list
// therefore fails at startup rather than weighing the wrong numbers.
//
// Why our own format and our own dot product rather than liblinear's model
// file and predict_probability: the indexer does not link liblinear (it is
// needed only to train), rows are keyed by feature name (liblinear's are by
// position), and the threshold chosen by cross-validation lives beside the
// weights. train_focus checks that our probabilities equal liblinear's.
//
// Thread safety: a loaded FocusModel is immutable; every method is const.
#ifndef NEWSDEX_INDEXER_FOCUS_MODEL_H_
#define NEWSDEX_INDEXER_FOCUS_MODEL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "indexer/focus_features.h"

namespace newsdex::indexer {

class FocusModel {
 public:
  FocusModel(const FocusFeatureVector& weights, double bias, double threshold);

  // Reads a model file (format above). kNotFound if it cannot be opened.
  static absl::StatusOr<FocusModel> Load(const std::string& path);
  // The file name in the data directory.
  static constexpr absl::string_view kFileName = "focus_model.txt";

  // Writes the model in the format Load reads, `comment` (lines) first.
  absl::Status Save(const std::string& path, absl::string_view comment) const;

  // bias + weights . features.
  double Margin(const FocusFeatureVector& features) const;
  // The logistic of Margin.
  double Probability(const FocusFeatureVector& features) const;
  // Probability >= threshold (compared as margins: no exp per country).
  bool IsFocus(const FocusFeatureVector& features) const {
    return Margin(features) >= threshold_margin_;
  }

  const FocusFeatureVector& weights() const { return weights_; }
  double bias() const { return bias_; }
  double threshold() const { return threshold_; }

 private:
  FocusFeatureVector weights_;
  double bias_;
  double threshold_;
  double threshold_margin_;  // log(threshold / (1 - threshold))
};

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_FOCUS_MODEL_H_

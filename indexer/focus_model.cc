#include "indexer/focus_model.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace newsdex::indexer {
namespace {

double LogOdds(double p) { return std::log(p / (1 - p)); }

}  // namespace

FocusModel::FocusModel(const FocusFeatureVector& weights, double bias, double threshold)
    : weights_(weights), bias_(bias), threshold_(threshold), threshold_margin_(LogOdds(threshold)) {}

absl::StatusOr<FocusModel> FocusModel::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  const auto& names = FocusFeatureNames();
  std::array<std::optional<float>, kFocusFeatureCount> weights;
  std::optional<double> bias, threshold;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    absl::string_view row = absl::StripTrailingAsciiWhitespace(line);
    if (row.empty() || row[0] == '#') continue;
    const auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line_no, ": ", what));
    };
    const std::vector<absl::string_view> cols = absl::StrSplit(row, '\t');
    double value = 0;
    if (cols.size() != 2 || !absl::SimpleAtod(cols[1], &value) || !std::isfinite(value)) {
      return error("expected a name, a tab and a finite number");
    }
    std::optional<double>* slot = nullptr;
    if (cols[0] == "bias") slot = &bias;
    if (cols[0] == "threshold") {
      if (!(value > 0 && value < 1)) return error("threshold must be between 0 and 1");
      slot = &threshold;
    }
    if (slot != nullptr) {
      if (slot->has_value()) return error(absl::StrCat("\"", cols[0], "\" given twice"));
      *slot = value;
      continue;
    }
    const auto it = std::find(names.begin(), names.end(), cols[0]);
    if (it == names.end()) {
      return error(absl::StrCat("unknown feature \"", cols[0],
                                "\" (the model is for another feature list: retrain it)"));
    }
    std::optional<float>& w = weights[static_cast<size_t>(it - names.begin())];
    if (w.has_value()) return error(absl::StrCat("feature \"", cols[0], "\" given twice"));
    w = static_cast<float>(value);
  }
  FocusFeatureVector out;
  for (size_t i = 0; i < kFocusFeatureCount; ++i) {
    if (!weights[i].has_value()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": no weight for feature \"", names[i],
                                                     "\" (retrain the model)"));
    }
    out[i] = *weights[i];
  }
  if (!bias || !threshold) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": needs a bias and a threshold row"));
  }
  return FocusModel(out, *bias, *threshold);
}

absl::Status FocusModel::Save(const std::string& path, absl::string_view comment) const {
  std::ostringstream text;
  for (absl::string_view c : absl::StrSplit(comment, '\n', absl::SkipEmpty())) {
    text << "# " << c << "\n";
  }
  text << absl::StrFormat("threshold\t%.9g\nbias\t%.9g\n", threshold_, bias_);
  for (size_t i = 0; i < kFocusFeatureCount; ++i) {
    text << absl::StrFormat("%s\t%.9g\n", std::string(FocusFeatureNames()[i]), weights_[i]);
  }
  std::ofstream out(path, std::ios::trunc);
  out << text.str();
  out.close();
  if (!out) return absl::InternalError(absl::StrCat(path, ": cannot write"));
  return absl::OkStatus();
}

double FocusModel::Margin(const FocusFeatureVector& features) const {
  double margin = bias_;
  for (size_t i = 0; i < kFocusFeatureCount; ++i) margin += double{weights_[i]} * features[i];
  return margin;
}

double FocusModel::Probability(const FocusFeatureVector& features) const {
  return 1 / (1 + std::exp(-Margin(features)));
}

}  // namespace newsdex::indexer

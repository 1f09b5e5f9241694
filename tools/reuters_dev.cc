#include "tools/reuters_dev.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace newsdex::tools {
namespace {

// Reuters spellings that are not a name or alias of the country in our data.
const absl::flat_hash_map<std::string, std::string>& ReutersPlaceKeys() {
  static const auto* table = new absl::flat_hash_map<std::string, std::string>{
      {"usa", "us"},
      {"uk", "gb"},
      {"ussr", "su"},
      {"west-germany", "wg"},
      {"east-germany", "dd"},
      {"yemen-arab-republic", "ye"},
      {"yemen-demo-republic", "yd"},
      {"uae", "ae"},
      {"trinidad-tobago", "tt"},
      {"kampuchea", "kh"},
      {"us-virgin-islands", "vi"},
      {"burma", "bu"},
      {"congo", "cg"},  // 1987: the Republic of the Congo (Zaire is "zaire")
      {"south-korea", "kr"},
      {"north-korea", "kp"},
  };
  return *table;
}

}  // namespace

std::vector<std::string> ReutersDevFiles(std::filesystem::path* dev) {
  *dev = std::filesystem::path(NEWSDEX_SOURCE_DIR) / "../shared/corpora/reuters21578/dev";
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(*dev, ec)) {
    if (absl::EndsWith(e.path().string(), ".sgm.gz")) files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> PlaceKeys(const std::vector<std::string>& labels,
                                   const core::CountryNames& names,
                                   absl::flat_hash_map<std::string, long>* unmapped) {
  std::vector<std::string> keys;
  for (const std::string& label : labels) {
    std::string key;
    auto it = ReutersPlaceKeys().find(label);
    if (it != ReutersPlaceKeys().end()) {
      key = it->second;
    } else if (auto r = names.Resolve(absl::StrReplaceAll(label, {{"-", " "}}))) {
      key = *r;
    } else {
      ++(*unmapped)[label];
      key = "?" + label;
    }
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  return keys;
}

double FocusScore::Precision() const {
  const long given = tp + fp + fp_unlabelled;
  return given > 0 ? static_cast<double>(tp) / given : 0;
}

double FocusScore::Recall() const {
  return tp + fn > 0 ? static_cast<double>(tp) / (tp + fn) : 0;
}

double FocusScore::F1() const {
  const double p = Precision(), r = Recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

std::string FocusScore::Format() const {
  return absl::StrFormat("P %.3f  R %.3f  F1 %.3f  (tp %d fp %d + %d in unlabelled docs, fn %d)",
                         Precision(), Recall(), F1(), tp, fp, fp_unlabelled, fn);
}

}  // namespace newsdex::tools

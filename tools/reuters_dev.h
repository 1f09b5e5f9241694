// Reuters-21578 dev for the extraction tools (eval_extract, train_focus): where
// its files are, its PLACES labels as our country keys, and the focus-country
// score both tools print, so that the learned focus model is estimated by the
// very scorer that measures the extractor.
// Never point these at the holdout part: it has no labels by design.
#ifndef NEWSDEX_TOOLS_REUTERS_DEV_H_
#define NEWSDEX_TOOLS_REUTERS_DEV_H_

#include <filesystem>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "core/country_names.h"

namespace newsdex::tools {

// The Reuters dev files (*.sgm.gz) next to the repository, sorted; empty if
// none. *dev is set to the directory looked in.
std::vector<std::string> ReutersDevFiles(std::filesystem::path* dev);

// Keys of a Reuters doc's PLACES labels: mapped by name (core::CountryNames)
// plus a fixed table for the Reuters spellings (usa, uk, ussr,
// west-germany...). Labels that are no country in our scheme stay as "?label"
// (they count as misses) and are counted in *unmapped.
std::vector<std::string> PlaceKeys(const std::vector<std::string>& labels,
                                   const core::CountryNames& names,
                                   absl::flat_hash_map<std::string, long>* unmapped);

// Focus countries against PLACES with every article scored, as on the
// holdout: a focus country in an article without PLACES counts against
// precision (fp_unlabelled).
struct FocusScore {
  long tp = 0, fp = 0, fn = 0;
  long fp_unlabelled = 0;  // focus countries given in articles without PLACES
  double Precision() const;
  double Recall() const;
  double F1() const;
  // "P 0.xxx  R 0.xxx  F1 0.xxx  (tp .. fp .. fn ..)"
  std::string Format() const;
};

}  // namespace newsdex::tools

#endif  // NEWSDEX_TOOLS_REUTERS_DEV_H_

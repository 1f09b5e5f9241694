// ICU's names for things in a given language: country display names, month and
// weekday names, and the words for days relative to today ("hier", "gestern").
// The one place newsdex asks ICU's locale data (CLDR, as shipped with the
// linked ICU) for words; the extractors use them to read text in languages
// other than English, and CountryNames to resolve foreign country names.
//
// Strings are returned as ICU spells them (UTF-8, accents and case kept);
// callers fold them as they fold text (Analyzer::FoldKey).
//
// Thread safety: stateless functions; safe from any thread.
#ifndef NEWSDEX_CORE_LOCALE_NAMES_H_
#define NEWSDEX_CORE_LOCALE_NAMES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace newsdex::core {

// The name of the country with ISO 3166-1 alpha-2 `key` ("es", any case) in
// `language` (ISO 639-1): "Espagne" for ("es", "fr"). Empty when ICU has no
// name of its own for it (it then echoes the code) or the key is not a
// country ICU knows.
std::string LocaleCountryName(absl::string_view key, absl::string_view language);

// Month and weekday names and relative day words of one language.
struct LocaleDateNames {
  // months[m]: the names of month m + 1 (January = 0): wide forms, format and
  // stand-alone, deduplicated ("février").
  std::vector<std::string> months[12];
  // abbreviations[m]: the abbreviated forms of month m + 1, without a final
  // dot: ICU's ("févr", "sept") and the wide name's first three or four
  // letters where no other month starts with them ("fév", "janv").
  std::vector<std::string> abbreviations[12];
  // weekdays[d]: the wide name of weekday d, Monday = 0 ("lundi",
  // "segunda-feira").
  std::string weekdays[7];
  // Days relative to today, offset in days -> phrase: {-2, "avant-hier"},
  // {-1, "hier"}, {0, "aujourd’hui"}, {1, "demain"}, {2, "après-demain"}.
  // Offsets ICU has no word for are left out.
  std::vector<std::pair<int, std::string>> relative_days;
};

// The date names of `language` (ISO 639-1). Returns kInvalidArgument when ICU
// has no data of its own for the language (it would fall back to the root
// locale's "M01"... names), kInternal for another ICU error.
absl::StatusOr<LocaleDateNames> DateNamesFor(absl::string_view language);

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_LOCALE_NAMES_H_

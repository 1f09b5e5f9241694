// Date facet extraction: the publication date of an article when its metadata
// has none (from the dateline, else the first full date of the lead), and the
// dates its text mentions, each at its precision ("2025-08-24", "2025-06",
// "2015"), with relative expressions ("yesterday", "last Tuesday", "on Feb 26")
// resolved against the publication date.
//
// Works on the analyzer's tokens of a TextZone, checking the original text for
// separators ("2025-08-24"), digit grouping ("1,000") and currency ("$2015").
// Only years 1800-2099 count. A bare four-digit number is a year only in a date
// context ("in 2015", "since 2015", "the 2015 nuclear deal"), never in money or
// quantities.
//
// A zone in another language (TextZone::language) is read with that
// language's forms instead: "14 février 2024", "8. November 2022", "6 de
// setembro de 2023", "1er mars", "en juin", "seit 2015", "hier", "mardi
// dernier", "el próximo lunes", with month and weekday names and the words for
// days around today from ICU and the other words from data/language_words.tsv.
//
// Thread safety: stateless functions; safe from any thread.
#ifndef NEWSDEX_INDEXER_DATE_EXTRACTOR_H_
#define NEWSDEX_INDEXER_DATE_EXTRACTOR_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "indexer/country_extractor.h"

namespace newsdex::indexer {

// True for an English month name or its news abbreviation ("march", "sept"),
// as the analyzer folds it.
bool IsMonthName(absl::string_view term);

// The date a dateline zone states ("WASHINGTON, Aug. 24, 2025 -"). A dateline
// without a year ("NEW YORK, March 3 -") gives a date only with `year_hint`.
std::optional<absl::CivilDay> DatelineDate(const TextZone& dateline,
                                           std::optional<int> year_hint);

// The first date with day, month and year in the body's first `max_bytes`
// bytes (the lead), or nullopt.
std::optional<absl::CivilDay> FirstFullDate(const TextZone& body, size_t max_bytes);

// Every date mentioned in the zones, normalized to its precision, deduplicated
// and sorted. Expressions without a year ("on Feb 26", "yesterday", "in June")
// need `published`; without it they are skipped.
std::vector<std::string> MentionedDates(const std::vector<TextZone>& zones,
                                        std::optional<absl::CivilDay> published);

}  // namespace newsdex::indexer

#endif  // NEWSDEX_INDEXER_DATE_EXTRACTOR_H_

#include "core/locale_names.h"

#include <algorithm>

#include <unicode/dtfmtsym.h>
#include <unicode/locid.h>
#include <unicode/reldatefmt.h>
#include <unicode/unistr.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace newsdex::core {
namespace {

std::string Utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

void AddUnique(std::vector<std::string>* names, std::string name) {
  if (name.empty()) return;
  if (std::find(names->begin(), names->end(), name) == names->end()) {
    names->push_back(std::move(name));
  }
}

// ICU's weekday arrays are indexed by UCAL_SUNDAY (1) .. UCAL_SATURDAY (7);
// ours start on Monday.
int MondayFirst(int ucal_day) { return (ucal_day + 5) % 7; }

// `abbreviated`: ICU's abbreviations too. A regional variant's would clash:
// one of French's abbreviates juin as "jui", which is juillet's start too.
void AddMonths(const icu::DateFormatSymbols& symbols, bool abbreviated, LocaleDateNames* out) {
  using Symbols = icu::DateFormatSymbols;
  for (Symbols::DtContextType context : {Symbols::FORMAT, Symbols::STANDALONE}) {
    for (Symbols::DtWidthType width : {Symbols::WIDE, Symbols::ABBREVIATED}) {
      if (width == Symbols::ABBREVIATED && !abbreviated) continue;
      int32_t count = 0;
      const icu::UnicodeString* names = symbols.getMonths(count, context, width);
      for (int32_t m = 0; m < count && m < 12; ++m) {
        std::string name = Utf8(names[m]);
        if (width == Symbols::WIDE) {
          AddUnique(&out->months[m], std::move(name));
        } else {
          AddUnique(&out->abbreviations[m], std::string(absl::StripSuffix(name, ".")));
        }
      }
    }
  }
}

// The wide month names of every regional variant ICU has for `language`:
// some name a month their own way ("Jänner" in Austria, "setiembre" in
// Peru), and a dateline from there uses them. About 1.5 ms a language (ICU
// 72: 104 regional locales for the six languages, two names of their own).
void AddRegionalMonths(absl::string_view language, LocaleDateNames* out) {
  int32_t count = 0;
  const icu::Locale* locales = icu::Locale::getAvailableLocales(count);
  for (int32_t i = 0; i < count; ++i) {
    if (language != locales[i].getLanguage() || locales[i].getCountry()[0] == '\0') continue;
    UErrorCode status = U_ZERO_ERROR;
    const icu::DateFormatSymbols symbols(locales[i], status);
    if (U_SUCCESS(status)) AddMonths(symbols, /*abbreviated=*/false, out);
  }
}

// Agencies also cut month names to their first three or four letters
// ("21 fév. 2025", "3 de jun. de 2024"; ICU's French is "févr."): such a
// prefix of a wide name is an abbreviation too unless it could be another
// month's ("jui": juin or juillet).
void AddPrefixAbbreviations(LocaleDateNames* out) {
  std::vector<icu::UnicodeString> names[12];
  for (int m = 0; m < 12; ++m) {
    for (const std::string& name : out->months[m]) {
      names[m].push_back(icu::UnicodeString::fromUTF8(name));
    }
  }
  auto another_starts_with = [&](int m, const icu::UnicodeString& prefix) {
    for (int other = 0; other < 12; ++other) {
      if (other == m) continue;
      for (const icu::UnicodeString& name : names[other]) {
        if (name.startsWith(prefix)) return true;
      }
    }
    return false;
  };
  for (int32_t length : {3, 4}) {
    for (int m = 0; m < 12; ++m) {
      for (const icu::UnicodeString& name : names[m]) {
        if (name.countChar32() <= length) continue;
        const icu::UnicodeString prefix = name.tempSubString(0, name.moveIndex32(0, length));
        if (!another_starts_with(m, prefix)) AddUnique(&out->abbreviations[m], Utf8(prefix));
      }
    }
  }
}

// Yesterday, today, tomorrow and the days either side, as one word or phrase
// ("pasado mañana").
absl::Status AddRelativeDays(const icu::Locale& locale, LocaleDateNames* out) {
  UErrorCode status = U_ZERO_ERROR;
  icu::RelativeDateTimeFormatter formatter(locale, status);
  if (U_FAILURE(status)) {
    return absl::InternalError(absl::StrCat("ICU RelativeDateTimeFormatter for ",
                                            locale.getName(), ": ", u_errorName(status)));
  }
  const std::pair<int, UDateDirection> days[] = {
      {-2, UDAT_DIRECTION_LAST_2}, {-1, UDAT_DIRECTION_LAST}, {0, UDAT_DIRECTION_THIS},
      {1, UDAT_DIRECTION_NEXT},    {2, UDAT_DIRECTION_NEXT_2}};
  for (const auto& [offset, direction] : days) {
    icu::UnicodeString phrase;
    UErrorCode day_status = U_ZERO_ERROR;
    formatter.format(direction, UDAT_ABSOLUTE_DAY, phrase, day_status);
    // Languages without a word for the day after tomorrow leave it empty.
    if (U_FAILURE(day_status) || phrase.isEmpty()) continue;
    out->relative_days.emplace_back(offset, Utf8(phrase));
  }
  return absl::OkStatus();
}

}  // namespace

std::string LocaleCountryName(absl::string_view key, absl::string_view language) {
  const std::string region = absl::AsciiStrToUpper(key);
  icu::UnicodeString name;
  icu::Locale("", region.c_str()).getDisplayCountry(icu::Locale(std::string(language).c_str()),
                                                    name);
  std::string out = Utf8(name);
  return out == region ? std::string() : out;
}

absl::StatusOr<LocaleDateNames> DateNamesFor(absl::string_view language) {
  const icu::Locale locale(std::string(language).c_str());
  UErrorCode status = U_ZERO_ERROR;
  icu::DateFormatSymbols symbols(locale, status);
  if (U_FAILURE(status)) {
    return absl::InternalError(
        absl::StrCat("ICU DateFormatSymbols for \"", language, "\": ", u_errorName(status)));
  }
  // ICU falls back to the default locale (English) for a language it has no
  // data for; its names would then pass for the language's own.
  if (status == U_USING_FALLBACK_WARNING || status == U_USING_DEFAULT_WARNING) {
    return absl::InvalidArgumentError(
        absl::StrCat("ICU has no date names for language \"", language, "\""));
  }
  LocaleDateNames out;
  AddMonths(symbols, /*abbreviated=*/true, &out);
  AddRegionalMonths(language, &out);
  AddPrefixAbbreviations(&out);
  int32_t count = 0;
  const icu::UnicodeString* weekdays =
      symbols.getWeekdays(count, icu::DateFormatSymbols::FORMAT, icu::DateFormatSymbols::WIDE);
  for (int32_t day = UCAL_SUNDAY; day <= UCAL_SATURDAY && day < count; ++day) {
    out.weekdays[MondayFirst(day)] = Utf8(weekdays[day]);
  }
  if (absl::Status s = AddRelativeDays(locale, &out); !s.ok()) return s;
  return out;
}

}  // namespace newsdex::core

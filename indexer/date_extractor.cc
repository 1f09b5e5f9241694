#include "indexer/date_extractor.h"

#include <algorithm>
#include <cstdio>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace newsdex::indexer {
namespace {

// Years read as dates: from 1800, for history ("printed in 1885"); the
// context guards below keep quantities ("1850 tonnes") out.
constexpr int kMinYear = 1800;
constexpr int kMaxYear = 2099;

// English month names; news abbreviates them to their first three letters
// ("Aug", "Sept." too).
constexpr absl::string_view kMonthNames[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// The month of a full name or its abbreviation ("august", "aug", "sept"), 0
// for any other word. No two months share their first three letters, so one
// pass over the names with a first-letter test decides: Scanner::Read asks
// this of every capitalised word, and the hash lookup it replaces, asked of
// every token, was a fifth of date extraction (callgrind, 4,000 Reuters
// articles: 50M of 226M instructions).
int MonthOf(absl::string_view term) {
  if (term.size() < 3 || term.size() > 9) return 0;
  for (int m = 0; m < 12; ++m) {
    const absl::string_view name = kMonthNames[m];
    if (term[0] != name[0] || term[1] != name[1] || term[2] != name[2]) continue;
    return term.size() == 3 || term == name || (m == 8 && term == "sept") ? m + 1 : 0;
  }
  return 0;
}

// 0 Monday .. 6 Sunday; -1 if not a weekday name.
int WeekdayOf(absl::string_view term) {
  // Every name ends in "day": most words never reach the lookup, which was
  // another fifth of date extraction when every token did (48M of 226M).
  if (term.size() < 6 || !absl::EndsWith(term, "day")) return -1;
  static const auto* days = new absl::flat_hash_map<std::string, int>{
      {"monday", 0}, {"tuesday", 1}, {"wednesday", 2}, {"thursday", 3},
      {"friday", 4}, {"saturday", 5}, {"sunday", 6}};
  auto it = days->find(term);
  return it == days->end() ? -1 : it->second;
}

bool IsDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// A day of month: "24", "3", "24th", "1st".
int DayOf(absl::string_view term) {
  absl::string_view digits = term;
  if (digits.size() > 2 && (absl::EndsWith(digits, "st") || absl::EndsWith(digits, "nd") ||
                            absl::EndsWith(digits, "rd") || absl::EndsWith(digits, "th"))) {
    digits.remove_suffix(2);
  }
  if (digits.size() > 2 || !IsDigits(digits)) return 0;
  int d = 0;
  if (!absl::SimpleAtoi(digits, &d) || d < 1 || d > 31) return 0;
  return d;
}

// Words after which a bare year or month is a date: "in 2015", "since June".
bool IsDatePreposition(absl::string_view term) {
  static const auto* words = new absl::flat_hash_set<std::string>{
      "in", "since", "by", "until", "till", "from", "during", "before", "after",
      "early", "late", "mid", "through", "throughout", "of", "last", "next",
      "this", "between", "year", "fiscal", "for", "until", "to", "around", "circa", "end", "beginning",
      "summer", "winter", "spring", "autumn", "fall"};
  return words->contains(term);
}

// Words after a four-digit number that make it a quantity, not a year.
bool IsQuantityWord(absl::string_view term) {
  static const auto* words = new absl::flat_hash_set<std::string>{
      "people", "civilians", "persons", "troops", "soldiers", "tonnes", "tons",
      "dlrs", "dollars", "barrels", "bpd", "shares", "pct", "percent", "mln",
      "billion", "million", "units", "cars", "jobs", "workers", "employees",
      "acres", "hectares", "kilos", "kg", "km", "miles", "metres", "meters",
      "feet", "bags", "bales", "ounces", "points", "votes", "deaths", "dead",
      "killed", "cases", "homes", "houses", "students", "members", "stores",
      "yen", "marks", "francs", "pounds", "lire", "rupees", "euros", "yuan",
      "hours", "minutes", "days", "times", "words", "pages", "tonne", "dlr"};
  return words->contains(term);
}

bool ValidDay(int y, int m, int d) {
  if (y < kMinYear || y > kMaxYear || m < 1 || m > 12 || d < 1) return false;
  absl::CivilDay day(y, m, d);
  return day.year() == y && day.month() == m && day.day() == d;
}

bool ParseYear(absl::string_view term, int* year) {
  if (term.size() != 4 || !IsDigits(term)) return false;
  int y = 0;
  if (!absl::SimpleAtoi(term, &y) || y < kMinYear || y > kMaxYear) return false;
  *year = y;
  return true;
}

struct DateHit {
  enum Precision { kYear, kMonth, kDay };
  Precision precision = kDay;
  int year = 0;  // 0: needs the publication year
  int month = 0;
  int day = 0;
  // For relative expressions: which way from the publication date.
  enum Direction { kNearest, kPast, kFuture } direction = kNearest;
};

// Days of month written in digits only: "14", "3".
int DayNumber(absl::string_view term) {
  int d = 0;
  if (term.size() > 2 || !IsDigits(term) || !absl::SimpleAtoi(term, &d) || d < 1 || d > 31) {
    return 0;
  }
  return d;
}

class Scanner {
 public:
  explicit Scanner(const TextZone& zone) : zone_(zone), t_(zone.tokens), lang_(zone.language) {}

  // The original text of token i.
  absl::string_view Raw(size_t i) const {
    return zone_.text.substr(t_[i].begin, t_[i].end - t_[i].begin);
  }
  absl::string_view Between(size_t i) const {  // text between token i and i+1
    return zone_.text.substr(t_[i].end, t_[i + 1].begin - t_[i].end);
  }
  bool Capitalized(size_t i) const {
    char c = zone_.text[t_[i].begin];
    return zone_.all_caps || (c >= 'A' && c <= 'Z');
  }
  // A view: comparing it with a literal ("last") compiles to a length check
  // and a memcmp; GCC 12 leaves std::string's compare out of line in this file
  // (callgrind, Reuters dev reut2-000: 2% more instructions).
  absl::string_view Term(size_t i) const { return t_[i].term; }
  size_t size() const { return t_.size(); }

  // A year token: exactly four digits in the text, not money or a quantity.
  bool YearAt(size_t i, int* year) const {
    if (!ParseYear(Term(i), year) || Raw(i).size() != 4) return false;
    const size_t b = t_[i].begin;
    if (b > 0) {
      char prev = zone_.text[b - 1];
      if (prev == '$' || prev == '#' || prev == '.' || prev == ',' || prev == '/') return false;
      if (b >= 2 && static_cast<unsigned char>(zone_.text[b - 1]) >= 0x80) {
        // "£2015", "€2015": a currency sign right before the digits.
        return false;
      }
    }
    const size_t e = t_[i].end;
    if (e < zone_.text.size() && zone_.text[e] == '%') return false;
    return true;
  }

  // Tries to read a date at token i; on success sets *hit and *next (first
  // token after it). The forms are tried in this order; a token fits at most
  // one of them, so the first that reads a date decides.
  // Out of line, and so is ReadInLanguage: the forms of other languages must
  // not change how the English ones compile (English extraction costs the
  // same instructions with or without them, callgrind on reut2-000).
  // The English forms split by the token's first character: an ISO date, a
  // day first and a year start with a digit, a month, a relative day and a
  // weekday with a letter, so each token tries only the three that can fit
  // (callgrind, 4,000 Reuters articles: trying the digit forms on every
  // token was a fifth of date extraction, 47M of 226M instructions).
  ABSL_ATTRIBUTE_NOINLINE bool Read(size_t i, DateHit* hit, size_t* next) const {
    if (lang_ != nullptr) return ReadInLanguage(i, hit, next);
    if (Term(i).empty()) return false;
    if (absl::ascii_isdigit(Term(i)[0])) {
      return ReadIsoDate(i, hit, next) || ReadDayFirst(i, hit, next) ||
             ReadYearInContext(i, hit, next);
    }
    return ReadMonthFirst(i, hit, next) || ReadRelativeDay(i, hit, next) ||
           ReadWeekday(i, hit, next);
  }

  // True if a date may start at token i (a dateline's date, not a relative
  // one): a day or a month.
  bool MayStartDate(size_t i) const {
    if (lang_ != nullptr) return LocaleMayStartDate(i);
    return MonthOf(Term(i)) != 0 || DayOf(Term(i)) != 0 || IsDigits(Term(i));
  }

 private:
  static bool Found(const DateHit& found, size_t after, DateHit* hit, size_t* next) {
    *hit = found;
    *next = after;
    return true;
  }

  // ISO 8601: 2025-08-24.
  bool ReadIsoDate(size_t i, DateHit* hit, size_t* next) const {
    int y = 0, m = 0, d = 0;
    if (!YearAt(i, &y) || i + 2 >= size() || Between(i) != "-" || Between(i + 1) != "-" ||
        Raw(i + 1).size() != 2 || Raw(i + 2).size() != 2 || !IsDigits(Term(i + 1)) ||
        !IsDigits(Term(i + 2))) {
      return false;
    }
    if (!absl::SimpleAtoi(Term(i + 1), &m) || !absl::SimpleAtoi(Term(i + 2), &d) ||
        !ValidDay(y, m, d)) {
      return false;
    }
    return Found(DateHit{DateHit::kDay, y, m, d}, i + 3, hit, next);
  }

  // Month first: "August 24, 2025", "Aug. 24", "June 2025", "in June".
  bool ReadMonthFirst(size_t i, DateHit* hit, size_t* next) const {
    // The cheap case test first: most words are not capitalised.
    if (!Capitalized(i)) return false;
    const int m = MonthOf(Term(i));
    if (m == 0) return false;
    if (i + 1 < size()) {
      if (const int d = DayOf(Term(i + 1)); d != 0 && Raw(i + 1).size() <= 4) {
        return ReadDayAndYear(i + 1, m, d, /*month_first=*/true, hit, next);
      }
      int y = 0;
      if (YearAt(i + 1, &y) && (Between(i) == " " || Between(i) == ", ")) {
        return Found(DateHit{DateHit::kMonth, y, m, 0}, i + 2, hit, next);
      }
    }
    // A bare month after a preposition ("in June", "last March"); "May" is
    // too often a verb to stand alone.
    if (m == 5 || i == 0 || !IsDatePreposition(Term(i - 1)) || Term(i).size() <= 3) return false;
    DateHit h{DateHit::kMonth, 0, m, 0};
    if (Term(i - 1) == "last" || Term(i - 1) == "since") h.direction = DateHit::kPast;
    if (Term(i - 1) == "next") h.direction = DateHit::kFuture;
    return Found(h, i + 1, hit, next);
  }

  // Day first: "24 Aug 2025", "3 March".
  bool ReadDayFirst(size_t i, DateHit* hit, size_t* next) const {
    const int d = DayOf(Term(i));
    if (d == 0 || i + 1 >= size() || Between(i) != " ") return false;
    const int m = MonthOf(Term(i + 1));
    if (m == 0 || !Capitalized(i + 1)) return false;
    return ReadDayAndYear(i + 1, m, d, /*month_first=*/false, hit, next);
  }

  // Day `d` of month `m`, whichever comes second at token `last`, and the
  // year after it if there is one, which must make a valid date. After a
  // month first ("August 24, 2025") only a blank or a comma may come before
  // the year; after a day first ("24 Aug. 2025") anything.
  bool ReadDayAndYear(size_t last, int m, int d, bool month_first, DateHit* hit,
                      size_t* next) const {
    int y = 0;
    if (last + 1 < size() && YearAt(last + 1, &y) &&
        (!month_first || Between(last) == ", " || Between(last) == " ")) {
      if (!ValidDay(y, m, d)) return false;
      return Found(DateHit{DateHit::kDay, y, m, d}, last + 2, hit, next);
    }
    return Found(DateHit{DateHit::kDay, 0, m, d}, last + 1, hit, next);
  }

  // A year in a date context: "in 2015", "the 2015 nuclear deal". A season
  // or fiscal span ("2015-16", "1986/87") names its first year.
  bool ReadYearInContext(size_t i, DateHit* hit, size_t* next) const {
    int y = 0;
    if (!YearAt(i, &y)) return false;
    const bool followed_by_word = i + 1 < size() && Between(i) == " ";
    if (followed_by_word && IsQuantityWord(Term(i + 1))) return false;
    bool context = i > 0 && IsDatePreposition(Term(i - 1));
    if (!context && i > 0 &&
        (Term(i - 1) == "the" || Term(i - 1) == "a" || Term(i - 1) == "its" ||
         Term(i - 1) == "their") &&
        followed_by_word && absl::ascii_isalpha(zone_.text[t_[i + 1].begin])) {
      context = true;  // "the 2015 nuclear deal", "the 2026 Winter Games"
    }
    if (!context) return false;
    return Found(DateHit{DateHit::kYear, y, 0, 0}, i + 1, hit, next);
  }

  // "yesterday", "today", "tomorrow": month -1 marks an offset in days from
  // publication.
  bool ReadRelativeDay(size_t i, DateHit* hit, size_t* next) const {
    const absl::string_view term = Term(i);
    if (term != "yesterday" && term != "today" && term != "tomorrow") return false;
    const int offset = term == "yesterday" ? -1 : term == "today" ? 0 : 1;
    return Found(DateHit{DateHit::kDay, 0, -1, offset}, i + 1, hit, next);
  }

  // "on Friday", "next Tuesday": month -2 marks a weekday.
  bool ReadWeekday(size_t i, DateHit* hit, size_t* next) const {
    const int w = WeekdayOf(Term(i));
    if (w < 0 || !Capitalized(i)) return false;
    DateHit h{DateHit::kDay, 0, -2, w};
    h.direction = DateHit::kPast;
    if (i > 0 && (Term(i - 1) == "next" || Term(i - 1) == "this" || Term(i - 1) == "until")) {
      h.direction = DateHit::kFuture;
    }
    if (i > 0 && Term(i - 1) == "last") h.direction = DateHit::kNearest;  // strictly before
    return Found(h, i + 1, hit, next);
  }

  // --- The forms of a language other than English (lang_ set) ---

  ABSL_ATTRIBUTE_NOINLINE bool ReadInLanguage(size_t i, DateHit* hit, size_t* next) const {
    return ReadIsoDate(i, hit, next) || ReadNumericDayFirst(i, hit, next) ||
           ReadLocaleDayFirst(i, hit, next) ||
           ReadLocaleMonth(i, hit, next) || ReadLocaleYear(i, hit, next) ||
           ReadLocalePhrase(i, hit, next);
  }

  // Token i is a word of one of `kinds` (DateWordKind bits).
  bool Is(size_t i, uint16_t kinds) const { return i < size() && lang_->Is(Term(i), kinds); }

  // A date preposition right before token i, directly or through a link: "en
  // juin", "a principios de 2024".
  bool AfterPreposition(size_t i) const {
    if (i == 0) return false;
    return Is(i - 1, kDatePreposition) ||
           (i >= 2 && Is(i - 1, kDateLink) && Is(i - 2, kDatePreposition));
  }

  // The token after i when token i + 1 is a link between blanks ("de"), else
  // i + 1.
  size_t AfterLink(size_t i) const {
    // Token i may be the last: nothing is read past it.
    if (i + 2 >= size() || !Is(i + 1, kDateLink) || Between(i + 1) != " ") return i + 1;
    // An abbreviated month keeps its dot before the link: "3 de jun. de 2024".
    const bool gap = Between(i) == " " || (Between(i) == ". " && LocaleMonthAt(i, false) == 0 &&
                                           LocaleMonthAt(i, true) != 0);
    return gap ? i + 2 : i + 1;
  }

  ABSL_ATTRIBUTE_NOINLINE bool LocaleMayStartDate(size_t i) const {
    // A dotted number ("19.02.2026") is one token and no day of its own.
    return LocaleDayOf(i) != 0 || LocaleMonthAt(i, true) != 0 ||
           (!Term(i).empty() && absl::ascii_isdigit(static_cast<unsigned char>(Term(i)[0])) &&
            absl::StrContains(Term(i), '.'));
  }

  // A day of month: "14", "1er", "1º" (folded "1o").
  int LocaleDayOf(size_t i) const {
    const absl::string_view term = Term(i);
    if (term.size() > 1 && term[0] == '1' && lang_->Is(term.substr(1), kDaySuffix)) {
      return 1;
    }
    return DayNumber(term);
  }

  // The month token i names (a full name, or also an abbreviation), else 0.
  int LocaleMonthAt(size_t i, bool abbreviated) const {
    if (auto it = lang_->months.find(Term(i)); it != lang_->months.end()) return it->second;
    if (!abbreviated) return 0;
    auto it = lang_->abbreviations.find(Term(i));
    return it == lang_->abbreviations.end() ? 0 : it->second;
  }

  // Token i opens a sentence: only blanks, quotes or brackets between it and
  // the zone start or a sentence end.
  bool AtSentenceStart(size_t i) const {
    size_t b = t_[i].begin;
    while (b > 0) {
      const char c = zone_.text[b - 1];
      if (c == ' ' || c == '\t' || c == '"' || c == '(' || c == '\'') {
        --b;
      } else if (b >= 2 && zone_.text.substr(b - 2, 2) == "\xC2\xAB") {  // «
        b -= 2;
      } else {
        return c == '.' || c == '!' || c == '?' || c == '\n' || c == ':';
      }
    }
    return true;
  }

  // A capital letter on token i that marks a name or a noun, not a sentence
  // start or a title in capitals.
  bool CapitalizedInside(size_t i) const {
    return !zone_.all_caps && Capitalized(i) && !AtSentenceStart(i);
  }

  // All digits, day first, as every one of these languages writes them:
  // "19.02.2026" (dpa-AFX; one token, as ICU keeps a number with dots),
  // "19/02/2026", "19-02-2026" (three tokens). Not a longer run of numbers
  // ("12.5.2024.3", a version or a reference).
  bool ReadNumericDayFirst(size_t i, DateHit* hit, size_t* next) const {
    const absl::string_view term = Term(i);
    if (term.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(term[0]))) return false;
    absl::string_view parts[3];
    size_t after = i + 1;
    if (const size_t dot = term.find('.'); dot != absl::string_view::npos) {
      const size_t second = term.find('.', dot + 1);
      if (second == absl::string_view::npos || term.find('.', second + 1) != term.npos) {
        return false;
      }
      parts[0] = term.substr(0, dot);
      parts[1] = term.substr(dot + 1, second - dot - 1);
      parts[2] = term.substr(second + 1);
    } else {
      const absl::string_view sep = i + 2 < size() ? Between(i) : "";
      if ((sep != "/" && sep != "-") || Between(i + 1) != sep) return false;
      if (i + 3 < size() && Between(i + 2) == sep && IsDigits(Term(i + 3))) return false;
      parts[0] = term;
      parts[1] = Term(i + 1);
      parts[2] = Term(i + 2);
      after = i + 3;
    }
    int d = DayNumber(parts[0]), m = 0, y = 0;
    if (d == 0 || parts[1].size() > 2 || !IsDigits(parts[1]) || !absl::SimpleAtoi(parts[1], &m) ||
        parts[2].size() != 4 || !ParseYear(parts[2], &y) || !ValidDay(y, m, d)) {
      return false;
    }
    return Found(DateHit{DateHit::kDay, y, m, d}, after, hit, next);
  }

  // Day first: "14 février 2024", "8. November 2022", "6 de setembro de
  // 2023", "1er mars", "14 févr. 2024", "23.nov.2025" (Brazilian papers).
  bool ReadLocaleDayFirst(size_t i, DateHit* hit, size_t* next) const {
    const int d = LocaleDayOf(i);
    if (d == 0 || i + 1 >= size()) return false;
    const absl::string_view gap = Between(i);
    const bool compact = gap == "." && i + 2 < size() && Between(i + 1) == ".";
    // "8. Nov", "1° marzo"
    if (gap != " " && gap != ". " && gap != "\xC2\xB0 " && !compact) return false;
    const size_t month = gap == " " ? AfterLink(i) : i + 1;
    const int m = LocaleMonthAt(month, /*abbreviated=*/true);
    if (m == 0) return false;
    const size_t year = AfterLink(month);
    int y = 0;
    // YearAt takes no year after a dot ("3.2015"); the compact form has one.
    const bool has_year =
        year < size() &&
        (compact ? Raw(year).size() == 4 && ParseYear(Term(year), &y) : YearAt(year, &y));
    if (has_year && (year > month + 1 || Between(month) == " " || Between(month) == ", " ||
                     Between(month) == ". " || compact)) {
      if (!ValidDay(y, m, d)) return false;
      return Found(DateHit{DateHit::kDay, y, m, d}, year + 1, hit, next);
    }
    return Found(DateHit{DateHit::kDay, 0, m, d}, month + 1, hit, next);
  }

  // A month with its year ("février 2024", "mayo de 2024"), or alone after a
  // preposition or a modifier ("en juin", "im vergangenen Juni", "lo scorso
  // giugno", "en juin dernier").
  bool ReadLocaleMonth(size_t i, DateHit* hit, size_t* next) const {
    const int m = LocaleMonthAt(i, /*abbreviated=*/false);
    if (m == 0) return false;
    const size_t year = AfterLink(i);
    int y = 0;
    if (year < size() && (year > i + 1 || Between(i) == " " || Between(i) == ", ") &&
        YearAt(year, &y)) {
      return Found(DateHit{DateHit::kMonth, y, m, 0}, year + 1, hit, next);
    }
    const bool last = i > 0 && Is(i - 1, kLastBefore);
    const bool coming = i > 0 && Is(i - 1, kNextBefore);
    if (!last && !coming && !AfterPreposition(i)) return false;
    DateHit h{DateHit::kMonth, 0, m, 0};
    size_t after = i + 1;
    if (last || Is(after, kLastAfter)) h.direction = DateHit::kPast;
    if (coming || Is(after, kNextAfter)) h.direction = DateHit::kFuture;
    if (Is(after, kLastAfter | kNextAfter)) ++after;
    return Found(h, after, hit, next);
  }

  // A year after a preposition: "en 2015", "seit 2015", "a finales de 2024";
  // not a quantity ("depuis 2000 personnes" is no date).
  bool ReadLocaleYear(size_t i, DateHit* hit, size_t* next) const {
    int y = 0;
    if (!YearAt(i, &y) || !AfterPreposition(i)) return false;
    if (i + 1 < size() && Between(i) == " " && Is(i + 1, kQuantity)) return false;
    return Found(DateHit{DateHit::kYear, y, 0, 0}, i + 1, hit, next);
  }

  // A weekday or a day relative to today, of one or more words ("hier",
  // "pasado mañana", "segunda-feira"); the longest phrase wins.
  bool ReadLocalePhrase(size_t i, DateHit* hit, size_t* next) const {
    std::string phrase;
    size_t length = 0;
    int value = 0;
    bool weekday = false;
    for (size_t len = 1; len <= lang_->max_phrase_words && i + len <= size(); ++len) {
      if (len > 1) {
        const absl::string_view gap = Between(i + len - 2);
        if (gap != " " && gap != "-") break;
        phrase.push_back(' ');
      }
      phrase.append(Term(i + len - 1).data(), Term(i + len - 1).size());
      if (auto it = lang_->relative_days.find(phrase); it != lang_->relative_days.end()) {
        length = len;
        value = it->second;
        weekday = false;
      } else if (auto w = lang_->weekdays.find(phrase); w != lang_->weekdays.end()) {
        length = len;
        value = w->second;
        weekday = true;
      }
    }
    if (length == 0) return false;
    if (weekday) return ReadLocaleWeekday(i, i + length, value, hit, next);
    // "esta mañana" is this morning; a capitalised German "Morgen" too.
    if ((i > 0 && Is(i - 1, kNounMarker)) || (lang_->capitalized_names && CapitalizedInside(i))) {
      return false;
    }
    return Found(DateHit{DateHit::kDay, 0, -1, value}, i + length, hit, next);
  }

  // Weekday `w` in tokens [i, after): "lundi", "le mardi dernier", "el
  // próximo lunes". A capitalised weekday inside a sentence of a language
  // that writes them in lower case is a name ("Plácido Domingo").
  bool ReadLocaleWeekday(size_t i, size_t after, int w, DateHit* hit, size_t* next) const {
    if (!lang_->capitalized_names && CapitalizedInside(i)) return false;
    DateHit h{DateHit::kDay, 0, -2, w};
    h.direction = DateHit::kPast;
    if ((i > 0 && Is(i - 1, kLastBefore)) || Is(after, kLastAfter)) {
      h.direction = DateHit::kNearest;  // strictly before, as "last Tuesday"
    } else if ((i > 0 && Is(i - 1, kNextBefore)) || Is(after, kNextAfter)) {
      h.direction = DateHit::kFuture;
    }
    if (Is(after, kLastAfter | kNextAfter)) ++after;
    return Found(h, after, hit, next);
  }

  const TextZone& zone_;
  const std::vector<core::Token>& t_;
  const LanguageWords* const lang_;  // nullptr: English
};

// Resolves a hit without a year against the publication day.
std::optional<DateHit> Resolve(DateHit hit, std::optional<absl::CivilDay> published) {
  if (hit.year != 0) return hit;
  if (!published) return std::nullopt;
  const absl::CivilDay pub = *published;
  if (hit.month == -1) {  // yesterday / today / tomorrow
    absl::CivilDay d = pub + hit.day;
    return DateHit{DateHit::kDay, static_cast<int>(d.year()), d.month(), d.day()};
  }
  if (hit.month == -2) {  // weekday
    const int pub_wd = (static_cast<int>(absl::GetWeekday(pub)));  // Monday == 0
    int back = (pub_wd - hit.day + 7) % 7;
    absl::CivilDay d = pub - back;  // on or before
    if (hit.direction == DateHit::kNearest && back == 0) d = pub - 7;  // "last Tuesday"
    if (hit.direction == DateHit::kFuture) {
      int ahead = (hit.day - pub_wd + 7) % 7;
      d = pub + (ahead == 0 ? 7 : ahead);
    }
    return DateHit{DateHit::kDay, static_cast<int>(d.year()), d.month(), d.day()};
  }
  int year = static_cast<int>(pub.year());
  if (hit.precision == DateHit::kMonth) {
    const int diff = hit.month - pub.month();
    if (hit.direction == DateHit::kPast) {
      if (diff > 0) --year;
    } else if (hit.direction == DateHit::kFuture) {
      if (diff <= 0) ++year;
    } else if (diff > 3) {
      --year;
    } else if (diff < -9) {
      ++year;
    }
    return DateHit{DateHit::kMonth, year, hit.month, 0};
  }
  // A day without a year: the nearest such day, at most ~3 months ahead.
  if (!ValidDay(year, hit.month, hit.day)) return std::nullopt;  // "Feb 29" in a common year
  absl::CivilDay d(year, hit.month, hit.day);
  if (d - pub > 92) {
    d = absl::CivilDay(year - 1, hit.month, hit.day);
  } else if (pub - d > 273) {
    d = absl::CivilDay(year + 1, hit.month, hit.day);
  }
  return DateHit{DateHit::kDay, static_cast<int>(d.year()), d.month(), d.day()};
}

std::string Format(const DateHit& h) {
  switch (h.precision) {
    case DateHit::kYear:
      return absl::StrFormat("%04d", h.year);
    case DateHit::kMonth:
      return absl::StrFormat("%04d-%02d", h.year, h.month);
    case DateHit::kDay:
      break;
  }
  return absl::StrFormat("%04d-%02d-%02d", h.year, h.month, h.day);
}

}  // namespace

bool IsMonthName(absl::string_view term) { return MonthOf(term) != 0; }

std::optional<absl::CivilDay> DatelineDate(const TextZone& dateline,
                                           std::optional<int> year_hint) {
  Scanner s(dateline);
  for (size_t i = 0; i < s.size(); ++i) {
    if (!s.MayStartDate(i)) continue;
    DateHit hit;
    size_t next = 0;
    if (!s.Read(i, &hit, &next) || hit.precision != DateHit::kDay || hit.month <= 0) continue;
    if (hit.year == 0) {
      if (!year_hint) return std::nullopt;
      hit.year = *year_hint;
    }
    if (!ValidDay(hit.year, hit.month, hit.day)) return std::nullopt;
    return absl::CivilDay(hit.year, hit.month, hit.day);
  }
  return std::nullopt;
}

std::optional<absl::CivilDay> FirstFullDate(const TextZone& body, size_t max_bytes) {
  Scanner s(body);
  for (size_t i = 0; i < s.size() && body.tokens[i].begin < max_bytes; ++i) {
    DateHit hit;
    size_t next = 0;
    if (s.Read(i, &hit, &next) && hit.precision == DateHit::kDay && hit.year != 0 &&
        hit.month > 0) {
      return absl::CivilDay(hit.year, hit.month, hit.day);
    }
  }
  return std::nullopt;
}

std::vector<std::string> MentionedDates(const std::vector<TextZone>& zones,
                                        std::optional<absl::CivilDay> published) {
  std::vector<std::string> out;
  for (const TextZone& zone : zones) {
    Scanner s(zone);
    for (size_t i = 0; i < s.size();) {
      DateHit hit;
      size_t next = 0;
      if (!s.Read(i, &hit, &next)) {
        ++i;
        continue;
      }
      i = next;
      if (std::optional<DateHit> resolved = Resolve(hit, published)) {
        if (resolved->year >= kMinYear && resolved->year <= kMaxYear) {
          out.push_back(Format(*resolved));
        }
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace newsdex::indexer

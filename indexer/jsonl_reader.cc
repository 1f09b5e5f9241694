#include "indexer/jsonl_reader.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/status_macros.h"
#include "indexer/internal/text_cleaning.h"

namespace newsdex::indexer {
namespace {

// ---------------------------------------------------------------------------
// Dates. A small hand-written scanner: the formats are few and fixed, and a
// regex per record would cost more than the JSON parse.

class Scanner {
 public:
  explicit Scanner(absl::string_view s) : s_(s) {}
  bool Done() const { return i_ >= s_.size(); }
  char Peek() const { return Done() ? '\0' : s_[i_]; }
  bool PeekDigit() const { return absl::ascii_isdigit(static_cast<unsigned char>(Peek())); }
  bool PeekAlpha() const { return absl::ascii_isalpha(static_cast<unsigned char>(Peek())); }
  void SkipSpaces() {
    while (!Done() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  bool Char(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  // Reads between min and max digits (stopping at the first non-digit).
  bool Digits(int min, int max, int* value) {
    int n = 0, v = 0;
    while (PeekDigit() && n < max) {
      v = v * 10 + (s_[i_] - '0');
      ++i_;
      ++n;
    }
    if (n < min || PeekDigit()) return false;
    *value = v;
    return true;
  }
  absl::string_view Word() {
    size_t start = i_;
    while (PeekAlpha()) ++i_;
    return s_.substr(start, i_ - start);
  }
  size_t pos() const { return i_; }
  void set_pos(size_t pos) { i_ = pos; }

 private:
  absl::string_view s_;
  size_t i_ = 0;
};

int MonthFromName(absl::string_view word) {
  static constexpr const char* kMonths[12] = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  if (word.size() < 3) return 0;
  std::string lower = absl::AsciiStrToLower(word);
  for (int m = 0; m < 12; ++m) {
    absl::string_view full = kMonths[m];
    if (lower == full || lower == full.substr(0, 3) ||
        (m == 8 && lower == "sept")) {
      return m + 1;
    }
  }
  return 0;
}

bool IsWeekday(absl::string_view word) {
  static constexpr const char* kDays[7] = {"monday", "tuesday", "wednesday",
                                           "thursday", "friday", "saturday",
                                           "sunday"};
  if (word.size() < 3) return false;
  std::string lower = absl::AsciiStrToLower(word);
  for (absl::string_view day : kDays) {
    if (lower == day || lower == day.substr(0, 3)) return true;
  }
  return false;
}

struct TimeOfDay {
  int hour = 0, minute = 0, second = 0;
  int offset_minutes = 0;  // east of UTC
};

// HH:MM[:SS[.fff]] [am|pm]. Leaves the scanner where it was if there is none.
bool ScanTime(Scanner& sc, TimeOfDay* t, bool* found) {
  *found = false;
  size_t start = sc.pos();
  int h = 0, m = 0, s = 0;
  if (!sc.PeekDigit()) return true;
  if (!sc.Digits(1, 2, &h) || !sc.Char(':') || !sc.Digits(2, 2, &m)) {
    sc.set_pos(start);
    return true;
  }
  if (sc.Char(':')) {
    if (!sc.Digits(2, 2, &s)) return false;
    if (sc.Char('.') || sc.Char(',')) {
      int frac = 0;
      if (!sc.Digits(1, 9, &frac)) return false;
    }
  }
  size_t before_ampm = sc.pos();
  sc.SkipSpaces();
  std::string ampm = absl::AsciiStrToLower(sc.Word());
  if (ampm == "am" || ampm == "pm") {
    if (h < 1 || h > 12) return false;
    h = h % 12 + (ampm == "pm" ? 12 : 0);
  } else {
    sc.set_pos(before_ampm);
  }
  if (h > 23 || m > 59 || s > 60) return false;
  t->hour = h;
  t->minute = m;
  t->second = s == 60 ? 59 : s;  // leap second
  *found = true;
  return true;
}

// Z | +HH[:]MM | +HH | zone name. Nothing is fine too (UTC).
bool ScanZone(Scanner& sc, TimeOfDay* t) {
  sc.SkipSpaces();
  if (sc.Done()) return true;
  char c = sc.Peek();
  if (c == '+' || c == '-') {
    sc.Char(c);
    int hh = 0, mm = 0, value = 0;
    size_t start = sc.pos();
    if (!sc.Digits(2, 4, &value)) return false;
    if (sc.pos() - start == 4) {  // +HHMM
      hh = value / 100;
      mm = value % 100;
    } else if (sc.pos() - start == 2) {  // +HH or +HH:MM
      hh = value;
      if (sc.Char(':') && !sc.Digits(2, 2, &mm)) return false;
    } else {
      return false;
    }
    if (hh > 23 || mm > 59) return false;
    t->offset_minutes = (c == '-' ? -1 : 1) * (hh * 60 + mm);
    return true;
  }
  absl::string_view word = sc.Word();
  if (word.empty()) return false;
  std::string zone = absl::AsciiStrToUpper(word);
  static constexpr struct {
    const char* name;
    int hours;
  } kZones[] = {{"Z", 0},    {"UT", 0},   {"UTC", 0},  {"GMT", 0},
                {"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5},
                {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
  for (const auto& z : kZones) {
    if (zone == z.name) {
      t->offset_minutes = z.hours * 60;
      return true;
    }
  }
  // Other abbreviations (CEST, JST...) are ambiguous; take them as UTC.
  return zone.size() >= 2 && zone.size() <= 5;
}

std::optional<absl::CivilDay> MakeDay(int y, int m, int d, const TimeOfDay* t) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  if (t == nullptr) return day;
  absl::CivilSecond when(y, m, d, t->hour, t->minute, t->second);
  when -= static_cast<int64_t>(t->offset_minutes) * 60;
  return absl::CivilDay(when);
}

// After the date part: [T| ]time [zone], then the end.
std::optional<absl::CivilDay> FinishDate(Scanner& sc, int y, int m, int d,
                                         bool allow_t) {
  if (allow_t && (sc.Peek() == 'T' || sc.Peek() == 't')) {
    sc.Char(sc.Peek());
  } else {
    sc.SkipSpaces();
    sc.Char(',');
    sc.SkipSpaces();
  }
  TimeOfDay t;
  bool have_time = false;
  if (!ScanTime(sc, &t, &have_time)) return std::nullopt;
  if (have_time && !ScanZone(sc, &t)) return std::nullopt;
  sc.SkipSpaces();
  if (!sc.Done()) return std::nullopt;
  return MakeDay(y, m, d, have_time ? &t : nullptr);
}

}  // namespace

std::optional<absl::CivilDay> ParseDateText(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  Scanner sc(text);
  int y = 0, m = 0, d = 0;
  if (text.size() == 8 && sc.Digits(8, 8, &y)) {  // 20250824
    return core::ParseIsoDate(text);
  }
  sc.set_pos(0);
  if (text.size() >= 8 && sc.PeekDigit() && absl::ascii_isdigit(static_cast<unsigned char>(text[1])) &&
      absl::ascii_isdigit(static_cast<unsigned char>(text[2])) &&
      absl::ascii_isdigit(static_cast<unsigned char>(text[3])) &&
      (text[4] == '-' || text[4] == '/')) {
    char sep = text[4];
    if (!sc.Digits(4, 4, &y) || !sc.Char(sep)) return std::nullopt;
    if (sep == '-') {
      if (!sc.Digits(2, 2, &m) || !sc.Char('-') || !sc.Digits(2, 2, &d)) return std::nullopt;
    } else {
      if (!sc.Digits(1, 2, &m) || !sc.Char('/') || !sc.Digits(1, 2, &d)) return std::nullopt;
    }
    return FinishDate(sc, y, m, d, /*allow_t=*/true);
  }
  // Optional weekday: "Sun, ", "Sunday ".
  size_t start = sc.pos();
  absl::string_view word = sc.Word();
  if (!word.empty() && IsWeekday(word) && MonthFromName(word) == 0) {
    sc.Char(',');
    sc.SkipSpaces();
  } else {
    sc.set_pos(start);
  }
  if (sc.PeekDigit()) {  // 24 August 2025 / 24 Aug 2025 10:00:00 +0000
    if (!sc.Digits(1, 2, &d)) return std::nullopt;
    sc.SkipSpaces();
    m = MonthFromName(sc.Word());
    sc.Char('.');
    sc.SkipSpaces();
    size_t year_start = sc.pos();
    if (m == 0 || !sc.Digits(2, 4, &y)) return std::nullopt;
    if (sc.pos() - year_start == 2) {
      y += y < 50 ? 2000 : 1900;  // RFC 822 two-digit year
    } else if (sc.pos() - year_start != 4) {
      return std::nullopt;
    }
  } else {  // August 24, 2025
    m = MonthFromName(sc.Word());
    sc.Char('.');
    sc.SkipSpaces();
    if (m == 0 || !sc.Digits(1, 2, &d)) return std::nullopt;
    sc.Char(',');
    sc.SkipSpaces();
    if (!sc.Digits(4, 4, &y)) return std::nullopt;
  }
  return FinishDate(sc, y, m, d, /*allow_t=*/false);
}

std::optional<absl::CivilDay> DayFromUnixSeconds(double seconds) {
  // 0001-01-01 and 9999-12-31T23:59:59 in Unix seconds.
  if (!std::isfinite(seconds) || seconds < -62135596800.0 || seconds > 253402300799.0) {
    return std::nullopt;
  }
  absl::Time t = absl::FromUnixSeconds(static_cast<int64_t>(std::floor(seconds)));
  return absl::ToCivilDay(t, absl::UTCTimeZone());
}

namespace {

// ---------------------------------------------------------------------------
// JSON records.

using Json = nlohmann::json;

// nlohmann's DOM builder without exceptions, keeping the parse error message.
class DomParser : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  explicit DomParser(Json& root) : json_sax_dom_parser(root, /*allow_exceptions_=*/false) {}
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token,
                   const Exception& ex) {
    error_ = ex.what();
    return json_sax_dom_parser::parse_error(position, last_token, ex);
  }
  std::string error() const {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
    absl::string_view e = error_;
    size_t bracket = e.find("] ");
    if (absl::StartsWith(e, "[") && bracket != absl::string_view::npos) {
      e.remove_prefix(bracket + 2);
    }
    return std::string(e);
  }

 private:
  std::string error_;
};

absl::Status WrongType(absl::string_view field, absl::string_view expected,
                       const Json& value) {
  return absl::InvalidArgumentError(absl::StrCat("field \"", field, "\": expected ",
                                                 expected, ", got ", value.type_name()));
}

// The member `name` of `obj`, or null if absent or JSON null.
const Json* Member(const Json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// Reads a string field (absent/null leaves `out` unchanged). Strings are
// cleaned: "\u0001" escapes and other controls are dropped.
absl::Status GetString(const Json& obj, const char* name, std::string* out,
                       bool* present = nullptr) {
  const Json* v = Member(obj, name);
  if (present != nullptr) *present = v != nullptr;
  if (v == nullptr) return absl::OkStatus();
  if (!v->is_string()) return WrongType(name, "a string", *v);
  *out = internal::CleanText(v->get_ref<const std::string&>());
  return absl::OkStatus();
}

std::string NormalizeLanguage(absl::string_view lang) {
  lang = absl::StripAsciiWhitespace(lang);
  size_t cut = lang.find_first_of("-_");
  if (cut != absl::string_view::npos) lang = lang.substr(0, cut);
  return absl::AsciiStrToLower(lang);
}

bool IsTwoLetters(absl::string_view s) {
  return s.size() == 2 && absl::ascii_isalpha(static_cast<unsigned char>(s[0])) &&
         absl::ascii_isalpha(static_cast<unsigned char>(s[1]));
}

absl::Status ReadActors(const Json& list, core::Article* article) {
  if (!list.is_array()) return WrongType("actors", "an array", list);
  for (const Json& item : list) {
    core::ActorFacet actor;
    actor.mentions = 1;
    if (item.is_string()) {
      actor.name = internal::CleanText(item.get_ref<const std::string&>());
    } else if (item.is_object()) {
      NEWSDEX_RETURN_IF_ERROR(GetString(item, "name", &actor.name));
      NEWSDEX_RETURN_IF_ERROR(GetString(item, "country", &actor.country));
      NEWSDEX_RETURN_IF_ERROR(GetString(item, "role", &actor.role));
      actor.country = absl::AsciiStrToLower(actor.country);
    } else {
      return WrongType("actors", "strings or objects", item);
    }
    actor.name = internal::CollapseWhitespace(actor.name);
    if (!actor.name.empty()) article->actors.push_back(std::move(actor));
  }
  article->actors_from_metadata = true;
  return absl::OkStatus();
}

void SetCountryValue(absl::string_view value, core::CountryFacet* country) {
  std::string v = internal::CollapseWhitespace(value);
  if (IsTwoLetters(v)) {
    country->code = absl::AsciiStrToLower(v);
  } else if (country->name.empty()) {
    country->name = std::move(v);
  }
}

absl::Status ReadCountries(const Json& list, core::Article* article) {
  if (!list.is_array()) return WrongType("countries", "an array", list);
  for (const Json& item : list) {
    core::CountryFacet country;
    country.mentions = 1;
    country.focus = true;
    if (item.is_string()) {
      SetCountryValue(internal::CleanText(item.get_ref<const std::string&>()), &country);
    } else if (item.is_object()) {
      std::string code, name;
      NEWSDEX_RETURN_IF_ERROR(GetString(item, "name", &name));
      NEWSDEX_RETURN_IF_ERROR(GetString(item, "code", &code));
      country.name = internal::CollapseWhitespace(name);
      SetCountryValue(code, &country);
    } else {
      return WrongType("countries", "strings or objects", item);
    }
    if (!country.code.empty() || !country.name.empty()) {
      article->countries.push_back(std::move(country));
    }
  }
  article->countries_from_metadata = true;
  return absl::OkStatus();
}

bool NeedsCleaning(absl::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || u < 0x20) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<core::Article> ParseJsonlRecord(absl::string_view line,
                                               std::string* date_error) {
  date_error->clear();
  // nlohmann rejects invalid UTF-8; repair it first (Windows-1252 fallback).
  std::string cleaned;
  if (NeedsCleaning(line)) {
    cleaned = internal::CleanText(line);
    line = cleaned;
  }
  Json record;
  DomParser parser(record);
  if (!Json::sax_parse(line.begin(), line.end(), &parser)) {
    return absl::InvalidArgumentError(absl::StrCat("malformed JSON: ", parser.error()));
  }
  if (!record.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected a JSON object, got ", record.type_name()));
  }
  core::Article a;
  if (const Json* id = Member(record, "id")) {
    if (id->is_string()) {
      a.id = std::string(absl::StripAsciiWhitespace(internal::CleanText(id->get_ref<const std::string&>())));
    } else if (id->is_number_integer()) {
      a.id = id->dump();
    } else {
      return WrongType("id", "a string or integer", *id);
    }
  }
  NEWSDEX_RETURN_IF_ERROR(GetString(record, "url", &a.url));
  a.url = std::string(absl::StripAsciiWhitespace(a.url));
  if (a.id.empty()) a.id = a.url;
  NEWSDEX_RETURN_IF_ERROR(GetString(record, "title", &a.title));
  a.title = internal::CollapseWhitespace(a.title);
  bool have_body = false;
  NEWSDEX_RETURN_IF_ERROR(GetString(record, "body", &a.body, &have_body));
  if (!have_body) NEWSDEX_RETURN_IF_ERROR(GetString(record, "text", &a.body));
  a.body = std::string(absl::StripAsciiWhitespace(a.body));
  if (a.title.empty() && a.body.empty()) {
    return absl::InvalidArgumentError("record has neither title nor body");
  }

  const char* date_field = "date";
  const Json* date = Member(record, "date");
  if (date == nullptr) {
    date_field = "published";
    date = Member(record, "published");
  }
  if (date != nullptr) {
    if (date->is_string()) {
      const std::string& text = date->get_ref<const std::string&>();
      a.date = ParseDateText(text);
      if (!a.date) {
        *date_error = absl::StrCat("field \"", date_field, "\": cannot parse \"",
                                   internal::CleanText(text), "\"");
      }
    } else if (date->is_number()) {
      a.date = DayFromUnixSeconds(date->get<double>());
      if (!a.date) {
        *date_error = absl::StrCat("field \"", date_field,
                                   "\": Unix time out of range: ", date->dump());
      }
    } else {
      return WrongType(date_field, "a string or a number", *date);
    }
  }

  NEWSDEX_RETURN_IF_ERROR(GetString(record, "source", &a.source));
  a.source = internal::CollapseWhitespace(a.source);
  std::string lang;
  bool have_lang = false;
  NEWSDEX_RETURN_IF_ERROR(GetString(record, "language", &lang, &have_lang));
  if (!have_lang) NEWSDEX_RETURN_IF_ERROR(GetString(record, "lang", &lang));
  a.language = NormalizeLanguage(lang);
  if (const Json* actors = Member(record, "actors")) {
    NEWSDEX_RETURN_IF_ERROR(ReadActors(*actors, &a));
  }
  if (const Json* countries = Member(record, "countries")) {
    NEWSDEX_RETURN_IF_ERROR(ReadCountries(*countries, &a));
  }
  return a;
}

absl::Status ReadJsonlArticles(InputSource& source, const internal::FileContext& ctx) {
  LineReader lines(&source, ctx.options.max_article_bytes);
  LineReader::Line line;
  std::string date_error;
  while (lines.Next(&line)) {
    if (line.too_long) {
      ctx.Report(absl::ResourceExhaustedError(absl::StrCat(
          ctx.path, ":", line.number, ": article of ", line.length,
          " bytes is larger than max_article_bytes (", ctx.options.max_article_bytes,
          "); skipped")));
      continue;
    }
    if (absl::StripAsciiWhitespace(line.text).empty()) continue;
    absl::StatusOr<core::Article> article = ParseJsonlRecord(line.text, &date_error);
    if (!article.ok()) {
      ctx.Report(absl::InvalidArgumentError(
          absl::StrCat(ctx.path, ":", line.number, ": ", article.status().message())));
      continue;
    }
    if (!date_error.empty()) {
      ctx.Report(absl::InvalidArgumentError(absl::StrCat(
          ctx.path, ":", line.number, ": ", date_error, " (article kept without a date)")));
    }
    if (article->id.empty()) article->id = absl::StrCat(ctx.file_id, ":", line.number);
    article->origin = absl::StrCat(ctx.path, ":", line.number);
    NEWSDEX_RETURN_IF_ERROR((*ctx.on_article)(*std::move(article)));
  }
  if (!lines.status().ok()) {
    ctx.Report(absl::Status(
        lines.status().code(),
        absl::StrCat(lines.status().message(), " after line ", line.number,
                     "; the records before it were kept")));
  }
  return absl::OkStatus();
}

}  // namespace newsdex::indexer

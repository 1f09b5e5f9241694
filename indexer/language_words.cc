#include "indexer/language_words.h"

#include <fstream>

#include <unicode/uchar.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/locale_names.h"
#include "core/status_macros.h"
#include "core/utf8.h"

namespace newsdex::indexer {
namespace {

constexpr struct {
  absl::string_view name;
  uint16_t bits;
} kDateKinds[] = {
    {"date_preposition", kDatePreposition}, {"date_link", kDateLink},
    {"day_suffix", kDaySuffix},             {"last_before", kLastBefore},
    {"last_after", kLastAfter},             {"next_before", kNextBefore},
    {"next_after", kNextAfter},             {"noun_marker", kNounMarker},
    {"quantity", kQuantity},
};

// The longest elided word we list ("quoiqu", "presqu").
constexpr size_t kMaxElisionBytes = 6;

bool IsLetterStart(absl::string_view text, size_t at) {
  if (at >= text.size()) return false;
  char32_t cp = 0;
  core::utf8::Decode(text, at, &cp);
  return u_isalpha(static_cast<UChar32>(cp));
}

size_t CountWords(absl::string_view folded) {
  return static_cast<size_t>(std::count(folded.begin(), folded.end(), ' ')) + 1;
}

// Month and weekday names and relative-day words from ICU, folded as text in
// the language is matched.
absl::Status AddDateNames(LanguageWords* words, core::Analyzer& analyzer) {
  NEWSDEX_ASSIGN_OR_RETURN(core::LocaleDateNames names, core::DateNamesFor(words->language));
  for (int m = 0; m < 12; ++m) {
    for (const std::string& name : names.months[m]) {
      words->months.emplace(FoldPhrase(name, words, analyzer), m + 1);
    }
    for (const std::string& name : names.abbreviations[m]) {
      words->abbreviations.emplace(FoldPhrase(name, words, analyzer), m + 1);
    }
  }
  for (int d = 0; d < 7; ++d) {
    const std::string folded = FoldPhrase(names.weekdays[d], words, analyzer);
    if (folded.empty()) continue;
    words->weekdays.emplace(folded, d);
    words->max_phrase_words = std::max(words->max_phrase_words, CountWords(folded));
  }
  for (const auto& [offset, phrase] : names.relative_days) {
    const std::string folded = FoldPhrase(phrase, words, analyzer);
    if (folded.empty()) continue;
    words->relative_days.emplace(folded, offset);
    words->max_phrase_words = std::max(words->max_phrase_words, CountWords(folded));
  }
  if (!names.months[0].empty()) {
    char32_t first = 0;
    core::utf8::Decode(names.months[0][0], 0, &first);
    words->capitalized_names = u_isupper(static_cast<UChar32>(first));
  }
  return absl::OkStatus();
}

// One row of data/language_words.tsv into `words`.
absl::Status AddRow(const std::vector<std::string>& cols, const std::string& origin,
                    core::Analyzer& analyzer, LanguageWords* words) {
  const std::string& kind = cols[1];
  const std::string folded = analyzer.FoldKey(cols[2]);
  if (folded.empty()) return absl::InvalidArgumentError(absl::StrCat(origin, ": empty word"));
  if (kind == "elision") {
    words->elisions.insert(folded);
    return absl::OkStatus();
  }
  if (kind == "article") {
    words->articles.insert(folded);
    return absl::OkStatus();
  }
  if (kind == "name_adjective") {
    words->name_adjectives.insert(folded);
    return absl::OkStatus();
  }
  if (kind == "name_suffix") {
    words->name_suffixes.push_back(folded);
    return absl::OkStatus();
  }
  for (const auto& k : kDateKinds) {
    if (k.name == kind) {
      words->date_words[folded] |= k.bits;
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(origin, ": unknown kind \"", kind, "\""));
}

}  // namespace

size_t ElisionEnd(absl::string_view word, const absl::flat_hash_set<std::string>& elisions) {
  size_t letters = 0;
  while (letters < word.size() && letters <= kMaxElisionBytes &&
         absl::ascii_isalpha(word[letters])) {
    ++letters;
  }
  if (letters == 0 || letters > kMaxElisionBytes) return 0;
  size_t after = 0;
  if (word.substr(letters, 1) == "'") {
    after = letters + 1;
  } else if (word.substr(letters, 3) == "\xE2\x80\x99") {  // U+2019
    after = letters + 3;
  } else {
    return 0;
  }
  if (!IsLetterStart(word, after)) return 0;
  return elisions.contains(absl::AsciiStrToLower(word.substr(0, letters))) ? after : 0;
}

bool SplitElisions(const LanguageWords& words, absl::string_view text, core::Analyzer& analyzer,
                   std::vector<core::Token>* tokens) {
  if (words.elisions.empty()) return false;
  bool changed = false;
  for (core::Token& t : *tokens) {
    const absl::string_view raw = text.substr(t.begin, t.end - t.begin);
    const size_t cut = ElisionEnd(raw, words.elisions);
    if (cut == 0) continue;
    std::string rest = analyzer.NormalizeWord(raw.substr(cut));
    if (rest.empty()) continue;
    t.term = std::move(rest);
    t.begin += static_cast<uint32_t>(cut);
    changed = true;
  }
  return changed;
}

std::string FoldPhrase(absl::string_view phrase, const LanguageWords* words,
                       core::Analyzer& analyzer) {
  if (words == nullptr || words->elisions.empty()) return analyzer.FoldKey(phrase);
  std::vector<core::Token> tokens;
  analyzer.Tokenize(phrase, &tokens);
  SplitElisions(*words, phrase, analyzer, &tokens);
  std::string out;
  for (const core::Token& t : tokens) {
    if (!out.empty()) out.push_back(' ');
    out += t.term;
  }
  return out;
}

absl::StatusOr<std::unique_ptr<LanguageWordTable>> LanguageWordTable::Load(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<core::Analyzer> analyzer, core::Analyzer::Create());
  std::unique_ptr<LanguageWordTable> table(new LanguageWordTable());
  const std::string base = path.substr(path.rfind('/') + 1);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const std::string origin = absl::StrCat(base, ":", line_no);
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    if (cols.size() != 3 || cols[0].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(origin, ": expected lang, kind, word"));
    }
    if (table->Find(cols[0]) == nullptr) {
      table->languages_.push_back(std::make_unique<LanguageWords>());
      table->languages_.back()->language = cols[0];
    }
    LanguageWords* words = table->languages_.back().get();
    if (words->language != cols[0]) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": rows of language \"", cols[0], "\" must be together"));
    }
    NEWSDEX_RETURN_IF_ERROR(AddRow(cols, origin, *analyzer, words));
  }
  for (const std::unique_ptr<LanguageWords>& words : table->languages_) {
    absl::Status s = AddDateNames(words.get(), *analyzer);
    if (!s.ok()) return absl::InvalidArgumentError(absl::StrCat(base, ": ", s.message()));
  }
  return table;
}

absl::StatusOr<std::shared_ptr<const LanguageWordTable>> LanguageWordTable::LoadFromDataDir(
    const std::string& data_dir) {
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<LanguageWordTable> table,
                           Load(data_dir + "/language_words.tsv"));
  return std::shared_ptr<const LanguageWordTable>(std::move(table));
}

const LanguageWords* LanguageWordTable::Find(absl::string_view language) const {
  for (const std::unique_ptr<LanguageWords>& words : languages_) {
    if (words->language == language) return words.get();
  }
  return nullptr;
}

}  // namespace newsdex::indexer

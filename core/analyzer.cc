#include "core/analyzer.h"

#include <algorithm>

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "core/xapian_status.h"

namespace newsdex::core {
namespace {

const icu::Normalizer2* NfkcCasefold() {
  static const icu::Normalizer2* n = [] {
    UErrorCode status = U_ZERO_ERROR;
    return icu::Normalizer2::getNFKCCasefoldInstance(status);
  }();
  return n;
}
const icu::Normalizer2* Nfd() {
  static const icu::Normalizer2* n = [] {
    UErrorCode status = U_ZERO_ERROR;
    return icu::Normalizer2::getNFDInstance(status);
  }();
  return n;
}
const icu::Normalizer2* Nfc() {
  static const icu::Normalizer2* n = [] {
    UErrorCode status = U_ZERO_ERROR;
    return icu::Normalizer2::getNFCInstance(status);
  }();
  return n;
}

bool IsAscii(absl::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

// Unicode folding of a non-ASCII word: NFKC_Casefold, then drop nonspacing
// marks that follow Latin, Greek or Cyrillic letters (accents), then NFC.
// Marks in other scripts (Devanagari vowel signs, Arabic harakat...) are kept:
// there they are letters, not accents.
std::string FoldUnicode(absl::string_view word) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString src = icu::UnicodeString::fromUTF8(
      icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
  icu::UnicodeString folded = NfkcCasefold()->normalize(src, status);
  if (U_FAILURE(status)) return std::string();
  icu::UnicodeString decomposed = Nfd()->normalize(folded, status);
  if (U_FAILURE(status)) return std::string();
  icu::UnicodeString stripped;
  UScriptCode base_script = USCRIPT_COMMON;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_NON_SPACING_MARK) {
      if (base_script == USCRIPT_LATIN || base_script == USCRIPT_GREEK ||
          base_script == USCRIPT_CYRILLIC)
        continue;
    } else {
      base_script = uscript_getScript(c, &status);
      if (U_FAILURE(status)) {
        status = U_ZERO_ERROR;
        base_script = USCRIPT_COMMON;
      }
    }
    // Typographic apostrophes become ASCII ones for the rules below.
    if (c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x2032) c = '\'';
    stripped.append(c);
  }
  icu::UnicodeString composed = Nfc()->normalize(stripped, status);
  if (U_FAILURE(status)) return std::string();
  std::string out;
  composed.toUTF8String(out);
  return out;
}

bool IsDottedAcronym(absl::string_view s) {
  // a.b or a.b.c (each part one ASCII letter), already lowercase.
  if (s.size() < 3) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool letter_slot = (i % 2 == 0);
    if (letter_slot != (s[i] != '.')) return false;
    if (letter_slot && !absl::ascii_isalpha(s[i])) return false;
  }
  return true;
}

bool IsDigitGroups(absl::string_view s) {
  // 1,000 or 12,345,678.5
  bool seen_comma = false;
  for (char c : s) {
    if (c == ',') {
      seen_comma = true;
    } else if (!absl::ascii_isdigit(c) && c != '.') {
      return false;
    }
  }
  return seen_comma && absl::ascii_isdigit(s.front()) && absl::ascii_isdigit(s.back());
}

}  // namespace

void ApplyWordRules(std::string* w) {
  // Possessives: "iran's" -> "iran", "powers'" -> "powers".
  if (w->size() > 2 && absl::EndsWith(*w, "'s")) {
    w->resize(w->size() - 2);
  } else if (w->size() > 1 && w->back() == '\'') {
    w->pop_back();
  }
  if (w->find('\'') != std::string::npos) {
    w->erase(std::remove(w->begin(), w->end(), '\''), w->end());
  }
  if (w->find('.') != std::string::npos && IsDottedAcronym(*w)) {
    w->erase(std::remove(w->begin(), w->end(), '.'), w->end());
  }
  if (w->find(',') != std::string::npos && IsDigitGroups(*w)) {
    w->erase(std::remove(w->begin(), w->end(), ','), w->end());
  }
  while (!w->empty() && (w->back() == '.' || w->back() == ',')) w->pop_back();
  if (w->size() > kMaxWordBytes) w->clear();
}

namespace {

std::string Normalize(absl::string_view raw) {
  std::string w;
  if (IsAscii(raw)) {
    w = absl::AsciiStrToLower(raw);
  } else {
    w = FoldUnicode(raw);
  }
  ApplyWordRules(&w);
  return w;
}

}  // namespace

Analyzer::Analyzer() = default;
Analyzer::~Analyzer() = default;

absl::StatusOr<std::unique_ptr<Analyzer>> Analyzer::Create() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> bi(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || bi == nullptr) {
    return absl::InternalError(std::string("ICU word break iterator: ") +
                               u_errorName(status));
  }
  if (NfkcCasefold() == nullptr || Nfd() == nullptr || Nfc() == nullptr) {
    return absl::InternalError("ICU normalizer data is missing");
  }
  std::unique_ptr<Analyzer> a(new Analyzer());
  a->words_ = std::move(bi);
  return a;
}

void Analyzer::Tokenize(absl::string_view text, std::vector<Token>* out) {
  if (text.empty()) return;
  UErrorCode status = U_ZERO_ERROR;
  UText* ut = utext_openUTF8(nullptr, text.data(), static_cast<int64_t>(text.size()),
                             &status);
  if (U_FAILURE(status)) return;
  words_->setText(ut, status);
  if (U_FAILURE(status)) {
    utext_close(ut);
    return;
  }
  int32_t start = words_->first();
  for (int32_t end = words_->next(); end != icu::BreakIterator::DONE;
       start = end, end = words_->next()) {
    if (words_->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
    std::string term =
        Normalize(text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
    if (term.empty()) continue;
    out->push_back(Token{std::move(term), static_cast<uint32_t>(start),
                         static_cast<uint32_t>(end)});
  }
  // Detach the iterator from the text before the UText goes away.
  words_->setText(icu::UnicodeString());
  utext_close(ut);
}

std::string Analyzer::NormalizeWord(absl::string_view word) {
  std::vector<Token> tokens;
  Tokenize(word, &tokens);
  if (tokens.size() != 1) return std::string();
  return std::move(tokens[0].term);
}

std::string Analyzer::FoldKey(absl::string_view text) {
  std::vector<Token> tokens;
  Tokenize(text, &tokens);
  std::string key;
  for (const Token& t : tokens) {
    if (!key.empty()) key.push_back(' ');
    key += t.term;
  }
  return key;
}

std::string Analyzer::SourceKey(absl::string_view source) {
  std::string key = FoldKey(source);
  std::replace(key.begin(), key.end(), ' ', '-');
  return key;
}

bool Analyzer::HasStemmer(absl::string_view language) {
  if (language.empty() || language == "none") return false;
  auto stem = CallXapian("stemmer", [&] { return Xapian::Stem(std::string(language)); });
  return stem.ok();
}

Analyzer::StemmerEntry* Analyzer::GetStemmer(absl::string_view language) {
  auto it = stemmers_.find(language);
  if (it != stemmers_.end()) return it->second.get();
  auto entry = std::make_unique<StemmerEntry>();
  if (!language.empty() && language != "none") {
    // Unknown languages keep the default (no-op) stemmer.
    auto stem = CallXapian("stemmer", [&] { return Xapian::Stem(std::string(language)); });
    if (stem.ok()) entry->stem = *stem;
  }
  StemmerEntry* raw = entry.get();
  stemmers_.emplace(std::string(language), std::move(entry));
  return raw;
}

std::string Analyzer::Stem(absl::string_view term, absl::string_view language) {
  StemmerEntry* s = GetStemmer(language);
  auto it = s->cache.find(term);
  if (it != s->cache.end()) return it->second;
  std::string stemmed = s->stem(std::string(term));
  if (stemmed.empty()) stemmed = std::string(term);
  // Bound the cache: news vocabulary is Zipfian, so a reset is cheap.
  if (s->cache.size() > 200000) s->cache.clear();
  s->cache.emplace(std::string(term), stemmed);
  return stemmed;
}

}  // namespace newsdex::core

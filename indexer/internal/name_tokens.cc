#include "indexer/internal/name_tokens.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include <unicode/uchar.h>

#include "absl/base/attributes.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "core/actor_names.h"
#include "core/utf8.h"
#include "indexer/language_words.h"

namespace newsdex::indexer::internal {
namespace {

// core::utf8::Decode with the ASCII case inline: nearly all of news text.
size_t DecodeAt(absl::string_view text, size_t i, char32_t* cp) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  return core::utf8::Decode(text, i, cp);
}

bool IsApostrophe(char32_t c) { return c == '\'' || c == 0x2019; }

bool IsWordChar(char32_t c) {
  if (c < 0x80) return absl::ascii_isalnum(static_cast<char>(c));
  const UChar32 u = static_cast<UChar32>(c);
  return u_isalnum(u) || u_charType(u) == U_NON_SPACING_MARK ||
         u_charType(u) == U_COMBINING_SPACING_MARK;
}

bool IsAsciiLetter(char32_t c, bool (*test)(unsigned char)) {
  return c < 0x80 && test(static_cast<unsigned char>(c));
}

bool IsAsciiText(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// u_isdigit and u_isupper with the ASCII case inline: for ASCII they are
// exactly absl's tests (Nd is 0-9, Lu is A-Z), and the calls into ICU were 3%
// of TokenizeNames (callgrind, 4,000 Reuters articles).
bool IsDigitChar(char32_t c) {
  return c < 0x80 ? absl::ascii_isdigit(static_cast<unsigned char>(c))
                  : u_isdigit(static_cast<UChar32>(c));
}
bool IsUpperChar(char32_t c) {
  return c < 0x80 ? absl::ascii_isupper(static_cast<unsigned char>(c))
                  : u_isupper(static_cast<UChar32>(c));
}

// `raw` is a word; `dot_follows` if a '.' comes right after it.
Shape ShapeOf(absl::string_view raw, bool dot_follows) {
  char32_t first;
  DecodeAt(raw, 0, &first);
  bool any_lower = false;
  size_t letters = 0;
  for (char c : raw) {
    if (absl::ascii_islower(c)) any_lower = true;
    if (absl::ascii_isalpha(c)) ++letters;
  }
  if (!IsAsciiText(raw)) any_lower = any_lower || (raw.size() > 1 && !IsUpperChar(first));
  if (IsDigitChar(first)) return Shape::kOther;
  if (!IsUpperChar(first)) return Shape::kLower;
  if (letters == 1 && raw.size() == 1 && dot_follows) return Shape::kInitial;
  if (!any_lower && raw.size() >= 2) return Shape::kUpper;
  return Shape::kCap;
}

bool EndsPossessive(absl::string_view raw) {
  return raw.size() > 2 && (absl::EndsWith(raw, "'s") || absl::EndsWith(raw, "\xE2\x80\x99s") ||
                            absl::EndsWith(raw, "'S"));
}

class NameTokenizer {
 public:
  NameTokenizer(absl::string_view text, core::Analyzer& analyzer, const WordClasses& words,
                const NameLanguage& language, std::vector<NameToken>* out)
      : text_(text), analyzer_(analyzer), words_(words), language_(language), out_(out) {}

  void Run() {
    out_->clear();
    while (pos_ < text_.size()) {
      char32_t cp;
      const size_t len = DecodeAt(text_, pos_, &cp);
      if (IsWordChar(cp)) {
        ReadWord();
      } else {
        ReadSeparator(cp);
        pos_ += len;
      }
    }
  }

 private:
  // The gap after the last token becomes `gap` unless it is already a
  // stronger one.
  void CloseGap(Gap gap) {
    if (out_->empty()) return;
    NameToken& prev = out_->back();
    if (gap == Gap::kStop || (gap == Gap::kComma && prev.gap == Gap::kSpace)) prev.gap = gap;
  }

  void ReadSeparator(char32_t cp) {
    if (cp == '\n') {
      ++newlines_;
      // A blank line or an indented line starts a paragraph (Reuters bodies
      // wrap lines and indent paragraphs).
      const size_t next = pos_ + 1;
      if (newlines_ >= 2 ||
          (next < text_.size() && (text_[next] == ' ' || text_[next] == '\t'))) {
        CloseGap(Gap::kStop);
        sentence_start_ = true;
      }
    } else if (cp == ' ' || cp == '\t' || cp == '\r' || cp == 0xA0) {
      // Blanks change nothing.
    } else if (cp == ',') {
      CloseGap(Gap::kComma);
    } else if (cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == ';') {
      CloseGap(Gap::kStop);
      sentence_start_ = true;
      saw_stop_ = true;
    } else if (cp == '"' || cp == 0x201C || cp == 0x201D || cp == '(' || cp == '[') {
      CloseGap(Gap::kStop);
      // An opening quote or bracket after a sentence end opens a sentence.
      if (cp != 0x201D) sentence_start_ = sentence_start_ || saw_stop_ || out_->empty();
    } else {
      CloseGap(Gap::kStop);
    }
  }

  // Where the word that has reached `at`, a character that is no letter or
  // digit, goes on: past an inner apostrophe ("O'Neill"), a dot between
  // letters ("U.S."), a hyphen before a capital ("Leigh-Pemberton",
  // "al-Assad") or a capitalised word's lower-case second part ("Min-jun",
  // unless it makes a compound adjective: "Paris-based", "Soviet-era").
  // nullopt if the word ends at `at`.
  std::optional<size_t> Continuation(size_t word_begin, size_t at, char32_t cp,
                                     size_t len) const {
    if (at + len >= text_.size()) return std::nullopt;
    char32_t next;
    DecodeAt(text_, at + len, &next);
    if (IsApostrophe(cp) && IsWordChar(next)) return at + len;
    if (cp == '.' && IsAsciiLetter(next, absl::ascii_isalpha) &&
        absl::ascii_isalpha(text_[at - 1])) {
      return at + 1;
    }
    if (cp != '-') return std::nullopt;
    if (IsAsciiLetter(next, absl::ascii_isupper)) return at + 1;
    if (!IsAsciiLetter(next, absl::ascii_islower) || !absl::ascii_isupper(text_[word_begin])) {
      return std::nullopt;
    }
    size_t part_end = at + 1;
    while (part_end < text_.size() && absl::ascii_isalpha(text_[part_end])) ++part_end;
    const absl::string_view part = text_.substr(at + 1, part_end - at - 1);
    if (part.size() < 2 || (ClassesOf(words_, part) & kAdjectiveSuffix)) return std::nullopt;
    return part_end;
  }

  // The end of the word that starts at `word_begin`.
  size_t WordEnd(size_t word_begin) const {
    size_t at = word_begin;
    while (at < text_.size()) {
      char32_t cp;
      const size_t len = DecodeAt(text_, at, &cp);
      if (IsWordChar(cp)) {
        at += len;
        continue;
      }
      const std::optional<size_t> resume = Continuation(word_begin, at, cp, len);
      if (!resume) break;
      at = *resume;
    }
    return at;
  }

  // The bytes of an elided article at pos_ to skip: "d'" before a capitalised
  // word that does not follow a name ("visite d'Emmanuel"), else 0.
  // REQUIRES: language_.elisions.
  ABSL_ATTRIBUTE_NOINLINE size_t ElidedArticleAt() const {
    const size_t cut = ElisionEnd(text_.substr(pos_, 16), *language_.elisions);
    if (cut == 0) return 0;
    char32_t next;
    DecodeAt(text_, pos_ + cut, &next);
    if (!u_isupper(static_cast<UChar32>(next))) return 0;
    const bool after_name = !out_->empty() && out_->back().gap == Gap::kSpace &&
                            out_->back().shape == Shape::kCap && newlines_ == 0;
    return after_name ? 0 : cut;
  }

  // The classes the article's language adds. A word that ends in a title
  // ("Umweltministerin") is one; the ending alone is listed as a title
  // already.
  ABSL_ATTRIBUTE_NOINLINE void AddLanguageClasses(NameToken* token) const {
    token->classes |= ClassesOf(*language_.classes, token->key);
    if (language_.title_suffixes == nullptr || token->Is(kTitle)) return;
    for (const std::string& suffix : *language_.title_suffixes) {
      if (token->key.size() > suffix.size() && absl::EndsWith(token->key, suffix)) {
        token->classes |= kTitle | kStrongTitle;
        return;
      }
    }
  }

  // "al-Sisi", "bin-Laden": a particle joined to a capitalised name is
  // written lower case but belongs to the name.
  bool StartsWithParticleBeforeCapital(absl::string_view raw) const {
    const size_t hyphen = raw.find('-');
    if (hyphen == absl::string_view::npos || hyphen + 1 >= raw.size() ||
        !absl::ascii_isupper(raw[hyphen + 1])) {
      return false;
    }
    return (ClassesOf(words_, raw.substr(0, hyphen)) & kParticle) != 0;
  }

  // A regnal numeral needs a name word right before it, in the same
  // sentence: "Felipe VI", not "Stage IV" after a full stop or "MR REAGAN".
  bool AfterNameWord() const {
    if (out_->empty()) return false;
    const NameToken& prev = out_->back();
    return prev.gap == Gap::kSpace && prev.shape == Shape::kCap && !prev.possessive;
  }

  // The classes of the capitalised word after the blanks at `at`, or
  // nullopt when none is there.
  std::optional<uint16_t> CapitalisedWordAt(size_t at) const {
    while (at < text_.size() && text_[at] == ' ') ++at;
    size_t end = at;
    while (end < text_.size()) {
      char32_t cp;
      const size_t len = DecodeAt(text_, end, &cp);
      if (!IsWordChar(cp)) break;
      end += len;
    }
    if (end == at) return std::nullopt;
    const absl::string_view raw = text_.substr(at, end - at);
    char32_t first;
    DecodeAt(raw, 0, &first);
    if (!IsUpperChar(first)) return std::nullopt;
    std::string key;
    if (!core::FoldAsciiKey(raw, &key)) key = analyzer_.FoldKey(raw);
    uint16_t classes = ClassesOf(words_, key);
    if (language_.classes != nullptr) classes |= ClassesOf(*language_.classes, key);
    return classes;
  }

  // German writes an ordinal with a dot ("Carl XVI. Gustaf"): before a given
  // name that dot ends no sentence.
  bool GivenNameAt(size_t at) const {
    const std::optional<uint16_t> classes = CapitalisedWordAt(at);
    return classes.has_value() && (*classes & kGiven);
  }

  // "V." and "X." before a name word are initials ("Harold V. Wallace"); at
  // a sentence's end ("koning Frederik X.") numerals.
  bool InitialAt(absl::string_view raw, bool dot_follows) const {
    if (raw.size() != 1 || !dot_follows) return false;
    const std::optional<uint16_t> classes = CapitalisedWordAt(pos_ + 1);
    return classes.has_value() && !(*classes & kNonName);
  }

  // A numeral after a name word is a suffix of that name, not an acronym.
  void MarkNumeral(absl::string_view raw, bool dot_follows, NameToken* token) const {
    if (!AfterNameWord() || !IsRomanNumeral(raw) || InitialAt(raw, dot_follows)) return;
    token->numeral = true;
    token->shape = Shape::kCap;
    token->classes = kSuffix;
  }

  void ReadWord() {
    const size_t elided = language_.elisions == nullptr ? 0 : ElidedArticleAt();
    pos_ += elided;
    newlines_ = 0;
    saw_stop_ = false;
    const size_t word_begin = pos_;
    pos_ = WordEnd(word_begin);
    const absl::string_view raw = text_.substr(word_begin, pos_ - word_begin);
    const bool dot_follows = pos_ < text_.size() && text_[pos_] == '.';
    NameToken token;
    token.begin = static_cast<uint32_t>(word_begin);
    token.end = static_cast<uint32_t>(pos_);
    token.sentence_start = sentence_start_;
    token.after_elision = elided > 0;
    sentence_start_ = false;
    token.shape = ShapeOf(raw, dot_follows);
    token.possessive = EndsPossessive(raw);
    // "Leigh-Pemberton" -> "leigh pemberton"; the analyzer only for non-ASCII.
    if (!core::FoldAsciiKey(raw, &token.key)) token.key = analyzer_.FoldKey(raw);
    token.classes = ClassesOf(words_, token.key);
    if (token.shape == Shape::kLower && StartsWithParticleBeforeCapital(raw)) {
      token.shape = Shape::kCap;
    }
    if (language_.classes != nullptr) AddLanguageClasses(&token);
    MarkNumeral(raw, dot_follows, &token);
    token.gap = Gap::kSpace;
    // A dot after an initial, a title abbreviation, an acronym or an ordinal
    // inside a name does not end the sentence.
    if (dot_follows && (token.shape == Shape::kInitial || token.Is(kAbbreviation) ||
                        raw.find('.') != absl::string_view::npos ||
                        (token.numeral && GivenNameAt(pos_ + 1)))) {
      ++pos_;
    }
    if (token.key.empty()) return;
    out_->push_back(std::move(token));
  }

  const absl::string_view text_;
  core::Analyzer& analyzer_;
  const WordClasses& words_;
  const NameLanguage& language_;
  std::vector<NameToken>* const out_;
  size_t pos_ = 0;
  bool sentence_start_ = true;
  bool saw_stop_ = false;  // a sentence end since the last word
  int newlines_ = 0;       // line breaks since the last word
};

}  // namespace

bool IsRomanNumeral(absl::string_view word) {
  if (word.empty() || word == "I" || (word[0] != 'X' && word[0] != 'V' && word[0] != 'I')) {
    return false;
  }
  size_t tens = 0;
  while (tens < word.size() && tens < 3 && word[tens] == 'X') ++tens;
  static constexpr absl::string_view kUnits[] = {"",  "I",  "II",  "III",  "IV",
                                                 "V", "VI", "VII", "VIII", "IX"};
  const absl::string_view units = word.substr(tens);
  return std::find(std::begin(kUnits), std::end(kUnits), units) != std::end(kUnits);
}

void TokenizeNames(absl::string_view text, core::Analyzer& analyzer, const WordClasses& words,
                   std::vector<NameToken>* out, const NameLanguage& language) {
  NameTokenizer(text, analyzer, words, language, out).Run();
}

}  // namespace newsdex::indexer::internal

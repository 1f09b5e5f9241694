#include "indexer/actor_extractor.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <unicode/uchar.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/status_macros.h"

namespace newsdex::indexer {
namespace {

using WC = ActorExtractor;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

enum class Shape : uint8_t { kLower, kCap, kUpper, kInitial, kOther };
// What separates a token from the next one.
enum class Gap : uint8_t { kSpace, kComma, kStop };

struct Tok {
  uint32_t begin;
  uint32_t end;  // raw word, possessive included
  std::string key;
  Shape shape;
  bool possessive = false;
  bool sentence_start = false;
  Gap gap = Gap::kStop;
  uint16_t classes = 0;
};

// Decodes one UTF-8 code point at s[i]; returns its length (1 for bad bytes).
int DecodeUtf8(absl::string_view s, size_t i, UChar32* cp) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + len > s.size()) len = 1;
  if (len == 1) {
    *cp = c < 0x80 ? c : 0xFFFD;
    return 1;
  }
  UChar32 v = c & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) {
      *cp = 0xFFFD;
      return 1;
    }
    v = (v << 6) | (cc & 0x3F);
  }
  *cp = v;
  return len;
}

bool IsApostrophe(UChar32 c) { return c == '\'' || c == 0x2019; }

bool IsWordCp(UChar32 c) {
  if (c < 0x80) return absl::ascii_isalnum(static_cast<char>(c));
  return u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK ||
         u_charType(c) == U_COMBINING_SPACING_MARK;
}

const absl::flat_hash_set<std::string>& DotAbbreviations() {
  static const auto* s = new absl::flat_hash_set<std::string>{
      "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sen", "rep", "gov", "st",
      "jr", "sr", "prof", "rev", "adm", "co", "corp", "inc", "ltd", "messrs", "sgt", "cmdr",
      "no", "vs", "mt", "ft", "gens", "reps", "sens", "govs", "bros", "cos", "amb", "pres"};
  return *s;
}

// Second parts of hyphenated compound adjectives after a capitalised word
// ("Paris-based", "Iranian-backed"), lower case.
bool IsCompoundSuffix(absl::string_view w) {
  static const auto* s = new absl::flat_hash_set<std::string>{
      "based", "born", "bred", "led", "backed", "owned", "run", "made", "built", "era",
      "style", "type", "like", "wide", "level", "controlled", "sponsored", "funded",
      "held", "linked", "registered", "listed", "bound", "speaking", "language",
      "american", "inspired", "designed", "focused", "oriented", "centric", "area",
      "grown", "produced", "flagged", "dominated", "supported", "allied", "appointed",
      "educated", "trained", "related", "specific", "friendly", "free", "only", "class",
      "sized", "scale", "and", "or", "to", "in", "on", "the", "year", "day", "week",
      "month", "time", "old", "long", "term", "wise", "ward", "wards", "winning"};
  return s->contains(w);
}

// Splits `text` into word tokens with shapes, gaps and sentence starts.
// ASCII words are folded here (as Analyzer::FoldKey does, with hyphens
// becoming spaces); other words go through the Analyzer.
void Tokenize(absl::string_view text, core::Analyzer& analyzer, const ActorExtractor& ex,
              std::vector<Tok>* out) {
  out->clear();
  const size_t n = text.size();
  size_t i = 0;
  bool sentence_start = true;
  bool saw_stop = false;
  int newlines = 0;
  auto close_gap = [&](Gap g) {
    if (!out->empty()) {
      Tok& prev = out->back();
      if (g == Gap::kStop || (g == Gap::kComma && prev.gap == Gap::kSpace)) prev.gap = g;
    }
  };
  while (i < n) {
    UChar32 cp;
    int len = DecodeUtf8(text, i, &cp);
    if (!IsWordCp(cp)) {
      // Separator characters.
      if (cp == '\n') {
        ++newlines;
        // A blank line or an indented line starts a paragraph (Reuters bodies
        // wrap lines and indent paragraphs).
        if (newlines >= 2 || (i + 1 < n && (text[i + 1] == ' ' || text[i + 1] == '\t'))) {
          close_gap(Gap::kStop);
          sentence_start = true;
        }
      } else if (cp == ' ' || cp == '\t' || cp == '\r' || cp == 0xA0) {
      } else if (cp == ',') {
        close_gap(Gap::kComma);
      } else if (cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == ';') {
        close_gap(Gap::kStop);
        sentence_start = true;
        saw_stop = true;
      } else if (cp == '"' || cp == 0x201C || cp == 0x201D || cp == '(' || cp == '[') {
        close_gap(Gap::kStop);
        if (cp != 0x201D) sentence_start = sentence_start || saw_stop || out->empty();
      } else {
        close_gap(Gap::kStop);
      }
      i += len;
      continue;
    }
    newlines = 0;
    saw_stop = false;
    // A word: letters/digits with inner apostrophes, dots (U.S.) and
    // name hyphens (Leigh-Pemberton, al-Assad).
    const size_t start = i;
    bool ascii = true;
    while (i < n) {
      len = DecodeUtf8(text, i, &cp);
      if (IsWordCp(cp)) {
        if (cp >= 0x80) ascii = false;
        i += len;
        continue;
      }
      if (i + len < n) {
        UChar32 next;
        DecodeUtf8(text, i + len, &next);
        if (IsApostrophe(cp) && IsWordCp(next) && next != 0xFFFD) {
          if (cp != '\'') ascii = false;
          i += len;
          continue;
        }
        if (cp == '.' && next < 0x80 && absl::ascii_isalpha(static_cast<char>(next)) &&
            absl::ascii_isalpha(text[i - 1])) {
          i += 1;
          continue;
        }
        if (cp == '-' && next < 0x80 && absl::ascii_isupper(static_cast<char>(next))) {
          i += 1;
          continue;
        }
        // A capitalised word's lower-case hyphenated part is one name
        // ("Min-jun", "Soo-yeon"), unless it makes a compound adjective
        // ("Paris-based", "Soviet-era").
        if (cp == '-' && next < 0x80 && absl::ascii_islower(static_cast<char>(next)) &&
            absl::ascii_isupper(text[start])) {
          size_t k = i + 1;
          while (k < n && absl::ascii_isalpha(text[k])) ++k;
          if (k - i - 1 >= 2 && !IsCompoundSuffix(text.substr(i + 1, k - i - 1))) {
            i = k;
            continue;
          }
        }
      }
      break;
    }
    absl::string_view raw = text.substr(start, i - start);
    Tok t;
    t.begin = static_cast<uint32_t>(start);
    t.end = static_cast<uint32_t>(i);
    t.sentence_start = sentence_start;
    sentence_start = false;
    // Shape from the first code point and the ASCII letters.
    UChar32 first;
    DecodeUtf8(raw, 0, &first);
    bool any_lower = false;
    size_t letters = 0;
    for (char c : raw) {
      if (absl::ascii_islower(c)) any_lower = true;
      if (absl::ascii_isalpha(c)) ++letters;
    }
    if (!ascii) any_lower = any_lower || (raw.size() > 1 && !u_isupper(first));
    if (u_isdigit(first)) {
      t.shape = Shape::kOther;
    } else if (!u_isupper(first)) {
      t.shape = Shape::kLower;
    } else if (letters == 1 && raw.size() == 1 && i < n && text[i] == '.') {
      t.shape = Shape::kInitial;
    } else if (!any_lower && raw.size() >= 2) {
      t.shape = Shape::kUpper;
    } else {
      t.shape = Shape::kCap;
    }
    t.possessive = raw.size() > 2 &&
                   (absl::EndsWith(raw, "'s") || absl::EndsWith(raw, "\xE2\x80\x99s") ||
                    absl::EndsWith(raw, "'S"));
    if (ascii) {
      std::string w;
      core::FoldAsciiKey(raw, &w);  // "Leigh-Pemberton" -> "leigh pemberton"
      t.key = std::move(w);
    } else {
      t.key = analyzer.FoldKey(raw);
    }
    // A dot after an initial, a title abbreviation or an acronym does not end
    // the sentence.
    if (i < n && text[i] == '.' &&
        (t.shape == Shape::kInitial || DotAbbreviations().contains(t.key) ||
         raw.find('.') != absl::string_view::npos)) {
      ++i;
      t.gap = Gap::kSpace;
    } else {
      t.gap = Gap::kSpace;
    }
    if (t.key.empty()) continue;
    t.classes = ex.Classes(t.key);
    out->push_back(std::move(t));
  }
}

bool IsUpperCaseText(absl::string_view text) {
  size_t upper = 0, lower = 0;
  for (char c : text) {
    if (absl::ascii_isupper(c)) ++upper;
    if (absl::ascii_islower(c)) ++lower;
  }
  return upper + lower > 0 && lower * 4 < upper + lower;
}

// One person found in the article.
struct Entity {
  int dict_id = -1;          // ActorId or -1
  std::string display;       // name when not in the dictionary
  std::string key;           // folded full name
  int mentions = 0;
  uint32_t first = UINT32_MAX;  // order of first mention
  std::vector<std::string> surnames;  // folded last words
};

// A one-word mention waiting for resolution.
struct Single {
  std::string key;
  std::string display;
  bool strong_title = false;
  bool verb = false;
  uint32_t order;
};

class ArticleState {
 public:
  ArticleState(const ActorExtractor& ex, int32_t date) : ex_(ex), date_(date) {}

  int PickDictionary(absl::Span<const core::ActorId> ids) const {
    if (ids.empty()) return -1;
    if (date_ > 0) {
      for (core::ActorId id : ids) {
        if (ex_.names().actor(id).ActiveOn(date_)) return static_cast<int>(id);
      }
    }
    return static_cast<int>(ids[0]);
  }

  void AddDictionary(int id, absl::string_view mention_last, uint32_t order) {
    Entity& e = Get(absl::StrCat("#", id));
    if (e.dict_id < 0) {
      e.dict_id = id;
      const std::string& name = ex_.names().actor(static_cast<core::ActorId>(id)).name;
      std::string key;
      core::FoldAsciiKey(name, &key);
      e.key = key;
      AddSurname(&e, key.substr(key.rfind(' ') + 1));
    }
    AddSurname(&e, std::string(mention_last));
    Mention(&e, order);
  }

  void AddUnknown(const std::string& key, const std::string& display, uint32_t order) {
    Entity& e = Get(key);
    if (e.display.empty()) {
      e.display = display;
      e.key = key;
      AddSurname(&e, key.substr(key.rfind(' ') + 1));
    }
    Mention(&e, order);
  }

  // Which of two candidates a name at `order` refers to: the one mentioned
  // last before it, else the one mentioned first after it. A total order, so
  // the result never depends on the hash map's iteration order (it must not:
  // re-indexing an unchanged article has to give identical data).
  static bool Prefer(const Entity& e, const Entity& best, uint32_t order) {
    const bool e_before = e.first < order, best_before = best.first < order;
    if (e_before != best_before) return e_before;
    if (e.first != best.first) return e_before ? e.first > best.first : e.first < best.first;
    return e.key < best.key;
  }
  // Finds a known person whose surname is `key` (the one mentioned last
  // before `order` when several share it).
  Entity* BySurname(absl::string_view key, uint32_t order) {
    Entity* best = nullptr;
    for (auto& [k, e] : entities_) {
      if (std::find(e.surnames.begin(), e.surnames.end(), key) == e.surnames.end()) continue;
      if (best == nullptr || Prefer(e, *best, order)) best = &e;
    }
    return best;
  }
  // A person of this article written family name first ("Kim Min-jun",
  // later "Kim"): not in the dictionary, `key` is the first of its words.
  Entity* ByFirstWord(absl::string_view key, uint32_t order) {
    Entity* best = nullptr;
    for (auto& [k, e] : entities_) {
      if (e.dict_id >= 0 || e.key.size() <= key.size() || e.key[key.size()] != ' ' ||
          !absl::StartsWith(e.key, key))
        continue;
      if (best == nullptr || Prefer(e, *best, order)) best = &e;
    }
    return best;
  }
  // True if `word` is any part of the name of a person of this article.
  bool IsNamePart(absl::string_view word) const {
    for (const auto& [k, e] : entities_) {
      for (absl::string_view part : absl::StrSplit(e.key, ' ')) {
        if (part == word) return true;
      }
    }
    return false;
  }
  Entity* ByKey(absl::string_view key) {
    for (auto& [k, e] : entities_) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }

  void Mention(Entity* e, uint32_t order) {
    ++e->mentions;
    e->first = std::min(e->first, order);
  }

  std::vector<Single>& singles() { return singles_; }
  absl::flat_hash_map<std::string, int>& single_counts() { return single_counts_; }
  absl::flat_hash_set<std::string>& org_keys() { return org_keys_; }
  absl::flat_hash_map<std::string, Entity>& entities() { return entities_; }
  int32_t date() const { return date_; }

 private:
  Entity& Get(const std::string& k) { return entities_[k]; }
  static void AddSurname(Entity* e, std::string s) {
    if (s.empty()) return;
    if (std::find(e->surnames.begin(), e->surnames.end(), s) == e->surnames.end())
      e->surnames.push_back(std::move(s));
  }

  const ActorExtractor& ex_;
  int32_t date_;
  absl::flat_hash_map<std::string, Entity> entities_;
  std::vector<Single> singles_;
  absl::flat_hash_map<std::string, int> single_counts_;
  absl::flat_hash_set<std::string> org_keys_;
};

std::string DisplayWord(absl::string_view raw) {
  std::string w(raw);
  if (absl::EndsWith(w, "'s") || absl::EndsWith(w, "'S")) {
    w.resize(w.size() - 2);
  } else if (absl::EndsWith(w, "\xE2\x80\x99s")) {
    w.resize(w.size() - 4);
  }
  return w;
}

bool NameIsh(const Tok& t) { return t.shape == Shape::kCap || t.shape == Shape::kInitial; }

// "..., a fisherman who", "..., a rice farmer,": after the comma that ends
// a name at toks[e - 1], "a"/"an" and one or two lower-case words closed by
// a comma or "who".
bool RoleAppositionAt(const std::vector<Tok>& toks, size_t e) {
  const size_t n = toks.size();
  if (e == 0 || e + 2 >= n || toks[e - 1].gap != Gap::kComma) return false;
  if (toks[e].key != "a" && toks[e].key != "an") return false;
  for (size_t k = e + 1; k <= e + 2 && k < n; ++k) {
    if (toks[k].shape != Shape::kLower || toks[k - 1].gap == Gap::kStop) return false;
    if (toks[k].gap == Gap::kComma) return true;
    if (toks[k].gap == Gap::kSpace && k + 1 < n && toks[k + 1].key == "who") return true;
  }
  return false;
}

// Mixed-case text: capitalised sequences are person candidates.
void ScanMixedCase(absl::string_view text, const std::vector<Tok>& toks, const WC& ex,
                   uint32_t order_base, ArticleState* st,
                   const absl::flat_hash_set<std::string>& capitalised_inside) {
  const size_t n = toks.size();
  size_t i = 0;
  while (i < n) {
    if (!NameIsh(toks[i])) {
      ++i;
      continue;
    }
    size_t s = i, e = i + 1;
    while (e < n && toks[e - 1].gap == Gap::kSpace && !toks[e - 1].possessive) {
      if (NameIsh(toks[e])) {
        ++e;
      } else if ((toks[e].classes & WC::kParticle) && toks[e].shape == Shape::kLower &&
                 e + 1 < n && toks[e].gap == Gap::kSpace && NameIsh(toks[e + 1])) {
        e += 2;
      } else {
        break;
      }
    }
    i = e;
    // Titles: the name follows the last title word.
    size_t b = s;
    bool title = false, strong = false;
    for (size_t k = s; k + 1 < e; ++k) {
      if (toks[k].classes & WC::kTitle) {
        b = k + 1;
        title = true;
        strong = (toks[k].classes & WC::kStrongTitle) != 0;
      }
    }
    if (!title && s > 0 && toks[s - 1].gap == Gap::kSpace &&
        (toks[s - 1].classes & WC::kTitle) && toks[s - 1].shape == Shape::kLower) {
      title = true;
      strong = (toks[s - 1].classes & WC::kStrongTitle) != 0;
    }
    // Person cues around the sequence: a reporting verb right after or
    // before it ("Ann Lee said", "said Ann Lee"), a relative clause ("Ann
    // Lee, who runs ...") or a role apposition ("Ann Lee, a farmer, ...").
    const Tok& last = toks[e - 1];
    const bool verb_after = e < n && last.gap != Gap::kStop && (toks[e].classes & WC::kVerb) &&
                            toks[e].shape == Shape::kLower;
    const bool verb_before = s > 0 && toks[s - 1].gap != Gap::kStop &&
                             (toks[s - 1].classes & WC::kVerb) &&
                             toks[s - 1].shape == Shape::kLower;
    // A relative clause or role apposition is said of persons only; a
    // reporting verb also of companies ("Southwestern Bell said").
    const bool described = e < n && last.gap == Gap::kComma &&
                           (toks[e].key == "who" || RoleAppositionAt(toks, e));
    const bool reported = verb_after || verb_before || described;
    // Leading words that are not names: function words, demonyms/places,
    // unknown sentence-initial words (kept when exactly two words are
    // described as a person: "Achta Mahamat, who runs ...").
    while (b < e) {
      const Tok& t = toks[b];
      const bool given = (t.classes & WC::kGiven) != 0;
      if ((t.classes & (WC::kNonName | WC::kParticle | WC::kSuffix)) ||
          ((t.classes & WC::kPlace) && !given) || (t.classes & WC::kTitle)) {
        ++b;
      } else if (t.shape == Shape::kCap && t.end - t.begin == 1 && e - b >= 3) {
        ++b;  // a one-letter honorific: "U Tin Maung"
      } else if (t.sentence_start && b == s && e - b >= 2 && !given &&
                 !capitalised_inside.contains(t.key) && !(described && e - b == 2)) {
        ++b;
      } else {
        break;
      }
    }
    // "Exchequer Nigel Lawson", "Agriculture Richard Lyng": office words
    // before a given name that is not the last word.
    // Not right after a lower-case title: "Factory manager Nguyen Thi Lan"
    // keeps its family name.
    const bool after_title = b == s && s > 0 && toks[s - 1].shape == Shape::kLower &&
                             (toks[s - 1].classes & WC::kTitle) && toks[s - 1].gap == Gap::kSpace;
    for (size_t k = b + 1; !after_title && k + 1 < e; ++k) {
      if ((toks[k].classes & WC::kGiven) && !(toks[b].classes & WC::kGiven) &&
          toks[k].shape == Shape::kCap) {
        b = k;
        break;
      }
    }
    size_t f = e;
    while (f > b && (toks[f - 1].classes & (WC::kNonName | WC::kSuffix | WC::kParticle) ||
                     toks[f - 1].shape == Shape::kInitial)) {
      --f;
    }
    if (f <= b) continue;
    bool org = false;
    for (size_t k = b; k < f; ++k) {
      if ((toks[k].classes & WC::kOrg) || toks[k].shape == Shape::kUpper) org = true;
    }
    // Company: "Morgan Stanley Inc", "Smith Barney and Co".
    if (e < n && toks[e - 1].gap != Gap::kStop) {
      const Tok& nx = toks[e];
      if ((nx.classes & WC::kCompanySuffix) && nx.shape != Shape::kLower) org = true;
      if ((nx.key == "and" || nx.key == "&") && e + 1 < n &&
          (toks[e + 1].classes & WC::kCompanySuffix))
        org = true;
    }
    if (e < n && text.substr(toks[e - 1].end, toks[e].begin - toks[e - 1].end).find('&') !=
                     absl::string_view::npos)
      org = true;
    std::string key;
    std::string display;
    for (size_t k = b; k < f; ++k) {
      if (toks[k].shape == Shape::kInitial) continue;
      if (!key.empty()) {
        key.push_back(' ');
        display.push_back(' ');
      }
      key += toks[k].key;
      display += DisplayWord(text.substr(toks[k].begin, toks[k].end - toks[k].begin));
    }
    if (org) {
      st->org_keys().insert(key);
      continue;
    }
    const uint32_t order = order_base + static_cast<uint32_t>(b);
    const size_t words = std::count(key.begin(), key.end(), ' ') + 1;
    if (words == 1) {
      if (toks[b].classes & (WC::kPlace | WC::kOrg | WC::kNonName | WC::kTitle)) continue;
      // "King Fahd", "Pope John": a first-name title stays with a lone name.
      if (b > s && (toks[b - 1].classes & WC::kFirstNameTitle)) {
        key = absl::StrCat(toks[b - 1].key, " ", key);
        display = absl::StrCat(text.substr(toks[b - 1].begin, toks[b - 1].end - toks[b - 1].begin),
                               " ", display);
        st->AddUnknown(key, display, order);
        continue;
      }
      Single one{key, display, strong, reported, order};
      ++st->single_counts()[key];
      st->singles().push_back(std::move(one));
      continue;
    }
    // Two or more words.
    std::string full_key;  // with initials, for the dictionary
    for (size_t k = b; k < f; ++k) {
      if (!full_key.empty()) full_key.push_back(' ');
      full_key += toks[k].key;
    }
    int id = st->PickDictionary(ex.names().FindByKey(full_key));
    if (id < 0) id = st->PickDictionary(ex.names().FindByKey(key));
    const std::string surname = key.substr(key.rfind(' ') + 1);
    if (id >= 0) {
      st->AddDictionary(id, surname, order);
      continue;
    }
    if (ex.Classes(key) & (WC::kPlace | WC::kOrg | WC::kNonName)) continue;
    const bool given = (toks[b].classes & WC::kGiven) != 0;
    const bool cue = title || reported;
    if (!given && !cue) continue;
    const uint16_t last_classes = ex.Classes(surname);
    // A surname that is also a place ("Santos") needs a cue and a given name,
    // or a cue and a surname also listed as a name.
    if ((last_classes & WC::kPlace) && !(cue && (given || (last_classes & WC::kGiven)))) continue;
    if (last_classes & (WC::kOrg | WC::kTitle)) continue;
    st->AddUnknown(key, display, order);
  }
}

// Upper-case or title-case headline text: only names known from the rest of
// the article or (with a cue) from the dictionary.
void ScanHeadline(const std::vector<Tok>& toks, const WC& ex, uint32_t order_base,
                  ArticleState* st) {
  const size_t n = toks.size();
  size_t i = 0;
  while (i < n) {
    const uint32_t order = order_base + static_cast<uint32_t>(i);
    // Longest known multi-word name first.
    bool matched = false;
    for (size_t len = std::min<size_t>(4, n - i); len >= 2 && !matched; --len) {
      bool crosses = false;
      std::string key = toks[i].key;
      for (size_t k = i + 1; k < i + len; ++k) {
        if (toks[k - 1].gap == Gap::kStop) crosses = true;
        key.push_back(' ');
        key += toks[k].key;
      }
      if (crosses) continue;
      if (Entity* e = st->ByKey(key)) {
        st->Mention(e, order);
        matched = true;
      } else if (int id = st->PickDictionary(ex.names().FindByKey(key)); id >= 0) {
        st->AddDictionary(id, toks[i + len - 1].key, order);
        matched = true;
      }
      if (matched) i += len;
    }
    if (matched) continue;
    const Tok& t = toks[i];
    if (t.shape != Shape::kLower && t.shape != Shape::kOther &&
        !(t.classes & (WC::kNonName | WC::kPlace | WC::kOrg | WC::kTitle | WC::kVerb))) {
      const bool strong = i > 0 && toks[i - 1].gap == Gap::kSpace &&
                          (toks[i - 1].classes & WC::kStrongTitle);
      // "BAKER SAYS", "REAGAN TO ADDRESS", "TREASURY'S BAKER".
      const bool verb = (i + 1 < n && t.gap != Gap::kStop &&
                         ((toks[i + 1].classes & WC::kVerb) || toks[i + 1].key == "to")) ||
                        (i > 0 && toks[i - 1].possessive && toks[i - 1].gap == Gap::kSpace);
      if (Entity* e = st->BySurname(t.key, order)) {
        st->Mention(e, order);
      } else if (strong || verb) {
        // Only the dictionary may name a person from a headline alone.
        st->singles().push_back(Single{t.key, std::string(), strong, verb, order});
      }
    }
    ++i;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ActorExtractor>> ActorExtractor::Load(const std::string& data_dir) {
  std::unique_ptr<ActorExtractor> ex(new ActorExtractor());
  NEWSDEX_ASSIGN_OR_RETURN(ex->names_, core::ActorNames::Load(data_dir));
  auto add_list = [&](const std::string& name, uint16_t cls) -> absl::Status {
    NEWSDEX_ASSIGN_OR_RETURN(std::string contents, ReadFile(data_dir + "/" + name));
    for (absl::string_view line : absl::StrSplit(contents, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (line.empty() || line[0] == '#') continue;
      ex->classes_[line] |= cls;
    }
    return absl::OkStatus();
  };
  NEWSDEX_RETURN_IF_ERROR(add_list("given_names.txt", kGiven));
  NEWSDEX_RETURN_IF_ERROR(add_list("given_names_intl.txt", kGiven));
  NEWSDEX_RETURN_IF_ERROR(add_list("actor_places.txt", kPlace));
  const std::string cues_path = data_dir + "/person_cues.tsv";
  NEWSDEX_ASSIGN_OR_RETURN(std::string cues, ReadFile(cues_path));
  static const struct {
    const char* kind;
    uint16_t cls;
  } kKinds[] = {{"title", kTitle},     {"strong_title", kStrongTitle | kTitle},
                {"verb", kVerb},       {"nonname", kNonName},
                {"org", kOrg},         {"company_suffix", kCompanySuffix},
                {"particle", kParticle}, {"suffix", kSuffix},
                {"first_name_title", kFirstNameTitle}};
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(cues, '\n')) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> cols = absl::StrSplit(line, '\t');
    uint16_t cls = 0;
    for (const auto& k : kKinds) {
      if (cols[0] == k.kind) cls = k.cls;
    }
    if (cols.size() != 2 || cls == 0 || cols[1].empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          cues_path, ":", line_number, ": expected \"<kind>\\t<word>\" with a known kind"));
    }
    ex->classes_[cols[1]] |= cls;
  }
  return ex;
}

std::vector<core::ActorFacet> ActorExtractor::Extract(const core::Article& article,
                                                      core::Analyzer& analyzer) const {
  int32_t date = 0;
  if (article.date.has_value()) {
    date = static_cast<int32_t>(article.date->year() * 10000 + article.date->month() * 100 +
                                article.date->day());
  }
  ArticleState st(*this, date);
  std::vector<Tok> toks;
  // Body and dateline first (mixed case), the title last (headline rules).
  struct Segment {
    absl::string_view text;
    bool headline;
    uint32_t order_base;
  };
  const Segment segments[] = {
      {article.body, IsUpperCaseText(article.body), 1u << 20},
      {article.dateline, true, 1u << 30},
      {article.title, true, 0},
  };
  std::vector<std::vector<Tok>> mixed_tokens;
  for (const Segment& seg : segments) {
    if (seg.text.empty()) continue;
    Tokenize(seg.text, analyzer, *this, &toks);
    if (seg.headline) {
      ScanHeadline(toks, *this, seg.order_base, &st);
      continue;
    }
    // Words seen capitalised away from a sentence start are names or
    // proper nouns even when they also start a sentence.
    absl::flat_hash_set<std::string> capitalised_inside;
    for (const Tok& t : toks) {
      if (t.shape == Shape::kCap && !t.sentence_start) capitalised_inside.insert(t.key);
    }
    ScanMixedCase(seg.text, toks, *this, seg.order_base, &st, capitalised_inside);
  }
  // One-word mentions: a person of this article, else the dictionary (a
  // person in office on the article's date, with a cue), else a strong title.
  for (const Single& one : st.singles()) {
    if (st.org_keys().contains(one.key)) continue;
    if (Entity* e = st.BySurname(one.key, one.order)) {
      st.Mention(e, one.order);
      continue;
    }
    if (Entity* e = st.ByFirstWord(one.key, one.order)) {
      st.Mention(e, one.order);
      continue;
    }
    const bool cue = one.strong_title || one.verb || st.single_counts()[one.key] >= 2;
    if (!cue) continue;
    // Never a dictionary person when the word belongs to another name here
    // ("Kim" of "Kim Min-jun" is not Kim Jong Un).
    if (st.IsNamePart(one.key)) continue;
    absl::Span<const core::ActorId> exact = names_->FindByKey(one.key);
    absl::Span<const core::ActorId> by_surname = names_->FindBySurname(one.key);
    // With a date: the one bearer in office on that day, and no other bearer
    // in office within two years (the dictionary's periods have gaps: James
    // Baker's 1985-88 Treasury term is missing, so "Baker" in 1987 is
    // ambiguous, not Howard Baker). Without a date: a unique one-word alias.
    int pick = -1;
    int active = 0;
    int near = 0;
    if (date > 0) {
      absl::flat_hash_set<core::ActorId> seen;
      for (absl::Span<const core::ActorId> ids : {exact, by_surname}) {
        for (core::ActorId id : ids) {
          if (!seen.insert(id).second) continue;
          const core::ActorRecord& r = names_->actor(id);
          if (r.ActiveOn(date)) {
            ++active;
            pick = static_cast<int>(id);
          } else if (r.ActiveOn(date - 20000) || r.ActiveOn(date + 20000)) {
            ++near;
          }
          for (const core::ActorPeriod& p : r.periods) {
            if (!r.ActiveOn(date) && p.from <= date + 20000 && p.to >= date - 20000) {
              ++near;
              break;
            }
          }
        }
      }
      if (near > 0) active = 0;
    } else if (exact.size() == 1) {
      pick = static_cast<int>(exact[0]);
      active = 1;
    }
    if (active == 1) {
      st.AddDictionary(pick, one.key, one.order);
    } else if (one.strong_title && !one.display.empty() &&
               !(Classes(one.key) & (kGiven | kPlace | kOrg))) {
      st.AddUnknown(one.key, one.display, one.order);
    }
  }
  std::vector<const Entity*> found;
  for (const auto& [k, e] : st.entities()) {
    if (e.mentions > 0) found.push_back(&e);
  }
  std::sort(found.begin(), found.end(),
            [](const Entity* a, const Entity* b) { return a->first < b->first; });
  std::vector<core::ActorFacet> out;
  for (const Entity* e : found) {
    core::ActorFacet f;
    f.mentions = e->mentions;
    if (e->dict_id >= 0) {
      const core::ActorRecord& r = names_->actor(static_cast<core::ActorId>(e->dict_id));
      f.name = r.name;
      f.country = r.country;
      f.role = r.role;
    } else {
      f.name = e->display;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace newsdex::indexer

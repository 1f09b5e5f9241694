#include "indexer/country_extractor.h"

#include <algorithm>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/status_macros.h"
#include "indexer/date_extractor.h"
#include "indexer/focus_model.h"
#include "indexer/internal/letter_case.h"
#include "indexer/internal/word_lists.h"

namespace newsdex::indexer {
namespace {

enum AliasFlag : uint8_t {
  kCapsOnly = 1,      // U
  kDotsInCaps = 2,    // D
  kPersonName = 4,    // P
  kQualifier = 8,     // Q
  kEvidence = 16,     // E
  kAnyCase = 32,      // X
  kCommonWord = 64,   // W
  kCity = 128,        // C: a city or institution in the country, not its name
};

uint8_t ParseFlags(absl::string_view flags) {
  uint8_t out = 0;
  for (char c : flags) {
    switch (c) {
      case 'U': out |= kCapsOnly; break;
      case 'D': out |= kDotsInCaps; break;
      case 'P': out |= kPersonName; break;
      case 'Q': out |= kQualifier; break;
      case 'E': out |= kEvidence; break;
      case 'X': out |= kAnyCase; break;
      case 'W': out |= kCommonWord; break;
      case 'C': out |= kCity; break;
      default: break;
    }
  }
  return out;
}

// Classes of the words of data/country_cues.tsv (bits).
enum CueWord : uint16_t {
  // A sentence-initial word before a country name that does not make it a
  // person's name ("In Jordan").
  kFunctionWord = 1,
  // A word next to a country name that does not make it part of a person's
  // name ("Jordan's King Hussein", "Chad government").
  kTitleWord = 2,
  // A capitalised word right before or after a place that makes the place
  // part of a newspaper's or club's name ("Real Madrid", "New York Times").
  kOrgBefore = 4,
  kOrgAfter = 8,
  // A preposition before a language's adjective, or a noun for a language:
  // "traducida al inglés", "auf Englisch", "in lingua inglese".
  kLanguageBefore = 16,
  kLanguageNoun = 32,
  // A conjunction after a language's adjective: "al inglés y al alemán".
  kLanguageJoiner = 64,
  // A given name (data/given_names*.txt): next to a city it makes a
  // person's name ("Fernando Ferrara", "Santiago Bernabéu").
  kGivenName = 128,
  // A masculine article before a city makes it a football club in Spanish
  // and Italian ("el Barcelona", "del Sevilla", "il Napoli", "la Roma"),
  // unless the city takes the article itself (kArticlePlace: "del Cairo").
  kClubArticle = 256,
  kArticlePlace = 512,
};
constexpr internal::WordKind kCueKinds[] = {
    {"function_word", kFunctionWord},
    {"title_word", kTitleWord},
    {"org_before", kOrgBefore},
    {"org_after", kOrgAfter},
    {"language_before", kLanguageBefore},
    {"language_noun", kLanguageNoun},
    {"language_joiner", kLanguageJoiner},
    {"club_article", kClubArticle},
    {"article_place", kArticlePlace},
};

// Longest phrase we look up, in tokens ("Union of Soviet Socialist Republics").
constexpr size_t kMaxPhraseTokens = 8;

// An English alias shaped like a demonym or adjective ("Lebanese", "French",
// "Swiss", "Iraqi") that is not the country's own name: the kDemonym focus
// feature. A shape, not a list, so that every alias of the gazetteer gets a
// kind; "Japan" or "Iran" are display names and stay names.
bool LooksLikeDemonym(absl::string_view alias, absl::string_view display_name) {
  if (absl::EqualsIgnoreCase(alias, display_name)) return false;
  const size_t space = alias.rfind(' ');
  const absl::string_view last = space == absl::string_view::npos ? alias : alias.substr(space + 1);
  for (absl::string_view suffix : {"ese", "ish", "ian", "ians", "an", "ans", "i", "is", "ch",
                                   "ss", "ic"}) {
    if (last.size() > suffix.size() + 2 && absl::EndsWithIgnoreCase(last, suffix)) return true;
  }
  return false;
}

bool IsUpperAscii(char c) { return c >= 'A' && c <= 'Z'; }

// "Jordan's", "Visa’s" (U+2019 ends in byte 0x99).
bool EndsPossessive(absl::string_view word) {
  if (word.size() <= 2 || word.back() != 's') return false;
  const char before_s = word[word.size() - 2];
  return before_s == '\'' || static_cast<unsigned char>(before_s) == 0x99;
}

// True if the words of `text` start with a capital letter (non-ASCII first
// letters are accepted: scripts without case, accented capitals).
bool StartsCapitalized(absl::string_view text) {
  if (text.empty()) return false;
  unsigned char c = static_cast<unsigned char>(text[0]);
  if (c >= 0x80) return true;
  return IsUpperAscii(static_cast<char>(c));
}

// The case every phrase but an X-flagged alias needs at byte `begin` of the
// zone (AliasFits, MatchPlace): a capital letter, or a zone in capitals.
bool CaseFits(const TextZone& zone, size_t begin) {
  return zone.all_caps || StartsCapitalized(zone.text.substr(begin));
}

bool AllLettersUpper(absl::string_view text) {
  for (char c : text) {
    if (absl::ascii_islower(c)) return false;
  }
  return true;
}

// Only blanks (no punctuation, no paragraph break) between two byte offsets.
bool OnlyBlanks(absl::string_view text, size_t from, size_t to) {
  int newlines = 0;
  for (size_t i = from; i < to && i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      if (++newlines > 1) return false;
    } else if (c != ' ' && c != '\t' && c != '\r') {
      return false;
    }
  }
  return true;
}

// Between two tokens of one phrase: blanks, hyphens or an apostrophe
// ("Guinea-Bissau", "Côte d'Ivoire"); dots only after a one-letter word. An
// elided article split off the second token (SplitElisions: "Côte d'Ivoire"
// in French) is part of the phrase; English tokens are never split, so their
// gaps hold no letters.
bool JoinsPhrase(absl::string_view text, size_t from, size_t to) {
  absl::string_view gap = text.substr(from, to - from);
  if ((absl::ConsumeSuffix(&gap, "'") || absl::ConsumeSuffix(&gap, "\xE2\x80\x99")) &&
      !gap.empty() && absl::ascii_isalpha(gap.back())) {
    while (!gap.empty() && absl::ascii_isalpha(gap.back())) gap.remove_suffix(1);
    to = from + gap.size();
  }
  if (to - from > 3) return false;
  for (size_t i = from; i < to; ++i) {
    char c = text[i];
    if (c != ' ' && c != '-' && c != '\'' && c != '\n' && c != '.') return false;
  }
  return true;
}

// True if the word starting at `begin` opens a sentence: only quotes or
// brackets between it and the zone start or a sentence end.
bool SentenceInitial(absl::string_view text, size_t begin) {
  size_t i = begin;
  while (i > 0) {
    char c = text[i - 1];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '(' ||
        c == '\'' || c == '[') {
      --i;
      continue;
    }
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '-';
  }
  return true;
}

// True if an unclosed '<' precedes `pos` on its line.
bool InsideAngleBrackets(absl::string_view text, size_t pos) {
  for (size_t i = pos; i > 0; --i) {
    const char c = text[i - 1];
    if (c == '<') return true;
    if (c == '>' || c == '\n') return false;
  }
  return false;
}

// A dateline's place ends where its date starts ("TORONTO, March 2 -").
bool StartsDate(absl::string_view term) {
  return IsMonthName(term) || absl::ascii_isdigit(term[0]);
}

}  // namespace

struct CountryExtractor::Phrase {
  int32_t alias_set = -1;  // candidate_sets_ index; -1 when not a country alias
  bool is_alias = false;
  bool block = false;      // a phrase that is not a country
  uint8_t flags = 0;
  bool demonym = false;    // LooksLikeDemonym
  std::string text_place;  // best place usable in running text (city >= 100k, capital, state)
  bool text_place_is_state = false;
  int64_t text_place_population = -1;
  // Other countries with a city or state of this name usable in text,
  // chosen when the article names that country and not text_place's.
  std::vector<std::string> other_places;
  std::string dateline_place;  // best place of any size, for datelines
  int64_t dateline_population = -1;
  bool city_stop = false;
};

struct CountryExtractor::Match {
  int32_t alias_set = -1;  // ambiguous or single-candidate alias
  std::string key;         // resolved key (places, qualified places)
  bool evidence_only = false;
  TextZone::Kind zone = TextZone::kBody;
  bool in_lead = false;
  bool in_second_sentence = false;
  bool weak = false;        // counts only if the same country is found otherwise
  bool qualified = false;   // a place with its qualifier ("Paris, Texas")
  bool by_place = false;    // a city or region ("Beirut"), not the country's name
  MentionKind kind = MentionKind::kName;
  std::string phrase;       // folded place name, for places
  const std::vector<std::string>* other_places = nullptr;  // homonyms elsewhere
  absl::string_view surface;
};

// Tokens [first, first + count) of a zone and the text they cover.
struct CountryExtractor::Span {
  Span(const TextZone& zone, size_t first_token, size_t token_count)
      : first(first_token),
        count(token_count),
        begin(zone.tokens[first].begin),
        end(zone.tokens[first + count - 1].end),
        text(zone.text.substr(begin, end - begin)) {}
  size_t next() const { return first + count; }  // the token after the span

  size_t first;
  size_t count;
  size_t begin;  // byte offsets in the zone's text
  size_t end;
  absl::string_view text;
};

// What a phrase at a position comes to.
enum class CountryExtractor::Outcome : uint8_t {
  kTryShorter,  // not here in this form: try the next shorter phrase
  kNoMatch,     // the tokens are taken (a person's name, a blocked phrase), no place
  kMatch,
};

CountryExtractor::~CountryExtractor() = default;

void AnalyzeZoneText(TextZone* zone) {
  zone->all_caps = internal::MostlyCapitals(zone->text);
  zone->lead_end = zone->second_sentence_end = zone->text.size();
  if (zone->kind != TextZone::kBody) return;
  // The lead: the first sentence. A period ends it when it follows a lower-case
  // letter, a digit or a closing quote, and blanks follow ("U.S. officials" does
  // not end a sentence).
  const absl::string_view t = zone->text;
  int sentences = 0;
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    if (t[i] != '.' && t[i] != '!' && t[i] != '?') continue;
    if (t[i + 1] != ' ' && t[i + 1] != '\n') continue;
    char p = t[i - 1];
    if (absl::ascii_islower(p) || absl::ascii_isdigit(p) || p == '"' || p == ')') {
      if (++sentences == 1) {
        zone->lead_end = i + 1;
        zone->second_sentence_end = t.size();
        continue;
      }
      zone->second_sentence_end = i + 1;
      return;
    }
  }
}

absl::StatusOr<std::unique_ptr<CountryExtractor>> CountryExtractor::Load(
    const std::string& data_dir, std::shared_ptr<const LanguageWordTable> languages) {
  if (languages == nullptr) {
    NEWSDEX_ASSIGN_OR_RETURN(languages, LanguageWordTable::LoadFromDataDir(data_dir));
  }
  std::unique_ptr<CountryExtractor> ex(new CountryExtractor());
  ex->languages_ = std::move(languages);
  NEWSDEX_ASSIGN_OR_RETURN(ex->names_, core::CountryNames::Load(data_dir));
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<core::Analyzer> analyzer, core::Analyzer::Create());
  absl::flat_hash_set<std::string> stops;
  for (const std::string& stop : ex->names_->city_stopwords()) {
    stops.insert(analyzer->FoldKey(stop));
  }
  for (const core::CountryAlias& a : ex->names_->aliases()) {
    // Capitals in the generated files that are common names ("Douglas",
    // "Stanley", "Kingston") are stopped like other places; our own
    // hand-written aliases are trusted, and so are the aliases of other
    // languages (the stop list is of English words).
    if (a.language.empty() && !absl::StartsWith(a.origin, "country_extra") &&
        stops.contains(analyzer->FoldKey(a.text))) {
      continue;
    }
    ex->AddAlias(a, *analyzer);
  }
  NEWSDEX_RETURN_IF_ERROR(ex->LoadPlaces(data_dir + "/places.tsv", *analyzer));
  for (const std::string& stop : stops) {
    auto it = ex->phrase_index_.find(stop);
    if (it != ex->phrase_index_.end()) ex->phrases_[it->second].city_stop = true;
  }
  // `any_case_only`: index only the aliases that need no capital letter.
  auto index_first_tokens = [&ex](const absl::flat_hash_map<std::string, uint32_t>& index,
                                  bool any_case_only,
                                  absl::flat_hash_map<std::string, uint8_t>* first_tokens) {
    for (const auto& [folded, phrase] : index) {
      const Phrase& p = ex->phrases_[phrase];
      if (any_case_only && !(p.is_alias && (p.flags & kAnyCase))) continue;
      std::vector<absl::string_view> words = absl::StrSplit(folded, ' ');
      uint8_t& max_len = (*first_tokens)[words[0]];
      max_len = std::max<uint8_t>(max_len, static_cast<uint8_t>(words.size()));
    }
  };
  index_first_tokens(ex->phrase_index_, false, &ex->first_tokens_);
  index_first_tokens(ex->phrase_index_, true, &ex->any_case_first_tokens_);
  for (auto& [words, lang] : ex->by_language_) {
    index_first_tokens(lang.index, false, &lang.first_tokens);
  }
  NEWSDEX_RETURN_IF_ERROR(
      internal::AddWordKinds(data_dir + "/country_cues.tsv", kCueKinds, &ex->cue_words_));
  for (const char* file : {"/given_names.txt", "/given_names_intl.txt"}) {
    NEWSDEX_RETURN_IF_ERROR(internal::AddWordList(data_dir + file, kGivenName, &ex->cue_words_));
  }
  NEWSDEX_ASSIGN_OR_RETURN(
      FocusModel model,
      FocusModel::Load(absl::StrCat(data_dir, "/", FocusModel::kFileName)));
  ex->focus_model_ = std::make_unique<const FocusModel>(std::move(model));
  return ex;
}

void CountryExtractor::AddAlias(const core::CountryAlias& alias, core::Analyzer& analyzer) {
  absl::flat_hash_map<std::string, uint32_t>* index = &phrase_index_;
  const LanguageWords* words = nullptr;
  if (!alias.language.empty()) {
    words = languages_->Find(alias.language);
    // No zone is ever in a language without words: its aliases never match.
    if (words == nullptr) return;
    index = &by_language_[words].index;
  }
  // Folded as the zones of its language are ("Côte d'Ivoire" -> "cote
  // ivoire" in French, where "d'" is split off).
  std::string folded = FoldPhrase(alias.text, words, analyzer);
  if (folded.empty()) return;
  if (static_cast<size_t>(std::count(folded.begin(), folded.end(), ' ')) >= kMaxPhraseTokens) {
    return;
  }
  auto [it, inserted] = index->emplace(folded, phrases_.size());
  if (inserted) phrases_.emplace_back();
  Phrase& p = phrases_[it->second];
  if (p.is_alias) return;  // the first definition wins
  p.is_alias = true;
  p.flags = ParseFlags(alias.flags);
  if (alias.candidates.empty()) {
    p.block = true;
    return;
  }
  p.alias_set = static_cast<int32_t>(candidate_sets_.size());
  p.demonym = alias.language.empty() && alias.candidates.size() == 1 &&
              LooksLikeDemonym(alias.text, names_->DisplayName(alias.candidates[0].key));
  candidate_sets_.push_back(alias.candidates);
}

absl::Status CountryExtractor::LoadPlaces(const std::string& path, core::Analyzer& analyzer) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    int64_t population = 0;
    if (cols.size() < 4 || cols[3].size() != 1 || !absl::SimpleAtoi(cols[2], &population)) {
      return absl::InvalidArgumentError(
          absl::StrCat("places.tsv:", line_no, ": expected name, key, population, kind"));
    }
    if (names_->Find(cols[1]) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("places.tsv:", line_no, ": unknown country key \"", cols[1], "\""));
    }
    std::string folded = analyzer.FoldKey(cols[0]);
    if (folded.empty() ||
        static_cast<size_t>(std::count(folded.begin(), folded.end(), ' ')) >= kMaxPhraseTokens) {
      continue;
    }
    auto [it, inserted] = phrase_index_.emplace(folded, phrases_.size());
    if (inserted) phrases_.emplace_back();
    Phrase& p = phrases_[it->second];
    const char kind = cols[3][0];
    if (population > p.dateline_population) {
      p.dateline_population = population;
      p.dateline_place = cols[1];
    }
    if (kind == 'D' || kind == 'N') {  // datelines only; a homonym in text
      if (!p.text_place.empty() && p.text_place != cols[1] &&
          std::find(p.other_places.begin(), p.other_places.end(), cols[1]) ==
              p.other_places.end()) {
        p.other_places.push_back(cols[1]);
      }
      continue;
    }
    // States outrank cities of the same name ("Georgia" the state, not a town);
    // among cities the most populous wins ("Paris" is in France).
    const bool is_state = kind == 'S';
    if (p.text_place.empty() || (is_state && !p.text_place_is_state) ||
        (is_state == p.text_place_is_state && population > p.text_place_population)) {
      if (!p.text_place.empty() && p.text_place != cols[1] &&
          std::find(p.other_places.begin(), p.other_places.end(), p.text_place) ==
              p.other_places.end()) {
        p.other_places.push_back(p.text_place);
      }
      p.text_place = cols[1];
      p.text_place_is_state = is_state;
      p.text_place_population = population;
    } else if (p.text_place != cols[1] && std::find(p.other_places.begin(), p.other_places.end(),
                                                     cols[1]) == p.other_places.end()) {
      p.other_places.push_back(cols[1]);
    }
  }
  for (Phrase& p : phrases_) {
    p.other_places.erase(std::remove(p.other_places.begin(), p.other_places.end(), p.text_place),
                         p.other_places.end());
  }
  return absl::OkStatus();
}

const CountryExtractor::LanguagePhrases* CountryExtractor::PhrasesFor(const TextZone& zone) const {
  if (zone.language == nullptr) return nullptr;
  auto it = by_language_.find(zone.language);
  return it == by_language_.end() ? nullptr : &it->second;
}

const CountryExtractor::Phrase* CountryExtractor::Lookup(const LanguagePhrases* lang,
                                                         absl::string_view folded) const {
  if (lang != nullptr) {
    if (auto it = lang->index.find(folded); it != lang->index.end()) return &phrases_[it->second];
  }
  auto it = phrase_index_.find(folded);
  return it == phrase_index_.end() ? nullptr : &phrases_[it->second];
}

// Place names end in a genitive suffix in some languages ("Deutschlands",
// "Moskaus"). The stem must keep four bytes, so that short words ending in the
// suffix are not read as names.
constexpr size_t kMinInflectedStem = 4;

const CountryExtractor::Phrase* CountryExtractor::LookupInflected(const TextZone& zone,
                                                                  const LanguagePhrases* lang,
                                                                  absl::string_view folded,
                                                                  size_t* used) const {
  *used = folded.size();
  if (const Phrase* p = Lookup(lang, folded)) return p;
  if (zone.language == nullptr) return nullptr;
  const size_t last_word = folded.rfind(' ') + 1;  // npos + 1 == 0
  for (const std::string& suffix : zone.language->name_suffixes) {
    if (!absl::EndsWith(folded, suffix) ||
        folded.size() - last_word < suffix.size() + kMinInflectedStem) {
      continue;
    }
    if (const Phrase* p = Lookup(lang, folded.substr(0, folded.size() - suffix.size()))) {
      *used = folded.size() - suffix.size();
      return p;
    }
  }
  return nullptr;
}

size_t CountryExtractor::MaxPhraseTokens(const TextZone& zone, const LanguagePhrases* lang,
                                         absl::string_view term) const {
  size_t most = 0;
  if (auto it = first_tokens_.find(term); it != first_tokens_.end()) most = it->second;
  if (lang == nullptr) return most;
  if (auto it = lang->first_tokens.find(term); it != lang->first_tokens.end()) {
    most = std::max<size_t>(most, it->second);
  }
  // An inflected word ("Deutschlands") is a whole phrase: LookupInflected
  // decides.
  if (most == 0 && !zone.language->name_suffixes.empty()) most = 1;
  return most;
}

// A word without a capital letter (most words of running text) can only
// start an X-flagged alias: every other phrase fails CaseFits in MatchAlias
// or MatchPlace, so it is looked up among those few only, or not at all when
// there are none (there are none in data/ today). Matching a zone took
// 54.4M -> 28.3M instructions on Reuters reut2-000 (callgrind): most of it was
// the lookup of every token.
size_t CountryExtractor::MaxEnglishPhraseTokens(const TextZone& zone, size_t first) const {
  const core::Token& token = zone.tokens[first];
  const bool capital = CaseFits(zone, token.begin);
  if (!capital && any_case_first_tokens_.empty()) return 0;
  const auto& first_tokens = capital ? first_tokens_ : any_case_first_tokens_;
  auto it = first_tokens.find(token.term);
  return it == first_tokens.end() ? 0 : it->second;
}

bool CountryExtractor::IsCueWord(absl::string_view term, uint16_t cue) const {
  return (internal::ClassesOf(cue_words_, term) & cue) != 0;
}

// "Paris, Texas", "PORTLAND, Ore.", "London, Ontario": a place followed by a
// state, a qualifier abbreviation or (for cities) a country takes its key.
// The longest qualifier of up to three words wins.
void CountryExtractor::Qualify(const TextZone& zone, const Span& place, bool allow_country,
                               Match* match, size_t* consumed) const {
  const std::vector<core::Token>& tokens = zone.tokens;
  const absl::string_view text = zone.text;
  const size_t first = place.next();
  if (first >= tokens.size() || text.substr(place.end, tokens[first].begin - place.end) != ", ") {
    return;
  }
  if (!StartsCapitalized(text.substr(tokens[first].begin))) return;
  std::string folded = tokens[first].term;
  for (size_t count = 1; count <= 3 && first + count <= tokens.size(); ++count) {
    if (count > 1) {
      const core::Token& cur = tokens[first + count - 1];
      if (!JoinsPhrase(text, tokens[first + count - 2].end, cur.begin)) break;
      folded.push_back(' ');
      folded += cur.term;
    }
    const Phrase* qualifier = Lookup(PhrasesFor(zone), folded);
    if (qualifier == nullptr) continue;
    if (qualifier->is_alias && !qualifier->block && qualifier->alias_set >= 0 &&
        !(qualifier->flags & kEvidence) && candidate_sets_[qualifier->alias_set].size() == 1 &&
        (allow_country || (qualifier->flags & kQualifier))) {
      match->key = candidate_sets_[qualifier->alias_set][0].key;
    } else if (!qualifier->is_alias && qualifier->text_place_is_state) {
      match->key = qualifier->text_place;
    } else {
      continue;
    }
    match->qualified = true;
    *consumed = place.count + count;
  }
}

void CountryExtractor::MatchZone(const TextZone& zone, std::vector<Match>* out) const {
  std::string folded;  // reused: most positions start no phrase
  for (size_t first = 0; first < zone.tokens.size();) {
    // A dateline names its place before the date: "TORONTO, March 2 -".
    if (zone.kind == TextZone::kDateline && StartsDate(zone.tokens[first].term)) break;
    first += std::max<size_t>(MatchAt(zone, first, &folded, out), 1);
  }
}

size_t CountryExtractor::MatchAt(const TextZone& zone, size_t first, std::string* folded,
                                 std::vector<Match>* out) const {
  // Two instances, so that English text (nearly all of it) pays nothing for
  // the lookups of other languages: measured with callgrind on Reuters dev
  // reut2-000, one shared body cost English extraction 8% more instructions.
  if (zone.language != nullptr) return MatchAtIn<true>(zone, first, folded, out);
  return MatchAtIn<false>(zone, first, folded, out);
}

template <bool kOtherLanguage>
size_t CountryExtractor::MatchAtIn(const TextZone& zone, size_t first, std::string* folded,
                                   std::vector<Match>* out) const {
  const std::vector<core::Token>& tokens = zone.tokens;
  const LanguagePhrases* lang = kOtherLanguage ? PhrasesFor(zone) : nullptr;
  const size_t most = kOtherLanguage ? MaxPhraseTokens(zone, lang, tokens[first].term)
                                     : MaxEnglishPhraseTokens(zone, first);
  if (most == 0) return 0;
  // Every phrase starting here: found[count] for `count` tokens, whose folded
  // text is the first folded_size[count] bytes of *folded.
  const size_t max_count = std::min<size_t>(most, tokens.size() - first);
  const Phrase* found[kMaxPhraseTokens + 1] = {};
  size_t folded_size[kMaxPhraseTokens + 1] = {};
  const auto lookup = [&](size_t count) {
    if constexpr (kOtherLanguage) {
      found[count] = LookupInflected(zone, lang, *folded, &folded_size[count]);
    } else {
      auto it = phrase_index_.find(*folded);
      found[count] = it == phrase_index_.end() ? nullptr : &phrases_[it->second];
      folded_size[count] = folded->size();
    }
  };
  *folded = tokens[first].term;
  lookup(1);
  for (size_t count = 2; count <= max_count; ++count) {
    const core::Token& cur = tokens[first + count - 1];
    if (!JoinsPhrase(zone.text, tokens[first + count - 2].end, cur.begin)) break;
    folded->push_back(' ');
    *folded += cur.term;
    lookup(count);
  }
  Match match;
  match.zone = zone.kind;
  match.in_lead = zone.kind == TextZone::kBody && tokens[first].begin < zone.lead_end;
  match.in_second_sentence = zone.kind == TextZone::kBody && !match.in_lead &&
                             tokens[first].begin < zone.second_sentence_end;
  // Longest first.
  for (size_t count = max_count; count >= 1; --count) {
    if (found[count] == nullptr) continue;
    const Phrase& phrase = *found[count];
    const Span span(zone, first, count);
    // Company names and stock symbols in angle brackets ("<SDC SYDNEY
    // DEVELOPMENT CORP>", "ROCKWELL <ROK>") name no country.
    if (InsideAngleBrackets(zone.text, span.begin)) return 0;
    if (IsAcronym(zone, span, phrase)) continue;
    if (InOrganisationName(zone, span) || NamesALanguage(zone, span, phrase)) return count;
    const absl::string_view phrase_text(folded->data(), folded_size[count]);
    size_t consumed = 0;
    const Outcome outcome = phrase.is_alias
                                ? MatchAlias(zone, span, phrase, phrase_text, &match, &consumed)
                                : MatchPlace(zone, span, phrase, phrase_text, &match, &consumed);
    if (outcome == Outcome::kTryShorter) continue;
    if (outcome == Outcome::kMatch) {
      const core::Token& last = tokens[first + consumed - 1];
      match.surface = zone.text.substr(span.begin, last.end - span.begin);
      out->push_back(std::move(match));
    }
    return consumed;
  }
  return 0;
}

// In mixed-case text a word in capitals without dots is an acronym ("GAO" is
// not the city in Mali) unless the alias is one (U flag).
bool CountryExtractor::IsAcronym(const TextZone& zone, const Span& span, const Phrase& phrase) {
  return !zone.all_caps && zone.kind != TextZone::kDateline && span.text.size() >= 2 &&
         AllLettersUpper(span.text) && span.text.find('.') == absl::string_view::npos &&
         !(phrase.is_alias && (phrase.flags & kCapsOnly));
}

// The case and position an alias's flags ask for.
bool CountryExtractor::AliasFits(const TextZone& zone, const Span& span, uint8_t flags) {
  if (!(flags & kAnyCase) && !CaseFits(zone, span.begin)) return false;
  if ((flags & kCapsOnly) && !AllLettersUpper(span.text)) return false;
  const bool dotted = span.text.find('.') != absl::string_view::npos;
  if ((flags & kDotsInCaps) && zone.all_caps && !dotted) return false;
  if (!(flags & kQualifier)) return true;
  // "PORTLAND, Ore.": only right after "Word, ".
  if (span.first == 0) return false;
  const core::Token& before = zone.tokens[span.first - 1];
  return zone.text.substr(before.end, span.begin - before.end) == ", " &&
         StartsCapitalized(zone.text.substr(before.begin));
}

// "Michael Jordan": a capitalised word right before the alias, other than a
// number, a function word opening the sentence or a title word.
bool CountryExtractor::NameWordBefore(const TextZone& zone, const Span& span) const {
  if (span.first == 0) return false;
  const absl::string_view text = zone.text;
  const core::Token& before = zone.tokens[span.first - 1];
  return OnlyBlanks(text, before.end, span.begin) && StartsCapitalized(text.substr(before.begin)) &&
         !absl::ascii_isdigit(text[before.begin]) &&
         !(SentenceInitial(text, before.begin) && IsCueWord(before.term, kFunctionWord)) &&
         !IsCueWord(before.term, kTitleWord);
}

// "Chad Smith": a capitalised word right after the alias (not after a
// possessive: "Jordan's King"), other than a title word.
bool CountryExtractor::NameWordAfter(const TextZone& zone, const Span& span) const {
  const absl::string_view text = zone.text;
  if (EndsPossessive(span.text) || span.next() >= zone.tokens.size()) return false;
  const core::Token& after = zone.tokens[span.next()];
  return OnlyBlanks(text, span.end, after.begin) && StartsCapitalized(text.substr(after.begin)) &&
         !IsCueWord(after.term, kTitleWord);
}

// "New York Times", "Real Madrid", "Los Angeles FC": a place inside the name
// of a newspaper or a club refers to no country (the labels of tests/ say
// so). Never in a dateline, which names a place, nor in capitals, where a
// common noun looks the same ("ARGENTINE OBSERVER").
bool CountryExtractor::InOrganisationName(const TextZone& zone, const Span& span) const {
  if (zone.kind == TextZone::kDateline || zone.all_caps) return false;
  const absl::string_view text = zone.text;
  const auto cue_at = [&](const core::Token& t, size_t gap_begin, size_t gap_end, uint16_t cue) {
    return OnlyBlanks(text, gap_begin, gap_end) && StartsCapitalized(text.substr(t.begin)) &&
           IsCueWord(t.term, cue);
  };
  if (span.first > 0) {
    const core::Token& before = zone.tokens[span.first - 1];
    if (cue_at(before, before.end, span.begin, kOrgBefore)) return true;
  }
  if (span.next() >= zone.tokens.size()) return false;
  const core::Token& after = zone.tokens[span.next()];
  return cue_at(after, span.end, after.begin, kOrgAfter);
}

// "Fernando Ferrara", "Santiago Bernabéu", "Paris Hilton": a city that ends
// a name begun by a given name ("Chase Manhattan Bank" goes on), or that is
// named like a person and followed by one more capitalised word ("London
// Metal Exchange" goes on; no title word: "Santiago government", "Paris
// Club"), is part of a person's name.
bool CountryExtractor::InPersonsName(const TextZone& zone, const Span& span) const {
  const absl::string_view text = zone.text;
  const std::vector<core::Token>& tokens = zone.tokens;
  // Whether a capitalised word follows tokens[i - 1] after blanks only.
  const auto capitalised_after = [&](size_t i) {
    return i < tokens.size() && OnlyBlanks(text, tokens[i - 1].end, tokens[i].begin) &&
           StartsCapitalized(text.substr(tokens[i].begin));
  };
  if (span.first > 0 && !capitalised_after(span.next())) {
    const core::Token& before = tokens[span.first - 1];
    const absl::string_view word = text.substr(before.begin, before.end - before.begin);
    if (word.size() > 2 && OnlyBlanks(text, before.end, span.begin) && StartsCapitalized(word) &&
        !EndsPossessive(word) && IsCueWord(before.term, kGivenName) &&
        !IsMonthName(before.term) && !SentenceInitial(text, before.begin)) {
      return true;
    }
  }
  return span.count == 1 && IsCueWord(tokens[span.first].term, kGivenName) &&
         NameWordAfter(zone, span) && !IsMonthName(tokens[span.next()].term) &&
         !capitalised_after(span.next() + 1);
}

// A city in running text that is part of a person's or a club's name. A
// dateline names a place, and capitals hide the cues.
bool CountryExtractor::PlaceInOtherName(const TextZone& zone, const Span& span) const {
  return zone.kind != TextZone::kDateline && !zone.all_caps &&
         (InPersonsName(zone, span) || ClubAfterArticle(zone, span));
}

// "El Barcelona", "ante el Sevilla", "il Napoli": in an article in another
// language, a club article right before a one-word city.
bool CountryExtractor::ClubAfterArticle(const TextZone& zone, const Span& span) const {
  if (zone.language == nullptr || span.first == 0 || span.count != 1) return false;
  const core::Token& before = zone.tokens[span.first - 1];
  return OnlyBlanks(zone.text, before.end, span.begin) && IsCueWord(before.term, kClubArticle) &&
         !IsCueWord(zone.tokens[span.first].term, kArticlePlace);
}

// "traducida al francés, al inglés y al alemán", "in lingua inglese", "sigla
// em inglês", "in English.": an adjective that names a language after a
// preposition, and before punctuation or a conjunction, or after a noun for
// language (and a preposition), refers to no country (the labels of tests/ say so). Not
// "del inglés Harry Kane", where it is a person's nationality.
bool CountryExtractor::NamesALanguage(const TextZone& zone, const Span& span,
                                      const Phrase& phrase) const {
  // Adjectives: the other languages' (X) and English demonyms that are no
  // place ("Paris" looks like one).
  const bool adjective =
      (phrase.flags & kAnyCase) || (phrase.demonym && phrase.text_place.empty());
  if (!adjective || span.first == 0) return false;
  const absl::string_view text = zone.text;
  const core::Token& before = zone.tokens[span.first - 1];
  if (!OnlyBlanks(text, before.end, span.begin)) return false;
  if (IsCueWord(before.term, kLanguageNoun)) return true;
  if (!IsCueWord(before.term, kLanguageBefore)) return false;
  // French, Spanish, Italian and Portuguese write languages in lower case;
  // capitalised, the word is the country ("en Suiza", "suiza" being also the
  // adjective).
  static constexpr absl::string_view kLowerCaseLanguages[] = {"fr", "es", "it", "pt"};
  if (zone.language != nullptr && StartsCapitalized(span.text) &&
      std::find(std::begin(kLowerCaseLanguages), std::end(kLowerCaseLanguages),
                zone.language->language) != std::end(kLowerCaseLanguages)) {
    return false;
  }
  // "por sus siglas en inglés", "sigla em inglês para ..."
  if (span.first >= 2 && IsCueWord(zone.tokens[span.first - 2].term, kLanguageNoun)) return true;
  // Then the clause ends, or a list of languages goes on with another
  // preposition ("al francés, al inglés y al alemán"; not "in Colombian,
  // Brazilian and Mexican coffee").
  const std::vector<core::Token>& tokens = zone.tokens;
  size_t next = span.next();
  if (next >= tokens.size()) return true;
  const absl::string_view gap = text.substr(span.end, tokens[next].begin - span.end);
  const bool comma = absl::StripAsciiWhitespace(gap) == ",";
  if (!comma && !OnlyBlanks(text, span.end, tokens[next].begin)) return true;
  // A comma after the list's last item: "... y al alemán, alcanzó".
  if (comma && span.first >= 2 && IsCueWord(tokens[span.first - 2].term, kLanguageJoiner)) {
    return true;
  }
  if (!comma) {
    if (!IsCueWord(tokens[next].term, kLanguageJoiner)) return false;
    ++next;
  }
  return next < tokens.size() && IsCueWord(tokens[next].term, kLanguageBefore);
}

CountryExtractor::Outcome CountryExtractor::MatchAlias(const TextZone& zone, const Span& span,
                                                       const Phrase& phrase,
                                                       absl::string_view phrase_text,
                                                       Match* match, size_t* consumed) const {
  if (!AliasFits(zone, span, phrase.flags)) return Outcome::kTryShorter;
  *consumed = span.count;
  // A person's name is not a place either.
  if ((phrase.flags & kPersonName) && !zone.all_caps &&
      (NameWordBefore(zone, span) || NameWordAfter(zone, span))) {
    return Outcome::kNoMatch;
  }
  if (phrase.block) return Outcome::kNoMatch;
  const bool place = (phrase.flags & kCity) || !phrase.text_place.empty();
  if (place && PlaceInOtherName(zone, span)) return Outcome::kNoMatch;
  match->alias_set = phrase.alias_set;
  if (phrase.alias_set >= 0 && candidate_sets_[phrase.alias_set].size() == 1 &&
      !(phrase.flags & (kEvidence | kQualifier))) {
    // A capital used as a town name elsewhere ("Paris, Texas").
    Qualify(zone, span, /*allow_country=*/false, match, consumed);
    // Unqualified, the phrase still lets a repetition take the meaning
    // of an earlier qualified mention ("Paris, Texas" ... "in Paris").
    match->phrase = std::string(phrase_text);
    if (match->qualified) match->alias_set = -1;
    match->by_place = (phrase.flags & kCity) ||
                      (!phrase.text_place.empty() &&
                       phrase.text_place == candidate_sets_[phrase.alias_set][0].key);
  }
  match->kind = match->qualified  ? MentionKind::kPlace
                : match->by_place ? MentionKind::kCapital
                : phrase.demonym  ? MentionKind::kDemonym
                                  : MentionKind::kName;
  match->evidence_only = (phrase.flags & kEvidence) != 0;
  // "Turkey farmers ...": a common word whose capital letter may only
  // mark a sentence start or a title needs support from elsewhere.
  match->weak = (phrase.flags & kCommonWord) &&
                (zone.kind == TextZone::kTitle || SentenceInitial(zone.text, span.begin));
  return Outcome::kMatch;
}

CountryExtractor::Outcome CountryExtractor::MatchPlace(const TextZone& zone, const Span& span,
                                                       const Phrase& phrase,
                                                       absl::string_view phrase_text,
                                                       Match* match, size_t* consumed) const {
  if (!CaseFits(zone, span.begin)) return Outcome::kTryShorter;
  const bool dateline = zone.kind == TextZone::kDateline;
  const std::string* place = nullptr;
  bool city = false;
  if (!phrase.text_place.empty() && (!phrase.city_stop || phrase.text_place_is_state || dateline)) {
    place = &phrase.text_place;
    city = !phrase.text_place_is_state;
  } else if (dateline && !phrase.dateline_place.empty()) {
    place = &phrase.dateline_place;
    city = true;
  }
  if (place == nullptr) return Outcome::kTryShorter;
  *consumed = span.count;
  if (PlaceInOtherName(zone, span)) return Outcome::kNoMatch;
  match->key = *place;
  match->phrase = std::string(phrase_text);
  match->by_place = true;
  match->kind = MentionKind::kPlace;
  if (place == &phrase.text_place && !phrase.other_places.empty()) {
    match->other_places = &phrase.other_places;
  }
  // Title words are capitalised anyway ("Leader Tours Exhibition"): a place
  // in a title counts only if the text supports it.
  match->weak = zone.kind == TextZone::kTitle;
  if (city) Qualify(zone, span, /*allow_country=*/true, match, consumed);
  return Outcome::kMatch;
}

std::vector<std::string> CountryExtractor::ResolveKeys(
    const std::vector<Match>& matches, std::optional<absl::CivilDay> date) const {
  // Evidence for ambiguous names: every unambiguous match and evidence word.
  absl::flat_hash_set<std::string> evidence;
  // A place qualified once ("Paris, Texas") keeps that meaning when repeated.
  absl::flat_hash_map<std::string, std::string> qualified;
  for (const Match& m : matches) {
    if (m.qualified && !m.phrase.empty()) qualified.emplace(m.phrase, m.key);
  }
  absl::flat_hash_set<std::string> named;  // countries named, not only places
  for (const Match& m : matches) {
    if (m.weak) continue;
    if (m.key.empty() && m.alias_set >= 0 && candidate_sets_[m.alias_set].size() == 1) {
      named.insert(candidate_sets_[m.alias_set][0].key);
    } else if (m.qualified || (!m.key.empty() && m.phrase.empty())) {
      named.insert(m.key);
    }
    if (!m.key.empty()) {
      evidence.insert(m.key);
    } else if (m.alias_set >= 0 && candidate_sets_[m.alias_set].size() == 1) {
      evidence.insert(candidate_sets_[m.alias_set][0].key);
    }
  }
  std::vector<std::string> keys;
  keys.reserve(matches.size());
  for (const Match& m : matches) {
    std::string key = PlaceKey(m, qualified, named);
    if (key.empty()) key = CandidateKey(m.alias_set, evidence, date);
    keys.push_back(names_->ApplySuccession(key, date));
  }
  return keys;
}

std::string CountryExtractor::PlaceKey(
    const Match& m, const absl::flat_hash_map<std::string, std::string>& qualified,
    const absl::flat_hash_set<std::string>& named) {
  if (m.qualified || m.phrase.empty()) return m.key;
  if (auto q = qualified.find(m.phrase); q != qualified.end()) return q->second;
  // "Rio Grande" in a story about New Mexico is not the Brazilian city.
  if (m.other_places != nullptr && !named.contains(m.key)) {
    for (const std::string& other : *m.other_places) {
      if (named.contains(other)) return other;
    }
  }
  return m.key;
}

const std::string& CountryExtractor::CandidateKey(int32_t alias_set,
                                                  const absl::flat_hash_set<std::string>& evidence,
                                                  std::optional<absl::CivilDay> date) const {
  const std::vector<core::CountryCandidate>& candidates = candidate_sets_[alias_set];
  const core::CountryCandidate* first_valid = nullptr;
  for (const core::CountryCandidate& c : candidates) {
    const bool valid = !c.valid_from || !date || *date >= *c.valid_from;
    if (!valid) continue;
    if (evidence.contains(c.key)) return c.key;
    if (first_valid == nullptr) first_valid = &c;
  }
  return first_valid != nullptr ? first_valid->key : candidates[0].key;
}

std::vector<std::string> CountryExtractor::Explain(const std::vector<TextZone>& zones,
                                                   std::optional<absl::CivilDay> date) const {
  std::vector<Match> matches;
  for (const TextZone& zone : zones) MatchZone(zone, &matches);
  std::vector<std::string> keys = ResolveKeys(matches, date);
  std::vector<std::string> out;
  for (size_t i = 0; i < matches.size(); ++i) {
    out.push_back(absl::StrCat(matches[i].surface, "=", keys[i],
                               matches[i].evidence_only ? "?" : ""));
  }
  return out;
}

namespace {

// "U.S.-Japan", "Britain and France", "France, Italy": two mentions in one
// zone with at most a joining word between them.
bool Beside(absl::string_view first, absl::string_view second) {
  const char* gap_begin = first.data() + first.size();
  if (second.data() < gap_begin || second.data() - gap_begin > 6) return false;
  const absl::string_view gap =
      absl::StripAsciiWhitespace(absl::string_view(gap_begin, second.data() - gap_begin));
  return gap.empty() || gap == "-" || gap == "/" || gap == "," || gap == "&" || gap == "and" ||
         gap == "or";
}

}  // namespace

absl::flat_hash_map<std::string, CountryEvidence> CountryExtractor::GatherEvidence(
    const std::vector<Match>& matches, const std::vector<std::string>& keys,
    const std::vector<TextZone>& zones, ArticleEvidence* article) const {
  absl::flat_hash_set<std::string> supported;
  for (size_t mi = 0; mi < matches.size(); ++mi) {
    if (!matches[mi].weak) supported.insert(keys[mi]);
  }
  // The mentions that count, in text order.
  std::vector<size_t> counted;
  for (size_t mi = 0; mi < matches.size(); ++mi) {
    const Match& m = matches[mi];
    if (m.evidence_only || (m.weak && !supported.contains(keys[mi]))) continue;
    counted.push_back(mi);
  }
  std::vector<bool> beside(counted.size(), false);
  for (size_t i = 1; i < counted.size(); ++i) {
    const Match& a = matches[counted[i - 1]];
    const Match& b = matches[counted[i]];
    if (a.zone == b.zone && keys[counted[i - 1]] != keys[counted[i]] &&
        Beside(a.surface, b.surface)) {
      beside[i - 1] = beside[i] = true;
    }
  }
  absl::string_view body;
  for (const TextZone& zone : zones) {
    if (zone.kind == TextZone::kDateline) article->dateline = true;
    if (zone.kind != TextZone::kBody || zone.tokens.empty()) continue;
    body = zone.text;
    size_t numeric = 0;
    for (const core::Token& t : zone.tokens) {
      numeric += !t.term.empty() && absl::ascii_isdigit(t.term[0]);
    }
    article->numeric_share = static_cast<float>(numeric) / static_cast<float>(zone.tokens.size());
  }
  absl::flat_hash_map<std::string, CountryEvidence> out;
  for (size_t i = 0; i < counted.size(); ++i) {
    const Match& m = matches[counted[i]];
    CountryEvidence& e = out[keys[counted[i]]];
    ++e.mentions;
    e.beside_other += beside[i];
    if (m.zone != TextZone::kDateline) ++e.by_kind[static_cast<size_t>(m.kind)];
    // The dateline says where the story was filed: its first place.
    if (m.zone == TextZone::kDateline && !article->dateline_country) {
      article->dateline_country = e.in_dateline = true;
    }
    e.in_title |= m.zone == TextZone::kTitle;
    e.in_lead |= m.in_lead;
    e.in_second_sentence |= m.in_second_sentence;
    if (m.zone == TextZone::kBody && e.first_body_position >= 1 && !body.empty()) {
      e.first_body_position =
          static_cast<float>(m.surface.data() - body.data()) / static_cast<float>(body.size());
    }
  }
  article->countries = static_cast<int>(out.size());
  for (const auto& [key, e] : out) {
    article->mentions += e.mentions;
    article->max_mentions = std::max(article->max_mentions, e.mentions);
  }
  article->body_bytes = body.size();
  return out;
}

std::vector<core::CountryFacet> CountryExtractor::Extract(
    const std::vector<TextZone>& zones, std::optional<absl::CivilDay> date,
    std::vector<FocusCandidate>* candidates) const {
  std::vector<Match> matches;
  for (const TextZone& zone : zones) MatchZone(zone, &matches);
  const std::vector<std::string> keys = ResolveKeys(matches, date);
  ArticleEvidence article;
  const absl::flat_hash_map<std::string, CountryEvidence> evidence =
      GatherEvidence(matches, keys, zones, &article);
  std::vector<std::pair<core::CountryFacet, FocusFeatureVector>> found;
  found.reserve(evidence.size());
  for (const auto& [key, e] : evidence) {
    core::CountryFacet f;
    f.code = key;
    f.name = names_->DisplayName(key);
    f.mentions = e.mentions;
    const FocusFeatureVector features = FocusFeatures(e, article);
    f.focus = focus_model_->IsFocus(features);
    found.emplace_back(std::move(f), features);
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first.code < b.first.code; });
  std::vector<core::CountryFacet> out;
  out.reserve(found.size());
  if (candidates != nullptr) candidates->clear();
  for (auto& [facet, features] : found) {
    if (candidates != nullptr) candidates->push_back({facet.code, features});
    out.push_back(std::move(facet));
  }
  return out;
}

}  // namespace newsdex::indexer

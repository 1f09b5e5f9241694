#include "indexer/actor_extractor.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/status_macros.h"
#include "indexer/internal/letter_case.h"
#include "indexer/internal/name_tokens.h"
#include "indexer/internal/word_lists.h"

namespace newsdex::indexer {
namespace {

using internal::Gap;
using internal::NameToken;
using internal::Shape;
using internal::TokenSpan;
// The word classes (internal::NameWordClass).
using internal::kAbbreviation;
using internal::kAdjectiveSuffix;
using internal::kCompanySuffix;
using internal::kFirstNameTitle;
using internal::kGiven;
using internal::kNonName;
using internal::kOrg;
using internal::kOrgName;
using internal::kPeerTitle;
using internal::kParticle;
using internal::kPlace;
using internal::kStrongTitle;
using internal::kSuffix;
using internal::kTitle;
using internal::kVerb;

// The row kinds of data/person_cues.tsv and data/name_tokenizer_words.tsv.
constexpr internal::WordKind kPersonCueKinds[] = {
    {"title", kTitle},
    {"strong_title", kStrongTitle | kTitle},
    {"verb", kVerb},
    {"nonname", kNonName},
    {"org", kOrg},
    {"company_suffix", kCompanySuffix},
    {"particle", kParticle},
    {"suffix", kSuffix},
    // A first-name title is a title too: "Koning Willem-Alexander", "el rey
    // Felipe VI". The English rows list both; other languages list one.
    {"first_name_title", kFirstNameTitle | kTitle},
    {"title_suffix", internal::kTitleSuffix},
    {"peer_title", kPeerTitle},
    {"org_name", kOrgName},
    {"org_noun", kOrgName},  // one word: see kOrgName
    // German and Dutch: a noun after the name ("Johan Cruijff Arena"), also
    // as a word's ending (ActorExtractor::CompoundHeads).
    {"compound_org_noun", kOrgName | kOrg},
};
constexpr internal::WordKind kTokenizerKinds[] = {
    {"abbreviation", kAbbreviation},
    {"adjective_suffix", kAdjectiveSuffix},
};

// A dictionary person counts as "near" the article's date when in office
// within this many years of it (see DictionaryPersonFor).
constexpr int kNearYears = 2;

// The last word of a folded name ("khamenei" of "ali khamenei").
std::string LastWord(absl::string_view key) {
  return std::string(key.substr(key.rfind(' ') + 1));
}

// The days at most `years` calendar years before or after `day`. A Feb 29 has
// no namesake in a common year: then the range starts on Mar 1 and ends on
// Feb 28, the days that are within the years.
struct DayRange {
  absl::CivilDay first;
  absl::CivilDay last;
};
DayRange YearsAround(absl::CivilDay day, int years) {
  const absl::CivilDay first(day.year() - years, day.month(), day.day());  // normalizes forward
  absl::CivilDay last(day.year() + years, day.month(), day.day());
  if (last.day() != day.day()) last -= last.day();  // Mar 1 -> Feb 28
  return {first, last};
}

// One person found in the article.
struct Entity {
  int dict_id = -1;          // ActorId or -1
  std::string display;       // name when not in the dictionary
  std::string key;           // folded full name
  int mentions = 0;
  uint32_t first = UINT32_MAX;  // order of first mention
  std::vector<std::string> surnames;  // folded last words
  // A title came before a full mention ("Crown Prince Mohammed bin Salman",
  // "Sir Alex Ferguson"): a later "Prince Mohammed" or "Sir Alex" is them.
  bool titled = false;
  // The folded words of its full mentions, to drop it when the article shows
  // them to be an organisation's name (see ArticleState::IsOrganisationName).
  std::vector<std::string> mention_keys;
};

// A one-word mention waiting for resolution.
struct Single {
  std::string key;
  std::string display;
  bool strong_title = false;
  bool reported = false;  // a reporting verb or a description goes with it
  uint32_t order;
  // After a title that is part of how the person is known: a first-name title
  // ("Prince Harry", "King Fahd") or a peer's ("Lord Woolf"). The title and
  // word, folded and as written; empty otherwise.
  std::string titled_key;
  std::string titled_display;
  bool peer = false;  // the title is a peer's: the word is a surname
};

// A full name held back, without a cue: a given name and a surname that is
// also a place ("Lewis Hamilton"), a person if the surname also stands alone
// in the article ("Hamilton has not won"); or capitalised words without a
// known given name ("Keir Starmer"), a person if a mention of the surname
// has a cue ("Mr Starmer", "Starmer said").
struct PendingName {
  std::string key;
  std::string display;
  uint32_t order;
  bool needs_cued_surname = false;
};

// The persons of one article, as the scans find them.
class ArticleState {
 public:
  ArticleState(const ActorExtractor& ex, std::optional<absl::CivilDay> date,
               const internal::WordClasses* language_classes)
      : ex_(ex), date_(date), language_classes_(language_classes) {}

  // The classes of a folded word or phrase in the article's language.
  uint16_t Classes(absl::string_view folded) const {
    uint16_t classes = ex_.Classes(folded);
    if (language_classes_ != nullptr) classes |= internal::ClassesOf(*language_classes_, folded);
    return classes;
  }

  // The dictionary person among `ids` in office on the article's date, else
  // the first; -1 if there is none.
  int PickDictionary(absl::Span<const core::ActorId> ids) const {
    if (ids.empty()) return -1;
    if (date_.has_value()) {
      for (core::ActorId id : ids) {
        if (ex_.names().actor(id).ActiveOn(*date_)) return static_cast<int>(id);
      }
    }
    return static_cast<int>(ids[0]);
  }

  Entity& AddDictionary(int id, absl::string_view mention_last, uint32_t order) {
    Entity& e = Get(absl::StrCat("#", id));
    if (e.dict_id < 0) {
      e.dict_id = id;
      e.key = ex_.names().actor(static_cast<core::ActorId>(id)).key;
      AddSurname(&e, LastWord(e.key));
    }
    AddSurname(&e, std::string(mention_last));
    Mention(&e, order);
    return e;
  }

  // `known_as`: a further word a lone mention may use ("felipe" of "felipe
  // vi", the whole of "willem alexander").
  Entity& AddUnknown(const std::string& key, const std::string& display, uint32_t order,
                     const std::string& known_as = "") {
    Entity& e = Get(key);
    if (e.display.empty()) {
      e.display = display;
      e.key = key;
      AddSurname(&e, LastWord(key));
    }
    AddSurname(&e, known_as);
    Mention(&e, order);
    return e;
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
  // A person of this article whose name ends with the two or more words of
  // `key` ("López Obrador" of "Andrés Manuel López Obrador"); the one
  // mentioned last before `order` when several do.
  Entity* ByTrailingWords(absl::string_view key, uint32_t order) {
    Entity* best = nullptr;
    for (auto& [k, e] : entities_) {
      if (e.key.size() <= key.size() || !absl::EndsWith(e.key, key) ||
          e.key[e.key.size() - key.size() - 1] != ' ')
        continue;
      if (best == nullptr || Prefer(e, *best, order)) best = &e;
    }
    return best;
  }
  // A person of this article introduced with a title whose name starts with
  // `word` ("Mohammed bin Salman" for "Prince Mohammed"); the one mentioned
  // last before `order` when several do.
  Entity* ByTitledFirstWord(absl::string_view word, uint32_t order) {
    Entity* best = nullptr;
    for (auto& [k, e] : entities_) {
      if (!e.titled || e.key.size() <= word.size() || e.key[word.size()] != ' ' ||
          !absl::StartsWith(e.key, word))
        continue;
      if (best == nullptr || Prefer(e, *best, order)) best = &e;
    }
    return best;
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

  void AddSingle(Single single) {
    ++single_counts_[single.key];
    singles_.push_back(std::move(single));
  }
  int SingleCount(const std::string& key) const {
    auto it = single_counts_.find(key);
    return it == single_counts_.end() ? 0 : it->second;
  }

  // A run the context shows to be an organisation's name as it stands (see
  // MixedCaseScanner::OrganisationContext); a name with a company word after
  // it ("Ivan F. Boesky and Co") may still be its founder's elsewhere.
  void AddOrganisationName(const std::string& key) {
    org_keys_.insert(key);
    org_names_.insert(key);
  }
  // True if `key` is such an organisation name of this article, or its first
  // words ("Aston Martin" of "Aston Martin Formula 1").
  bool IsOrganisationName(absl::string_view key) const {
    for (const std::string& org : org_names_) {
      if (org == key || (org.size() > key.size() && org[key.size()] == ' ' &&
                         absl::StartsWith(org, key))) {
        return true;
      }
    }
    return false;
  }
  // A lone capitalised word of the body, whatever it turned out to be.
  void AddLoneWord(const std::string& key) { lone_words_.insert(key); }
  bool IsLoneWord(absl::string_view key) const { return lone_words_.contains(key); }
  std::vector<PendingName>& pending() { return pending_; }
  // A one-word mention of `key` with a strong title or a reporting verb.
  bool HasCuedSingle(absl::string_view key) const {
    for (const Single& one : singles_) {
      if (one.key == key && one.titled_key.empty() && (one.strong_title || one.reported)) {
        return true;
      }
    }
    return false;
  }

  const std::vector<Single>& singles() const { return singles_; }
  std::vector<Single>& singles() { return singles_; }
  absl::flat_hash_set<std::string>& org_keys() { return org_keys_; }
  const absl::flat_hash_map<std::string, Entity>& entities() const { return entities_; }

 private:
  Entity& Get(const std::string& k) { return entities_[k]; }
  static void AddSurname(Entity* e, std::string s) {
    if (s.empty()) return;
    if (std::find(e->surnames.begin(), e->surnames.end(), s) == e->surnames.end())
      e->surnames.push_back(std::move(s));
  }

  const ActorExtractor& ex_;
  const std::optional<absl::CivilDay> date_;
  const internal::WordClasses* const language_classes_;  // nullptr: English only
  absl::flat_hash_map<std::string, Entity> entities_;
  std::vector<Single> singles_;
  absl::flat_hash_map<std::string, int> single_counts_;
  absl::flat_hash_set<std::string> org_keys_;   // every organisation run
  absl::flat_hash_set<std::string> org_names_;  // those named so by context
  absl::flat_hash_set<std::string> lone_words_;
  std::vector<PendingName> pending_;
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

bool NameIsh(const NameToken& t) { return t.shape == Shape::kCap || t.shape == Shape::kInitial; }

// A lower-case word of `word_classes` ("said", "minister").
bool IsLowerWord(const NameToken& t, uint16_t word_classes) {
  return t.shape == Shape::kLower && t.Is(word_classes);
}

// "..., a fisherman who", "..., a rice farmer,": after the comma that ends
// a name at toks[after - 1], "a"/"an" and one or two lower-case words closed by
// a comma or "who".
bool RoleAppositionAt(const std::vector<NameToken>& toks, size_t after) {
  const size_t n = toks.size();
  if (after == 0 || after + 2 >= n || toks[after - 1].gap != Gap::kComma) return false;
  if (toks[after].key != "a" && toks[after].key != "an") return false;
  for (size_t k = after + 1; k <= after + 2 && k < n; ++k) {
    if (toks[k].shape != Shape::kLower || toks[k - 1].gap == Gap::kStop) return false;
    if (toks[k].gap == Gap::kComma) return true;
    if (toks[k].gap == Gap::kSpace && k + 1 < n && toks[k + 1].key == "who") return true;
  }
  return false;
}

// Mixed-case text: runs of capitalised words are person candidates. Each run
// is cut down to the words of a name (titles, office words, function words
// and unknown sentence-initial words off the front; initials, particles and
// suffixes off the back), then recorded as an organisation, a person, or a
// one-word mention that Extract resolves once the whole article is read.
class MixedCaseScanner {
 public:
  MixedCaseScanner(absl::string_view text, const std::vector<NameToken>& toks,
                   const ActorExtractor& ex, uint32_t order_base,
                   const internal::NameLanguage& language,
                   const absl::flat_hash_set<std::string>* name_adjectives, ArticleState* st)
      : text_(text),
        toks_(toks),
        ex_(ex),
        order_base_(order_base),
        other_language_(language.classes != nullptr),
        articles_(language.articles),
        elisions_(language.elisions),
        name_adjectives_(name_adjectives),
        st_(st) {}

  void Run() {
    for (size_t i = 0; i < toks_.size();) {
      if (!NameIsh(toks_[i])) {
        ++i;
        continue;
      }
      const TokenSpan run = CapitalisedRun(i);
      ScanRun(run);
      i = run.end;
    }
  }

 private:
  // What the words in and around a run say about it.
  struct Cues {
    bool title = false;         // a title before the name ("Finance Minister ...")
    bool strong_title = false;  // one after which a lone surname is a person
    bool described = false;     // a relative clause or role apposition follows
    bool reported = false;      // `described`, or a reporting verb before or after
  };
  // A name's words as key and display text; initials left out.
  struct NameText {
    std::string key;
    std::string display;
  };

  // Capitalised words (and particles between them: "Ludwig van Beethoven")
  // from toks_[begin], up to punctuation or a possessive.
  TokenSpan CapitalisedRun(size_t begin) const {
    const size_t n = toks_.size();
    size_t end = begin + 1;
    while (end < n && toks_[end - 1].gap == Gap::kSpace && !toks_[end - 1].possessive) {
      if (NameIsh(toks_[end])) {
        ++end;
      } else if (const size_t particles = ParticlesBeforeName(begin, end); particles > 0) {
        end += particles + 1;
      } else {
        break;
      }
    }
    return {begin, end};
  }

  // How many particles (one or two: "de la Fuente", "von der Leyen") join
  // the name word after them to the run from toks_[begin]; 0 when none does.
  // After a surname, a given name and another name word or particle after
  // them start a new name ("Sunil Ramdin van de Anton de Kom Universiteit";
  // not "María Elena del Castillo Ríos").
  size_t ParticlesBeforeName(size_t begin, size_t at) const {
    const size_t n = toks_.size();
    size_t k = at;
    while (k < n && k < at + 2 && IsLowerWord(toks_[k], kParticle) && toks_[k].gap == Gap::kSpace) {
      ++k;
    }
    if (k == at || k >= n || !NameIsh(toks_[k]) || OfficeAfterParticle(at, k)) return 0;
    const bool new_name = at - begin >= 2 && !toks_[at - 1].Is(kGiven) && toks_[k].Is(kGiven) &&
                          k + 1 < n && toks_[k].gap == Gap::kSpace &&
                          (NameIsh(toks_[k + 1]) || IsLowerWord(toks_[k + 1], kParticle));
    return new_name ? 0 : k - at;
  }

  void ScanRun(TokenSpan run) {
    if (other_language_) run.begin = AfterLeadingPlace(run);
    if (run.empty()) return;
    Cues cues;
    size_t name_begin = SkipTitles(run, &cues);
    FindPersonCues(run, &cues);
    while (name_begin < run.end && IsLeadingNonName(run, name_begin, cues)) ++name_begin;
    name_begin = SkipOfficeWords(run, name_begin);
    const TokenSpan name{name_begin, TrimTrailingNonNames(name_begin, run.end)};
    if (name.empty()) return;
    if (NamedAfterPerson(run, name)) return;
    NameText words = JoinWords(name);
    if (IsOrganisation(run, name)) {
      st_->org_keys().insert(words.key);
      return;
    }
    if (OrganisationContext(run, name, cues)) {
      st_->AddOrganisationName(words.key);
      return;
    }
    const uint32_t order = order_base_ + static_cast<uint32_t>(name.begin);
    if (words.key.find(' ') == std::string::npos) {
      RecordOneWord(run, name, cues, std::move(words), order);
    } else {
      RecordFullName(name, cues, words, order);
    }
  }

  // Where a run starting with a place of two or more words that the
  // gazetteers know goes on: such a place is no part of a name ("Vila Franca
  // de Xira", also before a name in apposition). The longest of up to
  // kMaxPlaceWords words; a hash lookup for each longer key. Not one that
  // starts with a given name: "Diego Martín Sosa" is a person, whatever
  // town is called Diego Martin.
  size_t AfterLeadingPlace(TokenSpan run) const {
    constexpr size_t kMaxPlaceWords = 5;
    size_t end = run.begin;
    if (run.size() < 2 || toks_[run.begin].Is(kGiven)) return end;
    std::string key = toks_[run.begin].key;
    for (size_t k = run.begin + 1; k < run.end && k < run.begin + kMaxPlaceWords; ++k) {
      absl::StrAppend(&key, " ", toks_[k].key);
      if (st_->Classes(key) & kPlace) end = k + 1;
    }
    return end;
  }

  // In other languages a particle is also a preposition or a conjunction:
  // "minister Eric Wiebes van Economische Zaken", "Banco de España", "Dani
  // Carvajal y Vinícius Júnior". An office or a place after the particles
  // at toks_[particle], or a first particle the language lists as no name (a
  // conjunction), ends the name.
  // A place with a further surname after it is a surname: "Ana Lúcia dos
  // Santos Ferreira".
  bool OfficeAfterParticle(size_t particle, size_t after) const {
    if (!other_language_) return false;
    if (toks_[after].Is(kOrg) || toks_[particle].Is(kNonName)) return true;
    return toks_[after].Is(kPlace) && !SurnameAfter(after);
  }

  // A capitalised word after toks_[at] in the same phrase that can only be a
  // surname: no given name (which starts a new name: "de Madrid Juan Pérez"),
  // place, organisation, title or function word.
  bool SurnameAfter(size_t at) const {
    if (at + 1 >= toks_.size() || toks_[at].gap != Gap::kSpace || toks_[at].possessive) {
      return false;
    }
    const NameToken& next = toks_[at + 1];
    return next.shape == Shape::kCap && !next.Is(kGiven | kPlace | kOrg | kTitle | kNonName);
  }

  // Other languages name prizes, foundations, stadiums and streets after a
  // person with a noun (person_cues_intl.tsv org_noun) before the name: "le
  // prix Paul Robeson", "la calle de Concha Espina", "Premio Carlos Fuentes",
  // "Fondation Roi Baudouin". That is no mention of the person; one
  // elsewhere in the article still is ("José Saramago" beside the "Prémio
  // José Saramago"). Dutch and German put the noun after the name, where it
  // is an org word ("Johannes Vermeer Prijs", "Robert Bosch Stiftung").
  bool NamedAfterPerson(TokenSpan run, TokenSpan name) const {
    if (!other_language_) return false;
    if (ArticleBefore(run) || NounBeforeRun(run)) return true;
    if (name.begin > run.begin) return NounLeadsRun(run, name);
    // "San Lázaro", "Santa Teresa": a saint's name (or another such noun)
    // opening the name names a church, a palace or a place in news.
    return name.size() >= 2 && toks_[name.begin].Is(kOrgName) &&
           toks_[name.begin].shape == Shape::kCap && !toks_[name.begin].Is(kTitle);
  }

  // A lower-case noun that names a thing after a person right before the
  // run, or with up to two particles ("la calle de Concha Espina",
  // "aeroporto di Pisa Galileo Galilei") or one adjective ("aeropuerto
  // internacional Ministro Pistarini") between; titles in the run are part
  // of the thing's name ("avenida Presidente Vargas").
  bool NounBeforeRun(TokenSpan run) const {
    size_t k = run.begin;
    while (k >= 1 && run.begin - k < 2 && SpaceBefore(k) && IsLowerWord(toks_[k - 1], kParticle)) {
      --k;
    }
    if (k == run.begin && k >= 2 && SpaceBefore(k) && SpaceBefore(k - 1) &&
        name_adjectives_ != nullptr && toks_[k - 1].shape == Shape::kLower &&
        name_adjectives_->contains(toks_[k - 1].key)) {
      --k;
    }
    return k >= 1 && SpaceBefore(k) && OrgNounAt(toks_[k - 1]);
  }
  bool SpaceBefore(size_t k) const { return toks_[k - 1].gap == Gap::kSpace; }

  // A lower-case org noun that is no title, also after an elided article
  // ("l'hôpital", "dell'aeroporto": the elision stays on a lower-case word).
  bool OrgNounAt(const NameToken& t) const {
    if (t.shape != Shape::kLower || t.Is(kTitle)) return false;
    if (t.Is(kOrgName)) return true;
    if (elisions_ == nullptr) return false;
    for (const std::string& e : *elisions_) {
      if (t.key.size() <= e.size() + 1 || !absl::StartsWith(t.key, e)) continue;
      absl::string_view rest = absl::string_view(t.key).substr(e.size());
      if (rest[0] == '\'') rest.remove_prefix(1);
      const uint16_t classes = st_->Classes(rest);
      if ((classes & kOrgName) && !(classes & kTitle)) return true;
    }
    return false;
  }

  // "al Felipe Ángeles", "no Humberto Delgado": a definite article right
  // before a given name and a surname (a person has no article in news, a
  // place named after one does; not "o Presidente João Lourenço").
  bool ArticleBefore(TokenSpan run) const {
    if (articles_ == nullptr || run.begin == 0 || run.size() < 2) return false;
    const NameToken& before = toks_[run.begin - 1];
    return before.gap == Gap::kSpace && before.shape == Shape::kLower &&
           articles_->contains(before.key) &&
           !toks_[run.begin].Is(kOrg | kTitle | kPlace | kNonName) && GivenAt(run.begin, run.end);
  }

  // A capitalised org_noun in the run before the name, and no title between
  // them but a monarch's ("Il Premio Marcello Mastroianni", "Fondation Roi
  // Baudouin"): "Premio Nobel de Literatura Mario Vargas Llosa" names the
  // laureate.
  bool NounLeadsRun(TokenSpan run, TokenSpan name) const {
    for (size_t k = name.begin; k-- > run.begin;) {
      if (toks_[k].Is(kOrgName) && toks_[k].shape == Shape::kCap) return true;
      if (toks_[k].Is(kTitle) && !toks_[k].Is(kFirstNameTitle)) return false;
    }
    return false;
  }

  // A lower-case title right before the run: "guitarist Tesfaye Girma"; not
  // across an elided article ("ministro dell'Interno Luciana Lamorgese").
  bool LowerCaseTitleBefore(TokenSpan run) const { return TitleBefore(run) != nullptr; }

  // The lower-case title of LowerCaseTitleBefore, else nullptr. Other
  // languages put the title in apposition, with a country adjective or a
  // comma between: "la ministre canadienne Chrystia Freeland", "o
  // primeiro-ministro, Luís Montenegro", "el presidente chileno, Gabriel Boric".
  const NameToken* TitleBefore(TokenSpan run) const {
    if (run.begin == 0 || toks_[run.begin].after_elision) return nullptr;
    size_t k = run.begin - 1;
    if (toks_[k].gap == Gap::kSpace && IsLowerWord(toks_[k], kTitle)) return &toks_[k];
    if (!other_language_ || toks_[k].gap == Gap::kStop) return nullptr;
    if (IsLowerWord(toks_[k], kPlace) && k > 0 && toks_[k - 1].gap == Gap::kSpace) --k;
    return IsLowerWord(toks_[k], kTitle) ? &toks_[k] : nullptr;
  }

  // The name follows the last title word of the run. Returns where it starts.
  size_t SkipTitles(TokenSpan run, Cues* cues) const {
    size_t name_begin = run.begin;
    for (size_t k = run.begin; k + 1 < run.end; ++k) {
      if (toks_[k].Is(kTitle) && !PeerTitleInName(run, k)) {
        name_begin = k + 1;
        cues->title = true;
        cues->strong_title = toks_[k].Is(kStrongTitle);
      }
    }
    if (const NameToken* title = TitleBefore(run); !cues->title && title != nullptr) {
      cues->title = true;
      cues->strong_title = title->Is(kStrongTitle);
    }
    return name_begin;
  }

  // "Sacha Baron Cohen": a peer title right after a given name that is no
  // title is part of a name.
  bool PeerTitleInName(TokenSpan run, size_t k) const {
    return toks_[k].Is(kPeerTitle) && k > run.begin && toks_[k - 1].Is(kGiven) &&
           !toks_[k - 1].Is(kTitle);
  }

  // Person cues around the run: a reporting verb right after or before it
  // ("Ann Lee said", "said Ann Lee"), a relative clause ("Ann Lee, who runs
  // ...") or a role apposition ("Ann Lee, a farmer, ..."). A relative clause
  // or role apposition is said of persons only; a reporting verb also of
  // companies ("Southwestern Bell said").
  void FindPersonCues(TokenSpan run, Cues* cues) const {
    const size_t n = toks_.size();
    const NameToken& last = toks_[run.end - 1];
    const bool verb_after =
        run.end < n && last.gap != Gap::kStop && IsLowerWord(toks_[run.end], kVerb);
    const bool verb_before = run.begin > 0 && toks_[run.begin - 1].gap != Gap::kStop &&
                             IsLowerWord(toks_[run.begin - 1], kVerb);
    cues->described = run.end < n && last.gap == Gap::kComma &&
                      (toks_[run.end].key == "who" || RoleAppositionAt(toks_, run.end));
    cues->reported = verb_after || verb_before || cues->described;
  }

  // Leading words that are not names: function words, demonyms and places,
  // one-letter honorifics ("U Tin Maung"), unknown sentence-initial words
  // (kept when exactly two words are described as a person: "Achta Mahamat,
  // who runs ...").
  bool IsLeadingNonName(TokenSpan run, size_t at, const Cues& cues) const {
    const NameToken& t = toks_[at];
    const bool given = GivenAt(at, run.end);
    const size_t words_left = run.end - at;
    // "spokesman Mark Oaten": a given name that is also a currency or
    // function word, after a title ("Oaten" for Mark Oaten in 5 of 557 BBC
    // articles; a reporting verb alone also let in "The Guardian said", two
    // letters "his In Pieces series").
    if (given && t.Is(kNonName) && t.end - t.begin >= 3 && !t.sentence_start && words_left == 2 &&
        at == run.begin && cues.title) {
      return false;
    }
    if (t.Is(kNonName | kParticle | kSuffix | kTitle) || (t.Is(kPlace) && !given)) return true;
    // An institution before a name ("Consiglio Giorgia Meloni": the council's
    // president), also when the word is a given name somewhere.
    if (other_language_ && t.Is(kOrg) && words_left >= 3) return true;
    if (t.shape == Shape::kCap && t.end - t.begin == 1 && words_left >= 3) return true;
    return t.sentence_start && at == run.begin && words_left >= 2 && !given &&
           !CapitalisedInside(t.key) && !(cues.described && words_left == 2);
  }

  // True if `key` is written capitalised away from a sentence start in this
  // text: a name or proper noun then, even where it also starts a sentence.
  // Asked only of a run's sentence-initial word, a few times an article, so
  // a scan costs less than building the set of every such word for each text
  // did (6.1M of 151M instructions of actor extraction; callgrind, Reuters
  // reut2-000).
  bool CapitalisedInside(const std::string& key) const {
    for (const NameToken& t : toks_) {
      if (t.shape == Shape::kCap && !t.sentence_start && t.key == key) return true;
    }
    return false;
  }

  // "Exchequer Nigel Lawson", "Agriculture Richard Lyng": office words before
  // a given name that is not the last word. Not right after a lower-case
  // title: "Factory manager Nguyen Thi Lan" keeps its family name.
  size_t SkipOfficeWords(TokenSpan run, size_t name_begin) const {
    if (name_begin == run.begin && LowerCaseTitleBefore(run)) return name_begin;
    for (size_t k = name_begin + 1; k + 1 < run.end; ++k) {
      if (GivenAt(k, run.end) && !GivenAt(name_begin, run.end) && toks_[k].shape == Shape::kCap) {
        return k;
      }
    }
    return name_begin;
  }

  // The word right before a name (nullptr: punctuation) lets it be a
  // person's, not a product's: no article, adjective, possessive or initials
  // ("the Mac II", "its new Mac II", "Martin Marietta's Titan III", "U.T.
  // Thompson III"); a function word, verb or title may.
  static bool PersonContextBefore(const NameToken* before) {
    if (before == nullptr) return true;
    if (before->possessive || before->shape == Shape::kUpper) return false;
    if (before->key == "the" || before->key == "a" || before->key == "an") return false;
    return before->shape != Shape::kLower || before->Is(kNonName | kParticle | kVerb | kTitle);
  }

  // Trailing function words, suffixes, particles and initials are no name;
  // a regnal numeral is ("Felipe VI").
  size_t TrimTrailingNonNames(size_t begin, size_t end) const {
    while (end > begin && !RegnalNumeralAt(begin, end - 1) &&
           (toks_[end - 1].Is(kNonName | kSuffix | kParticle) || toks_[end - 1].shape == Shape::kInitial)) {
      --end;
    }
    return end;
  }

  // toks_[k] is a given name. So is a hyphenated word with a surname before
  // `end` whose parts are given names and nothing a name cannot be
  // ("Hans-Peter Lorenzen"; not "Major-General Setijana"); alone such a word
  // is often a range or a firm ("April-June", "Allen-Bradley"). Used where it
  // decides where a name starts, not whether it is one.
  bool GivenAt(size_t k, size_t end) const {
    const NameToken& t = toks_[k];
    if (t.Is(kGiven)) return true;
    if (k + 1 >= end || t.shape != Shape::kCap || t.key.find(' ') == std::string::npos) {
      return false;
    }
    for (absl::string_view part : absl::StrSplit(t.key, ' ')) {
      const uint16_t classes = st_->Classes(part);
      if (!(classes & kGiven) || (classes & (kTitle | kPlace | kOrg | kNonName))) return false;
    }
    return true;
  }

  // A numeral in the name starting at toks_[begin] is regnal after the one
  // word or the given names that follow a first-name title ("King Rama X",
  // "Pope John Paul II"), or right after a lone given name ("Felipe VI",
  // "Carl XVI Gustaf") in a person's context (PersonContextBefore). After a
  // surname it tells generations apart ("Davis Love III") and goes with the
  // other suffixes.
  bool RegnalNumeralAt(size_t begin, size_t k) const {
    if (!toks_[k].numeral || k == begin) return false;
    const NameToken* before =
        begin > 0 && toks_[begin - 1].gap == Gap::kSpace ? &toks_[begin - 1] : nullptr;
    const bool title_before = before != nullptr && before->Is(kFirstNameTitle);
    if (k == begin + 1 && !title_before) {
      return toks_[begin].Is(kGiven) && PersonContextBefore(before);
    }
    if (!title_before) return false;
    for (size_t j = begin; j < k; ++j) {
      if (!toks_[j].Is(kGiven)) return false;
    }
    return true;
  }

  // An organisation word or an acronym in the name, or a company after it:
  // "Morgan Stanley Inc", "Smith Barney and Co", "Procter & Gamble".
  bool IsOrganisation(TokenSpan run, TokenSpan name) const {
    for (size_t k = name.begin; k < name.end; ++k) {
      if (toks_[k].Is(kOrg) || toks_[k].shape == Shape::kUpper) return true;
    }
    const size_t n = toks_.size();
    if (run.end >= n) return false;
    const NameToken& last = toks_[run.end - 1];
    const NameToken& next = toks_[run.end];
    if (last.gap != Gap::kStop) {
      if (next.Is(kCompanySuffix) && next.shape != Shape::kLower) return true;
      if ((next.key == "and" || next.key == "&") && run.end + 1 < n &&
          toks_[run.end + 1].Is(kCompanySuffix)) {
        return true;
      }
    }
    return text_.substr(last.end, next.begin - last.end).find('&') != absl::string_view::npos;
  }

  // What makes a run an organisation's name beside its own words: a listed
  // organisation name that it is or starts with ("Goldman Sachs", "Aston
  // Martin Formula 1"); a lower-case organisation word right before it ("the
  // accounting firm Grant Thornton"); an organisation word and "of"/"for"
  // before it ("Institute for Fiscal Studies"); "which" after it or after the
  // names joined to it ("Clifford Chance and Slaughter and May, which").
  // Not after a person's title ("journalist Robert Peston, which suggested").
  bool OrganisationContext(TokenSpan run, TokenSpan name, const Cues& cues) const {
    std::string key = toks_[name.begin].key;
    for (size_t k = name.begin + 1; k < name.end; ++k) {
      absl::StrAppend(&key, " ", toks_[k].key);
      if (st_->Classes(key) & kOrgName) return true;
    }
    if (name.begin != run.begin || cues.title) return false;
    if (run.begin >= 1 && toks_[run.begin - 1].gap == Gap::kSpace) {
      const NameToken& before = toks_[run.begin - 1];
      if (OrganisationNounAt(run.begin - 1)) return true;
      if (run.begin >= 2 && (before.key == "of" || before.key == "for")) {
        const NameToken& owner = toks_[run.begin - 2];
        if (owner.gap == Gap::kSpace && owner.shape == Shape::kCap && owner.Is(kOrg)) return true;
      }
    }
    // "led by Alejandro Ruiz, which finished fourth": after a function word
    // the clause may be about the phrase the name ends.
    const bool after_function_word = run.begin >= 1 && toks_[run.begin - 1].gap == Gap::kSpace &&
                                     IsLowerWord(toks_[run.begin - 1], kNonName) &&
                                     toks_[run.begin - 1].key != "and";
    return !after_function_word && WhichFollows(run.end);
  }

  // toks_[at] is a lower-case organisation noun (person_cues.tsv org_noun)
  // that is no title, after an article or a lower-case word that is no
  // function word: "the firm", "investment bank"; not "during the talks"
  // (any organisation word there lost Reagan in Reuters dev 4529).
  bool OrganisationNounAt(size_t at) const {
    const NameToken& noun = toks_[at];
    if (!IsLowerWord(noun, kOrgName) || noun.Is(kTitle) || at == 0) return false;
    const NameToken& before = toks_[at - 1];
    if (before.gap != Gap::kSpace || before.shape != Shape::kLower) return false;
    return before.key == "the" || before.key == "a" || before.key == "an" ||
           !before.Is(kNonName | kParticle);
  }

  // The run ending before toks_[end], and up to kMaxJoined capitalised words
  // or "and" after it, end with a comma before "which" ("Robert Sillerman's
  // Sports Entertainment Enterprises, which": not across a possessive).
  bool WhichFollows(size_t end) const {
    constexpr size_t kMaxJoined = 8;
    for (size_t limit = std::min(toks_.size(), end + kMaxJoined); end < limit; ++end) {
      const Gap gap = toks_[end - 1].gap;
      if (toks_[end - 1].possessive) return false;
      if (gap == Gap::kComma) return toks_[end].key == "which";
      if (gap != Gap::kSpace || (!NameIsh(toks_[end]) && toks_[end].key != "and")) return false;
    }
    return false;
  }

  NameText JoinWords(TokenSpan name) const {
    NameText out;
    for (size_t k = name.begin; k < name.end; ++k) {
      if (toks_[k].shape == Shape::kInitial) continue;
      if (!out.key.empty()) {
        out.key.push_back(' ');
        out.display.push_back(' ');
      }
      out.key += toks_[k].key;
      out.display += DisplayWord(toks_[k].RawIn(text_));
    }
    return out;
  }

  // A lone name: a mention that the rest of the article may resolve. After a
  // first-name or peer title ("King Fahd", "Lord Woolf") it keeps the title,
  // and a given name that is also a place is a name ("Queen Elizabeth").
  void RecordOneWord(TokenSpan run, TokenSpan name, const Cues& cues, NameText words,
                     uint32_t order) {
    st_->AddLoneWord(words.key);
    const NameToken& word = toks_[name.begin];
    const NameToken* title = name.begin > run.begin ? &toks_[name.begin - 1] : nullptr;
    const bool keeps_title = title != nullptr && title->Is(kFirstNameTitle | kPeerTitle);
    const uint16_t never_names =
        (keeps_title && word.Is(kGiven) ? 0 : kPlace) | kOrg | kNonName | kTitle;
    if (word.Is(never_names)) return;
    Single one{std::move(words.key), std::move(words.display), cues.strong_title, cues.reported,
               order, {}, {}, false};
    if (keeps_title) {
      one.titled_key = absl::StrCat(title->key, " ", one.key);
      one.titled_display = absl::StrCat(title->RawIn(text_), " ", one.display);
      one.peer = title->Is(kPeerTitle);
    }
    st_->AddSingle(std::move(one));
  }

  // What a full mention tells about its person: whether a title came before
  // it, and its words (for ArticleState::IsOrganisationName).
  static void NoteFullMention(Entity* e, const Cues& cues, const std::string& key) {
    e->titled = e->titled || cues.title;
    e->mention_keys.push_back(key);
  }

  // The dictionary person the name is, or -1; the dictionary lists some names
  // with their initials.
  int DictionaryIdOf(TokenSpan name, const NameText& words) const {
    std::string with_initials;
    for (size_t k = name.begin; k < name.end; ++k) {
      if (!with_initials.empty()) with_initials.push_back(' ');
      with_initials += toks_[k].key;
    }
    const int id = st_->PickDictionary(ex_.names().FindByKey(with_initials));
    return id >= 0 ? id : st_->PickDictionary(ex_.names().FindByKey(words.key));
  }

  // Two or more words: a dictionary person, else a person when a given name
  // or a cue says so and the last word is no place, organisation or title.
  void RecordFullName(TokenSpan name, const Cues& cues, const NameText& words, uint32_t order) {
    const int id = DictionaryIdOf(name, words);
    // A regnal name is known by the name before its numeral: "Felipe" of
    // "Felipe VI" (the only numeral TrimTrailingNonNames leaves at the end).
    const std::string surname =
        toks_[name.end - 1].numeral ? toks_[name.end - 2].key : LastWord(words.key);
    if (id >= 0) {
      NoteFullMention(&st_->AddDictionary(id, surname, order), cues, words.key);
      return;
    }
    // A hyphenated name met before ("Willem-Alexander sprak" after "Koning
    // Willem-Alexander") is that person again. Spanish and Portuguese names
    // have two surnames, used together for a later mention ("López Obrador").
    Entity* known = name.size() == 1 ? st_->ByKey(words.key) : nullptr;
    if (known == nullptr && other_language_) known = st_->ByTrailingWords(words.key, order);
    if (known != nullptr) {
      st_->Mention(known, order);
      return;
    }
    if (st_->Classes(words.key) & (kPlace | kOrg | kNonName)) return;
    // A hyphenated given name ("Franz-Josef") places a name's start but is no
    // cue alone in English: firms join given names too ("Allen-Bradley
    // Motors"). French, Spanish and Italian name people so far more often
    // than firms ("l'universitaire Jean-Luc Ferrand").
    const bool given = toks_[name.begin].Is(kGiven) ||
                       (other_language_ && GivenAt(name.begin, name.end));
    const bool cue = cues.title || cues.reported;
    if (!given && !cue) {
      HoldUnknownName(name, words, order);
      return;
    }
    const uint16_t last_classes = st_->Classes(surname);
    // A surname that is also a place ("Santos") needs a cue and a given name,
    // or a cue and a surname also listed as a name; a given name alone holds
    // the name until the surname stands alone too ("Lewis Hamilton").
    if ((last_classes & kPlace) && !(cue && (given || (last_classes & kGiven)))) {
      if (given && !(last_classes & (kOrg | kTitle))) {
        st_->pending().push_back(PendingName{words.key, words.display, order, false});
      }
      return;
    }
    if (last_classes & (kOrg | kTitle)) return;
    // One hyphenated word ("Willem-Alexander") is how its person is known.
    const std::string& known_as = name.size() == 1 ? words.key : surname;
    NoteFullMention(&st_->AddUnknown(words.key, words.display, order, known_as), cues, words.key);
  }

  // Two capitalised words of two letters or more, neither a place,
  // organisation, title or function word: held back (PendingName) until a
  // cued mention of the surname makes them a person. On 557 BBC articles this
  // added 4 persons (Feroz Abbasi, Kenenisa Bekele...) and no non-person;
  // three words added a constituency, initials a line-up ("L Orquera").
  void HoldUnknownName(TokenSpan name, const NameText& words, uint32_t order) {
    if (name.size() != 2) return;
    for (size_t k = name.begin; k < name.end; ++k) {
      const NameToken& t = toks_[k];
      if (t.shape != Shape::kCap || t.end - t.begin < 2 ||
          t.Is(kPlace | kOrg | kTitle | kNonName)) {
        return;
      }
    }
    st_->pending().push_back(PendingName{words.key, words.display, order, true});
  }

  const absl::string_view text_;
  const std::vector<NameToken>& toks_;
  const ActorExtractor& ex_;
  const uint32_t order_base_;
  // The article is in a language with its own words (NameLanguage).
  const bool other_language_;
  const absl::flat_hash_set<std::string>* articles_;  // may be null
  const absl::flat_hash_set<std::string>* elisions_;  // may be null
  const absl::flat_hash_set<std::string>* name_adjectives_;  // may be null
  ArticleState* const st_;
};

// The longest name of 2 to 4 words within one sentence at toks[at] that is
// known from the article or the dictionary: mentions it and returns its
// length, or 0.
size_t MatchKnownName(const std::vector<NameToken>& toks, size_t at, const ActorExtractor& ex,
                      uint32_t order, ArticleState* st) {
  for (size_t len = std::min<size_t>(4, toks.size() - at); len >= 2; --len) {
    bool crosses_sentence = false;
    std::string key = toks[at].key;
    for (size_t k = at + 1; k < at + len; ++k) {
      if (toks[k - 1].gap == Gap::kStop) crosses_sentence = true;
      key.push_back(' ');
      key += toks[k].key;
    }
    if (crosses_sentence) continue;
    if (Entity* e = st->ByKey(key)) {
      st->Mention(e, order);
      return len;
    }
    if (int id = st->PickDictionary(ex.names().FindByKey(key)); id >= 0) {
      st->AddDictionary(id, toks[at + len - 1].key, order);
      return len;
    }
  }
  return 0;
}

// One headline word that starts no known name: a mention of a person of
// the article with that surname, or with a cue a one-word mention that only
// the dictionary may resolve.
void ScanHeadlineWord(const std::vector<NameToken>& toks, size_t i, uint32_t order,
                      ArticleState* st) {
  const NameToken& t = toks[i];
  if (t.shape == Shape::kLower || t.shape == Shape::kOther ||
      t.Is(kNonName | kPlace | kOrg | kTitle | kVerb)) {
    return;
  }
  const bool strong = i > 0 && toks[i - 1].gap == Gap::kSpace && toks[i - 1].Is(kStrongTitle);
  // "BAKER SAYS", "REAGAN TO ADDRESS", "TREASURY'S BAKER".
  const bool verb = (i + 1 < toks.size() && t.gap != Gap::kStop &&
                     (toks[i + 1].Is(kVerb) || toks[i + 1].key == "to")) ||
                    (i > 0 && toks[i - 1].possessive && toks[i - 1].gap == Gap::kSpace);
  if (Entity* e = st->BySurname(t.key, order)) {
    st->Mention(e, order);
  } else if (strong || verb) {
    st->singles().push_back(Single{t.key, std::string(), strong, verb, order, {}, {}, false});
  }
}

// Upper-case or title-case headline text: only names known from the rest of
// the article or (with a cue) from the dictionary.
void ScanHeadline(const std::vector<NameToken>& toks, const ActorExtractor& ex,
                  uint32_t order_base, ArticleState* st) {
  for (size_t i = 0; i < toks.size();) {
    const uint32_t order = order_base + static_cast<uint32_t>(i);
    if (const size_t len = MatchKnownName(toks, i, ex, order, st); len > 0) {
      i += len;
      continue;
    }
    ScanHeadlineWord(toks, i, order, st);
    ++i;
  }
}

// German and Dutch name things after a person with a noun joined to the
// name ("Koning Boudewijnstadion", "Robert Koch-Institut", "Leopold
// II-tunnel"), a word no person's name ends in. A capitalised word whose last
// hyphenated part names such a thing (org_noun; any language but English), or
// that ends in a compound head with kMinStem letters or more before it (German
// and Dutch), is an organisation word. A few hash lookups a capitalised word.
void MarkNamedThings(const ActorExtractor::CompoundHeads* heads,
                     const internal::WordClasses& language_classes, std::vector<NameToken>* toks) {
  constexpr size_t kMinStem = 3;
  for (NameToken& t : *toks) {
    if (t.shape != Shape::kCap || t.Is(kOrg)) continue;
    // The key's last part: a hyphenated word's parts are joined by spaces.
    const size_t space = t.key.rfind(' ');
    const bool hyphenated = space != std::string::npos;
    const absl::string_view last =
        hyphenated ? absl::string_view(t.key).substr(space + 1) : absl::string_view(t.key);
    if (hyphenated && (internal::ClassesOf(language_classes, last) & kOrgName)) {
      t.classes |= kOrg;
      continue;
    }
    if (heads == nullptr) continue;
    for (size_t len : heads->lengths) {
      if (last.size() < len + kMinStem) break;
      if (heads->nouns.contains(last.substr(last.size() - len))) {
        t.classes |= kOrg;
        break;
      }
    }
  }
}

// Body and dateline first (mixed case), the title last (headline rules).
void ScanArticle(const core::Article& article, core::Analyzer& analyzer, const ActorExtractor& ex,
                 const internal::NameLanguage& language, const LanguageWords* words,
                 ArticleState* st) {
  struct Segment {
    absl::string_view text;
    bool headline;
    uint32_t order_base;
  };
  const Segment segments[] = {
      {article.body, internal::MostlyCapitals(article.body), 1u << 20},
      {article.dateline, true, 1u << 30},
      {article.title, true, 0},
  };
  // One vector per thread, reused by every article: growing a new one
  // token by token for each article (moving the keys at every step) was
  // 11.7M of 151M instructions of actor extraction (callgrind, Reuters
  // reut2-000).
  thread_local std::vector<NameToken> toks;
  for (const Segment& seg : segments) {
    if (seg.text.empty()) continue;
    internal::TokenizeNames(seg.text, analyzer, ex.word_classes(), &toks, language);
    if (language.classes != nullptr && !seg.headline) {
      MarkNamedThings(ex.compound_heads(article.language), *language.classes, &toks);
    }
    if (seg.headline) {
      ScanHeadline(toks, ex, seg.order_base, st);
      continue;
    }
    MixedCaseScanner(seg.text, toks, ex, seg.order_base, language,
                     words != nullptr ? &words->name_adjectives : nullptr, st)
        .Run();
  }
}

// The dictionary person a lone word names. With a date: the one bearer in
// office on that day, and no other bearer in office within kNearYears (the
// dictionary's periods have gaps: James Baker's 1985-88 Treasury term is
// missing, so "Baker" in 1987 is ambiguous, not Howard Baker). Without a
// date: a unique one-word alias.
std::optional<core::ActorId> DictionaryPersonFor(const core::ActorNames& names,
                                                 const std::string& word,
                                                 std::optional<absl::CivilDay> date) {
  const absl::Span<const core::ActorId> exact = names.FindByKey(word);
  const absl::Span<const core::ActorId> by_surname = names.FindBySurname(word);
  if (!date.has_value()) {
    if (exact.size() == 1) return exact[0];
    return std::nullopt;
  }
  const DayRange near = YearsAround(*date, kNearYears);
  std::optional<core::ActorId> in_office;
  int in_office_count = 0;
  bool other_near = false;
  absl::flat_hash_set<core::ActorId> seen;
  for (absl::Span<const core::ActorId> ids : {exact, by_surname}) {
    for (core::ActorId id : ids) {
      if (!seen.insert(id).second) continue;
      const core::ActorRecord& r = names.actor(id);
      if (r.ActiveOn(*date)) {
        ++in_office_count;
        in_office = id;
      } else if (r.ActiveBetween(near.first, near.last)) {
        other_near = true;
      }
    }
  }
  if (in_office_count != 1 || other_near) return std::nullopt;
  return in_office;
}

// "Lord Woolf", "Prince Mohammed": the person of this article the title and
// word point to (a peer by surname; else by first name, among persons
// introduced with a title), else the dictionary's entry for the titled name
// ("King Charles": Charles III), else the titled name itself.
void ResolveTitled(const ActorExtractor& ex, const Single& one, ArticleState* st) {
  Entity* e = one.peer ? st->BySurname(one.key, one.order)
                       : st->ByTitledFirstWord(one.key, one.order);
  if (e != nullptr) {
    st->Mention(e, one.order);
  } else if (int id = st->PickDictionary(ex.names().FindByKey(one.titled_key)); id >= 0) {
    st->AddDictionary(id, one.key, one.order);
  } else {
    st->AddUnknown(one.titled_key, one.titled_display, one.order);
  }
}

// One-word mentions: a person of this article, else the dictionary (a
// person in office on the article's date, with a cue), else a strong title.
// First the held-back full names whose surname stands alone somewhere.
void ResolveSingles(const ActorExtractor& ex, std::optional<absl::CivilDay> date,
                    ArticleState* st) {
  for (const PendingName& name : st->pending()) {
    const std::string surname = LastWord(name.key);
    if (name.needs_cued_surname ? st->HasCuedSingle(surname) : st->IsLoneWord(surname)) {
      st->AddUnknown(name.key, name.display, name.order).mention_keys.push_back(name.key);
    }
  }
  for (const Single& one : st->singles()) {
    if (st->org_keys().contains(one.key)) continue;
    if (!one.titled_key.empty()) {
      ResolveTitled(ex, one, st);
      continue;
    }
    if (Entity* e = st->BySurname(one.key, one.order)) {
      st->Mention(e, one.order);
      continue;
    }
    if (Entity* e = st->ByFirstWord(one.key, one.order)) {
      st->Mention(e, one.order);
      continue;
    }
    // A hyphenated surname alone ("Mr Kilroy-Silk" after "Robert Kilroy-Silk").
    if (Entity* e = one.key.find(' ') != std::string::npos
                        ? st->ByTrailingWords(one.key, one.order)
                        : nullptr) {
      st->Mention(e, one.order);
      continue;
    }
    const bool cue = one.strong_title || one.reported || st->SingleCount(one.key) >= 2;
    if (!cue) continue;
    // Never a dictionary person when the word belongs to another name here
    // ("Kim" of "Kim Min-jun" is not Kim Jong Un).
    if (st->IsNamePart(one.key)) continue;
    if (std::optional<core::ActorId> id = DictionaryPersonFor(ex.names(), one.key, date)) {
      st->AddDictionary(static_cast<int>(*id), one.key, one.order);
    } else if (one.strong_title && !one.display.empty() &&
               !(st->Classes(one.key) & (kGiven | kPlace | kOrg))) {
      st->AddUnknown(one.key, one.display, one.order);
    }
  }
}

// True if every full mention of `e` is the name of an organisation of the
// article ("Grant Thornton said" after "the accounting firm Grant Thornton").
bool NamedAsOrganisation(const Entity& e, const ArticleState& st) {
  if (e.mention_keys.empty()) return false;
  for (const std::string& key : e.mention_keys) {
    if (!st.IsOrganisationName(key)) return false;
  }
  return true;
}

std::vector<core::ActorFacet> Facets(const ActorExtractor& ex, const ArticleState& st) {
  const core::ActorNames& names = ex.names();
  std::vector<const Entity*> found;
  for (const auto& [k, e] : st.entities()) {
    if (e.mentions > 0 && !NamedAsOrganisation(e, st)) found.push_back(&e);
  }
  std::sort(found.begin(), found.end(),
            [](const Entity* a, const Entity* b) { return a->first < b->first; });
  std::vector<core::ActorFacet> out;
  for (const Entity* e : found) {
    core::ActorFacet f;
    f.mentions = e->mentions;
    if (e->dict_id >= 0) {
      const core::ActorRecord& r = names.actor(static_cast<core::ActorId>(e->dict_id));
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

}  // namespace

absl::StatusOr<std::unique_ptr<ActorExtractor>> ActorExtractor::Load(
    const std::string& data_dir, std::shared_ptr<const LanguageWordTable> languages) {
  if (languages == nullptr) {
    NEWSDEX_ASSIGN_OR_RETURN(languages, LanguageWordTable::LoadFromDataDir(data_dir));
  }
  std::unique_ptr<ActorExtractor> ex(new ActorExtractor());
  ex->languages_ = std::move(languages);
  NEWSDEX_ASSIGN_OR_RETURN(ex->names_, core::ActorNames::Load(data_dir));
  const std::string dir = data_dir + "/";
  NEWSDEX_RETURN_IF_ERROR(internal::AddWordList(dir + "given_names.txt", kGiven, &ex->classes_));
  NEWSDEX_RETURN_IF_ERROR(
      internal::AddWordList(dir + "given_names_intl.txt", kGiven, &ex->classes_));
  NEWSDEX_RETURN_IF_ERROR(internal::AddWordList(dir + "actor_places.txt", kPlace, &ex->classes_));
  NEWSDEX_RETURN_IF_ERROR(
      internal::AddWordKinds(dir + "person_cues.tsv", kPersonCueKinds, &ex->classes_));
  NEWSDEX_RETURN_IF_ERROR(
      internal::AddWordKinds(dir + "name_tokenizer_words.tsv", kTokenizerKinds, &ex->classes_));
  NEWSDEX_RETURN_IF_ERROR(ex->LoadLanguageClasses(dir + "person_cues_intl.tsv"));
  NEWSDEX_RETURN_IF_ERROR(internal::AddWordList(dir + "org_names.txt", kOrgName, &ex->classes_));
  return ex;
}

void ActorExtractor::AddLanguagePlaces(const core::CountryNames& countries,
                                       core::Analyzer& analyzer) {
  for (const core::CountryAlias& a : countries.aliases()) {
    if (a.language.empty()) continue;
    auto it = language_classes_.find(a.language);
    if (it == language_classes_.end()) continue;
    const std::string folded = analyzer.FoldKey(a.text);
    if (!folded.empty()) it->second[folded] |= kPlace;
  }
}

absl::Status ActorExtractor::LoadLanguageClasses(const std::string& path) {
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<core::Analyzer> analyzer, core::Analyzer::Create());
  // compound_org_noun is the one kind with both bits (kPersonCueKinds).
  NEWSDEX_RETURN_IF_ERROR(internal::AddLanguageWordKinds(
      path, kPersonCueKinds, [&](absl::string_view word) { return analyzer->FoldKey(word); },
      &language_classes_,
      [&](absl::string_view language, uint16_t bits, const std::string& word) {
        if (bits != (kOrgName | kOrg)) return;
        CompoundHeads& heads = compound_heads_[language];
        heads.nouns.insert(word);
        heads.lengths.push_back(word.size());
      }));
  for (auto& [language, heads] : compound_heads_) {
    std::sort(heads.lengths.begin(), heads.lengths.end());
    heads.lengths.erase(std::unique(heads.lengths.begin(), heads.lengths.end()),
                        heads.lengths.end());
  }
  for (auto& [language, classes] : language_classes_) {
    for (const auto& [word, bits] : classes) {
      if (bits & internal::kTitleSuffix) language_title_suffixes_[language].push_back(word);
    }
    std::sort(language_title_suffixes_[language].begin(), language_title_suffixes_[language].end());
  }
  // Month and weekday names are no names where they are capitalised nouns
  // (German: "am Montag", "im Mai"). Where the language writes them in lower
  // case a capital marks a name: "Julio César Ledesma", "Avril Lavigne".
  for (const std::unique_ptr<LanguageWords>& words : languages_->languages()) {
    if (!words->capitalized_names) continue;
    internal::WordClasses& classes = language_classes_[words->language];
    for (const auto* names : {&words->months, &words->weekdays}) {
      for (const auto& [name, unused] : *names) classes[name] |= kNonName;
    }
  }
  return absl::OkStatus();
}

std::vector<core::ActorFacet> ActorExtractor::Extract(const core::Article& article,
                                                      core::Analyzer& analyzer) const {
  const internal::WordClasses* classes = language_classes(article.language);
  const LanguageWords* words = languages_->Find(article.language);
  internal::NameLanguage language;
  language.classes = classes;
  language.elisions = words != nullptr && !words->elisions.empty() ? &words->elisions : nullptr;
  language.articles = words != nullptr && !words->articles.empty() ? &words->articles : nullptr;
  if (auto it = language_title_suffixes_.find(article.language);
      it != language_title_suffixes_.end() && !it->second.empty()) {
    language.title_suffixes = &it->second;
  }
  ArticleState st(*this, article.date, classes);
  ScanArticle(article, analyzer, *this, language, words, &st);
  ResolveSingles(*this, article.date, &st);
  return Facets(*this, st);
}

}  // namespace newsdex::indexer

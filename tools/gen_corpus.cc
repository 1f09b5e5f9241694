// gen-corpus: writes N synthetic news articles as JSON Lines for benchmarks.
//
//   gen-corpus N --seed S [--out FILE|-] [--shared DIR]
//
// It learns everything at run time from the shared corpora (Reuters-21578 and
// BBC, read compressed): a word bigram model with unigram back-off, title,
// body, sentence and paragraph length distributions per style ("wire" learned
// from Reuters, "feature" from BBC), the style mix, the dateline and
// upper-case-title rates, and how often country names, demonyms, capitals and
// person names occur. Mentions found in the corpora are replaced by
// placeholders in the model, so the generator emits them in realistic
// positions and at the learned rates, filled from the gazetteers (countries:
// names, demonyms, capitals; persons: the project's current-actors seed, the
// Phoenix person dictionary and synthetic first-name x surname pairs). Words
// seen once become "novel word" placeholders that draw from a large Zipfian
// synthetic lexicon, so the vocabulary keeps growing with N like real text.
//
// Output records: id, title, body, date (YYYY-MM-DD over 40 years), source,
// language "en". No actors/countries fields: newsdex must find them itself.
// Deterministic for a seed: own PRNG (splitmix64 + xoshiro256**), integer-only
// sampling, deterministic learning order. A learning/generation summary is
// written to stderr as one JSON line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "core/log.h"
#include "core/status_macros.h"
#include "tools/bench/corpus_reader.h"
#include "tools/bench/output_file.h"
#include "tools/bench/rng.h"

#ifndef NEWSDEX_SHARED_DIR
#define NEWSDEX_SHARED_DIR "../shared"
#endif

ABSL_FLAG(uint64_t, seed, 1, "PRNG seed; the same seed gives the same corpus");
ABSL_FLAG(std::string, out, "-", "output file, or - for standard output");
ABSL_FLAG(std::string, shared, NEWSDEX_SHARED_DIR,
          "the shared/ directory holding corpora/ and gazetteers/");

namespace newsdex::tools {
namespace {

// Cumulative weights for sampling an index proportionally to its weight.
class Discrete {
 public:
  void Add(uint64_t weight) {
    total_ += weight;
    cumulative_.push_back(total_);
  }
  bool empty() const { return total_ == 0; }
  size_t size() const { return cumulative_.size(); }
  size_t Sample(Rng& rng) const {
    const uint64_t r = rng.Below(total_);
    return static_cast<size_t>(
        std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin());
  }

 private:
  std::vector<uint64_t> cumulative_;
  uint64_t total_ = 0;
};

// ---------------------------------------------------------------------------
// Tokens. Ids below kFirstWord are placeholders filled at generation time.

enum Special : uint32_t {
  kBos = 0,       // sentence start (bigram context only)
  kCountry,       // a country name ("Japan", "U.S.")
  kDemonym,       // "Japanese"
  kCapital,       // "Tokyo"
  kPersonFull,    // "James Baker"
  kPersonLast,    // "Baker" (a person of the article)
  kNovel,         // a word seen once: drawn from the synthetic lexicon
  kNovelCap,      // the same, capitalized
  kNumber,        // a number seen once
  kFirstWord,
};

constexpr const char* kSpecialNames[] = {"<s>",      "<country>", "<demonym>",
                                         "<capital>", "<person>",  "<surname>",
                                         "<novel>",  "<Novel>",   "<number>"};

enum class EntityKind { kName, kDemonym, kCapital };

bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

bool HasAlnum(absl::string_view s) {
  for (char c : s) {
    if (absl::ascii_isalnum(c) || static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}
bool HasDigit(absl::string_view s) {
  for (char c : s) {
    if (absl::ascii_isdigit(c)) return true;
  }
  return false;
}

// "Baker", "O'Neill", "Leigh-Pemberton": capital then letters with at least one
// lowercase letter.
bool IsCapitalizedWord(absl::string_view s) {
  if (s.size() < 2 || !IsAsciiUpper(s[0])) return false;
  bool lower = false;
  for (char c : s.substr(1)) {
    if (IsAsciiLower(c)) {
      lower = true;
    } else if (!IsAsciiUpper(c) && c != '-' && c != '\'') {
      return false;
    }
  }
  return lower;
}

std::string TitleCase(absl::string_view upper_word) {
  std::string out = absl::AsciiStrToLower(upper_word);
  bool start = true;
  for (char& c : out) {
    if (start && IsAsciiLower(c)) c = absl::ascii_toupper(c);
    start = (c == ' ' || c == '-' || c == '\'');
  }
  return out;
}

// Splits a paragraph into sentences of tokens (words and ",;:-" tokens).
// Tokens point into `text` or at static strings.
void SplitSentences(absl::string_view text,
                    std::vector<std::vector<absl::string_view>>* sentences) {
  static const absl::flat_hash_set<absl::string_view>* const kAbbreviations =
      new absl::flat_hash_set<absl::string_view>{
          "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Co", "Corp", "Inc", "Ltd",
          "Jan", "Feb", "Mar", "Apr", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec",
          "Gen", "Sen", "Rep", "Gov", "Lt", "Col", "Capt", "Prof", "No", "vs",
          "Bros", "Mt", "Ft", "Messrs", "Rev"};
  std::vector<absl::string_view> current;
  auto flush = [&] {
    if (!current.empty()) sentences->push_back(std::move(current));
    current.clear();
  };
  const std::vector<absl::string_view> raw =
      absl::StrSplit(text, absl::ByAnyChar(" \n\t"), absl::SkipEmpty());
  for (size_t r = 0; r < raw.size(); ++r) {
    absl::string_view t = raw[r];
    auto strip_quotes = [](absl::string_view& s) {
      while (!s.empty() && absl::string_view("\"'`([{<").find(s.front()) != absl::string_view::npos) {
        s.remove_prefix(1);
      }
      while (!s.empty() && absl::string_view("\"'`)]}>").find(s.back()) != absl::string_view::npos) {
        s.remove_suffix(1);
      }
    };
    strip_quotes(t);
    absl::string_view trailing;
    bool end = false;
    if (!t.empty() && absl::string_view(",;:").find(t.back()) != absl::string_view::npos) {
      trailing = t.back() == ',' ? "," : (t.back() == ';' ? ";" : ":");
      t.remove_suffix(1);
    } else if (!t.empty() && (t.back() == '?' || t.back() == '!')) {
      t.remove_suffix(1);
      end = true;
    } else if (t.size() > 1 && t.back() == '.') {
      const absl::string_view stem = t.substr(0, t.size() - 1);
      const bool abbreviation =
          stem.find('.') != absl::string_view::npos || kAbbreviations->contains(stem) ||
          (stem.size() == 1 && IsAsciiUpper(stem[0]));
      if (!abbreviation) {
        t = stem;
        end = true;
      } else if (r + 1 == raw.size()) {
        end = true;
      }
    }
    strip_quotes(t);
    if (t == "-" || t == "--") {
      current.push_back("-");
    } else if (!t.empty() && HasAlnum(t)) {
      current.push_back(t);
    }
    if (!trailing.empty() && !current.empty()) current.push_back(trailing);
    if (end) flush();
  }
  flush();
}

// ---------------------------------------------------------------------------
// Gazetteers.

struct Country {
  std::string code;  // alpha-2
  std::string name;  // common name
  std::string demonym;
  std::string capital;
  // Surface forms seen in the corpora, with counts; index 0 is the base form.
  std::vector<std::pair<std::string, uint64_t>> forms[3];
  uint64_t mentions = 0;
};

struct Gazetteers {
  std::vector<Country> countries;
  // "United States" / "U.S." / "Japanese" -> (country index, kind). Case-sensitive.
  absl::flat_hash_map<std::string, std::pair<uint32_t, EntityKind>> entity_names;
  size_t max_entity_tokens = 1;
  absl::flat_hash_set<std::string> given_names;  // lowercase, SSA >= 2000 births
  std::vector<std::string> top_given_names;      // title case, most frequent first
  std::vector<std::string> known_persons;        // seed actors, then Phoenix persons
  absl::flat_hash_set<std::string> months_and_days;
};

absl::StatusOr<std::string> ReadMaybeGzip(const std::string& path) {
  if (absl::EndsWith(path, ".gz")) return ReadGzipFile(path);
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::string out;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) out.append(buffer, n);
  std::fclose(f);
  return out;
}

// Field `key` of JSON object `j` as a string, or "" when absent or not a string
// (the dataset has nulls).
std::string JsonString(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

void AddEntityName(Gazetteers& g, absl::string_view surface, uint32_t country, EntityKind kind) {
  if (surface.empty()) return;
  const std::string key(surface);
  if (g.entity_names.contains(key)) return;  // first writer wins
  g.entity_names[key] = {country, kind};
  const size_t tokens = static_cast<size_t>(std::count(key.begin(), key.end(), ' ')) + 1;
  g.max_entity_tokens = std::max(g.max_entity_tokens, tokens);
  auto& forms = g.countries[country].forms[static_cast<int>(kind)];
  for (const auto& f : forms) {
    if (f.first == key) return;
  }
  forms.emplace_back(key, 0);
}

// One country of mledoze's dataset, under every name, demonym and capital it
// goes by.
void AddCountry(const nlohmann::json& c, Gazetteers& g) {
  Country country;
  country.code = JsonString(c, "cca2");
  if (c.contains("name")) country.name = JsonString(c["name"], "common");
  if (c.contains("demonyms") && c["demonyms"].contains("eng")) {
    country.demonym = JsonString(c["demonyms"]["eng"], "m");
  }
  if (c.contains("capital") && c["capital"].is_array() && !c["capital"].empty() &&
      c["capital"][0].is_string()) {
    country.capital = c["capital"][0].get<std::string>();
  }
  if (country.code.empty() || country.name.empty()) return;
  const auto index = static_cast<uint32_t>(g.countries.size());
  g.countries.push_back(std::move(country));
  const Country& added = g.countries.back();
  AddEntityName(g, added.name, index, EntityKind::kName);
  AddEntityName(g, added.demonym, index, EntityKind::kDemonym);
  AddEntityName(g, added.capital, index, EntityKind::kCapital);
  if (c.contains("name")) AddEntityName(g, JsonString(c["name"], "official"), index, EntityKind::kName);
  if (!c.contains("altSpellings")) return;
  for (const auto& alt : c["altSpellings"]) {
    if (!alt.is_string()) continue;
    const std::string s = alt.get<std::string>();
    // Skip two/three-letter codes, which collide with words ("IN", "CAN").
    if (s.size() > 3 || s == "UK" || s == "USA" || s == "UAE") {
      AddEntityName(g, s, index, EntityKind::kName);
    }
  }
}

absl::Status LoadCountries(const std::string& dir, Gazetteers& g) {
  NEWSDEX_ASSIGN_OR_RETURN(const std::string countries_json,
                           ReadMaybeGzip(dir + "/countries/mledoze_countries.json.gz"));
  const nlohmann::json countries = nlohmann::json::parse(countries_json, nullptr, false);
  if (!countries.is_array()) {
    return absl::DataLossError(dir + "/countries/mledoze_countries.json.gz: not a JSON array");
  }
  // Independent states first, so a demonym shared with a territory
  // ("American": US and MP) resolves to the state.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& c : countries) {
      const bool independent = c.contains("independent") && c["independent"].is_boolean() && c["independent"].get<bool>();
      if (independent == (pass == 0)) AddCountry(c, g);
    }
  }
  return absl::OkStatus();
}

// Short forms news uses that the dataset lacks (facts, not text).
void AddCountryAliases(Gazetteers& g) {
  auto index_of = [&](absl::string_view code) -> int {
    for (size_t i = 0; i < g.countries.size(); ++i) {
      if (g.countries[i].code == code) return static_cast<int>(i);
    }
    return -1;
  };
  const struct {
    const char* surface;
    const char* code;
    EntityKind kind;
  } kAliases[] = {
      {"U.S.", "US", EntityKind::kName},          {"US", "US", EntityKind::kName},
      {"America", "US", EntityKind::kName},       {"U.K.", "GB", EntityKind::kName},
      {"Britain", "GB", EntityKind::kName},       {"British", "GB", EntityKind::kDemonym},
      {"West Germany", "DE", EntityKind::kName},  {"West German", "DE", EntityKind::kDemonym},
      {"East Germany", "DE", EntityKind::kName},  {"Soviet Union", "RU", EntityKind::kName},
      {"USSR", "RU", EntityKind::kName},          {"Soviet", "RU", EntityKind::kDemonym},
      {"Turkey", "TR", EntityKind::kName},        {"Holland", "NL", EntityKind::kName},
      {"Dutch", "NL", EntityKind::kDemonym},      {"Iran", "IR", EntityKind::kName},
      {"South Korea", "KR", EntityKind::kName},   {"North Korea", "KP", EntityKind::kName},
      {"Taiwan", "TW", EntityKind::kName},        {"Peking", "CN", EntityKind::kCapital},
  };
  for (const auto& alias : kAliases) {
    const int i = index_of(alias.code);
    if (i >= 0) AddEntityName(g, alias.surface, static_cast<uint32_t>(i), alias.kind);
  }
}

// Given names (SSA): lowercase, common enough to be a first name.
absl::Status LoadGivenNames(const std::string& dir, Gazetteers& g) {
  NEWSDEX_ASSIGN_OR_RETURN(const std::string ssa,
                           ReadMaybeGzip(dir + "/names/ssa_us_given_names_1880_2024.tsv.gz"));
  std::vector<std::pair<uint64_t, std::string>> by_births;
  for (absl::string_view line : absl::StrSplit(ssa, '\n')) {
    const std::vector<absl::string_view> cols = absl::StrSplit(line, '\t');
    uint64_t births = 0;
    if (cols.size() < 3 || !absl::SimpleAtoi(cols[2], &births)) continue;
    if (births < 2000) continue;
    g.given_names.insert(std::string(cols[0]));
    by_births.emplace_back(births, std::string(cols[0]));
  }
  std::sort(by_births.begin(), by_births.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  absl::flat_hash_set<std::string> seen;
  for (const auto& [births, name] : by_births) {
    if (seen.insert(name).second) g.top_given_names.push_back(TitleCase(name));
    if (g.top_given_names.size() >= 3000) break;
  }
  return absl::OkStatus();
}

// Persons: the project's current-actors seed, then Phoenix person entries.
absl::Status LoadPersons(const std::string& dir, Gazetteers& g) {
  NEWSDEX_ASSIGN_OR_RETURN(const std::string seed_tsv,
                           ReadMaybeGzip(dir + "/actors/project_current_actors_seed.tsv"));
  absl::flat_hash_set<std::string> persons_seen;
  for (absl::string_view line : absl::StrSplit(seed_tsv, '\n')) {
    if (line.empty() || line[0] == '#' || absl::StartsWith(line, "canonical_name")) continue;
    const std::string name(line.substr(0, line.find('\t')));
    if (!name.empty() && persons_seen.insert(name).second) g.known_persons.push_back(name);
  }
  NEWSDEX_ASSIGN_OR_RETURN(const std::string phoenix,
                           ReadMaybeGzip(dir + "/actors/Phoenix.Countries.actors.txt.gz"));
  std::vector<std::string> phoenix_persons;
  for (absl::string_view line : absl::StrSplit(phoenix, '\n')) {
    if (line.empty() || line[0] == '+' || line[0] == '#' || line[0] == ' ' || line[0] == '\t') continue;
    if (line.find("# CountryInfo") == absl::string_view::npos) continue;
    absl::string_view key = line.substr(0, line.find_first_of(" \t"));
    while (!key.empty() && key.back() == '_') key.remove_suffix(1);
    const std::vector<absl::string_view> parts = absl::StrSplit(key, '_', absl::SkipEmpty());
    if (parts.size() < 2 || parts.size() > 4) continue;
    const std::string name = TitleCase(absl::StrJoin(parts, " "));
    if (persons_seen.insert(name).second) phoenix_persons.push_back(name);
  }
  // Fixed shuffle so popularity (rank) is not ordered by country.
  Rng shuffle(0x5eed5eedULL);
  for (size_t i = phoenix_persons.size(); i > 1; --i) {
    std::swap(phoenix_persons[i - 1], phoenix_persons[shuffle.Below(i)]);
  }
  for (auto& p : phoenix_persons) g.known_persons.push_back(std::move(p));
  return absl::OkStatus();
}

absl::Status LoadGazetteers(const std::string& shared, Gazetteers& g) {
  const std::string dir = absl::StrCat(shared, "/gazetteers");
  NEWSDEX_RETURN_IF_ERROR(LoadCountries(dir, g));
  AddCountryAliases(g);
  NEWSDEX_RETURN_IF_ERROR(LoadGivenNames(dir, g));
  NEWSDEX_RETURN_IF_ERROR(LoadPersons(dir, g));
  for (const char* w : {"January", "February", "March", "April", "May", "June", "July",
                        "August", "September", "October", "November", "December", "Monday",
                        "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}) {
    g.months_and_days.insert(w);
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// The learned model.

struct StyleStats {
  std::string name;
  uint64_t docs = 0;
  std::vector<uint32_t> title_words, body_words, sentence_words, paragraph_sentences;
  uint64_t datelines = 0;
  uint64_t upper_titles = 0;
};

struct EntityRates {
  uint64_t words = 0;
  uint64_t mentions[5] = {0, 0, 0, 0, 0};  // country, demonym, capital, person, surname
};

struct Model {
  std::vector<std::string> surface;  // by token id
  std::vector<uint8_t> is_punct;
  // Bigram successors in CSR form.
  std::vector<uint32_t> offsets, next, cumulative;
  Discrete unigram;  // over all ids (kBos has weight 0)
  StyleStats styles[2];
  Discrete style_mix;
  Discrete country_popularity;
  std::vector<std::string> syllables;
  Discrete syllable_weights;
  std::vector<std::string> surnames;  // for synthetic persons
  EntityRates rates;
  uint64_t tokens = 0, vocabulary = 0, hapax = 0, bigrams = 0;
};

constexpr int kEntityCountry = 0, kEntityDemonym = 1, kEntityCapital = 2, kEntityPerson = 3,
              kEntitySurname = 4;

class Learner {
 public:
  Learner(const Gazetteers& g, Model& m) : g_(g), m_(m) {
    for (uint32_t i = 0; i < kFirstWord; ++i) Intern(kSpecialNames[i]);
    m_.styles[0].name = "wire";
    m_.styles[1].name = "feature";
  }

  void AddArticle(SourceArticle article) { articles_.push_back(std::move(article)); }

  void Learn() {
    // Pass 1: how often each word is written lowercase vs capitalized, to tell
    // names ("Baker") from common words ("Bank").
    std::vector<std::vector<std::vector<absl::string_view>>> docs(articles_.size());
    for (size_t d = 0; d < articles_.size(); ++d) {
      for (absl::string_view para : absl::StrSplit(articles_[d].body, "\n\n")) {
        const size_t before = docs[d].size();
        SplitSentences(para, &docs[d]);
        const int style = StyleOf(articles_[d]);
        m_.styles[style].paragraph_sentences.push_back(static_cast<uint32_t>(docs[d].size() - before));
      }
      for (const auto& sentence : docs[d]) {
        for (absl::string_view t : sentence) {
          if (IsCapitalizedWord(t)) {
            ++case_counts_[absl::AsciiStrToLower(t)].second;
          } else if (!t.empty() && IsAsciiLower(t[0])) {
            ++case_counts_[std::string(t)].first;
          }
        }
      }
    }
    // Pass 2: entity placeholders, statistics, provisional ids.
    std::vector<uint32_t> sequence;  // kBos opens each sentence
    for (size_t d = 0; d < articles_.size(); ++d) {
      const SourceArticle& a = articles_[d];
      StyleStats& style = m_.styles[StyleOf(a)];
      ++style.docs;
      if (!a.dateline.empty()) ++style.datelines;
      const std::vector<absl::string_view> title_words =
          absl::StrSplit(a.title, ' ', absl::SkipEmpty());
      if (!title_words.empty()) style.title_words.push_back(static_cast<uint32_t>(title_words.size()));
      bool has_lower = false;
      for (char c : a.title) has_lower |= IsAsciiLower(c);
      if (!title_words.empty() && !has_lower) ++style.upper_titles;

      absl::flat_hash_set<std::string> surnames;
      uint32_t body_words = 0;
      for (const auto& sentence : docs[d]) {
        sequence.push_back(kBos);
        uint32_t words = 0;
        for (size_t i = 0; i < sentence.size();) {
          const size_t used = TagAt(sentence, i, surnames, sequence);
          i += used;
          if (!m_.is_punct[sequence.back()]) ++words;
        }
        if (words > 0 && words <= 120) style.sentence_words.push_back(words);
        body_words += words;
      }
      m_.rates.words += body_words;
      if (body_words >= 5) style.body_words.push_back(body_words);
    }
    // Hapax legomena become novel-word placeholders.
    std::vector<uint64_t> counts(m_.surface.size(), 0);
    for (uint32_t id : sequence) ++counts[id];
    std::vector<uint32_t> remap(m_.surface.size());
    for (uint32_t id = 0; id < remap.size(); ++id) {
      remap[id] = id;
      if (id < kFirstWord || counts[id] != 1) continue;
      const std::string& s = m_.surface[id];
      remap[id] = HasDigit(s) ? kNumber : (IsAsciiUpper(s[0]) ? kNovelCap : kNovel);
      ++m_.hapax;
    }
    // Bigrams over final ids, in CSR form.
    std::vector<uint64_t> pairs;
    pairs.reserve(sequence.size());
    std::vector<uint64_t> unigram(m_.surface.size(), 0);
    for (size_t i = 0; i < sequence.size(); ++i) {
      const uint32_t cur = remap[sequence[i]];
      if (cur != kBos) ++unigram[cur];
      if (i + 1 < sequence.size() && sequence[i + 1] != kBos) {
        pairs.push_back((uint64_t{cur} << 32) | remap[sequence[i + 1]]);
      }
    }
    std::sort(pairs.begin(), pairs.end());
    m_.offsets.assign(m_.surface.size() + 1, 0);
    uint32_t running = 0;
    uint64_t last_prev = ~uint64_t{0};
    for (size_t i = 0; i < pairs.size();) {
      size_t j = i;
      while (j < pairs.size() && pairs[j] == pairs[i]) ++j;
      const auto prev = static_cast<uint32_t>(pairs[i] >> 32);
      if (prev != last_prev) {
        running = 0;
        last_prev = prev;
      }
      running += static_cast<uint32_t>(j - i);
      m_.next.push_back(static_cast<uint32_t>(pairs[i] & 0xFFFFFFFFu));
      m_.cumulative.push_back(running);
      ++m_.offsets[prev + 1];
      i = j;
    }
    for (size_t i = 1; i < m_.offsets.size(); ++i) m_.offsets[i] += m_.offsets[i - 1];
    for (uint64_t c : unigram) m_.unigram.Add(c);
    m_.tokens = sequence.size();
    m_.bigrams = m_.next.size();
    for (uint64_t c : counts) m_.vocabulary += c > 0 ? 1 : 0;

    for (const StyleStats& s : m_.styles) m_.style_mix.Add(s.docs);
    for (const Country& c : g_.countries) m_.country_popularity.Add(c.mentions + 2);
    LearnSyllables();
    std::sort(surnames_.begin(), surnames_.end());
    surnames_.erase(std::unique(surnames_.begin(), surnames_.end()), surnames_.end());
    m_.surnames = std::move(surnames_);
  }

  std::vector<Country> TakeCountries() { return std::move(countries_); }

 private:
  int StyleOf(const SourceArticle& a) const { return a.source == "Reuters" ? 0 : 1; }

  uint32_t Intern(absl::string_view s) {
    auto [it, inserted] = ids_.try_emplace(std::string(s), static_cast<uint32_t>(m_.surface.size()));
    if (inserted) {
      m_.surface.emplace_back(s);
      m_.is_punct.push_back(!HasAlnum(s) && !m_.surface.back().empty() && m_.surface.size() > kFirstWord);
    }
    return it->second;
  }

  bool IsCommonWord(absl::string_view t) const {
    auto it = case_counts_.find(absl::AsciiStrToLower(t));
    return it != case_counts_.end() && it->second.first >= it->second.second;
  }

  bool IsSurnameLike(absl::string_view t) const {
    return IsCapitalizedWord(t) && !IsCommonWord(t) && !g_.months_and_days.contains(t) &&
           !g_.entity_names.contains(std::string(t));
  }

  // Tags the token(s) at sentence[i], appends one id to `out`, returns tokens used.
  size_t TagAt(const std::vector<absl::string_view>& sentence, size_t i,
               absl::flat_hash_set<std::string>& surnames, std::vector<uint32_t>& out) {
    const absl::string_view t = sentence[i];
    // Countries, demonyms, capitals: longest match first.
    if (IsAsciiUpper(t[0])) {
      for (size_t len = std::min(g_.max_entity_tokens, sentence.size() - i); len >= 1; --len) {
        std::string key(sentence[i]);
        for (size_t k = 1; k < len; ++k) absl::StrAppend(&key, " ", sentence[i + k]);
        auto it = g_.entity_names.find(key);
        if (it == g_.entity_names.end()) continue;
        const EntityKind kind = it->second.second;
        if (kind == EntityKind::kCapital && len == 1 && IsCommonWord(key)) continue;
        Country& c = countries_[it->second.first];
        ++c.mentions;
        for (auto& form : c.forms[static_cast<int>(kind)]) {
          if (form.first == key) ++form.second;
        }
        const int entity = kind == EntityKind::kName ? kEntityCountry
                           : kind == EntityKind::kDemonym ? kEntityDemonym : kEntityCapital;
        ++m_.rates.mentions[entity];
        out.push_back(entity == kEntityCountry ? kCountry : entity == kEntityDemonym ? kDemonym : kCapital);
        return len;
      }
    }
    // Full person names: Given [X.] Surname.
    if (IsCapitalizedWord(t) && g_.given_names.contains(absl::AsciiStrToLower(t)) &&
        !IsCommonWord(t) && !g_.months_and_days.contains(t)) {
      size_t j = i + 1;
      if (j < sentence.size() && sentence[j].size() == 2 && IsAsciiUpper(sentence[j][0]) &&
          sentence[j][1] == '.') {
        ++j;
      }
      if (j < sentence.size() && IsSurnameLike(sentence[j])) {
        surnames.insert(std::string(sentence[j]));
        surnames_.emplace_back(sentence[j]);
        ++m_.rates.mentions[kEntityPerson];
        out.push_back(kPersonFull);
        return j + 1 - i;
      }
    }
    // Title + surname ("Mr Baker"), or a surname already named in this article.
    static const absl::flat_hash_set<absl::string_view>* const kTitles =
        new absl::flat_hash_set<absl::string_view>{
            "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "President", "Chancellor",
            "Minister", "Governor", "Senator", "Secretary", "Premier", "Chairman"};
    if (kTitles->contains(t) && i + 1 < sentence.size() && IsSurnameLike(sentence[i + 1])) {
      out.push_back(Intern(t));
      surnames.insert(std::string(sentence[i + 1]));
      ++m_.rates.mentions[kEntitySurname];
      out.push_back(kPersonLast);
      return 2;
    }
    if (surnames.contains(std::string(t))) {
      ++m_.rates.mentions[kEntitySurname];
      out.push_back(kPersonLast);
      return 1;
    }
    out.push_back(Intern(t));
    return 1;
  }

  // Syllable-like chunks (consonants + vowels + optional final consonants at
  // the end) of frequent lowercase words, for the synthetic lexicon.
  void LearnSyllables() {
    absl::flat_hash_map<std::string, uint64_t> chunks;
    for (uint32_t id = kFirstWord; id < m_.surface.size(); ++id) {
      const std::string& w = m_.surface[id];
      if (w.size() < 4 || !std::all_of(w.begin(), w.end(), IsAsciiLower)) continue;
      size_t i = 0;
      while (i < w.size()) {
        size_t j = i;
        while (j < w.size() && absl::string_view("aeiouy").find(w[j]) == absl::string_view::npos) ++j;
        while (j < w.size() && absl::string_view("aeiouy").find(w[j]) != absl::string_view::npos) ++j;
        if (j == i) break;
        ++chunks[w.substr(i, j - i)];
        i = j;
      }
    }
    std::vector<std::pair<uint64_t, std::string>> sorted;
    for (auto& [chunk, count] : chunks) sorted.emplace_back(count, chunk);
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    if (sorted.size() > 400) sorted.resize(400);
    for (auto& [count, chunk] : sorted) {
      m_.syllables.push_back(chunk);
      m_.syllable_weights.Add(count);
    }
  }

  const Gazetteers& g_;
  Model& m_;
  std::vector<SourceArticle> articles_;
  absl::flat_hash_map<std::string, uint32_t> ids_;
  absl::flat_hash_map<std::string, std::pair<uint64_t, uint64_t>> case_counts_;  // lower, capitalized
  std::vector<std::string> surnames_;

 public:
  std::vector<Country> countries_;
};

// ---------------------------------------------------------------------------
// Generation.

class Generator {
 public:
  Generator(const Model& m, const std::vector<Country>& countries, const Gazetteers& g, uint64_t seed)
      : m_(m), countries_(countries), g_(g), seed_(seed) {
    for (const Country& c : countries_) {
      for (int k = 0; k < 3; ++k) {
        Discrete d;
        for (size_t f = 0; f < c.forms[k].size(); ++f) {
          // The base form (index 0) keeps some weight so unseen countries and
          // forms still appear.
          d.Add(c.forms[k][f].second * 4 + (f == 0 ? 1 : 0));
        }
        form_weights_[k].push_back(std::move(d));
      }
    }
  }

  uint64_t emitted[5] = {0, 0, 0, 0, 0};
  uint64_t emitted_words = 0;

  // Appends article `index` as one JSON line to `out`.
  void Article(uint64_t index, std::string* out) {
    uint64_t mix = seed_ ^ (index * 0xD1B54A32D192ED03ULL);
    Rng rng(SplitMix64(mix));
    const int style_index = static_cast<int>(m_.style_mix.Sample(rng));
    const StyleStats& style = m_.styles[style_index];
    focus_.clear();
    cast_.clear();
    const size_t focus_count = 1 + rng.Below(3);
    for (size_t i = 0; i < focus_count; ++i) focus_.push_back(m_.country_popularity.Sample(rng));

    const absl::CivilDay day = absl::CivilDay(1986, 1, 1) + static_cast<int>(rng.Below(14610));

    // Title.
    std::string title;
    const uint32_t title_len = Pick(style.title_words, rng, 6);
    Sentence(std::min<uint32_t>(title_len, 30), rng, &title, /*in_title=*/true);
    if (rng.Chance(style.upper_titles, style.docs)) {
      title = absl::AsciiStrToUpper(title);
    }
    // Body: paragraphs of sentences until the drawn length is reached.
    std::string body;
    const uint32_t body_len = Pick(style.body_words, rng, 150);
    if (rng.Chance(style.datelines, style.docs)) {
      const Country& c = countries_[focus_[0]];
      std::string city = !c.capital.empty() ? c.capital : c.name;
      static constexpr const char* kMonths[] = {"Jan", "Feb", "March", "April", "May", "June",
                                                "July", "Aug", "Sept", "Oct", "Nov", "Dec"};
      absl::StrAppend(&body, absl::AsciiStrToUpper(city), ", ", kMonths[day.month() - 1], " ",
                      day.day(), " - ");
    }
    uint32_t words = 0;
    while (words < body_len) {
      const uint32_t sentences = std::max<uint32_t>(1, Pick(style.paragraph_sentences, rng, 2));
      if (words > 0) body += "\n\n";
      for (uint32_t s = 0; s < sentences && words < body_len; ++s) {
        if (s > 0) body += ' ';
        const uint32_t len = std::max<uint32_t>(3, Pick(style.sentence_words, rng, 20));
        words += Sentence(len, rng, &body, /*in_title=*/false);
        body += '.';
      }
    }
    emitted_words += words;

    out->append("{\"id\":");
    AppendJsonString(absl::StrFormat("gen-%d-%07d", seed_, index + 1), out);
    out->append(",\"title\":");
    AppendJsonString(title, out);
    out->append(",\"body\":");
    AppendJsonString(body, out);
    out->append(",\"date\":\"");
    absl::StrAppend(out, absl::FormatCivilTime(day));
    out->append("\",\"source\":");
    static constexpr const char* kSources[2][3] = {
        {"Synthetic Wire", "Atlas Press Agency", "Meridian News Service"},
        {"The Daily Synthetic", "Evening Ledger", "Harbor Times"}};
    AppendJsonString(kSources[style_index][rng.ZipfRank(3)], out);
    out->append(",\"language\":\"en\"}\n");
  }

 private:
  static uint32_t Pick(const std::vector<uint32_t>& values, Rng& rng, uint32_t fallback) {
    return values.empty() ? fallback : values[rng.Below(values.size())];
  }

  uint32_t NextToken(uint32_t prev, Rng& rng) const {
    const uint32_t begin = m_.offsets[prev], end = m_.offsets[prev + 1];
    if (begin < end && rng.Percent(80)) {
      const uint32_t r = static_cast<uint32_t>(rng.Below(m_.cumulative[end - 1]));
      const auto it = std::upper_bound(m_.cumulative.begin() + begin, m_.cumulative.begin() + end, r);
      return m_.next[static_cast<size_t>(it - m_.cumulative.begin())];
    }
    return static_cast<uint32_t>(m_.unigram.Sample(rng));
  }

  // Writes a sentence of `len` words (no final period) to `out`; returns the
  // number of words written.
  uint32_t Sentence(uint32_t len, Rng& rng, std::string* out, bool in_title) {
    uint32_t prev = kBos;
    uint32_t words = 0;
    bool first = true;
    for (uint32_t guard = 0; words < len && guard < len * 4 + 8; ++guard) {
      const uint32_t t = NextToken(prev, rng);
      if (t == kBos) continue;
      if (m_.is_punct[t]) {
        if (prev == kBos || m_.is_punct[prev] || words + 1 >= len) continue;
        if (m_.surface[t] != "-") {
          out->append(m_.surface[t]);
        } else {
          out->append(" -");
        }
        prev = t;
        continue;
      }
      if (!first) out->push_back(' ');
      const size_t start = out->size();
      Render(t, rng, out, in_title);
      if (first && start < out->size() && IsAsciiLower((*out)[start])) {
        (*out)[start] = absl::ascii_toupper((*out)[start]);
      }
      first = false;
      prev = t;
      ++words;
    }
    return words;
  }

  size_t PickCountry(Rng& rng) {
    if (rng.Percent(75)) return focus_[rng.Below(focus_.size())];
    return m_.country_popularity.Sample(rng);
  }

  // Person `rank` of the pool: known persons first, then synthetic pairs.
  std::string PersonName(uint64_t rank) const {
    if (rank < g_.known_persons.size()) return g_.known_persons[rank];
    const uint64_t h = Hash64(rank * 0x9E3779B97F4A7C15ULL + 17);
    const std::string& first = g_.top_given_names[h % g_.top_given_names.size()];
    const std::string& last = m_.surnames.empty()
                                  ? g_.top_given_names[(h >> 32) % g_.top_given_names.size()]
                                  : m_.surnames[(h >> 32) % m_.surnames.size()];
    return absl::StrCat(first, " ", last);
  }

  static absl::string_view Surname(absl::string_view full) {
    std::vector<absl::string_view> parts = absl::StrSplit(full, ' ', absl::SkipEmpty());
    while (parts.size() > 1 && (parts.back() == "Jr." || parts.back() == "Jr" || parts.back() == "III")) {
      parts.pop_back();
    }
    return parts.empty() ? full : parts.back();
  }

  std::string NewPerson(Rng& rng) {
    const uint64_t pool = g_.known_persons.size() + 500000;
    std::string name = PersonName(rng.ZipfRank(pool));
    if (cast_.size() < 4) cast_.push_back(name);
    return name;
  }

  void Render(uint32_t t, Rng& rng, std::string* out, bool in_title) {
    switch (t) {
      case kCountry:
      case kDemonym:
      case kCapital: {
        const int kind = t == kCountry ? 0 : t == kDemonym ? 1 : 2;
        ++emitted[kind];
        const size_t c = PickCountry(rng);
        const Discrete& forms = form_weights_[kind][c];
        if (forms.empty()) {
          out->append(countries_[c].name);
        } else {
          out->append(countries_[c].forms[kind][forms.Sample(rng)].first);
        }
        return;
      }
      case kPersonFull: {
        ++emitted[kEntityPerson];
        if (!cast_.empty() && (cast_.size() >= 4 || rng.Percent(20))) {
          out->append(cast_[rng.Below(cast_.size())]);
        } else {
          out->append(NewPerson(rng));
        }
        return;
      }
      case kPersonLast: {
        ++emitted[kEntitySurname];
        const std::string name = cast_.empty() || (in_title && rng.Percent(30))
                                     ? NewPerson(rng)
                                     : cast_[rng.Below(cast_.size())];
        absl::StrAppend(out, Surname(name));
        return;
      }
      case kNovel:
      case kNovelCap: {
        const uint64_t rank = rng.ZipfRank(uint64_t{1} << 22);
        const size_t start = out->size();
        LexiconWord(rank, out);
        if (t == kNovelCap && start < out->size()) (*out)[start] = absl::ascii_toupper((*out)[start]);
        return;
      }
      case kNumber: {
        switch (rng.Below(4)) {
          case 0: absl::StrAppend(out, rng.Below(100)); break;
          case 1: absl::StrAppend(out, rng.Below(10000)); break;
          case 2: absl::StrAppend(out, rng.Below(1000), ".", rng.Below(10), rng.Below(10)); break;
          default: absl::StrAppend(out, 1 + rng.Below(999), ",", absl::Dec(rng.Below(1000), absl::kZeroPad3)); break;
        }
        return;
      }
      default:
        out->append(m_.surface[t]);
    }
  }

  // Word `rank` of the synthetic lexicon: a fixed function of the rank.
  void LexiconWord(uint64_t rank, std::string* out) const {
    Rng word_rng(rank * 0x2545F4914F6CDD1DULL + 0x1234567ULL);
    const uint64_t syllables = 2 + word_rng.Below(3);
    for (uint64_t s = 0; s < syllables; ++s) {
      out->append(m_.syllables[m_.syllable_weights.Sample(word_rng)]);
    }
  }

  const Model& m_;
  const std::vector<Country>& countries_;
  const Gazetteers& g_;
  const uint64_t seed_;
  std::vector<Discrete> form_weights_[3];
  std::vector<size_t> focus_;
  std::vector<std::string> cast_;
};

absl::StatusOr<uint64_t> ParseCount(absl::string_view text) {
  uint64_t multiplier = 1;
  if (!text.empty() && (text.back() == 'k' || text.back() == 'K')) {
    multiplier = 1000;
    text.remove_suffix(1);
  } else if (!text.empty() && (text.back() == 'm' || text.back() == 'M')) {
    multiplier = 1000000;
    text.remove_suffix(1);
  }
  uint64_t n = 0;
  if (!absl::SimpleAtoi(text, &n)) {
    return absl::InvalidArgumentError(absl::StrCat("N: cannot parse \"", text, "\" as a count"));
  }
  return n * multiplier;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

absl::Status Run(uint64_t n, uint64_t seed, const std::string& out_path, const std::string& shared) {
  const auto start = std::chrono::steady_clock::now();
  for (const char* dir : {"corpora", "gazetteers"}) {
    const std::string path = absl::StrCat(shared, "/", dir);
    if (FILE* probe = std::fopen(path.c_str(), "r")) {
      std::fclose(probe);
    } else {
      return absl::NotFoundError(absl::StrCat("shared corpora not found: ", path,
                                              " is missing (pass --shared DIR pointing at shared/)"));
    }
  }
  Gazetteers g;
  NEWSDEX_RETURN_IF_ERROR(LoadGazetteers(shared, g));
  Model model;
  Learner learner(g, model);
  learner.countries_ = g.countries;
  NEWSDEX_RETURN_IF_ERROR(ReadSharedCorpora(shared, true, true, [&](SourceArticle a) {
    if (!a.body.empty()) learner.AddArticle(std::move(a));
  }));
  learner.Learn();
  std::vector<Country> countries = learner.TakeCountries();
  const double learn_seconds = Seconds(start);

  NEWSDEX_ASSIGN_OR_RETURN(OutputFile out, OutputFile::Open(out_path));
  const auto gen_start = std::chrono::steady_clock::now();
  Generator gen(model, countries, g, seed);
  std::string buffer;
  buffer.reserve(8 << 20);
  uint64_t bytes = 0;
  for (uint64_t i = 0; i < n; ++i) {
    gen.Article(i, &buffer);
    if (buffer.size() >= (4 << 20) || i + 1 == n) {
      NEWSDEX_RETURN_IF_ERROR(out.Write(buffer));
      bytes += buffer.size();
      buffer.clear();
    }
  }
  NEWSDEX_RETURN_IF_ERROR(out.Close());
  const double gen_seconds = Seconds(gen_start);

  auto per_1000 = [](uint64_t count, uint64_t words) {
    return words == 0 ? 0.0 : std::round(count * 1000.0 / words * 100) / 100;
  };
  nlohmann::json summary;
  summary["tool"] = "gen-corpus";
  summary["docs"] = n;
  summary["seed"] = seed;
  summary["bytes"] = bytes;
  summary["learn_s"] = std::round(learn_seconds * 100) / 100;
  summary["generate_s"] = std::round(gen_seconds * 100) / 100;
  summary["learned"] = {
      {"tokens", model.tokens}, {"vocabulary", model.vocabulary}, {"hapax", model.hapax},
      {"bigrams", model.bigrams}, {"wire_docs", model.styles[0].docs},
      {"feature_docs", model.styles[1].docs}};
  const char* kNames[] = {"country_names", "demonyms", "capitals", "person_full_names",
                          "person_surnames"};
  for (int k = 0; k < 5; ++k) {
    summary["corpus_per_1000_words"][kNames[k]] = per_1000(model.rates.mentions[k], model.rates.words);
    summary["generated_per_1000_words"][kNames[k]] = per_1000(gen.emitted[k], gen.emitted_words);
  }
  summary["generated_words"] = gen.emitted_words;
  std::fprintf(stderr, "%s\n", summary.dump().c_str());
  return absl::OkStatus();
}

}  // namespace
}  // namespace newsdex::tools

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "gen-corpus N --seed S [--out FILE|-] [--shared DIR]: writes N synthetic articles as JSON "
      "Lines (N may end in k or M; default 1000000)");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  uint64_t n = 1000000;
  if (args.size() > 2) {
    NEWSDEX_LOG(ERROR) << "gen-corpus: expected one positional argument N, got " << args.size() - 1;
    return 2;
  }
  if (args.size() == 2) {
    absl::StatusOr<uint64_t> parsed = newsdex::tools::ParseCount(args[1]);
    if (!parsed.ok()) {
      NEWSDEX_LOG(ERROR) << "gen-corpus: " << parsed.status().message();
      return 2;
    }
    n = *parsed;
  }
  const absl::Status status = newsdex::tools::Run(n, absl::GetFlag(FLAGS_seed), absl::GetFlag(FLAGS_out),
                                                  absl::GetFlag(FLAGS_shared));
  if (!status.ok()) {
    NEWSDEX_LOG(ERROR) << "gen-corpus: " << status.message();
    return 1;
  }
  return 0;
}

// Country names: the canonical country keys of newsdex, their display names and
// every alias a user or an article may use for them. Loaded from the data files
// built by tools/build_gazetteer.py (data/countries.tsv, data/countries_mledoze.tsv)
// and our hand-written data/country_extra.tsv (which overrides them). Query-time
// filters (`country:Britain`) and index-time extraction both read it, so a name
// means the same country on both sides.
//
// Aliases in other languages (French, German, Spanish, Italian, Portuguese,
// Dutch) carry their language: data/countries_intl.tsv (built by
// tools/build_country_words.py), data/countries_mledoze_intl.tsv and the
// country display names ICU gives for each language those files use
// (core/locale_names.h). The extractor matches them only in articles of that
// language; Resolve accepts them after every English alias.
//
// Keys are ISO 3166-1 alpha-2 in lower case ("ir"), plus historical states as
// their own keys: "su" Soviet Union, "dd" East Germany, "wg" West Germany, "yu"
// Yugoslavia, "cs" Czechoslovakia, "zr" Zaire, "bu" Burma, "yd" South Yemen.
//
// Thread safety: a loaded CountryNames is immutable; all const methods may be
// called from several threads at once.
#ifndef NEWSDEX_CORE_COUNTRY_NAMES_H_
#define NEWSDEX_CORE_COUNTRY_NAMES_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace newsdex::core {

class Analyzer;

struct CountryInfo {
  std::string key;     // "ir", "su"
  std::string name;    // display name, "Iran"
  std::string alpha3;  // "IRN"; empty for keys of our own ("wg")
  bool historical = false;
};

// One candidate country of an alias; an ambiguous alias has several, in order
// of preference.
struct CountryCandidate {
  std::string key;
  // The candidate is not chosen for articles published before this day
  // ("Georgia" is not the Caucasus state before 1991).
  std::optional<absl::CivilDay> valid_from;
};

// An alias row as the data files give it (see data/country_extra.tsv).
struct CountryAlias {
  std::string text;                          // as written: "U.S.", "Britain"
  std::vector<CountryCandidate> candidates;  // empty: not a country (a blocking phrase)
  // Flags, see data/country_extra.tsv: U capitals only, D dots needed in all-caps
  // text, P also a person's name, Q place qualifier only, E evidence only.
  std::string flags;
  std::string origin;  // "country_extra.tsv:57", for messages
  // ISO 639-1 of the articles the alias is read in ("fr"); empty: English
  // (and every language, as a fallback).
  std::string language;
};

// "Moscow" in an article published before `until` means `historical_key`.
struct CountrySuccession {
  std::string modern_key;
  std::string historical_key;
  absl::CivilDay until;
};

class CountryNames {
 public:
  // Loads country_extra.tsv, countries.tsv, countries_mledoze.tsv,
  // countries_intl.tsv and countries_mledoze_intl.tsv from `data_dir` (the
  // mledoze files are optional: they are under another license), then ICU's
  // display names in each language of countries_intl.tsv. Returns kNotFound
  // for a missing required file and kInvalidArgument naming file and line for
  // a bad row.
  static absl::StatusOr<std::unique_ptr<CountryNames>> Load(absl::string_view data_dir);

  // The instance loaded from core::DataDir() on first use (thread-safe). Returns
  // the load error every time if loading failed.
  static absl::StatusOr<const CountryNames*> Default();

  // What a user typed -> key: a key ("gb", "GB"), an alpha-3 code ("GBR"), a
  // display name ("United Kingdom") or any alias ("Britain", "U.K.", "British"),
  // folded as the analyzer folds words. An ambiguous alias gives its first
  // candidate ("Korea" -> "kr"). Unknown text, evidence words and blocking
  // phrases ("United Nations") -> nullopt.
  std::optional<std::string> Resolve(absl::string_view text) const;

  // Key -> country; nullptr if the key is unknown.
  const CountryInfo* Find(absl::string_view key) const;
  // Key -> display name; empty if unknown.
  std::string DisplayName(absl::string_view key) const;

  // Every country (current and historical), sorted by key.
  const std::vector<CountryInfo>& countries() const { return countries_; }
  // Every alias row in load order (country_extra.tsv first, aliases of other
  // languages last); on a clash of folded texts within one language the
  // earlier row wins. Used by the indexer's extractor.
  const std::vector<CountryAlias>& aliases() const { return aliases_; }
  const std::vector<CountrySuccession>& successions() const { return successions_; }
  // Place names that are common words or people's names (citystop rows).
  const std::vector<std::string>& city_stopwords() const { return city_stopwords_; }

  // Maps `key` to its historical successor state for an article published on
  // `day` ("ru" on 1987-03-01 -> "su"); returns `key` unchanged otherwise.
  std::string ApplySuccession(absl::string_view key, std::optional<absl::CivilDay> day) const;

 private:
  CountryNames() = default;
  absl::Status LoadExtra(const std::string& path);
  // The generated tables: countries.tsv (key, name, alpha-3, historical 0/1,
  // aliases) defines countries and their aliases; countries_mledoze.tsv (key,
  // aliases) only adds aliases.
  enum class AliasTable { kCountries, kAliases };
  absl::Status LoadAliasTable(const std::string& path, AliasTable table);
  // countries_intl.tsv and countries_mledoze_intl.tsv: lang, key spec,
  // names, flags. Adds each new language to languages_.
  absl::Status LoadLanguageAliases(const std::string& path);
  // ICU's display name of every current country in each of languages_.
  void AddLocaleNames();
  void BuildIndex(Analyzer& analyzer);

  std::vector<CountryInfo> countries_;
  absl::flat_hash_map<std::string, size_t> by_key_;
  std::vector<CountryAlias> aliases_;
  std::vector<CountrySuccession> successions_;
  std::vector<std::string> city_stopwords_;
  std::vector<std::pair<std::string, std::string>> name_overrides_;
  std::vector<std::string> languages_;  // of the language aliases, in file order
  // Folded display names, alpha-3 codes and aliases -> key, for Resolve.
  absl::flat_hash_map<std::string, std::string> resolve_;
};

// Shorthand for CountryNames::Default()->Resolve(text); nullopt also when the
// data cannot be loaded.
std::optional<std::string> ResolveCountry(absl::string_view text);

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_COUNTRY_NAMES_H_

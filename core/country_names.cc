#include "core/country_names.h"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/analyzer.h"
#include "core/article.h"
#include "core/data_path.h"
#include "core/locale_names.h"
#include "core/status_macros.h"

namespace newsdex::core {
namespace {

constexpr char kExtraFile[] = "country_extra.tsv";
constexpr char kCountriesFile[] = "countries.tsv";
constexpr char kMledozeFile[] = "countries_mledoze.tsv";
constexpr char kIntlFile[] = "countries_intl.tsv";
constexpr char kMledozeIntlFile[] = "countries_mledoze_intl.tsv";

std::string Basename(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Reads a TSV file: calls `row(columns, origin)` for each line that is neither
// empty nor a '#' comment.
absl::Status ForEachRow(
    const std::string& path,
    const std::function<absl::Status(const std::vector<std::string>&, const std::string&)>& row) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::string line;
  int line_no = 0;
  const std::string base = Basename(path);
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    NEWSDEX_RETURN_IF_ERROR(row(cols, absl::StrCat(base, ":", line_no)));
  }
  return absl::OkStatus();
}

absl::Status BadRow(const std::string& origin, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(origin, ": ", why));
}

// An alias of `key` alone, read in `language`.
CountryAlias LanguageAlias(absl::string_view text, const std::string& key,
                           const std::string& origin, const std::string& language) {
  CountryAlias alias;
  alias.text = std::string(text);
  alias.candidates.push_back(CountryCandidate{key, {}});
  alias.origin = origin;
  alias.language = language;
  return alias;
}

bool IsKey(absl::string_view key) {
  return key.size() == 2 && absl::ascii_islower(key[0]) && absl::ascii_islower(key[1]);
}

absl::StatusOr<std::vector<CountryCandidate>> ParseKeySpec(const std::string& spec,
                                                           const std::string& origin) {
  std::vector<CountryCandidate> out;
  if (spec == "-") return out;
  for (absl::string_view part : absl::StrSplit(spec, '|')) {
    CountryCandidate c;
    size_t gt = part.find('>');
    c.key = std::string(part.substr(0, gt));
    if (!IsKey(c.key)) return BadRow(origin, absl::StrCat("bad country key \"", c.key, "\""));
    if (gt != absl::string_view::npos) {
      c.valid_from = ParseIsoDate(part.substr(gt + 1));
      if (!c.valid_from) {
        return BadRow(origin, absl::StrCat("bad date in \"", part, "\""));
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<CountryNames>> CountryNames::Load(absl::string_view data_dir) {
  std::unique_ptr<CountryNames> names(new CountryNames());
  const std::string dir(data_dir);
  NEWSDEX_RETURN_IF_ERROR(names->LoadExtra(dir + "/" + kExtraFile));
  NEWSDEX_RETURN_IF_ERROR(
      names->LoadAliasTable(dir + "/" + kCountriesFile, AliasTable::kCountries));
  absl::Status mledoze = names->LoadAliasTable(dir + "/" + kMledozeFile, AliasTable::kAliases);
  if (!mledoze.ok() && !absl::IsNotFound(mledoze)) return mledoze;
  NEWSDEX_RETURN_IF_ERROR(names->LoadLanguageAliases(dir + "/" + kIntlFile));
  mledoze = names->LoadLanguageAliases(dir + "/" + kMledozeIntlFile);
  if (!mledoze.ok() && !absl::IsNotFound(mledoze)) return mledoze;
  for (const auto& [key, display] : names->name_overrides_) {
    auto it = names->by_key_.find(key);
    if (it == names->by_key_.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(kExtraFile, ": name row for unknown key \"", key, "\""));
    }
    names->countries_[it->second].name = display;
  }
  // Every key an alias or succession names must be a country.
  for (const CountryAlias& a : names->aliases_) {
    for (const CountryCandidate& c : a.candidates) {
      if (!names->by_key_.contains(c.key)) {
        return BadRow(a.origin, absl::StrCat("unknown country key \"", c.key, "\""));
      }
    }
  }
  for (const CountrySuccession& s : names->successions_) {
    if (!names->by_key_.contains(s.modern_key) || !names->by_key_.contains(s.historical_key)) {
      return absl::InvalidArgumentError(absl::StrCat(kExtraFile, ": succession ",
                                                     s.modern_key, " -> ", s.historical_key,
                                                     " names an unknown key"));
    }
  }
  std::sort(names->countries_.begin(), names->countries_.end(),
            [](const CountryInfo& a, const CountryInfo& b) { return a.key < b.key; });
  names->by_key_.clear();
  for (size_t i = 0; i < names->countries_.size(); ++i) {
    names->by_key_[names->countries_[i].key] = i;
  }
  names->AddLocaleNames();
  NEWSDEX_ASSIGN_OR_RETURN(std::unique_ptr<Analyzer> analyzer, Analyzer::Create());
  names->BuildIndex(*analyzer);
  return names;
}

absl::Status CountryNames::LoadExtra(const std::string& path) {
  return ForEachRow(path, [&](const std::vector<std::string>& cols,
                              const std::string& origin) -> absl::Status {
    const std::string& type = cols[0];
    if (type == "country") {
      if (cols.size() < 5) return BadRow(origin, "country row needs 5 columns");
      if (!IsKey(cols[1])) return BadRow(origin, absl::StrCat("bad key \"", cols[1], "\""));
      if (by_key_.contains(cols[1])) return BadRow(origin, "duplicate country " + cols[1]);
      by_key_[cols[1]] = countries_.size();
      countries_.push_back(CountryInfo{cols[1], cols[2], cols[3], cols[4] == "historical"});
    } else if (type == "name") {
      if (cols.size() < 3) return BadRow(origin, "name row needs 3 columns");
      name_overrides_.emplace_back(cols[1], cols[2]);
    } else if (type == "alias") {
      if (cols.size() < 3) return BadRow(origin, "alias row needs at least 3 columns");
      NEWSDEX_ASSIGN_OR_RETURN(std::vector<CountryCandidate> candidates,
                               ParseKeySpec(cols[1], origin));
      const std::string flags = cols.size() > 3 ? cols[3] : "";
      for (absl::string_view name : absl::StrSplit(cols[2], '|', absl::SkipWhitespace())) {
        aliases_.push_back(CountryAlias{std::string(name), candidates, flags, origin, ""});
      }
    } else if (type == "succession") {
      if (cols.size() < 4) return BadRow(origin, "succession row needs 4 columns");
      std::optional<absl::CivilDay> until = ParseIsoDate(cols[3]);
      if (!until) return BadRow(origin, absl::StrCat("bad date \"", cols[3], "\""));
      successions_.push_back(CountrySuccession{cols[1], cols[2], *until});
    } else if (type == "citystop") {
      if (cols.size() < 2) return BadRow(origin, "citystop row needs 2 columns");
      for (absl::string_view name : absl::StrSplit(cols[1], '|', absl::SkipWhitespace())) {
        city_stopwords_.emplace_back(name);
      }
    } else {
      return BadRow(origin, absl::StrCat("unknown row type \"", type, "\""));
    }
    return absl::OkStatus();
  });
}

absl::Status CountryNames::LoadAliasTable(const std::string& path, AliasTable table) {
  const size_t columns = table == AliasTable::kCountries ? 5 : 2;
  return ForEachRow(path, [&](const std::vector<std::string>& cols,
                              const std::string& origin) -> absl::Status {
    if (cols.size() < columns) return BadRow(origin, absl::StrCat("expected ", columns, " columns"));
    const std::string& key = cols[0];
    if (!IsKey(key)) return BadRow(origin, absl::StrCat("bad key \"", key, "\""));
    if (table == AliasTable::kCountries && !by_key_.contains(key)) {
      by_key_[key] = countries_.size();
      countries_.push_back(CountryInfo{key, cols[1], cols[2], cols[3] == "1"});
    }
    const std::vector<CountryCandidate> only_this{CountryCandidate{key, {}}};
    for (absl::string_view name : absl::StrSplit(cols[columns - 1], '|', absl::SkipWhitespace())) {
      aliases_.push_back(CountryAlias{std::string(name), only_this, "", origin, ""});
    }
    return absl::OkStatus();
  });
}

absl::Status CountryNames::LoadLanguageAliases(const std::string& path) {
  return ForEachRow(path, [&](const std::vector<std::string>& cols,
                              const std::string& origin) -> absl::Status {
    if (cols.size() < 3) return BadRow(origin, "expected lang, key spec, names[, flags]");
    const std::string& language = cols[0];
    if (language.size() != 2 || !absl::ascii_islower(language[0])) {
      return BadRow(origin, absl::StrCat("bad language \"", language, "\""));
    }
    NEWSDEX_ASSIGN_OR_RETURN(std::vector<CountryCandidate> candidates,
                             ParseKeySpec(cols[1], origin));
    const std::string flags = cols.size() > 3 ? cols[3] : "";
    for (absl::string_view name : absl::StrSplit(cols[2], '|', absl::SkipWhitespace())) {
      aliases_.push_back(CountryAlias{std::string(name), candidates, flags, origin, language});
    }
    if (std::find(languages_.begin(), languages_.end(), language) == languages_.end()) {
      languages_.push_back(language);
    }
    return absl::OkStatus();
  });
}

void CountryNames::AddLocaleNames() {
  for (const std::string& language : languages_) {
    const std::string origin = absl::StrCat("ICU country names (", language, ")");
    for (const CountryInfo& c : countries_) {
      // ICU maps retired codes to their successors (DD to DE): our historical
      // keys would take the current states' names.
      if (c.historical || c.alpha3.empty()) continue;
      const std::string name = LocaleCountryName(c.key, language);
      // "Hong Kong, RAE da China" is a description, not a name.
      if (name.empty() || name.find(',') != std::string::npos) continue;
      // "Myanmar (Birmanie)": two names.
      for (absl::string_view part : absl::StrSplit(name, absl::ByAnyChar("()"))) {
        part = absl::StripAsciiWhitespace(part);
        if (!part.empty()) aliases_.push_back(LanguageAlias(part, c.key, origin, language));
      }
    }
  }
}

void CountryNames::BuildIndex(Analyzer& analyzer) {
  // Precedence: keys, display names, alpha-3 codes, then aliases in load order.
  for (const CountryInfo& c : countries_) resolve_.emplace(c.key, c.key);
  for (const CountryInfo& c : countries_) resolve_.emplace(analyzer.FoldKey(c.name), c.key);
  for (const CountryInfo& c : countries_) {
    if (!c.alpha3.empty()) resolve_.emplace(absl::AsciiStrToLower(c.alpha3), c.key);
  }
  for (const CountryAlias& a : aliases_) {
    const std::string folded = analyzer.FoldKey(a.text);
    if (folded.empty()) continue;
    if (a.candidates.empty() || a.flags.find_first_of("EQ") != std::string::npos) {
      // Blocking phrases and evidence words are not countries; claim the text
      // so that a later, weaker alias cannot make it one.
      resolve_.emplace(folded, std::string());
      continue;
    }
    resolve_.emplace(folded, a.candidates.front().key);
  }
}

std::optional<std::string> CountryNames::Resolve(absl::string_view text) const {
  thread_local std::unique_ptr<Analyzer> analyzer;
  if (analyzer == nullptr) {
    auto created = Analyzer::Create();
    if (!created.ok()) return std::nullopt;
    analyzer = std::move(created).value();
  }
  const std::string folded = analyzer->FoldKey(text);
  auto it = resolve_.find(folded);
  if (it == resolve_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

const CountryInfo* CountryNames::Find(absl::string_view key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : &countries_[it->second];
}

std::string CountryNames::DisplayName(absl::string_view key) const {
  const CountryInfo* c = Find(key);
  return c == nullptr ? std::string() : c->name;
}

std::string CountryNames::ApplySuccession(absl::string_view key,
                                          std::optional<absl::CivilDay> day) const {
  if (day.has_value()) {
    for (const CountrySuccession& s : successions_) {
      if (s.modern_key == key && *day < s.until) return s.historical_key;
    }
  }
  return std::string(key);
}

absl::StatusOr<const CountryNames*> CountryNames::Default() {
  static const auto* loaded =
      new absl::StatusOr<std::unique_ptr<CountryNames>>(CountryNames::Load(DataDir()));
  if (!loaded->ok()) return loaded->status();
  return loaded->value().get();
}

std::optional<std::string> ResolveCountry(absl::string_view text) {
  auto names = CountryNames::Default();
  if (!names.ok()) return std::nullopt;
  return (*names)->Resolve(text);
}

}  // namespace newsdex::core

#include "core/actor_names.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace newsdex::core {
namespace {

bool IsAsciiText(absl::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool IsWordChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// `day` in the form ActorPeriod holds.
int32_t PeriodDay(absl::CivilDay day) {
  return static_cast<int32_t>(day.year() * 10000 + day.month() * 100 + day.day());
}

int32_t ParseDay(absl::string_view s, int32_t if_empty, bool* ok) {
  if (s.empty()) return if_empty;
  int32_t v = 0;
  if (s.size() != 8 || !absl::SimpleAtoi(s, &v)) *ok = false;
  return v;
}

// One word of ASCII letters and digits (nearly every word of news text): its
// lower case, which is what the general path below makes of it (ApplyWordRules
// changes only words with apostrophes, dots or commas, and words longer than
// kMaxWordBytes, which this leaves to it). False for any other text, with *out
// unspecified. The general path's word splitting and rules cost 410
// instructions a word, 38% of the name tokenizer (callgrind, 4,000 Reuters
// articles).
bool FoldPlainWord(absl::string_view text, std::string* out) {
  if (text.empty() || text.size() > kMaxWordBytes) return false;
  out->resize(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
    (*out)[i] = absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  return true;
}

}  // namespace

bool FoldAsciiKey(absl::string_view text, std::string* out) {
  if (FoldPlainWord(text, out)) return true;
  if (!IsAsciiText(text)) return false;
  out->clear();
  const size_t n = text.size();
  size_t i = 0;
  std::string word;
  while (i < n) {
    if (!IsWordChar(text[i])) {
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < n) {
      const char c = text[i];
      if (IsWordChar(c)) {
        ++i;
        continue;
      }
      // UAX #29 WB6/7 (letter [.'] letter) and WB11/12 (digit [.,;'] digit).
      if (i + 1 < n && i > start) {
        const char prev = text[i - 1];
        const char next = text[i + 1];
        if ((c == '.' || c == '\'') && absl::ascii_isalpha(prev) && absl::ascii_isalpha(next)) {
          i += 2;
          continue;
        }
        if ((c == '.' || c == '\'' || c == ',' || c == ';') && absl::ascii_isdigit(prev) &&
            absl::ascii_isdigit(next)) {
          i += 2;
          continue;
        }
      }
      break;
    }
    word = absl::AsciiStrToLower(text.substr(start, i - start));
    ApplyWordRules(&word);
    if (word.empty()) continue;
    if (!out->empty()) out->push_back(' ');
    out->append(word);
  }
  return true;
}

bool ActorRecord::ActiveOn(int32_t yyyymmdd) const {
  for (const ActorPeriod& p : periods) {
    if (p.from <= yyyymmdd && yyyymmdd <= p.to) return true;
  }
  return false;
}

bool ActorRecord::ActiveOn(absl::CivilDay day) const { return ActiveOn(PeriodDay(day)); }

bool ActorRecord::ActiveBetween(absl::CivilDay first, absl::CivilDay last) const {
  const int32_t from = PeriodDay(first);
  const int32_t to = PeriodDay(last);
  for (const ActorPeriod& p : periods) {
    if (p.from <= to && p.to >= from) return true;
  }
  return false;
}

absl::StatusOr<std::unique_ptr<ActorNames>> ActorNames::Load(absl::string_view data_dir) {
  auto read = [](const std::string& path, std::string* out) -> bool {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    *out = ss.str();
    return true;
  };
  const std::string actors_path = absl::StrCat(data_dir, "/actors.tsv");
  std::string actors, cues;
  if (!read(actors_path, &actors)) {
    return absl::NotFoundError(absl::StrCat(actors_path, ": cannot open"));
  }
  read(absl::StrCat(data_dir, "/person_cues.tsv"), &cues);  // optional
  return FromContents(actors, cues, actors_path);
}

absl::StatusOr<std::unique_ptr<ActorNames>> ActorNames::FromContents(
    absl::string_view actors_tsv, absl::string_view cues_tsv, absl::string_view origin) {
  std::unique_ptr<ActorNames> names(new ActorNames());
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(actors_tsv, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    absl::Status s = names->AddRow(line, origin, line_number);
    if (!s.ok()) return s;
  }
  for (absl::string_view line : absl::StrSplit(cues_tsv, '\n')) {
    if (absl::StartsWith(line, "title\t")) {
      names->titles_.insert(std::string(absl::StripAsciiWhitespace(line.substr(6))));
    }
  }
  names->BuildIndexes();
  return names;
}

absl::Status ActorNames::AddRow(absl::string_view line, absl::string_view origin,
                                int line_number) {
  std::vector<absl::string_view> cols = absl::StrSplit(line, '\t');
  auto bad = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(origin, ":", line_number, ": ", what));
  };
  if (cols.size() < 4 || cols.size() > 5) {
    return bad(absl::StrCat("expected 4 or 5 tab-separated columns, got ", cols.size()));
  }
  if (cols[0].empty()) return bad("empty name");
  ActorRecord r;
  r.name = std::string(cols[0]);
  r.country = std::string(cols[1]);
  r.role = std::string(cols[2]);
  for (absl::string_view a : absl::StrSplit(cols[3], '|', absl::SkipEmpty())) {
    r.aliases.emplace_back(a);
  }
  if (cols.size() == 5) {
    for (absl::string_view p : absl::StrSplit(cols[4], '|', absl::SkipEmpty())) {
      std::pair<absl::string_view, absl::string_view> ft = absl::StrSplit(p, absl::MaxSplits('-', 1));
      bool ok = p.find('-') != absl::string_view::npos;
      ActorPeriod period;
      period.from = ParseDay(ft.first, 0, &ok);
      period.to = ParseDay(ft.second, 99999999, &ok);
      if (!ok) return bad(absl::StrCat("bad period \"", p, "\" (want YYYYMMDD-YYYYMMDD)"));
      r.periods.push_back(period);
    }
  }
  actors_.push_back(std::move(r));
  return absl::OkStatus();
}

std::string ActorNames::Fold(absl::string_view text, Analyzer* analyzer) const {
  std::string key;
  if (FoldAsciiKey(text, &key)) return key;
  if (analyzer != nullptr) return analyzer->FoldKey(text);
  return key;
}

void ActorNames::BuildIndexes() {
  // Non-ASCII names are rare in the dictionary; one Analyzer folds them.
  std::unique_ptr<Analyzer> analyzer;
  auto fold = [&](absl::string_view text) {
    std::string key;
    if (FoldAsciiKey(text, &key)) return key;
    if (analyzer == nullptr) {
      auto a = Analyzer::Create();
      if (!a.ok()) return key;
      analyzer = std::move(*a);
    }
    return analyzer->FoldKey(text);
  };
  auto add_unique = [](std::vector<ActorId>* v, ActorId id) {
    if (v->empty() || v->back() != id) v->push_back(id);
  };
  for (ActorId id = 0; id < actors_.size(); ++id) {
    ActorRecord& r = actors_[id];
    for (size_t i = 0; i <= r.aliases.size(); ++i) {
      const bool canonical = (i == 0);
      std::string key = fold(canonical ? absl::string_view(r.name) : r.aliases[i - 1]);
      if (canonical) r.key = key;
      if (key.empty()) continue;
      add_unique(&by_key_[key], id);
      const size_t last_space = key.rfind(' ');
      if (last_space != std::string::npos) {
        add_unique(&by_surname_[key.substr(last_space + 1)], id);
      }
      // Every word-suffix of the key is a completion start: "ali khamenei",
      // "khamenei".
      for (size_t pos = 0; pos != std::string::npos;) {
        completions_.push_back({key.substr(pos), id, canonical});
        const size_t sp = key.find(' ', pos);
        pos = (sp == std::string::npos) ? sp : sp + 1;
      }
    }
  }
  std::sort(completions_.begin(), completions_.end(),
            [](const CompletionEntry& a, const CompletionEntry& b) {
              if (a.key != b.key) return a.key < b.key;
              return a.id < b.id;
            });
}

absl::Span<const ActorId> ActorNames::FindByKey(absl::string_view folded_key) const {
  auto it = by_key_.find(folded_key);
  if (it == by_key_.end()) return {};
  return it->second;
}

absl::Span<const ActorId> ActorNames::FindBySurname(absl::string_view folded_surname) const {
  auto it = by_surname_.find(folded_surname);
  if (it == by_surname_.end()) return {};
  return it->second;
}

std::vector<ActorId> ActorNames::Resolve(absl::string_view text, Analyzer& analyzer) const {
  std::string key = Fold(text, &analyzer);
  std::vector<ActorId> out;
  if (key.empty()) return out;
  absl::Span<const ActorId> hits = FindByKey(key);
  if (hits.empty()) {
    // Drop leading titles: "president donald trump" -> "donald trump".
    absl::string_view rest = key;
    while (true) {
      const size_t sp = rest.find(' ');
      if (sp == absl::string_view::npos || !titles_.contains(rest.substr(0, sp))) break;
      rest.remove_prefix(sp + 1);
      hits = FindByKey(rest);
      if (!hits.empty()) break;
    }
    if (hits.empty() && rest.find(' ') == absl::string_view::npos) hits = FindBySurname(rest);
  }
  out.assign(hits.begin(), hits.end());
  // Actors with a known, most recent period first: the people users ask about.
  std::stable_sort(out.begin(), out.end(), [&](ActorId a, ActorId b) {
    auto latest = [&](ActorId id) {
      int32_t m = -1;
      for (const ActorPeriod& p : actors_[id].periods) m = std::max(m, p.to);
      return m;
    };
    return latest(a) > latest(b);
  });
  return out;
}

std::vector<ActorId> ActorNames::Complete(absl::string_view prefix, Analyzer& analyzer,
                                          size_t limit) const {
  std::vector<ActorId> out;
  std::string key = Fold(prefix, &analyzer);
  if (key.empty() || limit == 0) return out;
  auto lo = std::lower_bound(
      completions_.begin(), completions_.end(), key,
      [](const CompletionEntry& e, const std::string& k) { return e.key < k; });
  std::vector<ActorId> canonical, alias;
  absl::flat_hash_set<ActorId> seen;
  for (auto it = lo; it != completions_.end() && absl::StartsWith(it->key, key); ++it) {
    (it->canonical ? canonical : alias).push_back(it->id);
  }
  std::sort(canonical.begin(), canonical.end());
  std::sort(alias.begin(), alias.end());
  for (const std::vector<ActorId>* v : {&canonical, &alias}) {
    for (ActorId id : *v) {
      if (out.size() >= limit) return out;
      if (seen.insert(id).second) out.push_back(id);
    }
  }
  return out;
}

}  // namespace newsdex::core

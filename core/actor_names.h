// The actor dictionary (data/actors.tsv): canonical persons with their
// aliases, country, role and periods in office. Index time uses it to merge
// aliases into one canonical actor; query time uses it to resolve what a user
// typed ("khamenei", "Ayatollah Khamenei", "Khāmeneī") to the canonical name
// whose FoldKey is the stored actor key, and to autocomplete names.
//
// Thread safety: an ActorNames is immutable after Load and safe to share
// between threads; methods taking an Analyzer use the caller's (per-thread)
// Analyzer only to fold non-ASCII text.
#ifndef NEWSDEX_CORE_ACTOR_NAMES_H_
#define NEWSDEX_CORE_ACTOR_NAMES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "core/analyzer.h"

namespace newsdex::core {

// Index of an actor in its ActorNames; stable for the lifetime of the object.
using ActorId = uint32_t;

struct ActorPeriod {
  int32_t from = 0;         // YYYYMMDD; 0 = open start
  int32_t to = 99999999;    // YYYYMMDD; 99999999 = open end (still in office)
};

struct ActorRecord {
  std::string name;     // canonical display name, "Ali Khamenei"
  std::string key;      // name folded as Analyzer::FoldKey folds it, "ali khamenei"
  std::string country;  // ISO 3166-1 alpha-2 lowercase (or a historical key); may be empty
  std::string role;     // "Supreme Leader of Iran", "government"; may be empty
  std::vector<std::string> aliases;    // display forms, "Ayatollah Khamenei", "Khamenei"
  std::vector<ActorPeriod> periods;    // dated offices (empty if unknown)

  // True if some period contains `yyyymmdd` (or `day`).
  bool ActiveOn(int32_t yyyymmdd) const;
  bool ActiveOn(absl::CivilDay day) const;
  // True if some period shares a day with [first, last].
  bool ActiveBetween(absl::CivilDay first, absl::CivilDay last) const;
};

// Folds ASCII text exactly as Analyzer::FoldKey does (words lowercased,
// possessives dropped, apostrophes removed, dotted acronyms undotted, joined by
// one space) without ICU. Returns false (and leaves *out unspecified) when
// `text` is not pure ASCII; callers then use Analyzer::FoldKey.
bool FoldAsciiKey(absl::string_view text, std::string* out);

class ActorNames {
 public:
  // Loads `<data_dir>/actors.tsv` and the `title` rows of
  // `<data_dir>/person_cues.tsv` (used to strip "President", "Ayatollah" from
  // queries). Returns kNotFound if actors.tsv is missing and kInvalidArgument,
  // naming file and line, for a malformed row.
  static absl::StatusOr<std::unique_ptr<ActorNames>> Load(absl::string_view data_dir);

  // Parses actors.tsv contents (format in data/README.md, "actors.tsv") and
  // person_cues.tsv contents (may be empty). `origin` names the file in errors.
  static absl::StatusOr<std::unique_ptr<ActorNames>> FromContents(
      absl::string_view actors_tsv, absl::string_view cues_tsv, absl::string_view origin);

  size_t size() const { return actors_.size(); }
  const ActorRecord& actor(ActorId id) const { return actors_[id]; }

  // Actors whose canonical name or an alias folds to `folded_key` (a FoldKey
  // result, e.g. "ali khamenei"), in file order. Empty span if none.
  absl::Span<const ActorId> FindByKey(absl::string_view folded_key) const;

  // Actors whose canonical name or a two-or-more-word alias ends with the word
  // `folded_surname` ("khamenei"), in file order.
  absl::Span<const ActorId> FindBySurname(absl::string_view folded_surname) const;

  // Resolves what a user typed to canonical actors, best first: an exact name
  // or alias match; else the same after dropping leading titles ("President
  // Trump"); else, for one word, the actors with that surname. Case- and
  // accent-insensitive. Empty when nothing matches (the caller may still
  // search the folded text itself: extracted persons that are not in the
  // dictionary are stored under their folded full name).
  std::vector<ActorId> Resolve(absl::string_view text, Analyzer& analyzer) const;

  // Autocomplete: actors with a name or alias of which some word sequence
  // starts with `prefix` ("Kham" -> Ali Khamenei, "ali kh" -> Ali Khamenei).
  // Canonical-name matches first, then alias matches, each in file order; at
  // most `limit` distinct actors.
  std::vector<ActorId> Complete(absl::string_view prefix, Analyzer& analyzer,
                                size_t limit) const;

 private:
  ActorNames() = default;
  absl::Status AddRow(absl::string_view line, absl::string_view origin, int line_number);
  void BuildIndexes();
  std::string Fold(absl::string_view text, Analyzer* analyzer) const;

  std::vector<ActorRecord> actors_;
  absl::flat_hash_map<std::string, std::vector<ActorId>> by_key_;
  absl::flat_hash_map<std::string, std::vector<ActorId>> by_surname_;
  // (word-suffix of a folded name or alias, actor, is_canonical), sorted by key.
  struct CompletionEntry {
    std::string key;
    ActorId id;
    bool canonical;
  };
  std::vector<CompletionEntry> completions_;
  absl::flat_hash_set<std::string> titles_;
};

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_ACTOR_NAMES_H_

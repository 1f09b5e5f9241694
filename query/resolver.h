// Turns what a user types into a facet filter ("Britain", "Khamenei",
// "Reuters Wire") into the canonical key stored in the index ("gb",
// "ali khamenei", "reuters-wire"), and a stored key back into a display name
// for facet counts.
//
// DefaultFacetResolver only folds text the way the indexer does (country and
// language codes lowercased, actor keys through Analyzer::FoldKey, source keys
// folded and joined by '-'). When core/country_names.h and core/actor_names.h
// exist, GazetteerFacetResolver (resolver.cc) plugs them in and falls back to
// the default for anything they do not know.
//
// Thread safety: resolvers are immutable after construction and are shared by
// every Searcher of a process; all methods are const and thread-safe. Methods
// that need text analysis take the caller's (per-thread) Analyzer.
#ifndef NEWSDEX_QUERY_RESOLVER_H_
#define NEWSDEX_QUERY_RESOLVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "core/analyzer.h"
#include "core/schema.h"

namespace newsdex::query {

// The facet fields of the search API, by their request/JSON names.
enum class FacetField { kActor, kCountry, kAbout, kLanguage, kSource, kDate };
static_assert(static_cast<int>(FacetField::kDate) + 1 == core::kFacetFieldCount,
              "one FacetField per facet of the schema");

// "actor", "country", "about", "lang", "source", "date".
absl::string_view FacetFieldName(FacetField field);
// Inverse of FacetFieldName; false if `name` is none of them.
bool ParseFacetField(absl::string_view name, FacetField* field);

// The value slot a facet is counted from (core/schema.h), and whether it holds
// a packed list of values (actor, country, about) rather than one.
core::ValueSlot FacetSlot(FacetField field);
bool IsMultiValuedFacet(FacetField field);

class FacetResolver {
 public:
  virtual ~FacetResolver() = default;

  // The stored key for `text` typed in `field` (kDate is not resolved here).
  // Returns the empty string when `text` folds to nothing; an unknown name
  // still yields its folded form (which then simply matches nothing).
  virtual std::string Resolve(FacetField field, absl::string_view text,
                              core::Analyzer& analyzer) const = 0;

  // Display name for a stored key: "gb" -> "United Kingdom",
  // "ali khamenei" -> "Ali Khamenei". Never empty for a non-empty key.
  virtual std::string DisplayName(FacetField field, absl::string_view key) const = 0;
};

// Folds only; knows no names. Country display names are the upper-case code,
// actor display names the key with each word capitalized.
class DefaultFacetResolver : public FacetResolver {
 public:
  std::string Resolve(FacetField field, absl::string_view text,
                      core::Analyzer& analyzer) const override;
  std::string DisplayName(FacetField field, absl::string_view key) const override;
};

// The best resolver this build has: the gazetteer-backed one when
// core/country_names.h / core/actor_names.h were present at build time, else a
// DefaultFacetResolver. Never null.
std::shared_ptr<const FacetResolver> MakeFacetResolver();

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_RESOLVER_H_

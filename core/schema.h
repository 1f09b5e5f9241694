// The newsdex index schema: every term prefix, value slot and the layout of
// the document data. This file (with schema.cc) is the only place that spells a
// prefix or a slot number; docs/schema.md mirrors it and a test keeps the two in
// agreement.
//
// STORED IN EVERY INDEX. Prefixes and slot numbers are append-only: never
// renumber or reuse one; retire it by marking it retired in the table.
#ifndef NEWSDEX_CORE_SCHEMA_H_
#define NEWSDEX_CORE_SCHEMA_H_

#include <optional>
#include <string>
#include <vector>

#include <xapian.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace newsdex::core {

// Bumped when a change makes old indexes unreadable. Written to the database
// metadata under kSchemaVersionKey and checked on open.
// 2: title words of the default field carry no positions; mentioned dates
// are one term at their own precision (docs/schema.md, "Schema versions").
inline constexpr int kSchemaVersion = 2;
inline constexpr char kSchemaVersionKey[] = "newsdex.schema_version";
// Metadata: time of the last commit by newsdex-index, RFC 3339 UTC.
inline constexpr char kLastUpdateKey[] = "newsdex.last_update";
// Metadata: how many commits replaced or deleted documents (decimal text;
// absent = none). Readers that cache per-docid data (query/facet_columns.h)
// may extend their cache over new docids only while it is unchanged, so every
// writer that replaces or deletes documents must increment it in that commit.
inline constexpr char kRewritesKey[] = "newsdex.rewrites";

// Version of the stored article layout. 2: the document data is a JSON
// metadata line, a newline and the body. 3: the metadata is a compact binary
// record in slot kMetadata (see core/article.h) and the data is the body alone,
// so a hit is shown without inflating its body. Readers accept both: a
// document with an empty kMetadata slot is read as version 2.
inline constexpr int kDocDataVersion = 3;

// Value slots. Stored in every index. Never renumber.
enum class ValueSlot : Xapian::valueno {
  // Publication date as "YYYYMMDD" (8 ASCII digits); absent when unknown.
  // String order is date order, so it serves ranges and sorting directly.
  kDate = 0,
  // Every country mentioned: sorted lowercase alpha-2 codes joined by '|'.
  kCountries = 1,
  // Focus countries only, same encoding.
  kFocusCountries = 2,
  // Actor keys (see ActorKey) sorted and joined by '|'.
  kActors = 3,
  // Language, ISO 639-1 lowercase ("en").
  kLanguage = 4,
  // Source key (folded source name).
  kSource = 5,
  // Collapse key for near-identical copies: 16 hex digits of a hash of the
  // folded title and the first words of the body.
  kCollapseKey = 6,
  // The article's metadata (id, title, url, date, source, language, facets
  // with display names) as the binary record of core::EncodeMetadata. Values
  // are stored uncompressed beside the postings, so showing ten hits reads
  // ~200 bytes each instead of inflating ten bodies.
  kMetadata = 7,
};

inline constexpr char kPackedSeparator = '|';

enum class FieldKind {
  kFreeText,  // analysed words, stemmed, with positions
  kBoolean,   // one canonical lowercase term per value, no positions, wdf 0
};

// Identifies a field of the schema table.
enum class FieldId {
  kText,
  kTitle,
  kId,
  kUrl,
  kCountry,
  kFocusCountry,
  kActor,
  kLanguage,
  kSource,
  kYear,
  kMonth,
  kDay,
  kMentionedDate,
};

struct Field {
  FieldId id;
  // Name users type before a colon ("title:"), empty for the default field.
  absl::string_view query_name;
  // Term prefix. Single capitals follow Omega's conventions; ours start with X.
  absl::string_view prefix;
  FieldKind kind;
  // Whether users may name the field in queries.
  bool user_visible;
  // wdf added per occurrence (free-text fields only).
  int wdf_inc;
  // Value slot that mirrors the field, if any.
  std::optional<ValueSlot> slot;
  // Never set on a live field; a retired field keeps its entry.
  bool retired;
  absl::string_view description;
};

// The facets are the fields mirrored in a value slot (date, countries, focus
// countries, actors, language, source): one count per facet, so arrays indexed
// by facet are this long. schema.cc checks it against the table.
inline constexpr int kFacetFieldCount = 6;

// The schema table, in a stable order.
absl::Span<const Field> Fields();

// The entry for `id`. Every FieldId has one.
const Field& GetField(FieldId id);

// The user-visible field called `query_name` ("title", "actor", ...), or null.
const Field* FindFieldByQueryName(absl::string_view query_name);

// A boolean term: prefix + value. Values longer than the glass limit allows are
// replaced by a hash (Omega's hash_long_term idea), so any value makes a term.
// REQUIRES: field is boolean and `value` is already canonical (lowercase).
std::string BooleanTerm(FieldId field, absl::string_view value);

// The stored term for a stemmed word of a free-text field: "Z" + prefix + stem
// (Xapian's convention for stemmed terms). Positions are kept on these terms.
std::string FreeTextTerm(FieldId field, absl::string_view stem);

// wdf each title word adds to the default field (body words add 1): BM25 sees
// title words three times, which is how the title weighs more.
inline constexpr int kTitleWdfInText = 3;

// Glass allows terms up to 245 bytes; longer boolean terms are hashed to fit.
inline constexpr size_t kMaxTermBytes = 240;

// Packs sorted, deduplicated values for a multi-valued slot. Values containing
// the separator have it replaced by a space.
std::string PackValues(std::vector<std::string> values);
// Splits a packed slot value back into its values; empty input gives none.
std::vector<std::string> UnpackValues(absl::string_view packed);

// Writes the schema version into `db`'s metadata. Call on a new database.
absl::Status StampSchemaVersion(Xapian::WritableDatabase& db);

// Checks that `db` was written with kSchemaVersion. An empty database with no
// version is accepted. Returns kFailedPrecondition naming both versions and
// `path` on mismatch.
absl::Status CheckSchemaVersion(const Xapian::Database& db, absl::string_view path);

// Renders the field table and the value-slot table as the Markdown in
// docs/schema.md.
std::string SchemaTableMarkdown();

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_SCHEMA_H_

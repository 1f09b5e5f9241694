// An article as newsdex sees it: what the readers produce, what facet
// extraction fills in, what the document data stores and what a search hit
// shows. Plain value type; not thread-safe to mutate concurrently.
#ifndef NEWSDEX_CORE_ARTICLE_H_
#define NEWSDEX_CORE_ARTICLE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace newsdex::core {

struct CountryFacet {
  std::string code;  // canonical key: ISO 3166-1 alpha-2 lowercase, or a
                     // historical key such as "su", "dd", "yu", "cs", "zr".
  std::string name;  // display name, "Iran"
  int mentions = 0;
  bool focus = false;  // the article is about it or reports from it
};

struct ActorFacet {
  std::string name;     // canonical display name, "Ali Khamenei"
  int mentions = 0;
  std::string country;  // affiliation code, may be empty
  std::string role;     // may be empty
};

// A date mentioned in the text, at its precision: "2025", "2025-06" or
// "2025-08-24".
using MentionedDate = std::string;

struct Article {
  std::string id;        // stable id; see docs/input-formats.md
  std::string url;
  std::string title;
  std::string body;
  std::string source;
  // The dateline as the source gives it apart from the body (Reuters
  // <DATELINE>: "NEW YORK, March 3 - "); empty when the body holds it. Read by
  // facet extraction; not stored.
  std::string dateline;
  std::string language;  // ISO 639-1; empty until detected
  std::optional<absl::CivilDay> date;  // publication date
  std::vector<CountryFacet> countries;
  std::vector<ActorFacet> actors;
  std::vector<MentionedDate> mentioned_dates;
  // Where it came from, for messages: "file.jsonl:118". Not stored.
  std::string origin;
  // Facets given by the input's metadata are kept, not re-extracted.
  bool countries_from_metadata = false;
  bool actors_from_metadata = false;
};

// Formats a day as "YYYY-MM-DD" and "YYYYMMDD".
// The longest article id, in bytes. Every entrance that takes an id (the
// readers through indexer::BuildDocument, deletes, the daemon's POST, GET and
// DELETE /articles/{id}) refuses a longer one, so every stored article can be
// addressed: percent-encoded, the id fits in the daemon's 8 KiB request line.
inline constexpr size_t kMaxIdBytes = 1024;

// OK if `id` is not empty and at most kMaxIdBytes long; otherwise
// kInvalidArgument with a message that names the limit.
absl::Status ValidateId(absl::string_view id);

std::string FormatIsoDate(absl::CivilDay day);
std::string FormatCompactDate(absl::CivilDay day);
// Parses "YYYY-MM-DD" or "YYYYMMDD" strictly (a real calendar day).
std::optional<absl::CivilDay> ParseIsoDate(absl::string_view text);

// How an article is stored (docs/schema.md, "Document data"): `metadata` goes
// to value slot kMetadata, `data` (the body, raw UTF-8) to the document data.
struct StoredArticle {
  std::string metadata;
  std::string data;
};
StoredArticle EncodeStoredArticle(const Article& article);

// The metadata record alone: every stored field but the body, in a compact
// binary layout. Never fails.
std::string EncodeMetadata(const Article& article);

// Decodes a stored article. `metadata` is the kMetadata slot's value. When it
// is empty the document predates the slot (layout version 2) and `data` must
// be its whole data (a JSON line, a newline, the body). Otherwise `data` is the
// body, or empty when the caller did not read it (a hit without a snippet).
// kDataLoss for anything malformed or of an unknown version.
absl::StatusOr<Article> DecodeStoredArticle(absl::string_view metadata, absl::string_view data);

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_ARTICLE_H_

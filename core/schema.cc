#include "core/schema.h"

#include <algorithm>
#include <cassert>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "core/xapian_status.h"

namespace newsdex::core {
namespace {

// Stored in every index. Append only; never change a prefix or a slot.
constexpr Field kFields[] = {
    {FieldId::kText, "", "", FieldKind::kFreeText, true, 1, std::nullopt, false,
     "Title and body words: term Z+stem; a body word with its position, a title word with "
     "wdf 3 and no position (positional queries read the title's from ZS)"},
    {FieldId::kTitle, "title", "S", FieldKind::kFreeText, true, 1, std::nullopt,
     false, "Title words: term ZS+stem, with positions"},
    {FieldId::kId, "id", "Q", FieldKind::kBoolean, true, 0, std::nullopt, false,
     "Unique article id (given id, url, Reuters NEWID, or path)"},
    {FieldId::kUrl, "url", "U", FieldKind::kBoolean, true, 0, std::nullopt, false,
     "Article URL"},
    {FieldId::kCountry, "country", "N", FieldKind::kBoolean, true, 0,
     ValueSlot::kCountries, false,
     "Every country mentioned, ISO 3166-1 alpha-2 lowercase or historical key"},
    {FieldId::kFocusCountry, "about", "XN", FieldKind::kBoolean, true, 0,
     ValueSlot::kFocusCountries, false,
     "Countries the article is about or reports from (focus)"},
    {FieldId::kActor, "actor", "XA", FieldKind::kBoolean, true, 0,
     ValueSlot::kActors, false, "Persons, by actor key (folded full name)"},
    {FieldId::kLanguage, "lang", "L", FieldKind::kBoolean, true, 0,
     ValueSlot::kLanguage, false, "Language, ISO 639-1"},
    {FieldId::kSource, "source", "XS", FieldKind::kBoolean, true, 0,
     ValueSlot::kSource, false, "Source (folded name)"},
    {FieldId::kYear, "year", "Y", FieldKind::kBoolean, false, 0, std::nullopt,
     false, "Publication year YYYY"},
    {FieldId::kMonth, "month", "M", FieldKind::kBoolean, false, 0, std::nullopt,
     false, "Publication month YYYYMM"},
    {FieldId::kDay, "date", "D", FieldKind::kBoolean, true, 0, ValueSlot::kDate,
     false, "Publication day YYYYMMDD; closed ranges are ORs of Y/M/D terms, open ones use the value slot"},
    {FieldId::kMentionedDate, "mentioned", "XM", FieldKind::kBoolean, true, 0,
     std::nullopt, false,
     "Dates mentioned in the text, each at its own precision (YYYY, YYYYMM or YYYYMMDD); "
     "a period matches every term under its prefix"},
};

std::string SlotName(ValueSlot slot) {
  switch (slot) {
    case ValueSlot::kDate: return "kDate";
    case ValueSlot::kCountries: return "kCountries";
    case ValueSlot::kFocusCountries: return "kFocusCountries";
    case ValueSlot::kActors: return "kActors";
    case ValueSlot::kLanguage: return "kLanguage";
    case ValueSlot::kSource: return "kSource";
    case ValueSlot::kCollapseKey: return "kCollapseKey";
    case ValueSlot::kMetadata: return "kMetadata";
  }
  return "?";
}

std::string SlotEncoding(ValueSlot slot) {
  switch (slot) {
    case ValueSlot::kDate: return "publication day `YYYYMMDD`; string order is date order";
    case ValueSlot::kCountries: return "sorted country codes joined by a vertical bar";
    case ValueSlot::kFocusCountries: return "sorted focus country codes joined by a vertical bar";
    case ValueSlot::kActors: return "sorted actor keys joined by a vertical bar";
    case ValueSlot::kLanguage: return "ISO 639-1 code";
    case ValueSlot::kSource: return "folded source name";
    case ValueSlot::kCollapseKey: return "16 hex digits: hash of folded title + first 50 body words";
    case ValueSlot::kMetadata: return "binary metadata record (see Document data below)";
  }
  return "?";
}

// FNV-1a 64; stable across platforms and releases (stored in terms).
uint64_t Fnv1a64(absl::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

constexpr int CountSlotFields() {
  int n = 0;
  for (const Field& f : kFields) n += f.slot.has_value() ? 1 : 0;
  return n;
}
static_assert(CountSlotFields() == kFacetFieldCount,
              "kFacetFieldCount must equal the number of fields with a value slot");

}  // namespace

absl::Span<const Field> Fields() { return kFields; }

const Field& GetField(FieldId id) {
  for (const Field& f : kFields) {
    if (f.id == id) return f;
  }
  assert(false && "every FieldId has a table entry");
  return kFields[0];
}

const Field* FindFieldByQueryName(absl::string_view query_name) {
  for (const Field& f : kFields) {
    if (f.user_visible && !f.retired && !f.query_name.empty() &&
        f.query_name == query_name)
      return &f;
  }
  return nullptr;
}

std::string BooleanTerm(FieldId field, absl::string_view value) {
  const Field& f = GetField(field);
  assert(f.kind == FieldKind::kBoolean);
  std::string term = absl::StrCat(f.prefix, value);
  if (term.size() <= kMaxTermBytes) return term;
  // Keep a readable head and append a hash of the whole value.
  std::string hashed = term.substr(0, kMaxTermBytes - 17);
  // Do not cut a UTF-8 sequence in half.
  while (!hashed.empty() && (static_cast<unsigned char>(hashed.back()) & 0xC0) == 0x80)
    hashed.pop_back();
  if (!hashed.empty() && (static_cast<unsigned char>(hashed.back()) & 0xC0) == 0xC0)
    hashed.pop_back();
  absl::StrAppend(&hashed, "#", absl::StrFormat("%016x", Fnv1a64(value)));
  return hashed;
}

std::string FreeTextTerm(FieldId field, absl::string_view stem) {
  const Field& f = GetField(field);
  assert(f.kind == FieldKind::kFreeText);
  return absl::StrCat("Z", f.prefix, stem);
}

std::string PackValues(std::vector<std::string> values) {
  for (std::string& v : values) {
    std::replace(v.begin(), v.end(), kPackedSeparator, ' ');
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return absl::StrJoin(values, std::string(1, kPackedSeparator));
}

std::vector<std::string> UnpackValues(absl::string_view packed) {
  if (packed.empty()) return {};
  return absl::StrSplit(packed, kPackedSeparator);
}

absl::Status StampSchemaVersion(Xapian::WritableDatabase& db) {
  return CallXapian("writing schema version", [&] {
    db.set_metadata(kSchemaVersionKey, std::to_string(kSchemaVersion));
  });
}

absl::Status CheckSchemaVersion(const Xapian::Database& db, absl::string_view path) {
  auto version = CallXapian("reading schema version",
                            [&] { return db.get_metadata(kSchemaVersionKey); });
  if (!version.ok()) return version.status();
  if (version->empty()) {
    auto count = CallXapian("reading document count", [&] { return db.get_doccount(); });
    if (!count.ok()) return count.status();
    if (*count == 0) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": not a newsdex index (no ", kSchemaVersionKey, " metadata)"));
  }
  if (*version != std::to_string(kSchemaVersion)) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": index has schema version ", *version, ", this newsdex reads version ",
        kSchemaVersion, "; re-index the articles into a new database"));
  }
  return absl::OkStatus();
}

std::string SchemaTableMarkdown() {
  std::string out =
      "| query name | prefix | kind | user-visible | wdf | value slot | status | "
      "meaning |\n|---|---|---|---|---|---|---|---|\n";
  for (const Field& f : kFields) {
    absl::StrAppend(
        &out, "| ", f.query_name.empty() ? "(default)" : f.query_name, " | ",
        f.prefix.empty() ? "(none)" : absl::StrCat("`", f.prefix, "`"), " | ",
        f.kind == FieldKind::kFreeText ? "free text" : "boolean", " | ",
        f.user_visible ? "yes" : "no", " | ", f.wdf_inc, " | ",
        f.slot ? absl::StrCat(static_cast<int>(*f.slot), " ", SlotName(*f.slot)) : "-",
        " | ", f.retired ? "retired" : "live", " | ", f.description, " |\n");
  }
  absl::StrAppend(&out, "\n| slot | name | encoding |\n|---|---|---|\n");
  constexpr ValueSlot kSlots[] = {ValueSlot::kDate,     ValueSlot::kCountries,
                                  ValueSlot::kFocusCountries, ValueSlot::kActors,
                                  ValueSlot::kLanguage, ValueSlot::kSource,
                                  ValueSlot::kCollapseKey, ValueSlot::kMetadata};
  for (ValueSlot slot : kSlots) {
    absl::StrAppend(&out, "| ", static_cast<int>(slot), " | ", SlotName(slot), " | ",
                    SlotEncoding(slot), " |\n");
  }
  return out;
}

}  // namespace newsdex::core

#include "core/article.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/schema.h"

namespace newsdex::core {

absl::Status ValidateId(absl::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("article has no id");
  if (id.size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat("id of ", id.size(),
                                                   " bytes is over the limit of ", kMaxIdBytes,
                                                   " bytes"));
  }
  return absl::OkStatus();
}

std::string FormatIsoDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string FormatCompactDate(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

std::optional<absl::CivilDay> ParseIsoDate(absl::string_view text) {
  std::string digits;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    digits = absl::StrCat(text.substr(0, 4), text.substr(5, 2), text.substr(8, 2));
  } else if (text.size() == 8) {
    digits = std::string(text);
  } else {
    return std::nullopt;
  }
  for (char c : digits) {
    if (!absl::ascii_isdigit(c)) return std::nullopt;
  }
  int y = 0, m = 0, d = 0;
  if (!absl::SimpleAtoi(digits.substr(0, 4), &y) ||
      !absl::SimpleAtoi(digits.substr(4, 2), &m) ||
      !absl::SimpleAtoi(digits.substr(6, 2), &d))
    return std::nullopt;
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day;
}

namespace {

// The metadata record (layout version 3). Integers are unsigned LEB128
// varints; a string is its byte length as a varint, then its bytes. In order:
//   version byte (3), id, url, title, date ("YYYYMMDD" or empty), source,
//   language, countries: count, then per country code, name, mentions,
//   focus (one byte 0/1); actors: count, then per actor name, mentions,
//   country, role; mentioned dates: count, then each as a string.
// No field is optional, so the record needs no tags; a new field means a new
// version byte.
constexpr unsigned char kMetadataVersion = 3;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

void PutString(std::string* out, absl::string_view s) {
  PutVarint(out, s.size());
  out->append(s.data(), s.size());
}

// Reads the record front to back; the first failure sticks and every later
// read returns a neutral value, so decoding checks once at the end.
class RecordReader {
 public:
  explicit RecordReader(absl::string_view in) : in_(in) {}

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail();
      const auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return Fail();
  }
  std::string String() {
    const uint64_t n = Varint();
    if (n > in_.size()) return Fail(), std::string();
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  int Int() {
    const uint64_t v = Varint();
    return v > static_cast<uint64_t>(std::numeric_limits<int>::max()) ? (Fail(), 0)
                                                                      : static_cast<int>(v);
  }
  // A count of items that take at least one byte each: a count larger than
  // the rest of the record is corrupt, and checking it bounds allocation.
  size_t Count() {
    const uint64_t n = Varint();
    return n > in_.size() ? (Fail(), 0) : static_cast<size_t>(n);
  }
  bool ok() const { return ok_; }
  bool at_end() const { return in_.empty(); }

 private:
  uint64_t Fail() {
    ok_ = false;
    in_ = {};
    return 0;
  }
  absl::string_view in_;
  bool ok_ = true;
};

absl::StatusOr<Article> DecodeLegacyDocData(absl::string_view data);

}  // namespace

std::string EncodeMetadata(const Article& a) {
  std::string out;
  out.reserve(64 + a.title.size() + a.url.size() + 32 * (a.countries.size() + a.actors.size()));
  out.push_back(static_cast<char>(kMetadataVersion));
  PutString(&out, a.id);
  PutString(&out, a.url);
  PutString(&out, a.title);
  PutString(&out, a.date ? FormatCompactDate(*a.date) : std::string());
  PutString(&out, a.source);
  PutString(&out, a.language);
  PutVarint(&out, a.countries.size());
  for (const CountryFacet& c : a.countries) {
    PutString(&out, c.code);
    PutString(&out, c.name);
    PutVarint(&out, static_cast<uint64_t>(std::max(c.mentions, 0)));
    out.push_back(c.focus ? 1 : 0);
  }
  PutVarint(&out, a.actors.size());
  for (const ActorFacet& p : a.actors) {
    PutString(&out, p.name);
    PutVarint(&out, static_cast<uint64_t>(std::max(p.mentions, 0)));
    PutString(&out, p.country);
    PutString(&out, p.role);
  }
  PutVarint(&out, a.mentioned_dates.size());
  for (const MentionedDate& d : a.mentioned_dates) PutString(&out, d);
  return out;
}

StoredArticle EncodeStoredArticle(const Article& a) { return {EncodeMetadata(a), a.body}; }

absl::StatusOr<Article> DecodeStoredArticle(absl::string_view metadata, absl::string_view data) {
  if (metadata.empty()) return DecodeLegacyDocData(data);
  if (static_cast<unsigned char>(metadata.front()) != kMetadataVersion) {
    return absl::DataLossError(absl::StrCat("metadata record has unknown version ",
                                            static_cast<int>(static_cast<unsigned char>(metadata.front())),
                                            "; expected ", kMetadataVersion));
  }
  RecordReader r(metadata.substr(1));
  Article a;
  a.id = r.String();
  a.url = r.String();
  a.title = r.String();
  const std::string date = r.String();
  a.source = r.String();
  a.language = r.String();
  a.countries.resize(r.Count());
  for (CountryFacet& c : a.countries) {
    c.code = r.String();
    c.name = r.String();
    c.mentions = r.Int();
    c.focus = r.Varint() != 0;
  }
  a.actors.resize(r.Count());
  for (ActorFacet& p : a.actors) {
    p.name = r.String();
    p.mentions = r.Int();
    p.country = r.String();
    p.role = r.String();
  }
  a.mentioned_dates.resize(r.Count());
  for (MentionedDate& d : a.mentioned_dates) d = r.String();
  if (!r.ok()) return absl::DataLossError("metadata record is truncated or corrupt");
  if (!r.at_end()) return absl::DataLossError("metadata record has trailing bytes");
  if (!date.empty()) {
    a.date = ParseIsoDate(date);
    if (!a.date) return absl::DataLossError(absl::StrCat("metadata record has a bad date \"", date, "\""));
  }
  a.body = std::string(data);
  return a;
}

namespace {

// Typed reads of the version-2 layout's fields: a field of another type (or a
// count out of range) reads as absent, so damaged data decodes to what can be
// trusted instead of throwing (json::value throws type_error on a mismatch).
std::string JsonString(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int JsonCount(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return 0;
  const int64_t n = it->get<int64_t>();
  return n < 0 ? 0 : static_cast<int>(std::min<int64_t>(n, std::numeric_limits<int>::max()));
}

bool JsonBool(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

// Layout version 2: one line of compact JSON, a newline, the body.
absl::StatusOr<Article> DecodeLegacyDocData(absl::string_view data) {
  const size_t newline = data.find('\n');
  if (newline == absl::string_view::npos) {
    return absl::DataLossError("document data has no metadata line");
  }
  const absl::string_view meta = data.substr(0, newline);
  nlohmann::json j = nlohmann::json::parse(meta.begin(), meta.end(), nullptr,
                                           /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::DataLossError("document data is not a JSON object");
  }
  auto version = j.find("v");
  if (version == j.end() || !version->is_number_integer() ||
      version->get<int>() != 2) {
    return absl::DataLossError(
        "document data has no metadata record and is not the version 2 layout");
  }
  auto str = [&](const char* key) { return JsonString(j, key); };
  Article a;
  a.id = str("id");
  a.url = str("url");
  a.title = str("title");
  a.source = str("source");
  a.language = str("lang");
  a.body = std::string(data.substr(newline + 1));
  if (std::string d = str("date"); !d.empty()) a.date = ParseIsoDate(d);
  if (auto it = j.find("countries"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (!c.is_object()) continue;
      CountryFacet f;
      f.code = JsonString(c, "code");
      f.name = JsonString(c, "name");
      f.mentions = JsonCount(c, "mentions");
      f.focus = JsonBool(c, "focus");
      a.countries.push_back(std::move(f));
    }
  }
  if (auto it = j.find("actors"); it != j.end() && it->is_array()) {
    for (const auto& p : *it) {
      if (!p.is_object()) continue;
      ActorFacet f;
      f.name = JsonString(p, "name");
      f.mentions = JsonCount(p, "mentions");
      f.country = JsonString(p, "country");
      f.role = JsonString(p, "role");
      a.actors.push_back(std::move(f));
    }
  }
  if (auto it = j.find("dates"); it != j.end() && it->is_array()) {
    for (const auto& d : *it) {
      if (d.is_string()) a.mentioned_dates.push_back(d.get<std::string>());
    }
  }
  return a;
}

}  // namespace

}  // namespace newsdex::core

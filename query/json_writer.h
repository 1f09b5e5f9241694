// JSON text written straight into a string, for the hot paths (a /search
// answer is rendered per request; an nlohmann tree's allocations cost about
// as much as the rest of the daemon's HTTP layer). The text is what
// nlohmann's compact dump() writes for the same values, so either can read
// or check the other's output.
//
// Thread safety: free functions without shared state; a JsonObjectWriter is
// used by one thread.
#ifndef NEWSDEX_QUERY_JSON_WRITER_H_
#define NEWSDEX_QUERY_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace newsdex::query {

// Appends `text` as a JSON string literal (quotes included). Escapes '"', '\\'
// and control characters; other bytes are copied, except that ill-formed
// UTF-8 is replaced by U+FFFD, one per maximal ill-formed subsequence (as
// nlohmann's error_handler_t::replace does), so the output is always valid JSON.
void AppendJsonString(absl::string_view text, std::string* out);

// Appends a JSON number: the shortest text that reads back as `value`
// ("1.0" for integral values, so it stays a float); null if not finite.
void AppendJsonDouble(double value, std::string* out);

// Appends `items` as a JSON array, each written by `write(item, out)`.
template <typename T, typename Write>
void AppendJsonArray(const std::vector<T>& items, std::string* out, Write&& write) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->push_back(',');
    write(items[i], out);
  }
  out->push_back(']');
}

// An object key written in the source: checked at compile time to need no
// escaping, and stored as its JSON text (`"key":`) so writing it is one copy.
class JsonKey {
 public:
  template <size_t N>
  consteval JsonKey(const char (&key)[N]) : size_(N + 2) {  // NOLINT: implicit by design
    static_assert(N + 2 <= sizeof(text_), "JSON key too long");
    text_[0] = '"';
    for (size_t i = 0; i + 1 < N; ++i) {
      const char c = key[i];
      // Not a constant expression: the compiler rejects such a key.
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
        throw "a JSON key literal must need no escaping";
      }
      text_[i + 1] = c;
    }
    text_[N] = '"';
    text_[N + 1] = ':';
  }
  absl::string_view text() const { return absl::string_view(text_, size_); }

 private:
  char text_[32] = {};
  size_t size_;
};

// Writes one JSON object member by member, in call order:
//   JsonObjectWriter o(&out);
//   o.String("id", id);
//   o.Uint("count", n);
//   o.Close();
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  // Writes `"key":` (after a comma if needed) and returns the string the
  // member's value must be appended to.
  std::string* Key(const JsonKey& key) {
    Separate();
    const absl::string_view text = key.text();
    out_->append(text.data(), text.size());
    return out_;
  }
  // The same for a key that comes from data: escaped like any string.
  std::string* EscapedKey(absl::string_view key) {
    Separate();
    AppendJsonString(key, out_);
    out_->push_back(':');
    return out_;
  }
  void String(const JsonKey& key, absl::string_view value) { AppendJsonString(value, Key(key)); }
  void Int(const JsonKey& key, int64_t value) { absl::StrAppend(Key(key), value); }
  void Uint(const JsonKey& key, uint64_t value) { absl::StrAppend(Key(key), value); }
  void Bool(const JsonKey& key, bool value) { Key(key)->append(value ? "true" : "false"); }
  void Double(const JsonKey& key, double value) { AppendJsonDouble(value, Key(key)); }
  void Null(const JsonKey& key) { Key(key)->append("null"); }
  // Writes the closing brace. Call once, last.
  void Close() { out_->push_back('}'); }

 private:
  void Separate() {
    if (!first_) out_->push_back(',');
    first_ = false;
  }

  std::string* out_;
  bool first_ = true;
};

}  // namespace newsdex::query

#endif  // NEWSDEX_QUERY_JSON_WRITER_H_

#include "query/json_writer.h"

#include <charconv>
#include <cmath>

#include "core/utf8.h"

namespace newsdex::query {

namespace {

// Appends the escape of an ASCII character JSON does not allow as is.
void AppendEscaped(unsigned char c, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
    case '"': out->append("\\\""); return;
    case '\\': out->append("\\\\"); return;
    case '\b': out->append("\\b"); return;
    case '\f': out->append("\\f"); return;
    case '\n': out->append("\\n"); return;
    case '\r': out->append("\\r"); return;
    case '\t': out->append("\\t"); return;
  }
  const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
  out->append(u, sizeof(u));
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  out->reserve(out->size() + n + 2);
  out->push_back('"');
  size_t copied = 0;  // text[copied, i) is pending, copied as is
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    size_t bad = 0;
    const size_t len = c >= 0x80 ? core::utf8::SequenceLength(text, i, &bad) : 0;
    if (len > 0) {
      i += len;
      continue;
    }
    out->append(text.data() + copied, i - copied);
    if (bad > 0) {
      out->append("\xEF\xBF\xBD");  // U+FFFD for the maximal ill-formed subsequence
      i += bad;
    } else {
      AppendEscaped(c, out);
      ++i;
    }
    copied = i;
  }
  out->append(text.data() + copied, n - copied);
  out->push_back('"');
}

void AppendJsonDouble(double value, std::string* out) {
  if (!std::isfinite(value)) {
    out->append("null");
    return;
  }
  char buf[32];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), value);
  const absl::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  out->append(text.data(), text.size());
  if (text.find_first_of(".e") == absl::string_view::npos) out->append(".0");
}

}  // namespace newsdex::query

#include "query/json_writer.h"

#include <charconv>
#include <cmath>

namespace newsdex::query {
namespace {

// Length of the well-formed UTF-8 sequence starting at p[0] (a byte >= 0x80),
// or 0 if ill-formed; then *bad is the length of its maximal ill-formed
// prefix (at least 1), the bytes one U+FFFD stands for (Unicode 15, 3.9).
size_t Utf8SequenceLength(const unsigned char* p, size_t n, size_t* bad) {
  const unsigned char c = p[0];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    *bad = 1;
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    const unsigned char b = k < n ? p[k] : 0;
    const bool ok = k < n && (k == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF));
    if (!ok) {
      *bad = k;
      return 0;
    }
  }
  return len;
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
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
    if (c >= 0x80) {
      const size_t len = Utf8SequenceLength(p + i, n - i, &bad);
      if (len > 0) {
        i += len;
        continue;
      }
    }
    out->append(text.data() + copied, i - copied);
    if (bad > 0) {
      out->append("\xEF\xBF\xBD");
      i += bad;
    } else {
      switch (c) {
        case '"': out->append("\\\""); break;
        case '\\': out->append("\\\\"); break;
        case '\b': out->append("\\b"); break;
        case '\f': out->append("\\f"); break;
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default: {
          const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          out->append(u, sizeof(u));
        }
      }
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

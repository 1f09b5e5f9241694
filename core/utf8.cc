#include "core/utf8.h"

namespace newsdex::core::utf8 {

size_t SequenceLength(absl::string_view text, size_t i, size_t* bad) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + i;
  const size_t n = text.size() - i;
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
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
    if (bad != nullptr) *bad = 1;
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    const bool ok = k < n && (k == 1 ? (p[k] >= lo && p[k] <= hi) : (p[k] & 0xC0) == 0x80);
    if (!ok) {
      if (bad != nullptr) *bad = k;
      return 0;
    }
  }
  return len;
}

size_t Decode(absl::string_view text, size_t i, char32_t* cp) {
  size_t bad = 0;
  const size_t len = SequenceLength(text, i, &bad);
  if (len == 0) {
    *cp = kReplacement;
    return bad;
  }
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + i;
  static constexpr unsigned char kLeadMask[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  char32_t v = p[0] & kLeadMask[len];
  for (size_t k = 1; k < len; ++k) v = (v << 6) | (p[k] & 0x3F);
  *cp = v;
  return len;
}

bool IsValid(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = SequenceLength(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

void Append(char32_t cp, std::string* out) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = kReplacement;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string Repair(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    size_t bad = 0;
    const size_t len = SequenceLength(text, i, &bad);
    if (len > 0) {
      out.append(text.data() + i, len);
      i += len;
    } else {
      Append(kReplacement, &out);
      i += bad;
    }
  }
  return out;
}

}  // namespace newsdex::core::utf8

#include "indexer/internal/text_cleaning.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "core/utf8.h"

namespace newsdex::indexer::internal {
namespace {

// Windows-1252 0x80..0x9F. 0 marks the five undefined bytes.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

}  // namespace

void AppendCleanText(absl::string_view in, std::string* out) {
  const auto* begin = reinterpret_cast<const unsigned char*>(in.data());
  const auto* p = begin;
  const auto* end = p + in.size();
  out->reserve(out->size() + in.size());
  while (p < end) {
    // Fast path: a run of printable ASCII, tab or LF is copied in one go.
    const unsigned char* run = p;
    while (run < end && ((*run >= 0x20 && *run < 0x7F) || *run == '\n' || *run == '\t')) {
      ++run;
    }
    if (run > p) {
      out->append(reinterpret_cast<const char*>(p), run - p);
      p = run;
      if (p == end) break;
    }
    unsigned char c = *p;
    if (c < 0x80) {
      if (c == '\r') {
        // "\r\n" -> "\n" (the '\n' is copied next); a lone '\r' -> '\n'.
        if (p + 1 == end || p[1] != '\n') out->push_back('\n');
      }
      ++p;  // other controls and DEL are dropped
      continue;
    }
    const size_t len = core::utf8::SequenceLength(in, p - begin);
    if (len > 0) {
      out->append(reinterpret_cast<const char*>(p), len);
      p += len;
      continue;
    }
    if (c < 0xA0) {
      char16_t cp = kCp1252High[c - 0x80];
      core::utf8::Append(cp == 0 ? core::utf8::kReplacement : cp, out);
    } else {
      core::utf8::Append(c, out);  // Latin-1 = Windows-1252 here
    }
    ++p;
  }
}

std::string CleanText(absl::string_view in) {
  std::string out;
  AppendCleanText(in, &out);
  return out;
}

bool LooksBinary(absl::string_view prefix) {
  size_t controls = 0;
  for (char ch : prefix) {
    auto c = static_cast<unsigned char>(ch);
    if (c == 0) return true;
    // Tab, LF, VT, FF and CR occur in text; ESC, backspace and the rest
    // rarely do.
    if (c < 0x20 && !(c >= '\t' && c <= '\r')) ++controls;
  }
  return controls * 10 > prefix.size();
}

std::string CollapseWhitespace(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace newsdex::indexer::internal

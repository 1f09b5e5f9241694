// Text clean-up shared by the article readers: any input bytes to valid UTF-8
// (invalid bytes read as Windows-1252), control characters dropped, line ends
// unified; binary-file detection; whitespace helpers.
//
// Thread safety: stateless functions, safe to call from any thread.
#ifndef NEWSDEX_INDEXER_INTERNAL_TEXT_CLEANING_H_
#define NEWSDEX_INDEXER_INTERNAL_TEXT_CLEANING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newsdex::indexer::internal {

// Appends `in` to `out` as valid UTF-8: well-formed UTF-8 sequences are copied;
// every other byte is taken as a Windows-1252 character (0xA3 -> "£",
// 0xFC -> "ü"; the five bytes 0x81 0x8D 0x8F 0x90 0x9D that Windows-1252 leaves
// undefined become U+FFFD). "\r\n" and a lone "\r" become "\n"; other C0
// control characters except "\t" and "\n", and DEL, are dropped.
void AppendCleanText(absl::string_view in, std::string* out);
std::string CleanText(absl::string_view in);

// Whether the first bytes of a file look binary: a NUL byte, or more than 10%
// control bytes (C0 other than tab, LF, VT, FF, CR, ESC... see .cc).
bool LooksBinary(absl::string_view prefix);

// `text` with runs of ASCII whitespace turned into one space, trimmed.
std::string CollapseWhitespace(absl::string_view text);

}  // namespace newsdex::indexer::internal

#endif  // NEWSDEX_INDEXER_INTERNAL_TEXT_CLEANING_H_

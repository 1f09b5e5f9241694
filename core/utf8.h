// The one UTF-8 module: validation, decoding, encoding and repair, all by the
// same rule (RFC 3629 / Unicode 15 section 3.9: no overlongs, no surrogates,
// nothing above U+10FFFF). Every reader, renderer and parameter check in
// newsdex goes through here so that "valid" means the same thing everywhere.
#ifndef NEWSDEX_CORE_UTF8_H_
#define NEWSDEX_CORE_UTF8_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace newsdex::core::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Length (1..4) of the well-formed sequence that starts at text[i], or 0 when
// the bytes there are ill-formed. Then, if `bad` is not null, *bad is the
// length of the maximal ill-formed subsequence (at least 1): the bytes one
// U+FFFD stands for when repairing. Requires i < text.size().
size_t SequenceLength(absl::string_view text, size_t i, size_t* bad = nullptr);

// Decodes the code point at text[i] into *cp and returns the bytes it spans;
// an ill-formed subsequence decodes as U+FFFD and spans its maximal length.
// Requires i < text.size().
size_t Decode(absl::string_view text, size_t i, char32_t* cp);

// True if every byte of `text` belongs to a well-formed sequence.
bool IsValid(absl::string_view text);

// Appends the encoding of `cp` (U+FFFD if it is not a Unicode scalar value).
void Append(char32_t cp, std::string* out);

// `text` with each maximal ill-formed subsequence replaced by U+FFFD.
std::string Repair(absl::string_view text);

}  // namespace newsdex::core::utf8

#endif  // NEWSDEX_CORE_UTF8_H_

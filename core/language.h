// Language identification of article text (CLD2), returning ISO 639-1 codes.
// Thread-safe: CLD2 keeps no mutable state.
#ifndef NEWSDEX_CORE_LANGUAGE_H_
#define NEWSDEX_CORE_LANGUAGE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace newsdex::core {

inline constexpr char kDefaultLanguage[] = "en";

// Detects the language of `text` (valid UTF-8; callers repair it first).
// Returns kDefaultLanguage when the text is too short or CLD2 is unsure.
// Looks at most at the first 16 KiB.
std::string DetectLanguage(absl::string_view text);

// Canonicalizes a language given by metadata: "EN", "en-GB", "english" -> "en".
// Returns empty if it cannot be recognized.
std::string CanonicalLanguage(absl::string_view given);

}  // namespace newsdex::core

#endif  // NEWSDEX_CORE_LANGUAGE_H_

#include "core/language.h"

#include <cld2/public/compact_lang_det.h>

#include <algorithm>

#include "absl/strings/ascii.h"

// CLD2's code-for-language function lives in a header Debian installs under
// internal/; declaring it here avoids depending on that header's other parts.
namespace CLD2 {
const char* LanguageCode(Language lang);
Language GetLanguageFromName(const char* src);
}  // namespace CLD2

namespace newsdex::core {

std::string DetectLanguage(absl::string_view text) {
  constexpr size_t kMaxBytes = 16 * 1024;
  size_t n = std::min(text.size(), kMaxBytes);
  // Do not cut a UTF-8 sequence.
  while (n > 0 && n < text.size() &&
         (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
    --n;
  if (n < 20) return kDefaultLanguage;
  bool reliable = false;
  CLD2::Language lang =
      CLD2::DetectLanguage(text.data(), static_cast<int>(n), /*is_plain_text=*/true, &reliable);
  if (!reliable || lang == CLD2::UNKNOWN_LANGUAGE) return kDefaultLanguage;
  std::string code = CLD2::LanguageCode(lang);
  // CLD2 reports some languages with region or script tags ("zh-Hant").
  if (auto dash = code.find('-'); dash != std::string::npos) code.resize(dash);
  if (code.size() != 2) return kDefaultLanguage;
  return code;
}

std::string CanonicalLanguage(absl::string_view given) {
  std::string s = absl::AsciiStrToLower(absl::StripAsciiWhitespace(given));
  if (auto sep = s.find_first_of("-_"); sep != std::string::npos) s.resize(sep);
  if (s.size() == 2 && absl::ascii_isalpha(s[0]) && absl::ascii_isalpha(s[1])) return s;
  if (s.size() > 2) {
    CLD2::Language lang = CLD2::GetLanguageFromName(s.c_str());
    if (lang != CLD2::UNKNOWN_LANGUAGE) {
      std::string code = CLD2::LanguageCode(lang);
      if (code.size() == 2) return code;
    }
  }
  return std::string();
}

}  // namespace newsdex::core
